"""The model of form P (项目绩效情况自评表), read from any layout.

A form P has three blocks (FORMS.md "Form P"): the 资金安排情况 matrix, the
资金使用情况 table and the 项目自评价评分表.  As for form S, every value keeps its
cell (:class:`~budgetlint.model.Field`); amounts are in 元 whatever the form
prints, rates are fractions (a ``100`` in the 预算执行率 (%) row is 1.0, shown
with ``scale`` 100 and no sign), weights and scores are points.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from budgetlint.grid import CellRef
from budgetlint.model import Field, FormBase

#: Rows of the 资金安排情况 matrix: key -> (label, 行次).  (5)–(8) are computed rows.
MATRIX_ROWS: dict[str, tuple[str, str]] = {
    "budget": ("预算安排", "(1)"),
    "invested": ("项目实际投入", "(2)"),
    "arrived": ("资金到位", "(3)"),
    "spent": ("实际支出", "(4)"),
    "balance": ("资金结余", "(5)"),  # (5) = (3) - (4)
    "exec_rate": ("预算执行率", "(6)"),  # (6) = (4) / (1), percent
    "arrival_rate": ("资金到位率", "(7)"),  # (7) = (3) / (1), percent
    "spend_rate": ("资金实际支出率", "(8)"),  # (8) = (4) / (3), percent
}
#: The rate rows: key -> (numerator row, denominator row).
MATRIX_RATES: dict[str, tuple[str, str]] = {
    "exec_rate": ("spent", "budget"),
    "arrival_rate": ("arrived", "budget"),
    "spend_rate": ("spent", "arrived"),
}
#: Columns of the matrix: key -> header label (the 财政资金 / 其他资金 group's 小计 is
#: ``fiscal`` / ``other``).
MATRIX_COLUMNS: dict[str, str] = {
    "total": "合计",
    "fiscal": "财政资金小计",
    "central": "中央级",
    "province": "省级",
    "city": "市级",
    "county": "区县转移",
    "other": "其他资金小计",
    "own": "单位自有",
    "loan": "银行贷款等",
    "social": "社会资本",
}
#: Column sums of the matrix: whole -> parts.
MATRIX_SUMS: dict[str, tuple[str, ...]] = {
    "total": ("fiscal", "other"),
    "fiscal": ("central", "province", "city", "county"),
    "other": ("own", "loan", "social"),
}


@dataclass
class MatrixRow:
    """One row (1)–(8) of the 资金安排情况 matrix."""

    key: str  # a MATRIX_ROWS key
    label: Field[str]
    line: Field[str] | None = None  # the 行次 cell: (1), (5) = (3) - (4)
    #: MATRIX_COLUMNS key -> the cell (amount rows in 元; rate rows as fractions).
    cells: dict[str, Field[float]] = field(default_factory=dict)

    @property
    def row(self) -> int:
        return self.label.ref.row if self.label.ref else 0


@dataclass
class FundMatrix:
    """(一) 资金安排情况."""

    rows: dict[str, MatrixRow] = field(default_factory=dict)  # MATRIX_ROWS key -> row
    header: CellRef | None = None  # the 项目 header cell
    unit: str = "元"
    #: MATRIX_COLUMNS key -> the header cell that named the column.
    columns: dict[str, Field[str]] = field(default_factory=dict)

    def cell(self, row: str, column: str = "total") -> Field[float] | None:
        r = self.rows.get(row)
        return r.cells.get(column) if r is not None else None


@dataclass
class UseRow:
    """One row of (二) 资金使用情况: a 项目支出内容 with its actual spending."""

    label: Field[str]
    total: Field[float] | None = None  # 实际支出数 合计
    fiscal: Field[float] | None = None  # 财政资金支出数
    other: Field[float] | None = None  # 其他资金支出数
    earmarked: Field[float] | None = None  # 财政资金专款专用数
    is_total: bool = False  # the 合计 row

    @property
    def row(self) -> int:
        return self.label.ref.row if self.label.ref else 0


@dataclass
class FundUse:
    """(二) 资金使用情况."""

    rows: list[UseRow] = field(default_factory=list)  # in form order, the 合计 row included
    header: CellRef | None = None
    unit: str = "元"

    @property
    def total(self) -> UseRow | None:
        return next((r for r in self.rows if r.is_total), None)

    @property
    def items(self) -> list[UseRow]:
        return [r for r in self.rows if not r.is_total]


@dataclass
class ScoreItem:
    """One 三级 row of the 项目自评价评分表."""

    row: int
    name: Field[str]  # 三级指标
    weight: Field[float] | None = None  # 权重
    target: Field[Any] | None = None  # 目标值, Field[Value]
    actual: Field[Any] | None = None  # 业绩值, Field[Value]
    score: Field[float] | None = None  # 评分结果
    criterion: Field[str] | None = None  # 评分标准, the rule in words
    level1: str = ""  # the 一级 it is under (normalised: 投入和管理目标 …)
    level2: str = ""  # the 二级 name when the form prints it

    @property
    def key(self) -> str:
        return self.name.text


@dataclass
class Subtotal:
    """A 二级 row: a row that carries a weight over the 三级 items below it.

    Real forms often lose the 二级 name in print: the row holds only a weight.  A
    subtotal row that also prints a score keeps it in ``score``; it is a subtotal,
    never an item, and is never added into 总计 a second time.
    """

    row: int
    weight: Field[float]
    label: Field[str] | None = None  # the 二级 name, when printed
    score: Field[float] | None = None  # a score printed on the subtotal row
    items: list[ScoreItem] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.label.text if self.label is not None else ""


@dataclass
class Level1:
    """A 一级 row (投入和管理目标 25, 产出目标 30 …) and what is under it."""

    label: Field[str]
    key: str  # normalised name: 投入和管理目标 / 产出目标 / 效果目标 / 影响力目标 / …
    weight: Field[float] | None = None
    score: Field[float] | None = None  # when the 一级 row prints one
    subtotals: list[Subtotal] = field(default_factory=list)
    #: Items directly under the 一级 with no subtotal row above them.
    items: list[ScoreItem] = field(default_factory=list)

    @property
    def row(self) -> int:
        return self.label.ref.row if self.label.ref else 0

    @property
    def all_items(self) -> list[ScoreItem]:
        out = list(self.items)
        for s in self.subtotals:
            out.extend(s.items)
        return sorted(out, key=lambda i: i.row)


@dataclass
class Scorecard:
    """三、项目自评价评分表."""

    header: CellRef | None = None
    title: Field[str] | None = None  # 项目自评价评分表 / 项目自我评价评分表
    level1: list[Level1] = field(default_factory=list)
    total_label: Field[str] | None = None  # 总计
    total_weight: Field[float] | None = None
    total_score: Field[float] | None = None
    grade_label: Field[str] | None = None  # 评价等级
    grade: Field[str] | None = None  # 优秀 / 良好 / 合格 / 不合格 (or 优/良/中/差)
    #: Rows inside the table that were not read (with why), for 未核对 listings.
    skipped: list[tuple[int, str]] = field(default_factory=list)

    @property
    def items(self) -> list[ScoreItem]:
        return [i for l1 in self.level1 for i in l1.all_items]

    @property
    def subtotals(self) -> list[Subtotal]:
        return [s for l1 in self.level1 for s in l1.subtotals]


@dataclass
class FormP(FormBase):
    """A 项目绩效情况自评表 (form P)."""

    kind: ClassVar[str] = "P"

    title: Field[str] | None = None  # …项目绩效情况自评表
    project: str = ""  # the project name: the title without 项目绩效情况自评表
    annex: Field[str] | None = None  # 附件1-17, when the sheet prints it
    matrix: FundMatrix | None = None
    use: FundUse | None = None
    scorecard: Scorecard | None = None
    #: 一、项目概况 texts by heading (项目背景, 项目内容 …), and other labelled texts.
    texts: dict[str, Field[str]] = field(default_factory=dict)

    @property
    def start(self) -> CellRef | None:
        refs = [r for r in (self.title.ref if self.title else None,) if r is not None]
        for b in (self.matrix, self.use, self.scorecard):
            if b is not None and b.header is not None:
                refs.append(b.header)
        return min(refs, key=lambda r: (r.row, r.col), default=None)


@dataclass(frozen=True)
class ProjectFacts:
    """What a narrative's project summary (绩效自评综述) is held to: one form P's figures.

    Small and picklable: a batch keeps the facts of every form P it read (in every
    file), so that a narrative in one file is checked against forms in another.
    """

    file: str
    sheet: str
    project: str  # the project name, from the form's title
    score: Field[float] | None = None  # 总计 评分结果
    budget: Field[float] | None = None  # 预算安排 (1) 合计, 元
    executed: Field[float] | None = None  # 实际支出 (4) 合计, 元
    rate: Field[float] | None = None  # 预算执行率 (6) 合计, a fraction
    grade: Field[str] | None = None  # 评价等级

    @classmethod
    def of(cls, form: FormP, file: str = "") -> ProjectFacts:
        m, sc = form.matrix, form.scorecard
        return cls(
            file=file,
            sheet=form.sheet,
            project=form.project,
            score=sc.total_score if sc else None,
            budget=m.cell("budget") if m else None,
            executed=m.cell("spent") if m else None,
            rate=m.cell("exec_rate") if m else None,
            grade=sc.grade if sc else None,
        )
