"""Weights, total score and grade rules S301–S304 on the seed's 综合服务工作 form."""

from __future__ import annotations

from typing import Any

from budgetlint.findings import Finding
from budgetlint.grid import CellRef
from budgetlint.model import Field, FormS, FundBlock, FundRow, Indicator
from budgetlint.rules import REGISTRY
from budgetlint.rules.base import RuleContext
from budgetlint.settings import NATIONAL_GRADES, Settings
from budgetlint.values import parse_value
from tests.modelkit import SHEET, cell

NAME, TARGET, ACTUAL, WEIGHT, SCORE = 4, 5, 6, 7, 8  # D … H of the indicator block


# 综合服务工作, seed lines 14–27: (一级, name, target, actual, 分值, 得分)
ZONGHE = [
    ("产出指标", "社会组织宣传短视频新闻", "30 期", "24 期", 10.0, 8.0),
    ("产出指标", "采购服务量", "=3 项", "3 项", 10.0, 10.0),
    ("产出指标", "宣传材料验收合格率", "100%", "100%", 10.0, 10.0),
    ("产出指标", "采购服务符合招标条件率", "100%", "100%", 5.0, 5.0),
    ("产出指标", "委托业务采购及时性", "及时", "及时", 5.0, 5.0),
    ("产出指标", "宣传材料投放及时性", "及时", "及时", 5.0, 2.5),
    ("成本指标", "经费控制", "<98.7 万元", "96.92 万元", 5.0, 5.0),
    ("效益指标", "无", "无", "无", 0.0, 0.0),
    ("效益指标", "提高社会组织知晓度", "提高", "提高", 20.0, 20.0),
    ("效益指标", "无", "无", "无", 0.0, 0.0),
    ("满意度指标", "项目实施的满意度", ">90%", "90%", 20.0, 20.0),
]


def indicator(
    row: int, level1: str, name: str, target: str, actual: str, weight: float, score: float
) -> Indicator:
    def val(col: int, text: str, role: Any) -> Field[Any]:
        return Field(CellRef(SHEET, row, col), text, parse_value(text, role=role))

    return Indicator(
        row=row,
        name=cell(row, NAME, name),
        target=val(TARGET, target, "target"),
        actual=val(ACTUAL, actual, "actual"),
        level1=Field(CellRef(SHEET, row, 2), level1, level1),
        weight=cell(row, WEIGHT, weight, 1),
        score=cell(row, SCORE, score, 1, computed=True),  # as the reader marks a 1-decimal score
    )


def num_of(f: Field[Any] | None) -> float:
    assert f is not None and isinstance(f.value, float)
    return f.value


def zonghe(family: str = "national", total_score: float = 95.30, decimals: int = 2) -> FormS:
    total = FundRow(
        kind="total",
        label=cell(8, 2, "年度资金总额"),
        initial=cell(8, 3, 987000.00, 2),
        budget=cell(8, 4, 987000.00, 2),
        executed=cell(8, 5, 969188.11, 2),
        weight=cell(8, 6, 10, 0),
        rate=cell(8, 7, 0.98, 2, computed=True),
        score=cell(8, 8, 9.80, 2, computed=True),
    )
    inds = [indicator(14 + i, *spec) for i, spec in enumerate(ZONGHE)]
    return FormS(
        sheet=SHEET,
        family=family,
        project=cell(5, 2, "综合服务工作"),
        fund=FundBlock(rows=[total]),
        indicators=inds,
        total_label=cell(25, 2, "总分"),
        total_weight=cell(25, WEIGHT, 100, 0),
        total_score=cell(25, SCORE, total_score, decimals),
    )


def run(code: str, form: FormS, **settings: Any) -> list[Finding]:
    ctx = RuleContext(Settings(**settings), family=form.family)
    return REGISTRY[code].run(form, ctx)


def summary(found: list[Finding]) -> list[tuple[str, str, str]]:
    return [(f.code, f.severity.value, f.cell) for f in found]


def test_all_totals_rules_are_scored_only() -> None:
    for code in ("S301", "S302", "S303", "S304"):
        assert REGISTRY[code].scored_only, code


def test_seed_form_is_clean() -> None:
    form = zonghe()
    for code in ("S301", "S302", "S303", "S304"):
        assert run(code, form) == [], code


# --------------------------------------------------------------------------- S301


def test_weights_10_plus_85_with_total_100() -> None:
    form = zonghe()
    form.indicators[-1].weight = cell(24, WEIGHT, 15.0, 1)
    found = run("S301", form)
    assert summary(found) == [("S301", "error", "G25")]
    f = found[0]
    assert f.message == (
        "分值合计应为 100，实际为 资金 10 + 指标 85 = 95；总分分值填为 100，与各项分值之和 95 不符"
    )
    assert (f.expected, f.actual) == ("100", "95")


def test_printed_total_weight_differs_from_a_correct_sum() -> None:
    form = zonghe()
    form.total_weight = cell(25, WEIGHT, 90, 0)
    found = run("S301", form)
    assert summary(found) == [("S301", "error", "G25")]
    assert found[0].message == "总分分值填为 90，与各项分值之和 100 不符"


def test_weights_sum_without_total_cell_reports_last_weight() -> None:
    form = zonghe()
    form.total_weight = None
    form.indicators[0].weight = cell(14, WEIGHT, 5.0, 1)
    found = run("S301", form)
    assert summary(found) == [("S301", "error", "G24")]


def test_blank_template_is_not_summed() -> None:
    form = zonghe()
    for ind in form.indicators:
        ind.weight = cell(ind.row, WEIGHT, None)
    assert run("S301", form) == []


def test_equal_shares_round_to_a_note() -> None:
    # 20 + 80 form, 80 split over three indicators as 26.67 each = 80.01.
    form = zonghe("twenty_eighty")
    form.fund.rows[0].weight = cell(8, 6, 20, 0)  # type: ignore[union-attr]
    form.indicators = [
        indicator(14 + i, "产出指标", f"指标{i}", "及时", "及时", 26.67, 26.67) for i in range(3)
    ]
    for ind in form.indicators:
        ind.weight = cell(ind.row, WEIGHT, 26.67, 2)
    found = run("S301", form)
    assert summary(found) == [("S301", "note", "G25")]
    assert "资金 20 + 指标 80.01 = 100.01" in found[0].message


def test_renormalize_na_leaves_out_not_applicable_rows() -> None:
    form = zonghe()
    # A 无 row keeping 10 points, the other rows summing to 80.
    form.indicators[7].weight = cell(21, WEIGHT, 10.0, 1)
    form.indicators[-1].weight = cell(24, WEIGHT, 10.0, 1)
    assert run("S301", form) == []  # every printed weight counts: 10 + 90 = 100
    found = run("S301", form, families={"national": {"renormalize_na": True}})
    assert summary(found) == [("S301", "error", "G25")]
    assert "资金 10 + 指标 80 = 90（已剔除 2 项不适用指标）" in found[0].message


# --------------------------------------------------------------------------- S302


def test_total_score_rounding_is_a_note() -> None:
    found = run("S302", zonghe(total_score=95.31))
    assert summary(found) == [("S302", "note", "H25")]
    assert found[0].message.endswith("= 95.30，表中为 95.31（舍入差异）")


def test_total_score_wrong_is_an_error() -> None:
    found = run("S302", zonghe(total_score=96.30))
    assert summary(found) == [("S302", "error", "H25")]
    f = found[0]
    assert (f.expected, f.actual) == ("95.30", "96.30")
    assert f.computation == (
        "9.80 + 8.0 + 10.0 + 10.0 + 5.0 + 5.0 + 2.5 + 5.0 + 0.0 + 20.0 + 0.0 + 20.0 = 95.30"
    )


def test_total_score_one_decimal() -> None:
    # 公务用车运维维护费 prints 95.9: 5.90 + 90.0.
    assert run("S302", zonghe(total_score=95.3, decimals=1)) == []
    # band: 0.05 (the total) + 0.005 (fund score) + 11 computed scores × 0.05 = 0.605
    found = run("S302", zonghe(total_score=95.5, decimals=1))
    assert summary(found) == [("S302", "note", "H25")]
    found = run("S302", zonghe(total_score=96.0, decimals=1))
    assert summary(found) == [("S302", "error", "H25")]
    assert found[0].message == (
        "总分应为各项得分之和 9.80 + 8.0 + 10.0 + 10.0 + 5.0 + 5.0 + 2.5 + 5.0 + 0.0 + 20.0"
        " + 0.0 + 20.0 = 95.3，表中为 96.0"
    )


def test_total_off_by_one_over_exact_terms_is_an_error() -> None:
    # 99 printed over terms adding to exactly 100.00: rounding explains 0.5 + 0.005, not 1.
    form = zonghe(total_score=99, decimals=0)
    form.fund.rows[0].score = cell(8, 8, 10.00, 2, computed=True)  # type: ignore[union-attr]
    for i in form.indicators:
        i.score = cell(i.row, SCORE, num_of(i.weight), 0)
    found = run("S302", form)
    assert summary(found) == [("S302", "error", "H25")]
    assert found[0].expected == "100.00"


def test_total_reconciling_only_with_the_unrounded_term_is_a_warning() -> None:
    # The fund score is printed 9.80 (10 × 0.98) but the total was added up with 9.82.
    form = zonghe(total_score=95.32)
    for i in form.indicators:  # whole and half points typed by the department
        assert i.score is not None
        i.score = cell(i.row, SCORE, num_of(i.score), 1)
    found = run("S302", form)
    assert summary(found) == [("S302", "warning", "H25")]
    assert "只与未舍入的得分之和" in found[0].message


# --------------------------------------------------------------------------- S303


def graded(score: float, grade: str) -> FormS:
    form = zonghe(total_score=score)
    form.grade = cell(26, 8, grade)
    return form


def test_grade_ok_and_wrong() -> None:
    assert run("S303", graded(67.14, "合格")) == []
    found = run("S303", graded(67.14, "良好"))
    assert summary(found) == [("S303", "error", "H26")]
    assert found[0].message == "评价等级应为“合格”（总分 67.14 → 合格（60–80）），表中为“良好”"
    assert (found[0].expected, found[0].actual) == ("合格", "良好")


def test_grade_national_names_accepted() -> None:
    assert run("S303", graded(67.14, "中")) == []
    assert run("S303", graded(95.30, "优")) == []
    found = run("S303", graded(95.30, "良"))
    assert summary(found) == [("S303", "error", "H26")]
    assert found[0].expected == "优"
    # A national setting accepts the default names the same way.
    assert run("S303", graded(85.0, "良好"), grades=NATIONAL_GRADES) == []


def test_grade_boundary_and_unknown_name() -> None:
    assert run("S303", graded(90.00, "优秀")) == []
    assert run("S303", graded(67.14, "合 格")) == []
    assert run("S303", graded(95.30, "優秀")) == []
    assert run("S303", graded(59.99, "不合格")) == []
    found = run("S303", graded(95.30, "A"))
    assert summary(found) == [("S303", "error", "H26")]
    assert "不在等级表（优秀、良好、合格、不合格）中" in found[0].message
    assert found[0].expected == "优秀"


# --------------------------------------------------------------------------- S304


def test_indicator_block_weight() -> None:
    form = zonghe("ten_ninety")
    form.indicator_block_weight = cell(13, 1, 90, 0)
    assert run("S304", form) == []
    form.indicator_block_weight = cell(13, 1, 80, 0)
    found = run("S304", form)
    assert summary(found) == [("S304", "error", "A13")]
    assert "绩效指标标明 80 分，所含指标分值之和为 10.0 + 10.0" in found[0].message
    assert found[0].message.endswith("= 90")


def test_level1_labels_are_left_to_s211() -> None:
    form = zonghe("national_wan")
    form.level1_weights = {"满意度指标": cell(24, 2, 10, 0)}  # indicator weighs 20
    assert run("S304", form) == []


def test_fund_label_weight() -> None:
    form = zonghe("ten_ninety")
    form.fund = FundBlock(rows=form.fund.rows, weight=20.0, header=CellRef(SHEET, 7, 1))  # type: ignore[union-attr]
    found = run("S304", form)
    assert summary(found) == [("S304", "error", "A7")]
    assert found[0].message == "资金区块标题分值为 20，分值栏为 10"
