"""Building model objects by hand for rule tests, the way the reader makes them."""

from __future__ import annotations

from typing import Any

from budgetlint.grid import CellRef
from budgetlint.model import Field

SHEET = "S"


def cell(row: int, col: int, raw: Any, decimals: int | None = None, **kw: Any) -> Field[Any]:
    """A field as the reader makes it: numbers parsed, ``—``, ``/`` and blanks as None."""
    if isinstance(raw, int | float):
        value: Any = float(raw)
    elif raw is None or str(raw).strip() in ("", "—", "-", "/"):
        value = None
    else:
        value = raw
    return Field(CellRef(SHEET, row, col), raw, value, decimals, **kw)
