"""Layout families of form S (项目支出绩效自评表), as data.

A family is one :class:`Family` entry: its name, the labels that identify it,
and its rule parameters.  The reader (:mod:`budgetlint.forms.form_s`) is one
code path for all of them: it finds the blocks by the label synonyms below and
maps every column to the same model.  A new family is one entry here, one
example workbook and one test.

Labels are compared after :func:`budgetlint.text.norm` (simplified characters,
half-width brackets, no spaces, no trailing colon).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from budgetlint.params import FamilyParams
from budgetlint.text import norm


@dataclass(frozen=True)
class Family:
    """One layout family.

    ``markers`` is a tuple of label groups: every group must be matched by some
    label of the sheet (a label matches a group when its key contains one of the
    group's texts).  ``excludes``: labels whose presence rules the family out.
    Families are tried in table order, most specific first.
    ``supported`` is false for a layout the reader knows by its labels but does not
    read yet: such a sheet is reported as 版式未识别 (with the labels it saw), never
    half-read into the model of another family.
    """

    key: str
    name: str
    markers: tuple[tuple[str, ...], ...] = ()
    excludes: tuple[str, ...] = ()
    params: FamilyParams = field(default_factory=FamilyParams)
    description: str = ""
    supported: bool = True
    form: str = "S"  # the form the family lays out: "S", "P" or "D"


FAMILY_LIST: tuple[Family, ...] = (
    # --- layouts of FORMS.md "More layouts on public pages" -----------------------
    Family(
        "chongqing",
        "部门整体绩效自评表（重庆）",
        markers=(("执行率权重", "执行率得分"), ("指标权重", "指标得分")),
        description="重庆部门整体绩效自评表：自评总分(分)在表头；部门预算执行情况：年初预算数·全年(调整)预算数·"
        "全年执行数·执行率(%)·执行率权重·执行率得分；指标名称·计量单位·指标性质(定量/定性)·年初指标值·"
        "调整指标值·全年完成值·得分系数(%)·指标权重(分)·指标得分(分)·是否核心指标（无一级/二级列）。",
    ),
    Family(
        "ningxia",
        "部门项目支出绩效自评表（宁夏银川）",
        markers=(("财政审核评分",),),
        params=FamilyParams(
            fund_weight=0.0,
            level1_weights={"项目决策": 10.0, "项目管理": 25.0, "项目产出": 30.0, "项目效益": 35.0},
        ),
        description="银川市本级部门项目支出绩效自评表：表头自评得分与财政审核评分（后者是财政的复核，不读作得分）；"
        "项目资金：年初预算数·调整预算数(A)·全年执行数(B)·执行率(B/A)，无资金分值（预算执行率是项目管理下的指标）；"
        "一级 项目决策(10分)/项目管理(25分)/项目产出(30分)/项目效益(35分)，二级带分值；分值·指标值(A)·全年实际值(B)·得分。",
    ),
    Family(
        "beijing2016",
        "项目支出绩效自评表（北京 2016）",
        markers=(("得分计算方法",), ("全年实际值", "全年执行数")),
        description="北京2016年项目支出绩效自评表：主管部门及代码；项目资金：年初预算数(A)·全年执行数(B)·分值(10分)·"
        "执行率(B/A)·得分·得分计算方法（执行率以年初预算数为分母）；指标：分值在年度指标值(A)之前，"
        "全年实际值(B)，每行一列得分计算方法（文字，不读）。",
    ),
    Family(
        "xinjiang",
        "项目支出绩效自评表（新疆阜康）",
        markers=(("指标分值权重",), ("指标实际完成值", "指标赋分规则", "佐证资料")),
        description="阜康市项目支出绩效自评表：资金来源表头，分值权重；指标值·指标值设置依据·上年完成值·指标分值权重·"
        "指标赋分规则·佐证资料·指标实际完成值·完成率·指标得分·偏差原因分析及改进措施（设置依据、上年值、赋分规则、"
        "佐证资料、完成率不读）。",
    ),
    Family(
        "hubei",
        "财政预算支出项目绩效目标自评表（湖北）",
        markers=(("复核分",),),
        params=FamilyParams(
            fund_weight=0.0,
            level1_weights={"项目决策": 2.0, "项目管理": 13.0, "项目绩效": 85.0},
            equal_split=True,
        ),
        description="湖北（广水、随州）：自评总分在表头；项目决策2分/项目管理13分在一张评价内容·分值·自评分·复核分·"
        "评价标准及依据表里，项目绩效85分在另一张年初指标值·年终完成值·自评分·复核分·评价标准表里。"
        "两张表依次读取；资金来源表（中央·省、地·本级·其他·合计·执行数·执行率）无资金分值；"
        "三级指标分值按二级指标分值等分（表中注明）。",
    ),
    Family(
        "hebei",
        "预算项目绩效自评表（河北）",
        markers=(("单项指标折算得分", "单项指标得分", "权重占比", "单项指标完成情况"),),
        supported=False,
        description="河北（成安县）：一、基本情况……四、年度绩效指标完成情况；预期指标值分为符号·值·单位(文字描述)；"
        "单项指标得分·权重占比(%)·单项指标折算得分。页面未能读到，报告为版式未识别。",
    ),
    Family(
        "suzhou",
        "市级财政支出项目绩效自评表（江苏苏州）",
        markers=(("指标结余数", "当年使用上年结余", "投入目标", "结果目标"),),
        supported=False,
        description="苏州：当年使用上年结余、结转及当年调整预算数；指标结余数；子项名称 预算数/实际数；"
        "类别 投入目标/产出目标/结果目标；权重·实际完成值·自评分。页面未能读到，报告为版式未识别。",
    ),
    # --- the families of FORMS.md "Form S as other provinces lay it out" -----------
    Family(
        "department",
        "部门整体支出绩效自评表",
        markers=(("部门整体",), ("绩效",)),
        description="部门整体支出：部门名称代替项目名称，预算资金代替项目资金，其余同全国通用表。",
    ),
    Family(
        "ten_ninety",
        "部门预算项目支出绩效自评表（10+90）",
        markers=(("调整后预算数", "调整预算数"), ("预算执行数",), ("绩效指标",)),
        description="预算执行情况(10分)：年初预算·调整后预算数·预算执行数·预算执行率·权重·得分·原因；"
        "绩效指标(90分)：指标性质·指标值·度量单位分列，完成值、权重、得分、未完成原因分析；合计行。",
    ),
    Family(
        "twenty_eighty",
        "市级项目绩效自评表（20+80）",
        markers=(
            ("预算数(a)", "预算数(A)"),
            ("执行数(b)", "执行数(B)"),
            ("年初目标值", "年初指标值"),
        ),
        params=FamilyParams(fund_weight=20.0, equal_split=True),
        description="预算执行情况(20分)：预算数(A)·执行数(B)·执行率(B/A)·得分(20分*执行率)；"
        "年度绩效目标(80分)或两块各40分，指标无分值列，按块内等分；总分与自评等级。",
    ),
    Family(
        "no_score",
        "专项资金绩效目标自评表（无分值）",
        markers=(("全年完成值", "年终完成值", "完成值"), ("年度指标值", "指标值")),
        excludes=("分值", "权重", "得分", "总分"),
        params=FamilyParams(scored=False),
        description="只有年度指标值、全年完成值和未完成原因，无分值、得分、总分：只核对执行率、资金合计和填报完整性。",
    ),
    Family(
        "transfer",
        "转移支付绩效目标自评表",
        markers=(
            ("全年实际值",),
            ("全年预算数(a)", "全年预算数(A)", "全年执行数(b)", "全年执行数(B)"),
        ),
        description="资金情况：全年预算数(A)·全年执行数(B)·分值·执行率(B/A)·得分；分值列在年度指标值之前；全年实际值。",
    ),
    Family(
        "split_target",
        "项目支出绩效自评表（指标值分列）",
        markers=(("指标性质",), ("度量单位", "计量单位")),
        description="年度指标值分为指标性质·指标值·度量单位三列；总分前有其他需要说明事项；总分后有等级。",
    ),
    Family(
        "national_wan",
        "项目支出绩效自评表（全国通用，万元）",
        markers=(("项目资金(万元)", "资金(万元)"),),
        params=FamilyParams(
            level1_weights={"产出指标": 50.0, "效益指标": 30.0, "满意度指标": 10.0}
        ),
        description="全国通用表，金额以万元填列，一级指标名称带分值（产出指标(50分)）。",
    ),
    Family(
        "national",
        "项目支出绩效自评表（全国通用，元）",
        markers=(
            # a form without a fund block (稷山县项目支出绩效自评表) is known by its title
            ("项目资金", "资金情况", "预算资金", "项目支出绩效自评表"),
            ("年度绩效指标", "绩效指标", "三级指标", "二级指标"),
            ("年度指标值", "指标值", "目标值"),
        ),
        description="财预〔2020〕10号全国通用表：项目资金（元）、年度总体目标、年度绩效指标、总分。",
    ),
)

#: Layouts of forms P and D.  Their readers pick them (not :func:`detect`, which is form S's).
OTHER_FORM_FAMILIES: tuple[Family, ...] = (
    Family(
        "project_p",
        "项目绩效情况自评表",
        markers=(("资金安排情况", "项目自评价评分表", "项目自我评价评分表"),),
        params=FamilyParams(
            level1_weights={
                "投入和管理目标": 25.0,
                "产出目标": 30.0,
                "效果目标": 35.0,
                "影响力目标": 10.0,
            }
        ),
        description="项目绩效情况自评表（深圳部门决算附件）：资金安排情况（(1)–(8) 行 × 合计·财政资金·其他资金）、"
        "资金使用情况、项目自评价评分表（一级·二级·三级·权重·目标值·业绩值·评分结果·评分标准；总计；评价等级）。",
        form="P",
    ),
    Family(
        "final_accounts",
        "部门决算公开表",
        markers=(
            (
                "公开01表",
                "公开02表",
                "公开03表",
                "公开04表",
                "公开05表",
                "公开06表",
                "公开07表",
                "公开08表",
            ),
        ),
        description="部门决算公开表公开01–08（收入支出决算总表 … 政府性基金预算财政拨款收入支出决算表）及决算情况说明。",
        form="D",
    ),
)

FAMILIES: dict[str, Family] = {f.key: f for f in (*FAMILY_LIST, *OTHER_FORM_FAMILIES)}


def family_name(key: str | None) -> str | None:
    """The Chinese name of family ``key`` (the key itself when unknown, None for None)."""
    if key is None:
        return None
    fam = FAMILIES.get(key)
    return fam.name if fam is not None else key


def form_of(key: str | None) -> str | None:
    """The form family ``key`` lays out: "S", "P" or "D" (None for None or an unknown key)."""
    fam = FAMILIES.get(key) if key is not None else None
    return fam.form if fam is not None else None


def _matches(keys: list[str], needle: str) -> bool:
    n = norm(needle)
    return any(n in k for k in keys)


def detect(keys: list[str]) -> Family | None:
    """The first family whose markers all occur among ``keys`` (normalised labels)."""
    for fam in FAMILY_LIST:
        if any(_matches(keys, ex) for ex in fam.excludes):
            continue
        if all(any(_matches(keys, alt) for alt in group) for group in fam.markers):
            return fam
    return None
