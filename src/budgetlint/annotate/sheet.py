"""Worksheet XML: set cell styles, insert empty cells, add/remove <legacyDrawing>."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from budgetlint.annotate import xmltext as X
from budgetlint.annotate.package import R_NS
from budgetlint.grid import address, column_index, parse_address

# Children of <worksheet> that follow <legacyDrawing> in the schema sequence.
_AFTER_LEGACY = (
    "legacyDrawingHF",
    "drawingHF",
    "picture",
    "oleObjects",
    "controls",
    "webPublishItems",
    "tableParts",
    "extLst",
)
_CELL_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")


class SheetXmlError(ValueError):
    """The worksheet XML has a shape the annotator does not handle."""


def _index(ref: str | None, previous: int) -> int:
    """Row or column number of an ``r`` attribute, or the implied next one."""
    if not ref:
        return previous + 1
    m = _CELL_REF.match(ref)
    if m:
        return column_index(m.group(1))
    return int(ref)


_R_ATTR = re.compile(r"""\sr\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def _r_attr(start_tag: str) -> str | None:
    """The ``r`` attribute of a row or cell start tag (no entity can occur in it)."""
    m = _R_ATTR.search(start_tag)
    return None if m is None else (m.group(1) if m.group(1) is not None else m.group(2))


#: The ref of a <mergeCell> (the only elements inside <mergeCells>), its parts captured.
_MERGE_REF = re.compile(
    r"""\sref\s*=\s*["']\$?([A-Za-z]{1,3})\$?(\d+)(?::\$?([A-Za-z]{1,3})\$?(\d+))?["']"""
)


def numbered_rows(xml: str, sheet_data: X.Elem) -> list[tuple[int, X.Elem]]:
    """(row number, element) of every ``<row>`` of ``<sheetData>`` (implied numbers filled in)."""
    out, prev = [], 0
    for row in X.flat_children(xml, sheet_data, "row"):
        prev = _index(_r_attr(row.start_tag(xml)), prev)
        out.append((prev, row))
    return out


def numbered_cells(xml: str, row: X.Elem) -> list[tuple[int, X.Elem]]:
    """(column number, element) of every ``<c>`` of a row (implied numbers filled in)."""
    out, prev = [], 0
    for cell in X.flat_children(xml, row, "c"):
        prev = _index(_r_attr(cell.start_tag(xml)), prev)
        out.append((prev, cell))
    return out


def _row_by_number(xml: str, sheet_data: X.Elem, p: str, r: int) -> X.Elem | None:
    """The ``<row>`` whose start tag begins ``<row r="N"`` (as Excel, LibreOffice and
    openpyxl write it), found with one search instead of numbering every row."""
    head = f'<{p}row r="{r}"'
    at = xml.find(head, sheet_data.tag_end, sheet_data.inner_end)
    if at < 0 or xml[at + len(head)] not in " \t\r\n/>":
        return None
    return X.flat_child_at(xml, at, sheet_data.inner_end, p, "row")


def _cells_by_ref(
    xml: str, row: X.Elem, p: str, r: int, cols: list[int]
) -> dict[int, X.Elem] | None:
    """The ``<c>`` of each column of ``cols`` in ``row``, each found by one search for
    ``<c r="D7"`` (as Excel, LibreOffice and openpyxl write cells) instead of
    numbering every cell of the row; None unless every one is found so (or when the
    row holds comments or CDATA, where such text need not be a cell)."""
    if xml.find("<!", row.tag_end, row.inner_end) >= 0:
        return None
    out: dict[int, X.Elem] = {}
    for c in cols:
        head = f'<{p}c r="{address(r, c)}"'
        at = xml.find(head, row.tag_end, row.inner_end)
        if at < 0 or xml[at + len(head)] not in " \t\r\n/>":
            return None
        cell = X.flat_child_at(xml, at, row.inner_end, p, "c")
        if cell is None:
            return None
        out[c] = cell
    return out


def merged_ranges(xml: str) -> list[tuple[int, int, int, int]]:
    """(min_row, min_col, max_row, max_col) of every merged range."""
    mc = X.child(xml, X.root(xml), "mergeCells")
    out: list[tuple[int, int, int, int]] = []
    if mc is None or mc.self_closing:
        return out
    for m in _MERGE_REF.finditer(xml, mc.tag_end, mc.inner_end):
        a, r1s, b, r2s = m.groups()
        r1, c1 = int(r1s), _column(a)
        r2, c2 = (int(r2s), _column(b)) if b else (r1, c1)
        out.append((min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)))
    return out


@lru_cache(maxsize=1024)
def _column(letters: str) -> int:
    return column_index(letters.upper())


def _col_styles(xml: str, top: X.Elem) -> list[tuple[int, int, int]]:
    cols = X.child(xml, top, "cols")
    out: list[tuple[int, int, int]] = []
    if cols is None:
        return out
    for e in X.children(xml, cols, "col"):
        a = e.attrs(xml)
        try:
            out.append((int(a["min"]), int(a["max"]), int(a.get("style", "0") or 0)))
        except (KeyError, ValueError):
            continue
    return out


def _spans_widened(tag: str, col: int) -> str:
    spans = X.tag_attrs(tag).get("spans")
    if not spans or ":" not in spans or " " in spans.strip():
        return tag
    lo, _, hi = spans.partition(":")
    try:
        a, b = int(lo), int(hi)
    except ValueError:
        return tag
    if a <= col <= b:
        return tag
    return X.set_attr(tag, "spans", f"{min(a, col)}:{max(b, col)}")


def mark_cells(
    xml: str, targets: dict[tuple[int, int], Any], restyle: Callable[[int, Any], int]
) -> tuple[str, list[dict[str, Any]]]:
    """Give each target cell the style ``restyle(base_xf, key)``.

    ``base_xf`` is the cell's current style index; for a cell that does not exist
    yet, the style it shows (row style of a custom-formatted row, else column
    style, else 0).  Missing cells and rows are inserted in order.  Returns the
    new XML and one change record per cell.
    """
    top = X.root(xml)
    p = top.prefix
    sd = X.child(xml, top, "sheetData")
    if sd is None:
        raise SheetXmlError("没有 <sheetData>")
    xml, sd = X.open_element(xml, sd)
    top = X.root(xml)
    col_styles = _col_styles(xml, top)

    def col_style(col: int) -> int:
        for lo, hi, style in col_styles:
            if lo <= col <= hi:
                return style
        return 0

    by_row: dict[int, list[int]] = {}
    for r, c in targets:
        by_row.setdefault(r, []).append(c)

    edits: list[tuple[int, int, str]] = []
    changes: list[dict[str, Any]] = []
    numbered: list[tuple[int, X.Elem]] = []
    found = {r: _row_by_number(xml, sd, p, r) for r in by_row}
    row_at = {r: row for r, row in found.items() if row is not None}
    if len(row_at) < len(found):
        # a row without its number written, or one to insert: number them all
        numbered = numbered_rows(xml, sd)
        row_at = dict(numbered)

    def new_cell(r: int, c: int, base: int) -> str:
        s = restyle(base, targets[(r, c)])
        changes.append(
            {
                "cell": address(r, c),
                "original_s": None,
                "inserted": True,
                "row_inserted": r not in row_at,
                "new_s": str(s),
            }
        )
        return f'<{p}c r="{address(r, c)}" s="{s}"/>'

    for r in sorted(by_row):
        cols = sorted(by_row[r])
        row = row_at.get(r)
        if row is None:
            cells = "".join(new_cell(r, c, col_style(c)) for c in cols)
            text = f'<{p}row r="{r}">{cells}</{p}row>'
            after = [rw for n, rw in numbered if n > r]
            pos = after[0].start if after else sd.inner_end
            edits.append((pos, pos, text))
            continue
        ra = row.attrs(xml)
        row_base: int | None = None
        if ra.get("customFormat") in ("1", "true") and ra.get("s"):
            row_base = int(ra["s"])
        cell_at = _cells_by_ref(xml, row, p, r, cols)
        if cell_at is None:  # a cell to insert, or cells without their address
            cell_at = dict(numbered_cells(xml, row))
        inserts: dict[int, list[str]] = {}
        row_tag = row.start_tag(xml)
        for c in cols:
            cell = cell_at.get(c)
            if cell is not None:
                tag = cell.start_tag(xml)
                orig = X.tag_attrs(tag).get("s")
                s = restyle(int(orig or 0), targets[(r, c)])
                changes.append(
                    {
                        "cell": address(r, c),
                        "original_s": orig,
                        "inserted": False,
                        "row_inserted": False,
                        "new_s": str(s),
                    }
                )
                edits.append((cell.start, cell.tag_end, X.set_attr(tag, "s", str(s))))
                continue
            base = row_base if row_base is not None else col_style(c)
            later = [cc for n, cc in sorted(cell_at.items()) if n > c]
            pos = later[0].start if later else row.inner_end
            inserts.setdefault(pos, []).append(new_cell(r, c, base))
            row_tag = _spans_widened(row_tag, c)
        if row.self_closing:
            body = "".join(t for v in inserts.values() for t in v)
            opened = row_tag[:-2].rstrip() + ">"
            edits.append((row.start, row.end, f"{opened}{body}</{p}row>"))
            continue
        if row_tag != row.start_tag(xml):
            edits.append((row.start, row.tag_end, row_tag))
        for pos, texts in inserts.items():
            edits.append((pos, pos, "".join(texts)))
    return X.splice(xml, edits), changes


def restore_cells(xml: str, changes: list[dict[str, Any]]) -> tuple[str, int]:
    """Undo :func:`mark_cells` on XML edited since (cells whose style was changed
    again by the user are left alone).  Returns the XML and cells restored."""
    top = X.root(xml)
    sd = X.child(xml, top, "sheetData")
    if sd is None:
        return xml, 0
    wanted = {parse_address(ch["cell"]): ch for ch in changes}
    edits: list[tuple[int, int, str]] = []
    restored = 0
    for prev, row in numbered_rows(xml, sd):
        cols = {c for (r, c) in wanted if r == prev}
        if not cols:
            continue
        cells = numbered_cells(xml, row)
        removed = 0
        for prev_c, cell in cells:
            ch = wanted.get((prev, prev_c))
            if ch is None:
                continue
            tag = cell.start_tag(xml)
            if X.tag_attrs(tag).get("s") != ch["new_s"]:
                continue
            restored += 1
            if ch["inserted"] and not cell.inner(xml).strip():
                edits.append((cell.start, cell.end, ""))
                removed += 1
            elif ch["original_s"] is None:
                edits.append((cell.start, cell.tag_end, X.del_attr(tag, "s")))
            else:
                edits.append((cell.start, cell.tag_end, X.set_attr(tag, "s", ch["original_s"])))
        row_was_ours = any(ch["row_inserted"] for (r, _c), ch in wanted.items() if r == prev)
        if row_was_ours and removed == len(cells):
            edits = [e for e in edits if not (row.start <= e[0] < row.end)]
            edits.append((row.start, row.end, ""))
    return X.splice(xml, edits), restored


@dataclass(frozen=True)
class DrawingSlot:
    """A worksheet's ``<legacyDrawing>`` (the relationship id of its notes' drawing, if
    it has one) and where a new one goes: at its schema position, before the first
    child that follows it, else at the end."""

    rid: str | None
    at: int

    def shifted(self, by: int) -> DrawingSlot:
        """The slot in the text after edits of ``by`` characters before it (the cells:
        ``<sheetData>`` comes before ``<legacyDrawing>`` in the schema)."""
        return DrawingSlot(self.rid, self.at + by)


def drawing_slot(xml: str) -> DrawingSlot:
    top = X.root(xml)
    rid: str | None = None
    at: int | None = None
    for ch in X.children(xml, top):
        if ch.name == "legacyDrawing" and rid is None:
            attrs = ch.attrs(xml).items()
            rid = next((v for k, v in attrs if k.endswith(":id") and not k.startswith("xmlns")), None)
        if ch.name in _AFTER_LEGACY and at is None:
            at = ch.start
    return DrawingSlot(rid, top.inner_end if at is None else at)


def add_legacy_drawing(xml: str, rid: str, at: int | None = None) -> str:
    """Insert ``<legacyDrawing r:id>`` at its schema position (``at``, when known)."""
    top = X.root(xml)
    rp = X.ns_prefix(top.start_tag(xml), R_NS)
    rattr = f'xmlns:r="{R_NS}" r:id="{rid}"' if rp is None else f'{rp}id="{rid}"'
    if at is None or not xml.startswith("<", at):  # not known, or not an element's start
        at = drawing_slot(xml).at
    return xml[:at] + f"<{top.prefix}legacyDrawing {rattr}/>" + xml[at:]


def remove_legacy_drawing(xml: str, rid: str) -> str:
    top = X.root(xml)
    for ld in X.children(xml, top, "legacyDrawing"):
        if rid in ld.attrs(xml).values():
            return xml[: ld.start] + xml[ld.end :]
    return xml
