"""Indicator rules S201–S211 on forms built by hand from the seed rows.

Layout of the seed (form S, national family): B 一级指标, C 二级指标, D 三级指标,
E 年度指标值, F 实际完成值, G 分值, H 得分, I 偏差原因分析及改进措施.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from budgetlint.findings import Finding
from budgetlint.grid import CellRef
from budgetlint.model import FUND_TOTAL, Field, FormS, FundBlock, FundRow, Indicator
from budgetlint.rules import REGISTRY
from budgetlint.rules.base import RuleContext
from budgetlint.rules.cases import load_cases
from budgetlint.settings import Settings
from budgetlint.values import parse_value

SHEET = "综合服务工作"
INDICATOR_CODES = [f"S2{n:02d}" for n in range(1, 14)]


def num(row: int, col: int, text: str | None) -> Field[float] | None:
    """A number cell as Excel stores it: a float shown with the printed decimals."""
    if text is None:
        return None
    decimals = len(text.split(".")[1]) if "." in text else 0
    return Field(CellRef(SHEET, row, col), float(text), float(text), decimals)


def txt(row: int, col: int, text: str | None) -> Field[str]:
    return Field(CellRef(SHEET, row, col), text, text.strip() if text else None)


def ind(
    row: int,
    name: str,
    target: str,
    actual: str,
    weight: str | None,
    score: str | None,
    reason: str | None = "无偏差",
    level1: str = "产出指标",
    level2: str = "数量指标",
) -> Indicator:
    return Indicator(
        row=row,
        name=txt(row, 4, name),
        target=Field(CellRef(SHEET, row, 5), target, parse_value(target, role="target")),
        actual=Field(CellRef(SHEET, row, 6), actual, parse_value(actual, role="actual")),
        level1=txt(row, 2, level1),
        level2=txt(row, 3, level2),
        weight=num(row, 7, weight),
        score=num(row, 8, score),
        reason=txt(row, 9, reason),
    )


def fund(budget: float, executed: float) -> FundBlock:
    def cell(col: int, v: float) -> Field[float]:
        return Field(CellRef(SHEET, 5, col), v, v, 2)

    row = FundRow(
        FUND_TOTAL,
        txt(5, 2, "年度资金总额"),
        initial=cell(3, budget),
        budget=cell(4, budget),
        executed=cell(5, executed),
        weight=num(5, 6, "10"),
        rate=cell(7, round(executed / budget, 2)),
        score=cell(8, round(10 * round(executed / budget, 2), 2)),
    )
    return FundBlock([row])


def form(*indicators: Indicator, **kw: Any) -> FormS:
    return FormS(sheet=SHEET, family="national", indicators=list(indicators), **kw)


def run(code: str, f: FormS, settings: Settings | None = None, family: str = "national") -> list:
    ctx = RuleContext(settings or Settings(), family=family)
    return REGISTRY[code].run(f, ctx)


def run_all(f: FormS, settings: Settings | None = None) -> list[Finding]:
    out: list[Finding] = []
    for code in INDICATOR_CODES:
        out.extend(run(code, f, settings))
    return out


def one(found: list[Finding]) -> Finding:
    assert len(found) == 1, found
    return found[0]


# The 综合服务工作 sheet of seed 000, rows 12–23, as printed.
SEED_ROWS = [
    ind(12, "社会组织宣传短视频新闻", "30 期", "24 期", "10.0", "8.0",
        "因疫情仍有反复……2022 年 4 月已完成剩余 6 期播出。"),
    ind(13, "采购服务量", "=3 项", "3 项", "10.0", "10.0"),
    ind(14, "宣传材料验收合格率", "100%", "100%", "10.0", "10.0", level2="质量指标"),
    ind(15, "采购服务符合招标条件率", "100%", "100%", "5.0", "5.0", level2="质量指标"),
    ind(16, "委托业务采购及时性", "及时", "及时", "5.0", "5.0", level2="时效指标"),
    ind(17, "宣传材料投放及时性", "及时", "及时", "5.0", "2.5",
        "因疫情影响，社会组织宣传短视频新闻未能在年度内完成。", level2="时效指标"),
    ind(18, "经费控制", "<98.7 万元", "96.92 万元", "5.0", "5.0", level2="成本指标"),
    ind(19, "无", "无", "无", "0.0", "0.0", level1="效益指标", level2="经济效益指标"),
    ind(20, "提高社会组织知晓度", "提高", "提高", "20.0", "20.0",
        level1="效益指标", level2="社会效益指标"),
    ind(21, "无", "无", "无", "0.0", "0.0", level1="效益指标", level2="生态效益指标"),
    ind(22, "项目实施的满意度", ">90%", "90%", "20.0", "20.0",
        level1="满意度指标", level2="满意度指标"),
]  # fmt: skip


def seed_form() -> FormS:
    return form(*SEED_ROWS, fund=fund(987000.00, 969188.11))


# --------------------------------------------------------------------------- the seed sheet


def test_seed_sheet_findings_exactly() -> None:
    found = sorted(run_all(seed_form()), key=lambda f: f.code)
    assert [(f.code, f.severity.value, f.cell) for f in found] == [
        ("S203", "warning", "H22"),
        ("S205", "warning", "I17"),
        ("S212", "error", "H17"),
    ]


def test_registry_metadata() -> None:
    scored = {c for c in INDICATOR_CODES if REGISTRY[c].scored_only}
    assert scored == {"S201", "S202", "S203", "S205", "S207", "S209", "S211", "S212", "S213"}
    sev = {c: REGISTRY[c].severity.value for c in INDICATOR_CODES}
    assert sev["S201"] == sev["S202"] == sev["S207"] == sev["S212"] == "error"
    assert sev["S213"] == "note"
    assert all(sev[c] == "warning" for c in ("S203", "S204", "S205", "S206", "S208", "S209"))
    for c in INDICATOR_CODES:  # the examples are data (rules/cases/<CODE>.toml), run as tests
        cases = load_cases(c)
        assert cases.fail and cases.passing, c


# --------------------------------------------------------------------------- S201


def test_s201_score_above_weight() -> None:
    f = one(run("S201", form(ind(13, "采购服务量", "=3 项", "3 项", "10.0", "12.0"))))
    assert (f.code, f.severity.value, f.cell) == ("S201", "error", "H13")
    assert "10.0" in f.message and "12.0" in f.message
    # S202 leaves it to S201
    assert run("S202", form(ind(13, "采购服务量", "=3 项", "3 项", "10.0", "12.0"))) == []


def test_s201_negative_score() -> None:
    f = one(run("S201", form(ind(13, "采购服务量", "=3 项", "2 项", "10.0", "-1.0", "采购推迟"))))
    assert (f.severity.value, f.cell, f.actual) == ("error", "H13", "-1.0")


# --------------------------------------------------------------------------- S202


def test_s202_seed_quantities_are_right() -> None:
    rows = [
        ind(12, "社会组织宣传短视频新闻", "30 期", "24 期", "10.0", "8.0", "疫情"),
        ind(30, "接待人次", "约120人", "53人", "10.0", "4.42", "因疫情影响，调研单位减少。"),
        ind(31, "接待团组", "约20个", "7个", "10.0", "3.5", "因疫情影响，调研单位减少。"),
        ind(32, "《深圳社会组织发展蓝皮书》印刷本数", "350本", "0本", "10.0", "0.0", "待修改"),
        ind(33, "正常率", ">98%", "100%", "10.0", "10.0", None, level2="质量指标"),
    ]
    assert run("S202", form(*rows)) == []


def test_s202_wrong_proportional_score() -> None:
    row = ind(12, "社会组织宣传短视频新闻", "30 期", "24 期", "10.0", "9.0", "疫情")
    f = one(run("S202", form(row)))
    assert (f.code, f.severity.value, f.cell) == ("S202", "error", "H12")
    assert f.expected == "8.00" and f.actual == "9.0"
    assert "8.00" in f.message and "9.0" in f.message
    assert f.computation == "24 ÷ 30 × 10 = 8.00"
    assert "24 ÷ 30 × 10 = 8.00" in f.message


def test_s202_rounding_difference_is_note() -> None:
    row = ind(30, "接待人次", "约120人", "53人", "10.0", "4.41", "疫情")
    f = one(run("S202", form(row)))
    assert (f.severity.value, f.cell, f.expected, f.actual) == ("note", "H30", "4.42", "4.41")


def test_s202_skips_strict_equality_and_judgements() -> None:
    rows = [
        ind(22, "项目实施的满意度", ">90%", "90%", "20.0", "20.0"),
        ind(23, "差错率", "<2%", "2%", "10.0", "9.0", "差错率恰为 2%"),
        ind(24, "宣传材料投放及时性", "及时", "不及时", "5.0", "2.5", "疫情"),
        ind(25, "制度健全性", "健全", "部分达成预期指标", "10.0", "6.0", "部分制度未出台"),
        ind(26, "党组织书记满意度", "≥90%", "≥90%", "13.0", "13.0"),
    ]
    assert run("S202", form(*rows)) == []


def test_deduction_for_over_achievement_with_a_reason_is_allowed() -> None:
    rows = [
        ind(41, "完成社会组织评估数量", "≥60&&≤100", "200", "15.0", "13", "申请数量大于预期。"),
        ind(42, "编印社会组织示范点展示宣传资料", "3000 份", "4400 份", "3.0", "2.5", "需求增加。"),
    ]
    assert run_all(form(*rows)) == []
    # 409 against 360 is 1.14×, below the over-achievement ratio: a met target, full marks due
    met = ind(43, "接待参观来访及调研座谈", "360次", "409次", "3.0", "2.5", "参访人员增加。")
    assert [(f.code, f.cell) for f in run_all(form(met))] == [("S212", "H43")]


def test_s202_missed_qualitative_with_full_marks_not_recomputed() -> None:
    # a missed qualitative target is a judgement: S202 silent, S204 asks for a reason
    row = ind(17, "宣传材料投放及时性", "及时", "不及时", "5.0", "2.5", "")
    assert run("S202", form(row)) == []
    f = one(run("S204", form(row)))
    assert (f.severity.value, f.cell) == ("warning", "I17")


def test_s202_upper_bound_formula_follows_family() -> None:
    row = ind(50, "车辆违章率", "≤5%", "8%", "10.0", "6.25", "违章增加", level1="效益指标")
    assert run("S202", form(row)) == []  # ratio: 5% ÷ 8% × 10 = 6.25
    excess = Settings(families={"national": {"upper_bound_formula": "excess"}})
    f = one(run("S202", form(row), excess))
    assert (f.severity.value, f.cell, f.expected, f.actual) == ("error", "H50", "4.00", "6.25")
    assert "10 × max(0, 1 − (8% − 5%) ÷ 5%) = 4.00" in f.message
    row4 = ind(50, "车辆违章率", "≤5%", "8%", "10.0", "4.0", "违章增加", level1="效益指标")
    assert run("S202", form(row4), excess) == []
    f = one(run("S202", form(row4)))
    assert (f.expected, f.actual) == ("6.25", "4.0")


# --------------------------------------------------------------------------- S203


def test_s203_strict_bound_full_marks() -> None:
    row = ind(22, "项目实施的满意度", ">90%", "90%", "20.0", "20.0",
              level1="满意度指标", level2="满意度指标")  # fmt: skip
    f = one(run("S203", form(row)))
    assert (f.code, f.severity.value, f.cell) == ("S203", "warning", "H22")
    assert ">90%" in f.message and "90%" in f.message and "20.0" in f.message
    assert "严格界限" in f.message and "满分" in f.message
    assert f.actual == "20.0"
    # the same cell gets no error from S202 and no reason warning from S204
    assert run("S202", form(row)) == [] and run("S204", form(row)) == []


def test_s203_upper_strict_bound() -> None:
    row = ind(31, "差错率", "<2%", "2%", "10.0", "10.0", None, level2="质量指标")
    f = one(run("S203", form(row)))
    assert (f.cell, f.severity.value) == ("H31", "warning")
    assert "<2%" in f.message


def test_s203_silent_on_deduction_or_non_strict() -> None:
    rows = [
        ind(22, "项目实施的满意度", ">90%", "90%", "20.0", "18.0", "满意度恰为 90%"),
        ind(23, "报告验收合格率", "≥90%", "90%", "10.0", "10.0"),
        ind(24, "正常率", ">98%", "100%", "10.0", "10.0"),
    ]
    assert run("S203", form(*rows)) == []


# --------------------------------------------------------------------------- S204


def test_s204_missing_reason_on_deduction() -> None:
    row = ind(60, "费用支出按明细列支", "100%", "由于疫情影响，项目终止开展。", "5.0", "0.0", None)
    f = one(run("S204", form(row)))
    assert (f.code, f.severity.value, f.cell) == ("S204", "warning", "I60")
    assert "0.0" in f.message and "5.0" in f.message and "为空" in f.message


def test_s204_no_deviation_contradicts_deduction() -> None:
    row = ind(13, "采购服务量", "=3 项", "2 项", "10.0", "6.67", "无偏差")
    f = one(run("S204", form(row)))
    assert (f.severity.value, f.cell, f.actual) == ("warning", "I13", "无偏差")
    assert "无偏差" in f.message and "6.67" in f.message and "10.0" in f.message


def test_deduction_on_met_target_is_an_error_and_still_needs_a_reason() -> None:
    row = ind(14, "宣传材料验收合格率", "100%", "100%", "10.0", "8.0", "")
    r = one(run("S204", form(row)))
    assert (r.cell, r.severity.value) == ("I14", "warning") and "目标已达成却扣分" in r.message
    f = one(run("S212", form(row)))
    assert (f.severity.value, f.cell, f.expected, f.actual) == ("error", "H14", "10.0", "8.0")
    assert "应得满分 10.0" in f.message


def test_s212_flat_ten_percent_and_weight_times_percentage() -> None:
    rows = [
        ind(12, "采购服务量", "=3 项", "3 项", "10", "9"),  # a flat 10 % off a met target
        ind(13, "验收合格率", "98%", "98%", "20", "19.6"),  # 20 × 98 % on a met target
        ind(14, "接待人次", "≥60", "200", "10", "8", "超额完成，目标设定偏低，酌情扣分"),
    ]
    found = run("S212", form(*rows))
    assert [(f.cell, f.expected) for f in found] == [("H12", "10"), ("H13", "20")]


def test_s204_missed_target_without_scores() -> None:
    row = ind(12, "社会组织宣传短视频新闻", "30 期", "24 期", None, None, None)
    f = one(run("S204", form(row), family="no_score"))
    assert (f.severity.value, f.cell) == ("warning", "I12")
    assert "24 期" in f.message and "30 期" in f.message


def test_s204_reason_given_is_fine() -> None:
    rows = [
        ind(12, "社会组织宣传短视频新闻", "30 期", "24 期", "10.0", "8.0", "疫情影响"),
        ind(32, "印刷本数", "350本", "0本", "10.0", "0.0", "2022年9月完成出版印刷。"),
        ind(13, "采购服务量", "=3 项", "3 项", "10.0", "10.0", None),
    ]
    assert run("S204", form(*rows)) == []


# --------------------------------------------------------------------------- S205


def test_s205_reason_contradicts_equal_actual() -> None:
    f = one(run("S205", seed_form()))
    assert (f.code, f.severity.value, f.cell) == ("S205", "warning", "I17")
    assert "H17" in f.related
    assert "及时" in f.message and "未能" in f.message
    assert f.actual == "因疫情影响，社会组织宣传短视频新闻未能在年度内完成。"


def test_s205_equal_numbers() -> None:
    row = ind(13, "采购服务量", "=3 项", "3 项", "10.0", "6.0", "采购未按时完成")
    f = one(run("S205", form(row)))
    assert f.cell == "I13" and "未按时" in f.message


def test_s205_silent_when_actual_differs_or_reason_neutral() -> None:
    rows = [
        ind(12, "社会组织宣传短视频新闻", "30 期", "24 期", "10.0", "8.0", "活动延期，未能完成"),
        ind(17, "宣传材料投放及时性", "及时", "及时", "5.0", "2.5", "有待进一步加强"),
        ind(22, "项目实施的满意度", ">90%", "90%", "20.0", "18.0", "未达到 90% 以上"),
    ]
    assert run("S205", form(*rows)) == []


# --------------------------------------------------------------------------- S206


def test_s206_range_over_with_reason_is_fine() -> None:
    row = ind(41, "完成社会组织评估数量", "≥60&&≤100", "200", "15.0", "13",
              "提交评估的社会组织申请数量大于预期。往后将准确的预估参评社会组织数量。")  # fmt: skip
    assert run("S206", form(row)) == []


def test_s206_range_over_without_reason() -> None:
    row = ind(41, "完成社会组织评估数量", "≥60&&≤100", "200", "15.0", "13", "无偏差")
    f = one(run("S206", form(row)))
    assert (f.code, f.severity.value, f.cell) == ("S206", "warning", "F41")
    assert "200" in f.message and "≥60&&≤100" in f.message
    assert f.expected == "≤100"
    # S204 does not report the same missing explanation again
    assert run("S204", form(row)) == []


def test_s206_quantity_over_ratio() -> None:
    row = ind(70, "编印社会组织示范点展示宣传资料", "3000 份", "4400 份", "3.0", "3.0")
    f = one(run("S206", form(row)))
    assert (f.cell, f.expected, f.actual) == ("F70", "≤3600 份", "4400 份")
    assert "4400 份" in f.message and "3000 份" in f.message and "146.67%" in f.message
    # under the threshold: 409 / 360 = 1.14
    assert run("S206", form(ind(71, "接待参观来访", "360次", "409次", "3.0", "3.0"))) == []
    # a lower threshold catches it
    assert len(run("S206", form(ind(71, "接待参观来访", "360次", "409次", "3.0", "3.0")),
                   Settings(over_achievement_ratio=1.1))) == 1  # fmt: skip


def test_s206_percent_saturation_not_counted() -> None:
    rows = [
        ind(80, "出车事前审批率", "≥80%", "100%", "10.0", "10.0"),
        ind(81, "对承接单位的满意度", ">80%", "100%", "10.0", "10.0"),
    ]
    assert run("S206", form(*rows)) == []
    growth = ind(82, "粉丝同比增长", "≥10%", "125%", "5.0", "5.0")
    assert one(run("S206", form(growth))).cell == "F82"


# --------------------------------------------------------------------------- S207


def test_s207_none_target_with_weight() -> None:
    row = ind(19, "无", "无", "无", "5.0", "5.0", level1="效益指标", level2="生态效益指标")
    f = one(run("S207", form(row)))
    assert (f.code, f.severity.value, f.cell) == ("S207", "error", "G19")
    assert (f.expected, f.actual) == ("0", "5.0")
    assert "无" in f.message and "5.0" in f.message


def test_s207_zero_weight_is_fine() -> None:
    rows = [
        ind(19, "无", "无", "无", "0.0", "0.0", level1="效益指标"),
        ind(20, "无", "无", "0", "0.0", "0.0", level1="效益指标"),
    ]
    assert run("S207", form(*rows)) == []


# --------------------------------------------------------------------------- S208


def test_s208_seed_cost_agrees_with_fund() -> None:
    assert run("S208", seed_form()) == []


def test_s208_cost_target_far_from_budget() -> None:
    row = ind(40, "公务接待经费支出数", "<4万元", "0.98万元", "5.0", "5.0", None,
              level2="成本指标")  # fmt: skip
    f = one(run("S208", form(row, fund=fund(31400.00, 9865.00))))
    assert (f.code, f.severity.value, f.cell) == ("S208", "warning", "E40")
    assert (f.expected, f.actual) == ("31400.00", "40000.00")
    assert "31400.00" in f.message and "40000.00" in f.message and "<4万元" in f.message


def test_s208_cost_actual_far_from_executed_and_level1_cost() -> None:
    row = ind(18, "经费控制", "<98.7 万元", "90 万元", "5.0", "5.0",
              level1="成本指标", level2="经济成本指标")  # fmt: skip
    f = one(run("S208", form(row, fund=fund(987000.00, 969188.11))))
    assert (f.cell, f.expected, f.actual) == ("F18", "969188.11", "900000.00")
    # non-amount cost targets are not compared
    pct = ind(18, "总费用支出不超过预算数", "100%", "100%", "12.0", "12.0", level2="成本指标")
    assert run("S208", form(pct, fund=fund(250000.00, 218970.00))) == []


def test_s208_tolerance_setting() -> None:
    row = ind(18, "经费控制", "<98.7 万元", "96.92 万元", "5.0", "5.0", level2="成本指标")
    f = form(row, fund=fund(990000.00, 969188.11))  # 987000 is 0.30 % off
    assert run("S208", f) == []
    assert one(run("S208", f, Settings(cost_tolerance=0.001))).cell == "E18"


# --------------------------------------------------------------------------- S209


def _band_row(score: str) -> Indicator:
    return ind(90, "制度健全性", "健全", "部分达成预期指标", "10.0", score, "部分制度未出台")


def test_s209_bands_follow_family() -> None:
    # 部分达成 scored 55 %: inside 80-50 (50–80 %), outside 80-60 (60–80 %)
    assert run("S209", form(_band_row("5.5"))) == []
    strict = Settings(families={"national": {"qualitative_bands": "80-60"}})
    f = one(run("S209", form(_band_row("5.5")), strict))
    assert (f.code, f.severity.value, f.cell) == ("S209", "warning", "H90")
    assert (f.expected, f.actual) == ("6.00–8.00", "5.5")
    assert "部分达成" in f.message and "55.00%" in f.message


def test_s209_band_edges_and_other_words() -> None:
    assert run("S209", form(_band_row("8.0"))) == []
    assert len(run("S209", form(_band_row("8.5")))) == 1
    done = ind(91, "制度健全性", "健全", "达成预期指标", "10.0", "7.0", "略有不足")
    assert one(run("S209", form(done))).expected == "8.00–10.00"


# --------------------------------------------------------------------------- S210


def test_s210_bound_repeated() -> None:
    row = ind(29, "党组织书记满意度", "≥90%", "≥90%", "13.0", "13.0",
              level1="满意度指标", level2="满意度指标")  # fmt: skip
    f = one(run("S210", form(row)))
    assert (f.code, f.severity.value, f.cell, f.actual) == ("S210", "warning", "F29", "≥90%")
    assert "≥90%" in f.message and "与年度指标值相同" in f.message
    assert run("S210", form(ind(30, "党员满意度", "≥90%", "90%", "13.0", "13.0"))) == []


# --------------------------------------------------------------------------- S211


def _weights_form() -> FormS:
    rows = [
        ind(12, "a", "30 期", "30 期", "25.0", "25.0"),
        ind(13, "b", "=3 项", "3 项", "30.0", "30.0"),
        ind(20, "c", "提高", "提高", "30.0", "30.0", level1="效益指标"),
        ind(22, "d", "≥90%", "95%", "5.0", "5.0", level1="满意度指标"),
    ]
    return form(*rows)


def test_s211_fixed_level1_weights_from_family() -> None:
    assert run("S211", _weights_form()) == []  # national: no fixed weights
    fixed = Settings(
        families={
            "national": {"level1_weights": {"产出指标": 50, "效益指标": 30, "满意度指标": 10}}
        }
    )
    found = run("S211", _weights_form(), fixed)
    got = sorted((f.cell, f.severity.value, f.expected, f.actual) for f in found)
    assert got == [("B12", "warning", "50", "55"), ("B22", "warning", "10", "5")]
    assert "产出指标" in found[0].message or "产出指标" in found[1].message


def test_s211_printed_label_weight() -> None:
    f = _weights_form()
    f.level1_weights = {
        "产出指标": Field(CellRef(SHEET, 12, 2), "产出指标(50分)", 50.0, 0),
        "效益指标": Field(CellRef(SHEET, 20, 2), "效益指标(30分)", 30.0, 0),
    }
    r = one(run("S211", f))
    assert (r.code, r.severity.value, r.cell) == ("S211", "error", "B12")
    assert (r.expected, r.actual) == ("55", "50")
    assert "标注 50 分" in r.message and "25.0 + 30.0 = 55" in r.message
    assert r.computation == "25.0 + 30.0 = 55"


@pytest.mark.parametrize("code", INDICATOR_CODES)
def test_rules_tolerate_missing_cells(code: str) -> None:
    bare = Indicator(
        row=5,
        name=txt(5, 4, "x"),
        target=Field(None, None, parse_value(None)),
        actual=Field(None, None, parse_value(None, role="actual")),
    )
    assert run(code, form(bare)) == []


def test_direction_reverse_reads_plain_target_as_upper_bound() -> None:
    row = ind(51, "投诉次数", "5 次", "8 次", "10.0", "10.0", level1="效益指标")
    assert run("S202", form(row)) == []  # a positive quantity: 8 ≥ 5, full marks
    row.direction = "反向"  # fewer is better: 5 ÷ 8 × 10 = 6.25
    f = one(run("S202", form(row)))
    assert (f.cell, f.expected, f.actual) == ("H51", "6.25", "10.0")
    assert "5 ÷ 8 × 10 = 6.25" in f.message


# --------------------------------------------------------------------------- the seed workbook

EXAMPLE = (
    Path(__file__).resolve().parents[1]
    / "examples"
    / "深圳市社会组织管理局_2021_项目支出绩效自评表.xlsx"
)


@pytest.mark.skipif(not EXAMPLE.exists(), reason="example workbook not built")
def test_seed_workbook_indicator_findings() -> None:
    from budgetlint.checker import check_file

    result = check_file(EXAMPLE, Settings(select=["S2"]))
    got = sorted((f.sheet.split()[0], f.cell, f.code, f.severity.value) for f in result.findings)
    strict = [
        ("01", "H22"), ("02", "H14"), ("02", "H15"), ("02", "H16"), ("02", "H25"),
        ("04", "H14"), ("04", "H17"), ("04", "H19"), ("05", "H12"), ("05", "H13"),
        ("05", "H17"), ("05", "H19"), ("06", "H15"), ("06", "H16"),
    ]  # fmt: skip
    want = [(s, c, "S203", "warning") for s, c in strict] + [
        ("01", "H17", "S212", "error"),  # 及时/及时 2.5 of 5: full marks were due
        ("01", "I17", "S205", "warning"),  # … "未能在年度内完成" contradicts 及时
        ("15", "H19", "S212", "error"),  # 409 次 against 360 次 (1.14×): 2.5 of 3
        ("15", "H26", "S212", "error"),  # 提升 / 提升: 19 of 20
        ("06", "E17", "S208", "warning"),  # <4万元 against a budget of 31400.00
        ("12", "F19", "S210", "warning"),  # ≥90% / ≥90%
        ("13", "F14", "S206", "warning"),  # 55 人 / 100 人, 无偏差
        ("14", "I18", "S204", "warning"),  # 0.0 of 5.0, no reason
    ]
    assert got == sorted(want)
