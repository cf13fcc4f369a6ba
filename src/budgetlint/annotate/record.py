"""The record of what annotate changed, stored inside the workbook.

The record is a JSON part ``/budgetlint/annotations.json`` related from the
package root (``_rels/.rels``) with the relationship type :data:`REL_RECORD`
and registered in ``[Content_Types].xml`` with an ``Override``.  Consumers
ignore package relationships of unknown types, so Excel and LibreOffice open
the workbook normally (and drop the part when they save it).

The parts annotate changed are kept as the source stored them, their zip
members' compressed bytes one after the other, in a second part
``/budgetlint/originals.bin`` (stored, not compressed again: the bytes are
compressed already), related from the record with :data:`REL_ORIGINALS`; the
record gives each part's slice of it (:func:`original_entry`).  Clear puts those
members back byte for byte.  Version 1 records held each original as base64 text
in the JSON (:func:`unpack`), which cost a third of the compressing of an
annotated file; they are still cleared.
"""

from __future__ import annotations

import base64
import hashlib
import json
import zipfile
import zlib
from typing import Any

from budgetlint.annotate.package import Package, StoredMember

RECORD_PART = "budgetlint/annotations.json"
REL_RECORD = "urn:budgetlint:relationships:annotations"
CT_RECORD = "application/vnd.budgetlint.annotations+json"
ORIGINALS_PART = "budgetlint/originals.bin"
REL_ORIGINALS = "urn:budgetlint:relationships:originals"
CT_ORIGINALS = "application/vnd.budgetlint.originals"
FORMAT = "budgetlint.annotations"
VERSION = 2


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def original_entry(offset: int, member: StoredMember) -> dict[str, int]:
    """Where a part's original member lies in the originals part, and how to read it."""
    return {
        "offset": offset,
        "length": len(member.raw),
        "method": member.method,
        "crc": member.crc,
        "size": member.size,
    }


def original_member(
    pkg: Package, entry: dict[str, Any], blob: bytes, part: str
) -> tuple[StoredMember, bytes]:
    """The original member an :func:`original_entry` points at, and its data (its
    size and CRC checked)."""
    try:
        at, length = int(entry["offset"]), int(entry["length"])
        method, crc, size = int(entry["method"]), int(entry["crc"]), int(entry["size"])
    except (KeyError, TypeError, ValueError):
        raise pkg.fail("复核记录无法读取 (annotation record unreadable)", part) from None
    member = StoredMember(method, blob[at : at + length], crc, size)
    try:
        if len(member.raw) != length or method not in (0, 8):
            raise zipfile.BadZipFile("not a member")
        return member, member.data()
    except (zlib.error, zipfile.BadZipFile):
        raise pkg.fail("复核记录中的原始部件已损坏 (original part corrupt)", part) from None


def unpack(text: str) -> bytes:
    """A version 1 record's original: base64 of a zlib stream."""
    return zlib.decompress(base64.b64decode(text))


def find(pkg: Package) -> tuple[str, str, dict[str, Any]] | None:
    """(part, root relationship id, record) of a workbook's record, if it has one."""
    for rel in pkg.rels(""):
        if rel.type != REL_RECORD or rel.external:
            continue
        part = pkg.resolve("", rel.target)
        if not pkg.has(part):
            continue
        try:
            rec = json.loads(pkg.read(part).decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise pkg.fail("复核记录无法读取 (annotation record unreadable)", part) from None
        if rec.get("format") != FORMAT:
            continue
        if rec.get("version", 0) > VERSION:
            raise pkg.fail(
                f"复核记录版本 {rec.get('version')} 过新 (record written by a newer version)", part
            )
        return part, rel.id, rec
    return None


def is_current(pkg: Package, rec: dict[str, Any]) -> bool:
    """Whether the record still describes the package.

    Another program that re-saves the workbook (LibreOffice keeps unknown parts)
    rewrites and may renumber every part: the record's part names then point at
    other sheets, and undoing it would delete the user's own.  The summary sheet
    we added is never edited by a patching tool, so its bytes tell: the record is
    current only when that part is still exactly what annotate wrote.
    """
    part = rec.get("summary", {}).get("part")
    digest = rec.get("added_parts", {}).get(part)
    return bool(part) and digest is not None and pkg.has(part) and sha256(pkg.read(part)) == digest


def remove(pkg: Package, part: str, root_rid: str) -> None:
    """Take a record out of the package (part, content type and root relationship),
    with the parts it relates to (the originals) and its relationships part."""
    targets = {ORIGINALS_PART}  # by name too: a program may keep it and drop its relationship
    for rel in pkg.rels(part):
        if not rel.external and rel.type == REL_ORIGINALS:
            targets.add(pkg.resolve(part, rel.target))
    for target in sorted(targets):
        if pkg.has(target):
            pkg.remove(target)
            pkg.remove_override(target)
    if pkg.has(Package.rels_part(part)):
        pkg.remove(Package.rels_part(part))
    pkg.remove(part)
    pkg.remove_override(part)
    pkg.remove_rel("", root_rid)


def dump(rec: dict[str, Any]) -> bytes:
    """The record as compact JSON (no indent: the encoder's C speed-up runs only without one)."""
    return json.dumps(rec, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
