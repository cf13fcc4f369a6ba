"""Which table cell each figure of a 部门决算情况说明 quotes.

The 情况说明 (:class:`budgetlint.narrative.Narrative`) repeats the tables 公开01–08
in sentences.  :func:`link_narrative` gives each figure the cell(s) it quotes,
by its section (``(一) 收入支出决算总体情况说明`` …) and its subject
(:data:`LINKS`): ``本年收入`` in (一) is 公开01表's 本年收入合计, in (四) it is
公开04表's.  A few figures quote a computation of cells rather than one cell
(``其他支出`` = 公开03表 合计 − 公开04表 本年支出合计; a 三公 item's change against
年初预算 = 决算数 − 预算数 of 公开07表).

Every other figure is listed as not linkable with why (a change against 上年 or
年初预算, which the tables do not print; a count; a total the tables do not
hold, 政府采购 …): :attr:`Links.unlinked`.  Nothing is dropped.  Project
summaries (绩效自评综述) are held to their forms P, not to the tables, and are
not linked here.

Pure standard library (besides the project's models): runs under Pyodide.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from budgetlint.model import Field
from budgetlint.model_d import TABLE_COLUMNS, THREE_PUBLIC_MEASURES, DTable, FormD
from budgetlint.narrative import Figure, Narrative
from budgetlint.text import norm

__all__ = [
    "LINKS",
    "Link",
    "Links",
    "Term",
    "Unlinked",
    "figure_field",
    "link_narrative",
    "section_number",
    "subject_key",
]

# --------------------------------------------------------------------------- sections

_ORDINALS = "一二三四五六七八九十"
_SECTION_ORDINAL = re.compile(r"^[（(]\s*([一二三四五六七八九十]+)\s*[)）]")

#: Keywords of a section heading -> its number, most specific first.
_SECTION_WORDS: tuple[tuple[tuple[str, ...], int], ...] = (
    (("三公",), 7),
    (("政府性基金",), 8),
    (("一般公共预算", "基本支出"), 6),
    (("一般公共预算", "支出"), 5),
    (("财政拨款收入支出",), 4),
    (("收入支出决算总体",), 1),
    (("收入决算",), 2),
    (("支出决算",), 3),
    (("绩效",), 9),
    (("其他重要事项",), 10),
)


@lru_cache(maxsize=1024)
def section_number(section: str) -> int:
    """The number (1–10) of a 情况说明 section by its heading's words, else its ordinal; 0."""
    k = norm(section)
    for words, n in _SECTION_WORDS:
        if all(w in k for w in words):
            return n
    m = _SECTION_ORDINAL.match(k)
    if m:
        t = m.group(1)
        if t == "十":
            return 10
        if len(t) == 1:
            return _ORDINALS.index(t) + 1
    return 0


# --------------------------------------------------------------------------- the link table

#: (sign, table, row key, column key, side): one cell of a linked figure's value.
Target = tuple[int, int, str, str, str]

_I, _E = "income", "expenditure"
_OTHER_BASIC = (
    (1, 6, "307", "amount", ""),
    (1, 6, "310", "amount", ""),
    (1, 6, "399", "amount", ""),
)
#: 公开06表's economic classes, for the parts of a 基本支出 figure.
_ECONOMIC: tuple[tuple[tuple[str, ...], tuple[Target, ...]], ...] = (
    (("工资福利支出",), ((1, 6, "301", "amount", ""),)),
    (("商品和服务支出",), ((1, 6, "302", "amount", ""),)),
    (("对个人和家庭的补助", "对个人和家庭的补助支出"), ((1, 6, "303", "amount", ""),)),
    (("债务利息及费用支出",), ((1, 6, "307", "amount", ""),)),
    (("资本性支出",), ((1, 6, "310", "amount", ""),)),
    (("其他资本性支出等支出", "其他支出"), _OTHER_BASIC),
    (("人员经费", "人员经费合计"), ((1, 6, "人员经费合计", "amount", ""),)),
    (("公用经费", "公用经费合计"), ((1, 6, "公用经费合计", "amount", ""),)),
)


def _t7(row: str) -> tuple[Target, ...]:
    return ((1, 7, row, "final", ""),)


#: Section number -> [(subjects, cells)].  A figure's subject (normalised: no spaces,
#: quotes or 全年 prefix, half-width brackets) is matched exactly, else by the longest
#: name it ends with.  A figure's value is the sum of its cells (each with its sign).
LINKS: dict[int, tuple[tuple[tuple[str, ...], tuple[Target, ...]], ...]] = {
    1: (
        (("年初结转和结余",), ((1, 1, "年初结转和结余", "amount", _I),)),
        (("本年收入", "本年收入合计", "收入"), ((1, 1, "本年收入合计", "amount", _I),)),
        (("本年支出", "本年支出合计", "支出"), ((1, 1, "本年支出合计", "amount", _E),)),
        (
            ("用事业基金弥补收支", "用事业基金弥补收支差额"),
            ((1, 1, "用事业基金弥补收支差额", "amount", _I),),
        ),
        (("结余分配",), ((1, 1, "结余分配", "amount", _E),)),
        (("年末结转和结余",), ((1, 1, "年末结转和结余", "amount", _E),)),
        (("收入总计",), ((1, 1, "总计", "amount", _I),)),
        (("支出总计",), ((1, 1, "总计", "amount", _E),)),
    ),
    2: (
        (
            ("部门决算收入", "本年收入", "收入", "本年收入合计", "收入合计"),
            ((1, 1, "本年收入合计", "amount", _I),),
        ),
        (("财政拨款收入",), ((1, 2, "合计", "fiscal", ""),)),
        (("上级补助收入",), ((1, 2, "合计", "superior", ""),)),
        (("事业收入",), ((1, 2, "合计", "business", ""),)),
        (("经营收入",), ((1, 2, "合计", "operating", ""),)),
        (("附属单位上缴收入",), ((1, 2, "合计", "affiliated", ""),)),
        (("其他收入",), ((1, 2, "合计", "other", ""),)),
        (("一般公共预算财政拨款收入",), ((1, 1, "一般公共预算财政拨款收入", "amount", _I),)),
        (("政府性基金预算财政拨款收入",), ((1, 1, "政府性基金预算财政拨款收入", "amount", _I),)),
    ),
    3: (
        (
            ("部门决算支出", "本年支出", "支出", "本年支出合计", "支出合计"),
            ((1, 3, "合计", "total", ""),),
        ),
        (("财政拨款支出",), ((1, 4, "本年支出合计", "total", _E),)),
        # spending not from 财政拨款: what 03 spends beyond 04's 本年支出
        (
            ("其他支出", "其他资金支出"),
            ((1, 3, "合计", "total", ""), (-1, 4, "本年支出合计", "total", _E)),
        ),
        (("基本支出决算", "基本支出"), ((1, 5, "合计", "basic", ""),)),
        (("项目支出决算", "项目支出"), ((1, 5, "合计", "project", ""),)),
        (("上缴上级支出",), ((1, 3, "合计", "superior", ""),)),
        (("经营支出",), ((1, 3, "合计", "operating", ""),)),
        (("对附属单位补助支出",), ((1, 3, "合计", "affiliated", ""),)),
    ),
    4: (
        (
            ("财政拨款年初结转和结余", "年初结转和结余", "年初财政拨款结转和结余"),
            ((1, 4, "年初财政拨款结转和结余", "amount", _I),),
        ),
        (
            ("本年收入", "财政拨款收入", "本年收入合计", "财政拨款本年收入"),
            ((1, 4, "本年收入合计", "amount", _I),),
        ),
        (
            ("本年支出", "财政拨款支出", "本年支出合计", "财政拨款本年支出"),
            ((1, 4, "本年支出合计", "total", _E),),
        ),
        (
            ("年末结转和结余", "财政拨款年末结转和结余", "年末财政拨款结转和结余"),
            ((1, 4, "年末财政拨款结转和结余", "total", _E),),
        ),
    ),
    5: (
        (
            ("一般公共预算财政拨款支出", "财政拨款支出", "支出"),
            ((1, 5, "合计", "total", ""),),
        ),
        (("基本支出",), ((1, 5, "合计", "basic", ""),)),
        (("项目支出",), ((1, 5, "合计", "project", ""),)),
    ),
    6: (
        (
            ("一般公共预算财政拨款基本支出", "基本支出", "财政拨款基本支出"),
            ((1, 5, "合计", "basic", ""),),
        ),
        *_ECONOMIC,
    ),
    7: (
        (
            ("三公经费财政拨款支出", "三公经费支出", "三公经费", "三公经费财政拨款"),
            _t7("total"),
        ),
        (("因公出国(境)费支出", "因公出国(境)费", "因公出国(境)费用"), _t7("abroad")),
        (
            (
                "公务用车购置和运行维护费支出",
                "公务用车购置及运行维护费支出",
                "公务用车购置及运行费",
                "公务用车购置和运行维护费",
                "公务用车购置及运行维护费",
            ),
            _t7("car"),
        ),
        (("公务用车购置费", "公务用车购置费支出", "购置费"), _t7("car_purchase")),
        (
            (
                "运行维护费支出",
                "公务用车运行维护费",
                "公务用车运行维护费支出",
                "公务用车运行费",
                "运行费",
            ),
            _t7("car_run"),
        ),
        (
            ("国内公务接待费支出", "公务接待费支出", "公务接待费", "国内公务接待费"),
            _t7("reception"),
        ),
    ),
    8: (
        (
            ("政府性基金预算财政拨款年初结转和结余", "年初结转和结余"),
            ((1, 8, "合计", "carry_in", ""),),
        ),
        (("本年收入", "政府性基金预算财政拨款收入"), ((1, 8, "合计", "income", ""),)),
        (("本年支出", "政府性基金预算财政拨款支出"), ((1, 8, "合计", "total", ""),)),
        (("基本支出",), ((1, 8, "合计", "basic", ""),)),
        (("项目支出",), ((1, 8, "合计", "project", ""),)),
        (("年末结转和结余",), ((1, 8, "合计", "carry_out", ""),)),
    ),
    10: ((("机关运行经费支出", "机关运行经费"), ((1, 6, "公用经费合计", "amount", ""),)),),
}

#: What a share may be a share of, when the narrative does not state it: name -> cells.
_BASES: tuple[tuple[tuple[str, ...], tuple[Target, ...]], ...] = (
    (
        ("一般公共预算项目支出总额", "一般公共预算项目支出", "一般公共预算财政拨款项目支出"),
        ((1, 5, "合计", "project", ""),),
    ),
    (
        ("一般公共预算基本支出总额", "一般公共预算财政拨款基本支出"),
        ((1, 5, "合计", "basic", ""),),
    ),
    (("一般公共预算财政拨款支出", "一般公共预算支出总额"), ((1, 5, "合计", "total", ""),)),
    (
        ("政府性基金预算项目资金总额", "政府性基金预算项目支出总额", "政府性基金预算项目支出"),
        ((1, 8, "合计", "project", ""),),
    ),
    (("财政拨款支出", "财政拨款支出总额"), ((1, 4, "本年支出合计", "total", _E),)),
    (("部门决算支出", "部门支出总额"), ((1, 3, "合计", "total", ""),)),
)

#: Table identities that tie figures of different paragraphs: whole -> parts (link keys).
IDENTITIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("7:total:final:", ("7:abroad:final:", "7:car:final:", "7:reception:final:")),
    ("7:car:final:", ("7:car_purchase:final:", "7:car_run:final:")),
    ("5:合计:total:", ("5:合计:basic:", "5:合计:project:")),
)

_QUOTES = str.maketrans("", "", "“”\"'‘’「」")


@lru_cache(maxsize=8192)
def subject_key(subject: str) -> str:
    """A subject as the link table names it: normalised, no quotes, no 全年/本年度 prefix."""
    k = norm(subject).translate(_QUOTES)
    for prefix in ("全年", "本年度", "年度"):
        if k.startswith(prefix) and len(k) > len(prefix) + 1:
            k = k[len(prefix) :]
    return k


def _match(
    key: str, entries: Sequence[tuple[tuple[str, ...], tuple[Target, ...]]]
) -> tuple[Target, ...] | None:
    for names, targets in entries:
        if key in {subject_key(n) for n in names}:
            return targets
    best: tuple[int, tuple[Target, ...]] | None = None
    for names, targets in entries:
        for n in names:
            nk = subject_key(n)
            if len(nk) >= 3 and key.endswith(nk) and (best is None or len(nk) > best[0]):
                best = (len(nk), targets)
    return best[1] if best else None


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Term:
    """One cell of a linked value, with its sign."""

    sign: int
    table: DTable
    cell: Field[float]
    name: str  # 公开07表 决算数 合计

    @property
    def value(self) -> float:
        """The cell's value; a blank cell of a final-accounts table is 0."""
        return float(self.cell.value) if isinstance(self.cell.value, int | float) else 0.0


@dataclass(frozen=True)
class Link:
    """A figure and the cells whose (signed) sum it quotes."""

    figure: int  # index into Narrative.figures
    terms: tuple[Term, ...]
    key: str  # "7:total:final:" for a one-cell link ("" for a computed one)
    #: The same row's other 三公 measure (预算数 for a 决算数 link), to name a swapped column.
    alternative: Term | None = None

    @property
    def value(self) -> float:
        return sum(t.sign * t.value for t in self.terms)

    @property
    def name(self) -> str:
        """公开07表 决算数 合计（G8）, or ``A（C7） − B（F30）`` for a computed link."""
        parts = []
        for i, t in enumerate(self.terms):
            op = "" if i == 0 and t.sign > 0 else (" − " if t.sign < 0 else " + ")
            parts.append(f"{op}{t.name}（{t.cell.cell}）")
        return "".join(parts)


@dataclass(frozen=True)
class Unlinked:
    """A figure no table cell holds, and why."""

    figure: int
    why: str


@dataclass
class Links:
    """Every figure of a narrative: linked to cells, or not, with why."""

    narrative: Narrative
    links: dict[int, Link] = field(default_factory=dict)  # figure index -> link
    unlinked: dict[int, Unlinked] = field(default_factory=dict)
    #: Figures of the project summaries (held to forms P, not to tables).
    summary_figures: set[int] = field(default_factory=set)
    #: Share figure index -> the cells its base is, when the narrative does not state it.
    share_bases: dict[int, Link] = field(default_factory=dict)


# --------------------------------------------------------------------------- linking

_SCALES = {"亿元": 1e-8, "万元": 1e-4, "万": 1e-4, "千元": 1e-3, "元": 1.0, "%": 100.0}


def figure_field(f: Figure) -> Field[float]:
    """A figure as a field: its value in model units and the precision it prints."""
    scale = _SCALES.get(f.unit, 100.0 if f.unit == "个百分点" else 1.0)
    return Field(
        ref=f.ref,
        raw=f.text,
        value=f.value,
        decimals=f.decimals,
        shown=f.text,
        scale=scale,
        sign="%" if f.unit in ("%", "个百分点") else "",
        computed=f.unit in ("亿元", "万元", "万", "千元", "%", "个百分点"),
    )


def _column_label(table: DTable, column: str) -> str:
    if table.number == 7:
        return THREE_PUBLIC_MEASURES.get(column, column)
    header = table.columns.get(column) or next(
        (v for k, v in table.columns.items() if k.endswith("." + column)), None
    )
    if header is not None and header.text:
        return norm(header.text)
    return TABLE_COLUMNS.get(table.number, {}).get(column, column)


def _resolve(form: FormD, targets: Sequence[Target]) -> tuple[tuple[Term, ...] | None, str]:
    terms: list[Term] = []
    for sign, number, key, column, side in targets:
        table = form.table(number)
        if table is None:
            return None, f"工作簿中没有公开{number:02d}表"
        if number == 7 and column == "final" and table.value(key, "final") is None:
            column = "current"  # 上年/本年 layout
        row = table.row(key, side)
        cell = row.value(column) if row is not None else None
        if row is None or cell is None:
            label = TABLE_COLUMNS.get(number, {}).get(column, column)
            return None, f"{table.name}中找不到 {key} 行的{label}"
        if cell.value is None and not cell.blank:
            return None, f"{table.name} {cell.cell} 不是数字（{cell.text}）"
        col = _column_label(table, column)
        what = f"{table.workbook}公开{number:02d}表 {col} {norm(row.label.text)}"
        terms.append(Term(sign, table, cell, what))
    return tuple(terms), ""


def _key(targets: Sequence[Target]) -> str:
    if len(targets) != 1:
        return ""
    _, n, k, c, s = targets[0]
    return f"{n}:{k}:{c}:{s}"


_WHY_VERSUS = {
    "上年": "与上年的比较：公开表不印上年数",
    "年初预算": "与年初预算的比较：公开表（公开07表之外）不印年初预算数",
}


def _change_link(form: FormD, f: Figure, of: Link | None) -> tuple[tuple[Term, ...] | None, str]:
    """A change of a 三公 item against 年初预算 (or 上年): 决算数 − 预算数 (上年决算数) of 公开07表."""
    if f.unit not in ("万元", "元", "亿元", "千元", "万"):
        return None, "相对变化：按同句的变化金额核对（D302），公开表不印"
    why = _WHY_VERSUS.get(f.versus, f"与“{f.versus or '（未说明）'}”的比较：公开表不印")
    if of is None or len(of.terms) != 1 or of.terms[0].table.number != 7:
        return None, why
    term = of.terms[0]
    row_key = next((r.key for r in term.table.rows if r.values.get(_col(term)) is term.cell), None)
    other = {"年初预算": "budget", "上年": "prior"}.get(f.versus)
    if row_key is None or other is None:
        return None, why
    cell = term.table.value(row_key, other)
    if cell is None:
        return None, why
    d = f.direction or 1
    col = THREE_PUBLIC_MEASURES[other]
    label = term.name.rsplit(" ", 1)[-1]
    return (
        Term(d, term.table, term.cell, term.name),
        Term(-d, term.table, cell, f"公开07表 {col} {label}"),
    ), ""


def _col(term: Term) -> str:
    for r in term.table.rows:
        for k, v in r.values.items():
            if v is term.cell:
                return k
    return ""


def _alternative(link_terms: tuple[Term, ...]) -> Term | None:
    if len(link_terms) != 1 or link_terms[0].table.number != 7:
        return None
    t = link_terms[0]
    col = _col(t)
    other = {"final": "budget", "current": "budget", "budget": "final"}.get(col)
    for r in t.table.rows:
        if r.values.get(col) is t.cell and other:
            cell = r.values.get(other)
            if cell is not None and cell.value is not None:
                label = t.name.rsplit(" ", 1)[-1]
                name = f"{t.table.workbook}公开07表 {THREE_PUBLIC_MEASURES[other]} {label}"
                return Term(1, t.table, cell, name)
    return None


def _why_not(f: Figure, section: int, parent: Figure | None) -> str:
    if f.kind == "count":
        return f"数量（{f.unit or '无单位'}）：公开表只印金额"
    if f.kind == "score":
        return "分数：不在公开表中"
    if f.kind == "rate":
        return "比率：不在公开表中"
    if f.kind == "share":
        return "占比：基数未找到"
    if f.kind == "change":
        return _WHY_VERSUS.get(f.versus, "变化：公开表不印比较的基数")
    if parent is not None and section == 3 and "项目支出" in subject_key(parent.subject):
        return "项目支出的经济分类：公开表只列基本支出的经济分类（公开06表）"
    if section == 9:
        return "绩效评价涉及的资金：不在公开表中"
    if section == 10 and "政府采购" in f.subject + f.base + (parent.subject if parent else ""):
        return "政府采购：不在公开表中（只核对分项之和与占比）"
    if subject_key(f.subject) in ("单价", "单位价值", "价值"):
        return "金额门槛（单价…以上），不是收支数"
    if section == 0:
        return "所在部分未识别，无法对应公开表"
    return f"公开表中没有对应的单元格（{f.subject or '无主语'}）"


def link_narrative(form: FormD) -> Links:
    """Every figure of ``form``'s narrative linked to the cells it quotes, or listed with why."""
    part = form.narrative
    narrative = part.narrative if part is not None and part.narrative is not None else Narrative()
    out = Links(narrative)
    figures = narrative.figures
    summary_refs = {s.ref for s in narrative.summaries if s.ref is not None}
    for i, f in enumerate(figures):
        if f.ref is not None and f.ref in summary_refs:
            out.summary_figures.add(i)
    for i, f in enumerate(figures):
        if i in out.summary_figures:
            continue
        section = section_number(f.section)
        parent = figures[f.parent] if f.parent is not None else None
        if f.kind == "change":
            terms, why = _change_link(form, f, out.links.get(f.of) if f.of is not None else None)
            if terms is not None:
                out.links[i] = Link(i, terms, "")
            else:
                out.unlinked[i] = Unlinked(i, why)
            continue
        if f.kind == "share":
            base = _share_base_cells(form, f, section)
            if base is not None:
                out.share_bases[i] = base
            continue  # shares are quotients (D302), their listing is decided by the rule
        if f.kind != "amount":
            out.unlinked[i] = Unlinked(i, _why_not(f, section, parent))
            continue
        key = subject_key(f.subject)
        targets = None
        if parent is not None and section in (3, 6) and "基本支出" in subject_key(parent.subject):
            targets = _match(key, _ECONOMIC)
        elif parent is not None and section == 3 and "项目支出" in subject_key(parent.subject):
            targets = None
        else:
            targets = _match(key, LINKS.get(section, ()))
        if targets is None:
            out.unlinked[i] = Unlinked(i, _why_not(f, section, parent))
            continue
        if section == 3 and targets[0][1] == 4 and form.table(4) is None:
            targets = ((1, 5, "合计", "total", ""),)  # 财政拨款支出 without 公开04表
        terms, why = _resolve(form, targets)
        if terms is None:
            out.unlinked[i] = Unlinked(i, why)
            continue
        out.links[i] = Link(i, terms, _key(targets), _alternative(terms))
    return out


def _share_base_cells(form: FormD, f: Figure, section: int) -> Link | None:
    """The cells a share's base names, when no figure of the narrative states it."""
    key = subject_key(f.base)
    if not key:
        return None
    targets = _match(key, _BASES) or _match(key, LINKS.get(section, ()))
    if targets is None:
        return None
    terms, _ = _resolve(form, targets)
    return Link(-1, terms, _key(targets)) if terms is not None else None
