"""Deterministic saving of openpyxl workbooks."""

from __future__ import annotations

import datetime as _dt
import io
import re
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.worksheet.worksheet import Worksheet

FIXED_TIME = _dt.datetime(2024, 1, 1, 0, 0, 0)

#: The styles every example workbook's forms share (a department's 宋体 forms).
FONT_NAME = "宋体"
BODY = Font(name=FONT_NAME, size=10)
BOLD = Font(name=FONT_NAME, size=10, bold=True)
TITLE_FONT = Font(name=FONT_NAME, size=16, bold=True)
THIN = Side(style="thin", color="FF000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def to_bytes(wb: Workbook) -> bytes:
    """The workbook as .xlsx bytes that depend only on its content."""
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    wb.properties.creator = "budgetlint"
    wb.properties.lastModifiedBy = "budgetlint"
    raw = io.BytesIO()
    wb.save(raw)
    raw.seek(0)
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename.startswith("xl/worksheets/sheet"):
                data = _sorted_merges(data)
            if info.filename == "docProps/core.xml":
                # openpyxl stamps the save time into <dcterms:modified>.
                data = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                    rb"\g<1>" + FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode() + rb"\g<2>",
                    data,
                )
            zi = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o600 << 16
            dst.writestr(zi, data)
    return out.getvalue()


_MERGES = re.compile(rb"(<mergeCells[^>]*>)(.*?)(</mergeCells>)", re.S)
_MERGE = re.compile(rb"<mergeCell [^>]*/>")
_REF = re.compile(rb'ref="([A-Z]+)(\d+)')


def _sorted_merges(xml: bytes) -> bytes:
    """The sheet's ``<mergeCell>`` elements in reading order (row, then column).

    openpyxl writes a sheet's merged ranges in the order of a set, which depends on
    what the process did before: the same workbook built alone or after others
    could differ in this order only.
    """

    def key(el: bytes) -> tuple[int, int, bytes]:
        m = _REF.search(el)
        if m is None:
            return (0, 0, el)
        return (int(m.group(2)), len(m.group(1)), m.group(1))

    def fix(m: re.Match[bytes]) -> bytes:
        cells = sorted(_MERGE.findall(m.group(2)), key=key)
        return m.group(1) + b"".join(cells) + m.group(3)

    return _MERGES.sub(fix, xml)


def save(wb: Workbook, path: str | Path) -> Path:
    """Save deterministically; returns the path."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(to_bytes(wb))
    return p


#: Writes one sheet and returns where its values went (a key -> cell address map).
SheetWriter = Callable[[Worksheet], dict[str, str]]


def workbook_of(
    sheets: Iterable[tuple[str, SheetWriter]],
) -> tuple[Workbook, dict[str, dict[str, str]]]:
    """A workbook of the named sheets, each written by its writer, the first one active;
    returns it with each sheet's address map.  A name given twice is a ValueError."""
    wb = Workbook()
    default = wb.active
    maps: dict[str, dict[str, str]] = {}
    for name, write in sheets:
        if name in maps:
            raise ValueError(f"two sheets named {name!r}")
        maps[name] = write(wb.create_sheet(name))
    if default is not None:
        wb.remove(default)
    wb.active = 0
    return wb, maps


def write_cell(
    ws: Worksheet,
    row: int,
    col: int,
    value: int | float | str | None,
    *,
    font: Font = BODY,
    align: Alignment = CENTER,
    number_format: str | None = None,
) -> str:
    """Write one cell (1-based ``row``, ``col``) as a department types it; its address.

    A text such as ``'=3 项'`` is typed with a quote prefix, not as a formula.
    """
    cell = ws.cell(row=row, column=col)
    cell.value = value
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"
        cell.quotePrefix = True
    cell.font = font
    cell.alignment = align
    if number_format:
        cell.number_format = number_format
    return str(cell.coordinate)
