"""Rates, scores and grades of form S, as pure functions.

These are the formulas the checker recomputes and, later, the Excel UDFs a
department calls from its own workbook, so they take and return plain numbers
and strings wherever they can:

- :func:`execution_rate` / :func:`display_rate` / :func:`fund_score`: the fund
  block (执行率 = 全年执行数 / 全年预算数; 资金得分 = 分值 × min(执行率, 1), with the
  rate *as printed*, 2 decimals: 10 × 0.98 = 9.80);
- :func:`indicator_score`: the score an indicator row should get from its
  target (年度指标值) and actual (实际完成值), with a short Chinese description
  of the computation for messages;
- :func:`grade` and :func:`band_for`: the grade of a total and the band of a
  qualitative 达成 / 部分达成 / 未达成 actual.

Nothing here knows the model or the rules.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal, localcontext

from budgetlint.settings import DEFAULT_GRADES
from budgetlint.values import Kind, Value, meets, parse_value

#: Kinds of value that carry one comparable number.
NUMERIC_KINDS = frozenset({Kind.NUMBER, Kind.QUANTITY, Kind.PERCENT, Kind.AMOUNT})
LOWER_OPS = (None, "=", "~", ">=", ">")  # positive quantity or lower bound
UPPER_OPS = ("<=", "<")  # upper bound (反向 indicator)
STRICT_OPS = (">", "<")

_EPS = 1e-9


def _clean(x: float) -> float:
    """Drop binary noise (10 × 0.98 = 9.800000000000001 -> 9.8)."""
    return round(x, 9) + 0.0


def _same(a: float, b: float) -> bool:
    return abs(a - b) <= _EPS * max(1.0, abs(a), abs(b))


# --------------------------------------------------------------------------- funds


def execution_rate(executed: float | None, budget: float | None) -> float | None:
    """执行率 = 全年执行数 / 全年预算数, as a fraction; ``None`` when the budget is 0 or missing.

    >>> round(execution_rate(969188.11, 987000.00), 4)
    0.9819
    >>> execution_rate(0.0, 0.0) is None
    True
    """
    if budget is None or executed is None or budget == 0:
        return None
    return executed / budget


def display_rate(rate: float, decimals: int = 2) -> float:
    """The rate as a form prints it, rounded half up to ``decimals`` (0.98195 -> 0.98).

    Any finite float rounds (the context holds the ~310 digits a float can have
    before the point); an infinity or NaN comes back as it is.
    """
    if not math.isfinite(rate):
        return rate
    with localcontext() as ctx:
        ctx.prec = 400
        q = Decimal(1).scaleb(-decimals)
        return float(Decimal(repr(float(rate))).quantize(q, rounding=ROUND_HALF_UP))


def fund_score(weight: float, rate: float | None, *, decimals: int = 2) -> float | None:
    """资金得分 = 分值 × min(displayed rate, 1), never below 0 nor above the weight.

    Departments multiply by the rate as printed (2 decimals), so the seed's
    969188.11 / 987000.00 = 0.98195… gives 10 × 0.98 = 9.80, not 9.82.
    ``None`` rate (zero budget) gives ``None``: no score is computable.

    >>> fund_score(10, 969188.11 / 987000.00)
    9.8
    """
    if rate is None:
        return None
    shown = display_rate(rate, decimals)
    return _clean(weight * min(max(shown, 0.0), 1.0))


# --------------------------------------------------------------------------- indicators


@dataclass(frozen=True)
class ScoreResult:
    """What an indicator row should score.

    ``expected`` is ``None`` when the score is a judgement (a missed qualitative
    or date target, a 达成/部分达成 actual, a strict bound met only with
    equality) or not computable (free text, a repeated bound, an empty actual).
    ``met`` says whether the target is reached (``None``: undecidable).
    ``method`` is a short Chinese description for messages, e.g.
    ``24 ÷ 30 × 10 = 8.00``.  ``ratio`` is actual/target for a lower-bound or
    positive target (used for over-achievement).  ``strict_equality`` marks a
    strict ``>X``/``<X`` target whose actual equals X (not met).  ``above_range``
    marks an actual above a range's upper bound (scored as met, flagged as an
    over-achievement by the rules).
    """

    expected: float | None
    method: str
    met: bool | None
    ratio: float | None = None
    strict_equality: bool = False
    above_range: bool = False


def num_text(x: float, kind: Kind | None = None) -> str:
    """A number for a message: percentages as ``90%``, others without trailing zeros."""
    if kind == Kind.PERCENT:
        return _trim(x * 100) + "%"
    return _trim(x)


def _trim(x: float) -> str:
    s = f"{x:.4f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def _as_value(v: Value | str | float | int | None, role: str) -> Value:
    if isinstance(v, Value):
        return v
    if v is None:
        return parse_value(None, role=role)
    if isinstance(v, (int, float)):
        return parse_value(v, role=role)
    return parse_value(str(v), role=role)


def _numeric(v: Value) -> bool:
    return v.kind in NUMERIC_KINDS and v.number is not None


def _comparable(t: Value, a: Value) -> bool:
    """Both numeric and not one a percentage and the other not."""
    if not (_numeric(t) and _numeric(a)):
        return False
    return (t.kind == Kind.PERCENT) == (a.kind == Kind.PERCENT)


def _full(weight: float, why: str) -> ScoreResult:
    return ScoreResult(_clean(weight), f"{why}，得满分 {_trim(weight)}", True)


def indicator_score(
    weight: float,
    target: Value | str | float | None,
    actual: Value | str | float | None,
    *,
    upper_bound_formula: str = "ratio",
) -> ScoreResult:
    """The score an indicator should get, by the kind of its target.

    - positive quantity or lower bound (``30 期``, ``=3 项``, ``约120人``, ``≥90%``,
      ``>95%``): full marks when reached, else 分值 × actual/target
      (24/30 × 10 = 8.0; 53/120 × 10 = 4.42; 7/20 × 10 = 3.5);
    - upper bound (``<2%``, ``≤1.5万``): full marks when it holds, else
      ``ratio``: 分值 × target/actual, or ``excess``: 分值 × max(0, 1 − (actual − target)/target);
    - a strict ``>X``/``<X`` met only with equality is *not* met: ``expected`` is
      ``None`` (a judgement below full marks) and ``strict_equality`` is set;
    - range ``≥60&&≤100``: full inside; below: 分值 × actual/low; above: full
      marks for scoring, ``above_range`` set (an over-achievement);
    - qualitative and date targets: full marks when met, else a judgement (``None``);
    - ``无``/``不适用`` target: 0 when the weight is 0, else ``None`` (the weight is wrong);
    - free text, an empty actual or an actual that repeats a bound (``≥90%``): ``None``.

    ``target`` and ``actual`` may be :class:`Value` objects or cell texts.
    """
    t = _as_value(target, "target")
    a = _as_value(actual, "actual")
    w = float(weight)

    if t.kind == Kind.NONE:
        if _same(w, 0.0):
            return ScoreResult(0.0, "指标不适用（无），分值与得分均为 0", None)
        return ScoreResult(None, f"指标不适用（无），分值应为 0，不能为 {_trim(w)}", None)
    a = _in_target_unit(t, a)
    if t.kind == Kind.TEXT and a.kind == Kind.TEXT and _same_text(t.text, a.text):
        return _full(w, f"实际完成值与年度指标值“{t.text}”相同，目标已达成")
    if t.kind in (Kind.TEXT, Kind.EMPTY):
        return ScoreResult(None, "年度指标值为文字描述，无法计算得分", None)
    if a.kind == Kind.EMPTY:
        return ScoreResult(None, "实际完成值为空，无法计算得分", None)
    if a.kind == Kind.ACHIEVEMENT:
        met = a.word == "达成"
        return ScoreResult(None, f"实际完成值为“{a.word}”，按档次评分", met)
    if a.op in (">=", ">", "<=", "<"):
        return ScoreResult(None, f"实际完成值“{a.text}”是界限而非实测值，无法计算得分", None)

    if t.kind == Kind.RANGE:
        return _range_score(w, t, a)
    if t.kind in NUMERIC_KINDS and t.number is not None:
        if not _comparable(t, a):
            why = f"实际完成值“{a.text}”与年度指标值“{t.text}”不可比，无法计算得分"
            return ScoreResult(None, why, None)
        if t.op in UPPER_OPS:
            return _upper_score(w, t, a, upper_bound_formula)
        return _lower_score(w, t, a)
    if t.kind in (Kind.QUALITATIVE, Kind.DATE):
        ok = meets(t, a)
        if ok:
            return _full(w, f"实际“{a.text}”达到目标“{t.text}”")
        if ok is False:
            why = f"实际“{a.text}”未达到目标“{t.text}”，得分需酌情判断并说明原因"
            return ScoreResult(None, why, False)
        return ScoreResult(None, f"无法判断实际“{a.text}”是否达到目标“{t.text}”", None)
    return ScoreResult(None, "无法计算得分", None)


def _same_text(x: str, y: str) -> bool:
    from budgetlint.text import norm

    strip = "。.；;，,、"
    return bool(x.strip()) and norm(x).strip(strip) == norm(y).strip(strip)


def _in_target_unit(t: Value, a: Value) -> Value:
    """A bare number against a percentage target is in the target's unit (100 -> 100 %).

    Forms that print the unit in its own column (指标值分列) or in the header
    leave it off the actual: ``﹦100 %`` met by ``100``.  A value up to 1.5 is
    read as a fraction already (0.98 -> 98 %).
    """
    if t.kind == Kind.PERCENT and a.kind == Kind.NUMBER and a.number is not None and not a.op:
        n = float(a.number)
        return replace(a, kind=Kind.PERCENT, number=n / 100.0 if abs(n) > 1.5 else n, unit="%")
    return a


def _lower_score(w: float, t: Value, a: Value) -> ScoreResult:
    tn, an = float(t.number), float(a.number)  # type: ignore[arg-type]
    k = t.kind
    if t.op == ">" and _same(an, tn):
        return ScoreResult(
            None,
            f"目标 {t.text} 为严格界限，实际 {a.text} 恰等于界值，未达成",
            False,
            ratio=1.0,
            strict_equality=True,
        )
    if tn <= 0:
        ok = an > tn if t.op == ">" else an >= tn - _EPS
        if ok:
            return _full(w, f"实际 {a.text} 满足 {t.text}")
        return ScoreResult(0.0, f"实际 {a.text} 未满足 {t.text}，得 0 分", False)
    ratio = an / tn
    met = an > tn if t.op == ">" else an >= tn or _same(an, tn)
    if met:
        return ScoreResult(
            _clean(w), f"实际 {a.text} 达到 {t.text}，得满分 {_trim(w)}", True, ratio
        )
    exp = _clean(w * max(ratio, 0.0))
    method = f"{num_text(an, k)} ÷ {num_text(tn, k)} × {_trim(w)} = {exp:.2f}"
    return ScoreResult(exp, method, False, ratio)


def _upper_score(w: float, t: Value, a: Value, formula: str) -> ScoreResult:
    tn, an = float(t.number), float(a.number)  # type: ignore[arg-type]
    k = t.kind
    if t.op == "<" and _same(an, tn):
        return ScoreResult(
            None,
            f"目标 {t.text} 为严格界限，实际 {a.text} 恰等于界值，未达成",
            False,
            strict_equality=True,
        )
    met = an < tn if t.op == "<" else an <= tn or _same(an, tn)
    if met:
        return _full(w, f"实际 {a.text} 满足 {t.text}")
    if formula == "excess":
        share = 0.0 if tn <= 0 else max(0.0, 1.0 - (an - tn) / tn)
        exp = _clean(w * share)
        method = (
            f"{_trim(w)} × max(0, 1 − ({num_text(an, k)} − {num_text(tn, k)}) ÷ "
            f"{num_text(tn, k)}) = {exp:.2f}"
        )
        return ScoreResult(exp, method, False)
    exp = _clean(w * tn / an) if an > 0 and tn > 0 else 0.0
    method = f"{num_text(tn, k)} ÷ {num_text(an, k)} × {_trim(w)} = {exp:.2f}"
    return ScoreResult(exp, method, False)


def _range_score(w: float, t: Value, a: Value) -> ScoreResult:
    if not _numeric(a) or t.number is None or (t.unit == "%") != (a.kind == Kind.PERCENT):
        return ScoreResult(None, f"实际完成值“{a.text}”与区间“{t.text}”不可比，无法计算得分", None)
    lo, an = float(t.number), float(a.number)  # type: ignore[arg-type]
    hi = float(t.upper) if t.upper is not None else math.inf
    k = Kind.PERCENT if a.kind == Kind.PERCENT else None
    lo_op = t.op or ">="
    hi_op = t.upper_op or "<="
    if (lo_op == ">" and _same(an, lo)) or (hi_op == "<" and _same(an, hi)):
        return ScoreResult(
            None,
            f"区间 {t.text} 为严格界限，实际 {a.text} 恰等于界值，未达成",
            False,
            strict_equality=True,
        )
    if an < lo and not _same(an, lo):
        exp = _clean(w * an / lo) if lo > 0 and an > 0 else 0.0
        method = f"{num_text(an, k)} ÷ {num_text(lo, k)} × {_trim(w)} = {exp:.2f}（低于区间下限）"
        return ScoreResult(exp, method, False, an / lo if lo > 0 else None)
    ratio = an / lo if lo > 0 else None
    if an > hi and not _same(an, hi):
        return ScoreResult(
            _clean(w),
            f"实际 {a.text} 高于区间上限 {num_text(hi, k)}，按达成计满分 {_trim(w)}（超额完成）",
            True,
            ratio,
            above_range=True,
        )
    return ScoreResult(
        _clean(w), f"实际 {a.text} 在区间 {t.text} 内，得满分 {_trim(w)}", True, ratio
    )


# --------------------------------------------------------------------------- grades and bands


def grade(score: float, scale: tuple[tuple[float, str], ...] = DEFAULT_GRADES) -> str:
    """The grade of a total score; ``scale`` is (minimum, name) pairs, highest first.

    >>> grade(67.14)
    '合格'
    """
    for low, name in sorted(scale, key=lambda p: p[0], reverse=True):
        if score >= low - _EPS:
            return name
    return min(scale, key=lambda p: p[0])[1]


ACHIEVEMENT_WORDS = ("部分达成", "未达成", "达成")


def achievement_word(text: str | None) -> str | None:
    """``部分达成预期指标`` -> ``部分达成``; ``None`` when the text states no achievement."""
    if not text:
        return None
    t = str(text).strip()
    for w in ACHIEVEMENT_WORDS:  # longest-first: 部分达成 and 未达成 contain 达成
        if t.startswith(w) or w in t:
            return w
    return None


def band_for(word: str | None, bands: dict[str, tuple[float, float]]) -> tuple[float, float] | None:
    """The share of the weight an achievement word may earn (``部分达成`` -> (0.5, 0.8))."""
    w = achievement_word(word)
    if w is None:
        return None
    return bands.get(w)
