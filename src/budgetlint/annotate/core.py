"""annotate / clear: patch findings into a workbook package and take them out again."""

from __future__ import annotations

import datetime as _dt
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from budgetlint.annotate import comments as C
from budgetlint.annotate import record as R
from budgetlint.annotate import sheet as S
from budgetlint.annotate import summary
from budgetlint.annotate import workbook as W
from budgetlint.annotate.package import (
    MAIN_NS,
    R_NS,
    XML_DECL,
    AnnotateError,
    Package,
    StoredMember,
)
from budgetlint.annotate.styles import Styles
from budgetlint.findings import Finding, Severity
from budgetlint.grid import parse_address
from budgetlint.outfile import copy_file, reason, write_atomic
from budgetlint.style import FILL

REL_STYLES = R_NS + "/styles"
CT_STYLES = "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"


@dataclass
class AnnotateStats:
    """What :func:`annotate` did."""

    output: Path
    findings: int = 0
    by_severity: dict[str, int] = field(default_factory=dict)
    explained: int = 0
    sheet_level: int = 0
    cells_marked: int = 0
    cells_inserted: int = 0
    notes_added: int = 0
    notes_merged: int = 0
    sheets: list[str] = field(default_factory=list)
    summary_sheet: str = ""
    cleared_previous: bool = False
    #: A summary sheet of an earlier annotation whose record was lost (the workbook was
    #: re-saved by another program) was recognised by its marker and replaced.
    replaced_summary: str | None = None
    backup: Path | None = None


@dataclass
class ClearStats:
    """What :func:`clear` did."""

    output: Path
    found: bool = False
    cells_restored: int = 0
    notes_removed: int = 0
    parts_restored: list[str] = field(default_factory=list)
    parts_patched: list[str] = field(default_factory=list)
    parts_removed: list[str] = field(default_factory=list)
    summary_removed: bool = False
    backup: Path | None = None
    #: The workbook carries a record that no longer matches it (re-saved by another program).
    stale_record: bool = False
    #: Name of our summary sheet found by its marker although nothing can be undone.
    leftover_summary: str | None = None

    @property
    def resaved(self) -> bool:
        """Annotated once, then re-saved by another program: the annotations cannot be undone."""
        return not self.found and (self.stale_record or self.leftover_summary is not None)


# -- file handling ----------------------------------------------------------------------


def backup_path(path: Path) -> Path:
    """'a.xlsx' -> 'a.bak.xlsx', or 'a.bak2.xlsx', … when that exists."""
    candidate = path.with_name(f"{path.stem}.bak{path.suffix}")
    n = 2
    while candidate.exists():
        candidate = path.with_name(f"{path.stem}.bak{n}{path.suffix}")
        n += 1
    return candidate


def _write_atomic(pkg: Package, dst: Path, *, durable: bool = True) -> None:
    """Save to a temporary file beside ``dst`` and rename it over ``dst``.

    ``durable`` (forced to disk before the rename) whenever the workbook is
    replaced; an annotated copy, whose source is untouched, is not (see
    :func:`budgetlint.outfile.write_atomic`)."""
    write_atomic(dst, pkg.save, durable=durable)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def backup(path: Path) -> Path:
    """Copy ``path`` to a new ``name.bak.xlsx`` (atomically: a failed copy leaves none).

    Raises :class:`AnnotateError` when the backup cannot be written; the workbook is
    then left untouched.
    """
    while True:
        bak = backup_path(path)
        try:
            return copy_file(path, bak, exclusive=True)
        except FileExistsError:
            continue  # another run took that name in the meantime
        except OSError as exc:
            raise AnnotateError(
                f"{path.name}：无法写出备份 {bak.name}（{reason(exc)}），文件未改动"
            ) from exc


# -- annotate ---------------------------------------------------------------------------


def _styles_part(pkg: Package, wb_part: str) -> str:
    for rel in pkg.rels(wb_part):
        if rel.type == REL_STYLES and not rel.external:
            part = pkg.resolve(wb_part, rel.target)
            if pkg.has(part):
                return part
    # A workbook without styles (some generators omit it): add a minimal one.
    part = "xl/styles.xml" if not pkg.has("xl/styles.xml") else pkg.unused_name("xl/styles{}.xml")
    p = ""
    pkg.write(
        part,
        XML_DECL + f'<styleSheet xmlns="{MAIN_NS}"><fonts count="1"><{p}font><sz val="11"/>'
        '<name val="宋体"/><charset val="134"/></font></fonts><fills count="2"><fill>'
        '<patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/>'
        '</fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/>'
        '</border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" '
        'borderId="0"/></cellStyleXfs><cellXfs count="1"><xf numFmtId="0" fontId="0" '
        'fillId="0" borderId="0" xfId="0"/></cellXfs><cellStyles count="1"><cellStyle '
        'name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>',
    )
    pkg.add_override(part, CT_STYLES)
    pkg.add_rel(wb_part, REL_STYLES, part)
    return part


def _resolve_sheet(pkg: Package, entries: list[W.SheetEntry], name: str) -> W.SheetEntry:
    entry = next((e for e in entries if e.name == name), None)
    if entry is None:
        entry = next((e for e in entries if e.name.casefold() == name.casefold()), None)
    if entry is None:
        names = "、".join(e.name for e in entries)
        raise pkg.fail(f"没有名为“{name}”的工作表 (no such sheet; 现有：{names})")
    if entry.part is None or not pkg.has(entry.part) or entry.rel_type != R_NS + "/worksheet":
        raise pkg.fail(f"“{name}”不是普通工作表，无法标注", entry.part)
    return entry


def _annotate_pkg(
    pkg: Package, findings: Sequence[Finding], title: str | None, output: Path
) -> AnnotateStats:
    stats = AnnotateStats(output=output)
    found = R.find(pkg)
    if found is not None and R.is_current(pkg, found[2]):
        _clear_pkg(pkg, ClearStats(output=output))
        stats.cleared_previous = True
    else:
        # Re-saved by another program: the record (if kept) no longer matches the parts.
        # Our old summary sheet is recognised by its marker (or, for a record without
        # one, by being first under the recorded name) and replaced, not duplicated.
        wb_part = pkg.main_part()
        old = _leftover_summary(pkg, wb_part, found[2] if found else None)
        if found is not None:
            R.remove(pkg, found[0], found[1])
        if old is not None:
            W.remove_sheet(pkg, wb_part, old)
            stats.replaced_summary = old.name
    before = dict(pkg.data)
    originals = {p: pkg.stored(p) for p in before}
    wb_part = pkg.main_part()
    entries = W.sheets(pkg, wb_part)

    # Validate everything before touching the package.
    per_sheet: dict[str, dict[tuple[int, int], list[Finding]]] = {}
    entry_of: dict[str, W.SheetEntry] = {}
    for f in findings:
        entry = _resolve_sheet(pkg, entries, f.sheet)
        entry_of[f.sheet] = entry
        if f.cell:
            try:
                rc = parse_address(f.cell)
            except ValueError:
                raise pkg.fail(f"单元格地址无效：{f.cell!r}", f"工作表 {f.sheet}") from None
            if not f.explained:
                per_sheet.setdefault(entry.name, {}).setdefault(rc, []).append(f)
        else:
            stats.sheet_level += 1
    stats.findings = len(findings)
    stats.explained = sum(1 for f in findings if f.explained)
    stats.by_severity = {
        sev.label: sum(1 for f in findings if f.severity is sev and not f.explained)
        for sev in Severity
    }

    styles_part = _styles_part(pkg, wb_part)
    try:
        st = Styles(pkg.text(styles_part))
    except ValueError as exc:
        raise pkg.fail(str(exc), styles_part) from None
    used_blocks: set[int] = set()
    for part in pkg.parts():
        if part.lower().endswith(".vml"):
            used_blocks |= C.vml_blocks(pkg.text(part))

    sheets_rec: list[dict[str, Any]] = []
    by_name = {e.name: e for e in entries}
    for name in sorted(per_sheet, key=lambda n: [e.name for e in entries].index(n)):
        entry = by_name[name]
        assert entry.part is not None
        xml = pkg.text(entry.part)
        try:
            merged = S.merged_ranges(xml)
            drawing = S.drawing_slot(xml)  # the same walk over the sheet's children
        except ValueError as exc:
            raise pkg.fail(f"工作表 XML 无法解析：{exc}", entry.part) from None
        cells: dict[tuple[int, int], list[Finding]] = {}
        for (r, c), fs in per_sheet[name].items():
            for r1, c1, r2, c2 in merged:
                if r1 <= r <= r2 and c1 <= c <= c2:
                    r, c = r1, c1
                    break
            cells.setdefault((r, c), []).extend(fs)
        targets = {rc: max(fs, key=lambda f: f.severity.rank).severity for rc, fs in cells.items()}
        try:
            marked, changes = S.mark_cells(
                xml, targets, lambda base, sev: st.severity_xf(base, FILL[sev])
            )
            # mark_cells edits only <sheetData>, before the drawing's place: it moved by as much
            drawing = drawing.shifted(len(marked) - len(xml))
            xml, notes_rec = C.annotate_sheet_notes(
                pkg, entry.part, marked, cells, used_blocks, drawing
            )
        except ValueError as exc:
            raise pkg.fail(f"无法修改工作表“{name}”：{exc}", entry.part) from None
        pkg.write(entry.part, xml)
        stats.cells_marked += len(changes)
        stats.cells_inserted += sum(1 for ch in changes if ch["inserted"])
        stats.notes_added += sum(1 for n in notes_rec["notes"] if not n["merged"])
        stats.notes_merged += sum(1 for n in notes_rec["notes"] if n["merged"])
        stats.sheets.append(name)
        sheets_rec.append({"name": name, "part": entry.part, "cells": changes, "notes": notes_rec})

    # The summary sheet, first in the workbook.
    sum_name = W.unique_sheet_name([e.name for e in entries], summary.SHEET_NAME)
    sum_part = pkg.unused_name("xl/worksheets/sheet{}.xml")
    order = {e.name: i for i, e in enumerate(entries)}
    stamp = _dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    subtitle = f"文件：{pkg.name}　复核时间：{stamp}　点击“单元格”列可跳转到对应单元格"
    sum_xml = summary.build(
        findings,
        order,
        title or f"{summary.SHEET_NAME}（共 {len(findings)} 条）",
        subtitle,
        st,
        {},
    )
    pkg.write(sum_part, sum_xml)
    sum_rec = W.insert_first_sheet(pkg, wb_part, sum_name, sum_part)
    stats.summary_sheet = sum_name
    pkg.write(styles_part, st.xml)

    # The record: register the part first so the content types and root
    # relationships it changes are covered, then fill it in.
    pkg.write(R.RECORD_PART, b"{}")
    pkg.add_override(R.RECORD_PART, R.CT_RECORD)
    root_rid = pkg.add_rel("", R.REL_RECORD, R.RECORD_PART)
    pkg.write(R.ORIGINALS_PART, b"", compress=False)
    pkg.add_override(R.ORIGINALS_PART, R.CT_ORIGINALS)
    pkg.add_rel(R.RECORD_PART, R.REL_ORIGINALS, R.ORIGINALS_PART)
    # Each changed part's member as the source stores it, in the originals part.
    changed: dict[str, dict[str, Any]] = {}
    blob: list[bytes] = []
    offset = 0
    for p, data in before.items():
        if pkg.data.get(p) == data:
            continue
        member = originals[p] or StoredMember.deflate(data)
        changed[p] = {
            "original": R.original_entry(offset, member),
            "annotated_sha256": R.sha256(pkg.data[p]),
        }
        blob.append(member.raw)
        offset += len(member.raw)
    pkg.write(R.ORIGINALS_PART, b"".join(blob), compress=False)
    added = {p: R.sha256(pkg.data[p]) for p in pkg.data if p not in before and p != R.RECORD_PART}
    rec: dict[str, Any] = {
        "format": R.FORMAT,
        "version": R.VERSION,
        "created": _dt.datetime.now().isoformat(timespec="seconds"),
        "workbook_part": wb_part,
        "styles_part": styles_part,
        "styles_added": st.record(),
        "root_rel_id": root_rid,
        "summary": sum_rec,
        "sheets": sheets_rec,
        "content_types_added": [*sorted(added), R.RECORD_PART],
        "added_parts": added,
        "changed_parts": changed,
    }
    pkg.write(R.RECORD_PART, R.dump(rec))
    return stats


# -- clear ------------------------------------------------------------------------------


def _leftover_summary(
    pkg: Package, wb_part: str, stale: dict[str, Any] | None
) -> W.SheetEntry | None:
    """Our summary sheet in a workbook whose record is lost or stale, if it is recognisable."""
    entry = W.marked_summary(pkg, wb_part)
    if entry is None and stale is not None:
        entries = W.sheets(pkg, wb_part)
        name = stale.get("summary", {}).get("name")
        if entries and name and entries[0].name == name:
            entry = entries[0]
    if entry is None or entry.part is None or entry.rel_type != R_NS + "/worksheet":
        return None
    return entry


def _clear_pkg(pkg: Package, stats: ClearStats) -> ClearStats:
    found = R.find(pkg)
    if found is None or not R.is_current(pkg, found[2]):
        # Nothing we can undo.  Say so precisely: a stale record, or our summary sheet
        # still there, means the workbook was annotated and then re-saved elsewhere.
        stats.stale_record = found is not None
        old = _leftover_summary(pkg, pkg.main_part(), found[2] if found else None)
        stats.leftover_summary = old.name if old is not None else None
        return stats
    rec_part, root_rid, rec = found
    stats.found = True
    mismatch: set[str] = set()
    blob = pkg.read(R.ORIGINALS_PART) if pkg.has(R.ORIGINALS_PART) else b""
    for part, info in rec.get("changed_parts", {}).items():
        if pkg.has(part) and R.sha256(pkg.read(part)) == info["annotated_sha256"]:
            original = info["original"]
            if isinstance(original, str):  # a version 1 record: base64 in the JSON
                pkg.write(part, R.unpack(original))
            else:
                pkg.restore(part, *R.original_member(pkg, original, blob, part))
            stats.parts_restored.append(part)
        elif pkg.has(part):
            mismatch.add(part)
    wb_part = rec["workbook_part"]
    sum_rec = rec["summary"]

    # Surgical removal for parts edited since annotate.
    for sh in rec.get("sheets", []):
        part, notes = sh["part"], sh["notes"]
        if part in mismatch:
            xml, _n = S.restore_cells(pkg.text(part), sh["cells"])
            if notes.get("legacy_drawing_rid"):
                xml = S.remove_legacy_drawing(xml, notes["legacy_drawing_rid"])
            pkg.write(part, xml)
        rels_part = Package.rels_part(part)
        if rels_part in mismatch:
            for rid in notes.get("rels_added", []):
                pkg.remove_rel(part, rid)
        cp, vp = notes.get("comments_part"), notes.get("vml_part")
        if cp in mismatch and not notes.get("comments_created"):
            pkg.write(cp, C.remove_notes(pkg.text(cp), notes))
        if vp in mismatch and not notes.get("vml_created"):
            pkg.write(vp, C.remove_shapes(pkg.text(vp), notes))
        stats.cells_restored += len(sh["cells"])
        stats.notes_removed += len(notes.get("notes", []))
    if wb_part in mismatch:
        W.remove_first_sheet(pkg, wb_part, sum_rec)
    if Package.rels_part(wb_part) in mismatch:
        pkg.remove_rel(wb_part, sum_rec["workbook_rid"])
    if "[Content_Types].xml" in mismatch:
        for part in rec.get("content_types_added", []):
            pkg.remove_override(part)
    if "_rels/.rels" in mismatch:
        pkg.remove_rel("", root_rid)
    for part in sorted(mismatch):
        stats.parts_patched.append(part)

    for part in [*list(rec.get("added_parts", {})), rec_part]:
        if pkg.has(part):
            pkg.remove(part)
            stats.parts_removed.append(part)
    stats.summary_removed = sum_rec["part"] in stats.parts_removed
    return stats


# -- public API -------------------------------------------------------------------------


def annotate(
    src: str | Path,
    dst: str | Path,
    findings: Sequence[Finding],
    *,
    title: str | None = None,
) -> AnnotateStats:
    """Write ``findings`` into a copy of workbook ``src`` at ``dst``.

    Flagged cells get a severity fill and a note, and a first sheet 复核结果
    lists every finding.  Parts that need no change are copied byte for byte.
    If ``src`` already carries annotations they are cleared first.
    """
    src_p, dst_p = Path(src), Path(dst)
    pkg = Package(src_p)
    stats = _annotate_pkg(pkg, findings, title, dst_p)
    _write_atomic(pkg, dst_p, durable=_same_file(src_p, dst_p))
    return stats


def annotate_in_place(path: str | Path, findings: Sequence[Finding]) -> Path:
    """Annotate ``path`` itself; a backup (``name.bak.xlsx``) is written first.

    Returns the backup's path.  The workbook is replaced atomically, and only once
    the backup is complete: a backup that cannot be written raises
    :class:`AnnotateError` and leaves the workbook (and no partial backup) behind.
    """
    p = Path(path)
    pkg = Package(p)
    _annotate_pkg(pkg, findings, None, p)
    bak = backup(p)
    _write_atomic(pkg, p)
    return bak


def clear(src: str | Path, dst: str | Path | None = None) -> ClearStats:
    """Remove what :func:`annotate` added.

    With ``dst`` None the workbook is changed in place (after a backup, replaced
    atomically); nothing is written when it carries no annotations.
    """
    src_p = Path(src)
    dst_p = Path(dst) if dst is not None else src_p
    pkg = Package(src_p)
    stats = _clear_pkg(pkg, ClearStats(output=dst_p))
    if dst is None:
        if stats.found:
            stats.backup = backup(src_p)
            _write_atomic(pkg, dst_p)
        return stats
    if not stats.found:
        if dst_p.resolve() != src_p.resolve():
            copy_file(src_p, dst_p)
        return stats
    _write_atomic(pkg, dst_p)
    return stats


__all__ = [
    "AnnotateError",
    "AnnotateStats",
    "ClearStats",
    "annotate",
    "annotate_in_place",
    "clear",
]
