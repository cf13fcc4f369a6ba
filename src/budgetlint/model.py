"""The model a form is read into.

Every value keeps the cell it came from (:class:`Field`), so a finding can point
at the exact cell.  Numbers are stored as the reader parsed them: amounts in 元
(a 万元 form is converted), rates as fractions (``0.98``), weights and scores
as points.  Targets and actuals are :class:`budgetlint.values.Value` objects.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar, Generic, TypeVar

from budgetlint.grid import CellRef, CellValue

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Field(Generic[T]):
    """A value read from one cell, with what the cell prints.

    ``raw`` is what the cell stores; ``value`` the parsed value in the model's
    units (``None`` when the cell is blank or says "not applicable"): 元 for
    amounts, fractions for rates, points for weights and scores.

    What the cell *prints* is decided once, by the reader, and carried here so
    that every rule compares at the same precision:

    - ``decimals``: the decimals shown, in the unit the cell shows
      (``98.19%`` -> 2, ``0.98`` -> 2, ``96.92`` 万元 -> 2);
    - ``scale``: shown units per model unit (100 for a percentage, 0.0001 for
      an amount shown in 万元, else 1);
    - ``sign``: ``%`` when the cell shows a percent sign (``98%``, a ``0.00%``
      number format), ``""`` for ``98.19`` in a column headed (%);
    - ``computed``: the value is the result of a computation a department
      rounds (a rate, a fund score, a proportional indicator score, an amount
      converted to 万元): it may carry hidden decimals; a typed value (a weight,
      an amount in 元, a whole-number score) carries none;
    - ``as_text``: a number stored as text; ``shown``: the cell as displayed.
    """

    ref: CellRef | None
    raw: CellValue
    value: T | None
    decimals: int | None = None
    as_text: bool = False
    shown: str | None = None  # the cell as displayed (number format applied), when known
    scale: float = 1.0
    sign: str = ""
    computed: bool = False

    def __reduce__(self) -> tuple[type[Field[T]], tuple[Any, ...]]:
        # Pickled by its fields, as CellRef is (see CellRef.__reduce__).
        return type(self), (
            self.ref,
            self.raw,
            self.value,
            self.decimals,
            self.as_text,
            self.shown,
            self.scale,
            self.sign,
            self.computed,
        )

    @property
    def cell(self) -> str:
        return self.ref.address if self.ref else ""

    @property
    def step(self) -> float:
        """One unit of the last printed decimal, in model units (0.01 for ``0.98``, 0.0001 for ``98%``)."""
        return 10.0 ** (-(self.decimals or 0)) / self.scale

    def show(self, x: float, extra: int = 0) -> str:
        """A model value as this cell prints it (``extra`` more decimals): 0.98195 -> ``0.98``."""
        d = (self.decimals or 0) + extra
        return f"{x * self.scale:.{d}f}{self.sign}"

    @property
    def text(self) -> str:
        """The cell as a user reads it."""
        if self.shown is not None:
            return self.shown
        if self.raw is None:
            return ""
        if isinstance(self.raw, float):
            if self.decimals is not None:
                return f"{self.raw:.{self.decimals}f}"
            return repr(self.raw).removesuffix(".0") if self.raw.is_integer() else repr(self.raw)
        return str(self.raw).strip()

    @property
    def blank(self) -> bool:
        return self.raw is None or (isinstance(self.raw, str) and not self.raw.strip())


# Kinds of fund rows, across families.
#: The columns of form S's indicator block in the canonical layout (FORMS.md), in order.
INDICATOR_COLUMNS = (
    "一级指标",
    "二级指标",
    "三级指标",
    "年度指标值",
    "实际完成值",
    "分值",
    "得分",
    "偏差原因分析及改进措施",
)

FUND_TOTAL = "total"  # 年度资金总额 / 总额
FUND_FISCAL = "fiscal"  # 其中：当年财政拨款 / 本年财政拨款 / 财政资金
FUND_CARRYOVER = "carryover"  # 上年结转资金
FUND_SPECIAL = "special"  # 财政专户管理资金
FUND_UNIT = "unit"  # 单位资金
FUND_OTHER = "other"  # 其他资金
FUND_PARTS = (FUND_FISCAL, FUND_CARRYOVER, FUND_SPECIAL, FUND_UNIT, FUND_OTHER)


@dataclass
class FundRow:
    """One row of the fund block (项目资金 / 预算执行情况)."""

    kind: str
    label: Field[str]
    initial: Field[float] | None = None  # 年初预算数
    budget: Field[float] | None = None  # 全年预算数 / 调整后预算数 / 预算数(A)
    executed: Field[float] | None = None  # 全年执行数 / 预算执行数 / 执行数(B)
    weight: Field[float] | None = None  # 分值 / 权重
    rate: Field[float] | None = None  # 执行率, as a fraction
    score: Field[float] | None = None  # 得分
    reason: Field[str] | None = None  # 原因 (10 + 90 family)

    @property
    def row(self) -> int:
        return self.label.ref.row if self.label.ref else 0


@dataclass
class FundBlock:
    """The fund block: amounts in 元 whatever the form's unit."""

    rows: list[FundRow]
    unit: str = "元"  # the unit the form prints amounts in
    weight: float | None = None  # weight printed in the block label, e.g. 预算执行情况(20分)
    weight_ref: CellRef | None = None  # the label cell that prints it
    header: CellRef | None = None
    rate_percent: bool = False  # the rate column is headed (%) and holds 98.00 for 98 %

    def row(self, kind: str) -> FundRow | None:
        for r in self.rows:
            if r.kind == kind:
                return r
        return None

    @property
    def total(self) -> FundRow | None:
        return self.row(FUND_TOTAL)

    @property
    def parts(self) -> list[FundRow]:
        return [r for r in self.rows if r.kind in FUND_PARTS]


@dataclass
class Indicator:
    """One 三级 indicator row."""

    row: int
    name: Field[str]
    target: Field[Any]  # Field[Value]
    actual: Field[Any]  # Field[Value]
    level1: Field[str] | None = None  # 一级指标, normalised (产出指标 …)
    level2: Field[str] | None = None  # 二级指标, normalised (数量指标 …)
    weight: Field[float] | None = None
    score: Field[float] | None = None
    reason: Field[str] | None = None  # 偏差原因分析及改进措施
    #: Where the weight came from: "cell" (a 分值/权重 cell), "name" (``(10分)`` in the
    #: indicator's own name), "equal" (an equal share of ``weight_label``'s weight) or
    #: "unknown" (the form prints no weight for it: ``weight`` is None).
    weight_source: str = "cell"
    direction: str | None = None  # 正向 / 反向 where the form states it
    #: The label whose weight was split equally (``weight_source == "equal"``).
    weight_label: Field[str] | None = None

    @property
    def key(self) -> str:
        return self.name.text


@dataclass
class WeightGroup:
    """A label that carries a weight over a group of indicators.

    ``level``: "section" (绩效指标(90分) / 年度绩效目标(80分) over the whole table),
    "block" (a label in the left margin or on its own row, 产出目标(40分), one of two
    年度绩效目标(40分) blocks), "level1" (产出指标(50分)) or "level2" (数量指标(15分)).
    ``members`` are every indicator inside the group (sub-groups included);
    ``split`` is true when the reader gave its unweighted members equal shares.
    """

    label: Field[str]
    level: str
    weight: Field[float]
    members: list[Indicator] = field(default_factory=list)
    parent: WeightGroup | None = None
    split: bool = False

    @property
    def name(self) -> str:
        return self.label.value or self.label.text


@dataclass(frozen=True)
class FormulaCell:
    """A formula cell of the form's sheet as the checker's recomputation found it.

    ``value`` is the recomputed value (a number, a text, a bool, or an error value
    as its text); ``cached`` what the file stores (``None``: nothing, the file was
    saved without calculating); ``number_format`` the cell's, to show both.
    """

    ref: CellRef
    formula: str
    value: CellValue
    cached: CellValue = None
    number_format: str = "General"


@dataclass
class FormBase:
    """What every form model has: where it was read, its family, and its formula cells.

    ``kind`` names the form (``"S"``, ``"P"``, ``"D"``): a rule runs on the forms
    of its kind (:attr:`budgetlint.rules.Rule.form`).  The formula fields are
    copied from the grid by the reader (the checker recomputed them before).
    """

    kind: ClassVar[str] = ""

    sheet: str
    family: str  # family key, see budgetlint.families
    #: Formula cells of the sheet that have no cached value (saved without recalculating).
    uncached_formulas: list[CellRef] = field(default_factory=list)
    #: Why each formula cell the checker could not recompute was not recomputed (Chinese).
    unrecomputed_formulas: dict[CellRef, str] = field(default_factory=dict)
    #: Formula cells without a cached value, read with their recomputed value (reading order).
    recomputed_formulas: list[FormulaCell] = field(default_factory=list)
    #: Formula cells whose cached value (what the form reads) differs from their recomputation.
    stale_formulas: list[FormulaCell] = field(default_factory=list)

    @property
    def start(self) -> CellRef | None:
        """The form's first cell (its title or first header), where a failure is shown."""
        return None


@dataclass
class FormS(FormBase):
    """A 项目支出绩效自评表 (form S) in any family's layout."""

    kind: ClassVar[str] = "S"

    title: Field[str] | None = None
    project: Field[str] | None = None  # 项目名称 (部门 for the department family)
    amount: Field[float] | None = None  # 项目金额 / 预算资金, 元
    department: Field[str] | None = None  # 主管部门
    unit_name: Field[str] | None = None  # 实施单位
    goal_planned: Field[str] | None = None  # 年度总体目标: 预期目标
    goal_actual: Field[str] | None = None  # 年度总体目标: 实际完成情况
    fund: FundBlock | None = None
    indicators: list[Indicator] = field(default_factory=list)
    level1_weights: dict[str, Field[float]] = field(default_factory=dict)  # 产出指标(50分)
    #: 一级 weights the form's own note fixes (注：一级指标分值统一设置为：产出指标50分、…)
    stated_level1_weights: dict[str, float] = field(default_factory=dict)
    stated_weights_note: Field[str] | None = None
    indicator_block_weight: Field[float] | None = None  # 绩效指标(90分) / 年度绩效目标(80分)
    #: Every weighted label over indicators (section, blocks, 一级, 二级), in reading order.
    weight_groups: list[WeightGroup] = field(default_factory=list)
    total_weight: Field[float] | None = None  # 总分 row, 分值 column
    total_score: Field[float] | None = None  # 总分 row, 得分 column
    total_label: Field[str] | None = None
    grade: Field[str] | None = None  # 评价等级 / 自评等级
    texts: dict[str, Field[str]] = field(default_factory=dict)  # 评价结论, 存在问题, 改进措施 …
    skipped_rows: list[int] = field(
        default_factory=list
    )  # template leftovers not read as indicators
    #: The cell of each template row in the indicator block not read as an indicator: the
    #: ``……`` cell of a row in ``skipped_rows``, or the name cell of a placeholder row that
    #: holds nothing but ``指标2:`` (or another leftover with no content: ``★``, ``(≥**人)``).
    residue_cells: list[Field[str]] = field(default_factory=list)

    @property
    def start(self) -> CellRef | None:
        """The earliest of the title, the project and the fund header."""
        refs = [f.ref for f in (self.title, self.project) if f is not None and f.ref is not None]
        if self.fund is not None and self.fund.header is not None:
            refs.append(self.fund.header)
        return min(refs, key=lambda r: (r.row, r.col), default=None)

    @property
    def has_scores(self) -> bool:
        return any(i.score is not None for i in self.indicators) or self.total_score is not None


@dataclass
class SheetRead:
    """What the reader made of one sheet."""

    sheet: str
    status: str  # "form" | "unrecognized" (版式未识别) | "skipped" (not a form)
    form: FormBase | None = None  # a FormS, a FormP, or a part of form D (DTable, Narrative)
    family: str | None = None
    labels: list[str] = field(default_factory=list)  # labels seen, for 版式未识别
    reason: str = ""
