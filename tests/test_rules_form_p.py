"""The form-P rules (P101–P405) on the example workbook: seed 002's 23 项目绩效情况自评表.

The example holds the values of ``budgetlint.build.seed_p`` (seed 002 transcribed) at
the cells of ``budgetlint.build.form_p.example_workbook``'s address map.  What the
rules find there is asserted exactly: every error is a mistake the printed form makes
(checked against the seed's text by hand), and what the seed got right raises none.
"""

from __future__ import annotations

import json
import re
import zipfile
from collections import Counter
from functools import cache
from pathlib import Path

import openpyxl
import pytest

from budgetlint.annotate import annotate, clear
from budgetlint.build.form_p import example_workbook
from budgetlint.build.seed_p import FORMS, SeedFormP
from budgetlint.checker import check_file, check_grid
from budgetlint.criteria import KINDS, parse_criterion
from budgetlint.findings import Finding, Severity
from budgetlint.hosts import read_workbook
from budgetlint.model_p import FormP
from budgetlint.report import render_html, render_json, write_report
from budgetlint.results import BatchResult, FileResult
from budgetlint.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "中共深圳市委政法委员会_2019_项目绩效情况自评表.xlsx"

pytestmark = pytest.mark.skipif(not EXAMPLE.exists(), reason="the form-P example is not built")

#: Per form: the 一级 weights as printed, their sum, 总计's 权重 and 评分结果, 评价等级
#: (seed 002; 附件1-8 prints 40 / 30 / 10 / 20).
PRINTED: dict[str, tuple[tuple[str, ...], float, str, str, str]] = {
    "附件1-1": (("25", "30", "35", "10"), 100, "100", "98.42", "优秀"),
    "附件1-2": (("25", "30", "35", "10"), 100, "100", "100.00", "优秀"),
    "附件1-3": (("25", "30", "35", "10"), 100, "100", "98.00", "优秀"),
    "附件1-4": (("25", "30", "35", "10"), 100, "100", "100.00", "优秀"),
    "附件1-5": (("25", "30", "35", "10"), 100, "100", "100.00", "优秀"),
    "附件1-6": (("25", "30", "35", "10"), 100, "100", "100.00", "优秀"),
    "附件1-7": (("25", "30", "35", "10"), 100, "100", "100.00", "优秀"),
    "附件1-8": (("40", "30", "10", "20"), 100, "100", "97.50", "优秀"),
    "附件1-9": (("25", "30", "35", "10"), 100, "100", "100.00", "优秀"),
    "附件1-10": (("25", "30", "35", "10"), 100, "100", "100.00", "优秀"),
    "附件1-11": (("25", "30", "35", "10"), 100, "100", "97.81", "优秀"),
    "附件1-12": (("25", "30", "35", "10"), 100, "100", "100.00", "优秀"),
    "附件1-13": (("25", "30", "35", "10"), 100, "100", "99.73", "优秀"),
    "附件1-14": (("25", "30", "35", "10"), 100, "100", "99.81", "优秀"),
    "附件1-15": (("25", "30", "35", "10"), 100, "100", "100.00", "优秀"),
    "附件1-16": (("25", "30", "35", "10"), 100, "100", "100.00", "优秀"),
    "附件1-17": (("25", "30", "35", "10"), 100, "100", "67.14", "合格"),
    "附件1-18": (("25", "30", "35", "10"), 100, "100", "100.00", "优秀"),
    "附件1-19": (("25", "30", "35", "10"), 100, "100", "99.85", "优秀"),
    "附件1-20": (("25", "30", "35", "10"), 100, "100", "100.00", "优秀"),
    "附件1-21": (("25", "30", "35", "10"), 100, "100", "100.00", "优秀"),
    "附件1-22": (("25", "30", "35", "10"), 100, "100", "99.25", "优秀"),
    "附件2": (("25", "30", "35", "10"), 100, "100", "100.00", "优秀"),
}

#: How many 评分标准 of the 23 forms (594 三级 items) parse as each kind.
KIND_COUNTS = {
    "ratio": 174,
    "parts": 154,
    "full_if_met": 113,
    "execution": 44,
    "linear": 34,
    "not_applicable_full": 27,
    "over_target_deduction": 22,
    "tiers": 17,
    "all_or_nothing": 8,
    "unparsed": 1,
}
#: The 评分标准 not parsed: (form, item, why).  附件1-5's was lost by the PDF extraction.
UNPARSED = [("附件1-5", "社会群众满意度", "评分标准为空")]

#: Every error the example raises: (code, sheet, item) — each checked against the seed:
#: 附件1-10 / 附件2 资助学生人数 21 人 planned, 19 人 helped (two graduated), full 5.0
#: by a ratio rule (5 × 19/21 = 4.52); 附件1-19's three training counts 794/800,
#: 92/800, 120/180 all scored 2.31 by a ratio rule (2.29, 0.27, 1.54); 附件1-19
#: 培训人员满意度: its rule gives full marks from 95 %, 90 % scores 7 − 5 × 2.86 % × 7 =
#: 6.00, printed 7.0 (the 目标值 column says ≥90 %, the rule 95 %).
ERRORS = [
    ("P401", "附件1-10", "资助学生人数"),
    ("P401", "附件1-19", "房屋编码岗专题培训参与人数"),
    ("P401", "附件1-19", "综合信息岗专题培训参与人数"),
    ("P401", "附件1-19", "骨干培训参与人数"),
    ("P401", "附件1-19", "培训人员满意度"),
    ("P401", "附件2", "资助学生人数"),
]
#: The same errors at their cells in the example.
ERROR_CELLS = [
    ("P401", "附件1-10", "G45"),
    ("P401", "附件1-19", "G53"),
    ("P401", "附件1-19", "G54"),
    ("P401", "附件1-19", "G55"),
    ("P401", "附件1-19", "G74"),
    ("P401", "附件2", "G45"),
]


@cache
def _result() -> FileResult:
    return check_grid(read_workbook(EXAMPLE), Settings())


@cache
def _maps() -> dict[str, dict[str, str]]:
    return example_workbook()[1]


def _seed(annex: str) -> SeedFormP:
    return next(f for f in FORMS if f.annex == annex)


def _form(sheet: str) -> FormP:
    read = next(r for r in _result().sheets if r.sheet == sheet)
    assert isinstance(read.form, FormP)
    return read.form


def _score_cell(annex: str, item: str, field: str = "score") -> str:
    """The example's cell of an item's field, from the builder's address map."""
    return _maps()[annex][f"scorecard.{_seed(annex).row_index(item)}.{field}"]


def _at(code: str, sheet: str, cell: str) -> list[Finding]:
    return [f for f in _result().findings if (f.code, f.sheet, f.cell) == (code, sheet, cell)]


# --------------------------------------------------------------------------- reading


def test_every_sheet_reads_as_a_form_p() -> None:
    sheets = _result().sheets
    assert [r.sheet for r in sheets] == [f.annex for f in FORMS] == list(PRINTED)
    assert len(sheets) == 23
    for read in sheets:
        assert (read.status, read.family) == ("form", "project_p"), read.sheet
        assert isinstance(read.form, FormP), read.sheet
    assert not _result().rule_failures


@pytest.mark.parametrize("annex", list(PRINTED))
def test_level1_weights_and_total_as_printed(annex: str) -> None:
    weights, total, total_weight, total_score, grade = PRINTED[annex]
    seed = _seed(annex)
    assert tuple(r.weight for r in seed.scorecard if r.kind == "level1") == weights
    assert (seed.total.weight, seed.total.score, seed.grade.score) == (
        total_weight,
        total_score,
        grade,
    )
    sc = _form(annex).scorecard
    assert sc is not None
    assert tuple(l1.weight.text for l1 in sc.level1 if l1.weight is not None) == weights
    assert sum(float(w) for w in weights) == total
    assert sum(float(l1.weight.value or 0) for l1 in sc.level1 if l1.weight) == total
    assert sc.total_weight is not None and sc.total_weight.text == total_weight
    assert sc.total_score is not None and sc.total_score.text == total_score
    assert sc.grade is not None and sc.grade.value == grade


def test_criterion_kinds_of_the_23_forms() -> None:
    counts: Counter[str] = Counter()
    unparsed: list[tuple[str, str, str]] = []
    for read in _result().sheets:
        form = _form(read.sheet)
        assert form.scorecard is not None
        for item in form.scorecard.items:
            text = item.criterion.value if item.criterion is not None else None
            crit = parse_criterion(text or "")
            counts[crit.kind] += 1
            if crit.kind == "unparsed":
                unparsed.append((read.sheet, item.name.text, crit.why))
    assert set(counts) <= set(KINDS)
    assert dict(counts) == KIND_COUNTS
    assert (
        sum(counts.values())
        == 594
        == sum(1 for f in FORMS for r in f.scorecard if r.kind == "item")
    )
    assert unparsed == UNPARSED
    # The seed's own texts parse the same way (the reader keeps them as printed).
    seed_counts = Counter(
        parse_criterion(r.criterion).kind for f in FORMS for r in f.scorecard if r.kind == "item"
    )
    assert seed_counts == counts


# --------------------------------------------------------------------------- scores


def test_budget_execution_of_the_law_school_is_right() -> None:
    """附件1-17 法制学校管理: 预算执行率 54.37 %, weight 2.27, score 1.23 = 2.27 × 54.37 %."""
    form = _form("附件1-17")
    assert form.scorecard is not None and form.matrix is not None
    item = next(i for i in form.scorecard.items if i.name.text == "预算执行率")
    assert item.weight is not None and item.weight.text == "2.27"
    assert item.score is not None and item.score.text == "1.23"
    assert item.actual is not None and item.actual.text == "54.37%"
    rate = form.matrix.cell("exec_rate")
    assert rate is not None and rate.text == "54.37"
    assert parse_criterion(item.criterion.value if item.criterion else "").kind == "execution"
    assert round(2.27 * 0.5437, 2) == 1.23
    cell = _score_cell("附件1-17", "预算执行率")
    assert item.score.ref is not None and item.score.ref.address == cell
    assert not _at("P401", "附件1-17", cell)
    assert not [f for f in _result().findings if f.sheet == "附件1-17"]


def test_the_4_and_5_percent_of_the_awareness_rate() -> None:
    """附件1-2 深圳平安创建知晓率: words "每降低1%，减少权重分的4%", formula 5 %."""
    cell = _score_cell("附件1-2", "深圳平安创建知晓率", "criterion")
    [f] = _at("P402", "附件1-2", cell)
    assert f.severity is Severity.WARNING
    assert "深圳平安创建知晓率" in f.message
    assert re.search(r"(?<![\d.])4%", f.message) and re.search(r"(?<![\d.])5%", f.message)
    assert "减少权重分的4%" in f.message and "*5%*" in f.message
    # Which one was applied cannot be told: no P401 on its score.
    assert not _at("P401", "附件1-2", _score_cell("附件1-2", "深圳平安创建知晓率"))


def test_a_completion_ratio_far_below_target_scored_full() -> None:
    """附件1-19 综合信息岗专题培训参与人数: 92 of 800, scored 2.31; 2.31 × 92/800 = 0.27."""
    cell = _score_cell("附件1-19", "综合信息岗专题培训参与人数")
    assert cell == "G54"
    [f] = _at("P401", "附件1-19", cell)
    assert f.severity is Severity.ERROR
    assert (f.expected, f.actual) == ("0.27", "2.31")
    assert "92 ÷ 800" in (f.computation or "") and "0.27" in (f.computation or "")
    assert "0.27" in f.message and "2.31" in f.message
    assert "综合信息岗专题培训参与人数" in f.message
    assert round(2.31 * 92 / 800, 2) == 0.27


def test_the_errors_of_the_example_exactly() -> None:
    errors = [
        (f.code, f.sheet, f.cell)
        for f in _result().findings
        if f.severity is Severity.ERROR and not f.explained
    ]
    assert errors == ERROR_CELLS
    # Each at the score cell of the item named, by the builder's address map.
    assert [(c, s, _score_cell(s, item)) for c, s, item in ERRORS] == ERROR_CELLS
    expected = {
        ("附件1-10", "G45"): ("4.5", "5.0"),
        ("附件1-19", "G53"): ("2.29", "2.31"),
        ("附件1-19", "G54"): ("0.27", "2.31"),
        ("附件1-19", "G55"): ("1.54", "2.31"),
        ("附件1-19", "G74"): ("6.0", "7.0"),
        ("附件2", "G45"): ("4.5", "5.0"),
    }
    assert {
        (f.sheet, f.cell): (f.expected, f.actual)
        for f in _result().findings
        if f.severity is Severity.ERROR
    } == expected


def test_no_error_on_a_difference_of_a_cent() -> None:
    """A difference of ≤ 0.01 at 2 decimals is a note at most, never an error."""
    for f in _result().findings:
        try:
            e, a = float(f.expected or ""), float(f.actual or "")
        except ValueError:
            continue
        if abs(round(e, 2) - round(a, 2)) <= 0.01 + 1e-9:
            assert f.severity is not Severity.ERROR, f


def test_warnings_and_notes_of_the_example() -> None:
    others = [
        (f.code, f.sheet, f.cell) for f in _result().findings if f.severity is not Severity.ERROR
    ]
    assert others == [
        ("P403", "附件1-1", "H42"),  # 资金使用规范性: 50 % + 25 %
        ("P402", "附件1-2", "H66"),  # 深圳平安创建知晓率: 4 % / 5 %
        ("P402", "附件1-3", "H69"),  # 社会公众满意度: 90 % / "85%为目标值"
        ("P404", "附件1-5", "H59"),  # 社会群众满意度: the print lost its 评分标准 (未核对)
        ("P304", "附件1-8", "D31"),  # 40 / 30 / 10 / 20
        ("P304", "附件1-8", "D61"),
        ("P304", "附件1-8", "D67"),
        ("P402", "附件1-18", "H60"),  # 房屋业务满意度: 2.85 % / 3.33 %
    ]


# --------------------------------------------------------------------------- annotate


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def test_annotate_and_clear_a_form_p(tmp_path: Path) -> None:
    out, back = tmp_path / "out.xlsx", tmp_path / "back.xlsx"
    findings = _result().findings
    stats = annotate(EXAMPLE, out, findings)
    assert stats is not None
    wb = openpyxl.load_workbook(out)
    note = wb["附件1-19"]["G54"].comment
    assert note is not None and "P401" in note.text and "0.27" in note.text
    assert wb["附件1-17"][_score_cell("附件1-17", "预算执行率")].comment is None
    clear(out, back)
    before, after = _parts(EXAMPLE), _parts(back)
    assert list(after) == list(before)
    for name, data in before.items():
        assert after[name] == data, name
    src, restored = openpyxl.load_workbook(EXAMPLE), openpyxl.load_workbook(back)
    assert restored.sheetnames == src.sheetnames
    for ws0 in src.worksheets:
        ws = restored[ws0.title]
        for row in ws0.iter_rows():
            for c0 in row:
                c = ws[c0.coordinate]
                assert (c.value, c.number_format) == (c0.value, c0.number_format)
                assert (c.comment.text if c.comment else None) == (
                    c0.comment.text if c0.comment else None
                ), (ws0.title, c0.coordinate)


# --------------------------------------------------------------------------- reports


@cache
def _batch() -> BatchResult:
    return BatchResult([check_file(EXAMPLE)])


def test_html_report_draws_the_matrix_and_the_scorecard() -> None:
    html = render_html(_batch())
    assert re.search(r'<td[^>]*><div class="c">3856800</div></td>', html)  # 附件1-1 (1) 合计
    assert re.search(r'<td[^>]*><div class="c">评分标准</div></td>', html)
    assert "<h3>工作表：附件1-19</h3>" in html
    assert 'id="f1s19-G54"' in html  # the flagged score cell of 综合信息岗
    assert "应得 0.27 分" in html


def test_json_report_names_each_p_sheet_and_its_findings() -> None:
    data = json.loads(render_json(_batch()))
    [file] = data["files"]
    assert [s["sheet"] for s in file["sheets"]] == list(PRINTED)
    assert {(s["status"], s["family"], s["family_name"]) for s in file["sheets"]} == {
        ("form", "project_p", "项目绩效情况自评表")
    }
    errors = [
        (f["code"], f["sheet"], f["cell"]) for f in file["findings"] if f["severity"] == "error"
    ]
    assert errors == ERROR_CELLS
    assert all(f["family"] == "project_p" for f in file["findings"])
    assert data["summary"]["by_rule"] == {"P304": 3, "P401": 6, "P402": 3, "P403": 1, "P404": 1}


def test_xlsx_report_lists_a_p401(tmp_path: Path) -> None:
    path = write_report(tmp_path / "报告.xlsx", _batch())
    wb = openpyxl.load_workbook(path)
    assert "问题清单" in wb.sheetnames
    rows = list(wb["问题清单"].iter_rows(values_only=True))
    assert rows[0][:5] == ("文件", "工作表", "单元格", "规则", "级别")
    p401 = [r for r in rows[1:] if r[3] == "P401"]
    assert [(r[1], r[2]) for r in p401] == [(s, c) for _, s, c in ERROR_CELLS]
    g54 = next(r for r in p401 if (r[1], r[2]) == ("附件1-19", "G54"))
    assert (g54[4], g54[6], g54[7]) == ("错误", "0.27", "2.31")
    assert "92 ÷ 800" in g54[8]
