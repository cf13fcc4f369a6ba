"""Form-S rules: completeness, codes S401–S403.

Cells that must be filled, numbers typed as text, and template text left where
content belongs.  These run for every family, scored or not; the score-related
parts of S401 only where the family has scores.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from budgetlint.model import Field, FormS
from budgetlint.rules.base import RuleContext, rule
from budgetlint.rules.helpers import (
    ROW_NAMES,
    name_residue,
    num,
    target_not_applicable,
    template_markers,
)
from budgetlint.tolerance import EPS

# --------------------------------------------------------------------------- S401


@rule("S401", "required-empty", "warning", "必填内容为空")
def check_required_empty(form: FormS, ctx: RuleContext) -> None:
    """Cells every form must fill are empty.

    - 项目名称 (部门 in the department form), and 主管部门 where the form has the label;
    - 全年预算数 and 全年执行数 of 年度资金总额;
    - the 年度指标值 and 实际完成值 of an indicator that has a name (not for a row
      that does not apply: name or target ``无`` / ``不适用``);
    - in a scored family: the 得分 of an indicator weighing more than 0, the
      资金得分 of 年度资金总额 when its 全年预算数 is above 0, and the 总分 得分.
    """

    def empty(f: Field[Any] | None) -> bool:
        return f is None or f.blank

    def at(*candidates: Field[Any] | None) -> Field[Any] | None:
        for c in candidates:
            if c is not None and c.ref is not None:
                return c
        return None

    if empty(form.project):
        ctx.report(
            at(form.project), "项目名称为空", expected="项目名称", actual="空", sheet=form.sheet
        )
    if form.department is not None and form.department.blank:
        ctx.report(
            at(form.department),
            "主管部门为空：应填写主管部门名称（或代码）",
            expected="主管部门",
            actual="空",
            sheet=form.sheet,
        )

    total = form.fund.total if form.fund else None
    if total is not None:
        for f, what in ((total.budget, "全年预算数"), (total.executed, "全年执行数")):
            if empty(f):
                ctx.report(
                    at(f, total.label),
                    f"年度资金总额的{what}为空",
                    expected=what,
                    actual="空",
                    sheet=form.sheet,
                )

    scored = bool(ctx.params.scored)
    for ind in form.indicators:
        if ind.name.blank:
            continue
        name = ind.name.text
        # A row that does not apply (名称 or 年度指标值 ``无``) needs no actual.
        not_applicable = target_not_applicable(ind) or name.replace(" ", "") in ("无", "不适用")
        for f, what in ((ind.target, "年度指标值"), (ind.actual, "实际完成值")):
            if f.ref is None:
                continue  # the form has no such column (湖北's 项目决策/项目管理 table)
            if empty(f) and not not_applicable:
                ctx.report(
                    at(f, ind.name),
                    f"指标“{name}”的{what}为空",
                    expected=what,
                    actual="空",
                    sheet=form.sheet,
                )
        w = num(ind.weight)
        if scored and w is not None and w > EPS and empty(ind.score):
            ctx.report(
                at(ind.score, ind.name),
                f"指标“{name}”分值为 {ind.weight.text if ind.weight else ''}，得分为空",
                expected="得分",
                actual="空",
                sheet=form.sheet,
            )

    if not scored:
        return
    if total is not None and total.score is not None and total.score.blank:
        budget = num(total.budget)
        if budget is not None and budget > EPS:
            budget_text = total.budget.text if total.budget else ""
            ctx.report(
                total.score,
                f"年度资金总额的全年预算数为 {budget_text}，资金得分为空",
                expected="资金得分",
                actual="空",
                sheet=form.sheet,
            )
    if empty(form.total_score):
        ctx.report(
            at(form.total_score, form.total_label),
            "总分得分为空",
            expected="总分",
            actual="空",
            sheet=form.sheet,
        )


# --------------------------------------------------------------------------- S402


def _numeric_fields(form: FormS) -> Iterator[tuple[Field[Any], str]]:
    """Every numeric cell of the form with a Chinese description."""
    if form.amount is not None:
        yield form.amount, "项目金额"
    if form.fund is not None:
        for row in form.fund.rows:
            what = ROW_NAMES.get(row.kind, row.label.text)
            for f, col in (
                (row.initial, "年初预算数"),
                (row.budget, "全年预算数"),
                (row.executed, "全年执行数"),
                (row.weight, "分值"),
                (row.rate, "执行率"),
                (row.score, "得分"),
            ):
                if f is not None:
                    yield f, f"{what}的{col}"
    if form.indicator_block_weight is not None:
        yield form.indicator_block_weight, "绩效指标区块分值"
    for level1, f in form.level1_weights.items():
        yield f, f"{level1}分值"
    for ind in form.indicators:
        if ind.weight is not None:
            yield ind.weight, f"指标“{ind.name.text}”的分值"
        if ind.score is not None:
            yield ind.score, f"指标“{ind.name.text}”的得分"
    if form.total_weight is not None:
        yield form.total_weight, "总分分值"
    if form.total_score is not None:
        yield form.total_score, "总分得分"


@rule("S402", "number-as-text", "note", "数值以文本形式存储")
def check_number_as_text(form: FormS, ctx: RuleContext) -> None:
    """A number in the fund block, a weight, a score or a total is stored as text.

    The reader still reads it (``17,820.76``, ``1 016 500``, ``98%``), but Excel
    does not add it up: a SUM over the column silently leaves it out, and the
    cell sorts and formats as text.  One note per cell.
    """
    seen: set[str] = set()
    for f, what in _numeric_fields(form):
        if not f.as_text or f.ref is None:
            continue
        key = str(f.ref)
        if key in seen:
            continue
        seen.add(key)
        ctx.report(
            f,
            f"{what}“{f.text}”数值以文本形式存储，应改为数字",
            expected="数字",
            actual=f"文本“{f.text}”",
        )


# --------------------------------------------------------------------------- S403

__all__ = ["template_markers"]  # re-exported: the markers live in rules.helpers


@rule("S403", "template-text", "warning", "模板示例文字未替换")
def check_template_text(form: FormS, ctx: RuleContext) -> None:
    """Template text left where the department's own content belongs.

    Checked cells: 项目名称, indicator names, 年度指标值 and 实际完成值.  Markers:
    ``**`` (``≥**人``, ``（≥**人）``), ``请填写``, ``XX``, ``示例``, and a cell holding
    nothing but ``……``.  (An ellipsis inside a sentence is ordinary text and not
    reported.)

    An indicator name is judged by its content, without the leftovers a
    department keeps *beside* its own words (``指标1：``, ``★``, a ``(≥**人)`` hint):
    those are S501's.  This rule reports a name only when the template text *is*
    the name: ``请填写指标名称``, ``XX培训``, a bare ``（≥**人）``.
    """
    cells: list[tuple[Field[Any] | None, str]] = [(form.project, "项目名称")]
    for ind in form.indicators:
        name = ind.name.text
        cells.append((ind.name, "三级指标名称"))
        cells.append((ind.target, f"指标“{name}”的年度指标值"))
        cells.append((ind.actual, f"指标“{name}”的实际完成值"))
    names = {id(ind.name) for ind in form.indicators}
    for f, what in cells:
        if f is None or f.blank:
            continue
        if id(f) in names:
            parts = name_residue(f.raw)
            markers = template_markers(parts.content)
            if not parts.content and parts.hints:
                markers = ["**"]  # nothing but a （≥**人） hint
        else:
            markers = template_markers(f.text)
        if not markers:
            continue
        ctx.report(
            f,
            f"{what}“{f.text}”含模板文字（{'、'.join(markers)}），应填写实际内容",
            expected="实际内容",
            actual=f.text,
            sheet=form.sheet,
        )
