"""Tests of the narrative reader (budgetlint.narrative) on the 情况说明 of seed 002.

The paragraphs are section 三 of the seed's 部门决算公开 text as transcribed in
``budgetlint.build.seed_d`` (what the example workbook's 情况说明 sheet holds):
paragraphs cut by a page break in the text extraction rejoined as the document
prints them.
"""

from __future__ import annotations

from collections import Counter

import pytest

from budgetlint.build.seed_d import NARRATIVE as SEED_NARRATIVE
from budgetlint.grid import CellRef
from budgetlint.narrative import (
    Figure,
    Narrative,
    ProjectSummary,
    parse_paragraph,
    parse_summary,
    read_narrative,
)

# The paragraphs as the example workbook's 情况说明 sheet holds them (seed 002, section 三).
NARRATIVE: tuple[str, ...] = SEED_NARRATIVE


def _para(prefix: str) -> str:
    """The one paragraph of NARRATIVE that starts with ``prefix``."""
    found = [p for p in NARRATIVE if p.startswith(prefix)]
    assert found, prefix
    return found[0]


def _summary_texts() -> list[str]:
    return [p for p in NARRATIVE if "绩效自评综述" in p]


@pytest.fixture(scope="module")
def narrative() -> Narrative:
    refs = [CellRef("情况说明", row, 1) for row in range(1, len(NARRATIVE) + 1)]
    return read_narrative(list(zip(refs, NARRATIVE, strict=True)))


def _brief(f: Figure) -> tuple[str, str, float, int, str]:
    return (f.kind, f.subject, f.value, f.decimals, f.unit)


# --------------------------------------------------------------------------- #
# (一)…(十): the figures of each section
# --------------------------------------------------------------------------- #


def test_overall_every_figure_with_subject_and_value() -> None:
    text = _para("2019 年度中共深圳市委政法委员会年初结转和结余")
    figures = parse_paragraph(text, "(一) 收入支出决算总体情况说明")
    assert [_brief(f) for f in figures] == [
        ("amount", "年初结转和结余", 3912600.0, 2, "万元"),
        ("amount", "本年收入", 178207600.0, 2, "万元"),
        ("amount", "本年支出", 178207600.0, 2, "万元"),
        ("amount", "用事业基金弥补收支", 0.0, 0, "万元"),
        ("amount", "结余分配", 0.0, 0, "万元"),
        ("amount", "年末结转和结余", 3912600.0, 2, "万元"),
    ]
    first = figures[1]
    assert first.text == "17,820.76 万元"
    assert text[first.span[0] : first.span[1]] == "17,820.76 万元"
    assert all(f.section == "(一) 收入支出决算总体情况说明" for f in figures)
    assert all(f.parent is None and f.ref is None for f in figures)


def test_income_parts_and_change() -> None:
    figures = parse_paragraph(_para("2019 年度中共深圳市委政法委员会部门决算收入"))
    assert [(f.kind, f.subject, f.parent) for f in figures] == [
        ("amount", "部门决算收入", None),
        ("amount", "财政拨款收入", 0),
        ("amount", "其他收入", 0),
        ("change", "收入", None),
    ]
    assert figures[2].text == "880 万元" and figures[2].decimals == 0
    change = figures[3]
    assert (change.direction, change.versus, change.of, change.value) == (1, "上年", 0, 4364100.0)


def test_shares_of_expenditure_by_use_have_their_base() -> None:
    figures = parse_paragraph(_para("2019 年财政拨款支出按用途划分"))
    shares = [f for f in figures if f.kind == "share"]
    assert [(f.subject, f.value, f.decimals, f.unit, f.base) for f in shares] == [
        ("基本支出决算", 0.419, 1, "%", "财政拨款支出"),
        ("项目支出决算", 0.581, 1, "%", "财政拨款支出"),
    ]
    assert [figures[f.of].text for f in shares if f.of is not None] == [
        "7,103.37 万元",
        "9,837.39 万元",
    ]
    basic = next(i for i, f in enumerate(figures) if f.subject == "基本支出决算")
    project = next(i for i, f in enumerate(figures) if f.subject == "项目支出决算")
    # the second total is a sibling of the first, not one of its parts
    assert figures[basic].parent is None and figures[project].parent is None
    basic_parts = [f for f in figures if f.parent == basic]
    project_parts = [f for f in figures if f.parent == project]
    assert [f.subject for f in basic_parts] == [
        "工资福利支出",
        "对个人和家庭的补助",
        "商品和服务支出",
        "其他资本性支出等支出",
    ]
    assert [f.subject for f in project_parts] == [
        "工资福利支出",
        "商品和服务支出",
        "对个人和家庭的补助",
        "资本性支出（基本建设）",
        "其他资本性支出",
    ]
    assert round(sum(f.value for f in basic_parts)) == round(figures[basic].value)
    assert round(sum(f.value for f in project_parts)) == round(figures[project].value)


def test_changes_against_the_initial_budget() -> None:
    figures = parse_paragraph(_para("2019 年度中共深圳市委政法委员会一般公共预算财政拨款支出"))
    changes = [f for f in figures if f.kind == "change"]
    assert [(f.subject, f.value, f.direction, f.versus) for f in changes] == [
        ("一般公共预算财政拨款支出", 8637600.0, 1, "年初预算"),
        ("基本支出", 6783700.0, 1, "年初预算"),
        ("项目支出", 1853900.0, 1, "年初预算"),
    ]
    assert [figures[f.of].value for f in changes if f.of is not None] == [
        169407600.0,
        71033700.0,
        98373900.0,
    ]
    # 其中 after the full stop: 基本支出 + 项目支出 = 财政拨款支出
    parts = [f for f in figures if f.parent == 0]
    assert [f.subject for f in parts] == ["基本支出", "项目支出"]
    assert sum(f.value for f in parts) == figures[0].value


def test_changes_against_last_year_and_decreases() -> None:
    fiscal = parse_paragraph(_para("2019 年度中共深圳市委政法委员会财政拨款年初结转和结余"))
    assert [(f.kind, f.subject, f.direction, f.versus) for f in fiscal if f.kind == "change"] == [
        ("change", "本年收入", 1, "上年"),
        ("change", "本年支出", 1, "上年"),
    ]
    reception = parse_paragraph(_para("3. 国内公务接待费支出"))
    assert [(f.subject, f.value, f.direction, f.versus) for f in reception[:3]] == [
        ("国内公务接待费支出", 136300.0, 0, ""),
        ("国内公务接待费支出", 341800.0, -1, "年初预算"),
        ("国内公务接待费支出", 131800.0, -1, "上年"),
    ]
    # a percent change inherits what the sentence compares with
    running = parse_paragraph(_para("1. 机关运行经费支出情况说明"))
    assert [(f.kind, f.text, f.subject, f.direction, f.versus) for f in running] == [
        ("amount", "705.31 万元", "机关运行经费支出", 0, ""),
        ("change", "50.69 万元", "机关运行经费支出", -1, "年初预算"),
        ("change", "6.7%", "机关运行经费支出", -1, "年初预算"),
    ]
    assert running[2].value == pytest.approx(0.067) and running[2].of == 0


def test_three_public_expenses_total_and_trips() -> None:
    (total,) = parse_paragraph(_para("2019 年度中共深圳市委政法委员会“三公经费”"))
    assert _brief(total) == ("amount", "“三公经费”财政拨款支出", 1162700.0, 2, "万元")
    trips = parse_paragraph(_para("1. 因公出国（境）费支出"))
    assert [(f.kind, f.text, f.subject) for f in trips] == [
        ("amount", "28.46 万元", "因公出国（境）费支出"),
        ("count", "5 个", "因公出国（境）团组数"),
        ("count", "5 人次", "因公出国（境）"),
        ("change", "4.08 万元", "因公出国（境）费支出"),
    ]
    assert trips[3].of == 0 and trips[3].direction == 1 and trips[3].versus == "上年"
    cars = parse_paragraph(_para("2. 公务用车购置和运行维护费支出"))
    assert [(f.kind, f.text, f.subject, f.parent) for f in cars[:5]] == [
        ("amount", "39.46 万元", "公务用车购置和运行维护费支出", None),
        ("amount", "0 万元", "公务用车购置费", 0),
        ("count", "7 辆", "车改后公务用车保有量", None),
        ("count", "2 辆", "", None),  # 另有 2 辆为车改封存待处理车辆: no subject
        ("amount", "39.46万元", "全年运行维护费支出", 0),
    ]
    # '18年4月' is a date, '(1)' an ordinal
    assert all("18" not in f.text and f.text != "1" for f in cars)
    visits = parse_paragraph(_para("3. 国内公务接待费支出"))[3:]
    assert [(f.text, f.subject, f.parent) for f in visits] == [
        ("86批次", "接待", None),
        ("1098人次", "接待", None),
        ("1批次", "外事接待", 3),
        ("30人次", "外事接待", 4),
    ]


def test_procurement_parts_add_up_and_small_business_share() -> None:
    figures = parse_paragraph(_para("2. 政府采购支出情况说明"))
    total = figures[0]
    assert (total.subject, total.value) == ("政府采购支出总额", 18152600.0)
    parts = [f for f in figures if f.parent == 0]
    assert [(f.subject, f.text) for f in parts] == [
        ("政府采购货物支出", "980.34 万元"),
        ("政府采购工程支出", "10.66 万元"),
        ("政府采购服务支出", "824.26 万元"),
    ]
    assert sum(f.value for f in parts) == pytest.approx(total.value)
    sme = next(i for i, f in enumerate(figures) if f.subject == "授予中小企业合同金额")
    small = next(i for i, f in enumerate(figures) if f.subject == "授予小微企业合同金额")
    assert figures[small].parent == sme and figures[sme].parent is None
    shares = [f for f in figures if f.kind == "share"]
    assert [(f.subject, f.value, f.decimals, f.base, f.of) for f in shares] == [
        ("授予中小企业合同金额", 0.6856, 2, "政府采购支出总额", sme),
        ("授予小微企业合同金额", 0.635, 1, "政府采购支出总额", small),
    ]


def test_assets_counts_dates_and_ordinals() -> None:
    figures = parse_paragraph(_para("3. 国有资产占用情况说明"))
    assert [(f.kind, f.text, f.subject, f.parent) for f in figures] == [
        ("count", "9 辆", "车辆", None),
        ("count", "0 辆", "领导干部用车", 0),
        ("count", "6 辆", "一般公务用车", 0),
        ("count", "1 辆", "机要通信用车", 0),
        ("count", "1 辆", "应急保障用车", 0),
        ("count", "1 辆", "执法执勤用车", 0),
        ("count", "0 辆", "特种专业技术用车", 0),
        ("count", "0 辆", "其他用车", 0),
        ("count", "2 台", "一般公务用车", None),
        ("amount", "50 万元", "单价", None),
        ("count", "11 台（套）", "通用设备", None),
    ]
    assert figures[-1].unit == "台(套)"
    review = parse_paragraph(_para("中共深圳市委政法委员会对 2019 年度部门预算项目"))
    assert [(f.text, f.subject) for f in review] == [("1 个", "项目"), ("200 万元", "财政资金")]


def test_performance_section_shares_of_named_bases() -> None:
    figures = parse_paragraph(_para("根据预算绩效管理要求"))
    assert [(f.kind, f.subject, f.base) for f in figures[:3]] == [
        ("count", "一级项目", ""),
        ("amount", "财政资金", ""),
        ("share", "财政资金", "一般公共预算项目支出总额"),
    ]
    assert [f.base for f in figures if f.kind == "share"][1:] == [
        "政府性基金预算项目资金总额",
        "市本级国有资本经营预算项目资金总额",
        "市本级社会保险基金预算项目资金总额",
    ]
    assert figures[3].subject == "政府性基金预算项目支出"


# --------------------------------------------------------------------------- #
# 绩效自评综述
# --------------------------------------------------------------------------- #

# number -> (score, budget 万元, executed 万元, rate %), as printed
SUMMARIES: dict[str, tuple[str, str, str, str]] = {
    "1": ("98.42 分", "385.68 万元", "385.68 万元", "100%"),
    "2": ("100 分", "119.98 万元", "119.98 万元", "100%"),
    "3": ("98 分", "151.68 万元", "151.68 万元", "100%"),
    "4": ("100 分", "511.7 万元", "511.7 万元", "100%"),
    "5": ("100 分", "84 万元", "84 万元", "100%"),
    "6": ("100 分", "168.37 万元", "168.37 万元", "100%"),
    "7": ("100分", "100.5万元", "100.5万元", "100%"),
    "8": ("97.5分", "129.4万元", "129.4万元", "100%"),
    "9": ("100分", "78.82万元", "78.82万元", "100%"),
    "10": ("100分", "200万元", "200万元", "100%"),
    "11": ("97.81分", "1598.78万元", "1466.17万元", "91.7%"),
    "12": ("100分", "124.6万元", "124.6万元", "100%"),
    "13": ("99.73 分", "178.11 万元", "157.59 万元", "88.5%"),
    "14": ("99.81 分", "1093.7 万元", "1000.67 万元", "91.5%"),
    "15": ("100 分", "126.2 万元", "126.2 万元", "100%"),
    "16": ("90 分", "0 万元", "0 万元", "0%"),
    "17": ("67.14 分", "61.6 万元", "33.5 万元", "54.4%"),
    "18": ("100分", "184.92万元", "184.92万元", "100%"),
    "19": ("99.85分", "570万元", "532.55万元", "93.4%"),
    "20": ("100分", "184.92万元", "184.92万元", "100%"),
    "21": ("100分", "100万元", "100万元", "100%"),
    "22": ("99.25 分", "62.52 万元", "41.85 万元", "66.9%"),
    "23": ("90 分", "29.38 万元", "10.67 万元", "36.3%"),
    "24": ("90 分", "450 万元", "421.47 万元", "93.7%"),
    "25": ("90 分", "1145.6 万元", "664.08 万元", "58.0%"),
    "26": ("95", "3000 万元", "399.11 万元", "13.3%"),
    "27": ("90分", "13.65万元", "0万元", "0%"),
    "28": ("90分", "1.34万元", "0万元", "0%"),
    "29": ("90分", "5 万元", "3 万元", "60.0%"),
    "30": ("90 分", "5 万元", "3 万元", "60.0%"),
    "31": ("90 分", "51.47 万元", "25.63 万元", "49.8%"),
    "32": ("90 分", "77.41 万元", "0 万元", "0%"),
}


def _printed(s: ProjectSummary) -> tuple[str | None, ...]:
    return tuple(f.text if f else None for f in (s.score, s.budget, s.executed, s.rate))


def test_all_32_summaries_parse() -> None:
    texts = _summary_texts()
    assert len(texts) == 32
    parsed = [parse_summary(t) for t in texts]
    assert all(s is not None for s in parsed)
    got = {s.number: _printed(s) for s in parsed if s is not None}
    assert got == SUMMARIES
    for s in parsed:
        assert s is not None and s.score and s.budget and s.executed and s.rate
        assert (s.score.kind, s.budget.kind, s.executed.kind, s.rate.kind) == (
            "score",
            "amount",
            "amount",
            "rate",
        )
        # the stated rate is the quotient, at its printed precision
        if s.budget.value:
            quotient = s.executed.value / s.budget.value
            assert abs(quotient - s.rate.value) <= 0.5 * 10 ** -(s.rate.decimals + 2) + 1e-12


def test_summary_17_values() -> None:
    s = parse_summary(_para("（17）"))
    assert s is not None
    assert (s.number, s.name) == ("17", "法制学校管理（新）")
    assert s.score is not None and (s.score.value, s.score.decimals, s.score.unit) == (
        67.14,
        2,
        "分",
    )
    assert s.budget is not None and (s.budget.value, s.budget.decimals) == (616000.0, 1)
    assert s.budget.subject == "项目全年预算数" and s.budget.unit == "万元"
    assert s.executed is not None and s.executed.value == 335000.0
    assert s.rate is not None and (s.rate.value, s.rate.decimals, s.rate.unit) == (0.544, 1, "%")


def test_summary_score_without_unit_and_stray_comma() -> None:
    s26 = parse_summary(_para("(26)"))
    assert s26 is not None and s26.score is not None
    assert (s26.score.kind, s26.score.text, s26.score.value, s26.score.unit) == (
        "score",
        "95",
        95.0,
        "",
    )
    assert s26.name == "深圳市政法维稳综合信息平台"
    s23 = parse_summary(_para("(23)"))
    assert s23 is not None and s23.budget is not None
    assert (s23.budget.text, s23.budget.subject, s23.budget.value) == (
        "29.38 万元",
        "项目全年预算数",
        293800.0,
    )
    assert s23.name == "待支付以前年度采购项目(新)"
    # the later '尾款 18.72 万元 … 2020 年' is an amount with its own subject, 2020 a year
    later = [f for f in parse_paragraph(s23.text) if f.subject == "另一个项目尾款"]
    assert [f.value for f in later] == [187200.0]
    assert not any(f.text.startswith("2020") for f in parse_paragraph(s23.text))


def test_summaries_cut_by_page_breaks() -> None:
    for number, name in (
        ("4", "反邪教业务（新）"),
        ("15", "其他项目（新）"),
        ("22", "网格管理业务（深圳市社区网格管理信息中心新）"),
    ):
        s = next(
            x for x in map(parse_summary, _summary_texts()) if x is not None and x.number == number
        )
        assert s.name == name
        assert _printed(s) == SUMMARIES[number]


def test_parse_summary_none_for_other_paragraphs() -> None:
    assert parse_summary(_para("2019 年财政拨款支出按用途划分")) is None
    assert parse_summary("(1) 参加中国法学会组团出国（境）时间较长") is None


# --------------------------------------------------------------------------- #
# The whole narrative
# --------------------------------------------------------------------------- #


def test_read_narrative_counts_sections_and_refs(narrative: Narrative) -> None:
    assert len(narrative.paragraphs) == len(NARRATIVE)
    assert Counter(f.kind for f in narrative.figures) == {
        "amount": 120,
        "rate": 33,
        "score": 32,
        "count": 30,
        "change": 15,
        "share": 8,
    }
    assert [f.text for f in narrative.figures if not f.subject] == ["2 辆"]
    assert len(narrative.summaries) == 32
    assert [s.number for s in narrative.summaries] == [str(i) for i in range(1, 33)]
    sanggong = next(f for f in narrative.figures if f.subject == "“三公经费”财政拨款支出")
    assert sanggong.section == "(七)一般公共预算财政拨款“三公”经费支出决算情况说明"
    assert sanggong.ref is not None and str(sanggong.ref) == "情况说明!A16"
    assert all(
        s.score is not None and s.score.section == "(九) 预算绩效情况说明"
        for s in narrative.summaries
    )
    assert narrative.summaries[16].ref == CellRef(
        "情况说明", NARRATIVE.index(_para("（17）")) + 1, 1
    )
    procurement = next(f for f in narrative.figures if f.subject == "政府采购支出总额")
    assert procurement.section == "（十）其他重要事项情况说明"


def test_read_narrative_indexes_point_into_its_own_list(narrative: Narrative) -> None:
    figures = narrative.figures
    for f in figures:
        if f.parent is not None:
            whole = figures[f.parent]
            assert whole.ref == f.ref and whole.span[0] < f.span[0]
        if f.of is not None:
            assert figures[f.of].ref == f.ref
    small = next(f for f in figures if f.subject == "授予小微企业合同金额" and f.kind == "amount")
    assert small.parent is not None and figures[small.parent].subject == "授予中小企业合同金额"
    summary = narrative.summaries[0]
    assert summary.score in figures and summary.budget in figures


def test_no_year_date_or_ordinal_is_a_figure(narrative: Narrative) -> None:
    texts = [f.text for f in narrative.figures]
    assert not any(t.startswith(("2019", "2020")) for t in texts)
    assert not any(f.kind == "count" and f.unit == "" for f in narrative.figures)


# --------------------------------------------------------------------------- #
# Small cases
# --------------------------------------------------------------------------- #


def test_dates_ordinals_and_references_are_not_figures() -> None:
    text = "1. 截至 2019 年 12 月 31 日，于 2020 年 06 月开展，(2) 见附件 2，第 3 条。"
    assert parse_paragraph(text) == []
    assert parse_paragraph("18年4月车改前") == []


def test_full_width_and_traditional_text() -> None:
    (amount, share) = parse_paragraph("本年收入１２．５萬元，占总额的５０％")
    assert (amount.kind, amount.value, amount.decimals, amount.unit) == (
        "amount",
        125000.0,
        1,
        "万元",
    )
    assert (share.kind, share.value, share.unit, share.base) == ("share", 0.5, "%", "总额")
    assert [f.subject for f in parse_paragraph("本年收入 10 萬元，項目支出 5 万元")] == [
        "本年收入",
        "项目支出",
    ]


def test_names_with_digits_are_not_figures() -> None:
    assert [f.text for f in parse_paragraph("建设5G基站 12 个")] == ["12 个"]
    assert [f.text for f in parse_paragraph("COVID-19 防控支出 3 万元")] == ["3 万元"]


def test_signs_percent_changes_and_bad_grouping() -> None:
    (f,) = parse_paragraph("支出－5万元")
    assert (f.text, f.value, f.subject) == ("－5万元", -50000.0, "支出")
    assert [f.text for f in parse_paragraph("达到 0-100%")] == ["0", "100%"]
    _amount, change = parse_paragraph("收入 100 万元，较上年增加 10%")
    assert (change.kind, change.value, change.subject, change.of) == ("change", 0.1, "收入", 0)
    _rate, points = parse_paragraph("完成率 98.5%，提高 2 个百分点")
    assert (points.kind, points.value, points.subject, points.direction) == (
        "change",
        0.02,
        "完成率",
        1,
    )
    # a misprinted grouping loses no digit: both numbers are kept
    assert [f.text for f in parse_paragraph("支出 1,2345 万元")] == ["1", "2345 万元"]


def test_nested_parts_and_entity() -> None:
    figures = parse_paragraph(
        "2019 年度某某区财政局支出 100 万元，其中：基本支出 60 万元，其中人员经费 20 万元。"
    )
    assert [(f.subject, f.parent) for f in figures] == [
        ("支出", None),
        ("基本支出", 0),
        ("人员经费", 1),
    ]
    given = parse_paragraph("某某小组本年支出 3 万元", entity="某某小组")
    assert given[0].subject == "本年支出"


def test_unexplained_number_is_kept() -> None:
    (f,) = parse_paragraph("合计：7")
    assert (f.kind, f.subject, f.value, f.unit) == ("count", "", 7.0, "")
