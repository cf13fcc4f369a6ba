"""Excel functions (UDFs) over budgetlint's scoring, value grammar and rules.

One implementation, three callers:

- **plain Python** and any formula engine: :data:`FUNCTIONS` maps each Excel name
  (``BL_EXEC_RATE`` …) to a plain function with Excel semantics (:func:`exec_rate` …);
- **Excel through xlwings**: the module-level ``BL_…`` functions are the same
  functions decorated with ``@xw.func`` (when xlwings is loaded, see :func:`decorate`),
  so the add-in can
  list ``budgetlint.udfs`` as its UDF module;
- the **formulas** engine (headless recomputation): an adapter registers the
  functions of :data:`FUNCTIONS` (``budgetlint.recompute``).

What a function receives is what a host passes: ``None`` for a blank cell,
``float``/``int``/``bool``/``str``/``datetime``, an :class:`ExcelError` for an error
cell (the text of an error, ``"#DIV/0!"``, counts as that error too, as a grid
stores it), and for a range a list of rows (``list[list[value]]``; a 1×1 range
and a scalar are the same).  A :class:`Cell` carries a value with its number
format, for a host that knows it (only :func:`check_row` uses the format).

What a function returns: a ``float`` (or ``int``), a ``str`` (a grade, or a short
Chinese message saying why there is no number), ``""`` for "nothing to show", or
an :class:`ExcelError`.  An error argument comes back as it is, as in Excel; a
blank or ``—`` is never read as zero; bad input gives ``#VALUE!`` (or a message),
never an exception.  See ``docs/udfs.md`` for every function and each host.

Settings (the grade scale, the qualitative bands, the rounding band, the rules
``BL_CHECK_ROW`` runs) are :class:`budgetlint.settings.Settings`, defaults unless a
host calls :func:`configure`; band and formula parameters are those of the
national family (``[families.national]``), the layout ``BL_CHECK_ROW`` models.

Pure Python at import (Pyodide included); xlwings is never imported by this module
at load time: it decorates when xlwings is loaded already (:func:`decorate`).
"""

from __future__ import annotations

import datetime
import inspect
import logging
import math
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import lru_cache, wraps
from typing import TYPE_CHECKING, Any

from budgetlint import scoring
from budgetlint.grid import EXCEL_ERRORS, Grid, MergedRange, Sheet, parse_address
from budgetlint.model import INDICATOR_COLUMNS
from budgetlint.params import QUALITATIVE_BANDS, FamilyParams
from budgetlint.settings import Settings, SettingsError
from budgetlint.tolerance import fmt
from budgetlint.values import Kind, Number, Value, parse_number, parse_value

if TYPE_CHECKING:
    from budgetlint.findings import Finding

__all__ = [
    "BL_BAND_CHECK",
    "BL_CHECK_ROW",
    "BL_EXEC_RATE",
    "BL_FUND_SCORE",
    "BL_GRADE",
    "BL_IND_SCORE",
    "BL_TOTAL",
    "BL_VALUE",
    "DIV0",
    "FORM_RULES",
    "FUNCTIONS",
    "NA",
    "NUM",
    "ROW_FIELDS",
    "VALUE",
    "Cell",
    "ExcelError",
    "band_check",
    "check_row",
    "configure",
    "current_settings",
    "exec_rate",
    "fund_score",
    "grade",
    "ind_score",
    "row_findings",
    "total",
    "value",
]

log = logging.getLogger("budgetlint")


# --------------------------------------------------------------------------- values


@dataclass(frozen=True)
class ExcelError:
    """An Excel error value, e.g. ``ExcelError("#DIV/0!")``; ``code`` is what the cell prints."""

    code: str

    def __str__(self) -> str:
        return self.code


DIV0, VALUE, NA, NUM = (
    ExcelError("#DIV/0!"),
    ExcelError("#VALUE!"),
    ExcelError("#N/A"),
    ExcelError("#NUM!"),
)


@dataclass(frozen=True)
class Cell:
    """A cell value with its number format (``0.0``, ``0.00%``), for hosts that know it.

    Any argument may be a :class:`Cell`; the value counts.  :func:`check_row` also
    hands the format to the form reader, so that ``10`` formatted ``0.0`` reads as
    the ``10.0`` the sheet shows, exactly as ``budgetlint check`` reads it.
    """

    value: Any
    number_format: str = "General"


class _Return(Exception):
    """Stop and return ``result`` (an error value or a message) from a function."""

    def __init__(self, result: object) -> None:
        super().__init__(result)
        self.result = result


def _plain(v: object) -> object:
    """A host value without its :class:`Cell` wrapper; an error text becomes an :class:`ExcelError`."""
    if isinstance(v, Cell):
        v = v.value
    if isinstance(v, str) and v.strip() in EXCEL_ERRORS:
        return ExcelError(v.strip())
    if isinstance(v, float) and not math.isfinite(v):
        return NUM
    return v


def _walk(v: object) -> Iterator[object]:
    """Every cell of an argument (a range row by row), unwrapped."""
    if isinstance(v, list | tuple):
        for x in v:
            yield from _walk(x)
    else:
        yield _plain(v)


def _first_error(args: Sequence[object]) -> ExcelError | None:
    for a in args:
        for v in _walk(a):
            if isinstance(v, ExcelError):
                return v
    return None


def _udf(fn: Callable[..., object]) -> Callable[..., object]:
    """Excel semantics around ``fn``: an error argument propagates, nothing raises."""

    @wraps(fn)
    def call(*args: object) -> object:
        err = _first_error(args)
        if err is not None:
            return err
        try:
            return fn(*args)
        except _Return as r:
            return r.result
        except Exception:  # a bug or an input nobody foresaw: a cell shows #VALUE!, not a traceback
            log.debug("%s%r failed", fn.__name__, args, exc_info=True)
            return VALUE

    return call


def _scalar(v: object) -> object:
    """One cell: a scalar, or a 1×1 range; a larger range is #VALUE! (as in Excel)."""
    while isinstance(v, list | tuple):
        if len(v) != 1:
            raise _Return(VALUE)
        v = v[0]
    return _plain(v)


def _cells(v: object) -> list[object]:
    """The cells of a range argument (or of one cell), row by row."""
    return list(_walk(v))


def _rows(v: object) -> list[list[object]]:
    """A range argument as rows (a scalar is one row of one cell, a flat list one row)."""
    if not isinstance(v, list | tuple):
        return [[_plain(v)]]
    if v and all(not isinstance(x, list | tuple) for x in v):
        return [[_plain(x) for x in v]]
    return [[_plain(x) for x in _as_list(row)] for row in v]


def _as_list(row: object) -> list[object]:
    return list(row) if isinstance(row, list | tuple) else [row]


def _blank(v: object) -> bool:
    """A blank cell or a not-applicable mark: ``''``, ``—``, ``-``, ``/``, ``／``."""
    if v is None:
        return True
    return isinstance(v, str) and parse_value(v, role="actual").kind is Kind.EMPTY


def _no_number(v: object) -> bool:
    """Blank, a dash, or ``无`` / ``不适用`` in a number cell (S405 reads them the same way)."""
    if _blank(v):
        return True
    return isinstance(v, str) and parse_value(v, role="actual").kind is Kind.NONE


def _number(v: object) -> Number | None:
    """A number cell read with the value grammar; None when blank; #VALUE! when not a number."""
    v = _scalar(v)
    if _no_number(v):
        return None
    if isinstance(v, bool | datetime.date | datetime.time):
        raise _Return(VALUE)
    n = parse_number(v)
    if n is None:
        raise _Return(VALUE)
    return n


def _amount(v: object) -> float | None:
    """An amount in 元 (``96.92 万元`` -> 969200); a percentage or a score is #VALUE!."""
    n = _number(v)
    if n is None:
        return None
    if n.percent or n.unit == "分":
        raise _Return(VALUE)
    return n.yuan


def _points(v: object) -> float | None:
    """A weight or score (``10``, ``10分``, ``"9.80"``); a percentage or an amount is #VALUE!."""
    n = _number(v)
    if n is None:
        return None
    if n.percent or n.unit not in ("", "分"):
        raise _Return(VALUE)
    return n.value


def _rate(v: object) -> float | None:
    """A rate as a fraction: a number as it is (0.98, 1.6), a text ``98.2%`` as 0.982."""
    n = _number(v)
    if n is None:
        return None
    if n.unit:
        raise _Return(VALUE)
    return n.value


def _finite(x: float) -> float:
    if not math.isfinite(x):
        raise _Return(NUM)
    return x


# --------------------------------------------------------------------------- settings

_lock = threading.Lock()
_settings = Settings()
#: The family whose parameters the functions use: BL_CHECK_ROW models its layout.
_FAMILY = "national"


def configure(settings: Settings | None = None) -> None:
    """Use ``settings`` (e.g. ``Settings.load()``) from now on; None goes back to the defaults.

    The grade scale (BL_GRADE), the bands and the upper-bound formula of the national
    family (BL_BAND_CHECK, BL_IND_SCORE), ``rounding_units``, ``over_achievement_ratio``
    and the rule selection (BL_CHECK_ROW) come from here.  Clears BL_CHECK_ROW's cache.
    """
    global _settings
    with _lock:
        _settings = settings if settings is not None else Settings()
        _params.cache_clear()
        _row_findings.cache_clear()


def current_settings() -> Settings:
    """The settings the functions use now."""
    return _settings


@lru_cache(maxsize=1)
def _params() -> FamilyParams:
    return _settings.family_params(_FAMILY)


# --------------------------------------------------------------------------- the fund block


@_udf
def exec_rate(executed: object, budget: object) -> object:
    """执行率 = 全年执行数 ÷ 全年预算数，返回小数（不四舍五入，由单元格格式显示为 98% 或 0.98）。金额可为数字或文本（987,000.00、96.92 万元，换算为元）；任一参数为空白或“—”时返回空；预算数为 0 时返回 #DIV/0!；不是数字的文本返回 #VALUE!。

    ``BL_EXEC_RATE(969188.11, 987000.00)`` = 0.98195…;
    ``BL_EXEC_RATE("96.92 万元", 987000)`` = 0.98197….  A percentage or a score
    (``98%``, ``10分``) is no amount: #VALUE!.
    """
    e, b = _amount(executed), _amount(budget)
    if e is None or b is None:
        return ""
    rate = scoring.execution_rate(e, b)
    return DIV0 if rate is None else _finite(rate)


@_udf
def fund_score(rate: object, weight: object) -> object:
    """资金得分 = 分值 × min(执行率, 1)，执行率按表中显示的两位小数计（10 × 0.98 = 9.80）。执行率可为小数（0.98195）或百分比文本（“98.2%”）；空白或“—”返回空；不是数字返回 #VALUE!；分值为负返回 #NUM!。

    The rate is rounded half up to 2 decimals first, as departments multiply the
    printed rate (:func:`budgetlint.scoring.fund_score`): ``BL_FUND_SCORE(0.98195, 10)``
    = 9.8.  A number is a fraction whatever its size (1.6 is 160 %, over-execution);
    only a text with ``%`` is a percentage.
    """
    r, w = _rate(rate), _points(weight)
    if r is None or w is None:
        return ""
    if w < 0:
        return NUM
    s = scoring.fund_score(w, r)
    return "" if s is None else _finite(s)


# --------------------------------------------------------------------------- indicators

_FORMULAS = {
    "ratio": "ratio",
    "比例": "ratio",
    "excess": "excess",
    "超额": "excess",
    "超出": "excess",
}


def _upper_formula(v: object) -> str:
    v = _scalar(v)
    if _blank(v):
        return _params().upper_bound_formula
    key = str(v).strip().lower() if isinstance(v, str) else None
    if key not in _FORMULAS:
        raise _Return(VALUE)
    return _FORMULAS[key]


def _judgement(res: scoring.ScoreResult, actual: Value, weight: float) -> str:
    """The message of a score that is a judgement or cannot be computed."""
    if actual.kind is Kind.ACHIEVEMENT:
        band = scoring.band_for(actual.word or actual.text, _params().bands)
        if band is not None:
            lo, hi = band
            return (
                f"需酌情评分：{res.method}（分值的 {lo * 100:g}%–{hi * 100:g}%，"
                f"即 {scoring.num_text(lo * weight)}–{scoring.num_text(hi * weight)} 分）"
            )
    if (res.met is False or res.strict_equality) and "酌情" not in res.method:
        return f"需酌情评分：{res.method}"
    return res.method


@_udf
def ind_score(
    target: object, actual: object, weight: object, upper_formula: object = None
) -> object:
    """指标得分：按年度指标值的类型由实际完成值和分值计算（24 期 ÷ 30 期 × 10 = 8）；目标已达成得满分。得分需酌情判断（定性目标未达成、达成/部分达成、严格界限恰等于界值）或无法计算时，返回中文说明。任一参数为空白返回空。上限公式：ratio（分值 × 目标 ÷ 实际，默认）或 excess。

    The score is :func:`budgetlint.scoring.indicator_score`, not rounded
    (53/120 × 10 = 4.4166…; the cell's format shows 4.42).  Messages: the
    computation's own words (``年度指标值为文字描述，无法计算得分``), prefixed with
    ``需酌情评分：`` for a judgement; a 达成/部分达成/未达成 actual adds its band
    (``需酌情评分：实际完成值为“部分达成”，按档次评分（分值的 50%–80%，即 5–8 分）``).
    ``upper_formula``: ``ratio``/``比例`` or ``excess``/``超额``; blank = the
    configured ``upper_bound_formula``; anything else #VALUE!.
    """
    w = _points(weight)
    t_raw, a_raw = _scalar(target), _scalar(actual)
    formula = _upper_formula(upper_formula)
    if w is None or _blank(t_raw) or _blank(a_raw):
        return ""
    t = parse_value(t_raw, role="target")
    a = parse_value(a_raw, role="actual")
    res = scoring.indicator_score(w, t, a, upper_bound_formula=formula)
    if res.expected is not None:
        return _finite(res.expected)
    return _judgement(res, a, w)


def _bands(v: object) -> dict[str, tuple[float, float]]:
    v = _scalar(v)
    if _blank(v):
        return _params().bands
    key = str(v).strip().replace("–", "-").replace("/", "-") if isinstance(v, str) else None
    if key not in QUALITATIVE_BANDS:
        raise _Return(VALUE)
    return QUALITATIVE_BANDS[key]


def _shown(raw: object, n: Number) -> str:
    """A number cell as it prints (the form reader's Field.text for a cell without a format)."""
    if isinstance(raw, str):
        return raw.strip()
    return f"{float(n.value):.{n.decimals}f}"


@_udf
def band_check(actual: object, score: object, weight: object, bands: object = None) -> object:
    """定性指标档次核对：实际完成值为“达成/部分达成/未达成预期指标”时，得分应在其档次内（默认 达成 80%–100%、部分达成 50%–80%、未达成 0–50% 的分值）。在档次内返回空，否则返回中文说明。档次可选 “80-50” 或 “80-60”；实际完成值不是达成类文字时返回空。

    The check and its wording are rule S209's (without the indicator's name): the
    score may differ from a band's edge by ``rounding_units`` of its last printed
    decimal.  Blank score or weight, or a weight of 0: ``""``.
    """
    a_raw = _scalar(actual)
    table = _bands(bands)
    s_raw = _scalar(score)
    s, w = _points(s_raw), _points(weight)
    if _blank(a_raw) or s is None or w is None or w <= 0:
        return ""
    a = parse_value(a_raw, role="actual")
    if a.kind is not Kind.ACHIEVEMENT:
        return ""
    band = scoring.band_for(a.word or a.text, table)
    if band is None:
        return ""
    lo, hi = band
    n = parse_number(s_raw)
    assert n is not None  # _points read it
    half = _settings.rounding_units * 10.0 ** -(n.decimals or 0) + 1e-9
    if lo * w - half <= s <= hi * w + half:
        return ""
    word = scoring.achievement_word(a.word or a.text)
    return (
        f"实际完成值为“{word}”，得分应在分值的 {lo * 100:g}%–{hi * 100:g}% "
        f"之间（{fmt(lo * w)}–{fmt(hi * w)}），实际得分 {_shown(s_raw, n)}（{s / w * 100:.2f}%）"
    )


# --------------------------------------------------------------------------- totals and grades

_MAX_TERMS = 20  # terms written out in BL_TOTAL's message


def _point_cells(v: object) -> list[tuple[float, str, int]]:
    """(points, as printed, printed decimals) of every non-blank cell of a range."""
    out = []
    for c in _cells(v):
        n = _number(c)
        if n is None:
            continue
        if n.percent or n.unit not in ("", "分"):
            raise _Return(VALUE)
        out.append(
            (
                n.value,
                str(c).strip() if isinstance(c, str) else scoring.num_text(n.value),
                n.decimals,
            )
        )
    return out


@_udf
def total(scores: object, weights: object = None) -> object:
    """总分 = 各项得分之和（空白和“—”不计）。给出分值范围时，分值合计须为 100：否则返回说明（含算式），不返回总分。得分范围全为空时返回空；不是数字的文本返回 #VALUE!。

    The weights' sum may miss 100 by the rounding of weights printed with
    decimals (33.33 × 3 = 99.99: half a unit of each term's last decimal, as rule
    S301 allows); any other difference gives
    ``分值合计应为 100，实际为 10 + 30 + 40 = 80；各项得分合计 72.5``.
    An empty weight range gives ``分值范围中没有分值``.
    """
    terms = _point_cells(scores)
    weight_terms = (
        None
        if weights is None or all(_blank(c) for c in _cells(weights))
        else _point_cells(weights)
    )
    if not terms:
        return ""
    s = _finite(round(math.fsum(x for x, _, _ in terms), 9) + 0.0)  # no binary noise: 9.8 + 0.1
    if weights is None:
        return s
    if weight_terms is None:
        return "分值范围中没有分值"
    want = float(_params().total_weight)
    got = math.fsum(x for x, _, _ in weight_terms)
    band = sum(_settings.rounding_units * 10.0**-d for _, _, d in weight_terms if d > 0)
    if abs(got - want) <= band + 1e-9 * max(1.0, want):
        return s
    shown = [t for _, t, _ in weight_terms]
    if len(shown) > _MAX_TERMS:
        shown = [*shown[: _MAX_TERMS - 1], f"…（共 {len(weight_terms)} 项）"]
    return (
        f"分值合计应为 {scoring.num_text(want)}，实际为 {' + '.join(shown)} = {scoring.num_text(got)}；"
        f"各项得分合计 {scoring.num_text(s)}"
    )


_SCALE_WORDS = {
    "全国": "national",
    "国家": "national",
    "national": "national",
    "优良中差": "national",
    "默认": "default",
    "default": "default",
}


def _scale(v: object) -> tuple[tuple[float, str], ...]:
    """The grade scale: the configured one, ``全国``/``默认``, or a range of (下限, 等级) rows."""
    rows = _rows(v)
    cells = [c for row in rows for c in row]
    if all(_blank(c) for c in cells):
        return _settings.grades
    if len(cells) == 1:
        word = cells[0]
        key = word.strip().lower() if isinstance(word, str) else None
        if key not in _SCALE_WORDS:
            raise _Return(VALUE)
        return Settings.from_mapping({"grades": _SCALE_WORDS[key]}).grades
    table: list[list[object]] = []
    for i, row in enumerate(rows):
        if all(_blank(c) for c in row):
            continue
        if len(row) != 2:
            raise _Return(VALUE)
        low, name = row
        if i == 0 and isinstance(low, str) and parse_number(low) is None:
            continue  # a header row: 下限 | 等级
        n = _number(low)
        if n is None or n.percent or n.unit or not isinstance(name, str) or not name.strip():
            raise _Return(VALUE)
        table.append([n.value, name.strip()])
    try:
        return Settings.from_mapping({"grades": table}, source="等级表").grades
    except SettingsError as e:  # the setting's own message: 等级表: grades[1][0] 应在 …
        raise _Return(str(e).replace("等级表: grades", "等级表", 1)) from None


@_udf
def grade(total_score: object, grade_table: object = None) -> object:
    """评价等级：按总分和等级表给出等级（默认 优秀 ≥ 90、良好 ≥ 80、合格 ≥ 60、不合格）。等级表可为两列区域（下限、等级）或“全国”（优/良/中/差）。总分为空返回空；不是数字返回 #VALUE!；不在 0–100 之间返回 #NUM!。

    ``BL_GRADE(67.14)`` = 合格; ``BL_GRADE(67.14, "全国")`` = 中.  Without a table the
    configured scale (setting ``grades``) counts.  A table is checked as the
    setting is (bounds in [0, 100], no bound twice): a bad one gives the setting's
    Chinese message; a first row of two texts is a header and is skipped.
    """
    n = _number(total_score)
    scale = _scale(grade_table)
    if n is None:
        return ""
    if n.percent or n.unit not in ("", "分"):
        return VALUE
    x = n.value
    if not -1e-9 <= x <= 100 + 1e-9:
        return NUM
    return scoring.grade(x, scale)


# --------------------------------------------------------------------------- the value grammar


def _decimal_text(x: float) -> str:
    """A float as plain digits (1e-05 -> 0.00001), for the value grammar."""
    return format(Decimal(repr(x)), "f")


@_udf
def value(value_text: object, unit_name: object = None) -> object:
    """按指标值文法读出数值：金额换算为元（“96.92 万元” = 969200），百分比为小数（“98.2%” = 0.982，“≥90%” = 0.9），数量为其数（“30 期” = 30）。单位：数字未写单位时的单位（如表头“单位：万元”），文本自带单位时以文本为准。空白、“—”、“无”返回空；没有数值的文本（区间、日期、文字）返回 #VALUE!。

    ``BL_VALUE("96.92", "万元")`` = 969200; ``BL_VALUE(98.19, "%")`` = 0.9819.
    A comparator is read and dropped (``≥90%`` -> 0.9).
    """
    raw = _scalar(value_text)
    unit = _scalar(unit_name)
    if _no_number(raw):
        return ""
    if isinstance(raw, bool | datetime.date | datetime.time):
        return VALUE
    if not _blank(unit) and not isinstance(unit, str):
        return VALUE
    text = _decimal_text(float(raw)) if isinstance(raw, int | float) else str(raw)
    v = parse_value(text, role="actual")
    if v.kind is Kind.NUMBER and not _blank(unit):
        v = parse_value(text.strip() + str(unit).strip(), role="actual")
    if v.kind not in scoring.NUMERIC_KINDS or v.number is None:
        return VALUE
    return _finite(float(v.number))


# --------------------------------------------------------------------------- one indicator row

#: What each argument of BL_CHECK_ROW is: the columns of form S's indicator block, in order.
ROW_FIELDS = INDICATOR_COLUMNS

#: Rules whose verdict on one row depends on the rest of the form, which BL_CHECK_ROW
#: does not see: it does not run them (and ``budgetlint check`` reports them on the form).
FORM_RULES = frozenset(
    {
        "S208",  # 成本指标 amounts against the fund block
        "S211",  # the weights under a 一级指标 against its printed or fixed weight
        "S213",  # weights the form does not print (a whole-form note)
        "S301",  # Σ 分值 = 100
        "S302",  # 总分 = Σ 得分
        "S303",  # 评价等级
        "S304",  # block weights against their members
        "S406",  # formulas saved without values (a whole-sheet note)
        "S407",  # a formula's stale cached value (the row check sees values, not formulas)
        "S408",  # formulas checked with their recomputed values (a whole-sheet note)
        "S506",  # all points on one indicator / an empty block
        "S509",  # a subtotal row repeating the rows under it
    }
)

_SHEET = "指标行"
_ROW = 6  # the indicator row of the one-row form
_COL = 2  # its first column (B), as in the template

#: A one-row form S in the template's layout: title, project, a complete fund block and
#: the indicator header; the row under the header is filled per call.
_FORM: dict[tuple[int, int], object] = {
    (1, 1): "项目支出绩效自评表",
    (2, 1): "项目名称",
    (2, 2): "指标行核对",
    (3, 1): "项目资金（元）",
    (3, 3): "年初预算数",
    (3, 4): "全年预算数",
    (3, 5): "全年执行数",
    (3, 6): "分值",
    (3, 7): "执行率",
    (3, 8): "得分",
    (4, 2): "年度资金总额",
    (4, 3): 100.0,
    (4, 4): 100.0,
    (4, 5): 100.0,
    (4, 6): 10,
    (4, 7): 1.0,
    (4, 8): 10.0,
    (5, 1): "年度绩效指标",
    **{(5, _COL + i): name for i, name in enumerate(ROW_FIELDS)},
}
_FORMATS = {(4, 3): "0.00", (4, 4): "0.00", (4, 5): "0.00", (4, 7): "0.00", (4, 8): "0.00"}


def _row_args(args: tuple[object, ...]) -> tuple[object, ...]:
    """The 8 cells of a row: 8 arguments, or one range of 8 cells (a row or a column)."""
    given = list(args)
    while given and given[-1] is None and len(given) > 1:
        given.pop()
    if len(given) == 1 and isinstance(given[0], list | tuple):
        cells = list(_flat(given[0]))
        if len(cells) == 1:
            cells += [None] * (len(ROW_FIELDS) - 1)
    else:
        cells = [_keep_format(a) for a in args]
    if len(cells) != len(ROW_FIELDS):
        raise _Return(
            f"应选择指标行的 {len(ROW_FIELDS)} 个单元格（{ROW_FIELDS[0]}至{ROW_FIELDS[-1]}），"
            f"实际为 {len(cells)} 个"
        )
    return tuple(cells)


def _flat(v: object) -> Iterator[object]:
    """The cells of a range, row by row, :class:`Cell` wrappers kept."""
    if isinstance(v, list | tuple):
        for x in v:
            yield from _flat(x)
    else:
        yield v


def _keep_format(v: object) -> object:
    """One cell of the row, keeping a :class:`Cell`'s format; a larger range is #VALUE!."""
    while isinstance(v, list | tuple):
        if len(v) != 1:
            raise _Return(VALUE)
        v = v[0]
    return v


def _key(v: object) -> tuple[str, object, str]:
    """A cache key that tells 1, 1.0 and True apart (they hash alike)."""
    fmt_ = "General"
    if isinstance(v, Cell):
        v, fmt_ = v.value, v.number_format
    if isinstance(v, ExcelError):
        v = v.code  # a grid stores a cached error as its text (rule S404 reads it)
    return (type(v).__name__, v, fmt_)


def row_findings(*cells: object) -> tuple[Finding, ...]:
    """The findings ``budgetlint check`` makes on one indicator row, most severe first.

    ``cells`` are the row's 8 cells (:data:`ROW_FIELDS`, :class:`Cell` for a known
    number format).  The row is put into a one-row form S of the template's layout
    (a clean fund block above it, as the template has), read with the real reader
    and checked with :func:`budgetlint.checker.check_grid` — every enabled rule
    except :data:`FORM_RULES`; the findings on the row's cells are kept.  A
    finding's ``cell`` is on that synthetic sheet: column B is the first argument.
    Raises ``ValueError`` unless there are 8 cells.
    """
    if len(cells) != len(ROW_FIELDS):
        raise ValueError(f"row_findings takes {len(ROW_FIELDS)} cells, got {len(cells)}")
    return _row_findings(tuple(_key(c) for c in cells))


@lru_cache(maxsize=4096)
def _row_findings(key: tuple[tuple[str, object, str], ...]) -> tuple[Finding, ...]:
    from budgetlint.checker import check_grid

    sheet = Sheet(_SHEET, cells=dict(_FORM), formats=dict(_FORMATS))
    sheet.merged.append(MergedRange(3, 1, 4, 1))
    sheet.merged.append(MergedRange(5, 1, _ROW, 1))
    for i, (_, v, number_format) in enumerate(key):
        if v is None:
            continue
        sheet.cells[(_ROW, _COL + i)] = v
        if number_format != "General":
            sheet.formats[(_ROW, _COL + i)] = number_format
    settings = _settings
    settings = replace(settings, ignore=[*settings.ignore, *sorted(FORM_RULES)])
    result = check_grid(Grid(path="", sheets=[sheet]), settings)
    found = [f for f in result.findings if f.cell and parse_address(f.cell)[0] == _ROW]
    found.sort(key=lambda f: -f.severity.rank)  # stable: the checker's order within a severity
    return tuple(found)


@_udf
def check_row(
    level1: object,
    level2: object = None,
    level3: object = None,
    target: object = None,
    actual: object = None,
    weight: object = None,
    score: object = None,
    reason: object = None,
) -> object:
    """核对一行绩效指标（一级指标、二级指标、三级指标、年度指标值、实际完成值、分值、得分、偏差原因），也可只选这一行的 8 个单元格。未发现问题返回空，否则返回与 budgetlint check 相同的提示文字，多条换行分隔，严重的在前。一级、二级指标为合并单元格时请引用合并区域左上角的单元格。

    Rules that need the whole form (:data:`FORM_RULES`: 一级 weight sums, 总分, 成本
    against the fund block, …) are not run.  Without a :class:`Cell` format a
    number reads with the decimals of its value (``10.0`` -> ``10``).  An all-blank
    row gives ``""``; a range of another size gives a message saying so.
    """
    cells = _row_args((level1, level2, level3, target, actual, weight, score, reason))
    if all(_blank(_plain(c)) for c in cells):
        return ""
    return "\n".join(f.message for f in row_findings(*cells))


# --------------------------------------------------------------------------- the registry

#: Excel name -> plain implementation.  The contract other modules rely on.
FUNCTIONS: dict[str, Callable[..., object]] = {
    "BL_EXEC_RATE": exec_rate,
    "BL_FUND_SCORE": fund_score,
    "BL_IND_SCORE": ind_score,
    "BL_BAND_CHECK": band_check,
    "BL_TOTAL": total,
    "BL_GRADE": grade,
    "BL_VALUE": value,
    "BL_CHECK_ROW": check_row,
}


# --------------------------------------------------------------------------- xlwings

#: The Excel category the functions are listed under in the function wizard.
CATEGORY = "budgetlint"

#: Per Excel function: the description of each argument (the wizard shows them) and the
#: arguments that take a range (read with ``ndim=2``: always a list of rows).
XL_ARGS: dict[str, dict[str, str]] = {
    "BL_EXEC_RATE": {
        "executed": "全年执行数（元；可为文本，如 969,188.11 或 96.92 万元）",
        "budget": "全年预算数（元；可为文本）",
    },
    "BL_FUND_SCORE": {
        "rate": "执行率（小数 0.98，或百分比文本 98.2%）",
        "weight": "资金分值（如 10）",
    },
    "BL_IND_SCORE": {
        "target": "年度指标值（如 30 期、≥90%、<98.7 万元、及时）",
        "actual": "实际完成值（如 24 期、92%、部分达成预期指标）",
        "weight": "分值",
        "upper_formula": "可选：上限目标未达成时的算法，ratio（默认）或 excess",
    },
    "BL_BAND_CHECK": {
        "actual": "实际完成值（达成/部分达成/未达成预期指标）",
        "score": "得分",
        "weight": "分值",
        "bands": "可选：档次，80-50（默认）或 80-60",
    },
    "BL_TOTAL": {
        "scores": "得分所在区域（空白和“—”不计）",
        "weights": "可选：分值所在区域（合计应为 100）",
    },
    "BL_GRADE": {
        "total_score": "总分",
        "grade_table": "可选：等级表（两列：下限、等级），或“全国”",
    },
    "BL_VALUE": {
        "value_text": "指标值文本（如 96.92 万元、98.2%、≥90%、30 期）",
        "unit_name": "可选：数字未写单位时的单位（如 万元、%）",
    },
    "BL_CHECK_ROW": {
        "level1": "一级指标，或整行 8 个单元格（一级指标至偏差原因）",
        "level2": "二级指标",
        "level3": "三级指标",
        "target": "年度指标值",
        "actual": "实际完成值",
        "weight": "分值",
        "score": "得分",
        "reason": "偏差原因分析及改进措施",
    },
}
XL_RANGE_ARGS: dict[str, tuple[str, ...]] = {
    "BL_TOTAL": ("scores", "weights"),
    "BL_GRADE": ("grade_table",),
    "BL_CHECK_ROW": ("level1",),
}


def _to_host(result: object) -> object:
    """A result as xlwings hands it to Excel: an error value as its text (``#DIV/0!``).

    xlwings' Office.js runtime (xlwings Lite, xlwings Server) turns such a text into
    a real error value; the Windows COM add-in shows it as text (see docs/udfs.md).
    """
    return result.code if isinstance(result, ExcelError) else result


# The functions Excel calls.  No annotations: xlwings reads an annotation as the
# argument's converter (``object`` is none it knows), so these stay unannotated.


def BL_EXEC_RATE(executed, budget):
    return _to_host(exec_rate(executed, budget))


def BL_FUND_SCORE(rate, weight):
    return _to_host(fund_score(rate, weight))


def BL_IND_SCORE(target, actual, weight, upper_formula=None):
    return _to_host(ind_score(target, actual, weight, upper_formula))


def BL_BAND_CHECK(actual, score, weight, bands=None):
    return _to_host(band_check(actual, score, weight, bands))


def BL_TOTAL(scores, weights=None):
    return _to_host(total(scores, weights))


def BL_GRADE(total_score, grade_table=None):
    return _to_host(grade(total_score, grade_table))


def BL_VALUE(value_text, unit_name=None):
    return _to_host(value(value_text, unit_name))


def BL_CHECK_ROW(
    level1,
    level2=None,
    level3=None,
    target=None,
    actual=None,
    weight=None,
    score=None,
    reason=None,
):
    return _to_host(check_row(level1, level2, level3, target, actual, weight, score, reason))


def description(fn: Callable[..., object]) -> str:
    """The first paragraph of a function's docstring: the description Excel shows (≤ 255 characters)."""
    return inspect.cleandoc(fn.__doc__ or "").split("\n\n", 1)[0].replace("\n", "")


def decorate() -> None:
    """Apply ``@xw.func`` / ``@xw.arg`` to the ``BL_…`` functions (xlwings must import).

    Done at import when xlwings is loaded already (inside the add-in, xlwings imports
    this module; in xlwings Lite the code imports xlwings first).  Elsewhere (the
    checker, recompute, plain Python) the module never imports xlwings, which would
    cost a tenth of a second and NumPy.  Every argument is read with ``err_to_str=True``
    (an error cell arrives as its text, not as None, which a blank also gives); range
    arguments with ``ndim=2``.
    """
    import xlwings as xw

    for name in FUNCTIONS:
        f = globals()[name]
        if getattr(f, "__xlfunc__", None) is not None:
            continue  # decorated already
        for arg, doc in XL_ARGS[name].items():
            options: dict[str, Any] = {"doc": doc, "err_to_str": True}
            if arg in XL_RANGE_ARGS.get(name, ()):
                options["ndim"] = 2
            f = xw.arg(arg, **options)(f)
        globals()[name] = xw.func(category=CATEGORY)(f)


def _describe() -> None:
    """Each ``BL_…`` function's docstring: its plain implementation's description."""
    for name, plain in FUNCTIONS.items():
        globals()[name].__doc__ = description(plain)


_describe()
if "xlwings" in sys.modules:
    try:
        decorate()
    except Exception:  # an xlwings this host cannot load: the plain functions stay
        log.info("xlwings is loaded but its decorators failed", exc_info=True)
