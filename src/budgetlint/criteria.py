"""Form P's 评分标准: read a scoring rule from its words, and recompute the score it gives.

A 项目自评价评分表 prints, per 三级 item, a weight (权重), a target (目标值), an actual
(业绩值), the score (评分结果) and the rule in words (评分标准).  Most rules follow a
few shapes (see ``docs/criteria.md``):

- ``ratio``: ``X完成率 = (实际…/计划…) *100%*权重分`` -> 权重 × min(业绩值/目标值, 1);
- ``execution``: ``预算执行率 = (实际支出资金/实际到位资金) × 100%`` -> 权重 × 执行率;
- ``linear``: ``以满意度达90%及以上得满分，每降低1%，减少权重分的3.33%，低于60%不得分，
  y = 权重分 - (90% - x) * 3.33% * 权重分``;
- ``tiers``: ``①…完全达到预期目标值，得11.67分；②…80%—99%，得8.75分；…``;
- ``all_or_nothing``: ``…错误率为0%得满分，否则不得分``;
- ``not_applicable_full``: ``…不适用，得满分``;
- ``parts``: ``1. …，得权重分的50%； 2. …，得权重分的50%；（该指标累计得分）``;
- ``full_if_met``: ``1. …，得满分； 2. …，不得分``, ``此项指标以100%为满分``;
- ``over_target_deduction``: ``业绩值达到目标值的0-100%范围内得满分，…每高于1%，扣权重分的1%``;
- ``unparsed``: anything else, with the reason in :attr:`Criterion.why` (never guessed).

:func:`parse_criterion` reads a text (LaTeX-like ``$y = \\text{权重分} - (85\\% - x)…$``
and the typed ``y = 权重分 - (85% - x)…`` alike) and reports the numbers it states
twice that disagree (:attr:`Criterion.contradictions`).  :func:`expected_score` applies
a criterion to an item's weight, target and actual.  Pure standard library.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from budgetlint.scoring import (
    _EPS,
    NUMERIC_KINDS,
    UPPER_OPS,
    _as_value,
    _clean,
    _comparable,
    _in_target_unit,
    _trim,
    fund_score,
    indicator_score,
)
from budgetlint.text import norm
from budgetlint.values import Kind, Value, meets, parse_value

__all__ = [
    "KINDS",
    "Criterion",
    "Part",
    "ScoreExpectation",
    "Tier",
    "describe",
    "expected_score",
    "parse_criterion",
]

#: Every value :attr:`Criterion.kind` takes.
KINDS: tuple[str, ...] = (
    "ratio",
    "execution",
    "linear",
    "tiers",
    "all_or_nothing",
    "not_applicable_full",
    "parts",
    "full_if_met",
    "over_target_deduction",
    "unparsed",
)


@dataclass(frozen=True)
class Tier:
    """One band of a ``tiers`` rule: achievement in [lower, upper] earns ``points``.

    ``lower``/``upper`` are fractions of the target (``80%—99%`` -> 0.8, 0.99);
    ``upper`` is ``None`` for the open top band (``完全达到预期目标值``).
    """

    lower: float
    upper: float | None
    points: float
    text: str


@dataclass(frozen=True)
class Part:
    """A clause of a ``parts`` or ``full_if_met`` rule: its condition and share of the weight."""

    condition: str
    fraction: float


@dataclass(frozen=True)
class Criterion:
    """A parsed 评分标准.

    ``text`` is the text as given; ``matched`` holds (role, snippet) pairs of the
    normalised text the parser recognised, for messages.  Percentages are
    fractions (``90%`` -> 0.9) when ``percent`` is true; a points scale
    (``知晓度达75及以上``) keeps its numbers (75.0).
    """

    text: str
    kind: str
    why: str = ""
    contradictions: tuple[str, ...] = ()
    matched: tuple[tuple[str, str], ...] = ()
    name: str = ""  # the rate the rule defines: '专题汇报片完成率', '预算执行率'
    numerator: str = ""  # ratio / execution: '实际专题汇报片数量'
    denominator: str = ""  # '计划专题汇报片数量'
    # linear
    threshold: float | None = None  # full marks from here (words, else formula)
    percent: bool = True
    step_words: float | None = None  # share of the weight lost per point, from the words
    step_formula: float | None = None  # the same, from the formula y = …
    floor: float | None = None  # below this: 0
    # tiers
    tiers: tuple[Tier, ...] = ()
    # all_or_nothing
    condition: Value | None = None
    # parts / full_if_met
    parts: tuple[Part, ...] = ()
    zero_conditions: tuple[str, ...] = ()
    # over_target_deduction
    deduction: float | None = None  # share of the weight lost per 1% above the target

    @property
    def parts_total(self) -> float:
        """The sum of the parts' shares (1.0 when they add up to the weight)."""
        return _clean(sum(p.fraction for p in self.parts))

    @property
    def step(self) -> float | None:
        """The step of a linear rule when words and formula agree (or only one states it)."""
        steps = {s for s in (self.step_words, self.step_formula) if s is not None}
        return steps.pop() if len(steps) == 1 else None


@dataclass(frozen=True)
class ScoreExpectation:
    """The score a rule gives an item.

    ``expected`` is ``None`` for a judgement the rule leaves to the reviewer;
    ``low``/``high`` then bound it when the rule gives a band.  ``method`` is
    the arithmetic in Chinese (``2.27 × 54.37% = 1.23``).  ``notes`` are
    findings on the way (the rule's full-marks line differs from the target
    column, the tiers' top points differ from the weight…).
    """

    expected: float | None
    method: str
    met: bool | None
    low: float | None = None
    high: float | None = None
    notes: tuple[str, ...] = field(default=())


# --------------------------------------------------------------------------- normalising

_LATEX_TEXT = re.compile(r"\\(?:text|mathrm|textrm)\s*\{([^{}]*)\}")
_LATEX_SYMBOLS = (
    (r"\%", "%"),
    (r"\leq", "≤"),
    (r"\le", "≤"),
    (r"\geq", "≥"),
    (r"\ge", "≥"),
    (r"\times", "×"),
    (r"\cdot", "×"),
    (r"\sim", "~"),
)
_HTML = re.compile(r"</?p\s*>", re.IGNORECASE)


def _delatex(s: str) -> str:
    """``$y = \\text{权重分} - (85\\% - x)$`` -> ``y = 权重分 - (85% - x)``."""
    t = _LATEX_TEXT.sub(r"\1", s)
    for a, b in _LATEX_SYMBOLS:
        t = t.replace(a, b)
    return t.replace("$", "")


def _key(text: str) -> str:
    """The text the patterns read: no LaTeX, HTML, ASCII quotes or spaces; half-width."""
    t = _HTML.sub("", _delatex(text)).replace('"', "")
    t = re.sub(f"[{_CIRCLED}]", _TIER_MARK, t)  # NFKC would make ① a plain 1
    t = norm(t)
    for a, b in (("—", "-"), ("–", "-"), ("－", "-"), ("～", "~"), ("﹪", "%"), ("％", "%")):
        t = t.replace(a, b)
    return t


_N = r"\d+(?:\.\d+)?"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩"
_TIER_MARK = "§"


def _f(s: str) -> float:
    return float(s)


def _pct(x: float) -> str:
    """A fraction as a percentage for messages: 0.0333 -> '3.33%'."""
    return _trim(x * 100) + "%"


# --------------------------------------------------------------------------- parsing

_SCORING_WORDS = ("得", "权重分", "=", "满分", "扣")
_NA_RE = re.compile(r"(不适用|不是适用|不涉及)[^。;]*?得满分")

# ratio: '…率=(实际…/计划…)*100%*权重分' (a fragment cut at a page break keeps the tail)
_RATIO_RE = re.compile(
    r"^(?:(?P<name>[^=]*?)=)?\(?(?P<num>[^/()=]*)/(?P<den>[^/()=]+)\)?[*×x]100%[*×x]权重分[。.]?$"
)
_EXEC_RE = re.compile(
    r"^(?P<name>预算执行率|资金到位率|资金实际支出率|执行率)=\((?P<num>[^/()]+)/(?P<den>[^/()]+)\)[×*x]100%"
)
_FULL_AT_RE = re.compile(rf"以(?P<t>{_N})%为满分")

_AON_RE = re.compile(
    rf"^(?P<subject>.*?)(?P<op>为|低于|少于|小于|不超过|不高于|不低于|高于|大于|达到|≤|≥|<|>|=)"
    rf"(?P<value>{_N}[^,，;。得]{{0,6}}?)(?:及以上|以上|以内|以下)?得满分[,;]?否则(?:不得分|得0分)[。.]?$"
)

_OVER_RE = re.compile(rf"(?P<lo>{_N})-100%范围内得满分.*?每高于1%,?扣权重分的(?P<d>{_N})%")

_TIER_RANGE = re.compile(rf"(?P<lo>{_N})%?[-~至到](?P<hi>{_N})%")
_TIER_POINTS = re.compile(rf"得(?P<p>{_N})分")

_OUTCOME_RE = re.compile(
    rf"(?P<full>得满分)|得权重分的(?P<share>{_N})%|(?P<zero>不得分|得0分|得零分)"
)

# linear
_L_WORDS_T = re.compile(rf"达(?P<t>{_N})(?P<pc>%?)及以上得满分")
_L_WORDS_S = re.compile(rf"每降低1(?P<pc>%?),?减少权重分的(?P<s>{_N})%")
_L_FLOOR = re.compile(rf"低于(?P<f>{_N})(?P<pc>%?)不得分")
_L_FORMULA = re.compile(rf"y=权重分-\((?P<t>{_N})(?P<pc>%?)-x\)[*×](?P<s>{_N})%[*×]权重分")
_L_XRANGE = re.compile(rf"(?P<lo>{_N})≤x≤(?P<hi>{_N})")
_L_TARGET = re.compile(rf"(?P<t>{_N})(?P<pc>%|分)?为目标值")
_L_DEF = re.compile(rf"(?P<s>{_N})%=100/\(?(?P<t>{_N})-(?P<f>{_N})\)?(?:[*×]100%)?")


def parse_criterion(text: str) -> Criterion:
    """Read a 评分标准 text; see the module docstring for the kinds."""
    raw = text if isinstance(text, str) else ("" if text is None else str(text))
    if not raw.strip():
        return Criterion(raw, "unparsed", why="评分标准为空")
    mixed = _mixed_cells(raw)
    if mixed:
        return Criterion(raw, "unparsed", why=mixed)
    k = _key(raw)
    for reader in (
        _read_not_applicable,
        _read_linear,
        _read_tiers,
        _read_over_target,
        _read_execution,
        _read_ratio,
        _read_full_at,
        _read_all_or_nothing,
        _read_clauses,
    ):
        c = reader(raw, k)
        if c is not None:
            return c
    return Criterion(raw, "unparsed", why="评分标准中没有可识别的计分方式")


def _mixed_cells(raw: str) -> str:
    """A reason when the cell holds other cells' text before a quoted rule, else ''."""
    t = _HTML.sub("", raw).strip()
    if t.startswith('"'):
        t = t[1:]
    i = t.find('"')
    if i <= 0:
        return ""
    prefix, rest = t[:i], t[i + 1 :]
    if any(w in prefix for w in _SCORING_WORDS) or not any(w in rest for w in ("得", "分")):
        return ""
    return (
        f"评分标准单元格在引号中的规则前混入了其他单元格的内容（“{prefix.strip()[:40]}”），"
        "无法确定哪一段是本指标的评分标准"
    )


def _read_not_applicable(raw: str, k: str) -> Criterion | None:
    m = _NA_RE.search(k)
    if m is None:
        return None
    return Criterion(raw, "not_applicable_full", matched=(("not_applicable", m.group(0)),))


def _read_execution(raw: str, k: str) -> Criterion | None:
    m = _EXEC_RE.search(k)
    if m is None or "权重分" in k[: m.end() + 12]:
        return None
    return Criterion(
        raw,
        "execution",
        matched=(("formula", m.group(0)),),
        name=m.group("name"),
        numerator=m.group("num"),
        denominator=m.group("den"),
    )


def _read_ratio(raw: str, k: str) -> Criterion | None:
    m = _RATIO_RE.search(k)
    if m is None:
        return None
    name = m.group("name") or ""
    return Criterion(
        raw,
        "ratio",
        matched=(("formula", m.group(0)),),
        name=name,
        numerator=m.group("num"),
        denominator=m.group("den"),
    )


def _read_full_at(raw: str, k: str) -> Criterion | None:
    m = _FULL_AT_RE.search(k)
    if m is None:
        return None
    name = ""
    nm = re.search(r"([^。;,=]*率)=", k)
    if nm:
        name = nm.group(1)
    return Criterion(
        raw,
        "full_if_met",
        matched=(("full_at", m.group(0)),),
        name=name,
        threshold=_f(m.group("t")) / 100,
        parts=(Part(m.group(0), 1.0),),
    )


def _read_all_or_nothing(raw: str, k: str) -> Criterion | None:
    m = _AON_RE.search(k)
    if m is None:
        return None
    op = m.group("op")
    value = m.group("value")
    cond_text = value if op in ("为", "=", "达到") else op + value
    if op == "达到":
        cond_text = "≥" + value
    cond = parse_value(cond_text, role="target")
    if cond.kind not in NUMERIC_KINDS or cond.number is None:
        return None
    return Criterion(
        raw,
        "all_or_nothing",
        matched=(("condition", m.group(0)),),
        name=m.group("subject"),
        condition=cond,
    )


def _read_over_target(raw: str, k: str) -> Criterion | None:
    m = _OVER_RE.search(k)
    if m is None:
        return None
    return Criterion(
        raw,
        "over_target_deduction",
        matched=(("rule", m.group(0)),),
        deduction=_f(m.group("d")) / 100,
    )


def _read_tiers(raw: str, k: str) -> Criterion | None:
    if k.count(_TIER_MARK) < 2:
        return None
    chunks = [c for c in k.split(_TIER_MARK)[1:] if c]
    tiers: list[Tier] = []
    for chunk in chunks:
        pm = _TIER_POINTS.search(chunk)
        if pm is None:
            return None
        cond = chunk[: pm.start()]
        rm = _TIER_RANGE.search(cond)
        if rm is not None:
            lo, hi = _f(rm.group("lo")) / 100, _f(rm.group("hi")) / 100
            if lo > hi:
                lo, hi = hi, lo
            tiers.append(Tier(lo, hi, _f(pm.group("p")), chunk.rstrip("。;,")))
        elif "完全达到" in cond or "全部达到" in cond or "达到预期" in cond:
            tiers.append(Tier(1.0, None, _f(pm.group("p")), chunk.rstrip("。;,")))
        else:
            return None
    if len(tiers) < 2:
        return None
    tiers.sort(key=lambda t: t.lower, reverse=True)
    return Criterion(
        raw, "tiers", matched=tuple(("tier", t.text) for t in tiers), tiers=tuple(tiers)
    )


def _read_clauses(raw: str, k: str) -> Criterion | None:
    """Numbered clauses, each ending in an outcome: accumulating ``parts`` or ``full_if_met``."""
    outcomes = list(_OUTCOME_RE.finditer(k))
    if not outcomes:
        return None
    parts: list[Part] = []
    zeros: list[str] = []
    full = False
    start = 0
    for m in outcomes:
        cond = _clause_condition(k[start : m.start()])
        start = m.end()
        if m.group("full"):
            full = True
            parts.append(Part(cond, 1.0))
        elif m.group("share"):
            parts.append(Part(cond, _f(m.group("share")) / 100))
        else:
            zeros.append(cond)
    matched = tuple(("clause", m.group(0)) for m in outcomes)
    if "累计" in k and not full:
        if not parts:
            return None
        return Criterion(
            raw, "parts", matched=matched, parts=tuple(parts), zero_conditions=tuple(zeros)
        )
    if full and parts and parts[0].fraction == 1.0 and (zeros or len(parts) > 1):
        return Criterion(
            raw, "full_if_met", matched=matched, parts=tuple(parts), zero_conditions=tuple(zeros)
        )
    return None


_CLAUSE_LEAD = re.compile(r"^[\s;；,，。.、]*(?:\d+[.、．]?|[（(]\d+[)）])?")


def _clause_condition(s: str) -> str:
    s = _CLAUSE_LEAD.sub("", s)
    return s.strip(";；,，。. ")


def _read_linear(raw: str, k: str) -> Criterion | None:
    wt, ws, fl = _L_WORDS_T.search(k), _L_WORDS_S.search(k), _L_FLOOR.search(k)
    fm = _L_FORMULA.search(k)
    if fm is None and (wt is None or ws is None):
        return None
    if fm is None and ws is None:
        return None
    # Is the scale in percent?  The words or formula say so with a '%'.
    pc_source = wt or fm
    percent = bool(pc_source.group("pc")) if pc_source is not None else True
    scale = 100.0 if percent else 1.0

    def pts(x: str) -> float:  # a printed threshold as points (90% -> 90)
        return _f(x)

    thresholds: list[tuple[str, float]] = []
    floors: list[tuple[str, float]] = []
    steps: list[tuple[str, float]] = []
    matched: list[tuple[str, str]] = []
    if wt:
        thresholds.append((f"文字“{wt.group(0)}”", pts(wt.group("t"))))
        matched.append(("words_threshold", wt.group(0)))
    if ws:
        steps.append((f"文字“{ws.group(0)}”", _f(ws.group("s"))))
        matched.append(("words_step", ws.group(0)))
    if fl:
        floors.append((f"文字“{fl.group(0)}”", pts(fl.group("f"))))
        matched.append(("words_floor", fl.group(0)))
    if fm:
        thresholds.append((f"公式“{fm.group(0)}”", pts(fm.group("t"))))
        steps.append((f"公式“{fm.group(0)}”", _f(fm.group("s"))))
        matched.append(("formula", fm.group(0)))
    xr = _L_XRANGE.search(k)
    if xr:
        lo, hi = _f(xr.group("lo")), _f(xr.group("hi"))
        if percent and lo <= 1.5 and hi <= 1.5:
            lo, hi = lo * 100, hi * 100
        floors.append((f"“{xr.group(0)}”", lo))
        thresholds.append((f"“{xr.group(0)}”", hi))
        matched.append(("x_range", xr.group(0)))
    tg = _L_TARGET.search(k)
    if tg:
        thresholds.append((f"“{tg.group(0)}”", pts(tg.group("t"))))
        matched.append(("stated_target", tg.group(0)))
    contradictions: list[str] = []
    df = _L_DEF.search(k)
    if df:
        matched.append(("step_definition", df.group(0)))
        s_def, t_def, f_def = _f(df.group("s")), _f(df.group("t")), _f(df.group("f"))
        steps.append((f"“{df.group(0)}”", s_def))
        thresholds.append((f"“{df.group(0)}”", t_def))
        floors.append((f"“{df.group(0)}”", f_def))
        if t_def > f_def and not _printed_as(100 / (t_def - f_def), df.group("s")):
            contradictions.append(
                f"“{df.group(0)}”算式不成立：100 ÷ ({_trim(t_def)} − {_trim(f_def)}) = "
                f"{_trim(100 / (t_def - f_def))}，不是 {df.group('s')}"
            )
    unit = "%" if percent else ""
    contradictions = [
        *_disagree("满分线", thresholds, unit),
        *_disagree(
            "每降低1个百分点扣减的权重分比例" if percent else "每降低1扣减的权重分比例", steps, "%"
        ),
        *_disagree("不得分线", floors, unit),
        *contradictions,
    ]
    threshold = (wt or fm).group("t") if (wt or fm) else None
    return Criterion(
        raw,
        "linear",
        contradictions=tuple(contradictions),
        matched=tuple(matched),
        threshold=_f(threshold) / scale if threshold is not None else None,
        percent=percent,
        step_words=_f(ws.group("s")) / 100 if ws else None,
        step_formula=_f(fm.group("s")) / 100 if fm else None,
        floor=_f(fl.group("f")) / scale if fl else None,
    )


def _printed_as(x: float, printed: str) -> bool:
    """Whether ``printed`` is ``x`` rounded or truncated to its decimals (100/35 -> 2.86 or 2.85)."""
    decimals = len(printed.split(".", 1)[1]) if "." in printed else 0
    p = float(printed)
    q = 10**decimals
    tol = 1e-9
    return (
        abs(round(x, decimals) - p) <= tol
        or abs(math.floor(x * q + tol) / q - p) <= tol
        or abs(math.ceil(x * q - tol) / q - p) <= tol
    )


def _disagree(what: str, mentions: list[tuple[str, float]], unit: str) -> list[str]:
    groups: dict[float, list[str]] = {}
    for src, v in mentions:
        groups.setdefault(round(v, 6), []).append(src)
    if len(groups) <= 1:
        return []
    listed = "，而".join(f"{'、'.join(srcs)}为 {_trim(v)}{unit}" for v, srcs in groups.items())
    return [f"{what}前后不一致：{listed}"]


# --------------------------------------------------------------------------- scoring


def _w(x: float) -> str:
    return _trim(x)


def _value(v: Value | str | float | None, role: str) -> Value:
    """A cell as a Value; LaTeX (``$\\geq 90\\%$``) and a leading quantity (``263期 (…)``) read."""
    val = _as_value(v, role)
    if val.kind is not Kind.TEXT:
        return val
    t = _delatex(val.text).strip()
    again = parse_value(t, role=role)
    if again.kind is not Kind.TEXT:
        return again
    m = re.match(r"^([^\s(（,，;；、]+)[\s(（,，;；、]", t)
    if m:
        lead = parse_value(m.group(1), role=role)
        if lead.kind in NUMERIC_KINDS and lead.number is not None:
            return lead
    return val


def _nt(x: float, percent: bool) -> str:
    return _pct(x) if percent else _trim(x)


def expected_score(
    c: Criterion,
    weight: float,
    target: Value | str | float | None,
    actual: Value | str | float | None,
    *,
    rate: float | None = None,
) -> ScoreExpectation | None:
    """The score the rule ``c`` gives an item of ``weight`` with ``target`` and ``actual``.

    ``rate`` is the form's 预算执行率 (or 资金到位率) from its 资金安排 matrix, as a
    fraction, for an ``execution`` rule; without it the rate is read from the
    actual.  ``None`` for an ``unparsed`` rule.
    """
    if c.kind == "unparsed":
        return None
    w = float(weight)
    t = _value(target, "target")
    a = _in_target_unit(t, _value(actual, "actual"))
    scorer = _SCORERS[c.kind]
    return scorer(c, w, t, a, rate)


def _score_ratio(
    c: Criterion, w: float, t: Value, a: Value, rate: float | None
) -> ScoreExpectation:
    res = indicator_score(w, t, a)
    if (
        _comparable(t, a)
        and t.op not in UPPER_OPS
        and t.number is not None
        and a.number is not None
        and a.op in (None, "=", "~")
    ):
        tn, an = float(t.number), float(a.number)
        pc = t.kind is Kind.PERCENT
        if tn <= 0 or (abs(tn) <= _EPS and t.op in (None, "=", "~")):
            ok = meets(t, a)
            exp = _clean(w) if ok else 0.0
            word = "达到" if ok else "未达到"
            return ScoreExpectation(
                exp,
                f"目标值为 {t.text}，无法计算比例；业绩值 {a.text} {word}目标，得 {exp:.2f}",
                bool(ok),
            )
        if res.strict_equality:
            return ScoreExpectation(None, res.method, False, 0.0, w)
        share = min(max(an / tn, 0.0), 1.0)
        exp = _clean(w * share)
        method = f"{_w(w)} × min({_nt(an, pc)} ÷ {_nt(tn, pc)}, 1) = {exp:.2f}"
        return ScoreExpectation(exp, method, bool(res.met))
    low, high = (None, None) if res.expected is not None else (0.0, w)
    return ScoreExpectation(res.expected, res.method, res.met, low, high)


def _score_execution(
    c: Criterion, w: float, t: Value, a: Value, rate: float | None
) -> ScoreExpectation:
    notes: list[str] = []
    shown: float | None = None
    if a.kind is Kind.PERCENT and a.number is not None and a.op in (None, "=", "~"):
        shown = float(a.number)
    r = rate if rate is not None else shown
    if rate is not None and shown is not None and abs(round(rate, 4) - round(shown, 4)) > 5e-5:
        notes.append(f"业绩值 {a.text} 与资金表的{c.name or '执行率'} {_pct(rate)} 不一致")
    if r is None:
        res = indicator_score(w, t, a)
        if res.met:
            return ScoreExpectation(
                _clean(w), f"业绩值“{a.text}”达到目标“{t.text}”，得满分 {_w(w)}", True
            )
        why = f"业绩值“{a.text}”不是{c.name or '执行率'}，且未给出资金表的执行率，无法计算得分"
        return ScoreExpectation(None, why, res.met, 0.0, w, tuple(notes))
    exp = fund_score(w, r, decimals=4)
    assert exp is not None
    source = "" if rate is None else "（资金表）"
    method = f"{_w(w)} × {_pct(round(r, 4))}{source} = {exp:.2f}"
    if r > 1 + _EPS:
        method = f"{_w(w)} × min({_pct(round(r, 4))}, 100%){source} = {exp:.2f}"
    return ScoreExpectation(exp, method, r >= 1 - _EPS, notes=tuple(notes))


def _linear_value(c: Criterion, a: Value) -> float | None:
    if a.number is None or a.op not in (None, "=", "~"):
        return None
    if c.percent:
        if a.kind is Kind.PERCENT:
            return float(a.number)
        if a.kind is Kind.NUMBER:
            n = float(a.number)
            return n / 100 if abs(n) > 1.5 else n
        return None
    if a.kind in (Kind.NUMBER, Kind.QUANTITY):
        return float(a.number)
    return None


def _score_linear(
    c: Criterion, w: float, t: Value, a: Value, rate: float | None
) -> ScoreExpectation:
    notes: list[str] = []
    pc = c.percent
    if c.threshold is not None and t.number is not None and t.kind in NUMERIC_KINDS:
        tn = float(t.number)
        if (t.kind is Kind.PERCENT) == pc and not math.isclose(tn, c.threshold, abs_tol=1e-9):
            notes.append(
                f"评分标准的满分线 {_nt(c.threshold, pc)} 与目标值 {t.text} 不一致，按评分标准计算"
            )
    x = _linear_value(c, a)
    if c.threshold is None or x is None:
        why = f"业绩值“{a.text}”不是可用于线性扣分的数值，无法计算得分"
        return ScoreExpectation(None, why, None, 0.0, w, tuple(notes))
    th = c.threshold
    if x >= th - _EPS:
        return ScoreExpectation(
            _clean(w),
            f"业绩值 {_nt(x, pc)} 达到 {_nt(th, pc)}，得满分 {_w(w)}",
            True,
            notes=tuple(notes),
        )
    if c.floor is not None and x < c.floor - _EPS:
        return ScoreExpectation(
            0.0, f"业绩值 {_nt(x, pc)} 低于 {_nt(c.floor, pc)}，不得分", False, notes=tuple(notes)
        )
    steps = [s for s in dict.fromkeys((c.step_words, c.step_formula)) if s is not None]
    if not steps:
        return ScoreExpectation(None, "评分标准未给出扣分比例", False, 0.0, w, tuple(notes))
    points = (th - x) * (100 if pc else 1)
    results = []
    for s in steps:
        y = _clean(min(max(w - points * s * w, 0.0), w))
        if pc:
            m = f"{_w(w)} − ({_pct(th)} − {_pct(x)}) × {_pct(s)} × 100 × {_w(w)} = {y:.2f}"
        else:
            m = f"{_w(w)} − ({_trim(th)} − {_trim(x)}) × {_pct(s)} × {_w(w)} = {y:.2f}"
        results.append((y, m))
    if len(results) == 1:
        y, m = results[0]
        return ScoreExpectation(y, m, False, notes=tuple(notes))
    ys = [y for y, _ in results]
    method = "文字与公式的扣分比例不一致：按文字 " + results[0][1] + "；按公式 " + results[1][1]
    return ScoreExpectation(None, method, False, min(ys), max(ys), tuple(notes))


def _achievement(t: Value, a: Value, w: float) -> tuple[float | None, bool | None, str]:
    """(share of the target reached, met, how) for tiers."""
    if _comparable(t, a) and t.number and a.number is not None and t.op not in UPPER_OPS:
        pc = t.kind is Kind.PERCENT
        r = float(a.number) / float(t.number)
        return (
            r,
            r >= 1 - _EPS,
            f"{_nt(float(a.number), pc)} ÷ {_nt(float(t.number), pc)} = {_pct(r)}",
        )
    res = indicator_score(w, t, a)
    if res.met:
        return 1.0, True, f"业绩值“{a.text}”达到目标“{t.text}”"
    return None, res.met, res.method


def _score_tiers(
    c: Criterion, w: float, t: Value, a: Value, rate: float | None
) -> ScoreExpectation:
    notes: list[str] = []
    top = c.tiers[0]
    if not math.isclose(top.points, w, abs_tol=0.005):
        notes.append(f"评分标准最高档得 {_trim(top.points)} 分，与权重 {_w(w)} 不一致")
    r, met, how = _achievement(t, a, w)
    if r is None:
        pts = [x.points for x in c.tiers]
        low = min(pts)
        high = max(pts) if met is None else max((p for p in pts if p < top.points), default=low)
        return ScoreExpectation(None, f"{how}，按档次评分需酌情判断", met, low, high, tuple(notes))
    for tier in c.tiers:
        if r >= tier.lower - _EPS:
            band = "完全达到" if tier.upper is None else f"{_pct(tier.lower)}—{_pct(tier.upper)}"
            method = f"{how}，属“{band}”档，得 {_trim(tier.points)} 分"
            return ScoreExpectation(_clean(tier.points), method, met, notes=tuple(notes))
    return ScoreExpectation(None, f"{how}，不在任何档次内", met, 0.0, w, tuple(notes))


def _score_all_or_nothing(
    c: Criterion, w: float, t: Value, a: Value, rate: float | None
) -> ScoreExpectation:
    cond = c.condition
    assert cond is not None
    ok = meets(cond, _in_target_unit(cond, a))
    if ok is None:
        why = f"无法判断业绩值“{a.text}”是否满足“{cond.text}”"
        if a.op in ("<", "<=", ">", ">="):
            why = f"业绩值“{a.text}”是界限而非实测值，无法判断是否满足“{cond.text}”"
        return ScoreExpectation(None, why, None, 0.0, w)
    if ok:
        return ScoreExpectation(
            _clean(w), f"业绩值 {a.text} 满足“{cond.text}”，得满分 {_w(w)}", True
        )
    return ScoreExpectation(0.0, f"业绩值 {a.text} 不满足“{cond.text}”，不得分", False)


def _score_not_applicable(
    c: Criterion, w: float, t: Value, a: Value, rate: float | None
) -> ScoreExpectation:
    return ScoreExpectation(_clean(w), f"评分标准：指标不适用，得满分 {_w(w)}", None)


def _met(t: Value, a: Value, w: float) -> tuple[bool | None, str]:
    res = indicator_score(w, t, a)
    if res.met is not None:
        return res.met, res.method
    return meets(t, a), res.method


def _score_parts(
    c: Criterion, w: float, t: Value, a: Value, rate: float | None
) -> ScoreExpectation:
    total = c.parts_total
    notes: list[str] = []
    if not math.isclose(total, 1.0, abs_tol=1e-9):
        notes.append(f"各部分合计只有权重分的 {_pct(total)}，满分不可能得到")
    met, how = _met(t, a, w)
    shares = " + ".join(_pct(p.fraction) for p in c.parts)
    if met:
        exp = _clean(w * total)
        method = (
            f"业绩值“{a.text}”达到目标“{t.text}”，各部分均满足：{_w(w)} × ({shares}) = {exp:.2f}"
        )
        return ScoreExpectation(exp, method, True, notes=tuple(notes))
    return ScoreExpectation(
        None,
        f"{how}；各部分（{shares}）是否满足需酌情判断",
        met,
        0.0,
        _clean(w * total),
        tuple(notes),
    )


def _score_full_if_met(
    c: Criterion, w: float, t: Value, a: Value, rate: float | None
) -> ScoreExpectation:
    if c.threshold is not None:  # '此项指标以100%为满分'
        x = a.number if a.kind is Kind.PERCENT and a.op in (None, "=", "~") else None
        if x is not None:
            if x >= c.threshold - _EPS:
                return ScoreExpectation(
                    _clean(w), f"业绩值 {a.text} 达到 {_pct(c.threshold)}，得满分 {_w(w)}", True
                )
            why = f"业绩值 {a.text} 低于 {_pct(c.threshold)}，评分标准未规定如何扣分"
            return ScoreExpectation(None, why, False, 0.0, w)
    met, how = _met(t, a, w)
    if met:
        return ScoreExpectation(
            _clean(w), f"业绩值“{a.text}”达到目标“{t.text}”，得满分 {_w(w)}", True
        )
    lower = [p.fraction for p in c.parts if p.fraction < 1.0]
    if met is False and not lower:
        return ScoreExpectation(0.0, f"{how}，不得分", False)
    high = _clean(w * max(lower)) if met is False and lower else _clean(w)
    return ScoreExpectation(None, f"{how}，按评分标准酌情判断", met, 0.0, high)


def _score_over_target(
    c: Criterion, w: float, t: Value, a: Value, rate: float | None
) -> ScoreExpectation:
    res = indicator_score(w, t, a)
    d = c.deduction or 0.0
    if _comparable(t, a) and t.number and a.number is not None:
        r = float(a.number) / float(t.number)
        if r <= 1 + _EPS:
            method = f"业绩值为目标值的 {_pct(r)}，在 0—100% 内，得满分 {_w(w)}"
            return ScoreExpectation(_clean(w), method, True)
        y = _clean(max(w - (r - 1) * 100 * d * w, 0.0))
        method = f"{_w(w)} − ({_pct(r)} − 100%) × {_pct(d)} × 100 × {_w(w)} = {y:.2f}"
        return ScoreExpectation(y, method, False)
    if res.met:
        return ScoreExpectation(_clean(w), res.method, True)
    return ScoreExpectation(None, res.method, res.met, 0.0, w)


_SCORERS = {
    "ratio": _score_ratio,
    "execution": _score_execution,
    "linear": _score_linear,
    "tiers": _score_tiers,
    "all_or_nothing": _score_all_or_nothing,
    "not_applicable_full": _score_not_applicable,
    "parts": _score_parts,
    "full_if_met": _score_full_if_met,
    "over_target_deduction": _score_over_target,
}


# --------------------------------------------------------------------------- describing


def describe(c: Criterion) -> str:
    """One Chinese line saying how the rule scores, for reports."""
    k = c.kind
    if k == "ratio":
        return "完成比例：权重 × min(业绩值/目标值, 1)"
    if k == "execution":
        return f"{c.name or '执行率'}：权重 × {c.name or '执行率'}"
    if k == "linear":
        pc = c.percent
        th = _nt(c.threshold, pc) if c.threshold is not None else "?"
        if c.step is not None:
            s = _pct(c.step)
        elif c.step_words is not None and c.step_formula is not None:
            s = f"{_pct(c.step_words)}（公式为 {_pct(c.step_formula)}）"
        else:
            s = "?"
        unit = "1%" if pc else "1"
        fl = f"，低于 {_nt(c.floor, pc)} 不得分" if c.floor is not None else ""
        clash = "（评分标准前后数字不一致）" if c.contradictions else ""
        return f"线性扣分：{th} 及以上得满分，每降低 {unit} 扣权重的 {s}{fl}{clash}"
    if k == "tiers":
        bands = "、".join(
            ("完全达到" if t.upper is None else f"{_pct(t.lower)}—{_pct(t.upper)}")
            + f" {_trim(t.points)} 分"
            for t in c.tiers
        )
        return f"分档：{bands}"
    if k == "all_or_nothing":
        cond = c.condition.text if c.condition is not None else "?"
        return f"全有或全无：业绩值满足“{cond}”得满分，否则 0 分"
    if k == "not_applicable_full":
        return "指标不适用：得满分"
    if k == "parts":
        shares = " + ".join(_pct(p.fraction) for p in c.parts)
        return f"分项累计：权重 × ({shares}) = 权重 × {_pct(c.parts_total)}"
    if k == "full_if_met":
        if c.threshold is not None:
            return f"达到 {_pct(c.threshold)} 得满分"
        lower = "、".join(_pct(p.fraction) for p in c.parts[1:])
        rest = f"，否则 {lower} 或 0 分" if lower else "，否则 0 分"
        return f"达到要求得满分{rest}"
    if k == "over_target_deduction":
        d = _pct(c.deduction) if c.deduction is not None else "?"
        return f"不超过目标值得满分，每高于 1% 扣权重的 {d}"
    return f"未识别的评分标准：{c.why}"
