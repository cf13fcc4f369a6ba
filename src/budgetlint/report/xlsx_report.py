"""The XLSX batch report: totals, a filterable list of findings, unreadable files.

Sheets:

- ``汇总``: counts by severity, by rule and per file;
- ``问题清单``: one row per finding (explained ones included, marked 是 in
  是否已说明), with autofilter, frozen header and the 级别 cell filled with the
  severity colour; columns 文件, 工作表, 单元格, 规则, 级别, 说明, 应为, 实际,
  计算, 是否已说明, then 规则名称 and 说明理由;
- ``无法读取``: 文件, 原因 (only when some file could not be read).

Every text is written as a string, never as a formula (``=3 项`` is a target,
not a formula).  Saved deterministically (:mod:`budgetlint.build.xlsx`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from budgetlint.build.xlsx import save, to_bytes
from budgetlint.findings import Severity
from budgetlint.report.json_report import rule_title, sorted_findings, summary
from budgetlint.results import BatchResult
from budgetlint.style import FILL, FONT

__all__ = ["FINDING_COLUMNS", "build_workbook", "write_xlsx", "xlsx_bytes"]

#: Header of 问题清单 with column widths (in characters).
FINDING_COLUMNS: tuple[tuple[str, float], ...] = (
    ("文件", 36),
    ("工作表", 18),
    ("单元格", 8),
    ("规则", 10),
    ("级别", 7),
    ("说明", 60),
    ("应为", 16),
    ("实际", 16),
    ("计算", 36),
    ("是否已说明", 11),
    ("规则名称", 28),
    ("说明理由", 36),
)

_SEVERITIES = (Severity.ERROR, Severity.WARNING, Severity.NOTE)
_HEADER_FILL = PatternFill("solid", fgColor="FFD9E1F2")
_HEADER_FONT = Font(bold=True)
_GREY = Font(color="FF7F7F7F")
_WRAP = Alignment(wrap_text=True, vertical="top")
_TOP = Alignment(vertical="top")


def _put(ws: Worksheet, row: int, col: int, value: Any) -> Cell:
    """Write a value; texts always as strings (no formulas), illegal characters removed."""
    cell = ws.cell(row=row, column=col)
    if isinstance(value, str):
        cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell.data_type = "s"
    else:
        cell.value = value
    return cell


def _header(ws: Worksheet, row: int, names: list[str] | tuple[str, ...]) -> None:
    for col, name in enumerate(names, start=1):
        c = _put(ws, row, col, name)
        c.font = _HEADER_FONT
        c.fill = _HEADER_FILL


def _severity_fill(sev: Severity) -> tuple[PatternFill, Font]:
    return PatternFill("solid", fgColor=FILL[sev]), Font(color=FONT[sev])


def _summary_sheet(ws: Worksheet, batch: BatchResult) -> None:
    s = summary(batch)
    ws.title = "汇总"
    _put(ws, 1, 1, "预算绩效表复核报告").font = Font(bold=True, size=14)

    row = 3
    _header(ws, row, ("项目", "数量"))
    for sev in _SEVERITIES:
        row += 1
        label = _put(ws, row, 1, sev.label)
        label.fill, label.font = _severity_fill(sev)
        _put(ws, row, 2, s[sev.value])
    for label_text, key in (
        ("已说明", "explained"),
        ("文件", "files"),
        ("有错误的文件", "files_with_errors"),
        ("无法读取", "unreadable"),
    ):
        row += 1
        _put(ws, row, 1, label_text)
        _put(ws, row, 2, s[key])

    # By rule.
    per: dict[str, dict[str, int]] = {}
    for f in batch.findings:
        counts = per.setdefault(f.code, {"error": 0, "warning": 0, "note": 0, "explained": 0})
        counts["explained" if f.explained else f.severity.value] += 1
    row += 2
    _put(ws, row, 1, "按规则").font = Font(bold=True)
    row += 1
    _header(ws, row, ("规则", "名称", "错误", "警告", "提示", "合计", "已说明"))
    for code in sorted(per):
        c = per[code]
        row += 1
        values = (
            code,
            rule_title(code),
            c["error"],
            c["warning"],
            c["note"],
            c["error"] + c["warning"] + c["note"],
            c["explained"],
        )
        for col, v in enumerate(values, start=1):
            _put(ws, row, col, v)

    # Per file.
    row += 2
    _put(ws, row, 1, "按文件").font = Font(bold=True)
    row += 1
    _header(ws, row, ("文件", "工作表数", "错误", "警告", "提示", "已说明", "状态"))
    for fr in batch.files:
        counts = fr.counts()
        if fr.error:
            state = "无法读取"
        elif counts[Severity.ERROR]:
            state = "有错误"
        elif counts[Severity.WARNING] or counts[Severity.NOTE]:
            state = "有警告或提示"
        else:
            state = "未发现问题"
        row += 1
        values = (
            fr.path,
            len(fr.sheets),
            counts[Severity.ERROR],
            counts[Severity.WARNING],
            counts[Severity.NOTE],
            len(fr.explained),
            state,
        )
        for col, v in enumerate(values, start=1):
            _put(ws, row, col, v)

    for col, width in enumerate((36, 28, 8, 8, 8, 8, 14), start=1):
        ws.column_dimensions[get_column_letter(col)].width = width


def _findings_sheet(ws: Worksheet, batch: BatchResult) -> None:
    _header(ws, 1, [name for name, _ in FINDING_COLUMNS])
    row = 1
    fills = {sev: _severity_fill(sev) for sev in _SEVERITIES}
    for fr in batch.files:
        for f in sorted_findings(fr):
            row += 1
            values = (
                fr.path,
                f.sheet,
                f.cell,
                f.code,
                f.severity.label,
                f.message,
                f.expected,
                f.actual,
                f.computation,
                "是" if f.explained else "否",
                rule_title(f.code),
                f.explanation if f.explained else None,
            )
            for col, v in enumerate(values, start=1):
                c = _put(ws, row, col, v)
                c.alignment = _WRAP if col in (6, 9, 12) else _TOP
                if f.explained and col != 5:
                    c.font = _GREY
            sev_cell = ws.cell(row=row, column=5)
            sev_cell.fill, sev_cell.font = fills[f.severity]
    last = get_column_letter(len(FINDING_COLUMNS))
    ws.auto_filter.ref = f"A1:{last}{max(row, 1)}"
    ws.freeze_panes = "A2"
    for col, (_, width) in enumerate(FINDING_COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width


def _errors_sheet(ws: Worksheet, batch: BatchResult) -> None:
    _header(ws, 1, ("文件", "原因"))
    row = 1
    for fr in batch.errors:
        row += 1
        _put(ws, row, 1, fr.path).alignment = _TOP
        _put(ws, row, 2, fr.error).alignment = _WRAP
    ws.freeze_panes = "A2"
    ws.column_dimensions["A"].width = 48
    ws.column_dimensions["B"].width = 80


def build_workbook(batch: BatchResult) -> Workbook:
    """The report as an openpyxl workbook (sheets 汇总, 问题清单 and maybe 无法读取)."""
    wb = Workbook()
    _summary_sheet(wb.active, batch)
    _findings_sheet(wb.create_sheet("问题清单"), batch)
    if batch.errors:
        _errors_sheet(wb.create_sheet("无法读取"), batch)
    return wb


def xlsx_bytes(batch: BatchResult) -> bytes:
    """The report as .xlsx bytes (deterministic)."""
    return to_bytes(build_workbook(batch))


def write_xlsx(path: str | Path, batch: BatchResult) -> Path:
    """Write the report to ``path``; returns the path."""
    return save(build_workbook(batch), path)
