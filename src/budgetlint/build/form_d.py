"""The 部门决算 example workbook (form D): seed 002's 公开01表–公开08表 and 情况说明.

:func:`example_workbook` lays out every table of :mod:`budgetlint.build.seed_d`
as the PDF prints it, one sheet per table (named by its mark, ``公开01表``), and
the narrative on the sheet ``情况说明``; :func:`build_all` writes the committed
``examples/中共深圳市委政法委员会_2019_部门决算.xlsx``.

A table sheet, rows from the top (columns A… as wide as the table)::

    1      title (merged over the table width)
    2      mark, in the last column ('公开01表')
    3      部门：… (merged over all columns but the last) | 单位：万元 (last column)
    4…     the header rows, merged as printed
    next   the 栏次 row (公开06 has none)
    next…  the data rows
    last   the 注 line (merged over the table width)

Values are typed as a department types them: amounts as numbers whose number
format shows the printed decimals, with a thousands separator in the tables
that print one (``'#,##0.00'`` in 公开02–06, ``'0.00'`` in 公开01 and 公开07,
``'0'`` for a printed ``'40'`` or ``'0'``); ``'0.00'`` is the number 0, a blank
stays an empty cell; codes are texts (format ``@``); 行次 and 栏次 numbers are
integers; labels are the printed texts.

The address map (sheet name -> key -> cell address) names every written cell:

- ``title``, ``mark``, ``department``, ``unit``, ``note``;
- ``head:<r>:<c>``: the header cell printed in header row ``r`` starting at table
  column ``c`` (both 0-based);
- ``栏次:<c>``: the 栏次 row's cell in table column ``c`` (0-based);
- ``row:<id>:<column>``: a data cell.  ``<id>`` is the record the cell belongs
  to: the 功能分类 / 经济分类 code in 公开02, 03, 05, 06 and 08 (``row:201:total``,
  ``row:2013601:name``, ``row:301:amount``), the printed label of a total row
  (``row:合计:basic``, ``row:人员经费合计:amount``, ``row:公用经费合计:amount``),
  the 行次 in the two-sided 公开01 and 公开04 (``row:24:amount`` is 本年收入合计,
  ``row:53:general`` 本年支出合计's 一般公共预算财政拨款), ``data`` for 公开07's one
  row (``row:data:budget.total``, ``row:data:final.car_running``).  ``<column>``
  is :attr:`Column.key <budgetlint.build.seed_d.Column.key>` of the table
  (``code``, ``name``, ``label``, ``line``, ``amount``, ``total``, ``fiscal``, …).
  A record is one group of columns (公开01/04: 收入 | 支出; 公开06: three
  code | name | 决算数 groups); a group whose code or 行次 cell is empty has no keys.
  A cell inside a merged range maps to the range's top-left cell, unless a
  value of the same key is stored in a cell of its own.
- sheet ``情况说明``: ``narrative:<i>`` -> ``A<i+1>`` for paragraph ``i`` (0-based)
  of :data:`~budgetlint.build.seed_d.NARRATIVE`.
"""

from __future__ import annotations

import re
from functools import partial
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from budgetlint.build.canonical import text_lines
from budgetlint.build.seed_d import (
    AMOUNT,
    CODE,
    DEPARTMENT,
    LINE,
    NARRATIVE,
    TABLES,
    YEAR,
    SeedTable,
    TableRow,
)
from budgetlint.build.xlsx import (
    BODY,
    BOLD,
    BORDER,
    CENTER,
    FONT_NAME,
    TITLE_FONT,
    SheetWriter,
    save,
    workbook_of,
    write_cell,
)
from budgetlint.grid import address, column_letter

#: Where the committed workbook lives, relative to the repository root.
EXAMPLE_PATH = Path("examples") / f"{DEPARTMENT}_{YEAR}_部门决算.xlsx"
NARRATIVE_SHEET = "情况说明"

#: Column widths (Excel character units) per table, one per table column.
COLUMN_WIDTHS: dict[str, tuple[float, ...]] = {
    "01": (34.0, 7.0, 14.0, 34.0, 7.0, 14.0),
    "02": (12.0, 34.0, 13.0, 13.0, 11.0, 10.0, 10.0, 11.0, 11.0),
    "03": (12.0, 34.0, 13.0, 13.0, 13.0, 11.0, 10.0, 12.0),
    "04": (32.0, 7.0, 13.0, 32.0, 7.0, 13.0, 14.0, 14.0),
    "05": (12.0, 34.0, 14.0, 14.0, 14.0),
    "06": (10.0, 24.0, 11.0, 10.0, 22.0, 11.0, 10.0, 24.0, 11.0),
    "07": (11.0, 11.0, 11.0, 11.0, 11.0, 11.0, 11.0, 11.0, 11.0, 11.0, 11.0, 11.0),
    "08": (12.0, 30.0, 13.0, 12.0, 12.0, 12.0, 12.0, 13.0),
}
NARRATIVE_WIDTH = 75.0

_HEADING = Font(name=FONT_NAME, size=11, bold=True)
_TEXT = Font(name=FONT_NAME, size=11)
_LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True, indent=1)
_RIGHT = Alignment(horizontal="right", vertical="center", indent=1)
_PARAGRAPH = Alignment(horizontal="left", vertical="top", wrap_text=True)

_LINE_HEIGHT = 13.5  # points per text line at the 10 pt body font
_MIN_ROW_HEIGHT = 18.0
_HEADER_ROW = 4  # first header row of a table sheet

_AMOUNT = re.compile(r"^-?\d{1,3}(?:,\d{3})*(?:\.(\d+))?$|^-?\d+(?:\.(\d+))?$")
_HEADING_TEXT = re.compile(r"^(?:[一二三四五六七八九十]+、|[(（][一二三四五六七八九十]+[)）])")


def amount_cell(text: str, thousands: bool) -> tuple[int | float | None, str | None]:
    """A printed amount as a department types it: ``(value, number_format)``.

    ``'17,820.76'`` -> ``(17820.76, '#,##0.00')`` (with ``thousands``),
    ``'16940.76'`` -> ``(16940.76, '0.00')``, ``'0.00'`` -> ``(0.0, …)``,
    ``'40'`` -> ``(40, '0')``, ``''`` -> ``(None, None)``.
    """
    s = text.strip()
    if not s:
        return None, None
    m = _AMOUNT.match(s)
    if not m:
        raise ValueError(f"not a printed amount: {text!r}")
    decimals = len(m.group(1) or m.group(2) or "")
    plain = s.replace(",", "")
    grouping = "#,##" if thousands else ""
    if decimals == 0:
        return int(plain), f"{grouping}0"
    return float(plain), f"{grouping}0." + "0" * decimals


def prints_thousands(table: SeedTable) -> bool:
    """Whether the table prints its amounts with a thousands separator."""
    return any(
        "," in text
        for row in table.rows
        for text, column in zip(row.cells, table.columns, strict=True)
        if column.kind == AMOUNT
    )


def _covering(row: TableRow) -> dict[int, int]:
    """Column -> the first column of the merged cell that covers it."""
    return {c: first for first, last in row.merges for c in range(first, last + 1)}


class _Sheet:
    """Writes one table sheet and collects its address map."""

    def __init__(self, ws: Worksheet, table: SeedTable) -> None:
        self.ws = ws
        self.table = table
        self.widths = COLUMN_WIDTHS[table.number]
        if len(self.widths) != len(table.columns):
            raise ValueError(f"公开{table.number}表: one width per column")
        self.n = len(table.columns)
        self.thousands = prints_thousands(table)
        self.where: dict[str, str] = {}
        self.stored: set[str] = set()  # row keys whose value has a cell of its own
        self.key_rows: dict[str, int] = {}  # row key -> sheet row

    def put(
        self,
        row: int,
        col: int,
        value: int | float | str | None,
        *,
        font: Font = BODY,
        align: Alignment = CENTER,
        number_format: str | None = None,
    ) -> str:
        return write_cell(
            self.ws, row, col + 1, value, font=font, align=align, number_format=number_format
        )

    def merge(self, row1: int, col1: int, row2: int, col2: int) -> None:
        if (row1, col1) != (row2, col2):
            self.ws.merge_cells(f"{address(row1, col1 + 1)}:{address(row2, col2 + 1)}")

    def width(self, col: int, cols: int) -> float:
        return sum(self.widths[col : col + cols])

    def height(self, row: int, texts: list[tuple[str, float]], minimum: float) -> None:
        lines = max([1, *(text_lines(t, w) for t, w in texts if t)])
        self.ws.row_dimensions[row].height = max(minimum, lines * _LINE_HEIGHT + 5)

    def value(self, row: int, col: int, text: str) -> str:
        """Write one data (or 栏次) cell typed by its column's kind."""
        kind = self.table.columns[col].kind
        if not text:
            return self.put(row, col, None, align=CENTER if kind == LINE else _LEFT)
        if kind == AMOUNT:
            value, fmt = amount_cell(text, self.thousands)
            return self.put(row, col, value, align=_RIGHT, number_format=fmt)
        if kind == LINE:
            return self.put(row, col, int(text))
        if kind == CODE and text.isdigit():
            return self.put(row, col, text, align=_LEFT, number_format="@")
        if kind == CODE:  # a total row's label printed over the code columns
            return self.put(row, col, text, font=BOLD)
        return self.put(row, col, text, align=_LEFT)

    def write(self) -> dict[str, str]:
        t, ws, n = self.table, self.ws, self.n
        for c, w in enumerate(self.widths):
            ws.column_dimensions[column_letter(c + 1)].width = w

        self.where["title"] = self.put(1, 0, t.title, font=TITLE_FONT)
        self.merge(1, 0, 1, n - 1)
        ws.row_dimensions[1].height = 32
        self.where["mark"] = self.put(2, n - 1, t.mark, align=_RIGHT)
        self.where["department"] = self.put(3, 0, t.department, align=_LEFT)
        self.merge(3, 0, 3, n - 2)
        self.where["unit"] = self.put(3, n - 1, t.unit, align=_RIGHT)

        r = _HEADER_ROW
        for i, cells in enumerate(t.header):
            texts = []
            for h in cells:
                self.where[f"head:{i}:{h.col}"] = self.put(r + i, h.col, h.text, font=BOLD)
                self.merge(r + i, h.col, r + i + h.rows - 1, h.col + h.cols - 1)
                if h.rows == 1:
                    texts.append((h.text, self.width(h.col, h.cols)))
            self.height(r + i, texts, 24.0)
        r += len(t.header)

        if t.column_numbers is not None:
            nums = t.column_numbers
            covered = _covering(nums)
            for c, text in enumerate(nums.cells):
                if covered.get(c, c) != c:
                    continue
                if t.columns[c].kind == AMOUNT or text.isdigit():
                    self.where[f"栏次:{c}"] = self.put(r, c, int(text) if text else None)
                else:
                    self.where[f"栏次:{c}"] = self.put(r, c, text or None)
            for first, last in nums.merges:
                self.merge(r, first, r, last)
            ws.row_dimensions[r].height = _MIN_ROW_HEIGHT
            r += 1

        for row in t.rows:
            self.data_row(r, row)
            r += 1

        for rr in range(_HEADER_ROW, r):
            for c in range(n):
                ws.cell(row=rr, column=c + 1).border = BORDER

        self.where["note"] = self.put(r, 0, t.note, align=_LEFT)
        self.merge(r, 0, r, n - 1)
        self.height(r, [(t.note, self.width(0, n))], _MIN_ROW_HEIGHT)
        return self.where

    def data_row(self, r: int, row: TableRow) -> None:
        t = self.table
        covered = _covering(row)
        coords: dict[int, str] = {}
        for c, text in enumerate(row.cells):
            anchor = covered.get(c, c)
            if anchor != c:
                if text:
                    raise ValueError(f"公开{t.number}表: text in a merged cell: {row}")
                continue
            coords[c] = self.value(r, c, text)
        for first, last in row.merges:
            self.merge(r, first, r, last)
        spans = {first: last - first + 1 for first, last in row.merges}
        texts = [
            (text, self.width(c, spans.get(c, 1)))
            for c, text in enumerate(row.cells)
            if t.columns[c].kind not in (AMOUNT, LINE)
        ]
        self.height(r, texts, _MIN_ROW_HEIGHT)

        for first, last in t.groups:
            rid = t.row_id or self.record_id(row, first, last, covered)
            if not rid:
                continue
            for c in range(first, last + 1):
                key = f"row:{rid}:{t.columns[c].key}"
                anchor = covered.get(c, c)
                if self.key_rows.setdefault(key, r) != r:
                    raise ValueError(f"公开{t.number}表: two records {rid!r}")
                if anchor == c:
                    if key in self.stored:
                        raise ValueError(f"公开{t.number}表: two cells for {key}")
                    self.stored.add(key)
                    self.where[key] = coords[c]
                elif key not in self.stored:
                    self.where.setdefault(key, coords[anchor])

    def record_id(self, row: TableRow, first: int, last: int, covered: dict[int, int]) -> str:
        """The record key of a group: its code or 行次, or a total row's label."""
        for c in range(first, last + 1):
            if self.table.columns[c].kind in (CODE, LINE):
                return row.cells[covered.get(c, c)]
        return ""


def _page_setup(ws: Worksheet, *, landscape: bool) -> None:
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6


def write_table(ws: Worksheet, table: SeedTable) -> dict[str, str]:
    """Write one 公开0N表 as printed; return its address map (keys: module docstring)."""
    where = _Sheet(ws, table).write()
    _page_setup(ws, landscape=True)
    return where


def is_heading(paragraph: str) -> bool:
    """``三、…`` and ``(一) …`` / ``（十）…`` are the narrative's headings."""
    return bool(_HEADING_TEXT.match(paragraph))


def write_narrative(ws: Worksheet, paragraphs: tuple[str, ...] = NARRATIVE) -> dict[str, str]:
    """One paragraph per cell of column A; return ``narrative:<i>`` -> address."""
    ws.column_dimensions["A"].width = NARRATIVE_WIDTH
    where: dict[str, str] = {}
    for i, text in enumerate(paragraphs):
        cell = ws.cell(row=i + 1, column=1, value=text)
        cell.font = _HEADING if is_heading(text) else _TEXT
        cell.alignment = _PARAGRAPH
        lines = text_lines(text, NARRATIVE_WIDTH / 1.1)  # 11 pt text in 10 pt units
        ws.row_dimensions[i + 1].height = max(_MIN_ROW_HEIGHT, lines * 15.0 + 6)
        where[f"narrative:{i}"] = cell.coordinate
    _page_setup(ws, landscape=False)
    return where


def example_workbook() -> tuple[Workbook, dict[str, dict[str, str]]]:
    """The eight tables and 情况说明; returns the workbook and sheet -> address map."""
    sheets: list[tuple[str, SheetWriter]] = [
        (table.sheet, partial(write_table, table=table)) for table in TABLES
    ]
    return workbook_of([*sheets, (NARRATIVE_SHEET, write_narrative)])


def build_all(root: Path) -> list[Path]:
    """Write the committed form-D example under ``root``; return its path."""
    wb, _ = example_workbook()
    return [save(wb, root / EXAMPLE_PATH)]
