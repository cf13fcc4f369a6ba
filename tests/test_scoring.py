"""Scoring formulas: fund block, indicator scores, grades and bands."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from budgetlint.families import FAMILIES
from budgetlint.params import QUALITATIVE_BANDS
from budgetlint.scoring import (
    achievement_word,
    band_for,
    display_rate,
    execution_rate,
    fund_score,
    grade,
    indicator_score,
)
from budgetlint.settings import NATIONAL_GRADES
from budgetlint.values import parse_value

# --------------------------------------------------------------------------- funds


def test_execution_rate_seed() -> None:
    rate = execution_rate(969188.11, 987000.00)
    assert rate is not None
    assert rate == pytest.approx(0.981953505572441)


def test_a_bare_number_against_a_percentage_is_in_the_target_unit() -> None:
    # 指标值分列 forms print the unit in its own column and leave it off the actual
    assert indicator_score(10, "≥90%", "95").expected == 10.0
    assert indicator_score(10, "﹦100%", "100").met is True
    r = indicator_score(10, "≥90%", "45")
    assert r.expected == pytest.approx(5.0) and r.met is False


@pytest.mark.parametrize("budget", [0.0, None])
def test_execution_rate_undefined_without_budget(budget: float | None) -> None:
    assert execution_rate(0.0, budget) is None
    assert execution_rate(1297780.0, budget) is None


def test_display_rate_rounds_half_up_as_printed() -> None:
    assert display_rate(969188.11 / 987000.00) == 0.98
    assert display_rate(0.985) == 0.99
    assert display_rate(0.9949) == 0.99
    assert display_rate(1718779.87 / 1719800.00) == 1.0
    assert display_rate(0.98195, 4) == 0.982


def test_fund_score_uses_displayed_rate() -> None:
    # 10 × 0.98 = 9.80 (not 10 × 0.98195 = 9.82)
    assert fund_score(10, execution_rate(969188.11, 987000.00)) == 9.8
    assert fund_score(10, execution_rate(9865.00, 31400.00)) == 3.1
    assert fund_score(10, execution_rate(737795.00, 901800.00)) == 8.2


def test_fund_score_capped_and_undefined() -> None:
    assert fund_score(10, 1.35) == 10.0
    assert fund_score(10, None) is None


def test_fund_score_family_weight() -> None:
    # the 20 + 80 family's fund block is worth 20 points
    weight = FAMILIES["twenty_eighty"].params.fund_weight
    assert weight == 20.0
    assert fund_score(weight, execution_rate(969188.11, 987000.00)) == 19.6
    assert fund_score(FAMILIES["national"].params.fund_weight, 0.98) == 9.8


# --------------------------------------------------------------------------- indicators


@pytest.mark.parametrize(
    ("target", "actual", "weight", "expected", "method"),
    [
        ("30 期", "24 期", 10.0, 8.0, "24 ÷ 30 × 10 = 8.00"),
        ("约120人", "53人", 10.0, 4.416666667, "53 ÷ 120 × 10 = 4.42"),
        ("约20个", "7个", 10.0, 3.5, "7 ÷ 20 × 10 = 3.50"),
        ("350本", "0本", 10.0, 0.0, "0 ÷ 350 × 10 = 0.00"),
        ("250 个", "0 个", 2.0, 0.0, "0 ÷ 250 × 2 = 0.00"),
        ("≥90%", "85%", 10.0, 9.444444444, "85% ÷ 90% × 10 = 9.44"),
    ],
)
def test_positive_quantity_proportional(
    target: str, actual: str, weight: float, expected: float, method: str
) -> None:
    res = indicator_score(weight, parse_value(target), parse_value(actual, role="actual"))
    assert res.expected == pytest.approx(expected)
    assert res.method == method
    assert res.met is False


@pytest.mark.parametrize(
    ("target", "actual", "weight"),
    [
        ("=3 项", "3 项", 10.0),
        ("100%", "100%", 10.0),
        ("≥90%", "90%", 20.0),
        (">98%", "100%", 10.0),
        ("3000 份", "4400 份", 3.0),
        ("<98.7 万元", "96.92 万元", 5.0),
        ("≤1.5万", "0.89万元", 10.0),
        ("≤5%", "5%", 20.0),
        ("及时", "及时", 5.0),
        ("提高", "提高", 20.0),
        ("2021年12月", "2021年12月", 10.0),
        ("≥60&&≤100", "80", 15.0),
    ],
)
def test_met_targets_get_full_marks(target: str, actual: str, weight: float) -> None:
    res = indicator_score(weight, target, actual)  # plain texts are accepted too
    assert res.expected == weight
    assert res.met is True
    assert "满分" in res.method


def test_over_achievement_ratio_reported() -> None:
    res = indicator_score(3.0, "3000 份", "4400 份")
    assert res.ratio == pytest.approx(4400 / 3000)
    assert res.above_range is False


@pytest.mark.parametrize(("target", "actual"), [(">90%", "90%"), ("<2%", "2%"), (">95%", "95%")])
def test_strict_bound_met_only_with_equality_is_not_met(target: str, actual: str) -> None:
    res = indicator_score(20.0, target, actual)
    assert res.met is False
    assert res.strict_equality is True
    assert res.expected is None
    assert "严格界限" in res.method
    assert target in res.method


def test_upper_bound_ratio_formula() -> None:
    res = indicator_score(10.0, "≤5%", "8%", upper_bound_formula="ratio")
    assert res.expected == pytest.approx(6.25)
    assert res.met is False
    assert res.method == "5% ÷ 8% × 10 = 6.25"


def test_upper_bound_excess_formula() -> None:
    res = indicator_score(10.0, "≤5%", "8%", upper_bound_formula="excess")
    assert res.expected == pytest.approx(4.0)
    assert res.method == "10 × max(0, 1 − (8% − 5%) ÷ 5%) = 4.00"
    # more than double the bound: floored at 0
    assert indicator_score(10.0, "≤5%", "12%", upper_bound_formula="excess").expected == 0.0
    assert indicator_score(10.0, "≤5%", "12%").expected == pytest.approx(10 * 5 / 12)


def test_range_target() -> None:
    inside = indicator_score(15.0, "≥60&&≤100", "80")
    assert (inside.expected, inside.met, inside.above_range) == (15.0, True, False)
    below = indicator_score(15.0, "≥60&&≤100", "45")
    assert below.expected == pytest.approx(11.25)
    assert below.met is False
    assert below.method.startswith("45 ÷ 60 × 15 = 11.25")
    above = indicator_score(15.0, "≥60&&≤100", "200")
    assert (above.expected, above.met, above.above_range) == (15.0, True, True)
    assert "高于区间上限 100" in above.method


def test_qualitative_missed_is_judgement() -> None:
    res = indicator_score(5.0, "及时", "不及时")
    assert res.expected is None
    assert res.met is False


def test_achievement_actual_is_band_judgement() -> None:
    res = indicator_score(10.0, "健全", "部分达成预期指标")
    assert res.expected is None
    assert res.met is False
    assert "部分达成" in res.method
    assert indicator_score(10.0, "健全", "达成预期指标").met is True


def test_none_target() -> None:
    zero = indicator_score(0.0, "无", "无")
    assert (zero.expected, zero.met) == (0.0, None)
    weighted = indicator_score(5.0, "无", "无")
    assert weighted.expected is None
    assert "分值应为 0" in weighted.method


@pytest.mark.parametrize(
    ("target", "actual"),
    [
        ("总报告1篇、分类报告4篇、专题报告3篇", "总报告1篇、分类报告3篇"),
        ("300家", "由于疫情影响，项目终止开展。"),
        ("≥90%", "≥90%"),  # a repeated bound is not a measurement
        ("≥90%", ""),
    ],
)
def test_not_computable(target: str, actual: str) -> None:
    assert indicator_score(10.0, target, actual).expected is None


# --------------------------------------------------------------------------- properties

_positive = st.floats(min_value=0.01, max_value=1e6, allow_nan=False, allow_infinity=False)
_share = st.floats(min_value=0.0, max_value=5.0, allow_nan=False, allow_infinity=False)
_weight = st.floats(min_value=0.0, max_value=100.0, allow_nan=False, allow_infinity=False)


def _q(x: float, unit: str = "人", op: str = "") -> str:
    return f"{op}{x:.2f}{unit}"


@given(_positive, _share, _weight, st.sampled_from(["", "≥", ">", "≤", "<", "约"]))
def test_score_within_zero_and_weight(target: float, share: float, weight: float, op: str) -> None:
    t = parse_value(_q(target, op=op))
    a = parse_value(_q(target * share), role="actual")
    for formula in ("ratio", "excess"):
        res = indicator_score(weight, t, a, upper_bound_formula=formula)
        if res.expected is not None:
            assert 0.0 <= res.expected <= weight + 1e-9


@given(_positive, _share, _share, _weight)
def test_positive_quantity_monotone_in_actual(
    target: float, s1: float, s2: float, weight: float
) -> None:
    t = parse_value(_q(target))
    lo, hi = sorted((s1, s2))
    r1 = indicator_score(weight, t, parse_value(_q(target * lo), role="actual"))
    r2 = indicator_score(weight, t, parse_value(_q(target * hi), role="actual"))
    assert r1.expected is not None and r2.expected is not None
    assert r1.expected <= r2.expected + 1e-9


@given(_positive, _share, _weight)
def test_upper_bound_antitone_and_formulas_agree_when_met(
    target: float, share: float, weight: float
) -> None:
    t = parse_value(_q(target, "%", "≤"))
    a = parse_value(_q(target * share, "%"), role="actual")
    ratio = indicator_score(weight, t, a, upper_bound_formula="ratio")
    excess = indicator_score(weight, t, a, upper_bound_formula="excess")
    assert ratio.expected is not None and excess.expected is not None
    if ratio.met:
        assert ratio.expected == excess.expected == pytest.approx(weight, abs=1e-6)
    else:
        # the excess formula never gives more than the ratio formula
        assert excess.expected <= ratio.expected + 1e-9


@given(st.floats(min_value=0, max_value=2, allow_nan=False), st.integers(0, 4))
def test_display_rate_close_to_rate(rate: float, decimals: int) -> None:
    shown = display_rate(rate, decimals)
    assert math.isclose(shown, rate, abs_tol=0.5 * 10**-decimals + 1e-12)


# --------------------------------------------------------------------------- grades and bands


@pytest.mark.parametrize(
    ("score", "name"),
    [
        (100, "优秀"),
        (90, "优秀"),
        (89.99, "良好"),
        (80, "良好"),
        (67.14, "合格"),
        (60, "合格"),
        (59.99, "不合格"),
        (10, "不合格"),
        (0, "不合格"),
    ],
)
def test_grade_default_scale(score: float, name: str) -> None:
    assert grade(score) == name


def test_grade_national_scale() -> None:
    assert grade(67.14, NATIONAL_GRADES) == "中"
    assert grade(95.3, NATIONAL_GRADES) == "优"


def test_band_for() -> None:
    b50, b60 = QUALITATIVE_BANDS["80-50"], QUALITATIVE_BANDS["80-60"]
    assert band_for("部分达成预期指标", b50) == (0.5, 0.8)
    assert band_for("部分达成", b60) == (0.6, 0.8)
    assert band_for("未达成预期指标", b50) == (0.0, 0.5)
    assert band_for("达成预期指标", b60) == (0.8, 1.0)
    assert band_for("及时", b50) is None
    assert achievement_word("未达成预期指标") == "未达成"
