"""Settings: tolerances, thresholds, grade scale, rule selection, family parameters.

Read from ``budgetlint.toml`` (top level) or the ``[tool.budgetlint]`` table of
``pyproject.toml``, found in the current folder or its parents, or named with
``--config``.  Every key is optional; the defaults are documented below.
Every key is type-checked when the file is read: a bad value raises
:class:`SettingsError` naming the file and the key, so a check never runs (and
passes) with settings that are not what the user meant.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from budgetlint.params import (
    FamilyParams,
    ParamError,
    boolean,
    describe,
    number_in,
    string,
    string_list,
    table,
    toml_text,
)

DEFAULT_GRADES: tuple[tuple[float, str], ...] = (
    (90.0, "优秀"),
    (80.0, "良好"),
    (60.0, "合格"),
    (0.0, "不合格"),
)
NATIONAL_GRADES: tuple[tuple[float, str], ...] = (
    (90.0, "优"),
    (80.0, "良"),
    (60.0, "中"),
    (0.0, "差"),
)


class SettingsError(ValueError):
    """A settings file that cannot be used; the message names the file and key."""


@dataclass
class Settings:
    """All settings with their defaults."""

    #: A printed value may differ from the recomputed one by this many units of
    #: its last printed decimal and still count as equal (0.5 = correct rounding).
    rounding_units: float = 0.5
    #: An actual above ``over_achievement_ratio`` × target (a lower-bound or
    #: quantity target) is an over-achievement that needs a reason.
    over_achievement_ratio: float = 1.2
    #: An 执行率 above this is over-execution.
    max_rate: float = 1.0
    #: Grade bands, highest first: (minimum score, grade).
    grades: tuple[tuple[float, str], ...] = DEFAULT_GRADES
    #: Cost-indicator amounts may differ from the fund block by this share.
    cost_tolerance: float = 0.01
    #: Rule codes (or prefixes) to run; empty = all.
    select: list[str] = field(default_factory=list)
    #: Rule codes (or prefixes) to skip.
    ignore: list[str] = field(default_factory=list)
    #: A cell note starting with this marks the cell's findings as explained.
    explained_marker: str = "【已说明】"
    #: Recompute the formula cells of the forms before checking (budgetlint.recompute):
    #: a formula cell without a cached value is checked with its recomputed value
    #: (S408), a cached value that differs from its recomputation is reported (S407).
    #: False: formula cells are checked with what the file stores (none: S406).
    recompute: bool = True
    #: Per-family parameter overrides: {family key: {param: value}}.
    families: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: Limits of one workbook (see budgetlint.hosts.Limits); past one, the file is
    #: unreadable (a clear error for that file) and the batch goes on.  The defaults
    #: are far above any department's workbook.
    #: Total uncompressed size of a workbook's parts, in MB.
    max_uncompressed_mb: float = 200.0
    #: Uncompressed ÷ compressed size of one part above 1 MB (a zip bomb's is ~1000).
    max_compression_ratio: float = 100.0
    #: Cells holding a value or a formula, per worksheet.
    max_cells_per_sheet: int = 1_000_000
    #: Worksheets per workbook.
    max_sheets: int = 500
    #: Characters in one cell or one note (Excel's own limit is 32767).
    max_cell_chars: int = 32767
    #: Where the settings came from ('' for defaults).
    source: str = ""

    def family_params(self, family: str) -> FamilyParams:
        from budgetlint.families import FAMILIES

        base = FAMILIES[family].params if family in FAMILIES else FamilyParams()
        over = self.families.get(family)
        return base.with_overrides(over) if over else base

    def grade_for(self, score: float) -> str:
        for low, name in self.grades:
            if score >= low - 1e-9:
                return name
        return self.grades[-1][1]

    def enabled(self, code: str, default: bool = True) -> bool:
        """Whether rule ``code`` runs; an opt-in rule (default False) only when selected by code."""
        if any(code.startswith(s) for s in self.ignore):
            return False
        if not default:
            return code in self.select
        return not self.select or any(code.startswith(s) for s in self.select)

    @classmethod
    def from_mapping(cls, data: dict[str, Any], source: str = "", key_prefix: str = "") -> Settings:
        """Settings from a TOML table, every key type-checked.

        A bad key raises :class:`SettingsError` naming ``source`` (the file) and
        the key (after ``key_prefix``, e.g. ``tool.budgetlint.``)::

            budgetlint.toml: rounding_units 应为数字，实际为字符串 "0.5"
        """
        where = source or "设置"
        try:
            return cls(**_check_mapping(data, key_prefix), source=source)
        except ParamError as e:
            raise SettingsError(f"{where}: {e}") from e

    @classmethod
    def load(cls, path: str | Path | None = None, start: str | Path | None = None) -> Settings:
        """Load from ``path``, or find budgetlint.toml / pyproject.toml from ``start`` up."""
        if path is not None:
            found = cls._load_file(Path(path), required=True)
            assert found is not None  # required=True raises instead
            return found
        here = Path(start or Path.cwd()).resolve()
        for d in (here, *here.parents):
            for name in ("budgetlint.toml", "pyproject.toml"):
                p = d / name
                if p.is_file():
                    s = cls._load_file(p, required=False)
                    if s is not None:
                        return s
        return cls()

    @classmethod
    def _load_file(cls, p: Path, required: bool) -> Settings | None:
        """Settings from ``p``; None for a pyproject.toml without [tool.budgetlint] (unless required)."""
        import tomllib  # only when a settings file is read: a check without one never needs it

        try:
            data = tomllib.loads(p.read_text(encoding="utf-8"))
        except OSError as e:
            raise SettingsError(f"{p}: 无法读取（{e.strerror or e}）") from e
        except UnicodeDecodeError as e:
            raise SettingsError(f"{p}: 不是 UTF-8 编码的文本（{e.reason}）") from e
        except tomllib.TOMLDecodeError as e:
            raise SettingsError(f"{p}: 不是有效的 TOML（{e}）") from e
        if p.name == "pyproject.toml":
            tool = data.get("tool")
            table = tool.get("budgetlint") if isinstance(tool, dict) else None
            if table is None:
                if required:
                    raise SettingsError(f"{p}: 没有 [tool.budgetlint] 表")
                return None
            if not isinstance(table, dict):
                raise SettingsError(f"{p}: tool.budgetlint 应为表，实际为{describe(table)}")
            return cls.from_mapping(table, str(p), key_prefix="tool.budgetlint.")
        return cls.from_mapping(data, str(p))


# --- checking ----------------------------------------------------------------------------


def _check_mapping(data: object, prefix: str) -> dict[str, Any]:
    """The keyword arguments of :class:`Settings` from a TOML table; ParamError when bad."""
    data = table(prefix.rstrip(".") or "设置", data)
    checks = _CHECKS
    unknown = [k for k in data if k not in checks]
    if unknown:
        known = "、".join(checks)
        raise ParamError(
            "、".join(f"{prefix}{k}" for k in unknown), f"不是设置项（可用的设置项：{known}）"
        )
    return {k: checks[k](f"{prefix}{k}", v) for k, v in data.items()}


def _grades(key: str, value: object) -> tuple[tuple[float, str], ...]:
    """Grades: "default", "national" or [[minimum score, grade], …]."""
    if isinstance(value, str):
        name = string(key, value, choices=tuple(GRADE_SCALES))
        return GRADE_SCALES[name]
    if not isinstance(value, list) or not value:
        raise ParamError(
            key,
            f'应为 "default"、"national" 或 [[最低分, 等级], …]，实际为{describe(value)}',
        )
    bands: list[tuple[float, str]] = []
    for i, band in enumerate(value):
        k = f"{key}[{i}]"
        if not isinstance(band, list) or len(band) != 2:
            raise ParamError(k, f"应为 [最低分, 等级]，实际为{describe(band)}")
        low = number_in(f"{k}[0]", band[0], lambda x: 0 <= x <= 100, "[0, 100]")
        bands.append((low, string(f"{k}[1]", band[1], nonempty=True)))
    lows = [low for low, _ in bands]
    if len(set(lows)) != len(lows):
        dup = next(x for x in lows if lows.count(x) > 1)
        raise ParamError(key, f"中最低分 {dup:g} 出现了不止一次")
    return tuple(sorted(bands, reverse=True))


def _codes(key: str, value: object) -> list[str]:
    codes = string_list(key, value)
    bad = unknown_codes(codes)
    if bad:
        raise ParamError(
            key, f"中的规则代码未知：{codes_text(bad)}；已知代码：{codes_text(known_codes())}"
        )
    return codes


def _families(key: str, value: object) -> dict[str, dict[str, Any]]:
    from budgetlint.families import FAMILIES

    out: dict[str, dict[str, Any]] = {}
    for fam, over in table(key, value).items():
        if fam not in FAMILIES:
            known = "、".join(FAMILIES)
            raise ParamError(f"{key}.{fam}", f"不是已知的版式（可用的版式：{known}）")
        out[fam] = FamilyParams.check_overrides(over, where=f"{key}.{fam}.")
    return out


def _count(key: str, value: object) -> int:
    """A whole number ≥ 1 (a TOML integer; 1e6 written as a float is accepted when whole)."""
    x = number_in(key, value, lambda x: x >= 1 and x == int(x), "[1, +∞) 的整数")
    return int(x)


GRADE_SCALES: dict[str, tuple[tuple[float, str], ...]] = {
    "default": DEFAULT_GRADES,
    "national": NATIONAL_GRADES,
}


#: One checker per Settings field (``source`` is not a key of the file).
_CHECKS: dict[str, Callable[[str, object], Any]] = {
    "rounding_units": lambda k, v: number_in(k, v, lambda x: 0 < x <= 1, "(0, 1]"),
    "over_achievement_ratio": lambda k, v: number_in(k, v, lambda x: x >= 1, "[1, +∞)"),
    "max_rate": lambda k, v: number_in(k, v, lambda x: x > 0, "(0, +∞)"),
    "grades": _grades,
    "cost_tolerance": lambda k, v: number_in(k, v, lambda x: x >= 0, "[0, +∞)"),
    "select": _codes,
    "ignore": _codes,
    "explained_marker": lambda k, v: string(k, v, nonempty=True),
    "recompute": boolean,
    "families": _families,
    "max_uncompressed_mb": lambda k, v: number_in(k, v, lambda x: x > 0, "(0, +∞)"),
    "max_compression_ratio": lambda k, v: number_in(k, v, lambda x: x >= 1, "[1, +∞)"),
    "max_cells_per_sheet": _count,
    "max_sheets": _count,
    "max_cell_chars": _count,
}


def known_codes() -> list[str]:
    """Every code ``select``/``ignore`` may name: the registered rules and the X codes."""
    from budgetlint.results import INTERNAL_CODES
    from budgetlint.rules import all_rules

    return sorted({r.code for r in all_rules()} | set(INTERNAL_CODES))


def unknown_codes(codes: Iterable[str]) -> list[str]:
    """The codes (or prefixes) in ``codes`` that match no known code; a blank one never does."""
    known = known_codes()
    return [c for c in codes if not c or not any(k.startswith(c) for k in known)]


def codes_text(codes: Iterable[str]) -> str:
    """Codes joined for a message; a blank or spaced one is quoted so it shows."""
    return "、".join(c if c and c == c.strip() and " " not in c else toml_text(c) for c in codes)
