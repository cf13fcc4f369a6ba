"""The UDF library (budgetlint.udfs): plain Python, the formulas engine, xlwings.

Values are the seed's (FORMS.md, seeds/000: 深圳市社会组织管理局 2021).  BL_CHECK_ROW is
compared with ``check_grid`` on whole forms: the rule cases, a form written for the
purpose and the committed seed workbook.  The xlwings tests run xlwings' own Windows
UDF code (xlwings/udfs.py: metadata, the VBA it writes, ``call_udf``) with stand-ins
for pywin32, since on Linux ``xw.func`` records nothing.
"""

from __future__ import annotations

import ast
import datetime as dt
import importlib
import importlib.util
import io
import subprocess
import sys
import types
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from budgetlint import udfs
from budgetlint.checker import check_grid
from budgetlint.findings import Finding
from budgetlint.grid import Grid, parse_address
from budgetlint.gridtext import parse
from budgetlint.model import Indicator
from budgetlint.rules.cases import case_codes, load_cases
from budgetlint.settings import Settings
from budgetlint.udfs import (
    DIV0,
    FORM_RULES,
    FUNCTIONS,
    NA,
    NUM,
    VALUE,
    Cell,
    ExcelError,
    band_check,
    check_row,
    exec_rate,
    fund_score,
    grade,
    ind_score,
    row_findings,
    total,
    value,
)

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def default_settings() -> Iterator[None]:
    udfs.configure(None)
    yield
    udfs.configure(None)


# --------------------------------------------------------------------------- the contract


def test_registry_names_the_excel_functions() -> None:
    assert set(FUNCTIONS) == {
        "BL_EXEC_RATE",
        "BL_FUND_SCORE",
        "BL_IND_SCORE",
        "BL_BAND_CHECK",
        "BL_TOTAL",
        "BL_GRADE",
        "BL_VALUE",
        "BL_CHECK_ROW",
    }
    assert FUNCTIONS["BL_EXEC_RATE"] is exec_rate
    assert "BL_RULE_SCORE" not in FUNCTIONS  # form P does not exist yet
    for name, fn in FUNCTIONS.items():
        doc = udfs.description(fn)
        assert doc and len(doc) <= 255, name  # what Excel's function wizard shows
        assert any("\u4e00" <= ch <= "\u9fff" for ch in doc), name
        assert getattr(udfs, name).__doc__ == doc


def test_error_values() -> None:
    assert ExcelError("#DIV/0!") == DIV0
    assert (DIV0.code, VALUE.code, NA.code, NUM.code) == ("#DIV/0!", "#VALUE!", "#N/A", "#NUM!")
    assert str(NA) == "#N/A"


@pytest.mark.parametrize("err", [DIV0, NA, ExcelError("#REF!"), "#N/A", " #DIV/0! "])
@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("BL_EXEC_RATE", ("E", 987000.0)),
        ("BL_EXEC_RATE", (969188.11, "E")),
        ("BL_FUND_SCORE", ("E", 10)),
        ("BL_IND_SCORE", ("30 期", "E", 10)),
        ("BL_BAND_CHECK", ("部分达成预期指标", "E", 10)),
        ("BL_TOTAL", ([[9.8], ["E"], [8.0]],)),
        ("BL_TOTAL", ([[9.8]], [[10], ["E"]])),
        ("BL_GRADE", ("E",)),
        ("BL_GRADE", (90, [[90, "优"], ["E", "良"]])),
        ("BL_VALUE", ("E",)),
        ("BL_CHECK_ROW", ("产出指标", "数量指标", "采购服务量", "=3 项", "E", 10, 10, "无偏差")),
        (
            "BL_CHECK_ROW",
            ([["产出指标", "数量指标", "采购服务量", "=3 项", "E", 10, 10, "无偏差"]],),
        ),
    ],
)
def test_an_error_argument_propagates(err: object, name: str, args: tuple[object, ...]) -> None:
    args = tuple(_replace(a, "E", err) for a in args)
    code = err.code if isinstance(err, ExcelError) else str(err).strip()
    assert FUNCTIONS[name](*args) == ExcelError(code)


def _replace(v: object, old: object, new: object) -> object:
    if isinstance(v, list):
        return [_replace(x, old, new) for x in v]
    return new if v == old else v


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_bad_input_never_raises(name: str) -> None:
    fn = FUNCTIONS[name]
    for args in [(), (object(),), ([[1, 2], [3]],), (float("nan"),), (float("inf"), 1, 2)]:
        out = fn(*args)
        assert isinstance(out, str | float | int | ExcelError), (name, args, out)


# --------------------------------------------------------------------------- the fund block


def test_exec_rate_seed() -> None:
    assert exec_rate(969188.11, 987000.00) == pytest.approx(0.98195, abs=5e-6)
    assert exec_rate(969188.11, 987000.00) == 969188.11 / 987000.00  # not rounded


@pytest.mark.parametrize(
    ("executed", "budget", "expected"),
    [
        ("969,188.11", "987,000.00", 969188.11 / 987000),
        ("96.92 万元", 987000.0, 969200 / 987000),
        ("96.92万", "98.7 万元", 96.92 / 98.7),
        ("１０１６５００", "1 016 500", 1.0),
        ("¥1,000", 1000, 1.0),
    ],
)
def test_exec_rate_numbers_stored_as_text(
    executed: object, budget: object, expected: float
) -> None:
    assert exec_rate(executed, budget) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("blank", [None, "", "  ", "—", "-", "／", "/", "——", "无", "不适用"])
def test_exec_rate_blank_is_not_zero(blank: object) -> None:
    assert exec_rate(blank, 987000.0) == ""
    assert exec_rate(969188.11, blank) == ""


def test_exec_rate_zero_budget_and_bad_text() -> None:
    assert exec_rate(0.0, 0.0) == DIV0  # the seed prints 1.00 here: there is no rate
    assert exec_rate(969188.11, "0.00") == DIV0
    assert exec_rate("未执行", 987000.0) == VALUE
    assert exec_rate("98%", 987000.0) == VALUE  # a rate is no amount
    assert exec_rate("10分", 987000.0) == VALUE
    assert exec_rate(True, 987000.0) == VALUE
    assert exec_rate(dt.datetime(2021, 12, 31), 987000.0) == VALUE
    assert exec_rate([[969188.11]], [[987000.0]]) == pytest.approx(0.98195, abs=5e-6)  # 1×1 ranges
    assert exec_rate([[1.0, 2.0]], 987000.0) == VALUE
    assert exec_rate(1e308, 1e-308) == NUM


def test_fund_score_seed() -> None:
    assert fund_score(0.98195, 10) == 9.8  # 10 × 0.98, the rate as printed
    assert fund_score(exec_rate(969188.11, 987000.00), 10) == 9.8
    assert fund_score("98.2%", 10) == 9.8
    assert fund_score("98.19%", "10") == 9.8
    assert fund_score(1.0, 20) == 20.0
    assert fund_score(1.6, 10) == 10.0  # over-execution: never above the weight
    assert fund_score(0.0, 10) == 0.0  # a real zero rate is zero, unlike a blank


def test_fund_score_blanks_and_errors() -> None:
    assert fund_score(None, 10) == ""
    assert fund_score("—", 10) == ""
    assert fund_score(0.98, None) == ""
    assert fund_score(exec_rate(0.0, 0.0), 10) == DIV0  # the error of the zero budget travels on
    assert fund_score("约98%", 10) == VALUE
    assert fund_score(0.98, "10%") == VALUE
    assert fund_score(0.98, -10) == NUM


# --------------------------------------------------------------------------- indicators


@pytest.mark.parametrize(
    ("target", "actual", "weight", "expected"),
    [
        ("30 期", "24期", 10, 8.0),  # seed: 24/30 × 10
        ("30 期", "24 期", "10.0", 8.0),
        ("约120人", "53人", 10.0, 53 / 120 * 10),  # seed: 4.42
        ("20 次", "7 次", 10, 3.5),
        ("=3 项", "3 项", 10.0, 10.0),
        ("≥90%", "92%", 20.0, 20.0),
        ("100%", "100%", 5.0, 5.0),
        ("<98.7 万元", "96.92 万元", 5.0, 5.0),  # seed 成本指标
        ("及时", "及时", 5.0, 5.0),
        ("2021年12月", "2021年11月", 5, 5.0),
        ("≥60&&≤100", "80", 10, 10.0),
        ("<2%", "4%", 10, 5.0),  # upper bound missed: 10 × 2/4
        ("无", "无", 0.0, 0.0),  # not applicable with weight 0
        ("0次", "0次", 5, 5.0),  # a real zero target, met
    ],
)
def test_ind_score(target: str, actual: str, weight: object, expected: float) -> None:
    assert ind_score(target, actual, weight) == pytest.approx(expected, abs=1e-9)


def test_ind_score_seed_4_42() -> None:
    got = ind_score("约120人", "53人", 10.0)
    assert isinstance(got, float) and round(got, 2) == 4.42  # not rounded: the format shows 4.42


def test_ind_score_upper_formula() -> None:
    assert ind_score("<2%", "3%", 10, "excess") == pytest.approx(5.0)  # 10 × (1 − 1/2)
    assert ind_score("<2%", "3%", 10, "超额") == pytest.approx(5.0)
    assert ind_score("<2%", "3%", 10, "ratio") == pytest.approx(20 / 3)
    assert ind_score("<2%", "3%", 10, "比例") == pytest.approx(20 / 3)
    assert ind_score("<2%", "3%", 10, "其他") == VALUE
    udfs.configure(
        Settings.from_mapping({"families": {"national": {"upper_bound_formula": "excess"}}})
    )
    assert ind_score("<2%", "3%", 10) == pytest.approx(5.0)


def test_ind_score_judgements_are_chinese_messages() -> None:
    # seed: >90% met only with 90% and given full marks
    assert ind_score(">90%", "90%", 20.0) == (
        "需酌情评分：目标 >90% 为严格界限，实际 90% 恰等于界值，未达成"
    )
    assert ind_score("健全", "部分达成预期指标", 10) == (
        "需酌情评分：实际完成值为“部分达成”，按档次评分（分值的 50%–80%，即 5–8 分）"
    )
    udfs.configure(
        Settings.from_mapping({"families": {"national": {"qualitative_bands": "80-60"}}})
    )
    assert ind_score("健全", "部分达成预期指标", 10).endswith("（分值的 60%–80%，即 6–8 分）")
    assert ind_score("及时", "部分延迟", 5.0) == "无法判断实际“部分延迟”是否达到目标“及时”"
    assert ind_score("无", "无", 10) == "指标不适用（无），分值应为 0，不能为 10"
    assert ind_score("≥90%", "≥90%", 13.0) == "实际完成值“≥90%”是界限而非实测值，无法计算得分"
    assert ind_score(">90%", "由于疫情影响，项目终止开展。", 5.0) == (
        "实际完成值“由于疫情影响，项目终止开展。”与年度指标值“>90%”不可比，无法计算得分"
    )
    assert ind_score("总报告1篇、分类报告4篇", "完成", 10) == "年度指标值为文字描述，无法计算得分"


def test_ind_score_missed_qualitative_target() -> None:
    # the computation's words already say 酌情: no prefix
    assert (
        ind_score("及时", "不及时", 5) == "实际“不及时”未达到目标“及时”，得分需酌情判断并说明原因"
    )
    assert ind_score("2021年12月31日前", "2022年3月", 5) == (
        "实际“2022年3月”未达到目标“2021年12月31日前”，得分需酌情判断并说明原因"
    )


def test_ind_score_blanks() -> None:
    assert ind_score(None, "24 期", 10) == ""
    assert ind_score("30 期", "—", 10) == ""
    assert ind_score("30 期", "24 期", None) == ""
    assert ind_score("30 期", "24 期", "十分") == VALUE
    assert ind_score("30 期", "24 期", "10%") == VALUE


def test_band_check() -> None:
    assert band_check("部分达成预期指标", 7, 10) == ""
    assert band_check("部分达成预期指标", 9, 10) == (
        "实际完成值为“部分达成”，得分应在分值的 50%–80% 之间（5.00–8.00），实际得分 9（90.00%）"
    )
    assert band_check("达成预期指标", 10, 10) == ""
    assert band_check("达成预期指标", 7.9, 10).startswith(
        "实际完成值为“达成”，得分应在分值的 80%–100%"
    )
    assert band_check("未达成预期指标", 5, 10) == ""
    assert band_check("未达成预期指标", 5.1, 10) != ""
    assert band_check("部分达成预期指标", 5.5, 10) == ""
    assert band_check("部分达成预期指标", 5.5, 10, "80-60") != ""
    assert band_check("部分达成预期指标", 5.5, 10, "80-70") == VALUE


def test_band_check_rounding_and_blanks() -> None:
    # a score may pass a band's edge by half a unit of its last printed decimal (rounding_units):
    # 部分达成 of 7 points is 3.5–5.6; a whole 6 may be 5.6 rounded, 5.7 may not
    assert band_check("部分达成预期指标", 6, 7) == ""
    assert band_check("部分达成预期指标", 5.7, 7) != ""
    assert band_check("部分达成预期指标", 5.65, 7) != ""
    assert band_check("部分达成预期指标", 8.04, 10) != ""
    assert band_check("部分达成预期指标", "8.0", 10) == ""
    assert band_check("部分达成预期指标", "8.1", 10) == (  # a text score prints as typed
        "实际完成值为“部分达成”，得分应在分值的 50%–80% 之间（5.00–8.00），实际得分 8.1（81.00%）"
    )
    assert band_check("部分达成预期指标", 8, 10) == ""
    # printed 8.4: half of 0.1 may be rounding, 0.4 may not
    assert band_check("部分达成预期指标", 8.4, 10) != ""


def test_band_check_agrees_with_rule_s209() -> None:
    case = load_cases("S209").fail[0]
    result = check_grid(Grid("", [case.sheet()]), case.check_settings())
    (finding,) = [f for f in result.findings if f.code == "S209"]
    udfs.configure(case.check_settings())
    got = band_check("部分达成预期指标", 5.5, 10)
    assert got and finding.message.endswith(got)  # S209 says the same after the indicator's name


def test_band_check_not_applicable() -> None:
    assert band_check("及时", 3, 5) == ""  # not a 达成-type actual
    assert band_check(None, 3, 5) == ""
    assert band_check("部分达成预期指标", None, 10) == ""
    assert band_check("部分达成预期指标", 5, 0) == ""


# --------------------------------------------------------------------------- totals and grades

# The S209 pass case: 得分 column H, 分值 column G, rows 5–8 (funds) and 12–22 (indicators).
_SCORES = [
    [v] for v in (9.8, "—", "—", "—", 8.0, 10.0, 7, 5.0, 5.0, 2.5, 5.0, 0.0, 20.0, 0.0, 20.0)
]
_WEIGHTS = [
    [v] for v in (10, "—", "—", "—", 10.0, 10.0, 10, 5.0, 5.0, 5.0, 5.0, 0.0, 20.0, 0.0, 20.0)
]


def test_total_seed() -> None:
    assert total(_SCORES) == 92.3
    assert total(_SCORES, _WEIGHTS) == 92.3
    assert total([9.8, None, "8.0", "—"]) == 17.8  # a flat list and text numbers
    assert total(9.8) == 9.8


def test_total_weights_not_100_say_so_with_the_arithmetic() -> None:
    weights = [row[:] for row in _WEIGHTS]
    weights[6] = [15]
    assert total(_SCORES, weights) == (
        "分值合计应为 100，实际为 10 + 10 + 10 + 15 + 5 + 5 + 5 + 5 + 0 + 20 + 0 + 20 = 105；各项得分合计 92.3"
    )


def test_total_weights_with_decimals_may_miss_100_by_their_rounding() -> None:
    equal_shares = [[10], [30], [20], [13.33], [13.33], [13.33]]  # 99.99
    assert total([[30], [30], [30]], equal_shares) == 90.0
    assert total([[30], [30], [30]], [[10], [30], [20], [13], [13], [13]]) == (
        "分值合计应为 100，实际为 10 + 30 + 20 + 13 + 13 + 13 = 99；各项得分合计 90"
    )


def test_total_blanks_and_bad_cells() -> None:
    assert total([[None], ["—"]]) == ""
    assert total(None) == ""
    assert total([[9.8]], [[None], ["—"]]) == "分值范围中没有分值"
    assert total([[9.8], ["已完成"]]) == VALUE
    assert total([[9.8], ["98%"]]) == VALUE
    many = [[1]] * 30
    msg = total(many, many)
    assert isinstance(msg, str) and "…（共 30 项） = 30" in msg


def test_grade() -> None:
    assert grade(67.14) == "合格"  # seed 002
    assert grade(90) == "优秀"
    assert grade(89.99) == "良好"
    assert grade(59.99) == "不合格"
    assert grade("67.14") == "合格"
    assert grade(67.14, "全国") == "中"
    assert grade(95, "national") == "优"
    assert grade(95, "默认") == "优秀"
    udfs.configure(Settings.from_mapping({"grades": "national"}))
    assert grade(67.14) == "中"


def test_grade_table() -> None:
    table = [["下限", "等级"], [90, "A"], [75, "B"], [None, None], [0, "C"]]
    assert grade(80, table) == "B"
    assert grade(95, [[0, "C"], [90, "A"]]) == "A"  # any order
    assert grade(95, [[90, "A"], [90, "B"]]) == "等级表 中最低分 90 出现了不止一次"
    assert grade(95, [[120, "A"]]) == "等级表[0][0] 应在 [0, 100] 之内，实际为 120.0"
    assert grade(95, [[90, "A", "x"]]) == VALUE
    assert grade(95, [[90, None]]) == VALUE
    assert grade(95, "其他") == VALUE


def test_grade_blanks_and_range() -> None:
    assert grade(None) == ""
    assert grade("—") == ""
    assert grade("优秀") == VALUE
    assert grade(120) == NUM
    assert grade(-1) == NUM
    assert grade("90%") == VALUE


# --------------------------------------------------------------------------- the value grammar


@pytest.mark.parametrize(
    ("text", "unit", "expected"),
    [
        ("96.92 万元", None, 969200.0),
        ("98.2%", None, 0.982),
        ("≥90%", None, 0.9),
        (">95%", None, 0.95),
        ("<98.7 万元", None, 987000.0),
        ("≤1.5万", None, 15000.0),
        ("30 期", None, 30.0),
        ("约120人", None, 120.0),
        ("987,000.00", None, 987000.0),
        ("≥100百分比", None, 1.0),
        (280, None, 280.0),
        (0, None, 0.0),
        ("0", None, 0.0),
        ("96.92", "万元", 969200.0),
        (96.92, "万元", 969200.0),
        (98.19, "%", 0.9819),
        ("≥90", "%", 0.9),
        ("96.92 万元", "%", 969200.0),  # the text's own unit wins
    ],
)
def test_value(text: object, unit: object, expected: float) -> None:
    assert value(text, unit) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (None, ""),
        ("—", ""),
        ("无", ""),
        ("不适用", ""),
        ("及时", VALUE),
        ("部分达成预期指标", VALUE),
        ("2021年12月", VALUE),
        ("≥60&&≤100", VALUE),
        ("总报告1篇、分类报告4篇", VALUE),
        (True, VALUE),
        (dt.datetime(2021, 12, 31), VALUE),
    ],
)
def test_value_without_a_number(text: object, expected: object) -> None:
    assert value(text) == expected


# --------------------------------------------------------------------------- one indicator row


def _fields(ind: Indicator) -> list[Any]:
    """The fields of an indicator in BL_CHECK_ROW's argument order."""
    return [
        *(ind.level1, ind.level2, ind.name, ind.target),
        *(ind.actual, ind.weight, ind.score, ind.reason),
    ]


def _row_of(ind: Indicator, sheet: Any, *, formats: bool) -> list[object]:
    fields = _fields(ind)
    cells: list[object] = []
    for f in fields:
        if f is None or f.ref is None:
            cells.append(None)
            continue
        raw = sheet.value(f.ref.row, f.ref.col)
        cells.append(Cell(raw, sheet.number_format(f.ref.row, f.ref.col)) if formats else raw)
    return cells


def _role(f: Finding, ind: Indicator) -> int | None:
    for i, fld in enumerate(_fields(ind)):
        if fld is not None and fld.ref is not None and fld.ref.address == f.cell:
            return i
    return None


def _compare_rows(grid: Grid, settings: Settings, *, formats: bool = True) -> int:
    """BL_CHECK_ROW on every indicator row of ``grid`` against check_grid; rows compared."""
    udfs.configure(settings)
    full = check_grid(grid, settings)
    compared = 0
    for read in full.sheets:
        if read.status != "form" or read.form is None or read.family != "national":
            continue
        sheet = grid.sheet(read.sheet)
        for ind in read.form.indicators:
            on_row = [
                f
                for f in full.findings
                if f.sheet == read.sheet
                and f.cell
                and parse_address(f.cell)[0] == ind.row
                and f.code not in FORM_RULES
            ]
            want = sorted(on_row, key=lambda f: -f.severity.rank)
            got = list(row_findings(*_row_of(ind, sheet, formats=formats)))
            # 一级/二级 merged over several rows: the full check reports at the merged cell
            # (another row); the one-row check reports at the row's own cell.
            own = {
                i
                for i, fld in ((0, ind.level1), (1, ind.level2))
                if fld is None or fld.ref is None or fld.ref.row != ind.row
            }
            got = [f for f in got if parse_address(f.cell)[1] - 2 not in own]
            key_want = [(_role(f, ind), f.code, f.severity, f.message) for f in want]
            key_got = [(parse_address(f.cell)[1] - 2, f.code, f.severity, f.message) for f in got]
            assert key_got == key_want, (read.sheet, ind.row, ind.name.text)
            compared += 1
    return compared


def _case_grids() -> Iterator[tuple[str, Grid, Settings]]:
    for code in case_codes():
        for case in load_cases(code).all:
            if case.layout != "national":
                continue
            yield case.id, Grid(case.id, [case.sheet()]), Settings.from_mapping(case.settings)


def test_check_row_agrees_with_check_on_every_rule_case() -> None:
    compared = 0
    for _, grid, settings in _case_grids():
        compared += _compare_rows(grid, settings)
    assert compared > 500


def test_check_row_agrees_with_check_on_the_seed_workbook(seed_grid: Grid) -> None:
    assert _compare_rows(seed_grid, Settings()) > 100


# A form written with numbers as a host passes them (no trailing zeros): BL_CHECK_ROW given
# plain values prints exactly what `budgetlint check` prints for the row.
_FORM = """
项目支出绩效自评表 | > | > | > | > | > | > | > | >
项目名称 | 综合服务工作 | > | > | > | > | > | > | >
主管部门 | 深圳市社会组织管理局 | > | > | > | 实施单位 | 深圳市社会组织管理局 | > | >
项目资金（元） |  | 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分 |
^ | 年度资金总额 | 987000.00 | 987000.00 | 969188.11 | 10 | 0.98 | 9.80 |
^ | 其中：当年财政拨款 | 987000.00 | 987000.00 | 969188.11 | — | 0.98 | — |
^ | 上年结转资金 | 0.00 | 0.00 | 0.00 | — | — | — |
^ | 其他资金 | 0.00 | 0.00 | 0.00 | — | — | — |
年度总体目标 | 预期目标 | > | > | > | 实际完成情况 | > | > | >
^ | 宣传社会组织信息，做好综合协助服务。 | > | > | > | 完成短视频新闻 24 期，采购服务 3 项。 | > | > | >
年度绩效指标 | 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因分析及改进措施
^ | 产出指标 | 数量指标 | 社会组织宣传短视频新闻 | 30 期 | 24 期 | 10 | 9 | 因疫情影响，6 期延至 2022 年 4 月播出。
^ | 产出指标 | 数量指标 | 指标1：采购服务量 | =3 项 | 3 项 | '10 | '9 | 无偏差
^ | 产出指标 | 数量指标 | 接待人次 | 约120人 | 53人 | 10 | 4.42 |
^ | 产出指标 | 质量指标 | 制度健全性 | 健全 | 部分达成预期指标 | 10 | 9 | 制度尚在修订。
^ | 产出指标 | 时效指标 | 宣传材料投放及时性 | 及时 | 及时 | 5 | 2.5 | 未能在年度内完成。
^ | 产出指标 | 成本指标 | 经费控制 | <98.7 万元 | 96.92 万元 | 5 | 5 | 无偏差
^ | 效益指标 | 社会效益指标 | 提高社会组织知晓度 | 提高 | 提高 | 20 | 20 | 无偏差
^ | 效益指标 | 数量指标 | 合同完成率 | ≥90% | ≥90% | 10 | 10 | 无偏差
^ | 满意度指标 | 满意度指标 | 项目实施的满意度 | >90% | 90% | 20 | 20 | 无偏差
总分 | > | > | > | > | > | 100 | 91.72 | —
"""


def _form_rows() -> tuple[Grid, list[tuple[int, list[object]]]]:
    sheet = parse(_FORM.lstrip("\n"), "自评表")
    rows = []
    for r in range(12, 21):
        rows.append((r, [sheet.value(r, c) for c in range(2, 10)]))
    return Grid("自评表.xlsx", [sheet]), rows


def test_check_row_prints_what_check_prints() -> None:
    grid, rows = _form_rows()
    full = check_grid(grid, Settings())
    assert len(full.findings) > 10
    for r, cells in rows:
        want = [
            f
            for f in full.findings
            if f.cell and parse_address(f.cell)[0] == r and f.code not in FORM_RULES
        ]
        want.sort(key=lambda f: -f.severity.rank)
        assert check_row(*cells) == "\n".join(f.message for f in want), r
        assert check_row([cells]) == check_row(*cells)  # the row as one 8-cell range


def test_check_row_messages() -> None:
    _, rows = _form_rows()
    cells = dict(rows)
    assert check_row(*cells[12]) == (
        "指标“社会组织宣传短视频新闻”得分应为 24 ÷ 30 × 10 = 8.00，表中为 9"
    )
    # 53/120 × 10 = 4.42 is right, but a deduction needs its reason
    assert check_row(*cells[14]) == (
        "指标“接待人次”得分 4.42 低于分值 10，但偏差原因分析为空：应说明偏差原因及改进措施"
    )
    # most severe first: the error (S212), the warnings (S501, S204), the notes (S402)
    lines = check_row(*cells[13]).split("\n")
    assert lines[0].startswith(
        "指标“指标1：采购服务量”实际完成值“3 项”已达到年度指标值“=3 项”，应得满分 10"
    )
    assert lines == [f.message for f in row_findings(*cells[13])]
    codes = [f.code for f in row_findings(*cells[13])]
    assert codes == ["S212", "S501", "S204", "S402", "S402"]


def test_check_row_blank_sizes_and_formats() -> None:
    assert check_row(None) == ""
    assert check_row(None, None, None, None, None, None, None, None) == ""
    assert check_row([[None] * 8]) == ""
    assert (
        check_row([["产出指标"] * 9])
        == "应选择指标行的 8 个单元格（一级指标至偏差原因分析及改进措施），实际为 9 个"
    )
    assert (
        check_row([["a"], ["b"]])
        == "应选择指标行的 8 个单元格（一级指标至偏差原因分析及改进措施），实际为 2 个"
    )
    column = [
        [c] for c in ["产出指标", "数量指标", "短视频新闻", "30 期", "24 期", 10.0, 9.0, "疫情"]
    ]
    assert check_row(column) == "指标“短视频新闻”得分应为 24 ÷ 30 × 10 = 8.00，表中为 9"
    # the number format a host knows (0.0) prints as the sheet shows it, as check prints it
    row = [
        "产出指标",
        "数量指标",
        "短视频新闻",
        "30 期",
        "24 期",
        Cell(10.0, "0.0"),
        Cell(9.0, "0.0"),
        "疫情",
    ]
    assert check_row(*row) == "指标“短视频新闻”得分应为 24 ÷ 30 × 10 = 8.00，表中为 9.0"
    assert check_row([row]) == check_row(*row)


def test_check_row_follows_the_settings() -> None:
    row = [
        "产出指标",
        "质量指标",
        "制度健全性",
        "健全",
        "部分达成预期指标",
        10,
        5.5,
        "制度尚在修订。",
    ]
    assert check_row(*row) == ""  # 80-50: 部分达成 may earn 50–80 %
    udfs.configure(
        Settings.from_mapping({"families": {"national": {"qualitative_bands": "80-60"}}})
    )
    assert "60%–80%" in check_row(*row)
    udfs.configure(
        Settings.from_mapping(
            {"ignore": ["S209"], "families": {"national": {"qualitative_bands": "80-60"}}}
        )
    )
    assert check_row(*row) == ""


def test_check_row_is_fast_and_cached() -> None:
    import time

    row = ["产出指标", "数量指标", "短视频新闻", "30 期", "24 期", 10.0, 9.0, "疫情"]
    check_row(*row)  # the first call imports the checker and the rules
    calls = 50
    t = time.perf_counter()
    for i in range(calls):
        check_row(*row[:6], float(i % 10), "疫情")  # 10 distinct rows, then from the cache
    per_call = (time.perf_counter() - t) / calls
    assert per_call < 0.05  # milliseconds (about 2 ms uncached, 0.05 ms cached on the dev box)
    assert row_findings(*row) is row_findings(*row)
    udfs.configure(None)  # new settings: the cache is cleared
    assert row_findings(*row) == udfs.row_findings(*row)


# --------------------------------------------------------------------------- the formulas engine


def _formulas_adapter(fn: Callable[..., object]) -> Callable[..., object]:
    """What the formulas engine passes -> the UDF contract -> what it expects back.

    Ranges (and, in an ExcelModel, every cell reference) arrive as 2-D numpy object
    arrays, an empty cell as ``schedula.EMPTY``, an error as ``formulas`` ``XlError``.
    """
    import numpy as np
    import schedula as sh
    from formulas.tokens.operand import Error, XlError

    def cell(v: object) -> object:
        if v is sh.EMPTY:
            return None
        if isinstance(v, XlError):
            return ExcelError(str(v))
        if isinstance(v, np.bool_):
            return bool(v)
        if isinstance(v, np.integer):
            return int(v)
        if isinstance(v, np.floating):
            return float(v)
        return v

    def arg(v: object) -> object:
        if isinstance(v, np.ndarray):
            rows = [[cell(x) for x in row] for row in np.atleast_2d(v).tolist()]
            return rows[0][0] if len(rows) == 1 and len(rows[0]) == 1 else rows
        return cell(v)

    def call(*args: object) -> object:
        out = fn(*(arg(a) for a in args))
        return (
            Error.errors.get(out.code, Error.errors["#VALUE!"])
            if isinstance(out, ExcelError)
            else out
        )

    return call


@pytest.fixture
def formulas_engine() -> Iterator[Any]:
    pytest.importorskip("formulas")
    import formulas
    import formulas.functions

    registry = formulas.get_functions()
    before = {name: registry.get(name) for name in FUNCTIONS}
    for name, fn in FUNCTIONS.items():
        registry[name] = formulas.functions.wrap_func(_formulas_adapter(fn))
    yield formulas
    for name, old in before.items():
        if old is None:
            registry.pop(name, None)
        else:
            registry[name] = old


def _compile(formulas: Any, text: str) -> Any:
    return formulas.Parser().ast(text)[1].compile()


def test_formulas_compiled_functions(formulas_engine: Any) -> None:
    import numpy as np
    import schedula as sh
    from formulas.tokens.operand import XlError

    f = _compile(formulas_engine, "=BL_EXEC_RATE(A1,B1)")
    assert list(f.inputs) == ["A1", "B1"]
    assert f(969188.11, 987000.0) == pytest.approx(0.98195, abs=5e-6)
    assert f(sh.EMPTY, 987000.0) == ""
    assert isinstance(f(969188.11, 0.0), XlError)
    assert str(f(969188.11, 0.0)) == "#DIV/0!"
    assert str(f(XlError("#N/A"), 1.0)) == "#N/A"
    assert f(np.array([[969188.11]], object), np.array([["96.92 万元"]], object)) == pytest.approx(
        969188.11 / 969200
    )

    g = _compile(formulas_engine, "=BL_FUND_SCORE(BL_EXEC_RATE(A1,B1),10)")
    assert g(969188.11, 987000.0) == 9.8
    assert str(g(1.0, 0.0)) == "#DIV/0!"

    t = _compile(formulas_engine, "=BL_TOTAL(H5:H8,G5:G8)")
    assert set(t.inputs) == {"H5:H8", "G5:G8"}
    scores = np.array([[9.8], ["—"], [sh.EMPTY], [8.0]], object)

    def run(weights: list[list[object]]) -> object:
        cells = {"H5:H8": scores, "G5:G8": np.array(weights, object)}
        return t(*(cells[k] for k in t.inputs))

    assert run([[10], ["—"], [sh.EMPTY], [90]]) == 17.8
    assert (
        run([[10], ["—"], [sh.EMPTY], [80]])
        == "分值合计应为 100，实际为 10 + 80 = 90；各项得分合计 17.8"
    )

    assert _compile(formulas_engine, "=BL_GRADE(A1)")(67.14) == "合格"
    assert _compile(formulas_engine, '=BL_GRADE(A1,"全国")')(67.14) == "中"
    assert _compile(formulas_engine, '=BL_VALUE("96.92 万元")')() == 969200.0
    assert _compile(formulas_engine, '=BL_IND_SCORE("30 期","24期",10)')() == 8.0
    assert _compile(formulas_engine, '=BL_IND_SCORE("约120人","53人",10)')() == pytest.approx(
        4.4166666667
    )


def test_formulas_excel_model(formulas_engine: Any, tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "S"
    row = ["产出指标", "数量指标", "社会组织宣传短视频新闻", "30 期", "24 期", 10, 9, "因疫情影响"]
    for c, v in enumerate(row, start=2):
        ws.cell(1, c, v)
    ws["A2"], ws["B2"], ws["C2"] = 969188.11, 987000, "—"
    ws["A3"] = "=BL_EXEC_RATE(A2,B2)"
    ws["B3"] = "=BL_EXEC_RATE(A2,C2)"  # — : not applicable
    ws["C3"] = "=BL_EXEC_RATE(A2,D2)"  # D2 empty
    ws["D3"] = "=BL_FUND_SCORE(A3,10)"
    ws["E3"] = "=BL_CHECK_ROW(B1:I1)"
    ws["F3"] = "=BL_CHECK_ROW(B1,C1,D1,E1,F1,G1,H1,I1)"
    ws["G3"] = "=BL_TOTAL(A2:C2)"
    ws["H3"] = "=BL_EXEC_RATE(A2,1/0)"
    path = tmp_path / "udf.xlsx"
    wb.save(path)
    model = formulas_engine.ExcelModel().loads(str(path)).finish()
    solution = model.calculate()

    def at(ref: str) -> object:
        (v,) = [s.value for k, s in solution.items() if k.endswith(f"S'!{ref}")]
        return v[0, 0]

    assert at("A3") == pytest.approx(0.98195, abs=5e-6)
    assert at("B3") == ""
    assert at("C3") == ""
    assert at("D3") == 9.8
    assert at("E3") == "指标“社会组织宣传短视频新闻”得分应为 24 ÷ 30 × 10 = 8.00，表中为 9"
    assert at("F3") == at("E3")
    assert at("G3") == pytest.approx(969188.11 + 987000)
    assert str(at("H3")) == "#DIV/0!"


# --------------------------------------------------------------------------- xlwings


def _run(code: str) -> str:
    proc = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


def test_imports_without_xlwings_and_without_host_modules() -> None:
    out = _run(
        "import sys; sys.modules['xlwings'] = None\n"
        "import budgetlint.udfs as u\n"
        "assert not hasattr(u.BL_EXEC_RATE, '__xlfunc__')\n"
        "assert u.BL_EXEC_RATE(969188.11, 0) == '#DIV/0!'\n"
        "assert u.BL_CHECK_ROW('产出指标','数量指标','采购服务量','=3 项','3 项',10,10,'无偏差') == ''\n"
        "hosts = {'numpy', 'pandas', 'openpyxl', 'python_calamine', 'formulas', 'xlwings', 'pythoncom'}\n"
        "print(sorted(m for m in hosts if sys.modules.get(m) is not None))"
    )
    assert out == "[]"  # pure Python, as under Pyodide


def test_xlwings_on_linux_leaves_plain_functions() -> None:
    pytest.importorskip("xlwings")
    # On Linux and macOS outside a runtime, xw.func records no metadata: the BL_ functions
    # are the host wrappers, returning an error value as its text.
    assert udfs.BL_EXEC_RATE(969188.11, 987000.0) == exec_rate(969188.11, 987000.0)
    assert udfs.BL_EXEC_RATE(969188.11, 0.0) == "#DIV/0!"
    assert udfs.BL_EXEC_RATE(None, 1.0) == ""
    assert udfs.BL_GRADE(67.14) == "合格"
    assert udfs.BL_TOTAL([[9.8], [None], ["—"], [8.0]]) == 17.8
    assert (
        udfs.BL_CHECK_ROW(
            [["产出指标", "数量指标", "采购服务量", "=3 项", "3 项", 10, 10, "无偏差"]]
        )
        == ""
    )


# xlwings' Windows UDF machinery with pywin32 stood in: the metadata Excel registers, the VBA
# module it imports and call_udf, which converts Excel's arguments and our result.

_MISSING = -2147352572  # what pywin32 passes for an omitted optional argument
_XL_DIV0, _XL_NA = -2146826281, -2146826246  # Excel's error values as pywin32 passes them


class _FakeComRange:
    """A range as pywin32 hands it over: Value is a scalar or a tuple of row tuples."""

    def __init__(self, value: object) -> None:
        self.value = value


def _windows_engine() -> Any:
    """xlwings' own Windows engine data conversion (``_xlwindows.Engine``), without pywin32.

    The module imports pywin32 at its top, so its conversion code (``cell_errors``,
    ``_clean_value_data_element``, ``Engine``) is taken from the source and run as it is.
    """
    import xlwings

    src = (Path(xlwings.__file__).parent / "_xlwindows.py").read_text(encoding="utf-8")
    keep = []
    for node in ast.parse(src).body:
        if isinstance(node, ast.Assign) and any(
            getattr(t, "id", "") == "cell_errors" for t in node.targets
        ):
            keep.append(node)
        elif isinstance(node, ast.FunctionDef) and node.name == "_clean_value_data_element":
            keep.append(node)
        elif isinstance(node, ast.ClassDef) and node.name == "Engine":
            keep.append(node)
    assert len(keep) == 3
    ns: dict[str, Any] = {
        "time_types": (dt.date, dt.datetime),
        "_com_time_to_datetime": lambda v, builder: builder(
            year=v.year, month=v.month, day=v.day, hour=getattr(v, "hour", 0)
        ),
        "_datetime_to_com_time": lambda v: v,
        "pd": None,
        "np": None,
    }
    exec(compile(ast.Module(body=keep, type_ignores=[]), "xlwings/_xlwindows.py", "exec"), ns)
    return ns["Engine"]()


@pytest.fixture
def xlwings_windows(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Any, types.ModuleType]]:
    """(xlwings.udfs as on Windows, budgetlint.udfs as the add-in's COM server imports it)."""
    xlwings = pytest.importorskip("xlwings")
    from xlwings.main import Engine

    pythoncom = types.ModuleType("pythoncom")
    pythoncom.CoInitialize = lambda: None  # type: ignore[attr-defined]
    pywintypes = types.ModuleType("pywintypes")
    pywintypes.com_error = type("com_error", (Exception,), {})  # type: ignore[attr-defined]
    win32com = types.ModuleType("win32com")
    client = types.ModuleType("win32com.client")
    client.Dispatch = lambda *a, **k: None  # type: ignore[attr-defined]
    win32com.client = client  # type: ignore[attr-defined]
    win_engine = _windows_engine()

    class _App:
        engine = win_engine
        pid = 1

    class _Sheet:
        class book:
            app = _App()

    class _RangeImpl:  # xlwings._xlwindows.Range over a pywin32 range
        max_cells_per_read = None
        sheet = _Sheet()

        def __init__(self, xl: object = None) -> None:
            self.xl = xl

        @property
        def raw_value(self) -> object:
            return self.xl.value if isinstance(self.xl, _FakeComRange) else None

    xlwindows = types.ModuleType("xlwings._xlwindows")
    xlwindows.Range = _RangeImpl  # type: ignore[attr-defined]
    xlwindows.is_range_instance = lambda x: isinstance(x, _FakeComRange)  # type: ignore[attr-defined]
    com_server = types.ModuleType("xlwings.com_server")
    com_server.loop = None  # type: ignore[attr-defined]
    for name, mod in {
        "pythoncom": pythoncom,
        "pywintypes": pywintypes,
        "win32com": win32com,
        "win32com.client": client,
        "xlwings._xlwindows": xlwindows,
        "xlwings.com_server": com_server,
    }.items():
        monkeypatch.setitem(sys.modules, name, mod)
    monkeypatch.setattr(xlwings, "_xlwindows", xlwindows, raising=False)
    sys.modules.pop("xlwings.udfs", None)
    xludfs = importlib.import_module("xlwings.udfs")
    # what xlwings/__init__.py binds on Windows
    monkeypatch.setattr(xlwings, "func", xludfs.xlfunc)
    monkeypatch.setattr(xlwings, "arg", xludfs.xlarg)
    monkeypatch.setattr(xlwings, "ret", xludfs.xlret)
    excel = Engine(impl=win_engine)
    xlwings.engines.add(excel)

    name = "budgetlint_udfs_windows"
    spec = importlib.util.spec_from_file_location(name, udfs.__file__)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    try:
        yield xludfs, module
    finally:
        sys.modules.pop(name, None)
        sys.modules.pop("xlwings.udfs", None)
        if hasattr(xlwings, "udfs"):
            delattr(xlwings, "udfs")
        xlwings.engines.engines.remove(excel)
        xlwings.engines.engines_by_name.pop("excel", None)
        xludfs.com_executor.shutdown(wait=False)


def test_xlwings_metadata(xlwings_windows: tuple[Any, types.ModuleType]) -> None:
    _, mod = xlwings_windows
    for name, plain in mod.FUNCTIONS.items():
        f = getattr(mod, name)
        meta = f.__xlfunc__
        assert meta["name"] == name
        assert meta["category"] == "budgetlint"
        assert meta["sub"] is False and meta["volatile"] is False and meta["async_mode"] is None
        assert meta["ret"] == {"doc": mod.description(plain), "options": {}}
        assert len(meta["ret"]["doc"]) <= 255  # MacroOptions' limit
        params = list(__import__("inspect").signature(plain).parameters)
        assert [a["name"] for a in meta["args"]] == params
        for a in meta["args"]:
            want = {"err_to_str": True}
            if a["name"] in mod.XL_RANGE_ARGS.get(name, ()):
                want["ndim"] = 2
            assert a["options"] == want, (name, a["name"])
            assert a["doc"] == mod.XL_ARGS[name][a["name"]] and len(a["doc"]) <= 255
            assert a["name"].isascii()  # VBA parameter names
    exec_args = mod.BL_EXEC_RATE.__xlfunc__["args"]
    assert [("optional" in a) for a in exec_args] == [False, False]
    grade_args = mod.BL_GRADE.__xlfunc__["args"]
    assert grade_args[1]["optional"] is None
    assert mod.BL_CHECK_ROW.__xlfunc__["args"][0]["options"] == {"err_to_str": True, "ndim": 2}
    assert not hasattr(mod.exec_rate, "__xlfunc__")  # only the BL_ functions are listed


def test_xlwings_vba_module(xlwings_windows: tuple[Any, types.ModuleType]) -> None:
    xludfs, mod = xlwings_windows
    out = io.StringIO()

    class Workbook:
        Name = "budgetlint.xlam"

    xludfs.generate_vba_wrapper("budgetlint.udfs", mod, out, Workbook())
    vba = out.getvalue()
    assert "Function BL_EXEC_RATE(executed, budget)" in vba
    assert "Function BL_GRADE(total_score, Optional grade_table)" in vba
    assert (
        "Function BL_CHECK_ROW(level1, Optional level2, Optional level3, Optional target, "
        "Optional actual, Optional weight, Optional score, Optional reason)"
    ) in vba
    assert (
        'XLPy.CallUDF("budgetlint.udfs", "BL_EXEC_RATE", Array(executed, budget), ActiveWorkbook'
        in vba
    )
    assert vba.count("End Function") == len(mod.FUNCTIONS)
    assert vba.isascii()  # the module Excel imports is plain ASCII; the Chinese is in MacroOptions


def _call(xludfs: Any, mod: types.ModuleType, name: str, *args: object) -> object:
    """xlwings.udfs.call_udf as the VBA wrapper calls it; returns what Excel gets."""
    out = xludfs.call_udf(mod.__name__, name, args)
    assert isinstance(out, list) and len(out) == 1 and len(out[0]) == 1
    return out[0][0]


def test_xlwings_call_udf(xlwings_windows: tuple[Any, types.ModuleType]) -> None:
    xludfs, mod = xlwings_windows
    call = lambda *a: _call(xludfs, mod, *a)  # noqa: E731
    R = _FakeComRange
    assert call("BL_EXEC_RATE", R(969188.11), R(987000.0)) == pytest.approx(0.98195, abs=5e-6)
    assert call("BL_EXEC_RATE", 969188.11, 987000.0) == pytest.approx(0.98195, abs=5e-6)
    assert call("BL_EXEC_RATE", R("96.92 万元"), R(987000.0)) == pytest.approx(969200 / 987000)
    assert call("BL_EXEC_RATE", R(None), R(987000.0)) == ""  # a blank cell, not 0
    assert call("BL_EXEC_RATE", R("—"), R(987000.0)) == ""
    assert call("BL_EXEC_RATE", R(969188.11), R(0.0)) == "#DIV/0!"
    # an error cell arrives as its text (err_to_str), not as None like a blank
    assert call("BL_EXEC_RATE", R(_XL_DIV0), R(987000.0)) == "#DIV/0!"
    assert call("BL_EXEC_RATE", _XL_NA, 987000.0) == "#N/A"
    assert call("BL_FUND_SCORE", R(0.98195), 10.0) == 9.8
    assert call("BL_IND_SCORE", R("30 期"), R("24期"), R(10.0), _MISSING) == 8.0
    assert call("BL_IND_SCORE", ">90%", "90%", 20.0, _MISSING).startswith("需酌情评分")
    assert call("BL_BAND_CHECK", "部分达成预期指标", 9.0, 10.0, _MISSING).startswith("实际完成值为")
    column = R(((9.8,), ("—",), (None,), (8.0,)))
    assert call("BL_TOTAL", column, _MISSING) == 17.8
    assert call("BL_TOTAL", column, R(((10.0,), ("—",), (None,), (90.0,)))) == 17.8
    assert call("BL_TOTAL", R(9.8), _MISSING) == 9.8  # one cell: ndim=2 makes it [[9.8]]
    assert call("BL_TOTAL", R(((9.8,), (_XL_NA,))), _MISSING) == "#N/A"
    assert call("BL_GRADE", R(67.14), _MISSING) == "合格"
    assert call("BL_GRADE", 67.14, "全国") == "中"
    assert call("BL_GRADE", 80.0, R(((90.0, "A"), (75.0, "B"), (0.0, "C")))) == "B"
    assert call("BL_VALUE", R("96.92 万元"), _MISSING) == 969200.0
    assert call("BL_VALUE", R(96.92), "万元") == 969200.0
    assert call("BL_VALUE", R(dt.datetime(2021, 12, 31)), _MISSING) == "#VALUE!"
    row = (
        "产出指标",
        "数量指标",
        "社会组织宣传短视频新闻",
        "30 期",
        "24 期",
        10.0,
        9.0,
        "因疫情影响",
    )
    message = "指标“社会组织宣传短视频新闻”得分应为 24 ÷ 30 × 10 = 8.00，表中为 9"
    assert call("BL_CHECK_ROW", R((row,)), *[_MISSING] * 7) == message
    assert call("BL_CHECK_ROW", *[R(v) for v in row]) == message
    blank_merged = (None, None, *row[2:])  # 一级/二级 merged above: their cells read blank
    assert call("BL_CHECK_ROW", R((blank_merged,)), *[_MISSING] * 7) == message


def test_xlwings_decorated_functions_behave_as_the_plain_ones(
    xlwings_windows: tuple[Any, types.ModuleType],
) -> None:
    _, mod = xlwings_windows
    assert mod.BL_EXEC_RATE(969188.11, 987000.0) == exec_rate(969188.11, 987000.0)
    assert mod.BL_EXEC_RATE(969188.11, 0.0) == "#DIV/0!"
    assert mod.BL_IND_SCORE("约120人", "53人", 10.0) == ind_score("约120人", "53人", 10.0)
    assert mod.BL_GRADE(67.14, [[90, "优"], [0, "差"]]) == "差"
    assert (
        mod.BL_CHECK_ROW("产出指标", "数量指标", "采购服务量", "=3 项", "3 项", 10, 10, "无偏差")
        == ""
    )
