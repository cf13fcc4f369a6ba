"""The calamine host gives the grid and the findings openpyxl's full load gives.

openpyxl (:mod:`budgetlint.hosts.openpyxl_host`) is the reference: every example
workbook, every form of the real-forms corpus (as ``write_workbook`` builds it), the
rich workbooks of the annotator's tests (notes, formulas, merges, formats, macros)
and an annotated copy must come out of both hosts with identical findings (code,
cell, severity, message) and identical grids.  Then the values one by one, shared
formulas, notes, number formats, documents with prefixes and without addresses,
and the other formats (.xlsb built here; .ods and .xls in test_bad_inputs).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from budgetlint.checker import check_file
from budgetlint.grid import Grid
from budgetlint.hosts import calamine_host, read_workbook
from budgetlint.hosts.xlsxscan import parse_ref, translate
from tests.conftest import EXAMPLES, SEED_S
from tests.xlsxkit import (
    DECL,
    MAIN,
    R,
    book,
    book_parts,
    inline,
    patch,
    sheet_xml,
    styles_xml,
    write_parts,
    xlsb,
)


@pytest.fixture(scope="module")
def workbooks(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    from budgetlint.annotate import annotate
    from tests.fixtures_rich import build_rich, build_rich_xlsm
    from tests.realforms.corpus import load_all, write_workbook

    d = tmp_path_factory.mktemp("hosts")
    paths = sorted(EXAMPLES.glob("*.xlsx"))
    paths += [write_workbook(f, d / "corpus" / f"{f.name}.xlsx") for f in load_all()]
    rich = build_rich(d / "rich.xlsx")
    paths += [rich, build_rich_xlsm(d / "rich.xlsm")]
    annotated = d / "annotated.xlsx"
    annotate(SEED_S, annotated, check_file(SEED_S).findings)
    paths.append(annotated)
    return paths


def _findings(path: Path, host: Any) -> list[tuple[str, str, str, str, str]]:
    fr = check_file(path, host=host)
    assert fr.error is None, fr.error
    return [(f.sheet, f.code, f.cell, f.severity.value, f.message) for f in fr.findings]


def _grid(g: Grid) -> dict[str, Any]:
    """A grid as comparable data: values with their types, merged ranges as sets."""
    return {
        "added": g.added_sheets,
        "sheets": [
            {
                "name": s.name,
                "cells": {rc: (type(v).__name__, v) for rc, v in s.cells.items()},
                "formulas": s.formulas,
                "formats": s.formats,
                "notes": s.notes,
                "merged": set(s.merged),
            }
            for s in g.sheets
        ],
    }


def test_findings_are_identical_with_both_hosts(workbooks: list[Path]) -> None:
    assert len(workbooks) >= 8 + 30 + 3
    checked = 0
    for path in workbooks:
        assert _findings(path, "calamine") == _findings(path, "openpyxl"), path.name
        checked += 1
    assert checked == len(workbooks)


def test_grids_are_identical_with_both_hosts(workbooks: list[Path]) -> None:
    for path in workbooks:
        assert _grid(read_workbook(path)) == _grid(read_workbook(path, host="openpyxl")), path.name


def test_an_xlsx_is_read_from_its_one_scan_without_calamine(
    workbooks: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The scan reads every value's text: calamine would parse each sheet a second time.
    def refuse(p: Path) -> None:
        raise AssertionError(f"calamine opened {p}")

    monkeypatch.setattr(calamine_host, "_open_calamine", refuse)
    for path in workbooks:
        assert _grid(read_workbook(path)) == _grid(read_workbook(path, host="openpyxl")), path.name


def test_the_annotated_copy_knows_its_summary_sheet(workbooks: list[Path]) -> None:
    annotated = next(p for p in workbooks if p.name == "annotated.xlsx")
    assert read_workbook(annotated).added_sheets == {"复核结果"}
    assert read_workbook(SEED_S).added_sheets == set()


# --- values one by one -----------------------------------------------------------------------

_STYLES = styles_xml(
    formats=((164, '0.00"万元"'), (165, 'yyyy"年"m"月"d"日"')),
    xfs=(0, 14, 10, 164, 165, 20, 2),  # s=1 date, 2 0.00%, 3 custom, 4 custom date, 5 h:mm, 6 0.00
)

_ROWS = (
    '<row r="1">'
    '<c r="A1" t="s"><v>0</v></c>'  # shared string
    '<c r="B1" t="s"><v>1</v></c>'  # rich shared string (runs, phonetic left out)
    '<c r="C1"><v>3</v></c>'  # int
    '<c r="D1"><v>3.0</v></c>'  # float written with a point
    '<c r="E1"><v>2.5</v></c>'
    '<c r="F1"><v>1E+20</v></c>'
    '<c r="G1" t="b"><v>1</v></c>'
    '<c r="H1" t="b"><v>0</v></c>'
    '<c r="I1" t="e"><v>#DIV/0!</v></c>'
    '<c r="J1" s="2"><v>0.9819</v></c>'
    '<c r="K1" s="3"><v>96.92</v></c>'
    '<c r="L1" s="6"><v>969188.11</v></c>'
    "</row>"
    '<row r="2">'
    '<c r="A2" s="1"><v>44561</v></c>'  # 2021-12-31 under mm-dd-yy
    '<c r="B2" s="4"><v>44197</v></c>'  # 2021-01-01 under yyyy"年"m"月"d"日"
    '<c r="C2" s="5"><v>0.5</v></c>'  # 12:00 under h:mm
    '<c r="D2" t="str"><f>"共"&amp;C1&amp;"项"</f><v>共3项</v></c>'
    '<c r="E2"><f>C1*2</f><v>6</v></c>'
    '<c r="F2"><f t="shared" ref="F2:F4" si="0">C1+$E$1</f><v>5.5</v></c>'
    '<c r="G2" t="e"><f>1/0</f><v>#DIV/0!</v></c>'
    '<c r="H2"><f>A1</f></c>'  # no cached value
    + inline("I2", "  内联  文字 ")
    + '<c r="J2" s="2"/>'  # styled, empty
    "</row>"
    '<row r="3"><c r="F3"><f t="shared" si="0"/><v>5.5</v></c>'
    '<c r="G3"><f t="array" ref="G3:G3">SUM(C1:E1)</f><v>8.5</v></c></row>'
    '<row r="4"><c r="F4"><f t="shared" si="0"/><v>5.5</v></c></row>'
    '<row r="6"><c r="A6" t="s"><v>2</v></c><c r="B6" t="s"><v>3</v></c>'
    '<c r="C6"><v>7</v></c></row>'  # B6 and C6 lie under the merge A6:C6
    '<row r="8"><c r="A8" t="s"><v>4</v></c></row>'  # carries a note
    '<row r="9"><c r="B9"/></row>'  # carries a note, no value
)
_STRINGS = [
    "项目名称",
    "RICH",  # replaced by a rich <si> below
    "合并的标题",
    "被覆盖",
    "得分",
]


def _values_book(path: Path) -> Path:
    parts = book_parts(
        {"值": sheet_xml(_ROWS, merged=("A6:C6",))},
        strings=_STRINGS,
        styles=_STYLES,
        notes={"值": [("A8", "【已说明】按调整后预算计算"), ("B9", "空单元格上的批注")]},
    )
    sst = parts["xl/sharedStrings.xml"].decode()
    parts["xl/sharedStrings.xml"] = sst.replace(
        '<si><t xml:space="preserve">RICH</t></si>',
        "<si><r><t>年度</t></r><r><rPr><b/></rPr><t>资金总额</t></r>"
        '<rPh sb="0" eb="2"><t>ねんど</t></rPh></si>',
    ).encode()
    return write_parts(path, parts)


def test_values_are_what_openpyxl_reads(tmp_path: Path) -> None:
    path = _values_book(tmp_path / "值.xlsx")
    ours, ref = read_workbook(path), read_workbook(path, host="openpyxl")
    assert _grid(ours) == _grid(ref)
    s = ours.sheets[0]
    assert s.cells == {
        (1, 1): "项目名称",
        (1, 2): "年度资金总额",
        (1, 3): 3,
        (1, 4): 3.0,
        (1, 5): 2.5,
        (1, 6): 1e20,
        (1, 7): True,
        (1, 8): False,
        (1, 9): "#DIV/0!",
        (1, 10): 0.9819,
        (1, 11): 96.92,
        (1, 12): 969188.11,
        (2, 1): "2021年12月31日",
        (2, 2): "2021年1月1日",
        (2, 3): "12:00:00",
        (2, 4): "共3项",
        (2, 5): 6,
        (2, 6): 5.5,
        (2, 7): "#DIV/0!",
        (2, 9): "  内联  文字 ",
        (3, 6): 5.5,
        (3, 7): 8.5,
        (4, 6): 5.5,
        (6, 1): "合并的标题",
        (8, 1): "得分",
    }
    assert [type(s.cells[rc]) for rc in ((1, 3), (1, 4), (1, 7))] == [int, float, bool]
    assert s.formulas == {
        (2, 4): '="共"&C1&"项"',
        (2, 5): "=C1*2",
        (2, 6): "=C1+$E$1",
        (2, 7): "=1/0",
        (2, 8): "=A1",
        (3, 6): "=C2+$E$1",  # the shared formula, moved to its cell
        (3, 7): "=SUM(C1:E1)",
        (4, 6): "=C3+$E$1",
    }
    assert s.uncached() == [(2, 8)]
    assert s.formats == {
        (1, 10): "0.00%",
        (1, 11): '0.00"万元"',
        (1, 12): "0.00",
        (2, 1): "mm-dd-yy",
        (2, 2): 'yyyy"年"m"月"d"日"',
        (2, 3): "h:mm",
    }
    assert s.notes == {(8, 1): "【已说明】按调整后预算计算", (9, 2): "空单元格上的批注"}
    assert s.merged == [parse_merged("A6:C6")]


def parse_merged(ref: str) -> Any:
    from budgetlint.hosts.xlsxscan import parse_range

    return parse_range(ref)


def test_shared_formulas_move_like_openpyxl() -> None:
    from openpyxl.formula.translate import Translator

    formulas = [
        "=A1+B2",
        "=SUM($A$1:B2)*2",
        "=Sheet2!A1+'My Sheet'!B$3",
        '=IF(A1="B2",C3,"")',
        "=SUM(A:A)+SUM(1:1)",
        "=LOG10(A1)+ABC1",
        '=A1&"x""A1"',
        "=$A1+A$1",
        "=VLOOKUP(A2,$D$2:$E$10,2,FALSE)",
        "=1.5E+3*A1",
        "=ROUND(F5*G5,2)",
    ]
    for f in formulas:
        for origin, dest in (("C3", "D5"), ("C3", "C4"), ("B2", "E2"), ("E5", "E5")):
            want = Translator(f, origin=origin).translate_formula(dest)
            got = translate(f, parse_ref(origin), parse_ref(dest))  # type: ignore[arg-type]
            assert got == want, (f, origin, dest)


def test_zh_cn_builtin_date_format(tmp_path: Path) -> None:
    # numFmtId 31 is 2021年3月4日 in a zh-CN Excel (openpyxl does not know it)
    path = book(
        tmp_path / "日期.xlsx",
        {"S": sheet_xml('<row r="1"><c r="A1" s="1"><v>44259</v></c></row>')},
        styles=styles_xml(xfs=(0, 31)),
    )
    s = read_workbook(path).sheets[0]
    assert s.cells == {(1, 1): "2021年3月4日"} and s.formats == {(1, 1): 'yyyy"年"m"月"d"日"'}


def test_prefixed_elements_and_cells_without_addresses(tmp_path: Path) -> None:
    x = "x"
    rows = (
        f'<{x}:row><{x}:c><{x}:v>1</{x}:v></{x}:c><{x}:c t="inlineStr"><{x}:is><{x}:t>乙</{x}:t>'
        f'</{x}:is></{x}:c></{x}:row><{x}:row r="3"><{x}:c r="C3"><{x}:v>2.5</{x}:v></{x}:c></{x}:row>'
    )
    xml = (
        f'{DECL}<{x}:worksheet xmlns:{x}="{MAIN}" xmlns:r="{R}"><{x}:sheetData>{rows}'
        f"</{x}:sheetData></{x}:worksheet>"
    )
    path = book(tmp_path / "前缀.xlsx", {"S": xml})
    ours = read_workbook(path)
    assert ours.sheets[0].cells == {(1, 1): 1, (1, 2): "乙", (3, 3): 2.5}
    assert _grid(ours) == _grid(read_workbook(path, host="openpyxl"))


def test_cells_without_addresses_count_from_a_skipped_empty_cell(tmp_path: Path) -> None:
    # B2 and D3 are styled and empty: their addresses are parsed only because the next
    # cell counts its column from them.  A cell without r= takes the row of its <row>
    # (here counted: 1, 2), not of the previous cell's address, as openpyxl and calamine do.
    rows = (
        '<row><c r="B2" s="1"/><c s="1"><v>5</v></c><c r="E2" s="1"/></row>'
        '<row><c><v>6</v></c><c r="D3" s="1"/><c s="1"/><c t="inlineStr"><is><t>丙</t></is></c></row>'
    )
    path = book(tmp_path / "无地址.xlsx", {"S": sheet_xml(rows)}, styles=styles_xml(xfs=(0, 2)))
    ours = read_workbook(path)
    assert ours.sheets[0].cells == {(1, 3): 5, (2, 1): 6, (2, 6): "丙"}
    assert ours.sheets[0].formats == {(1, 3): "0.00"}
    assert _grid(ours) == _grid(read_workbook(path, host="openpyxl"))


def test_a_note_with_the_marker_explains_the_finding(tmp_path: Path) -> None:
    sheet14 = "14 深圳市社会组织能力建设与跟踪服务项目"

    def add_note(parts: dict[str, bytes]) -> dict[str, bytes]:
        parts["xl/comments1.xml"] = (
            f'{DECL}<comments xmlns="{MAIN}"><authors><author>财务</author></authors><commentList>'
            '<comment ref="G5" authorId="0"><text><t>【已说明】执行率按调整后预算计算</t></text>'
            "</comment></commentList></comments>"
        ).encode()
        parts["xl/worksheets/_rels/sheet14.xml.rels"] = (
            f'{DECL}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{R}/comments" Target="../comments1.xml"/></Relationships>'
        ).encode()
        return parts

    path = patch(SEED_S, tmp_path / "已说明.xlsx", add_note)
    for host in ("calamine", "openpyxl"):
        fr = check_file(path, host=host)  # type: ignore[arg-type]
        [s104] = [
            f for f in fr.findings if f.sheet == sheet14 and f.cell == "G5" and f.code == "S104"
        ]
        assert s104.explained and s104.explanation == "执行率按调整后预算计算", host


# --- other formats ---------------------------------------------------------------------------


def test_xlsb_values_are_read(tmp_path: Path) -> None:
    path = xlsb(
        tmp_path / "自评表.xlsb",
        {"自评表": {(1, 1): "项目名称", (1, 2): "综合服务工作", (5, 4): 987000.0, (5, 7): 0.98}},
    )
    [sheet] = read_workbook(path).sheets
    assert sheet.name == "自评表"
    assert sheet.cells == {(1, 1): "项目名称", (1, 2): "综合服务工作", (5, 4): 987000, (5, 7): 0.98}
    assert check_file(path).error is None


def test_an_xlsb_sheet_too_large_for_a_rectangle_is_refused(tmp_path: Path) -> None:
    # calamine holds a sheet as one dense rectangle: A1 and XFD1048576 would be 17
    # billion cells (a 550 GB allocation that aborts the process).  Refused by its
    # declared range, before calamine reads it.
    path = xlsb(tmp_path / "远处.xlsb", {"自评表": {(1, 1): "项目名称", (1_048_576, 16_384): "x"}})
    err = check_file(path).error
    assert err == (
        f"{path}: 工作表“自评表”的单元格范围 A1:XFD1048576 过大，.xlsb 工作表只能整块读取，"
        "请删除范围外多余的单元格或另存为 .xlsx 后再检查"
    )


def test_shared_strings_are_trimmed_unless_preserved(tmp_path: Path) -> None:
    path = _values_book(tmp_path / "值.xlsx")

    def edit(parts: dict[str, bytes]) -> dict[str, bytes]:  # strings as calamine trims them
        sst = parts["xl/sharedStrings.xml"].decode()
        parts["xl/sharedStrings.xml"] = (
            sst.replace('<t xml:space="preserve">得分</t>', "<t>  得分 </t>")
            .replace(
                '<t xml:space="preserve">被覆盖</t>', '<t xml:space="preserve"> 换_x000A_行 </t>'
            )
            .encode()
        )
        return parts

    path = patch(path, tmp_path / "值2.xlsx", edit)
    grid = _grid(read_workbook(path))
    assert grid["sheets"][0]["cells"][(8, 1)] == ("str", "得分")
