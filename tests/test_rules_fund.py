"""Fund-block rules S101–S107 on models mirroring the seed's 项目支出绩效自评表."""

from __future__ import annotations

from typing import Any

from budgetlint.findings import Finding
from budgetlint.grid import CellRef
from budgetlint.model import Field, FormS, FundBlock, FundRow
from budgetlint.rules import REGISTRY
from budgetlint.rules.base import RuleContext
from budgetlint.settings import Settings
from tests.modelkit import SHEET, cell

# Columns of the seed layout: B label, C 年初预算数, D 全年预算数, E 全年执行数,
# F 分值, G 执行率, H 得分, I 原因 (10 + 90 only).
LABEL, INITIAL, BUDGET, EXECUTED, WEIGHT, RATE, SCORE, REASON = range(2, 10)


def fund_row(
    row: int,
    kind: str,
    label: str,
    initial: float,
    budget: float,
    executed: float,
    weight: Any,
    rate: Any,
    score: Any,
    reason: str | None = None,
    with_reason: bool = False,
) -> FundRow:
    return FundRow(
        kind=kind,
        label=cell(row, LABEL, label),
        initial=cell(row, INITIAL, initial, 2),
        budget=cell(row, BUDGET, budget, 2),
        executed=cell(row, EXECUTED, executed, 2),
        weight=cell(row, WEIGHT, weight, 0 if isinstance(weight, int | float) else None),
        rate=cell(row, RATE, rate, 2 if isinstance(rate, int | float) else None, computed=True),
        score=cell(row, SCORE, score, 2 if isinstance(score, int | float) else None, computed=True),
        reason=cell(row, REASON, reason) if with_reason else None,
    )


def form_with_fund(rows: list[FundRow], family: str = "national", **kw: Any) -> FormS:
    return FormS(sheet=SHEET, family=family, fund=FundBlock(rows=rows, **kw))


def zonghe(family: str = "national") -> FormS:
    """综合服务工作 (seed lines 7–11)."""
    return form_with_fund(
        [
            fund_row(8, "total", "年度资金总额", 987000.00, 987000.00, 969188.11, 10, 0.98, 9.80),
            fund_row(
                9, "fiscal", "其中：当年财政拨款", 987000.00, 987000.00, 969188.11, "—", 0.98, "—"
            ),
            fund_row(10, "carryover", "上年结转资金", 0.00, 0.00, 0.00, "—", 0.00, "—"),
            fund_row(11, "other", "其他资金", 0.00, 0.00, 0.00, "—", 0.00, "—"),
        ],
        family,
    )


def nengli() -> FormS:
    """深圳市社会组织能力建设与跟踪服务项目 (seed lines 335–339)."""
    return form_with_fund(
        [
            fund_row(8, "total", "年度资金总额", 1297780.00, 0.00, 0.00, 10, 1.00, 10.00),
            fund_row(9, "fiscal", "其中：当年财政拨款", 0.00, 0.00, 0.00, "—", 0.00, "—"),
            fund_row(10, "carryover", "上年结转资金", 0.00, 0.00, 0.00, "—", 0.00, "—"),
            fund_row(11, "other", "其他资金", 1297780.00, 0.00, 0.00, "—", 0.00, "—"),
        ]
    )


def gongche(family: str = "national", reason: str | None = None) -> FormS:
    """公务用车运维维护费 (seed lines 160–164); ``family`` ten_ninety adds a 原因 column."""
    with_reason = family == "ten_ninety"
    return form_with_fund(
        [
            fund_row(
                8,
                "total",
                "年度资金总额",
                0.00,
                15000.00,
                8881.00,
                10,
                0.59,
                5.90,
                reason=reason,
                with_reason=with_reason,
            ),
            fund_row(
                9,
                "fiscal",
                "其中：当年财政拨款",
                0.00,
                15000.00,
                8881.00,
                "—",
                0.59,
                "—",
                with_reason=with_reason,
            ),
            fund_row(
                10,
                "carryover",
                "上年结转资金",
                0.00,
                0.00,
                0.00,
                "—",
                0.00,
                "—",
                with_reason=with_reason,
            ),
            fund_row(
                11, "other", "其他资金", 0.00, 0.00, 0.00, "—", 0.00, "—", with_reason=with_reason
            ),
        ],
        family,
    )


def wan(f: Field[Any]) -> Field[Any]:
    """An amount field as the reader makes it on a 万元 form: 元 value, shown in 万元 (computed)."""
    v = f.value
    return Field(f.ref, v / 10000.0, v, 2, scale=0.0001, computed=True)


def run(code: str, form: FormS, family: str | None = None, **settings: Any) -> list[Finding]:
    ctx = RuleContext(Settings(**settings), family=family or form.family)
    return REGISTRY[code].run(form, ctx)


def summary(found: list[Finding]) -> list[tuple[str, str, str]]:
    return [(f.code, f.severity.value, f.cell) for f in found]


FUND_CODES = ("S101", "S102", "S103", "S104", "S105", "S106", "S107", "S108")


# --------------------------------------------------------------------------- seed forms


def test_zonghe_fund_block_is_consistent() -> None:
    form = zonghe()
    errors = [f for c in FUND_CODES for f in run(c, form) if f.severity.value != "note"]
    assert errors == []
    # The only notes: the zero sub-rows printing 0.00.
    notes = [f for c in FUND_CODES for f in run(c, form)]
    assert summary(notes) == [("S108", "note", "G10"), ("S108", "note", "G11")]


def test_nengli_zero_budget_rate_and_score_are_errors() -> None:
    found = run("S104", nengli())
    assert summary(found) == [("S104", "error", "G8"), ("S104", "error", "H8")]
    rate, score = found
    assert "全年预算数为 0.00" in rate.message
    assert "执行率 1.00" in rate.message
    assert "年初预算数 1297780.00 已调整为 0.00" in rate.message
    assert rate.actual == "1.00" and rate.expected == "—"
    assert "资金得分 10.00" in score.message and score.actual == "10.00"
    assert score.computation == "0.00 ÷ 0.00 无意义"


def test_nengli_other_rules() -> None:
    form = nengli()
    # No rate check on a zero budget (S104 owns it), no score recomputation.
    assert run("S101", form) == []
    assert run("S102", form) == []
    # 年初预算数 1297780.00 = 0 + 0 + 1297780.00; 全年 and 执行 all zero.
    assert run("S103", form) == []
    # Sub-rows with 0.00 on a zero budget: no error, notes only from the opt-in S108.
    assert run("S107", form) == []
    found = run("S108", form)
    assert {f.severity.value for f in found} == {"note"}
    assert [f.cell for f in found] == ["G9", "G10", "G11"]
    assert "全年预算数为 0.00" in found[0].message


def test_zero_total_with_money_in_a_subrow_is_mentioned() -> None:
    form = form_with_fund(
        [
            fund_row(8, "total", "年度资金总额", 0.00, 0.00, 0.00, 10, 0.95, 9.50),
            fund_row(9, "fiscal", "其中：当年财政拨款", 0.00, 0.00, 0.00, "—", 0.00, "—"),
            fund_row(10, "other", "其他资金", 200000.00, 200000.00, 190000.00, "—", 0.95, "—"),
        ]
    )
    found = run("S104", form)
    assert summary(found) == [("S104", "error", "G8"), ("S104", "error", "H8")]
    assert "资金填在“其他资金”行（全年预算数 200000.00）" in found[0].message
    assert "执行率应按各行合计计算为 190000.00 ÷ 200000.00 = 0.95，表中为 0.95" in found[0].message
    assert found[1].expected == "9.50"  # 10 × min(0.95, 1), from the parts
    # a 0 / 0.00 printed there is as wrong: the row should show the parts' rate and score
    form.fund.rows[0].rate = cell(8, RATE, 0.00, 2, computed=True)  # type: ignore[union-attr]
    form.fund.rows[0].score = cell(8, SCORE, 0, 0, computed=True)  # type: ignore[union-attr]
    zeros = run("S104", form)
    assert summary(zeros) == [("S104", "error", "G8"), ("S104", "error", "H8")]
    assert (zeros[0].expected, zeros[1].expected) == ("0.95", "9.50")
    # The total is not the sum of its parts either.
    sums = run("S103", form)
    assert summary(sums) == [
        ("S103", "error", "C8"),
        ("S103", "error", "D8"),
        ("S103", "error", "E8"),
    ]
    assert "应为各资金来源之和：0.00 + 200000.00 = 200000.00，表中为 0.00" in sums[1].message


def test_zero_rate_on_zero_total_is_a_note() -> None:
    form = form_with_fund([fund_row(8, "total", "年度资金总额", 0.00, 0.00, 0.00, 10, 0.00, 0.00)])
    assert summary(run("S104", form)) == [("S104", "note", "G8"), ("S104", "note", "H8")]


def test_blank_total_budget_is_not_a_zero() -> None:
    # a blank 全年预算数 is missing, not 0: S401 asks for it; the rate cannot be checked
    row = fund_row(8, "total", "年度资金总额", 0.00, 0.00, 0.00, 10, 1.00, 10.00)
    row.budget = cell(8, BUDGET, None)
    assert run("S104", form_with_fund([row])) == []
    asks = [f for f in run("S401", form_with_fund([row])) if "全年预算数" in f.message]
    assert [(f.cell, f.message) for f in asks] == [("D8", "年度资金总额的全年预算数为空")]


# --------------------------------------------------------------------------- S101


def test_rate_wrong_is_an_error_with_the_computation() -> None:
    form = zonghe()
    form.fund.rows[0].rate = cell(8, RATE, 0.95, 2)  # type: ignore[union-attr]
    found = run("S101", form)
    assert summary(found) == [("S101", "error", "G8")]
    f = found[0]
    assert f.message == "年度资金总额执行率应为 969188.11 ÷ 987000.00 = 0.98，表中为 0.95"
    assert (f.expected, f.actual) == ("0.98", "0.95")
    assert f.computation == "969188.11 ÷ 987000.00 = 0.98"


def test_rate_rounded_the_wrong_way_is_an_error_and_a_cut_is_a_note() -> None:
    # 969188.11 ÷ 987000.00 = 0.98195…: 0.99 is neither its rounding nor its truncation
    form = zonghe()
    form.fund.rows[0].rate = cell(8, RATE, 0.99, 2, computed=True)  # type: ignore[union-attr]
    assert summary(run("S101", form)) == [("S101", "error", "G8")]
    # 0.9851 printed 0.98 (cut at the second decimal, FORMS.md): a note
    form.fund.rows[0].executed = cell(8, EXECUTED, 972293.70, 2)  # type: ignore[union-attr]
    form.fund.rows[0].rate = cell(8, RATE, 0.98, 2, computed=True)  # type: ignore[union-attr]
    found = run("S101", form)
    assert summary(found) == [("S101", "note", "G8")]
    assert "截尾" in found[0].message


def test_rate_in_a_percent_column() -> None:
    rows = [fund_row(8, "total", "总额", 987000.00, 987000.00, 969188.11, 10, 98.20, 9.80)]
    rows[0].rate = Field(CellRef(SHEET, 8, RATE), 98.20, 0.9820, 2, scale=100.0)
    form = form_with_fund(rows, rate_percent=True)
    assert run("S101", form) == []
    rows[0].rate = Field(CellRef(SHEET, 8, RATE), 98.00, 0.98, 2, scale=100.0)
    found = run("S101", form)
    assert summary(found) == [("S101", "error", "G8")]
    assert "969188.11 ÷ 987000.00 = 98.20" in found[0].message


def test_rate_with_percent_sign() -> None:
    rows = [fund_row(8, "total", "年度资金总额", 15000.00, 15000.00, 8881.00, 10, 0.59, 5.90)]
    pct = {"as_text": True, "scale": 100.0, "sign": "%"}
    rows[0].rate = Field(CellRef(SHEET, 8, RATE), "59.21%", 0.5921, 2, **pct)  # type: ignore[arg-type]
    assert run("S101", form_with_fund(rows)) == []
    rows[0].rate = Field(CellRef(SHEET, 8, RATE), "95.21%", 0.9521, 2, **pct)  # type: ignore[arg-type]
    found = run("S101", form_with_fund(rows))
    assert found[0].expected == "59.21%"
    assert "8881.00 ÷ 15000.00 = 59.21%" in found[0].message


def test_rate_in_wan_yuan_form_quotes_printed_amounts() -> None:
    rows = [fund_row(8, "total", "年度资金总额：", 987000.00, 987000.00, 969188.11, 10, 0.90, 9.0)]
    for attr in ("initial", "budget", "executed"):
        setattr(rows[0], attr, wan(getattr(rows[0], attr)))
    form = form_with_fund(rows, unit="万元")
    found = run("S101", form)
    assert "96.92 ÷ 98.70 = 0.98，表中为 0.90" in found[0].message


# --------------------------------------------------------------------------- S102


def test_fund_score_seed_ok_and_wrong() -> None:
    assert run("S102", zonghe()) == []
    form = zonghe()
    form.fund.rows[0].score = cell(8, SCORE, 9.50, 2)  # type: ignore[union-attr]
    found = run("S102", form)
    assert summary(found) == [("S102", "error", "H8")]
    assert found[0].message == (
        "资金得分应为 10 × min(0.98, 1) = 9.80（按未舍入的执行率 98.1954% 为 9.8195），表中为 9.50"
    )
    assert (found[0].expected, found[0].actual) == ("9.80", "9.50")


def test_fund_score_from_unrounded_rate_is_accepted() -> None:
    form = zonghe()
    form.fund.rows[0].score = cell(8, SCORE, 9.82, 2)  # type: ignore[union-attr]
    assert run("S102", form) == []


def test_fund_score_rounding_note() -> None:
    form = zonghe()  # 10 × 0.98 = 9.80, or 10 × 0.98195… = 9.8195
    form.fund.rows[0].score = cell(8, SCORE, 9.81, 2, computed=True)  # type: ignore[union-attr]
    # 9.81 is 9.8195 cut at the second decimal: a note
    assert summary(run("S102", form)) == [("S102", "note", "H8")]
    # 5.91 for 5.90 (from the printed 0.59) or 5.9207 (exact): neither rounding nor a cut
    form = gongche()
    form.fund.rows[0].score = cell(8, SCORE, 5.91, 2, computed=True)  # type: ignore[union-attr]
    assert summary(run("S102", form)) == [("S102", "error", "H8")]


def test_fund_score_above_weight() -> None:
    rows = [fund_row(8, "total", "年度资金总额", 10000.00, 10000.00, 10500.00, 10, 1.05, 10.50)]
    found = run("S102", form_with_fund(rows))
    assert summary(found) == [("S102", "error", "H8")]
    assert "资金得分 10.50 超过资金分值 10" in found[0].message
    assert "应为 10 × min(1.05, 1) = 10.00" in found[0].message


def test_twenty_point_family() -> None:
    # 市级 20 + 80 form: no 分值 cell, the weight is the family's 20.
    rows = [fund_row(8, "total", "总额", 100000.00, 100000.00, 95000.00, None, 0.95, 19.00)]
    rows[0].weight = None
    form = form_with_fund(rows, family="twenty_eighty")
    assert run("S102", form) == []
    rows[0].score = cell(8, SCORE, 9.50, 2)  # 10 × 0.95: the national weight
    found = run("S102", form)
    assert summary(found) == [("S102", "error", "H8")]
    assert found[0].message == "资金得分应为 20 × min(0.95, 1) = 19.00，表中为 9.50"


def test_weight_cell_differing_from_family_is_a_warning() -> None:
    rows = [fund_row(8, "total", "总额", 100000.00, 100000.00, 95000.00, 10, 0.95, 9.50)]
    found = run("S102", form_with_fund(rows, family="twenty_eighty"))
    # The score agrees with the printed 分值 10; the 分值 itself is not the family's 20.
    assert summary(found) == [("S102", "warning", "F8")]
    assert found[0].message == "资金分值为 10，本版式规定资金分值为 20"


def test_block_label_weight_used_without_weight_cell() -> None:
    rows = [fund_row(8, "total", "总额", 100000.00, 100000.00, 95000.00, None, 0.95, 9.50)]
    rows[0].weight = None
    form = form_with_fund(rows, family="ten_ninety", weight=10.0)
    assert run("S102", form) == []


def test_fund_score_is_scored_only() -> None:
    assert REGISTRY["S102"].scored_only
    for code in ("S101", "S103", "S104", "S105", "S106", "S107"):
        assert not REGISTRY[code].scored_only


# --------------------------------------------------------------------------- S103


def test_fund_sum_of_typed_amounts_has_no_rounding_band() -> None:
    # amounts in 元 are typed: they carry no hidden decimals, a cent off is an error
    form = zonghe()
    form.fund.rows[1].executed = cell(9, EXECUTED, 969188.10, 2)  # type: ignore[union-attr]
    found = run("S103", form)
    assert summary(found) == [("S103", "error", "E8")]
    assert "969188.10 + 0.00 + 0.00 = 969188.10，表中为 969188.11" in found[0].message


def test_fund_sum_wan_yuan_tolerance() -> None:
    # 万元 with 2 decimals: 98.70 = 50.35 + 48.35 exactly; 98.71 is one unit off -> note.
    rows = [
        fund_row(8, "total", "年度资金总额：", 987100.0, 987000.0, 969200.0, 10, 0.98, 9.80),
        fund_row(9, "fiscal", "其中：本年财政拨款", 503500.0, 503500.0, 484600.0, "—", 0.96, "—"),
        fund_row(10, "other", "其他资金", 483500.0, 483500.0, 484600.0, "—", 1.00, "—"),
    ]
    for r in rows:
        for attr in ("initial", "budget", "executed"):
            setattr(r, attr, wan(getattr(r, attr)))
    found = run("S103", form_with_fund(rows, unit="万元"))
    # converted 万元 amounts are rounded terms: 0.005 + 2 × 0.005 万元 of band -> a note
    assert summary(found) == [("S103", "note", "C8")]
    assert "50.35 + 48.35 = 98.70，表中为 98.71" in found[0].message


# --------------------------------------------------------------------------- S105, S106


def test_over_execution_warning() -> None:
    form = gongche()
    form.fund.rows[0].executed = cell(8, EXECUTED, 16200.00, 2)  # type: ignore[union-attr]
    found = run("S105", form)
    assert summary(found) == [("S105", "warning", "E8")]
    assert "全年执行数 16200.00 超过全年预算数 15000.00" in found[0].message
    assert "16200.00 ÷ 15000.00 = 108.00%" in found[0].message
    assert run("S105", zonghe()) == []


def test_adjusted_without_reason() -> None:
    # National form: no 原因 column; the change must be explained somewhere in the form.
    found = run("S106", gongche())
    assert summary(found) == [("S106", "warning", "D8")]
    assert "表中未说明调整原因" in found[0].message
    explained = gongche()
    explained.goal_actual = cell(20, 2, "年中追加公务用车运行维护经费15000元，已全部用于车辆维护。")
    assert run("S106", explained) == []
    found = run("S106", gongche("ten_ninety"))
    assert summary(found) == [("S106", "warning", "I8")]
    assert found[0].message == (
        "年初预算数 0.00 调整为全年预算数 15000.00（调整 15000.00 − 0.00 = 15000.00），"
        "原因栏为空：应说明预算调整的原因"
    )
    assert run("S106", gongche("ten_ninety", reason="年中追加公务用车运行维护经费")) == []
    # Unchanged budget needs no reason.
    assert run("S106", zonghe("ten_ninety")) == []


# --------------------------------------------------------------------------- S107


def test_nonzero_rate_on_zero_subrow_is_an_error() -> None:
    form = zonghe()
    form.fund.rows[2].rate = cell(10, RATE, 1.00, 2)  # type: ignore[union-attr]
    found = run("S107", form) + run("S108", form)
    assert summary(found) == [("S107", "error", "G10"), ("S108", "note", "G11")]
    assert "上年结转资金的全年预算数为 0.00，执行率无法计算，不应填写执行率 1.00" == found[0].message


def test_dash_on_zero_subrow_is_silent() -> None:
    form = zonghe()
    for r in form.fund.rows[2:]:  # type: ignore[union-attr]
        r.rate = cell(r.row, RATE, "—")
    assert run("S107", form) == []
    assert run("S108", form) == []


def test_s108_is_opt_in() -> None:
    assert REGISTRY["S108"].default is False
    assert not Settings().enabled("S108", default=False)
    assert not Settings(select=["S1"]).enabled("S108", default=False)
    assert Settings(select=["S108"]).enabled("S108", default=False)
    assert not Settings(select=["S108"], ignore=["S10"]).enabled("S108", default=False)


def test_zero_score_on_zero_subrow_is_silent() -> None:
    # a printed 0.00 score on a zero-budget sub-row awards nothing: no error, no note
    form = zonghe()
    form.fund.rows[2].score = cell(10, SCORE, 0.00, 2)  # type: ignore[union-attr]
    assert run("S107", form) == []
    assert [f.cell for f in run("S108", form)] == ["G10", "G11"]  # the 0.00 rates only
