"""Settings: tolerances, thresholds, grade scale, rule selection, family parameters.

Read from ``budgetlint.toml`` (top level) or the ``[tool.budgetlint]`` table of
``pyproject.toml``, found in the current folder or its parents, or named with
``--config``.  Every key is optional; the defaults are documented below and
printed by ``budgetlint rules --settings``.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from budgetlint.params import FamilyParams

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
    #: Per-family parameter overrides: {family key: {param: value}}.
    families: dict[str, dict[str, Any]] = field(default_factory=dict)
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
    def from_mapping(cls, data: dict[str, Any], source: str = "") -> Settings:
        known = {f.name for f in fields(cls)} - {"source"}
        unknown = set(data) - known
        if unknown:
            raise SettingsError(
                f"{source or 'settings'}: unknown key(s) {', '.join(sorted(unknown))}"
            )
        kw: dict[str, Any] = dict(data)
        if "grades" in kw:
            g = kw["grades"]
            if g == "national":
                kw["grades"] = NATIONAL_GRADES
            elif g == "default":
                kw["grades"] = DEFAULT_GRADES
            else:
                try:
                    kw["grades"] = tuple(sorted(((float(lo), str(n)) for lo, n in g), reverse=True))
                except (TypeError, ValueError) as e:
                    raise SettingsError(
                        f"{source}: grades must be 'default', 'national' or [[min, name], …]"
                    ) from e
        s = cls(**kw, source=source)
        from budgetlint.families import FAMILIES

        for fam, over in s.families.items():
            if fam not in FAMILIES:
                raise SettingsError(f"{source}: unknown family '{fam}' in families")
            try:
                FAMILIES[fam].params.with_overrides(over)
            except (ValueError, TypeError) as e:
                raise SettingsError(f"{source}: families.{fam}: {e}") from e
        return s

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
        try:
            data = tomllib.loads(p.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as e:
            raise SettingsError(f"{p}: {e}") from e
        if p.name == "pyproject.toml":
            table = data.get("tool", {}).get("budgetlint")
            if table is None:
                if required:
                    raise SettingsError(f"{p}: no [tool.budgetlint] table")
                return None
            return cls.from_mapping(table, str(p))
        return cls.from_mapping(data, str(p))
