"""The figures a 部门决算情况说明 quotes, each with what it is about.

A department's final-accounts narrative repeats the tables in sentences::

    2019 年度XX委员会年初结转和结余 391.26 万元，本年收入 17,820.76 万元，……
    基本支出决算 7,103.37 万元，占 41.9%，其中：工资福利支出 5,815.92 万元，……
    一般公共预算财政拨款支出 16,940.76 万元，较年初预算增加 863.76 万元。

:func:`parse_paragraph` finds every number of a paragraph and types it
(:class:`Figure`: an amount, a share, a change, a count, a score or a rate),
gives it its subject (the words before it, without the department's name, the
year or filler words), links a share to the amount it divides, a change to the
figure it changes, and a part listed after ``其中`` to its whole.
:func:`parse_summary` reads a project's 绩效自评综述 (score, 全年预算数, 执行数,
预算执行率).  :func:`read_narrative` walks the paragraphs of a document, keeps
the heading in force (``(一) 收入支出决算总体情况说明`` …) and collects both.

Years and dates (``2019 年度``, ``2020 年 06 月``) and ordinals (``1.``,
``（1）``, ``附件 1``) are not figures.  Every other number is one, even when no
subject can be found for it (its subject is then ``""``).  Pure standard
library: this module runs under Pyodide.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Literal

from budgetlint.grid import CellRef
from budgetlint.text import simplified
from budgetlint.values import parse_number

__all__ = [
    "Figure",
    "FigureKind",
    "Narrative",
    "ProjectSummary",
    "parse_paragraph",
    "parse_summary",
    "read_narrative",
]

FigureKind = Literal["amount", "share", "change", "count", "score", "rate"]


@dataclass(frozen=True)
class Figure:
    """One number a paragraph quotes.

    - ``text``: the figure as written (``17,820.76 万元``); ``span``: its
      (start, end) offsets in the paragraph.
    - ``kind``: ``amount`` (money), ``share`` (``占 41.9%``), ``change``
      (``较上年增加 436.41 万元``, ``降低 6.7%``), ``count`` (``5 人次``, ``9 辆``;
      also a bare number nothing else explains), ``score`` (``98.42 分``,
      ``得分 95``) or ``rate`` (``预算执行率 54.4%``).
    - ``value``: amounts in 元 (万元 × 10000), shares, rates and percent
      changes as fractions, counts and scores as printed; a change's value is
      its magnitude, its sign is ``direction``.
    - ``decimals``: decimals as printed, in the printed ``unit`` (``万元``,
      ``元``, ``%``, ``个``, ``人次``, ``分``; ``""`` for a bare number), in
      half-width and simplified characters (``％`` -> ``%``, ``台（套）`` ->
      ``台(套)``, ``萬元`` -> ``万元``).
    - ``subject``: what the figure is (``本年收入``, ``因公出国（境）费支出``),
      whitespace dropped and traditional characters simplified, brackets and
      quotes as printed (compare with :func:`budgetlint.text.norm` against a
      table label).  A share's and a change's subject is the subject of the
      figure they refer to, whose index is ``of``.
    - ``base``: for a share, what it is a share of (``政府采购支出总额``).
    - ``direction`` (+1 增加 / -1 减少) and ``versus`` (``年初预算``, ``上年``, or
      what the text compares with, ``""`` when it does not say) for a change.
    - ``section``: the heading in force; ``parent``: for a part listed after
      ``其中``, the index of the figure it is a part of; ``ref``: the
      paragraph's cell.

    Indexes (``parent``, ``of``) point into the list the figure came in:
    :func:`parse_paragraph`'s result, or :attr:`Narrative.figures`.
    """

    text: str
    span: tuple[int, int]
    kind: FigureKind
    value: float
    decimals: int
    unit: str
    subject: str = ""
    base: str = ""
    direction: int = 0
    versus: str = ""
    section: str = ""
    parent: int | None = None
    of: int | None = None
    ref: CellRef | None = None


@dataclass(frozen=True)
class ProjectSummary:
    """A project's 绩效自评综述: ``（17）法制学校管理（新）绩效自评综述：……``.

    ``number`` is the printed ordinal (``"17"``), ``name`` the project as
    printed; ``score`` (项目自评得分), ``budget`` (全年预算数), ``executed``
    (执行数) and ``rate`` (预算执行率) are the paragraph's figures, ``None``
    when the paragraph does not state them.
    """

    number: str
    name: str
    score: Figure | None
    budget: Figure | None
    executed: Figure | None
    rate: Figure | None
    ref: CellRef | None
    text: str


@dataclass
class Narrative:
    """A 情况说明's paragraphs, every figure they quote, and the project summaries."""

    paragraphs: list[tuple[CellRef | None, str]] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    summaries: list[ProjectSummary] = field(default_factory=list)


# --------------------------------------------------------------------------- #
# Numbers and what follows them
# --------------------------------------------------------------------------- #

# Full-width ASCII as half-width, one for one (offsets are kept); the full-width
# comma stays, it separates clauses, never digit groups.
_WIDE = str.maketrans(
    {**{chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F) if c != 0xFF0C}, "−": "-"}
)

_NUMBER_RE = re.compile(r"(?<![\d.])(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?![\d])")

# unit -> (kind family, factor to the model's unit)
_AMOUNT_UNITS = {"亿元": 100_000_000, "万元": 10_000, "千元": 1_000, "元": 1, "万": 10_000}
_TRADITIONAL_UNITS = {
    "萬元": "万元",
    "億元": "亿元",
    "萬": "万",
    "個": "个",
    "輛": "辆",
    "項": "项",
}
_PERCENT_UNITS = {"%": 100, "个百分点": 100}
_COUNT_UNITS = (
    "万人次",
    "万人",
    "人次",
    "批次",
    "台(套)",
    "个月",
    "分钟",
    "平方米",
    "公里",
    "个",
    "人",
    "辆",
    "台",
    "套",
    "次",
    "项",
    "家",
    "件",
    "份",
    "场",
    "期",
    "户",
    "名",
    "篇",
    "天",
    "座",
    "处",
    "册",
    "所",
    "起",
    "条",
    "年",
)
_UNITS = sorted(
    [*_AMOUNT_UNITS, *_PERCENT_UNITS, "分", *_COUNT_UNITS, *_TRADITIONAL_UNITS],
    key=len,
    reverse=True,
)
_UNIT_RE = re.compile(r"\s*(" + "|".join(re.escape(u) for u in _UNITS) + ")")

_YEAR_RE = re.compile(r"\s*年\s*(?:度|底|末|初)?")
_MONTH_AFTER_YEAR_RE = re.compile(r"\s*年\s*\d{1,2}\s*月")
_MONTH_RE = re.compile(r"\s*月(?:份)?")
_DAY_RE = re.compile(r"\s*[日号]")
_ORDINAL_AFTER_RE = re.compile(r"\s*[.、](?!\d)")
_ORDINAL_BEFORE = frozenset("：:；;。，,！？!?\n（(")
_REFERENCE_RE = re.compile(r"(?:附件|附表|公开|第|表)\s*$")

_BOUNDARY = frozenset("，,。；;：:！？!?、\n")
_SENTENCE_END = frozenset("。！？!?\n")


@dataclass
class _Token:
    """A number of the paragraph: a date, an ordinal, or a figure to be."""

    start: int
    end: int  # end of the number, or of its unit
    what: str  # 'date', 'ordinal', 'figure'
    num: str = ""
    unit: str = ""


def _tokens(text: str) -> list[_Token]:
    """Every number of ``text``, with its unit; dates and ordinals marked."""
    t = text.translate(_WIDE)
    out: list[_Token] = []
    skip_to = 0
    for m in _NUMBER_RE.finditer(t):
        s, e = m.span()
        if s < skip_to:
            continue
        num = m.group(0)
        after = t[e:]
        before = t[:s]
        bare = "," not in num and "." not in num
        # a number glued to Latin letters is part of a name ('5G', 'COVID-19')
        glued = before[-1:] if before[-1:] != "-" else before[-2:-1]
        if (glued.isascii() and glued.isalpha()) or (after[:1].isascii() and after[:1].isalpha()):
            continue
        if _inside_title(t, s):
            continue
        if bare:
            ym = _YEAR_RE.match(after)
            if ym and (len(num) == 4 or _MONTH_AFTER_YEAR_RE.match(after)):
                out.append(_Token(s, e + ym.end(), "date", num))
                continue
            mm = _MONTH_RE.match(after)
            if mm and len(num) <= 2 and not before.rstrip().endswith("个"):
                out.append(_Token(s, e + mm.end(), "date", num))
                continue
            dm = _DAY_RE.match(after)
            if dm and len(num) <= 2:
                out.append(_Token(s, e + dm.end(), "date", num))
                continue
            prev = before.rstrip()
            if _is_bracketed(t, s, e):
                end = t.index(")" if ")" in t[e : e + 3] else "）", e) + 1
                out.append(_Token(s, end, "ordinal", num))
                continue
            om = _ORDINAL_AFTER_RE.match(after)
            if om and (not prev or prev[-1] in _ORDINAL_BEFORE):
                out.append(_Token(s, e + om.end(), "ordinal", num))
                continue
            if _REFERENCE_RE.search(before):
                out.append(_Token(s, e, "ordinal", num))
                continue
        um = _UNIT_RE.match(after)
        unit = um.group(1) if um else ""
        unit = _TRADITIONAL_UNITS.get(unit, unit)
        end = e + (um.end() if um else 0)
        if s and t[s - 1] == "-" and (s < 2 or not _word_char(t[s - 2])):
            s, num = s - 1, "-" + num  # a negative figure ('-5 万元'), not a range ('0-100%')
        out.append(_Token(s, end, "figure", num, unit))
        skip_to = end
    return out


def _word_char(ch: str) -> bool:
    """A digit or Latin letter: a '-' after it joins, it is no sign."""
    return ch.isdigit() or (ch.isascii() and ch.isalpha())


def _is_bracketed(t: str, s: int, e: int) -> bool:
    """``（1）`` / ``(1)``: an ordinal in brackets."""
    left = t[:s].rstrip(" ")
    right = t[e:].lstrip(" ")
    return bool(left) and left[-1] in "(（" and right[:1] in (")", "）")


def _inside_title(t: str, pos: int) -> bool:
    """Inside 《…》: a document's title, not a figure."""
    opened = t.rfind("《", 0, pos)
    return opened >= 0 and t.rfind("》", 0, pos) < opened and t.find("》", pos) >= 0


# --------------------------------------------------------------------------- #
# Subjects
# --------------------------------------------------------------------------- #

_SELF_RE = re.compile(r"^(?:本部门|本单位|我部门|我单位|本机关|我委|本委)")
_ORG_RE = re.compile(
    r"^[^\s，。；：、\d“”\"]{2,40}(?:委员会|人民政府|办公室|办公厅|管理局|局|厅|中心|研究院|研究所|学院|医院|法院|检察院|协会|联合会|公司)"
)
_LEAD = (
    "其中",
    "另有",
    "共有",
    "共涉及",
    "涉及",
    "共计",
    "合计",
    "总计",
    "本年度",
    "组织对",
    "以上",
    "以下",
    "截至",
    "主要原因是",
    "原因是",
    "主要是",
    "共",
    "而",
    "只",
)
_TRAIL = ("分别为", "共计", "合计", "总计", "达到", "中有", "共", "达", "约", "了", "计")
_VERB_END = ("开展", "进行", "举办", "召开", "完成", "组织", "发放", "培训")
_FILLER_ONLY = frozenset({"共计", "合计", "总计", "共", "共有", "累计"})
_PUNCT_STRIP = "，,。；;：:、-~ \t\n"

_DIRECTION = {
    "增加": 1,
    "增长": 1,
    "上升": 1,
    "提高": 1,
    "超支": 1,
    "减少": -1,
    "下降": -1,
    "降低": -1,
    "节约": -1,
    "节省": -1,
    "压减": -1,
}
_CHANGE_RE = re.compile(
    r"(?:(?:较|比)\s*(?P<vs>[^，,。；;：:、\d]*?)\s*)?(?P<dir>"
    + "|".join(_DIRECTION)
    + r")(?:了)?\s*$"
)
_SHARE_RE = re.compile(r"占\s*(?P<base>[^，,。；;：:、]*?)\s*(?:的)?\s*(?:比重|比例)?(?:为)?\s*$")
_DIVIDED_RE = re.compile(r"按[^，,。；;：:]{0,10}划分")
_SCORE_WORDS = ("得分", "评分", "分值", "分数")
_FOLLOW_STOP = re.compile(
    r"[，,。；;：:、！？!?\s\d（()）]|于|开展|进行|为|是|已|将|的|共|和|与|及"
)


def _versus(raw: str) -> str:
    vs = re.sub(r"\s+", "", raw)
    if "上年" in vs or "去年" in vs:
        return "上年"
    if "预算" in vs:
        return "年初预算"
    return simplified(vs.removesuffix("数"))


def _clean(raw: str, *, after_year: bool, entity: str) -> str:
    """The subject words of ``raw``: no department name, no filler, no spaces."""
    s = simplified(re.sub(r"\s+", "", raw)).strip(_PUNCT_STRIP)
    if entity and s.startswith(entity) and len(s) > len(entity):
        s = s[len(entity) :]
    m = _SELF_RE.match(s)
    if m and m.end() < len(s):
        s = s[m.end() :]
    if after_year:
        m = _ORG_RE.match(s)
        if m and m.end() < len(s):
            s = s[m.end() :]
    changed = True
    while changed and s:
        changed = False
        for w in _LEAD:
            if s.startswith(w):
                s, changed = s[len(w) :], True
                break
        for w in _TRAIL:
            if s.endswith(w) and len(s) > len(w):
                s, changed = s[: -len(w)], True
                break
        if s.endswith("为") and len(s) > 1 and not s.endswith(("行为", "作为")):
            s, changed = s[:-1], True
        stripped = s.strip(_PUNCT_STRIP)
        if stripped != s:
            s, changed = stripped, True
    return s


def _following_noun(text: str, pos: int) -> str:
    """The noun right after a count (``1 个项目于…`` -> 项目)."""
    tail = text[pos:]
    m = _FOLLOW_STOP.search(tail)
    noun = tail[: m.start()] if m else tail
    return simplified(noun) if len(noun) <= 20 else ""


# --------------------------------------------------------------------------- #
# Paragraphs
# --------------------------------------------------------------------------- #


def _sentence_bounds(text: str) -> list[tuple[int, int]]:
    bounds: list[tuple[int, int]] = []
    start = 0
    for i, ch in enumerate(text):
        if ch in _SENTENCE_END:
            bounds.append((start, i + 1))
            start = i + 1
    if start < len(text) or not bounds:
        bounds.append((start, len(text)))
    return bounds


def _sentence_index(bounds: list[tuple[int, int]], pos: int) -> int:
    for i, (s, e) in enumerate(bounds):
        if s <= pos < e:
            return i
    return len(bounds) - 1


def _value(num: str, unit: str) -> tuple[float, int]:
    n = parse_number(num)
    decimals = n.decimals if n is not None else 0
    d = Decimal(num.replace(",", ""))
    if unit in _AMOUNT_UNITS:
        d *= _AMOUNT_UNITS[unit]
    elif unit in _PERCENT_UNITS:
        d /= _PERCENT_UNITS[unit]
    elif unit.startswith("万"):
        d *= 10_000
    return float(d), decimals


def _family(f: Figure) -> str:
    if f.kind == "amount":
        return "amount"
    if f.kind == "count":
        return "count:" + f.unit
    return ""


def parse_paragraph(text: str, section: str = "", *, entity: str = "") -> list[Figure]:
    """Every figure ``text`` quotes, in order.

    ``section`` is copied to each figure.  ``entity`` is the department's name,
    dropped from subjects where it starts them (``XX委员会年初结转和结余``); a
    name ending in 委员会, 局, 中心 … right after a year is dropped without it.
    """
    tokens = _tokens(text)
    bounds = _sentence_bounds(text)
    entity = simplified(re.sub(r"\s+", "", entity))
    figures: list[Figure] = []
    boundary_of: list[str] = []  # the separator before each figure's clause
    named_changes: list[int] = []  # changes that name what they change
    floor = 0
    after_year = False
    para_base: list[tuple[int, str]] = []  # (position, base) of 'X按用途划分'
    for m in _DIVIDED_RE.finditer(text):
        rs, _ = _region(text, m.start(), _floor_before(tokens, m.start()))
        prior = [t for t in tokens if t.end <= m.start() and t.end > rs]
        base = _clean(
            text[rs : m.start()], after_year=bool(prior and prior[-1].what == "date"), entity=entity
        )
        if base:
            para_base.append((m.start(), base))

    for tok in tokens:
        if tok.what != "figure":
            floor = tok.end
            after_year = tok.what == "date" and len(tok.num) == 4
            continue
        rstart, sep = _region(text, tok.start, floor)
        raw = text[rstart : tok.start]
        glued = rstart == floor and floor > 0 and not raw.strip() and bool(figures)
        right_after_year = after_year and rstart == floor
        after_year = False
        floor = tok.end
        value, decimals = _value(tok.num, tok.unit)
        unit = tok.unit
        printed = text[tok.start : tok.end]
        kind: FigureKind
        subject = ""
        base = ""
        direction = 0
        versus = ""
        of: int | None = None
        sentence = _sentence_index(bounds, tok.start)

        share = _SHARE_RE.search(raw) if unit in _PERCENT_UNITS else None
        change = _CHANGE_RE.search(raw)
        if share is not None:
            kind = "share"
            base = _clean(share.group("base"), after_year=False, entity=entity)
            of = _last(figures, lambda f: f.kind == "amount")
            if of is not None:
                subject = figures[of].subject
            else:
                subject = _clean(raw[: share.start()], after_year=right_after_year, entity=entity)
            if not base:
                bases = [b for p, b in para_base if p < tok.start]
                if bases:
                    base = bases[-1]
                elif of is not None and figures[of].parent is not None:
                    base = figures[figures[of].parent].subject
        elif change is not None:
            kind = "change"
            direction = _DIRECTION[change.group("dir")]
            vs = change.group("vs")
            if vs is not None:
                versus = _versus(vs)
            else:
                earlier = _last(
                    figures,
                    lambda f, s=sentence: (
                        f.kind == "change" and _sentence_index(bounds, f.span[0]) == s
                    ),
                )
                versus = figures[earlier].versus if earlier is not None else ""
            subject = _clean(raw[: change.start()], after_year=right_after_year, entity=entity)
            if subject:  # '收入较上年增加': found once the parts are linked
                named_changes.append(len(figures))
            else:
                of = _changed(figures, subject, unit, bounds, sentence)
            if of is not None and not subject:
                subject = figures[of].subject
        else:
            subject = _clean(raw, after_year=right_after_year, entity=entity)
            if unit in _AMOUNT_UNITS:
                kind = "amount"
            elif unit in _PERCENT_UNITS:
                kind = "rate"
            elif unit == "分" or (not unit and subject.endswith(_SCORE_WORDS)):
                kind = "score"
            else:
                kind = "count"
            if (
                kind == "count"
                and unit
                and (not subject or raw.rstrip().endswith("等") or subject.endswith(_VERB_END))
            ):
                noun = _following_noun(text, tok.end)
                if noun:
                    subject = noun
                elif subject.endswith("等"):
                    subject = subject[:-1]
            compact = re.sub(r"\s+", "", raw).strip(_PUNCT_STRIP)
            if (not subject or compact in _FILLER_ONLY) and (glued or compact in _FILLER_ONLY):
                prev = _last(
                    figures,
                    lambda f, s=sentence: (
                        f.kind in ("amount", "count") and _sentence_index(bounds, f.span[0]) == s
                    ),
                )
                if prev is not None:
                    subject = figures[prev].subject
        figures.append(
            Figure(
                text=printed,
                span=(tok.start, tok.end),
                kind=kind,
                value=value,
                decimals=decimals,
                unit=unit,
                subject=subject,
                base=base,
                direction=direction,
                versus=versus,
                section=section,
                of=of,
            )
        )
        boundary_of.append(sep)
    linked = _link_parts(text, figures, boundary_of, bounds)
    for i in named_changes:
        f = linked[i]
        of = _changed(linked[:i], f.subject, f.unit, bounds, _sentence_index(bounds, f.span[0]))
        linked[i] = replace(f, of=of)
    return linked


def _floor_before(tokens: list[_Token], pos: int) -> int:
    ends = [t.end for t in tokens if t.end <= pos]
    return max(ends) if ends else 0


def _region(text: str, pos: int, floor: int) -> tuple[int, str]:
    """Start of the words before ``pos`` that can name it, and the separator before them.

    The words start after the nearest separator (``，；：、。``) or the previous
    number, whichever is later.  A stray ``、`` right before the number
    (``全年预算数、29.38 万元``) does not end them.
    """
    i = pos
    while i > floor and text[i - 1] not in _BOUNDARY:
        i -= 1
    if i > floor and text[i - 1] == "、" and not text[i:pos].strip():
        j = i - 1
        while j > floor and text[j - 1] not in _BOUNDARY:
            j -= 1
        if text[j : i - 1].strip():
            return j, text[j - 1] if j > 0 else ""
    return i, text[i - 1] if i > 0 and i > floor else ""


def _last(figures: list[Figure], test: Callable[[Figure], bool]) -> int | None:
    """Index of the last figure that passes ``test``."""
    for i in range(len(figures) - 1, -1, -1):
        if test(figures[i]):
            return i
    return None


def _changed(
    figures: list[Figure], subject: str, unit: str, bounds: list[tuple[int, int]], sentence: int
) -> int | None:
    """The figure a change refers to."""
    if unit in _PERCENT_UNITS:
        prev = _last(
            figures,
            lambda f, s=sentence: f.kind == "change" and _sentence_index(bounds, f.span[0]) == s,
        )
        if prev is not None and not subject:
            return figures[prev].of
    if unit in _PERCENT_UNITS:  # a relative change: of an amount, or of a rate in points

        def fits(f: Figure) -> bool:
            return f.kind in ("amount", "rate")
    else:
        family = "amount" if unit in _AMOUNT_UNITS else "count:" + unit

        def fits(f: Figure) -> bool:
            return _family(f) == family

    if subject:
        for i in range(len(figures) - 1, -1, -1):
            f = figures[i]
            if fits(f) and f.parent is None and f.subject.endswith(subject):
                return i
        return None
    return _last(figures, fits)


def _link_parts(
    text: str, figures: list[Figure], seps: list[str], bounds: list[tuple[int, int]]
) -> list[Figure]:
    """Give each part listed after ``其中`` the index of its whole."""
    markers = [m.start() for m in re.finditer("其中", text)]
    if not markers:
        return figures
    scopes: list[tuple[int, int, int]] = []  # (marker, scope end, candidates from)
    for q in markers:
        si = _sentence_index(bounds, q)
        s_start, s_end = bounds[si]
        end = s_end
        for i, f in enumerate(figures):
            if f.span[0] <= q or f.span[0] >= end or not _family(f):
                continue
            if seps[i] in ("；", ";"):
                stop = len(text)
                for ch in "；;。！？!?":
                    k = text.find(ch, f.span[1])
                    if k >= 0:
                        stop = min(stop, k)
                if "其中" in text[f.span[1] : stop]:
                    end = f.span[0]
                    break
        lo = s_start
        if not text[s_start:q].strip(_PUNCT_STRIP) and si > 0:
            lo = bounds[si - 1][0]
        scopes.append((q, end, lo))
    out = list(figures)
    for i, f in enumerate(figures):
        fam = _family(f)
        if not fam:
            continue
        active = [s for s in scopes if s[0] < f.span[0] < s[1]]
        if not active:
            continue
        q, _, lo = max(active)
        for j in range(i - 1, -1, -1):
            g = figures[j]
            if g.span[0] < lo:
                break
            if g.span[1] <= q and _family(g) == fam:
                out[i] = replace(f, parent=j)
                break
    return out


# --------------------------------------------------------------------------- #
# Project summaries and documents
# --------------------------------------------------------------------------- #

_SUMMARY_RE = re.compile(
    r"^\s*[（(]\s*(?P<number>\d+)\s*[)）]\s*(?P<name>.+?)\s*绩\s*效\s*自\s*评\s*综\s*述"
)
_HEADING_RE = re.compile(
    r"^\s*(?:[（(]\s*[一二三四五六七八九十]+\s*[)）]|[一二三四五六七八九十]+\s*、)"
)


def _summary(text: str, figures: Sequence[Figure], ref: CellRef | None) -> ProjectSummary | None:
    m = _SUMMARY_RE.match(text)
    if m is None:
        return None

    def pick(test: Callable[[Figure], bool]) -> Figure | None:
        for f in figures:
            if test(f):
                return f
        return None

    return ProjectSummary(
        number=m.group("number"),
        name=m.group("name").strip(),
        score=pick(lambda f: f.kind == "score"),
        budget=pick(lambda f: f.kind == "amount" and "预算数" in f.subject),
        executed=pick(lambda f: f.kind == "amount" and f.subject.endswith("执行数")),
        rate=pick(lambda f: f.kind == "rate" and "执行率" in f.subject),
        ref=ref,
        text=text,
    )


def parse_summary(text: str) -> ProjectSummary | None:
    """A ``（n）项目名绩效自评综述：……`` paragraph; ``None`` for any other."""
    if _SUMMARY_RE.match(text) is None:
        return None
    return _summary(text, parse_paragraph(text), None)


def _is_heading(text: str) -> bool:
    t = text.strip()
    return bool(_HEADING_RE.match(t)) and len(t) <= 60 and "。" not in t.rstrip("。")


def read_narrative(
    paragraphs: Sequence[tuple[CellRef | None, str]], *, entity: str = ""
) -> Narrative:
    """Every figure and project summary of a document's paragraphs, in order.

    A heading (``(一) 收入支出决算总体情况说明``, ``三、…情况说明``) sets the
    section of the figures after it.  ``entity``: see :func:`parse_paragraph`.
    """
    narrative = Narrative(paragraphs=[(ref, text) for ref, text in paragraphs])
    section = ""
    for ref, text in narrative.paragraphs:
        if _is_heading(text):
            section = text.strip()
        offset = len(narrative.figures)
        own = []
        for f in parse_paragraph(text, section, entity=entity):
            own.append(
                replace(
                    f,
                    ref=ref,
                    parent=None if f.parent is None else f.parent + offset,
                    of=None if f.of is None else f.of + offset,
                )
            )
        narrative.figures.extend(own)
        summary = _summary(text, own, ref)
        if summary is not None:
            narrative.summaries.append(summary)
    return narrative
