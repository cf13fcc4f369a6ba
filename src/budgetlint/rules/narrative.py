"""The 情况说明 held to its tables, and each project summary to its form P (D301–D402).

- D301: a figure the narrative quotes from a table (:mod:`budgetlint.narrative_links`)
  equals its cell at the narrative's printed precision.
- D302: a share (``占 41.9%``) equals its quotient; a relative change (``降低 6.7%``)
  equals its amount change over the base it changes from.
- D303: the parts listed after ``其中`` add up to their whole (one part alone is at most
  its whole); table identities stated across paragraphs (三公 合计 = 出国 + 车 + 接待).
- D304: per paragraph, the figures no table holds, listed with why (never dropped).
- D401 (on each summary and its form P): 自评得分, 全年预算数, 执行数, 预算执行率 equal the
  form's 总计, 预算安排 (1), 实际支出 (4), 预算执行率 (6).
- D402: a summary whose form P is in no file of the call.

A finding is reported once per paragraph (a rule keeps one finding per cell), listing
every figure of the paragraph that disagrees.  A difference the printed decimals
explain is a note, never an error (FORMS.md "Judging what a real form prints").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from budgetlint.grid import CellRef
from budgetlint.model import Field
from budgetlint.model_d import FormD, ProjectLink
from budgetlint.narrative import Figure
from budgetlint.narrative_links import (
    IDENTITIES,
    Links,
    figure_field,
    link_narrative,
    subject_key,
)
from budgetlint.rules.base import LINK_FORM, NARRATIVE_FORM, RuleContext, rule
from budgetlint.tolerance import EPS, Verdict

D = "D"

_AMOUNT_UNITS = ("亿元", "万元", "万", "千元", "元")


# --------------------------------------------------------------------------- helpers


@dataclass
class _Item:
    """One disagreement inside a paragraph."""

    verdict: Verdict
    text: str
    expected: str
    actual: str
    computation: str = ""


def _fmt(f: Figure, x: float, extra: int = 0) -> str:
    """``x`` (model units) as ``f`` prints it: 81.55 万元, 41.6%."""
    field = figure_field(f)
    d = max(f.decimals, 2 if f.unit in _AMOUNT_UNITS and f.unit != "元" else 0) + extra
    if f.unit in ("%", "个百分点"):
        d = f.decimals + extra
    return f"{x * field.scale:.{d}f}{'%' if field.sign else (' ' + f.unit if f.unit else '')}"


def _coarser(fig: Field[float], cell: Field[float]) -> Field[float]:
    """``fig`` compared at the coarser of its own precision and ``cell``'s."""
    if cell.decimals is not None and cell.step > fig.step:
        return Field(fig.ref, fig.raw, fig.value, cell.decimals, shown=fig.shown, scale=cell.scale)
    return fig


def _judge(
    ctx: RuleContext, fig: Field[float], expected: float | Sequence[float], band: float = 0.0
) -> Verdict:
    verdict = ctx.judge(fig, expected)
    if verdict is Verdict.WRONG and band:
        exp = [expected] if isinstance(expected, int | float) else list(expected)
        diff = min(abs(float(fig.value or 0) - e) for e in exp)
        if diff <= band + EPS * max(1.0, max(abs(e) for e in exp)):
            return Verdict.ROUNDING
    return verdict


def _report(ctx: RuleContext, at: CellRef | None, head: str, items: list[_Item]) -> None:
    """One finding for a paragraph's disagreements (error if any is beyond rounding)."""
    bad = [i for i in items if i.verdict is not Verdict.OK]
    if not bad:
        return
    wrong = any(i.verdict is Verdict.WRONG for i in bad)
    texts = [
        i.text + ("" if i.verdict is Verdict.WRONG else "（在打印精度的舍入范围内）") for i in bad
    ]
    ctx.report(
        at,
        head + "；".join(texts),
        expected="；".join(i.expected for i in bad),
        actual="；".join(i.actual for i in bad),
        computation="；".join(i.computation for i in bad if i.computation) or None,
        severity=None if wrong else "note",
    )


def _by_paragraph(
    figures: Sequence[Figure], indexes: Sequence[int]
) -> dict[CellRef | None, list[int]]:
    out: dict[CellRef | None, list[int]] = {}
    for i in indexes:
        out.setdefault(figures[i].ref, []).append(i)
    return out


#: The last form linked and its links: the narrative rules run one after the other on
#: the same form, and each wants its links (a form is not changed once read; the entry
#: keeps its form alive, so an identical object is the same form).
_last_links: tuple[FormD, Links] | None = None


def _links(form: FormD) -> Links:
    global _last_links
    if _last_links is None or _last_links[0] is not form:
        _last_links = (form, link_narrative(form))
    return _last_links[1]


# --------------------------------------------------------------------------- D301


@rule("D301", "narrative-figure", "error", "情况说明的数字与公开表不符", form=NARRATIVE_FORM)
def check_narrative_figures(form: FormD, ctx: RuleContext) -> None:
    """Each figure the 情况说明 quotes from a table equals that table's cell.

    Which cell a figure quotes is decided by its section and subject (the link table of
    :mod:`budgetlint.narrative_links`: ``本年收入`` in (一) is 公开01表 本年收入合计, in (四)
    公开04表's; ``“三公经费”财政拨款支出`` is 公开07表 决算数 合计 …).  The comparison is at
    the printed precision of the coarser of the two (``880 万元`` agrees with ``880.00``,
    ``16,940.76`` with ``16940.76``); a blank cell of a final-accounts table is 0.  A
    narrative that copied the 预算数 of 公开07表 instead of its 决算数 is named as such.
    """
    links = _links(form)
    figures = links.narrative.figures
    for ref, idx in _by_paragraph(figures, sorted(links.links)).items():
        items = []
        for i in idx:
            link = links.links[i]
            f = figures[i]
            fig = figure_field(f)
            exp = link.value
            if len(link.terms) == 1:
                cell = link.terms[0].cell
                verdict = _judge(ctx, _coarser(fig, cell), exp)
                unit = link.terms[0].table.unit
                shown = f"{cell.text} {unit}" if not cell.blank else "空"
                comp = f"{link.name} = {shown}"
            else:
                band = 0.5 * fig.step + sum(0.5 * t.cell.step for t in link.terms)
                verdict = _judge(ctx, fig, exp, band)
                shown = _fmt(f, exp)
                comp = (
                    "".join(
                        f"{' − ' if t.sign < 0 else (' + ' if k else '')}{t.cell.text or '0'}"
                        for k, t in enumerate(link.terms)
                    )
                    + f" = {shown}"
                )
            if verdict is Verdict.OK:
                continue
            name = f.subject or "该数字"
            if f.kind == "change":
                what = f"{name}较{f.versus}{'增加' if f.direction > 0 else '减少'} {f.text}"
            else:
                what = f"{name} {f.text}"
            text = f"{what}与{link.name} {shown} 不符"
            alt = link.alternative
            if alt is not None and _judge(ctx, _coarser(fig, alt.cell), alt.value) is Verdict.OK:
                text += f"；{f.text}是{alt.name}（{alt.cell.cell}）的数，不是{link.name}的数"
            items.append(_Item(verdict, text, shown, f.text, comp))
        _report(ctx, ref, "情况说明与公开表不符：", items)


# --------------------------------------------------------------------------- D302


@dataclass
class _Quotient:
    figure: int
    value: float | None  # the quotient, None when it cannot be computed
    computation: str
    why: str = ""  # why it cannot be computed


def _same(a: str, b: str) -> bool:
    return bool(a) and subject_key(a) == subject_key(b)


def _base_figure(figures: Sequence[Figure], i: int, skip: set[int]) -> int | None:
    """The amount figure a share's base names: in its paragraph, its section, then before it."""
    f = figures[i]
    cands = [j for j in range(i - 1, -1, -1) if j not in skip and figures[j].kind == "amount"]
    for test in (
        lambda g: g.ref == f.ref,
        lambda g: g.section == f.section,
        lambda g: True,
    ):
        for j in cands:
            g = figures[j]
            if test(g) and _same(g.subject, f.base):
                return j
    return None


def _quotients(links: Links) -> list[_Quotient]:
    """Each share's and each relative change's quotient (or why there is none)."""
    figures = links.narrative.figures
    out = []
    for i, f in enumerate(figures):
        if i in links.summary_figures:
            continue
        if f.kind == "share":
            out.append(_share(links, i))
        elif f.kind == "change" and f.unit in ("%",) and i in links.unlinked:
            out.append(_relative_change(links, i))
    return out


def _share(links: Links, i: int) -> _Quotient:
    figures = links.narrative.figures
    f = figures[i]
    if f.of is None:
        return _Quotient(i, None, "", "占比：找不到它占的金额")
    num = figures[f.of]
    j = _base_figure(figures, i, links.summary_figures)
    if j is not None:
        base, base_text = figures[j].value, f"{figures[j].subject} {figures[j].text}"
    elif i in links.share_bases:
        link = links.share_bases[i]
        base, base_text = link.value, f"{link.name} {_fmt(f_amount(num), link.value)}"
    else:
        return _Quotient(
            i, None, "", f"占比的基数“{f.base or '（未说明）'}”在说明和公开表中都找不到"
        )
    if abs(base) < EPS:
        return _Quotient(i, None, "", f"占比的基数{base_text}为 0，占比无法计算")
    q = num.value / base
    return _Quotient(i, q, f"{num.text} ÷ {base_text} = {_fmt(f, q, 1)}")


def f_amount(f: Figure) -> Figure:
    """``f`` if an amount, else a 万元 stand-in (for formatting a base)."""
    if f.unit in _AMOUNT_UNITS:
        return f
    return Figure(text="", span=(0, 0), kind="amount", value=0, decimals=2, unit="万元")


def _relative_change(links: Links, i: int) -> _Quotient:
    figures = links.narrative.figures
    f = figures[i]
    if f.of is None:
        return _Quotient(i, None, "", "相对变化：找不到它变化的数")
    amount = next(
        (
            j
            for j, g in enumerate(figures)
            if g.ref == f.ref
            and g.kind == "change"
            and g.unit in _AMOUNT_UNITS
            and g.of == f.of
            and g.versus == f.versus
        ),
        None,
    )
    if amount is None or figures[f.of].unit not in _AMOUNT_UNITS:
        return _Quotient(i, None, "", "相对变化：同句没有变化金额，公开表不印比较的基数")
    g, now = figures[amount], figures[f.of]
    if g.direction and f.direction and g.direction != f.direction:
        return _Quotient(i, -1.0, f"{g.text} 与 {f.text} 的增减方向相反")
    before = now.value - (g.direction or 1) * g.value
    if abs(before) < EPS:
        return _Quotient(i, None, "", "相对变化：比较的基数为 0")
    q = g.value / before
    return _Quotient(
        i,
        q,
        f"{g.text} ÷ （{now.text} {'−' if g.direction > 0 else '+'} {g.text}）= {_fmt(f, q, 1)}",
    )


@rule("D302", "narrative-share", "error", "情况说明的占比与其商不符", form=NARRATIVE_FORM)
def check_narrative_shares(form: FormD, ctx: RuleContext) -> None:
    """A stated share equals the quotient of its amount and its base, at its printed decimals.

    The base is the figure of the narrative its words name (``占政府采购支出总额的`` ->
    政府采购支出总额 1815.26 万元; ``按用途划分`` -> the 财政拨款支出 the paragraph speaks
    of), else the table cell (一般公共预算项目支出总额 -> 公开05表 合计 项目支出).  A
    relative change (``减少 50.69 万元，降低 6.7%``) equals the amount change over the
    value it changes from (50.69 ÷ 756.00).  A quotient that cannot be computed (no base
    found, a base of 0) is listed by D304.
    """
    links = _links(form)
    figures = links.narrative.figures
    done = {q.figure: q for q in _quotients(links) if q.value is not None}
    for ref, idx in _by_paragraph(figures, sorted(done)).items():
        items = []
        for i in idx:
            q, f = done[i], figures[i]
            assert q.value is not None
            if q.value < 0:
                items.append(_Item(Verdict.WRONG, q.computation, "—", f.text))
                continue
            verdict = ctx.judge(figure_field(f), q.value)
            if verdict is Verdict.OK:
                continue
            what = "占比" if f.kind == "share" else "变化幅度"
            text = f"{f.subject}{what} {f.text} 应为 {_fmt(f, q.value)}（{q.computation}）"
            items.append(_Item(verdict, text, _fmt(f, q.value), f.text, q.computation))
        _report(ctx, ref, "占比算错：", items)


# --------------------------------------------------------------------------- D303


@rule("D303", "narrative-parts", "error", "情况说明的分项之和不等于总数", form=NARRATIVE_FORM)
def check_narrative_parts(form: FormD, ctx: RuleContext) -> None:
    """The parts a sentence lists after ``其中`` add up to their whole.

    Two parts or more are a breakdown: their sum must equal the whole (政府采购 980.34 +
    10.66 + 824.26 = 1815.26); one part alone is a subset, at most its whole.  The band
    is FORMS.md's: half a unit of the whole's last decimal plus half a unit of each
    part's (every 万元 figure is rounded): inside it a note.  A table identity the
    narrative states over several paragraphs of one section is held too: “三公”经费 =
    因公出国（境）费 + 公务用车购置及运行费 + 公务接待费.
    """
    links = _links(form)
    figures = links.narrative.figures
    groups: dict[int, list[int]] = {}
    for i, f in enumerate(figures):
        if (
            f.parent is not None
            and i not in links.summary_figures
            and f.kind in ("amount", "count")
        ):
            groups.setdefault(f.parent, []).append(i)
    checks: list[tuple[int, list[int]]] = list(groups.items())
    # identities across paragraphs, where no 其中 list already ties the same figures
    by_key: dict[tuple[str, str], int] = {}
    for i, link in sorted(links.links.items()):
        if link.key and figures[i].kind == "amount":
            by_key.setdefault((figures[i].section, link.key), i)
    for whole_key, part_keys in IDENTITIES:
        for (section, key), w in list(by_key.items()):
            if key != whole_key:
                continue
            parts = [by_key.get((section, k)) for k in part_keys]
            if any(p is None for p in parts):
                continue
            ps = sorted(p for p in parts if p is not None)
            if sorted(groups.get(w, [])) == ps:
                continue
            checks.append((w, ps))
    results: dict[CellRef | None, list[_Item]] = {}
    for w, parts in sorted(checks):
        whole = figures[w]
        fields = [figure_field(figures[p]) for p in parts]
        total = sum(figures[p].value for p in parts)
        wf = figure_field(whole)
        sum_text = " + ".join(figures[p].text for p in parts)
        if len(parts) == 1:
            exceeds = total - whole.value
            band = 0.5 * wf.step + 0.5 * fields[0].step
            if exceeds <= band + EPS * max(1.0, abs(whole.value)):
                continue
            verdict = Verdict.WRONG
            text = f"其中{figures[parts[0]].subject} {figures[parts[0]].text} 大于{whole.subject} {whole.text}"
            expected = f"≤ {whole.text}"
        else:
            verdict = ctx.judge_sum(wf, fields, total)
            if verdict is Verdict.OK:
                continue
            text = (
                f"{whole.subject} {whole.text} 不等于其分项之和 {_fmt(whole, total)}（{sum_text}）"
            )
            expected = _fmt(whole, total)
        results.setdefault(whole.ref, []).append(
            _Item(verdict, text, expected, whole.text, f"{sum_text} = {_fmt(whole, total)}")
        )
    for ref, items in results.items():
        _report(ctx, ref, "分项之和与总数不符：", items)


# --------------------------------------------------------------------------- D304


def _summary_extra(links: Links) -> dict[int, str]:
    """Figures of a project summary besides its score, budget, execution and rate."""
    n = links.narrative
    kept = {
        id(f) for s in n.summaries for f in (s.score, s.budget, s.executed, s.rate) if f is not None
    }
    return {
        i: "项目综述中的其他数字：只核对得分、全年预算数、执行数和预算执行率（D401）"
        for i in sorted(links.summary_figures)
        if id(n.figures[i]) not in kept
    }


@rule("D304", "narrative-unlinked", "note", "情况说明中未能与公开表核对的数字", form=NARRATIVE_FORM)
def check_narrative_unlinked(form: FormD, ctx: RuleContext) -> None:
    """Per paragraph, the figures no table cell holds, each with why: nothing is dropped.

    A change against 上年 or 年初预算 (the tables print neither, except 公开07表's 预算数),
    a count (团组数 5 个, 车辆 9 辆), a total the tables do not hold (政府采购, the funds
    of the projects evaluated), a share whose base is nowhere, a subject the link table
    does not know.  One note per paragraph, at its cell, lists them in the order printed.
    """
    links = _links(form)
    figures = links.narrative.figures
    why = {i: u.why for i, u in links.unlinked.items()}
    for q in _quotients(links):
        if q.value is None:
            why[q.figure] = q.why
        else:
            why.pop(q.figure, None)  # a relative change checked as a quotient (D302)
    why.update(_summary_extra(links))
    for ref, idx in _by_paragraph(figures, sorted(why)).items():
        listed = "；".join(f"{_label(figures[i])}（{why[i]}）" for i in idx)
        ctx.report(
            ref,
            f"本段有 {len(idx)} 个数字未能与公开表核对：{listed}",
            actual="；".join(figures[i].text for i in idx),
        )


def _label(f: Figure) -> str:
    if f.kind == "change":
        verb = "增加" if f.direction > 0 else "减少" if f.direction < 0 else "变化"
        vs = f"较{f.versus}" if f.versus else ""
        return f"{f.subject}{vs}{verb} {f.text}"
    if f.kind == "share":
        return f"{f.subject}占{f.base} {f.text}"
    return f"{f.subject} {f.text}" if f.subject else f.text


# --------------------------------------------------------------------------- D401 / D402

_SUMMARY_FIELDS = (
    ("score", "自评得分", "总计"),
    ("budget", "全年预算数", "预算安排(1) 合计"),
    ("executed", "执行数", "实际支出(4) 合计"),
    ("rate", "预算执行率", "预算执行率(6) 合计"),
)


@rule("D401", "project-summary", "error", "绩效自评综述与项目自评表不符", form=LINK_FORM)
def check_project_summary(link: ProjectLink, ctx: RuleContext) -> None:
    """A project's 绩效自评综述 repeats its form P: score, 全年预算数, 执行数, 预算执行率.

    Each equals the form's 总计 评分结果, 预算安排 (1) 合计, 实际支出 (4) 合计 and 预算执行率
    (6) 合计, at the summary's printed precision (``54.4%`` agrees with 54.37, ``61.6 万元``
    with 615987.14 元; a rate may also be (4) ÷ (1) unrounded).  The form may be in
    another file of the same call; the message names its file, sheet and cell.
    """
    s, facts = link.summary, link.facts
    if s is None or facts is None:
        return
    items = []
    where_file = PurePath(facts.file).name if facts.file else ""
    for attr, said, form_label in _SUMMARY_FIELDS:
        f: Figure | None = getattr(s, attr)
        cell: Field[Any] | None = getattr(facts, attr)
        if f is None or cell is None or not isinstance(cell.value, int | float):
            continue
        expected = [float(cell.value)]
        b, e = facts.budget, facts.executed
        if attr == "rate" and b is not None and e is not None:
            bv, ev = b.value, e.value
            if isinstance(bv, int | float) and isinstance(ev, int | float) and bv:
                expected.append(ev / bv)
        fig = figure_field(f)
        verdict = ctx.judge(_coarser(fig, cell) if attr != "rate" else fig, expected)
        if verdict is Verdict.OK:
            continue
        at = f"{where_file} {facts.sheet}!{cell.cell}".strip()
        shown = cell.text + ("%" if attr == "rate" and not cell.sign else "")
        if attr in ("budget", "executed") and f.unit != "元":
            shown += f" 元（{_fmt(f, float(cell.value), 2 - f.decimals if f.decimals < 2 else 0)}）"
        items.append(
            _Item(
                verdict,
                f"{said} {f.text} 与项目自评表（{at}）的{form_label} {shown} 不符",
                shown,
                f.text,
            )
        )
    _report(ctx, s.ref, f"（{s.number}）{s.name}绩效自评综述：", items)


@rule("D402", "project-form-missing", "note", "绩效自评综述找不到项目自评表", form=LINK_FORM)
def check_project_form_missing(link: ProjectLink, ctx: RuleContext) -> None:
    """A 绩效自评综述 whose 项目绩效情况自评表 is in no file of the check is listed.

    Its score and amounts could not be checked (D401); check the forms P together with
    the 部门决算 (``budgetlint check 决算.xlsx 自评表.xlsx``) or supply the missing form.
    """
    s = link.summary
    if s is None or link.facts is not None:
        return
    said = [f.text for f in (s.score, s.budget, s.executed, s.rate) if f is not None]
    ctx.report(
        s.ref,
        f"（{s.number}）{s.name}绩效自评综述的项目自评表不在本次检查的文件中，"
        f"其得分与金额（{'、'.join(said) or '未写明'}）未核对",
        actual="、".join(said) or None,
    )


__all__ = [
    "check_narrative_figures",
    "check_narrative_parts",
    "check_narrative_shares",
    "check_narrative_unlinked",
    "check_project_form_missing",
    "check_project_summary",
]
