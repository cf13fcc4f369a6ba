"""The reader on real published forms: headers two rows deep, weights the form does not
print, county titles and template residue, a narrative before the table, and the layouts
of FORMS.md "More layouts on public pages".

Every sheet is written in the grid notation (:mod:`budgetlint.gridtext`) from the form as
printed; the layout sheets are the transcriptions of the pages named in their docstrings
(``tests/realforms/forms``), cut to the rows a test needs.
"""

from __future__ import annotations

import pytest

from budgetlint.forms.cells import CellReader
from budgetlint.forms.form_s import INDICATOR_COLUMNS, _find_header, read_sheet
from budgetlint.grid import Sheet
from budgetlint.gridtext import parse
from budgetlint.inspect import form_dict, to_text, weight_from
from budgetlint.model import FormS, Indicator
from budgetlint.values import Kind


def _sheet(text: str) -> Sheet:
    """The sheet a notation describes (the literal's opening newline is not a row)."""
    return parse(text.lstrip("\n"), "自评表")


def _form(text: str, family: str | None = None) -> FormS:
    read = read_sheet(_sheet(text))
    assert read.status == "form", (read.status, read.reason, read.labels)
    assert read.form is not None
    if family is not None:
        assert read.family == family
    return read.form


def _ind(form: FormS, name: str) -> Indicator:
    return next(i for i in form.indicators if i.name.value == name)


# --- 1. headers two rows deep -----------------------------------------------------------

SPLIT_TWO_ROWS = """
项目支出绩效自评表 | > | > | > | > | > | > | > | > | >
（2022年度） | > | > | > | > | > | > | > | > | >
项目名称 | 乡村学校校舍维修 | > | > | > | > | > | > | > | >
项目资金（万元） |  | 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分 | > | >
^ | 年度资金总额 | 100.00 | 100.00 | 98.00 | 10 | 98% | 9.80 | > | >
^ | 其中：当年财政拨款 | 100.00 | 100.00 | 98.00 | — | 98% | — | > | >
绩效指标 | > | > | 年度指标值 | > | > | 实际完成值 | 分值 | 得分 | 偏差原因分析及改进措施
一级指标 | 二级指标 | 三级指标 | 指标性质 | 指标值 | 度量单位 | ^ | ^ | ^ | ^
产出指标 | 数量指标 | 维修校舍面积 | ≥ | 1200 | 平方米 | 1260平方米 | 40 | 40 | 无偏差
^ | 质量指标 | 工程验收合格率 | ＝ | 100 | % | 96% | 30 | 28 | 2所学校返工，扣2分
效益指标 | 社会效益指标 | 办学条件 |  | 改善 |  | 改善 | 20 | 20 |
总分 | > | > | > | > | > | > | 100 | 97.80 |
"""


def test_two_row_header_maps_the_columns_merged_down() -> None:
    f = _form(SPLIT_TWO_ROWS, "split_target")
    assert [i.name.value for i in f.indicators] == ["维修校舍面积", "工程验收合格率", "办学条件"]
    first, second, third = f.indicators
    assert first.level1 is not None and first.level1.value == "产出指标"
    assert first.level2 is not None and first.level2.value == "数量指标"
    assert (first.target.cell, first.target.value.op, first.target.value.number) == (
        "D9",
        ">=",
        1200,
    )
    assert (first.actual.cell, first.actual.value.number) == ("G9", 1260)
    assert first.weight is not None and (first.weight.cell, first.weight.value) == ("H9", 40)
    assert first.weight_source == "cell"
    assert first.score is not None and (first.score.cell, first.score.value) == ("I9", 40)
    assert first.reason is not None and (first.reason.cell, first.reason.value) == ("J9", "无偏差")
    assert second.actual.cell == "G10" and second.actual.value.kind is Kind.PERCENT
    assert second.score is not None and (second.score.cell, second.score.value) == ("I10", 28)
    assert second.reason is not None and second.reason.cell == "J10"
    assert (third.target.value.kind, third.actual.cell) == (Kind.QUALITATIVE, "G11")
    assert f.total_weight is not None and f.total_weight.cell == "H12"
    assert f.total_score is not None and (f.total_score.cell, f.total_score.value) == ("I12", 97.8)


FUND_TWO_ROWS = """
部门预算项目支出绩效自评表 | > | > | > | > | > | > | > | >
项目名称 | 农村公路养护 | > | > | > | > | > | > | >
预算执行情况(10分) | 资金 | 年度预算数（万元） | > | > | 预算执行率 | 权重 | 得分 | 原因
^ | ^ | 年初预算 | 调整后预算数 | 预算执行数 | ^ | ^ | ^ | ^
^ | 总额 | 100.00 | 120.00 | 114.00 | 95.00% | 10 | 9.50 |
^ | 其中：财政资金 | 100.00 | 120.00 | 114.00 | 95.00% | / | / |
绩效指标(90分) | 一级指标 | 二级指标 | 三级指标 | 指标值 | 完成值 | 权重 | 得分 | 未完成原因分析
^ | 产出指标 | 数量指标 | 养护里程 | ≥100公里 | 100公里 | 90 | 90 |
合计 | > | > | > | > | > | 100 | 99.50 |
"""


def test_fund_header_two_rows_deep() -> None:
    f = _form(FUND_TWO_ROWS, "ten_ninety")
    assert f.fund is not None and f.fund.total is not None
    t = f.fund.total
    assert t.label.cell == "B5"
    assert t.initial is not None and (t.initial.cell, t.initial.value) == ("C5", 1_000_000)
    assert t.budget is not None and (t.budget.cell, t.budget.value) == ("D5", 1_200_000)
    assert t.executed is not None and (t.executed.cell, t.executed.value) == ("E5", 1_140_000)
    assert t.rate is not None and (t.rate.cell, t.rate.value) == ("F5", pytest.approx(0.95))
    assert t.weight is not None and (t.weight.cell, t.weight.value) == ("G5", 10)
    assert t.score is not None and (t.score.cell, t.score.value) == ("H5", 9.5)
    assert [r.kind for r in f.fund.rows] == ["total", "fiscal"]
    assert f.fund.weight == 10
    assert f.indicator_block_weight is not None and f.indicator_block_weight.value == 90


# --- 2. weights the form does not print -----------------------------------------------

TWO_BLOCKS = """
市级项目绩效自评表 | > | > | > | > | > | > | >
项目名称 | 城市公园管护 | > | > | > | > | > | >
预算执行情况(20分) | 预算数(A) | 执行数(B) | 执行率(B/A) | 得分(20分*执行率) | 备注 | > | >
^ | 500,000.00 | 490,000.00 | 98% | 19.60 |  | > | >
年度绩效目标(40分) | 一级指标 | 二级指标 | 三级指标 | 年初目标值(A) | 实际完成值(B) | 得分 | 偏差原因分析
^ | 产出指标 | 数量指标 | 管护公园数 | ≥10个 | 10个 | 10 |
^ | ^ | 质量指标 | 绿化养护合格率(20分) | 100% | 100% | 20 |
^ | ^ | 时效指标 | 养护及时性 | 及时 | 及时 | 10 |
年度绩效目标(40分) | 效益指标 | 社会效益指标 | 市民游园环境 | 98% | 98% | 19.6 | 按完成率计分
^ | ^ | 可持续影响指标 | 管护机制 | 健全 | 健全 | 10 |
^ | 满意度指标 | 服务对象满意度指标 | 游客满意度 | ≥90% | 95% | 10 |
总分（100分） | > | > | > | > | > | 99.20
"""


def test_weights_from_names_equal_shares_and_unknown() -> None:
    f = _form(TWO_BLOCKS, "twenty_eighty")
    a, b, c, d, e, g = f.indicators
    # printed in its own name
    assert b.name.value == "绿化养护合格率"
    assert b.weight is not None and (b.weight.value, b.weight.cell) == (20, "D7")
    assert b.weight_source == "name"
    # the block's 40 less the 20 printed, shared by the two others (scores 10 and 10 fit)
    for ind in (a, c):
        assert ind.weight is not None and ind.weight.value == pytest.approx(10)
        assert ind.weight_source == "equal"
        assert ind.weight_label is not None and ind.weight_label.cell == "A5"
    # 40 / 3 = 13.3 is contradicted by the printed 19.6: no weight is guessed
    for ind in (d, e, g):
        assert ind.weight is None and ind.weight_source == "unknown"
    # the blocks keep their own weights for the sums; no whole-table weight of 40
    assert f.indicator_block_weight is None
    blocks = [
        (x.label.cell, x.level, x.weight.value, [i.row for i in x.members], x.split)
        for x in f.weight_groups
    ]
    assert blocks == [("A5", "block", 40, [6, 7, 8], True), ("A9", "block", 40, [9, 10, 11], False)]
    assert f.total_score is not None and f.total_score.cell == "G12"


def test_no_guessed_weight_exceeds_a_printed_score() -> None:
    """The issue's case: two blocks of 40 gave 6.7 each against scores of 10, 20, 19.6."""
    f = _form(TWO_BLOCKS.replace("绿化养护合格率(20分)", "绿化养护合格率"), "twenty_eighty")
    for ind in f.indicators:
        if ind.weight is not None and ind.weight.value is not None:
            assert (
                ind.score is None
                or ind.score.value is None
                or ind.score.value <= ind.weight.value + 0.005
            )
    assert {i.weight_source for i in f.indicators} == {"unknown"}


def test_a_group_inside_a_group_shares_what_is_left() -> None:
    text = """
市级项目绩效自评表 | > | > | > | > | > | >
预算执行情况(20分) | 预算数(A) | 执行数(B) | 执行率(B/A) | 得分(20分*执行率) | > | >
^ | 100 | 100 | 100% | 20 | > | >
一级指标 | 二级指标 | 三级指标 | 年初目标值(A) | 实际完成值(B) | 得分 | 偏差原因分析
产出指标(50分) | 数量指标(20分) | 培训场次 | ≥10场 | 10场 | 10 |
^ | ^ | 培训人数 | ≥500人 | 520人 | 10 |
^ | 质量指标 | 培训合格率 | ≥95% | 98% | 15 |
^ | ^ | 教材合格率 | 100% | 100% | 15 |
效益指标(30分) | 社会效益指标 | 就业率 | ≥80% | 85% | 30 |
总分 | > | > | > | > | 100 |
"""
    f = _form(text, "twenty_eighty")
    w = {
        i.name.value: (
            i.weight.value if i.weight else None,
            i.weight_label.text if i.weight_label else None,
        )
        for i in f.indicators
    }
    assert w == {
        "培训场次": (10, "数量指标(20分)"),
        "培训人数": (10, "数量指标(20分)"),
        "培训合格率": (15, "产出指标(50分)"),  # (50 - 20) / 2
        "教材合格率": (15, "产出指标(50分)"),
        "就业率": (30, "效益指标(30分)"),
    }
    levels = [(g.label.cell, g.level, g.weight.value, len(g.members)) for g in f.weight_groups]
    assert levels == [("A5", "level1", 50, 4), ("B5", "level2", 20, 2), ("A9", "level1", 30, 1)]


def test_inspect_says_where_every_weight_came_from() -> None:
    read = read_sheet(_sheet(TWO_BLOCKS))
    assert read.form is not None
    text = to_text("x.xlsx", [read])
    assert "等分“年度绩效目标(40分)”@A5的分值" in text
    assert "指标名称中的分值@D7" in text
    assert "表中未列分值（未知）" in text
    d = form_dict(read.form)
    assert [i["weight_source"] for i in d["indicators"]] == [
        "equal",
        "name",
        "equal",
        "unknown",
        "unknown",
        "unknown",
    ]
    assert d["indicators"][0]["weight_label"]["cell"] == "A5"
    assert [g["weight"]["value"] for g in d["weight_groups"]] == [40, 40]
    national = _form(SPLIT_TWO_ROWS)
    assert weight_from(national.indicators[0]) == "分值栏@H9"


# --- 3. a county's title, a year line, 指标N： prefixes, …… rows -------------------------


def _county_sheet() -> str:
    rows = [
        "云溪县项目支出绩效自评表 | > | > | > | > | > | > | > | >",
        "（2022年度） | > | > | > | > | > | > | > | >",
        "项目名称 | 基本公共卫生服务 | > | > | > | > | > | > | >",
        "主管部门 | 云溪县卫生健康局 | > | > | 实施单位 | 云溪县人民医院 | > | > | >",
        "项目资金（万元） |  | > | 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分",
        "^ | 年度资金总额： | > | 90.00 | 90.00 | 90.00 | 10 | 100% | 10",
        "^ | 其中：本年财政拨款 | > | 90.00 | 90.00 | 90.00 | — | 100% | —",
        "年度绩效指标 | 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因分析及改进措施",
    ]
    for n in range(1, 23):
        colon = "：" if n % 2 else ":"
        l1 = "产出指标(90分)" if n == 1 else "^"
        l2 = "数量指标" if n == 1 else "^"
        rows.append(
            f"^ | {l1} | {l2} | 指标{n}{colon}服务项目{n} | ≥{n}0人 | {n}0人 | {4 if n > 2 else 9} | {4 if n > 2 else 9} |"
        )
        if n in (5, 17):
            rows.append("^ | ^ | ^ | …… |  |  |  |  |")
    rows.append("总分 | > | > | > | > | > | 100 | 100 |")
    return "\n".join(rows) + "\n"


def test_county_title_year_line_and_prefixes_read_as_the_national_form() -> None:
    f = _form(_county_sheet(), "national_wan")
    assert f.title is not None and f.title.value == "云溪县项目支出绩效自评表"
    assert len(f.indicators) == 22
    assert f.indicators[0].name.value == "服务项目1" and f.indicators[1].name.value == "服务项目2"
    assert f.indicators[0].name.raw == "指标1：服务项目1"
    assert f.indicators[21].name.value == "服务项目22"
    assert f.skipped_rows == [14, 27]  # the …… rows, kept as template residue
    assert f.total_score is not None and f.total_score.cell == "H33"


JISHAN = """
稷山县项目支出绩效自评表 | > | > | > | > | > | >
(2021年度) | > | > | > | > | > | >
项目名称 | 国家基本公共卫生服务 | > | > | > | > | >
主管部门 | 稷山县卫生健康和体育局 | > | 实施单位 | 稷山县翟店镇卫生院 | > | >
年度\\n总体\\n目标 | 国家基本公共卫生服务 | > | > | 国家基本公共卫生服务 | > | >
一级\\n指标 | 二级指标 | 三级指标 | 年度\\n指标值 | 实际\\n完成值 | 分值 | 得分
产出指标 | 数量指标 | 指标6:举办健康教育宣传咨询活动 | 12次 | 96次 | 1 | 1
^ | ^ | 指标7:建立预防接种证 | 221人 | 221人 | 2 | 2
^ | ^ | 指标8:适龄儿童疫苗接种率 | 100.00% | 97.30% | 2 | 1.9
"""


def test_county_form_without_fund_block_is_the_national_form() -> None:
    """稷山县 (山西) 2021: no 项目资金 block, 指标N: prefixes (tests/realforms c05)."""
    f = _form(JISHAN, "national")
    assert [i.name.value for i in f.indicators] == [
        "举办健康教育宣传咨询活动",
        "建立预防接种证",
        "适龄儿童疫苗接种率",
    ]
    third = f.indicators[2]
    assert (third.actual.cell, third.weight.cell if third.weight else None) == ("E9", "F9")
    assert third.score is not None and (third.score.cell, third.score.value) == ("G9", 1.9)


# --- 4. a narrative before the table ---------------------------------------------------

UNIVERSITY = """
云州大学2022年度项目支出绩效自评表 | > | > | > | > | > | >
自评结果 | 本项目年度绩效目标基本完成，全年共建成教学实验室6间，设备到货验收合格，师生使用满意度较高，自评得分95分，评价等级为优。部分设备安装调试晚于计划。 | > | > | > | > | >
项目名称 | 教学实验室建设 | > | > | > | > | >
项目资金（万元） |  | 年初预算数 | 全年预算数 | 全年执行数 | 执行率 | 得分
^ | 年度资金总额 | 300.00 | 300.00 | 285.00 | 95% | 9.50
一级指标 | 二级指标 | 指标名称 | 目标值 | 实际完成值 | 分值 | 得分
产出指标 | 数量指标 | 建成实验室数 | 6间 | 6间 | 30 | 30
^ | 时效指标 | 设备安装完成时间 | 2022年9月前 | 2022年11月 | 20 | 16
效益指标 | 社会效益指标 | 服务学生人次 | ≥3000人次 | 3200人次 | 20 | 20
满意度指标 | 服务对象满意度指标 | 师生满意度 | ≥90% | 96% | 20 | 20
总分 | > | > | > | > | 100 | 95.50
"""


def test_a_narrative_before_the_table_does_not_stop_the_reader() -> None:
    f = _form(UNIVERSITY, "national_wan")
    assert [i.name.value for i in f.indicators] == [
        "建成实验室数",
        "设备安装完成时间",
        "服务学生人次",
        "师生满意度",
    ]
    second = f.indicators[1]
    assert (second.actual.cell, second.score.cell if second.score else None) == ("E8", "G8")
    assert f.fund is not None and f.fund.total is not None and f.fund.total.executed is not None
    assert f.fund.total.executed.value == pytest.approx(2_850_000)
    assert f.total_score is not None and f.total_score.cell == "G11"
    # the paragraph under 自评结果 is a text, not a grade
    assert f.grade is None
    assert "自评结果" in f.texts and f.texts["自评结果"].cell == "B2"


# --- 5. layouts of FORMS.md "More layouts on public pages" ----------------------------

NINGXIA = r"""
银川市本级部门项目支出绩效自评表 | > | > | > | > | > | > | >
(2021年) | > | > | > | > | > | > | >
项目名称 | 初中公用经费 | > | 主管部门 | 银川市教育局 | > | > | >
实施单位 | 银川市第六中学 | > | 自评得分 | 98 | 财政审核评分 | > |
项目资金(万元) | | 年初预算数 | 调整预算数(A) | 全年执行数(B) | 执行率(B/A) | |
^ | 年度资金总额 | 64.8 | 64.8 | 64.8 | 100% | |
年度总体目标 | 年初设定目标 | 保障学校正常工作运行 | > | 年度总体目标完成情况 | | > | >
一级指标 | 二级指标 | 三级指标 | 分值 | 指标值(A) | 全年实际值(B) | 得分 | 未完成原因分析及改进措施
项目决策(10分) | 项目目标 | 完整性 | 4 | — | 目标明确、内容细化、目标量化 | 4 |
^ | 项目立项 | 相关性 | 2 | — | 按照学校管理标准对学校进行管理 | 2 |
^ | ^ | 可行性 | 2 | | 实际工作需求 | 2 |
^ | ^ | 适当性 | 2 | — | 有资金测算标准 | 2 |
项目管理(25分) | 投入管理 | 预算执行率 | 10 | — | 100% | 9 |
^ | 财务管理 | 财务管理制度有效性 | 7 | — | 财务制度健全,严格执行制度,会计核算规范 | 7 |
^ | 项目实施 | 绩效监控有效性 | 2 | — | 持续有效 | 2 |
^ | ^ | 管理制度有效性 | 6 | - | 严格执行相关管理制度 | 6 |
项目产出(30分) | 数量指标(10分) | 保障人数 | 10 | 2370人 | 2370人 | 10 |
^ | ^ | 指标2: | | | | |
^ | 质量指标(5分) | 公用经费标准 | 5 | 符合相关文件要求 | 符合相关文件要求 | 5 |
^ | ^ | 指标2: | | | | |
^ | 时效指标(5分) | 公用经费完成时间 | 5 | 2021年12月完成 | 2021年12月完成 | 4 |
^ | ^ | 指标2: | | | | |
^ | 成本指标(10分) | 办公所需成本 | 4 | 15万元 | 15万元 | 4 |
^ | ^ | 维修(维护)所需成本 | 3 | 35万元 | 35万元 | 3 |
^ | ^ | 绿化、水电费等成本 | 3 | 14.8万元 | 14.8万元 | 3 |
项目效益(35分) | 经济效益指标 | 指标1: | | | | |
^ | ^ | 指标2: | | | | |
^ | 社会效益指标 | 效果显著 | 15 | 改善学校的办学条件 | 改善学校的办学条件 | 13 |
^ | 生态效益指标 | 指标1: | | | | |
^ | ^ | 指标2: | | | | |
^ | 可持续影响指标 | 使学生和老师有个更好的学习和工作环境,做到 | 10 | 社会认可的办学环境. | 社会认可的办学环境. | 8 |
^ | ^ | 指标2: | | | | |
^ | 服务对象满意度指标(10分) | | | | | |
"""


def test_ningxia_yinchuan() -> None:
    """银川市本级部门项目支出绩效自评表 (2021), m.yzwku.com/doc/476505.html."""
    f = _form(NINGXIA, "ningxia")
    assert f.project is not None and f.project.value == "初中公用经费"
    assert f.total_score is not None and (f.total_score.cell, f.total_score.value) == ("E4", 98)
    assert f.fund is not None and f.fund.total is not None
    t = f.fund.total
    assert t.budget is not None and (t.budget.cell, t.budget.value) == ("D6", 648_000)
    assert t.executed is not None and t.executed.cell == "E6"
    assert t.rate is not None and (t.rate.cell, t.rate.value) == ("F6", 1.0)
    assert t.weight is None and t.score is None
    assert {k: v.value for k, v in f.level1_weights.items()} == {
        "项目决策": 10, "项目管理": 25, "项目产出": 30, "项目效益": 35,
    }  # fmt: skip
    names = [i.name.value for i in f.indicators]
    assert names[:4] == ["完整性", "相关性", "可行性", "适当性"]
    rate = _ind(f, "预算执行率")
    assert rate.level1 is not None and rate.level1.value == "项目管理"
    assert rate.weight is not None and (rate.weight.cell, rate.weight.value) == ("D13", 10)
    assert rate.score is not None and (rate.score.cell, rate.score.value) == ("G13", 9)
    people = _ind(f, "保障人数")
    assert (people.target.cell, people.actual.cell) == ("E17", "F17")
    assert people.target.value.number == 2370
    assert people.level2 is not None and people.level2.value == "数量指标"
    assert sum(i.weight.value for i in f.indicators if i.weight and i.weight.value) == 90
    groups = {(g.label.cell, g.level, g.weight.value) for g in f.weight_groups}
    assert ("A17", "level1", 30) in groups and ("B17", "level2", 10) in groups
    from budgetlint.families import FAMILIES

    assert FAMILIES["ningxia"].params.fund_weight == 0


CHONGQING = r"""
部门整体绩效自评表 | > | > | > | > | > | > | > | > | > | >
主管部门 |  | > | 财政处室 |  | > | > | 自评总分(分) | > | 97.6 | >
部门联系人 | 曾雪莲 | > | 联系电话 |  | > | > | > | > | > | >
部门预算执行情况(万元) | 年初预算数 | > | 全年(调整)预算数 | > | 全年执行数 | > | 执行率(%) | 执行率权重 | 执行率得分(分) | >
^ |  | > |  | > |  | > | 76% | 10 | 7.6 | >
当年绩效目标 | 年初绩效目标 | > | > | > | 全年(调整)绩效目标 | > | 全年目标实际完成情况 | > | > | >
^ | 通过整合各级各类媒体、户外广告载体、宣传宣讲活动等,为建设成渝地区双城经济圈和西部(重庆)重庆科学城营造良好氛围。保障融媒体中心正常人事基础/日常运转,有效承担西部(重庆)科学城新闻宣传管理,思想文化领域建设等工作。 | > | > | > | 无 | > | 中心2021年较好地完成了履职任务,有效开展了西部(重庆)科学城新闻宣传管理/思想文化领域建设等工作,为建设成渝地区双城经济圈和西部(重庆)重庆科学城营造了良好氛围。 | > | > | >
绩效指标 | 指标名称 | 计量单位 | 指标性质 | 年初指标值 | 调整指标值 | 全年完成值 | 得分系数(%) | 指标权重(分) | 指标得分(分) | 是否核心指标
^ | 财政供养人员控制率 | % | 定量指标 | 100% |  | 92% | 100% | 2 | 2 | 否
^ | “三公经费变动率 | % | ^ |  |  |  | 100% | 2 | 2 | 否
^ | 基础信息完善 | % | ^ | 100% |  | 100% | 100% | 1 | 1 | 否
^ | 预算完成率 | % | ^ | 70% |  | 76% | 100% | 2 | 2 | 是
^ | 预算调整率 | % | ^ | 3% |  | 0 | 100% | 2 | 2 | 否
^ | 结转结余率 | % | ^ | 2% |  | 0 | 100% | 2 | 2 | 是
^ | 公用经费控制率 | % | ^ | 100% |  | 97% | 100% | 2 | 2 | 是
^ | “三公经费控制率 | % | ^ |  |  |  | 100% | 2 | 2 | 否
^ | 政府采购执行率 | % | ^ | 100% |  | 72.74% | 100% | 2 | 2 | 是
^ | 管理制度健全性 |  | 定性指标 | 高 |  | 高 | 100% | 3 | 3 | 否
^ | 资金使用合规性 |  | ^ | 好 |  | 好 | 100% | 5 | 5 | 否
"""


def test_chongqing_department() -> None:
    """重庆 部门整体绩效自评表 (2021), m.yzwku.com/doc/98587.html."""
    f = _form(CHONGQING, "chongqing")
    assert f.total_score is not None and (f.total_score.cell, f.total_score.value) == ("J2", 97.6)
    assert f.department is None or f.department.value != "财政处室"
    assert f.fund is not None and f.fund.total is not None
    t = f.fund.total
    assert t.rate is not None and (t.rate.cell, t.rate.value) == ("H5", pytest.approx(0.76))
    assert t.weight is not None and (t.weight.cell, t.weight.value) == ("I5", 10)
    assert t.score is not None and (t.score.cell, t.score.value) == ("J5", 7.6)
    assert [i.name.value for i in f.indicators][:3] == [
        "财政供养人员控制率",
        "“三公经费变动率",
        "基础信息完善",
    ]
    first = f.indicators[0]
    assert (first.target.cell, first.target.value.kind, first.target.value.number) == (
        "E9",
        Kind.PERCENT,
        pytest.approx(1.0),
    )
    assert (first.actual.cell, first.actual.text) == ("G9", "92%")
    assert first.weight is not None and (first.weight.cell, first.weight.value) == ("I9", 2)
    assert first.score is not None and (first.score.cell, first.score.value) == ("J9", 2)
    qual = _ind(f, "管理制度健全性")
    assert (qual.target.text, qual.target.cell, qual.actual.cell) == ("高", "E18", "G18")


BEIJING = r"""
项目支出绩效自评表(2016年度) | > | > | > | > | > | > | > | > | >
项目名称 | 【体制】自管道路清扫保洁外包工作经费 | > | > | > | > | > | > | > | >
主管部门及代码 | 北京市海淀区人民政府学院路街道办事处 | > | > | > | 实施单位: | 北京市海淀区学院路街道城市运行服务中心 | > | > | >
项目资金(万元) |  | 年初预算数(A) | 全年执行数(B) | 分值(10分) | 执行率(B/A) | 得分 | 得分计算方法 | > | >
^ | 年度资金总额: | 310.2 | 154.74 | 10 | 50% | 5 | 执行率*该指标分值,最高不得超过分值上限。 | > | >
^ | 其中:本年一般公共预算拨款 | 310.2 | 154.74 |  |  |  |  | > | >
^ | 其他资金 |  |  |  |  |  |  | > | >
年度总体目标 | 通过规范地区自管道路清扫保洁外包工作经费工作专项资金的使用,明确专项资金使用目的,实现科学管理,充分发挥项目资金在地区自管小区、小广告、三级以下道路、无主垃圾渣土清运及重大活动环境卫生保障工作中的作用,将自管道路保洁进行外包,更好的服务于本地区政治、经济、文化等各项事业的发展 | > | > | > | 按照年初设定目标,将辖区20条城市道路清扫保洁、4处居民生活区小广场清扫保洁业务通过公开招投标方式进行了外包,通过地区自管道路清扫保洁外包项目的实施,使地区环境卫生及社区环境更加优美,为建设全国文明城区及建设美丽学院路做出了贡献 | > | > | > | >
绩效指标 | 一级指标 | 二级指标 | 三级指标 | 分值 | 年度指标值(A) | 全年实际值(B) | 得分计算方法 | 得分 | 未完成原因分析
^ | 产出指标(50分) | 数量指标 | 是否完成绩效目标申报表中申报的数量 | 12.5 | 12.5 | 12.5 | 完成值达到指标值,记满分;未达到指标值,按B/A或A/B*该指标分值记分。 | 12.5 |
"""


def test_beijing_2016() -> None:
    """北京 项目支出绩效自评表 (2016), www.wenku365.com/s-60761775.html."""
    f = _form(BEIJING, "beijing2016")
    assert f.department is not None and f.department.value == "北京市海淀区人民政府学院路街道办事处"
    assert f.fund is not None and f.fund.total is not None
    t = f.fund.total
    # 执行率(B/A) with A = 年初预算数(A): that column is the budget the rate divides by
    assert t.budget is not None and (t.budget.cell, t.budget.value) == ("C5", 3_102_000)
    assert t.executed is not None and (t.executed.cell, t.executed.value) == ("D5", 1_547_400)
    assert t.weight is not None and (t.weight.cell, t.weight.value) == ("E5", 10)
    assert t.rate is not None and (t.rate.cell, t.rate.value) == ("F5", 0.5)
    assert t.score is not None and (t.score.cell, t.score.value) == ("G5", 5)
    fiscal = f.fund.row("fiscal")
    assert fiscal is not None and fiscal.label.cell == "B6"
    [ind] = f.indicators
    assert ind.level1 is not None and ind.level1.value == "产出指标"
    assert f.level1_weights["产出指标"].value == 50
    assert ind.weight is not None and (ind.weight.cell, ind.weight.value) == ("E10", 12.5)
    assert (ind.target.cell, ind.actual.cell) == ("F10", "G10")
    assert ind.score is not None and (ind.score.cell, ind.score.value) == (
        "I10",
        12.5,
    )  # not 得分计算方法
    assert ind.reason is not None and ind.reason.cell == "J10"


XINJIANG = r"""
项目支出绩效自评表 | > | > | > | > | > | > | > | > | > | > | > | > | >
(2023年度) | > | > | > | > | > | > | > | > | > | > | > | > | >
项目名称 | 昌州财行(2022)10号 国家统计局调查队专项经费 | > | > | > | > | > | > | > | > | > | > | > | >
主管部门 | 阜康市统计局 | > | > | > | > | 实施单位 | 阜康市统计局 | > | > | > | > | > | >
项目资金\n(万元) | 资金来源 | 年初预算数 | 全年预算数 | 全年执行数 | 分值权重 | 执行率 | 得分
^ | 年度资金总额 | 5.28 | 1.96 | 1.96 | 10 | 100.00% | 10
^ | 其中:当年财政拨款 | 5.28 | 1.96 | 1.96 | - | - | -
^ | 其他资金 | 0.00 | 0.00 | 0.00 | - | - | -
年度总体目标 | 总体目标 | > | > | > | > | > | 总体目标完成情况 | > | > | > | > | > | >
^ | 1.根据《关于拨付国家统计局昌吉调查队专项经费的通知》在2022年12月31日前至少给120人发放以36.66元每月的记账户补贴费。生产以居民收入和生活支出为核心的数据产品,满足研究制定城乡统筹政策和民生政策的需要,为国民经济核算和居民消费价格指数权重制定提供基础数据。2.全面、准确、及时了解本地区城乡居民收入、消费及其他生活状况,客观监测居民收入分配格局和不同收入层次居民的生活质量。 | > | > | > | > | > | 截至2023年12月31日,本项目完成住户数据产品120人,政策咨询建议完成率为100%,2023年2月24日,政策咨询建议及时率为100%,项目的实施有益于提高统计能力建设 ,有益于统计数据传播环境的营造,被调查户满意度达100%。 | > | > | > | > | > | >
 | 一级指标 | 二级指标 | 三级指标 | 指标值 | 指标值设置依据 | 上年完成值 | 指标分值权重 | 指标赋分规则 | 佐证资料 | 指标实际完成值 | 完成率 | 指标得分 | 偏差原因分析及改进措施
年度绩效指标完成情况 | 产出指标
"""


def test_xinjiang_fukang() -> None:
    """阜康市 项目支出绩效自评表 (2023), www.fk.gov.cn/gk/yjs/908895.htm (the page ends at the header)."""
    sheet = _sheet(XINJIANG)
    read = read_sheet(sheet)
    assert (read.status, read.family) == ("form", "xinjiang")
    f = read.form
    assert f is not None and f.fund is not None and f.fund.total is not None
    t = f.fund.total
    assert t.initial is not None and (t.initial.cell, t.initial.value) == ("C6", 52_800)
    assert t.budget is not None and (t.budget.cell, t.budget.value) == ("D6", 19_600)
    assert t.weight is not None and (t.weight.cell, t.weight.value) == ("F6", 10)
    assert t.rate is not None and (t.rate.cell, t.rate.value) == ("G6", 1.0)
    assert t.score is not None and t.score.cell == "H6"
    # the indicator columns: 指标值 · (设置依据, 上年完成值) · 指标分值权重 · (赋分规则, 佐证资料)
    # · 指标实际完成值 · (完成率) · 指标得分 · 偏差原因分析及改进措施
    h = _find_header(CellReader(sheet), INDICATOR_COLUMNS, (("name",), ("target", "actual")))
    assert h is not None
    assert h.cols == {
        "level1": 2, "level2": 3, "name": 4, "target": 5, "weight": 8, "actual": 11, "score": 13, "reason": 14,
    }  # fmt: skip


HUBEI = r"""
广水市财政预算支出项目绩效目标自评表 | > | > | > | > | > | > | > | >
填报日期:2022 年 8 月 10 日 | > | > | > | > | > | 自评总分: | 95 | >
项目名称 | 乡村道路建设养护项目 | > | > | 项目实施单位 | 广水市交通运输局 | > | > | >
项目主管单 位 | 广水市交通运输局 | > | > | 项目负责人 | 孙章勇 | > | > | >
项目属性 | 1、常年性 2、延续性□ 3、一次性□ 4、新增性□ | > | > | > | > | > | > | >
项目资金来源 | 中央 (万元) | 省、地 (万元) | 本级 (万元) | 其他 (万元) | 合计 (万元) | 执行数 (万元) | 执行率 | >
^ | | | 309 | | 309 | 309 | 100 % | >
项目年度目 标 | 1.完成乡村道路建设养护里程 300 公里;\n2.\n3. | > | > | > | > | > | > | >
项目权重 | 评价内容 | 分值 | 自评分 | 复核分 | 评价标准及依据 | > | > | >
项目决策 2 分 | 决策依据 | 2 | 2 | | 有项目年度工作计划或有上级文件或审批报告计 2 分,没有不得分。 | > | > | >
项目管理 13 分 | 财务制度 | 3 | 3 | | 1、单位财务管理制度 1 分;\n2、项目管理制度 1 分;\n3、有制度执行佐证资料 1 分。没有不得分。 | > | > | >
^ | 组织机构 | 2 | 2 | | 有明确的绩效管理机构或专人负责 2 分。没有不得分 | > | > | >
^ | 运行监管 | 4 | 4 | | 1、运行监管记录 3 分;\n2、填报《项目支出绩效监控表》1 分。没有不得分。 | > | > | >
^ | 目标申报 | 4 | 4 | | 1、项目绩效目标全申报的 1 分,缺一项扣 0.5 分,扣完为止;\n2、绩效目标规范 1 分,不规范扣 0.5 分;\n3、按时申报绩效目标计 2 分,逾期扣 1 分。 | > | > | >
项目年度目标 1:乡村道路建设养护项目 | > | > | > | > | > | > | > | >
 | 一级 指标 | 二级 指标 | 指标名称 (三级指标) | 年初指 标值 | 年终完 成值 | 自评 分 | 复核 分 | 评价标准
项目 绩效 85 分 | 产出 指标 40 分 | 数量指 标 15 分 | 乡村道路建设 养护里程 | 300 公 里 | 300 公 里 | 15 | | 1、提供三级指标完成程度的佐证资料;\n2、三级指标分值按三级指标个数平均确定 (15 分÷三级指标个数) ,四舍五入保留整 数。
"""

HEBEI = """
预算项目绩效自评表 | > | > | > | > | > | > | >
一、基本情况 | > | > | > | > | > | > | >
项目名称 | 农村饮水安全工程维修养护 | > | > | > | > | > | >
四、年度绩效指标完成情况 | > | > | > | > | > | > | >
一级指标 | 二级指标 | 三级指标 | 预期指标值 | > | > | 单项指标完成情况 | 单项指标得分 | 权重占比(%) | 单项指标折算得分
^ | ^ | ^ | 符号 | 值 | 单位(文字描述) | ^ | ^ | ^ | ^
产出指标 | 数量指标 | 维修工程处数 | >= | 20 | 处 | 22 | 100 | 10 | 10
"""

SUZHOU = """
市级财政支出项目绩效自评表 | > | > | > | > | > | >
项目名称 | 公共文化服务 | > | > | > | > | >
项目资金 | 当年使用上年结余、结转及当年调整预算数 | 指标结余数 | > | > | > | >
子项名称 | 预算数 | 实际数 | > | > | > | >
类别 | 指标名称 | 目标值 | 权重 | 实际完成值 | 自评分 | >
投入目标 | 预算执行率 | 100% | 10 | 98% | 9.8 | >
产出目标 | 演出场次 | 100场 | 30 | 102场 | 30 | >
结果目标 | 群众满意度 | ≥90% | 20 | 93% | 20 | >
"""


def test_hubei_reads_both_tables_to_the_model() -> None:
    # 广水 (corpus a06): 项目决策/项目管理 in one table, 项目绩效 85 分 in the next
    read = read_sheet(_sheet(HUBEI))
    assert read.status == "form" and read.family == "hubei"
    form = read.form
    assert form is not None and form.fund is not None and form.fund.total is not None
    total = form.fund.total
    assert total.budget is not None and (total.budget.cell, total.budget.value) == ("F7", 3090000.0)
    assert total.executed is not None and total.executed.cell == "G7"
    assert total.rate is not None and (total.rate.cell, total.rate.value) == ("H7", 1.0)
    rows = [
        (i.name.cell, i.name.value, i.weight.value if i.weight else None, i.weight_source,
         i.score.cell if i.score else None)
        for i in form.indicators
    ]  # fmt: skip
    assert rows == [
        ("B10", "决策依据", 2.0, "cell", "D10"),
        ("B11", "财务制度", 3.0, "cell", "D11"),
        ("B12", "组织机构", 2.0, "cell", "D12"),
        ("B13", "运行监管", 4.0, "cell", "D13"),
        ("B14", "目标申报", 4.0, "cell", "D14"),
        ("D17", "乡村道路建设 养护里程", 15.0, "equal", "G17"),
    ]
    road = form.indicators[-1]
    assert (road.target.cell, road.actual.cell, road.target.text) == ("E17", "F17", "300 公 里")
    assert form.level1_weights["项目决策"].value == 2.0
    assert form.total_score is not None and (form.total_score.cell, form.total_score.value) == (
        "H2",
        95,
    )


@pytest.mark.parametrize(
    ("text", "family"),
    [(HEBEI, "hebei"), (SUZHOU, "suzhou")],
    ids=["hebei", "suzhou"],
)
def test_layouts_not_read_are_reported_unrecognized(text: str, family: str) -> None:
    read = read_sheet(_sheet(text))
    assert read.status == "unrecognized" and read.form is None
    assert read.family == family
    assert read.reason.startswith("版式未识别")
    assert read.labels


def test_every_new_family_has_a_name_and_description() -> None:
    from budgetlint.families import FAMILIES

    for key in ("chongqing", "ningxia", "beijing2016", "xinjiang", "hubei", "hebei", "suzhou"):
        fam = FAMILIES[key]
        assert fam.name and fam.description and fam.markers
    assert {k for k, f in FAMILIES.items() if not f.supported} == {"hebei", "suzhou"}
