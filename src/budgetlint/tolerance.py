"""Comparing a printed number with a recomputed one: what the printed decimals explain.

The calibration of FORMS.md ("Judging what a real form prints"):

- A printed value **agrees** with its recomputation when it is the exact value
  rounded to the printed value's own decimals: within ``units`` (0.5 by
  default, setting ``rounding_units``) of one unit of its last decimal.
- A value **cut** (truncated) at the second decimal or finer (``97.80%`` for
  97.81 %, ``0.98`` for 0.9851) is a rounding difference: a note.  Cut at
  fewer decimals it is wrong (``9`` for 9.91 loses 0.91 points), and so is a
  value rounded the wrong way (``2.16`` for 2.1548, ``86.19%`` for 86.183 %).
- For a **sum**, the band is half a unit of the total's last printed decimal
  plus half a unit of the last printed decimal of each term that is itself a
  computed value (a rate, a fund score, a proportional score, an amount
  converted to 万元); typed terms carry no hidden decimals.  Agreeing with the
  total's own rounding is OK, inside the band a note, outside it wrong.

What a cell prints (its decimals, percent, whether it is computed) is decided
once by the reader and carried on :class:`budgetlint.model.Field`; these
functions read it from there.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from enum import StrEnum
from typing import Any

EPS = 1e-9


class Verdict(StrEnum):
    OK = "ok"
    ROUNDING = "rounding"
    WRONG = "wrong"

    @property
    def severity(self) -> str:
        """The severity of a difference: a note for rounding, else an error."""
        return "note" if self is Verdict.ROUNDING else "error"


def _eps(x: float) -> float:
    return EPS * max(1.0, abs(x))


def decimals_of(x: float) -> int:
    """Decimals needed to print ``x`` as stored (9.8 -> 1, 95.3 -> 1, 10 -> 0)."""
    if isinstance(x, int) or float(x).is_integer():
        return 0
    s = repr(float(x))
    if "e" in s or "E" in s:
        return 6
    return min(len(s.split(".")[1]), 6)


def compare(
    printed: float,
    expected: float | Iterable[float],
    decimals: int = 0,
    *,
    units: float = 0.5,
    scale: float = 1.0,
) -> Verdict:
    """Classify ``printed`` (shown with ``decimals`` in units of ``scale``) against ``expected``.

    ``expected`` may be several acceptable values (a score from the rounded and
    from the unrounded rate); the closest counts.
    """
    exp = [expected] if isinstance(expected, int | float) else list(expected)
    if not math.isfinite(printed) or not all(math.isfinite(e) for e in exp):
        return Verdict.WRONG  # nothing finite rounds to an infinity
    step = 10.0 ** (-decimals) / scale
    diff = min(abs(printed - e) for e in exp)
    ref = max((abs(e) for e in exp), default=0.0)
    if diff <= units * step + _eps(ref):
        return Verdict.OK
    if decimals >= 2 and any(_is_cut(printed, e, step) for e in exp):
        return Verdict.ROUNDING  # cut at the second decimal or finer
    return Verdict.WRONG


def _is_cut(printed: float, exact: float, step: float) -> bool:
    """``printed`` is ``exact`` truncated (toward zero) to the printed precision ``step``."""
    from decimal import ROUND_DOWN, Decimal, localcontext

    with localcontext() as dc:
        dc.prec = 400  # a float holds at most ~310 digits before the point
        q = Decimal(repr(step))
        cut = float((Decimal(repr(abs(exact))) / q).quantize(Decimal(1), rounding=ROUND_DOWN) * q)
    return abs(abs(printed) - cut) <= 1e-6 * step and (printed >= 0) == (exact >= 0)


def judge(field: Any, expected: float | Iterable[float], *, units: float = 0.5) -> Verdict:
    """A printed field against its recomputation, at the precision the field prints."""
    v = float(field.value)
    return compare(v, expected, field.decimals or 0, units=units, scale=field.scale)


def sum_band(total: Any, terms: Sequence[Any], *, units: float = 0.5) -> float:
    """Half a unit of the total's last decimal plus half a unit of each computed term's."""
    return units * total.step + sum(units * t.step for t in terms if t.computed)


def judge_sum(
    total: Any,
    terms: Sequence[Any],
    expected: float,
    *,
    units: float = 0.5,
) -> Verdict:
    """A printed total against the sum of its printed terms (fields)."""
    diff = abs(float(total.value) - expected)
    if diff <= units * total.step + _eps(expected):
        return Verdict.OK
    if diff <= sum_band(total, terms, units=units) + _eps(expected):
        return Verdict.ROUNDING
    return Verdict.WRONG


def fmt(x: float | None, decimals: int = 2) -> str:
    """A number as a form prints it: fixed decimals, no thousands separator."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "—"
    return f"{x:.{decimals}f}"
