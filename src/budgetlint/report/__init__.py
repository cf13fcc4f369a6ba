"""Batch reports: JSON (machine), HTML (one self-contained page), XLSX (for filtering).

:func:`write_report` picks the format from the file suffix.  The JSON and HTML
writers are pure standard library; only the XLSX writer imports openpyxl, and
only when it is used.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from budgetlint.outfile import write_bytes, write_text

if TYPE_CHECKING:
    from budgetlint.report.html_report import render_html
    from budgetlint.report.json_report import dumps_findings, render_json
    from budgetlint.results import BatchResult

__all__ = [
    "SUFFIXES",
    "check_report_path",
    "dumps_findings",
    "needs_forms",
    "render_html",
    "render_json",
    "write_report",
]

_LAZY = {
    "render_html": "budgetlint.report.html_report",
    "render_json": "budgetlint.report.json_report",
    "dumps_findings": "budgetlint.report.json_report",
}


def __getattr__(name: str) -> Any:
    """The writers, imported when first used: a check without ``--report`` needs none."""
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


#: The suffixes :func:`write_report` understands.
SUFFIXES = (".json", ".html", ".htm", ".xlsx")


def check_report_path(path: str | Path) -> None:
    """Raise :class:`ValueError` when ``path`` has a suffix :func:`write_report` cannot write."""
    p = Path(path)
    if p.suffix.lower() not in SUFFIXES:
        raise ValueError(
            f"不支持的报告格式“{p.suffix or '（无后缀）'}”：请使用 .json、.html、.htm 或 .xlsx"
            f" / unsupported report format {p.suffix or '(no suffix)'!r}:"
            " use .json, .html, .htm or .xlsx"
        )


def needs_forms(path: str | Path | None) -> bool:
    """Whether the report at ``path`` draws the forms (it needs each file's grid and model)."""
    return path is not None and Path(path).suffix.lower() in (".html", ".htm")


def write_report(path: str | Path, batch: BatchResult) -> Path:
    """Write the batch report to ``path``; the suffix chooses the format.

    Creates missing parent folders.  The report is rendered first, then written
    to a temporary file beside ``path`` and renamed (so a failure never leaves a
    half-written report, nor replaces an older one).  Returns the path written.
    Raises :class:`ValueError` for a suffix other than ``.json``, ``.html``,
    ``.htm`` or ``.xlsx``, :class:`OSError` when it cannot be written.
    """
    check_report_path(path)
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix == ".xlsx":
        from budgetlint.report.xlsx_report import xlsx_bytes

        return write_bytes(p, xlsx_bytes(batch))
    if suffix == ".json":
        from budgetlint.report.json_report import render_json

        text = render_json(batch)
    else:
        from budgetlint.report.html_report import render_html

        text = render_html(batch)
    return write_text(p, text)
