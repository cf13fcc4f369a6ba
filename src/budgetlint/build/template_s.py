"""The department templates of form S (项目支出绩效自评表), in two renderings.

One description, :data:`COMPUTED`, says which cells of the canonical layout
(:func:`budgetlint.build.canonical.write_form_s`, columns A–I) the template
computes and from which cells.  Each entry renders

- to a formula with budgetlint's UDFs (``=BL_EXEC_RATE(E5,D5)``), for Excel with
  the budgetlint add-in: the **UDF rendering**, ``项目支出绩效自评表（加载项版）.xlsx``;
- to a formula with standard functions only (``ROUND``, ``MIN``, ``IF``, ``SUM``,
  ``COUNT``, ``ISNUMBER``): the **standard rendering**, ``项目支出绩效自评表.xlsx``,
  for WPS, LibreOffice and Excel without the add-in;
- to the value :mod:`budgetlint.scoring` gives for the same inputs
  (:func:`reference`), which the tests compare both renderings with.

What the template computes (rows of the blank template; the description itself
names model paths, so a form with more indicator rows renders the same way):

===================  ==========================================================
cell                 computation
===================  ==========================================================
C5, D5, E5           年度资金总额 = 当年财政拨款 + 上年结转资金 + 其他资金
G5, G6, G7, G8       执行率 = 全年执行数 ÷ 全年预算数
H5                   资金得分 = 分值 × min(执行率 rounded to 2 decimals, 1)
G30                  总分 分值 = 资金分值 + Σ 指标分值
H30                  总分 得分 = 资金得分 + Σ 指标得分
H31                  评价等级 from 总分 得分 (优秀 ≥ 90, 良好 ≥ 80, 合格 ≥ 60, 不合格)
J12…  (UDF only)     建议得分 = the indicator score budgetlint computes
K12…  (UDF only)     复核提示 = what the checker says about the row
===================  ==========================================================

Decisions:

- **年度资金总额 is computed** from its three 其中 rows in each amount column:
  a department types the rows, the form adds them up, and a total of 0 over
  money that sits in a sub-row (a seed mistake) cannot happen.  A column whose
  three rows are all empty stays empty.
- **Blanks and ``—`` are not zero.**  A rate is computed from two amounts; with
  one of them empty or ``—`` it stays empty.  On a 全年预算数 of 0 the rate is
  ``—`` (undefined: no rate, and no 资金得分 on the total row), in both
  renderings: never ``0.00``, and never an error value either (``BL_EXEC_RATE``
  answers ``#DIV/0!`` there, as Excel's own division does, which the checker
  reports as an error cell, S404; so the UDF rendering tests the zero budget
  before calling it, and ``BL_FUND_SCORE``, which reads ``—`` as blank, is
  called only on a rate).  Every computed cell of a blank form is empty.
- **The sums stay standard formulas in both renderings** (年度资金总额, 总分 分值
  and 得分): ``BL_TOTAL(scores, weights)`` takes one range of scores, and 总分
  adds the fund score to the indicator rows (two areas); its weights check would
  print a message in the total's cell.  ``budgetlint check`` verifies Σ 分值 = 100.
- **Indicator 得分 stays the department's own input in both renderings.**
  A score is a judgement wherever the target is missed on a qualitative, date or
  band indicator, so a formula cannot own the cell.  The UDF rendering puts its
  suggestion (``BL_IND_SCORE``: a number, or a Chinese text where the score is a
  judgement) and the row check (``BL_CHECK_ROW``, the checker's row rules; 一级
  and 二级 are the top-left cells of their merged ranges) into the helper columns
  J–K, outside the print area; the standard rendering has no helper columns (a
  target text cannot sensibly be parsed with standard functions) and leaves the
  check to ``budgetlint check``.
- **评价等级** is a new row under 总分 (label in A, the grade under 得分 in H),
  computed in both renderings (``BL_GRADE``; nested ``IF`` on the default scale);
  the form-S reader reads it as the form's grade.  The cell carries the
  data-validation list of the grade words too, which takes effect where a bureau
  unlocks the cell to enter a grade by hand.
- **The add-in's config sheet is ``budgetlint.conf``** (UDF rendering only,
  hidden): xlwings' VBA reads the sheet named ``PROJECT_NAME & ".conf"``
  (``GetConfigFromSheet`` in ``xlwings.bas`` / ``addin/Config.bas``), and
  ``PROJECT_NAME`` is ``"xlwings"`` in the stock add-in but the add-in's own name
  in a custom add-in (``xlwings quickstart NAME --addin``).  budgetlint's add-in
  is to be a custom add-in with ``PROJECT_NAME = "budgetlint"``, so it reads
  ``budgetlint.conf``.  (Python-side, ``xlwings.utils.read_config_sheet`` looks
  for ``xlwings.conf`` only, but it reads OneDrive/SharePoint paths and the PRO
  embedded-code map, nothing a UDF import needs.)  With the stock xlwings add-in,
  rename the sheet to ``xlwings.conf`` or set ``UDF Modules`` in its ribbon.
- Input cells are unlocked, everything else locked; the sheets are protected
  without a password (formatting cells, rows and columns and inserting or
  deleting rows stay allowed, so a department can add indicator rows: the sums
  grow with rows inserted inside their range).  Computed cells have a light
  grey fill.  The workbook asks for a full recalculation on load, and each
  formula is saved with the cached value of the blank form (empty), so a reader
  of the saved file sees a calculated blank form (no S406).

Where the renderings can differ (never on numbers typed as numbers): an amount
typed as text (``987,000.00`` as text) is parsed by ``BL_EXEC_RATE`` but left
to the spreadsheet's own coercion by the standard formula; a total outside
0–100 is ``#NUM!`` for ``BL_GRADE`` and a grade for the standard ``IF``.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from budgetlint import scoring
from budgetlint.build.canonical import (
    N_COLUMNS,
    TEMPLATE_LEVELS,
    TEMPLATE_SHEET,
    page_setup,
    template_project,
    text_lines,
    write_form_s,
)
from budgetlint.build.seed_s import SeedProject
from budgetlint.build.xlsx import to_bytes
from budgetlint.grid import address, column_letter, parse_address

Rendering = Literal["udf", "standard"]
RENDERINGS: tuple[Rendering, ...] = ("standard", "udf")

#: The committed templates, relative to the repository root, by rendering.
TEMPLATE_PATHS: dict[Rendering, Path] = {
    "standard": Path("templates") / "项目支出绩效自评表.xlsx",
    "udf": Path("templates") / "项目支出绩效自评表（加载项版）.xlsx",
}
HELP_SHEET = "说明"
HELP_PAGE_BREAK_BEFORE = "四、检查"
#: The xlwings config sheet of budgetlint's add-in (see the module docstring).
CONFIG_SHEET = "budgetlint.conf"
#: key/value rows of the config sheet, in xlwings' format (column A key, column B value).
CONFIG: tuple[tuple[str, str], ...] = (("UDF Modules", "budgetlint.udfs"),)

LABEL_GRADE = "评价等级"
LABEL_SUGGESTED = "建议得分"
LABEL_CHECK = "复核提示"
GRADE_WORDS = ("优秀", "良好", "合格", "不合格")
#: (minimum, grade), highest first: the default scale of budgetlint.settings.
GRADE_SCALE: tuple[tuple[float, str], ...] = (
    (90, "优秀"),
    (80, "良好"),
    (60, "合格"),
    (0, "不合格"),
)
#: The fund rows' model names, in form order.
FUND_KINDS = ("total", "fiscal", "carryover", "other")
NOT_APPLICABLE = "—"

# Number formats of the template's cells.
FMT_AMOUNT = "#,##0.00"
FMT_RATE = "0.00"
FMT_SCORE = "0.00"
FMT_WEIGHT = "General"

_FONT = "宋体"
_BODY = Font(name=_FONT, size=10)
_LABEL = Font(name=_FONT, size=10, bold=True)
_HELPER = Font(name=_FONT, size=9, color="FF595959")
_COMPUTED_FILL = PatternFill("solid", fgColor="FFF2F2F2")
_HELPER_FILL = PatternFill("solid", fgColor="FFEDF3FA")
_THIN = Side(style="thin", color="FF000000")
_GREY = Side(style="thin", color="FFA6A6A6")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HELPER_BORDER = Border(left=_GREY, right=_GREY, top=_GREY, bottom=_GREY)
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_RIGHT = Alignment(horizontal="right", vertical="center", wrap_text=True)
_LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
_UNLOCKED = Protection(locked=False)
_LOCKED = Protection(locked=True)
_HELPER_WIDTHS = (10.0, 44.0)  # J, K
_HELP_WIDTH = 72.0  # the 说明 sheet's one column: A4 portrait without scaling


# --------------------------------------------------------------------------- the description

#: Model path of one indicator row's field, with ``*`` for "every indicator row".
ROWS = "indicators.*"


@dataclass(frozen=True)
class Computed:
    """One computed cell of form S: what it computes from which cells.

    ``path`` is the model path of the cell it fills (the paths of
    :func:`~budgetlint.build.canonical.write_form_s`, plus ``grade``,
    ``indicators.<i>.suggested`` and ``indicators.<i>.check`` of the template's
    own cells).  ``args`` are the model paths it reads, in the order of the
    UDF's arguments.  A path with ``*`` (``indicators.*.weight``):

    - in an entry whose own ``path`` has a ``*``: the same row (one cell per row);
    - otherwise: every indicator row, as one range (a sum over the rows).

    ``kind`` names the computation (:data:`KINDS`); ``udf_only`` entries exist in
    the UDF rendering only (the standard functions cannot compute them).
    """

    path: str
    kind: str
    args: tuple[str, ...]
    number_format: str
    what: str  # Chinese, for the 说明 sheet
    udf_only: bool = False

    @property
    def per_row(self) -> bool:
        return "*" in self.path

    def expand(self, n_rows: int) -> list[Computed]:
        """The concrete entries for a form with ``n_rows`` indicator rows."""
        if not self.per_row:
            return [self]
        return [
            Computed(
                self.path.replace("*", str(i)),
                self.kind,
                tuple(a.replace("*", str(i)) for a in self.args),
                self.number_format,
                self.what,
                self.udf_only,
            )
            for i in range(n_rows)
        ]


def _fund(kind: str, field: str) -> str:
    return f"fund.{kind}.{field}"


COMPUTED: tuple[Computed, ...] = (
    *(
        Computed(
            _fund("total", field),
            "parts_sum",
            tuple(_fund(k, field) for k in FUND_KINDS[1:]),
            FMT_AMOUNT,
            "年度资金总额 = 当年财政拨款 + 上年结转资金 + 其他资金，年初预算数、全年预算数、"
            "全年执行数各列分别相加（三行都未填时为空）",
        )
        for field in ("initial", "budget", "executed")
    ),
    *(
        Computed(
            _fund(kind, "rate"),
            "rate",
            (_fund(kind, "executed"), _fund(kind, "budget")),
            FMT_RATE,
            "执行率 = 全年执行数 ÷ 全年预算数，每行分别计算（全年预算数为 0 时为“—”：不计执行率，"
            "也不计资金得分；金额未填时为空）",
        )
        for kind in FUND_KINDS
    ),
    Computed(
        _fund("total", "score"),
        "fund_score",
        (_fund("total", "rate"), _fund("total", "weight")),
        FMT_SCORE,
        "资金得分 = 分值 × min(执行率（保留两位小数）, 1)，执行率为“—”时得分也为“—”",
    ),
    Computed(
        "total_weight",
        "weight_total",
        (_fund("total", "weight"), f"{ROWS}.weight"),
        FMT_WEIGHT,
        "总分的分值 = 资金分值 10 + 各指标分值之和（应为 100）",
    ),
    Computed(
        "total_score",
        "score_total",
        (_fund("total", "score"), f"{ROWS}.score"),
        FMT_SCORE,
        "总分的得分 = 资金得分 + 各指标得分之和",
    ),
    Computed(
        "grade",
        "grade",
        ("total_score",),
        "General",
        "评价等级：总分 90 分及以上为优秀，80（含）至 90 分为良好，60（含）至 80 分为合格，60 分以下为不合格",
    ),
    Computed(
        f"{ROWS}.suggested",
        "indicator_score",
        (f"{ROWS}.target", f"{ROWS}.actual", f"{ROWS}.weight"),
        FMT_SCORE,
        "建议得分（加载项版，不打印）：按年度指标值和实际完成值算出的得分；目标未达成而需酌情评分时为空",
        udf_only=True,
    ),
    Computed(
        f"{ROWS}.check",
        "check_row",
        tuple(
            f"{ROWS}.{f}"
            for f in ("level1", "level2", "name", "target", "actual", "weight", "score", "reason")
        ),
        "General",
        "复核提示（加载项版，不打印）：这一行指标的问题，如得分与建议得分不符、缺少偏差原因",
        udf_only=True,
    ),
)


def computed_cells(n_rows: int, rendering: Rendering) -> list[Computed]:
    """The concrete computed cells of a form with ``n_rows`` indicator rows in ``rendering``."""
    return [
        c
        for entry in COMPUTED
        if rendering == "udf" or not entry.udf_only
        for c in entry.expand(n_rows)
    ]


def shared_paths(n_rows: int) -> list[str]:
    """Paths of the cells both renderings compute (what the cross-rendering test compares)."""
    return [c.path for c in computed_cells(n_rows, "standard")]


# --------------------------------------------------------------------------- formulas

Operand = str  # an A1 reference or range as the formula writes it


@dataclass(frozen=True)
class Kind:
    """How one kind of computed cell renders and what it equals.

    ``udf``/``standard`` take the operands as A1 texts (a single cell ``'E5'`` or
    a range ``'G12:G29'``) and return the formula without ``=``; a ``udf`` of
    ``None`` means the UDF rendering writes the standard formula (a plain sum
    needs no UDF); a ``standard`` of ``None``: the standard rendering has no such
    cell.  ``reference`` takes the operands' values (a list for a range) and
    returns the cell's value computed with :mod:`budgetlint.scoring`; ``""`` is
    an empty cell.
    """

    udf: Callable[[Sequence[Operand]], str] | None
    standard: Callable[[Sequence[Operand]], str] | None
    reference: Callable[[Sequence[object]], object]
    #: The arguments are one range (the cells of a sum), written ``C6:C8``.
    one_range: bool = False


def _q(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


_NA = _q(NOT_APPLICABLE)


def _num(v: object) -> float | None:
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return None
    return float(v)


def _nums(vs: Iterable[object]) -> list[float]:
    return [n for v in vs if (n := _num(v)) is not None]


def _flat(args: Sequence[object]) -> list[object]:
    out: list[object] = []
    for a in args:
        out.extend(a if isinstance(a, list) else [a])
    return out


def _ref_parts_sum(args: Sequence[object]) -> object:
    ns = _nums(args)
    return sum(ns) if ns else ""


def _ref_rate(args: Sequence[object]) -> object:
    executed, budget = _num(args[0]), _num(args[1])
    if budget == 0:
        return NOT_APPLICABLE
    if executed is None or budget is None:
        return ""
    return scoring.execution_rate(executed, budget)


def _ref_fund_score(args: Sequence[object]) -> object:
    rate, weight = args[0], _num(args[1])
    if rate == NOT_APPLICABLE:
        return NOT_APPLICABLE
    r = _num(rate)
    if r is None or weight is None:
        return ""
    return scoring.fund_score(weight, r)


def _ref_weight_total(args: Sequence[object]) -> object:
    weights = _nums(_flat(args[1:]))
    if not weights:
        return ""
    return (_num(args[0]) or 0.0) + sum(weights)


def _ref_score_total(args: Sequence[object]) -> object:
    ns = _nums(_flat(args))
    return sum(ns) if ns else ""


def _ref_grade(args: Sequence[object]) -> object:
    n = _num(args[0])
    return "" if n is None else scoring.grade(n, GRADE_SCALE)


def _ref_indicator_score(args: Sequence[object]) -> object:
    """The score :func:`budgetlint.scoring.indicator_score` expects; ``None`` for a judgement.

    Where the score is a judgement or cannot be computed the cell shows the UDF's
    Chinese explanation (a text); ``None`` stands for "some text" here.
    """
    target, actual, weight = (_text(a) for a in args)
    w = _num(weight)
    if w is None or target is None or actual is None:
        return ""
    return scoring.indicator_score(w, target, actual).expected


def _ref_check_row(args: Sequence[object]) -> object:
    from budgetlint.udfs import check_row

    return check_row(*(_text(a) for a in args))


def _text(v: object) -> str | float | None:
    if v is None or (isinstance(v, str) and not v.strip()):
        return None
    return v if isinstance(v, (int, float)) else str(v)


def _std_rate(a: Sequence[Operand]) -> str:
    ex, bu = a
    blank = f'OR({ex}="",{bu}="",{ex}={_NA},{bu}={_NA})'
    return f'IF(AND(ISNUMBER({bu}),{bu}=0),{_NA},IF({blank},"",{ex}/{bu}))'


def _udf_rate(a: Sequence[Operand]) -> str:
    ex, bu = a
    # BL_EXEC_RATE gives #DIV/0! on a zero budget (Excel's own answer, and an S404 error
    # on the form): the template prints "—" there, as the standard rendering does.
    return f"IF(AND(ISNUMBER({bu}),{bu}=0),{_NA},BL_EXEC_RATE({ex},{bu}))"


def _std_fund_score(a: Sequence[Operand]) -> str:
    rate, w = a
    return f'IF(ISNUMBER({rate}),{w}*MIN(MAX(ROUND({rate},2),0),1),IF({rate}={_NA},{_NA},""))'


def _udf_fund_score(a: Sequence[Operand]) -> str:
    rate, w = a
    # BL_FUND_SCORE reads "—" as blank (""): on a zero budget the score is "—" too.
    return f"IF({rate}={_NA},{_NA},BL_FUND_SCORE({rate},{w}))"


def _std_grade(a: Sequence[Operand]) -> str:
    (s,) = a
    body = _q(GRADE_SCALE[-1][1])
    for low, name in reversed(GRADE_SCALE[:-1]):
        body = f"IF(ROUND({s},6)>={low:g},{_q(name)},{body})"
    return f'IF(ISNUMBER({s}),{body},"")'


def _sum_if_any(a: Sequence[Operand]) -> str:
    cells = ",".join(a)
    return f'IF(COUNT({cells})=0,"",SUM({cells}))'


KINDS: dict[str, Kind] = {
    "parts_sum": Kind(None, _sum_if_any, _ref_parts_sum, one_range=True),
    "rate": Kind(_udf_rate, _std_rate, _ref_rate),
    "fund_score": Kind(_udf_fund_score, _std_fund_score, _ref_fund_score),
    "weight_total": Kind(
        None, lambda a: f'IF(COUNT({a[1]})=0,"",{a[0]}+SUM({a[1]}))', _ref_weight_total
    ),
    "score_total": Kind(None, _sum_if_any, _ref_score_total),
    "grade": Kind(lambda a: f"BL_GRADE({a[0]})", _std_grade, _ref_grade),
    "indicator_score": Kind(lambda a: f"BL_IND_SCORE({','.join(a)})", None, _ref_indicator_score),
    "check_row": Kind(lambda a: f"BL_CHECK_ROW({','.join(a)})", None, _ref_check_row),
}


def udf_names() -> tuple[str, ...]:
    """The UDFs the UDF rendering calls, in the order of :data:`COMPUTED`."""
    names: list[str] = []
    for entry in COMPUTED:
        udf = KINDS[entry.kind].udf
        if udf is not None:
            names += re.findall(r"\b(BL_[A-Z_]+)\(", udf(["A1"] * len(entry.args)))
    return tuple(dict.fromkeys(names))


def _range_text(addrs: Sequence[str]) -> str:
    """``['G12', 'G13', 'G14']`` -> ``'G12:G14'``; cells not in one column run stay a list."""
    cells = [parse_address(a) for a in addrs]
    cols = {c for _, c in cells}
    rows = sorted(r for r, _ in cells)
    if len(cols) == 1 and rows == list(range(rows[0], rows[0] + len(rows))):
        col = cols.pop()
        first, last = address(rows[0], col), address(rows[-1], col)
        return first if first == last else f"{first}:{last}"
    return ",".join(addrs)


def _operand_addrs(arg: str, where: Mapping[str, str]) -> list[str]:
    if "*" not in arg:
        return [where[arg]]
    prefix, _, suffix = arg.partition("*")
    n = 0
    out: list[str] = []
    while f"{prefix}{n}{suffix}" in where:
        out.append(where[f"{prefix}{n}{suffix}"])
        n += 1
    return out


def formula(entry: Computed, where: Mapping[str, str], rendering: Rendering) -> str:
    """The entry's formula (with ``=``) in a rendering, cells resolved through ``where``."""
    kind = KINDS[entry.kind]
    addrs = [_operand_addrs(a, where) for a in entry.args]
    if kind.one_range:
        ops = [_range_text([x for group in addrs for x in group])]
    else:
        ops = [_range_text(group) for group in addrs]
    render = kind.udf if rendering == "udf" and kind.udf is not None else kind.standard
    if render is None:
        raise ValueError(f"{entry.path}: the {rendering} rendering has no formula for {entry.kind}")
    return "=" + render(ops)


def reference(entry: Computed, value: Callable[[str], object]) -> object:
    """The entry's value computed with :mod:`budgetlint.scoring` (``""``: empty).

    ``value(path)`` gives the value of a model path (an input, or an earlier
    computed cell); a ``*`` argument of an aggregate entry is passed as the list
    of every row's value.
    """
    args: list[object] = []
    for a in entry.args:
        if "*" in a:
            prefix, _, suffix = a.partition("*")
            vals: list[object] = []
            i = 0
            while True:
                try:
                    vals.append(value(f"{prefix}{i}{suffix}"))
                except KeyError:
                    break
                i += 1
            args.append(vals)
        else:
            args.append(value(a))
    return KINDS[entry.kind].reference(args)


# --------------------------------------------------------------------------- the workbook


@dataclass(frozen=True)
class Form:
    """A rendered form S: where each model path is, and what is computed or typed."""

    sheet: str
    where: dict[str, str]
    computed: list[Computed]
    inputs: list[str]  # model paths of the unlocked cells a department types into
    print_area: str


def _constant(path: str) -> bool:
    """A cell the form prints as a constant (资金分值 10, ``—``): locked, not computed."""
    if path == "fund.total.weight" or path == "total_reason":
        return True
    return path.startswith("fund.") and path.endswith((".weight", ".score"))


def _input_format(path: str) -> str | None:
    field = path.rsplit(".", 1)[-1]
    if path == "amount" or (
        path.startswith("fund.") and field in ("initial", "budget", "executed")
    ):
        return FMT_AMOUNT
    if path.startswith("indicators.") and field == "weight":
        return FMT_WEIGHT
    if path.startswith("indicators.") and field == "score":
        return FMT_SCORE
    return None


def write_form(ws: Worksheet, project: SeedProject, rendering: Rendering) -> Form:
    """Write ``project`` in the canonical layout with the template's computed cells.

    The inputs of ``project`` are typed as a department types them; the values
    it prints in computed cells are replaced by the formulas.  Returns where
    everything is.
    """
    where = write_form_s(ws, project)
    n_rows = len(project.indicators)
    total_row = parse_address(where["total_score"])[0]
    grade_row = total_row + 1
    # An empty indicator row gets no fixed height, so that Excel and WPS grow it to
    # the text a department types into it (a row of fixed height never grows).
    for i, ind in enumerate(project.indicators):
        if not any((ind.name, ind.target, ind.actual, ind.reason)):
            ws.row_dimensions[parse_address(where[f"indicators.{i}.name"])[0]].height = None

    # 评价等级: a row under 总分, laid out like it (label in A, the grade under 得分).
    ws.cell(row=grade_row, column=1, value=LABEL_GRADE).font = _LABEL
    for c in range(1, N_COLUMNS + 1):
        cell = ws.cell(row=grade_row, column=c)
        cell.border = _BORDER
        cell.alignment = _CENTER
        if c != 1:
            cell.font = _BODY
    ws.row_dimensions[grade_row].height = 24
    where["grade"] = address(grade_row, 8)

    if rendering == "udf":
        _helper_columns(ws, where, n_rows)

    computed = computed_cells(n_rows, rendering)
    targets = {c.path for c in computed}
    for entry in computed:
        cell = ws[where[entry.path]]
        cell.value = formula(entry, where, rendering)
        cell.data_type = "f"
        cell.quotePrefix = False
        cell.number_format = entry.number_format
        cell.protection = _LOCKED
        if entry.udf_only:
            cell.alignment = _LEFT if entry.kind == "check_row" else _RIGHT
        else:
            cell.alignment = _CENTER if entry.kind == "grade" else _RIGHT
            cell.fill = _COMPUTED_FILL

    inputs: list[str] = []
    seen: set[str] = set()
    for path, addr in where.items():
        if path in targets or _constant(path) or addr in seen:
            continue
        seen.add(addr)
        inputs.append(path)
        cell = ws[addr]
        cell.protection = _UNLOCKED
        fmt = _input_format(path)
        if fmt:
            cell.number_format = fmt
            if fmt != FMT_WEIGHT:
                cell.alignment = _RIGHT
    _validations(ws, where, n_rows, grade_row)
    _protect(ws)
    page_setup(ws)
    area = f"A1:{column_letter(N_COLUMNS)}{grade_row}"
    ws.print_area = area
    return Form(ws.title, where, computed, inputs, area)


def _helper_columns(ws: Worksheet, where: dict[str, str], n_rows: int) -> None:
    """J–K of the UDF rendering: 建议得分 and 复核提示 beside each indicator row."""
    if n_rows == 0:
        return
    header_row = parse_address(where["indicators.0.name"])[0] - 1
    j, k = N_COLUMNS + 1, N_COLUMNS + 2
    for c, width in zip((j, k), _HELPER_WIDTHS, strict=True):
        ws.column_dimensions[column_letter(c)].width = width
    for c, label in ((j, LABEL_SUGGESTED), (k, LABEL_CHECK)):
        cell = ws.cell(row=header_row, column=c, value=label)
        cell.font = _HELPER
        cell.alignment = _CENTER
        cell.fill = _HELPER_FILL
        cell.border = _HELPER_BORDER
    for i in range(n_rows):
        r = parse_address(where[f"indicators.{i}.name"])[0]
        for c, key in ((j, "suggested"), (k, "check")):
            cell = ws.cell(row=r, column=c)
            cell.font = _HELPER
            cell.fill = _HELPER_FILL
            cell.border = _HELPER_BORDER
            where[f"indicators.{i}.{key}"] = cell.coordinate


def _list(values: Iterable[str], prompt: str) -> DataValidation:
    dv = DataValidation(
        type="list",
        formula1=_q(",".join(values)),
        allow_blank=True,
        showErrorMessage=True,
        showInputMessage=True,
        errorStyle="warning",
    )
    dv.errorTitle = "不在列表中"
    dv.error = f"建议从下拉列表中选择{prompt}。"
    dv.promptTitle = prompt
    dv.prompt = f"从下拉列表中选择{prompt}"
    return dv


LEVEL1_CHOICES: tuple[str, ...] = (*(name for name, _ in TEMPLATE_LEVELS), "成本指标")
LEVEL2_CHOICES: tuple[str, ...] = tuple(
    dict.fromkeys(name for _, names in TEMPLATE_LEVELS for name in names)
)


def _validations(ws: Worksheet, where: Mapping[str, str], n_rows: int, grade_row: int) -> None:
    if n_rows:
        first = parse_address(where["indicators.0.name"])[0]
        last = parse_address(where[f"indicators.{n_rows - 1}.name"])[0]
        for col, choices, what in (
            ("B", LEVEL1_CHOICES, "一级指标"),
            ("C", LEVEL2_CHOICES, "二级指标"),
        ):
            dv = _list(choices, what)
            dv.add(f"{col}{first}:{col}{last}")
            ws.add_data_validation(dv)
    dv = _list(GRADE_WORDS, LABEL_GRADE)
    dv.add(where["grade"])
    ws.add_data_validation(dv)


def _protect(ws: Worksheet) -> None:
    """Protected without a password; formatting and row insertion/deletion allowed."""
    p = ws.protection
    p.sheet = True
    p.formatCells = False
    p.formatColumns = False
    p.formatRows = False
    p.insertRows = False
    p.deleteRows = False


# --------------------------------------------------------------------------- 说明 and config


def help_lines(form: Form, rendering: Rendering) -> list[tuple[str, str]]:
    """The 说明 sheet as (style, text) lines: style ``title``, ``head`` or ``text``.

    The list of computed cells comes from the description, with the cells of
    ``form`` (the blank template) each entry fills.
    """
    std, udf = (TEMPLATE_PATHS[r].name for r in ("standard", "udf"))
    this = std if rendering == "standard" else udf
    lines: list[tuple[str, str]] = [
        ("title", "填写与检查说明"),
        (
            "text",
            f"本文件是《{this}》，一个项目填一张“{TEMPLATE_SHEET}”工作表。"
            "空白的白色单元格由填报单位填写；灰色单元格自动计算，已锁定，不需要也不能填写。",
        ),
        ("head", "一、怎样填写"),
        (
            "text",
            "1. 项目名称、项目金额（元）、主管部门（名称或代码）、实施单位：按预算批复填写。",
        ),
        (
            "text",
            "2. 项目资金（元）：在“其中：当年财政拨款”“上年结转资金”“其他资金”三行分别填写"
            "年初预算数、全年预算数和全年执行数，没有的填 0；“年度资金总额”一行由三行相加得出。",
        ),
        ("text", "3. 年度总体目标：分别填写预期目标和实际完成情况。"),
        (
            "text",
            "4. 年度绩效指标：一级指标、二级指标可从下拉列表中选择；每行填写一个三级指标及其"
            "年度指标值（如“30 期”“≥90%”“<98.7 万元”“及时”）、实际完成值、分值和得分。"
            "各指标分值之和应为 90（资金 10 分，合计 100 分）。指标行不够时，在两行指标之间"
            "插入行（合计公式会包含新插入的行），多余的行留空即可。",
        ),
        (
            "text",
            "5. 得分由填报单位自评填写：目标达成得满分；数量指标未达成按 实际完成值 ÷ 年度指标值 × 分值"
            " 计算；严格界限（如“>90%”）恰好等于界值不算达成；定性指标未达成的得分需酌情判断。"
            "得分低于分值时，必须在“偏差原因分析及改进措施”中写明原因。",
        ),
        ("head", "二、自动计算的单元格"),
    ]
    cells: dict[str, list[str]] = {}
    for entry in form.computed:
        cells.setdefault(entry.what, []).append(form.where[entry.path])
    for what, addrs in cells.items():
        lines.append(("text", f"· {_cells_text(addrs)}：{what}"))
    lines += [
        ("head", "三、两个版本"),
        (
            "text",
            f"《{std}》只用标准函数（ROUND、MIN、IF、SUM 等），适用于 WPS、LibreOffice 和"
            "未安装 budgetlint 加载项的 Excel。",
        ),
        (
            "text",
            f"《{udf}》用 budgetlint 加载项的 BL_ 函数（{'、'.join(udf_names())}）计算，"
            "并在打印区域右侧的 J、K 两列给出每个"
            "指标的建议得分和复核提示（不打印）。需要在 Excel 中安装 budgetlint 加载项；隐藏的"
            f"“{CONFIG_SHEET}”工作表告诉加载项从哪个 Python 模块导入这些函数"
            f"（{CONFIG[0][0]} = {CONFIG[0][1]}），请勿删除。未安装加载项时这些单元格显示"
            " #NAME?，请改用标准函数版。",
        ),
        ("head", HELP_PAGE_BREAK_BEFORE),
        (
            "text",
            "填好并保存后，用 budgetlint 复核：budgetlint check 文件名.xlsx 列出发现的问题"
            "（错误、警告、提示），每条都指明单元格、应为多少和计算方法；"
            "budgetlint check 文件名.xlsx --annotate 已标注 写出标注副本（错误标红、警告标黄、"
            "提示标蓝，并加批注）。",
        ),
        (
            "text",
            "常见问题：得分超过分值；目标已达成却扣分；得分低于分值却没有写偏差原因，或写“无偏差”；"
            "各项分值之和不是 100；总分与各项得分之和不符。",
        ),
        ("head", "五、工作表保护"),
        (
            "text",
            "工作表已保护，但没有密码：需要修改表格结构时，在“审阅”选项卡中点“撤销工作表保护”"
            "即可（WPS 同样在“审阅”中）。改动公式后，自动计算的结果由填报单位负责核对。",
        ),
    ]
    return lines


def _cells_text(addrs: Sequence[str]) -> str:
    """``['C5', 'D5', 'E5']`` -> ``'C5、D5、E5'``; a column run -> ``'J12:J29'``."""
    if len(addrs) > 4:
        return _range_text(addrs).replace(",", "、")
    return "、".join(addrs)


def _help_sheet(wb: Workbook, form: Form, rendering: Rendering) -> None:
    ws = wb.create_sheet(HELP_SHEET)
    width = _HELP_WIDTH
    ws.column_dimensions["A"].width = width
    fonts = {
        "title": Font(name=_FONT, size=14, bold=True),
        "head": Font(name=_FONT, size=11, bold=True),
        "text": Font(name=_FONT, size=10),
    }
    for r, (style, text) in enumerate(help_lines(form, rendering), 1):
        cell = ws.cell(row=r, column=1, value=text)
        cell.font = fonts[style]
        cell.alignment = Alignment(
            horizontal="center" if style == "title" else "left", vertical="top", wrap_text=True
        )
        # Neither Excel nor LibreOffice fits a wrapped row on opening: the height is set
        # for Excel's widths (a CJK character is about two width units).
        points = {"title": 20.0, "head": 16.0, "text": 13.5}[style]
        ws.row_dimensions[r].height = text_lines(text, width) * points + 4
        if text == HELP_PAGE_BREAK_BEFORE:
            ws.row_breaks.append(Break(id=r - 1))  # 四、检查 starts the second page
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "portrait"
    ws.page_margins.left = ws.page_margins.right = 0.6
    ws.page_margins.top = ws.page_margins.bottom = 0.7
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_area = f"A1:A{ws.max_row}"
    ws.protection.sheet = True


def _config_sheet(wb: Workbook) -> None:
    ws = wb.create_sheet(CONFIG_SHEET)
    for r, (key, value) in enumerate(CONFIG, 1):
        ws.cell(row=r, column=1, value=key)
        ws.cell(row=r, column=2, value=value)
    ws.column_dimensions["A"].width = 16
    ws.column_dimensions["B"].width = 24
    ws.sheet_state = "hidden"


def form_workbook(
    project: SeedProject | None = None, rendering: Rendering = "standard"
) -> tuple[Workbook, Form]:
    """A workbook with one form S (the blank template when ``project`` is None)."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = TEMPLATE_SHEET
    form = write_form(ws, project or template_project(), rendering)
    _help_sheet(wb, form, rendering)
    if rendering == "udf":
        _config_sheet(wb)
    wb.active = 0
    wb.calculation.fullCalcOnLoad = True
    return wb, form


def template_workbook(rendering: Rendering = "standard") -> Workbook:
    """The blank template in ``rendering``."""
    return form_workbook(None, rendering)[0]


# --------------------------------------------------------------------------- saving

_FORMULA_CELL = re.compile(rb'<c r="([A-Z]+\d+)"([^>]*)><f>([^<]*)</f><v\s*/?>(?:</v>)?</c>')


def with_cached_values(data: bytes, sheet_values: Mapping[str, Mapping[str, object]]) -> bytes:
    """The .xlsx ``data`` with cached values for formula cells.

    ``sheet_values`` maps a worksheet part (``xl/worksheets/sheet1.xml``) to
    address -> value (``""`` for an empty text result, a number otherwise).
    openpyxl writes formulas without results; a reader of the saved file would
    see every formula cell empty and uncalculated.
    """
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            values = sheet_values.get(info.filename)
            if values:

                def fill(m: re.Match[bytes], values: Mapping[str, object] = values) -> bytes:
                    addr = m.group(1).decode()
                    if addr not in values:
                        return m.group(0)
                    v = values[addr]
                    attrs = re.sub(rb'\s+t="[^"]*"', b"", m.group(2))
                    if isinstance(v, (int, float)) and not isinstance(v, bool):
                        t, text = b"", repr(float(v)).encode()
                    else:
                        t, text = b' t="str"', _xml_escape(str(v)).encode()
                    return (
                        b'<c r="'
                        + m.group(1)
                        + b'"'
                        + attrs
                        + t
                        + b"><f>"
                        + m.group(3)
                        + b"</f><v>"
                        + text
                        + b"</v></c>"
                    )

                body = _FORMULA_CELL.sub(fill, body)
            dst.writestr(info, body)
    return out.getvalue()


def _xml_escape(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def computed_values(form: Form, ws: Worksheet) -> dict[str, object]:
    """Address -> the value of each computed cell of ``form`` by :func:`reference`.

    The inputs are the values typed into ``ws``.  Used for the cached values of
    the blank templates (every computed cell of a blank form is empty).
    """
    values: dict[str, object] = {}

    def value(path: str) -> object:
        if path in values:
            return values[path]
        if path not in form.where:
            raise KeyError(path)
        return ws[form.where[path]].value

    out: dict[str, object] = {}
    for entry in form.computed:
        v = reference(entry, value)
        if v is None:  # a judgement: the UDF's text, which the reference does not reproduce
            raise ValueError(f"{entry.path}: the value is a text only the UDF writes")
        values[entry.path] = v
        out[form.where[entry.path]] = v
    return out


def template_bytes(rendering: Rendering) -> bytes:
    """The blank template as deterministic .xlsx bytes, with the blank form's cached values."""
    wb, form = form_workbook(None, rendering)
    cached = computed_values(form, wb[form.sheet])
    return with_cached_values(to_bytes(wb), {"xl/worksheets/sheet1.xml": cached})


def write_template(path: str | Path, rendering: Rendering = "standard") -> Path:
    """Write the blank template in ``rendering`` to ``path``."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(template_bytes(rendering))
    return p


def write_templates(folder: str | Path) -> list[Path]:
    """Write both renderings into ``folder`` atomically (the CLI's ``templates build``)."""
    from budgetlint.outfile import write_bytes

    return [
        write_bytes(Path(folder) / TEMPLATE_PATHS[r].name, template_bytes(r)) for r in RENDERINGS
    ]


def build_all(root: Path) -> list[Path]:
    """The builder ``python -m budgetlint.build`` runs: the UDF rendering.

    The standard rendering is the canonical template
    (:data:`budgetlint.build.canonical.TEMPLATE_PATH`), written by
    :func:`budgetlint.build.canonical.build_examples`.
    """
    return [write_template(root / TEMPLATE_PATHS["udf"], "udf")]
