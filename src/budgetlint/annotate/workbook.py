"""workbook.xml: the sheet list, and inserting/removing a first sheet."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from budgetlint.annotate import xmltext as X
from budgetlint.annotate.package import (
    CT_WORKSHEET,
    R_NS,
    REL_WORKSHEET,
    Package,
)

#: The defined name that marks our summary sheet (local to it, hidden).  It survives a
#: re-save by Excel or LibreOffice (which may drop the record part or renumber the
#: parts), so the sheet is still recognised as ours and replaced, not duplicated.
MARKER_NAME = "_budgetlint_summary"
#: Elements that come after <definedNames> in workbook.xml (CT_Workbook's sequence).
AFTER_DEFINED_NAMES = (
    "calcPr",
    "oleSize",
    "customWorkbookViews",
    "pivotCaches",
    "smartTagPr",
    "smartTagTypes",
    "webPublishing",
    "fileRecoveryPr",
    "webPublishObjects",
    "extLst",
)


@dataclass(frozen=True)
class SheetEntry:
    """A <sheet> of workbook.xml and the part it points at."""

    name: str
    sheet_id: int
    rid: str
    part: str | None
    rel_type: str
    state: str


def _rid_attr(attrs: dict[str, str]) -> str:
    for k, v in attrs.items():
        if k.endswith(":id") and not k.startswith("xmlns"):
            return v
    return ""


def sheets(pkg: Package, wb_part: str) -> list[SheetEntry]:
    """The workbook's sheets in tab order (read again only once workbook.xml or its
    relationships are written)."""
    parts = (wb_part, Package.rels_part(wb_part))
    return list(pkg.derived(("sheets", wb_part), parts, lambda: _read_sheets(pkg, wb_part)))


def _read_sheets(pkg: Package, wb_part: str) -> list[SheetEntry]:
    xml = pkg.text(wb_part)
    top = X.root(xml)
    node = X.child(xml, top, "sheets")
    if node is None:
        raise pkg.fail("workbook.xml 中没有 <sheets>", wb_part)
    rels = {r.id: r for r in pkg.rels(wb_part)}
    out: list[SheetEntry] = []
    for e in X.children(xml, node, "sheet"):
        a = e.attrs(xml)
        rid = _rid_attr(a)
        rel = rels.get(rid)
        part = pkg.resolve(wb_part, rel.target) if rel and not rel.external else None
        out.append(
            SheetEntry(
                a.get("name", ""),
                int(a.get("sheetId", "0") or 0),
                rid,
                part,
                rel.type if rel else "",
                a.get("state", "visible"),
            )
        )
    return out


def unique_sheet_name(existing: list[str], wanted: str) -> str:
    lower = {n.lower() for n in existing}
    if wanted.lower() not in lower:
        return wanted
    n = 2
    while f"{wanted}({n})".lower() in lower:
        n += 1
    return f"{wanted}({n})"


def insert_first_sheet(pkg: Package, wb_part: str, name: str, part: str) -> dict[str, Any]:
    """Register worksheet ``part`` as the first sheet; returns what clear needs to undo it.

    Shifts every ``definedName/@localSheetId`` by one and keeps the active tab on
    the sheet that was active (so no two sheets end up selected).
    """
    existing = sheets(pkg, wb_part)
    rid = pkg.add_rel(wb_part, REL_WORKSHEET, part)
    pkg.add_override(part, CT_WORKSHEET)
    sheet_id = max([s.sheet_id for s in existing] + [0]) + 1

    xml = pkg.text(wb_part)
    top = X.root(xml)
    rp = X.ns_prefix(top.start_tag(xml), R_NS)
    p = top.prefix
    if rp is None:
        rattr = f'xmlns:r="{R_NS}" r:id="{rid}"'
    else:
        rattr = f'{rp}id="{rid}"'
    edits: list[tuple[int, int, str]] = []
    sheets_el = X.child(xml, top, "sheets")
    assert sheets_el is not None
    first = X.children(xml, sheets_el)
    pos = first[0].start if first else sheets_el.inner_end
    edits.append(
        (pos, pos, f'<{p}sheet name="{X.escape_attr(name)}" sheetId="{sheet_id}" {rattr}/>')
    )

    shifted = 0
    marker = (
        f'<{p}definedName name="{MARKER_NAME}" localSheetId="0" hidden="1">'
        f"{X.escape(_quoted(name))}!$A$1</{p}definedName>"
    )
    names = X.child(xml, top, "definedNames")
    names_added = names is None
    if names is not None:
        for dn in X.children(xml, names, "definedName"):
            tag = dn.start_tag(xml)
            lsid = X.tag_attrs(tag).get("localSheetId")
            if lsid is not None and lsid.strip().isdigit():
                edits.append(
                    (dn.start, dn.tag_end, X.set_attr(tag, "localSheetId", str(int(lsid) + 1)))
                )
                shifted += 1
        if names.self_closing:
            edits.append((names.start, names.end, f"<{p}definedNames>{marker}</{p}definedNames>"))
        else:
            edits.append((names.inner_end, names.inner_end, marker))
    else:
        pos = _defined_names_position(xml, top)
        edits.append((pos, pos, f"<{p}definedNames>{marker}</{p}definedNames>"))

    views: dict[str, Any] = {"added": False, "views": []}
    book_views = X.child(xml, top, "bookViews")
    if book_views is None:
        anchor = sheets_el.start
        edits.append(
            (anchor, anchor, f'<{p}bookViews><{p}workbookView activeTab="1"/></{p}bookViews>')
        )
        views["added"] = True
    else:
        for wv in X.children(xml, book_views, "workbookView"):
            tag = wv.start_tag(xml)
            a = X.tag_attrs(tag)
            views["views"].append(
                {"activeTab": a.get("activeTab"), "firstSheet": a.get("firstSheet")}
            )
            active = int(a.get("activeTab", "0") or 0)
            new = X.set_attr(tag, "activeTab", str(active + 1))
            if "firstSheet" in a:
                new = X.set_attr(new, "firstSheet", "0")
            edits.append((wv.start, wv.tag_end, new))
    pkg.write(wb_part, X.splice(xml, edits))
    return {
        "name": name,
        "part": part,
        "sheet_id": sheet_id,
        "workbook_rid": rid,
        "defined_names_shifted": shifted,
        "defined_names_added": names_added,
        "marker": MARKER_NAME,
        "book_views": views,
    }


def _quoted(sheet: str) -> str:
    return "'" + sheet.replace("'", "''") + "'"


def _defined_names_position(xml: str, top: X.Elem) -> int:
    """Where a new <definedNames> goes: before the first element that must follow it."""
    later = [e for e in X.children(xml, top) if e.name in AFTER_DEFINED_NAMES]
    return later[0].start if later else top.inner_end


def marked_summary(pkg: Package, wb_part: str) -> SheetEntry | None:
    """Our summary sheet as its marker defined name points at it, if the workbook has one."""
    xml = pkg.text(wb_part)
    top = X.root(xml)
    names = X.child(xml, top, "definedNames")
    if names is None:
        return None
    entries = sheets(pkg, wb_part)
    for dn in X.children(xml, names, "definedName"):
        a = dn.attrs(xml)
        lsid = a.get("localSheetId", "").strip()
        if a.get("name") == MARKER_NAME and lsid.isdigit() and int(lsid) < len(entries):
            return entries[int(lsid)]
    return None


def remove_sheet(pkg: Package, wb_part: str, entry: SheetEntry) -> None:
    """Remove a sheet we added whose record is lost: its entry, names, relationship and part.

    The active tab goes back to the first sheet (what was active before is not known).
    """
    remove_first_sheet(
        pkg,
        wb_part,
        {
            "workbook_rid": entry.rid,
            "part": entry.part or "",
            "book_views": {"added": False, "views": []},
        },
    )
    if entry.part:
        pkg.remove(Package.rels_part(entry.part))


def remove_first_sheet(pkg: Package, wb_part: str, rec: dict[str, Any]) -> None:
    """Surgically undo :func:`insert_first_sheet` on a workbook.xml edited since."""
    xml = pkg.text(wb_part)
    top = X.root(xml)
    sheets_el = X.child(xml, top, "sheets")
    if sheets_el is None:
        return
    entries = X.children(xml, sheets_el, "sheet")
    index = next(
        (i for i, e in enumerate(entries) if _rid_attr(e.attrs(xml)) == rec["workbook_rid"]),
        None,
    )
    if index is None:
        return
    edits: list[tuple[int, int, str]] = [(entries[index].start, entries[index].end, "")]
    names = X.child(xml, top, "definedNames")
    if names is not None:
        name_edits: list[tuple[int, int, str]] = []
        defined = X.children(xml, names, "definedName")
        kept = 0
        for dn in defined:
            tag = dn.start_tag(xml)
            lsid = X.tag_attrs(tag).get("localSheetId")
            if lsid is not None and lsid.strip().isdigit() and int(lsid) == index:
                name_edits.append((dn.start, dn.end, ""))  # the marker, or a name on that sheet
                continue
            kept += 1
            if lsid is not None and lsid.strip().isdigit() and int(lsid) > index:
                name_edits.append(
                    (dn.start, dn.tag_end, X.set_attr(tag, "localSheetId", str(int(lsid) - 1)))
                )
        if kept == 0 and rec.get("defined_names_added", True):
            edits.append((names.start, names.end, ""))
        else:
            edits.extend(name_edits)
    book_views = X.child(xml, top, "bookViews")
    views = rec.get("book_views", {})
    if book_views is not None:
        if views.get("added"):
            edits.append((book_views.start, book_views.end, ""))
        else:
            old = views.get("views", [])
            for i, wv in enumerate(X.children(xml, book_views, "workbookView")):
                tag = wv.start_tag(xml)
                orig = old[i] if i < len(old) else {}
                new = tag
                for attr in ("activeTab", "firstSheet"):
                    if orig.get(attr) is None:
                        new = X.del_attr(new, attr)
                    else:
                        new = X.set_attr(new, attr, orig[attr])
                edits.append((wv.start, wv.tag_end, new))
    pkg.write(wb_part, X.splice(xml, edits))
    pkg.remove_rel(wb_part, rec["workbook_rid"])
    pkg.remove_override(rec["part"])
    pkg.remove(rec["part"])
