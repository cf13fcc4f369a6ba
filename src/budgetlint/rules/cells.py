"""Form-S rules about what a cell holds, codes S404–S408.

An Excel error value, text where a number belongs, a formula the file never
calculated: the reader cannot read a number from such a cell, so without these
rules it would be skipped (and count as 0 in a sum) without a word.  A formula
whose stored result is not what it computes (a workbook saved with manual
calculation) prints a number nobody computed.

The facts come from the cells themselves: a host stores a cached error value as
the text Excel prints (``#DIV/0!``, :data:`budgetlint.grid.EXCEL_ERRORS`), so an
error reaches the rules as the raw value of the field the reader made of the
cell, exactly as a user sees it; a formula without a cached value is a formula
cell with no value (``Sheet.uncached``), which the reader lists on the form.
What recomputing the formula cells found (:mod:`budgetlint.recompute`, run by the
checker before the forms are read: ``Sheet.recomputed``, ``Sheet.stale``,
``Sheet.not_recomputed``) the reader copies to the form as well; these rules
only report it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from budgetlint.grid import EXCEL_ERRORS, CellValue, address
from budgetlint.model import Field, FormBase, FormS
from budgetlint.rules.base import ANY_FORM, RuleContext, rule
from budgetlint.rules.completeness import _numeric_fields
from budgetlint.values import Kind, parse_value

#: Raw texts that stand for "no number" in a number cell: blanks, dashes, 无 / 不适用.
_NO_NUMBER = (Kind.EMPTY, Kind.NONE)
_LISTED = 5  # cells named in the S406 and S408 messages


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


@rule("S406", "formula-not-calculated", "warning", "公式无缓存值", form=ANY_FORM)
def check_formula_not_calculated(form: FormBase, ctx: RuleContext) -> None:
    """The sheet has formula cells without a value: the file was saved without calculating.

    Excel stores each formula's last result next to it; a workbook written by a
    program that does not calculate (an export tool, a script) has formulas and no
    results.  budgetlint recomputes such cells and checks their recomputed values
    (S408); this rule reports the ones still without a value: the formula cannot
    be recomputed (a function budgetlint does not know, such as OFFSET, a
    reference to another workbook or to a defined name: the message says why) or
    recomputing is off (``recompute = false``, ``--no-recompute``).  Such a cell
    reads as empty, so the findings about empty or missing values on this sheet
    may come from it.  One finding per sheet, at the first such cell, with their
    count; open the file in Excel (or WPS), let it calculate, and save it.
    """
    cells = form.uncached_formulas
    if not cells:
        return
    first = cells[0]
    listed = "、".join(address(r.row, r.col) for r in cells[:_LISTED])
    more = f"等 {len(cells)} 个" if len(cells) > _LISTED else f"共 {len(cells)} 个"
    why = next(
        (
            f"；{r.address} {form.unrecomputed_formulas[r]}"
            for r in cells
            if r in form.unrecomputed_formulas
        ),
        "",
    )
    ctx.report(
        first,
        f"公式无缓存值，请在 Excel 中重新计算后保存（本表 {listed} {more}公式单元格没有计算结果，读作空白{why}）",
        expected="公式的计算结果",
        actual="无",
        related=cells[1:],
    )


@rule("S407", "formula-stale", "warning", "公式缓存值未更新", form=ANY_FORM)
def check_formula_stale(form: FormBase, ctx: RuleContext) -> None:
    """A formula cell stores a result that is not what its formula computes.

    A workbook saved with manual calculation (公式 → 计算选项 → 手动), or edited by
    a program that does not calculate, keeps each formula's old result: the form
    prints, and every reader that does not calculate reads, a number computed from
    inputs that have since changed.  budgetlint recomputes the formula cells of the
    form from the workbook's own values (with the same functions the add-in's UDFs
    use) and reports each cell whose stored result differs, at that cell, with
    the formula, the recomputed and the stored value.  The other rules check the
    stored value, which is what the form shows.  Recalculate in Excel (F9, or set
    calculation back to automatic) and save.

    Not reported: cells computed from a volatile function (``TODAY()``, ``NOW()``,
    ``RAND()`` …), whose result changes with every calculation, and cells that
    cannot be recomputed.  When recomputing itself fails, the check reports an
    X001 finding naming this rule on each form with formulas (exit 2): those
    cells were checked with the stored values only.
    """
    from budgetlint.recompute import show

    for cell in form.stale_formulas:
        new, old = _shown(cell.value, cell.number_format), _shown(cell.cached, cell.number_format)
        if new == old:  # the format hides the difference: show the digits
            new, old = _full(cell.value, show), _full(cell.cached, show)
        ctx.report(
            cell.ref,
            f"公式结果未更新：按公式 {cell.formula} 重算为 {new}，表中缓存值为 {old}"
            "（文件可能在“手动计算”下保存），请在 Excel 中重新计算后保存",
            expected=new,
            actual=old,
            computation=f"{cell.formula} = {new}",
        )


@rule("S408", "formula-recomputed", "note", "公式按重算值检查", form=ANY_FORM)
def check_formula_recomputed(form: FormBase, ctx: RuleContext) -> None:
    """Formula cells without a stored result were checked with their recomputed values.

    A workbook written by a program that does not calculate (a template filled
    by a script, an export tool) has formulas and no results: Excel shows them
    once it calculates, but a program that only reads the file (a previewer, a
    converter, pandas) sees empty cells.  budgetlint recomputes them and checks
    the form as Excel would show it; this note lists them.  One finding per sheet,
    at the first such cell; open the file in Excel (or WPS), let it calculate and
    save it, so that every reader sees the results.
    """
    cells = form.recomputed_formulas
    if not cells:
        return
    first = cells[0]
    listed = "、".join(c.ref.address for c in cells[:_LISTED])
    more = f"等 {len(cells)} 个" if len(cells) > _LISTED else f"共 {len(cells)} 个"
    value = _shown(first.value, first.number_format)
    ctx.report(
        first.ref,
        f"公式无缓存值，已按公式重算后检查（本表 {listed} {more}公式单元格没有保存计算结果，"
        f"如 {first.ref.address} 按公式 {first.formula} 重算为 {value}）；"
        "其他程序读到的仍是空白，请在 Excel 中重新计算后保存",
        expected=value,
        actual="无缓存值",
        computation=f"{first.formula} = {value}",
        related=[c.ref for c in cells[1:]],
    )


def _shown(v: CellValue, number_format: str) -> str:
    """A cell value as the message shows it: a number with the cell's decimals (``0.98``,
    ``987,000.00``, ``98.20%``), an error value, a text in quotes, 空白."""
    if v is None or (isinstance(v, str) and not v.strip()):
        return "空白"
    if isinstance(v, str) and v.strip() in EXCEL_ERRORS:
        return v.strip()
    if isinstance(v, bool) or not isinstance(v, int | float):
        from budgetlint.recompute import show

        return show(v)
    return _number(v, number_format)


def _full(v: CellValue, show: Any) -> str:
    """A value with all its digits (when the number format shows two values alike)."""
    if v is None or (isinstance(v, str) and not v.strip()):
        return "空白"
    return str(show(v))


_DECIMALS = re.compile(r"\.([0#]+)")
_QUOTED = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.')


def _number(x: float, number_format: str) -> str:
    """``x`` as a simple number format shows it (decimals, thousands, percent); General: 15 digits."""
    section = _QUOTED.sub("", (number_format or "General").split(";")[0])
    if section.strip().lower() in ("", "general", "@") or not re.search(r"[0#]", section):
        if isinstance(x, int) or (abs(x) < 1e15 and float(x).is_integer()):
            return str(int(x))
        return f"{x:.15g}"
    m = _DECIMALS.search(section)
    decimals = len(m.group(1)) if m else 0
    percent = "%" in section
    try:
        d = Decimal(repr(float(x)))
    except (InvalidOperation, ValueError):  # pragma: no cover - a float always converts
        return f"{x:.15g}"
    if not d.is_finite():
        return f"{x:.15g}"
    if percent:
        d *= 100
    d = d.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    body = f"{d:,.{decimals}f}" if "," in section else f"{d:.{decimals}f}"
    return body + ("%" if percent else "")
