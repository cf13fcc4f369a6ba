"""Batch reports: JSON, HTML and XLSX built from a hand-made BatchResult."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from budgetlint.families import FAMILIES
from budgetlint.findings import Finding, Severity
from budgetlint.grid import CellRef, Grid, MergedRange, Sheet
from budgetlint.model import Field, FormS, SheetRead
from budgetlint.report import write_report
from budgetlint.report.html_report import format_number, format_value, render_html
from budgetlint.report.json_report import dumps_findings, render_json
from budgetlint.report.xlsx_report import FINDING_COLUMNS, xlsx_bytes
from budgetlint.results import BatchResult, FileResult

LONG_REASON = (
    "<p>由于疫情影响，线下培训自三月起暂停，改为线上举办，"
    "全年实际举办培训24期，较计划30期少6期；下一年度将提前制定应急预案，"
    "确保培训按计划开展，并加强与培训机构的沟通协调。</p>"
)

NATIONAL = FAMILIES["national"].name
FILE1 = "各部门/社会组织管理局.xlsx"
BAD = "各部门/坏文件.xlsx"
CLEAN = "各部门/干净.xlsx"


def _form_sheet() -> Sheet:
    s = Sheet("项目1")
    c = s.cells
    c[(1, 1)] = "项目支出绩效自评表"
    s.merged.append(MergedRange(1, 1, 1, 9))
    c[(2, 1)], c[(2, 2)], c[(2, 5)], c[(2, 6)] = "项目名称", "社会组织培训", "项目金额", 987000
    s.merged.append(MergedRange(2, 2, 2, 4))
    s.formats[(2, 6)] = "#,##0.00"
    c[(3, 1)] = "项目资金（元）"
    s.merged.append(MergedRange(3, 1, 5, 1))
    for col, label in enumerate(
        ["", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"], start=2
    ):
        c[(3, col)] = label or None
    total = ["年度资金总额", 987000, 987000, 969188.11, 10, 0.98, 9.8]
    fiscal = ["其中：当年财政拨款", 0, 0, 0, None, 1, None]
    for col in range(2, 9):
        c[(4, col)], c[(5, col)] = total[col - 2], fiscal[col - 2]
    for col in (3, 4, 5):
        s.formats[(4, col)] = s.formats[(5, col)] = "#,##0.00"
    s.formats[(4, 7)] = s.formats[(5, 7)] = s.formats[(4, 8)] = "0.00"
    s.formulas[(4, 7)] = "=E4/D4"
    heads = ["年度绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值"]
    heads += ["分值", "得分", "偏差原因分析及改进措施"]
    for col, label in enumerate(heads, start=1):
        c[(6, col)] = label
    row7 = [None, "产出指标", "数量指标", "培训期数", "30 期", "24 期", 10, 10, LONG_REASON]
    row8 = [None, None, None, "满意度", "≥90%", "90%", 10, 10, None]
    for col, v in enumerate(row7, start=1):
        c[(7, col)] = v
    for col, v in enumerate(row8, start=1):
        c[(8, col)] = v
    s.merged.append(MergedRange(6, 1, 8, 1))
    c[(9, 1)], c[(9, 7)], c[(9, 8)] = "总分", 100, 97.8
    s.formats[(9, 8)] = "0.00"
    return s


def _findings() -> list[Finding]:
    # Deliberately out of order: the reports sort them.
    return [
        Finding("S001", Severity.WARNING, "附表", "A1", "该表看起来是绩效表，但版式未识别"),
        Finding("N001", Severity.NOTE, "项目1", "H9", "总分与各项得分之和相差 0.01",
                expected="97.79", actual="97.80", computation="9.80 + 10 + 77.99 = 97.79"),
        Finding("W001", Severity.WARNING, "项目1", "H7", "得分高于按完成比例计算的得分",
                expected="8.00", actual="10.00", computation="24 ÷ 30 × 10 = 8.00",
                related=("E7", "F7"), family="national"),
        Finding("N002", Severity.NOTE, "项目1", "H7", "得分未保留两位小数"),
        Finding("E001", Severity.ERROR, "项目1", "G5", "全年预算数为 0，执行率不应填写 1.00",
                expected="—", actual="1.00", computation="0.00 ÷ 0.00 无意义",
                family="national", extra={"x": 1}),
        Finding("W002", Severity.WARNING, "项目1", "H8", "“>90%”仅以 90% 达到却给满分",
                expected="<10", actual="10", explained=True,
                explanation="已与财政局沟通，按满分计"),
    ]  # fmt: skip


def _batch() -> BatchResult:
    form_sheet = _form_sheet()
    other = Sheet("附表", cells={(1, 1): "项目名称", (1, 2): "资金来源", (2, 1): "<b>备注</b>"})
    cover = Sheet("封面", cells={(1, 1): "2021 年度绩效自评材料"})
    grid = Grid(FILE1, [form_sheet, other, cover])
    title = Field(CellRef("项目1", 1, 1), "项目支出绩效自评表", "项目支出绩效自评表")
    form = FormS(sheet="项目1", family="national", title=title)
    reads = [
        SheetRead("项目1", "form", form=form, family="national"),
        SheetRead("附表", "unrecognized", labels=["项目名称", "资金来源", "<b>备注</b>"]),
        SheetRead("封面", "skipped", reason="不是绩效表（未找到表头）"),
    ]
    fr1 = FileResult(FILE1, grid=grid, sheets=reads, findings=_findings())
    bad = FileResult(BAD, error="无法打开“坏文件.xlsx”：不是有效的 xlsx 文件")
    clean_grid = Grid(CLEAN, [Sheet("表1", cells={(1, 1): "项目支出绩效自评表"})])
    clean = FileResult(
        CLEAN, grid=clean_grid, sheets=[SheetRead("表1", "form", family="ten_ninety")]
    )
    return BatchResult([fr1, bad, clean])


# ---------------------------------------------------------------- JSON


def test_json_summary_counts() -> None:
    data = json.loads(render_json(_batch()))
    assert data["version"] == 1
    assert data["tool"] == "budgetlint"
    assert data["summary"] == {
        "files": 3,
        "files_with_errors": 1,
        "unreadable": 1,
        "error": 1,
        "warning": 2,
        "note": 2,
        "explained": 1,
        "by_rule": {"E001": 1, "N001": 1, "N002": 1, "S001": 1, "W001": 1},
    }
    assert list(data["summary"]["by_rule"]) == ["E001", "N001", "N002", "S001", "W001"]


def test_json_files_sheets_and_sorted_findings() -> None:
    data = json.loads(render_json(_batch()))
    f1, bad, clean = data["files"]
    assert [f["path"] for f in data["files"]] == [FILE1, BAD, CLEAN]
    assert list(f1) == ["path", "error", "sheets", "findings"]
    assert f1["error"] is None
    assert bad["error"] == "无法打开“坏文件.xlsx”：不是有效的 xlsx 文件"
    assert bad["sheets"] == [] and bad["findings"] == []
    assert f1["sheets"] == [
        {"sheet": "项目1", "status": "form", "form": "S", "family": "national",
         "family_name": NATIONAL, "reason": "", "labels": []},
        {"sheet": "附表", "status": "unrecognized", "form": None, "family": None,
         "family_name": None, "reason": "", "labels": ["项目名称", "资金来源", "<b>备注</b>"]},
        {"sheet": "封面", "status": "skipped", "form": None, "family": None, "family_name": None,
         "reason": "不是绩效表（未找到表头）", "labels": []},
    ]  # fmt: skip
    assert clean["sheets"][0]["family_name"] == FAMILIES["ten_ninety"].name
    # Workbook sheet order (项目1 before 附表, although 附 < 项), then row, col, code.
    order = [(f["sheet"], f["cell"], f["code"]) for f in f1["findings"]]
    assert order == [
        ("项目1", "G5", "E001"),
        ("项目1", "H7", "N002"),
        ("项目1", "H7", "W001"),
        ("项目1", "H8", "W002"),
        ("项目1", "H9", "N001"),
        ("附表", "A1", "S001"),
    ]
    e001 = f1["findings"][0]
    assert e001 == {
        "code": "E001",
        "severity": "error",
        "sheet": "项目1",
        "cell": "G5",
        "message": "全年预算数为 0，执行率不应填写 1.00",
        "expected": "—",
        "actual": "1.00",
        "computation": "0.00 ÷ 0.00 无意义",
        "file": "",
        "related": [],
        "explained": False,
        "explanation": None,
        "family": "national",
    }
    assert list(e001) == list(e001.keys())  # key order is the dataclass order
    w001 = f1["findings"][2]
    assert w001["related"] == ["E7", "F7"]
    w002 = f1["findings"][3]
    assert (w002["explained"], w002["explanation"]) == (True, "已与财政局沟通，按满分计")


def test_json_text_is_deterministic_and_not_ascii_escaped() -> None:
    text = render_json(_batch())
    assert text == render_json(_batch())
    assert "社会组织培训" not in text  # no grid content in JSON
    assert "全年预算数为 0" in text and "\\u" not in text
    assert text.startswith('{\n  "version": 1,\n  "tool": "budgetlint",')


def test_dumps_findings_keeps_order_and_drops_extra() -> None:
    fs = _findings()
    data = json.loads(dumps_findings(fs))
    assert [d["code"] for d in data] == [f.code for f in fs]
    assert all("extra" not in d for d in data)
    assert data[4]["severity"] == "error" and data[4]["cell"] == "G5"


# ---------------------------------------------------------------- HTML


def test_number_formats() -> None:
    assert format_number(987000, "#,##0.00") == "987,000.00"
    assert format_number(0.98, "0.00") == "0.98"
    assert format_number(0.125, "0.00") == "0.13"  # half away from zero, as Excel
    assert format_number(2.675, "0.00") == "2.68"
    assert format_number(9.8, "0.0") == "9.8"
    assert format_number(0.9819, "0%") == "98%"
    assert format_number(0.98195, "0.00%") == "98.20%"
    assert format_number(-1234.5, "#,##0.00") == "-1,234.50"
    assert format_number(-1234.5, "#,##0.00_ ;[Red]\\-#,##0.00\\ ") == "-1,234.50 "
    assert format_number(1234.5, '"¥"#,##0.00') == "¥1,234.50"
    assert format_number(0.30000000000000004, "General") == "0.3"
    assert format_number(969188.11, "General") == "969188.11"
    assert format_number(10.0, "General") == "10"
    assert format_number(12.5, "yyyy-mm-dd") == "12.5"
    assert format_value(True) == "TRUE"
    assert format_value(None) == ""


def test_html_summary_and_structure() -> None:
    html = render_html(_batch())
    assert html.startswith("<!DOCTYPE html>")
    assert "<title>预算绩效表复核报告</title>" in html
    assert "<h1>预算绩效表复核报告</h1>" in html
    for label, n in (("错误", 1), ("警告", 2), ("提示", 2), ("已说明", 1), ("无法读取", 1)):
        assert f'<div class="k">{label}</div><div class="v">{n}</div>' in html
    assert '<div class="k">文件</div><div class="v">3</div>' in html
    # By rule: code, title (the code when the rule is not registered), counts.
    assert re.search(
        r"<tr><td><code>W001</code></td><td>[^<]+</td><td class=\"n\">0</td>"
        r"<td class=\"n\">1</td><td class=\"n\">0</td><td class=\"n\"><b>1</b></td>",
        html,
    )
    # Unreadable files, with the error.
    assert "<h3>无法读取的文件</h3>" in html
    assert "无法打开“坏文件.xlsx”：不是有效的 xlsx 文件" in html
    # Anchors from the index to the files and sheets.
    assert '<a href="#f1">各部门/社会组织管理局.xlsx</a>' in html
    assert 'href="#f1s2"' in html and 'id="f1s2"' in html
    # No external assets.
    assert not re.search(r"(src|href)=\"(https?:)?//", html)
    assert "<link" not in html


def test_html_draws_the_form() -> None:
    html = render_html(_batch())
    assert f"版式：{NATIONAL}" in html
    # Merged title A1:I1 and the fund label A3:A5.
    assert re.search(r'<td colspan="9"[^>]*><div class="c">项目支出绩效自评表</div>', html)
    assert re.search(r'<td rowspan="3"[^>]*><div class="c">项目资金（元）</div>', html)
    assert re.search(r'<td colspan="3"[^>]*><div class="c">社会组织培训</div>', html)
    # Number formats applied.
    assert '<div class="c">987,000.00</div>' in html
    assert '<div class="c">969,188.11</div>' in html
    assert '<div class="c">9.80</div>' in html
    # Flagged cell G5 (error): the error fill on the cell holding 1.00, numbered 1.
    m = re.search(
        r'<td id="f1s1-G5" class="n flag error" title="([^"]*)" '
        r'style="background:#FFC7CE"><sup><a class="error" href="#f1s1-m1">1</a></sup>'
        r'<div class="c">1\.00</div></td>',
        html,
    )
    assert m, "flagged cell G5 not drawn with the error fill"
    assert "[1] 错误 E001：全年预算数为 0，执行率不应填写 1.00" in m.group(1)
    # H7 has a warning and a note: the warning colour wins, both numbers shown.
    assert re.search(
        r'<td id="f1s1-H7" [^>]*style="background:#FFEB9C"><sup><a class="note" '
        r'href="#f1s1-m2">2</a>,<a class="warning" href="#f1s1-m3">3</a></sup>'
        r'<div class="c">10</div></td>',
        html,
    )
    # Related cells of W001 are outlined.
    assert re.search(r'<td class="rel"[^>]*><div class="c">30 期</div>', html)
    # Formula shown on hover.
    assert "公式：=E4/D4" in html


def test_html_messages_and_explained() -> None:
    html = render_html(_batch())
    row = re.search(r'<tr id="f1s1-m1" class="msg error">(.*?)</tr>', html)
    assert row
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row.group(1))
    assert cells[0] == "1"
    assert cells[1] == '<a href="#f1s1-G5">G5</a>'
    assert cells[2].startswith("<code>E001</code>")
    assert cells[3] == '<span class="badge error">错误</span>'
    assert cells[4:] == ["全年预算数为 0，执行率不应填写 1.00", "—", "1.00", "0.00 ÷ 0.00 无意义"]
    assert "24 ÷ 30 × 10 = 8.00" in html
    assert "相关单元格：E7、F7" in html
    expl = re.search(r'<tr id="f1s1-m4" class="msg explained">(.*?)</tr>', html)
    assert expl
    assert '<span class="badge expl">已说明</span>' in expl.group(1)
    assert "（原为警告）" in expl.group(1)
    assert "已说明：已与财政局沟通，按满分计" in expl.group(1)
    assert "“&gt;90%”仅以 90% 达到却给满分" in expl.group(1)
    # The explained cell is greyed, not coloured.
    assert re.search(r'<td id="f1s1-H8" class="n flag expl"[^>]*style="background:#EDEDED">', html)


def test_html_escapes_cell_text_and_clips_long_text() -> None:
    html = render_html(_batch())
    assert "<p>由于" not in html
    assert "<b>备注</b>" not in html
    assert "&lt;p&gt;由于疫情影响" in html
    # Long text: clipped by CSS, full text in the title attribute.
    escaped = LONG_REASON.replace("<", "&lt;").replace(">", "&gt;")
    assert f'title="{escaped}"><div class="c">{escaped}</div>' in html
    assert "max-height:4.5em;overflow:hidden" in html


def test_html_unrecognized_skipped_and_failed() -> None:
    html = render_html(_batch())
    sec = re.search(r'<section class="sheet" id="f1s2">(.*?)</section>', html)
    assert sec
    assert '<span class="badge unrec">版式未识别</span>' in sec.group(1)
    for label in ("项目名称", "资金来源", "&lt;b&gt;备注&lt;/b&gt;"):
        assert f'<span class="label">{label}</span>' in sec.group(1)
    assert "该表看起来是绩效表，但版式未识别" in sec.group(1)
    skipped = re.search(r'<section class="sheet" id="f1s3">(.*?)</section>', html)
    assert skipped
    assert "已跳过</span> 不是绩效表（未找到表头）" in skipped.group(1)
    assert "<table" not in skipped.group(1)  # a skipped sheet without findings is not drawn
    assert '<p class="fail">无法读取：无法打开“坏文件.xlsx”：不是有效的 xlsx 文件</p>' in html
    assert '<section class="file clean" id="f3">' in html
    assert f"版式：{FAMILIES['ten_ninety'].name}" in html


def test_html_large_sheet_is_truncated() -> None:
    big = Sheet("明细", cells={(r, c): r * 100 + c for r in range(1, 401) for c in (1, 45)})
    fr = FileResult(
        "大表.xlsx",
        grid=Grid("大表.xlsx", [big]),
        sheets=[SheetRead("明细", "unrecognized", labels=[])],
        findings=[Finding("X001", Severity.NOTE, "明细", "A350", "远处的问题")],
    )
    html = render_html(BatchResult([fr]))
    assert "表格较大，仅绘制 A201:AD400（已用区域 A1:AS400）。" in html
    assert '<th class="rn">201</th>' in html and '<th class="rn">400</th>' in html
    assert '<th class="rn">200</th>' not in html
    assert "<th>AD</th>" in html and "<th>AE</th>" not in html
    assert re.search(r'id="f1s1-A350" class="n flag note"', html)


def test_html_finding_outside_drawn_window() -> None:
    big = Sheet("明细", cells={(r, 1): r for r in range(1, 301)})
    fr = FileResult(
        "大表.xlsx",
        grid=Grid("大表.xlsx", [big]),
        sheets=[SheetRead("明细", "unrecognized")],
        findings=[
            Finding("X001", Severity.NOTE, "明细", "A10", "近处"),
            Finding("X002", Severity.NOTE, "明细", "A300", "远处"),
        ],
    )
    html = render_html(BatchResult([fr]))
    assert 'A300<div class="small">（不在绘制范围内）</div>' in html
    assert '<th class="rn">200</th>' in html


def test_html_is_deterministic() -> None:
    assert render_html(_batch()) == render_html(_batch())


# ---------------------------------------------------------------- XLSX


def test_xlsx_findings_sheet(tmp_path: Path) -> None:
    path = write_report(tmp_path / "out" / "报告.xlsx", _batch())
    assert path == tmp_path / "out" / "报告.xlsx"
    wb = load_workbook(path)
    assert wb.sheetnames == ["汇总", "问题清单", "无法读取"]
    ws = wb["问题清单"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == tuple(name for name, _ in FINDING_COLUMNS)
    assert rows[0][:10] == (
        "文件", "工作表", "单元格", "规则", "级别", "说明", "应为", "实际", "计算", "是否已说明",
    )  # fmt: skip
    assert len(rows) == 1 + 6
    assert rows[1][:10] == (
        FILE1, "项目1", "G5", "E001", "错误", "全年预算数为 0，执行率不应填写 1.00",
        "—", "1.00", "0.00 ÷ 0.00 无意义", "否",
    )  # fmt: skip
    assert [r[2:5] for r in rows[1:]] == [
        ("G5", "E001", "错误"),
        ("H7", "N002", "提示"),
        ("H7", "W001", "警告"),
        ("H8", "W002", "警告"),
        ("H9", "N001", "提示"),
        ("A1", "S001", "警告"),
    ]
    assert rows[4][9] == "是" and rows[4][11] == "已与财政局沟通，按满分计"
    assert rows[4][5] == "“>90%”仅以 90% 达到却给满分"
    # Severity fill on the 级别 cell.
    fills = [ws.cell(row=r, column=5).fill.fgColor.rgb for r in range(2, 8)]
    assert fills == ["FFFFC7CE", "FFDDEBF7", "FFFFEB9C", "FFFFEB9C", "FFDDEBF7", "FFFFEB9C"]
    assert ws.cell(row=2, column=5).fill.fill_type == "solid"
    assert ws.auto_filter.ref == "A1:L7"
    assert ws.freeze_panes == "A2"
    assert ws.column_dimensions["F"].width == 60


def test_xlsx_texts_are_never_formulas() -> None:
    fr = FileResult(
        "x.xlsx",
        findings=[Finding("W001", Severity.WARNING, "表", "B2", "=SUM(A1)", expected="=3 项")],
    )
    from io import BytesIO

    wb = load_workbook(BytesIO(xlsx_bytes(BatchResult([fr]))))
    ws = wb["问题清单"]
    assert ws["F2"].value == "=SUM(A1)" and ws["F2"].data_type == "s"
    assert ws["G2"].value == "=3 项" and ws["G2"].data_type == "s"
    assert "无法读取" not in wb.sheetnames


def test_xlsx_summary_and_errors(tmp_path: Path) -> None:
    wb = load_workbook(write_report(tmp_path / "r.xlsx", _batch()))
    ws = wb["汇总"]
    values = {(r[0]): r[1] for r in ws.iter_rows(min_row=4, max_row=10, values_only=True)}
    assert values == {
        "错误": 1, "警告": 2, "提示": 2, "已说明": 1, "文件": 3, "有错误的文件": 1, "无法读取": 1,
    }  # fmt: skip
    assert ws["A4"].fill.fgColor.rgb == "FFFFC7CE"
    rows = list(ws.iter_rows(values_only=True))
    rule_rows = [r for r in rows if r[0] in ("E001", "W001", "W002")]
    assert [r[0] for r in rule_rows] == ["E001", "W001", "W002"]
    assert rule_rows[1][2:7] == (0, 1, 0, 1, 0)
    assert rule_rows[2][2:7] == (0, 0, 0, 0, 1)
    file_rows = {r[0]: r[1:7] for r in rows if r[0] in (FILE1, BAD, CLEAN)}
    assert file_rows == {
        FILE1: (3, 1, 2, 2, 1, "有错误"),
        BAD: (0, 0, 0, 0, 0, "无法读取"),
        CLEAN: (1, 0, 0, 0, 0, "未发现问题"),
    }
    errs = list(wb["无法读取"].iter_rows(values_only=True))
    assert errs == [("文件", "原因"), (BAD, "无法打开“坏文件.xlsx”：不是有效的 xlsx 文件")]


def test_xlsx_is_deterministic() -> None:
    assert xlsx_bytes(_batch()) == xlsx_bytes(_batch())


# ---------------------------------------------------------------- dispatch


def test_write_report_dispatch(tmp_path: Path) -> None:
    batch = _batch()
    j = write_report(str(tmp_path / "a.json"), batch)
    assert json.loads(j.read_text(encoding="utf-8"))["summary"]["error"] == 1
    for name in ("b.html", "c.HTM"):
        h = write_report(tmp_path / name, batch)
        assert h.read_text(encoding="utf-8") == render_html(batch)
    with pytest.raises(ValueError, match=r"不支持的报告格式.*unsupported report format '\.csv'"):
        write_report(tmp_path / "d.csv", batch)
    with pytest.raises(ValueError, match="不支持"):
        write_report(tmp_path / "noext", batch)
