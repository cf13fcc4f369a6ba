"""annotate / clear: lossless patching of .xlsx/.xlsm packages."""

from __future__ import annotations

import json
import warnings
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Callable
from copy import copy
from pathlib import Path

import openpyxl
import pytest
from openpyxl.comments import Comment

from budgetlint.annotate import AnnotateError, annotate, annotate_in_place, clear
from budgetlint.annotate.record import ORIGINALS_PART, RECORD_PART
from budgetlint.annotate.workbook import MARKER_NAME
from budgetlint.findings import Finding, Severity
from fixtures_rich import (
    EMPTY_IN_ROW,
    EMPTY_NO_ROW,
    EXISTING,
    FORM,
    FORMULA,
    LISTS,
    LISTS_CELL,
    MERGED,
    MERGED_INNER,
    OPENPYXL_NOTE,
    PROJECT,
    RICH_NOTE,
    RICH_NOTE_TEXT,
    THREADED,
    VBA_BYTES,
    build_rich,
    build_rich_xlsm,
)

M = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"

FINDINGS = [
    Finding(
        "S101",
        Severity.ERROR,
        FORM,
        EXISTING,
        "执行率与全年执行数÷全年预算数不符",
        expected="0.98",
        actual="1.00",
        computation="969188.11 ÷ 987000.00 = 0.98",
    ),
    Finding("S102", Severity.WARNING, FORM, EMPTY_IN_ROW, "得分缺失", expected="9.80"),
    Finding("S103", Severity.NOTE, FORM, EMPTY_NO_ROW, "此处应填写偏差原因"),
    Finding(
        "S104",
        Severity.ERROR,
        FORM,
        RICH_NOTE,
        "全年预算数与项目金额不符",
        expected="987000.00",
        actual="1000000.00",
    ),
    Finding("S105", Severity.NOTE, FORM, RICH_NOTE, "金额为整数", actual="987000"),
    Finding("S106", Severity.WARNING, FORM, MERGED, "项目名称与目录不一致"),
    Finding("S107", Severity.NOTE, FORM, THREADED, "得分保留一位小数", expected="9.8"),
    Finding("S108", Severity.WARNING, FORM, FORMULA, "执行率公式引用了错误的单元格"),
    Finding("P201", Severity.WARNING, PROJECT, OPENPYXL_NOTE, "执行率超过 100%", actual="0.98"),
    Finding("L001", Severity.NOTE, LISTS, LISTS_CELL, "列表值重复"),
    Finding("S109", Severity.ERROR, FORM, "", "缺少“年度总体目标”区块"),
    Finding(
        "S110",
        Severity.ERROR,
        FORM,
        "F6",
        "分值与模板不符",
        explained=True,
        explanation="按 2021 年文件执行",
    ),
]
#: Cell -> expected fill of the annotated FORM sheet.
FORM_FILLS = {
    EXISTING: "FFFFC7CE",
    EMPTY_IN_ROW: "FFFFEB9C",
    EMPTY_NO_ROW: "FFDDEBF7",
    RICH_NOTE: "FFFFC7CE",
    MERGED: "FFFFEB9C",
    THREADED: "FFDDEBF7",
    FORMULA: "FFFFEB9C",
}

Builder = Callable[[Path], Path]
BUILDERS = {"xlsx": build_rich, "xlsm": build_rich_xlsm}


@pytest.fixture(params=sorted(BUILDERS))
def rich(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    ext = request.param
    return BUILDERS[ext](tmp_path / f"rich.{ext}")


@pytest.fixture
def rich_xlsx(tmp_path: Path) -> Path:
    return build_rich(tmp_path / "rich.xlsx")


# -- helpers ------------------------------------------------------------------------------


def read_parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {i.filename: zf.read(i) for i in zf.infolist()}


def stored_members(path: Path) -> dict[str, tuple[int, int, int, bytes]]:
    """(CRC, sizes, compressed bytes) of each zip member, as the file stores it."""
    out = {}
    blob = path.read_bytes()
    with zipfile.ZipFile(path) as zf:
        for i in zf.infolist():
            at = i.header_offset
            start = at + 30 + int.from_bytes(blob[at + 26 : at + 28], "little")
            start += int.from_bytes(blob[at + 28 : at + 30], "little")
            out[i.filename] = (
                i.CRC,
                i.file_size,
                i.compress_size,
                blob[start : start + i.compress_size],
            )
    return out


def infos(path: Path) -> list[zipfile.ZipInfo]:
    with zipfile.ZipFile(path) as zf:
        return zf.infolist()


def sheet_parts(parts: dict[str, bytes]) -> dict[str, str]:
    """Sheet name -> part name, read from workbook.xml and its rels."""
    wb = ET.fromstring(parts["xl/workbook.xml"])
    rels = ET.fromstring(parts["xl/_rels/workbook.xml.rels"])
    target = {r.get("Id"): r.get("Target", "") for r in rels}
    out = {}
    for s in wb.iter(f"{M}sheet"):
        t = target[s.get(R_ID)]
        out[s.get("name", "")] = t.lstrip("/") if t.startswith("/") else "xl/" + t
    return out


def rels_of(part: str) -> str:
    folder, base = part.rsplit("/", 1)
    return f"{folder}/_rels/{base}.rels"


def cells(xml: bytes) -> dict[str, tuple[str | None, str]]:
    """Cell -> (style attribute, serialized content) parsed without openpyxl."""
    root = ET.fromstring(xml)
    out = {}
    for c in root.iter(f"{M}c"):
        body = "".join(ET.tostring(ch, encoding="unicode") for ch in c)
        out[c.get("r", "")] = (c.get("s"), c.get("t", "") + body)
    return out


def canonical(elem: ET.Element) -> str:
    return ET.canonicalize(ET.tostring(elem, encoding="unicode"))


def without_annotations(orig: bytes, new: bytes, marked: set[str]) -> tuple[str, str]:
    """Both sheet XMLs with the annotated cells' styles, inserted cells/rows and
    the added <legacyDrawing> taken out, canonicalized."""
    o, n = ET.fromstring(orig), ET.fromstring(new)
    orig_cells = {c.get("r") for c in o.iter(f"{M}c")}
    orig_rows = {r.get("r") for r in o.iter(f"{M}row")}
    for tree in (o, n):
        data = tree.find(f"{M}sheetData")
        assert data is not None
        for row in list(data):
            for c in list(row):
                if c.get("r") not in marked:
                    continue
                if c.get("r") in orig_cells:
                    c.attrib.pop("s", None)
                else:
                    row.remove(c)
            if len(row) == 0 and row.get("r") not in orig_rows:
                data.remove(row)
    orig_ld = {e.get(R_ID) for e in o.iter(f"{M}legacyDrawing")}
    for e in list(n):
        if e.tag == f"{M}legacyDrawing" and e.get(R_ID) not in orig_ld:
            n.remove(e)
    return canonical(o), canonical(n)


def comment_elem(parts: dict[str, bytes], part: str, ref: str) -> ET.Element:
    root = ET.fromstring(parts[part])
    for c in root.iter(f"{M}comment"):
        if c.get("ref") == ref:
            return c
    raise AssertionError(f"no comment on {ref} in {part}")


def load(path: Path) -> openpyxl.Workbook:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # x14 extensions are not supported by openpyxl
        return openpyxl.load_workbook(path)


# -- preservation -------------------------------------------------------------------------


def test_untouched_parts_are_byte_identical(rich: Path, tmp_path: Path) -> None:
    out = tmp_path / f"out{rich.suffix}"
    stats = annotate(rich, out, FINDINGS)
    before, after = read_parts(rich), read_parts(out)
    sheets = sheet_parts(before)
    touched = {sheets[FORM], sheets[PROJECT], sheets[LISTS]}
    must_change = (
        touched
        | {rels_of(p) for p in touched}
        | {
            "xl/styles.xml",
            "xl/workbook.xml",
            "xl/_rels/workbook.xml.rels",
            "[Content_Types].xml",
            "_rels/.rels",
            "xl/comments1.xml",
            "xl/drawings/vmlDrawing1.vml",
            "xl/comments/comment1.xml",
            "xl/drawings/commentsDrawing1.vml",
        }
    )
    for name, data in before.items():
        if name not in must_change:
            assert after[name] == data, f"{name} changed"
    # Same order, same compression; new parts only appended.
    old_infos, new_infos = infos(rich), infos(out)
    assert [i.filename for i in new_infos[: len(old_infos)]] == [i.filename for i in old_infos]
    for a, b in zip(old_infos, new_infos, strict=False):
        assert (a.compress_type, a.date_time) == (b.compress_type, b.date_time)
    # An untouched part is the source's zip member as stored: the same compressed
    # bytes (not deflated again), CRC and sizes.
    old_raw, new_raw = stored_members(rich), stored_members(out)
    untouched = [n for n in before if n not in must_change]
    assert untouched
    for name in untouched:
        assert new_raw[name] == old_raw[name], f"{name} recompressed"
    # Threaded comments, persons, drawing, chart, image, macros are among the untouched.
    for name in (
        "xl/threadedComments/threadedComment1.xml",
        "xl/persons/person.xml",
        "xl/media/image1.png",
        "xl/charts/chart1.xml",
        "xl/drawings/drawing1.xml",
    ):
        assert after[name] == before[name]
    if rich.suffix == ".xlsm":
        assert after["xl/vbaProject.bin"] == VBA_BYTES
        assert after["customUI/customUI14.xml"] == before["customUI/customUI14.xml"]
        assert b"macroEnabled.main+xml" in after["[Content_Types].xml"]
        assert b"ui/extensibility" in after["_rels/.rels"]
    for name, data in after.items():
        if name.endswith((".xml", ".rels", ".vml")):
            ET.fromstring(data)  # every XML part is well-formed
    assert stats.cells_marked == len(FORM_FILLS) + 2
    assert stats.cells_inserted == 2
    assert stats.notes_merged == 3  # the rich note, the threaded fallback, openpyxl's note
    assert stats.summary_sheet == "复核结果"


def test_changed_sheets_differ_only_in_annotations(rich_xlsx: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.xlsx"
    annotate(rich_xlsx, out, FINDINGS)
    before, after = read_parts(rich_xlsx), read_parts(out)
    sheets = sheet_parts(before)
    marked = {
        FORM: set(FORM_FILLS),
        PROJECT: {OPENPYXL_NOTE},
        LISTS: {LISTS_CELL},
    }
    for name, refs in marked.items():
        o, n = without_annotations(before[sheets[name]], after[sheets[name]], refs)
        assert o == n, name
    # The x14 extLst stays last, <legacyDrawing> is inserted before it (schema order).
    lists = ET.fromstring(after[sheets[LISTS]])
    tags = [e.tag.split("}")[1] for e in lists]
    assert "legacyDrawing" in tags
    form = ET.fromstring(after[sheets[FORM]])
    assert [e.tag.split("}")[1] for e in form][-3:] == ["drawing", "legacyDrawing", "extLst"]


def test_cells_styles_and_inserted_cells(rich_xlsx: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.xlsx"
    annotate(rich_xlsx, out, FINDINGS)
    before, after = read_parts(rich_xlsx), read_parts(out)
    part = sheet_parts(before)[FORM]
    old, new = cells(before[part]), cells(after[part])
    for ref, (s, body) in old.items():
        if ref in FORM_FILLS:
            assert new[ref][0] != s and new[ref][1] == body
        else:
            assert new[ref] == (s, body), ref
    assert EMPTY_IN_ROW in new and EMPTY_IN_ROW not in old
    assert EMPTY_NO_ROW in new and new[EMPTY_NO_ROW][1] == ""
    # Inserted cells sit in column order, inserted rows in row order.
    root = ET.fromstring(after[part])
    rows = [int(r.get("r", 0)) for r in root.iter(f"{M}row")]
    assert rows == sorted(rows)
    for row in root.iter(f"{M}row"):
        refs = [c.get("r", "") for c in row]
        assert refs == sorted(refs, key=lambda a: (len(a.rstrip("0123456789")), a))


def test_annotated_copy_in_openpyxl(rich: Path, tmp_path: Path) -> None:
    out = tmp_path / f"out{rich.suffix}"
    annotate(rich, out, FINDINGS)
    src, wb = load(rich), load(out)
    assert wb.sheetnames[0] == "复核结果"
    assert wb.sheetnames[1:] == src.sheetnames
    ws, ws0 = wb[FORM], src[FORM]
    for ref, fill in FORM_FILLS.items():
        c, c0 = ws[ref], ws0[ref]
        assert c.fill.fill_type == "solid", ref
        assert c.fill.fgColor.rgb == fill, ref
        assert c.number_format == c0.number_format
        assert copy(c.font) == copy(c0.font)
        assert copy(c.border) == copy(c0.border)
        assert copy(c.alignment) == copy(c0.alignment)
        assert c.value == c0.value
        assert c.comment is not None
    assert ws[EXISTING].font.b and ws[EXISTING].number_format == "#,##0.00"
    text = ws[EXISTING].comment.text
    assert "[S101 错误] 执行率与全年执行数÷全年预算数不符" in text
    assert "应为：0.98（969188.11 ÷ 987000.00 = 0.98）" in text
    assert "实际：1.00" in text
    assert "S104" in ws[RICH_NOTE].comment.text and "S105" in ws[RICH_NOTE].comment.text
    assert ws[RICH_NOTE].comment.text.startswith("".join(RICH_NOTE_TEXT))
    assert "应为" in ws[EMPTY_IN_ROW].comment.text
    assert ws["F6"].fill.fgColor.rgb == ws0["F6"].fill.fgColor.rgb  # explained: not marked
    assert wb[PROJECT][OPENPYXL_NOTE].comment.text.startswith("已核对")
    assert wb[LISTS][LISTS_CELL].fill.fgColor.rgb == "FFDDEBF7"
    # Print areas and titles still belong to their sheets.
    assert ws.print_area == ws0.print_area
    assert wb[PROJECT].print_area == src[PROJECT].print_area
    assert ws.print_title_rows == ws0.print_title_rows
    # The summary sheet: counts and links.
    summary = wb["复核结果"]
    values = [[c.value for c in row] for row in summary.iter_rows()]
    flat = [v for row in values for v in row if v is not None]
    assert "错误" in flat and "已说明" in flat
    header = next(i for i, row in enumerate(values) if row[:3] == ["序号", "工作表", "单元格"])
    assert values[header][3:9] == ["规则", "级别", "说明", "应为", "实际", "计算"]
    links = {
        summary.cell(header + 1 + i, 3).hyperlink.location
        for i in range(1, len(FINDINGS) + 1)
        if summary.cell(header + 1 + i, 3).hyperlink
    }
    assert f"'{FORM}'!{EXISTING}" in links
    assert f"'{LISTS}'!{LISTS_CELL}" in links
    last = values[header + len(FINDINGS)]
    assert last[3] == "S110" and "已说明" in str(last[9])
    assert summary.freeze_panes == f"A{header + 2}"


def test_workbook_indices_shifted(rich_xlsx: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.xlsx"
    annotate(rich_xlsx, out, FINDINGS)
    old = ET.fromstring(read_parts(rich_xlsx)["xl/workbook.xml"])
    new = ET.fromstring(read_parts(out)["xl/workbook.xml"])
    old_ids = [d.get("localSheetId") for d in old.iter(f"{M}definedName")]
    new_names = list(new.iter(f"{M}definedName"))
    new_ids = [d.get("localSheetId") for d in new_names if d.get("name") != MARKER_NAME]
    assert new_ids == [None if i is None else str(int(i) + 1) for i in old_ids]
    # The marker of our summary sheet: a hidden name local to the first sheet.
    [marker] = [d for d in new_names if d.get("name") == MARKER_NAME]
    assert (marker.get("localSheetId"), marker.get("hidden"), marker.text) == (
        "0",
        "1",
        "'复核结果'!$A$1",
    )
    old_view = next(old.iter(f"{M}workbookView"))
    new_view = next(new.iter(f"{M}workbookView"))
    assert int(new_view.get("activeTab", 0)) == int(old_view.get("activeTab", 0)) + 1
    assert new_view.get("firstSheet") in (None, "0")
    sheets = list(new.iter(f"{M}sheet"))
    assert sheets[0].get("name") == "复核结果"
    assert len({s.get("sheetId") for s in sheets}) == len(sheets)


def test_merged_range_inner_cell_marks_top_left(rich_xlsx: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.xlsx"
    f = Finding("S106", Severity.ERROR, FORM, MERGED_INNER, "项目名称与目录不一致")
    annotate(rich_xlsx, out, [f])
    ws = load(out)[FORM]
    assert ws[MERGED].fill.fgColor.rgb == "FFFFC7CE"
    assert "S106" in ws[MERGED].comment.text


def test_record_is_inside_the_workbook(rich_xlsx: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.xlsx"
    annotate(rich_xlsx, out, FINDINGS)
    parts = read_parts(out)
    rec = json.loads(parts[RECORD_PART])
    assert rec["format"] == "budgetlint.annotations"
    assert b"budgetlint/annotations.json" in parts["[Content_Types].xml"]
    assert b"urn:budgetlint:relationships:annotations" in parts["_rels/.rels"]
    form = next(s for s in rec["sheets"] if s["name"] == FORM)
    by_cell = {c["cell"]: c for c in form["cells"]}
    assert by_cell[EMPTY_NO_ROW]["inserted"] and by_cell[EMPTY_NO_ROW]["original_s"] is None
    assert not by_cell[EXISTING]["inserted"]
    assert "xl/styles.xml" in rec["changed_parts"]
    assert rec["summary"]["name"] == "复核结果"


def test_the_originals_are_the_sources_members_as_stored(rich_xlsx: Path, tmp_path: Path) -> None:
    """Each changed part's original is its zip member's compressed bytes, in a stored
    part beside the record, not base64 in the JSON."""
    out = tmp_path / "out.xlsx"
    annotate(rich_xlsx, out, FINDINGS)
    parts, source = read_parts(out), stored_members(rich_xlsx)
    rec = json.loads(parts[RECORD_PART])
    assert rec["version"] == 2
    with zipfile.ZipFile(out) as zf:
        assert zf.getinfo(ORIGINALS_PART).compress_type == zipfile.ZIP_STORED
    rels = parts["budgetlint/_rels/annotations.json.rels"].decode()
    assert 'Type="urn:budgetlint:relationships:originals" Target="originals.bin"' in rels
    assert b'PartName="/budgetlint/originals.bin"' in parts["[Content_Types].xml"]
    blob = parts[ORIGINALS_PART]
    ends = 0
    for name, info in rec["changed_parts"].items():
        entry = info["original"]
        crc, size, _compressed, raw = source[name]
        assert blob[entry["offset"] : entry["offset"] + entry["length"]] == raw, name
        assert (entry["crc"], entry["size"], entry["method"]) == (crc, size, zipfile.ZIP_DEFLATED)
        ends = max(ends, entry["offset"] + entry["length"])
    assert ends == len(blob)
    # the JSON holds no copy of them: its longest string is a digest
    strings: list[str] = []

    def walk(v: object) -> None:
        if isinstance(v, str):
            strings.append(v)
        elif isinstance(v, dict):
            for k, x in v.items():
                walk(k), walk(x)
        elif isinstance(v, list):
            for x in v:
                walk(x)

    walk({k: v for k, v in rec.items() if k != "sheets"})  # sheets: the notes' texts
    assert max(map(len, strings)) == 64


def test_clear_puts_the_members_back_as_they_were_stored(rich_xlsx: Path, tmp_path: Path) -> None:
    out, back = tmp_path / "out.xlsx", tmp_path / "back.xlsx"
    annotate(rich_xlsx, out, FINDINGS)
    clear(out, back)
    assert stored_members(back) == stored_members(rich_xlsx)  # not deflated again


def test_a_version_1_record_is_still_cleared(rich_xlsx: Path, tmp_path: Path) -> None:
    """Files annotated by earlier versions hold each original as base64 in the record."""
    import base64
    import zlib

    out, old, back = tmp_path / "out.xlsx", tmp_path / "v1.xlsx", tmp_path / "back.xlsx"
    annotate(rich_xlsx, out, FINDINGS)
    parts, source = read_parts(out), read_parts(rich_xlsx)
    rec = json.loads(parts[RECORD_PART])
    rec["version"] = 1
    for name, info in rec["changed_parts"].items():
        info["original"] = base64.b64encode(zlib.compress(source[name])).decode("ascii")
    parts[RECORD_PART] = json.dumps(rec, ensure_ascii=False).encode()
    del parts[ORIGINALS_PART], parts["budgetlint/_rels/annotations.json.rels"]
    with zipfile.ZipFile(old, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    stats = clear(old, back)
    assert stats.found and stats.summary_removed
    assert read_parts(back) == source


def test_a_corrupt_original_is_one_clear_error(rich_xlsx: Path, tmp_path: Path) -> None:
    out, bad = tmp_path / "out.xlsx", tmp_path / "坏原件.xlsx"
    annotate(rich_xlsx, out, FINDINGS)
    parts = read_parts(out)
    blob = bytearray(parts[ORIGINALS_PART])
    blob[len(blob) // 2] ^= 0xFF
    parts[ORIGINALS_PART] = bytes(blob)
    with zipfile.ZipFile(bad, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    with pytest.raises(AnnotateError, match=r"坏原件\.xlsx（.+）：复核记录中的原始部件已损坏"):
        clear(bad, tmp_path / "back.xlsx")
    assert not (tmp_path / "back.xlsx").exists()


# -- clear --------------------------------------------------------------------------------


def test_clear_restores_the_original(rich: Path, tmp_path: Path) -> None:
    out = tmp_path / f"out{rich.suffix}"
    back = tmp_path / f"back{rich.suffix}"
    annotate(rich, out, FINDINGS)
    stats = clear(out, back)
    assert stats.found and stats.summary_removed
    before, after = read_parts(rich), read_parts(back)
    assert list(after) == list(before)
    for name, data in before.items():
        assert after[name] == data, name
    src, wb = load(rich), load(back)
    assert wb.sheetnames == src.sheetnames
    for ws0 in src.worksheets:
        ws = wb[ws0.title]
        for row in ws0.iter_rows():
            for c0 in row:
                c = ws[c0.coordinate]
                assert (c.value, c.number_format, copy(c.fill), copy(c.font)) == (
                    c0.value,
                    c0.number_format,
                    copy(c0.fill),
                    copy(c0.font),
                )
                assert (c.comment.text if c.comment else None) == (
                    c0.comment.text if c0.comment else None
                )


def test_no_findings_roundtrip(rich_xlsx: Path, tmp_path: Path) -> None:
    out, back = tmp_path / "out.xlsx", tmp_path / "back.xlsx"
    annotate(rich_xlsx, out, [])
    values = [c.value for row in load(out)["复核结果"].iter_rows() for c in row]
    assert "未发现问题。" in values
    clear(out, back)
    assert read_parts(back) == read_parts(rich_xlsx)


def test_clear_surgically_after_later_edits(rich_xlsx: Path, tmp_path: Path) -> None:
    """Parts edited after annotate are cleaned surgically instead of restored."""
    out = tmp_path / "out.xlsx"
    annotate(rich_xlsx, out, FINDINGS)
    parts = read_parts(out)
    form = sheet_parts(parts)[FORM]
    # A later edit: another value typed into E7, and into the inserted cell J6.
    sx = parts[form].decode()
    sx = sx.replace("<v>969188.11</v></c></row>", "<v>123.45</v></c></row>", 1)
    j6 = sx.index(f'<c r="{EMPTY_IN_ROW}"')
    end = sx.index("/>", j6)
    sx = sx[:end] + ' t="n"><v>9.8</v></c>' + sx[end + 2 :]
    parts[form] = sx.encode()
    parts["xl/comments1.xml"] = parts["xl/comments1.xml"].replace(b"\n", b"\n", 1) + b"\n"
    ct = parts["[Content_Types].xml"].replace(b"</Types>", b"<!-- edited --></Types>")
    parts["[Content_Types].xml"] = ct
    wbx = parts["xl/workbook.xml"].replace(b"<calcPr", b"<!-- edited --><calcPr")
    parts["xl/workbook.xml"] = wbx
    edited = tmp_path / "edited.xlsx"
    with zipfile.ZipFile(edited, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    back = tmp_path / "back.xlsx"
    stats = clear(edited, back)
    assert form in stats.parts_patched and "xl/workbook.xml" in stats.parts_patched
    before, after = read_parts(rich_xlsx), read_parts(back)
    assert sorted(after) == sorted(before)
    old, new = cells(before[form]), cells(after[form])
    for ref, (s, body) in old.items():
        assert new[ref][0] == s, ref
        if ref != "E7":
            assert new[ref][1] == body, ref
    assert "123.45" in new["E7"][1]
    assert EMPTY_NO_ROW not in new  # untouched inserted cell removed
    assert new[EMPTY_IN_ROW][0] is None  # the user's value stays, our style is gone
    # Others' notes intact, ours gone; the workbook is valid again.
    for ref in (RICH_NOTE, THREADED):
        assert canonical(comment_elem(after, "xl/comments1.xml", ref)) == canonical(
            comment_elem(before, "xl/comments1.xml", ref)
        )
    assert b"budgetlint" not in after["xl/comments1.xml"]
    wb = load(back)
    assert "复核结果" not in wb.sheetnames
    new_wb = ET.fromstring(after["xl/workbook.xml"])
    old_wb = ET.fromstring(before["xl/workbook.xml"])
    assert [d.get("localSheetId") for d in new_wb.iter(f"{M}definedName")] == [
        d.get("localSheetId") for d in old_wb.iter(f"{M}definedName")
    ]


def test_reannotate_clears_first(rich_xlsx: Path, tmp_path: Path) -> None:
    once, twice = tmp_path / "once.xlsx", tmp_path / "twice.xlsx"
    annotate(rich_xlsx, once, FINDINGS)
    stats = annotate(once, twice, FINDINGS)
    assert stats.cleared_previous
    a, b = read_parts(once), read_parts(twice)
    assert sorted(a) == sorted(b)
    sheets = sheet_parts(a)
    for name in (FORM, PROJECT, LISTS):
        assert a[sheets[name]] == b[sheets[name]]
    for name in ("xl/styles.xml", "xl/comments1.xml", "xl/workbook.xml", "[Content_Types].xml"):
        assert a[name] == b[name]
    assert load(twice).sheetnames.count("复核结果") == 1
    # Fewer findings the second time: the dropped cell is restored.
    annotate(once, twice, FINDINGS[:1])
    ws = load(twice)[FORM]
    assert ws[EMPTY_IN_ROW].fill.fgColor.rgb != "FFFFEB9C"
    assert ws[RICH_NOTE].comment.text == "".join(RICH_NOTE_TEXT)


def test_explained_note_kept(tmp_path: Path) -> None:
    src = tmp_path / "form.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "表1"
    ws["B2"] = 1.0
    ws["B2"].comment = Comment("【已说明】预算调整后执行率按调整数计算", "填报人")
    wb.save(src)
    f = Finding(
        "S101", Severity.ERROR, "表1", "B2", "执行率不符", explained=True, explanation="预算调整"
    )
    out = tmp_path / "out.xlsx"
    annotate(src, out, [f])
    c = load(out)["表1"]["B2"]
    assert c.comment.text == "【已说明】预算调整后执行率按调整数计算"
    assert (
        read_parts(out)["xl/comments/comment1.xml"] == read_parts(src)["xl/comments/comment1.xml"]
    )


# -- in place -----------------------------------------------------------------------------


def test_annotate_in_place_writes_backups(rich_xlsx: Path) -> None:
    original = rich_xlsx.read_bytes()
    bak = annotate_in_place(rich_xlsx, FINDINGS)
    assert bak == rich_xlsx.with_name("rich.bak.xlsx")
    assert bak.read_bytes() == original
    assert "复核结果" in load(rich_xlsx).sheetnames
    annotated = rich_xlsx.read_bytes()
    bak2 = annotate_in_place(rich_xlsx, FINDINGS[:2])
    assert bak2 != bak and bak2.name == "rich.bak2.xlsx"
    assert bak.read_bytes() == original
    assert bak2.read_bytes() == annotated
    leftovers = [p.name for p in rich_xlsx.parent.iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []
    stats = clear(rich_xlsx)
    assert stats.found and stats.backup is not None and stats.backup.name == "rich.bak3.xlsx"
    assert read_parts(rich_xlsx) == read_parts(bak)
    again = clear(rich_xlsx)  # nothing to clear: no write, no backup
    assert not again.found and again.backup is None


# -- errors -------------------------------------------------------------------------------


def test_truncated_zip(rich_xlsx: Path, tmp_path: Path) -> None:
    bad = tmp_path / "截断.xlsx"
    data = rich_xlsx.read_bytes()
    bad.write_bytes(data[: len(data) // 2])
    with pytest.raises(AnnotateError, match=r"截断\.xlsx") as exc:
        annotate(bad, tmp_path / "o.xlsx", FINDINGS)
    assert "截断" in str(exc.value) or "损坏" in str(exc.value)
    assert not (tmp_path / "o.xlsx").exists()


def test_member_with_a_wrong_crc(rich_xlsx: Path, tmp_path: Path) -> None:
    # One byte of a stored part's text changed: the member still inflates, its CRC
    # no longer matches. annotate names the file and the part and writes nothing.
    src = tmp_path / "src.xlsx"
    with zipfile.ZipFile(rich_xlsx) as zin, zipfile.ZipFile(src, "w") as zout:
        for i in zin.infolist():
            zout.writestr(i, zin.read(i), compress_type=zipfile.ZIP_STORED)
    blob = bytearray(src.read_bytes())
    at = blob.index(b"<sheetData")
    blob[at + 1] = ord("S")
    bad = tmp_path / "校验错.xlsx"
    bad.write_bytes(bytes(blob))
    with pytest.raises(AnnotateError, match=r"校验错\.xlsx（xl/worksheets/sheet\d+\.xml）.*CRC"):
        annotate(bad, tmp_path / "o.xlsx", FINDINGS)
    assert not (tmp_path / "o.xlsx").exists()


def test_text_file_named_xlsx(tmp_path: Path) -> None:
    bad = tmp_path / "notes.xlsx"
    bad.write_text("项目名称,金额\n", encoding="utf-8")
    with pytest.raises(AnnotateError, match=r"notes\.xlsx.*zip"):
        annotate(bad, tmp_path / "o.xlsx", FINDINGS)


def test_encrypted_cfb_file(tmp_path: Path) -> None:
    bad = tmp_path / "加密.xlsx"
    bad.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504)
    with pytest.raises(AnnotateError, match=r"加密\.xlsx") as exc:
        clear(bad)
    assert "加密" in str(exc.value) and "encrypted" in str(exc.value)


def test_no_such_sheet(rich_xlsx: Path, tmp_path: Path) -> None:
    f = Finding("S101", Severity.ERROR, "03 不存在", "A1", "x")
    with pytest.raises(AnnotateError, match=r"rich\.xlsx.*03 不存在"):
        annotate(rich_xlsx, tmp_path / "o.xlsx", [f])
    assert not (tmp_path / "o.xlsx").exists()


def test_bad_cell_address(rich_xlsx: Path, tmp_path: Path) -> None:
    f = Finding("S101", Severity.ERROR, FORM, "第3行", "x")
    with pytest.raises(AnnotateError, match="第3行"):
        annotate(rich_xlsx, tmp_path / "o.xlsx", [f])


# --- marking cells in a worksheet's XML, however its rows are written -------------------------


def _mark(xml: str, cells: list[tuple[int, int]]) -> str:
    from budgetlint.annotate.sheet import mark_cells

    out, _changes = mark_cells(xml, dict.fromkeys(cells, "x"), lambda base, key: base + 100)
    return out


def _ws(rows: str, p: str = "") -> str:
    ns = f' xmlns{":" + p[:-1] if p else ""}="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    return f"<{p}worksheet{ns}><{p}sheetData>{rows}</{p}sheetData></{p}worksheet>"


@pytest.mark.parametrize(
    "rows",
    [
        # numbered rows, as Excel, LibreOffice and openpyxl write them
        '<row r="1"><c r="A1" s="2"/></row><row r="2"><c r="A2"/><c r="B2" s="3"/></row>',
        # no numbers at all: rows and cells numbered by position
        '<row><c s="2"/></row><row><c/><c s="3"/></row>',
        # the number not first among the attributes
        '<row spans="1:1" r="1"><c r="A1" s="2"/></row><row spans="1:2" r="2"><c r="A2"/>'
        '<c r="B2" s="3"/></row>',
        # a cell's address not first among its attributes
        '<row r="1"><c s="2" r="A1"/></row><row r="2"><c r="A2"/><c s="3" r="B2"/></row>',
    ],
    ids=["numbered", "by-position", "r-not-first", "cell-r-not-first"],
)
def test_cells_are_marked_however_rows_are_numbered(rows: str) -> None:
    out = _mark(_ws(rows), [(1, 1), (2, 2)])
    assert 's="102"' in out and 's="103"' in out  # A1 (style 2) and B2 (style 3), restyled
    assert out.count("<row") == 2 and out.count("<c") == 3


def test_a_missing_row_is_inserted_in_order_and_a_prefix_kept() -> None:
    xml = _ws('<x:row r="1"><x:c r="A1"/></x:row><x:row r="4"><x:c r="A4"/></x:row>', "x:")
    out = _mark(xml, [(3, 2), (4, 1)])
    assert '<x:row r="3"><x:c r="B3" s="100"/></x:row><x:row r="4"><x:c r="A4" s="100"/>' in out


@pytest.mark.parametrize(
    ("source", "part"),
    [
        ("xl/worksheets/sheet1.xml", "xl/comments1.xml"),
        ("xl/worksheets/sheet1.xml", "xl/drawings/vmlDrawing1.vml"),
        ("xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml"),
        ("xl/workbook.xml", "xl/worksheets/sheet9.xml"),
        ("budgetlint/annotations.json", "budgetlint/originals.bin"),
        ("xl/worksheets/sub/s.xml", "xl/worksheets/t.xml"),
        ("a/b/c.xml", "x.xml"),
        ("x.xml", "xl/a.xml"),
    ],
)
def test_a_relationship_target_is_relative_to_its_source_folder(source: str, part: str) -> None:
    import posixpath

    from budgetlint.annotate.package import Package

    target = Package.relative(source, part)
    assert target == posixpath.relpath(part, posixpath.dirname(source) or ".")
    assert Package.resolve(source, target) == part


def test_a_cell_in_a_comment_is_not_marked() -> None:
    rows = '<row r="1"><!-- <c r="A1" s="9"/> --><c r="A1" s="2"/></row>'
    out = _mark(_ws(rows), [(1, 1)])
    assert '<!-- <c r="A1" s="9"/> -->' in out and '<c r="A1" s="102"/>' in out


def test_the_drawings_place_found_before_marking_is_where_it_goes_after() -> None:
    from budgetlint.annotate.sheet import add_legacy_drawing, drawing_slot, mark_cells

    xml = _ws('<row r="1"><c r="A1" s="2"/></row>').replace(
        "</sheetData>",
        '</sheetData><mergeCells count="1"><mergeCell ref="A1:B1"/></mergeCells>'
        '<pageMargins left="0.7"/><tableParts count="1"><tablePart r:id="rId1"/></tableParts>'
        "<extLst/>",
    )
    slot = drawing_slot(xml)
    assert slot.rid is None and xml[slot.at :].startswith("<tableParts")
    marked, _ = mark_cells(xml, {(1, 1): "x", (3, 2): "x"}, lambda base, key: base + 100)
    moved = slot.shifted(len(marked) - len(xml))
    assert add_legacy_drawing(marked, "rId9", moved.at) == add_legacy_drawing(marked, "rId9")
    out = add_legacy_drawing(marked, "rId9", moved.at)
    assert out.index("<pageMargins") < out.index("<legacyDrawing ") < out.index("<tableParts")
    assert out[out.index("<legacyDrawing ") :].split(">", 1)[1].startswith("<tableParts")
    with_one = add_legacy_drawing(marked, "rId9")
    assert drawing_slot(with_one).rid == "rId9"
