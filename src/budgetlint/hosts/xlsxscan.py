"""One streaming pass over an .xlsx/.xlsm package: everything the checker reads of it.

python-calamine reads cell values fast, but not the number formats, the formula
texts, cached error values or cell notes, and it holds a sheet as a dense
rectangle (a stray cell at ``XFD1048576`` makes it allocate 500 GB and abort the
process).  Since the pass below reads every cell's raw text anyway, it is the
whole read of an .xlsx (:func:`budgetlint.hosts.calamine_host.read` makes the
values from it).  This module reads, with the standard library only:

- the zip's central directory, checked against the :class:`~budgetlint.hosts.Limits`
  before any part is decompressed (total size, compression ratio, duplicate or
  encrypted parts);
- the package and workbook relationships, ``workbook.xml`` and ``styles.xml``
  (cellXfs → numFmtId → built-in or custom format code), once each;
- each worksheet's XML in **one** streaming pass (expat, 64 KB at a time, never
  the whole part in memory): per cell its type, style and raw ``<v>`` text, its
  formula (shared formulas translated to the cell), cached error values,
  merged ranges; counted against the cell limits as it goes;
- the shared strings, streamed, when a sheet uses them (:meth:`Package.shared_strings`);
- the worksheet's comments part, found through the worksheet's relationships,
  for the cell notes (the explained marker ``【已说明】``);
- the record of what budgetlint's annotate added (``/budgetlint/annotations.json``),
  to know its summary sheet.

Every part is read through :mod:`zipfile`, which stops at the declared size and
checks the CRC, so a part whose header lies about its size is refused.
"""

from __future__ import annotations

import hashlib
import json
import math
import posixpath
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET
from xml.parsers import expat

from budgetlint.grid import MergedRange, address, column_index
from budgetlint.hosts import Limits, ReadError

MAIN_NS = (
    "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "http://purl.oclc.org/ooxml/spreadsheetml/main",  # Strict OOXML
)
R_NS = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "http://purl.oclc.org/ooxml/officeDocument/relationships",
)
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
#: The annotate record (see budgetlint.annotate.record; not imported, to keep the check light).
REL_RECORD = "urn:budgetlint:relationships:annotations"
RECORD_FORMAT = "budgetlint.annotations"
_XML_SPACE = "http://www.w3.org/XML/1998/namespace space"  # xml:space, as expat names it

#: Parts above this size must not compress better than ``max_compression_ratio``.
RATIO_FLOOR = 1024 * 1024
CHUNK = 1 << 16

#: Format codes of the built-in numFmtIds, as openpyxl names them (ECMA-376 §18.8.30) …
BUILTIN_FORMATS: dict[int, str] = {
    0: "General",
    1: "0",
    2: "0.00",
    3: "#,##0",
    4: "#,##0.00",
    5: '"$"#,##0_);("$"#,##0)',
    6: '"$"#,##0_);[Red]("$"#,##0)',
    7: '"$"#,##0.00_);("$"#,##0.00)',
    8: '"$"#,##0.00_);[Red]("$"#,##0.00)',
    9: "0%",
    10: "0.00%",
    11: "0.00E+00",
    12: "# ?/?",
    13: "# ??/??",
    14: "mm-dd-yy",
    15: "d-mmm-yy",
    16: "d-mmm",
    17: "mmm-yy",
    18: "h:mm AM/PM",
    19: "h:mm:ss AM/PM",
    20: "h:mm",
    21: "h:mm:ss",
    22: "m/d/yy h:mm",
    37: "#,##0_);(#,##0)",
    38: "#,##0_);[Red](#,##0)",
    39: "#,##0.00_);(#,##0.00)",
    40: "#,##0.00_);[Red](#,##0.00)",
    41: r'_(* #,##0_);_(* \(#,##0\);_(* "-"_);_(@_)',
    42: r'_("$"* #,##0_);_("$"* \(#,##0\);_("$"* "-"_);_(@_)',
    43: r'_(* #,##0.00_);_(* \(#,##0.00\);_(* "-"??_);_(@_)',
    44: r'_("$"* #,##0.00_)_("$"* \(#,##0.00\)_("$"* "-"??_)_(@_)',
    45: "mm:ss",
    46: "[h]:mm:ss",
    47: "mmss.0",
    48: "##0.0E+0",
    49: "@",
}
#: … and the locale-dependent ids as a zh-CN Excel shows them (dates and times).
BUILTIN_FORMATS.update(
    {
        27: 'yyyy"年"m"月"',
        28: 'm"月"d"日"',
        29: 'm"月"d"日"',
        30: "m-d-yy",
        31: 'yyyy"年"m"月"d"日"',
        32: 'h"时"mm"分"',
        33: 'h"时"mm"分"ss"秒"',
        34: '上午/下午h"时"mm"分"',
        35: '上午/下午h"时"mm"分"ss"秒"',
        36: 'yyyy"年"m"月"',
        50: 'yyyy"年"m"月"',
        51: 'm"月"d"日"',
        52: 'yyyy"年"m"月"',
        53: 'm"月"d"日"',
        54: 'm"月"d"日"',
        55: '上午/下午h"时"mm"分"',
        56: '上午/下午h"时"mm"分"ss"秒"',
        57: 'yyyy"年"m"月"',
        58: 'm"月"d"日"',
    }
)

_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d{1,7})$")
#: An integer literal as openpyxl reads it into an int; up to 17 digits (a double's
#: precision): Excel never writes more, and a longer one stays a float.
_INT = re.compile(r"^[+-]?\d{1,17}$")
MAX_ROW, MAX_COL = 1_048_576, 16_384

Cell = tuple[int, int]


def bad_encoding(e: Exception) -> bool:
    """Whether an XML parser's error is about the encoding the document declares.

    expat and ElementTree raise LookupError for a name no codec has
    (``encoding="UTF88"``) and ValueError for one they cannot stream
    (``encoding="GBK"``, any multi-byte encoding); other ValueErrors are bugs.
    """
    return isinstance(e, LookupError) or (isinstance(e, ValueError) and "encoding" in str(e))


class _Stop(Exception):
    """Raised inside the expat handlers to end a pass with a ReadError message."""


# --- the package ---------------------------------------------------------------------------


@dataclass
class SheetEntry:
    """One worksheet of ``workbook.xml``: its name and its part."""

    name: str
    part: str


@dataclass
class SheetScan:
    """What the pass learnt of one worksheet (every dict keyed by (row, col), 1-based)."""

    name: str
    #: (cell type, raw text) of every cell that holds a value: the ``<v>`` text, or the
    #: inline string's text; ("str", "") for a formula whose cached result is "".
    raw: dict[Cell, tuple[str, str]] = field(default_factory=dict)
    formulas: dict[Cell, str] = field(default_factory=dict)
    formats: dict[Cell, str] = field(default_factory=dict)
    notes: dict[Cell, str] = field(default_factory=dict)
    merged: list[MergedRange] = field(default_factory=list)
    #: Whether a cell refers to the shared strings (they are parsed only then).
    uses_strings: bool = False


class Package:
    """An .xlsx/.xlsm zip checked against the limits, with its workbook and styles read."""

    def __init__(self, path: Path, limits: Limits) -> None:
        self.path = path
        self.limits = limits
        try:
            self.zf = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError) as e:
            raise self.fail(f"工作簿文件已损坏或不完整（{e}）") from None
        try:
            self._index()
            self._check_sizes()
            self._read_workbook()
        except BaseException:
            self.zf.close()
            raise

    def close(self) -> None:
        self.zf.close()

    def __enter__(self) -> Package:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def fail(self, reason: str) -> ReadError:
        return ReadError(f"{self.path}: {reason}")

    # -- the zip's directory, before anything is decompressed ------------------------------

    def _index(self) -> None:
        self.infos: dict[str, zipfile.ZipInfo] = {}  # lower-case part name -> entry
        for info in self.zf.infolist():
            if info.is_dir():
                continue
            key = info.filename.lower()
            if key in self.infos:
                raise self.fail(f"压缩包中部件 {info.filename} 出现了不止一次，无法可靠读取")
            if info.flag_bits & 0x1:
                raise self.fail(
                    f"文件已加密（部件 {info.filename} 已加密），请取消密码保护后再检查"
                )
            self.infos[key] = info
        self.sheet_of_part: dict[str, str] = {}
        self._careful = False  # past a limit: read only small parts, to name a sheet

    def _check_sizes(self) -> None:
        check_sizes(list(self.infos.values()), self.limits, self.fail, self._where_named)

    def _where_named(self, part: str) -> str:
        if not self.sheet_of_part:
            self._name_sheets_quietly()
        return self.where(part)

    def _name_sheets_quietly(self) -> None:
        """Map worksheet parts to sheet names for a message, if the small parts allow it."""
        self._careful = True
        try:
            self._read_workbook(names_only=True)
        except (ReadError, _Stop):
            pass
        finally:
            self._careful = False

    def where(self, part: str) -> str:
        """``工作表“Sheet1”（部件 xl/worksheets/sheet1.xml）`` or ``部件 xl/styles.xml``."""
        sheet = self.sheet_of_part.get(part.lower())
        return f"工作表“{sheet}”（部件 {part}）" if sheet else f"部件 {part}"

    # -- reading parts -----------------------------------------------------------------------

    def info(self, part: str) -> zipfile.ZipInfo | None:
        return self.infos.get(part.lower())

    def read(self, part: str) -> bytes:
        """A whole (small) part: relationships, workbook, styles, comments, the record."""
        info = self.info(part)
        if info is None:
            raise self.fail(f"缺少部件 {part}")
        if self._careful and (
            info.file_size > RATIO_FLOOR or info.file_size > 100 * max(info.compress_size, 1)
        ):
            raise _Stop(part)
        try:
            return self.zf.read(info)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as e:
            raise self.fail(
                f"工作簿文件已损坏：{self.where(info.filename)}无法解压（{e}）"
            ) from None

    def stream(self, part: str) -> Iterator[bytes]:
        """A part in chunks, never more than its declared size (zipfile checks the CRC at the end)."""
        info = self.info(part)
        if info is None:
            raise self.fail(f"缺少部件 {part}")
        read = 0
        try:
            with self.zf.open(info) as fh:
                while chunk := fh.read(CHUNK):
                    read += len(chunk)
                    if read > info.file_size:  # zipfile stops at the declared size; belt and braces
                        raise self.fail(f"{self.where(part)}解压后超过其声明的大小，未读取")
                    yield chunk
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as e:
            raise self.fail(
                f"工作簿文件已损坏：{self.where(info.filename)}无法解压（{e}）"
            ) from None

    def xml(self, part: str) -> ET.Element:
        data = self.read(part)
        try:
            return ET.fromstring(data)
        except ET.ParseError as e:
            raise self.fail(f"{self.where(part)}的 XML 无法解析（{e}）") from None
        except (LookupError, ValueError) as e:
            if not bad_encoding(e):
                raise
            raise self.fail(f"{self.where(part)}的 XML 声明了无法读取的编码（{e}）") from None

    def rels(self, part: str) -> dict[str, tuple[str, str]]:
        """{relationship id: (type, target part)} of ``part`` ('' for the package)."""
        folder, base = posixpath.split(part)
        rels_part = posixpath.join(folder, "_rels", base + ".rels")
        if self.info(rels_part) is None:
            return {}
        out: dict[str, tuple[str, str]] = {}
        for e in self.xml(rels_part):
            if _local(e.tag) != "Relationship" or e.get("TargetMode") == "External":
                continue
            target = e.get("Target", "")
            if target.startswith("/"):
                resolved = posixpath.normpath(target.lstrip("/"))
            else:
                resolved = posixpath.normpath(posixpath.join(folder, target))
            out[e.get("Id", "")] = (e.get("Type", ""), resolved)
        return out

    # -- workbook, styles, record -------------------------------------------------------------

    def _read_workbook(self, names_only: bool = False) -> None:
        lim = self.limits
        root_rels = self.rels("")
        main = next((t for ty, t in root_rels.values() if ty.endswith("/officeDocument")), None)
        if main is None or self.info(main) is None:
            main = "xl/workbook.xml"
        if self.info(main) is None:
            raise self.fail("压缩包中没有 xl/workbook.xml，不是 Excel 工作簿")
        wb = self.xml(main)
        rels = self.rels(main)
        sheets: list[SheetEntry] = []
        for e in wb.iter():
            if _local(e.tag) != "sheet":
                continue
            name = e.get("name", "")
            rid = next((e.get(f"{{{ns}}}id") for ns in R_NS if e.get(f"{{{ns}}}id")), None)
            rel = rels.get(rid or "")
            if rel is None:
                raise self.fail(
                    f"工作表“{name}”在 workbook.xml 中引用的关系 {rid} 不存在，工作簿不完整"
                )
            rtype, part = rel
            if not rtype.endswith("/worksheet"):
                continue  # a chart sheet or a dialog sheet: no cells
            info = self.info(part)
            self.sheet_of_part[part.lower()] = name
            if names_only:
                continue
            if info is None:
                raise self.fail(f"工作表“{name}”的部件 {part} 缺失，工作簿不完整")
            sheets.append(SheetEntry(name, info.filename))
        if names_only:
            return
        if len(sheets) > lim.max_sheets:
            raise self.fail(
                f"共有 {len(sheets)} 张工作表，超过上限 {lim.max_sheets}（设置项 max_sheets），未读取"
            )
        self.sheets = sheets
        pr = next((e for e in wb.iter() if _local(e.tag) == "workbookPr"), None)
        self.date1904 = pr is not None and pr.get("date1904", "").lower() in ("1", "true")
        by_type = {ty.rsplit("/", 1)[-1]: part for ty, part in rels.values()}
        self.styles_part = by_type.get("styles")
        self.strings_part = by_type.get("sharedStrings")
        if self.strings_part is not None and self.info(self.strings_part) is None:
            self.strings_part = None
        self._read_styles()
        self.added_sheets = self._added_sheets(root_rels, sheets)
        self._strings: list[str] | None = None

    def _read_styles(self) -> None:
        """The format code and date-ness of every cellXfs index."""
        self.xf_formats: list[str] = []
        self.xf_dates: list[bool] = []
        if self.styles_part is None or self.info(self.styles_part) is None:
            return
        root = self.xml(self.styles_part)
        custom: dict[int, str] = {}
        xfs: ET.Element | None = None
        for child in root:
            tag = _local(child.tag)
            if tag == "numFmts":
                for nf in child:
                    try:
                        custom[int(nf.get("numFmtId", ""))] = nf.get("formatCode", "")
                    except ValueError:
                        continue
            elif tag == "cellXfs":
                xfs = child
        if xfs is None:
            return
        for xf in xfs:
            try:
                fid = int(xf.get("numFmtId", "0"))
            except ValueError:
                fid = 0
            code = custom[fid] if fid in custom else BUILTIN_FORMATS.get(fid, "General")
            self.xf_formats.append(code)
            self.xf_dates.append(is_date_format(code))

    def _added_sheets(
        self, root_rels: dict[str, tuple[str, str]], sheets: list[SheetEntry]
    ) -> set[str]:
        """Names of the sheets budgetlint's annotate added (its summary), from its record."""
        for rtype, part in root_rels.values():
            if rtype != REL_RECORD or self.info(part) is None:
                continue
            try:
                rec = json.loads(self.read(part).decode("utf-8"))
                summary = rec["summary"] if rec.get("format") == RECORD_FORMAT else None
                want = str(summary["part"]) if summary else ""
                digest = rec.get("added_parts", {}).get(want)
                info = self.info(want)
                # Current only while the summary part is exactly what annotate wrote: a
                # program that re-saves the workbook may keep the record and renumber the
                # parts, and then the record's part is one of the user's own sheets.
                if not digest or info is None:
                    continue
                if hashlib.sha256(self.read(info.filename)).hexdigest() != digest:
                    continue
            except (ReadError, _Stop, ValueError, KeyError, TypeError, AttributeError):
                continue  # an unreadable record: nothing is skipped
            return {s.name for s in sheets if s.part.lower() == want.lower()}
        return set()

    def shared_strings(self) -> list[str]:
        """The shared strings (runs joined, phonetic runs left out), parsed once."""
        if self._strings is not None:
            return self._strings
        out: list[str] = []
        if self.strings_part is not None:
            out = _parse_strings(self, self.strings_part)
        self._strings = out
        return out

    # -- a worksheet ---------------------------------------------------------------------------

    def notes(self, sheet: SheetEntry) -> dict[Cell, str]:
        """The sheet's cell notes (批注), from the comments part its relationships name."""
        out: dict[Cell, str] = {}
        for rtype, part in self.rels(sheet.part).values():
            if not rtype.endswith("/comments") or self.info(part) is None:
                continue
            root = self.xml(part)
            for e in root.iter():
                if _local(e.tag) != "comment":
                    continue
                rc = parse_ref(e.get("ref", ""))
                if rc is None:
                    continue
                text = next((t for t in e if _local(t.tag) == "text"), None)
                content = _rich_text(text) if text is not None else ""
                if len(content) > self.limits.max_cell_chars:
                    raise self.fail(
                        f"工作表“{sheet.name}”单元格 {address(*rc)} 的批注有 {len(content)} 个字符，"
                        f"超过上限 {self.limits.max_cell_chars}（设置项 max_cell_chars），未读取"
                    )
                if content:
                    out[rc] = content
        return out

    def scan(self, sheet: SheetEntry) -> SheetScan:
        """The one streaming pass over ``sheet``'s XML (see the module docstring)."""
        scan = SheetScan(sheet.name, notes=self.notes(sheet))
        _pass(self, sheet, scan)
        _drop_covered(scan)
        return scan


def check_sizes(
    infos: list[zipfile.ZipInfo],
    lim: Limits,
    fail: Callable[[str], ReadError],
    where: Callable[[str], str] = lambda part: f"部件 {part}",
) -> None:
    """The zip directory's declared sizes against the limits, before anything is decompressed."""
    total = sum(i.file_size for i in infos)
    if total > lim.max_bytes:
        big = max(infos, key=lambda i: i.file_size)
        raise fail(
            f"解压后共 {_mb(total)} MB（其中{where(big.filename)}为 {_mb(big.file_size)} MB），"
            f"超过上限 {lim.max_uncompressed_mb:g} MB（设置项 max_uncompressed_mb），未读取"
        )
    for i in infos:
        if i.file_size > RATIO_FLOOR and i.file_size > lim.max_compression_ratio * max(
            i.compress_size, 1
        ):
            ratio = i.file_size / max(i.compress_size, 1)
            raise fail(
                f"{where(i.filename)}的压缩比为 {ratio:.0f}:1（{_mb(i.compress_size)} MB 解压为 "
                f"{_mb(i.file_size)} MB），超过上限 {lim.max_compression_ratio:g}:1"
                "（设置项 max_compression_ratio），疑为压缩炸弹，未读取"
            )


# --- the streaming pass --------------------------------------------------------------------

_C, _V, _F, _IS, _T, _RPH, _ROW, _MERGE = range(8)
_LOCAL_CODES = (
    ("c", _C),
    ("v", _V),
    ("f", _F),
    ("is", _IS),
    ("t", _T),
    ("rPh", _RPH),
    ("row", _ROW),
    ("mergeCell", _MERGE),
)


def _pass(pkg: Package, sheet: SheetEntry, scan: SheetScan) -> None:
    """The one streaming pass over a worksheet's XML, into ``scan``.

    expat calls the three handlers below for every element; their state lives in
    closure variables (the fastest Python has), one cell at a time: a cell is kept
    when it holds a value, a formula or a note, and counted against the limits.
    """
    codes: dict[str, int] = {}  # element name (with the document's prefix) -> code
    raw, formulas, formats, notes = scan.raw, scan.formulas, scan.formats, scan.notes
    note_refs = {address(*rc) for rc in notes}  # "B5": a note's cell, as a <c r=…> names it
    xf_formats = pkg.xf_formats
    n_xf = len(xf_formats)
    max_cells = pkg.limits.max_cells_per_sheet
    max_chars = pkg.limits.max_cell_chars
    col_of = _COLS
    shared: dict[str, tuple[str, Cell]] = {}  # si -> (master formula, master cell)

    row = col = after = cells = chars = rph = 0
    rc: Cell = (0, 0)
    cref: str | None = None  # the address of the row's last cell that gave one
    cattrs: dict[str, str] = {}  # the current <c>'s attributes
    v: str | None = None
    f: str | None = None
    f_type: str | None = None
    f_si: str | None = None
    inline: str | None = None
    in_is = False
    is_parts: list[str] = []
    collect: list[str] | None = None

    def fail(reason: str, at: Cell | None = None) -> _Stop:
        where = f"单元格 {address(*at)} " if at else ""
        return _Stop(f"工作表“{sheet.name}”{where}{reason}")

    def root(name: str, attrs: dict[str, str]) -> None:
        """The root element: the prefixes bound to the main namespace name the elements."""
        for key, uri in attrs.items():
            if uri in MAIN_NS and (key == "xmlns" or key.startswith("xmlns:")):
                prefix = key[6:] + ":" if key != "xmlns" else ""
                codes.update({prefix + local: code for local, code in _LOCAL_CODES})
        p.StartElementHandler = start
        start(name, attrs)

    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal row, col, cref, after, cattrs, collect, chars, f_type, f_si, in_is, is_parts, rph
        code = codes.get(name)
        if code is None:
            return
        if code == _C:
            # Four cells in five are styled and empty: their address is parsed only when
            # one is kept (cell()), or when a later cell without one counts from it.
            cattrs = attrs
            ref = attrs.get("r")
            if ref:
                cref, after = ref, 0
            else:
                after += 1
        elif code == _V:
            collect, chars = [], 0
        elif code == _ROW:
            r_ = attrs.get("r")
            row = int(r_) if r_ and r_.isdigit() else row + 1
            col, cref, after = 0, None, 0
        elif code == _F:
            f_type, f_si = attrs.get("t"), attrs.get("si")
            collect, chars = [], 0
        elif code == _IS:
            in_is, is_parts = True, []
        elif code == _T:
            if in_is and not rph:
                collect, chars = [], 0
        elif code == _RPH:
            rph += 1
        elif code == _MERGE:
            mr = parse_range(attrs.get("ref", ""))
            if mr is not None:
                scan.merged.append(mr)

    def at() -> Cell:
        """The current cell's (row, col), as openpyxl and calamine place it: its address, or
        for a cell without one the row's (from ``<row>``) and one column past the last cell's."""
        if cref is None:
            return (row or 1, col + after)
        letters = cref.rstrip("0123456789")
        c = col_of.get(letters)
        try:
            if c is None:
                c = _column(letters)
            r = int(cref[len(letters) :])
        except ValueError:
            raise fail(f"的单元格地址 “{cref[:20]}” 无效") from None
        if not 1 <= r <= MAX_ROW:
            raise fail(f"的单元格地址 “{cref[:20]}” 无效")
        return (r, c) if not after else (row or 1, c + after)

    def text(data: str) -> None:
        nonlocal chars
        if collect is not None:
            collect.append(data)
            chars += len(data)
            if chars > max_chars:
                raise fail(f"有超过 {max_chars} 个字符（设置项 max_cell_chars），未读取", at())

    def end(name: str) -> None:
        nonlocal collect, v, f, inline, in_is, rph
        code = codes.get(name)
        if code is None:
            return
        if code == _C:
            cell()
            v = f = inline = None
        elif code == _V:
            v = "".join(collect) if collect else ""
            collect = None
        elif code == _F:
            f = "".join(collect) if collect else ""
            collect = None
        elif code == _T:
            if collect is not None:
                is_parts.append("".join(collect))
                collect = None
        elif code == _IS:
            in_is = False
            inline = "".join(is_parts)
        elif code == _RPH:
            rph -= 1

    def cell() -> None:
        nonlocal cells, rc
        if f is None and not v and inline is None:
            # No value and no formula (four cells in five: styled and empty): kept only
            # when a note is on it.  A note's cell is known by its address when it has one.
            if not notes:
                return
            if cref is not None and not after and cref not in note_refs and cref.isupper():
                return  # its address names no note
            rc = at()
            if rc not in notes:
                return
        else:
            rc = at()
        t = cattrs.get("t", "n")
        value: tuple[str, str] | None = None
        if t == "inlineStr":
            if inline is not None:
                value = ("inlineStr", inline)
        elif v:  # an empty <v/> holds no value (openpyxl reads it as None)
            value = (t, v)
        elif v is not None and t == "str" and f is not None:
            value = ("str", "")  # a formula whose cached result is the empty string
        if value is not None or f is not None:
            cells += 1
            if cells > max_cells:
                raise fail(f"的单元格超过 {max_cells} 个（设置项 max_cells_per_sheet），未读取")
        elif rc not in notes:
            return
        if value is not None:
            if t == "s":
                if not v.isdigit() or not v.isascii():
                    raise fail(f"的共享字符串索引 “{v[:20]}” 无效", rc)
                scan.uses_strings = True
            raw[rc] = value
        if f is not None:
            formulas[rc] = formula()
        st = cattrs.get("s")
        s = int(st) if st and st.isdigit() else 0
        if s < n_xf:
            fmt = xf_formats[s]
            if fmt != "General":
                formats[rc] = fmt

    def formula() -> str:
        """``=`` and the formula; a shared formula's translated from its master (as openpyxl)."""
        out = "=" + (f or "")
        if f_type == "shared" and f_si is not None:
            master = shared.get(f_si)
            if master is not None:
                return translate(master[0], master[1], rc)
            if out != "=":
                shared[f_si] = (out, rc)
        return out

    # No namespace processing (it costs a third of the pass): names are matched with the
    # prefixes the root element binds to the main namespace (none, or x: and the like).
    p = expat.ParserCreate()
    p.buffer_text = True
    p.buffer_size = CHUNK
    p.StartElementHandler = root
    p.EndElementHandler = end
    p.CharacterDataHandler = text
    try:
        for chunk in pkg.stream(sheet.part):
            p.Parse(chunk, False)
        p.Parse(b"", True)
    except _Stop as e:
        raise pkg.fail(str(e)) from None
    except expat.ExpatError as e:
        raise pkg.fail(f"工作表“{sheet.name}”的 XML 无法解析（部件 {sheet.part}：{e}）") from None
    except (LookupError, ValueError) as e:
        if not bad_encoding(e):
            raise
        raise pkg.fail(
            f"工作表“{sheet.name}”的 XML 声明了无法读取的编码（部件 {sheet.part}：{e}）"
        ) from None


def _column(letters: str) -> int:
    """'AB' -> 28, cached; ValueError for anything but 1–3 letters within XFD."""
    if not (1 <= len(letters) <= 3 and letters.isalpha() and letters.isascii()):
        raise ValueError(letters)
    n = column_index(letters)
    if not 1 <= n <= MAX_COL:
        raise ValueError(letters)
    _COLS[letters] = n
    return n


def _drop_covered(scan: SheetScan) -> None:
    """Only the top-left cell of a merged range holds anything (as openpyxl reads it)."""
    if not scan.merged:
        return
    stores: tuple[dict[Cell, Any], ...] = (scan.raw, scan.formulas, scan.formats, scan.notes)
    kept = {rc for store in stores for rc in store}
    if not kept:
        return
    rows: dict[int, list[int]] = {}  # row -> the columns of the cells kept on it
    for r, c in kept:
        rows.setdefault(r, []).append(c)
    covered: list[Cell] = []
    for mr in scan.merged:
        if mr.max_row - mr.min_row > len(rows):  # a tall range: look at the kept rows
            spans: Any = (r for r in rows if mr.min_row <= r <= mr.max_row)
        else:
            spans = range(mr.min_row, mr.max_row + 1)
        for r in spans:
            for c in rows.get(r, ()):
                if mr.min_col <= c <= mr.max_col and (r != mr.min_row or c != mr.min_col):
                    covered.append((r, c))
    for rc in covered:
        for store in stores:
            store.pop(rc, None)


def _parse_strings(pkg: Package, part: str) -> list[str]:
    """``<si>`` texts (runs joined, phonetic runs left out), streamed."""
    out: list[str] = []
    state: dict[str, Any] = {"parts": None, "buf": None, "rph": 0, "keep": False}
    limit = pkg.limits.max_cell_chars
    si = {f"{ns} si" for ns in MAIN_NS}
    t = {f"{ns} t" for ns in MAIN_NS}
    rph = {f"{ns} rPh" for ns in MAIN_NS}

    def start(name: str, attrs: dict[str, str]) -> None:
        if name in si:
            state["parts"] = []
        elif name in rph:
            state["rph"] += 1
        elif name in t and state["parts"] is not None and not state["rph"]:
            state["buf"] = []
            state["keep"] = attrs.get(_XML_SPACE) == "preserve"

    def end(name: str) -> None:
        if name in si:
            out.append(unescape("".join(state["parts"] or [])))
            state["parts"] = None
        elif name in rph:
            state["rph"] -= 1
        elif name in t and state["buf"] is not None:
            text = "".join(state["buf"])
            # as calamine reads them: a <t> without xml:space="preserve" is trimmed
            state["parts"].append(text if state["keep"] else text.strip())
            state["buf"] = None

    def text(data: str) -> None:
        buf = state["buf"]
        if buf is not None:
            buf.append(data)
            if sum(map(len, buf)) > limit:
                raise _Stop(
                    f"共享字符串第 {len(out) + 1} 项超过 {limit} 个字符（设置项 max_cell_chars），未读取"
                )

    p = expat.ParserCreate(namespace_separator=" ")
    p.buffer_text = True
    p.StartElementHandler = start
    p.EndElementHandler = end
    p.CharacterDataHandler = text
    try:
        for chunk in pkg.stream(part):
            p.Parse(chunk, False)
        p.Parse(b"", True)
    except _Stop as e:
        raise pkg.fail(str(e)) from None
    except expat.ExpatError as e:
        raise pkg.fail(f"共享字符串（部件 {part}）的 XML 无法解析（{e}）") from None
    except (LookupError, ValueError) as e:
        if not bad_encoding(e):
            raise
        raise pkg.fail(f"共享字符串（部件 {part}）的 XML 声明了无法读取的编码（{e}）") from None
    return out


# --- small helpers -------------------------------------------------------------------------


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.1f}".removesuffix(".0")


def _rich_text(e: ET.Element) -> str:
    """A note's or string's text: its ``<t>`` and its runs' ``<t>`` (phonetic runs left out)."""
    parts: list[str] = []
    for child in e:
        tag = _local(child.tag)
        if tag == "t":
            parts.append(child.text or "")
        elif tag == "r":
            parts.extend(t.text or "" for t in child if _local(t.tag) == "t")
    return "".join(parts)


_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def unescape(s: str) -> str:
    """``_x000D_`` -> ``\\r``: the escapes of characters XML cannot hold (as calamine reads them)."""
    return _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), s) if "_x" in s else s


_COLS: dict[str, int] = {}


def parse_ref(ref: str) -> Cell | None:
    """'B5' -> (5, 2); None when not a cell address inside a worksheet."""
    m = _REF.match(ref)
    if m is None:
        return None
    letters = m.group(1).upper()
    col = _COLS.get(letters)
    if col is None:
        col = _COLS[letters] = column_index(letters)
    row = int(m.group(2))
    if not (1 <= row <= MAX_ROW and 1 <= col <= MAX_COL):
        return None
    return row, col


def parse_range(ref: str) -> MergedRange | None:
    a, _, b = ref.partition(":")
    p, q = parse_ref(a), parse_ref(b or a)
    if p is None or q is None:
        return None
    return MergedRange(min(p[0], q[0]), min(p[1], q[1]), max(p[0], q[0]), max(p[1], q[1]))


# --- number formats --------------------------------------------------------------------------

_STRIP = re.compile(r'".*?"|\[(?!hh?\]|mm?\]|ss?\])[^\]]*\]')
_DATE_CHAR = re.compile(r"(?<![_\\])[dmhysDMHYS]")
_TIMEDELTA = re.compile(r"\[hh?\](:mm(:ss(\.0*)?)?)?|\[mm?\](:ss(\.0*)?)?|\[ss?\](\.0*)?", re.I)


def is_date_format(fmt: str) -> bool:
    """Whether a number format shows a date or time (openpyxl's rule)."""
    first = _STRIP.sub("", fmt.split(";")[0])
    return _DATE_CHAR.search(first) is not None


def is_timedelta_format(fmt: str) -> bool:
    return _TIMEDELTA.search(fmt.split(";")[0]) is not None


# --- shared formulas -------------------------------------------------------------------------

_STRING_OR_SHEET = re.compile(r'"(?:[^"]|"")*"|\'(?:[^\']|\'\')*\'')
_CELL_OR_RANGE = re.compile(
    r"(?<![A-Za-z0-9_.$\\])"
    r"(?:(\$?)([A-Za-z]{1,3})(\$?)(\d+)(?![A-Za-z0-9_(.])"  # A1, $A$1
    r"|(\$?)([A-Za-z]{1,3}):(\$?)([A-Za-z]{1,3})(?![A-Za-z0-9_(.])"  # A:B
    r"|(\$?)(\d+):(\$?)(\d+)(?![A-Za-z0-9_(.]))"  # 1:3
)


def translate(formula: str, origin: Cell, dest: Cell) -> str:
    """A shared formula written for ``origin`` as it reads at ``dest`` (relative refs moved).

    String literals and quoted sheet names are kept; a reference moved off the sheet
    becomes ``#REF!`` (as Excel shows it).
    """
    dr, dc = dest[0] - origin[0], dest[1] - origin[1]
    if not dr and not dc:
        return formula

    def col(absolute: str, letters: str) -> str:
        if absolute:
            return absolute + letters
        n = column_index(letters) + dc
        return _col_letters(n) if 1 <= n <= MAX_COL else "#REF!"

    def row(absolute: str, digits: str) -> str:
        if absolute:
            return absolute + digits
        n = int(digits) + dr
        return str(n) if 1 <= n <= MAX_ROW else "#REF!"

    def move(m: re.Match[str]) -> str:
        g = m.groups()
        if g[1] is not None:
            c, r = col(g[0], g[1]), row(g[2], g[3])
            return "#REF!" if "#REF!" in (c, r) else c + r
        if g[5] is not None:
            a, b = col(g[4], g[5]), col(g[6], g[7])
            return "#REF!" if "#REF!" in (a, b) else f"{a}:{b}"
        a, b = row(g[8], g[9]), row(g[10], g[11])
        return "#REF!" if "#REF!" in (a, b) else f"{a}:{b}"

    out: list[str] = []
    pos = 0
    for m in _STRING_OR_SHEET.finditer(formula):
        out.append(_CELL_OR_RANGE.sub(move, formula[pos : m.start()]))
        out.append(m.group(0))
        pos = m.end()
    out.append(_CELL_OR_RANGE.sub(move, formula[pos:]))
    return "".join(out)


def _col_letters(n: int) -> str:
    letters = ""
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


# --- serial dates (for the sparse read, where calamine does not convert) -----------------------


def serial_to_value(x: float, date1904: bool, fmt: str) -> Any:
    """A number under a date format as calamine gives it: date, datetime, time or timedelta."""
    import datetime as dt

    if not math.isfinite(x):
        return x
    if is_timedelta_format(fmt):
        return dt.timedelta(days=x)
    if date1904:
        epoch = dt.datetime(1904, 1, 1)
    else:
        epoch = dt.datetime(1899, 12, 30) if x >= 60 else dt.datetime(1899, 12, 31)
    try:
        value = epoch + dt.timedelta(days=x)
    except OverflowError:
        return x
    if 0 <= x < 1:
        return value.time()
    if x == int(x):
        return value.date()
    return value
