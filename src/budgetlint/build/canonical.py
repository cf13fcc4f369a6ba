"""The canonical form-S layout (项目支出绩效自评表), as a department's workbook has it.

:func:`write_form_s` writes one project in the layout of FORMS.md (columns A–I
from the origin) and returns where every model value went;
:func:`write_template` writes the blank template the project ships (the
standard-function rendering of :mod:`budgetlint.build.template_s`, which adds the
computed cells, protection, lists and the 说明 sheet to this layout);
:func:`build_examples` writes both committed workbooks.

The layout, rows relative to the origin (columns A–I for origin ``(1, 1)``)::

    1      项目支出绩效自评表 (title, merged A:I)
    2      项目名称 | name (B:E)             | 项目金额 | amount (G:I)
    3      主管部门 | department (B:E)       | 实施单位 | unit (G:I)
    4      项目资金（元） | (blank) | 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分
    5-8      (A4:A8 merged) 年度资金总额 / 其中：当年财政拨款 / 上年结转资金 / 其他资金
    9      年度总体目标 | 预期目标 (B:E)   | 实际完成情况 (F:I)
    10       (A9:A10 merged) planned text (B:E) | actual text (F:I)
    11     年度绩效指标 | 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分
             | 偏差原因分析及改进措施
    12…      (A11 merged down the block) one row per 三级 indicator; 一级 and 二级 merged
             vertically over their rows
    last   总分 | … | 分值 (G) | 得分 (H) | reason (I)

Values are written as a department types them: amounts, rates, weights and
scores as numbers whose number format shows the printed decimals (``'0.00'``
for ``987000.00`` and ``0.98``, ``'0.0'`` for ``10.0``, ``'0'`` for ``10``), ``—``
as text, targets and actuals as the printed texts.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import partial
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from budgetlint.build.seed_s import (
    FUND_LABELS,
    PROJECTS,
    FundLine,
    SeedIndicator,
    SeedProject,
)
from budgetlint.build.xlsx import (
    BODY,
    BOLD,
    BORDER,
    CENTER,
    TITLE_FONT,
    save,
    workbook_of,
    write_cell,
)
from budgetlint.grid import address, column_letter
from budgetlint.model import INDICATOR_COLUMNS

TITLE = "项目支出绩效自评表"

#: Where the committed workbooks live, relative to the repository root.
EXAMPLE_PATH = Path("examples") / "深圳市社会组织管理局_2021_项目支出绩效自评表.xlsx"
TEMPLATE_PATH = Path("templates") / "项目支出绩效自评表.xlsx"
TEMPLATE_SHEET = "项目支出绩效自评表"

# Labels of the canonical template.
LABEL_PROJECT = "项目名称"
LABEL_AMOUNT = "项目金额"
LABEL_DEPARTMENT = "主管部门"
LABEL_UNIT = "实施单位"
LABEL_FUNDS = "项目资金（元）"
FUND_HEADERS = ("年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分")
LABEL_GOAL = "年度总体目标"
LABEL_GOAL_PLANNED = "预期目标"
LABEL_GOAL_ACTUAL = "实际完成情况"
LABEL_INDICATORS = "年度绩效指标"
INDICATOR_HEADERS = INDICATOR_COLUMNS
LABEL_TOTAL = "总分"

#: The 一级 / 二级 indicators the blank template lists (FORMS.md).
TEMPLATE_LEVELS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("产出指标", ("数量指标", "质量指标", "时效指标", "成本指标")),
    ("效益指标", ("经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标")),
    ("满意度指标", ("服务对象满意度指标",)),
)
TEMPLATE_ROWS_PER_LEVEL2 = 2

N_COLUMNS = 9  # A–I
#: Column widths (Excel character units), A–I.
COLUMN_WIDTHS = (14.0, 20.0, 15.0, 32.0, 14.0, 14.0, 9.0, 9.0, 42.0)
_LINE_HEIGHT = 13.5  # points per text line at the 10 pt body font
_MIN_ROW_HEIGHT = 20.0
_MAX_ROW_HEIGHT = 409.0  # Excel's limit
_GOAL_MIN_HEIGHT = 60.0  # room to type the goals into a blank form

_LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
_LEFT_TOP = Alignment(horizontal="left", vertical="top", wrap_text=True)
_RIGHT = Alignment(horizontal="right", vertical="center", wrap_text=True)

_NUMBER = re.compile(r"^-?\d+(?:\.(\d+))?$")
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def number_cell(text: str) -> tuple[int | float | str | None, str | None]:
    """A printed value as a department types it: ``(value, number_format)``.

    ``'987000.00'`` -> ``(987000.0, '0.00')``, ``'10'`` -> ``(10, '0')``,
    ``'—'`` -> ``('—', None)``, ``''`` -> ``(None, None)``; any other text stays text.
    """
    s = text.strip()
    if not s:
        return None, None
    m = _NUMBER.match(s)
    if not m:
        return s, None
    decimals = len(m.group(1) or "")
    if decimals == 0:
        return int(s), "0"
    return float(s), "0." + "0" * decimals


def text_width(text: str) -> int:
    """Display width in Excel character units (CJK characters count two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def text_lines(text: str, width: float) -> int:
    """How many lines a wrapped text takes in a cell ``width`` units wide."""
    usable = max(width - 1.5, 1.0)
    return sum(max(1, math.ceil(text_width(part) / usable)) for part in text.split("\n"))


def sheet_name(index: int, project_name: str, taken: Iterable[str] = ()) -> str:
    """A short, unique, valid sheet name: ``'01 综合服务工作'`` (≤ 31 characters)."""
    base = _SHEET_FORBIDDEN.sub("_", f"{index:02d} {project_name}").strip("'")[:31]
    used = set(taken)
    name, n = base, 2
    while name in used:
        suffix = f"~{n}"
        name = base[: 31 - len(suffix)] + suffix
        n += 1
    return name


class _Writer:
    """Writes cells relative to an origin, with the form's styles."""

    def __init__(self, ws: Worksheet, origin: tuple[int, int]) -> None:
        self.ws = ws
        self.row0, self.col0 = origin

    def addr(self, r: int, c: int) -> str:
        return address(self.row0 + r, self.col0 + c)

    def put(
        self,
        r: int,
        c: int,
        value: int | float | str | None,
        *,
        font: Font = BODY,
        align: Alignment = CENTER,
        number_format: str | None = None,
    ) -> str:
        return write_cell(
            self.ws,
            self.row0 + r,
            self.col0 + c,
            value,
            font=font,
            align=align,
            number_format=number_format,
        )

    def label(self, r: int, c: int, text: str) -> str:
        return self.put(r, c, text, font=BOLD)

    def text(self, r: int, c: int, text: str, align: Alignment = CENTER) -> str:
        return self.put(r, c, text or None, align=align)

    def number(self, r: int, c: int, text: str) -> str:
        value, fmt = number_cell(text)
        align = CENTER if isinstance(value, str) else _RIGHT
        return self.put(r, c, value, align=align, number_format=fmt)

    def merge(self, r1: int, c1: int, r2: int, c2: int) -> None:
        if (r1, c1) != (r2, c2):
            self.ws.merge_cells(f"{self.addr(r1, c1)}:{self.addr(r2, c2)}")

    def borders(self, r1: int, r2: int) -> None:
        for r in range(r1, r2 + 1):
            for c in range(N_COLUMNS):
                self.ws.cell(row=self.row0 + r, column=self.col0 + c).border = BORDER

    def height(self, r: int, points: float) -> None:
        dim = self.ws.row_dimensions[self.row0 + r]
        dim.height = max(dim.height or 0.0, min(max(points, _MIN_ROW_HEIGHT), _MAX_ROW_HEIGHT))

    def fit(self, r: int, texts: Sequence[tuple[str, int, int]]) -> None:
        """Row height for texts given as (text, first column, last column)."""
        lines = 1
        for txt, c1, c2 in texts:
            if txt:
                width = sum(COLUMN_WIDTHS[c] for c in range(c1, c2 + 1))
                lines = max(lines, text_lines(txt, width))
        self.height(r, lines * _LINE_HEIGHT + 6)


def _runs(keys: Sequence[object]) -> list[tuple[int, int]]:
    """Runs of equal consecutive keys as (first index, last index)."""
    runs: list[tuple[int, int]] = []
    start = 0
    for i in range(1, len(keys) + 1):
        if i == len(keys) or keys[i] != keys[start]:
            runs.append((start, i - 1))
            start = i
    return runs


def write_form_s(
    ws: Worksheet, project: SeedProject, *, origin: tuple[int, int] = (1, 1)
) -> dict[str, str]:
    """Write one project in the canonical layout; return model path -> cell address.

    Paths: ``project``, ``amount``, ``department``, ``unit_name``,
    ``goal_planned``, ``goal_actual``,
    ``fund.<total|fiscal|carryover|other>.<initial|budget|executed|weight|rate|score>``,
    ``indicators.<i>.<level1|level2|name|target|actual|weight|score|reason>``,
    ``total_weight``, ``total_score``.  A value in a merged range maps to the
    range's top-left cell (where it is stored), so the ``level1``/``level2`` of
    the rows of one merged 一级/二级 share an address.
    """
    w = _Writer(ws, origin)
    where: dict[str, str] = {}

    for c, width in enumerate(COLUMN_WIDTHS):
        ws.column_dimensions[column_letter(w.col0 + c)].width = width

    # Title.
    w.put(0, 0, TITLE, font=TITLE_FONT)
    w.merge(0, 0, 0, N_COLUMNS - 1)
    w.height(0, 30)

    # 项目名称 / 项目金额, 主管部门 / 实施单位.
    w.label(1, 0, LABEL_PROJECT)
    where["project"] = w.text(1, 1, project.name)
    w.merge(1, 1, 1, 4)
    w.label(1, 5, LABEL_AMOUNT)
    where["amount"] = w.number(1, 6, project.amount)
    w.merge(1, 6, 1, 8)
    w.label(2, 0, LABEL_DEPARTMENT)
    where["department"] = w.text(2, 1, project.department)
    w.merge(2, 1, 2, 4)
    w.label(2, 5, LABEL_UNIT)
    where["unit_name"] = w.text(2, 6, project.unit)
    w.merge(2, 6, 2, 8)
    w.fit(1, [(project.name, 1, 4)])
    w.fit(2, [(project.unit, 6, 8)])

    # 项目资金（元）.
    w.label(3, 0, LABEL_FUNDS)
    w.merge(3, 0, 3 + len(FUND_LABELS), 0)
    for k, head in enumerate(FUND_HEADERS):
        w.label(3, 2 + k, head)
    w.height(3, 24)
    funds = {line.kind: line for line in project.funds}
    for k, (kind, label) in enumerate(FUND_LABELS.items()):
        r = 4 + k
        line = funds.get(kind, FundLine(label, "", "", "", "", "", ""))
        w.label(r, 1, label)
        values = (line.initial, line.budget, line.executed, line.weight, line.rate, line.score)
        for j, (key, text) in enumerate(
            zip(("initial", "budget", "executed", "weight", "rate", "score"), values, strict=True)
        ):
            where[f"fund.{kind}.{key}"] = w.number(r, 2 + j, text)
        w.height(r, _MIN_ROW_HEIGHT)

    # 年度总体目标.
    w.label(8, 0, LABEL_GOAL)
    w.merge(8, 0, 9, 0)
    w.label(8, 1, LABEL_GOAL_PLANNED)
    w.merge(8, 1, 8, 4)
    w.label(8, 5, LABEL_GOAL_ACTUAL)
    w.merge(8, 5, 8, 8)
    where["goal_planned"] = w.text(9, 1, project.goal_planned, _LEFT_TOP)
    w.merge(9, 1, 9, 4)
    where["goal_actual"] = w.text(9, 5, project.goal_actual, _LEFT_TOP)
    w.merge(9, 5, 9, 8)
    w.fit(9, [(project.goal_planned, 1, 4), (project.goal_actual, 5, 8)])
    w.height(9, _GOAL_MIN_HEIGHT)

    # 年度绩效指标.
    first = 11
    inds = project.indicators
    w.label(10, 0, LABEL_INDICATORS)
    w.merge(10, 0, first + max(len(inds), 1) - 1, 0)
    for k, head in enumerate(INDICATOR_HEADERS):
        w.label(10, 1 + k, head)
    w.height(10, 30)
    for i, ind in enumerate(inds):
        r = first + i
        p = f"indicators.{i}"
        where[f"{p}.name"] = w.text(r, 3, ind.name, _LEFT)
        where[f"{p}.target"] = w.text(r, 4, ind.target)
        where[f"{p}.actual"] = w.text(r, 5, ind.actual)
        where[f"{p}.weight"] = w.number(r, 6, ind.weight)
        where[f"{p}.score"] = w.number(r, 7, ind.score)
        where[f"{p}.reason"] = w.text(r, 8, ind.reason, _LEFT)
        w.fit(
            r,
            [(ind.name, 3, 3), (ind.target, 4, 4), (ind.actual, 5, 5), (ind.reason, 8, 8)],
        )
    # 一级 and 二级: one merged cell over the rows of each run.
    for col, level, keys in (
        (1, "level1", [ind.level1 for ind in inds]),
        (2, "level2", [(ind.level1, ind.level2) for ind in inds]),
    ):
        for a, b in _runs(keys):
            text = inds[a].level1 if level == "level1" else inds[a].level2
            top = w.text(first + a, col, text)
            w.merge(first + a, col, first + b, col)
            for i in range(a, b + 1):
                where[f"indicators.{i}.{level}"] = top

    # 总分.
    total = first + max(len(inds), 1)
    w.label(total, 0, LABEL_TOTAL)
    for c in range(1, 6):
        w.text(total, c, "")
    where["total_weight"] = w.number(total, 6, project.total_weight)
    where["total_score"] = w.number(total, 7, project.total_score)
    w.text(total, 8, project.total_reason)
    w.height(total, 24)

    w.borders(1, total)
    return where


def page_setup(ws: Worksheet) -> None:
    """A4 landscape, fit to one page wide."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6


def template_project() -> SeedProject:
    """The blank form: labels only, the 一级/二级 names prefilled.

    The constants the form itself prints stay: 分值 ``10`` of the funds, ``—`` in
    the cells that do not apply, 总分 分值 ``100``.
    """
    funds = [
        FundLine(label, "", "", "", "10", "", "")
        if kind == "total"
        else FundLine(label, "", "", "", "—", "", "—")
        for kind, label in FUND_LABELS.items()
    ]
    indicators = [
        SeedIndicator(level1, level2, "", "", "", "", "", "")
        for level1, level2s in TEMPLATE_LEVELS
        for level2 in level2s
        for _ in range(TEMPLATE_ROWS_PER_LEVEL2)
    ]
    return SeedProject(
        name="",
        amount="",
        department="",
        unit="",
        goal_planned="",
        goal_actual="",
        funds=funds,
        indicators=indicators,
        total_weight="100",
        total_score="",
        total_reason="—",
    )


def template_workbook() -> Workbook:
    """The blank template: the sheet 项目支出绩效自评表 with its formulas, and 说明.

    The standard-function rendering of :mod:`budgetlint.build.template_s`.
    """
    from budgetlint.build.template_s import template_workbook as rendered

    return rendered("standard")


def write_template(path: str | Path) -> Path:
    """Write the blank template (standard-function rendering) to ``path``."""
    from budgetlint.build.template_s import write_template as write_rendered

    return write_rendered(path, "standard")


def example_workbook(
    projects: Sequence[SeedProject] = PROJECTS,
) -> tuple[Workbook, dict[str, dict[str, str]]]:
    """One sheet per project; returns the workbook and sheet name -> address map."""
    names: list[str] = []
    for i, project in enumerate(projects, 1):
        names.append(sheet_name(i, project.name, names))
    return workbook_of(
        (name, partial(_write_page, project=project))
        for name, project in zip(names, projects, strict=True)
    )


def _write_page(ws: Worksheet, project: SeedProject) -> dict[str, str]:
    """One project on its sheet, set up to print."""
    where = write_form_s(ws, project)
    page_setup(ws)
    return where


def build_examples(root: Path) -> list[Path]:
    """Write the committed example and template under ``root``; return their paths."""
    wb, _ = example_workbook()
    return [save(wb, root / EXAMPLE_PATH), write_template(root / TEMPLATE_PATH)]
