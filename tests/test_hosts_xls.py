"""The .xls reader: calamine's values joined with one pass over the BIFF8 records.

The record walk is tested on workbook streams assembled here, record by record
(:func:`budgetlint.hosts.xlsscan.scan_stream`); the whole reader on .xls files
that LibreOffice writes from the bundled examples, which must read as their
.xlsx do: the same number formats, the same findings.
"""

from __future__ import annotations

import struct
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from budgetlint.checker import check_file
from budgetlint.hosts import read_workbook
from budgetlint.hosts.xlsscan import XlsScanError, scan_stream
from tests.conftest import EXAMPLES, SEED_S, lo_convert
from tests.test_bad_inputs import E5, FIRST, G5, H13, _edit_sheet1

FORM_P = EXAMPLES / "中共深圳市委政法委员会_2019_项目绩效情况自评表.xlsx"


# --- the record walk, on streams built here -----------------------------------------------------


def rec(typ: int, payload: bytes) -> bytes:
    return struct.pack("<HH", typ, len(payload)) + payload


def bof(kind: int) -> bytes:  # BIFF8 BOF: version 0x0600, substream type (5 globals, 0x10 sheet)
    return rec(0x0809, struct.pack("<HH", 0x0600, kind) + bytes(12))


EOF = rec(0x000A, b"")


def xf(ifmt: int) -> bytes:
    return rec(0x00E0, struct.pack("<HH", 0, ifmt) + bytes(16))


def fmt(ifmt: int, code: str) -> bytes:
    return rec(0x041E, struct.pack("<HHB", ifmt, len(code), 1) + code.encode("utf-16-le"))


def boundsheet(offset: int, name: str, kind: int = 0) -> bytes:
    return rec(
        0x0085, struct.pack("<IBBBB", offset, 0, kind, len(name), 1) + name.encode("utf-16-le")
    )


def number(r: int, c: int, ixf: int, v: float) -> bytes:
    return rec(0x0203, struct.pack("<HHHd", r, c, ixf, v))


def mulrk(r: int, c: int, ixfs: list[int]) -> bytes:
    body = b"".join(struct.pack("<HI", i, 0) for i in ixfs)
    return rec(0x00BD, struct.pack("<HH", r, c) + body + struct.pack("<H", c + len(ixfs) - 1))


def boolerr(r: int, c: int, ixf: int, code: int) -> bytes:
    return rec(0x0205, struct.pack("<HHHBB", r, c, ixf, code, 1))


def formula_error(r: int, c: int, ixf: int, code: int) -> bytes:
    value = struct.pack("<BBBBHH", 2, 0, code, 0, 0, 0xFFFF)
    return rec(0x0006, struct.pack("<HHH", r, c, ixf) + value + struct.pack("<HIH", 0, 0, 0))


def workbook(sheets: list[tuple[str, bytes]], *, kinds: list[int] | None = None) -> bytes:
    """A BIFF8 workbook stream: globals (formats, styles, sheets), then each sheet."""
    styles = fmt(164, "0.00%") + xf(0) + xf(10) + xf(164) + xf(4)
    heads = [
        boundsheet(0, name, (kinds or [0] * len(sheets))[i]) for i, (name, _) in enumerate(sheets)
    ]
    globals_len = len(bof(5)) + len(styles) + sum(map(len, heads)) + len(EOF)
    offset, fixed = globals_len, []
    for i, (name, body) in enumerate(sheets):
        fixed.append(boundsheet(offset, name, (kinds or [0] * len(sheets))[i]))
        offset += len(bof(0x10)) + len(body) + len(EOF)
    out = bof(5) + styles + b"".join(fixed) + EOF
    return out + b"".join(bof(0x10) + body + EOF for _, body in sheets)


def test_formats_errors_and_span_of_each_sheet() -> None:
    chart = bof(0x20) + number(0, 0, 2, 1.0) + EOF  # an embedded chart's records are not cells
    body = (
        number(4, 6, 1, 0.98)  # G5: built-in 10, 0.00%
        + number(4, 4, 3, 969188.11)  # E5: built-in 4, #,##0.00
        + mulrk(6, 1, [0, 2, 1])  # B7 General, C7 custom 164, D7 0.00%
        + boolerr(12, 7, 0, 0x2A)  # H13: #N/A
        + formula_error(5, 6, 1, 0x07)  # G6: a formula's cached #DIV/0!
        + chart
    )
    scans = scan_stream(workbook([("表一", body), ("图表", b"")], kinds=[0, 2]))
    assert scans is not None and list(scans) == ["表一"]  # a chart sheet is not a worksheet
    sc = scans["表一"]
    assert sc.formats == {
        (5, 7): "0.00%",
        (5, 5): "#,##0.00",
        (7, 3): "0.00%",
        (7, 4): "0.00%",
        (6, 7): "0.00%",
    }
    assert sc.errors == {(13, 8): "#N/A", (6, 7): "#DIV/0!"}
    assert sc.span == (5, 2, 13, 8) and sc.area == 9 * 7


def test_a_stream_cut_inside_a_record_is_an_error() -> None:
    data = workbook([("表一", number(0, 0, 0, 1.0))])
    with pytest.raises(XlsScanError, match="超出工作簿流的末尾"):
        scan_stream(data[:-7])


def test_a_cell_past_column_iv_is_a_damaged_file() -> None:
    # BIFF8 has 256 columns; a flipped byte put a cell at column 32,776 (found by make fuzz)
    with pytest.raises(XlsScanError, match=r"第 11 行的单元格在第 32776 列，超出 \.xls 的 256 列"):
        scan_stream(workbook([("表一", number(10, 32775, 0, 1.0))]))


def test_the_declared_range_is_read() -> None:
    # DIMENSIONS (first row, last row + 1, first col, last col + 1): what calamine allocates
    dims = rec(0x0200, struct.pack("<IIHHH", 0, 65536, 0, 256, 0))
    scans = scan_stream(workbook([("表一", dims + number(0, 0, 0, 1.0))]))
    assert scans is not None
    sc = scans["表一"]
    assert sc.declared == (1, 1, 65536, 256) and sc.declared_area == 65536 * 256
    assert sc.span == (1, 1, 1, 1) and sc.area == 1


@pytest.mark.parametrize(
    ("rows", "cols", "shown"),
    [
        ((16384, 20), (0, 9), "第 16385–20 行、第 1–9 列"),
        ((0, 20), (0, 300), "第 1–20 行、第 1–300 列"),
    ],
    ids=["inverted", "past-IV"],
)
def test_a_damaged_declared_range_is_an_error(
    rows: tuple[int, int], cols: tuple[int, int], shown: str
) -> None:
    # found by make fuzz: one flipped byte made the first row 16384 > the last, and
    # calamine, sizing the sheet from it, asked for 1.5 TB and killed the worker
    dims = rec(0x0200, struct.pack("<IIHHH", *rows, *cols, 0))
    with pytest.raises(XlsScanError, match=f"工作表“表一”声明的单元格范围无效（{shown}）"):
        scan_stream(workbook([("表一", dims + number(0, 0, 0, 1.0))]))


def test_biff5_and_encrypted_streams_give_no_scan() -> None:
    biff5 = rec(0x0809, struct.pack("<HH", 0x0500, 5) + bytes(4)) + EOF
    assert scan_stream(biff5) is None
    encrypted = bof(5) + rec(0x002F, bytes(54)) + EOF
    assert scan_stream(encrypted) is None


# --- whole files, as LibreOffice writes them --------------------------------------------------------


def _xls(src: Path, folder: Path) -> Path:
    return lo_convert(src, folder, "xls")


@pytest.mark.parametrize("src", [SEED_S, FORM_P], ids=["form-S", "form-P"])
def test_an_xls_reads_as_its_xlsx(src: Path, tmp_path: Path) -> None:
    xls = _xls(src, tmp_path)
    a, b = read_workbook(src), read_workbook(xls)
    assert [s.name for s in b.sheets] == [s.name for s in a.sheets]
    for sa, sb in zip(a.sheets, b.sheets, strict=True):
        assert sb.formats == sa.formats, sa.name  # every number format, cell by cell
    fa, fb = check_file(src), check_file(xls)
    assert fb.error is None
    key = [(f.code, f.sheet, f.cell, f.message) for f in fa.findings]
    assert [(f.code, f.sheet, f.cell, f.message) for f in fb.findings] == key


def test_error_values_in_an_xls_are_findings_at_their_cells(tmp_path: Path) -> None:
    src = _edit_sheet1(
        SEED_S,
        tmp_path / "错误值.xlsx",
        (G5, '<c r="G5" s="6"><f>1/0</f><v>#DIV/0!</v></c>'),  # a formula's cached error
        (E5, '<c r="E5" s="6" t="e"><v>#REF!</v></c>'),
        (H13, '<c r="H13" s="9" t="e"><v>#N/A</v></c>'),
    )
    xls = _xls(src, tmp_path / "xls")
    cells = read_workbook(xls).sheets[0].cells
    assert (cells[(5, 7)], cells[(5, 5)], cells[(13, 8)]) == ("#DIV/0!", "#REF!", "#N/A")
    s404 = [(f.sheet, f.cell, f.message) for f in check_file(xls).findings if f.code == "S404"]
    assert s404 == [
        (
            FIRST,
            "E5",
            "年度资金总额的全年执行数为错误值 #REF!：公式无法得出结果，应修正公式或填写数值",
        ),
        (
            FIRST,
            "G5",
            "年度资金总额的执行率为错误值 #DIV/0!：公式无法得出结果，应修正公式或填写数值",
        ),
        (
            FIRST,
            "H13",
            "指标“采购服务量”的得分为错误值 #N/A：公式无法得出结果，应修正公式或填写数值",
        ),
    ]


def test_an_xls_cell_far_away_is_refused_before_calamine_reads_it(tmp_path: Path) -> None:
    # one value at IV65536 (the last cell of an .xls): calamine would hold 16.7 million cells
    src = _edit_sheet1(
        SEED_S,
        tmp_path / "远处.xlsx",
        append='<row r="65536"><c r="IV65536" t="n"><v>1</v></c></row>',
    )
    xls = _xls(src, tmp_path / "xls")
    fr = check_file(xls)
    assert fr.error == (
        f"{xls}: 工作表“{FIRST}”的单元格范围 A1:IV65536 过大，"
        ".xls 工作表只能整块读取，请删除范围外多余的单元格或另存为 .xlsx 后再检查"
    )


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_a_mutated_stream_scans_or_is_one_error(data: st.DataObject) -> None:
    # bytes flipped, cut or inserted anywhere: a scan, None, or XlsScanError; nothing else
    base = bytearray(
        workbook(
            [
                ("表一", number(4, 6, 1, 0.98) + mulrk(6, 1, [0, 2, 1]) + boolerr(12, 7, 0, 7)),
                ("表二", formula_error(0, 0, 3, 0x2A)),
            ]
        )
    )
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(base) - 1))
        how = data.draw(st.sampled_from(["flip", "cut", "insert"]))
        if how == "flip":
            base[at] = data.draw(st.integers(0, 255))
        elif how == "cut":
            del base[at : at + data.draw(st.integers(1, 16))]
        else:
            base[at:at] = data.draw(st.binary(min_size=1, max_size=16))
        if not base:
            return
    try:
        scans = scan_stream(bytes(base))
    except XlsScanError:
        return
    for sc in (scans or {}).values():
        assert all(v.startswith("#") for v in sc.errors.values())
