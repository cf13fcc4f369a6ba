"""Comparing a printed number with a recomputed one, at the printed precision.

A value printed with ``d`` decimals is *equal* to the recomputed value when it
is its correct rounding (within ``units`` × 10^-d, 0.5 by default).  It is a
*rounding* difference (a ``note``, never an error) when the gap is explainable
by rounding: at most one unit of the last printed decimal, or ``terms`` × half
a unit for a sum of ``terms`` rounded terms.  Anything larger is *wrong*.
"""

from __future__ import annotations

import math
from enum import StrEnum

EPS = 1e-9


class Verdict(StrEnum):
    OK = "ok"
    ROUNDING = "rounding"
    WRONG = "wrong"


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
    expected: float,
    decimals: int | None = None,
    *,
    terms: int = 1,
    units: float = 0.5,
) -> Verdict:
    """Classify the difference between ``printed`` (shown with ``decimals``) and ``expected``."""
    d = decimals_of(printed) if decimals is None else decimals
    unit = 10.0 ** (-d)
    diff = abs(printed - expected)
    if diff <= units * unit + EPS * max(1.0, abs(expected)):
        return Verdict.OK
    if diff <= max(unit, terms * 0.5 * unit) + EPS * max(1.0, abs(expected)):
        return Verdict.ROUNDING
    return Verdict.WRONG


def fmt(x: float | None, decimals: int = 2) -> str:
    """A number as a form prints it: fixed decimals, no thousands separator."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "—"
    return f"{x:.{decimals}f}"


def fmt_pct(x: float | None, decimals: int = 2) -> str:
    """A fraction as a percentage: 0.9819 -> '98.19%'."""
    if x is None:
        return "—"
    return f"{x * 100:.{decimals}f}%"
