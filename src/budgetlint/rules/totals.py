"""Form-S rules: weights, the total score and the grade, codes S301–S304.

All of them need scores, so they are ``scored_only``: the checker skips them for
families without 分值/得分/总分 (``no_score``).
"""

from __future__ import annotations

from typing import Any

from budgetlint.model import Field, FormS
from budgetlint.rules.base import RuleContext, rule
from budgetlint.rules.helpers import (
    fund_weight,
    num,
    pts,
    score_result,
    show_like,
    target_not_applicable,
)
from budgetlint.scoring import execution_rate
from budgetlint.scoring import grade as grade_of
from budgetlint.settings import DEFAULT_GRADES, NATIONAL_GRADES
from budgetlint.text import norm, split_weight
from budgetlint.tolerance import EPS, Verdict, compare, decimals_of


def _weights_verdict(
    computed: float, total_points: float, weights: list[Field[Any]], units: float
) -> Verdict:
    """Σ 分值 against 100: exact for typed weights; equal shares printed with decimals
    (26.67 × 3 = 80.01) are rounded terms, each worth half a unit of its last decimal."""
    diff = abs(computed - total_points)
    if diff <= EPS * max(1.0, total_points):
        return Verdict.OK
    band = sum(units * 10.0 ** -(w.decimals or 0) for w in weights if (w.decimals or 0) > 0)
    if diff <= band + EPS * max(1.0, total_points):
        return Verdict.ROUNDING
    return Verdict.WRONG


def _last_weight_cell(form: FormS) -> Field[Any] | None:
    for ind in reversed(form.indicators):
        if ind.weight is not None and ind.weight.ref is not None:
            return ind.weight
    total = form.fund.total if form.fund else None
    return total.weight if total is not None else None


# --------------------------------------------------------------------------- S301


@rule("S301", "weights-sum", "error", "分值合计不等于 100", scored_only=True)
def check_weights_sum(form: FormS, ctx: RuleContext) -> None:
    """Fund weight + Σ indicator 分值 must equal the total (100), and so must the printed 总分 分值.

    The fund weight is the fund row's 分值 cell, else the block label's weight,
    else the family's (10 or 20).  The finding sits on the 总分 row's 分值 cell
    (or, without one, on the last weight cell).  A sum of weights with
    decimals (equal shares such as 33.33) may miss 100 by rounding: a note.

    In families with ``renormalize_na`` an indicator whose target does not apply
    (``无`` / ``不适用``) is left out of the sum whatever weight it prints: the
    remaining weights must have been re-normalised to reach 100 on their own.
    Elsewhere every printed weight counts (a ``无`` row with 分值 0 adds nothing).
    A form without any indicator weight (a blank template) is not checked.
    """
    params = ctx.params
    total_points = float(params.total_weight)
    if any(i.weight_source == "unknown" for i in form.indicators):
        return  # weights the form does not print: S213
    if not any(i.weight_source in ("cell", "name") for i in form.indicators):
        return  # every weight derived from the block labels: their sums are S304's
    fw, _fw_cell, _ = fund_weight(form, ctx)
    weights: list[Field[Any]] = []
    left_out = 0
    for ind in form.indicators:
        if ind.weight is None or num(ind.weight) is None:
            continue
        if params.renormalize_na and target_not_applicable(ind):
            left_out += 1
            continue
        weights.append(ind.weight)
    if not weights and not left_out:
        return  # no indicator weight read at all (a blank template): nothing to add up
    ind_sum = sum(num(w) or 0.0 for w in weights)
    computed = fw + ind_sum
    units = ctx.settings.rounding_units
    comp = f"资金 {pts(fw)} + 指标 {pts(ind_sum)} = {pts(computed)}"
    if left_out:
        comp += f"（已剔除 {left_out} 项不适用指标）"
    where = form.total_weight if form.total_weight is not None else _last_weight_cell(form)
    printed = num(form.total_weight)

    problems: list[str] = []
    worst: Verdict = Verdict.OK
    v_sum = _weights_verdict(computed, total_points, weights, units)
    if v_sum is not Verdict.OK:
        problems.append(f"分值合计应为 {pts(total_points)}，实际为 {comp}")
        worst = v_sum
    if printed is not None and form.total_weight is not None:
        v_printed = _weights_verdict(printed, computed, weights, units)
        if v_printed is not Verdict.OK:
            problems.append(
                f"总分分值填为 {form.total_weight.text}，与各项分值之和 {pts(computed)} 不符"
            )
            if worst is not Verdict.WRONG:
                worst = v_printed
    if not problems:
        return
    ctx.report(
        where,
        "；".join(problems),
        expected=pts(total_points),
        actual=pts(computed),
        computation=comp,
        severity=worst.severity,
        related=[w for w in weights if w.ref is not None],
        sheet=form.sheet,
    )


# --------------------------------------------------------------------------- S302


@rule("S302", "total-score", "error", "总分与各项得分之和不符", scored_only=True)
def check_total_score(form: FormS, ctx: RuleContext) -> None:
    """The 总分 得分 must equal 资金得分 + Σ indicator 得分.

    The sum is compared at the printed total's decimals; a difference of up to
    n half-units (n = number of addends, each of them rounded) is a rounding
    note, anything larger an error.  A blank score adds nothing (S401 reports
    it).
    """
    total_field = form.total_score
    printed = num(total_field)
    if total_field is None or printed is None:
        return
    total = form.fund.total if form.fund else None
    fund_field = total.score if total is not None and num(total.score) is not None else None
    scores = [i.score for i in form.indicators if i.score is not None and num(i.score) is not None]
    terms = [*([fund_field] if fund_field is not None else []), *scores]
    if not terms:
        return
    computed = sum(num(t) or 0.0 for t in terms)
    verdict = ctx.judge_sum(total_field, terms, computed)
    if verdict is Verdict.OK:
        return
    exp_text = show_like(total_field, computed, extra=0 if total_field.decimals else 2)
    detail = " + ".join(t.text for t in terms) + f" = {exp_text}"
    exact = _exact_sum(form, ctx)
    if (
        verdict is Verdict.WRONG
        and exact is not None
        and abs(exact - computed) > EPS
        and ctx.judge(total_field, exact) is Verdict.OK
    ):
        ctx.report(
            total_field,
            f"总分 {total_field.text} 与表中各项得分之和 {exp_text} 不符，只与未舍入的得分之和 "
            f"{exact:.4f} 相符：表中填写的某项得分有误（见该项）",
            expected=exp_text,
            actual=total_field.text,
            computation=detail,
            severity="warning",
        )
        return
    tail = "（舍入差异）" if verdict is Verdict.ROUNDING else ""
    ctx.report(
        total_field,
        f"总分应为各项得分之和 {detail}，表中为 {total_field.text}{tail}",
        expected=exp_text,
        actual=total_field.text,
        computation=detail,
        severity=verdict.severity,
    )


def _exact_sum(form: FormS, ctx: RuleContext) -> float | None:
    """资金得分 + Σ 指标得分 with every computed term unrounded.

    Computed terms are the fund score and proportional indicator scores (a
    target missed by a measurable share); every other score is typed and
    counts as printed.
    """
    total = form.fund.total if form.fund else None
    out = 0.0
    if total is not None and num(total.score) is not None:
        rate = execution_rate(num(total.executed), num(total.budget))
        if rate is None:
            return None
        w = fund_weight(form, ctx)[0]
        out += w * min(max(rate, 0.0), 1.0)
    for ind in form.indicators:
        s = num(ind.score)
        if s is None:
            continue
        res = score_result(ind, ctx)
        proportional = res is not None and res.expected is not None and res.met is False
        out += res.expected if proportional and res is not None and res.expected is not None else s
    return out


# --------------------------------------------------------------------------- S303


def _scales(ctx: RuleContext) -> list[tuple[tuple[float, str], ...]]:
    """The configured scale first, then the default and national names on its bounds."""
    own = tuple(sorted(ctx.settings.grades, key=lambda p: p[0], reverse=True))
    out = [own]
    for alt in (DEFAULT_GRADES, NATIONAL_GRADES):
        if len(alt) == len(own):
            out.append(tuple((low, name) for (low, _), (_, name) in zip(own, alt, strict=True)))
        else:
            out.append(alt)
    return out


def _band_text(scale: tuple[tuple[float, str], ...], name: str) -> str:
    ordered = sorted(scale, key=lambda p: p[0], reverse=True)
    for i, (low, n) in enumerate(ordered):
        if n != name:
            continue
        if i == 0:
            return f"≥ {pts(low)}"
        high = ordered[i - 1][0]
        if i == len(ordered) - 1:
            return f"< {pts(high)}"
        return f"{pts(low)}–{pts(high)}"
    return ""


@rule("S303", "grade", "error", "评价等级与总分不符", scored_only=True)
def check_grade(form: FormS, ctx: RuleContext) -> None:
    """The printed 评价等级 / 自评等级 must be the grade of the 总分 on the configured scale.

    The default scale is 优秀 ≥ 90, 良好 80–90, 合格 60–80, 不合格 < 60
    (setting ``grades``).  A form printing the national names 优 / 良 / 中 / 差
    (or the default names under a national setting) is read on the same
    bounds.  The grade is taken from the printed 总分 (S302 checks the total).
    """
    g = form.grade
    if g is None or g.blank or form.total_score is None:
        return
    score = num(form.total_score)
    if score is None:
        return
    text = norm(g.text)  # 合 格, 優秀 -> 合格, 优秀
    scales = _scales(ctx)
    scale = next((s for s in scales if any(n == text for _, n in s)), None)
    if scale is None:
        expected = ctx.settings.grade_for(score)
        names = "、".join(n for _, n in scales[0])
        ctx.report(
            g,
            f"评价等级“{g.text}”不在等级表（{names}）中；总分 {form.total_score.text} 应为"
            f"“{expected}”（{_band_text(scales[0], expected)}）",
            expected=expected,
            actual=g.text,
            computation=f"总分 {form.total_score.text} → {expected}",
        )
        return
    expected = grade_of(score, scale)
    if expected == text:
        return
    comp = f"总分 {form.total_score.text} → {expected}（{_band_text(scale, expected)}）"
    ctx.report(
        g,
        f"评价等级应为“{expected}”（{comp}），表中为“{g.text}”",
        expected=expected,
        actual=g.text,
        computation=comp,
        related=(form.total_score,),
    )


# --------------------------------------------------------------------------- S304


@rule("S304", "block-weight", "error", "区块标题分值与所含分值之和不符", scored_only=True)
def check_block_weight(form: FormS, ctx: RuleContext) -> None:
    """A weight printed in a block label must equal the weights of the block.

    - ``绩效指标(90分)`` / ``年度绩效目标(80分)``: Σ indicator 分值;
    - ``预算执行情况(10分)``: the fund row's 分值 (or, without one, the family's
      fund weight).

    Weights with decimals (equal shares) may miss by rounding: a note.  The
    一级 labels (``产出指标(50分)``) are S211's.
    """
    units = ctx.settings.rounding_units
    printed_weight = ("cell", "name")

    def check(label: Field[Any], lw: float, what: str, parts: list[tuple[str, float]]) -> None:
        s = sum(w for _, w in parts)
        dec = max([label.decimals or 0, *(decimals_of(w) for _, w in parts)])
        verdict = compare(lw, s, dec, units=units)
        if verdict is Verdict.OK:
            return
        comp = " + ".join(t for t, _ in parts) + (f" = {pts(s)}" if len(parts) > 1 else "")
        ctx.report(
            label,
            f"{what}标明 {pts(lw)} 分，"
            + (
                f"其下只有 {comp} 分"
                if len(parts) == 1
                else f"所含{'各区块' if what != '绩效指标' else '指标'}分值之和为 {comp}"
            ),
            expected=pts(s),
            actual=pts(lw),
            computation=comp,
            severity=verdict.severity,
            sheet=form.sheet,
        )

    groups = form.weight_groups
    for g in groups:
        lw = num(g.weight)
        if lw is None or g.level == "level1":
            continue  # 一级 labels are S211's
        children = [c for c in groups if c.parent is g and num(c.weight) is not None]
        inside = {id(i) for c in children for i in c.members}
        loose = [i for i in g.members if id(i) not in inside and num(i.weight) is not None]
        if any(i.weight_source not in printed_weight for i in loose):
            continue  # weights derived from this very label, or unknown
        parts = [
            (f"{split_weight(norm(c.name))[0]} {pts(num(c.weight) or 0.0)}", num(c.weight) or 0.0)
            for c in children
        ]
        parts += [(i.weight.text, num(i.weight) or 0.0) for i in loose if i.weight is not None]
        if parts:
            check(g.label, lw, split_weight(norm(g.name))[0] or "区块", parts)
    if not groups and form.indicator_block_weight is not None:
        members = [i for i in form.indicators if num(i.weight) is not None]
        lw = num(form.indicator_block_weight)
        if lw is not None and members and all(i.weight_source in printed_weight for i in members):
            parts = [(i.weight.text, num(i.weight) or 0.0) for i in members if i.weight is not None]
            check(form.indicator_block_weight, lw, "绩效指标", parts)

    fund = form.fund
    if fund is not None and fund.weight is not None:
        total = fund.total
        cell = num(total.weight) if total is not None else None
        expected = cell if cell is not None else float(ctx.params.fund_weight)
        source = "分值栏" if cell is not None else "本版式资金分值"
        if abs(float(fund.weight) - expected) > EPS * max(1.0, expected):
            ctx.report(
                fund.header if fund.header is not None else (total.weight if total else None),
                f"资金区块标题分值为 {pts(float(fund.weight))}，{source}为 {pts(expected)}",
                expected=pts(expected),
                actual=pts(float(fund.weight)),
                sheet=form.sheet,
            )
