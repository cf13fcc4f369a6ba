"""Reading cells into fields: what every form reader shares.

:class:`CellReader` wraps a :class:`~budgetlint.grid.Sheet` with an index of its
non-blank cells by row, and makes the model's :class:`~budgetlint.model.Field`
objects from cells: texts, numbers (amounts to 元, rates to fractions, with what
the cell prints decided here, once), and targets/actuals in the value grammar.
The label helpers compare normalised labels (:func:`budgetlint.text.norm`)
against synonym tuples, as is, without a trailing (…), or without its (N分).
Form S, P and D readers all read through this module, so that a number means
the same thing on every form.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal, overload

from budgetlint.grid import Sheet
from budgetlint.model import Field, FormBase, FormulaCell
from budgetlint.text import norm, simplified, split_weight, strip_paren
from budgetlint.values import Value, parse_number, parse_value

__all__ = [
    "CellReader",
    "blank",
    "fmt_decimals",
    "key",
    "match",
    "matches",
    "read_recomputed",
]

_NUMERIC_END = re.compile(r"\d$")


def _key(v: object) -> str:
    return norm(v) if isinstance(v, str) else ""


def _match(key: str, synonyms: Iterable[str]) -> bool:
    if not key:
        return False
    return _matches(key, synonyms if isinstance(synonyms, tuple) else tuple(synonyms))


@lru_cache(maxsize=65536)
def _matches(key: str, syn: tuple[str, ...]) -> bool:
    """``key`` names one of ``syn``: as is, without a trailing (…), or without its (N分)."""
    return key in syn or strip_paren(key) in syn or split_weight(key)[0] in syn


def _blank(v: object) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


@lru_cache(maxsize=1024)  # a workbook uses a handful of number formats
def _fmt_decimals(fmt: str) -> int | None:
    """Decimals a number format shows: '0.00' -> 2, '#,##0.0' -> 1, '0%' -> 0."""
    if not fmt or fmt == "General":
        return None
    section = fmt.split(";")[0]
    m = re.search(r"\.([0#]+)", section)
    return len(m.group(1)) if m else 0


@dataclass
class CellReader:
    sheet: Sheet
    amount_unit: str = "元"
    cells: list[tuple[int, int, Any]] = field(default_factory=list)  # non-blank, reading order
    _rows: dict[int, list[tuple[int, Any]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.cells = list(self.sheet.nonempty())
        for r, c, v in self.cells:
            self._rows.setdefault(r, []).append((c, v))

    def row(self, r: int) -> list[tuple[int, Any]]:
        """Non-blank (col, value) pairs of row ``r``, from the index built once per read."""
        return self._rows.get(r, [])

    @property
    def row_numbers(self) -> list[int]:
        return sorted(self._rows)

    # -- field makers -------------------------------------------------------------
    @overload
    def text(self, r: int, c: int) -> Field[str]: ...
    @overload
    def text(self, r: int, c: int | None) -> Field[str] | None: ...

    def text(self, r: int, c: int | None) -> Field[str] | None:
        """A text cell; None when the form has no such column."""
        if c is None:
            return None
        raw = self.sheet.value(r, c)
        val = None if _blank(raw) else str(raw).strip()
        return Field(self.sheet.ref(r, c), raw, val)

    def number(
        self,
        r: int,
        c: int | None,
        kind: Literal["amount", "rate", "score", "plain"] = "plain",
        *,
        percent_column: bool = False,
        computed: bool = False,
    ) -> Field[float] | None:
        """A number cell, with what it prints decided here once (see :class:`Field`).

        ``kind``: 'amount' (to 元; shown in 万元 on a 万元 form), 'rate' (to a
        fraction; ``percent_column`` for a column that holds 98.19 for 98.19 %),
        'score' (an indicator score: computed when it prints decimals) or
        'plain' (weights: typed).  ``computed`` marks a rate or fund score.
        """
        if c is None:
            return None
        raw = self.sheet.value(r, c)
        ref = self.sheet.ref(r, c)
        if _blank(raw):
            return Field(ref, raw, None)
        n = parse_number(raw)
        if n is None:
            return Field(ref, raw, None, shown=str(raw).strip())
        fmt = self.sheet.number_format(r, c)
        numeric_cell = isinstance(raw, (int, float)) and not isinstance(raw, bool)
        decimals = n.decimals
        shown = str(raw).strip() if isinstance(raw, str) else None
        fmt_percent = numeric_cell and "%" in fmt
        if numeric_cell:
            fd = _fmt_decimals(fmt)
            if fd is not None:
                decimals = fd
            shown = (
                f"{float(raw) * 100:.{decimals}f}%" if fmt_percent else f"{float(raw):.{decimals}f}"
            )
        value = n.value
        scale, sign = 1.0, ""
        if n.percent or fmt_percent:
            scale, sign = 100.0, "%"  # 98% as text, or 0.98 under a 0% number format
        if kind == "amount":
            if n.unit == "万元" or (self.amount_unit == "万元" and n.unit != "元"):
                value = n.yuan if n.unit == "万元" else n.value * 10000.0
                scale = 0.0001
                computed = True  # 万元 amounts are rounded conversions of 元
        elif kind == "rate" and not n.percent and not fmt_percent:
            if abs(n.value) > 1.5 or percent_column:
                # 98.19 in a (%) column (or in a rate column without (%)) is 98.19 %;
                # a value up to 1.5 in a (%) column is a fraction typed into it (1 = 100 %).
                if abs(n.value) > 1.5:
                    value = n.value / 100.0
                else:
                    decimals = max(decimals - 2, 0)
                scale = 100.0
                if shown is None:
                    shown = str(raw)
        elif kind == "score":
            computed = decimals > 0
        return Field(
            ref,
            raw,
            value,
            decimals=decimals,
            as_text=n.as_text,
            shown=shown,
            scale=scale,
            sign=sign,
            computed=computed,
        )

    def value(
        self,
        r: int,
        c: int | None,
        role: Literal["target", "actual"],
        *,
        parts: tuple[int | None, ...] = (),
    ) -> Field[Value]:
        """A target or actual.  ``parts`` = (nature, unit) columns of a split target."""
        if c is None:
            return Field(None, None, parse_value(None, role=role))
        raw = self.sheet.value(r, c)
        text: object = raw
        anchor = c
        if parts:
            nature_c, unit_c = parts
            nature = self.sheet.value(r, nature_c) if nature_c else None
            unit = self.sheet.value(r, unit_c) if unit_c else None
            if isinstance(nature, str) and ("定量" in nature or "定性" in nature):
                nature = None  # 指标性质 as 定量/定性 (重庆), not a comparator
                nature_c = None
            if nature_c is not None:
                anchor = min(nature_c, c)  # a split target is flagged at its first cell
            if not _blank(nature) or not _blank(unit):
                core = (
                    ""
                    if _blank(raw)
                    else (f"{raw:g}" if isinstance(raw, float) else str(raw).strip())
                )
                u = "" if _blank(unit) else str(unit).strip()
                if u and (not core or core.endswith(u) or not _NUMERIC_END.search(core)):
                    u = ""  # 100% with 计量单位 %: the unit is printed already; 高 has none
                text = f"{'' if _blank(nature) else str(nature).strip()}{core}{u}"
        if isinstance(text, str):
            text = simplified(text)
        return Field(
            self.sheet.ref(r, anchor), text if parts else raw, parse_value(text, role=role)
        )

    def right_of(self, r: int, c: int, stop_labels: Iterable[Iterable[str]] = ()) -> int | None:
        """Column of the first non-blank cell right of (r, c) that is not another label."""
        for cc, v in self.row(r):
            if cc <= c:
                continue
            k = _key(v)
            if k and any(_match(k, syns) for syns in stop_labels):
                return None
            return cc
        return None


#: Public names of the helpers (form readers other than S use these).
key = _key
match = _match
blank = _blank
fmt_decimals = _fmt_decimals
matches = _matches


def read_recomputed(sheet: Sheet, form: FormBase) -> None:
    """What the checker's recomputation found on the sheet (``Sheet.recomputed`` …), copied.

    Every form reader calls this once, after reading its blocks: formula cells that
    could not be recomputed (with why), those read with their recomputed value,
    and those whose cached value differs from their recomputation.
    """
    form.unrecomputed_formulas = {
        sheet.ref(r, c): why for (r, c), why in sorted(sheet.not_recomputed.items())
    }
    form.recomputed_formulas = [
        FormulaCell(sheet.ref(r, c), sheet.formulas[(r, c)], value, None, sheet.number_format(r, c))
        for (r, c), value in sorted(sheet.recomputed.items())
    ]
    form.stale_formulas = [
        FormulaCell(sheet.ref(r, c), sheet.formulas[(r, c)], new, old, sheet.number_format(r, c))
        for (r, c), (old, new) in sorted(sheet.stale.items())
    ]
