"""One pass over an Excel 97–2003 workbook (.xls, BIFF8) for what calamine does not give.

python-calamine reads an .xls's values and merged ranges, but not its number
formats, and it reads a cell holding an error value (``#DIV/0!``, a formula's
cached error) as empty.  This module walks the workbook stream's records once:

- the globals: the number formats (``FORMAT``), the cell styles (``XF``, each
  naming a format), the worksheets and where their records start (``BOUNDSHEET8``);
- each worksheet: every cell record's style, so each cell with a value gets its
  number format (as :mod:`budgetlint.hosts.xlsxscan` gives them for .xlsx), the
  error values of ``BOOLERR`` cells and of formulas' cached results, and the
  range the cells span and the range the sheet declares (DIMENSIONS): calamine
  holds a sheet as a dense rectangle, so a stray cell at ``IV65536`` or a damaged
  declaration is refused before calamine allocates it; a cell past column IV
  means a damaged file.

Values, strings and dates stay calamine's.  The compound-document container is
read with olefile.  A workbook in an older format (BIFF5, Excel 95) or an
encrypted one gives no scan: calamine reads (or refuses) it alone.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from pathlib import Path

from budgetlint.hosts.xlsxscan import BUILTIN_FORMATS

Cell = tuple[int, int]

#: Error codes of BIFF8 (BErr), as Excel prints them.
ERRORS = {
    0x00: "#NULL!",
    0x07: "#DIV/0!",
    0x0F: "#VALUE!",
    0x17: "#REF!",
    0x1D: "#NAME?",
    0x24: "#NUM!",
    0x2A: "#N/A",
    0x2B: "#GETTING_DATA",
}

# Record types (MS-XLS 2.3).
_BOF, _EOF, _FILEPASS, _BOUNDSHEET, _FORMAT, _XF = 0x0809, 0x000A, 0x002F, 0x0085, 0x041E, 0x00E0
_NUMBER, _RK, _MULRK, _LABELSST, _LABEL, _RSTRING = 0x0203, 0x027E, 0x00BD, 0x00FD, 0x0204, 0x00D6
_BOOLERR, _FORMULA, _DIMENSIONS = 0x0205, 0x0006, 0x0200
#: An .xls sheet has 256 columns (IV) and 65,536 rows.
MAX_COLS, MAX_ROWS = 256, 65_536
_SINGLE = (_NUMBER, _RK, _LABELSST, _LABEL, _RSTRING)
_BIFF8 = 0x0600


class XlsScanError(ValueError):
    """The workbook stream ends inside a record, or a record is shorter than its kind."""


@dataclass
class XlsSheetScan:
    """What one worksheet's records say beyond calamine's values."""

    name: str
    #: Number format of each cell with a value whose format is not General.
    formats: dict[Cell, str] = field(default_factory=dict)
    #: Error value of each cell holding one (a constant or a formula's cached result).
    errors: dict[Cell, str] = field(default_factory=dict)
    #: (first row, first col, last row, last col) of the cells with a value, 1-based.
    span: tuple[int, int, int, int] | None = None
    #: The same, as the sheet's DIMENSIONS record declares it (what calamine allocates).
    declared: tuple[int, int, int, int] | None = None

    @property
    def area(self) -> int:
        return _area(self.span)

    @property
    def declared_area(self) -> int:
        return _area(self.declared)


def _area(box: tuple[int, int, int, int] | None) -> int:
    if box is None:
        return 0
    r0, c0, r1, c1 = box
    return (r1 - r0 + 1) * (c1 - c0 + 1)


def scan(path: str | Path) -> dict[str, XlsSheetScan] | None:
    """Each worksheet's scan by name; None when the file is not a BIFF8 workbook we can walk.

    Raises :class:`XlsScanError` for a workbook stream cut short inside a record.
    """
    import olefile

    try:
        if not olefile.isOleFile(str(path)):
            return None
        with olefile.OleFileIO(str(path)) as ole:
            if not ole.exists("Workbook"):
                return None  # BIFF5 ("Book") or not a workbook
            data = ole.openstream("Workbook").read()
    except Exception:  # a damaged container, however olefile fails on it: calamine decides
        return None
    return scan_stream(data)


def _record(data: bytes, pos: int) -> tuple[int, int, int]:
    """(type, payload start, payload end) of the record at ``pos``."""
    if pos + 4 > len(data):
        raise XlsScanError(f"记录头在偏移 {pos} 处不完整")
    typ, size = struct.unpack_from("<HH", data, pos)
    end = pos + 4 + size
    if end > len(data):
        raise XlsScanError(f"记录 0x{typ:04X}（偏移 {pos}）超出工作簿流的末尾")
    return typ, pos + 4, end


def _unicode(data: bytes, at: int, end: int, cch: int) -> str:
    """An XLUnicodeString's characters (after its count), compressed or UTF-16."""
    if at >= end:
        return ""
    high = data[at] & 0x01
    at += 1
    if high:
        return data[at : min(at + 2 * cch, end)].decode("utf-16-le", "replace")
    return data[at : min(at + cch, end)].decode("latin-1")


def scan_stream(data: bytes) -> dict[str, XlsSheetScan] | None:
    """The scans of a BIFF8 workbook stream's worksheets (see :func:`scan`)."""
    typ, start, end = _record(data, 0)
    if typ != _BOF or end - start < 4 or struct.unpack_from("<H", data, start)[0] != _BIFF8:
        return None
    custom: dict[int, str] = {}
    xf_format_ids: list[int] = []
    sheets: list[tuple[str, int]] = []
    pos = end
    while pos < len(data):
        typ, start, end = _record(data, pos)
        pos = end
        size = end - start
        if typ == _EOF:
            break
        if typ == _FILEPASS:
            return None  # encrypted: the records that follow are not readable as they stand
        if typ == _FORMAT and size >= 4:
            ifmt, cch = struct.unpack_from("<HH", data, start)
            custom[ifmt] = _unicode(data, start + 4, end, cch)
        elif typ == _XF and size >= 4:
            xf_format_ids.append(struct.unpack_from("<H", data, start + 2)[0])
        elif typ == _BOUNDSHEET and size >= 8:
            offset, kind, cch = struct.unpack_from("<IxBB", data, start)
            if kind == 0:  # a worksheet (1 macro sheet, 2 chart, 6 VB module)
                sheets.append((_unicode(data, start + 7, end, cch), offset))
    xf_formats = [
        custom[i] if i in custom else BUILTIN_FORMATS.get(i, "General") for i in xf_format_ids
    ]
    return {name: _scan_sheet(data, offset, name, xf_formats) for name, offset in sheets}


def _scan_sheet(data: bytes, offset: int, name: str, xf_formats: list[str]) -> XlsSheetScan:
    out = XlsSheetScan(name)
    formats, errors = out.formats, out.errors
    n_xf = len(xf_formats)
    r0 = c0 = 1 << 30
    r1 = c1 = -1

    def cell(r: int, c: int, xf: int) -> None:
        nonlocal r0, c0, r1, c1
        if c >= MAX_COLS:
            raise XlsScanError(
                f"工作表“{name}”第 {r + 1} 行的单元格在第 {c + 1} 列，超出 .xls 的 256 列"
            )
        r0, c0, r1, c1 = min(r0, r), min(c0, c), max(r1, r), max(c1, c)
        if xf < n_xf:
            fmt = xf_formats[xf]
            if fmt != "General":
                formats[(r + 1, c + 1)] = fmt

    if offset + 4 > len(data):
        raise XlsScanError(f"工作表“{name}”的记录起点（偏移 {offset}）超出工作簿流")
    pos, depth = offset, 0
    while pos < len(data):
        typ, start, end = _record(data, pos)
        pos = end
        if typ == _BOF:
            depth += 1  # the sheet's own, or an embedded chart's
            continue
        if typ == _EOF:
            depth -= 1
            if depth <= 0:
                break
            continue
        if depth != 1 or end - start < 6:
            continue
        if typ == _DIMENSIONS and end - start >= 12:
            rw0, rw1, cl0, cl1 = struct.unpack_from("<IIHH", data, start)  # last row, col + 1
            if rw1 < rw0 or cl1 < cl0 or rw1 > MAX_ROWS or cl1 > MAX_COLS:
                # calamine would size the sheet from it (an inverted one underflows)
                raise XlsScanError(
                    f"工作表“{name}”声明的单元格范围无效（第 {rw0 + 1}–{rw1} 行、"
                    f"第 {cl0 + 1}–{cl1} 列）"
                )
            if rw1 > rw0 and cl1 > cl0:
                out.declared = (rw0 + 1, cl0 + 1, rw1, cl1)
            continue
        r, c, xf = struct.unpack_from("<HHH", data, start)
        if typ in _SINGLE:
            cell(r, c, xf)
        elif typ == _MULRK:
            last = struct.unpack_from("<H", data, end - 2)[0]
            for i in range(last - c + 1):
                at = start + 4 + 6 * i
                if at + 6 > end - 2:
                    break
                cell(r, c + i, struct.unpack_from("<H", data, at)[0])
        elif typ == _BOOLERR and end - start >= 8:
            cell(r, c, xf)
            if data[start + 7]:
                errors[(r + 1, c + 1)] = ERRORS.get(data[start + 6], "#VALUE!")
        elif typ == _FORMULA and end - start >= 14:
            cell(r, c, xf)
            if data[start + 12 : start + 14] == b"\xff\xff" and data[start + 6] == 2:
                errors[(r + 1, c + 1)] = ERRORS.get(data[start + 8], "#VALUE!")
    if r1 >= 0:
        out.span = (r0 + 1, c0 + 1, r1 + 1, c1 + 1)
    return out
