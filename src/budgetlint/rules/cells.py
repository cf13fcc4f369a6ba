"""Form-S rules about what a cell holds, codes S404–S406.

An Excel error value, text where a number belongs, a formula the file never
calculated: the reader cannot read a number from such a cell, so without these
rules it would be skipped (and count as 0 in a sum) without a word.

The facts come from the cells themselves: a host stores a cached error value as
the text Excel prints (``#DIV/0!``, :data:`budgetlint.grid.EXCEL_ERRORS`), so an
error reaches the rules as the raw value of the field the reader made of the
cell, exactly as a user sees it; a formula without a cached value is a formula
cell with no value (``Sheet.uncached``), which the reader lists on the form.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from budgetlint.grid import EXCEL_ERRORS, address
from budgetlint.model import Field, FormS
from budgetlint.rules.base import RuleContext, rule
from budgetlint.rules.completeness import _numeric_fields
from budgetlint.values import Kind, parse_value

#: Raw texts that stand for "no number" in a number cell: blanks, dashes, 无 / 不适用.
_NO_NUMBER = (Kind.EMPTY, Kind.NONE)
_LISTED = 5  # cells named in the S406 message


def error_value(f: Field[Any] | None) -> str | None:
    """The Excel error value a field's cell holds (``#DIV/0!``), if it holds one."""
    if f is None or not isinstance(f.raw, str):
        return None
    text = f.raw.strip()
    return text if text in EXCEL_ERRORS else None


def _cells(form: FormS) -> Iterator[tuple[Field[Any], str]]:
    """Every number cell of the form, then every target and actual, each cell once."""
    seen: set[str] = set()

    def fields() -> Iterator[tuple[Field[Any], str]]:
        yield from _numeric_fields(form)
        for ind in form.indicators:
            yield ind.target, f"指标“{ind.name.text}”的年度指标值"
            yield ind.actual, f"指标“{ind.name.text}”的实际完成值"

    for f, what in fields():
        if f.ref is None or str(f.ref) in seen:
            continue
        seen.add(str(f.ref))
        yield f, what


@rule("S404", "error-value", "error", "单元格为错误值")
def check_error_value(form: FormS, ctx: RuleContext) -> None:
    """A cell the form reads holds an Excel error value: ``#DIV/0!``, ``#REF!``, ``#N/A`` ….

    The cell's formula failed (a division by an empty 全年预算数, a reference to a
    deleted row, a lookup that found nothing) and the workbook was saved with the
    error as the cell's value.  Checked: amounts, rates, weights, scores and totals,
    targets and actuals.  The cell holds no number, so every sum and score that
    uses it is wrong: fix the formula or type the value.
    """
    for f, what in _cells(form):
        err = error_value(f)
        if err is None:
            continue
        ctx.report(
            f,
            f"{what}为错误值 {err}：公式无法得出结果，应修正公式或填写数值",
            expected="数值",
            actual=err,
        )


@rule("S405", "text-not-number", "error", "应为数字")
def check_text_not_number(form: FormS, ctx: RuleContext) -> None:
    """An amount, rate, weight, score or total holds text that is not a number.

    ``约98%``, ``九十``, ``已完成``: the reader cannot read a number from it, so the
    cell takes no part in the checks, and a sum over the column counts it as 0.
    Blanks, dashes (``—``, ``/``) and ``无`` / ``不适用`` mean "no number" and are not
    reported here; a number stored as text (``17,820.76`` as text) is S402's;
    an error value (``#DIV/0!``) is S404's.
    """
    for f, what in _numeric_fields(form):
        if f.ref is None or f.value is not None or not isinstance(f.raw, str):
            continue
        text = f.raw.strip()
        if not text or text in EXCEL_ERRORS:
            continue
        if parse_value(text, role="actual").kind in _NO_NUMBER:
            continue
        ctx.report(f, f"{what}应为数字，实际为文本“{text}”", expected="数字", actual=text)


@rule("S406", "formula-not-calculated", "warning", "公式无缓存值")
def check_formula_not_calculated(form: FormS, ctx: RuleContext) -> None:
    """The sheet has formula cells without a value: the file was saved without calculating.

    Excel stores each formula's last result next to it; a workbook written by a
    program that does not calculate (an export tool, a script) has formulas and no
    results, and every formula cell reads as empty.  The findings about empty or
    missing values on this sheet may come from that.  One finding per sheet, at the
    first such cell, with their count; open the file in Excel (or WPS), let it
    calculate, and save it.
    """
    cells = form.uncached_formulas
    if not cells:
        return
    first = cells[0]
    listed = "、".join(address(r.row, r.col) for r in cells[:_LISTED])
    more = f"等 {len(cells)} 个" if len(cells) > _LISTED else f"共 {len(cells)} 个"
    ctx.report(
        first,
        f"公式无缓存值，请在 Excel 中重新计算后保存（本表 {listed} {more}公式单元格没有计算结果，读作空白）",
        expected="公式的计算结果",
        actual="无",
        related=cells[1:],
    )
