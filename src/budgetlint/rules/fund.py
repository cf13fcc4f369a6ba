"""Form-S rules: the fund block (项目资金 / 预算执行情况), codes S101–S107.

Each rule recomputes one figure of the fund block from the amounts the form
prints and compares it with the printed figure at the printed precision
(:func:`budgetlint.tolerance.compare`): a difference a rounding explains is a
``note``, anything larger an ``error``.  Amounts are held in 元 by the model;
messages quote them as the form prints them (元 or 万元).
"""

from __future__ import annotations

import re
from typing import Any

from budgetlint.model import Field, FormS, FundBlock, FundRow
from budgetlint.rules.base import RuleContext, rule
from budgetlint.rules.helpers import (
    ROW_NAMES,
    free_texts,
    fund_weight,
    num,
    pts,
    rounded_as,
    show_like,
    shown,
    zero,
)
from budgetlint.scoring import execution_rate
from budgetlint.tolerance import EPS, Verdict

# --------------------------------------------------------------------------- S101


@rule("S101", "rate", "error", "执行率与执行数÷预算数不符")
def check_rate(form: FormS, ctx: RuleContext) -> None:
    """The printed 执行率 of every fund row must equal 全年执行数 ÷ 全年预算数.

    The rate is compared at the precision it is printed with: ``0.98`` (two
    decimals of a fraction), ``98.19%``, or ``98.19`` in a column headed (%).
    A difference one rounding explains is a note; anything larger an error.
    Rows whose 全年预算数 is 0 or blank have no rate; S104 and S107 deal with
    those.
    """
    fund = form.fund
    if fund is None:
        return
    for row in fund.rows:
        shown_rate, budget, executed = num(row.rate), num(row.budget), num(row.executed)
        if row.rate is None or shown_rate is None or executed is None or zero(budget):
            continue
        expected = execution_rate(executed, budget)
        if expected is None:
            continue
        verdict = ctx.judge(row.rate, expected)
        if verdict is Verdict.OK:
            continue
        exp_text = row.rate.show(expected)
        comp = f"{shown(row.executed)} ÷ {shown(row.budget)} = {exp_text}"
        what = ROW_NAMES.get(row.kind, row.label.text)
        tail = "（截尾而非四舍五入）" if verdict is Verdict.ROUNDING else ""
        ctx.report(
            row.rate,
            f"{what}执行率应为 {comp}，表中为 {row.rate.text}{tail}",
            expected=exp_text,
            actual=row.rate.text,
            computation=comp,
            severity=verdict.severity,
            related=(row.executed, row.budget),
        )


# --------------------------------------------------------------------------- S102


@rule("S102", "fund-score", "error", "资金得分与分值×执行率不符", scored_only=True)
def check_fund_score(form: FormS, ctx: RuleContext) -> None:
    """The 得分 of 年度资金总额 must equal fund weight × min(执行率, 1).

    The fund weight is the row's 分值 cell, else the weight in the block label
    (``预算执行情况(20分)``), else the family's (10 nationally, 20 in the 市级
    20 + 80 form).  The rate is 全年执行数 ÷ 全年预算数 rounded as the rate cell
    prints it; a score computed from the unrounded rate is accepted as well
    (10 × 0.9819 = 9.82 is not an error).  A score above the fund weight is an
    error; a 分值 cell (or a weight in the block label, 预算执行情况(20分)) that
    differs from the family's fund weight is a warning.
    A zero 全年预算数 is left to S104.
    """
    fund = form.fund
    total = fund.total if fund else None
    if fund is None or total is None:
        return
    weight, weight_cell, _source = fund_weight(form, ctx)
    family_weight = float(ctx.params.fund_weight)
    if weight_cell is None and fund.weight_ref is not None and abs(weight - family_weight) > EPS:
        ctx.report(
            fund.weight_ref,
            f"资金部分标明 {pts(weight)} 分，本版式规定资金分值为 {pts(family_weight)}",
            expected=pts(family_weight),
            actual=pts(weight),
            severity="warning",
        )
    if weight_cell is not None and abs(weight - family_weight) > EPS:
        ctx.report(
            weight_cell,
            f"资金分值为 {pts(weight)}，本版式规定资金分值为 {pts(family_weight)}",
            expected=pts(family_weight),
            actual=weight_cell.text,
            severity="warning",
        )
    score, budget, executed = num(total.score), num(total.budget), num(total.executed)
    if total.score is None or score is None:
        return
    rate = execution_rate(executed, budget) if executed is not None and not zero(budget) else None
    if score > weight + EPS:
        msg = f"资金得分 {total.score.text} 超过资金分值 {pts(weight)}"
        if rate is not None:
            msg += f"；应为 {pts(weight)} × min({show_like(total.rate, rate)}, 1) = "
            msg += show_like(total.score, weight * min(rate, 1.0))
        ctx.report(total.score, msg, expected=f"≤{pts(weight)}", actual=total.score.text)
        return
    if rate is None:
        return  # a zero budget: S104
    printed_rate = rounded_as(total.rate, rate)
    from_printed = weight * min(max(printed_rate, 0.0), 1.0)
    exact = weight * min(max(rate, 0.0), 1.0)
    accepted = [from_printed, exact]
    printed_rate_value = num(total.rate)
    if (
        total.rate is not None
        and printed_rate_value is not None
        and ctx.judge(total.rate, rate) is not Verdict.WRONG
    ):  # the department multiplied the rate it printed, itself right within a cut
        accepted.append(weight * min(max(printed_rate_value, 0.0), 1.0))
    verdict = ctx.judge(total.score, accepted)
    if verdict is Verdict.OK:
        return
    exp_text = show_like(total.score, from_printed)
    comp = f"{pts(weight)} × min({show_like(total.rate, printed_rate)}, 1) = {exp_text}"
    if abs(from_printed - exact) > EPS:
        comp += f"（按未舍入的执行率 {rate * 100:.4f}% 为 {exact:.4f}）"
    tail = "（截尾而非四舍五入）" if verdict is Verdict.ROUNDING else ""
    ctx.report(
        total.score,
        f"资金得分应为 {comp}，表中为 {total.score.text}{tail}",
        expected=exp_text,
        actual=total.score.text,
        computation=comp,
        severity=verdict.severity,
        related=(total.rate, total.weight),
    )


# --------------------------------------------------------------------------- S103

_AMOUNT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("initial", "年初预算数"),
    ("budget", "全年预算数"),
    ("executed", "全年执行数"),
)


@rule("S103", "fund-sum", "error", "年度资金总额与各资金来源之和不符")
def check_fund_sum(form: FormS, ctx: RuleContext) -> None:
    """年度资金总额 must equal the sum of its parts in each amount column.

    The parts are 当年财政拨款, 上年结转资金 and 其他资金 (in the 10 + 90 form
    also 财政专户管理资金 and 单位资金); the check runs for 年初预算数,
    全年预算数 and 全年执行数.  A blank or ``—`` part counts as 0 (a column
    whose parts are all blank is checked when the part rows are filled in
    another amount column).  Amounts typed in 元 carry no hidden decimals: the
    total must be their sum at its own precision; amounts shown in 万元 are
    rounded conversions, and their rounding band is a note (FORMS.md).
    """
    fund = form.fund
    total = fund.total if fund else None
    if fund is None or total is None or not fund.parts:
        return
    for attr, name in _AMOUNT_COLUMNS:
        tf: Field[Any] | None = getattr(total, attr)
        tv = num(tf)
        if tf is None or tv is None:
            continue
        cells = [getattr(p, attr) for p in fund.parts]
        present = [c for c in cells if c is not None and num(c) is not None]
        if not present:
            # every part blank in this column: the total stands on nothing when the
            # part rows are filled in the other amount columns (0 / 0 / blank)
            filled = any(
                num(getattr(p, a)) is not None for p in fund.parts for a, _ in _AMOUNT_COLUMNS
            )
            blanks = [c for c in cells if c is not None and c.ref is not None]
            if not filled or zero(tv) or not blanks:
                continue
            present = blanks
        expected = sum(num(c) or 0.0 for c in present)
        verdict = ctx.judge_sum(tf, [c for c in present if num(c) is not None], expected)
        if verdict is Verdict.OK:
            continue
        exp_text = show_like(tf, expected, extra=_extra(tf, *present))
        if all(num(c) is None for c in present):
            comp = f"各资金来源行的{name}均为空，合计 {exp_text}"
        elif len(present) == 1:
            only = next(p for p in fund.parts if getattr(p, attr) is present[0])
            comp = (
                f"{shown(present[0])}（{ROW_NAMES.get(only.kind, only.label.text)}，其余来源为空）"
            )
        else:
            comp = " + ".join(shown(c) for c in present) + f" = {exp_text}"
        tail = "（舍入差异）" if verdict is Verdict.ROUNDING else ""
        ctx.report(
            tf,
            f"年度资金总额的{name}应为各资金来源之和：{comp}，表中为 {shown(tf)}{tail}",
            expected=exp_text,
            actual=shown(tf),
            computation=comp,
            severity=verdict.severity,
            related=present,
        )


# --------------------------------------------------------------------------- S104


def _parts_sum(fund: FundBlock, attr: str) -> tuple[float, list[Field[Any]]]:
    cells = [getattr(p, attr) for p in fund.parts]
    present = [c for c in cells if c is not None and num(c) is not None]
    return sum(num(c) or 0.0 for c in present), present


@rule("S104", "zero-budget-rate", "error", "年度资金总额为 0 却填写执行率或得分")
def check_zero_budget_rate(form: FormS, ctx: RuleContext) -> None:
    """No 执行率 or 得分 on 年度资金总额 when its 全年预算数 is 0.

    Without a budget the rate 全年执行数 ÷ 全年预算数 is undefined, so a rate or
    a fund score printed there is invented: an error.  When the money sits in a
    sub-row (其中：本年财政拨款 880 under a 年度资金总额 of 0), the total row is
    wrong in its amounts (S103) and in whatever rate and score it prints,
    ``0`` and ``0.00`` included: the message gives the rate and score the row
    should show, computed from the parts.  Without money anywhere a ``0.00``
    awards nothing and is a note.  A blank 全年预算数 is not a 0: S401 asks
    for it, and the rate cannot be checked.
    """
    fund = form.fund
    total = fund.total if fund else None
    budget = num(total.budget) if total is not None else None
    if fund is None or total is None or budget is None or not zero(budget):
        return  # a blank 全年预算数 is not 0: S401 asks for it
    budget_text = shown(total.budget)
    parts_budget, _ = _parts_sum(fund, "budget")
    parts_executed, _ = _parts_sum(fund, "executed")
    money_in_parts = parts_budget > EPS
    notes: list[str] = []
    if total.initial is not None and not zero(num(total.initial)):
        notes.append(f"年初预算数 {shown(total.initial)} 已调整为 {budget_text}")
    should: dict[str, str] = {}
    if money_in_parts:
        for p in fund.parts:
            if not zero(num(p.budget)):
                name = p.label.text or ROW_NAMES.get(p.kind, p.kind)
                notes.append(f"资金填在“{name}”行（全年预算数 {shown(p.budget)}）")
        rate = parts_executed / parts_budget
        weight, _, _ = fund_weight(form, ctx)
        parts_budget_cells = [p.budget for p in fund.parts]
        budget_shown = show_like(
            total.budget, parts_budget, extra=_extra(total.budget, *parts_budget_cells)
        )
        executed_shown = show_like(
            total.budget, parts_executed, extra=_extra(total.budget, *parts_budget_cells)
        )
        should["执行率"] = show_like(total.rate, rate, extra=_min2(total.rate))
        rate_comp = f"{executed_shown} ÷ {budget_shown} = {should['执行率']}"
        should["资金得分"] = show_like(
            total.score, weight * min(rounded_as(total.rate, rate), 1.0), extra=_min2(total.score)
        )
        score_comp = f"{pts(weight)} × min({should['执行率']}, 1) = {should['资金得分']}"
    extra = "；" + "；".join(notes) if notes else ""
    for f, what in ((total.rate, "执行率"), (total.score, "资金得分")):
        v = num(f)
        if f is None or v is None:
            continue
        if money_in_parts:
            comp = rate_comp if what == "执行率" else score_comp
            ctx.report(
                f,
                f"年度资金总额的全年预算数为 {budget_text}，但资金在其下各行{extra}："
                f"总额行的{what}应按各行合计计算为 {comp}，表中为 {f.text}",
                expected=should[what],
                actual=f.text,
                computation=comp,
                related=(total.budget,),
            )
            continue
        comp = f"{shown(total.executed)} ÷ {budget_text} 无意义"
        ctx.report(
            f,
            f"年度资金总额的全年预算数为 {budget_text}，执行率无法计算（{comp}），"
            f"不应填写{what} {f.text}{extra}",
            expected="—",
            actual=f.text,
            computation=comp,
            severity="note" if zero(v) else "error",
            related=(total.budget,),
        )


# --------------------------------------------------------------------------- S105


@rule("S105", "over-execution", "warning", "执行数超过预算数")
def check_over_execution(form: FormS, ctx: RuleContext) -> None:
    """全年执行数 above 全年预算数 (执行率 above ``max_rate``, 1.00 by default).

    Spending more than the budget needs a budget adjustment or an explanation;
    the fund score is capped at the weight either way.
    """
    fund = form.fund
    if fund is None:
        return
    limit = ctx.settings.max_rate
    for row in fund.rows:
        budget, executed = num(row.budget), num(row.executed)
        if row.executed is None or executed is None or budget is None or zero(budget):
            continue
        rate = executed / budget
        if rate <= limit + EPS:
            continue
        what = ROW_NAMES.get(row.kind, row.label.text)
        comp = f"{shown(row.executed)} ÷ {shown(row.budget)} = {rate * 100:.2f}%"
        ctx.report(
            row.executed,
            f"{what}的全年执行数 {shown(row.executed)} 超过全年预算数 {shown(row.budget)}"
            f"（执行率 {comp}，上限 {limit * 100:g}%）：应调整预算或说明超支原因",
            expected=f"≤ {shown(row.budget)}",
            actual=shown(row.executed),
            computation=comp,
            related=(row.budget,),
        )


# --------------------------------------------------------------------------- S106

#: Words that explain a budget change.
_ADJUST_WORDS = re.compile(
    r"调整|追加|追减|调减|调增|调剂|压减|收回|核减|增加预算|减少预算|预算变更"
)


@rule("S106", "adjusted-without-reason", "warning", "预算调整未说明原因")
def check_adjusted_without_reason(form: FormS, ctx: RuleContext) -> None:
    """年初预算数 differs from 全年预算数 and the form does not say why.

    A budget changed during the year needs its reason: in the fund block's
    原因 column where the form has one (the 10 + 90 部门预算项目支出绩效自评表),
    else anywhere the form explains itself (实际完成情况, 偏差原因, 说明 texts)
    with words such as 调整, 追加, 调减, 收回.  Reported at 全年预算数 of the
    total row.
    """
    fund = form.fund
    total = fund.total if fund else None
    if fund is None or total is None:
        return
    explained_in_text = any(_ADJUST_WORDS.search(t.text) for t, _ in free_texts(form))
    for row in _rows_with_money(fund):
        if row.initial is None or row.budget is None:
            continue
        initial, budget = num(row.initial), num(row.budget)
        if initial is None or budget is None or (zero(budget) and zero(initial)):
            continue
        if ctx.judge(row.budget, initial) is Verdict.OK:
            continue
        if row.reason is not None and not row.reason.blank:
            continue
        if row.reason is None and explained_in_text:
            continue
        diff = show_like(row.budget, budget - initial, extra=_extra(row.budget, row.initial))
        comp = f"{shown(row.budget)} − {shown(row.initial)} = {diff}"
        where = "原因栏为空" if row.reason is not None else "表中未说明调整原因"
        what = "" if row is total else f"{ROW_NAMES.get(row.kind, row.label.text)}的"
        ctx.report(
            row.reason if row.reason is not None and row.reason.ref is not None else row.budget,
            f"{what}年初预算数 {shown(row.initial)} 调整为全年预算数 {shown(row.budget)}（调整 {comp}），"
            f"{where}：应说明预算调整的原因",
            expected="调整原因",
            actual="空",
            computation=comp,
            related=(row.initial, row.budget),
            sheet=form.sheet,
        )


def _rows_with_money(fund: FundBlock) -> list[FundRow]:
    """The 年度资金总额 row; or, when it prints zeros while the money sits in a sub-row, those sub-rows."""
    total = fund.total
    if total is None:
        return []
    amounts = [num(f) for f in (total.initial, total.budget, total.executed)]
    if any(a is not None and not zero(a) for a in amounts):
        return [total]
    return [
        p
        for p in fund.parts
        if any(not zero(num(f)) for f in (p.initial, p.budget, p.executed) if num(f) is not None)
    ]


def _min2(f: Field[Any] | None) -> int:
    """Extra decimals so that a rate or score is shown with at least two (``0`` -> ``1.00``)."""
    return max(0, 2 - (f.decimals or 0)) if f is not None and f.scale == 1.0 else 0


def _extra(f: Field[Any] | None, *others: Field[Any] | None) -> int:
    """Extra decimals to show ``f``'s unit at the finest precision among ``others``."""
    mine = f.decimals or 0 if f is not None else 0
    return max([0, *((o.decimals or 0) - mine for o in others if o is not None)])


# --------------------------------------------------------------------------- S107


def _zero_subrow_cells(form: FormS) -> list[tuple[FundRow, Field[Any], str, float]]:
    """(row, field, column name 执行率/得分, value) of numbers printed on zero-budget sub-rows."""
    fund = form.fund
    out: list[tuple[FundRow, Field[Any], str, float]] = []
    if fund is None:
        return out
    for row in fund.parts:
        if row.budget is not None and not zero(num(row.budget)):
            continue
        for f, name in ((row.rate, "执行率"), (row.score, "得分")):
            v = num(f)
            if f is not None and v is not None:
                out.append((row, f, name, v))
    return out


@rule("S107", "zero-subrow-rate", "error", "预算为 0 的资金来源行填写了非零执行率或得分")
def check_zero_subrow_rate(form: FormS, ctx: RuleContext) -> None:
    """A non-zero rate or score on a sub-row whose 全年预算数 is 0.

    On a sub-row (当年财政拨款, 上年结转资金, 其他资金 …) with a zero budget the
    rate is undefined; a non-zero rate or score printed there is invented and
    an **error**.  A rate of 0.00 there is harmless (the template asks for a
    rate on every row and it awards nothing): that is S108, off by default.
    The 年度资金总额 row is S104's.
    """
    for row, f, name, v in _zero_subrow_cells(form):
        if zero(v):
            continue  # 0.00: awards nothing (S108)
        what = ROW_NAMES.get(row.kind, row.label.text)
        ctx.report(
            f,
            f"{what}的全年预算数为 {shown(row.budget)}，执行率无法计算，不应填写{name} {f.text}",
            expected="—",
            actual=f.text,
            computation=f"{shown(row.executed)} ÷ {shown(row.budget)} 无意义",
        )


@rule(
    "S108",
    "zero-subrow-zero-rate",
    "note",
    "预算为 0 的资金来源行填写了 0.00 执行率",
    default=False,
)
def check_zero_subrow_zero_rate(form: FormS, ctx: RuleContext) -> None:
    """A rate of 0.00 (or 0.00%) on a sub-row whose 全年预算数 is 0 (opt-in).

    Harmless: the national template asks for a rate on every fund row and a
    0.00 there awards nothing, so this is at most a note, and it is **off by
    default** (almost every form prints it).  Select it by its code
    (``--select S108``) to have such cells changed to “—”.
    """
    for row, f, name, v in _zero_subrow_cells(form):
        if name == "执行率" and zero(v):
            what = ROW_NAMES.get(row.kind, row.label.text)
            ctx.report(
                f,
                f"{what}的全年预算数为 {shown(row.budget)}，执行率无法计算，"
                f"此处 {f.text} 不计分，可改为“—”",
                expected="—",
                actual=f.text,
            )


# --------------------------------------------------------------------------- S109


@rule("S109", "budget-cut-to-execution", "warning", "调整后预算恰好调减至执行数")
def check_budget_cut_to_execution(form: FormS, ctx: RuleContext) -> None:
    """An adjusted budget cut during the year to exactly the amount spent.

    When 年初预算数 was larger and 全年预算数 equals 全年执行数 to the cent, a
    low execution (65 %) has been turned into 100 % by the adjustment.  The
    reviewer asks for the adjustment document; the rate against the initial
    budget is quoted in the message.  No finding when the form names the cut
    and its reason (in the 原因 column, or in its texts as S106 reads them).
    """
    fund = form.fund
    if fund is None:
        return
    explained_in_text = any(_ADJUST_WORDS.search(t.text) for t, _ in free_texts(form))
    for row in _rows_with_money(fund):
        if (row.reason is not None and not row.reason.blank) or explained_in_text:
            continue  # the cut and its document are named
        initial, budget, executed = num(row.initial), num(row.budget), num(row.executed)
        if initial is None or budget is None or executed is None or zero(budget) or zero(initial):
            continue
        if row.budget is None or row.initial is None or row.executed is None:
            continue
        if budget >= initial - EPS or abs(budget - executed) > EPS * max(1.0, budget):
            continue
        if executed / initial > 0.995:
            continue  # 89.974 of 90: a rounding of the adjustment, S106 asks for its reason
        comp = f"{shown(row.executed)} ÷ {shown(row.initial)} = {executed / initial * 100:.2f}%"
        what = "" if row is fund.total else f"{ROW_NAMES.get(row.kind, row.label.text)}的"
        ctx.report(
            row.budget,
            f"{what}年初预算数 {shown(row.initial)} 调减为全年预算数 {shown(row.budget)}，"
            f"恰等于全年执行数 {shown(row.executed)}：按年初预算执行率仅为 {comp}，应说明调减依据",
            expected="全年预算数 ≠ 全年执行数（或说明调减依据）",
            actual=shown(row.budget),
            computation=comp,
            related=(row.initial, row.executed),
        )


# --------------------------------------------------------------------------- S110


@rule("S110", "subrow-score", "warning", "资金来源行重复填写分值或得分", scored_only=True)
def check_subrow_score(form: FormS, ctx: RuleContext) -> None:
    """分值 and 得分 belong to the 年度资金总额 row only, not to its 其中 sub-rows.

    A weight or score repeated on 其中：当年财政拨款 (or another part) counts the
    fund twice in any sum over the 分值/得分 columns, and the reviewer cannot
    tell which score is meant.
    """
    fund = form.fund
    if fund is None:
        return
    for row in fund.parts:
        for f, name in ((row.weight, "分值"), (row.score, "得分")):
            v = num(f)
            if f is None or v is None or zero(v):
                continue
            what = ROW_NAMES.get(row.kind, row.label.text)
            ctx.report(
                f,
                f"{what}行填写了{name} {f.text}：{name}只应填在年度资金总额行，"
                "按列合计时资金会被重复计算",
                expected="—",
                actual=f.text,
            )
