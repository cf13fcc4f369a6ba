"""The record of what annotate changed, stored inside the workbook.

The record is a JSON part ``/budgetlint/annotations.json`` related from the
package root (``_rels/.rels``) with the relationship type :data:`REL_RECORD`
and registered in ``[Content_Types].xml`` with an ``Override``.  Consumers
ignore package relationships of unknown types, so Excel and LibreOffice open
the workbook normally (and drop the part when they save it).
"""

from __future__ import annotations

import base64
import hashlib
import json
import zlib
from typing import Any

from budgetlint.annotate.package import Package

RECORD_PART = "budgetlint/annotations.json"
REL_RECORD = "urn:budgetlint:relationships:annotations"
CT_RECORD = "application/vnd.budgetlint.annotations+json"
FORMAT = "budgetlint.annotations"
VERSION = 1


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def pack(data: bytes, deflated: bytes | None = None) -> str:
    """``data`` as base64 of a zlib stream.

    ``deflated`` is the raw deflate stream of ``data`` as the source zip stores it
    (:meth:`Package.deflated`): wrapped in a zlib header and trailer it is used as
    it is, not compressed again.
    """
    if deflated is None:
        stream = zlib.compress(data, 6)
    else:
        stream = b"\x78\x9c" + deflated + zlib.adler32(data).to_bytes(4, "big")
    return base64.b64encode(stream).decode("ascii")


def unpack(text: str) -> bytes:
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
    """Take a record out of the package (part, content type and root relationship)."""
    pkg.remove(part)
    pkg.remove_override(part)
    pkg.remove_rel("", root_rid)


def dump(rec: dict[str, Any]) -> bytes:
    """The record as compact JSON (no indent: the encoder's C speed-up runs only without one)."""
    return json.dumps(rec, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
