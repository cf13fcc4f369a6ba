"""The examples of every rule, as data: ``rules/cases/<CODE>.toml``.

A rule's anti-pattern and best practice are not prose in its docstring but
small complete forms a test runs (``tests/test_rule_cases.py``) and the rule's
page shows (:func:`budgetlint.rules.docs.render_page`), so the page a user
reads is exactly what is tested.  A case file holds one or more ``[[fail]]``
and one or more ``[[pass]]`` tables::

    [[fail]]
    title = "采购服务量得分 12.0 超过分值 10.0"   # Chinese, one line
    cell = "H13"            # fail only: the cell the rule reports (or a list of cells)
    rows = "11,13"          # optional: the rows the page shows (default: all)
    layout = "ten_ninety"   # optional: the family the grid is read as (default national)
    settings = { families = { national = { qualitative_bands = "80-60" } } }
    xfail = "reason"        # optional: a known disagreement of rule and documentation
    note = "..."            # optional: a remark for maintainers, not shown
    grid = '''
    项目支出绩效自评表 | > | > | …
    '''

``grid`` is a whole sheet in the :mod:`budgetlint.gridtext` notation.  A rule
that looks at several sheets (form D's tables and narrative) has a grid of
several sheets, each starting with a line ``=== 公开07表 ===`` (its name); its
cells are then written ``公开07表!A5`` and ``rows`` is not used.
``settings`` is a table of :class:`budgetlint.settings.Settings` keys; the rule's
own code is always added to ``select``.  A fail case must raise the rule at
``cell`` (at every cell of a list: ``cell = ["G5", "H5"]``); a pass case must not
raise the rule at all.  A case marked ``xfail`` is one where the rule does not do
what its documentation says: the test expects that failure (strictly) until the
rule or the case is fixed, and the page says so.

The files are package data, read with :mod:`importlib.resources` (so they are
found in an installed wheel too).  Every case is validated when loaded: the
grid parses, a fail case names a cell inside the grid, the rows exist, the
settings are valid settings.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any, Literal

from budgetlint.grid import Sheet, parse_address
from budgetlint.gridtext import GridTextError, parse
from budgetlint.settings import Settings, SettingsError

Kind = Literal["fail", "pass"]
KINDS: tuple[Kind, ...] = ("fail", "pass")
#: The family a grid is read as when the case does not say.
DEFAULT_LAYOUT = "national"
#: The name of the sheet a case grid becomes.
SHEET_NAME = "示例"

_KEYS = frozenset({"title", "grid", "cell", "rows", "layout", "settings", "xfail", "note"})
_ROWS = re.compile(r"^\s*\d+(\s*-\s*\d+)?(\s*,\s*\d+(\s*-\s*\d+)?)*\s*$")


class CaseError(ValueError):
    """A case file that cannot be used; the message names the file and the case."""


@dataclass(frozen=True)
class Case:
    """One example of a rule: a grid that must (fail) or must not (pass) raise it."""

    code: str
    kind: Kind
    #: 1-based position among the cases of its kind.
    index: int
    title: str
    grid: str
    #: The cells a fail case must be reported at (none for a pass case).
    cells: tuple[str, ...] = ()
    #: The rows the page shows (None: the whole grid).
    rows: tuple[int, ...] | None = None
    #: The family key the grid is read as.
    layout: str = DEFAULT_LAYOUT
    settings: dict[str, Any] = field(default_factory=dict)
    #: Why the rule disagrees with this documented case (a known bug), or None.
    xfail: str | None = None
    note: str | None = None

    @property
    def cell(self) -> str | None:
        """The (first) cell a fail case is reported at; None for a pass case."""
        return self.cells[0] if self.cells else None

    @property
    def id(self) -> str:
        """``S101-fail1``: the case's name in test ids and messages."""
        return f"{self.code}-{self.kind}{self.index}"

    def sheet(self) -> Sheet:
        """The sheet the grid describes (the first, for a grid of several sheets)."""
        return self.sheets()[0]

    def sheets(self) -> list[Sheet]:
        """Every sheet the grid describes, in order."""
        return [parse(text, name) for name, text in sections(self.grid)]

    @property
    def multi(self) -> bool:
        """The grid describes several sheets (``=== name ===`` lines)."""
        return len(sections(self.grid)) > 1 or sections(self.grid)[0][0] != SHEET_NAME

    def check_settings(self) -> Settings:
        """The settings to check the grid with: the case's, with its rule selected."""
        data = dict(self.settings)
        data["select"] = sorted({self.code, *data.get("select", [])})
        return Settings.from_mapping(data, source=self.id)

    def grid_lines(self) -> list[str]:
        """The grid's rows as written (comments dropped, row n at index n - 1)."""
        return grid_rows(self.grid)


@dataclass(frozen=True)
class RuleCases:
    """The fail and pass cases of one rule."""

    code: str
    fail: tuple[Case, ...]
    passing: tuple[Case, ...]

    @property
    def all(self) -> tuple[Case, ...]:
        return (*self.fail, *self.passing)

    def of(self, kind: Kind) -> tuple[Case, ...]:
        return self.fail if kind == "fail" else self.passing


_SECTION = re.compile(r"^===\s*(.+?)\s*===\s*$")


def sections(grid: str) -> list[tuple[str, str]]:
    """The sheets of a grid: ``[(name, notation)]``; one sheet named 示例 without ``===`` lines."""
    lines = grid.splitlines()
    if not any(_SECTION.match(line.strip()) for line in lines):
        return [(SHEET_NAME, grid)]
    out: list[tuple[str, list[str]]] = []
    for line in lines:
        m = _SECTION.match(line.strip())
        if m:
            out.append((m.group(1), []))
        elif out:
            out[-1][1].append(line)
    return [(name, "\n".join(body) + "\n") for name, body in out]


def grid_rows(grid: str) -> list[str]:
    """The rows of a notation as written: comment lines dropped, trailing blank rows too."""
    lines = [ln for ln in grid.splitlines() if not ln.lstrip().startswith("#")]
    while lines and not lines[-1].strip():
        lines.pop()
    return lines


def split_cells(line: str) -> list[str]:
    """One row of the notation split into its cells (``\\|`` is not a separator)."""
    return re.split(r"(?<!\\)\|", line)


def _files() -> Any:
    return resources.files("budgetlint.rules").joinpath("cases")


def case_codes() -> list[str]:
    """The codes that have a case file."""
    d = _files()
    if not d.is_dir():
        return []
    return sorted(p.name.removesuffix(".toml") for p in d.iterdir() if p.name.endswith(".toml"))


def has_cases(code: str) -> bool:
    return _files().joinpath(f"{code}.toml").is_file()


@cache
def load_cases(code: str) -> RuleCases:
    """The cases of rule ``code``, validated.

    Raises :class:`FileNotFoundError` when the rule has no case file and
    :class:`CaseError` (naming the file and the case) when a case is not usable.
    """
    res = _files().joinpath(f"{code}.toml")
    where = f"rules/cases/{code}.toml"
    if not res.is_file():
        raise FileNotFoundError(f"{where}: 规则 {code} 没有示例文件")
    return parse_cases(code, res.read_text(encoding="utf-8"), where)


def parse_cases(code: str, text: str, where: str = "") -> RuleCases:
    """The cases of rule ``code`` in the TOML ``text``, validated (see :func:`load_cases`)."""
    where = where or f"{code}.toml"
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise CaseError(f"{where}: 不是有效的 TOML（{e}）") from e
    unknown = [k for k in data if k not in KINDS]
    if unknown:
        raise CaseError(f"{where}: 未知的表 {'、'.join(unknown)}（只能是 [[fail]] 和 [[pass]]）")
    out: dict[str, tuple[Case, ...]] = {}
    for kind in KINDS:
        tables = data.get(kind, [])
        if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
            raise CaseError(f"{where}: {kind} 应写作 [[{kind}]] 表")
        out[kind] = tuple(
            _case(code, kind, i, t, f"{where} [[{kind}]] 第 {i} 个")
            for i, t in enumerate(tables, start=1)
        )
    return RuleCases(code, out["fail"], out["pass"])


def _case(code: str, kind: Kind, index: int, t: dict[str, Any], where: str) -> Case:
    def fail(msg: str) -> CaseError:
        return CaseError(f"{where}: {msg}")

    unknown = sorted(set(t) - _KEYS)
    if unknown:
        raise fail(f"未知的键 {'、'.join(unknown)}（可用的键：{'、'.join(sorted(_KEYS))}）")
    for key in ("title", "grid", "rows", "layout", "xfail", "note"):
        if key in t and not isinstance(t[key], str):
            raise fail(f"{key} 应为字符串")
    title = t.get("title", "").strip()
    if not title or "\n" in title:
        raise fail("title 应为一行非空文字")
    grid = t.get("grid", "")
    if not grid.strip():
        raise fail("缺少 grid")
    parts = sections(grid)
    if len({name for name, _ in parts}) < len(parts):
        raise fail("grid 中有重名的工作表")
    for name, text in parts:
        try:
            parse(text, name)
        except GridTextError as e:
            raise fail(f"grid 无法解析（{name}）：{e}") from e
    multi = len(parts) > 1 or parts[0][0] != SHEET_NAME
    sheet_lines = {name: grid_rows(text) for name, text in parts}
    lines = grid_rows(parts[0][1])
    n_rows = len(lines)
    cell = t.get("cell")
    cells: list[str] = []
    if kind == "fail":
        listed = [cell] if isinstance(cell, str) else cell
        if not listed or not isinstance(listed, list):
            raise fail("反例须用 cell 指明规则报告的单元格（一个地址或地址的列表）")
        for c in listed:
            if not isinstance(c, str):
                raise fail(f"cell 中的 {c!r} 不是单元格地址")
            name, bang, addr = c.rpartition("!")
            if multi and not bang:
                raise fail(f"cell {c!r} 应写明工作表（如 公开07表!A5）")
            if bang and name not in sheet_lines:
                raise fail(f"cell {c!r} 的工作表 {name} 不在 grid 中")
            in_lines = sheet_lines[name] if bang else lines
            try:
                row, col = parse_address(addr)
            except ValueError as e:
                raise fail(f"cell {c!r} 不是单元格地址") from e
            if not (1 <= row <= len(in_lines) and col <= len(split_cells(in_lines[row - 1]))):
                raise fail(f"cell {c} 不在 grid 内（{len(in_lines)} 行）")
            address = (f"{name}!" if bang else "") + addr.strip().upper().replace("$", "")
            if address not in cells:
                cells.append(address)
    elif cell is not None:
        raise fail("正例不应有 cell")
    rows: tuple[int, ...] | None = None
    if "rows" in t:
        if multi:
            raise fail("多张工作表的 grid 不用 rows")
        rows = _rows(t["rows"], n_rows, fail)
    layout = t.get("layout", DEFAULT_LAYOUT)
    from budgetlint.families import FAMILIES

    if layout not in FAMILIES:
        raise fail(f"layout {layout!r} 不是已知的版式（{'、'.join(FAMILIES)}）")
    settings = t.get("settings", {})
    if not isinstance(settings, dict):
        raise fail("settings 应为表")
    try:
        Settings.from_mapping(settings, source=where)
    except SettingsError as e:
        raise fail(f"settings 无效：{e}") from e
    xfail = t.get("xfail")
    if xfail is not None and not xfail.strip():
        raise fail("xfail 应写明原因")
    return Case(
        code=code,
        kind=kind,
        index=index,
        title=title,
        grid=grid,
        cells=tuple(cells),
        rows=rows,
        layout=layout,
        settings=settings,
        xfail=xfail,
        note=t.get("note"),
    )


def _rows(text: str, n_rows: int, fail: Any) -> tuple[int, ...]:
    """``"4-8,11"`` -> (4, 5, 6, 7, 8, 11), each row inside the grid."""
    if not _ROWS.match(text):
        raise fail(f"rows {text!r} 应写作 “12-14” 或 “4-5,11,13”")
    out: list[int] = []
    for part in text.split(","):
        lo, _, hi = part.strip().partition("-")
        a, b = int(lo), int(hi or lo)
        if a > b or a < 1 or b > n_rows:
            raise fail(f"rows 中的 {part.strip()} 不在 grid 的 1–{n_rows} 行内")
        out.extend(r for r in range(a, b + 1) if r not in out)
    return tuple(sorted(out))
