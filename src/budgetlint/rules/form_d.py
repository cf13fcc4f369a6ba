"""Form-D rules (部门决算公开表 公开01–08), codes D101–D106 and D201–D204.

- D1xx: the identities inside one table: 01's totals, each row's split across
  columns (02, 03, 05, 08), the 类/款/项 hierarchy by code length, 04's totals,
  06's 经济分类 款 and 人员/公用经费合计, the 三公 table (07).
- D2xx: the same figures in two tables: 01 ↔ 02 (income by source), 01 ↔ 03
  (expenditure by 类), 04 ↔ 05 (一般公共预算 by 类), 05 ↔ 06 (基本支出).

A rule checks the tables that are there: a missing table, row or column is not a
finding (completeness is another rule's business).  A blank cell counts as 0.
Every comparison is at the printed precision: a sum with
:meth:`RuleContext.judge_sum` (half a unit of the total plus half a unit per
rounded term: amounts in 万元 are rounded conversions, so a sum of n of them may
miss its printed total by n × 0.005 万元, a note), and a figure repeated in a
later table with the same band over its single term (half a unit: agrees; up to
one unit of the last decimal, both rounded: a note).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any, cast

from budgetlint.grid import CellRef
from budgetlint.model import Field
from budgetlint.model_d import (
    THREE_PUBLIC_ITEMS,
    THREE_PUBLIC_MEASURES,
    DRow,
    DTable,
    FormD,
)
from budgetlint.rules.base import RuleContext, rule
from budgetlint.tolerance import EPS, Verdict

D = "D"

#: 公开01表's income items (一…七) as the reader keys them, and 02's column for each.
INCOME_ITEMS_01: dict[str, str] = {
    "一般公共预算财政拨款收入": "fiscal",
    "政府性基金预算财政拨款收入": "fiscal",
    "上级补助收入": "superior",
    "事业收入": "business",
    "经营收入": "operating",
    "附属单位上缴收入": "affiliated",
    "其他收入": "other",
}
#: What 01's 总计 adds to 本年收入合计 / 本年支出合计.
INCOME_EXTRAS_01 = ("用事业基金弥补收支差额", "使用非财政拨款结余", "年初结转和结余")
EXPENDITURE_EXTRAS_01 = ("结余分配", "年末结转和结余")
#: Row identities across columns (D102): table -> (total column, part columns).
ROW_SPLITS: dict[int, tuple[str, tuple[str, ...]]] = {
    2: ("total", ("fiscal", "superior", "business", "operating", "affiliated", "other")),
    3: ("total", ("basic", "project", "superior", "operating", "affiliated")),
    5: ("total", ("basic", "project")),
    8: ("total", ("basic", "project")),
}
#: 公开06表: the 合计 rows and the 经济分类 款 they add up.
PERSONNEL = ("人员经费合计", ("301", "303"))
PUBLIC = ("公用经费合计", ("302", "307", "310", "399"))
_ROUNDING = "（在打印精度的舍入范围内）"


# --------------------------------------------------------------------------- helpers


def _v(f: Field[Any] | None) -> float:
    """A field's amount, blank (or missing) = 0."""
    if f is None or f.value is None or isinstance(f.value, bool):
        return 0.0
    return float(f.value) if isinstance(f.value, int | float) else 0.0


def _has(f: Field[Any] | None) -> bool:
    """The field prints a number."""
    return f is not None and isinstance(f.value, int | float) and not isinstance(f.value, bool)


def _money(f: Field[Any] | None) -> bool:
    return _has(f) and abs(_v(f)) > EPS


@dataclass(frozen=True)
class _Elsewhere:
    """A related cell on another sheet than the finding's: its address names the sheet."""

    ref: CellRef

    @property
    def address(self) -> str:
        return str(self.ref)


def _related(at: Field[Any] | None, fields: Iterable[Field[Any] | None]) -> list[CellRef]:
    """The cells a finding used (those printing a number), sheet-qualified when elsewhere."""
    sheet = at.ref.sheet if at is not None and at.ref is not None else ""
    out: list[CellRef] = []
    for f in fields:
        if f is None or f.ref is None or not _has(f):
            continue
        out.append(f.ref if f.ref.sheet == sheet else cast(CellRef, _Elsewhere(f.ref)))
    return out


def _shown(f: Field[Any] | None) -> str:
    if f is None or f.blank:
        return "空"
    return f.text


@dataclass(frozen=True)
class Term:
    """One addend of a sum: its name in the message, its cell, its sign."""

    name: str
    field: Field[Any] | None
    sign: int = 1


def _printed_like(total: Field[Any], terms: Sequence[Field[Any]]) -> Field[Any]:
    """``total`` as a number: a blank total is 0 at the precision its terms print."""
    if _has(total):
        return total
    like = next((t for t in terms if _has(t)), None)
    if like is None:
        return replace(total, value=0.0)
    return replace(
        total, value=0.0, decimals=like.decimals, scale=like.scale, computed=like.computed
    )


def _show(total: Field[Any], terms: Sequence[Field[Any]], x: float) -> str:
    """``x`` as the total prints it, with as many decimals as the most precise term."""
    d = max([t.decimals or 0 for t in terms if _has(t)] + [total.decimals or 0])
    return total.show(x, max(0, d - (total.decimals or 0)))


def _arith(terms: Sequence[Term], result: str) -> str:
    """``a 1.00 + b 2.00 − c 0.50 = 2.50`` (blank terms, and zeros in a long list, left out)."""
    parts: list[str] = []
    for t in terms:
        if not _has(t.field) or (len(terms) > 3 and abs(_v(t.field)) <= EPS):
            continue
        item = f"{t.name} {_shown(t.field)}"
        if parts:
            parts.append(f"{'−' if t.sign < 0 else '+'} {item}")
        else:
            parts.append(f"−{item}" if t.sign < 0 else item)
    body = " ".join(parts) if parts else "各项均为空"
    return f"{body} = {result}"


def _unit(table: DTable) -> str:
    return table.unit or "元"


def _judge_terms(
    ctx: RuleContext, total: Field[Any] | None, terms: Sequence[Term]
) -> tuple[Verdict, Field[Any], list[Field[Any]], float] | None:
    """``total`` against Σ ``terms`` at the printed precision: (verdict, the total as judged,
    the term cells, the exact sum), or None when it agrees or there is nothing to judge
    (no total cell, no term cell, a blank total over blank or 0 terms, text in the cell)."""
    if total is None or not any(t.field is not None for t in terms):
        return None
    if not _has(total) and not any(_money(t.field) for t in terms):
        return None
    if not _has(total) and not total.blank:
        return None  # text in an amount cell (—, 不适用): not a number to add
    fields = [t.field for t in terms if t.field is not None]
    exp = sum(t.sign * _v(t.field) for t in terms)
    printed = _printed_like(total, fields)
    verdict = ctx.judge_sum(printed, [f for f in fields if _has(f)], exp)
    return None if verdict is Verdict.OK else (verdict, printed, fields, exp)


def check_sum(
    ctx: RuleContext,
    table: DTable,
    what: str,
    total: Field[Any] | None,
    terms: Sequence[Term],
    *,
    whole: str = "",
    related: Iterable[Field[Any] | None] = (),
) -> Verdict:
    """Report ``total`` (in ``table``) unless it equals Σ ``terms`` at the printed precision.

    ``what`` names the cell (row and column); ``whole`` names the sum for the
    message (``各款之和``).  A missing total cell, or no term cell at all, is not
    checked; a blank total with every term blank or 0 agrees.
    """
    judged = _judge_terms(ctx, total, terms)
    if judged is None:
        return Verdict.OK
    verdict, printed, fields, exp = judged
    assert total is not None
    shown = _show(printed, fields, exp)
    message = (
        f"{table.name} {what}应为 {shown} {_unit(table)}"
        f"（{whole or '各项之和'}），实际填 {_shown(total)}"
    )
    if verdict is Verdict.ROUNDING:
        message += _ROUNDING
    ctx.report(
        total,
        message,
        expected=shown,
        actual=_shown(total),
        computation=_arith(terms, shown),
        severity=verdict.severity if verdict is Verdict.ROUNDING else None,
        related=_related(total, [*fields, *related]),
    )
    return verdict


def check_same(
    ctx: RuleContext,
    later: DTable,
    what: str,
    at: Field[Any] | None,
    source: DTable,
    source_what: str,
    terms: Sequence[Term],
) -> Verdict:
    """``at`` (in the later table) must print the figure ``terms`` give in ``source``.

    One term is the same figure printed twice: within half a unit it agrees,
    within one unit of the last decimal (both rounded) it is a note.  Several
    terms are a sum (the band of :meth:`RuleContext.judge_sum`).
    """
    judged = _judge_terms(ctx, at, terms)
    if judged is None:
        return Verdict.OK
    verdict, printed, fields, exp = judged
    assert at is not None
    shown = _show(printed, fields, exp)
    message = (
        f"{later.name} {what}应与{source.name} {source_what}一致：应为 {shown} "
        f"{_unit(later)}，实际填 {_shown(at)}"
    )
    if verdict is Verdict.ROUNDING:
        message += _ROUNDING
    ctx.report(
        at,
        message,
        expected=shown,
        actual=_shown(at),
        computation=(
            f"{source.name.split()[0]} {_arith(terms, shown)}；{later.name.split()[0]} "
            f"{what} {_shown(at)}，相差 {_show(printed, fields, abs(_v(at) - exp))}"
        ),
        severity=verdict.severity if verdict is Verdict.ROUNDING else None,
        related=_related(at, fields),
    )
    return verdict


def row_name(table: DTable, row: DRow, *, side: bool = True) -> str:
    """``201 一般公共服务支出``, ``支出“总计”`` (the side of tables 01 and 04), ``“合计”``."""
    label = row.label.text if row.label is not None else ""
    if row.code is not None and row.code.value:
        name = f"{row.code.value} {label}".strip()
    else:
        name = f"“{label or row.key}”"
    if row.side and side:
        name = ("收入" if row.side == "income" else "支出") + name
    return name


def column_name(table: DTable, row: DRow, column: str) -> str:
    """The header a column prints (``本年收入合计``), or its model name."""
    from budgetlint.model_d import TABLE_COLUMNS

    head = table.columns.get(f"{row.side}.{column}" if row.side else column)
    if head is not None and head.text:
        return "".join(head.text.split())
    if table.number == 7:
        return THREE_PUBLIC_MEASURES.get(column, column)
    return TABLE_COLUMNS.get(table.number, {}).get(column, column)


def cell_name(table: DTable, row: DRow, column: str) -> str:
    return f"{row_name(table, row)}{column_name(table, row, column)}"


def _columns(rows: Iterable[DRow]) -> list[str]:
    out: list[str] = []
    for r in rows:
        for k in r.values:
            if k not in out:
                out.append(k)
    return out


def _before(rows: Sequence[DRow], stop: DRow) -> list[DRow]:
    """The rows listed before ``stop`` (on the same side)."""
    out = []
    for r in rows:
        if r is stop:
            break
        out.append(r)
    return out


def _named(table: DTable, rows: Sequence[DRow], column: str) -> list[Term]:
    return [Term(row_name(table, r, side=False), r.value(column)) for r in rows]


def _amount(row: DRow | None) -> Field[Any] | None:
    """The one amount of a row of 公开06表 (whichever of its three column groups)."""
    if row is None:
        return None
    return row.value("amount") or next(iter(row.values.values()), None)


# --------------------------------------------------------------------------- D101


@rule("D101", "d01-totals", "error", "收入支出决算总表的合计、总计不平", form=D)
def check_01_totals(form: FormD, ctx: RuleContext) -> None:
    """公开01表 收入支出决算总表 adds up on each side.

    - 本年收入合计 = Σ the income items 一…七 (一般公共预算财政拨款收入 … 其他收入);
    - 本年支出合计 = Σ the 功能分类 类 rows (一般公共服务支出 … 其他支出);
    - 收入总计 = 本年收入合计 + 用事业基金弥补收支差额 + 年初结转和结余;
    - 支出总计 = 本年支出合计 + 结余分配 + 年末结转和结余;
    - 收入总计 = 支出总计 (reported at the 支出 总计).

    Amounts in 万元 are rounded: a sum of n of them may miss its printed total
    by n × 0.005 万元 (a note); more is an error.
    """
    t = form.table(1)
    if t is None:
        return
    col = "amount"
    inc, exp = t.side("income"), t.side("expenditure")
    inc_total = t.row("本年收入合计", "income")
    if inc_total is not None:
        items = _before(inc, inc_total)
        check_sum(
            ctx,
            t,
            cell_name(t, inc_total, col),
            inc_total.value(col),
            _named(t, items, col),
            whole="各项收入之和",
        )
    exp_total = t.row("本年支出合计", "expenditure")
    if exp_total is not None:
        classes = [r for r in _before(exp, exp_total) if r.level == 1]
        check_sum(
            ctx,
            t,
            cell_name(t, exp_total, col),
            exp_total.value(col),
            _named(t, classes, col),
            whole="各类支出之和",
        )
    grand: dict[str, DRow | None] = {}
    for side, total, extras in (
        ("income", inc_total, INCOME_EXTRAS_01),
        ("expenditure", exp_total, EXPENDITURE_EXTRAS_01),
    ):
        g = grand[side] = t.row("总计", side)
        if g is None or total is None:
            continue
        parts = [total, *(r for k in extras if (r := t.row(k, side)) is not None)]
        check_sum(
            ctx,
            t,
            cell_name(t, g, col),
            g.value(col),
            _named(t, parts, col),
            whole=f"{'本年收入合计' if side == 'income' else '本年支出合计'}与结转结余等之和",
        )
    gi, ge = grand.get("income"), grand.get("expenditure")
    if gi is not None and ge is not None:
        check_same(
            ctx,
            t,
            cell_name(t, ge, col),
            ge.value(col),
            t,
            cell_name(t, gi, col),
            [Term(row_name(t, gi), gi.value(col))],
        )


# --------------------------------------------------------------------------- D102


@rule("D102", "d-row-split", "error", "决算表一行的合计与各栏之和不符", form=D)
def check_row_splits(form: FormD, ctx: RuleContext) -> None:
    """On every row (合计 and each 科目), the total column equals the sum of its parts.

    - 公开02表 收入决算表: 本年收入合计 = 财政拨款收入 + 上级补助收入 + 事业收入 +
      经营收入 + 附属单位上缴收入 + 其他收入;
    - 公开03表 支出决算表: 本年支出合计 = 基本支出 + 项目支出 + 上缴上级支出 +
      经营支出 + 对附属单位补助支出;
    - 公开05表 一般公共预算财政拨款支出决算表: 小计 = 基本支出 + 项目支出;
    - 公开08表 政府性基金: 本年支出 小计 = 基本支出 + 项目支出.

    A blank cell counts as 0; a row printing nothing is not checked.
    """
    for number, (total_col, parts) in ROW_SPLITS.items():
        t = form.table(number)
        if t is None:
            continue
        for r in t.rows:
            total = r.value(total_col)
            terms = [Term(column_name(t, r, c), r.value(c)) for c in parts if c in r.values]
            check_sum(
                ctx,
                t,
                cell_name(t, r, total_col),
                total,
                terms,
                whole="各栏之和",
            )


# --------------------------------------------------------------------------- D103


def _children(rows: Sequence[DRow], parent: DRow) -> list[DRow]:
    """The rows one level below ``parent`` whose code starts with its code."""
    return [r for r in rows if r.level == parent.level + 1 and r.key.startswith(parent.key)]


@rule("D103", "d-hierarchy", "error", "类、款、项的金额与下级之和不符", form=D)
def check_hierarchy(form: FormD, ctx: RuleContext) -> None:
    """By 功能分类科目编码 (类 3 digits, 款 5, 项 7), in 公开02、03、05 and 08 (when it
    lists 科目): each 类 = Σ its 款, each 款 = Σ its 项, and 合计 = Σ 类, in every column.

    A 类 or 款 printed without any row under it is not checked (a table that shows
    only the upper levels).  A blank cell counts as 0.
    """
    for number in (2, 3, 5, 8):
        t = form.table(number)
        if t is None:
            continue
        coded = [r for r in t.rows if r.level]
        if not coded:
            continue
        cols = _columns(t.rows)
        for parent in coded:
            if parent.level >= 3:
                continue
            kids = _children(coded, parent)
            if not kids:
                continue
            below = "款" if parent.level == 1 else "项"
            for c in cols:
                if c not in parent.values:
                    continue
                check_sum(
                    ctx,
                    t,
                    cell_name(t, parent, c),
                    parent.value(c),
                    [Term(row_name(t, k), k.value(c)) for k in kids],
                    whole=f"所属各{below}之和",
                )
        total = t.row("合计")
        classes = [r for r in coded if r.level == 1]
        if total is None or not classes:
            continue
        for c in cols:
            if c not in total.values:
                continue
            check_sum(
                ctx,
                t,
                cell_name(t, total, c),
                total.value(c),
                [Term(row_name(t, k), k.value(c)) for k in classes],
                whole="各类之和",
            )


# --------------------------------------------------------------------------- D104


@rule("D104", "d04-totals", "error", "财政拨款收入支出决算总表不平", form=D)
def check_04_totals(form: FormD, ctx: RuleContext) -> None:
    """公开04表 财政拨款收入支出决算总表 adds up.

    - 本年收入合计 = 一般公共预算财政拨款 + 政府性基金预算财政拨款 (the income items);
    - 本年支出合计 = Σ the 类 rows, in each column (合计, 一般公共预算财政拨款,
      政府性基金预算财政拨款);
    - on each expenditure row: 合计 = 一般公共预算财政拨款 + 政府性基金预算财政拨款;
    - 年初财政拨款结转和结余 = its sub-rows (一般公共预算 + 政府性基金);
    - 收入总计 = 本年收入合计 + 年初财政拨款结转和结余; 支出总计 = 本年支出合计 +
      年末财政拨款结转和结余 (each column); 收入总计 = 支出总计 (合计).
    """
    t = form.table(4)
    if t is None:
        return
    inc, exp = t.side("income"), t.side("expenditure")
    inc_total = t.row("本年收入合计", "income")
    if inc_total is not None:
        items = [r for r in _before(inc, inc_total) if "." not in r.key]
        check_sum(
            ctx,
            t,
            cell_name(t, inc_total, "amount"),
            inc_total.value("amount"),
            _named(t, items, "amount"),
            whole="各项收入之和",
        )
    exp_total = t.row("本年支出合计", "expenditure")
    if exp_total is not None:
        classes = [r for r in _before(exp, exp_total) if r.level == 1]
        for c in _columns([exp_total]):
            check_sum(
                ctx,
                t,
                cell_name(t, exp_total, c),
                exp_total.value(c),
                _named(t, classes, c),
                whole="各类支出之和",
            )
    for r in exp:
        check_sum(
            ctx,
            t,
            cell_name(t, r, "total"),
            r.value("total"),
            [Term(column_name(t, r, c), r.value(c)) for c in ("general", "fund") if c in r.values],
            whole="一般公共预算与政府性基金之和",
        )
    carry_in = t.row("年初财政拨款结转和结余", "income")
    if carry_in is not None:
        subs = [r for r in inc if r.key.startswith(carry_in.key + ".")]
        if subs:
            check_sum(
                ctx,
                t,
                cell_name(t, carry_in, "amount"),
                carry_in.value("amount"),
                _named(t, subs, "amount"),
                whole="其下各项之和",
            )
    gi, ge = t.row("总计", "income"), t.row("总计", "expenditure")
    if gi is not None and inc_total is not None:
        parts = [inc_total] + ([carry_in] if carry_in is not None else [])
        check_sum(
            ctx,
            t,
            cell_name(t, gi, "amount"),
            gi.value("amount"),
            _named(t, parts, "amount"),
            whole="本年收入合计与年初结转和结余之和",
        )
    if ge is not None and exp_total is not None:
        carry_out = t.row("年末财政拨款结转和结余", "expenditure")
        parts = [exp_total] + ([carry_out] if carry_out is not None else [])
        for c in _columns([ge]):
            check_sum(
                ctx,
                t,
                cell_name(t, ge, c),
                ge.value(c),
                _named(t, parts, c),
                whole="本年支出合计与年末结转和结余之和",
            )
    if gi is not None and ge is not None:
        check_same(
            ctx,
            t,
            cell_name(t, ge, "total"),
            ge.value("total"),
            t,
            cell_name(t, gi, "amount"),
            [Term(row_name(t, gi), gi.value("amount"))],
        )


# --------------------------------------------------------------------------- D105


@rule("D105", "d06-economic", "error", "基本支出决算表的款、经费合计与明细不符", form=D)
def check_06(form: FormD, ctx: RuleContext) -> None:
    """公开06表 一般公共预算财政拨款基本支出决算表, by 经济分类科目编码.

    - each 款 (3 digits: 301 工资福利支出 …) = Σ its items (5 digits: 30101 …),
      whichever of the three column groups they are printed in;
    - 人员经费合计 = 301 工资福利支出 + 303 对个人和家庭的补助;
    - 公用经费合计 = 302 商品和服务支出 + 307 债务利息及费用支出 + 310 资本性支出 +
      399 其他支出.
    """
    t = form.table(6)
    if t is None:
        return
    coded = [r for r in t.rows if r.key.isdigit()]
    for parent in coded:
        if len(parent.key) != 3:
            continue
        kids = [r for r in coded if len(r.key) == 5 and r.key.startswith(parent.key)]
        if not kids:
            continue
        check_sum(
            ctx,
            t,
            row_name(t, parent) + "决算数",
            _amount(parent),
            [Term(row_name(t, k), _amount(k)) for k in kids],
            whole="所属各项之和",
        )
    for key, codes in (PERSONNEL, PUBLIC):
        total = t.row(key)
        parts = [r for c in codes if (r := t.row(c)) is not None]
        if total is None or not parts:
            continue
        check_sum(
            ctx,
            t,
            row_name(t, total) + "决算数",
            _amount(total),
            [Term(row_name(t, p), _amount(p)) for p in parts],
            whole="、".join(codes) + " 各款之和",
        )


# --------------------------------------------------------------------------- D106


@rule("D106", "d07-three-public", "error", "“三公”经费合计、小计或增减算错", form=D)
def check_07(form: FormD, ctx: RuleContext) -> None:
    """公开07表 “三公”经费, for each measure the table prints (预算数, 决算数, …):

    - 合计 = 因公出国（境）费 + 公务用车购置及运行费 + 公务接待费;
    - 公务用车购置及运行费 = 公务用车购置费 + 公务用车运行费 (a 小计 printing 0 or
      blank while a sub-item holds money is an error);
    - 增减金额 = 本年决算数 − 上年决算数, and 增减幅度 = 增减金额 ÷ 上年决算数 (a rate,
      at its printed precision; not checked over a zero 上年决算数).
    """
    tables = [t for t in [form.table(7), *form.extra] if t is not None and t.number == 7]
    for t in tables:
        measures = _columns(t.rows)
        total = t.row("total")
        car = t.row("car")
        subs = [r for k in ("car_purchase", "car_run") if (r := t.row(k)) is not None]
        for m in measures:
            if m == "change_rate":
                continue
            if car is not None and subs:
                check_sum(
                    ctx,
                    t,
                    cell_name(t, car, m),
                    car.value(m),
                    [Term(row_name(t, s), s.value(m)) for s in subs],
                    whole="购置费与运行费之和",
                )
            if total is not None:
                mid = [car] if car is not None else subs
                parts = [r for r in (t.row("abroad"), *mid, t.row("reception")) if r is not None]
                check_sum(
                    ctx,
                    t,
                    cell_name(t, total, m),
                    total.value(m),
                    [Term(row_name(t, p), p.value(m)) for p in parts],
                    whole="三项经费之和",
                )
        current = "current" if "current" in measures else "final"
        if "prior" not in measures or current not in measures:
            continue
        for r in t.rows:
            if r.key not in THREE_PUBLIC_ITEMS:
                continue
            prior, now = r.value("prior"), r.value(current)
            if prior is None or now is None:
                continue
            change = r.value("change")
            check_sum(
                ctx,
                t,
                cell_name(t, r, "change"),
                change,
                [
                    Term(column_name(t, r, current), now),
                    Term(column_name(t, r, "prior"), prior, -1),
                ],
                whole="本年决算数减上年决算数",
            )
            _check_rate(ctx, t, r, prior, now, change)


def _check_rate(
    ctx: RuleContext,
    t: DTable,
    r: DRow,
    prior: Field[Any],
    now: Field[Any],
    change: Field[Any] | None,
) -> None:
    rate = r.value("change_rate")
    if rate is None or not _has(rate) or abs(_v(prior)) <= EPS:
        return
    if abs(rate.scale - 100.0) > EPS and abs(rate.scale - 1.0) > EPS:
        return  # not read as a rate (an amount column): nothing to compare
    exact = (_v(now) - _v(prior)) / _v(prior)
    candidates = [exact]
    if _has(change):
        candidates.append(_v(change) / _v(prior))
    verdict = ctx.judge(rate, candidates)
    if verdict is Verdict.OK:
        return
    shown = rate.show(exact)
    message = (
        f"{t.name} {cell_name(t, r, 'change_rate')}应为 {shown}（增减金额 ÷ 上年决算数），"
        f"实际填 {_shown(rate)}"
    )
    if verdict is Verdict.ROUNDING:
        message += _ROUNDING
    ctx.report(
        rate,
        message,
        expected=shown,
        actual=_shown(rate),
        computation=(
            f"({_shown(now)} − {_shown(prior)}) ÷ {_shown(prior)} = {rate.show(exact, 2)}"
        ),
        severity=verdict.severity if verdict is Verdict.ROUNDING else None,
        related=_related(rate, [now, prior, change]),
    )


# --------------------------------------------------------------------------- D2xx


@rule("D201", "d01-02", "error", "收入支出决算总表与收入决算表不一致", form=D)
def check_01_02(form: FormD, ctx: RuleContext) -> None:
    """公开01表's income items are 公开02表 收入决算表's 合计 row, column by column.

    一般公共预算财政拨款收入 + 政府性基金预算财政拨款收入 = 财政拨款收入; 上级补助收入,
    事业收入, 经营收入, 附属单位上缴收入, 其他收入 = the column of the same name;
    本年收入合计 = 本年收入合计.  Reported at 公开02表's cell.
    """
    t1, t2 = form.table(1), form.table(2)
    if t1 is None or t2 is None:
        return
    total2 = t2.row("合计")
    if total2 is None:
        return
    pairs: dict[str, list[str]] = {}
    for key, col in INCOME_ITEMS_01.items():
        pairs.setdefault(col, []).append(key)
    pairs["total"] = ["本年收入合计"]
    for col, keys in pairs.items():
        rows = [r for k in keys if (r := t1.row(k, "income")) is not None]
        if not rows or col not in total2.values:
            continue
        check_same(
            ctx,
            t2,
            cell_name(t2, total2, col),
            total2.value(col),
            t1,
            "、".join(row_name(t1, r) for r in rows),
            _named(t1, rows, "amount"),
        )


def _by_class(
    ctx: RuleContext,
    early: DTable,
    early_col: str,
    late: DTable,
    late_col: str,
) -> None:
    """Each 类 row of ``early``'s expenditure side against ``late``'s 类 row, same code."""
    mine = {r.key: r for r in early.side("expenditure") if r.level == 1}
    theirs = {r.key: r for r in late.rows if r.level == 1}
    for key in sorted(set(mine) | set(theirs)):
        a, b = mine.get(key), theirs.get(key)
        fa = a.value(early_col) if a is not None else None
        fb = b.value(late_col) if b is not None else None
        if b is not None and a is not None:
            check_same(
                ctx,
                late,
                cell_name(late, b, late_col),
                fb,
                early,
                cell_name(early, a, early_col),
                [Term(row_name(early, a), fa)],
            )
        elif a is not None and _money(fa):
            ctx.report(
                fa,
                f"{early.name} {cell_name(early, a, early_col)}为 {_shown(fa)} {_unit(early)}，"
                f"{late.name}却没有 {key} 类的行",
                expected=f"{late.name} {key} 类 {_shown(fa)}",
                actual="无此行",
                computation=f"{early.name.split()[0]} {_shown(fa)} ≠ {late.name.split()[0]} 0",
                related=_related(fa, [fa]),
            )
        elif b is not None and _money(fb) and mine:
            ctx.report(
                fb,
                f"{late.name} {cell_name(late, b, late_col)}为 {_shown(fb)} {_unit(late)}，"
                f"{early.name}却没有这一类支出",
                expected="0",
                actual=_shown(fb),
                computation=f"{early.name.split()[0]} 0 ≠ {late.name.split()[0]} {_shown(fb)}",
                related=_related(fb, [fb]),
            )


def _class_totals(
    ctx: RuleContext, early: DTable | None, early_col: str, late: DTable | None, late_col: str
) -> None:
    """A two-sided total table's expenditure by 类 against a coded table's 类 rows, and its
    本年支出合计 against the coded table's 合计 (reported in the later, coded table)."""
    if early is None or late is None:
        return
    _by_class(ctx, early, early_col, late, late_col)
    a, b = early.row("本年支出合计", "expenditure"), late.row("合计")
    if a is not None and b is not None:
        check_same(
            ctx,
            late,
            cell_name(late, b, late_col),
            b.value(late_col),
            early,
            cell_name(early, a, early_col),
            [Term(row_name(early, a), a.value(early_col))],
        )


@rule("D202", "d01-03", "error", "收入支出决算总表与支出决算表不一致", form=D)
def check_01_03(form: FormD, ctx: RuleContext) -> None:
    """公开01表's expenditure by 类 is 公开03表 支出决算表's 类 rows (本年支出合计),
    and 01's 本年支出合计 is 03's 合计.  Reported at 公开03表's cell.
    """
    _class_totals(ctx, form.table(1), "amount", form.table(3), "total")


@rule("D203", "d04-05", "error", "财政拨款收支总表与一般公共预算支出表不一致", form=D)
def check_04_05(form: FormD, ctx: RuleContext) -> None:
    """公开04表's 一般公共预算财政拨款 by 类 is 公开05表's 类 rows (小计), and 04's
    本年支出合计 (一般公共预算财政拨款) is 05's 合计 小计.  Reported at 公开05表's cell.
    """
    _class_totals(ctx, form.table(4), "general", form.table(5), "total")


@rule("D204", "d05-06", "error", "一般公共预算基本支出与基本支出决算表不一致", form=D)
def check_05_06(form: FormD, ctx: RuleContext) -> None:
    """公开05表's 合计 基本支出 = 公开06表's 人员经费合计 + 公用经费合计 (without those
    rows: the sum of 06's 款 301–399).  Reported at 公开06表's 人员经费合计.
    """
    t5, t6 = form.table(5), form.table(6)
    if t5 is None or t6 is None:
        return
    total5 = t5.row("合计")
    if total5 is None or "basic" not in total5.values:
        return
    rows = [r for k in (PERSONNEL[0], PUBLIC[0]) if (r := t6.row(k)) is not None]
    if not rows:
        rows = [r for r in t6.rows if r.key.isdigit() and len(r.key) == 3]
    terms = [Term(row_name(t6, r), _amount(r)) for r in rows]
    if not terms:
        return
    basic = total5.value("basic")
    at = terms[0].field
    if at is None:
        return
    # the figure is 05's; the sum is 06's: 06's cell gets the finding
    exp = sum(_v(t.field) for t in terms)
    fields = [t.field for t in terms if t.field is not None]
    if basic is None or (not _has(basic) and abs(exp) <= EPS):
        return
    printed = _printed_like(basic, fields)
    verdict = ctx.judge_sum(printed, [f for f in fields if _has(f)], exp)
    if verdict is Verdict.OK:
        return
    shown = _show(printed, fields, exp)
    names = "与".join(row_name(t6, r) for r in rows)
    message = (
        f"{t6.name} {names}之和为 {shown} {_unit(t6)}，与{t5.name} "
        f"{cell_name(t5, total5, 'basic')} {_shown(basic)} 不一致"
    )
    if verdict is Verdict.ROUNDING:
        message += _ROUNDING
    ctx.report(
        at,
        message,
        expected=_shown(basic),
        actual=shown,
        computation=f"{t6.name.split()[0]} "
        + _arith(terms, shown)
        + f"；{t5.name.split()[0]} 合计基本支出 {_shown(basic)}",
        severity=verdict.severity if verdict is Verdict.ROUNDING else None,
        related=_related(at, [*fields, basic]),
    )
