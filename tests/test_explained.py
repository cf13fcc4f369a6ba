"""A cell note starting with 【已说明】 marks that cell's findings as explained."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook
from openpyxl.comments import Comment

from budgetlint.checker import check_file
from budgetlint.findings import Severity
from tests.conftest import SEED_S

SHEET = "14 深圳市社会组织能力建设与跟踪服务项目"


def test_explained_note_suppresses_the_finding(tmp_path: Path) -> None:
    wb = load_workbook(SEED_S)
    wb[SHEET]["G5"].comment = Comment(
        "【已说明】项目因疫情终止，预算已全部调减，按财政要求填写。", "财务科"
    )
    wb[SHEET]["H5"].comment = Comment("请核实", "财务科")  # an ordinary note: no effect
    path = tmp_path / "已说明.xlsx"
    wb.save(path)
    result = check_file(path)
    g5 = [f for f in result.findings if f.sheet == SHEET and f.cell == "G5"]
    h5 = [f for f in result.findings if f.sheet == SHEET and f.cell == "H5"]
    assert [f.code for f in g5] == ["S104"] and g5[0].explained
    assert g5[0].explanation == "项目因疫情终止，预算已全部调减，按财政要求填写。"
    assert [f.code for f in h5] == ["S104"] and not h5[0].explained
    # H5 and the three S212 errors (met targets marked down on sheets 01 and 15) count now
    assert result.counts()[Severity.ERROR] == 4
    assert [f.cell for f in result.explained] == ["G5"]
