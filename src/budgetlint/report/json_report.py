"""The JSON batch report: a stable, machine-readable format.

Pure standard library (runs under Pyodide).  The shape is::

    {"version": 1, "tool": "budgetlint",
     "summary": {"files", "files_with_errors", "unreadable",
                 "error", "warning", "note", "explained", "by_rule": {code: n}},
     "files": [{"path", "error",
                "sheets": [{"sheet", "status", "form", "family", "family_name", "reason",
                            "labels"}],
                "findings": [<finding dict>, ...]}]}

Counts by severity and ``by_rule`` count the *active* (not explained) findings;
``explained`` counts the explained ones; ``files_with_errors`` counts files with
at least one active finding of severity ``error``; ``unreadable`` counts files
that could not be read.  A finding dict is :meth:`Finding.to_dict` without
``extra``.  ``form`` is the form a sheet was read as: "S" (项目支出绩效自评表), "P"
(项目绩效情况自评表), "D" (a table or the 情况说明 of a 部门决算), null when it is none.
The helpers here (ordering, titles, summary) are shared by the HTML
and XLSX reports.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from typing import Any

from budgetlint.families import family_name, form_of
from budgetlint.findings import Finding, Severity
from budgetlint.grid import parse_address
from budgetlint.results import BatchResult, FileResult

FORMAT_VERSION = 1


def rule_title(code: str) -> str:
    """The Chinese title of rule ``code``; the code itself when unknown."""
    try:
        from budgetlint.rules import REGISTRY
    except Exception:  # rules failing to import must not break a report
        return code
    r = REGISTRY.get(code)
    return r.title if r is not None and r.title else code


def cell_position(cell: str) -> tuple[int, int]:
    """(row, col) of an A1 address; the first cell of a range; (0, 0) when none."""
    if not cell:
        return (0, 0)
    first = cell.split(":", 1)[0].split("!")[-1]
    try:
        return parse_address(first)
    except ValueError:
        return (0, 0)


def sheet_order(fr: FileResult) -> list[str]:
    """Sheet names in workbook order (the grid's order, then any others the reader saw)."""
    names: list[str] = []
    if fr.grid is not None:
        names.extend(s.name for s in fr.grid.sheets)
    for sr in fr.sheets:
        if sr.sheet not in names:
            names.append(sr.sheet)
    return names


def sorted_findings(fr: FileResult) -> list[Finding]:
    """The file's findings by (sheet order in the workbook, row, col, code).

    File-level findings (no sheet) come first; findings on a sheet the workbook
    does not list come last, by sheet name.
    """
    order = {name: i for i, name in enumerate(sheet_order(fr))}
    unknown = len(order)

    def key(f: Finding) -> tuple[int, str, int, int, str, str]:
        idx = -1 if not f.sheet else order.get(f.sheet, unknown)
        row, col = cell_position(f.cell)
        return (idx, f.sheet if idx == unknown else "", row, col, f.code, f.message)

    return sorted(fr.findings, key=key)


def finding_dict(f: Finding) -> dict[str, Any]:
    """A finding as a JSON-ready dict: :meth:`Finding.to_dict` without ``extra``."""
    d = f.to_dict()
    d.pop("extra", None)
    return d


def summary(batch: BatchResult) -> dict[str, Any]:
    """Batch totals (see the module docstring for what each count means)."""
    counts = batch.counts()
    by_rule: Counter[str] = Counter()
    explained = 0
    with_errors = 0
    for fr in batch.files:
        for f in fr.findings:
            if f.explained:
                explained += 1
            else:
                by_rule[f.code] += 1
        if fr.counts()[Severity.ERROR]:
            with_errors += 1
    return {
        "files": len(batch.files),
        "files_with_errors": with_errors,
        "unreadable": len(batch.errors),
        "error": counts[Severity.ERROR],
        "warning": counts[Severity.WARNING],
        "note": counts[Severity.NOTE],
        "explained": explained,
        "by_rule": {code: by_rule[code] for code in sorted(by_rule)},
    }


def batch_dict(batch: BatchResult) -> dict[str, Any]:
    """The whole report as a JSON-ready dict."""
    files = []
    for fr in batch.files:
        files.append(
            {
                "path": fr.path,
                "error": fr.error,
                "sheets": [
                    {
                        "sheet": sr.sheet,
                        "status": sr.status,
                        "form": form_of(sr.family),
                        "family": sr.family,
                        "family_name": family_name(sr.family),
                        "reason": sr.reason,
                        "labels": list(sr.labels),
                    }
                    for sr in fr.sheets
                ],
                "findings": [finding_dict(f) for f in sorted_findings(fr)],
            }
        )
    return {
        "version": FORMAT_VERSION,
        "tool": "budgetlint",
        "summary": summary(batch),
        "files": files,
    }


def _dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=2, default=str) + "\n"


def render_json(batch: BatchResult) -> str:
    """The batch report as JSON text (UTF-8, not ASCII-escaped, indent 2)."""
    return _dumps(batch_dict(batch))


def dumps_findings(findings: Iterable[Finding]) -> str:
    """A JSON list of finding dicts, in the order given (``budgetlint check --format json``)."""
    return _dumps([finding_dict(f) for f in findings])
