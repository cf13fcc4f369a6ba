"""The form-P example workbook (项目绩效情况自评表), as a department's workbook has it.

:func:`write_form_p` writes one form of :mod:`budgetlint.build.seed_p` on a sheet
and returns where every model value went; :func:`example_workbook` writes all 23
(附件1-1 … 附件1-22 and 附件2), one sheet each, named by their annex;
:func:`build_all` saves the committed example.

The layout, columns A–L, rows from the top::

    title (merged A:L)
    一、项目概况
      heading (merged A:L), then one paragraph per row (merged A:L)   … per part
    二、资金安排和使用情况
    (一) 资金安排情况
      项目 | 行次 | 合计 | 财政资金 (D:H)                          | 其他资金 (I:L)
           |      |      | 小计 中央级 省级 市级 区县转移          | 小计 单位自有 银行贷款等 社会资本
      (项目, 行次, 合计 merged down the two header rows)
      rows (1)-(8): label | 行次 | 10 values
    (二) 资金使用情况
      项目支出内容 (A:C) | 实际支出数 (D:I)                              | 财政资金专款专用数 (J:L)
                         | 合计 (D:E) 财政资金支出数 (F:G) 其他资金支出数 (H:I) |
      the 合计 row, then the item rows
    三、项目自评价评分表 (附件2: 附表 1：), then the table's title (merged A:L)
      一级指标 | 二级指标 | 三级指标 | 权重 | 目标值 | 业绩值 | 评分结果 | 评分标准 (H:L)
      one row per seed row; the 一级 cell merged vertically over its rows
      总计 (A:C) | … | 权重 | … | 评分结果, then 评价等级 likewise

Values are written as a department types them: amounts, rates, weights and
scores as numbers whose number format shows the printed decimals
(:func:`budgetlint.build.canonical.number_cell`: ``'0.00'`` for 2.27, ``'0.0'`` for
0.0, ``'0'`` for 25 and 3856800), 行次, targets, actuals, criteria and the grade as
the printed texts; an empty printed value is an empty cell.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from budgetlint.build.canonical import number_cell, page_setup, text_lines
from budgetlint.build.seed_p import (
    FORMS,
    MATRIX_COLUMNS,
    MATRIX_ROWS,
    SCORE_COLUMNS,
    USE_COLUMNS,
    ScoreRow,
    SeedFormP,
)
from budgetlint.build.xlsx import (
    BODY,
    BOLD,
    BORDER,
    CENTER,
    FONT_NAME,
    TITLE_FONT,
    save,
    workbook_of,
    write_cell,
)
from budgetlint.grid import column_letter

#: Where the committed workbook lives, relative to the repository root.
EXAMPLE_PATH = Path("examples") / "中共深圳市委政法委员会_2019_项目绩效情况自评表.xlsx"

SECTION_OVERVIEW = "一、项目概况"
SECTION_FUNDS = "二、资金安排和使用情况"
SECTION_MATRIX = "(一) 资金安排情况"
SECTION_USE = "(二) 资金使用情况"
LABEL_ITEM = "项目"
LABEL_LINE = "行次"
LABEL_FISCAL = "财政资金"
LABEL_OTHER = "其他资金"
LABEL_SPENT = "实际支出数"

N_COLUMNS = 12  # A–L
#: Column widths (Excel character units), A–L.
COLUMN_WIDTHS = (20.0, 18.0, 24.0, 11.0, 14.0, 14.0, 11.0, 12.0, 12.0, 12.0, 12.0, 12.0)
#: The 评分表's columns: (first, last) column index of each of SCORE_COLUMNS.
SCORE_SPANS: tuple[tuple[int, int], ...] = (
    (0, 0),
    (1, 1),
    (2, 2),
    (3, 3),
    (4, 4),
    (5, 5),
    (6, 6),
    (7, 11),
)
#: (二) 资金使用情况's columns: (first, last) column index of each of USE_COLUMNS.
USE_SPANS: tuple[tuple[int, int], ...] = ((0, 2), (3, 4), (5, 6), (7, 8), (9, 11))

_LINE_HEIGHT = 13.5  # points per text line at the 10 pt body font
_MIN_ROW_HEIGHT = 20.0
_MAX_ROW_HEIGHT = 409.0  # Excel's limit

_SECTION = Font(name=FONT_NAME, size=12, bold=True)
_LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
_LEFT_TOP = Alignment(horizontal="left", vertical="top", wrap_text=True)
_RIGHT = Alignment(horizontal="right", vertical="center", wrap_text=True)

Value = int | float | str | None


class _Sheet:
    """Writes rows top-down on one sheet, with the form's styles."""

    def __init__(self, ws: Worksheet) -> None:
        self.ws = ws
        self.row = 0  # the last row written (1-based)
        for c, width in enumerate(COLUMN_WIDTHS):
            ws.column_dimensions[column_letter(c + 1)].width = width

    def next_row(self) -> int:
        self.row += 1
        return self.row

    def put(
        self,
        r: int,
        c: int,
        value: Value,
        *,
        font: Font = BODY,
        align: Alignment = CENTER,
        number_format: str | None = None,
    ) -> str:
        return write_cell(
            self.ws, r, c + 1, value, font=font, align=align, number_format=number_format
        )

    def text(self, r: int, c: int, text: str, align: Alignment = CENTER) -> str:
        return self.put(r, c, text or None, align=align)

    def label(self, r: int, c: int, text: str) -> str:
        return self.put(r, c, text, font=BOLD)

    def number(self, r: int, c: int, text: str) -> str:
        value, fmt = number_cell(text)
        align = CENTER if isinstance(value, str) else _RIGHT
        return self.put(r, c, value, align=align, number_format=fmt)

    def merge(self, r1: int, c1: int, r2: int, c2: int) -> None:
        if (r1, c1) != (r2, c2):
            self.ws.merge_cells(start_row=r1, start_column=c1 + 1, end_row=r2, end_column=c2 + 1)

    def borders(self, r1: int, r2: int) -> None:
        for r in range(r1, r2 + 1):
            for c in range(N_COLUMNS):
                self.ws.cell(row=r, column=c + 1).border = BORDER

    def height(self, r: int, points: float) -> None:
        dim = self.ws.row_dimensions[r]
        dim.height = max(dim.height or 0.0, min(max(points, _MIN_ROW_HEIGHT), _MAX_ROW_HEIGHT))

    def fit(self, r: int, texts: Sequence[tuple[str, int, int]]) -> None:
        """Row height for texts given as (text, first column, last column)."""
        lines = 1
        for txt, c1, c2 in texts:
            if txt:
                width = sum(COLUMN_WIDTHS[c] for c in range(c1, c2 + 1))
                lines = max(lines, text_lines(txt, width))
        self.height(r, lines * _LINE_HEIGHT + 6)

    def line(self, text: str, font: Font, align: Alignment = _LEFT) -> str:
        """A row of one text merged across A:L."""
        r = self.next_row()
        where = self.put(r, 0, text or None, font=font, align=align)
        self.merge(r, 0, r, N_COLUMNS - 1)
        self.fit(r, [(text, 0, N_COLUMNS - 1)])
        return where


def _level1_runs(rows: Sequence[ScoreRow]) -> list[tuple[int, int]]:
    """(first, last) row index of each 一级 row and the 二级/三级 rows under it."""
    runs: list[tuple[int, int]] = []
    for i, row in enumerate(rows):
        if row.kind == "level1":
            runs.append((i, i))
        elif row.kind in ("level2", "item") and runs:
            runs[-1] = (runs[-1][0], i)
    return runs


def write_form_p(ws: Worksheet, form: SeedFormP) -> dict[str, str]:
    """Write one form in the layout above; return model path -> cell address.

    Paths: ``title``, ``overview.<i>.heading`` (parts with a heading),
    ``overview.<i>.paragraph.<j>``, ``matrix.<row key>.<label|line|column key>``
    (keys of :data:`~budgetlint.build.seed_p.MATRIX_ROWS` and
    :data:`~budgetlint.build.seed_p.MATRIX_COLUMNS`), ``use.<i>.<column key>``
    (:data:`~budgetlint.build.seed_p.USE_COLUMNS`), ``scorecard_heading``,
    ``scorecard_title``, ``scorecard.<i>.<field>`` for every row and field of
    :data:`~budgetlint.build.seed_p.SCORE_COLUMNS` (``level1`` only on the rows that
    print it: the 一级, 总计 and 评价等级 rows; no ``level2``/``name`` on the last two,
    whose label spans those columns), and the aliases ``total.weight``,
    ``total.score``, ``grade.weight``, ``grade``.  A value in a merged range maps to
    the range's top-left cell.
    """
    s = _Sheet(ws)
    where: dict[str, str] = {}

    # Title.
    r = s.next_row()
    where["title"] = s.put(r, 0, form.title, font=TITLE_FONT)
    s.merge(r, 0, r, N_COLUMNS - 1)
    s.height(r, 32)

    # 一、项目概况.
    s.line(SECTION_OVERVIEW, _SECTION)
    for i, part in enumerate(form.overview):
        if part.heading:
            where[f"overview.{i}.heading"] = s.line(part.heading, BOLD)
        for j, paragraph in enumerate(part.text.split("\n")):
            where[f"overview.{i}.paragraph.{j}"] = s.line(paragraph, BODY, _LEFT_TOP)

    # 二、资金安排和使用情况 / (一) 资金安排情况.
    s.line(SECTION_FUNDS, _SECTION)
    s.line(SECTION_MATRIX, BOLD)
    top = s.next_row()
    sub = s.next_row()
    for c, text in enumerate((LABEL_ITEM, LABEL_LINE, MATRIX_COLUMNS[0][1])):
        s.label(top, c, text)
        s.merge(top, c, sub, c)
    s.label(top, 3, LABEL_FISCAL)
    s.merge(top, 3, top, 7)
    s.label(top, 8, LABEL_OTHER)
    s.merge(top, 8, top, 11)
    for k, (_, head) in enumerate(MATRIX_COLUMNS[1:], 3):
        s.label(sub, k, head)
    s.height(top, 22)
    s.height(sub, 22)
    for (key, _, _), row in zip(MATRIX_ROWS, form.matrix, strict=True):
        r = s.next_row()
        where[f"matrix.{key}.label"] = s.put(r, 0, row.label or None, font=BOLD, align=_LEFT)
        where[f"matrix.{key}.line"] = s.text(r, 1, row.line)
        for k, (col, _) in enumerate(MATRIX_COLUMNS, 2):
            where[f"matrix.{key}.{col}"] = s.number(r, k, row.value(col))
        s.fit(r, [(row.label, 0, 0), (row.line, 1, 1)])
    s.borders(top, s.row)

    # (二) 资金使用情况.
    s.line(SECTION_USE, BOLD)
    top = s.next_row()
    sub = s.next_row()
    (c1, c2), spent, (e1, e2) = USE_SPANS[0], USE_SPANS[1:4], USE_SPANS[4]
    s.label(top, c1, USE_COLUMNS[0][1])
    s.merge(top, c1, sub, c2)
    s.label(top, spent[0][0], LABEL_SPENT)
    s.merge(top, spent[0][0], top, spent[-1][1])
    for (a, b), (_, head) in zip(spent, USE_COLUMNS[1:4], strict=True):
        s.label(sub, a, head)
        s.merge(sub, a, sub, b)
    s.label(top, e1, USE_COLUMNS[4][1])
    s.merge(top, e1, sub, e2)
    s.height(top, 22)
    s.height(sub, 22)
    for i, use in enumerate(form.use):
        r = s.next_row()
        values = (use.item, use.total, use.fiscal, use.other, use.earmarked)
        for k, ((key, _), (a, b), text) in enumerate(
            zip(USE_COLUMNS, USE_SPANS, values, strict=True)
        ):
            if k == 0:
                where[f"use.{i}.{key}"] = s.text(r, a, text, _LEFT)
            else:
                where[f"use.{i}.{key}"] = s.number(r, a, text)
            s.merge(r, a, r, b)
        s.fit(r, [(use.item, *USE_SPANS[0])])
    s.borders(top, s.row)

    # 三、项目自评价评分表.
    where["scorecard_heading"] = s.line(form.scorecard_heading, _SECTION)
    where["scorecard_title"] = s.line(form.scorecard_title, _SECTION, CENTER)
    head = s.next_row()
    for (_, text), (a, b) in zip(SCORE_COLUMNS, SCORE_SPANS, strict=True):
        s.label(head, a, text)
        s.merge(head, a, head, b)
    s.height(head, 24)
    first = head + 1
    for i, row in enumerate(form.scorecard):
        r = s.next_row()
        p = f"scorecard.{i}"
        if row.kind in ("level1", "total", "grade"):
            where[f"{p}.level1"] = s.put(r, 0, row.level1, font=BOLD)
        if row.kind in ("total", "grade"):
            s.merge(r, 0, r, 2)  # 总计 / 评价等级 over 一级, 二级 and 三级
        else:
            where[f"{p}.level2"] = s.text(r, 1, row.level2)
            where[f"{p}.name"] = s.text(r, 2, row.name, _LEFT)
        where[f"{p}.weight"] = s.number(r, 3, row.weight)
        where[f"{p}.target"] = s.text(r, 4, row.target)
        where[f"{p}.actual"] = s.text(r, 5, row.actual)
        where[f"{p}.score"] = s.number(r, 6, row.score)
        where[f"{p}.criterion"] = s.text(r, 7, row.criterion, _LEFT)
        s.merge(r, 7, r, 11)
        s.fit(
            r,
            [
                (row.name, 2, 2),
                (row.target, 4, 4),
                (row.actual, 5, 5),
                (row.criterion, 7, 11),
            ],
        )
        if row.kind == "total":
            where["total.weight"] = where[f"{p}.weight"]
            where["total.score"] = where[f"{p}.score"]
        elif row.kind == "grade":
            where["grade.weight"] = where[f"{p}.weight"]
            where["grade"] = where[f"{p}.score"]
    for a, b in _level1_runs(form.scorecard):
        s.merge(first + a, 0, first + b, 0)
    s.borders(head, s.row)
    return where


def example_workbook(
    forms: Sequence[SeedFormP] = FORMS,
) -> tuple[Workbook, dict[str, dict[str, str]]]:
    """One sheet per form, named by its annex; the workbook and sheet -> address map."""
    return workbook_of((form.annex, partial(_write_page, form=form)) for form in forms)


def _write_page(ws: Worksheet, form: SeedFormP) -> dict[str, str]:
    """One form on its sheet, set up to print."""
    where = write_form_p(ws, form)
    page_setup(ws)
    return where


def build_all(root: Path) -> list[Path]:
    """Write the committed form-P example under ``root``; return its path."""
    wb, _ = example_workbook()
    return [save(wb, root / EXAMPLE_PATH)]
