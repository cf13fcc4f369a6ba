"""A plain-text notation for a sheet: rule examples and transcribed real forms.

One line is one row, from row 1; cells are separated by ``|``, column A first.
A blank line is a blank row; a line starting with ``#`` is a comment and is not
a row.  In a cell:

- ``>`` joins the cell to the merged range of its left neighbour, ``^`` to the
  range of the cell above (together they must make rectangles);
- a plain number (``969188.11``, ``10``, ``-3.5``, ``1,016,500.00``) is a number
  cell shown with the decimals as written (number format ``0.00``,
  ``#,##0.00``); ``'10`` forces text;
- anything else is text, kept as written (``98%``, ``30 期``, ``—``);
  ``\\|`` is a literal ``|`` and ``\\n`` a line break inside the cell;
- ``{=E5/D5}`` is a formula cell without a cached value (a file saved without
  calculating): the formula ``=E5/D5`` and no value;
- ``{=E5/D5}0.98`` is a formula cell with a cached value: the formula, then the
  value the file stores, written like any cell (``0.98`` is a number shown with
  format ``0.00``, ``'10`` a text, ``#DIV/0!`` an error value, ``'`` alone an
  empty text); braces inside the formula (an array constant ``{1,2}``) nest.

:func:`parse` gives a :class:`budgetlint.grid.Sheet`; :func:`to_text` writes a
sheet back.  Pure Python: the documentation examples of the rules use it under
Pyodide as well.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from budgetlint.grid import MergedRange, Sheet

_NUMBER = re.compile(r"^-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?$")
_JOIN_LEFT, _JOIN_UP = ">", "^"


class GridTextError(ValueError):
    """A notation that does not describe a sheet; the message names the row and column."""


@dataclass(frozen=True)
class TextCell:
    """One cell of the notation: its value and number format, and its formula if any
    (a formula with no value: saved without calculating)."""

    value: str | int | float | None
    number_format: str = "General"
    formula: str | None = None


def parse_cell(text: str) -> TextCell:
    """``'969188.11'`` -> 969188.11 with format ``0.00``; ``"'10"`` -> text ``10``;
    ``'{=E5/D5}0.98'`` -> formula ``=E5/D5`` with the cached value 0.98 (format ``0.00``)."""
    t = text.strip().replace("\\n", "\n").replace("\\|", "|")
    if t.startswith("{="):
        end = _formula_end(t)
        if end > 2:
            cached = _value_cell(t[end + 1 :]) if t[end + 1 :].strip() else TextCell(None)
            return TextCell(cached.value, cached.number_format, formula=t[1:end])
    return _value_cell(t)


def _formula_end(t: str) -> int:
    """The index of the ``}`` closing the ``{=`` at the start of ``t`` (-1: none).

    Braces nest (an array constant ``{=SUM({1,2})}``); braces inside a string
    literal (``"{"``) do not count.
    """
    depth = 0
    quoted = False
    for i, ch in enumerate(t):
        if ch == '"':
            quoted = not quoted
        elif quoted:
            continue
        elif ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                return i
    return -1


def _value_cell(text: str) -> TextCell:
    """A cell that is not a formula: a text, or a number with its format."""
    t = text.strip()
    if not t:
        return TextCell(None)
    if t.startswith("'"):
        return TextCell(t[1:])
    m = _NUMBER.match(t)
    if not m:
        return TextCell(t)
    digits = t.replace(",", "")
    decimals = len(m.group(1) or "")
    grouped = "," in t
    if decimals == 0:
        fmt = "#,##0" if grouped else "General"
        return TextCell(int(digits), fmt)
    fmt = ("#,##0." if grouped else "0.") + "0" * decimals
    return TextCell(float(digits), fmt)


def _split(line: str) -> list[str]:
    return re.split(r"(?<!\\)\|", line)


def parse(text: str, name: str = "Sheet1") -> Sheet:
    """The sheet a notation describes."""
    sheet = Sheet(name)
    rows: list[list[str]] = []
    for line in text.splitlines():
        if line.lstrip().startswith("#"):
            continue
        rows.append([] if not line.strip() else _split(line))
    # strip trailing blank rows (a closing newline in a TOML string)
    while rows and not rows[-1]:
        rows.pop()
    owner: dict[tuple[int, int], tuple[int, int]] = {}  # cell -> top-left of its range
    for r, cells in enumerate(rows, start=1):
        for c, raw in enumerate(cells, start=1):
            s = raw.strip()
            if s in (_JOIN_LEFT, _JOIN_UP):
                src = (r, c - 1) if s == _JOIN_LEFT else (r - 1, c)
                if src[0] < 1 or src[1] < 1 or src not in owner:
                    raise GridTextError(f"row {r}, column {c}: '{s}' has no cell to join")
                owner[(r, c)] = owner[src]
                continue
            owner[(r, c)] = (r, c)
            cell = parse_cell(raw)
            if cell.formula is not None:
                sheet.formulas[(r, c)] = cell.formula
            if cell.value is not None:
                sheet.cells[(r, c)] = cell.value
                if cell.number_format != "General":
                    sheet.formats[(r, c)] = cell.number_format
    groups: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for rc, top in owner.items():
        groups.setdefault(top, []).append(rc)
    for top, members in sorted(groups.items()):
        if len(members) == 1:
            continue
        r0, c0 = min(m[0] for m in members), min(m[1] for m in members)
        r1, c1 = max(m[0] for m in members), max(m[1] for m in members)
        if (r0, c0) != top or len(members) != (r1 - r0 + 1) * (c1 - c0 + 1):
            raise GridTextError(f"row {top[0]}, column {top[1]}: the merged cells are not a rectangle")
        sheet.merged.append(MergedRange(r0, c0, r1, c1))
    return sheet


def to_text(sheet: Sheet) -> str:
    """The notation of ``sheet`` (merges as ``>``/``^``; numbers with their format's decimals)."""
    covered: dict[tuple[int, int], str] = {}
    for mr in sheet.merged:
        for r in range(mr.min_row, mr.max_row + 1):
            for c in range(mr.min_col, mr.max_col + 1):
                if (r, c) != (mr.min_row, mr.min_col):
                    covered[(r, c)] = _JOIN_LEFT if c > mr.min_col else _JOIN_UP
    formulas = sheet.formulas
    max_row = max([r for r, _ in (*sheet.cells, *covered, *formulas)], default=0)
    lines = []
    for r in range(1, max_row + 1):
        cols = [c for rr, c in (*sheet.cells, *covered, *formulas) if rr == r]
        out = []
        for c in range(1, max(cols, default=0) + 1):
            if (r, c) in covered:
                out.append(covered[(r, c)])
                continue
            v = sheet.cells.get((r, c))
            text = _cell_text(v, sheet.number_format(r, c))
            if (r, c) in formulas:
                formula = formulas[(r, c)].replace("|", "\\|").replace("\n", "\\n")
                # a cached empty text is "'" (nothing after the brace means no cached value)
                text = "{" + formula + "}" + (text or ("'" if v is not None else ""))
            out.append(text)
        lines.append(" | ".join(out).rstrip())
    return "\n".join(lines) + "\n"


def _cell_text(v: object, fmt: str) -> str:
    if v is None:
        return ""
    if isinstance(v, bool) or not isinstance(v, int | float):
        s = str(v).replace("|", "\\|").replace("\n", "\\n")
        if (
            _NUMBER.match(s.strip())
            or s.startswith("'")
            or s.strip() in (_JOIN_LEFT, _JOIN_UP)
            or s.strip().startswith("{=")
        ):
            return "'" + s
        return s
    m = re.search(r"\.(0+)", fmt)
    d = len(m.group(1)) if m else 0
    s = f"{v:,.{d}f}" if "," in fmt else f"{v:.{d}f}"
    return s
