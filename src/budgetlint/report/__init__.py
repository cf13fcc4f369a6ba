"""Batch reports: JSON (machine), HTML (one self-contained page), XLSX (for filtering).

:func:`write_report` picks the format from the file suffix.  The JSON and HTML
writers are pure standard library; only the XLSX writer imports openpyxl, and
only when it is used.
"""

from __future__ import annotations

from pathlib import Path

from budgetlint.report.html_report import render_html
from budgetlint.report.json_report import dumps_findings, render_json
from budgetlint.results import BatchResult

__all__ = ["SUFFIXES", "dumps_findings", "render_html", "render_json", "write_report"]

#: The suffixes :func:`write_report` understands.
SUFFIXES = (".json", ".html", ".htm", ".xlsx")


def write_report(path: str | Path, batch: BatchResult) -> Path:
    """Write the batch report to ``path``; the suffix chooses the format.

    Creates missing parent folders.  Returns the path written.  Raises
    :class:`ValueError` for a suffix other than ``.json``, ``.html``, ``.htm``
    or ``.xlsx``.
    """
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix not in SUFFIXES:
        raise ValueError(
            f"不支持的报告格式“{p.suffix or '（无后缀）'}”：请使用 .json、.html、.htm 或 .xlsx"
            f" / unsupported report format {p.suffix or '(no suffix)'!r}:"
            " use .json, .html, .htm or .xlsx"
        )
    if suffix == ".xlsx":
        from budgetlint.report.xlsx_report import write_xlsx

        return write_xlsx(p, batch)
    p.parent.mkdir(parents=True, exist_ok=True)
    text = render_json(batch) if suffix == ".json" else render_html(batch)
    p.write_text(text, encoding="utf-8", newline="\n")
    return p
