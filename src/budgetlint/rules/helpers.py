"""What the rules share: reading fields, naming rows, the fund weight, indicator facts.

Rule modules import from here and from :mod:`budgetlint.rules.base`, never
from one another.  What a cell prints (decimals, percent, computed) is on the
field itself (:class:`budgetlint.model.Field`), decided by the reader; the
comparison at that precision is :meth:`RuleContext.judge`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from budgetlint.model import Field, FormS, Indicator
from budgetlint.rules.base import RuleContext
from budgetlint.scoring import NUMERIC_KINDS, ScoreResult, display_rate, indicator_score
from budgetlint.text import norm, split_weight
from budgetlint.tolerance import EPS, Verdict
from budgetlint.values import Kind, Value

#: Chinese row names used in messages.
ROW_NAMES: dict[str, str] = {
    "total": "年度资金总额",
    "fiscal": "财政拨款",
    "carryover": "上年结转资金",
    "special": "财政专户管理资金",
    "unit": "单位资金",
    "other": "其他资金",
}


# --------------------------------------------------------------------------- numbers


def num(f: Field[Any] | None) -> float | None:
    """The numeric value of a field, or None (no field, blank, ``—``, text)."""
    if f is None or f.value is None or isinstance(f.value, bool):
        return None
    if isinstance(f.value, int | float):
        return float(f.value)
    return None


def pts(x: float) -> str:
    """Points as a form prints them, without trailing zeros: 10 -> '10', 85.5 -> '85.5'."""
    s = f"{x:.4f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def zero(x: float | None) -> bool:
    """True for a missing or zero amount."""
    return x is None or abs(x) < EPS


def shown(f: Field[Any] | None) -> str:
    """A field as the form shows it; 空 for a blank or missing cell."""
    if f is None or f.blank:
        return "空"
    return f.text


def show_like(f: Field[Any] | None, x: float, extra: int = 0) -> str:
    """``x`` (model units) printed the way ``f`` prints (2 decimals when there is no field)."""
    if f is None or f.decimals is None:
        return f"{x:.{2 + extra}f}"
    return f.show(x, extra)


# --------------------------------------------------------------------------- the fund block


def fund_weight(form: FormS, ctx: RuleContext) -> tuple[float, Field[Any] | None, str]:
    """The weight of the fund block: (points, the 分值 cell if any, where it came from).

    The 分值 cell of the total row when it holds a number, else the weight in
    the block label (``预算执行情况(20分)``), else the family's ``fund_weight``.
    """
    total = form.fund.total if form.fund else None
    w = num(total.weight) if total else None
    if w is not None and total is not None:
        return w, total.weight, "分值"
    if form.fund is not None and form.fund.weight is not None:
        return float(form.fund.weight), None, "标题"
    return float(ctx.params.fund_weight), None, "版式"


# --------------------------------------------------------------------------- indicators

#: A reason cell that says nothing (treated as empty).
_EMPTY_REASONS = frozenset({"", "—", "-", "－", "/", "／", "——", "…", "……"})
#: A reason that says there is no deviation.
_NO_DEVIATION = frozenset(
    {"无", "无偏差", "没有偏差", "无差异", "无差距", "不存在偏差", "未发生偏差", "无偏离"}
)
_PUNCT = re.compile(r"[\s。.，,；;！!、]+")
_NONE_TEXTS = frozenset({"无", "0", "不适用", "/", "—", "-"})
#: Indicators whose rate is better the lower it is (a bare target is a ceiling).
_REVERSE_NAME = re.compile(
    r"(调整|结转结余|结余|差错|误差|事故|投诉|发生|超支|损失|失误|违规|违纪|流失|延误|返工|故障|空置|闲置|霉变|损耗|不合格)率"
)


def value_of(f: Field[Any] | None) -> Value | None:
    v = f.value if f is not None else None
    return v if isinstance(v, Value) else None


def reason_text(ind: Indicator) -> str:
    if ind.reason is None or ind.reason.blank:
        return ""
    return ind.reason.text


def reason_empty(text: str) -> bool:
    return _PUNCT.sub("", text) in _EMPTY_REASONS


def says_no_deviation(text: str) -> bool:
    return _PUNCT.sub("", text) in _NO_DEVIATION


def explained(text: str) -> bool:
    """A reason that actually explains something (not empty, not 无偏差)."""
    return not reason_empty(text) and not says_no_deviation(text)


def short(text: str, n: int = 30) -> str:
    return text if len(text) <= n else text[:n] + "…"


def label(ind: Indicator) -> str:
    return f"“{short(ind.name.text, 24)}”"


def scored(ind: Indicator) -> tuple[float, float] | None:
    """(weight, score) when the row has both and its weight is known (not guessed)."""
    if ind.weight_source == "unknown":
        return None
    w, s = num(ind.weight), num(ind.score)
    if w is None or s is None:
        return None
    return w, s


def target_of(ind: Indicator) -> Value | None:
    """The target, read as an upper bound when the form marks the row 反向 without a comparator."""
    t = value_of(ind.target)
    if t is not None and t.kind == Kind.EMPTY and "执行率" in ind.name.text:
        # a 预算执行率 item without a target: the rate is scored against 100 %
        return Value(Kind.PERCENT, "100%", op=">=", number=1.0, unit="%")
    if (
        t is not None
        and t.kind in NUMERIC_KINDS
        and t.op in (None, "=", "~")
        and _REVERSE_NAME.search(ind.name.text)
    ):
        return replace(t, op="<=")  # 预算调整率 3%: a ceiling by its very name
    if t is not None and ind.direction and "反向" in ind.direction:
        if t.kind in NUMERIC_KINDS and t.op in (None, "=", "~"):
            return replace(t, op="<=")
    return t


def score_result(ind: Indicator, ctx: RuleContext) -> ScoreResult | None:
    """What the row should score from its target, actual and weight."""
    t, a, w = target_of(ind), value_of(ind.actual), num(ind.weight)
    if t is None or a is None:
        return None
    return indicator_score(
        w if w is not None else 0.0, t, a, upper_bound_formula=ctx.params.upper_bound_formula
    )


def deducted(ind: Indicator, ctx: RuleContext) -> bool:
    """得分 below 分值 by more than the score's rounding."""
    ws = scored(ind)
    if ws is None or ind.score is None:
        return False
    w, s = ws
    return s < w and ctx.judge(ind.score, w) is not Verdict.OK


def full_marks(ind: Indicator, ctx: RuleContext) -> bool:
    ws = scored(ind)
    if ws is None or ind.score is None:
        return False
    w, s = ws
    return w > 0 and (s >= w or ctx.judge(ind.score, w) is Verdict.OK)


def at(*fields: Field[Any] | None) -> Field[Any] | None:
    """The first field that has a cell."""
    for f in fields:
        if f is not None and f.ref is not None:
            return f
    return next((f for f in fields if f is not None), None)


def field_text(f: Field[Any]) -> str:
    """A label field's normalised value (the reader stores 产出指标 for 产出指标(50分))."""
    return f.value if isinstance(f.value, str) and f.value else f.text


def is_cost(ind: Indicator) -> bool:
    """A 成本指标, known by its 一级 or 二级 label, not by words in its name."""
    return any(
        f is not None and norm(field_text(f)).startswith("成本指标")
        for f in (ind.level1, ind.level2)
    )


def level1_key(text: str) -> str:
    return norm(split_weight(text)[0])


def target_not_applicable(ind: Indicator) -> bool:
    """True when the indicator's target says it does not apply (``无``, ``0``, ``不适用``)."""
    v = value_of(ind.target)
    if v is not None:
        return v.kind == Kind.NONE
    return ind.target.text.replace(" ", "") in _NONE_TEXTS


def over_limit(t: Value, a: Value, ratio: float) -> tuple[float, str] | None:
    """(limit, description) when ``a`` is an over-achievement of ``t``, else None."""
    from budgetlint.scoring import num_text

    if a.op not in (None, "=", "~") or a.number is None or a.kind not in NUMERIC_KINDS:
        return None
    an = float(a.number)
    if t.kind == Kind.RANGE:
        if t.upper is None:
            return None
        hi = float(t.upper)
        if (t.unit == "%") != (a.kind == Kind.PERCENT):
            return None
        above = an > hi + 1e-9 * max(1.0, abs(hi)) or (t.upper_op == "<" and an >= hi)
        return (hi, f"高于年度指标值区间“{t.text}”的上限") if above else None
    if t.kind not in NUMERIC_KINDS or t.number is None or t.op not in (None, "=", "~", ">=", ">"):
        return None
    if (t.kind == Kind.PERCENT) != (a.kind == Kind.PERCENT):
        return None
    tn = float(t.number)
    if tn <= 0:
        return None
    if t.kind == Kind.PERCENT and an <= 1.0 + 1e-9:
        return None  # a share that reached 100 % is saturation, not a badly set target
    limit = ratio * tn
    if an > limit + 1e-9 * max(1.0, limit):
        return limit, (
            f"超过年度指标值“{t.text}”的 {num_text(ratio)} 倍（达 {an / tn * 100:.2f}%）"
        )
    return None


def rounded_as(f: Field[Any] | None, x: float, default_decimals: int = 2) -> float:
    """``x`` rounded half up to the precision ``f`` prints (0.98195 in a ``0.98`` cell -> 0.98)."""
    if f is None or f.decimals is None:
        d, scale = default_decimals, 1.0
    else:
        d, scale = f.decimals, f.scale
    if not math.isfinite(x * scale):
        return x
    return display_rate(x * scale, d) / scale


# --------------------------------------------------------------------------- template residue

#: Template text standing where content belongs (S403): marker -> pattern.
_TEMPLATE_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("**", re.compile(r"[*＊]{2,}")),
    ("请填写", re.compile(r"请填写")),
    ("XX", re.compile(r"(?<![A-Za-z])[XxＸｘ]{2,}(?![A-Za-z])")),
    ("示例", re.compile(r"示例")),
)
#: A cell that is nothing but an ellipsis (optionally after a 指标1： prefix).
_ONLY_DOTS = re.compile(r"^(?:指标\s*[0-9一二三四五六七八九十]+\s*[:：])?[.…。·\s]*…[.…。·\s]*$")


def template_markers(text: str) -> list[str]:
    """The template leftovers found in ``text`` (``**``, ``请填写``, ``XX``, ``示例``, ``……``)."""
    found = [mark for mark, pat in _TEMPLATE_PATTERNS if pat.search(text)]
    if _ONLY_DOTS.match(text.strip()):
        found.append("……")
    return found


#: The template's numbering kept in front of a name: 指标1：, 指标2:, 指标1 (no colon).
_NAME_PREFIX = re.compile(
    r"^\s*指标\s*(?:[0-9０-９]+\s*[:：.、．]?|[一二三四五六七八九十]+\s*[:：.、．])\s*"
)
_NAME_STARS = re.compile(r"[★☆]+")
#: A fill-in hint with ``**`` left beside a name: (≥**人), （<**元）, ≥**人, <**元.
_NAME_HINT = re.compile(
    r"[（(][^()（）]*[*＊]{2,}[^()（）]*[)）]|[<>≤≥＜＞≦≧=]=?\s*[*＊]{2,}[^\s，,；;。()（）]*"
)


class NameResidue:
    """An indicator name split into the template's leftovers and the department's content.

    ``content``: the name without them; ``prefix``: ``指标1：`` as printed; ``stars``:
    ``★``; ``hints``: ``(≥**人)`` fill-in hints.
    """

    __slots__ = ("content", "hints", "prefix", "stars")

    def __init__(
        self, content: str, prefix: str = "", stars: str = "", hints: tuple[str, ...] = ()
    ) -> None:
        self.content, self.prefix, self.stars, self.hints = content, prefix, stars, hints

    @property
    def residue(self) -> bool:
        return bool(self.prefix or self.stars or self.hints)


def name_residue(raw: object) -> NameResidue:
    """What of an indicator name is template (``指标1：``, ``★``, ``(≥**人)``) and what is content."""
    text = "" if raw is None else str(raw).strip()
    hints = tuple(m.group(0) for m in _NAME_HINT.finditer(text))
    rest = _NAME_HINT.sub("", text)
    stars = "".join(_NAME_STARS.findall(rest))
    rest = _NAME_STARS.sub("", rest).strip()
    m = _NAME_PREFIX.match(rest)
    prefix = m.group(0).strip() if m else ""
    if m:
        rest = rest[m.end() :]
    return NameResidue(rest.strip().rstrip(":：").strip(), prefix, stars, hints)


#: The template's fill-in instructions (说明 texts the department should have replaced).
_INSTRUCTION = re.compile(
    r"[（(]?\s*\d+\s*字以内\s*[)）]?"
    r"|不超过\s*\d+\s*字"
    r"|请(?:填写|填报|简要|简述|据实|如实|根据|对照|结合|列明|注明|按照|选择)"
    r"|^(?:简要|简述)(?:说明|描述|阐述|分析|概述)"
    r"|对照年度(?:绩效)?目标"
    r"|说明相关任务目标"
    r"|结合自评情况"
    r"|针对项目自评中发现的问题"
    r"|预算执行率\s*=\s*预算执行数"
    r"|^注\s*[:：].*(?:填写|填报|统一设置)"
)


def template_instruction(text: str) -> str | None:
    """The fragment of ``text`` that shows it is the template's fill-in instruction, or None.

    ``对照年度目标,说明相关任务目标的完成情况(100字以内)`` -> ``对照年度目标``;
    ``1.预算执行率=预算执行数/调整后预算数…`` -> ``预算执行率=预算执行数``; a department's
    own sentence -> None.
    """
    m = _INSTRUCTION.search(norm(text) if text else "")
    return m.group(0) if m else None


def free_texts(form: FormS) -> Iterator[tuple[Field[Any], str]]:
    """The cells where a department writes in its own words, with a Chinese description."""
    if form.goal_planned is not None:
        yield form.goal_planned, "年度总体目标（预期目标）"
    if form.goal_actual is not None:
        yield form.goal_actual, "年度目标完成情况"
    for key, f in form.texts.items():
        yield f, key
    if form.fund is not None:
        for row in form.fund.rows:
            if row.reason is not None:
                yield row.reason, f"{ROW_NAMES.get(row.kind, row.label.text)}的原因"
    for ind in form.indicators:
        if ind.reason is not None:
            yield ind.reason, f"指标{label(ind)}的偏差原因分析"
