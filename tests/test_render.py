"""Render an annotated form with LibreOffice and look at the pixels."""

from __future__ import annotations

import struct
import warnings
import zlib
from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest
from openpyxl.styles import Border, Font, Side

from budgetlint.annotate import annotate
from budgetlint.findings import Finding, Severity
from budgetlint.render import convert, soffice, to_pdf, to_png

pytestmark = [
    pytest.mark.libreoffice,
    pytest.mark.skipif(
        soffice() is None, reason="LibreOffice (soffice) is not installed; run `make sysdeps`"
    ),
]

BAD = (0xFF, 0xC7, 0xCE)
HEADER = (0xD9, 0xE1, 0xF2)


def read_png(path: Path) -> tuple[int, int, list[bytes]]:
    """Width, height and RGB rows of an 8-bit RGB/RGBA PNG (pure Python)."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat = 8, b""
    width = height = channels = 0
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        body = data[pos + 8 : pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            width, height, depth, color = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and color in (2, 6), (depth, color)
            channels = 3 if color == 2 else 4
        elif kind == b"IDAT":
            idat += body
    raw = zlib.decompress(idat)
    stride = width * channels
    rows: list[bytes] = []
    prev = bytearray(stride)
    i = 0
    for _ in range(height):
        ftype, line = raw[i], bytearray(raw[i + 1 : i + 1 + stride])
        i += 1 + stride
        for x in range(stride):
            a = line[x - channels] if x >= channels else 0
            b = prev[x]
            c = prev[x - channels] if x >= channels else 0
            if ftype == 1:
                line[x] = (line[x] + a) & 0xFF
            elif ftype == 2:
                line[x] = (line[x] + b) & 0xFF
            elif ftype == 3:
                line[x] = (line[x] + (a + b) // 2) & 0xFF
            elif ftype == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[x] = (line[x] + pred) & 0xFF
        prev = line
        rgb = bytes(line) if channels == 3 else bytes(v for k, v in enumerate(line) if k % 4 != 3)
        rows.append(rgb)
    return width, height, rows


def count(rows: list[bytes], rgb: tuple[int, int, int], tol: int = 3) -> int:
    n = 0
    for row in rows:
        for x in range(0, len(row), 3):
            if all(abs(row[x + k] - rgb[k]) <= tol for k in range(3)):
                n += 1
    return n


def bounding_box(rows: list[bytes], rgb: tuple[int, int, int]) -> tuple[int, int, int, int]:
    xs, ys = [], []
    for y, row in enumerate(rows):
        for x in range(0, len(row), 3):
            if all(abs(row[x + k] - rgb[k]) <= 3 for k in range(3)):
                xs.append(x // 3)
                ys.append(y)
    return min(xs), min(ys), max(xs), max(ys)


@pytest.fixture
def form(tmp_path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "01 综合服务工作"
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    ws["A1"] = "项目支出绩效自评表"
    ws["A1"].font = Font(bold=True, size=14)
    rows = [
        ("项目资金（元）", "年初预算数", "全年预算数", "全年执行数", "执行率"),
        ("年度资金总额", 1000000, 987000, 969188.11, 1.0),
        ("其中：当年财政拨款", 1000000, 987000, 969188.11, 0.98),
    ]
    for r, values in enumerate(rows, start=3):
        for c, v in enumerate(values, start=1):
            cell = ws.cell(r, c, v)
            cell.border = box
            if isinstance(v, float) and v <= 1:
                cell.number_format = "0.00"
            elif isinstance(v, (int, float)):
                cell.number_format = "#,##0.00"
    for col, width in zip("ABCDE", (22, 16, 16, 16, 10), strict=True):
        ws.column_dimensions[col].width = width
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    path = tmp_path / "form.xlsx"
    wb.save(path)
    return path


FINDING = Finding(
    "S101",
    Severity.ERROR,
    "01 综合服务工作",
    "E4",
    "执行率与全年执行数÷全年预算数不符",
    expected="0.98",
    actual="1.00",
    computation="969188.11 ÷ 987000.00 = 0.98",
)


def test_rendered_fill_and_summary(form: Path, tmp_path: Path) -> None:
    out = tmp_path / "annotated.xlsx"
    annotate(
        form,
        out,
        [FINDING, Finding("S201", Severity.WARNING, "01 综合服务工作", "", "缺少绩效指标区块")],
    )
    pdf = to_pdf(out, tmp_path / "pdf")
    pages = to_png(pdf, tmp_path / "png", first_page=1, last_page=2)
    assert [p.name for p in pages] == ["annotated-1.png", "annotated-2.png"]
    # Page 1 is the summary sheet: its header fill and the 错误 label fill.
    _w, _h, summary = read_png(pages[0])
    assert count(summary, HEADER) > 500
    # Page 2 is the form: the flagged cell is filled with the Bad colour, one cell's worth.
    width, _h, sheet = read_png(pages[1])
    assert count(sheet, BAD) > 300
    x0, y0, x1, y1 = bounding_box(sheet, BAD)
    assert x1 - x0 < width // 3 and y1 - y0 < 60  # one cell, not a whole row or column

    # The original renders without that colour.
    plain = to_png(to_pdf(form, tmp_path / "pdf0"), tmp_path / "png0")
    assert count(read_png(plain[0])[2], BAD) == 0


def test_libreoffice_roundtrip_to_xlsx(form: Path, tmp_path: Path) -> None:
    out = tmp_path / "annotated.xlsx"
    annotate(form, out, [FINDING])
    back = convert(out, tmp_path / "lo", "xlsx")
    assert back.parent == tmp_path / "lo"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = openpyxl.load_workbook(back)
    assert wb.sheetnames[0] == "复核结果"
    cell = wb["01 综合服务工作"]["E4"]
    assert cell.value == 1.0
    assert cell.fill.fgColor.rgb.upper().endswith("FFC7CE")
    assert cell.comment is not None and "S101" in cell.comment.text


def test_libreoffice_opens_rich_annotated_workbook(tmp_path: Path) -> None:
    from fixtures_rich import FORM, build_rich

    src = build_rich(tmp_path / "rich.xlsx")
    out = tmp_path / "annotated.xlsx"
    annotate(src, out, [replace(FINDING, sheet=FORM, cell="D6")])
    back = convert(out, tmp_path / "lo", "xlsx")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = openpyxl.load_workbook(back)
    assert wb.sheetnames[0] == "复核结果"
    note = wb[FORM]["D6"].comment
    assert note is not None and "张三" in note.text and "S101" in note.text
