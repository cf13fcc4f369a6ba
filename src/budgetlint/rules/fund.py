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
from budgetlint.scoring import display_rate, execution_rate, fund_score
from budgetlint.tolerance import EPS, Verdict, compare, decimals_of, fmt

#: Chinese row names used in messages.
ROW_NAMES: dict[str, str] = {
    "total": "年度资金总额",
    "fiscal": "财政拨款",
    "carryover": "上年结转资金",
    "special": "财政专户管理资金",
    "unit": "单位资金",
    "other": "其他资金",
}

_DECIMALS_IN_TEXT = re.compile(r"\d\.(\d+)")


# --------------------------------------------------------------------------- helpers
# (also used by budgetlint.rules.totals and budgetlint.rules.completeness)


def num(f: Field[Any] | None) -> float | None:
    """The numeric value of a field, or None (no field, blank, ``—``, text)."""
    if f is None or f.value is None or isinstance(f.value, bool):
        return None
    if isinstance(f.value, int | float):
        return float(f.value)
    return None


def shown_decimals(f: Field[Any], default: int = 2) -> int:
    """Decimals the cell shows: the reader's ``decimals``, else read off the raw value."""
    if f.decimals is not None:
        return f.decimals
    raw = f.raw
    if isinstance(raw, str):
        m = _DECIMALS_IN_TEXT.search(raw)
        return len(m.group(1)) if m else 0
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        return decimals_of(float(raw))
    return default


def pts(x: float) -> str:
    """Points as a form prints them, without trailing zeros: 10 -> '10', 85.5 -> '85.5'."""
    s = f"{x:.4f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def printed(f: Field[Any], default_decimals: int = 2) -> str:
    """A numeric cell as the form shows it."""
    v = num(f)
    if v is None:
        return f.text
    if isinstance(f.raw, str):
        return f.text
    return fmt(v, shown_decimals(f, default_decimals))


def amount_scale(fund: FundBlock) -> float:
    """元 per printed unit: 10000 on a 万元 form, else 1."""
    return 10000.0 if "万" in fund.unit or "萬" in fund.unit else 1.0


def amount_text(f: Field[Any], fund: FundBlock) -> str:
    """An amount in the unit the form prints (元 or 万元)."""
    v = num(f)
    if v is None:
        return f.text or "空"
    d = f.decimals if f.decimals is not None else 2
    return fmt(v / amount_scale(fund), d)


def amount_decimals(f: Field[Any], fund: FundBlock) -> int:
    """The printed precision of an amount, as decimals of 元 (0.01 万元 -> -2)."""
    d = f.decimals if f.decimals is not None else 2
    return d - (4 if amount_scale(fund) > 1 else 0)


def rate_style(f: Field[Any], fund: FundBlock) -> tuple[str, int]:
    """How a rate cell prints: ('fraction'|'percent'|'percent_sign', fraction decimals)."""
    d = shown_decimals(f)
    if (isinstance(f.raw, str) and ("%" in f.raw or "％" in f.raw)) or (
        f.shown is not None and f.shown.endswith("%") and not fund.rate_percent
    ):
        return "percent_sign", d + 2
    if fund.rate_percent:
        return "percent", d + 2
    return "fraction", d


def rate_text(rate: float, style: str, decimals: int) -> str:
    """A fraction as the rate cell would print it (decimals are fraction decimals)."""
    if style == "fraction":
        return fmt(rate, decimals)
    d = max(decimals - 2, 0)
    return f"{rate * 100:.{d}f}" + ("%" if style == "percent_sign" else "")


def fund_weight(form: FormS, ctx: RuleContext) -> tuple[float, Field[Any] | None, str]:
    """The weight of the fund block: (points, the 分值 cell if any, where it came from).

    The 分值 cell of the total row when it holds a number, else the weight in
    the block label (``预算执行情况(20分)``), else the family's ``fund_weight``.
    """
    total = form.fund.total if form.fund else None
    w = num(total.weight) if total else None
    if w is not None and total is not None:
        return w, total.weight, "分值"
    if form.fund is not None and form.fund.weight is not None:
        return float(form.fund.weight), None, "标题"
    return float(ctx.params.fund_weight), None, "版式"


def zero(x: float | None) -> bool:
    """True for a missing or zero amount."""
    return x is None or abs(x) < EPS


def _severity(v: Verdict) -> str:
    return "note" if v is Verdict.ROUNDING else "error"


# --------------------------------------------------------------------------- S101


@rule("S101", "rate", "error", "执行率与执行数÷预算数不符")
def check_rate(form: FormS, ctx: RuleContext) -> None:
    """The printed 执行率 of every fund row must equal 全年执行数 ÷ 全年预算数.

    The rate is compared at the precision it is printed with: ``0.98`` (two
    decimals of a fraction), ``98.19%``, or ``98.19`` in a column headed (%).
    A difference one rounding explains is a note; anything larger an error.
    Rows whose 全年预算数 is 0 or blank have no rate; S104 and S107 deal with
    those.

    **Anti-pattern**

        全年预算数 987000.00  全年执行数 969188.11  执行率 0.95

    **Best practice**

        全年预算数 987000.00  全年执行数 969188.11  执行率 0.98   (969188.11 ÷ 987000.00)
    """
    fund = form.fund
    if fund is None:
        return
    for row in fund.rows:
        if row.rate is None or row.budget is None or row.executed is None:
            continue
        shown = num(row.rate)
        budget, executed = num(row.budget), num(row.executed)
        if shown is None or executed is None or zero(budget):
            continue
        expected = execution_rate(executed, budget)
        if expected is None:
            continue
        style, dec = rate_style(row.rate, fund)
        verdict = compare(shown, expected, dec, units=ctx.settings.rounding_units)
        if verdict is Verdict.OK:
            continue
        exp_text = rate_text(expected, style, dec)
        comp = f"{amount_text(row.executed, fund)} ÷ {amount_text(row.budget, fund)} = {exp_text}"
        what = ROW_NAMES.get(row.kind, row.label.text)
        tail = "（舍入差异）" if verdict is Verdict.ROUNDING else ""
        ctx.report(
            row.rate,
            f"{what}执行率应为 {comp}，表中为 {row.rate.text}{tail}",
            expected=exp_text,
            actual=row.rate.text,
            computation=comp,
            severity=_severity(verdict),
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

    **Anti-pattern**

        分值 10  执行率 0.98  得分 9.50

    **Best practice**

        分值 10  执行率 0.98  得分 9.80   (10 × min(0.98, 1))
    """
    fund = form.fund
    total = fund.total if fund else None
    if fund is None or total is None:
        return
    weight, weight_cell, _source = fund_weight(form, ctx)
    family_weight = float(ctx.params.fund_weight)
    label_ref = form.fund.weight_ref if form.fund is not None else None
    if weight_cell is None and label_ref is not None and abs(weight - family_weight) > EPS:
        ctx.report(
            label_ref,
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
    if total.score is None:
        return
    score = num(total.score)
    if score is None:
        return
    budget = num(total.budget)
    executed = num(total.executed)
    rate = execution_rate(executed, budget) if executed is not None and not zero(budget) else None
    dec_score = shown_decimals(total.score)
    if rate is not None:
        if total.rate is not None and num(total.rate) is not None:
            style, dec_rate = rate_style(total.rate, fund)
        else:
            style, dec_rate = "fraction", 2
        shown_rate = display_rate(rate, dec_rate)
        expected = fund_score(weight, rate, decimals=dec_rate)
        exact = weight * min(rate, 1.0)
        rate_shown = rate_text(shown_rate, style, dec_rate)
        comp = f"{pts(weight)} × min({rate_shown}, 1) = {fmt(expected, max(dec_score, 2))}"
    else:
        expected = exact = None
        comp = ""
    if score > weight + EPS:
        msg = f"资金得分 {total.score.text} 超过资金分值 {pts(weight)}"
        if comp:
            msg += f"；应为 {comp}"
        ctx.report(
            total.score,
            msg,
            expected=fmt(expected, max(dec_score, 2)) if expected is not None else pts(weight),
            actual=total.score.text,
            computation=comp or None,
            severity="error",
        )
        return
    if expected is None or exact is None:
        return
    units = ctx.settings.rounding_units
    verdicts = [compare(score, expected, dec_score, units=units)]
    verdicts.append(compare(score, exact, dec_score, units=units))
    verdict = min(verdicts, key=lambda v: [Verdict.OK, Verdict.ROUNDING, Verdict.WRONG].index(v))
    if verdict is Verdict.OK:
        return
    exp_text = fmt(expected, max(dec_score, 2))
    tail = "（舍入差异）" if verdict is Verdict.ROUNDING else ""
    ctx.report(
        total.score,
        f"资金得分应为 {comp}，表中为 {total.score.text}{tail}",
        expected=exp_text,
        actual=total.score.text,
        computation=comp,
        severity=_severity(verdict),
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
    全年预算数 and 全年执行数.  A blank or ``—`` part counts as 0.  A difference
    of up to n half-units of the printed precision (n rounded terms) is a
    rounding note.

    **Anti-pattern**

        年度资金总额 1297780.00  其中：当年财政拨款 0.00  上年结转资金 0.00  其他资金 1297000.00

    **Best practice**

        年度资金总额 1297780.00  其中：当年财政拨款 0.00  上年结转资金 0.00  其他资金 1297780.00
    """
    fund = form.fund
    total = fund.total if fund else None
    if fund is None or total is None or not fund.parts:
        return
    for attr, label in _AMOUNT_COLUMNS:
        tf: Field[Any] | None = getattr(total, attr)
        if tf is None:
            continue
        tv = num(tf)
        if tv is None:
            continue
        cells = [getattr(p, attr) for p in fund.parts]
        present = [c for c in cells if c is not None and num(c) is not None]
        if not present:
            continue
        expected = sum(num(c) or 0.0 for c in present)
        dec = amount_decimals(tf, fund)
        verdict = compare(tv, expected, dec, terms=len(present), units=ctx.settings.rounding_units)
        if verdict is Verdict.OK:
            continue
        d = tf.decimals if tf.decimals is not None else 2
        scale = amount_scale(fund)
        exp_text = fmt(expected / scale, d)
        comp = " + ".join(amount_text(c, fund) for c in present) + f" = {exp_text}"
        tail = "（舍入差异）" if verdict is Verdict.ROUNDING else ""
        ctx.report(
            tf,
            f"年度资金总额的{label}应为 {comp}，表中为 {amount_text(tf, fund)}{tail}",
            expected=exp_text,
            actual=amount_text(tf, fund),
            computation=comp,
            severity=_severity(verdict),
            related=present,
        )


# --------------------------------------------------------------------------- S104


@rule("S104", "zero-budget-rate", "error", "全年预算数为 0 却填写执行率或得分")
def check_zero_budget_rate(form: FormS, ctx: RuleContext) -> None:
    """No 执行率 or 得分 on 年度资金总额 when its 全年预算数 is 0 or blank.

    Without a budget the rate 全年执行数 ÷ 全年预算数 is undefined, so a rate or
    a fund score printed there is invented.  Each printed cell is reported:
    a non-zero value is an error, a 0.00 (which awards nothing) a note.  When
    the money was entered on a sub-row (a part with 全年预算数 > 0 under a zero
    总额) or the budget was cut to 0 during the year (年初预算数 > 0), the
    message says so.

    **Anti-pattern (深圳市社会组织能力建设与跟踪服务项目, 2021)**

        年度资金总额  年初 1297780.00  全年 0.00  执行 0.00  分值 10  执行率 1.00  得分 10.00

    **Best practice**

        年度资金总额  年初 1297780.00  全年 0.00  执行 0.00  分值 10  执行率 —  得分 —
        and the project explained in 偏差原因 (the budget was withdrawn).
    """
    fund = form.fund
    total = fund.total if fund else None
    if fund is None or total is None:
        return
    budget = num(total.budget)
    if not zero(budget):
        return
    budget_text = amount_text(total.budget, fund) if total.budget is not None else "空"
    notes: list[str] = []
    initial = num(total.initial)
    if total.initial is not None and not zero(initial):
        notes.append(f"年初预算数 {amount_text(total.initial, fund)} 已调整为 {budget_text}")
    for p in fund.parts:
        pb = num(p.budget)
        if p.budget is not None and pb is not None and pb > EPS:
            name = p.label.text or ROW_NAMES.get(p.kind, p.kind)
            notes.append(
                f"资金填在“{name}”行（全年预算数 {amount_text(p.budget, fund)}），"
                f"年度资金总额却为 {budget_text}"
            )
    extra = "；" + "；".join(notes) if notes else ""
    executed_text = amount_text(total.executed, fund) if total.executed is not None else "空"
    comp = f"{executed_text} ÷ {budget_text} 无意义"
    for f, what in ((total.rate, "执行率"), (total.score, "资金得分")):
        if f is None:
            continue
        v = num(f)
        if v is None:
            continue
        sev = "note" if zero(v) else "error"
        ctx.report(
            f,
            f"年度资金总额的全年预算数为 {budget_text}，执行率无法计算（{comp}），"
            f"不应填写{what} {f.text}{extra}",
            expected="—",
            actual=f.text,
            computation=comp,
            severity=sev,
            related=(total.budget,),
        )


# --------------------------------------------------------------------------- S105


@rule("S105", "over-execution", "warning", "执行数超过预算数")
def check_over_execution(form: FormS, ctx: RuleContext) -> None:
    """全年执行数 above 全年预算数 (执行率 above ``max_rate``, 1.00 by default).

    Spending more than the budget needs a budget adjustment or an explanation;
    the fund score is capped at the weight either way.

    **Anti-pattern**

        全年预算数 15000.00  全年执行数 16200.00  执行率 1.08

    **Best practice**

        全年预算数 16200.00 (after the adjustment)  全年执行数 16200.00  执行率 1.00
    """
    fund = form.fund
    if fund is None:
        return
    limit = ctx.settings.max_rate
    for row in fund.rows:
        budget, executed = num(row.budget), num(row.executed)
        if row.executed is None or executed is None or zero(budget) or budget is None:
            continue
        rate = executed / budget
        if rate <= limit + EPS:
            continue
        what = ROW_NAMES.get(row.kind, row.label.text)
        comp = f"{amount_text(row.executed, fund)} ÷ {amount_text(row.budget, fund)} = {rate:.2f}"
        ctx.report(
            row.executed,
            f"{what}的全年执行数 {amount_text(row.executed, fund)} 超过全年预算数 "
            f"{amount_text(row.budget, fund)}（执行率 {comp} > {limit:.2f}）",
            expected=f"≤ {amount_text(row.budget, fund)}",
            actual=amount_text(row.executed, fund),
            computation=comp,
            related=(row.budget,),
        )


# --------------------------------------------------------------------------- S106


@rule("S106", "adjusted-without-reason", "warning", "预算调整未说明原因")
def check_adjusted_without_reason(form: FormS, ctx: RuleContext) -> None:
    """年初预算数 differs from 全年预算数 but the 原因 column of the total row is empty.

    Only forms that have a reason column on the fund block (the 10 + 90
    部门预算项目支出绩效自评表: 年初预算 · 调整后预算数 · … · 原因) are checked;
    the national form has no such column and gets no finding.

    **Anti-pattern**

        总额  年初预算 0.00  调整后预算数 15000.00  …  原因 (empty)

    **Best practice**

        总额  年初预算 0.00  调整后预算数 15000.00  …  原因 年中追加公务用车运行维护经费
    """
    fund = form.fund
    total = fund.total if fund else None
    if fund is None or total is None or total.reason is None:
        return
    if not total.reason.blank:
        return
    initial, budget = num(total.initial), num(total.budget)
    if initial is None or budget is None or total.budget is None or total.initial is None:
        return
    dec = amount_decimals(total.budget, fund)
    if compare(initial, budget, dec, units=ctx.settings.rounding_units) is Verdict.OK:
        return
    diff = budget - initial
    comp = f"{amount_text(total.budget, fund)} − {amount_text(total.initial, fund)} = " + fmt(
        diff / amount_scale(fund), total.budget.decimals if total.budget.decimals is not None else 2
    )
    at = total.reason if total.reason.ref is not None else total.budget
    ctx.report(
        at,
        f"年初预算数 {amount_text(total.initial, fund)} 调整为全年预算数 "
        f"{amount_text(total.budget, fund)}（调整 {comp}），原因栏为空",
        expected="调整原因",
        actual="空",
        computation=comp,
        related=(total.initial, total.budget),
        sheet=form.sheet,
    )


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
            v = num(f) if f is not None else None
            if f is not None and v is not None:
                out.append((row, f, name, v))
    return out


def _budget_text(row: FundRow, fund: FundBlock) -> str:
    return amount_text(row.budget, fund) if row.budget is not None else "空"


@rule("S107", "zero-subrow-rate", "error", "预算为 0 的资金来源行填写了非零执行率或得分")
def check_zero_subrow_rate(form: FormS, ctx: RuleContext) -> None:
    """A non-zero rate or score on a sub-row whose 全年预算数 is 0.

    On a sub-row (当年财政拨款, 上年结转资金, 其他资金 …) with a zero budget the
    rate is undefined; a non-zero rate or score printed there is invented and
    an **error**.  A rate of 0.00 there is harmless (the template asks for a
    rate on every row and it awards nothing): that is S108, off by default.
    The 年度资金总额 row is S104's.

    **Anti-pattern**

        上年结转资金  0.00  0.00  0.00  —  1.00  —

    **Best practice**

        上年结转资金  0.00  0.00  0.00  —  —  —      (or 0.00, tolerated)
    """
    fund = form.fund
    if fund is None:
        return
    for row, f, name, v in _zero_subrow_cells(form):
        if zero(v):
            continue  # 0.00: awards nothing (S108)
        what = ROW_NAMES.get(row.kind, row.label.text)
        budget_text = _budget_text(row, fund)
        ctx.report(
            f,
            f"{what}的全年预算数为 {budget_text}，不应填写{name} {f.text}",
            expected="—",
            actual=f.text,
            computation=f"{amount_text(row.executed, fund) if row.executed else '空'}"
            f" ÷ {budget_text} 无意义",
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

    **Anti-pattern**

        上年结转资金  0.00  0.00  0.00  —  0.00  —

    **Best practice**

        上年结转资金  0.00  0.00  0.00  —  —  —
    """
    fund = form.fund
    if fund is None:
        return
    for row, f, name, v in _zero_subrow_cells(form):
        if name == "执行率" and zero(v):
            what = ROW_NAMES.get(row.kind, row.label.text)
            budget_text = _budget_text(row, fund)
            ctx.report(
                f,
                f"{what}的全年预算数为 {budget_text}，执行率无法计算，此处 {f.text} 不计分，可改为“—”",
                expected="—",
                actual=f.text,
            )
