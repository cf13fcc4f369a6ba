"""Colours by severity, shared by the annotator, the reports and the ribbon.

Errors and warnings use the fills of Excel's built-in cell styles 差 (Bad) and
适中 (Neutral); notes a light blue.
"""

from __future__ import annotations

from budgetlint.findings import Severity

#: ARGB fill colours, as written into styles.xml.
FILL: dict[Severity, str] = {
    Severity.ERROR: "FFFFC7CE",  # 差 / Bad
    Severity.WARNING: "FFFFEB9C",  # 适中 / Neutral
    Severity.NOTE: "FFDDEBF7",  # light blue
}

#: Font colours of the same built-in styles (used by the reports, not forced on cells).
FONT: dict[Severity, str] = {
    Severity.ERROR: "FF9C0006",
    Severity.WARNING: "FF9C5700",
    Severity.NOTE: "FF1F4E79",
}


def css_hex(argb: str) -> str:
    """'FFFFC7CE' -> '#FFC7CE'."""
    return "#" + argb[-6:]
