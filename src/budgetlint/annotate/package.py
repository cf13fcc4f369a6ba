"""The .xlsx/.xlsm zip package: parts, content types and relationships.

A :class:`Package` holds every part's bytes and zip metadata in the original
order.  Writing copies each unchanged part as it is stored in the source (its
compressed bytes, CRC, name, time stamp, compression method, attributes: the
zip member byte for byte, not compressed again) and appends new parts at the
end, so a patched workbook differs from its source only in the parts that were
edited.
"""

from __future__ import annotations

import io
import posixpath
import re
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from budgetlint.annotate import xmltext as X

_T = TypeVar("_T")

CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"

REL_OFFICE_DOCUMENT = R_NS + "/officeDocument"
REL_WORKSHEET = R_NS + "/worksheet"
REL_COMMENTS = R_NS + "/comments"
REL_VML = R_NS + "/vmlDrawing"

CT_WORKSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
CT_COMMENTS = "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"
CT_VML = "application/vnd.openxmlformats-officedocument.vmlDrawing"

#: zlib level of the parts written: 3 deflates a worksheet in half the time of the
#: default 6 for about 9 % more bytes (measured on the bench corpus); Excel writes
#: its own parts at a fast level too, and compresses them anew when it saves.
LEVEL = 3

XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'


class AnnotateError(Exception):
    """A workbook cannot be annotated or cleared; the message names the file and reason."""


@dataclass(frozen=True)
class StoredMember:
    """A zip member as stored: its compression method (0 stored, 8 deflated), its
    compressed bytes, and the CRC and size of its data."""

    method: int
    raw: bytes
    crc: int
    size: int

    def data(self) -> bytes:
        """The member's data, never inflated past its declared size, its size and CRC
        checked (as zipfile reads a member): ``zlib.error`` or ``BadZipFile`` else."""
        if self.method == zipfile.ZIP_STORED:
            data = self.raw
        else:
            inflate = zlib.decompressobj(-15)
            data = inflate.decompress(self.raw, self.size + 1)
            if not inflate.eof:
                raise zlib.error("incomplete deflate stream")
        if len(data) != self.size or zlib.crc32(data) != self.crc:
            raise zipfile.BadZipFile("CRC or size mismatch")
        return data

    @classmethod
    def deflate(cls, data: bytes) -> StoredMember:
        return cls(zipfile.ZIP_DEFLATED, _deflate(data), zlib.crc32(data), len(data))


@dataclass(frozen=True)
class Rel:
    """One relationship of a ``.rels`` part."""

    id: str
    type: str
    target: str
    external: bool


class Package:
    """An OPC zip package held in memory."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.name = path.name
        self.infos: list[zipfile.ZipInfo] = []
        self.data: dict[str, bytes] = {}
        self.comment = b""
        self._lower: set[str] | None = None
        #: pattern -> the n unused_name last gave (every n below it is a part; reset on remove)
        self._tried: dict[str, int] = {}
        #: Each part not written since it was read: its zip member as stored in the
        #: source (compression method, compressed bytes), which :meth:`save` copies
        #: without compressing it again.
        self._stored: dict[str, StoredMember] = {}
        #: key -> (the bytes of the parts it was derived from, the value): see :meth:`derived`.
        self._derived: dict[object, tuple[tuple[bytes | None, ...], Any]] = {}
        self._load()

    # -- reading -------------------------------------------------------------------

    def fail(self, reason: str, part: str | None = None) -> AnnotateError:
        where = f"{self.name}（{part}）" if part else self.name
        return AnnotateError(f"{where}：{reason}")

    def _load(self) -> None:
        try:
            blob = self.path.read_bytes()
        except FileNotFoundError:
            raise self.fail("文件不存在 (file not found)") from None
        except OSError as exc:
            raise self.fail(f"无法读取文件 ({exc})") from None
        head = blob[:8]
        if head == CFB_MAGIC:
            raise self.fail(
                "文件已加密或为旧版 .xls 格式（OLE/CFB 容器，encrypted or legacy workbook），"
                "请另存为未加密的 .xlsx 后再试"
            )
        try:
            with zipfile.ZipFile(io.BytesIO(blob)) as zf:
                self.comment = zf.comment
                for info in zf.infolist():
                    if info.is_dir():
                        self.infos.append(info)
                        continue
                    if info.flag_bits & 0x1:
                        raise self.fail("zip 包中的部件已加密 (encrypted)", info.filename)
                    try:
                        self.data[info.filename] = self._member(zf, blob, info)
                    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
                        raise self.fail(
                            f"zip 包已截断或损坏 (truncated or corrupt: {exc})", info.filename
                        ) from None
                    self.infos.append(info)
        except zipfile.BadZipFile as exc:
            if head.startswith(b"PK"):
                raise self.fail(f"zip 包已截断或损坏 (truncated or corrupt: {exc})") from None
            raise self.fail("不是 Excel 工作簿（不是 zip 包，not a zip file）") from None
        if "[Content_Types].xml" not in self.data:
            raise self.fail("不是 Excel 工作簿（缺少 [Content_Types].xml）")

    def _member(self, zf: zipfile.ZipFile, blob: bytes, info: zipfile.ZipInfo) -> bytes:
        """A member's bytes; a stored or deflated one is also kept as stored, for :meth:`save`.

        Such a member is cut from the file at its local header and inflated here,
        never past its declared size, its CRC and size checked (as zipfile reads
        it); any other method is left to zipfile.
        """
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            return zf.read(info)
        at = info.header_offset
        head = blob[at : at + 30]
        if len(head) < 30 or head[:4] != b"PK\x03\x04":
            raise zipfile.BadZipFile("bad local file header")
        name_len, extra_len = struct.unpack("<HH", head[26:30])
        start = at + 30 + name_len + extra_len
        raw = blob[start : start + info.compress_size]
        if len(raw) < info.compress_size:
            raise EOFError("member cut short")
        member = StoredMember(info.compress_type, raw, info.CRC, info.file_size)
        data = member.data()
        self._stored[info.filename] = member
        return data

    def stored(self, part: str) -> StoredMember | None:
        """The part's member as stored in the source (stored or deflated), while it is unchanged."""
        return self._stored.get(part)

    def restore(self, part: str, member: StoredMember, data: bytes) -> None:
        """Put back an existing part's member as it was stored: its data (``member``'s,
        as :meth:`StoredMember.data` gave it), and its bytes for :meth:`save` to copy."""
        self.write(part, data)
        self._stored[part] = member

    # -- parts -----------------------------------------------------------------------

    def parts(self) -> list[str]:
        return [i.filename for i in self.infos if not i.is_dir()]

    def has(self, part: str) -> bool:
        return part in self.data

    def read(self, part: str) -> bytes:
        try:
            return self.data[part]
        except KeyError:
            raise self.fail("缺少部件 (missing part)", part) from None

    def text(self, part: str) -> str:
        """The part decoded (once per version of it: the same text object also lets
        xmltext reuse its walks over it)."""
        raw = self.read(part)
        return self.derived(("text", part), (part,), lambda: self._decode(part, raw))

    def _decode(self, part: str, raw: bytes) -> str:
        try:
            return raw.decode("utf-8-sig") if raw[:3] == b"\xef\xbb\xbf" else raw.decode("utf-8")
        except UnicodeDecodeError:
            raise self.fail("不是 UTF-8 编码的 XML", part) from None

    def write(self, part: str, data: bytes | str, *, compress: bool = True) -> None:
        """Replace or add a part (new parts go to the end of the zip; ``compress``
        False stores a new part as it is, for data compressed already)."""
        raw = data.encode("utf-8") if isinstance(data, str) else data
        if self.data.get(part) == raw:
            return  # no change: the member stays as stored (it is copied, not deflated again)
        if part not in self.data:
            info = zipfile.ZipInfo(part, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
            info.external_attr = 0o600 << 16
            self.infos.append(info)
            if self._lower is not None:
                self._lower.add(part.lower())
        self._stored.pop(part, None)
        self.data[part] = raw
        if isinstance(data, str):  # its text is known: not decoded again
            self._derived[("text", part)] = ((raw,), data)

    def remove(self, part: str) -> None:
        if part in self.data:
            del self.data[part]
            self._stored.pop(part, None)
            self.infos = [i for i in self.infos if i.filename != part]
            self._lower = None
            self._tried.clear()

    def unused_name(self, pattern: str) -> str:
        """First ``pattern.format(n)`` (n = 1, 2, …) that is not a part (case-insensitive).

        Counting resumes where the last call stopped (the parts below it are still there
        while none is removed): a sheet's new comments part costs one try, not one per
        sheet before it."""
        names = self._lower_names()
        n = self._tried.get(pattern, 1)
        while pattern.format(n).lower() in names:
            n += 1
        self._tried[pattern] = n
        return pattern.format(n)

    def _lower_names(self) -> set[str]:
        """The part names in lower case (kept up to date by write and remove)."""
        if self._lower is None:
            self._lower = {p.lower() for p in self.data}
        return self._lower

    def save(self, dst: Path) -> None:
        """Write the package to ``dst``: built in memory and written at once (zipfile
        seeks back to each member's header, which flushes a file's buffer each time)."""
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", allowZip64=True) as zf:
            for info in self.infos:
                if info.is_dir():
                    zf.writestr(_clone_info(info), b"")
                    continue
                stored = self._stored.get(info.filename)
                if stored is not None:
                    _write_raw(zf, info, stored)
                elif info.compress_type == zipfile.ZIP_DEFLATED:
                    _write_raw(zf, info, StoredMember.deflate(self.data[info.filename]))
                else:
                    zf.writestr(_clone_info(info), self.data[info.filename])
            if self.comment:
                zf.comment = self.comment
        dst.write_bytes(buf.getbuffer())

    # -- content types -----------------------------------------------------------------

    def content_type(self, part: str) -> str | None:
        xml = self.text("[Content_Types].xml")
        top = X.root(xml)
        want = "/" + part.lstrip("/")
        for e in X.children(xml, top, "Override"):
            a = e.attrs(xml)
            if a.get("PartName", "").lower() == want.lower():
                return a.get("ContentType")
        ext = posixpath.splitext(part)[1].lstrip(".").lower()
        for e in X.children(xml, top, "Default"):
            a = e.attrs(xml)
            if a.get("Extension", "").lower() == ext:
                return a.get("ContentType")
        return None

    def add_override(self, part: str, content_type: str) -> None:
        xml = self.text("[Content_Types].xml")
        top = X.root(xml)
        xml, top = X.open_element(xml, top)
        new = (
            f'<{top.prefix}Override PartName="{X.escape_attr("/" + part.lstrip("/"))}" '
            f'ContentType="{X.escape_attr(content_type)}"/>'
        )
        self.write("[Content_Types].xml", xml[: top.inner_end] + new + xml[top.inner_end :])

    def remove_override(self, part: str) -> None:
        xml = self.text("[Content_Types].xml")
        want = "/" + part.lstrip("/")
        for e in X.children(xml, X.root(xml), "Override"):
            if e.attrs(xml).get("PartName", "").lower() == want.lower():
                self.write("[Content_Types].xml", xml[: e.start] + xml[e.end :])
                return

    # -- relationships -----------------------------------------------------------------

    @staticmethod
    def rels_part(part: str) -> str:
        """'xl/worksheets/sheet1.xml' -> 'xl/worksheets/_rels/sheet1.xml.rels'; '' -> root."""
        folder, base = posixpath.split(part)
        return posixpath.join(folder, "_rels", base + ".rels")

    def rels(self, part: str) -> list[Rel]:
        rp = self.rels_part(part)
        if rp not in self.data:
            return []
        return list(self.derived(("rels", rp), (rp,), lambda: self._parse_rels(rp)))

    def derived(self, key: object, parts: tuple[str, ...], make: Callable[[], _T]) -> _T:
        """What ``make`` derives from ``parts``, made again only once one of them is written.

        A part holds a new bytes object after each write, so the parts' bytes objects
        tell whether the value is still current.  The value is shared: callers must
        not change it.
        """
        stamp = tuple(self.data.get(p) for p in parts)
        known = self._derived.get(key)
        if known is not None and all(a is b for a, b in zip(known[0], stamp, strict=True)):
            return known[1]  # type: ignore[no-any-return]
        value = make()
        self._derived[key] = (stamp, value)
        return value

    def _parse_rels(self, rp: str) -> list[Rel]:
        xml = self.text(rp)
        out: list[Rel] = []
        for e in X.children(xml, X.root(xml), "Relationship"):
            a = e.attrs(xml)
            out.append(
                Rel(
                    a.get("Id", ""),
                    a.get("Type", ""),
                    a.get("Target", ""),
                    a.get("TargetMode", "") == "External",
                )
            )
        return out

    @staticmethod
    def resolve(source: str, target: str) -> str:
        """Part name a relationship of ``source`` points at."""
        if target.startswith("/"):
            return posixpath.normpath(target.lstrip("/"))
        folder = posixpath.dirname(source)
        return posixpath.normpath(posixpath.join(folder, target))

    @staticmethod
    def relative(source: str, part: str) -> str:
        """Relative target from ``source``'s folder to ``part`` (both part names, from
        the package root: ``posixpath.relpath`` would look up the working directory)."""
        folder = [p for p in posixpath.dirname(source).split("/") if p]
        target = [p for p in part.split("/") if p]
        common = 0
        while common < min(len(folder), len(target) - 1) and folder[common] == target[common]:
            common += 1
        return "/".join([".."] * (len(folder) - common) + target[common:])

    def add_rel(self, source: str, rel_type: str, part: str) -> str:
        """Add a relationship from ``source`` to ``part``; returns its new id."""
        rp = self.rels_part(source)
        if rp in self.data:
            xml = self.text(rp)
        else:
            xml = XML_DECL + f'<Relationships xmlns="{RELS_NS}"></Relationships>'
        top = X.root(xml)
        xml, top = X.open_element(xml, top)
        used = {e.attrs(xml).get("Id") for e in X.children(xml, top, "Relationship")}
        n = 1
        while f"rId{n}" in used:
            n += 1
        rid = f"rId{n}"
        target = self.relative(source, part) if source else part
        new = (
            f'<{top.prefix}Relationship Id="{rid}" Type="{X.escape_attr(rel_type)}" '
            f'Target="{X.escape_attr(target)}"/>'
        )
        self.write(rp, xml[: top.inner_end] + new + xml[top.inner_end :])
        return rid

    def remove_rel(self, source: str, rid: str) -> None:
        rp = self.rels_part(source)
        if rp not in self.data:
            return
        xml = self.text(rp)
        for e in X.children(xml, X.root(xml), "Relationship"):
            if e.attrs(xml).get("Id") == rid:
                self.write(rp, xml[: e.start] + xml[e.end :])
                return

    def main_part(self) -> str:
        """The workbook part named by the package's officeDocument relationship."""
        for r in self.rels(""):
            if r.type == REL_OFFICE_DOCUMENT and not r.external:
                part = self.resolve("", r.target)
                if part in self.data:
                    return part
        raise self.fail("不是 Excel 工作簿（找不到 workbook 部件）")


def _clone_info(info: zipfile.ZipInfo) -> zipfile.ZipInfo:
    new = zipfile.ZipInfo(info.filename, date_time=info.date_time)
    new.compress_type = info.compress_type
    new.external_attr = info.external_attr
    new.create_system = info.create_system
    new.comment = info.comment
    return new


def _deflate(data: bytes) -> bytes:
    """``data`` as a raw deflate stream (what a zip member holds), at :data:`LEVEL`.

    The window is no larger than the data: zlib allocates and clears its window
    and hash tables (about 256 KB) for each stream, which for a part of a few
    hundred bytes (relationships, most notes) cost three times the compressing
    (measured: 70 against 25 µs a part).  The stream is the same deflate format,
    which any reader inflates with its usual 32 KB window.
    """
    wbits = max(9, min(15, len(data).bit_length()))
    c = zlib.compressobj(LEVEL, zlib.DEFLATED, -wbits)
    return c.compress(data) + c.flush()


def _write_raw(zf: zipfile.ZipFile, src: zipfile.ZipInfo, member: StoredMember) -> None:
    """Append a member of ``src``'s name and attributes holding ``member`` as it is.

    zipfile has no public call for this; it is what ``ZipFile.writestr`` does
    (a local header at the current position, the data, the entry listed for the
    central directory), without compressing the data itself.
    """
    info = _clone_info(src)
    info.compress_type = member.method
    info.CRC = member.crc
    info.compress_size = len(member.raw)
    info.file_size = member.size
    info.header_offset = zf.fp.tell()  # type: ignore[union-attr]
    zf.fp.write(info.FileHeader())  # type: ignore[union-attr]
    zf.fp.write(member.raw)  # type: ignore[union-attr]
    zf.filelist.append(info)
    zf.NameToInfo[info.filename] = info
    zf.start_dir = zf.fp.tell()  # type: ignore[attr-defined,union-attr]
    zf._didModify = True  # type: ignore[attr-defined]


def strip_decl(xml: str) -> str:
    return re.sub(r"^\s*<\?xml[^>]*\?>\s*", "", xml)
