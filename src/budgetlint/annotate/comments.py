"""Cell notes: the legacy comments part and its VML drawing.

Our text goes in as separate rich-text runs.  A note that already exists on a
cell keeps its text and runs; ours are appended after a separator run.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from budgetlint.annotate import xmltext as X
from budgetlint.annotate.package import (
    CT_COMMENTS,
    CT_VML,
    MAIN_NS,
    REL_COMMENTS,
    REL_VML,
    XML_DECL,
    Package,
)
from budgetlint.annotate.sheet import DrawingSlot, add_legacy_drawing, drawing_slot
from budgetlint.findings import Finding
from budgetlint.grid import column_letter
from budgetlint.style import FONT
from budgetlint.text import wide_chars

AUTHOR = "budgetlint"
SEPARATOR = "\n────────────\n"
HEADER = "budgetlint 复核："

V_NS = "urn:schemas-microsoft-com:vml"
O_NS = "urn:schemas-microsoft-com:office:office"
XL_NS = "urn:schemas-microsoft-com:office:excel"


def finding_lines(f: Finding) -> tuple[str, str]:
    """(head, body) of a finding's paragraph in a note."""
    head = f"[{f.code} {f.severity.label}] "
    lines = [f.message]
    if f.expected is not None or f.computation:
        exp = f.expected if f.expected is not None else ""
        if f.computation:
            exp = f"{exp}（{f.computation}）" if exp else f.computation
        lines.append(f"应为：{exp}")
    if f.actual is not None:
        lines.append(f"实际：{f.actual}")
    return head, "\n".join(lines)


def _run(p: str, text: str, *, bold: bool = False, color: str | None = None) -> str:
    rpr = [f"<{p}b/>" if bold else "", f'<{p}sz val="9"/>']
    rpr.append(f'<{p}color rgb="{color}"/>' if color else f'<{p}color indexed="81"/>')
    rpr.append(f'<{p}rFont val="宋体"/><{p}family val="3"/><{p}charset val="134"/>')
    space = ' xml:space="preserve"' if text != text.strip() or "\n" in text else ""
    return f"<{p}r><{p}rPr>{''.join(rpr)}</{p}rPr><{p}t{space}>{X.escape(text)}</{p}t></{p}r>"


def note_runs(p: str, findings: Sequence[Finding], *, merged: bool) -> tuple[str, list[str]]:
    """Our runs for a cell's note and their texts."""
    pieces: list[tuple[str, bool, str | None]] = []
    if merged:
        pieces.append((SEPARATOR, False, None))
    pieces.append((HEADER + "\n", True, None))
    for i, f in enumerate(findings):
        head, body = finding_lines(f)
        pieces.append((head, True, FONT[f.severity]))
        pieces.append((body + ("\n" if i < len(findings) - 1 else ""), False, None))
    return "".join(_run(p, t, bold=b, color=c) for t, b, c in pieces), [t for t, _, _ in pieces]


#: Half-width characters per line of a note box four default columns wide.
NOTE_LINE_UNITS = 40


def text_lines(text: str) -> int:
    """Lines ``text`` takes in a note box, counting wrapped lines."""
    total = 0
    for line in text.split("\n"):
        if 2 * len(line) <= NOTE_LINE_UNITS:  # fits even if every character is wide
            total += 1
            continue
        width = len(line) + wide_chars(line)
        total += max(1, -(-width // NOTE_LINE_UNITS))
    return total


def note_lines(findings: Sequence[Finding]) -> int:
    return 1 + sum(text_lines("".join(finding_lines(f))) for f in findings)


# -- VML ----------------------------------------------------------------------------------


def _vml_prefixes(vml: str) -> dict[str, str]:
    m = re.search(r"<xml\b[^>]*>", vml)
    head = m.group(0) if m else ""
    out: dict[str, str] = {}
    for key, uri in (("v", V_NS), ("o", O_NS), ("x", XL_NS)):
        pre = X.ns_prefix(head, uri)
        out[key] = pre if pre else f"{key}:"
    return out


def _ensure_vml_ns(vml: str) -> str:
    """Declare any of the three VML namespaces missing on the <xml> root."""
    m = re.search(r"<xml\b[^>]*>", vml)
    if not m:
        return vml
    head = m.group(0)
    new = head
    for key, uri in (("v", V_NS), ("o", O_NS), ("x", XL_NS)):
        if X.ns_prefix(head, uri) is None and f"xmlns:{key}=" not in head:
            new = new[:-1].rstrip("/") + f' xmlns:{key}="{uri}">'
    return vml[: m.start()] + new + vml[m.end() :]


def _shapetype(px: dict[str, str]) -> str:
    v, o = px["v"], px["o"]
    return (
        f'<{v}shapetype id="_x0000_t202" coordsize="21600,21600" {o}spt="202" '
        f'path="m,l,21600r21600,l21600,xe"><{v}stroke joinstyle="miter"/>'
        f'<{v}path gradientshapeok="t" {o}connecttype="rect"/></{v}shapetype>'
    )


def new_vml(block: int) -> str:
    px = {"v": "v:", "o": "o:", "x": "x:"}
    return (
        f'<xml xmlns:v="{V_NS}" xmlns:o="{O_NS}" xmlns:x="{XL_NS}">'
        f'<o:shapelayout v:ext="edit"><o:idmap v:ext="edit" data="{block}"/></o:shapelayout>'
        f"{_shapetype(px)}</xml>"
    )


def vml_blocks(vml: str) -> set[int]:
    out: set[int] = set()
    for m in re.finditer(r"idmap\b[^>]*\bdata=\"([^\"]*)\"", vml):
        out.update(int(x) for x in re.findall(r"\d+", m.group(1)))
    return out


def _anchor(row: int, col: int, lines: int) -> str:
    top = max(row - 2, 0)
    height = min(max(lines + 1, 4), 24)
    return f"{col}, 15, {top}, 10, {col + 4}, 15, {top + height}, 4"


def shape_xml(px: dict[str, str], shape_id: int, row: int, col: int, lines: int, z: int) -> str:
    """A hidden note box for the cell at (row, col), 1-based."""
    v, o, x = px["v"], px["o"], px["x"]
    height = min(max(lines + 1, 4), 24) * 14.25
    style = (
        f"position:absolute;margin-left:{48 * col + 11:g}pt;margin-top:"
        f"{max(row - 2, 0) * 14.25 + 2:g}pt;width:240pt;height:{height:g}pt;"
        f"z-index:{z};visibility:hidden"
    )
    return (
        f'<{v}shape id="_x0000_s{shape_id}" type="#_x0000_t202" style="{style}" '
        f'fillcolor="#ffffe1" {o}insetmode="auto"><{v}fill color2="#ffffe1"/>'
        f'<{v}shadow on="t" color="black" obscured="t"/><{v}path {o}connecttype="none"/>'
        f'<{v}textbox style="mso-direction-alt:auto"><div style="text-align:left"></div>'
        f'</{v}textbox><{x}ClientData ObjectType="Note"><{x}MoveWithCells/>'
        f"<{x}SizeWithCells/><{x}Anchor>{_anchor(row, col, lines)}</{x}Anchor>"
        f"<{x}AutoFill>False</{x}AutoFill><{x}Row>{row - 1}</{x}Row>"
        f"<{x}Column>{col - 1}</{x}Column></{x}ClientData></{v}shape>"
    )


_SHAPE = re.compile(
    r"<([\w.\-]+:)?shape\b(?:[^>\"']|\"[^\"]*\"|'[^']*')*>.*?</\1?shape>", re.DOTALL
)


def _note_shapes(vml: str) -> list[tuple[re.Match[str], int, int]]:
    """(match, row0, col0) of every note shape."""
    out = []
    for m in _SHAPE.finditer(vml):
        body = m.group(0)
        if 'ObjectType="Note"' not in body:
            continue
        r = re.search(r"<(?:[\w.\-]+:)?Row>\s*(\d+)\s*<", body)
        c = re.search(r"<(?:[\w.\-]+:)?Column>\s*(\d+)\s*<", body)
        if r and c:
            out.append((m, int(r.group(1)), int(c.group(1))))
    return out


def _shape_id(m: re.Match[str]) -> str | None:
    sid = re.search(r"\bid=\"([^\"]*)\"", m.group(0)[: m.group(0).find(">")])
    return sid.group(1) if sid else None


# -- comments part --------------------------------------------------------------------------


def new_comments() -> str:
    return (
        XML_DECL + f'<comments xmlns="{MAIN_NS}"><authors><author>{AUTHOR}</author></authors>'
        "<commentList></commentList></comments>"
    )


def annotate_sheet_notes(
    pkg: Package,
    sheet_part: str,
    sheet_xml: str,
    notes: dict[tuple[int, int], list[Finding]],
    used_blocks: set[int],
    drawing: DrawingSlot | None = None,
) -> tuple[str, dict[str, Any]]:
    """Add notes for ``notes`` (cell -> findings) to a sheet; returns new sheet XML and record.

    ``drawing`` is the sheet's :func:`~budgetlint.annotate.sheet.drawing_slot` in
    ``sheet_xml`` when the caller knows it (found anew otherwise)."""
    rec: dict[str, Any] = {
        "comments_part": None,
        "comments_created": False,
        "vml_part": None,
        "vml_created": False,
        "rels_added": [],
        "legacy_drawing_rid": None,
        "author_added": False,
        "author_id": None,
        "notes": [],
    }
    rels = pkg.rels(sheet_part)
    comments_part = next(
        (
            pkg.resolve(sheet_part, r.target)
            for r in rels
            if r.type == REL_COMMENTS and not r.external
        ),
        None,
    )
    if comments_part is not None and not pkg.has(comments_part):
        raise pkg.fail("批注部件缺失 (comments part missing)", comments_part)
    if drawing is None:
        drawing = drawing_slot(sheet_xml)
    ld_rid = drawing.rid
    vml_part = None
    if ld_rid is not None:
        rel = next((r for r in rels if r.id == ld_rid), None)
        if rel is not None and not rel.external:
            vml_part = pkg.resolve(sheet_part, rel.target)
            if not pkg.has(vml_part):
                vml_part = None
    if comments_part is None:
        comments_part = pkg.unused_name("xl/comments{}.xml")
        pkg.write(comments_part, new_comments())
        pkg.add_override(comments_part, CT_COMMENTS)
        rec["rels_added"].append(pkg.add_rel(sheet_part, REL_COMMENTS, comments_part))
        rec["comments_created"] = True
    if vml_part is None:
        if ld_rid is not None:
            raise pkg.fail("<legacyDrawing> 指向的 VML 部件缺失", sheet_part)
        block = max(used_blocks | {0}) + 1
        used_blocks.add(block)
        vml_part = pkg.unused_name("xl/drawings/vmlDrawing{}.vml")
        pkg.write(vml_part, new_vml(block))
        pkg.add_override(vml_part, CT_VML)
        rid = pkg.add_rel(sheet_part, REL_VML, vml_part)
        rec["rels_added"].append(rid)
        rec["legacy_drawing_rid"] = rid
        rec["vml_created"] = True
        sheet_xml = add_legacy_drawing(sheet_xml, rid, drawing.at)
    rec["comments_part"], rec["vml_part"] = comments_part, vml_part

    cxml = pkg.text(comments_part)
    top = X.root(cxml)
    p = top.prefix
    authors = X.child(cxml, top, "authors")
    if authors is None:
        raise pkg.fail("批注部件中没有 <authors>", comments_part)
    names = [X.unescape(a.inner(cxml)) for a in X.children(cxml, authors, "author")]
    if AUTHOR in names:
        author_id = names.index(AUTHOR)
    else:
        author_id = len(names)
        cxml, authors = X.open_element(cxml, authors)
        cxml = (
            cxml[: authors.inner_end]
            + f"<{p}author>{AUTHOR}</{p}author>"
            + cxml[authors.inner_end :]
        )
        rec["author_added"] = not rec["comments_created"]
    rec["author_id"] = author_id

    vml = _ensure_vml_ns(pkg.text(vml_part))
    px = _vml_prefixes(vml)
    if 'id="_x0000_t202"' not in vml:
        end = vml.rfind("</xml>")
        vml = vml[:end] + _shapetype(px) + vml[end:]
    ids = [int(n) for n in re.findall(r"_x0000_s(\d+)", vml)]
    blocks = sorted(vml_blocks(vml)) or [max(used_blocks | {0}) + 1]
    next_id = max([*ids, blocks[0] * 1024]) + 1
    z = len(_note_shapes(vml)) + 1

    # The comments and the note shapes are located once; every change is an edit
    # of those texts, spliced in at the end (a sheet may carry hundreds of notes).
    clist = X.child(cxml, X.root(cxml), "commentList")
    if clist is None:
        raise pkg.fail("批注部件中没有 <commentList>", comments_part)
    cxml, clist = X.open_element(cxml, clist)
    comment_at: dict[str, X.Elem] = {}
    for c in X.children(cxml, clist, "comment"):
        comment_at.setdefault(c.attrs(cxml).get("ref", "").upper(), c)
    shape_at: dict[tuple[int, int], re.Match[str]] = {}
    for m, r0, c0 in _note_shapes(vml):
        shape_at.setdefault((r0, c0), m)
    c_edits: list[tuple[int, int, str]] = []
    added_comments: list[str] = []
    v_edits: list[tuple[int, int, str]] = []
    new_shapes: list[str] = []
    for (row, col), found in sorted(notes.items()):
        ref = f"{column_letter(col)}{row}"
        existing = comment_at.get(ref)
        lines = note_lines(found)
        entry: dict[str, Any] = {"cell": ref, "merged": existing is not None}
        if existing is None:
            runs, texts = note_runs(p, found, merged=False)
            added_comments.append(
                f'<{p}comment ref="{ref}" authorId="{author_id}">'
                f"<{p}text>{runs}</{p}text></{p}comment>"
            )
            entry["texts"] = texts
        else:
            original = existing.text(cxml)
            merged, converted, texts, n_orig = _merge_comment(original, p, found)
            c_edits.append((existing.start, existing.end, merged))
            entry.update(original=original, converted=converted, texts=texts, orig_runs=n_orig)
            lines += text_lines(X.unescape(re.sub(r"<[^>]+>", "", original))) + 1
        shape = shape_at.get((row - 1, col - 1))
        if shape is None:
            new_shapes.append(shape_xml(px, next_id, row, col, lines, z))
            entry["shape_id"] = f"_x0000_s{next_id}"
            next_id += 1
            z += 1
        else:
            a = re.search(r"(<(?:[\w.\-]+:)?Anchor>)([^<]*)(<)", shape.group(0))
            if a:
                nums = [int(n) for n in re.findall(r"-?\d+", a.group(2))]
                if len(nums) == 8 and nums[6] - nums[2] < min(lines + 1, 24):
                    nums[6] = nums[2] + min(lines + 1, 24)
                    body = (
                        shape.group(0)[: a.start(2)]
                        + ", ".join(map(str, nums))
                        + shape.group(0)[a.end(2) :]
                    )
                    entry["shape_original"] = shape.group(0)
                    entry["shape_new"] = body
                    v_edits.append((shape.start(), shape.end(), body))
        rec["notes"].append(entry)
    if added_comments:
        c_edits.append((clist.inner_end, clist.inner_end, "".join(added_comments)))
    cxml = X.splice(cxml, c_edits)
    if new_shapes:
        end = vml.rfind("</xml>")
        v_edits.append((end, end, "".join(new_shapes)))
    vml = X.splice(vml, v_edits)
    pkg.write(comments_part, cxml)
    pkg.write(vml_part, vml)
    return sheet_xml, rec


def _merge_comment(
    original: str, p: str, found: Sequence[Finding]
) -> tuple[str, bool, list[str], int]:
    """Append our runs to an existing <comment>; returns (xml, converted, texts, original runs)."""
    el = X.root(original)
    text_el = X.child(original, el, "text")
    if text_el is None:
        raise ValueError("comment without <text>")
    runs_xml, texts = note_runs(p, found, merged=True)
    xml, text_el = X.open_element(original, text_el)
    el = X.root(xml)
    text_el = X.child(xml, el, "text")
    assert text_el is not None
    kids = X.children(xml, text_el)
    converted = False
    edits: list[tuple[int, int, str]] = []
    runs = [k for k in kids if k.name == "r"]
    for k in kids:
        if k.name == "t":
            tp = k.prefix
            edits.append((k.start, k.end, f"<{tp}r>{k.text(xml)}</{tp}r>"))
            converted = True
    tail = next((k.start for k in kids if k.name in ("rPh", "phoneticPr")), text_el.inner_end)
    edits.append((tail, tail, runs_xml))
    return X.splice(xml, edits), converted, texts, len(runs) + (1 if converted else 0)


def remove_notes(cxml: str, rec: dict[str, Any]) -> str:
    """Surgically remove our notes/runs from a comments part edited since annotate."""
    for entry in rec["notes"]:
        top = X.root(cxml)
        clist = X.child(cxml, top, "commentList")
        if clist is None:
            return cxml
        el = next(
            (
                c
                for c in X.children(cxml, clist, "comment")
                if c.attrs(cxml).get("ref", "").upper() == entry["cell"]
            ),
            None,
        )
        if el is None:
            continue
        if not entry["merged"]:
            if _run_texts(el.text(cxml)) == entry["texts"]:
                cxml = cxml[: el.start] + cxml[el.end :]
            continue
        current = el.text(cxml)
        cleaned = _strip_our_runs(current, entry)
        cxml = cxml[: el.start] + cleaned + cxml[el.end :]
    if rec.get("author_added"):
        cxml = _drop_author_if_unused(cxml, rec["author_id"])
    return cxml


def _run_texts(comment_xml: str) -> list[str]:
    el = X.root(comment_xml)
    text_el = X.child(comment_xml, el, "text")
    if text_el is None:
        return []
    out = []
    for r in X.children(comment_xml, text_el, "r"):
        t = X.child(comment_xml, r, "t")
        out.append(X.unescape(t.inner(comment_xml)) if t else "")
    return out


def _strip_our_runs(comment_xml: str, entry: dict[str, Any]) -> str:
    el = X.root(comment_xml)
    text_el = X.child(comment_xml, el, "text")
    if text_el is None:
        return comment_xml
    runs = X.children(comment_xml, text_el, "r")
    texts = _run_texts(comment_xml)
    ours = entry["texts"]
    start = None
    for i in range(len(texts) - len(ours), -1, -1):
        if texts[i : i + len(ours)] == ours:
            start = i
            break
    if start is None:
        return comment_xml
    cut = runs[start : start + len(ours)]
    xml = comment_xml[: cut[0].start] + comment_xml[cut[-1].end :]
    if entry.get("converted"):
        el = X.root(xml)
        text_el = X.child(xml, el, "text")
        remaining = X.children(xml, text_el, "r") if text_el else []
        if len(remaining) == 1 and X.child(xml, remaining[0], "rPr") is None:
            r = remaining[0]
            xml = xml[: r.start] + r.inner(xml) + xml[r.end :]
    return xml


def _drop_author_if_unused(cxml: str, author_id: int) -> str:
    top = X.root(cxml)
    clist = X.child(cxml, top, "commentList")
    used = set()
    if clist is not None:
        used = {c.attrs(cxml).get("authorId") for c in X.children(cxml, clist, "comment")}
    authors = X.child(cxml, top, "authors")
    if authors is None or str(author_id) in used:
        return cxml
    names = X.children(cxml, authors, "author")
    if author_id == len(names) - 1:
        a = names[author_id]
        cxml = cxml[: a.start] + cxml[a.end :]
    return cxml


def remove_shapes(vml: str, rec: dict[str, Any]) -> str:
    """Remove our note shapes from a VML part and undo anchor changes."""
    ours = {e["shape_id"] for e in rec["notes"] if e.get("shape_id")}
    for m in reversed(list(_SHAPE.finditer(vml))):
        if _shape_id(m) in ours:
            vml = vml[: m.start()] + vml[m.end() :]
    for e in rec["notes"]:
        if e.get("shape_new") and e["shape_new"] in vml:
            vml = vml.replace(e["shape_new"], e["shape_original"], 1)
    return vml
