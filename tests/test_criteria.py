"""Form P's 评分标准: parsing the rule in words and recomputing its score.

Every text below is a real 评分标准 of seed 002 (附件1-1 … 1-21), copied here so
the tests run without the seed.
"""

from __future__ import annotations

import pytest

from budgetlint.criteria import (
    KINDS,
    Criterion,
    ScoreExpectation,
    describe,
    expected_score,
    parse_criterion,
)
from budgetlint.values import parse_value

# --------------------------------------------------------------------------- seed texts

RATIO_HUIBAO = "专题汇报片完成率 = (实际专题汇报片数量/计划专题汇报片数量) *100%*权重分"
RATIO_ZHOUBAO = (
    "“深圳政法舆情”周报完成率 = (实际“深圳政法舆情”周报出版数量/计划“深圳政法舆情”周报出版数量) "
    "*100%*权重分"
)
RATIO_ZHIFA_JISHI = "执法检查完成及时率 = (及时执法检查完成数/计划执法检查完成数) *100%*权重分"
RATIO_FRAGMENT_JOINED = "举报奖励金发放准确率 = (实际发放数量/计划发放数量) *100%*权重分"
EXECUTION = (
    "预算执行率 = (实际支出资金/实际到位资金) × 100%。实际支出资金："
    "一定时期（本年度或项目期）内项目实际拨付的资金。"
)
ARRIVAL = (
    "资金到位率 = (实际到位资金/预算资金) × 100%。 实际到位资金：一定时期（本年度或项目期）内"
    "落实到具体项目的资金。 预算资金：一定时期（本年度或项目期）内预算安排到具体项目的资金。"
)
# 附件1-1 政法宣传群众知晓度: words and formula both say 4 %.
LINEAR_ZHIXIAO = (
    "此项指标以知晓度达85%及以上得满分，每降低1%，减少权重分的4%，低于60%不得分， "
    "$y = \\text{权重分} - (85\\% - x) * 4\\% * \\text{权重分}$ ；其中y为得分， "
    "$0 \\leq y \\leq \\text{权重分}$ ，x为实际业绩值， $0.6 \\leq x \\leq 0.85$ 。其中：85%为目标值； "
    "$4\\% = 100 / (85 - 60) * 100\\%$"
)
# 附件1-1 社会群众满意度
LINEAR_MANYI = (
    "此项指标以满意度达90%及以上得满分，每降低1%，减少权重分的3.33%，低于60%不得分， "
    "$y = \\text{权重分} - (90\\% - x) * 3.33\\% * \\text{权重分}$ ；其中y为得分， "
    "$0 \\leq y \\leq \\text{权重分}$ ，x为实际业绩值， $0.6 \\leq x \\leq 0.9$ 。其中：90%为目标值； "
    "$3.33\\% = 100 / (90 - 60) * 100\\%$"
)
# 附件1-2 综治业务 深圳平安创建知晓率: the words say 4 %, the formula 5 %.
LINEAR_ZONGZHI = (
    "此项指标以知晓度达30%及以上得满分，每降低1%，减少权重分的4%，低于10%不得分， "
    "$y = \\text{权重分} - (30\\% - x) * 5\\% * \\text{权重分}$ ；其中y为得分， "
    "$0 \\leq y \\leq \\text{权重分}$ ，x为实际业绩值， $0.1 \\leq x \\leq 0.3$ 。其中：30%为目标值； "
    "$5\\% = 100 / (30 - 10) * 100\\%$"
)
# 附件1-2 群众安全感平均分: a points scale, no '%'.
LINEAR_POINTS = (
    "此项指标以知晓度达75及以上得满分，每降低1，减少权重分的6.66%，低于60不得分， "
    "$y = \\text{权重分} - (75 - x) * 6.66\\% * \\text{权重分}$ ；其中y为得分， "
    "$0 \\leq y \\leq \\text{权重分}$ ，x为实际业绩值， $60 \\leq x \\leq 75$ 。其中：75分为目标值； "
    "$6.66\\% = 100 / (75 - 60) * 100\\%$"
)
# typed without LaTeX, and '85%为目标值' against a 90 % line elsewhere in the text.
LINEAR_TYPED_85 = (
    "此项指标以满意度达90%及以上得满分，每降低1%，减少权重分的3.33%，低于60%不得分，"
    "y =权重分- (90%-x) * 3.33%*权重分；其中y为得分，0≤y≤权重分，x为实际业绩值，0.6≤x≤0.9。"
    "其中：85%为目标值；3.33% =100/(90-60) *100%"
)
# words 2.85 %, formula 3.33 %; 100/35 = 2.857 truncates to 2.85.
LINEAR_285 = (
    "此项指标以满意度达95%及以上得满分，每降低1%，减少权重分的2.85%，低于60%不得分， "
    "$y = \\text{权重分} - (95\\% - x) * 3.33\\% * \\text{权重分}$ ；其中y为得分， "
    "$0 \\leq y \\leq \\text{权重分}$ ，x为实际业绩值， $0.6 \\leq x \\leq 0.95$ 。其中： 95%为目标值； "
    "$2.85\\% = 100 / (95 - 60) * 100\\%$"
)
TIERS_1167 = (
    "①项目效益完全达到预期目标值，得11.67分；②项目效益达到预期目标值的80%—99%，得8.75分；"
    "③项目效益达到预期目标值的50%—79%，得5.83分；④项目效益完全达到预期目标值20%—49%，得3分。"
    "⑤项目效益完全达到预期目标值0%—19%，得0分。"
)
TIERS_333 = (
    "①项目效益完全达到预期目标值,得3.33分;②项目效益达到预期目标值的80%-99%,得2分;"
    "③项目效益达到预期目标值的50%-79%,得1分;④项目效益完全达到预期目标值20%-49%,得0.5分。"
    "⑤项目效益完全达到预期目标值0%-19%,得0分。"
)
AON_ERROR = "微信公众号内容更新错误率为0%得满分，否则不得分。"
AON_BELOW = "人口未注销率低于5%得满分, 否则不得分。"
AON_HOURS = "故障修复响应时间少于0.5小时得满分，否则不得分。"
NOT_APPLICABLE = "机构改革导致指标不是适用,得满分"
PARTS_50_50 = (
    "1. 建立了完备的项目管理制度，得权重分的50%； 2. 有关制度对项目提出明确的质量要求或标准，"
    "得权重分的50%；（该指标累计得分）"
)
# 附件1-1 资金使用规范性: 50 % + 25 % and a zero clause: the parts add to 75 %.
PARTS_75 = (
    "1. 符合国家财经法规和财务管理制度以及有关专项资金管理办法的规定，得权重分的50%； "
    "2. 资金的拨付是否有完整的审批程序和手续，符合项目预算批复或合同规定的用途，得权重分的25%； "
    "3. 发生超范围、超标准支出，虚列支出，截留、挤占、挪用资金的，该项指标得0分。（该指标累计得分）"
)
PARTS_50_25_25 = (
    "1. 符合国家财经法规和财务管理制度以及有关专项资金管理办法的规定，得权重分的50%； "
    "2. 资金的拨付是否有完整的审批程序和手续，得权重分的25%；符合项目预算批复或合同规定的用途，"
    "得权重分的25%； 3. 发生超范围、超标准支出，虚列支出，截留、挤占、挪用资金的，该项指标得0分。 "
    "（该指标累计得分）"
)
PARTS_STRAY_QUOTE = (
    '1. 建立有效财务管理监控机制，且执行情况良好，得权重分的 50%；2. 项目采取了相应的财务检查或"'
    "其他必要的监控措施或手段，得权重分的 50%；（该指标累计得分）"
)
FULL_PURCHASE = (
    "1. 按照政府采购管理制度有效执行，得满分； 2. 未按制度执行或存在明显不符情况的，不得分。"
)
FULL_LEVELS = (
    "1. 建立完善的项目沟通协调机制且有效执行，得满分； 2. 已建立完善的项目沟通机制但未得到有效执行，"
    "得权重分的50%； 3. 未建立沟通协调机制，不得分。"
)
FULL_AT_100 = (
    "该指标主要考察人员到位的情况。人员到位率 = 实际到位人数 / 应到位人数 * 100%。"
    "此项指标以100%为满分。"
)
OVER_TARGET = (
    "业绩值达到目标值的0-100%范围内得满分，当业绩值高于目标值范围时，每高于1%，扣权重分的1%。"
)
# 附件1-5: the cell repeats other cells before a rule that belongs to another item.
MIXED_CELLS = (
    "社会群众满意度 17.5 $\\geq 90\\%$ 90% 17.5 社会群众满意度 17.5 $\\geq 90\\%$ 90% 17.5 "
    '"1. 该指标主要考察项目的长效管理机制建设情况, 部门现有政策制度、管理措施, 有管理和创新的内容'
    '和机制, 得权重分的50%; 2. 按照长效管理制度有效执行, 得权重分的50%。 (该指标得分累计)"'
)


def score(text: str, weight: float, target: str, actual: str, **kw: float) -> ScoreExpectation:
    e = expected_score(
        parse_criterion(text),
        weight,
        parse_value(target, role="target"),
        parse_value(actual, role="actual"),
        **kw,
    )
    assert e is not None
    return e


# --------------------------------------------------------------------------- kinds of ~30 texts

DIVERSE: list[tuple[str, str]] = [
    (RATIO_HUIBAO, "ratio"),
    (RATIO_ZHOUBAO, "ratio"),
    (RATIO_ZHIFA_JISHI, "ratio"),
    (RATIO_FRAGMENT_JOINED, "ratio"),
    ("专家资质达标率 =(实际达标专家数量/计划达标专家数量) *100%*权重分", "ratio"),
    ("培训人员参与率 =(实际参与培训 人员数量/计划参与培训人员数 量) *100%*权重分", "ratio"),
    (
        "房屋编码覆盖率 = (实际房屋编码覆盖数量 / 计划房屋编码覆盖数量) * 100% * 权重分",
        "ratio",
    ),
    ("调研开展及时率 =(及时开展调研 数/计划开展调研数) *100%*权重 分", "ratio"),
    (EXECUTION, "execution"),
    (ARRIVAL, "execution"),
    (LINEAR_ZHIXIAO, "linear"),
    (LINEAR_MANYI, "linear"),
    (LINEAR_ZONGZHI, "linear"),
    (LINEAR_POINTS, "linear"),
    (LINEAR_TYPED_85, "linear"),
    (LINEAR_285, "linear"),
    (TIERS_1167, "tiers"),
    (TIERS_333, "tiers"),
    (AON_ERROR, "all_or_nothing"),
    (AON_BELOW, "all_or_nothing"),
    (AON_HOURS, "all_or_nothing"),
    ("信息系统安全故障率低于0.1%得满分，否则不得分。", "all_or_nothing"),
    (NOT_APPLICABLE, "not_applicable_full"),
    (PARTS_50_50, "parts"),
    (PARTS_75, "parts"),
    (PARTS_50_25_25, "parts"),
    (PARTS_STRAY_QUOTE, "parts"),
    (
        "1. 该指标主要考察项目的长效管理机制建设情况，部门现有政策制度、管理措施，有管理和创新的内容"
        "和机制，得权重分的50%；2. 按照长效管理制度有效执行，得权重分的50%。（该指标得分累计）",
        "parts",
    ),
    (FULL_PURCHASE, "full_if_met"),
    (FULL_LEVELS, "full_if_met"),
    (FULL_AT_100, "full_if_met"),
    ("1. 供应商资质符合，得满分； 2. 供应商资质不符合，不得分。", "full_if_met"),
    (
        "1. 有相应的法律法规、文件要求、规划依据、会议决议、事业发展需求以及支撑项目立项的其他资料等"
        "得满分; 2. 项目预算编制没有明确依据,不得分。",
        "full_if_met",
    ),
    (OVER_TARGET, "over_target_deduction"),
    (
        "业绩值达到目标值的 0-100%范围内得满分,当业绩值高于目标值范围时,每高于 1%,扣权重分的 1%。",
        "over_target_deduction",
    ),
    (MIXED_CELLS, "unparsed"),
    ("维稳情报信息评选及时率 = (及", "unparsed"),
    ("", "unparsed"),
]


@pytest.mark.parametrize(("text", "kind"), DIVERSE)
def test_kind_of_seed_texts(text: str, kind: str) -> None:
    c = parse_criterion(text)
    assert c.kind == kind, (c.kind, c.why, text)
    assert c.kind in KINDS
    assert c.text == text
    line = describe(c)
    assert line and "\n" not in line


def test_every_kind_is_listed() -> None:
    assert set(KINDS) == {k for _, k in DIVERSE}


# --------------------------------------------------------------------------- ratio


def test_ratio_huibao_1_part_of_1_not_made() -> None:
    c = parse_criterion(RATIO_HUIBAO)
    assert c.name == "专题汇报片完成率"
    assert c.numerator == "实际专题汇报片数量"
    assert c.denominator == "计划专题汇报片数量"
    e = score(RATIO_HUIBAO, 1.58, "1部", "0部")
    assert e.expected == 0.0
    assert e.met is False
    assert e.method == "1.58 × min(0 ÷ 1, 1) = 0.00"


def test_ratio_leading_quantity_of_a_detailed_actual() -> None:
    e = score(RATIO_ZHOUBAO, 1.58, "150期", "263期 (日报191期、周报38期、专报34期)")
    assert e.expected == 1.58
    assert e.met is True
    assert e.method == "1.58 × min(263 ÷ 150, 1) = 1.58"


def test_ratio_partial_and_percent() -> None:
    e = score(
        "资助学生人数完成率 =(实际资助学生数量/计划资助学生数量)*100%*权重分", 5, "21 人", "19 人"
    )
    assert e.expected == pytest.approx(5 * 19 / 21)
    assert e.method == "5 × min(19 ÷ 21, 1) = 4.52"
    e = score(RATIO_ZHIFA_JISHI, 1.58, "≥90%", "90%")
    assert e.expected == 1.58


def test_ratio_dates_and_zero_target() -> None:
    e = score(RATIO_ZHIFA_JISHI, 1.58, "2019年12月31日前", "2019年12月31日前")
    assert (e.expected, e.met) == (1.58, True)
    e = score(RATIO_ZHIFA_JISHI, 2.31, "2019年6月30日前", "未完成")
    assert e.expected is None and e.met is False
    assert (e.low, e.high) == (0.0, 2.31)
    # a zero target has no ratio: as scoring.py, it must be met exactly
    zero = "微信公众号内容更新错误率 = (实际错误数量/计划错误数量) *100%*权重分"
    assert score(zero, 1.58, "0%", "0%").expected == 1.58
    assert score(zero, 1.58, "0%", "2%").expected == 0.0


# --------------------------------------------------------------------------- execution


def test_execution_fazhi_school_from_actual_and_from_matrix() -> None:
    c = parse_criterion(EXECUTION)
    assert c.kind == "execution" and c.name == "预算执行率"
    assert c.numerator == "实际支出资金" and c.denominator == "实际到位资金"
    e = score(EXECUTION, 2.27, "100%", "54.37%")
    assert round(e.expected or 0, 2) == 1.23
    assert e.method == "2.27 × 54.37% = 1.23"
    assert e.met is False
    e = score(EXECUTION, 2.27, "100%", "100%", rate=0.5437)
    assert round(e.expected or 0, 2) == 1.23
    assert e.method == "2.27 × 54.37%（资金表） = 1.23"
    assert any("不一致" in n for n in e.notes)


def test_execution_qualitative_actual() -> None:
    e = score(ARRIVAL, 2.27, "足额到位", "足额到位")
    assert (e.expected, e.met) == (2.27, True)
    assert parse_criterion(ARRIVAL).name == "资金到位率"


# --------------------------------------------------------------------------- linear


def test_linear_params_and_latex_or_typed() -> None:
    c = parse_criterion(LINEAR_MANYI)
    assert (c.threshold, c.floor, c.percent) == (0.9, 0.6, True)
    assert c.step_words == pytest.approx(0.0333)
    assert c.step_formula == pytest.approx(0.0333)
    assert c.contradictions == ()
    typed = LINEAR_MANYI.replace("$", "").replace("\\text{权重分}", "权重分")
    typed = typed.replace("\\%", "%").replace("\\leq", "≤")
    t = parse_criterion(typed)
    assert t.kind == "linear"
    assert (t.threshold, t.floor, t.step_words, t.step_formula) == (
        c.threshold,
        c.floor,
        c.step_words,
        c.step_formula,
    )
    assert t.contradictions == ()


def test_linear_zhixiao_words_and_formula_agree() -> None:
    c = parse_criterion(LINEAR_ZHIXIAO)
    assert c.step_words == pytest.approx(0.04)
    assert c.step_formula == pytest.approx(0.04)
    assert c.step == pytest.approx(0.04)
    assert c.contradictions == ()  # 4% = 100 / (85 − 60) holds
    e = score(LINEAR_ZHIXIAO, 11.67, "85%", "85%")
    assert (e.expected, e.met) == (11.67, True)
    e = score(LINEAR_ZHIXIAO, 11.67, "85%", "80%")
    assert e.expected == pytest.approx(11.67 - 5 * 0.04 * 11.67)
    assert e.method == "11.67 − (85% − 80%) × 4% × 100 × 11.67 = 9.34"
    assert score(LINEAR_ZHIXIAO, 11.67, "85%", "59%").expected == 0.0


def test_linear_zongzhi_words_4_formula_5_is_a_contradiction() -> None:
    c = parse_criterion(LINEAR_ZONGZHI)
    assert c.kind == "linear"
    assert c.step_words == pytest.approx(0.04)
    assert c.step_formula == pytest.approx(0.05)
    assert c.step is None
    assert len(c.contradictions) == 1
    msg = c.contradictions[0]
    assert "4%" in msg and "5%" in msg and "不一致" in msg
    # reached: both readings give full marks
    e = score(LINEAR_ZONGZHI, 11.67, "31.14%", "31.14%")
    assert e.expected == 11.67
    assert any("30%" in n and "31.14%" in n for n in e.notes)  # the line is not the target
    # below the line: the two readings differ, the reviewer decides
    e = score(LINEAR_ZONGZHI, 10, "30%", "25%")
    assert e.expected is None
    assert (e.low, e.high) == (pytest.approx(7.5), pytest.approx(8.0))


def test_linear_other_contradictions() -> None:
    c = parse_criterion(LINEAR_TYPED_85)
    assert c.threshold == 0.9
    assert len(c.contradictions) == 1 and "85%" in c.contradictions[0]
    c = parse_criterion(LINEAR_285)
    assert len(c.contradictions) == 1
    assert "2.85%" in c.contradictions[0] and "3.33%" in c.contradictions[0]


def test_linear_seed_satisfaction_and_points_scale() -> None:
    e = score(LINEAR_MANYI, 11.66, "$\\geq 90\\%$", "90%")
    assert (e.expected, e.met, e.notes) == (11.66, True, ())
    e = score(LINEAR_MANYI, 11.66, "≥90%", "85%")
    assert e.expected == pytest.approx(11.66 - 5 * 0.0333 * 11.66)
    assert e.method == "11.66 − (90% − 85%) × 3.33% × 100 × 11.66 = 9.72"
    c = parse_criterion(LINEAR_POINTS)
    assert (c.percent, c.threshold, c.floor) == (False, 75.0, 60.0)
    assert c.contradictions == ()
    assert score(LINEAR_POINTS, 11.67, ">75分", "88.12分").expected == 11.67
    e = score(LINEAR_POINTS, 11.67, ">75分", "70分")
    assert e.method == "11.67 − (75 − 70) × 6.66% × 11.67 = 7.78"


def test_linear_rule_line_differs_from_target_column() -> None:
    text = LINEAR_MANYI.replace("90", "95").replace("3.33", "2.86")
    e = score(text, 7, "≥90%", "90%")
    assert e.expected == pytest.approx(7 - 5 * 0.0286 * 7)
    assert any("95%" in n and "≥90%" in n for n in e.notes)


# --------------------------------------------------------------------------- tiers


def test_tiers_bands() -> None:
    c = parse_criterion(TIERS_1167)
    assert [(t.lower, t.upper, t.points) for t in c.tiers] == [
        (1.0, None, 11.67),
        (0.8, 0.99, 8.75),
        (0.5, 0.79, 5.83),
        (0.2, 0.49, 3.0),
        (0.0, 0.19, 0.0),
    ]
    assert score(TIERS_1167, 11.67, "有效", "有效").expected == 11.67
    e = score(TIERS_1167, 11.67, "100人", "85人")
    assert e.expected == 8.75
    assert "80%—99%" in e.method
    assert score(TIERS_1167, 11.67, "100人", "10人").expected == 0.0
    e = score(TIERS_333, 17.5, "有效提高", "有效提高")
    assert e.expected == 3.33
    assert any("3.33" in n and "17.5" in n for n in e.notes)


# --------------------------------------------------------------------------- all or nothing, n/a


def test_all_or_nothing() -> None:
    c = parse_criterion(AON_ERROR)
    assert c.condition is not None and c.condition.number == 0.0
    assert score(AON_ERROR, 1.58, "0%", "0%").expected == 1.58
    assert score(AON_ERROR, 1.58, "0%", "1%").expected == 0.0
    assert score(AON_BELOW, 8.75, "<5%", "3%").expected == 8.75
    assert score(AON_BELOW, 8.75, "<5%", "5%").expected == 0.0
    assert score(AON_HOURS, 7.5, "<0.5小时", "0.3小时").expected == 7.5
    e = score(AON_BELOW, 8.75, "<5%", "<5%")  # a repeated bound is no measurement
    assert e.expected is None and "界限" in e.method


def test_not_applicable_full() -> None:
    e = score(NOT_APPLICABLE, 2.27, "合理", "不适用")
    assert e.expected == 2.27


# --------------------------------------------------------------------------- parts


def test_parts_adding_to_75_percent() -> None:
    c = parse_criterion(PARTS_75)
    assert [p.fraction for p in c.parts] == [0.5, 0.25]
    assert c.parts_total == 0.75
    assert len(c.zero_conditions) == 1 and "挪用资金" in c.zero_conditions[0]
    e = score(PARTS_75, 2.27, "合规", "合规")  # every part met: still only 75 %
    assert e.expected == pytest.approx(1.7025)
    assert any("75%" in n for n in e.notes)
    full = parse_criterion(PARTS_50_25_25)
    assert [p.fraction for p in full.parts] == [0.5, 0.25, 0.25]
    assert full.parts_total == 1.0


def test_parts_judgement_when_actual_differs() -> None:
    c = parse_criterion(PARTS_50_50)
    assert c.parts_total == 1.0
    assert score(PARTS_50_50, 2.27, "健全", "健全").expected == 2.27
    e = score(PARTS_50_50, 2.27, "健全", "基本健全")
    assert e.expected is None
    assert (e.low, e.high) == (0.0, 2.27)


# --------------------------------------------------------------------------- full if met, over target


def test_full_if_met() -> None:
    assert score(FULL_PURCHASE, 2.27, "合规", "合规").expected == 2.27
    assert score(FULL_PURCHASE, 2.27, "合规", "不合规").expected == 0.0
    levels = parse_criterion(FULL_LEVELS)
    assert [p.fraction for p in levels.parts] == [1.0, 0.5]
    e = score(FULL_LEVELS, 2.5, "健全", "健全")
    assert e.expected == 2.5
    assert score(FULL_AT_100, 2.5, "100%", "100%").expected == 2.5
    e = score(FULL_AT_100, 2.5, "100%", "90%")
    assert e.expected is None and e.met is False


def test_over_target_deduction() -> None:
    c = parse_criterion(OVER_TARGET)
    assert c.deduction == 0.01
    assert score(OVER_TARGET, 2.27, "385.68万元", "385.68万元").expected == 2.27
    e = score(OVER_TARGET, 2.27, "100万元", "105万元")
    assert e.expected == pytest.approx(2.27 * 0.95)
    assert e.met is False


# --------------------------------------------------------------------------- unparsed


def test_unparsed_mixed_cells_with_why() -> None:
    c = parse_criterion(MIXED_CELLS)
    assert c.kind == "unparsed"
    assert "混入了其他单元格的内容" in c.why
    assert expected_score(c, 17.5, parse_value("≥90%"), parse_value("90%")) is None
    assert "未识别" in describe(c)


def test_unparsed_plain_text() -> None:
    c = parse_criterion("由评价小组综合评定。")
    assert c.kind == "unparsed"
    assert c.why == "评分标准中没有可识别的计分方式"


def test_criterion_is_frozen() -> None:
    c = parse_criterion(RATIO_HUIBAO)
    assert isinstance(c, Criterion)
    with pytest.raises(AttributeError):
        c.kind = "tiers"  # type: ignore[misc]
