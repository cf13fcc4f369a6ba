"""Every bad input gets one clear line, and the other files of the batch are still checked.

The bad files are built here (zipfile, :mod:`tests.xlsxkit`), each from the Shenzhen
seed or from a few lines of sheet XML: a stray cell at XFD1048576, a styled empty
cell at A1048576, zip bombs, cached error values, text in number cells, formulas
without cached values, a missing worksheet part, bad shared-string indexes, a
corrupt deflate stream, a named pipe, other file types, a user's own 复核结果.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from budgetlint.checker import check_file, check_paths
from budgetlint.cli import main
from budgetlint.findings import Severity
from budgetlint.hosts import read_workbook
from budgetlint.results import FileResult
from budgetlint.settings import Settings, SettingsError
from tests.conftest import EXAMPLES, ROOT, SEED_S, lo_convert
from tests.xlsxkit import (
    Entry,
    XlsbError,
    bomb_stream,
    book,
    inline,
    ok_parts_for,
    patch,
    sheet_xml,
    write_zip,
    xlsb,
)

FIRST = "01 综合服务工作"  # the seed's first sheet (xl/worksheets/sheet1.xml)
SECOND = "02 后勤管理"


def _edit_sheet1(src: Path, dst: Path, *swaps: tuple[str, str], append: str = "") -> Path:
    """The seed with cells of its first sheet replaced (exact XML) and rows appended."""

    def edit(parts: dict[str, bytes]) -> dict[str, bytes]:
        xml = parts["xl/worksheets/sheet1.xml"].decode()
        for old, new in swaps:
            assert xml.count(old) == 1, old
            xml = xml.replace(old, new)
        if append:
            xml = xml.replace("</sheetData>", append + "</sheetData>")
        parts["xl/worksheets/sheet1.xml"] = xml.encode()
        return parts

    return patch(src, dst, edit)


G5 = '<c r="G5" s="6" t="n"><v>0.98</v></c>'  # 年度资金总额 执行率
H5 = '<c r="H5" s="6" t="n"><v>9.800000000000001</v></c>'  # 年度资金总额 得分
E5 = '<c r="E5" s="6" t="n"><v>969188.11</v></c>'  # 年度资金总额 全年执行数
H13 = '<c r="H13" s="9" t="n"><v>10</v></c>'  # 采购服务量 得分


def _seed() -> FileResult:
    return check_file(SEED_S)


def _key(fr: FileResult) -> list[tuple[str, str, str, str, str]]:
    return [(f.sheet, f.code, f.cell, f.severity.value, f.message) for f in fr.findings]


def _batch(bad: Path, settings: Settings | None = None) -> FileResult:
    """Check ``bad`` and the seed in one batch; the seed must come out as on its own."""
    batch = check_paths([bad, SEED_S], settings)
    assert [Path(fr.path) for fr in batch.files] == [bad, SEED_S]
    bad_result, good = batch.files
    assert good.error is None and _key(good) == _key(_seed())
    return bad_result


def _one_line(err: str | None, *parts: str) -> str:
    assert err is not None
    assert "\n" not in err and "Traceback" not in err
    for p in parts:
        assert p in err, (p, err)
    return err


# --- cells far away ---------------------------------------------------------------------------


_MEASURE = textwrap.dedent(
    """
    import json, resource, sys, time
    from budgetlint.checker import check_file
    from budgetlint.hosts import read_workbook
    t = time.perf_counter()
    fr = check_file(sys.argv[1])
    seconds = time.perf_counter() - t
    grid = read_workbook(sys.argv[1])
    print(json.dumps({
        "seconds": seconds,
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "error": fr.error,
        "findings": [[f.sheet, f.code, f.cell, f.message] for f in fr.findings],
        "cells": len(grid.sheets[0].cells),
        "far": [list(rc) for rc in grid.sheets[0].cells if rc[0] > 1000],
    }))
    """
)


def _measure(path: Path) -> dict[str, object]:
    """Check ``path`` in a fresh process: time, peak RSS, findings (RSS counts calamine's memory)."""
    out = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        check=True,
    )
    return json.loads(out.stdout)


def test_one_cell_at_xfd1048576_is_one_entry_fast_and_small(tmp_path: Path) -> None:
    far = inline("XFD1048576", "备注")
    bad = _edit_sheet1(SEED_S, tmp_path / "远处单元格.xlsx", append=f'<row r="1048576">{far}</row>')
    seed = _measure(SEED_S)
    got = _measure(bad)
    assert got["error"] is None
    assert got["far"] == [[1_048_576, 16_384]]
    assert got["cells"] == seed["cells"] + 1  # one entry, not a rectangle
    assert got["findings"] == seed["findings"]  # the form is read and checked as before
    assert got["seconds"] < 10  # was: 4 GB of memory exhausted
    assert got["rss_mb"] < 300, got["rss_mb"]
    # and in a batch, the seed after it is checked
    assert _batch(bad).error is None


def test_a_styled_empty_cell_at_a1048576_costs_nothing(tmp_path: Path) -> None:
    bad = _edit_sheet1(
        SEED_S, tmp_path / "末行样式.xlsx", append='<row r="1048576"><c r="A1048576" s="1"/></row>'
    )
    seed = _measure(SEED_S)
    got = _measure(bad)
    assert got["error"] is None and got["far"] == []  # a styled empty cell is no cell
    assert got["findings"] == seed["findings"]
    assert got["seconds"] < 10  # was: 27 s and 2 GB
    assert got["rss_mb"] < 300, got["rss_mb"]


# --- zip bombs -------------------------------------------------------------------------------


def _bomb(path: Path, *, declared: int | None = None) -> Path:
    """A ~2 MB workbook whose one sheet expands to 2000 MiB of spaces (a valid XML sheet)."""
    head = sheet_xml(inline_row := '<row r="1">' + inline("A1", "项目名称") + "</row>")
    head_b, tail_b = head.split(inline_row)
    head_bytes = (head_b + inline_row).encode()
    tail_bytes = tail_b.encode()
    mib = 2000
    raw = bomb_stream(head_bytes, tail_bytes, mib)
    size = len(head_bytes) + mib * (1 << 20) + len(tail_bytes)
    entries = [Entry(n, d) for n, d in ok_parts_for().items()]
    entries.append(
        Entry("xl/worksheets/sheet1.xml", raw=raw, file_size=size if declared is None else declared)
    )
    return write_zip(path, entries)


def test_zip_bomb_is_refused_by_its_declared_size(tmp_path: Path) -> None:
    bad = _bomb(tmp_path / "炸弹.xlsx")
    assert bad.stat().st_size < 3 * 1024 * 1024
    err = _one_line(
        _batch(bad).error,
        str(bad),
        "工作表“S1”",
        "解压后共 2000 MB",
        "超过上限 200 MB",
        "max_uncompressed_mb",
    )
    assert err.startswith(f"{bad}: ")


def test_zip_bomb_is_refused_by_its_ratio_when_the_size_is_allowed(tmp_path: Path) -> None:
    bad = _bomb(tmp_path / "炸弹.xlsx")
    roomy = Settings(max_uncompressed_mb=10_000)
    err = _batch(bad, roomy).error
    _one_line(err, str(bad), "工作表“S1”", "压缩比为", "超过上限 100:1", "max_compression_ratio")


def test_zip_bomb_with_a_lying_header_stops_at_the_declared_size(tmp_path: Path) -> None:
    # The directory says 5000 bytes; the stream holds 2000 MiB.  Reading stops at 5000
    # bytes and the CRC check fails: one line, no MemoryError, calamine never sees it.
    bad = _bomb(tmp_path / "谎报.xlsx", declared=5000)
    _one_line(_batch(bad).error, str(bad), "已损坏", "工作表“S1”", "sheet1.xml")


# --- what the cells hold -----------------------------------------------------------------------


def test_cached_error_values_are_findings_at_their_cells(tmp_path: Path) -> None:
    bad = _edit_sheet1(
        SEED_S,
        tmp_path / "错误值.xlsx",
        (G5, '<c r="G5" s="6" t="e"><v>#DIV/0!</v></c>'),
        (E5, '<c r="E5" s="6" t="e"><v>#REF!</v></c>'),
        (H13, '<c r="H13" s="9" t="e"><v>#N/A</v></c>'),
    )
    fr = _batch(bad)
    assert fr.error is None
    grid = read_workbook(bad)
    assert grid.sheets[0].cells[(5, 7)] == "#DIV/0!"  # the value as Excel prints it
    s404 = [
        (f.sheet, f.cell, f.severity, f.message, f.file) for f in fr.findings if f.code == "S404"
    ]
    assert s404 == [
        (
            FIRST,
            "E5",
            Severity.ERROR,
            "年度资金总额的全年执行数为错误值 #REF!：公式无法得出结果，应修正公式或填写数值",
            str(bad),
        ),
        (
            FIRST,
            "G5",
            Severity.ERROR,
            "年度资金总额的执行率为错误值 #DIV/0!：公式无法得出结果，应修正公式或填写数值",
            str(bad),
        ),
        (
            FIRST,
            "H13",
            Severity.ERROR,
            "指标“采购服务量”的得分为错误值 #N/A：公式无法得出结果，应修正公式或填写数值",
            str(bad),
        ),
    ]
    assert not [f for f in fr.findings if f.code == "S405"]  # an error value is not "text"


def test_text_in_a_rate_or_amount_cell_is_a_finding(tmp_path: Path) -> None:
    bad = _edit_sheet1(
        SEED_S,
        tmp_path / "文本.xlsx",
        (G5, inline("G5", "约98%", 6)),
        (E5, inline("E5", "已全部支付", 6)),
    )
    fr = _batch(bad)
    s405 = [(f.sheet, f.cell, f.severity, f.message) for f in fr.findings if f.code == "S405"]
    assert s405 == [
        (FIRST, "E5", Severity.ERROR, "年度资金总额的全年执行数应为数字，实际为文本“已全部支付”"),
        (FIRST, "G5", Severity.ERROR, "年度资金总额的执行率应为数字，实际为文本“约98%”"),
    ]
    # dashes in the 其中 rows' 分值/得分 of the same sheet mean "no number": not reported
    assert all(f.cell in ("E5", "G5") for f in fr.findings if f.code == "S405")


def test_formulas_without_cached_values_say_the_file_needs_recalculating(tmp_path: Path) -> None:
    bad = _edit_sheet1(
        SEED_S,
        tmp_path / "未计算.xlsx",
        (G5, '<c r="G5" s="6"><f>E5/D5</f></c>'),
        (H5, '<c r="H5" s="6"><f>F5*G5</f></c>'),
    )
    # recomputed (the default): checked with the values the formulas give, and a note
    fr = _batch(bad)
    assert not [f for f in fr.findings if f.code == "S406"]
    [s408] = [f for f in fr.findings if f.code == "S408"]
    assert (s408.sheet, s408.cell, s408.severity) == (FIRST, "G5", Severity.NOTE)
    assert s408.message.startswith(
        "公式无缓存值，已按公式重算后检查（本表 G5、H5 共 2 个公式单元格没有保存计算结果，"
        "如 G5 按公式 =E5/D5 重算为 0.98）"
    )
    assert s408.related == ("H5",)
    # without recomputing, the cells read as empty
    fr = _batch(bad, Settings(recompute=False))
    [s406] = [f for f in fr.findings if f.code == "S406"]
    assert (s406.sheet, s406.cell, s406.severity) == (FIRST, "G5", Severity.WARNING)
    assert s406.message == (
        "公式无缓存值，请在 Excel 中重新计算后保存（本表 G5、H5 共 2 个公式单元格没有计算结果，读作空白）"
    )
    assert s406.related == ("H5",)
    sheet = read_workbook(bad).sheets[0]
    assert sheet.formulas[(5, 7)] == "=E5/D5" and (5, 7) not in sheet.cells


def test_formulas_with_cached_values_read_their_values(tmp_path: Path) -> None:
    ok = _edit_sheet1(
        SEED_S,
        tmp_path / "已计算.xlsx",
        (G5, '<c r="G5" s="6"><f>E5/D5</f><v>0.98</v></c>'),
        # a formula whose result is the empty string is calculated too
        (H5, '<c r="H5" s="6" t="str"><f>IF(F5="","",F5*G5)</f><v></v></c>'),
    )
    sheet = read_workbook(ok).sheets[0]
    assert sheet.cells[(5, 7)] == 0.98 and sheet.formulas[(5, 7)] == "=E5/D5"
    assert sheet.cells[(5, 8)] == "" and sheet.formulas[(5, 8)] == '=IF(F5="","",F5*G5)'
    assert not [f for f in check_file(ok).findings if f.code == "S406"]


# --- broken packages ---------------------------------------------------------------------------


def test_a_missing_worksheet_part_names_the_sheet(tmp_path: Path) -> None:
    def drop(parts: dict[str, bytes]) -> dict[str, bytes]:
        del parts["xl/worksheets/sheet2.xml"]
        return parts

    bad = patch(SEED_S, tmp_path / "缺表.xlsx", drop)
    _one_line(_batch(bad).error, str(bad), f"工作表“{SECOND}”", "xl/worksheets/sheet2.xml", "缺失")


def _strings_book(path: Path, index: str) -> Path:
    rows = (
        '<row r="1"><c r="A1" t="s"><v>0</v></c></row>'
        f'<row r="2"><c r="A2" t="s"><v>1</v></c><c r="B2" t="s"><v>{index}</v></c></row>'
    )
    return book(
        path,
        {"封面": sheet_xml(""), "自评表": sheet_xml(rows)},
        strings=["项目名称", "综合服务工作"],
    )


def test_a_negative_shared_string_index_names_sheet_and_cell(tmp_path: Path) -> None:
    bad = _strings_book(tmp_path / "负索引.xlsx", "-1")
    _one_line(_batch(bad).error, str(bad), "工作表“自评表”单元格 B2", "共享字符串索引 “-1” 无效")


def test_an_out_of_range_shared_string_index_names_sheet_and_cell(tmp_path: Path) -> None:
    bad = _strings_book(tmp_path / "越界.xlsx", "7")
    _one_line(_batch(bad).error, str(bad), "工作表“自评表”单元格 B2", "共享字符串索引 7 超出范围")
    good = read_workbook(_strings_book(tmp_path / "正常.xlsx", "0"))
    assert good.sheet("自评表").cells == {
        (1, 1): "项目名称",
        (2, 1): "综合服务工作",
        (2, 2): "项目名称",
    }


def _corrupt(src: Path, dst: Path, part: str) -> Path:
    """``src`` with bytes in the middle of ``part``'s deflate stream overwritten."""
    import zipfile

    data = bytearray(src.read_bytes())
    with zipfile.ZipFile(src) as z:
        info = z.getinfo(part)
    name_len, extra_len = (
        int.from_bytes(data[info.header_offset + 26 : info.header_offset + 28], "little"),
        int.from_bytes(data[info.header_offset + 28 : info.header_offset + 30], "little"),
    )
    start = info.header_offset + 30 + name_len + extra_len
    mid = start + info.compress_size // 2
    data[mid : mid + 64] = b"\xff" * 64
    dst.write_bytes(bytes(data))
    return dst


def test_a_corrupt_deflate_stream_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = _corrupt(SEED_S, tmp_path / "损坏.xlsx", "xl/worksheets/sheet1.xml")
    _one_line(_batch(bad).error, str(bad), "已损坏", f"工作表“{FIRST}”")
    code = main(["check", str(bad), str(SEED_S), "--jobs", "1", "--fail-on", "never"])
    cap = capsys.readouterr()
    assert code == 2
    lines = [ln for ln in cap.err.splitlines() if ln.startswith("budgetlint: ")]
    assert len(lines) == 1 and str(bad) in lines[0] and "损坏" in lines[0]
    assert "Traceback" not in cap.err
    assert f"[{FIRST}]" in cap.out  # the seed was checked


# --- not workbooks ------------------------------------------------------------------------------


_FIFO = textwrap.dedent(
    """
    import sys
    from budgetlint.checker import check_paths
    batch = check_paths(sys.argv[1:])
    for fr in batch.files:
        print(fr.error or f"ok {len(fr.findings)}")
    """
)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes need POSIX")
def test_a_named_pipe_is_refused_without_being_opened(tmp_path: Path) -> None:
    fifo = tmp_path / "管道.xlsx"
    os.mkfifo(fifo)
    folder = tmp_path / "收到"
    folder.mkdir()
    os.mkfifo(folder / "也是管道.xlsx")
    (folder / "好.xlsx").write_bytes(SEED_S.read_bytes())
    # In a subprocess with a timeout: opening a pipe for reading would block forever.
    out = subprocess.run(
        [sys.executable, "-c", _FIFO, str(fifo), str(folder)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        check=True,
    ).stdout.splitlines()
    n = len(_seed().findings)
    assert out == [f"{fifo}: 不是普通文件（命名管道、设备或套接字），未读取", f"ok {n}"]


def _ods(path: Path, rows: list[list[object]]) -> Path:
    """A minimal OpenDocument spreadsheet (mimetype, manifest, content.xml)."""
    import zipfile
    from xml.sax.saxutils import escape

    def cell(v: object) -> str:
        if v is None:
            return "<table:table-cell/>"
        if isinstance(v, str) and v.startswith("#"):  # a failed formula, as LibreOffice saves it
            return (
                '<table:table-cell table:formula="of:=[.F5]/[.E5]" office:value-type="string" '
                f'office:string-value="" calcext:value-type="error"><text:p>{v}</text:p>'
                "</table:table-cell>"
            )
        if isinstance(v, (int, float)):
            return f'<table:table-cell office:value-type="float" office:value="{v}"><text:p>{v}</text:p></table:table-cell>'
        return f'<table:table-cell office:value-type="string"><text:p>{escape(str(v))}</text:p></table:table-cell>'

    body = "".join(
        "<table:table-row>" + "".join(cell(v) for v in r) + "</table:table-row>" for r in rows
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
        'xmlns:calcext="urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0" '
        'office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="自评表">{body}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED)
        z.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
        z.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
    return path


def _s101_rows() -> list[list[object]]:
    """The S101 anti-pattern (执行率 0.95 printed for 0.98) as rows of plain values."""
    from budgetlint.rules.cases import load_cases

    sheet = load_cases("S101").fail[0].sheet()
    n_rows = max(r for r, _ in sheet.cells)
    n_cols = max(c for _, c in sheet.cells)
    return [[sheet.cells.get((r, c)) for c in range(1, n_cols + 1)] for r in range(1, n_rows + 1)]


def test_a_folder_reads_ods_and_ignores_other_types(tmp_path: Path) -> None:
    folder = tmp_path / "收到"
    folder.mkdir()
    ods = _ods(folder / "区县.ods", _s101_rows())
    rows = _s101_rows()
    cells = {
        (r, c): v for r, row in enumerate(rows, 1) for c, v in enumerate(row, 1) if v is not None
    }
    xlsb(folder / "市级.xlsb", {"自评表": cells})
    (folder / "好.xlsx").write_bytes(SEED_S.read_bytes())
    (folder / "说明.txt").write_text("附件说明", encoding="utf-8")
    (folder / "数据.csv").write_text("a,b\n", encoding="utf-8")
    batch = check_paths([folder])
    names = [Path(fr.path).name for fr in batch.files]
    assert names == ["区县.ods", "好.xlsx", "市级.xlsb"]  # sorted; txt, csv ignored
    assert batch.files[2].error is None
    assert ("S101", "G5") in {(f.code, f.cell) for f in batch.files[2].findings}
    fr = batch.files[0]
    assert fr.error is None and [s.status for s in fr.sheets] == ["form"]
    assert ("S101", "G5") in {(f.code, f.cell) for f in fr.findings}
    assert read_workbook(ods).sheets[0].cells[(5, 4)] == 987000  # a whole float reads as int


def test_an_error_value_in_an_ods_is_a_finding_at_its_cell(tmp_path: Path) -> None:
    # calamine reads an .ods error cell as empty; the streaming look at content.xml
    # gives it its printed error, as a cached error of an .xlsx reads
    rows = _s101_rows()
    rows[4][6] = "#DIV/0!"  # G5, 执行率
    ods = _ods(tmp_path / "出错.ods", rows)
    assert read_workbook(ods).sheets[0].cells[(5, 7)] == "#DIV/0!"
    fr = check_file(ods)
    assert fr.error is None
    found = {(f.code, f.cell) for f in fr.findings}
    assert ("S404", "G5") in found, found


def test_an_error_value_in_an_xlsb_is_a_finding_at_its_cell(tmp_path: Path) -> None:
    # calamine reads an .xlsb error cell as empty too; the walk over the sheet's records
    # gives it its printed error: a constant (BrtCellError) and a formula's (BrtFmlaError)
    rows = _s101_rows()
    cells = {
        (r, c): v for r, row in enumerate(rows, 1) for c, v in enumerate(row, 1) if v is not None
    }
    cells[(5, 7)] = XlsbError("#DIV/0!", formula=True)  # G5, 执行率
    cells[(5, 5)] = XlsbError("#REF!")  # E5
    book_ = xlsb(tmp_path / "出错.xlsb", {"自评表": cells})
    got = read_workbook(book_).sheets[0].cells
    assert (got[(5, 7)], got[(5, 5)]) == ("#DIV/0!", "#REF!")
    fr = check_file(book_)
    assert fr.error is None
    s404 = sorted(f.cell for f in fr.findings if f.code == "S404")
    assert s404 == ["E5", "G5"], [(f.code, f.cell, f.message) for f in fr.findings]


def test_an_xlsb_gives_its_number_formats(tmp_path: Path) -> None:
    # styles.bin's formats reach the grid: a rate in a percent cell reads as it prints
    rows = _s101_rows()
    cells = {
        (r, c): v for r, row in enumerate(rows, 1) for c, v in enumerate(row, 1) if v is not None
    }
    fmts = {(5, 7): "0.00%", (5, 4): "#,##0.00_ "}
    book_ = xlsb(tmp_path / "格式.xlsb", {"自评表": cells}, formats={"自评表": fmts})
    sheet = read_workbook(book_).sheets[0]
    assert sheet.formats == fmts
    assert sheet.number_format(5, 7) == "0.00%" and sheet.number_format(5, 5) == "General"


@pytest.mark.parametrize(
    ("encoding", "why"),
    [("UTF88", "unknown encoding: UTF88"), ("GBK", "multi-byte encodings are not supported")],
)
def test_a_sheet_declaring_an_encoding_no_parser_reads_is_one_line(
    tmp_path: Path, encoding: str, why: str
) -> None:
    # found by make fuzz: expat raises LookupError or ValueError, not a parse error
    def declare(parts: dict[str, bytes]) -> dict[str, bytes]:
        xml = parts["xl/worksheets/sheet1.xml"]
        parts["xl/worksheets/sheet1.xml"] = (
            f'<?xml version="1.0" encoding="{encoding}"?>'.encode() + xml
        )
        return parts

    bad = patch(SEED_S, tmp_path / "编码.xlsx", declare)
    _one_line(_batch(bad).error, str(bad), f"工作表“{FIRST}”的 XML 声明了无法读取的编码", why)


def test_an_xlsb_cell_past_column_xfd_is_a_damaged_file(tmp_path: Path) -> None:
    # a cell calamine places past the last column Excel has (a damaged record)
    book_ = xlsb(tmp_path / "越界.xlsb", {"自评表": {(1, 1): "标题", (2, 16_390): 5}})
    assert check_file(book_).error == (
        f"{book_}: 工作表“自评表”的单元格位置超出 Excel 的范围（第 2 行、第 16390 列），文件已损坏"
    )


def test_an_ods_cell_far_away_is_refused_before_calamine_reads_it(tmp_path: Path) -> None:
    # calamine holds an .ods table as one dense rectangle too; a value 1,048,000 rows
    # down and 16,000 columns right would be a 500 GB allocation.  One line instead.
    rows = _s101_rows()
    ods = _ods(tmp_path / "远处.ods", rows)
    import zipfile

    with zipfile.ZipFile(ods) as z:
        content = z.read("content.xml").decode()
    far = (
        '<table:table-row table:number-rows-repeated="1048000"><table:table-cell/></table:table-row>'
        '<table:table-row><table:table-cell table:number-columns-repeated="16000"/>'
        '<table:table-cell office:value-type="string"><text:p>备注</text:p></table:table-cell>'
        "</table:table-row></table:table>"
    )
    with zipfile.ZipFile(ods, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED)
        z.writestr("content.xml", content.replace("</table:table>", far), zipfile.ZIP_DEFLATED)
    last = len(rows) + 1_048_000 + 1
    _one_line(
        _batch(ods).error,
        str(ods),
        f"工作表“自评表”的单元格范围 A1:WQK{last} 过大",
        "另存为 .xlsx",
    )


def test_a_named_file_of_another_type_is_an_error_line(tmp_path: Path) -> None:
    csv = tmp_path / "数据.csv"
    csv.write_text("a,b\n", encoding="utf-8")
    batch = check_paths([csv, SEED_S])
    assert batch.files[0].error == (
        f"{csv}: 不支持的文件类型 .csv，请使用 .xlsx、.xlsm、.xls、.xlsb 或 .ods"
    )
    assert batch.files[1].error is None


def test_an_xls_that_is_not_a_compound_document_is_one_line(tmp_path: Path) -> None:
    fake = tmp_path / "导出.xls"
    fake.write_text("<html><table><tr><td>项目名称</td></tr></table></html>", encoding="utf-8")
    _one_line(_batch(fake).error, str(fake), "不是 Excel 97-2003 工作簿", "另存为 .xlsx")


@pytest.mark.libreoffice
def test_a_folder_reads_xls_converted_by_libreoffice(tmp_path: Path) -> None:
    src = tmp_path / "种子.xlsx"
    src.write_bytes(SEED_S.read_bytes())
    xls = lo_convert(src, tmp_path / "收到", "xls")
    batch = check_paths([tmp_path / "收到"])
    [fr] = batch.files
    assert Path(fr.path) == xls and fr.error is None
    assert [s.status for s in fr.sheets] == ["form"] * 15
    assert ("S104", "G5") in {
        (f.code, f.cell)
        for f in fr.findings
        if f.sheet == "14 深圳市社会组织能力建设与跟踪服务项目"
    }


# --- 复核结果 ----------------------------------------------------------------------------------


def test_a_users_own_sheet_named_fuhe_jieguo_is_checked(tmp_path: Path) -> None:
    def rename(parts: dict[str, bytes]) -> dict[str, bytes]:
        wb = parts["xl/workbook.xml"].decode()
        parts["xl/workbook.xml"] = wb.replace(f'name="{FIRST}"', 'name="复核结果"').encode()
        return parts

    mine = patch(SEED_S, tmp_path / "自己的复核结果.xlsx", rename)
    fr = check_file(mine)
    assert fr.sheets[0].sheet == "复核结果" and fr.sheets[0].status == "form"
    seed_first = [(f.code, f.cell) for f in _seed().findings if f.sheet == FIRST]
    assert [(f.code, f.cell) for f in fr.findings if f.sheet == "复核结果"] == seed_first

    # Annotated, the workbook gets our summary (under another name) and the user's sheet
    # is still checked; our summary is skipped by the record, not by its name.
    from budgetlint.annotate import annotate

    out = tmp_path / "已标注.xlsx"
    stats = annotate(mine, out, fr.findings)
    assert stats.summary_sheet != "复核结果"
    again = check_file(out)
    assert again.grid is not None and again.grid.added_sheets == {stats.summary_sheet}
    status = {s.sheet: s.status for s in again.sheets}
    assert status[stats.summary_sheet] == "skipped" and status["复核结果"] == "form"
    assert _key(again) == _key(fr)


def test_our_summary_sheet_is_skipped_by_the_record(tmp_path: Path) -> None:
    from budgetlint.annotate import annotate

    out = tmp_path / "已标注.xlsx"
    annotate(SEED_S, out, _seed().findings)
    fr = check_file(out)
    assert fr.sheets[0].sheet == "复核结果" and fr.sheets[0].status == "skipped"
    assert _key(fr) == _key(_seed())


# --- limits --------------------------------------------------------------------------------------


def test_limits_from_the_settings_are_clear_errors(tmp_path: Path) -> None:
    small = EXAMPLES / "版式-全国万元.xlsx"  # 3 sheets
    batch = check_paths([SEED_S, small], Settings(max_sheets=10))
    _one_line(batch.files[0].error, str(SEED_S), "共有 15 张工作表，超过上限 10", "max_sheets")
    assert batch.files[1].error is None and batch.files[1].findings

    err = check_file(SEED_S, Settings(max_cells_per_sheet=50)).error
    _one_line(err, f"工作表“{FIRST}”的单元格超过 50 个", "max_cells_per_sheet")

    err = check_file(SEED_S, Settings(max_cell_chars=20)).error
    m = re.search(
        r"工作表“(.+?)”单元格 ([A-Z]+\d+) 有超过 20 个字符", _one_line(err, "max_cell_chars")
    )
    assert m is not None and m.group(1) == FIRST
    from budgetlint.grid import parse_address

    long_cell = read_workbook(SEED_S).sheets[0].cells[parse_address(m.group(2))]
    assert len(long_cell) > 20


def test_limit_settings_are_type_checked(tmp_path: Path) -> None:
    cfg = tmp_path / "budgetlint.toml"
    for text, message in [
        ("max_sheets = 0\n", "max_sheets 应在 [1, +∞) 的整数 之内，实际为 0"),
        ('max_cells_per_sheet = "100"\n', 'max_cells_per_sheet 应为数字，实际为字符串 "100"'),
        ("max_cell_chars = 1.5\n", "max_cell_chars 应在 [1, +∞) 的整数 之内，实际为 1.5"),
        ("max_uncompressed_mb = -1\n", "max_uncompressed_mb 应在 (0, +∞) 之内，实际为 -1"),
        ("max_compression_ratio = 0.5\n", "max_compression_ratio 应在 [1, +∞) 之内，实际为 0.5"),
    ]:
        cfg.write_text(text, encoding="utf-8")
        with pytest.raises(SettingsError) as e:
            Settings.load(cfg)
        assert str(e.value) == f"{cfg}: {message}"
    cfg.write_text("max_sheets = 20\nmax_uncompressed_mb = 50\n", encoding="utf-8")
    s = Settings.load(cfg)
    assert (s.max_sheets, s.max_uncompressed_mb) == (20, 50.0) and isinstance(s.max_sheets, int)


# --- the check path stays light -----------------------------------------------------------------


def test_the_check_path_imports_neither_openpyxl_nor_numpy() -> None:
    code = (
        "import sys; from budgetlint.checker import check_file; "
        f"fr = check_file({str(SEED_S)!r}); assert fr.error is None and fr.findings; "
        "assert 'openpyxl' not in sys.modules and 'numpy' not in sys.modules, "
        "[m for m in sys.modules if m.startswith(('openpyxl', 'numpy'))]"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, timeout=120)


def test_importing_the_checker_leaves_logging_and_toml_for_later() -> None:
    # Start-up: logging is imported when something is logged, tomllib when a settings
    # file is read; neither is needed to import the checker.
    code = (
        "import sys, budgetlint.checker; "
        "print(sorted(m for m in ('logging', 'tomllib', 'openpyxl', 'numpy') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, cwd=ROOT, timeout=120, capture_output=True
    )
    assert out.stdout.decode().strip() == "[]"


def test_a_panic_inside_the_parser_is_a_read_error(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # a corrupt .xls made python-calamine panic: pyo3 raises a BaseException, not an Exception
    import python_calamine

    from budgetlint.hosts import ReadError
    from budgetlint.hosts.calamine_host import _open_calamine

    class PanicException(BaseException):
        pass

    def panic(path: str) -> None:
        raise PanicException("index out of bounds")

    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_path", panic)
    bad = tmp_path / "坏.xls"
    bad.write_bytes(b"x")
    with pytest.raises(ReadError, match="解析器中止"):
        _open_calamine(bad)
