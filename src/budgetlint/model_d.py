"""The model of form D: the 部门决算 tables 公开01–08 and their narrative.

Form D is one per workbook, made of parts on several sheets: each table
(:class:`DTable`, one sheet) and the 情况说明 (:class:`NarrativePart`).  The
checker gathers the parts of a workbook into one :class:`FormD`, on which the
rules of form D run once (intra-table, inter-table and narrative rules alike).

Amounts are stored in 元 (a 万元 table is converted; each :class:`Field` keeps
the decimals it prints, so a rule compares at the table's precision); a blank
cell reads as a field with ``value`` None, a printed ``0.00`` as 0.0.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import PurePath
from typing import TYPE_CHECKING, ClassVar

from budgetlint.grid import CellRef
from budgetlint.model import Field, FormBase
from budgetlint.model_p import ProjectFacts

if TYPE_CHECKING:
    from budgetlint.narrative import Narrative, ProjectSummary

#: The tables by number: 公开0N表 -> title.
TABLE_TITLES: dict[int, str] = {
    1: "收入支出决算总表",
    2: "收入决算表",
    3: "支出决算表",
    4: "财政拨款收入支出决算总表",
    5: "一般公共预算财政拨款支出决算表",
    6: "一般公共预算财政拨款基本支出决算表",
    7: "一般公共预算财政拨款“三公”经费支出决算表",
    8: "政府性基金预算财政拨款收入支出决算表",
}

#: Column keys per table (header label -> key is the reader's business).  Tables 01
#: and 04 have two sides: their rows carry ``side`` "income" or "expenditure".
TABLE_COLUMNS: dict[int, dict[str, str]] = {
    1: {"amount": "决算数"},
    2: {
        "total": "本年收入合计",
        "fiscal": "财政拨款收入",
        "superior": "上级补助收入",
        "business": "事业收入",
        "operating": "经营收入",
        "affiliated": "附属单位上缴收入",
        "other": "其他收入",
    },
    3: {
        "total": "本年支出合计",
        "basic": "基本支出",
        "project": "项目支出",
        "superior": "上缴上级支出",
        "operating": "经营支出",
        "affiliated": "对附属单位补助支出",
    },
    # 04: the income side has "amount" (金额); the expenditure side total/general/fund.
    4: {
        "amount": "金额",
        "total": "合计",
        "general": "一般公共预算财政拨款",
        "fund": "政府性基金预算财政拨款",
    },
    5: {"total": "小计", "basic": "基本支出", "project": "项目支出"},
    6: {"amount": "决算数"},
    # 07 is read into rows = THREE_PUBLIC_ITEMS and columns = THREE_PUBLIC_MEASURES,
    # whichever way the table is laid out.
    7: {},
    8: {
        "carry_in": "年初结转和结余",
        "income": "本年收入",
        "total": "本年支出小计",
        "basic": "基本支出",
        "project": "项目支出",
        "carry_out": "年末结转和结余",
    },
}

#: Rows of a 三公 table: key -> label.
THREE_PUBLIC_ITEMS: dict[str, str] = {
    "total": "合计",
    "abroad": "因公出国（境）费",
    "car": "公务用车购置及运行费",
    "car_purchase": "公务用车购置费",
    "car_run": "公务用车运行费",
    "reception": "公务接待费",
}
#: Columns of a 三公 table: key -> label (not every unit prints every measure).
THREE_PUBLIC_MEASURES: dict[str, str] = {
    "budget": "预算数",
    "budget_fiscal": "其中：公共预算财政拨款",
    "final": "决算数",
    "prior": "上年决算数",
    "current": "本年决算数",
    "change": "增减金额",
    "change_rate": "增减幅度",
}

#: 功能分类 类 codes and names (2019 科目): tables 01 and 04 name the 类 without a code.
FUNCTION_CLASSES: dict[str, str] = {
    "201": "一般公共服务支出",
    "202": "外交支出",
    "203": "国防支出",
    "204": "公共安全支出",
    "205": "教育支出",
    "206": "科学技术支出",
    "207": "文化旅游体育与传媒支出",
    "208": "社会保障和就业支出",
    "210": "卫生健康支出",
    "211": "节能环保支出",
    "212": "城乡社区支出",
    "213": "农林水支出",
    "214": "交通运输支出",
    "215": "资源勘探信息等支出",
    "216": "商业服务业等支出",
    "217": "金融支出",
    "219": "援助其他地区支出",
    "220": "自然资源海洋气象等支出",
    "221": "住房保障支出",
    "222": "粮油物资储备支出",
    "224": "灾害防治及应急管理支出",
    "229": "其他支出",
}


@dataclass
class DRow:
    """One row of a table (one side of it, for the two-sided tables 01 and 04).

    ``key`` is the row's identity across tables: the 功能分类 / 经济分类 code where
    the row has one (``"201"``, ``"2013601"``, ``"30101"``; for the 类 rows of 01 and
    04, which print only the name, the code of :data:`FUNCTION_CLASSES`), else the
    label normalised without its ordinal (``"本年收入合计"``, ``"年初结转和结余"``,
    ``"一般公共预算财政拨款收入"``, ``"合计"``, ``"人员经费合计"``), or a
    :data:`THREE_PUBLIC_ITEMS` key in a 三公 table.
    """

    key: str
    label: Field[str]
    code: Field[str] | None = None  # the printed code cell
    line: Field[str] | None = None  # 行次
    side: str = ""  # "income" | "expenditure" in tables 01 and 04
    values: dict[str, Field[float]] = field(default_factory=dict)  # column key -> cell

    @property
    def row(self) -> int:
        return self.label.ref.row if self.label.ref else 0

    @property
    def level(self) -> int:
        """1 类 (3 digits), 2 款 (5), 3 项 (7); 0 for a row without a code."""
        if not self.key.isdigit():
            return 0
        return {3: 1, 5: 2, 7: 3}.get(len(self.key), 0)

    def value(self, column: str) -> Field[float] | None:
        return self.values.get(column)


@dataclass
class DTable(FormBase):
    """One table of form D, on its own sheet."""

    kind: ClassVar[str] = "Dpart"

    number: int = 0  # 1..8: 公开0N表 (a 三公 table found by its title alone is 7)
    title: Field[str] | None = None
    mark: Field[str] | None = None  # the 公开0N表 cell
    department: Field[str] | None = None  # 部门：…
    unit: str = "元"  # 万元 when the header says 单位：万元
    unit_ref: CellRef | None = None
    #: Column key -> the header cell that named it ("income.amount" / "expenditure.total" in
    #: the two-sided tables).
    columns: dict[str, Field[str]] = field(default_factory=dict)
    rows: list[DRow] = field(default_factory=list)
    #: The workbook the table was read from, when a narrative of another file quotes it
    #: ("" for a table of the narrative's own workbook).
    file: str = ""

    def row(self, key: str, side: str = "") -> DRow | None:
        for r in self.rows:
            if r.key == key and (not side or r.side == side):
                return r
        return None

    def value(self, key: str, column: str, side: str = "") -> Field[float] | None:
        r = self.row(key, side)
        return r.values.get(column) if r is not None else None

    def side(self, side: str) -> list[DRow]:
        return [r for r in self.rows if r.side == side]

    @property
    def name(self) -> str:
        """公开01表 收入支出决算总表 (for messages)."""
        n = f"公开{self.number:02d}表" if self.number else ""
        t = self.title.text if self.title is not None else TABLE_TITLES.get(self.number, "")
        return " ".join(p for p in (self.workbook, n, t) if p)

    @property
    def workbook(self) -> str:
        """``《名称.xlsx》`` for a table of another file than the narrative's, else ""."""
        return f"《{PurePath(self.file).name}》" if self.file else ""

    @property
    def start(self) -> CellRef | None:
        refs = [f.ref for f in (self.title, self.mark) if f is not None and f.ref is not None]
        return min(refs, key=lambda r: (r.row, r.col), default=None)


@dataclass
class NarrativePart(FormBase):
    """The 情况说明 sheet: its paragraphs, the figures they quote and the project summaries."""

    kind: ClassVar[str] = "Dpart"

    narrative: Narrative | None = None
    heading: Field[str] | None = None  # the first heading cell (…决算情况说明)

    @property
    def start(self) -> CellRef | None:
        if self.heading is not None and self.heading.ref is not None:
            return self.heading.ref
        if self.narrative is not None and self.narrative.paragraphs:
            return self.narrative.paragraphs[0][0]
        return None


@dataclass
class FormD(FormBase):
    """The 部门决算 of one workbook: the tables found and the narrative."""

    kind: ClassVar[str] = "D"

    tables: dict[int, DTable] = field(default_factory=dict)  # by number
    #: Further tables of a number already taken (a second 公开07 layout …), kept in order.
    extra: list[DTable] = field(default_factory=list)
    narrative: NarrativePart | None = None

    def table(self, number: int) -> DTable | None:
        return self.tables.get(number)

    @property
    def parts(self) -> list[FormBase]:
        out: list[FormBase] = [self.tables[n] for n in sorted(self.tables)]
        out.extend(self.extra)
        if self.narrative is not None:
            out.append(self.narrative)
        return out

    @property
    def start(self) -> CellRef | None:
        for p in self.parts:
            if p.start is not None:
                return p.start
        return None


@dataclass
class ProjectLink(FormBase):
    """A narrative's project summary and the form P it quotes (None: found in no file).

    What the link rules (form ``"link"``) run on; ``sheet`` and ``family`` are the
    narrative's.  ``file`` is the narrative's file; ``facts.file`` the form's.
    """

    kind: ClassVar[str] = "link"

    summary: ProjectSummary | None = None
    facts: ProjectFacts | None = None
    file: str = ""

    @property
    def start(self) -> CellRef | None:
        return self.summary.ref if self.summary is not None else None


@lru_cache(maxsize=4096)
def project_key(name: str) -> str:
    """A project name as summaries and form titles are matched: normalised, no 项目 suffix.

    ``研究（执法督查）业务（新）`` and ``研究(执法督查)业务(新)项目`` give the same key.
    """
    from budgetlint.text import norm

    k = norm(name).replace("“", "").replace("”", "").replace('"', "")
    for suffix in ("项目绩效情况自评表", "绩效自评综述", "项目"):
        k = k.removesuffix(suffix)
    return k


def find_project(name: str, index: Mapping[str, ProjectFacts]) -> ProjectFacts | None:
    """The form P whose project is ``name`` (same key), in a :func:`project_index`."""
    key = project_key(name)
    return index.get(key) if key else None


def project_index(facts: Sequence[ProjectFacts]) -> dict[str, ProjectFacts]:
    """The forms P by project key (the first one of a repeated name), for :func:`find_project`."""
    index: dict[str, ProjectFacts] = {}
    for f in facts:
        index.setdefault(project_key(f.project), f)
    return index
