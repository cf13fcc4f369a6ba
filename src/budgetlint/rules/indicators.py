"""Form-S rules: indicators (年度绩效指标 rows), codes S201–S211.

Each rule is one function; its docstring is the rule's documentation: what it
checks and why, an anti-pattern (a row as the seeds print it:
三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因) and the best practice.
Scores are recomputed with :func:`budgetlint.scoring.indicator_score` using the
family's parameters (``ctx.params``).
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from budgetlint.model import Field, FormS, Indicator
from budgetlint.rules.base import RuleContext, rule
from budgetlint.scoring import (
    NUMERIC_KINDS,
    ScoreResult,
    achievement_word,
    band_for,
    indicator_score,
    num_text,
)
from budgetlint.text import norm, split_weight
from budgetlint.tolerance import Verdict, compare, decimals_of, fmt
from budgetlint.values import Kind, Value

# --------------------------------------------------------------------------- helpers

#: A reason cell that says nothing (treated as empty).
_EMPTY_REASONS = frozenset({"", "—", "-", "－", "/", "／", "——", "…", "……"})
#: A reason that says there is no deviation.
_NO_DEVIATION = frozenset(
    {"无", "无偏差", "没有偏差", "无差异", "无差距", "不存在偏差", "未发生偏差", "无偏离"}
)
#: Words saying the target was missed.
_MISSED = re.compile(
    r"未能|未完成|没有完成|没能|未按时|未如期|未及时|滞后|延迟|延期|推迟|未达到|未达成|未实现"
)
_PUNCT = re.compile(r"[\s。.，,；;！!、]+")


def _value(f: Field[Any] | None) -> Value | None:
    v = f.value if f is not None else None
    return v if isinstance(v, Value) else None


def _num(f: Field[Any] | None) -> float | None:
    if f is None or f.value is None or isinstance(f.value, bool):
        return None
    try:
        return float(f.value)
    except (TypeError, ValueError):
        return None


def _dec(f: Field[Any]) -> int:
    if f.decimals is not None:
        return f.decimals
    x = _num(f)
    return decimals_of(x) if x is not None else 0


def _reason(ind: Indicator) -> str:
    if ind.reason is None or ind.reason.blank:
        return ""
    return ind.reason.text


def _reason_empty(text: str) -> bool:
    return _PUNCT.sub("", text) in _EMPTY_REASONS


def _says_no_deviation(text: str) -> bool:
    return _PUNCT.sub("", text) in _NO_DEVIATION


def _explained(text: str) -> bool:
    """A reason that actually explains something (not empty, not 无偏差)."""
    return not _reason_empty(text) and not _says_no_deviation(text)


def _short(text: str, n: int = 30) -> str:
    return text if len(text) <= n else text[:n] + "…"


def _scored(ind: Indicator) -> tuple[float, float] | None:
    """(weight, score) when the row has both."""
    w, s = _num(ind.weight), _num(ind.score)
    if w is None or s is None:
        return None
    return w, s


def _target(ind: Indicator) -> Value | None:
    """The target, read as an upper bound when the form marks the row 反向 without a comparator."""
    t = _value(ind.target)
    if t is not None and ind.direction and "反向" in ind.direction:
        if t.kind in NUMERIC_KINDS and t.op in (None, "=", "~"):
            return replace(t, op="<=")
    return t


def _result(ind: Indicator, ctx: RuleContext) -> ScoreResult | None:
    t, a, w = _target(ind), _value(ind.actual), _num(ind.weight)
    if t is None or a is None:
        return None
    return indicator_score(
        w if w is not None else 0.0, t, a, upper_bound_formula=ctx.params.upper_bound_formula
    )


def _deducted(ind: Indicator, ctx: RuleContext) -> bool:
    """得分 below 分值 by more than rounding."""
    ws = _scored(ind)
    if ws is None or ind.score is None:
        return False
    w, s = ws
    return s < w and compare(s, w, _dec(ind.score), units=ctx.settings.rounding_units) != Verdict.OK


def _full_marks(ind: Indicator, ctx: RuleContext) -> bool:
    ws = _scored(ind)
    if ws is None or ind.score is None:
        return False
    w, s = ws
    return w > 0 and (
        s >= w or compare(s, w, _dec(ind.score), units=ctx.settings.rounding_units) == Verdict.OK
    )


def _label(ind: Indicator) -> str:
    return f"“{_short(ind.name.text, 24)}”"


def _at(*fields: Field[Any] | None) -> Field[Any] | None:
    """The first field that has a cell."""
    for f in fields:
        if f is not None and f.ref is not None:
            return f
    return next((f for f in fields if f is not None), None)


def _ftext(f: Field[Any]) -> str:
    """A label field's normalised value (the reader stores 产出指标 for 产出指标(50分))."""
    return f.value if isinstance(f.value, str) and f.value else f.text


def _is_cost(ind: Indicator) -> bool:
    return any(
        f is not None and norm(_ftext(f)).startswith("成本指标") for f in (ind.level1, ind.level2)
    )


def _level1_key(text: str) -> str:
    return norm(split_weight(text)[0])


# --------------------------------------------------------------------------- rules


@rule("S201", "score-range", "error", "得分超出 0 至分值范围", scored_only=True)
def score_range(form: FormS, ctx: RuleContext) -> None:
    """An indicator's 得分 must lie between 0 and its 分值.

    A score above the weight or below zero is impossible under every scoring
    rule of the form; it is a typing error or a score entered in the wrong row.

    **Anti-pattern**

    | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 |
    | --- | --- | --- | --- | --- |
    | 采购服务量 | =3 项 | 3 项 | 10.0 | 12.0 |

    **Best practice**

    | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 |
    | --- | --- | --- | --- | --- |
    | 采购服务量 | =3 项 | 3 项 | 10.0 | 10.0 |
    """
    for ind in form.indicators:
        ws = _scored(ind)
        if ws is None or ind.score is None:
            continue
        w, s = ws
        d = _dec(ind.score)
        if s < 0 and compare(s, 0.0, d) != Verdict.OK:
            ctx.report(
                ind.score,
                f"指标{_label(ind)}得分为负数：应在 0 至 {fmt(w, 1)} 之间，实际为 {ind.score.text}",
                expected=f"0–{fmt(w, 1)}",
                actual=ind.score.text,
            )
        elif s > w and compare(s, w, d) != Verdict.OK:
            ctx.report(
                ind.score,
                f"指标{_label(ind)}得分超过分值：应不超过 {fmt(w, 1)}，实际为 {ind.score.text}",
                expected=f"≤{fmt(w, 1)}",
                actual=ind.score.text,
                related=[ind.weight] if ind.weight else (),
            )


@rule("S202", "score-recomputed", "error", "得分与按指标值重算的结果不符", scored_only=True)
def score_recomputed(form: FormS, ctx: RuleContext) -> None:
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

    **Anti-pattern**

    | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 |
    | --- | --- | --- | --- | --- |
    | 社会组织宣传短视频新闻 | 30 期 | 24 期 | 10.0 | 9.0 |

    (24 ÷ 30 × 10 = 8.00, not 9.0.)

    **Best practice**

    | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 |
    | --- | --- | --- | --- | --- |
    | 社会组织宣传短视频新闻 | 30 期 | 24 期 | 10.0 | 8.0 |
    | 接待人次 | 约120人 | 53人 | 10.0 | 4.42 |
    """
    for ind in form.indicators:
        ws = _scored(ind)
        res = _result(ind, ctx)
        if ws is None or ind.score is None or res is None or res.expected is None:
            continue
        w, s = ws
        d = _dec(ind.score)
        if (s < 0 or s > w) and compare(s, min(max(s, 0.0), w), d) != Verdict.OK:
            continue  # S201
        verdict = compare(s, res.expected, d, units=ctx.settings.rounding_units)
        if verdict == Verdict.OK:
            continue
        if verdict == Verdict.WRONG and s < res.expected and res.met is True:
            continue  # a discretionary deduction on a reached target: S204/S205/S206
        shown = fmt(res.expected, max(d, 2))
        if verdict == Verdict.ROUNDING:
            ctx.report(
                ind.score,
                f"指标{_label(ind)}得分与重算值有舍入差异：重算为 {shown}（{res.method}），"
                f"填写为 {ind.score.text}",
                expected=shown,
                actual=ind.score.text,
                computation=res.method,
                severity="note",
            )
        else:
            ctx.report(
                ind.score,
                f"指标{_label(ind)}得分与按指标值重算的结果不符：应为 {shown}（{res.method}），"
                f"实际填写 {ind.score.text}",
                expected=shown,
                actual=ind.score.text,
                computation=res.method,
                related=[f for f in (ind.target, ind.actual, ind.weight) if f is not None],
            )


@rule(
    "S203", "strict-bound-equality", "warning", "严格界限目标仅达到界值却得满分", scored_only=True
)
def strict_bound_equality(form: FormS, ctx: RuleContext) -> None:
    """A strict target ``>X`` / ``<X`` is not met by an actual equal to X.

    ``>90%`` means "more than 90 %": an actual of exactly 90 % misses it, so
    full marks are not justified (FORMS: "full marks there is a warning"). The
    department either meant ``≥90%`` (fix the target) or must deduct and give a
    reason. This rule owns the case: S202 does not also report it.

    **Anti-pattern**

    | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 |
    | --- | --- | --- | --- | --- |
    | 项目实施的满意度 | >90% | 90% | 20.0 | 20.0 |

    **Best practice**

    | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因 |
    | --- | --- | --- | --- | --- | --- |
    | 项目实施的满意度 | ≥90% | 90% | 20.0 | 20.0 | 无偏差 |
    """
    for ind in form.indicators:
        res = _result(ind, ctx)
        if res is None or not res.strict_equality or not _full_marks(ind, ctx):
            continue
        assert ind.score is not None and ind.weight is not None
        ctx.report(
            ind.score,
            f"指标{_label(ind)}目标值“{ind.target.text}”为严格界限，实际完成值“{ind.actual.text}”"
            f"恰等于界值，未达到目标，却给了满分：应低于 {ind.weight.text}，"
            f"实际得分 {ind.score.text}",
            expected=f"<{ind.weight.text}",
            actual=ind.score.text,
            computation=res.method,
            related=[ind.target, ind.actual],
        )


@rule("S204", "reason-missing", "warning", "扣分或未达成但缺少偏差原因")
def reason_missing(form: FormS, ctx: RuleContext) -> None:
    """A deduction or a missed target needs a 偏差原因分析及改进措施.

    When 得分 < 分值 or the target is missed, the department must say why and
    what it will do; an empty cell, or ``无偏差`` next to a deduction, leaves the
    reviewer without an explanation. A deduction on a reached target (an
    over-achievement the department chose to mark down) needs a reason too.
    For families without scores only the missed target is checked. A strict
    bound met only with equality and given full marks is left to S203, an
    over-achievement (actual far above target) to S206.

    **Anti-pattern**

    | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因 |
    | --- | --- | --- | --- | --- | --- |
    | 费用支出按明细列支 | 100% | 由于疫情影响，项目终止开展。 | 5.0 | 0.0 | |
    | 采购服务量 | =3 项 | 2 项 | 10.0 | 6.67 | 无偏差 |

    **Best practice**

    | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因 |
    | --- | --- | --- | --- | --- | --- |
    | 接待人次 | 约120人 | 53人 | 10.0 | 4.42 | 因疫情影响，2021年来我局调研单位减少。 |
    """
    for ind in form.indicators:
        res = _result(ind, ctx)
        met = res.met if res is not None else None
        deducted = _deducted(ind, ctx)
        if res is not None and res.strict_equality and _full_marks(ind, ctx):
            continue  # S203
        missed = met is False
        if not (deducted or missed):
            continue
        t, a = _target(ind), _value(ind.actual)
        if t is not None and a is not None and met is not False:
            if _over_limit(t, a, ctx.settings.over_achievement_ratio) is not None:
                continue  # an unexplained over-achievement: S206
        text = _reason(ind)
        at = _at(ind.reason, ind.score, ind.actual)
        if deducted:
            assert ind.score is not None and ind.weight is not None
            what = f"得分 {ind.score.text} 低于分值 {ind.weight.text}"
            if met is True:
                what += "（目标已达成却扣分）"
        else:
            what = f"实际完成值“{ind.actual.text}”未达到年度指标值“{ind.target.text}”"
        if _reason_empty(text):
            ctx.report(
                at,
                f"指标{_label(ind)}{what}，但偏差原因分析为空：应说明偏差原因及改进措施",
                expected="偏差原因及改进措施",
                actual="（空）",
                related=[f for f in (ind.score, ind.actual) if f is not None],
            )
        elif deducted and _says_no_deviation(text):
            ctx.report(
                at,
                f"指标{_label(ind)}{what}，偏差原因却填“{text}”，与扣分矛盾：应说明扣分原因",
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
def reason_contradicts(form: FormS, ctx: RuleContext) -> None:
    """A reason saying the target was missed, on a row whose actual equals the target.

    If the actual is the target (``及时`` / ``及时``, ``3 项`` / ``3 项``) the target
    was reached; a deduction explained by "未能在年度内完成" contradicts the
    actual. Either the actual is wrong (it should say what was really achieved)
    or the deduction is. Reported at the 得分 cell, with the reason cell related.

    **Anti-pattern**

    | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因 |
    | --- | --- | --- | --- | --- | --- |
    | 宣传材料投放及时性 | 及时 | 及时 | 5.0 | 2.5 | 因疫情影响，…未能在年度内完成。 |

    **Best practice**

    | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因 |
    | --- | --- | --- | --- | --- | --- |
    | 宣传材料投放及时性 | 及时 | 部分延迟 | 5.0 | 2.5 | 因疫情，6 期延至次年 4 月播出。 |
    """
    for ind in form.indicators:
        t, a = _value(ind.target), _value(ind.actual)
        if t is None or a is None or not _equal_to_target(t, a) or not _deducted(ind, ctx):
            continue
        text = _reason(ind)
        m = _MISSED.search(text)
        if not m:
            continue
        assert ind.score is not None and ind.weight is not None
        where = f"（{ind.reason.cell}）" if ind.reason is not None and ind.reason.cell else ""
        ctx.report(
            ind.score,
            f"指标{_label(ind)}实际完成值“{ind.actual.text}”与年度指标值“{ind.target.text}”一致，"
            f"得分 {ind.score.text} 却低于分值 {ind.weight.text}，"
            f"偏差原因{where}称“{_short(text, 40)}”（“{m.group(0)}”），与完成值矛盾："
            f"应得 {ind.weight.text} 或更正实际完成值",
            expected=ind.weight.text,
            actual=ind.score.text,
            related=[f for f in (ind.reason, ind.actual, ind.target) if f is not None],
        )


def _over_limit(t: Value, a: Value, ratio: float) -> tuple[float, str] | None:
    """(limit, description) when ``a`` is an over-achievement of ``t``, else None."""
    if a.op not in (None, "=", "~") or a.number is None or a.kind not in NUMERIC_KINDS:
        return None
    an = float(a.number)
    if t.kind == Kind.RANGE:
        if t.upper is None:
            return None
        hi = float(t.upper)
        if (t.unit == "%") != (a.kind == Kind.PERCENT):
            return None
        above = an > hi + 1e-9 * max(1.0, abs(hi)) or (t.upper_op == "<" and an >= hi)
        return (hi, f"高于年度指标值区间“{t.text}”的上限") if above else None
    if t.kind not in NUMERIC_KINDS or t.number is None or t.op not in (None, "=", "~", ">=", ">"):
        return None
    if (t.kind == Kind.PERCENT) != (a.kind == Kind.PERCENT):
        return None
    tn = float(t.number)
    if tn <= 0:
        return None
    if t.kind == Kind.PERCENT and an <= 1.0 + 1e-9:
        return None  # a share that reached 100 % is saturation, not a badly set target
    limit = ratio * tn
    if an > limit + 1e-9 * max(1.0, limit):
        return limit, (
            f"超过年度指标值“{t.text}”的 {num_text(ratio)} 倍（达 {an / tn * 100:.2f}%）"
        )
    return None


@rule("S206", "over-achievement", "warning", "大幅超额完成但未说明原因")
def over_achievement(form: FormS, ctx: RuleContext) -> None:
    """An actual far above its target needs an explanation.

    An actual above ``over_achievement_ratio`` × target (1.2 by default) for a
    quantity or lower-bound target, or above a range's upper bound, shows a
    target set badly; departments may deduct at their discretion, but they must
    explain it in 偏差原因. No finding when a reason is given. Percentages up to
    100 % are not counted (a rate that reached 100 % against ``≥80%`` is
    saturation, not a badly set target).

    **Anti-pattern**

    | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因 |
    | --- | --- | --- | --- | --- | --- |
    | 编印社会组织示范点展示宣传资料 | 3000 份 | 4400 份 | 3.0 | 3.0 | 无偏差 |

    **Best practice**

    | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因 |
    | --- | --- | --- | --- | --- | --- |
    | 编印社会组织示范点展示宣传资料 | 3000 份 | 4400 份 | 3.0 | 2.5 | 参访人员增加，… |
    """
    for ind in form.indicators:
        t, a = _target(ind), _value(ind.actual)
        if t is None or a is None:
            continue
        over = _over_limit(t, a, ctx.settings.over_achievement_ratio)
        if over is None:
            continue
        text = _reason(ind)
        if _explained(text):
            continue
        limit, how = over
        k = t.kind if t.kind != Kind.RANGE else a.kind
        unit = f" {t.unit}" if t.unit and t.unit != "%" else ""
        ctx.report(
            ind.actual,
            f"指标{_label(ind)}实际完成值“{ind.actual.text}”{how}，"
            f"偏差原因未说明（{text or '空'}）：应说明超额原因并改进目标设定",
            expected=f"≤{num_text(limit, k)}{unit}",
            actual=ind.actual.text,
            related=[f for f in (ind.target, ind.reason) if f is not None],
        )


@rule("S207", "none-target-weight", "error", "不适用指标（无）却有分值", scored_only=True)
def none_target_weight(form: FormS, ctx: RuleContext) -> None:
    """A target of ``无`` / ``不适用`` means the indicator does not apply: 分值 must be 0.

    Points assigned to an indicator without a target are points nobody can earn
    or lose by performance; the weights of the applicable indicators must carry
    the total instead.

    **Anti-pattern**

    | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 |
    | --- | --- | --- | --- | --- | --- |
    | 生态效益指标 | 无 | 无 | 无 | 5.0 | 5.0 |

    **Best practice**

    | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 |
    | --- | --- | --- | --- | --- | --- |
    | 生态效益指标 | 无 | 无 | 无 | 0.0 | 0.0 |
    """
    for ind in form.indicators:
        t = _value(ind.target)
        w = _num(ind.weight)
        if t is None or t.kind != Kind.NONE or w is None or ind.weight is None:
            continue
        if w > 0 and compare(w, 0.0, _dec(ind.weight)) != Verdict.OK:
            ctx.report(
                ind.weight,
                f"指标{_label(ind)}年度指标值为“{ind.target.text}”（不适用），分值应为 0，实际为 "
                f"{ind.weight.text}",
                expected="0",
                actual=ind.weight.text,
                related=[ind.target],
            )


@rule("S208", "cost-vs-fund", "warning", "成本指标金额与资金执行情况不符")
def cost_vs_fund(form: FormS, ctx: RuleContext) -> None:
    """成本指标 amounts should agree with the fund block.

    A cost indicator stated in money (``<98.7 万元``) is the project's budget:
    its target should be 全年预算数 and its actual 全年执行数 of 年度资金总额,
    within ``cost_tolerance`` (relative, 1 % by default). A cost target far from
    the budget means one of the two was copied from another year or project.

    Only whole-project costs are compared: an amount under half or over twice
    the fund figure is a unit or component cost (每公里年均养护成本 ≤0.5万元,
    生均资助成本 ≤1000元, “三公”经费控制数 in a 部门整体 form) and is left alone.

    **Anti-pattern**

    | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | (全年预算数 | 全年执行数) |
    | --- | --- | --- | --- | --- | --- |
    | 成本指标 | 公务接待经费支出数 | <4万元 | 0.98万元 | 31400.00 | 9865.00 |

    **Best practice**

    | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | (全年预算数 | 全年执行数) |
    | --- | --- | --- | --- | --- | --- |
    | 成本指标 | 经费控制 | <98.7 万元 | 96.92 万元 | 987000.00 | 969188.11 |
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
        if not _is_cost(ind):
            continue
        for what, fund_label, attr, fund_field in pairs:
            f: Field[Any] = getattr(ind, attr)
            v = _value(f)
            ref = _num(fund_field)
            if v is None or v.kind != Kind.AMOUNT or v.number is None or not ref:
                continue
            amount = float(v.number)
            if not 0.5 <= amount / ref <= 2.0:
                continue  # a unit or component cost, not the project's total
            gap = abs(amount - ref) / abs(ref)
            if gap <= tol + 1e-9:
                continue
            ctx.report(
                f,
                f"成本指标{_label(ind)}{what}“{f.text}”折合 {fmt(amount)} 元，与资金表{fund_label} "
                f"{fmt(ref)} 元相差 {gap * 100:.2f}%（允许 {tol * 100:g}%）：应约为 {fmt(ref)} 元",
                expected=fmt(ref),
                actual=fmt(amount),
                computation=f"|{fmt(amount)} − {fmt(ref)}| ÷ {fmt(ref)} = {gap * 100:.2f}%",
                related=[fund_field] if fund_field is not None else (),
            )


@rule("S209", "qualitative-band", "warning", "定性指标得分不在其达成档次范围内", scored_only=True)
def qualitative_band(form: FormS, ctx: RuleContext) -> None:
    """A 达成 / 部分达成 / 未达成 actual earns a share of the weight within its band.

    The family's ``qualitative_bands`` fixes the bands (80-50: 达成 80–100 %,
    部分达成 50–80 %, 未达成 0–50 %; 80-60: 80–100 / 60–80 / 0–60). A score
    outside the band its own actual states contradicts the actual.

    **Anti-pattern** (bands 80-60)

    | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 |
    | --- | --- | --- | --- | --- |
    | 制度健全性 | 健全 | 部分达成预期指标 | 10 | 5.5 |

    **Best practice**

    | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 |
    | --- | --- | --- | --- | --- |
    | 制度健全性 | 健全 | 部分达成预期指标 | 10 | 7 |
    """
    bands = ctx.params.bands
    for ind in form.indicators:
        a = _value(ind.actual)
        ws = _scored(ind)
        if a is None or a.kind != Kind.ACHIEVEMENT or ws is None or ind.score is None:
            continue
        w, s = ws
        band = band_for(a.word or a.text, bands)
        if band is None or w <= 0:
            continue
        lo, hi = band
        half = ctx.settings.rounding_units * 10.0 ** (-_dec(ind.score)) + 1e-9
        if lo * w - half <= s <= hi * w + half:
            continue
        word = achievement_word(a.word or a.text)
        ctx.report(
            ind.score,
            f"指标{_label(ind)}实际完成值为“{word}”，得分应在分值的 {lo * 100:g}%–{hi * 100:g}% "
            f"之间（{fmt(lo * w)}–{fmt(hi * w)}），实际得分 {ind.score.text}（{s / w * 100:.2f}%）",
            expected=f"{fmt(lo * w)}–{fmt(hi * w)}",
            actual=ind.score.text,
            computation=f"{ind.score.text} ÷ {num_text(w)} = {s / w * 100:.2f}%",
        )


@rule("S210", "bound-repeated", "warning", "实际完成值重复了目标界限")
def bound_repeated(form: FormS, ctx: RuleContext) -> None:
    """An actual must be a measurement, not a bound.

    ``≥90%`` in 实际完成值 only repeats the target; the reviewer cannot tell what
    was achieved nor recompute the score.

    **Anti-pattern**

    | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 |
    | --- | --- | --- | --- | --- |
    | 党组织书记满意度 | ≥90% | ≥90% | 13.0 | 13.0 |

    **Best practice**

    | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 |
    | --- | --- | --- | --- | --- |
    | 党员满意度 | ≥90% | 92.5% | 13.0 | 13.0 |
    """
    for ind in form.indicators:
        a = _value(ind.actual)
        if a is None or a.op not in (">=", ">", "<=", "<"):
            continue
        same = norm(ind.actual.text) == norm(ind.target.text)
        ctx.report(
            ind.actual,
            f"指标{_label(ind)}实际完成值“{ind.actual.text}”是界限而非实测值"
            + ("，与年度指标值相同" if same else f"（年度指标值“{ind.target.text}”）")
            + "：应填写实际达到的数值",
            expected="实测值（如 92.5%）",
            actual=ind.actual.text,
            related=[ind.target],
        )


@rule("S211", "level1-weights", "warning", "一级指标分值合计与规定不符", scored_only=True)
def level1_weights(form: FormS, ctx: RuleContext) -> None:
    """The weights under each 一级指标 must add up to its fixed or printed weight.

    Families with fixed 一级 weights (``level1_weights``, e.g. 产出指标 50,
    效益指标 30, 满意度指标 10) expect every form to keep them: another split is a
    warning. When the form prints the weight in the 一级 label
    (``产出指标(50分)``), the indicators under it must add up to that number:
    a difference is an error.

    **Anti-pattern**

    | 一级指标 | 三级指标 | 分值 |
    | --- | --- | --- |
    | 产出指标(50分) | 采购服务量 | 30 |
    | | 宣传材料验收合格率 | 30 |

    **Best practice**

    | 一级指标 | 三级指标 | 分值 |
    | --- | --- | --- |
    | 产出指标(50分) | 采购服务量 | 25 |
    | | 宣传材料验收合格率 | 25 |
    """
    groups: dict[str, list[Indicator]] = {}
    for ind in form.indicators:
        if ind.level1 is None or _num(ind.weight) is None:
            continue
        groups.setdefault(_level1_key(_ftext(ind.level1)), []).append(ind)

    def total(inds: list[Indicator]) -> tuple[float, int]:
        ws = [_num(i.weight) or 0.0 for i in inds]
        return sum(ws), max((_dec(i.weight) for i in inds if i.weight is not None), default=0)

    fixed: dict[str, float] = ctx.params.level1_weights or {}
    for name, want in fixed.items():
        inds = groups.get(_level1_key(name))
        if not inds:
            continue  # a missing block is a completeness matter
        got, d = total(inds)
        if compare(got, float(want), d, terms=len(inds)) == Verdict.OK:
            continue
        first = _at(*(i.level1 for i in inds))
        ctx.report(
            first,
            f"一级指标“{name}”下各指标分值合计为 {fmt(got, max(d, 1))}，"
            f"与规定分值 {fmt(float(want), 1)} 不符",
            expected=fmt(float(want), 1),
            actual=fmt(got, max(d, 1)),
            computation=" + ".join(i.weight.text for i in inds if i.weight is not None)
            + f" = {fmt(got, max(d, 1))}",
            related=[i.weight for i in inds if i.weight is not None],
        )

    for label, field in form.level1_weights.items():
        want_p = _num(field)
        if want_p is None:
            continue
        inds = groups.get(_level1_key(label), [])
        got, d = total(inds)
        verdict = compare(want_p, got, max(d, _dec(field)), terms=max(len(inds), 1))
        if verdict == Verdict.OK:
            continue
        name = split_weight(label)[0]
        ctx.report(
            field,
            f"一级指标“{name}”标注分值 {num_text(want_p)}，其下各指标分值合计为 "
            f"{fmt(got, max(d, 1))}：两者应相等",
            expected=fmt(got, max(d, 1)),
            actual=num_text(want_p),
            computation=" + ".join(i.weight.text for i in inds if i.weight is not None)
            + f" = {fmt(got, max(d, 1))}",
            severity="error" if verdict == Verdict.WRONG else "note",
            related=[i.weight for i in inds if i.weight is not None],
        )
