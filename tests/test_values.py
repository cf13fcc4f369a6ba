"""Tests of the value grammar (budgetlint.values)."""

from __future__ import annotations

import datetime
import math
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from budgetlint.values import (
    Kind,
    Number,
    Value,
    format_value,
    meets,
    normalize_text,
    parse_number,
    parse_value,
)

D = datetime.date

# --------------------------------------------------------------------------- #
# parse_value: every example of FORMS.md and of the seed forms
# --------------------------------------------------------------------------- #

# text -> expected fields (those not listed keep their defaults)
CASES: list[tuple[str, dict[str, Any]]] = [
    # quantities
    ("30 期", {"kind": Kind.QUANTITY, "number": 30.0, "unit": "期", "decimals": 0}),
    ("24 期", {"kind": Kind.QUANTITY, "number": 24.0, "unit": "期", "decimals": 0}),
    ("=3 项", {"kind": Kind.QUANTITY, "op": "=", "number": 3.0, "unit": "项", "decimals": 0}),
    ("3 项", {"kind": Kind.QUANTITY, "number": 3.0, "unit": "项", "decimals": 0}),
    ("约120人", {"kind": Kind.QUANTITY, "op": "~", "number": 120.0, "unit": "人", "decimals": 0}),
    ("53人", {"kind": Kind.QUANTITY, "number": 53.0, "unit": "人", "decimals": 0}),
    ("约20个", {"kind": Kind.QUANTITY, "op": "~", "number": 20.0, "unit": "个", "decimals": 0}),
    ("7个", {"kind": Kind.QUANTITY, "number": 7.0, "unit": "个", "decimals": 0}),
    ("350本", {"kind": Kind.QUANTITY, "number": 350.0, "unit": "本", "decimals": 0}),
    ("0本", {"kind": Kind.QUANTITY, "number": 0.0, "unit": "本", "decimals": 0}),
    ("6人", {"kind": Kind.QUANTITY, "number": 6.0, "unit": "人", "decimals": 0}),
    ("1台", {"kind": Kind.QUANTITY, "number": 1.0, "unit": "台", "decimals": 0}),
    ("3000 份", {"kind": Kind.QUANTITY, "number": 3000.0, "unit": "份", "decimals": 0}),
    ("4400份", {"kind": Kind.QUANTITY, "number": 4400.0, "unit": "份", "decimals": 0}),
    ("300家", {"kind": Kind.QUANTITY, "number": 300.0, "unit": "家", "decimals": 0}),
    ("10000 人次", {"kind": Kind.QUANTITY, "number": 10000.0, "unit": "人次", "decimals": 0}),
    (
        ">=21933人",
        {"kind": Kind.QUANTITY, "op": ">=", "number": 21933.0, "unit": "人", "decimals": 0},
    ),
    ("小于5次", {"kind": Kind.QUANTITY, "op": "<", "number": 5.0, "unit": "次", "decimals": 0}),
    (
        "1.5万人次",
        {"kind": Kind.QUANTITY, "number": 15000.0, "unit": "人次", "decimals": 1},
    ),
    ("3天内", {"kind": Kind.QUANTITY, "op": "<=", "number": 3.0, "unit": "天", "decimals": 0}),
    (
        "不少于 10 场",
        {"kind": Kind.QUANTITY, "op": ">=", "number": 10.0, "unit": "场", "decimals": 0},
    ),
    (
        "120人左右",
        {"kind": Kind.QUANTITY, "op": "~", "number": 120.0, "unit": "人", "decimals": 0},
    ),
    (
        "大约 30 小时",
        {"kind": Kind.QUANTITY, "op": "~", "number": 30.0, "unit": "小时", "decimals": 0},
    ),
    # bare numbers
    ("200", {"kind": Kind.NUMBER, "number": 200.0, "decimals": 0}),
    ("280", {"kind": Kind.NUMBER, "number": 280.0, "decimals": 0}),
    ("446", {"kind": Kind.NUMBER, "number": 446.0, "decimals": 0}),
    ("≥60", {"kind": Kind.NUMBER, "op": ">=", "number": 60.0, "decimals": 0}),
    ("100.00", {"kind": Kind.NUMBER, "number": 100.0, "decimals": 2}),
    # percentages
    ("100%", {"kind": Kind.PERCENT, "number": 1.0, "unit": "%", "decimals": 0}),
    ("0%", {"kind": Kind.PERCENT, "number": 0.0, "unit": "%", "decimals": 0}),
    ("90%", {"kind": Kind.PERCENT, "number": 0.9, "unit": "%", "decimals": 0}),
    ("95%", {"kind": Kind.PERCENT, "number": 0.95, "unit": "%", "decimals": 0}),
    (">90%", {"kind": Kind.PERCENT, "op": ">", "number": 0.9, "unit": "%", "decimals": 0}),
    ("≥90%", {"kind": Kind.PERCENT, "op": ">=", "number": 0.9, "unit": "%", "decimals": 0}),
    (">95%", {"kind": Kind.PERCENT, "op": ">", "number": 0.95, "unit": "%", "decimals": 0}),
    (">98%", {"kind": Kind.PERCENT, "op": ">", "number": 0.98, "unit": "%", "decimals": 0}),
    ("<2%", {"kind": Kind.PERCENT, "op": "<", "number": 0.02, "unit": "%", "decimals": 0}),
    ("≤5%", {"kind": Kind.PERCENT, "op": "<=", "number": 0.05, "unit": "%", "decimals": 0}),
    ("≥80%", {"kind": Kind.PERCENT, "op": ">=", "number": 0.8, "unit": "%", "decimals": 0}),
    (">=90%", {"kind": Kind.PERCENT, "op": ">=", "number": 0.9, "unit": "%", "decimals": 0}),
    ("98.00%", {"kind": Kind.PERCENT, "number": 0.98, "unit": "%", "decimals": 2}),
    ("≥100百分比", {"kind": Kind.PERCENT, "op": ">=", "number": 1.0, "unit": "%", "decimals": 0}),
    ("≥９０％", {"kind": Kind.PERCENT, "op": ">=", "number": 0.9, "unit": "%", "decimals": 0}),
    ("≥ 90 %", {"kind": Kind.PERCENT, "op": ">=", "number": 0.9, "unit": "%", "decimals": 0}),
    ("90%以上", {"kind": Kind.PERCENT, "op": ">=", "number": 0.9, "unit": "%", "decimals": 0}),
    ("不低于95%", {"kind": Kind.PERCENT, "op": ">=", "number": 0.95, "unit": "%", "decimals": 0}),
    ("≧95%", {"kind": Kind.PERCENT, "op": ">=", "number": 0.95, "unit": "%", "decimals": 0}),
    ("﹦100%", {"kind": Kind.PERCENT, "op": "=", "number": 1.0, "unit": "%", "decimals": 0}),
    ("═100%", {"kind": Kind.PERCENT, "op": "=", "number": 1.0, "unit": "%", "decimals": 0}),
    # amounts (in 元)
    (
        "<98.7 万元",
        {"kind": Kind.AMOUNT, "op": "<", "number": 987000.0, "unit": "元", "decimals": 1},
    ),
    ("96.92 万元", {"kind": Kind.AMOUNT, "number": 969200.0, "unit": "元", "decimals": 2}),
    (
        "≤134.68 万",
        {"kind": Kind.AMOUNT, "op": "<=", "number": 1346800.0, "unit": "元", "decimals": 2},
    ),
    ("131.80 万元", {"kind": Kind.AMOUNT, "number": 1318000.0, "unit": "元", "decimals": 2}),
    (
        "<1016500 元",
        {"kind": Kind.AMOUNT, "op": "<", "number": 1016500.0, "unit": "元", "decimals": 0},
    ),
    ("999493 元", {"kind": Kind.AMOUNT, "number": 999493.0, "unit": "元", "decimals": 0}),
    ("1248800元", {"kind": Kind.AMOUNT, "number": 1248800.0, "unit": "元", "decimals": 0}),
    ("1899757.44 元", {"kind": Kind.AMOUNT, "number": 1899757.44, "unit": "元", "decimals": 2}),
    ("≤1.5万", {"kind": Kind.AMOUNT, "op": "<=", "number": 15000.0, "unit": "元", "decimals": 1}),
    ("0.89万元", {"kind": Kind.AMOUNT, "number": 8900.0, "unit": "元", "decimals": 2}),
    ("<49万元", {"kind": Kind.AMOUNT, "op": "<", "number": 490000.0, "unit": "元", "decimals": 0}),
    ("48.5万元", {"kind": Kind.AMOUNT, "number": 485000.0, "unit": "元", "decimals": 1}),
    (
        "<171.98 万元",
        {"kind": Kind.AMOUNT, "op": "<", "number": 1719800.0, "unit": "元", "decimals": 2},
    ),
    (
        "不超过1,016,500元",
        {"kind": Kind.AMOUNT, "op": "<=", "number": 1016500.0, "unit": "元", "decimals": 0},
    ),
    ("1 016 500 元", {"kind": Kind.AMOUNT, "number": 1016500.0, "unit": "元", "decimals": 0}),
    # ranges
    (
        "≥60&&≤100",
        {
            "kind": Kind.RANGE,
            "op": ">=",
            "number": 60.0,
            "upper": 100.0,
            "upper_op": "<=",
            "decimals": 0,
        },
    ),
    (
        "≥60%&&<100%",
        {
            "kind": Kind.RANGE,
            "op": ">=",
            "number": 0.6,
            "upper": 1.0,
            "upper_op": "<",
            "unit": "%",
            "decimals": 0,
        },
    ),
    (
        "60至100人",
        {
            "kind": Kind.RANGE,
            "op": ">=",
            "number": 60.0,
            "upper": 100.0,
            "upper_op": "<=",
            "unit": "人",
            "decimals": 0,
        },
    ),
    (
        "≤2万元且>1万元",
        {
            "kind": Kind.RANGE,
            "op": ">",
            "number": 10000.0,
            "upper": 20000.0,
            "upper_op": "<=",
            "unit": "元",
            "decimals": 0,
        },
    ),
    # dates
    (
        "2021年12月",
        {"kind": Kind.DATE, "date": D(2021, 12, 31), "date_precision": "month"},
    ),
    (
        "2019年12月31日前",
        {"kind": Kind.DATE, "date": D(2019, 12, 31), "date_precision": "day", "deadline": True},
    ),
    (
        "2019年8月31日前",
        {"kind": Kind.DATE, "date": D(2019, 8, 31), "date_precision": "day", "deadline": True},
    ),
    ("2021年", {"kind": Kind.DATE, "date": D(2021, 12, 31), "date_precision": "year"}),
    ("2021年12月底", {"kind": Kind.DATE, "date": D(2021, 12, 31), "date_precision": "month"}),
    (
        "2021年6月底前",
        {"kind": Kind.DATE, "date": D(2021, 6, 30), "date_precision": "month", "deadline": True},
    ),
    (
        "在2020年2月之前",
        {"kind": Kind.DATE, "date": D(2020, 2, 29), "date_precision": "month", "deadline": True},
    ),
    ("2021-03-15", {"kind": Kind.DATE, "date": D(2021, 3, 15), "date_precision": "day"}),
    ("2021.09", {"kind": Kind.DATE, "date": D(2021, 9, 30), "date_precision": "month"}),
    (
        "2022年9月以前",
        {"kind": Kind.DATE, "date": D(2022, 9, 30), "date_precision": "month", "deadline": True},
    ),
    # qualitative
    *[
        (w, {"kind": Kind.QUALITATIVE, "word": w})
        for w in (
            "及时",
            "提高",
            "提升",
            "健全",
            "有效",
            "合理",
            "合规",
            "完备",
            "可控",
            "正常",
            "保障",
            "足额到位",
            "减少",
            "良好",
            "完成",
            "达标",
            "按时",
            "规范",
            "按时完成",
            "已完成",
            "显著",
            "明显",
        )
    ],
    ("及时。", {"kind": Kind.QUALITATIVE, "word": "及时"}),
    # achievement
    ("达成预期指标", {"kind": Kind.ACHIEVEMENT, "word": "达成"}),
    ("部分达成预期指标", {"kind": Kind.ACHIEVEMENT, "word": "部分达成"}),
    ("未达成预期指标", {"kind": Kind.ACHIEVEMENT, "word": "未达成"}),
    ("达成", {"kind": Kind.ACHIEVEMENT, "word": "达成"}),
    ("部分达成", {"kind": Kind.ACHIEVEMENT, "word": "部分达成"}),
    ("未达成", {"kind": Kind.ACHIEVEMENT, "word": "未达成"}),
    ("已达成", {"kind": Kind.ACHIEVEMENT, "word": "达成"}),
    ("未达到预期目标", {"kind": Kind.ACHIEVEMENT, "word": "未达成"}),
    # no target
    ("无", {"kind": Kind.NONE}),
    ("0", {"kind": Kind.NONE}),
    ("不适用", {"kind": Kind.NONE}),
    # empty
    ("", {"kind": Kind.EMPTY}),
    ("—", {"kind": Kind.EMPTY}),
    ("——", {"kind": Kind.EMPTY}),
    ("-", {"kind": Kind.EMPTY}),
    ("－", {"kind": Kind.EMPTY}),
    ("/", {"kind": Kind.EMPTY}),
    ("／", {"kind": Kind.EMPTY}),
    ("  ", {"kind": Kind.EMPTY}),
    # free text
    ("总报告1篇、分类报告4篇、专题报告3篇、优秀实践与创新案例5篇", {"kind": Kind.TEXT}),
    ("总报告1篇、分类报告3篇、专项报告6篇、区域报告10篇", {"kind": Kind.TEXT}),
    ("由于疫情影响，项目终止开展。", {"kind": Kind.TEXT}),
    ("(≥**人)", {"kind": Kind.TEXT}),
    ("**", {"kind": Kind.TEXT}),
    ('"', {"kind": Kind.TEXT}),
    ("无。", {"kind": Kind.NONE}),
    ("<0.1%", {"kind": Kind.PERCENT, "op": "<", "number": 0.001, "unit": "%", "decimals": 1}),
    (">75分", {"kind": Kind.QUANTITY, "op": ">", "number": 75.0, "unit": "分", "decimals": 0}),
    ("<0.5h", {"kind": Kind.QUANTITY, "op": "<", "number": 0.5, "unit": "h", "decimals": 1}),
    ("2020年06月", {"kind": Kind.DATE, "date": D(2020, 6, 30), "date_precision": "month"}),
    ("提高社会组织知晓度", {"kind": Kind.TEXT}),
    ("2 3", {"kind": Kind.TEXT}),
    ("约90%以下", {"kind": Kind.TEXT}),
]


@pytest.mark.parametrize(("raw", "expected"), CASES, ids=[c[0] or "blank" for c in CASES])
def test_parse_value_examples(raw: str, expected: dict[str, Any]) -> None:
    v = parse_value(raw)
    want = Value(
        kind=expected["kind"],
        text=raw.strip(),
        **{k: x for k, x in expected.items() if k != "kind"},
    )
    assert v == want
    if v.number is not None:
        assert v.number == expected["number"]  # exact, not just approximately


def test_printed_unit_is_kept_but_not_compared() -> None:
    assert parse_value("≤134.68 万").printed_unit == "万"
    assert parse_value("96.92 万元").printed_unit == "万元"
    assert parse_value("≥100百分比").printed_unit == "百分比"
    assert parse_value("1.5万人次").printed_unit == "万人次"
    assert parse_value("15000 元") == Value(
        Kind.AMOUNT, "15000 元", number=15000.0, unit="元", decimals=0, printed_unit="ignored"
    )


def test_text_is_the_stripped_original() -> None:
    assert parse_value("  ≥９０％\n").text == "≥９０％"
    assert parse_value("\u00a030 期\u3000").text == "30 期"


def test_zero_depends_on_role() -> None:
    assert parse_value("0").kind is Kind.NONE
    assert parse_value(0).kind is Kind.NONE
    assert parse_value(0.0).kind is Kind.NONE
    assert parse_value("0", role="actual") == Value(Kind.NUMBER, "0", number=0.0, decimals=0)
    assert parse_value(0, role="actual") == Value(Kind.NUMBER, "0", number=0.0, decimals=0)
    assert parse_value("0.0") == Value(Kind.NUMBER, "0.0", number=0.0, decimals=1)
    assert parse_value("0%").kind is Kind.PERCENT
    assert parse_value("无", role="actual").kind is Kind.NONE


@pytest.mark.parametrize(
    ("raw", "text", "number", "decimals"),
    [
        (0.98, "0.98", 0.98, 2),
        (280, "280", 280.0, 0),
        (280.0, "280", 280.0, 0),
        (9.8, "9.8", 9.8, 1),
        (969188.11, "969188.11", 969188.11, 2),
        (1e-05, "0.00001", 1e-05, 5),
        (-3, "-3", -3.0, 0),
    ],
)
def test_parse_value_numeric_cells(raw: float, text: str, number: float, decimals: int) -> None:
    assert parse_value(raw) == Value(Kind.NUMBER, text, number=number, decimals=decimals)


def test_parse_value_other_cells() -> None:
    assert parse_value(None) == Value(Kind.EMPTY, "")
    assert parse_value(float("nan")) == Value(Kind.EMPTY, "")
    assert parse_value(True) == Value(Kind.TEXT, "True")
    assert parse_value(datetime.datetime(2021, 12, 31, 0, 0)) == Value(
        Kind.DATE, "2021-12-31", date=D(2021, 12, 31), date_precision="day"
    )


def test_value_properties() -> None:
    ge = parse_value("≥90%")
    gt = parse_value(">90%")
    le = parse_value("≤1.5万")
    lt = parse_value("<2%")
    plain = parse_value("30 期")
    assert (ge.is_lower_bound, ge.is_upper_bound, ge.is_strict) == (True, False, False)
    assert (gt.is_lower_bound, gt.is_upper_bound, gt.is_strict) == (True, False, True)
    assert (le.is_lower_bound, le.is_upper_bound, le.is_strict) == (False, True, False)
    assert (lt.is_lower_bound, lt.is_upper_bound, lt.is_strict) == (False, True, True)
    assert (plain.is_lower_bound, plain.is_upper_bound, plain.is_strict) == (False, False, False)
    assert [parse_value(s).is_numeric for s in ("200", "30 期", "90%", "48.5万元")] == [True] * 4
    assert [parse_value(s).is_numeric for s in ("≥60&&≤100", "及时", "无", "2021年")] == [False] * 4


# --------------------------------------------------------------------------- #
# normalize_text
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("≥９０％", "≥90%"),
        ("＞＝90%", "≥90%"),
        (">=90%", "≥90%"),
        ("<=5%", "≤5%"),
        ("> = 3", "≥ 3"),
        ("≧95%", "≥95%"),
        ("≦5%", "≤5%"),
        ("﹦3", "=3"),
        ("═3", "=3"),
        ("＝3", "=3"),
        ("项目资金（元）", "项目资金(元)"),
        ("年度资金总额：", "年度资金总额:"),
        ("\u3000 30\u00a0期 \n", "30 期"),
        ("ＡＢＣ＆＆", "ABC&&"),
        ("实际完成值", "实际完成值"),
        ("￥1,000", "¥1,000"),
    ],
)
def test_normalize_text(raw: str, expected: str) -> None:
    assert normalize_text(raw) == expected


# --------------------------------------------------------------------------- #
# parse_number
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("17,820.76", Number(17820.76, 2, as_text=True)),
        ("1 016 500", Number(1016500.0, 0, as_text=True)),
        ("1\u00a0016\u00a0500", Number(1016500.0, 0, as_text=True)),
        ("0.98", Number(0.98, 2, as_text=True)),
        ("98%", Number(0.98, 0, percent=True, as_text=True)),
        ("98.00%", Number(0.98, 2, percent=True, as_text=True)),
        ("９８．５％", Number(0.985, 1, percent=True, as_text=True)),
        ("１２３", Number(123.0, 0, as_text=True)),
        ("96.92 万元", Number(96.92, 2, unit="万元", as_text=True)),
        ("96.92万", Number(96.92, 2, unit="万元", as_text=True)),
        ("1000元", Number(1000.0, 0, unit="元", as_text=True)),
        ("¥1,000.00", Number(1000.0, 2, as_text=True)),
        ("￥1,000.00", Number(1000.0, 2, as_text=True)),
        ("10分", Number(10.0, 0, unit="分", as_text=True)),
        ("\n 987000.00 \n", Number(987000.0, 2, as_text=True)),
        ("-12.5", Number(-12.5, 1, as_text=True)),
        (9.8, Number(9.8, 1)),
        (10.0, Number(10.0, 0)),
        (95.3, Number(95.3, 1)),
        (100, Number(100.0, 0)),
        (969188.11, Number(969188.11, 2)),
    ],
)
def test_parse_number(raw: object, expected: Number) -> None:
    assert parse_number(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        None,
        "",
        "—",
        "——",
        "-",
        "/",
        "／",
        "无",
        "及时",
        "≥90%",
        "30 期",
        "12 34",
        "1,0000",
        "约100",
        "100%完成",
        True,
        float("nan"),
        float("inf"),
        [1],
    ],
)
def test_parse_number_rejects(raw: object) -> None:
    assert parse_number(raw) is None


def test_number_yuan() -> None:
    n = parse_number("96.92 万元")
    assert n is not None and n.yuan == 969200.0
    m = parse_number("999493 元")
    assert m is not None and m.yuan == 999493.0
    k = parse_number("17,820.76")
    assert k is not None and k.yuan == 17820.76


# --------------------------------------------------------------------------- #
# meets
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize(
    ("target", "actual", "expected"),
    [
        # the brief's cases
        (">90%", "90%", False),
        ("≥90%", "90%", True),
        ("<2%", "2%", False),
        ("≤5%", "5%", True),
        ("30 期", "24 期", False),
        ("及时", "及时", True),
        ("≥60&&≤100", "200", False),
        ("2019年12月31日前", "2019年11月", True),
        ("≥90%", "≥90%", None),
        # more from the seeds
        (">95%", "95%", False),
        (">98%", "100%", True),
        ("100%", "100%", True),
        ("100%", "0%", False),
        ("=3 项", "3 项", True),
        ("约120人", "53人", False),
        ("约20个", "7个", False),
        ("350本", "0本", False),
        ("250 个", "267 个", True),
        ("280", "446", True),
        ("≥60&&≤100", "80", True),
        ("≥60&&≤100", "60", True),
        ("≥60&&≤100", "100", True),
        ("≥60&&<100", "100", False),
        ("<98.7 万元", "96.92 万元", True),
        ("≤134.68 万", "131.80 万元", True),
        ("<1016500 元", "999493 元", True),
        ("<1016500 元", "1016500 元", False),
        ("≤1.5万", "0.89万元", True),
        ("<4万元", "0.98万元", True),
        ("小于5次", "5次", False),
        ("小于5次", "4次", True),
        ("提高", "提高", True),
        ("提高", "提升", True),
        ("正常", "正常", True),
        ("保障", "保障", True),
        ("及时", "按时完成", True),
        ("及时", "达成预期指标", True),
        ("及时", "部分达成预期指标", False),
        ("及时", "未达成预期指标", False),
        ("及时", "未完成", False),
        ("提升", "由于疫情影响，项目终止开展。", None),
        ("100%", "由于疫情影响，项目终止开展。", None),
        ("2021年12月", "2021年12月", True),
        ("2021年12月", "2022年1月", False),
        ("2021年12月", "2021年", True),
        ("2019年11月15日前", "2019年11月", None),
        ("2019年8月31日前", "2019年9月1日", False),
        ("2021年12月", "按时完成", True),
        ("达成预期指标", "部分达成预期指标", False),
        ("达成预期指标", "达成预期指标", True),
        # undecidable: mismatched kinds or units, no direction, no target
        ("30 期", "30 项", None),
        ("90%", "0.9", None),
        ("96.92 万元", "96.92 万元", None),
        ("<98.7 万元", "969188.11", None),
        ("无", "无", None),
        ("总报告1篇", "总报告1篇", None),
        ("及时", "100%", None),
        ("提高", "减少", None),
        ("≥60&&≤100", "≥60", None),
        ("≥90%", "约95%", True),
    ],
)
def test_meets(target: str, actual: str, expected: bool | None) -> None:
    assert meets(parse_value(target), parse_value(actual, role="actual")) is expected


def test_meets_zero_target_is_exact() -> None:
    assert meets(parse_value("0%"), parse_value("0%")) is True
    assert meets(parse_value("0%"), parse_value("2%")) is False
    assert meets(parse_value("0.0"), parse_value(0, role="actual")) is True


def test_meets_numeric_cell_actual() -> None:
    assert meets(parse_value("280"), parse_value(446, role="actual")) is True
    assert meets(parse_value("≥60&&≤100"), parse_value(200.0, role="actual")) is False
    assert meets(parse_value("≥60"), parse_value(59.5, role="actual")) is False


# --------------------------------------------------------------------------- #
# format_value
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("30 期", "30期"),
        ("=3 项", "=3项"),
        ("约120人", "约120人"),
        ("120人左右", "约120人"),
        (">=90%", "≥90%"),
        ("98.00%", "98.00%"),
        ("≥100百分比", "≥100%"),
        ("<98.7 万元", "<98.7万元"),
        ("≤134.68 万", "≤134.68万"),
        ("<1016500 元", "<1016500元"),
        ("1.5万人次", "1.5万人次"),
        ("小于5次", "<5次"),
        ("≥60&&≤100", "≥60&&≤100"),
        ("60至100人", "≥60人&&≤100人"),
        ("2021年12月", "2021年12月"),
        ("2019年12月31日前", "2019年12月31日前"),
        ("2021年12月底前", "2021年12月前"),
        ("2021年", "2021年"),
        ("及时", "及时"),
        ("部分达成", "部分达成预期指标"),
        ("不适用", "无"),
        ("—", "—"),
        ("由于疫情影响，项目终止开展。", "由于疫情影响，项目终止开展。"),
    ],
)
def test_format_value(raw: str, expected: str) -> None:
    v = parse_value(raw)
    assert format_value(v) == expected
    assert parse_value(format_value(v)) == v.__class__(**{**v.__dict__, "text": expected})


# --------------------------------------------------------------------------- #
# Properties
# --------------------------------------------------------------------------- #

OPS = st.sampled_from([None, "=", ">=", ">", "<=", "<", "~"])
UNITS = [
    "期",
    "项",
    "人",
    "本",
    "个",
    "次",
    "家",
    "份",
    "篇",
    "台",
    "人次",
    "场",
    "天",
    "小时",
    "户",
]


@st.composite
def decimals_and_number(draw: st.DrawFn, max_int: int = 10**9) -> tuple[Decimal, int]:
    d = draw(st.integers(min_value=0, max_value=4))
    k = draw(st.integers(min_value=-max_int, max_value=max_int))
    return Decimal(k).scaleb(-d), d


@st.composite
def numeric_values(draw: st.DrawFn) -> Value:
    op = draw(OPS)
    x, d = draw(decimals_and_number())
    shape = draw(st.sampled_from(["number", "quantity", "quantity万", "percent", "元", "万元"]))
    if shape == "number":
        return Value(Kind.NUMBER, "", op=op, number=float(x), decimals=d)
    if shape == "quantity":
        unit = draw(st.sampled_from(UNITS))
        return Value(Kind.QUANTITY, "", op=op, number=float(x), unit=unit, decimals=d)
    if shape == "quantity万":
        unit = draw(st.sampled_from(UNITS))
        return Value(
            Kind.QUANTITY,
            "",
            op=op,
            number=float(x * 10000),
            unit=unit,
            decimals=d,
            printed_unit="万" + unit,
        )
    if shape == "percent":
        return Value(Kind.PERCENT, "", op=op, number=float(x / 100), unit="%", decimals=d)
    if shape == "元":
        return Value(Kind.AMOUNT, "", op=op, number=float(x), unit="元", decimals=d)
    return Value(
        Kind.AMOUNT, "", op=op, number=float(x * 10000), unit="元", decimals=d, printed_unit="万元"
    )


def _rel_close(a: float | None, b: float | None) -> bool:
    assert a is not None and b is not None
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


@given(numeric_values())
def test_format_parse_round_trip_numeric(v: Value) -> None:
    text = format_value(v)
    back = parse_value(text, role="actual")
    assert (back.kind, back.op, back.unit) == (v.kind, v.op, v.unit), text
    assert _rel_close(back.number, v.number), text
    if v.number != 0 or v.op is not None:
        target = parse_value(text)
        assert (target.kind, target.op, target.unit) == (v.kind, v.op, v.unit), text


@given(numeric_values())
def test_format_parse_round_trip_unscaled(v: Value) -> None:
    """Without a printed unit the value prints in model units (元, count, %)."""
    plain = Value(v.kind, "", op=v.op, number=v.number, unit=v.unit)
    back = parse_value(format_value(plain), role="actual")
    assert (back.kind, back.op, back.unit) == (plain.kind, plain.op, plain.unit)
    assert _rel_close(back.number, plain.number)


@given(
    lo=decimals_and_number(max_int=10**6),
    width=st.integers(min_value=0, max_value=10**6),
    lo_op=st.sampled_from([">=", ">"]),
    hi_op=st.sampled_from(["<=", "<"]),
    unit=st.sampled_from(["", "%", "元", "人", "项"]),
)
def test_format_parse_round_trip_range(
    lo: tuple[Decimal, int], width: int, lo_op: str, hi_op: str, unit: str
) -> None:
    x, d = lo
    low, high = x, x + width
    if unit == "%":
        low, high = low / 100, high / 100
    v = Value(
        Kind.RANGE,
        "",
        op=lo_op,
        number=float(low),
        unit=unit,
        upper=float(high),
        upper_op=hi_op,
        decimals=d,
    )
    back = parse_value(format_value(v))
    assert (back.kind, back.op, back.upper_op, back.unit) == (Kind.RANGE, lo_op, hi_op, unit)
    assert _rel_close(back.number, v.number)
    assert _rel_close(back.upper, v.upper)


@given(
    day=st.dates(min_value=D(1990, 1, 1), max_value=D(2099, 12, 31)),
    precision=st.sampled_from(["year", "month", "day"]),
    deadline=st.booleans(),
)
def test_format_parse_round_trip_date(day: D, precision: str, deadline: bool) -> None:
    v = parse_value(
        format_value(Value(Kind.DATE, "", date=day, date_precision=precision, deadline=deadline))
    )
    if precision == "year":
        last = D(day.year, 12, 31)
    elif precision == "month":
        nxt = D(day.year + (day.month == 12), day.month % 12 + 1, 1)
        last = nxt - datetime.timedelta(days=1)
    else:
        last = day
    assert (v.kind, v.date, v.date_precision, v.deadline) == (Kind.DATE, last, precision, deadline)


@given(st.sampled_from(["及时", "提高", "足额到位", "按时完成", "达成", "部分达成", "未达成"]))
def test_format_parse_round_trip_words(word: str) -> None:
    v = parse_value(word)
    back = parse_value(format_value(v))
    assert (back.kind, back.word) == (v.kind, v.word)


_FULL_WIDTH = str.maketrans("0123456789.,-%", "０１２３４５６７８９．，－％")


@given(decimals_and_number())
def test_parse_number_renderings(xd: tuple[Decimal, int]) -> None:
    x, d = xd
    grouped = f"{x:,.{d}f}"
    for text in (grouped, grouped.translate(_FULL_WIDTH), grouped.replace(",", " "), f"{x:.{d}f}"):
        n = parse_number(text)
        assert n is not None, text
        assert (n.value, n.decimals, n.percent, n.unit, n.as_text) == (
            float(x),
            d,
            False,
            "",
            True,
        ), text


@given(decimals_and_number(max_int=10**6))
def test_parse_number_percent(pd: tuple[Decimal, int]) -> None:
    p, d = pd
    for text in (f"{p:.{d}f}%", f"{p:.{d}f}%".translate(_FULL_WIDTH)):
        n = parse_number(text)
        assert n is not None, text
        assert n.percent and n.decimals == d
        assert _rel_close(n.value, float(p) / 100)


@given(decimals_and_number(max_int=10**8), st.sampled_from(["万元", " 万元", "万"]))
def test_parse_number_wan(wd: tuple[Decimal, int], suffix: str) -> None:
    w, d = wd
    n = parse_number(f"{w:.{d}f}{suffix}")
    assert n is not None
    assert (n.value, n.decimals, n.unit) == (float(w), d, "万元")
    assert _rel_close(n.yuan, float(w) * 10000)
    v = parse_value(f"≤{w:.{d}f}{suffix}")
    assert (v.kind, v.op, v.unit, v.decimals) == (Kind.AMOUNT, "<=", "元", d)
    assert v.number == float(w * 10000)


_ALPHABET = st.sampled_from(
    list("0123456789０９.,，%％ 万元人次期项≥≤<>=≧﹦约左右以上内&-—/年月日前及时提高无达成未部分")
)


@given(st.text(_ALPHABET, max_size=12))
def test_any_text_parses_and_reprints(raw: str) -> None:
    v = parse_value(raw)
    assert v.text == raw.strip()
    parse_number(raw)  # never raises
    if v.kind is not Kind.TEXT:
        back = parse_value(format_value(v), role="actual" if v.kind is Kind.NUMBER else "target")
        assert (back.kind, back.op, back.unit, back.upper_op, back.date, back.word) == (
            v.kind,
            v.op,
            v.unit,
            v.upper_op,
            v.date,
            v.word,
        ), format_value(v)
        if v.number is not None:
            assert _rel_close(back.number, v.number)


@pytest.mark.parametrize(
    ("cell", "decimals"),
    [(16940.76, 2), (0.98, 2), (9.8, 1), (10.0, 0), (0.1234567, 6), (1e-05, 5), (1.5e-07, 6)],
)
def test_a_float_cell_has_the_decimals_it_stores(cell: float, decimals: int) -> None:
    n = parse_number(cell)
    assert n is not None and n.decimals == decimals


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_float_decimals_are_those_of_the_shortest_repr(x: float) -> None:
    n = parse_number(x)
    assert n is not None
    exp = Decimal(repr(x)).as_tuple().exponent
    assert isinstance(exp, int)
    assert n.decimals == (0 if x.is_integer() else min(max(-exp, 0), 6))
