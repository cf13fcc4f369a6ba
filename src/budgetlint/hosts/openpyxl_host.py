"""Read .xlsx / .xlsm files with openpyxl into a host-neutral grid.

The reference the calamine host is tested against (same grid, same findings);
slow (a full load, twice when there are formulas), so not the checker's host.
"""

from __future__ import annotations

import datetime as _dt
import warnings
import zipfile
from pathlib import Path
from typing import Any

from budgetlint.grid import Grid, MergedRange, Sheet
from budgetlint.hosts import Limits, ReadError

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
SUPPORTED = (".xlsx", ".xlsm")


def sniff(path: Path) -> None:
    """Raise ReadError with a clear reason when ``path`` is not a readable xlsx package."""
    try:
        with path.open("rb") as fh:
            head = fh.read(8)
    except OSError as e:
        raise ReadError(f"{path}: 无法打开文件（{e.strerror}）") from e
    if head.startswith(_OLE_MAGIC):
        raise ReadError(
            f"{path}: 文件已加密或为旧版 .xls 格式（OLE 复合文档），请取消密码保护或另存为 .xlsx 后再检查"
        )
    if not head.startswith(b"PK"):
        raise ReadError(f"{path}: 不是 Excel 工作簿（不是 .xlsx 压缩包）")
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
            bad = z.testzip()
    except (zipfile.BadZipFile, EOFError, OSError) as e:
        raise ReadError(f"{path}: 工作簿文件已损坏或不完整（{e}）") from e
    if bad is not None:
        raise ReadError(f"{path}: 工作簿文件已损坏（部件 {bad} 校验失败）")
    if "xl/workbook.xml" not in names:
        raise ReadError(f"{path}: 压缩包中没有 xl/workbook.xml，不是 Excel 工作簿")


def read(path: str | Path, limits: Limits | None = None) -> Grid:
    """Values (cached results for formulas), formula texts, formats, merges and notes."""
    from openpyxl import load_workbook

    from budgetlint.hosts.xlsxscan import Package

    p = Path(path)
    sniff(p)
    with Package(p, limits or Limits()) as pkg:  # the size limits, and the annotate record
        added = pkg.added_sheets
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb_f = load_workbook(p, data_only=False)
            has_formulas = any(
                c.data_type == "f" for ws in wb_f.worksheets for c in _existing(ws)
            )
            # cached formula results need a second load; skip it when there are no formulas
            wb_v = load_workbook(p, data_only=True) if has_formulas else None
    except Exception as e:  # openpyxl raises many kinds on malformed parts
        raise ReadError(f"{p}: 无法读取工作簿（{type(e).__name__}: {e}）") from e
    grid = Grid(path=str(p), added_sheets=added)
    for ws_f in wb_f.worksheets:
        ws_v = wb_v[ws_f.title] if wb_v is not None else None
        sheet = Sheet(name=ws_f.title)
        for c in _existing(ws_f):
            if c.value is None and c.comment is None:
                continue
            rc = (c.row, c.column)
            v = c.value
            if c.data_type == "f" and ws_v is not None:
                sheet.formulas[rc] = str(v.text) if hasattr(v, "text") else str(v)
                v = ws_v.cell(c.row, c.column).value
            if isinstance(v, (_dt.datetime, _dt.date)):
                v = f"{v.year}年{v.month}月{v.day}日"  # the value grammar reads dates as text
            elif v is not None and not isinstance(v, (str, int, float, bool)):
                v = str(v)
            if v is not None:
                sheet.cells[rc] = v
            if c.number_format and c.number_format != "General":
                sheet.formats[rc] = c.number_format
            if c.comment is not None and c.comment.text:
                sheet.notes[rc] = c.comment.text
        sheet.merged = [
            MergedRange(m.min_row, m.min_col, m.max_row, m.max_col)
            for m in ws_f.merged_cells.ranges
        ]
        grid.sheets.append(sheet)
    return grid


def _existing(ws: Any) -> list[Any]:
    """The cells the sheet holds, in reading order (iter_rows would walk the whole rectangle)."""
    return [ws._cells[k] for k in sorted(ws._cells)]
