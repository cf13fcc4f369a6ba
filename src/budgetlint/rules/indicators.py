"""Form-S rules: indicators (年度绩效指标 rows), codes S201–S211.

Each rule is one function; its docstring is the rule's documentation: what it
checks and why.  Its anti-pattern and best practice are data, small forms in
``rules/cases/<CODE>.toml`` (:mod:`budgetlint.rules.cases`) that the tests run.
Scores are recomputed with :func:`budgetlint.scoring.indicator_score` using the
family's parameters (``ctx.params``).
"""

from __future__ import annotations

import re
from typing import Any

from budgetlint.model import Field, FormS, Indicator
from budgetlint.rules.base import RuleContext, rule
from budgetlint.rules.helpers import (
    at,
    deducted,
    explained,
    field_text,
    full_marks,
    is_cost,
    label,
    level1_key,
    num,
    over_limit,
    pts,
    reason_empty,
    reason_text,
    says_no_deviation,
    score_result,
    scored,
    short,
    show_like,
    target_of,
    value_of,
)
from budgetlint.scoring import NUMERIC_KINDS, achievement_word, band_for, num_text
from budgetlint.text import norm, split_weight
from budgetlint.tolerance import Verdict, compare, fmt
from budgetlint.values import Kind, Value

#: Words saying the target was missed.
_MISSED = re.compile(
    r"未能|未完成|没有完成|没能|未按时|未如期|未及时|滞后|延迟|延期|推迟|未达到|未达成|未实现"
)


# --------------------------------------------------------------------------- rules


@rule("S201", "score-range", "error", "得分超出 0 至分值范围", scored_only=True)
def check_score_range(form: FormS, ctx: RuleContext) -> None:
    """An indicator's 得分 must lie between 0 and its 分值.

    A score above the weight or below zero is impossible under every scoring
    rule of the form; it is a typing error or a score entered in the wrong row.
    """
    for ind in form.indicators:
        ws = scored(ind)
        if ws is None or ind.score is None or ind.weight is None:
            continue
        w, s = ws
        if s < 0 and ctx.judge(ind.score, 0.0) is not Verdict.OK:
            ctx.report(
                ind.score,
                f"指标{label(ind)}得分为负数：应在 0 至 {ind.weight.text} 之间，实际为 {ind.score.text}",
                expected=f"0–{ind.weight.text}",
                actual=ind.score.text,
            )
        elif s > w and ctx.judge(ind.score, w) is not Verdict.OK:
            ctx.report(
                ind.score,
                f"指标{label(ind)}得分 {ind.score.text} 超过分值 {ind.weight.text}",
                expected=f"≤{ind.weight.text}",
                actual=ind.score.text,
                related=[ind.weight],
            )


@rule("S202", "score-recomputed", "error", "得分与按指标值重算的结果不符", scored_only=True)
def check_score_recomputed(form: FormS, ctx: RuleContext) -> None:
    """The printed 得分 must equal the score recomputed from target and actual.

    Positive quantities score 分值 × min(actual/target, 1); comparator targets
    get full marks when the comparison holds and a proportional score when it
    does not (the upper-bound formula is the family's ``upper_bound_formula``).
    A difference within rounding of the printed decimals is a note. The rule
    stays silent where the score is a judgement: qualitative and date targets
    that were missed, 达成/部分达成 actuals (S209), a strict bound met only with
    equality (S203), and a deduction on a target that *was* reached — that is
    the department's discretion, and S204/S205/S206 ask for its reason. A score
    outside [0, 分值] is left to S201.
    """
    for ind in form.indicators:
        ws = scored(ind)
        res = score_result(ind, ctx)
        if ws is None or ind.score is None or res is None or res.expected is None:
            continue
        w, s = ws
        if s < 0 or s > w:
            continue  # S201
        verdict = ctx.judge(ind.score, res.expected)
        if verdict is Verdict.OK:
            continue
        if s < res.expected and res.met is True:
            continue  # points deducted on a reached target: S212
        exp_text = show_like(ind.score, res.expected, extra=max(0, 2 - (ind.score.decimals or 0)))
        tail = "（截尾而非四舍五入）" if verdict is Verdict.ROUNDING else ""
        ctx.report(
            ind.score,
            f"指标{label(ind)}得分应为 {res.method}，表中为 {ind.score.text}{tail}",
            expected=exp_text,
            actual=ind.score.text,
            computation=res.method,
            severity=verdict.severity,
            related=[f for f in (ind.target, ind.actual, ind.weight) if f is not None],
        )


@rule(
    "S203", "strict-bound-equality", "warning", "严格界限目标仅达到界值却得满分", scored_only=True
)
def check_strict_bound_equality(form: FormS, ctx: RuleContext) -> None:
    """A strict target ``>X`` / ``<X`` is not met by an actual equal to X.

    ``>90%`` means "more than 90 %": an actual of exactly 90 % misses it, so
    full marks are not justified (FORMS: "full marks there is a warning"). The
    department either meant ``≥90%`` (fix the target) or must deduct and give a
    reason. This rule owns the case: S202 does not also report it.
    """
    for ind in form.indicators:
        res = score_result(ind, ctx)
        if res is None or not res.strict_equality or not full_marks(ind, ctx):
            continue
        assert ind.score is not None and ind.weight is not None
        ctx.report(
            ind.score,
            f"指标{label(ind)}目标值“{ind.target.text}”为严格界限，实际完成值“{ind.actual.text}”"
            f"恰等于界值，未达到目标，却给了满分：应低于 {ind.weight.text}，"
            f"实际得分 {ind.score.text}",
            expected=f"<{ind.weight.text}",
            actual=ind.score.text,
            computation=res.method,
            related=[ind.target, ind.actual],
        )


@rule("S204", "reason-missing", "warning", "扣分或未达成但缺少偏差原因")
def check_reason_missing(form: FormS, ctx: RuleContext) -> None:
    """A deduction or a missed target needs a 偏差原因分析及改进措施.

    When 得分 < 分值 or the target is missed, the department must say why and
    what it will do; an empty cell, or ``无偏差`` next to a deduction, leaves the
    reviewer without an explanation. A deduction on a reached target (an
    over-achievement the department chose to mark down) needs a reason too.
    For families without scores only the missed target is checked; a form
    without a 偏差原因 column has nowhere to give one and is not asked. A strict
    bound met only with equality and given full marks is left to S203, an
    over-achievement (actual far above target) to S206.
    """
    for ind in form.indicators:
        if ind.reason is None:
            continue  # the form has no 偏差原因 column to fill
        res = score_result(ind, ctx)
        met = res.met if res is not None else None
        cut = deducted(ind, ctx)
        if res is not None and res.strict_equality and full_marks(ind, ctx):
            continue  # S203
        missed = met is False
        if not (cut or missed):
            continue
        t, a = target_of(ind), value_of(ind.actual)
        if t is not None and a is not None and met is not False:
            if over_limit(t, a, ctx.settings.over_achievement_ratio) is not None:
                continue  # an unexplained over-achievement: S206
        text = reason_text(ind)
        where = at(ind.reason, ind.score, ind.actual)
        if cut:
            assert ind.score is not None and ind.weight is not None
            what = f"得分 {ind.score.text} 低于分值 {ind.weight.text}"
            if met is True:
                what += "（目标已达成却扣分，见 S212）"
        else:
            what = f"实际完成值“{ind.actual.text}”未达到年度指标值“{ind.target.text}”"
        if reason_empty(text):
            ctx.report(
                where,
                f"指标{label(ind)}{what}，但偏差原因分析为空：应说明偏差原因及改进措施",
                expected="偏差原因及改进措施",
                actual="（空）",
                related=[f for f in (ind.score, ind.actual) if f is not None],
            )
        elif cut and says_no_deviation(text):
            ctx.report(
                where,
                f"指标{label(ind)}{what}，偏差原因却填“{text}”，与扣分矛盾：应说明扣分原因",
                expected="扣分原因及改进措施",
                actual=text,
                related=[f for f in (ind.score, ind.weight) if f is not None],
            )


def _equal_to_target(t: Value, a: Value) -> bool:
    if a.op not in (None, "=", "~"):
        return False
    if t.kind == Kind.QUALITATIVE and a.kind == Kind.QUALITATIVE:
        return bool(t.word) and t.word == a.word
    if t.kind in NUMERIC_KINDS and a.kind in NUMERIC_KINDS and t.number is not None:
        if t.op in (">", "<") or a.number is None:
            return False  # equality with a strict bound is a miss (S203)
        return abs(float(t.number) - float(a.number)) <= 1e-9 * max(1.0, abs(float(t.number)))
    if t.kind == Kind.DATE and a.kind == Kind.DATE:
        return norm(t.text) == norm(a.text)
    return norm(t.text) == norm(a.text) and t.kind not in (Kind.TEXT, Kind.EMPTY, Kind.NONE)


@rule(
    "S205",
    "reason-contradicts",
    "warning",
    "偏差原因称未完成，但实际完成值等于目标",
    scored_only=True,
)
def check_reason_contradicts(form: FormS, ctx: RuleContext) -> None:
    """A reason saying the target was missed, on a row whose actual equals the target.

    If the actual is the target (``及时`` / ``及时``, ``3 项`` / ``3 项``) the target
    was reached; a deduction explained by "未能在年度内完成" contradicts the
    actual. Either the actual is wrong (it should say what was really achieved)
    or the deduction is. Reported at the reason cell; the deduction itself is
    S212's error at the 得分 cell.
    """
    for ind in form.indicators:
        t, a = value_of(ind.target), value_of(ind.actual)
        if t is None or a is None or not _equal_to_target(t, a) or not deducted(ind, ctx):
            continue
        text = reason_text(ind)
        m = _MISSED.search(text)
        if not m:
            continue
        assert ind.score is not None and ind.weight is not None
        ctx.report(
            at(ind.reason, ind.score),
            f"指标{label(ind)}偏差原因称“{short(text, 40)}”（“{m.group(0)}”），"
            f"但实际完成值“{ind.actual.text}”与年度指标值“{ind.target.text}”一致："
            "原因与完成值矛盾，应更正实际完成值或原因",
            expected=f"与实际完成值“{ind.actual.text}”一致的说明",
            actual=short(text, 40),
            related=[f for f in (ind.score, ind.actual, ind.target) if f is not None],
        )


@rule("S206", "over-achievement", "warning", "大幅超额完成但未说明原因")
def check_over_achievement(form: FormS, ctx: RuleContext) -> None:
    """An actual far above its target needs an explanation.

    An actual above ``over_achievement_ratio`` × target (1.2 by default) for a
    quantity or lower-bound target, or above a range's upper bound, shows a
    target set badly; departments may deduct at their discretion, but they must
    explain it in 偏差原因. No finding when a reason is given. Percentages up to
    100 % are not counted (a rate that reached 100 % against ``≥80%`` is
    saturation, not a badly set target).
    """
    for ind in form.indicators:
        t, a = target_of(ind), value_of(ind.actual)
        if t is None or a is None:
            continue
        over = over_limit(t, a, ctx.settings.over_achievement_ratio)
        if over is None:
            continue
        text = reason_text(ind)
        if explained(text):
            continue
        limit, how = over
        k = t.kind if t.kind != Kind.RANGE else a.kind
        unit = f" {t.unit}" if t.unit and t.unit != "%" else ""
        ctx.report(
            ind.actual,
            f"指标{label(ind)}实际完成值“{ind.actual.text}”{how}，"
            f"偏差原因未说明（{text or '空'}）：应说明超额原因并改进目标设定",
            expected=f"≤{num_text(limit, k)}{unit}",
            actual=ind.actual.text,
            related=[f for f in (ind.target, ind.reason) if f is not None],
        )


@rule("S207", "none-target-weight", "error", "不适用指标（无）却有分值", scored_only=True)
def check_none_target_weight(form: FormS, ctx: RuleContext) -> None:
    """A target of ``无`` / ``不适用`` means the indicator does not apply: 分值 must be 0.

    Points assigned to an indicator without a target are points nobody can earn
    or lose by performance; the weights of the applicable indicators must carry
    the total instead.
    """
    for ind in form.indicators:
        t = value_of(ind.target)
        w = num(ind.weight)
        if t is None or t.kind != Kind.NONE or w is None or ind.weight is None:
            continue
        if w > 0 and ctx.judge(ind.weight, 0.0) is not Verdict.OK:
            ctx.report(
                ind.weight,
                f"指标{label(ind)}年度指标值为“{ind.target.text}”（不适用），分值应为 0，实际为 "
                f"{ind.weight.text}",
                expected="0",
                actual=ind.weight.text,
                related=[ind.target],
            )


@rule("S208", "cost-vs-fund", "warning", "成本指标金额与资金执行情况不符")
def check_cost_vs_fund(form: FormS, ctx: RuleContext) -> None:
    """成本指标 amounts should agree with the fund block.

    A cost indicator stated in money (``<98.7 万元``) is the project's budget:
    its target should be 全年预算数 and its actual 全年执行数 of 年度资金总额,
    within ``cost_tolerance`` (relative, 1 % by default). A cost target far from
    the budget means one of the two was copied from another year or project.

    Only whole-project costs are compared: an amount under half the fund
    figure is a unit or component cost (每公里年均养护成本 ≤0.5万元,
    生均资助成本 ≤1000元, “三公”经费控制数 in a 部门整体 form) and is left alone.
    """
    total = form.fund.total if form.fund is not None else None
    if total is None:
        return
    tol = ctx.settings.cost_tolerance
    pairs = (
        ("年度指标值", "全年预算数", "target", total.budget),
        ("实际完成值", "全年执行数", "actual", total.executed),
    )
    for ind in form.indicators:
        if not is_cost(ind):
            continue
        for what, fund_label, attr, fund_field in pairs:
            f: Field[Any] = getattr(ind, attr)
            v = value_of(f)
            ref = num(fund_field)
            if v is None or v.kind != Kind.AMOUNT or v.number is None or not ref:
                continue
            amount = float(v.number)
            if amount / ref < 0.5:
                continue  # a unit or component cost, not the project's total
            gap = abs(amount - ref) / abs(ref)
            if gap <= tol + 1e-9:
                continue
            ctx.report(
                f,
                f"成本指标{label(ind)}{what}“{f.text}”折合 {fmt(amount)} 元，与资金表{fund_label} "
                f"{fmt(ref)} 元相差 {gap * 100:.2f}%（允许 {tol * 100:g}%）：应约为 {fmt(ref)} 元",
                expected=fmt(ref),
                actual=fmt(amount),
                computation=f"|{fmt(amount)} − {fmt(ref)}| ÷ {fmt(ref)} = {gap * 100:.2f}%",
                related=[fund_field] if fund_field is not None else (),
            )


@rule("S209", "qualitative-band", "warning", "定性指标得分不在其达成档次范围内", scored_only=True)
def check_qualitative_band(form: FormS, ctx: RuleContext) -> None:
    """A 达成 / 部分达成 / 未达成 actual earns a share of the weight within its band.

    The family's ``qualitative_bands`` fixes the bands (80-50: 达成 80–100 %,
    部分达成 50–80 %, 未达成 0–50 %; 80-60: 80–100 / 60–80 / 0–60). A score
    outside the band its own actual states contradicts the actual.
    """
    bands = ctx.params.bands
    for ind in form.indicators:
        a = value_of(ind.actual)
        ws = scored(ind)
        if a is None or a.kind != Kind.ACHIEVEMENT or ws is None or ind.score is None:
            continue
        w, s = ws
        band = band_for(a.word or a.text, bands)
        if band is None or w <= 0:
            continue
        lo, hi = band
        half = ctx.settings.rounding_units * ind.score.step + 1e-9
        if lo * w - half <= s <= hi * w + half:
            continue
        word = achievement_word(a.word or a.text)
        ctx.report(
            ind.score,
            f"指标{label(ind)}实际完成值为“{word}”，得分应在分值的 {lo * 100:g}%–{hi * 100:g}% "
            f"之间（{fmt(lo * w)}–{fmt(hi * w)}），实际得分 {ind.score.text}（{s / w * 100:.2f}%）",
            expected=f"{fmt(lo * w)}–{fmt(hi * w)}",
            actual=ind.score.text,
            computation=f"{ind.score.text} ÷ {num_text(w)} = {s / w * 100:.2f}%",
        )


def _measured_example(a: Value) -> str:
    """What a measurement looks like for this bound: ``≥266米`` -> ``实测值（如 271米）``."""
    if a.number is None:
        return "实测值"
    up = a.op in (">=", ">")
    if a.kind == Kind.PERCENT:
        pct = float(a.number) * 100
        pct = min(pct + 2.5, 100.0) if up else max(pct - 0.5, 0.0)
        return f"实测值（如 {pct:g}%）"
    unit = a.printed_unit or a.unit
    n = float(a.number) / (10000.0 if a.kind == Kind.AMOUNT and "万" in unit else 1.0)
    if n.is_integer() and a.kind in (Kind.QUANTITY, Kind.NUMBER):
        n = max(round(n * 1.02), n + 1) if up else max(n - 1, 0.0)
    else:
        n = n * 1.02 if up else n * 0.98
    shown = f"{n:.0f}" if abs(n) >= 10 else f"{n:.2f}".rstrip("0").rstrip(".")
    return f"实测值（如 {shown}{unit}）"


@rule("S210", "bound-repeated", "warning", "实际完成值重复了目标界限")
def check_bound_repeated(form: FormS, ctx: RuleContext) -> None:
    """An actual must be a measurement, not a bound.

    ``≥90%`` in 实际完成值 only repeats the target; the reviewer cannot tell what
    was achieved nor recompute the score.
    """
    for ind in form.indicators:
        a = value_of(ind.actual)
        if a is None or a.op not in (">=", ">", "<=", "<"):
            continue
        same = norm(ind.actual.text) == norm(ind.target.text)
        ctx.report(
            ind.actual,
            f"指标{label(ind)}实际完成值“{ind.actual.text}”是界限而非实测值"
            + ("，与年度指标值相同" if same else f"（年度指标值“{ind.target.text}”）")
            + "：应填写实际达到的数值",
            expected=_measured_example(a),
            actual=ind.actual.text,
            related=[ind.target],
        )


@rule("S211", "level1-weights", "warning", "一级指标分值合计与规定不符", scored_only=True)
def check_level1_weights(form: FormS, ctx: RuleContext) -> None:
    """The weights under each 一级指标 must add up to its fixed or printed weight.

    Families with fixed 一级 weights (``level1_weights``, e.g. 产出指标 50,
    效益指标 30, 满意度指标 10) expect every form to keep them: another split is a
    warning. When the form prints the weight in the 一级 label
    (``产出指标(50分)``), the indicators under it must add up to that number:
    a difference is an error.
    """
    groups: dict[str, list[Indicator]] = {}
    for ind in form.indicators:
        if ind.level1 is None or num(ind.weight) is None:
            continue
        groups.setdefault(level1_key(field_text(ind.level1)), []).append(ind)
    fixed = {level1_key(k): float(v) for k, v in (ctx.params.level1_weights or {}).items()}
    stated = {level1_key(k): w for k, w in form.stated_level1_weights.items()}
    fixed.update(stated)  # the form's own note (一级指标分值统一设置为…) wins over the family
    rule_of = {k: ("表注规定" if k in stated else "本版式规定") for k in fixed}
    printed = {level1_key(k): f for k, f in form.level1_weights.items() if num(f) is not None}
    units = ctx.settings.rounding_units
    for key in dict.fromkeys([*printed, *fixed]):
        inds = groups.get(key, [])
        if any(i.weight_source not in ("cell", "name") for i in inds):
            continue  # weights derived from the label itself: nothing to compare
        fields = [i.weight for i in inds if i.weight is not None]
        got = sum(num(f) or 0.0 for f in fields)
        d = max((f.decimals or 0 for f in fields), default=0)
        comp = " + ".join(f.text for f in fields) + f" = {pts(got)}"
        label_field = printed.get(key)
        name = split_weight(key)[0] or (label_field.text if label_field is not None else key)
        if label_field is not None:
            want = num(label_field) or 0.0
            if not inds:
                continue  # an empty block is S506's
            verdict = compare(got, want, max(d, label_field.decimals or 0), units=units)
            if verdict is not Verdict.OK:
                ctx.report(
                    label_field,
                    f"一级指标“{name}”标注 {pts(want)} 分，其下各指标分值合计为 {comp}：两者应相等",
                    expected=pts(got),
                    actual=pts(want),
                    computation=comp,
                    severity="error",
                    related=fields,
                )
            elif key in fixed and abs(want - fixed[key]) > 1e-9:
                ctx.report(
                    label_field,
                    f"一级指标“{name}”标注 {pts(want)} 分，{rule_of[key]}为 {pts(fixed[key])} 分",
                    expected=pts(fixed[key]),
                    actual=pts(want),
                )
            continue
        if key not in fixed or not inds:
            continue  # a missing block is a completeness matter
        if compare(got, fixed[key], d, units=units) is Verdict.OK:
            continue
        ctx.report(
            at(*(i.level1 for i in inds)),
            f"一级指标“{name}”下各指标分值合计为 {comp}，{rule_of[key]}为 {pts(fixed[key])} 分",
            expected=pts(fixed[key]),
            actual=pts(got),
            computation=comp,
            related=fields,
        )


@rule("S212", "met-target-deducted", "error", "目标已达成却扣分", scored_only=True)
def check_met_target_deducted(form: FormS, ctx: RuleContext) -> None:
    """A target that is met earns full marks: a deduction there is an error.

    When the comparison holds (``≥90%`` against ``95%``), the qualitative actual
    equals the target (``及时`` / ``及时``) or the date was kept, the score is the
    weight, whatever the 偏差原因 says: either full marks were due, or the
    actual should record the shortfall.  Common real practices that are still
    errors: a flat 10 % off every met target, or the score computed as weight ×
    achieved percentage although the target is met (target 98 %, actual 98 %,
    20 × 98 % = 19.6).  The only discretionary deduction is for an
    over-achievement (actual beyond ``over_achievement_ratio`` × target): it
    needs a reason, which is S206's.
    """
    ratio = ctx.settings.over_achievement_ratio
    for ind in form.indicators:
        res = score_result(ind, ctx)
        if res is None or res.met is not True or res.expected is None or ind.score is None:
            continue
        if not deducted(ind, ctx) or ind.weight is None:
            continue
        t, a = target_of(ind), value_of(ind.actual)
        if t is not None and a is not None and over_limit(t, a, ratio) is not None:
            continue  # a discretionary deduction for over-achievement: S206
        if res.above_range:
            continue
        ctx.report(
            ind.score,
            f"指标{label(ind)}实际完成值“{ind.actual.text}”已达到年度指标值“{_target_text(ind, t)}”，"
            f"应得满分 {ind.weight.text}，表中为 {ind.score.text}：目标已达成不应扣分，"
            "如确有差距应在实际完成值中如实填写",
            expected=ind.weight.text,
            actual=ind.score.text,
            computation=res.method,
            related=[f for f in (ind.target, ind.actual, ind.weight) if f is not None],
        )


def _target_text(ind: Indicator, t: Value | None) -> str:
    """The target as the form prints it, or the one it implies (a 预算执行率 item: 100%)."""
    printed = value_of(ind.target)
    if t is not None and (printed is None or printed.kind == Kind.EMPTY):
        return t.text
    return ind.target.text


@rule("S213", "weight-unknown", "note", "指标分值未列出，未核对得分", scored_only=True)
def check_weight_unknown(form: FormS, ctx: RuleContext) -> None:
    """Indicators whose weight the form does not print and the reader could not derive.

    Where there is no 分值 column, a weight comes from the row's own name
    (``(10分)``) or from an equal share of its block's weight, the latter only
    where the form states equal shares or every printed score fits within the
    share.  Otherwise the weight is unknown: no score-versus-weight rule runs on
    those indicators (a guessed weight never raises an error), and this one
    note says so, at the first such indicator's score.
    """
    unknown = [i for i in form.indicators if i.weight_source == "unknown"]
    if not unknown:
        return
    first = unknown[0]
    ctx.report(
        at(first.score, first.name),
        f"表中未列出 {len(unknown)} 项指标的分值，且无法按区块等分推定（如“{short(first.name.text, 16)}”）："
        "这些指标的得分未与分值核对",
        expected="分值",
        actual="未列出",
        sheet=form.sheet,
    )
