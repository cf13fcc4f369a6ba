"""Form-S rules: what a reviewer flags besides arithmetic, codes S501–S509.

FORMS.md "What a reviewer flags besides arithmetic": template residue kept as
content, the template's fill-in instructions left in the texts, actuals that
cannot be scored against their target, indicators filed under the wrong
category, output quantities written as ceilings, all points on one indicator or
an empty block, a 100 % / 无 row that should say 不适用, quantities hidden in a
name, and subtotal rows counted twice.  Every rule here is a warning and is
conservative: it speaks only on clear cases, so that a correct form stays clean.
"""

from __future__ import annotations

import re
from typing import Any

from budgetlint.model import Field, FormS, Indicator
from budgetlint.rules.base import RuleContext, rule
from budgetlint.rules.helpers import (
    field_text,
    free_texts,
    fund_weight,
    label,
    name_residue,
    num,
    pts,
    short,
    target_of,
    template_instruction,
    template_markers,
    value_of,
)
from budgetlint.text import is_leftover_row_text, norm
from budgetlint.tolerance import EPS
from budgetlint.values import Kind, Value


def _once(seen: set[str], f: Field[Any] | None) -> bool:
    """True the first time a cell is seen (one finding per rule per cell)."""
    if f is None or f.ref is None:
        return False
    key = str(f.ref)
    if key in seen:
        return False
    seen.add(key)
    return True


def _level(f: Field[str] | None) -> str:
    return norm(field_text(f)) if f is not None else ""


# --------------------------------------------------------------------------- S501


@rule("S501", "template-residue", "warning", "模板残留未清理")
def check_template_residue(form: FormS, ctx: RuleContext) -> None:
    """The template's scaffolding kept in the indicator block beside real content.

    - an indicator name that still carries the template's numbering ``指标1：`` /
      ``指标2:`` / ``指标1`` in front of the department's own name, a priority star
      ``★``, or a fill-in hint ``(≥**人)`` / ``<**元`` after it: reported at the name
      cell, one finding listing all of them;
    - a ``……`` row left in the block (the template's "add more rows here"): at
      the ``……`` cell, one per row;
    - a placeholder row holding nothing but ``指标2:`` (no name, no values): at
      that cell; a row whose name is only the placeholder while it has values is
      reported too (the indicator has no name).

    A name that is nothing *but* template text (``请填写指标名称``, a bare
    ``（≥**人）``) is S403's: template text instead of content.
    """
    seen: set[str] = set()
    for ind in form.indicators:
        if ind.name.blank:
            continue
        parts = name_residue(ind.name.raw)
        if not parts.residue:
            continue
        if template_markers(parts.content) or (not parts.content and parts.hints):
            continue  # the name is template text: S403
        if not _once(seen, ind.name):
            continue
        raw = ind.name.text
        if not parts.content:
            ctx.report(
                ind.name,
                f"三级指标名称只有模板占位“{raw}”，没有指标名称：应填写指标名称，或删除该行",
                expected="指标名称",
                actual=raw,
            )
            continue
        found = []
        if parts.prefix:
            found.append(f"编号前缀“{parts.prefix}”")
        if parts.stars:
            found.append(f"优先标记“{parts.stars}”")
        found.extend(f"填写提示“{h}”" for h in parts.hints)
        ctx.report(
            ind.name,
            f"三级指标名称“{raw}”留有模板的{'、'.join(found)}：应删去，"
            f"只保留指标名称“{parts.content}”",
            expected=parts.content,
            actual=raw,
        )
    for f in form.residue_cells:
        if not _once(seen, f):
            continue
        text = f.text
        if is_leftover_row_text(text) or template_markers(text) == ["……"]:
            message = f"指标区留有模板的“{text}”占位行：应删除该行（或填写实际指标）"
        else:
            message = f"指标区留有未填内容的模板占位行“{text}”：应删除该行（或填写实际指标）"
        ctx.report(f, message, expected="删除模板行", actual=text, sheet=form.sheet)


# --------------------------------------------------------------------------- S502


@rule("S502", "template-instruction", "warning", "模板填写说明未替换")
def check_template_instruction(form: FormS, ctx: RuleContext) -> None:
    """The template's fill-in instruction left where the department's own text belongs.

    Checked: 年度总体目标 (预期目标, 年度目标完成情况), 评价结论, 存在问题, 改进措施,
    其他需要说明事项, the fund block's 原因 column and the 偏差原因 column.  An
    instruction is known by the template's own wording: ``(100字以内)``, ``请填写…``,
    ``简要说明…``, ``对照年度目标,说明相关任务目标的完成情况``, ``结合自评情况…``,
    ``1.预算执行率=预算执行数/调整后预算数…``, a ``注：`` telling how to fill the form.
    The instruction is not an answer: the reviewer reads it as an empty cell (and a
    budget change "explained" by it is not explained).
    """
    seen: set[str] = set()
    for f, what in free_texts(form):
        if f.blank:
            continue
        hit = template_instruction(f.text)
        if hit is None or not _once(seen, f):
            continue
        ctx.report(
            f,
            f"{what}仍是模板的填写说明“{short(f.text, 36)}”（“{hit}”）：应删去说明文字，"
            f"填写实际内容",
            expected="实际内容",
            actual=short(f.text, 36),
            sheet=form.sheet,
        )


# --------------------------------------------------------------------------- S503

_KIND_NAMES = {
    Kind.NUMBER: "数值",
    Kind.QUANTITY: "数量",
    Kind.PERCENT: "百分比",
    Kind.AMOUNT: "金额",
    Kind.RANGE: "数值区间",
    Kind.DATE: "日期（时限）",
    Kind.QUALITATIVE: "定性描述",
}
_MEASURED = frozenset({Kind.NUMBER, Kind.QUANTITY, Kind.PERCENT, Kind.AMOUNT, Kind.RANGE})
#: (target kind, actual kind) pairs that cannot be compared.
_INCOMPARABLE = frozenset(
    {(Kind.DATE, k) for k in (Kind.PERCENT, Kind.AMOUNT, Kind.QUANTITY)}
    | {(k, Kind.DATE) for k in (Kind.PERCENT, Kind.AMOUNT, Kind.QUANTITY, Kind.NUMBER)}
    | {(Kind.AMOUNT, Kind.PERCENT), (Kind.PERCENT, Kind.AMOUNT)}
    | {(k, Kind.QUALITATIVE) for k in _MEASURED}
)


def _what_to_write(t: Value) -> str:
    if t.kind == Kind.AMOUNT:
        return "实际金额（如“28.5万元”）"
    if t.kind == Kind.PERCENT:
        return "实际达到的百分比"
    if t.kind == Kind.DATE:
        return "实际完成的日期"
    if t.kind == Kind.QUANTITY and t.unit:
        return f"实际数量（{t.unit}）"
    return "实际达到的数值"


@rule("S503", "actual-kind-mismatch", "warning", "实际完成值与年度指标值口径不符，无法评分")
def check_actual_kind(form: FormS, ctx: RuleContext) -> None:
    """An actual of another kind than its target cannot be scored against it.

    A percentage against a deadline (``2021年12月前`` / ``100%``), a date against a
    rate, an amount against a percentage, or a word (``完成``, ``及时``) against a
    measured target (``≤30万元``, ``≥95%``, ``300户``): no comparison says whether the
    target was met, so the score is unfounded.  Reported at the actual cell.
    ``达成预期指标``-style actuals and free sentences are left to the scoring rules.
    """
    for ind in form.indicators:
        t, a = value_of(ind.target), value_of(ind.actual)
        if t is None or a is None or (t.kind, a.kind) not in _INCOMPARABLE:
            continue
        if ind.actual.ref is None:
            continue
        ctx.report(
            ind.actual,
            f"指标{label(ind)}实际完成值“{ind.actual.text}”是{_KIND_NAMES[a.kind]}，"
            f"年度指标值“{ind.target.text}”是{_KIND_NAMES[t.kind]}，两者无法比较评分："
            f"应按年度指标值的口径填写{_what_to_write(t)}",
            expected=_what_to_write(t),
            actual=ind.actual.text,
            related=[ind.target],
        )


# --------------------------------------------------------------------------- S504

_SATISFACTION_WORDS = re.compile(
    r"满意|认可|好评|评价|投诉|称赞|赞誉|口碑|信任|获得感|幸福感|安全感|满足|支持率|信访"
)
_NOT_SATISFACTION = re.compile(
    r"事件|事故|案件|发生数|发生次数|发生率|起数|审核|复核|核查|核实|数据|台账|"
    r"完成率|完工率|合格率|及时率|到位率|覆盖率|执行率|兑付率|发放率|验收"
)
_ECO_WORDS = re.compile(
    r"生态|环境|环保|绿化|绿色|绿地|节能|节水|节约|减排|排放|污染|水质|空气|大气|森林|"
    r"林|草|植被|垃圾|碳|能耗|能源|水土|土壤|耕地|化肥|农药|秸秆|废|噪|扬尘|湿地|"
    r"资源|保护|粪污|回收|清洁|美化|人居|卫生|河|湖|水体|低温|低氧|物种|野生"
)
_NOT_ECO = re.compile(r"食品安全|成本|费用|资金|收入|利润|产值|营收|价格|就业|满意|发放|兑付")
_OUTPUT_RATE = re.compile(
    r"(?:合同|任务|工程|建设|采购|结算|计划)\S{0,8}完成率|完工率|开工率|验收合格率"
)
_EFFECT_LEVEL2 = ("经济效益", "社会效益", "生态效益", "可持续影响", "满意度")
_OUTPUT_LEVEL2 = ("数量指标", "质量指标", "时效指标")


def _is_output(level1: str) -> bool:
    return "产出" in level1


def _is_effect(level1: str) -> bool:
    return ("效益" in level1 or "效果" in level1) and "产出" not in level1


@rule("S504", "wrong-category", "warning", "指标归类不当")
def check_wrong_category(form: FormS, ctx: RuleContext) -> None:
    """An indicator filed under a category it does not belong to.

    Only clear cases, by the words of the name (a correct form never gets it):

    - under 满意度指标, a name with no word of satisfaction (满意, 认可, 评价,
      投诉 …) that counts incidents or tasks (``粮食安全事件发生数``, ``数据审核率``,
      ``完成率``);
    - under 生态效益指标, a name with no ecological word (生态, 环境, 绿化, 节能,
      减排, 污染, 水质, 垃圾, 碳, 能耗 …) that names food safety, cost, money or
      income (``食品安全指标达标率``, ``对控制基建项目成本影响程度``);
    - under 效益指标, an output completion rate (``合同完成率``, ``任务完成率``,
      ``完工率``, ``验收合格率``): what was delivered, not what it achieved;
    - a 效益 二级 (经济效益指标, 社会效益指标, 生态效益指标, 可持续影响指标) or
      满意度指标 placed inside the 产出指标 一级 (its points count toward 产出), or
      数量/质量/时效指标 inside 效益指标: reported once at the 二级 cell.

    Indicators are reported at the name cell.
    """
    seen: set[str] = set()
    for ind in form.indicators:
        l1, l2 = _level(ind.level1), _level(ind.level2)
        if ind.level2 is not None and (
            (_is_output(l1) and any(w in l2 for w in _EFFECT_LEVEL2))
            or (_is_effect(l1) and l2 in _OUTPUT_LEVEL2)
        ):
            if _once(seen, ind.level2):
                ctx.report(
                    ind.level2,
                    f"二级指标“{field_text(ind.level2)}”填在一级指标“{field_text(ind.level1)}”"
                    f"下（如{label(ind)}），类别不符，其分值计入了“{field_text(ind.level1)}”："
                    "应移到对应的一级指标下",
                    expected="对应的一级指标",
                    actual=field_text(ind.level1) if ind.level1 is not None else "",
                )
            continue
        name = name_residue(ind.name.raw).content or ind.name.text
        why = None
        if "满意" in l1 or "满意" in l2:
            if not _SATISFACTION_WORDS.search(name) and _NOT_SATISFACTION.search(name):
                why = "不是服务对象满意度的度量，应归入产出或效益指标"
        elif "生态" in l2:
            m = _NOT_ECO.search(name)
            if m and not _ECO_WORDS.search(name):
                why = f"是“{m.group(0)}”方面的内容，不是生态效益，应归入相应类别"
        elif _is_effect(l1):
            m = _OUTPUT_RATE.search(name)
            if m:
                why = f"“{m.group(0)}”是产出（完成情况）指标，不是效益，应归入产出指标"
        if why is None or not _once(seen, ind.name):
            continue
        where = field_text(ind.level2 or ind.level1) if (ind.level2 or ind.level1) else ""
        ctx.report(
            ind.name,
            f"指标{label(ind)}填在“{where}”下，类别不符：{why}",
            expected="对应类别",
            actual=where,
        )


# --------------------------------------------------------------------------- S505

#: Names of quantities that are better low (a ceiling is right for them).
_REVERSE_WORDS = re.compile(
    r"事故|事件|投诉|差错|失误|违规|违纪|发生|损失|超支|上访|案件|故障|死亡|伤亡|不合格|"
    r"超标|逾期|滞留|积压|闲置|空置|成本|费用|时间|时长|时限|期限|工期|用时|天数|周期|"
    r"误差|次品|返工"
)
#: Units of time: a ceiling on them (``≤30天``) is a deadline, not an output quantity.
_TIME_UNITS = frozenset({"天", "日", "工作日", "小时", "分钟", "周", "月", "个月", "年"})


@rule("S505", "quantity-upper-bound", "warning", "产出数量目标写成上限")
def check_quantity_upper_bound(form: FormS, ctx: RuleContext) -> None:
    """An output quantity (数量指标) whose target is a ceiling (``≤4``, ``<10个``).

    A 数量指标 says how much the project delivers; ``≤4`` is met by delivering
    nothing.  The target should be a floor (``≥4``) or a value (``4个``).  Not
    reported for a row the form marks 反向 or whose name counts something better
    low (事故, 投诉, 差错, 成本, 时间 …), for amounts and for percentages.
    Reported at the target cell.
    """
    for ind in form.indicators:
        if _level(ind.level2) != "数量指标" or ind.target.ref is None:
            continue
        t = value_of(ind.target)
        if t is None or t.kind not in (Kind.NUMBER, Kind.QUANTITY) or not t.is_upper_bound:
            continue
        if (ind.direction and "反向" in ind.direction) or _REVERSE_WORDS.search(ind.name.text):
            continue
        if (t.printed_unit or t.unit) in _TIME_UNITS:
            continue
        floor = f"≥{pts(float(t.number or 0))}{t.printed_unit or t.unit}"
        ctx.report(
            ind.target,
            f"数量指标{label(ind)}的年度指标值“{ind.target.text}”是上限：产出数量应以下限或定值"
            f"表述（“≤”使少做甚至不做也算达标），应改为“{floor}”或定值",
            expected=floor,
            actual=ind.target.text,
        )


# --------------------------------------------------------------------------- S506


@rule("S506", "points-concentrated", "warning", "分值集中于单一指标或区块无指标", scored_only=True)
def check_points_concentrated(form: FormS, ctx: RuleContext) -> None:
    """All the indicator points on one indicator, or a weighted block with no indicator.

    - the only weighted indicator of the form carries every point of the
      indicator table (``绩效指标(90分)`` with one row of 90): one measure cannot
      show output, effect and satisfaction; reported at its weight cell;
    - a block label with points (``效益指标(30分)``, ``数量指标(10分)``,
      ``服务对象满意度指标(10分)``) with no indicator under it: its points are
      counted in the total but nothing can earn them; reported at the label.
    """
    weighted = [i for i in form.indicators if (num(i.weight) or 0.0) > EPS]
    if len(weighted) == 1:
        ind = weighted[0]
        w = num(ind.weight)
        assert w is not None and ind.weight is not None
        block = num(form.indicator_block_weight)
        if block is None and num(form.total_weight) is not None:
            block = float(num(form.total_weight) or 0.0) - fund_weight(form, ctx)[0]
        if block is not None and block > EPS and abs(w - block) < EPS:
            ctx.report(
                ind.weight if ind.weight.ref is not None else ind.name,
                f"全部指标分值 {pts(block)} 分集中在一个指标{label(ind)}上：单一指标不能反映"
                "项目的产出、效益和满意度，应设置多个指标并分配分值",
                expected="多个指标分配分值",
                actual=f"1 个指标 {pts(w)} 分",
            )
    seen: set[str] = set()
    for g in form.weight_groups:
        w = num(g.weight)
        if g.level == "section" or g.members or w is None or w <= EPS:
            continue
        if not _once(seen, g.label):
            continue
        ctx.report(
            g.label,
            f"“{g.name}”标注 {pts(w)} 分，但其下没有任何指标：这些分值计入总分却无从得分，"
            "应填写指标，或调整分值",
            expected="至少一个指标",
            actual="无指标",
            sheet=form.sheet,
        )


# --------------------------------------------------------------------------- S507

_NOT_APPLICABLE_ACTUALS = frozenset(
    {"无", "不适用", "未发生", "不涉及", "未涉及", "无此项", "本年未发生", "没有发生", "未开展"}
)


@rule("S507", "not-applicable-as-met", "warning", "不适用的指标未按不适用填报")
def check_not_applicable_as_met(form: FormS, ctx: RuleContext) -> None:
    """An indicator that did not apply, reported as target ``100%`` and actual ``无``.

    ``无`` / ``不适用`` / ``未发生`` as the actual of a real, positive target (a rate,
    a quantity, an amount floor, a date) says the indicator did not apply this
    year; the form's rule is to write 不适用 as the target (weight 0, or full
    marks where the scorecard says so), not a target the actual cannot measure.
    Not reported for ceilings and zero targets (``0起``, ``≤2次``: ``无`` there is a
    measurement of zero) or for names that count incidents (事故, 投诉 …).
    Reported at the actual cell.
    """
    for ind in form.indicators:
        a_text = norm(ind.actual.text)
        if a_text not in _NOT_APPLICABLE_ACTUALS or ind.actual.ref is None:
            continue
        t = target_of(ind)
        if t is None or t.kind not in (*_MEASURED, Kind.DATE) or t.is_upper_bound:
            continue
        if t.kind != Kind.DATE and (t.number is None or t.number <= EPS):
            continue
        if _REVERSE_WORDS.search(ind.name.text):
            continue
        ctx.report(
            ind.actual,
            f"指标{label(ind)}年度指标值为“{ind.target.text}”，实际完成值却是“{ind.actual.text}”："
            "本年度不适用的指标应将年度指标值填为“不适用”（分值按评分规则处理），"
            f"不应保留目标值而以“{ind.actual.text}”作完成值",
            expected="不适用",
            actual=ind.actual.text,
            related=[ind.target],
        )


# --------------------------------------------------------------------------- S508

_QUANTITY_IN_NAME = re.compile(
    r"(?<![第\d.])\d+(?:\.\d+)?\s*(?:万|千|百)?"
    r"(?:吨|公斤|千克|斤|人次|人|名|户|个|台|套|件|辆|座|所|家|亩|公顷|平方米|平米|㎡|"
    r"立方米|公里|千米|米|株|头|只|册|本|份|场|期|批|处|条|篇|万元|元|间|张|块|棵|箱|袋|"
    r"枚|部|盏|眼|口)"
    r"(?![\dA-Za-z])"
)


@rule("S508", "quantity-in-name", "warning", "数量写在指标名称中，目标和完成值只填百分比")
def check_quantity_in_name(form: FormS, ctx: RuleContext) -> None:
    """The measure hidden in the name: ``储备5000吨稻谷到位率`` with ``100%`` / ``100%``.

    When the name carries the quantity (``5000吨``, ``12辆``, ``320万平方米``) and
    both the target and the actual are percentages, the quantity delivered is not
    measured: 100 % of an unknown base.  The quantity belongs in the target and
    the actual in the same unit.  Reported at the name cell.
    """
    for ind in form.indicators:
        t, a = value_of(ind.target), value_of(ind.actual)
        if t is None or a is None or t.kind != Kind.PERCENT or a.kind != Kind.PERCENT:
            continue
        name = name_residue(ind.name.raw).content
        found = [m.group(0) for m in _QUANTITY_IN_NAME.finditer(name)]
        if not found or ind.name.ref is None:
            continue
        qty = "、".join(found)
        ctx.report(
            ind.name,
            f"指标名称{label(ind)}中写有数量“{qty}”，年度指标值和实际完成值却只填"
            f"“{ind.target.text}”/“{ind.actual.text}”：数量没有被衡量，应把“{found[0]}”"
            "作为年度指标值，实际完成值填写实际数量",
            expected=f"年度指标值 {found[0]}",
            actual=f"{ind.target.text} / {ind.actual.text}",
        )


# --------------------------------------------------------------------------- S509

_TOP_NUMBER = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+\s*[、.．]|[（(][一二三四五六七八九十]+[)）])"
)
_SUB_NUMBER = re.compile(r"^\s*(?:(\d+)\s*[、.．](?!\d)|[（(](\d+)[)）]|([①②③④⑤⑥⑦⑧⑨⑩]))")
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩"


def _sub_number(ind: Indicator) -> int | None:
    m = _SUB_NUMBER.match(ind.name.text)
    if not m:
        return None
    if m.group(3):
        return _CIRCLED.index(m.group(3)) + 1
    return int(m.group(1) or m.group(2))


def _same_block(a: Indicator, b: Indicator) -> bool:
    return _level(a.level1) == _level(b.level1) and _level(a.level2) == _level(b.level2)


def _numbered_items(inds: list[Indicator], i: int) -> list[Indicator]:
    """The items ``1、 2、 …`` right under a ``一、`` row."""
    if not _TOP_NUMBER.match(inds[i].name.text):
        return []
    items: list[Indicator] = []
    for ind in inds[i + 1 :]:
        n = _sub_number(ind)
        if n is None or n != len(items) + 1 or not _same_block(inds[i], ind):
            break
        items.append(ind)
    return items


def _target_sum_items(inds: list[Indicator], i: int) -> list[Indicator]:
    """The rows right under ``inds[i]`` whose targets add up to its target (same unit).

    Only for rows without numbering: ``2、`` followed by ``3、`` and ``4、`` are
    siblings, whatever their targets add up to.
    """
    if _sub_number(inds[i]) is not None:
        return []
    t = value_of(inds[i].target)
    if t is None or t.kind not in (Kind.NUMBER, Kind.QUANTITY) or not t.number:
        return []
    total = 0.0
    for j in range(i + 1, len(inds)):
        u = value_of(inds[j].target)
        if (
            u is None
            or _sub_number(inds[j]) is not None
            or u.kind != t.kind
            or u.unit != t.unit
            or u.number is None
            or not _same_block(inds[i], inds[j])
        ):
            return []
        total += float(u.number)
        if abs(total - float(t.number)) <= 1e-9 * max(1.0, abs(total)) and j - i >= 2:
            return inds[i + 1 : j + 1]
        if total > float(t.number):
            return []
    return []


def _column_sum(parent: Field[Any] | None, items: list[Field[Any] | None]) -> float | None:
    """Σ items when the parent's value equals it (all printed numbers), else None."""
    p = num(parent)
    vals = [num(f) for f in items]
    if p is None or p <= EPS or any(v is None for v in vals):
        return None
    total = sum(v for v in vals if v is not None)
    return total if abs(total - p) < 1e-6 else None


@rule("S509", "subtotal-repeated", "warning", "小计行与其下明细重复计分", scored_only=True)
def check_subtotal_repeated(form: FormS, ctx: RuleContext) -> None:
    """A subtotal row whose weight or score is the sum of the rows under it.

    ``一、示范区建立 15.0`` followed by ``1、… 5.0``, ``2、… 5.0``, ``3、… 5.0`` prints
    the same 15 points twice: a sum over every row (the 总分) counts them twice.
    A row is a subtotal when its items are numbered under it (``一、`` over ``1、
    2、 …``) or their targets add up to its target (``≥20000亩`` = 500 + 1000 +
    18500), and its 分值 (else its 得分) equals the sum of theirs.  Reported at the
    subtotal's 分值 cell (its 得分 cell when the form prints no 分值).
    """
    inds = form.indicators
    seen: set[str] = set()
    for i, parent in enumerate(inds):
        items = _numbered_items(inds, i)
        if len(items) < 2:
            items = _target_sum_items(inds, i)
        if len(items) < 2:
            continue
        what, cell, total = "分值", parent.weight, None
        if parent.weight_source == "cell":
            total = _column_sum(parent.weight, [x.weight for x in items])
        if total is None:
            what, cell = "得分", parent.score
            total = _column_sum(parent.score, [x.score for x in items])
        if total is None or cell is None or not _once(seen, cell):
            continue
        fields = [x.weight if what == "分值" else x.score for x in items]
        terms = " + ".join(f.text for f in fields if f is not None)
        ctx.report(
            cell,
            f"“{parent.name.text}”是小计行：其{what} {cell.text} 等于其下 {len(items)} 项之和 "
            f"{terms} = {pts(total)}，逐行求和会重复计分：小计行不应再填{what}（或删去小计行）",
            expected=f"{what}不重复计入",
            actual=cell.text,
            computation=f"{terms} = {pts(total)}",
            related=fields,
        )
