"""Reviewer rules S501–S509: forms written in the gridtext notation, read and checked."""

from __future__ import annotations

from budgetlint import gridtext
from budgetlint.checker import check_grid
from budgetlint.findings import Finding, Severity
from budgetlint.forms.form_s import read_sheet
from budgetlint.grid import Grid
from budgetlint.model import FormS
from budgetlint.rules import REGISTRY
from budgetlint.rules.cases import load_cases
from budgetlint.rules.helpers import name_residue, template_instruction

REVIEW = [f"S50{i}" for i in range(1, 10)]

#: The canonical national form (元), rows 1–11; indicator rows start at row 12.
HEAD = """\
项目支出绩效自评表 | > | > | > | > | > | > | > | >
项目名称 | 综合服务工作 | > | > | > | > | > | > | >
主管部门 | 深圳市社会组织管理局 | > | > | > | 实施单位 | 深圳市社会组织管理局 | > | >
项目资金（元） |  | 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分 |
^ | 年度资金总额 | 987000.00 | 987000.00 | 969188.11 | 10 | 0.98 | 9.80 |
^ | 其中：当年财政拨款 | 987000.00 | 987000.00 | 969188.11 | — | 0.98 | — |
^ | 上年结转资金 | 0.00 | 0.00 | 0.00 | — | — | — |
^ | 其他资金 | 0.00 | 0.00 | 0.00 | — | — | — |
年度总体目标 | 预期目标 | > | > | > | 实际完成情况 | > | > | >
^ | {planned} | > | > | > | {actual} | > | > | >
年度绩效指标 | 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因分析及改进措施
"""

#: Indicator rows of a correct form (rows 12–18), 分值 90 in all.
ROWS = [
    "^ | 产出指标 | 数量指标 | 社会组织宣传短视频新闻 | 30 期 | 30 期 | 20.0 | 20.0 | 无偏差",
    "^ | ^ | ^ | 采购服务量 | =3 项 | 3 项 | 10.0 | 10.0 | 无偏差",
    "^ | ^ | 质量指标 | 宣传材料验收合格率 | 100% | 100% | 10.0 | 10.0 | 无偏差",
    "^ | ^ | 时效指标 | 委托业务采购及时性 | 及时 | 及时 | 10.0 | 10.0 | 无偏差",
    "^ | ^ | 成本指标 | 经费控制 | <98.7 万元 | 96.92 万元 | 10.0 | 10.0 | 无偏差",
    "^ | 效益指标 | 社会效益指标 | 提高社会组织知晓度 | 提高 | 提高 | 20.0 | 20.0 | 无偏差",
    "^ | 满意度指标 | 满意度指标 | 项目实施的满意度 | ≥90% | 92% | 10.0 | 10.0 | 无偏差",
]
TOTAL = "总分 | > | > | > | > | > | 100 | 99.80 | —"
PLANNED = "通过短视频新闻、微信公众号等方式宣传社会组织信息，做好综合协助服务。"
ACTUAL = "完成短视频新闻 30 期，采购服务 3 项，宣传材料全部验收合格。"


def national(rows: list[str] | None = None, *, planned: str = PLANNED, actual: str = ACTUAL) -> str:
    body = "\n".join(rows if rows is not None else ROWS)
    return HEAD.format(planned=planned, actual=actual) + body + "\n" + TOTAL + "\n"


def with_row(i: int, row: str) -> list[str]:
    """ROWS with row ``i`` (0-based; sheet row 12 + i) replaced."""
    out = list(ROWS)
    out[i] = row
    return out


def check(text: str) -> list[Finding]:
    sheet = gridtext.parse(text, "S")
    return check_grid(Grid(path="t.xlsx", sheets=[sheet])).findings


def read(text: str) -> FormS:
    form = read_sheet(gridtext.parse(text, "S")).form
    assert form is not None
    return form


def of(found: list[Finding], code: str) -> list[tuple[str, str]]:
    return [(f.cell, f.message) for f in found if f.code == code]


def cells(found: list[Finding], code: str) -> list[str]:
    return [f.cell for f in found if f.code == code]


def review(found: list[Finding]) -> list[tuple[str, str]]:
    return [(f.code, f.cell) for f in found if f.code in REVIEW]


# --------------------------------------------------------------------------- registry


def test_rules_are_registered_as_warnings_with_documentation() -> None:
    for code in REVIEW:
        r = REGISTRY[code]
        assert r.severity is Severity.WARNING, code
        assert r.title and r.doc.splitlines()[0], code
        cases = load_cases(code)  # the anti-pattern and best practice: rules/cases/<CODE>.toml
        assert cases.fail and cases.passing, code
    assert REGISTRY["S506"].scored_only and REGISTRY["S509"].scored_only
    assert not REGISTRY["S501"].scored_only


def test_a_correct_form_raises_none_of_them() -> None:
    found = check(national())
    assert review(found) == []
    assert [f for f in found if f.severity is not Severity.NOTE] == []


# --------------------------------------------------------------------------- S501


def test_name_residue_split() -> None:
    r = name_residue("指标1：★培训人数（≥**人）")
    assert (r.content, r.prefix, r.stars, r.hints) == ("培训人数", "指标1：", "★", ("（≥**人）",))
    assert name_residue("指标1工程资金金额").content == "工程资金金额"
    assert name_residue("指标2:").content == "" and name_residue("指标2:").prefix == "指标2:"
    assert name_residue("培训费用<**元").hints == ("<**元",)
    assert not name_residue("0-6岁儿童健康管理数").residue
    assert not name_residue("指标体系完善率").residue  # 指标 without a number is a word
    assert not name_residue("指标一致性核查率").residue  # 一 is a word here, no separator
    assert name_residue("指标一：培训人数").content == "培训人数"


def test_prefix_star_and_hint_kept_in_names() -> None:
    rows = with_row(
        0,
        "^ | 产出指标 | 数量指标 | 指标1：社会组织宣传短视频新闻 | 30 期 | 30 期 | 20.0 | 20.0 | 无偏差",
    )
    rows[1] = "^ | ^ | ^ | ★采购服务量（≥**项） | =3 项 | 3 项 | 10.0 | 10.0 | 无偏差"
    rows[2] = "^ | ^ | 质量指标 | 指标1宣传材料验收合格率 | 100% | 100% | 10.0 | 10.0 | 无偏差"
    found = check(national(rows))
    assert of(found, "S501") == [
        (
            "D12",
            "三级指标名称“指标1：社会组织宣传短视频新闻”留有模板的编号前缀“指标1：”：应删去，"
            "只保留指标名称“社会组织宣传短视频新闻”",
        ),
        (
            "D13",
            "三级指标名称“★采购服务量（≥**项）”留有模板的优先标记“★”、填写提示“（≥**项）”："
            "应删去，只保留指标名称“采购服务量”",
        ),
        (
            "D14",
            "三级指标名称“指标1宣传材料验收合格率”留有模板的编号前缀“指标1”：应删去，"
            "只保留指标名称“宣传材料验收合格率”",
        ),
    ]
    assert cells(found, "S403") == []  # real content beside the residue: not S403's


def test_dots_rows_and_placeholder_rows_are_reported_at_their_cell() -> None:
    rows = [
        *ROWS[:2],
        "^ | ^ | ^ | 指标3： |  |  |  |  |",
        "^ | ^ | ^ | 指标4 |  |  |  |  |",
        "^ | ^ | ^ | …… |  |  |  |  |",
        "^ | ^ | ^ | 指标5：…… |  |  |  |  |",
        *ROWS[2:],
    ]
    text = national(rows)
    form = read(text)
    assert [f.cell for f in form.residue_cells] == ["D14", "D15", "D16", "D17"]
    assert form.skipped_rows == [16, 17]
    assert [i.name.text for i in form.indicators][:3] == [
        "社会组织宣传短视频新闻",
        "采购服务量",
        "宣传材料验收合格率",
    ]
    found = check(text)
    assert of(found, "S501") == [
        ("D14", "指标区留有未填内容的模板占位行“指标3：”：应删除该行（或填写实际指标）"),
        ("D15", "指标区留有未填内容的模板占位行“指标4”：应删除该行（或填写实际指标）"),
        ("D16", "指标区留有模板的“……”占位行：应删除该行（或填写实际指标）"),
        ("D17", "指标区留有模板的“指标5：……”占位行：应删除该行（或填写实际指标）"),
    ]
    # the placeholders are template rows, not indicators with an empty target
    assert cells(found, "S401") == [] and cells(found, "S403") == []


def test_dots_in_the_level2_column() -> None:
    rows = [*ROWS[:4], "^ | ^ | …… |  |  |  |  |  |", *ROWS[4:]]
    found = check(national(rows))
    assert cells(found, "S501") == ["C16"]


def test_a_name_that_is_only_a_placeholder_but_has_values() -> None:
    rows = with_row(1, "^ | ^ | ^ | 指标2： | =3 项 | 3 项 | 10.0 | 10.0 | 无偏差")
    found = check(national(rows))
    assert of(found, "S501") == [
        ("D13", "三级指标名称只有模板占位“指标2：”，没有指标名称：应填写指标名称，或删除该行")
    ]


def test_template_text_instead_of_a_name_is_s403_not_s501() -> None:
    rows = with_row(1, "^ | ^ | ^ | 指标2：请填写指标名称 | =3 项 | 3 项 | 10.0 | 10.0 | 无偏差")
    rows[2] = "^ | ^ | 质量指标 | （≥**人） | 100% | 100% | 10.0 | 10.0 | 无偏差"
    found = check(national(rows))
    assert cells(found, "S501") == []
    assert of(found, "S403") == [
        ("D13", "三级指标名称“指标2：请填写指标名称”含模板文字（请填写），应填写实际内容"),
        ("D14", "三级指标名称“（≥**人）”含模板文字（**），应填写实际内容"),
    ]


# --------------------------------------------------------------------------- S502

TEN_NINETY = """\
部门预算项目支出绩效自评表(2023年度) | > | > | > | > | > | > | > | > | > | >
项目名称 | 工资性支出 | > | > | > | > | > | > | > | > | >
主管部门 | 青神县发展和改革局 | > | > | > | 实施单位 | 青神县发展和改革局 | > | > | > | >
预算执行情况(10分) | 年度预算数(万元) | 年初预算 | 调整后预算数 | 预算执行数 | 预算执行率 | 权重 | 得分 | 原因 | > | >
^ | 总额 | 251.89 | 251.89 | 251.89 | 100.00% | 10 | 10 | {reason} | > | >
^ | 其中:财政资金 | 251.89 | 251.89 | 251.89 | 100.00% | / | / | ^ | ^ | ^
^ | 其他资金 |  |  |  |  | / | / | ^ | ^ | ^
绩效指标(90分) | 一级指标 | 二级指标 | 三级指标 | 指标性质 | 指标值 | 度量单位 | 完成值 | 权重 | 得分 | 未完成原因分析
^ | 产出指标 | 数量指标 | 发放(缴纳)覆盖率 | = | 100 | % | 100% | {w1} | {w1} |
^ | 效益指标 | 社会效益指标 | 足额保障率(参保率) | = | 100 | % | 100% | {w2} | {w2} |
合计 | > | > | > | > | > | > | > | 100 | 100 |
评价结论 | {conclusion} | > | > | > | > | > | > | > | > | >
存在问题 | {problems} | > | > | > | > | > | > | > | > | >
改进措施 | {measures} | > | > | > | > | > | > | > | > | >
"""


def ten_ninety(**kw: str) -> str:
    values = {
        "reason": "无",
        "w1": "60",
        "w2": "30",
        "conclusion": "项目自评得分100分，工资及社保按时足额发放缴纳。",
        "problems": "无",
        "measures": "继续做好工资发放和社保缴纳工作。",
    }
    values.update(kw)
    return TEN_NINETY.format(**values)


def test_template_instruction_patterns() -> None:
    assert (
        template_instruction("对照年度目标,说明相关任务目标的完成情况(100字以内)") == "对照年度目标"
    )
    assert template_instruction("1.预算执行率=预算执行数/调整后预算数,未达到90%的需说明原因") == (
        "预算执行率=预算执行数"
    )
    assert template_instruction("请填写存在的问题") == "请填写"
    assert template_instruction("简要说明项目实施情况") == "简要说明"
    assert template_instruction("（200字以内）") == "(200字以内)"
    assert template_instruction("注：1.一级指标分值统一设置为产出指标50分") is not None
    assert template_instruction("项目按计划完成，资金全部支付到位。") is None
    assert template_instruction("注：本项目为跨年度项目。") is None
    assert template_instruction("注：本项目需跨年度实施。") is None
    assert template_instruction("") is None


def test_instructions_left_in_the_closing_texts_and_the_reason_column() -> None:
    text = ten_ninety(
        reason="1.预算执行率=预算执行数/调整后预算数,预算执行率未达到90%的需说明原因(100字以内)",
        conclusion="结合自评情况,说明项目自评总分,说明项目实施取得的成效或成果。(200字以内)",
        problems="结合自评情况,分析存在的问题及原因。(200字以内)",
    )
    found = check(text)
    assert cells(found, "S502") == ["I5", "B12", "B13"]
    msgs = dict(of(found, "S502"))
    assert msgs["B13"] == (
        "存在问题仍是模板的填写说明“结合自评情况,分析存在的问题及原因。(200字以内)”"
        "（“结合自评情况”）：应删去说明文字，填写实际内容"
    )
    assert msgs["I5"].startswith("年度资金总额的原因仍是模板的填写说明“1.预算执行率=预算执行数/")
    assert cells(check(ten_ninety()), "S502") == []


def test_instruction_left_in_the_goal() -> None:
    found = check(national(actual="对照年度目标,说明相关任务目标的完成情况(100字以内)"))
    assert of(found, "S502") == [
        (
            "F10",
            "年度目标完成情况仍是模板的填写说明“对照年度目标,说明相关任务目标的完成情况(100字以内)”"
            "（“对照年度目标”）：应删去说明文字，填写实际内容",
        )
    ]


# --------------------------------------------------------------------------- S503


def test_actual_of_another_kind_than_its_target() -> None:
    rows = with_row(4, "^ | ^ | 成本指标 | 经费控制 | ≤30万元 | 完成 | 10.0 | 10.0 | 无偏差")
    rows[3] = "^ | ^ | 时效指标 | 委托业务采购完成时间 | 2021年12月前 | 100% | 10.0 | 10.0 | 无偏差"
    found = check(national(rows))
    assert of(found, "S503") == [
        (
            "F15",
            "指标“委托业务采购完成时间”实际完成值“100%”是百分比，年度指标值“2021年12月前”是"
            "日期（时限），两者无法比较评分：应按年度指标值的口径填写实际完成的日期",
        ),
        (
            "F16",
            "指标“经费控制”实际完成值“完成”是定性描述，年度指标值“≤30万元”是金额，两者无法比较"
            "评分：应按年度指标值的口径填写实际金额（如“28.5万元”）",
        ),
    ]


def test_comparable_actuals_are_not_reported() -> None:
    rows = with_row(4, "^ | ^ | 成本指标 | 经费控制 | ≤30万元 | 28.6万元 | 10.0 | 10.0 | 无偏差")
    rows[3] = (
        "^ | ^ | 时效指标 | 委托业务采购完成时间 | 2021年12月前 | 2021年11月 | 10.0 | 10.0 | 无偏差"
    )
    rows[2] = "^ | ^ | 质量指标 | 宣传材料验收合格率 | 100% | 达成预期指标 | 10.0 | 10.0 | 无偏差"
    assert cells(check(national(rows)), "S503") == []


# --------------------------------------------------------------------------- S504


def test_indicators_filed_under_the_wrong_category() -> None:
    rows = [
        *ROWS[:5],
        "^ | 效益指标 | 社会效益指标 | 与委托运营方合同完成率 | =100% | 100% | 10.0 | 10.0 | 无偏差",
        "^ | ^ | 生态效益指标 | 食品安全指标达标率 | 100% | 100% | 10.0 | 10.0 | 无偏差",
        "^ | 满意度指标 | 服务对象满意度指标 | 粮食安全事件发生数 | 0起 | 0起 | 5.0 | 5.0 | 无偏差",
        "^ | ^ | ^ | 项目实施的满意度 | ≥90% | 92% | 5.0 | 5.0 | 无偏差",
    ]
    found = check(national(rows))
    assert of(found, "S504") == [
        (
            "D17",
            "指标“与委托运营方合同完成率”填在“社会效益指标”下，类别不符：“合同完成率”是产出"
            "（完成情况）指标，不是效益，应归入产出指标",
        ),
        (
            "D18",
            "指标“食品安全指标达标率”填在“生态效益指标”下，类别不符：是“食品安全”方面的内容，"
            "不是生态效益，应归入相应类别",
        ),
        (
            "D19",
            "指标“粮食安全事件发生数”填在“满意度指标”下，类别不符：不是服务对象满意度的度量，"
            "应归入产出或效益指标",
        ),
    ]


def test_an_effect_category_inside_the_output_block_is_reported_once_at_its_label() -> None:
    rows = [
        "^ | 产出指标 | 数量指标 | 社会组织宣传短视频新闻 | 30 期 | 30 期 | 20.0 | 20.0 | 无偏差",
        "^ | ^ | 经济效益指标 | 奖补资金兑付率 | ≥100% | 100% | 10.0 | 10.0 | 无偏差",
        "^ | ^ | ^ | 奖补资金到位率 | 100% | 100% | 10.0 | 10.0 | 无偏差",
        *ROWS[3:],
    ]
    found = check(national(rows))
    assert of(found, "S504") == [
        (
            "C13",
            "二级指标“经济效益指标”填在一级指标“产出指标”下（如“奖补资金兑付率”），类别不符，"
            "其分值计入了“产出指标”：应移到对应的一级指标下",
        )
    ]


def test_right_categories_are_not_reported() -> None:
    rows = [
        *ROWS[:5],
        "^ | 效益指标 | 生态效益指标 | 低温、低氧、低剂量科学保粮率 | 100% | 100% | 10.0 | 10.0 | 无偏差",
        "^ | ^ | ^ | 生活垃圾无害化处理率 | 100% | 100% | 5.0 | 5.0 | 无偏差",
        "^ | ^ | 社会效益指标 | 受益群众覆盖率 | ≥90% | 95% | 5.0 | 5.0 | 无偏差",
        "^ | 满意度指标 | 服务对象满意度指标 | 服务对象投诉率 | ≤1% | 0% | 5.0 | 5.0 | 无偏差",
        "^ | ^ | ^ | 群众满意度调查覆盖率 | 100% | 100% | 5.0 | 5.0 | 无偏差",
    ]
    assert cells(check(national(rows)), "S504") == []


# --------------------------------------------------------------------------- S505


def test_output_quantity_written_as_a_ceiling() -> None:
    rows = with_row(1, "^ | ^ | ^ | 开展精品示范村建设数量 | ≤4 | 4 | 10.0 | 10.0 | 无偏差")
    found = check(national(rows))
    assert of(found, "S505") == [
        (
            "E13",
            "数量指标“开展精品示范村建设数量”的年度指标值“≤4”是上限：产出数量应以下限或定值表述"
            "（“≤”使少做甚至不做也算达标），应改为“≥4”或定值",
        )
    ]


def test_ceilings_that_are_right_are_not_reported() -> None:
    rows = with_row(1, "^ | ^ | ^ | 安全事故发生次数 | ≤2次 | 0次 | 10.0 | 10.0 | 无偏差")
    rows[0] = "^ | 产出指标 | 数量指标 | 资料差错率 | ≤5% | 1% | 20.0 | 20.0 | 无偏差"
    rows[4] = "^ | ^ | 成本指标 | 经费控制 | ≤98.7 万元 | 96.92 万元 | 10.0 | 10.0 | 无偏差"
    rows.insert(2, "^ | ^ | ^ | 审批办理 | ≤30天 | 25天 | 0.0 | 0.0 | 无偏差")
    assert cells(check(national(rows)), "S505") == []


# --------------------------------------------------------------------------- S506


def test_one_indicator_carrying_all_the_points() -> None:
    text = ten_ninety(w1="90", w2="0")
    found = check(text)
    assert of(found, "S506") == [
        (
            "I9",
            "全部指标分值 90 分集中在一个指标“发放(缴纳)覆盖率”上：单一指标不能反映项目的产出、"
            "效益和满意度，应设置多个指标并分配分值",
        )
    ]
    assert cells(check(ten_ninety()), "S506") == []


def test_a_weighted_block_left_empty() -> None:
    rows = [
        "^ | 产出指标(60分) | 数量指标 | 社会组织宣传短视频新闻 | 30 期 | 30 期 | 30.0 | 30.0 | 无偏差",
        "^ | ^ | 质量指标 | 宣传材料验收合格率 | 100% | 100% | 30.0 | 30.0 | 无偏差",
        "^ | 效益指标(20分) | 社会效益指标 |  |  |  |  |  |",
        "^ | 满意度指标(10分) | 满意度指标 | 项目实施的满意度 | ≥90% | 92% | 10.0 | 10.0 | 无偏差",
    ]
    found = check(national(rows))
    assert of(found, "S506") == [
        (
            "B14",
            "“效益指标”标注 20 分，但其下没有任何指标：这些分值计入总分却无从得分，应填写指标，"
            "或调整分值",
        )
    ]


# --------------------------------------------------------------------------- S507


def test_not_applicable_reported_as_100_percent_and_none() -> None:
    rows = with_row(
        5,
        "^ | 效益指标 | 经济效益指标 | 政策性挂账利息补贴保障率 | 100% | 无 | 20.0 | 20.0 | 没有轮换、动用库存",
    )
    found = check(national(rows))
    assert of(found, "S507") == [
        (
            "F17",
            "指标“政策性挂账利息补贴保障率”年度指标值为“100%”，实际完成值却是“无”：本年度不适用的"
            "指标应将年度指标值填为“不适用”（分值按评分规则处理），不应保留目标值而以“无”作完成值",
        )
    ]


def test_none_as_a_measurement_of_zero_is_not_reported() -> None:
    rows = with_row(
        5, "^ | 效益指标 | 社会效益指标 | 安全事故发生次数 | ≤2次 | 无 | 20.0 | 20.0 | 无偏差"
    )
    rows[1] = "^ | ^ | ^ | 粮食霉变数量 | 0吨 | 无 | 10.0 | 10.0 | 无偏差"
    rows[2] = "^ | ^ | 质量指标 | 重大投诉次数 | 1次 | 无 | 10.0 | 10.0 | 无偏差"
    assert cells(check(national(rows)), "S507") == []


# --------------------------------------------------------------------------- S508


def test_quantities_hidden_in_the_name() -> None:
    rows = with_row(
        2,
        "^ | ^ | 质量指标 | 5000吨稻谷、500吨成品粮储备到位率 | 100% | 100% | 10.0 | 10.0 | 无偏差",
    )
    found = check(national(rows))
    assert of(found, "S508") == [
        (
            "D14",
            "指标名称“5000吨稻谷、500吨成品粮储备到位率”中写有数量“5000吨、500吨”，年度指标值和实际"
            "完成值却只填“100%”/“100%”：数量没有被衡量，应把“5000吨”作为年度指标值，实际完成值填写实际数量",
        )
    ]


def test_numbers_that_are_not_quantities_are_not_reported() -> None:
    rows = with_row(
        2, "^ | ^ | 质量指标 | 0-6岁儿童健康管理率 | 100% | 100% | 10.0 | 10.0 | 无偏差"
    )
    rows[0] = "^ | 产出指标 | 数量指标 | 完成5所学校改造 | 5所 | 5所 | 20.0 | 20.0 | 无偏差"
    rows[3] = "^ | ^ | 时效指标 | 第2批资金拨付及时率 | 100% | 100% | 10.0 | 10.0 | 无偏差"
    assert cells(check(national(rows)), "S508") == []


# --------------------------------------------------------------------------- S509

SUBTOTAL_ROWS = [
    "^ | 产出指标 | 数量指标 | 一、示范区建立 | ≥20000亩 | 20000亩 | 15.0 | 15.0 | 无偏差",
    "^ | ^ | ^ | 1、水稻侧深施肥 | ≥500亩 | 500亩 | 5.0 | 5.0 | 无偏差",
    "^ | ^ | ^ | 2、玉米种肥同播 | ≥1000亩 | 1000亩 | 5.0 | 5.0 | 无偏差",
    "^ | ^ | ^ | 3、施用配方肥 | ≥18500亩 | 18500亩 | 5.0 | 5.0 | 无偏差",
    "^ | ^ | 质量指标 | 示范区技术到位率 | ≥95% | 97% | 20.0 | 20.0 | 无偏差",
    "^ | 效益指标 | 生态效益指标 | 示范区化肥使用量减少 | ≥3% | 3.5% | 20.0 | 20.0 | 无偏差",
    "^ | 满意度指标 | 满意度指标 | 示范户满意度 | ≥90% | 95% | 20.0 | 20.0 | 无偏差",
]


def test_a_subtotal_row_counted_twice_at_its_weight() -> None:
    found = check(national(SUBTOTAL_ROWS))
    assert of(found, "S509") == [
        (
            "G12",
            "“一、示范区建立”是小计行：其分值 15.0 等于其下 3 项之和 5.0 + 5.0 + 5.0 = 15，"
            "逐行求和会重复计分：小计行不应再填分值（或删去小计行）",
        )
    ]


def test_a_subtotal_by_its_targets_without_numbering() -> None:
    rows = [
        r.replace("一、", "").replace("1、", "").replace("2、", "").replace("3、", "")
        for r in SUBTOTAL_ROWS
    ]
    assert cells(check(national(rows)), "S509") == ["G12"]


TWENTY_EIGHTY = """\
2022年度项目支出绩效自评表 | > | > | > | > | > | >
项目名称 | 化肥减量增效示范县项目 | > | > | > | > | >
主管部门 | 隆阳区农业农村局 | > | > | 项目实施单位 | 隆阳区土壤肥料工作站 | >
预算执行情况(万元) (20分) | 预算数(A) | 执行数(B) | 执行率(B/A) | 得分 (20分*执行率) | > | >
年度财政资金总额 | 100.00 | 100.00 | 100.00% | 20.00 | > | >
年度绩效目标 (80分) | 一级指标 | 二级指标 | 三级指标 | 年初目标值(A) | 实际完成值(B) | 得分
^ | 产出指标 | 数量指标 | 一、化肥减量增效田间试验 | ≧15组 | 15组 | 15.0
^ | ^ | ^ | 1、肥料利用率 | ≧5组 | 5组 | 5.0
^ | ^ | ^ | 2、化肥减量增效 | ≧5组 | 5组 | 5.0
^ | ^ | ^ | 3、其他试验(水稻) | ≧3组 | 3组 | 3.0
^ | ^ | ^ | 4、其他试验(玉米) | ≧2组 | 2组 | 2.0
^ | ^ | 质量指标 | 示范区配方肥到位率 | ≧80% | 85.6% | 10.0
"""


def test_a_subtotal_without_a_weight_column_is_reported_at_its_score() -> None:
    found = check(TWENTY_EIGHTY)
    assert of(found, "S509") == [
        (
            "G7",
            "“一、化肥减量增效田间试验”是小计行：其得分 15.0 等于其下 4 项之和 "
            "5.0 + 5.0 + 3.0 + 2.0 = 15，逐行求和会重复计分：小计行不应再填得分（或删去小计行）",
        )
    ]
    # 2、 followed by 3、 and 4、 are siblings, although 5 = 3 + 2 (targets and scores)
    assert "G9" not in cells(found, "S509")


def test_one_finding_per_rule_per_cell() -> None:
    rows = with_row(
        0,
        "^ | 产出指标 | 数量指标 | 指标1：★社会组织宣传短视频新闻（≥**期） | 30 期 | 30 期 | 20.0 | 20.0 | 无偏差",
    )
    found = check(national(rows))
    per_cell = [(f.code, f.cell) for f in found if f.code in REVIEW]
    assert per_cell == [("S501", "D12")]
    assert len(per_cell) == len(set(per_cell))
