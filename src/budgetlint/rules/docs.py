"""A rule's documentation page, as ``budgetlint rules CODE`` prints it.

The page is the rule's heading, the prose of its docstring, then its examples
(反例, 正例) rendered from the case data of :mod:`budgetlint.rules.cases`: the
very grids the tests run, so the page shows exactly what is tested.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Any

from budgetlint.grid import column_letter, parse_address
from budgetlint.rules.base import Rule
from budgetlint.rules.cases import Case, grid_rows, has_cases, load_cases, sections, split_cells

#: Headings of the example sections an older docstring may still carry; the page
#: shows the case data instead, so the prose stops at the first of them.
_EXAMPLE_HEADING = re.compile(r"^\*\*(Anti-pattern|Best practice)\b")
#: The widest a cell is shown (in terminal columns); longer text is cut with …
_MAX_CELL = 40
_KIND_HEADING = {"fail": "反例", "pass": "正例"}


def render_page(rule: Rule) -> str:
    """The page of one rule: code, name, severity, title, its documentation and examples."""
    head = f"{rule.code} {rule.name}（{rule.severity.label}）：{rule.title}"
    flags = []
    if rule.scored_only:
        flags.append("仅用于有分值的版式")
    if not rule.default:
        flags.append("默认不启用，需用 --select 指定代码")
    lines = [head, "=" * 40]
    if flags:
        lines.append("；".join(flags))
    lines.append("")
    lines.extend(prose(rule.doc))
    if has_cases(rule.code):
        cases = load_cases(rule.code)
        for kind in ("fail", "pass"):
            lines.extend(["", _KIND_HEADING[kind], "-" * 8])
            for case in cases.of(kind):
                lines.append("")
                lines.extend(render_case(case))
    return "\n".join(lines).rstrip() + "\n"


def prose(doc: str) -> list[str]:
    """The docstring's lines without its Anti-pattern / Best practice sections."""
    out: list[str] = []
    for line in doc.splitlines():
        if _EXAMPLE_HEADING.match(line.strip()):
            break
        out.append(line)
    while out and not out[-1].strip():
        out.pop()
    return out


def render_case(case: Case) -> list[str]:
    """One example: its title, what it is checked with, and its rows as an aligned table."""
    lines = [f"{case.index}. {case.title}"]
    if case.layout != "national":
        from budgetlint.families import family_name

        lines.append(f"   版式：{family_name(case.layout)}")
    settings = [s for s in _dotted(case.settings) if not s.startswith("select ")]
    if settings:
        lines.append("   设置：" + "；".join(settings))
    if case.cells:
        lines.append(f"   报告单元格：{'、'.join(case.cells)}")
    if case.xfail:
        lines.append(f"   注：规则目前与此例不符（{case.xfail}）")
    lines.append("")
    if case.multi:
        for name, text in sections(case.grid):
            marked = [c.rpartition("!")[2] for c in case.cells if c.rpartition("!")[0] == name]
            lines.append(f"   工作表「{name}」")
            lines.extend("   " + row for row in _table(grid_rows(text), None, marked))
            lines.append("")
        while lines and not lines[-1]:
            lines.pop()
        return lines
    lines.extend("   " + row for row in grid_table(case))
    return lines


def grid_table(case: Case) -> list[str]:
    """The case's rows (``rows``, default all) as an aligned table with row numbers and
    column letters; the reported cells are shown in brackets."""
    return _table(case.grid_lines(), case.rows, list(case.cells))


def _table(grid_lines: list[str], rows: tuple[int, ...] | None, cells: list[str]) -> list[str]:
    raw = [split_cells(line) for line in grid_lines]
    numbers = list(rows) if rows else list(range(1, len(raw) + 1))
    marks = [parse_address(c) for c in cells]
    owner = _owners(raw)
    table: dict[int, list[str]] = {}
    for r in numbers:
        cells = []
        for c in range(1, len(raw[r - 1]) + 1):
            top = owner.get((r, c), (r, c))
            # a merged cell shows its text once: in its first shown row, first column
            shown_above = any(owner.get((q, c)) == top for q in numbers if q < r)
            if top != (r, c) and (top[1] != c or shown_above):
                cells.append("")
            else:
                cells.append(_cell_text(raw[top[0] - 1][top[1] - 1]))
        for mr, mc in marks:
            if mr == r:
                cells += [""] * (mc - len(cells))
                cells[mc - 1] = f"[{cells[mc - 1]}]"
        table[r] = cells
    used = [c for cells in table.values() for c, v in enumerate(cells, start=1) if v]
    used += [mc for mr, mc in marks if mr in table]
    if not used:
        return []
    first, last = min(used), max(used)
    widths = {
        c: max(_width(column_letter(c)), *(_width(_at(cells, c)) for cells in table.values()))
        for c in range(first, last + 1)
    }
    num_w = max(len(str(r)) for r in numbers)
    out = [_join(" " * num_w, (_pad(column_letter(c), widths[c]) for c in widths))]
    for r in numbers:
        out.append(_join(str(r).rjust(num_w), (_pad(_at(table[r], c), widths[c]) for c in widths)))
    return out


def _owners(raw: list[list[str]]) -> dict[tuple[int, int], tuple[int, int]]:
    """Cell -> the top-left cell of its merged range (``>`` joins left, ``^`` up)."""
    owner: dict[tuple[int, int], tuple[int, int]] = {}
    for r, cells in enumerate(raw, start=1):
        for c, text in enumerate(cells, start=1):
            t = text.strip()
            src = (r, c - 1) if t == ">" else (r - 1, c) if t == "^" else None
            owner[(r, c)] = owner.get(src, (r, c)) if src is not None else (r, c)
    return owner


def _join(first: str, cells: Iterable[str]) -> str:
    return (first + " │ " + " │ ".join(cells)).rstrip()


def _at(cells: list[str], col: int) -> str:
    return cells[col - 1] if col <= len(cells) else ""


def _cell_text(raw: str) -> str:
    """A cell of the notation as the table shows it (one line, cut to ``_MAX_CELL``)."""
    t = raw.strip()
    if t in (">", "^"):
        return ""
    t = t.replace("\\n", " ").replace("\\|", "|")
    if _width(t) <= _MAX_CELL:
        return t
    out = ""
    for ch in t:
        if _width(out + ch) > _MAX_CELL - 1:
            break
        out += ch
    return out + "…"


def _width(s: str) -> int:
    """Terminal columns of ``s``: wide (CJK, full-width) characters count 2."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in s)


def _pad(s: str, width: int) -> str:
    return s + " " * (width - _width(s))


def _dotted(table: dict[str, Any], prefix: str = "") -> list[str]:
    """``{"families": {"national": {"x": 1}}}`` -> ``['families.national.x = 1']``."""
    from budgetlint.params import toml_text

    out: list[str] = []
    for k, v in table.items():
        if isinstance(v, dict):
            out.extend(_dotted(v, f"{prefix}{k}."))
        else:
            out.append(f"{prefix}{k} = {toml_text(v)}")
    return out
