"""Completeness rules S401–S403."""

from __future__ import annotations

from typing import Any

from budgetlint.findings import Finding
from budgetlint.grid import CellRef
from budgetlint.model import Field, FormS, FundBlock, FundRow, Indicator
from budgetlint.rules import REGISTRY
from budgetlint.rules.base import RuleContext
from budgetlint.rules.completeness import template_markers
from budgetlint.settings import Settings
from tests.modelkit import SHEET, cell


def indicator(row: int, name: str, target: Any, actual: Any, weight: Any, score: Any) -> Indicator:
    return Indicator(
        row=row,
        name=cell(row, 4, name),
        target=cell(row, 5, target),
        actual=cell(row, 6, actual),
        weight=cell(row, 7, weight, 1),
        score=cell(row, 8, score, 1),
    )


def gongche(family: str = "national") -> FormS:
    """公务用车运维维护费 (seed lines 157–177), complete."""
    total = FundRow(
        kind="total",
        label=cell(8, 2, "年度资金总额"),
        initial=cell(8, 3, 0.00, 2),
        budget=cell(8, 4, 15000.00, 2),
        executed=cell(8, 5, 8881.00, 2),
        weight=cell(8, 6, 10, 0),
        rate=cell(8, 7, 0.59, 2),
        score=cell(8, 8, 5.90, 2),
    )
    return FormS(
        sheet=SHEET,
        family=family,
        project=cell(5, 2, "公务用车运维维护费"),
        amount=cell(5, 6, 15000, 0),
        fund=FundBlock(rows=[total]),
        indicators=[
            indicator(14, "车辆数量", "1台", "1台", 20.0, 20.0),
            indicator(15, "出车事前审批率", "≥80%", "100%", 10.0, 10.0),
            indicator(16, "无", "无", "无", 0.0, 0.0),
        ],
        total_label=cell(22, 2, "总分"),
        total_weight=cell(22, 7, 100, 0),
        total_score=cell(22, 8, 95.9, 1),
    )


def run(code: str, form: FormS) -> list[Finding]:
    ctx = RuleContext(Settings(), family=form.family)
    return REGISTRY[code].run(form, ctx)


def summary(found: list[Finding]) -> list[tuple[str, str, str]]:
    return [(f.code, f.severity.value, f.cell) for f in found]


def test_complete_form_has_no_findings() -> None:
    form = gongche()
    for code in ("S401", "S402", "S403"):
        assert run(code, form) == [], code
    assert not any(REGISTRY[c].scored_only for c in ("S401", "S402", "S403"))


# --------------------------------------------------------------------------- S401


def test_required_cells_empty() -> None:
    form = gongche()
    form.project = cell(5, 2, None)
    form.fund.rows[0].executed = cell(8, 5, None)  # type: ignore[union-attr]
    form.indicators[0].actual = cell(14, 6, "")
    form.indicators[1].score = cell(15, 8, None)
    form.total_score = cell(22, 8, None)
    found = run("S401", form)
    assert summary(found) == [
        ("S401", "warning", "B5"),
        ("S401", "warning", "E8"),
        ("S401", "warning", "F14"),
        ("S401", "warning", "H15"),
        ("S401", "warning", "H22"),
    ]
    assert [f.message for f in found] == [
        "项目名称为空",
        "年度资金总额的全年执行数为空",
        "指标“车辆数量”的实际完成值为空",
        "指标“出车事前审批率”分值为 10.0，得分为空",
        "总分得分为空",
    ]


def test_not_applicable_row_needs_no_actual() -> None:
    # 社会组织党建工作 (seed line 327): 生态效益指标 | 无 | 无 | (empty) | 0.0 | 0.0
    form = gongche()
    form.indicators[2].actual = cell(16, 6, None)
    assert run("S401", form) == []
    form.indicators[2].target = cell(16, 5, None)
    assert run("S401", form) == []


def test_zero_weight_indicator_needs_no_score() -> None:
    form = gongche()
    form.indicators[2].score = cell(16, 8, None)
    assert run("S401", form) == []


def test_missing_project_field_reported_on_the_sheet() -> None:
    form = gongche()
    form.project = None
    found = run("S401", form)
    assert [(f.sheet, f.cell, f.message) for f in found] == [(SHEET, "", "项目名称为空")]


def test_empty_fund_score_with_a_budget() -> None:
    form = gongche()
    form.fund.rows[0].score = cell(8, 8, None)  # type: ignore[union-attr]
    found = run("S401", form)
    assert summary(found) == [("S401", "warning", "H8")]
    assert found[0].message == "年度资金总额的全年预算数为 15000.00，资金得分为空"


def test_no_score_family_checks_only_filled_contents() -> None:
    form = gongche("no_score")
    form.total_score = None
    for ind in form.indicators:
        ind.weight = None
        ind.score = None
    form.indicators[0].target = cell(14, 5, None)
    found = run("S401", form)
    assert summary(found) == [("S401", "warning", "E14")]
    assert found[0].message == "指标“车辆数量”的年度指标值为空"


# --------------------------------------------------------------------------- S402


def test_number_stored_as_text() -> None:
    form = gongche()
    form.fund.rows[0].executed = Field(  # type: ignore[union-attr]
        CellRef(SHEET, 8, 5), "8,881.00", 8881.0, 2, as_text=True
    )
    form.indicators[0].score = Field(CellRef(SHEET, 14, 8), "20", 20.0, 0, as_text=True)
    form.total_score = Field(CellRef(SHEET, 22, 8), "95.9", 95.9, 1, as_text=True)
    found = run("S402", form)
    assert summary(found) == [
        ("S402", "note", "E8"),
        ("S402", "note", "H14"),
        ("S402", "note", "H22"),
    ]
    assert found[0].message == "年度资金总额的全年执行数“8,881.00”数值以文本形式存储，应改为数字"
    assert "指标“车辆数量”的得分“20”数值以文本形式存储" in found[1].message


# --------------------------------------------------------------------------- S403


def test_template_markers() -> None:
    assert template_markers("培训人数（≥**人）") == ["**"]
    assert template_markers("≥**人") == ["**"]
    assert template_markers("请填写指标名称") == ["请填写"]
    assert template_markers("XX项") == ["XX"]
    assert template_markers("示例：开展培训") == ["示例"]
    assert template_markers("……") == ["……"]
    assert template_markers("指标1：……") == ["……"]
    assert template_markers("总报告1篇、分类报告4篇……") == []
    assert template_markers("≥90%") == []
    assert template_markers("XXL 尺码") == []


def test_template_text_in_cells() -> None:
    form = gongche()
    form.indicators.append(indicator(17, "培训人数（≥**人）", "≥**人", "……", 0.0, 0.0))
    form.project = cell(5, 2, "XX项目")
    found = run("S403", form)
    # the name keeps real content beside the (≥**人) hint: S501's, not S403's
    assert summary(found) == [
        ("S403", "warning", "B5"),
        ("S403", "warning", "E17"),
        ("S403", "warning", "F17"),
    ]
    assert found[0].message == "项目名称“XX项目”含模板文字（XX），应填写实际内容"
    assert found[1].message == (
        "指标“培训人数（≥**人）”的年度指标值“≥**人”含模板文字（**），应填写实际内容"
    )
