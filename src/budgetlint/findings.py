"""Findings: what a rule reports about one cell."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    """How bad a finding is.

    ``error``: arithmetic or structure broken beyond rounding.
    ``warning``: a judgement the reviewer must look at.
    ``note``: a difference at rounding level, or a harmless oddity.
    """

    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"

    @property
    def rank(self) -> int:
        return {"error": 3, "warning": 2, "note": 1}[self.value]

    @property
    def label(self) -> str:
        """Chinese name shown to users."""
        return {"error": "错误", "warning": "警告", "note": "提示"}[self.value]


@dataclass(frozen=True)
class Finding:
    """One inconsistency, pinned to a cell.

    ``message`` is the Chinese sentence a user reads; ``expected``/``actual`` are
    the values compared (as displayed); ``computation`` says how the expected
    value was obtained (``969188.11 ÷ 987000.00 = 0.98``).  ``cell`` is an A1
    address on ``sheet`` ('' for a finding about the whole sheet).
    """

    code: str
    severity: Severity
    sheet: str
    cell: str
    message: str
    expected: str | None = None
    actual: str | None = None
    computation: str | None = None
    file: str = ""
    related: tuple[str, ...] = ()
    explained: bool = False
    explanation: str | None = None
    family: str | None = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["severity"] = self.severity.value
        d["related"] = list(self.related)
        return d

    @property
    def sort_key(self) -> tuple[str, str, int, int, str]:
        from budgetlint.grid import parse_address

        row, col = parse_address(self.cell) if self.cell else (0, 0)
        return (self.file, self.sheet, row, col, self.code)
