"""The value grammar of indicator targets and actuals, and number cells.

Targets (``年度指标值``, ``目标值``) and actuals (``实际完成值``, ``业绩值``) are short
texts that a department types freely: ``30 期``, ``≥90%``, ``<98.7 万元``,
``≥60&&≤100``, ``2019年12月31日前``, ``及时``, ``无``.  :func:`parse_value`
turns one into a typed :class:`Value`; :func:`meets` decides whether an actual
satisfies a target; :func:`format_value` prints a value canonically.

:func:`parse_number` reads the cells of amounts, rates, weights and scores
(``17,820.76``, ``1 016 500``, ``98.00%``, ``96.92 万元``, ``10分``).

Only a text that is, after normalisation, exactly ``[comparator][number][unit]``
(or a range, date, keyword) is typed; a number inside a longer sentence stays
free text.  Pure standard library: this module runs under Pyodide.
"""

from __future__ import annotations

import calendar
import datetime
import math
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import Literal

__all__ = [
    "Kind",
    "Number",
    "Value",
    "format_value",
    "meets",
    "normalize_text",
    "parse_number",
    "parse_value",
]


class Kind(str, Enum):  # noqa: UP042  (the shared API spells it this way)
    """What a target or actual text is."""

    EMPTY = "empty"  # blank or a not-applicable mark: '', '—', '-', '/'
    NUMBER = "number"  # bare number: '280', '≥60'
    QUANTITY = "quantity"  # number with a unit: '30 期', '约120人'
    PERCENT = "percent"  # '≥90%', '98.00%', '≥100百分比'
    AMOUNT = "amount"  # money, in 元: '<98.7 万元', '999493 元', '≤1.5万'
    RANGE = "range"  # '≥60&&≤100'
    DATE = "date"  # '2021年12月', '2019年12月31日前'
    QUALITATIVE = "qualitative"  # '及时', '提高', '足额到位'
    ACHIEVEMENT = "achievement"  # '达成预期指标', '部分达成预期指标', '未达成预期指标'
    NONE = "none"  # no target: '无', '不适用', a bare '0' target
    TEXT = "text"  # anything else, kept verbatim


_NUMERIC_KINDS = frozenset({Kind.NUMBER, Kind.QUANTITY, Kind.PERCENT, Kind.AMOUNT})


@dataclass(frozen=True)
class Value:
    """A parsed target or actual.

    ``number`` is scaled to the model's units: a fraction for a percentage
    (``90%`` -> 0.9), 元 for an amount (``98.7 万元`` -> 987000.0), the plain count
    for a quantity (``1.5万人次`` -> 15000.0).  ``decimals`` counts the decimals of
    the number *as printed* (``96.92 万元`` -> 2).  ``printed_unit`` keeps the
    unit as written (``万元``, ``万``, ``百分比``, ``万人次``) so the value can be
    printed back the way the form wrote it; it takes no part in equality.
    """

    kind: Kind
    text: str
    op: str | None = None
    number: float | None = None
    unit: str = ""
    upper: float | None = None
    upper_op: str | None = None
    date: datetime.date | None = None
    date_precision: str | None = None
    deadline: bool = False
    word: str | None = None
    decimals: int | None = None
    printed_unit: str = field(default="", compare=False)

    @property
    def is_numeric(self) -> bool:
        return self.kind in _NUMERIC_KINDS

    @property
    def is_lower_bound(self) -> bool:
        return self.op in (">=", ">")

    @property
    def is_upper_bound(self) -> bool:
        return self.op in ("<=", "<")

    @property
    def is_strict(self) -> bool:
        return self.op in (">", "<")


@dataclass(frozen=True)
class Number:
    """A number read from an amount, rate, weight or score cell.

    ``value`` is divided by 100 when ``percent`` is true, but *not* converted
    for ``万元`` (see :attr:`yuan`).  ``decimals`` counts the printed decimals.
    """

    value: float
    decimals: int
    percent: bool = False
    unit: str = ""  # '', '元', '万元', '分'
    as_text: bool = False

    @property
    def yuan(self) -> float:
        """The value in 元 (×10000 when the unit is 万元)."""
        if self.unit == "万元":
            return _scaled(self.value, 10000)
        return self.value


# --------------------------------------------------------------------------- #
# Normalisation
# --------------------------------------------------------------------------- #

_CHAR_MAP: dict[int, str] = {c: chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)}
_CHAR_MAP.update(
    {
        0x3000: " ",  # ideographic space
        0x00A0: " ",  # no-break space
        0x202F: " ",
        0x205F: " ",
        0x200B: "",  # zero-width space / joiners / BOM
        0x200C: "",
        0x200D: "",
        0xFEFF: "",
        0xFE66: "=",  # ﹦
        0x2550: "=",  # ═
        0xFE64: "<",  # ﹤
        0xFE65: ">",  # ﹥
        0x2267: "≥",  # ≧
        0x2266: "≤",  # ≦
        0x2A7E: "≥",  # ⩾
        0x2A7D: "≤",  # ⩽
        0x2212: "-",  # minus sign
        0x301C: "~",  # wave dash
        0xFFE5: "¥",  # full-width yen sign
    }
)
_CHAR_MAP.update({c: " " for c in range(0x2000, 0x200B)})  # en/em/thin spaces

_GE_RE = re.compile(r">\s*=")
_LE_RE = re.compile(r"<\s*=")


def normalize_text(s: str) -> str:
    """Normalise a cell text for parsing.

    Full-width ASCII (U+FF01–U+FF5E: digits, letters, ``%``, brackets, colon,
    comparators, ``&``, comma, point) becomes half-width; ``﹦ ═ ＝`` become
    ``=``; ``≧``/``>=`` become ``≥`` and ``≦``/``<=`` become ``≤``; no-break and
    ideographic spaces become plain spaces; the result is stripped.  Chinese
    characters and CJK punctuation (``，`` excepted, being full-width ASCII) are
    kept as they are.
    """
    t = s.translate(_CHAR_MAP)
    t = _GE_RE.sub("≥", t)
    t = _LE_RE.sub("≤", t)
    return t.strip()


_SPACE_RUN = re.compile(r"\s+")
_LONE_SPACE = re.compile(r" (?!\d)|(?<!\d) ")


def _squeeze(s: str) -> str:
    """Drop whitespace, except a single space between two digits (digit grouping)."""
    return _LONE_SPACE.sub("", _SPACE_RUN.sub(" ", s))


_TRIVIAL_TAIL = "。.．；;，,、!！\"'“”‘’"
_TRIVIAL_HEAD = "\"'“”‘’"


def _trim(s: str) -> str:
    """Remove trivial punctuation around a short value (``及时。``)."""
    return s.rstrip(_TRIVIAL_TAIL).lstrip(_TRIVIAL_HEAD)


# --------------------------------------------------------------------------- #
# Numbers
# --------------------------------------------------------------------------- #

_NUM = r"(?:\d{1,3}(?:,\d{3})+|\d{1,3}(?: \d{3})+|\d+)(?:\.\d+)?|\.\d+"
_NUM_RE = re.compile(rf"[+-]?(?:{_NUM})")
_NUMBER_CELL_RE = re.compile(rf"(?P<sign>[+-]?)(?P<num>{_NUM})(?P<unit>%|元|万元|万|分)?")

_EMPTY_MARKS = "—-–―─/\\"  # a cell of only these is blank (—, --, /)


def _is_empty_mark(compact: str) -> bool:
    return not compact.strip(_EMPTY_MARKS)


def _decimal(num: str) -> Decimal:
    return Decimal(num.replace(",", "").replace(" ", ""))


def _printed_decimals(num: str) -> int:
    return len(num.split(".", 1)[1]) if "." in num else 0


def _scaled(x: float, factor: int, divide: bool = False) -> float:
    """``x`` times (or divided by) a power of ten, without binary noise."""
    d = Decimal(repr(float(x)))
    return float(d / factor if divide else d * factor)


def _float_decimals(x: float) -> int:
    """Decimals of a float cell as stored (9.8 -> 1, 10.0 -> 0), at most 6."""
    if float(x).is_integer():
        return 0
    r = repr(float(x))
    if "e" not in r and "n" not in r:  # 16940.76: the digits after the point (no Decimal)
        return min(len(r) - r.index(".") - 1, 6)
    exp = Decimal(r).as_tuple().exponent
    return min(-exp, 6) if isinstance(exp, int) and exp < 0 else 0


def _finite_float(x: float | int) -> float | None:
    """``x`` as a finite float; None for ±inf, NaN or an int beyond any float (10**400)."""
    try:
        f = float(x)
    except OverflowError:
        return None
    return f if math.isfinite(f) else None


def _plain(x: float | int) -> str:
    """A number without exponent or trailing '.0' (280.0 -> '280', 1e-05 -> '0.00001')."""
    if isinstance(x, int):
        return str(x)
    if x.is_integer():
        return str(int(x))
    return format(Decimal(repr(x)), "f")


def parse_number(raw: object) -> Number | None:
    """Read an amount, rate, weight or score cell; ``None`` when blank or not a number.

    Accepts int/float cells and texts such as ``17,820.76``, ``1 016 500``,
    ``0.98``, ``98%``, ``98.00%``, ``９８．５％``, ``96.92 万元`` / ``96.92万``
    (unit ``万元``), ``1000元``, ``¥1,000``, ``10分``.
    """
    if raw is None or isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        x = _finite_float(raw)
        return Number(x, 0) if x is not None else None  # 10**400 is no amount
    if isinstance(raw, float):
        if not math.isfinite(raw):
            return None
        return Number(raw, _float_decimals(raw))
    if not isinstance(raw, str):
        return None
    s = _squeeze(normalize_text(raw))
    if s.startswith("¥"):
        s = s[1:]
    if _is_empty_mark(s):
        return None
    m = _NUMBER_CELL_RE.fullmatch(s)
    if m is None:
        return None
    num = m.group("num")
    try:
        d = _decimal(num)
    except InvalidOperation:  # pragma: no cover - the regex admits only digits
        return None
    if m.group("sign") == "-":
        d = -d
    if not math.isfinite(float(d)):
        return None  # '9' × 400 digits: beyond any float, no amount
    decimals = _printed_decimals(num)
    unit = m.group("unit") or ""
    if unit == "%":
        return Number(float(d / 100), decimals, percent=True, as_text=True)
    if unit == "万":
        unit = "万元"
    return Number(float(d), decimals, unit=unit, as_text=True)


# --------------------------------------------------------------------------- #
# Value grammar
# --------------------------------------------------------------------------- #

# Longest first: '不超过' must be tried before '超过'.
_PREFIX_OPS: tuple[tuple[str, str], ...] = (
    ("大于或等于", ">="),
    ("小于或等于", "<="),
    ("大于等于", ">="),
    ("小于等于", "<="),
    ("不低于", ">="),
    ("不少于", ">="),
    ("不小于", ">="),
    ("不超过", "<="),
    ("不高于", "<="),
    ("不大于", "<="),
    ("不多于", "<="),
    ("至少", ">="),
    ("最多", "<="),
    ("小于", "<"),
    ("低于", "<"),
    ("少于", "<"),
    ("大于", ">"),
    ("高于", ">"),
    ("超过", ">"),
    ("多于", ">"),
    ("等于", "="),
    ("约为", "~"),
    ("大约", "~"),
    ("约", "~"),
    ("≈", "~"),
    ("~", "~"),
    ("≥", ">="),
    ("≤", "<="),
    (">", ">"),
    ("<", "<"),
    ("=", "="),
)
_SUFFIX_OPS: tuple[tuple[str, str], ...] = (
    ("及以上", ">="),
    ("以上", ">="),
    ("及以下", "<="),
    ("以下", "<="),
    ("以内", "<="),
    ("之内", "<="),
    ("内", "<="),
    ("左右", "~"),
)
_OP_TEXT = {">=": "≥", "<=": "≤", ">": ">", "<": "<", "=": "=", "~": "约"}

# A unit: a few characters, none of them a digit, comparator or punctuation.
_UNIT_RE = re.compile(r"[^\d\s<>=≥≤~&*?%‰(),.:;，。；：、!！\"'“”‘’\[\]【】{}前]{1,8}")

_AMOUNT_UNITS: dict[str, int] = {
    "元": 1,
    "万元": 10_000,
    "万": 10_000,
    "千元": 1_000,
    "亿元": 100_000_000,
    "亿": 100_000_000,
}
_PERCENT_UNITS: dict[str, int] = {"%": 100, "百分比": 100, "‰": 1000}


@dataclass(frozen=True)
class _Num:
    """One ``[op][number][unit]`` term before it becomes a :class:`Value`."""

    op: str | None
    num: str  # the digits as printed (separators kept)
    value: Decimal  # signed, unscaled
    unit: str  # as printed ('' when none)


def _take_prefix_op(s: str) -> tuple[str | None, str]:
    for word, op in _PREFIX_OPS:
        if s.startswith(word):
            return op, s[len(word) :]
    return None, s


def _take_suffix_op(s: str) -> tuple[str | None, str]:
    for word, op in _SUFFIX_OPS:
        if s.endswith(word):
            return op, s[: -len(word)]
    return None, s


def _parse_term(s: str) -> _Num | None:
    """``[comparator][number][unit][comparator suffix]`` or ``None``."""
    op, rest = _take_prefix_op(s)
    m = _NUM_RE.match(rest)
    if m is None:
        return None
    signed = m.group(0)
    num = signed.lstrip("+-")
    tail = rest[m.end() :]
    suffix_op, tail = _take_suffix_op(tail)
    if suffix_op is not None:
        if op is None:
            op = suffix_op
        elif op != suffix_op:
            return None
        if _take_suffix_op(tail)[0] is not None:
            return None  # '0以上以上': a comparator word is never a unit
    if tail and tail not in _PERCENT_UNITS and not _UNIT_RE.fullmatch(tail):
        return None
    value = _decimal(num)
    if signed.startswith("-"):
        value = -value
    return _Num(op, num, value, tail)


def _unit_scale(unit: str) -> tuple[Kind, str, Decimal, bool]:
    """(kind, model unit, factor, divide) for a printed unit."""
    if unit == "":
        return Kind.NUMBER, "", Decimal(1), False
    if unit in _PERCENT_UNITS:
        return Kind.PERCENT, "%", Decimal(_PERCENT_UNITS[unit]), True
    if unit in _AMOUNT_UNITS:
        return Kind.AMOUNT, "元", Decimal(_AMOUNT_UNITS[unit]), False
    if unit[0] in "万亿" and len(unit) > 1:
        factor = 10_000 if unit[0] == "万" else 100_000_000
        return Kind.QUANTITY, unit[1:], Decimal(factor), False
    return Kind.QUANTITY, unit, Decimal(1), False


def _apply_unit(value: Decimal, unit: str) -> tuple[Kind, str, float]:
    kind, model_unit, factor, divide = _unit_scale(unit)
    scaled = value / factor if divide else value * factor
    return kind, model_unit, float(scaled)


_RANGE_SEPARATORS: tuple[str, ...] = ("&&", "&", "且", ",", "，", "、", "至", "到", "~")
_PLAIN_RANGE_SEPARATORS = frozenset({"&&", "至", "到", "~"})


def _parse_range(s: str, text: str) -> Value | None:
    for sep in _RANGE_SEPARATORS:
        i = s.find(sep, 1)
        if i <= 0:
            continue
        left, right = _parse_term(s[:i]), _parse_term(s[i + len(sep) :])
        if left is None or right is None:
            continue
        if left.op in ("~", "=") or right.op in ("~", "="):
            return None
        if left.op is None and right.op is None and sep not in _PLAIN_RANGE_SEPARATORS:
            return None
        lo, hi = left, right
        if lo.op in ("<=", "<") or hi.op in (">=", ">"):
            lo, hi = hi, lo
        lo_op = lo.op or ">="
        hi_op = hi.op or "<="
        if lo_op not in (">=", ">") or hi_op not in ("<=", "<"):
            return None
        # A unit written on one side applies to both ('60-100人', '1至2万元').
        lo_unit = lo.unit or hi.unit
        hi_unit = hi.unit or lo.unit
        lo_kind, lo_model, lo_val = _apply_unit(lo.value, lo_unit)
        hi_kind, hi_model, hi_val = _apply_unit(hi.value, hi_unit)
        if lo_kind != hi_kind or lo_model != hi_model:
            return None
        return Value(
            kind=Kind.RANGE,
            text=text,
            op=lo_op,
            number=lo_val,
            unit=lo_model,
            upper=hi_val,
            upper_op=hi_op,
            decimals=max(_printed_decimals(lo.num), _printed_decimals(hi.num)),
            printed_unit=right.unit or left.unit,
        )
    return None


_DATE_RES: tuple[re.Pattern[str], ...] = (
    re.compile(r"(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})[日号]"),
    re.compile(r"(?P<y>\d{4})年(?P<m>\d{1,2})月(?:份)?(?P<end>底|末)?"),
    re.compile(r"(?P<y>\d{4})年(?:度)?(?P<end>底|末)?"),
    re.compile(r"(?P<y>(?:19|20)\d{2})(?P<sep>[-./])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})(?:日)?"),
    re.compile(r"(?P<y>(?:19|20)\d{2})(?P<sep>[-./])(?P<m>\d{1,2})(?:月)?"),
)
_DATE_SUFFIX_RE = re.compile(r"(?P<dl>之前|以前|前)?(?:完成)?")


def _parse_date(s: str, text: str) -> Value | None:
    core = s
    for prefix in ("在", "于"):
        if core.startswith(prefix):
            core = core[len(prefix) :]
            break
    for pattern in _DATE_RES:
        m = pattern.match(core)
        if m is None:
            continue
        tail = _DATE_SUFFIX_RE.fullmatch(core[m.end() :])
        if tail is None:
            continue
        groups = m.groupdict()
        year = int(groups["y"])
        if not 1900 <= year <= 2199:
            return None
        try:
            if groups.get("d"):
                month, day = int(groups["m"]), int(groups["d"])
                date = datetime.date(year, month, day)
                precision = "day"
            elif groups.get("m"):
                month = int(groups["m"])
                if not 1 <= month <= 12:
                    return None
                date = datetime.date(year, month, calendar.monthrange(year, month)[1])
                precision = "month"
            else:
                date = datetime.date(year, 12, 31)
                precision = "year"
        except ValueError:
            return None
        return Value(
            kind=Kind.DATE,
            text=text,
            date=date,
            date_precision=precision,
            deadline=tail.group("dl") is not None,
        )
    return None


_NONE_WORDS = frozenset({"无", "不适用", "不涉及", "无目标", "无此项", "n/a", "na"})

_ACHIEVEMENT_RE = re.compile(
    r"(?P<neg>未|部分|全部|完全|已)?(?:达成|达到)(?:了)?(?:预期|既定|年度)?(?:绩效)?(?:指标|目标)?(?:值)?"
)

# Words that state a result was reached or not (as an actual).
_DONE_WORDS = frozenset(
    {"完成", "已完成", "全部完成", "按时完成", "达标", "已达标", "实现", "已实现", "落实", "已落实"}
)
_NOT_DONE_WORDS = frozenset(
    {
        "未完成",
        "未按时完成",
        "不及时",
        "未达标",
        "不达标",
        "不合格",
        "未到位",
        "未落实",
        "未实现",
        "不合规",
        "延期",
        "滞后",
        "无效",
    }
)
_QUALITATIVE_WORDS = frozenset(
    {
        "及时",
        "按时",
        "准时",
        "提高",
        "提升",
        "健全",
        "有效",
        "合理",
        "合规",
        "合法合规",
        "完备",
        "完善",
        "可控",
        "正常",
        "保障",
        "足额到位",
        "到位",
        "减少",
        "降低",
        "下降",
        "良好",
        "较好",
        "优秀",
        "合格",
        "规范",
        "显著",
        "明显",
        "稳定",
        "安全",
        "准确",
        "满意",
        "增加",
        "增强",
        "改善",
        "有所提高",
        "有所提升",
        "明显提升",
        "显著提升",
        "逐步提高",
        "持续",
        "长期",
        "全覆盖",
        "符合要求",
        "达到要求",
    }
    | _DONE_WORDS
    | _NOT_DONE_WORDS
)

# Words that say the same thing, for meets().
_SYNONYMS: tuple[frozenset[str], ...] = (
    frozenset({"及时", "按时", "准时", "按时完成"}),
    frozenset(
        {
            "提高",
            "提升",
            "增强",
            "改善",
            "增加",
            "有所提高",
            "有所提升",
            "明显提升",
            "显著提升",
            "逐步提高",
        }
    ),
    frozenset({"健全", "完善", "完备"}),
    frozenset({"合规", "规范", "合法合规", "符合要求"}),
    frozenset({"良好", "较好", "优秀"}),
    frozenset({"减少", "降低", "下降"}),
    frozenset({"足额到位", "到位"}),
    frozenset({"显著", "明显"}),
    frozenset(_DONE_WORDS),
)


def _number_value(text: str, term: _Num) -> Value:
    kind, model_unit, number = _apply_unit(term.value, term.unit)
    return Value(
        kind=kind,
        text=text,
        op=term.op,
        number=number,
        unit=model_unit,
        decimals=_printed_decimals(term.num),
        printed_unit=term.unit,
    )


def parse_value(raw: object, *, role: Literal["target", "actual"] = "target") -> Value:
    """Type a target or actual cell.

    ``raw`` is the cell content (str, int, float, date/datetime or None).
    ``role`` only matters for a bare ``0``: as a target it means "no target"
    (:attr:`Kind.NONE`), as an actual it is the number 0.
    """
    if raw is None:
        return Value(Kind.EMPTY, "")
    if isinstance(raw, bool):
        return Value(Kind.TEXT, str(raw))
    if isinstance(raw, datetime.date):
        day = raw.date() if isinstance(raw, datetime.datetime) else raw
        return Value(Kind.DATE, day.isoformat(), date=day, date_precision="day")
    if isinstance(raw, int | float):
        if isinstance(raw, float) and math.isnan(raw):
            return Value(Kind.EMPTY, "")
        if _finite_float(raw) is None:  # ±inf, or an int beyond any float (10**400)
            return Value(Kind.TEXT, repr(float("inf") if raw > 0 else float("-inf")))
        text = _plain(raw)
        if raw == 0 and role == "target":
            return Value(Kind.NONE, text)
        decimals = 0 if isinstance(raw, int) else _float_decimals(raw)
        return Value(Kind.NUMBER, text, number=float(raw), decimals=decimals)
    text = str(raw).strip()
    squeezed = _squeeze(normalize_text(text))
    if _is_empty_mark(squeezed):
        return Value(Kind.EMPTY, text)
    s = _trim(squeezed)
    if not s:  # a lone quote is a ditto mark, not a blank
        return Value(Kind.TEXT, text)
    if s.lower() in _NONE_WORDS:
        return Value(Kind.NONE, text)
    if role == "target" and re.fullmatch(r"[+-]?0+", s):
        return Value(Kind.NONE, text)

    m = _ACHIEVEMENT_RE.fullmatch(s)
    if m is not None:
        neg = m.group("neg")
        word = "未达成" if neg == "未" else "部分达成" if neg == "部分" else "达成"
        return Value(Kind.ACHIEVEMENT, text, word=word)
    if s in _QUALITATIVE_WORDS:
        return Value(Kind.QUALITATIVE, text, word=s)

    date = _parse_date(s, text)
    if date is not None:
        return date
    term = _parse_term(s)
    if term is not None:
        v = _number_value(text, term)
        return v if _finite(v) else Value(Kind.TEXT, text)
    rng = _parse_range(s, text)
    if rng is not None:
        return rng if _finite(rng) else Value(Kind.TEXT, text)
    return Value(Kind.TEXT, text)


def _finite(v: Value) -> bool:
    """No number of ``v`` overflowed ('9' × 400 digits, or 1e300 亿): such a text is no measure."""
    return all(x is None or math.isfinite(x) for x in (v.number, v.upper))


# --------------------------------------------------------------------------- #
# Printing
# --------------------------------------------------------------------------- #


def _render(x: float, decimals: int | None) -> str:
    """``x`` as plain digits: with ``decimals`` when that is exact, else shortest."""
    if x == 0:
        x = 0.0  # no '-0'
    if decimals is not None and decimals >= 0:
        s = f"{x:.{decimals}f}"
        if math.isclose(float(s), x, rel_tol=1e-12):
            return s
    s = f"{x:.15g}"
    if not math.isclose(float(s), x, rel_tol=1e-13):
        s = repr(x)
    return format(Decimal(s), "f")


def _render_scaled(
    x: float, printed_unit: str, model_unit: str, kind: Kind, decimals: int | None
) -> str:
    """A model number in the unit it should be printed in, with that unit."""
    if kind is Kind.PERCENT:
        return _render(_scaled(x, 100), decimals) + "%"
    if kind is Kind.AMOUNT:
        if printed_unit in _AMOUNT_UNITS and printed_unit != "元":
            factor = _AMOUNT_UNITS[printed_unit]
            return _render(_scaled(x, factor, divide=True), decimals) + printed_unit
        return _render(x, decimals) + "元"
    if kind is Kind.QUANTITY:
        if len(printed_unit) > 1 and printed_unit[0] in "万亿" and printed_unit[1:] == model_unit:
            factor = 10_000 if printed_unit[0] == "万" else 100_000_000
            return _render(_scaled(x, factor, divide=True), decimals) + printed_unit
        return _render(x, decimals) + model_unit
    return _render(x, decimals)


def _unit_kind(unit: str) -> Kind:
    if unit == "%":
        return Kind.PERCENT
    if unit == "元":
        return Kind.AMOUNT
    return Kind.QUANTITY if unit else Kind.NUMBER


def format_value(v: Value) -> str:
    """Canonical text of a value: ``parse_value(format_value(v))`` describes ``v``.

    Comparators print as ``≥ ≤ > < =``, approximation as ``约``, ranges as
    ``≥a&&≤b``, dates as ``YYYY年M月D日`` (``前`` for a deadline).  A bare zero
    :attr:`Kind.NUMBER` prints as ``0``, which reads back as a number only with
    ``role="actual"``.
    """
    kind = v.kind
    if kind is Kind.EMPTY:
        return "—"
    if kind is Kind.NONE:
        return "无"
    if kind is Kind.TEXT:
        return v.text
    if kind in (Kind.QUALITATIVE, Kind.ACHIEVEMENT):
        word = v.word or v.text
        if kind is Kind.ACHIEVEMENT and word in ("达成", "部分达成", "未达成"):
            return word + "预期指标"
        return word
    if kind is Kind.DATE:
        if v.date is None:
            return v.text
        d = v.date
        if v.date_precision == "year":
            s = f"{d.year}年"
        elif v.date_precision == "month":
            s = f"{d.year}年{d.month}月"
        else:
            s = f"{d.year}年{d.month}月{d.day}日"
        return s + ("前" if v.deadline else "")
    if v.number is None:
        return v.text
    if kind is Kind.RANGE:
        inner = _unit_kind(v.unit)
        lo = _render_scaled(v.number, v.printed_unit, v.unit, inner, v.decimals)
        hi_num = v.number if v.upper is None else v.upper
        hi = _render_scaled(hi_num, v.printed_unit, v.unit, inner, v.decimals)
        return f"{_OP_TEXT[v.op or '>=']}{lo}&&{_OP_TEXT[v.upper_op or '<=']}{hi}"
    body = _render_scaled(v.number, v.printed_unit, v.unit, kind, v.decimals)
    return (_OP_TEXT[v.op] if v.op else "") + body


# --------------------------------------------------------------------------- #
# Comparing
# --------------------------------------------------------------------------- #


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


def _compare(actual: float, op: str | None, target: float) -> bool:
    if op == ">=":
        return actual > target or _close(actual, target)
    if op == ">":
        return actual > target and not _close(actual, target)
    if op == "<=":
        return actual < target or _close(actual, target)
    if op == "<":
        return actual < target and not _close(actual, target)
    # '=', '~' and no comparator: a positive target is a floor; zero is exact.
    if target > 0:
        return actual > target or _close(actual, target)
    return _close(actual, target)


def _same_scale(target_unit: str, actual: Value) -> bool:
    """Whether ``actual`` can be compared with a target whose model unit is ``target_unit``."""
    if target_unit == actual.unit:
        return True
    # A bare number next to a count ('280' vs '446人'); never next to % or 元.
    units = {target_unit, actual.unit}
    return "" in units and not ({"%", "元"} & units)


def _word_verdict(target_word: str | None, actual: Value) -> bool | None:
    if actual.kind is Kind.ACHIEVEMENT:
        return actual.word == "达成"
    if actual.kind is not Kind.QUALITATIVE or actual.word is None:
        return None
    word = actual.word
    if word in _NOT_DONE_WORDS:
        return False
    if target_word is not None:
        if word == target_word:
            return True
        if any(word in group and target_word in group for group in _SYNONYMS):
            return True
    if word in _DONE_WORDS:
        return True
    return None


def _period_start(v: Value) -> datetime.date | None:
    if v.date is None:
        return None
    if v.date_precision == "year":
        return v.date.replace(month=1, day=1)
    if v.date_precision == "month":
        return v.date.replace(day=1)
    return v.date


def meets(target: Value, actual: Value) -> bool | None:
    """Does ``actual`` satisfy ``target``?  ``None`` when that cannot be decided.

    - numbers, quantities, percentages and amounts: the comparator decides
      (strict ``>``/``<`` strictly).  Without a comparator (or with ``=`` or
      ``约``) a positive quantity, number or percentage is a floor; a zero
      target must be met exactly.  An amount without a direction (``96.92
      万元``) is undecidable.  Units must agree (a bare number goes with a count).
    - ranges: within both bounds;
    - dates: the actual's period ends on or before the target's last day
      (``None`` when the actual's period straddles it);
    - qualitative and date targets also accept a word actual: the same word or
      a synonym, ``完成``/``达标``/``达成`` -> True, ``未完成``/``未达成``/
      ``部分达成`` -> False;
    - an actual that is itself a bound (``≥90%``) is not a measurement: None.
    """
    tk = target.kind
    if tk in (Kind.EMPTY, Kind.NONE, Kind.TEXT):
        return None
    if tk in (Kind.QUALITATIVE, Kind.ACHIEVEMENT):
        target_word = target.word
        if tk is Kind.ACHIEVEMENT and actual.kind is Kind.ACHIEVEMENT:
            return actual.word == "达成"
        return _word_verdict(target_word, actual)
    if tk is Kind.DATE:
        if actual.kind is Kind.DATE:
            if target.date is None or actual.date is None:
                return None
            if actual.date <= target.date:
                return True
            start = _period_start(actual)
            if start is not None and start > target.date:
                return False
            return None
        return _word_verdict(None, actual)

    # Numeric targets and ranges want a measured number.
    if not actual.is_numeric or actual.number is None or target.number is None:
        return None
    if actual.op not in (None, "=", "~"):
        return None
    if not _same_scale(target.unit, actual):
        return None
    a = actual.number
    if tk is Kind.RANGE:
        upper = target.upper if target.upper is not None else math.inf
        return _compare(a, target.op or ">=", target.number) and _compare(
            a, target.upper_op or "<=", upper
        )
    if tk is Kind.AMOUNT and target.op in (None, "=", "~"):
        return None
    return _compare(a, target.op, target.number)
