"""A workbook mixing forms S, P and D: each sheet read as its own form, checked by its rules."""

from __future__ import annotations

from pathlib import Path

from budgetlint.checker import check_grid, link_projects
from budgetlint.grid import Grid
from budgetlint.hosts import read_workbook
from budgetlint.report.json_report import batch_dict
from budgetlint.results import BatchResult

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
S = EXAMPLES / "深圳市社会组织管理局_2021_项目支出绩效自评表.xlsx"
P = EXAMPLES / "中共深圳市委政法委员会_2019_项目绩效情况自评表.xlsx"
D = EXAMPLES / "中共深圳市委政法委员会_2019_部门决算.xlsx"


def _mixed() -> Grid:
    s, p, d = (read_workbook(f) for f in (S, P, D))
    sheets = [s.sheets[0], p.sheet("附件1-16"), p.sheet("附件1-19"), *d.sheets]
    return Grid("混合.xlsx", sheets)


def test_each_sheet_is_read_as_its_form_and_checked_by_its_rules() -> None:
    result = check_grid(_mixed())
    link_projects(result, result.projects)
    kinds = {r.sheet: (r.status, r.family) for r in result.sheets}
    assert kinds[result.sheets[0].sheet] == ("form", "national")
    assert kinds["附件1-16"] == kinds["附件1-19"] == ("form", "project_p")
    assert {kinds[f"公开0{n}表"] for n in range(1, 9)} == {("form", "final_accounts")}
    assert kinds["情况说明"] == ("form", "final_accounts")
    by_sheet: dict[str, set[str]] = {}
    for f in result.findings:
        by_sheet.setdefault(f.sheet, set()).add(f.code[0])
    assert by_sheet[result.sheets[0].sheet] <= {"S"}
    assert by_sheet["附件1-19"] == {"P"}
    assert {c for n in range(1, 9) for c in by_sheet.get(f"公开0{n}表", set())} <= {"D"}
    # the narrative's summary (16) is held to the form P of the same workbook: 90 vs 100.00
    [d401] = [f for f in result.findings if f.code == "D401" and f.severity.value == "error"]
    assert (d401.sheet, d401.cell) == ("情况说明", "A44")
    assert "自评得分 90 分" in d401.message and "附件1-16!G79" in d401.message
    # summaries whose form P is not in this workbook are listed, never dropped
    missing = [f for f in result.findings if f.code == "D402"]
    assert len(missing) == 32 - 2


def test_every_output_names_each_sheets_form() -> None:
    result = check_grid(_mixed())
    sheets = batch_dict(BatchResult(files=[result]))["files"][0]["sheets"]
    forms = {s["sheet"]: s["form"] for s in sheets}
    assert forms["附件1-19"] == "P" and forms["公开07表"] == "D" and forms["情况说明"] == "D"
    assert forms[result.sheets[0].sheet] == "S"
