"""Form-P rules (项目绩效情况自评表), codes P101–P405.

- P1xx: the 资金安排情况 matrix: (5) = (3) − (4); the rates (6)–(8); the column sums.
- P2xx: 资金使用情况: its 合计 row, each row's split, and its total against (4).
- P3xx: the 项目自评价评分表's arithmetic: subtotal and 一级 weights, Σ 一级 = 100 and
  the 25/30/35/10 split, a score within its weight, 总计, 评价等级.
- P4xx: each item's score held to the rule its 评分标准 states in words
  (:mod:`budgetlint.criteria`); a rule contradicting itself, parts that do not add
  up, a rule the parser cannot read (未核对, listed with its text); and the
  项目预算金额 item against the matrix's 预算安排.

Every comparison is at the printed precision (:meth:`RuleContext.judge`,
:meth:`RuleContext.judge_sum`): a difference the printed decimals explain is a
note, never an error.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from budgetlint.model import Field
from budgetlint.model_p import (
    MATRIX_COLUMNS,
    MATRIX_RATES,
    MATRIX_ROWS,
    MATRIX_SUMS,
    FormP,
    ScoreItem,
)
from budgetlint.rules.base import RuleContext, rule
from budgetlint.rules.helpers import num, pts
from budgetlint.tolerance import Verdict
from budgetlint.values import Kind

if TYPE_CHECKING:
    from budgetlint.criteria import Criterion

P = "P"


@lru_cache(maxsize=4096)
def _criterion(text: str) -> Criterion:
    """One parse per distinct 评分标准 text (four rules read each, and forms repeat them).

    The parser (:mod:`budgetlint.criteria`, ~20 ms of patterns to compile) is imported
    on the first form P, not with the rules.
    """
    from budgetlint.criteria import parse_criterion

    return parse_criterion(text)


_AMOUNT_ROWS = ("budget", "invested", "arrived", "spent", "balance")


def _yuan(f: Field[Any], x: float) -> str:
    """An amount as the cell prints it (元 or 万元), e.g. ``3856800`` or ``385.68``."""
    return f.show(x)


def _row_name(key: str) -> str:
    label, line = MATRIX_ROWS[key]
    return f"{label}{line}"


def _col_name(key: str) -> str:
    return MATRIX_COLUMNS[key]


def _report_verdict(
    ctx: RuleContext,
    verdict: Verdict,
    at: Field[Any],
    message: str,
    *,
    expected: str,
    computation: str,
    related: Sequence[Field[Any] | None] = (),
) -> None:
    if verdict is Verdict.OK:
        return
    if verdict is Verdict.ROUNDING:
        message += "（在打印精度的舍入范围内）"
    ctx.report(
        at,
        message,
        expected=expected,
        actual=at.text,
        computation=computation,
        severity=verdict.severity if verdict is Verdict.ROUNDING else None,
        related=related,
    )


# --------------------------------------------------------------------------- P1xx matrix


@rule("P101", "matrix-balance", "error", "资金结余不等于到位减支出", form=P)
def check_matrix_balance(form: FormP, ctx: RuleContext) -> None:
    """资金结余 (5) must equal 资金到位 (3) − 实际支出 (4), in every column of the matrix.

    The form prints the formula in the row's 行次, ``(5) = (3) - (4)``; a balance
    typed by hand often keeps last year's figure or the budget's.
    """
    m = form.matrix
    if m is None:
        return
    for col in MATRIX_COLUMNS:
        bal, arr, spent = m.cell("balance", col), m.cell("arrived", col), m.cell("spent", col)
        b, a, s = num(bal), num(arr), num(spent)
        if bal is None or b is None or a is None or s is None or arr is None or spent is None:
            continue
        exp = a - s
        _report_verdict(
            ctx,
            ctx.judge(bal, exp),
            bal,
            f"{_col_name(col)}的资金结余应为 {_yuan(bal, exp)}，实际填 {bal.text}",
            expected=_yuan(bal, exp),
            computation=f"(3) {arr.text} − (4) {spent.text} = {_yuan(bal, exp)}",
            related=[arr, spent],
        )


@rule("P102", "matrix-rate", "error", "资金安排情况的比率算错", form=P)
def check_matrix_rates(form: FormP, ctx: RuleContext) -> None:
    """预算执行率 (6) = (4)/(1), 资金到位率 (7) = (3)/(1), 资金实际支出率 (8) = (4)/(3).

    In percent at the printed precision (``100`` for 100 %, ``54.37`` for 54.37 %).
    A column with nothing in it (0/0) prints 0, the form's convention; a rate
    over a zero denominator with money in the numerator cannot be a number.
    """
    m = form.matrix
    if m is None:
        return
    for key, (top, bottom) in MATRIX_RATES.items():
        for col in MATRIX_COLUMNS:
            rate, n, d = m.cell(key, col), m.cell(top, col), m.cell(bottom, col)
            r, a, b = num(rate), num(n), num(d)
            if rate is None or r is None or a is None or b is None or n is None or d is None:
                continue
            what = f"{_col_name(col)}的{MATRIX_ROWS[key][0]}"
            if b == 0:
                if a == 0:
                    exp = 0.0
                    comp = f"{n.text} ÷ {d.text}：无资金，按表的惯例为 0"
                else:
                    ctx.report(
                        rate,
                        f"{what}无法计算：分母{_row_name(bottom)}为 0 而分子{_row_name(top)}为 {n.text}",
                        expected="—",
                        actual=rate.text,
                        computation=f"{n.text} ÷ 0",
                        related=[n, d],
                    )
                    continue
            else:
                exp = a / b
                comp = (
                    f"{_row_name(top)} {n.text} ÷ {_row_name(bottom)} {d.text} = {exp * 100:.4f}%"
                )
            shown = rate.show(exp)
            _report_verdict(
                ctx,
                ctx.judge(rate, exp),
                rate,
                f"{what}应为 {shown}，实际填 {rate.text}",
                expected=shown,
                computation=comp,
                related=[n, d],
            )


@rule("P103", "matrix-columns", "error", "资金来源小计与明细不符", form=P)
def check_matrix_columns(form: FormP, ctx: RuleContext) -> None:
    """In each amount row (1)–(5): 合计 = 财政资金小计 + 其他资金小计;
    财政资金小计 = 中央级 + 省级 + 市级 + 区县转移; 其他资金小计 = 单位自有 + 银行贷款等 + 社会资本.

    A blank part counts as 0; a row whose parts are all blank is not checked.
    """
    m = form.matrix
    if m is None:
        return
    for key in _AMOUNT_ROWS:
        row = m.rows.get(key)
        if row is None:
            continue
        for whole, parts in MATRIX_SUMS.items():
            total = row.cells.get(whole)
            terms = [row.cells[p] for p in parts if p in row.cells]
            if total is None or num(total) is None or not any(num(t) is not None for t in terms):
                continue
            exp = sum(num(t) or 0.0 for t in terms)
            comp = " + ".join(
                f"{_col_name(p)} {row.cells[p].text or '0'}" for p in parts if p in row.cells
            )
            _report_verdict(
                ctx,
                ctx.judge_sum(total, terms, exp),
                total,
                f"{_row_name(key)}的{_col_name(whole)}应为 {_yuan(total, exp)}，实际填 {total.text}",
                expected=_yuan(total, exp),
                computation=f"{comp} = {_yuan(total, exp)}",
                related=terms,
            )


# --------------------------------------------------------------------------- P2xx use


@rule("P201", "use-total", "error", "资金使用情况合计不等于各项之和", form=P)
def check_use_total(form: FormP, ctx: RuleContext) -> None:
    """The 合计 row of 资金使用情况 equals the sum of its item rows, in each column.

    A blank item cell counts as 0; a column no item fills is not checked.
    """
    use = form.use
    if use is None or use.total is None or not use.items:
        return
    total = use.total
    for attr, name in (
        ("total", "实际支出数合计"),
        ("fiscal", "财政资金支出数"),
        ("other", "其他资金支出数"),
        ("earmarked", "财政资金专款专用数"),
    ):
        terms = [getattr(r, attr) for r in use.items]
        _sum_of(ctx, getattr(total, attr), terms, f"资金使用情况合计行的{name}应为各项之和")


@rule("P202", "use-split", "error", "实际支出数不等于财政与其他之和", form=P)
def check_use_split(form: FormP, ctx: RuleContext) -> None:
    """In each row of 资金使用情况: 合计 = 财政资金支出数 + 其他资金支出数 (a blank part is 0)."""
    use = form.use
    if use is None:
        return
    for r in use.rows:
        _sum_of(ctx, r.total, [r.fiscal, r.other], f"“{r.label.text}”的实际支出数合计应为")


def _sum_of(
    ctx: RuleContext,
    total: Field[Any] | None,
    parts: Sequence[Field[Any] | None],
    what: str,
    show: Callable[[Field[Any], float], str] = _yuan,
) -> None:
    """``total`` against the sum of ``parts`` (a blank part is 0; nothing to add: not checked).

    ``show`` prints the sum (an amount as the total's cell prints it, by default).
    """
    terms = [x for x in parts if x is not None]
    if total is None or num(total) is None or not any(num(x) is not None for x in terms):
        return
    exp = sum(num(x) or 0.0 for x in terms)
    _report_verdict(
        ctx,
        ctx.judge_sum(total, terms, exp),
        total,
        f"{what} {show(total, exp)}，实际填 {total.text}",
        expected=show(total, exp),
        computation=" + ".join(x.text or "0" for x in terms) + f" = {show(total, exp)}",
        related=terms,
    )


def _points(_: Field[Any], x: float) -> str:
    return pts(x)


@rule("P203", "use-vs-spent", "error", "资金使用合计与实际支出不符", form=P)
def check_use_vs_spent(form: FormP, ctx: RuleContext) -> None:
    """资金使用情况's 合计 equals the matrix's 实际支出 (4) 合计: the same money, told twice."""
    use, m = form.use, form.matrix
    if use is None or m is None or use.total is None:
        return
    t, spent = use.total.total, m.cell("spent")
    if t is None or spent is None or num(t) is None or num(spent) is None:
        return
    exp = num(spent) or 0.0
    _report_verdict(
        ctx,
        ctx.judge(t, exp),
        t,
        f"资金使用情况合计 {t.text} 与资金安排情况的实际支出(4) {spent.text} 不符",
        expected=_yuan(t, exp),
        computation=f"实际支出(4) 合计 = {spent.text}",
        related=[spent],
    )


# --------------------------------------------------------------------------- P3xx scorecard


def _sum_terms(fields: Sequence[Field[Any] | None]) -> tuple[list[Field[Any]], float]:
    terms = [f for f in fields if f is not None and num(f) is not None]
    return terms, sum(num(f) or 0.0 for f in terms)


@rule("P301", "subtotal-weight", "error", "二级权重不等于其三级指标权重之和", form=P)
def check_subtotal_weights(form: FormP, ctx: RuleContext) -> None:
    """A subtotal row's weight (the 二级, often printed without its name) equals the sum of
    the weights of the 三级 items below it.

    A subtotal with a weight but no item under it counts points no indicator
    carries: a warning.
    """
    sc = form.scorecard
    if sc is None:
        return
    for l1 in sc.level1:
        for sub in l1.subtotals:
            w = num(sub.weight)
            if w is None:
                continue
            terms, total = _sum_terms([i.weight for i in sub.items])
            label = (
                f"“{l1.key}”下的二级{('“' + sub.name + '”') if sub.name else ''}（第 {sub.row} 行）"
            )
            if not sub.items:
                if w != 0:
                    ctx.report(
                        sub.weight,
                        f"{label}权重 {sub.weight.text} 下没有三级指标：这些分值没有指标承担",
                        expected="0 或列出三级指标",
                        actual=sub.weight.text,
                        severity="warning",
                    )
                continue
            _report_verdict(
                ctx,
                ctx.judge_sum(sub.weight, terms, total),
                sub.weight,
                f"{label}权重应为其三级指标权重之和 {pts(total)}，实际填 {sub.weight.text}",
                expected=pts(total),
                computation=" + ".join(t.text for t in terms) + f" = {pts(total)}",
                related=terms,
            )


@rule("P302", "level1-weight", "error", "一级权重不等于其下权重之和", form=P)
def check_level1_weights(form: FormP, ctx: RuleContext) -> None:
    """A 一级 row's weight equals the sum of its subtotals' weights (or, where it has no
    subtotal rows, of its items' weights)."""
    sc = form.scorecard
    if sc is None:
        return
    for l1 in sc.level1:
        if l1.weight is None or num(l1.weight) is None:
            continue
        parts: list[Field[Any] | None] = [s.weight for s in l1.subtotals]
        parts += [i.weight for i in l1.items]
        terms, _ = _sum_terms(parts)
        _sum_of(ctx, l1.weight, terms, f"一级指标“{l1.label.text}”权重应为其下各项之和", _points)


@rule("P303", "weights-total", "error", "一级权重合计不等于 100", form=P)
def check_weights_total(form: FormP, ctx: RuleContext) -> None:
    """The 一级 weights add up to 100, and the 总计 row's 权重 says the same."""
    sc = form.scorecard
    if sc is None or not sc.level1:
        return
    terms, total = _sum_terms([l1.weight for l1 in sc.level1])
    if not terms:
        return
    full = float(ctx.params.total_weight)
    comp = " + ".join(f"{l1.label.text} {l1.weight.text}" for l1 in sc.level1 if l1.weight) + (
        f" = {pts(total)}"
    )
    at = (
        sc.total_weight
        if sc.total_weight is not None and num(sc.total_weight) is not None
        else terms[-1]
    )
    if abs(total - full) > 1e-6:
        ctx.report(
            at,
            f"一级指标权重合计应为 {pts(full)}，实际为 {pts(total)}",
            expected=pts(full),
            actual=pts(total),
            computation=comp,
            related=terms,
        )
    elif sc.total_weight is not None and num(sc.total_weight) is not None:
        if abs((num(sc.total_weight) or 0.0) - total) > 1e-6:
            ctx.report(
                sc.total_weight,
                f"总计权重填 {sc.total_weight.text}，与一级指标权重合计 {pts(total)} 不符",
                expected=pts(total),
                actual=sc.total_weight.text,
                computation=comp,
                related=terms,
            )


@rule("P304", "level1-split", "warning", "一级权重不是规定的分配", form=P)
def check_level1_split(form: FormP, ctx: RuleContext) -> None:
    """The 一级 weights follow the configured split: 投入和管理目标 25, 产出目标 30,
    效果目标 35, 影响力目标 10 (``level1_weights`` of family ``project_p``).

    Another split may be a department's own decision, so it is a warning.
    """
    sc = form.scorecard
    stated = ctx.params.level1_weights
    if sc is None or not stated:
        return
    for l1 in sc.level1:
        want = stated.get(l1.key)
        w = num(l1.weight)
        if want is None or w is None or l1.weight is None or abs(w - want) < 1e-6:
            continue
        ctx.report(
            l1.weight,
            f"一级指标“{l1.label.text}”权重为 {l1.weight.text}，规定为 {pts(want)}",
            expected=pts(want),
            actual=l1.weight.text,
        )


@rule("P305", "score-range", "error", "评分结果超出 0 至权重", form=P)
def check_score_range(form: FormP, ctx: RuleContext) -> None:
    """An item's 评分结果 lies between 0 and its 权重."""
    sc = form.scorecard
    if sc is None:
        return
    for item in sc.items:
        s, w = num(item.score), num(item.weight)
        if item.score is None or s is None or w is None or item.weight is None:
            continue
        if s < -1e-9 or s > w + 1e-9:
            ctx.report(
                item.score,
                f"“{item.name.text}”评分结果 {item.score.text} 不在 0 至权重 {item.weight.text} 之间",
                expected=f"0–{item.weight.text}",
                actual=item.score.text,
                related=[item.weight],
            )


@rule("P306", "total-score", "error", "总计不等于各项评分结果之和", form=P)
def check_total_score(form: FormP, ctx: RuleContext) -> None:
    """总计's 评分结果 equals the sum of the 三级 items' scores.

    A score printed on a subtotal row is a subtotal, never added a second time.
    """
    sc = form.scorecard
    if sc is None or sc.total_score is None or num(sc.total_score) is None:
        return
    terms, total = _sum_terms([i.score for i in sc.items])
    if not terms:
        return
    _report_verdict(
        ctx,
        ctx.judge_sum(sc.total_score, terms, total),
        sc.total_score,
        f"总计应为各项评分结果之和 {sc.total_score.show(total)}，实际填 {sc.total_score.text}",
        expected=sc.total_score.show(total),
        computation=f"{len(terms)} 项评分结果之和 = {pts(total)}",
        related=terms,
    )


@rule("P307", "grade", "error", "评价等级与总计不符", form=P)
def check_grade(form: FormP, ctx: RuleContext) -> None:
    """评价等级 follows from 总计 on the configured scale (``grades``: 优秀 ≥ 90, 良好 ≥ 80,
    合格 ≥ 60, else 不合格; the national wording 优/良/中/差 reads the same bounds)."""
    sc = form.scorecard
    if sc is None or sc.grade is None or sc.grade.value is None or sc.total_score is None:
        return
    score = num(sc.total_score)
    if score is None:
        return
    want = ctx.settings.grade_for(score)
    printed = sc.grade.text.strip()
    same = {"优": "优秀", "良": "良好", "中": "合格", "差": "不合格"}
    if same.get(printed, printed) == same.get(want, want):
        return
    ctx.report(
        sc.grade,
        f"总计 {sc.total_score.text} 分的评价等级应为“{want}”，实际填“{printed}”",
        expected=want,
        actual=printed,
        computation=f"总计 {sc.total_score.text} → {want}",
        related=[sc.total_score],
    )


# --------------------------------------------------------------------------- P4xx criteria


def _items(form: FormP) -> Iterator[ScoreItem]:
    if form.scorecard is not None:
        yield from form.scorecard.items


#: The matrix row an execution-kind rule's rate is read from, by the rate's name.
_RATE_ROWS = (("到位", "arrival_rate"), ("支出率", "spend_rate"), ("执行", "exec_rate"))


def _rate(form: FormP, crit: Criterion, item: ScoreItem) -> float | None:
    """The rate an execution-kind rule scores with: the item's own 业绩值 when it prints a
    percentage, else the matrix's row of that name ((6) 预算执行率, (7) 资金到位率 …)."""
    actual = item.actual.value if item.actual is not None else None
    if getattr(actual, "kind", None) is Kind.PERCENT:
        return None
    m = form.matrix
    if m is None:
        return None
    row = next((key for word, key in _RATE_ROWS if word in crit.name), "exec_rate")
    return num(m.cell(row))


@rule("P401", "criterion-score", "error", "评分结果不符合其评分标准", form=P)
def check_criterion_score(form: FormP, ctx: RuleContext) -> None:
    """Each item's 评分结果 is what its own 评分标准 gives for its 目标值 and 业绩值.

    The rule is read from its words (:mod:`budgetlint.criteria`): a completion
    ratio scores 权重 × min(业绩值/目标值, 1), the 预算执行率 item 权重 × rate, a
    linear deduction, tiers, all-or-nothing, parts.  A full score on a ratio far
    below its target is an error; so is a deduction on a rule that gives full
    marks.  A rule the parser cannot read is P404's (未核对), never passed here.
    """
    for item in _items(form):
        if item.criterion is None or item.criterion.value is None or item.score is None:
            continue
        s, w = num(item.score), num(item.weight)
        if s is None or w is None:
            continue
        crit = _criterion(item.criterion.value)
        if crit.kind == "unparsed" or crit.contradictions:
            continue  # P404 lists it; a rule contradicting itself is P402's
        if crit.kind == "parts" and abs(crit.parts_total - 1.0) > 1e-9:
            continue  # parts that cannot reach the weight: P403's
        t = item.target.value if item.target is not None else None
        a = item.actual.value if item.actual is not None else None
        from budgetlint.criteria import describe, expected_score

        exp = expected_score(
            crit, w, t, a, rate=_rate(form, crit, item) if crit.kind == "execution" else None
        )
        if exp is None:
            continue
        name = f"“{item.name.text}”"
        if exp.expected is not None:
            _report_verdict(
                ctx,
                ctx.judge(item.score, exp.expected),
                item.score,
                f"{name}按其评分标准（{describe(crit)}）应得 {item.score.show(exp.expected)} 分，"
                f"实际填 {item.score.text}",
                expected=item.score.show(exp.expected),
                computation=exp.method,
                related=[item.weight, item.target, item.actual, item.criterion],
            )
        elif exp.low is not None and exp.high is not None:
            if exp.low - 1e-9 <= s <= exp.high + 1e-9:
                continue
            ctx.report(
                item.score,
                f"{name}按其评分标准应在 {pts(exp.low)}–{pts(exp.high)} 分之间，实际填 {item.score.text}",
                expected=f"{pts(exp.low)}–{pts(exp.high)}",
                actual=item.score.text,
                computation=exp.method,
                related=[item.weight, item.target, item.actual, item.criterion],
            )


@rule("P402", "criterion-contradiction", "warning", "评分标准的文字与公式矛盾", form=P)
def check_criterion_contradiction(form: FormP, ctx: RuleContext) -> None:
    """A 评分标准 states the same number twice and the two disagree: "每降低1%，减少权重分的4%"
    next to a formula ``y = 权重分 - (85% - x) * 5% * 权重分``.  Which one was applied
    cannot be told from the form: the rule must be corrected."""
    for item in _items(form):
        if item.criterion is None or item.criterion.value is None:
            continue
        crit = _criterion(item.criterion.value)
        for text in crit.contradictions:
            ctx.report(
                item.criterion,
                f"“{item.name.text}”的评分标准自相矛盾：{text}",
                expected="文字与公式一致",
                actual=text,
            )


@rule("P403", "criterion-parts", "warning", "评分标准各部分合计不等于权重", form=P)
def check_criterion_parts(form: FormP, ctx: RuleContext) -> None:
    """An accumulating rule (``得权重分的50%`` … ``（该指标累计得分）``) whose parts do not add
    up to the whole weight: an item meeting every part still cannot reach full marks."""
    for item in _items(form):
        if item.criterion is None or item.criterion.value is None:
            continue
        crit = _criterion(item.criterion.value)
        if crit.kind != "parts" or not crit.parts or abs(crit.parts_total - 1.0) < 1e-9:
            continue
        shares = " + ".join(f"{p.fraction * 100:g}%" for p in crit.parts)
        ctx.report(
            item.criterion,
            f"“{item.name.text}”的评分标准各部分合计为权重分的 {crit.parts_total * 100:g}%，"
            "不等于 100%",
            expected="100%",
            actual=f"{crit.parts_total * 100:g}%",
            computation=f"{shares} = {crit.parts_total * 100:g}%",
        )


@rule("P404", "criterion-unchecked", "note", "评分标准未核对", form=P)
def check_criterion_unparsed(form: FormP, ctx: RuleContext) -> None:
    """A 评分标准 the parser does not understand: the item's score is **not checked** (未核对).

    Listed with its text so that a reviewer checks it by hand; never passed silently.
    """
    for item in _items(form):
        if item.score is None or item.score.value is None:
            continue
        if item.criterion is None or item.criterion.value is None:
            ctx.report(
                item.criterion if item.criterion is not None else item.score,
                f"未核对：“{item.name.text}”没有评分标准，评分结果 {item.score.text} 需人工核对",
                expected="评分标准",
                actual="（空）",
            )
            continue
        crit = _criterion(item.criterion.value)
        if crit.kind != "unparsed":
            continue
        text = item.criterion.value.replace("\n", " ")
        ctx.report(
            item.criterion,
            f"未核对：“{item.name.text}”的评分标准无法识别（{crit.why}），"
            f"评分结果 {item.score.text} 需人工核对。评分标准：{text[:120]}",
            expected="可识别的评分标准",
            actual=text[:120],
        )


@rule("P405", "budget-target", "error", "项目预算金额与预算安排不符", form=P)
def check_budget_target(form: FormP, ctx: RuleContext) -> None:
    """The 项目预算金额 item's 目标值 (``385.68万元``) is the matrix's 预算安排 (1) 合计.

    Compared at the target's printed precision (385.68 万元 is 3856800 元 ± 50 元).
    """
    m = form.matrix
    budget = m.cell("budget") if m is not None else None
    b = num(budget)
    if budget is None or b is None:
        return
    for item in _items(form):
        if "预算金额" not in item.name.text or item.target is None:
            continue
        v = item.target.value
        if v is None or getattr(v, "number", None) is None or getattr(v, "kind", None) is None:
            continue
        if v.kind.value != "amount":
            continue
        step = 10.0 ** -(v.decimals or 0) * (10000.0 if v.printed_unit.startswith("万") else 1.0)
        if abs(v.number - b) <= 0.5 * step + 1e-6:
            continue
        ctx.report(
            item.target,
            f"“{item.name.text}”目标值 {item.target.text} 与资金安排情况的预算安排(1) {budget.text} 不符",
            expected=budget.text,
            actual=item.target.text,
            computation=f"预算安排(1) 合计 = {budget.text} 元",
            related=[budget],
        )
