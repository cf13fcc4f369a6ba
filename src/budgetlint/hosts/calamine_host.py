"""Read saved workbooks into a host-neutral grid (python-calamine for .xls, .xlsb, .ods).

.xlsx / .xlsm: the package is checked and each worksheet scanned once by
:mod:`budgetlint.hosts.xlsxscan` (formats, formulas, error values, merged ranges,
notes, and the raw text of every value); the values are made from those texts
(shared strings resolved, integers ``int`` when the cell stores an integer, floats
``float``, dates under a date format as ``2021年3月4日`` text, a cached error value
as its text ``#DIV/0!``, the cells a merged range covers empty), so that the grid is
what openpyxl's full load gives (the reference, :mod:`budgetlint.hosts.openpyxl_host`).
calamine is not opened for them: it would parse every sheet a second time for the
values the scan has already read (measured: 6 % of a check of 300 sheets).

.xls: calamine's values and merged ranges, and one pass over the workbook's
records by :mod:`budgetlint.hosts.xlsscan` for the number formats, the error
values (calamine reads them as empty) and each sheet's span; formulas (stored
compiled, not as text) and notes are not read.

.xlsb: calamine's values, and from one walk over each sheet's records the error
values calamine reads as empty and the cells' number formats (styles.bin).
.ods: calamine's values, and the error values from a streaming look at content.xml;
no number formats.  Neither gives formulas or notes.

The grid holds only the cells that exist.
"""

from __future__ import annotations

import datetime as _dt
import os
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from budgetlint.grid import EXCEL_ERRORS, Grid, MergedRange, Sheet, address
from budgetlint.hosts import OOXML_SUFFIXES, SUFFIXES, Limits, ReadError
from budgetlint.hosts import xlsxscan as X

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
#: Above this many cells in a sheet's value rectangle, an .xls, .xlsb or .ods sheet is
#: refused before calamine reads it (its dense rectangle costs ~32 bytes a cell, empty or
#: not); an .xlsx is never read into a rectangle.
DENSE_LIMIT = 2_000_000


def read(path: str | Path, limits: Limits | None = None) -> Grid:
    """The grid of the workbook at ``path``; ReadError naming the file (and sheet, cell)."""
    lim = limits or Limits()
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix not in SUFFIXES:
        raise ReadError(f"{p}: 不支持的文件类型 {p.suffix or '(无扩展名)'}")
    head = _head(p)
    if suffix in OOXML_SUFFIXES:
        if head.startswith(_OLE_MAGIC):
            raise ReadError(
                f"{p}: 文件已加密或为旧版 .xls 格式（OLE 复合文档），"
                "请取消密码保护或另存为 .xlsx 后再检查"
            )
        if not head.startswith(b"PK"):
            raise ReadError(f"{p}: 不是 Excel 工作簿（不是 .xlsx 压缩包）")
        return _read_ooxml(p, lim)
    if suffix == ".xls":
        if not head.startswith(_OLE_MAGIC):
            raise ReadError(
                f"{p}: 不是 Excel 97-2003 工作簿（内容不是 OLE 复合文档，可能是网页或文本导出的文件），"
                "请在 Excel 中另存为 .xlsx 后再检查"
            )
        size = os.stat(p).st_size
        if size > lim.max_bytes:
            raise ReadError(
                f"{p}: 文件大小 {X._mb(size)} MB 超过上限 {lim.max_uncompressed_mb:g} MB"
                "（设置项 max_uncompressed_mb），未读取"
            )
        return _read_plain(p, lim, *_scan_xls(p))
    # .xlsb, .ods: zip packages; check their directory before calamine reads them
    if not head.startswith(b"PK"):
        raise ReadError(f"{p}: 不是 {suffix} 工作簿（不是压缩包），文件已损坏或类型不符")
    return _read_plain(p, lim, *_check_zip(p, lim, kind=suffix))


def _head(p: Path) -> bytes:
    try:
        with p.open("rb") as fh:
            return fh.read(8)
    except OSError as e:
        raise ReadError(f"{p}: 无法打开文件（{e.strerror}）") from None


# --- .xlsx / .xlsm -------------------------------------------------------------------------


def _read_ooxml(p: Path, lim: Limits) -> Grid:
    """An .xlsx/.xlsm from its one scan: the pass reads every value's text, so calamine
    (which would parse every sheet a second time) is not opened for it."""
    with X.Package(p, lim) as pkg:
        scans = [pkg.scan(s) for s in pkg.sheets]
        strings = pkg.shared_strings() if any(s.uses_strings for s in scans) else []
        date1904 = pkg.date1904
        xf_formats = pkg.xf_formats
        added = pkg.added_sheets
    grid = Grid(path=str(p), added_sheets=added)
    for scan in scans:
        sheet = Sheet(
            name=scan.name,
            formulas=scan.formulas,
            formats=scan.formats,
            merged=scan.merged,
            notes=scan.notes,
        )
        _fill_from_scan(p, sheet, scan, strings, date1904, xf_formats)
        grid.sheets.append(sheet)
    return grid


def _open_calamine(p: Path) -> Any:
    import python_calamine as pc

    try:
        return pc.CalamineWorkbook.from_path(str(p))
    except pc.PasswordError:
        raise ReadError(f"{p}: 文件已加密，请取消密码保护后再检查") from None
    except Exception as e:  # CalamineError, ZipError, XmlError, …: one line, no traceback
        raise ReadError(f"{p}: 无法读取工作簿（{type(e).__name__}: {e}）") from None
    except BaseException as e:  # a Rust panic surfaces as pyo3's PanicException (a BaseException)
        if isinstance(e, KeyboardInterrupt | SystemExit | GeneratorExit):
            raise
        raise ReadError(f"{p}: 工作簿文件已损坏，解析器中止（{type(e).__name__}）") from None


def _calamine_rows(p: Path, book: Any, name: str) -> tuple[Any, int, int, list[list[Any]]]:
    """(sheet, first row, first col, rows) of a sheet as calamine holds it (1-based origin)."""
    try:
        sh = book.get_sheet_by_name(name)
        rows = sh.to_python()
    except Exception as e:
        raise ReadError(f"{p}: 工作表“{name}”无法读取（{type(e).__name__}: {e}）") from None
    except BaseException as e:  # pyo3's PanicException
        if isinstance(e, KeyboardInterrupt | SystemExit | GeneratorExit):
            raise
        raise ReadError(f"{p}: 工作表“{name}”已损坏，解析器中止（{type(e).__name__}）") from None
    start = sh.start or (0, 0)
    return sh, start[0] + 1, start[1] + 1, rows


def _fill_from_scan(
    p: Path,
    sheet: Sheet,
    scan: X.SheetScan,
    strings: list[str],
    date1904: bool,
    xf_formats: list[str],
) -> None:
    """Values from the scan's raw texts, as openpyxl's full load (the reference) reads them:
    shared strings resolved, integers ``int``, dates under a date format as text."""
    cells = sheet.cells
    for rc, (t, text) in scan.raw.items():
        v: Any
        if t == "s":
            i = int(text)
            if i >= len(strings):
                raise ReadError(
                    f"{p}: 工作表“{scan.name}”单元格 {address(*rc)} 的共享字符串索引 {i} 超出范围"
                    f"（共享字符串表只有 {len(strings)} 项）"
                )
            v = strings[i]
        elif t in ("inlineStr", "str", "e"):
            v = text  # as the calamine read takes them (from the scan)
        elif t == "b":
            v = text.strip() in ("1", "true")
        elif t == "d":
            try:
                v = _normal(_dt.datetime.fromisoformat(text.strip()))
            except ValueError:
                v = text
        else:
            try:
                num: float | int = int(text) if X._INT.match(text) else float(text)
            except ValueError:
                continue  # calamine reads an unreadable number as nothing
            fmt = sheet.formats.get(rc)
            v = num
            if fmt is not None and X.is_date_format(fmt):
                v = _normal(X.serial_to_value(float(num), date1904, fmt))
        cells[rc] = v


def _too_long(p: Path, sheet: str, rc: tuple[int, int], n: int, lim: Limits) -> ReadError:
    return ReadError(
        f"{p}: 工作表“{sheet}”单元格 {address(*rc)} 有 {n} 个字符，超过上限 {lim.max_cell_chars}"
        "（设置项 max_cell_chars），未读取"
    )


def _normal(v: Any) -> Any:
    """Dates as the value grammar reads them (text); other non-scalars as text."""
    if isinstance(v, (_dt.datetime, _dt.date)):
        return f"{v.year}年{v.month}月{v.day}日"
    if v is not None and not isinstance(v, (str, int, float, bool)):
        return str(v)
    return v


# --- .xls / .xlsb / .ods -------------------------------------------------------------------


def _check_zip(
    p: Path, lim: Limits, *, kind: str
) -> tuple[dict[str, dict[tuple[int, int], str]], dict[str, dict[tuple[int, int], str]]]:
    """The zip's declared sizes, and each sheet's range (calamine allocates its rectangle).

    .xlsb: the range each sheet declares (BrtWsDim), and from a walk over the sheet's
    records its error cells and its cells' number formats.  .ods: the cells with a
    value, from a quick streaming look at content.xml (calamine reads it after us),
    which also gives the cells holding an error value.  calamine reads an error cell
    as empty.  Returns (errors, formats), each sheet -> cell -> the error as printed
    (``#DIV/0!``) or the number format (not General).
    """
    errors: dict[str, dict[tuple[int, int], str]] = {}
    formats: dict[str, dict[tuple[int, int], str]] = {}
    import zipfile

    try:
        with zipfile.ZipFile(p) as zf:
            infos = [i for i in zf.infolist() if not i.is_dir()]
            X.check_sizes(infos, lim, lambda reason: ReadError(f"{p}: {reason}"))
            if kind == ".xlsb":
                ranges = []
                xf_formats = _xlsb_xf_formats(zf)
                for name, part in _xlsb_sheets(zf):
                    ranges.append((name, _xlsb_dimension(zf, part)))
                    errors[name], formats[name] = _xlsb_cells(zf, part, xf_formats)
            else:
                ranges = _ods_ranges(zf, lim, errors)
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, LookupError, zlib.error) as e:
        raise ReadError(f"{p}: 工作簿文件已损坏或不完整（{e}）") from None
    except SyntaxError as e:  # ElementTree's ParseError, in a relationships part
        raise ReadError(f"{p}: 工作簿文件已损坏，关系部件的 XML 无法解析（{e}）") from None
    for name, dims in ranges:
        if dims is None:
            continue
        r0, c0, r1, c1 = dims
        if (r1 - r0 + 1) * (c1 - c0 + 1) > DENSE_LIMIT:
            raise ReadError(
                f"{p}: 工作表“{name}”的单元格范围 {address(r0, c0)}:{address(r1, c1)} 过大，"
                f"{kind} 工作表只能整块读取，请删除范围外多余的单元格或另存为 .xlsx 后再检查"
            )
    return errors, formats


_ODS_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_ODS_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_ODS_CALCEXT = "urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0"


def _ods_ranges(
    zf: Any, lim: Limits, errors: dict[str, dict[tuple[int, int], str]] | None = None
) -> list[tuple[str, tuple[int, int, int, int] | None]]:
    """(name, range of the cells with a value) of each table of an .ods, streamed.

    Cells whose value type is an error (``calcext:value-type="error"``, what LibreOffice
    writes for a formula that failed) go into ``errors`` with their printed text.
    """
    from xml.parsers import expat

    info = next((i for i in zf.infolist() if i.filename == "content.xml"), None)
    if info is None:
        return []
    out: list[tuple[str, tuple[int, int, int, int] | None]] = []
    table, row, col, rows_rep = "", 0, 0, 1
    box: list[int] | None = None
    t_table, t_row = f"{_ODS_TABLE} table", f"{_ODS_TABLE} table-row"
    t_cells = (f"{_ODS_TABLE} table-cell", f"{_ODS_TABLE} covered-table-cell")
    a_name = f"{_ODS_TABLE} name"
    a_rows, a_cols = f"{_ODS_TABLE} number-rows-repeated", f"{_ODS_TABLE} number-columns-repeated"
    a_type, a_formula = f"{_ODS_OFFICE} value-type", f"{_ODS_TABLE} formula"
    a_calc = f"{_ODS_CALCEXT} value-type"
    error_at: tuple[int, int] | None = None  # the error cell whose text is being read
    error_text: list[str] = []

    def count(v: str | None) -> int:
        return int(v) if v and v.isdigit() else 1

    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal table, row, col, rows_rep, box, error_at
        if name == t_row:
            rows_rep = count(attrs.get(a_rows))
            col = 0
        elif name in t_cells:
            n = count(attrs.get(a_cols))
            if errors is not None and attrs.get(a_calc) == "error":
                error_at, error_text[:] = (row + 1, col + 1), []
            if a_type in attrs or a_formula in attrs:
                r0, r1, c0, c1 = row + 1, row + rows_rep, col + 1, col + n
                if box is None:
                    box = [r0, c0, r1, c1]
                else:
                    box = [min(box[0], r0), min(box[1], c0), max(box[2], r1), max(box[3], c1)]
            col += n
        elif name == t_table:
            table, row, box = attrs.get(a_name, ""), 0, None

    def text(data: str) -> None:
        if error_at is not None:
            error_text.append(data)

    def end(name: str) -> None:
        nonlocal row, error_at
        if name in t_cells and error_at is not None:
            shown = "".join(error_text).strip()
            if errors is not None and shown in EXCEL_ERRORS:
                errors.setdefault(table, {})[error_at] = shown
            error_at = None
        elif name == t_row:
            row += rows_rep
        elif name == t_table:
            out.append((table, tuple(box) if box else None))  # type: ignore[arg-type]

    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    try:
        with zf.open(info) as fh:
            while chunk := fh.read(1 << 16):
                parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except expat.ExpatError as e:
        raise ValueError(f"content.xml 无法解析（{e}）") from None
    except (LookupError, ValueError) as e:
        if not X.bad_encoding(e):
            raise
        raise ValueError(f"content.xml 声明了无法读取的编码（{e}）") from None
    return out


def _xlsb_records(data: bytes) -> Iterator[tuple[int, bytes]]:
    """(record type, payload) of a BIFF12 stream, as far as ``data`` goes."""
    i, n = 0, len(data)
    while i < n:
        typ = data[i]
        i += 1
        if typ & 0x80:
            if i >= n:
                return
            typ = (typ & 0x7F) | (data[i] << 7)
            i += 1
        size = shift = 0
        for _ in range(4):
            if i >= n:
                return
            b = data[i]
            i += 1
            size |= (b & 0x7F) << shift
            shift += 7
            if not b & 0x80:
                break
        if i + size > n:
            return
        yield typ, data[i : i + size]
        i += size


def _xlsb_rels(zf: Any) -> tuple[dict[str, str], dict[str, tuple[str, str]]]:
    """(part names by lower-case name, {id: (type, part)} of xl/workbook.bin's relationships)."""
    import posixpath
    from xml.etree import ElementTree as ET

    names = {i.filename.lower(): i.filename for i in zf.infolist()}
    rels_part = names.get("xl/_rels/workbook.bin.rels")
    if rels_part is None:
        return names, {}
    rels = {
        e.get("Id", ""): (
            e.get("Type", ""),
            posixpath.normpath(posixpath.join("xl", e.get("Target", ""))),
        )
        for e in ET.fromstring(zf.read(rels_part))
    }
    return names, rels


def _xlsb_sheets(zf: Any) -> list[tuple[str, str]]:
    """(name, part) of an .xlsb's worksheets, from xl/workbook.bin and its relationships."""
    import struct

    names, rels = _xlsb_rels(zf)
    wb_part = names.get("xl/workbook.bin")
    if not rels or wb_part is None:
        return []
    targets = {rid: part for rid, (_type, part) in rels.items()}
    out = []
    for typ, rec in _xlsb_records(zf.read(wb_part)):
        if typ != 0x9C or len(rec) < 12:  # BrtBundleSh
            continue
        n = struct.unpack_from("<I", rec, 8)[0]
        if n == 0xFFFFFFFF or 12 + 2 * n + 4 > len(rec):
            continue
        rid = rec[12 : 12 + 2 * n].decode("utf-16-le", "replace")
        m = struct.unpack_from("<I", rec, 12 + 2 * n)[0]
        name = rec[16 + 2 * n : 16 + 2 * n + 2 * m].decode("utf-16-le", "replace")
        part = names.get(targets.get(rid, "").lower())
        if part is not None and "/worksheets/" in part:
            out.append((name, part))
    return out


def _xlsb_dimension(zf: Any, part: str) -> tuple[int, int, int, int] | None:
    """The sheet's declared range (BrtWsDim), 1-based, from the first bytes of its part."""
    import struct

    with zf.open(part) as fh:
        head = fh.read(4096)
    for typ, rec in _xlsb_records(head):
        if typ == 0x94 and len(rec) >= 16:  # BrtWsDim: rwFirst, rwLast, colFirst, colLast
            r0, r1, c0, c1 = struct.unpack_from("<IIII", rec)
            return r0 + 1, c0 + 1, r1 + 1, c1 + 1
        if typ == 0x91:  # BrtBeginSheetData: no dimension before the cells
            return None
    return None


def _scan_xls(
    p: Path,
) -> tuple[dict[str, dict[tuple[int, int], str]], dict[str, dict[tuple[int, int], str]]]:
    """(error cells, number formats) of an .xls's worksheets by name, from one pass over
    its records (:mod:`budgetlint.hosts.xlsscan`); a sheet whose cells span a rectangle
    too large for calamine is refused here, before calamine allocates it."""
    from budgetlint.hosts import xlsscan

    try:
        scans = xlsscan.scan(p)
    except xlsscan.XlsScanError as e:
        raise ReadError(f"{p}: 工作簿文件已损坏或不完整（{e}）") from None
    if scans is None:  # BIFF5, encrypted, or a container olefile cannot read: calamine decides
        return {}, {}
    for sc in scans.values():
        box = sc.declared if sc.declared_area > sc.area else sc.span
        if max(sc.area, sc.declared_area) > DENSE_LIMIT and box is not None:
            r0, c0, r1, c1 = box
            raise ReadError(
                f"{p}: 工作表“{sc.name}”的单元格范围 {address(r0, c0)}:{address(r1, c1)} 过大，"
                ".xls 工作表只能整块读取，请删除范围外多余的单元格或另存为 .xlsx 后再检查"
            )
    return {n: sc.errors for n, sc in scans.items()}, {n: sc.formats for n, sc in scans.items()}


#: BIFF12 cell records that hold a value (BrtCellRk … BrtFmlaError; 1 is BrtCellBlank).
_XLSB_VALUE_CELLS = frozenset(range(2, 12))


def _xlsb_cells(
    zf: Any, part: str, xf_formats: list[str]
) -> tuple[dict[tuple[int, int], str], dict[tuple[int, int], str]]:
    """(error cells, number formats) of an .xlsb sheet, from one walk over its records.

    Errors: BrtCellError constants and BrtFmlaError results.  Formats: each cell with a
    value whose style (the low 24 bits after its column) names a format other than General.
    """
    import struct

    from budgetlint.hosts.xlsscan import ERRORS

    errors: dict[tuple[int, int], str] = {}
    formats: dict[tuple[int, int], str] = {}
    n_xf = len(xf_formats)
    row = 0
    for typ, rec in _xlsb_records(zf.read(part)):
        if typ == 0x00 and len(rec) >= 4:  # BrtRowHdr: the row of the cells that follow
            row = struct.unpack_from("<I", rec)[0] + 1
        elif typ in _XLSB_VALUE_CELLS and len(rec) >= 8:
            col, style = struct.unpack_from("<II", rec)
            xf = style & 0xFFFFFF
            if xf < n_xf and xf_formats[xf] != "General":
                formats[(row, col + 1)] = xf_formats[xf]
            if typ in (0x03, 0x0B) and len(rec) >= 9:  # BrtCellError, BrtFmlaError
                errors[(row, col + 1)] = ERRORS.get(rec[8], "#VALUE!")
    return errors, formats


def _xlsb_xf_formats(zf: Any) -> list[str]:
    """The number format of each cell style (cellXfs) of an .xlsb, from its styles part."""
    import struct

    names, rels = _xlsb_rels(zf)
    target = next((part for typ, part in rels.values() if typ.endswith("/styles")), None)
    part = names.get(target.lower()) if target else None
    if part is None:
        return []
    custom: dict[int, str] = {}
    ids: list[int] = []
    in_cell_xfs = False
    for typ, rec in _xlsb_records(zf.read(part)):
        if typ == 0x2C and len(rec) >= 6:  # BrtFmt: ifmt, then the code as an XLWideString
            ifmt, n = struct.unpack_from("<HI", rec)
            custom[ifmt] = rec[6 : 6 + 2 * n].decode("utf-16-le", "replace")
        elif typ == 0x269:  # BrtBeginCellXFs
            in_cell_xfs = True
        elif typ == 0x26A:  # BrtEndCellXFs
            in_cell_xfs = False
        elif typ == 0x2F and in_cell_xfs and len(rec) >= 4:  # BrtXF: ixfeParent, iFmt
            ids.append(struct.unpack_from("<H", rec, 2)[0])
    return [custom[i] if i in custom else X.BUILTIN_FORMATS.get(i, "General") for i in ids]


def _read_plain(
    p: Path,
    lim: Limits,
    errors: dict[str, dict[tuple[int, int], str]] | None = None,
    formats: dict[str, dict[tuple[int, int], str]] | None = None,
) -> Grid:
    """.xls, .xlsb, .ods through calamine.

    ``errors``: the error cells calamine reads as empty, ``formats``: the cells'
    number formats (.xls, .xlsb), each by sheet name.
    """
    import python_calamine as pc

    book = _open_calamine(p)
    grid = Grid(path=str(p))
    try:
        names = [m.name for m in book.sheets_metadata if m.typ == pc.SheetTypeEnum.WorkSheet]
        if len(names) > lim.max_sheets:
            raise ReadError(
                f"{p}: 共有 {len(names)} 张工作表，超过上限 {lim.max_sheets}（设置项 max_sheets），未读取"
            )
        for name in names:
            sh, r0, c0, rows = _calamine_rows(p, book, name)
            r1, c1 = r0 + len(rows) - 1, c0 + max(map(len, rows), default=0) - 1
            if r1 > X.MAX_ROW or c1 > X.MAX_COL:  # only a damaged file places a cell there
                raise ReadError(
                    f"{p}: 工作表“{name}”的单元格位置超出 Excel 的范围（第 {r1} 行、第 {c1} 列），"
                    "文件已损坏"
                )
            sheet = Sheet(name=name, formats=dict((formats or {}).get(name, {})))
            count = 0
            for i, row in enumerate(rows):
                for j, v in enumerate(row):
                    if isinstance(v, str):
                        if v == "":
                            continue
                        if len(v) > lim.max_cell_chars:
                            raise _too_long(p, name, (r0 + i, c0 + j), len(v), lim)
                    elif isinstance(v, float):
                        if v.is_integer():
                            v = int(v)
                    elif not isinstance(v, (int, bool)):
                        v = _normal(v)
                    count += 1
                    if count > lim.max_cells_per_sheet:
                        raise ReadError(
                            f"{p}: 工作表“{name}”的单元格超过 {lim.max_cells_per_sheet} 个"
                            "（设置项 max_cells_per_sheet），未读取"
                        )
                    sheet.cells[(r0 + i, c0 + j)] = v
            sheet.cells.update((errors or {}).get(name, {}))  # as a cached error reads
            merged = sh.merged_cell_ranges or []
            sheet.merged = [MergedRange(a[0] + 1, a[1] + 1, b[0] + 1, b[1] + 1) for a, b in merged]
            for mr in sheet.merged:
                top = (mr.min_row, mr.min_col)
                for rc in [k for k in sheet.cells if k != top and k in mr]:
                    del sheet.cells[rc]
            grid.sheets.append(sheet)
    finally:
        book.close()
    return grid
