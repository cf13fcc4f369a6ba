"""Small workbooks built by hand (zipfile), for the reader's tests: valid, odd and broken ones.

- :func:`book` writes a minimal .xlsx from worksheet ``<sheetData>`` rows, with optional
  shared strings, number formats and notes;
- :func:`patch` rewrites a workbook with some parts changed or removed;
- :func:`write_zip` writes a zip entry by entry, each either deflated here or given as
  a raw deflate stream with whatever sizes it declares (zip bombs, lying headers);
- :func:`bomb_stream` is a deflate stream of a sheet that expands ~1000-fold, built
  from one repeated block so that making it costs milliseconds.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def sheet_xml(rows: str, merged: tuple[str, ...] = ()) -> str:
    merge = ""
    if merged:
        merge = (
            f'<mergeCells count="{len(merged)}">'
            + "".join(f'<mergeCell ref="{m}"/>' for m in merged)
            + "</mergeCells>"
        )
    return f'{DECL}<worksheet xmlns="{MAIN}" xmlns:r="{R}"><sheetData>{rows}</sheetData>{merge}</worksheet>'


def styles_xml(formats: tuple[tuple[int, str], ...] = (), xfs: tuple[int, ...] = (0,)) -> str:
    """cellXfs with the given numFmtIds (index 0 first) and custom formats."""
    nf = ""
    if formats:
        nf = (
            f'<numFmts count="{len(formats)}">'
            + "".join(
                f"<numFmt numFmtId={quoteattr(str(i))} formatCode={quoteattr(code)}/>"
                for i, code in formats
            )
            + "</numFmts>"
        )
    cell_xfs = "".join(f'<xf numFmtId="{i}" fontId="0" fillId="0" borderId="0"/>' for i in xfs)
    return (
        f'{DECL}<styleSheet xmlns="{MAIN}">{nf}'
        '<fonts count="1"><font><sz val="11"/><name val="宋体"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        f'<cellXfs count="{len(xfs)}">{cell_xfs}</cellXfs></styleSheet>'
    )


def strings_xml(strings: list[str]) -> str:
    items = "".join(f'<si><t xml:space="preserve">{escape(s)}</t></si>' for s in strings)
    return f'{DECL}<sst xmlns="{MAIN}" count="{len(strings)}" uniqueCount="{len(strings)}">{items}</sst>'


def comments_xml(notes: list[tuple[str, str]]) -> str:
    items = "".join(
        f'<comment ref="{ref}" authorId="0"><text><r><t xml:space="preserve">{escape(text)}</t></r></text></comment>'
        for ref, text in notes
    )
    return (
        f'{DECL}<comments xmlns="{MAIN}"><authors><author>审核</author></authors>'
        f"<commentList>{items}</commentList></comments>"
    )


def book_parts(
    sheets: dict[str, str],
    *,
    strings: list[str] | None = None,
    styles: str | None = None,
    notes: dict[str, list[tuple[str, str]]] | None = None,
) -> dict[str, bytes]:
    """The parts of a minimal workbook; ``sheets`` maps names to full worksheet XML."""
    notes = notes or {}
    ct = [
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>',
        '<Default Extension="xml" ContentType="application/xml"/>',
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>',
    ]
    parts: dict[str, bytes] = {}
    wb_rels = []
    entries = []
    for i, (name, xml) in enumerate(sheets.items(), start=1):
        part = f"xl/worksheets/sheet{i}.xml"
        parts[part] = xml.encode()
        ct.append(
            f'<Override PartName="/{part}" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        )
        wb_rels.append(
            f'<Relationship Id="rId{i}" Type="{R}/worksheet" Target="worksheets/sheet{i}.xml"/>'
        )
        entries.append(f'<sheet name={quoteattr(name)} sheetId="{i}" r:id="rId{i}"/>')
        if name in notes:
            parts[f"xl/comments{i}.xml"] = comments_xml(notes[name]).encode()
            ct.append(
                f'<Override PartName="/xl/comments{i}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"/>'
            )
            parts[f"xl/worksheets/_rels/sheet{i}.xml.rels"] = (
                f'{DECL}<Relationships xmlns="{PKG}"><Relationship Id="rIdC" Type="{R}/comments" '
                f'Target="../comments{i}.xml"/></Relationships>'
            ).encode()
    n = len(sheets)
    if styles is not None:
        parts["xl/styles.xml"] = styles.encode()
        ct.append(
            '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        )
        wb_rels.append(f'<Relationship Id="rId{n + 1}" Type="{R}/styles" Target="styles.xml"/>')
    if strings is not None:
        parts["xl/sharedStrings.xml"] = strings_xml(strings).encode()
        ct.append(
            '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
        )
        wb_rels.append(
            f'<Relationship Id="rId{n + 2}" Type="{R}/sharedStrings" Target="sharedStrings.xml"/>'
        )
    parts["[Content_Types].xml"] = (
        f'{DECL}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        + "".join(ct)
        + "</Types>"
    ).encode()
    parts["_rels/.rels"] = (
        f'{DECL}<Relationships xmlns="{PKG}"><Relationship Id="rId1" '
        f'Type="{R}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    ).encode()
    parts["xl/workbook.xml"] = (
        f'{DECL}<workbook xmlns="{MAIN}" xmlns:r="{R}"><sheets>{"".join(entries)}</sheets></workbook>'
    ).encode()
    parts["xl/_rels/workbook.xml.rels"] = (
        f'{DECL}<Relationships xmlns="{PKG}">{"".join(wb_rels)}</Relationships>'
    ).encode()
    return parts


def book(path: Path, sheets: dict[str, str], **kw: object) -> Path:
    """A minimal .xlsx (see :func:`book_parts`)."""
    return write_parts(path, book_parts(sheets, **kw))  # type: ignore[arg-type]


def write_parts(path: Path, parts: dict[str, bytes]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return path


def read_parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {i.filename: z.read(i) for i in z.infolist() if not i.is_dir()}


def patch(src: Path, dst: Path, edit: Callable[[dict[str, bytes]], dict[str, bytes]]) -> Path:
    """``src`` with its parts passed through ``edit`` (return the parts to write)."""
    return write_parts(dst, edit(read_parts(src)))


def inline(ref: str, text: str, style: int | None = None) -> str:
    s = f' s="{style}"' if style is not None else ""
    return f'<c r="{ref}"{s} t="inlineStr"><is><t>{escape(text)}</t></is></c>'


# --- zips written entry by entry -------------------------------------------------------------


@dataclass
class Entry:
    """One zip entry: ``data`` deflated here, or ``raw`` (a deflate stream) with declared sizes."""

    name: str
    data: bytes | None = None
    raw: bytes | None = None
    file_size: int | None = None  # declared uncompressed size (for raw)
    crc: int = 0  # declared CRC-32 (for raw)


def write_zip(path: Path, entries: list[Entry]) -> Path:
    out = bytearray()
    central = bytearray()
    for e in entries:
        name = e.name.encode()
        if e.raw is None:
            assert e.data is not None
            co = zlib.compressobj(6, zlib.DEFLATED, -15)
            comp = co.compress(e.data) + co.flush()
            crc, usize = zlib.crc32(e.data), len(e.data)
        else:
            comp, crc = e.raw, e.crc
            usize = e.file_size if e.file_size is not None else 0
        offset = len(out)
        out += struct.pack(
            "<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, len(comp), usize, len(name), 0
        )
        out += name + comp
        central += struct.pack(
            "<IHHHHHHIIIHHHHHII",
            0x02014B50,
            20,
            20,
            0,
            8,
            0,
            0x21,
            crc,
            len(comp),
            usize,
            len(name),
            0,
            0,
            0,
            0,
            0,
            offset,
        )
        central += name
    cd_offset = len(out)
    out += central
    out += struct.pack(
        "<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(central), cd_offset, 0
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(bytes(out))
    return path


def bomb_stream(head: bytes, tail: bytes, mib: int) -> bytes:
    """A raw deflate stream of ``head + b" " * mib MiB + tail``, ~1 KB per MiB of spaces.

    Each piece ends with a full flush (byte-aligned, no reference back), so one
    compressed MiB of spaces can be repeated as often as wanted.
    """

    def piece(data: bytes, last: bool = False) -> bytes:
        co = zlib.compressobj(9, zlib.DEFLATED, -15)
        return co.compress(data) + co.flush(zlib.Z_FINISH if last else zlib.Z_FULL_FLUSH)

    body = piece(b" " * (1 << 20))
    return piece(head) + body * mib + piece(tail, last=True)


def ok_parts_for(sheet_entry_xml: bytes | None = None) -> dict[str, bytes]:
    """The parts of a one-sheet workbook named S1, its sheet XML left out (to add raw)."""
    parts = book_parts({"S1": sheet_xml("")})
    if sheet_entry_xml is None:
        del parts["xl/worksheets/sheet1.xml"]
    else:
        parts["xl/worksheets/sheet1.xml"] = sheet_entry_xml
    return parts


# --- .xlsb (BIFF12 records), written by hand ----------------------------------------------------


def _record(typ: int, payload: bytes = b"") -> bytes:
    out = bytearray([typ] if typ < 0x80 else [(typ & 0x7F) | 0x80, typ >> 7])
    n = len(payload)
    while True:
        b, n = n & 0x7F, n >> 7
        out.append(b | 0x80 if n else b)
        if not n:
            break
    return bytes(out) + payload


def _wide(s: str) -> bytes:
    return struct.pack("<I", len(s)) + s.encode("utf-16-le")


@dataclass(frozen=True)
class XlsbError:
    """An error value in :func:`xlsb`'s cells."""

    text: str
    formula: bool = False


XLSB_ERROR_CODES = {"#NULL!": 0x00, "#DIV/0!": 0x07, "#VALUE!": 0x0F, "#REF!": 0x17, "#N/A": 0x2A}


def xlsb(
    path: Path,
    sheets: dict[str, dict[tuple[int, int], object]],
    dims: dict[str, str] | None = None,
    formats: dict[str, dict[tuple[int, int], str]] | None = None,
) -> Path:
    """A minimal .xlsb: numbers (BrtCellReal), texts (BrtCellSt), and error values given as
    ``XlsbError("#DIV/0!")`` (BrtCellError), or ``XlsbError("#N/A", formula=True)`` for a
    formula's cached error (BrtFmlaError); 1-based (row, col) keys.

    ``dims`` overrides a sheet's declared dimension (BrtWsDim), e.g. ``"A1:XFD1048576"``;
    ``formats`` gives cells number formats (custom codes in xl/styles.bin, one cell
    style each).
    """
    wb = b""
    rels = []
    parts: dict[str, bytes] = {}
    codes = sorted({f for cells in (formats or {}).values() for f in cells.values()})
    style_of = {code: i + 1 for i, code in enumerate(codes)}  # cell style 0 is General
    if codes:
        fmts = b"".join(
            _record(0x2C, struct.pack("<H", 164 + i) + _wide(code)) for i, code in enumerate(codes)
        )
        xfs = b"".join(
            _record(0x2F, struct.pack("<HH", 0, ifmt) + b"\0" * 12)
            for ifmt in [0, *range(164, 164 + len(codes))]
        )
        n_fmts, n_xfs = struct.pack("<I", len(codes)), struct.pack("<I", len(codes) + 1)
        parts["xl/styles.bin"] = (  # BrtBeginStyleSheet, BrtBeginFmts … BrtEndStyleSheet
            _record(0x116)
            + _record(0x267, n_fmts)
            + fmts
            + _record(0x268)
            + _record(0x269, n_xfs)
            + xfs
            + _record(0x26A)
            + _record(0x117)
        )
        rels.append(f'<Relationship Id="rIdS" Type="{R}/styles" Target="styles.bin"/>')
    for i, (name, cells) in enumerate(sheets.items(), start=1):
        wb += _record(0x9C, struct.pack("<II", 0, i) + _wide(f"rId{i}") + _wide(name))
        rels.append(
            f'<Relationship Id="rId{i}" Type="{R}/worksheet" Target="worksheets/sheet{i}.bin"/>'
        )
        rows = sorted({r for r, _ in cells}) or [1]
        cols = sorted({c for _, c in cells}) or [1]
        r0, r1, c0, c1 = rows[0] - 1, rows[-1] - 1, cols[0] - 1, cols[-1] - 1
        if dims and name in dims:
            from budgetlint.grid import parse_address

            a, b = dims[name].split(":")
            (ra, ca), (rb, cb) = parse_address(a), parse_address(b)
            r0, r1, c0, c1 = ra - 1, rb - 1, ca - 1, cb - 1
        body = _record(0x81) + _record(0x94, struct.pack("<IIII", r0, r1, c0, c1)) + _record(0x91)
        for r in sorted({r for r, _ in cells}):
            body += _record(0x00, struct.pack("<I", r - 1) + b"\0" * 13)
            for (rr, c), v in sorted(cells.items()):
                if rr != r:
                    continue
                style = style_of.get((formats or {}).get(name, {}).get((rr, c), ""), 0)
                head = struct.pack("<II", c - 1, style)
                if isinstance(v, XlsbError):
                    code = bytes([XLSB_ERROR_CODES[v.text]])
                    if v.formula:  # the value, grbitFlags, then an empty formula (cce 0, cb 0)
                        body += _record(0x0B, head + code + b"\0\0" + b"\0" * 8)
                    else:
                        body += _record(0x03, head + code)
                elif isinstance(v, (int, float)):
                    body += _record(0x05, head + struct.pack("<d", float(v)))
                else:
                    body += _record(0x06, head + _wide(str(v)))
        body += _record(0x92) + _record(0x82)
        parts[f"xl/worksheets/sheet{i}.bin"] = body
    parts["xl/workbook.bin"] = _record(0x83) + _record(0x8F) + wb + _record(0x90) + _record(0x84)
    parts["xl/_rels/workbook.bin.rels"] = (
        f'{DECL}<Relationships xmlns="{PKG}">{"".join(rels)}</Relationships>'
    ).encode()
    parts["_rels/.rels"] = (
        f'{DECL}<Relationships xmlns="{PKG}"><Relationship Id="rId1" '
        f'Type="{R}/officeDocument" Target="xl/workbook.bin"/></Relationships>'
    ).encode()
    parts["[Content_Types].xml"] = (
        f'{DECL}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="bin" ContentType="application/vnd.ms-excel.sheet.binary.macroEnabled.main"/>'
        "</Types>"
    ).encode()
    return write_parts(path, parts)
