"""Reader of form P (项目绩效情况自评表, FORMS.md "Form P"), from any layout.

A form P prints a title (``…项目绩效情况自评表``, often under ``附件1-17``), the texts of
一、项目概况 under their headings, and three blocks, each found by its labels:

1. (一) 资金安排情况: a matrix of rows (1)–(8), each found by its label or by its 行次
   (``(5) = (3) - (4)``), and ten value columns found by their two-level header
   (财政资金 over 小计 · 中央级 · 省级 · 市级 · 区县转移, 其他资金 over 小计 · 单位自有 ·
   银行贷款等 · 社会资本: the two 小计 are told apart by the group above them);
2. (二) 资金使用情况: 项目支出内容 · 实际支出数 (合计, 财政资金支出数, 其他资金支出数) ·
   财政资金专款专用数, its 合计 row and its item rows;
3. 项目自评价评分表: 一级 rows with their weight, 二级 subtotal rows (often only a
   weight), 三级 items, 总计 and 评价等级.

Nothing is read from a fixed address; a block that is not found is None.  A cell
that does not hold what its column expects (a text in a number column) is read as
a :class:`~budgetlint.model.Field` with the value None and its raw kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from budgetlint.forms.cells import CellReader, key, read_recomputed
from budgetlint.forms.form_s import sheet_labels
from budgetlint.grid import Sheet
from budgetlint.model import Field, SheetRead
from budgetlint.model_p import (
    MATRIX_COLUMNS,
    MATRIX_RATES,
    MATRIX_ROWS,
    FormP,
    FundMatrix,
    FundUse,
    Level1,
    MatrixRow,
    Scorecard,
    ScoreItem,
    Subtotal,
    UseRow,
)
from budgetlint.settings import Settings
from budgetlint.text import norm, simplified, split_label_weight, strip_paren
from budgetlint.values import parse_number

__all__ = ["FAMILY", "is_form_p", "level1_key", "read_form_p", "read_sheet_p"]

FAMILY = "project_p"
TITLE_SUFFIX = "项目绩效情况自评表"
OVERVIEW = "项目概况"  # 一、项目概况

# --- labels (normalised keys: budgetlint.text.norm) ------------------------------------

MATRIX_HEADING = "资金安排情况"
USE_HEADING = "资金使用情况"
#: Labels of the matrix rows beyond MATRIX_ROWS' own.
MATRIX_ROW_LABELS: dict[str, tuple[str, ...]] = {
    "budget": ("预算安排", "预算安排数", "预算数"),
    "invested": ("项目实际投入", "实际投入"),
    "arrived": ("资金到位", "到位资金", "资金到位数"),
    "spent": ("实际支出", "实际支出数"),
    "balance": ("资金结余", "结余资金", "结余"),
    "exec_rate": ("预算执行率", "执行率"),
    "arrival_rate": ("资金到位率", "到位率"),
    "spend_rate": ("资金实际支出率", "实际支出率", "支出率"),
}
#: The 行次 number of each matrix row.
MATRIX_LINES: dict[int, str] = {int(line.strip("()")): k for k, (_, line) in MATRIX_ROWS.items()}
#: Sub-header labels of the matrix: label -> column key (小计 depends on its group).
MATRIX_PARTS: dict[str, str] = {
    "中央级": "central",
    "中央": "central",
    "省级": "province",
    "省": "province",
    "市级": "city",
    "市": "city",
    "区县转移": "county",
    "区县级": "county",
    "区县": "county",
    "单位自有": "own",
    "单位自有资金": "own",
    "银行贷款等": "loan",
    "银行贷款": "loan",
    "社会资本": "social",
    "财政资金小计": "fiscal",
    "其他资金小计": "other",
}
FISCAL_GROUP = ("财政资金", "财政性资金", "财政拨款")
OTHER_GROUP = ("其他资金",)

USE_COLUMNS: dict[str, tuple[str, ...]] = {
    "label": ("项目支出内容", "支出内容", "项目支出明细"),
    "total": ("合计", "实际支出数", "实际支出数合计", "实际支出合计"),
    "fiscal": ("财政资金支出数", "财政资金支出", "财政资金"),
    "other": ("其他资金支出数", "其他资金支出", "其他资金"),
    "earmarked": ("财政资金专款专用数", "专款专用数", "财政资金专款专用"),
}
TOTAL_ROW_LABELS = ("合计", "总计")

SCORE_COLUMNS: dict[str, tuple[str, ...]] = {
    "level1": ("一级指标",),
    "level2": ("二级指标",),
    "name": ("三级指标", "指标名称", "三级指标名称"),
    "weight": ("权重", "分值", "权重分", "指标权重"),
    "target": ("目标值", "年度指标值", "指标值", "年度目标值"),
    "actual": ("业绩值", "实际完成值", "完成值", "实际值"),
    "score": ("评分结果", "得分", "评分", "自评得分"),
    "criterion": ("评分标准", "评分办法", "评分细则", "评分规则"),
}
SCORE_TOTAL_LABELS = ("总计", "合计", "总分", "总得分", "得分合计")
GRADE_LABELS = ("评价等级", "自评等级", "绩效等级", "等级")
#: 一级 names as the model keys them.
LEVEL1_KEYS: dict[str, tuple[str, ...]] = {
    "投入和管理目标": (
        "投入和管理目标",
        "投入与管理目标",
        "投入和管理",
        "投入管理目标",
        "投入和管理指标",
        "投入与管理指标",
    ),
    "产出目标": ("产出目标", "产出指标", "产出"),
    "效果目标": ("效果目标", "效果指标", "效益目标", "效益指标", "效果"),
    "影响力目标": ("影响力目标", "影响力指标", "影响力"),
}
_LEVEL1_CANON = {s: k for k, syns in LEVEL1_KEYS.items() for s in syns}

_ANNEX = re.compile(r"^(附[件表]\d+(?:-\d+)?)[:：]?")  # 附件1-17, 附表1 (a block's own)
_ANNEX_RAW = re.compile(r"^\s*附\s*[件表]\s*\d+(?:\s*[-－—]\s*\d+)?\s*[:：]?\s*")
_TITLE_TAIL = re.compile(r"\s*项\s*目\s*绩\s*效\s*情\s*况\s*自\s*评\s*表\s*$")
_SCORECARD_TAIL = re.compile(r"\s*项\s*目\s*自\s*我?\s*评\s*价\s*评\s*分\s*表\s*$")
_HEADING_NO = re.compile(r"^\(([一二三四五六七八九十]+)\)(.+)$")
_SECTION_NO = re.compile(r"^[一二三四五六七八九十]+、")
_LINE_NO = re.compile(r"^\(?(\d)\)?(?:$|=)")
_UNIT_WAN = re.compile(r"(?:单位|金额)[:：]?万元|\(万元\)")
_HEADING_MAX = 14  # a heading is a few words, not a paragraph
_GRADE_MAX = 12


# --- recognising a form P --------------------------------------------------------------


def _is_scorecard_title(k: str) -> bool:
    return len(k) <= 40 and k.endswith("评分表") and ("自评价" in k or "自我评价" in k)


def is_form_p(labels: list[str]) -> bool:
    """The labels of a form P: 资金安排情况, a 项目自评价评分表 title, or the scorecard header.

    ``labels`` are normalised (:func:`budgetlint.forms.form_s.sheet_labels`).  A title
    ending in 项目绩效情况自评表 alone is not enough: an index or a narrative names them.
    """
    keys = set(labels)
    if any(MATRIX_HEADING in k and len(k) <= 20 for k in labels):
        return True
    if any(_is_scorecard_title(k) for k in labels):
        return True
    return "评分标准" in keys and "权重" in keys and "评分结果" in keys


def read_sheet_p(
    sheet: Sheet, settings: Settings | None = None, *, labels: list[str] | None = None
) -> SheetRead | None:
    """Read ``sheet`` as a form P; None when it is not one (another reader tries it).

    ``settings`` is accepted for the readers' common signature; reading a form P
    takes no setting.  ``labels``: the sheet's labels, when the caller has them.
    """
    labels = sheet_labels(sheet) if labels is None else labels
    if not is_form_p(labels):
        return None
    form = read_form_p(sheet)
    if form.matrix is None and form.use is None and form.scorecard is None:
        return SheetRead(
            sheet.name,
            "unrecognized",
            family=FAMILY,
            labels=labels[:30],
            reason="版式未识别：项目绩效情况自评表中找不到资金安排情况、资金使用情况和评分表的表头",
        )
    return SheetRead(sheet.name, "form", form=form, family=FAMILY, labels=labels[:30])


def read_form_p(sheet: Sheet) -> FormP:
    """Every block of a form P that the sheet prints (a block not found is None)."""
    ctx = CellReader(sheet)
    form = FormP(sheet=sheet.name, family=FAMILY)
    marks = _marks(ctx)
    sheet_unit = "万元" if marks.sheet_wan else "元"
    form.matrix = _read_matrix(ctx, marks, sheet_unit)
    form.use = _read_use(ctx, marks, sheet_unit)
    form.scorecard = _read_scorecard(ctx, marks)
    _read_title(ctx, form, marks)
    _read_texts(ctx, form, marks)
    form.uncached_formulas = [sheet.ref(r, c) for r, c in sheet.uncached()]
    read_recomputed(sheet, form)
    return form


# --- where the blocks are --------------------------------------------------------------


@dataclass
class _Marks:
    """Rows where blocks and sections start, found once from the sheet's labels."""

    matrix_heading: int | None = None
    use_heading: int | None = None
    scorecard_titles: list[tuple[int, int]] = field(default_factory=list)  # 评分表 titles
    sections: list[int] = field(default_factory=list)  # 一、… headings, 附件1-2 / 附表1 lines
    sheet_wan: bool = False  # 单位：万元 printed somewhere on the sheet

    def after(self, r: int, *extra: int | None) -> int:
        """The first block mark below row ``r`` (a block read from ``r`` ends before it)."""
        cands = [
            x
            for x in (
                self.matrix_heading,
                self.use_heading,
                *(t[0] for t in self.scorecard_titles),
                *self.sections,
                *extra,
            )
            if x is not None and x > r
        ]
        return min(cands, default=10**9)


def _marks(ctx: CellReader) -> _Marks:
    m = _Marks()
    for r, c, v in ctx.cells:
        k = key(v)
        if not k or len(k) > 40:
            continue
        if MATRIX_HEADING in k and len(k) <= 20 and m.matrix_heading is None:
            m.matrix_heading = r
        elif USE_HEADING in k and len(k) <= 20 and m.use_heading is None:
            m.use_heading = r
        if _is_scorecard_title(k):
            m.scorecard_titles.append((r, c))
        if (_SECTION_NO.match(k) or _ANNEX.match(k)) and len(k) <= 20:
            m.sections.append(r)
        if _UNIT_WAN.search(k) and (k.startswith(("单位", "金额")) or len(k) <= 8):
            m.sheet_wan = True
    return m


def _block_unit(ctx: CellReader, first: int, last: int, default: str) -> str:
    """万元 when the block's heading or header rows (``first``–``last``) say so."""
    for r in range(first, last + 1):
        for _, v in ctx.row(r):
            k = key(v)
            if "万元" in k and len(k) <= 30:
                return "万元"
            if k.endswith("(元)") or re.search(r"(?:单位|金额)[:：]?元$", k):
                return "元"
    return default


def _next_row(ctx: CellReader, r: int, limit: int = 3) -> int | None:
    """The first non-empty row below ``r`` (at most ``limit`` rows on)."""
    for rr in range(r + 1, r + 1 + limit):
        if ctx.row(rr):
            return rr
    return None


def _is_number(v: object) -> bool:
    return parse_number(v) is not None


# --- (一) 资金安排情况 ------------------------------------------------------------------


def _row_key(k: str) -> str | None:
    """The matrix row a label names: ``预算执行率 (%)`` -> exec_rate."""
    base = k
    for _ in range(3):
        stripped = strip_paren(base).rstrip("%")
        if stripped == base:
            break
        base = stripped
    base = re.sub(r"^其中[:：]?", "", base)
    for rk, syns in MATRIX_ROW_LABELS.items():
        if base in syns:
            return rk
    return None


def _line_key(v: object) -> str | None:
    """The matrix row a 行次 cell names: ``(5) = (3) - (4)`` -> balance, ``1`` -> budget."""
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return MATRIX_LINES.get(int(v)) if float(v).is_integer() else None
    m = _LINE_NO.match(key(v))
    return MATRIX_LINES.get(int(m.group(1))) if m else None


@dataclass
class _MatrixHeader:
    row: int
    last_row: int
    cols: dict[str, int]  # MATRIX_COLUMNS key -> column
    names: dict[str, tuple[int, int]]  # MATRIX_COLUMNS key -> the header cell naming it
    label_col: int | None
    line_col: int | None
    anchor: tuple[int, int]


def _span(ctx: CellReader, r: int, c: int, top: list[tuple[int, object]]) -> tuple[int, int]:
    """The columns a group label covers: its merged range, else up to the next label."""
    m = ctx.sheet.merged_at(r, c)
    if m is not None and m.max_col > m.min_col:
        return m.min_col, m.max_col
    nxt = [cc for cc, v in top if cc > c and key(v)]
    return c, (min(nxt) - 1 if nxt else 10**6)


def _matrix_header(ctx: CellReader, start: int) -> _MatrixHeader | None:
    """The matrix header from row ``start``: a row with 合计 and 财政资金 or 其他资金."""
    for r in ctx.row_numbers:
        if r < start:
            continue
        top = ctx.row(r)
        keys = {c: key(v) for c, v in top}
        fiscal = [c for c, k in keys.items() if k in FISCAL_GROUP]
        other = [c for c, k in keys.items() if k in OTHER_GROUP]
        direct = {c: MATRIX_PARTS[k] for c, k in keys.items() if k in MATRIX_PARTS}
        total = [c for c, k in keys.items() if k == "合计"]
        if not total or not (fiscal or other or direct):
            continue
        cols: dict[str, int] = {"total": total[0]}
        names: dict[str, tuple[int, int]] = {"total": (r, total[0])}
        for c, ck in direct.items():
            cols.setdefault(ck, c)
            names.setdefault(ck, (r, c))
        spans = {
            "fiscal": _span(ctx, r, fiscal[0], top) if fiscal else None,
            "other": _span(ctx, r, other[0], top) if other else None,
        }
        sub = _next_row(ctx, r, 2)
        last = r
        if sub is not None and not any(_is_number(v) for _, v in ctx.row(sub)):
            found = False
            for c, v in ctx.row(sub):
                k = key(v)
                if k == "小计" or k == "合计":
                    group = next(
                        (g for g, s in spans.items() if s is not None and s[0] <= c <= s[1]), None
                    )
                    if k == "合计" and group is None:
                        ck = "total"
                    elif group is None:  # no group above: the first 小计 is the fiscal one
                        ck = "fiscal" if "fiscal" not in cols else "other"
                    else:
                        ck = group
                elif k in MATRIX_PARTS:
                    ck = MATRIX_PARTS[k]
                else:
                    continue
                found = True
                if ck == "total" and "total" in cols:
                    continue
                if ck not in cols or names[ck][0] == r:
                    cols[ck], names[ck] = c, (sub, c)
            if found:
                last = sub
        if len(cols) < 2:
            continue
        label_col = next((c for c, k in keys.items() if k == "项目"), None)
        line_col = next((c for c, k in keys.items() if k == "行次"), None)
        anchor = (r, label_col) if label_col is not None else (r, min(c for c, _ in top))
        return _MatrixHeader(r, last, cols, names, label_col, line_col, anchor)
    return None


def _read_matrix(ctx: CellReader, marks: _Marks, sheet_unit: str) -> FundMatrix | None:
    start = marks.matrix_heading or 1
    h = _matrix_header(ctx, start)
    if h is None and marks.matrix_heading is not None:
        h = _matrix_header(ctx, 1)
    if h is None:
        return None
    sheet = ctx.sheet
    first = marks.matrix_heading if marks.matrix_heading is not None else max(1, h.row - 2)
    unit = _block_unit(ctx, min(first, h.row), h.last_row, sheet_unit)
    ctx.amount_unit = unit
    first_value = min(h.cols.values())
    end = marks.after(h.last_row)
    matrix = FundMatrix(header=sheet.ref(*h.anchor), unit=unit)
    matrix.columns = {ck: ctx.text(*rc) for ck, rc in h.names.items()}
    for r in ctx.row_numbers:
        if r <= h.last_row or r >= end:
            continue
        if len(matrix.rows) == len(MATRIX_ROWS):
            break
        label_c: int | None = None
        rk: str | None = None
        for c, v in ctx.row(r):
            if c >= first_value and c not in (h.label_col, h.line_col):
                break
            if c == h.line_col:
                continue
            rk = _row_key(key(v))
            if rk is not None:
                label_c = c
                break
        # the 行次 decides when it names a row: a label may be clipped (附件2 prints 余,
        # 排, 实际支出 for (8)); the label decides where there is no 行次
        line_rk = _line_key(sheet.value(r, h.line_col)) if h.line_col is not None else None
        if line_rk is not None:
            rk = line_rk
        if rk is None or rk in matrix.rows:
            continue
        if label_c is None:
            label_c = h.label_col if h.label_col is not None else (h.line_col or first_value - 1)
        label = ctx.text(r, label_c)
        rate = rk in MATRIX_RATES
        percent = rate and "%" in key(label.raw)
        cells: dict[str, Field[float]] = {}
        for ck in MATRIX_COLUMNS:
            c = h.cols.get(ck)
            if c is None:
                continue
            f = (
                ctx.number(r, c, "rate", percent_column=percent, computed=True)
                if rate
                else ctx.number(r, c, "amount")
            )
            if f is not None:
                cells[ck] = f
        line = ctx.text(r, h.line_col) if h.line_col is not None else None
        matrix.rows[rk] = MatrixRow(rk, label, line, cells)
    ctx.amount_unit = "元"
    return matrix if matrix.rows else None


# --- (二) 资金使用情况 ------------------------------------------------------------------


def _column_of(k: str, columns: dict[str, tuple[str, ...]]) -> str | None:
    if not k:
        return None
    base = strip_paren(k)
    for name, syns in columns.items():
        if k in syns or base in syns:
            return name
    return None


@dataclass
class _Header:
    row: int
    last_row: int
    cols: dict[str, int]


def _two_row_header(
    ctx: CellReader, r: int, columns: dict[str, tuple[str, ...]], *, prefer_sub: tuple[str, ...]
) -> _Header:
    """The columns of a header on row ``r`` and, when it carries labels and no number, the next.

    A column is named by its own second-row label first (合计 under 实际支出数), else by
    the first-row label over it.
    """
    cols: dict[str, int] = {}
    for c, v in ctx.row(r):
        name = _column_of(key(v), columns)
        if name is not None and name not in cols:
            cols[name] = c
    last = r
    sub = _next_row(ctx, r, 1)
    if sub is not None:
        row = ctx.row(sub)
        named = [(c, _column_of(key(v), columns)) for c, v in row]
        if any(n for _, n in named) and not any(_is_number(v) for _, v in row):
            last = sub
            for c, name in named:
                if name is None:
                    continue
                if name not in cols or name in prefer_sub:
                    cols[name] = c
    return _Header(r, last, cols)


def _read_use(ctx: CellReader, marks: _Marks, sheet_unit: str) -> FundUse | None:
    sheet = ctx.sheet
    start = marks.use_heading or 1
    h: _Header | None = None
    for r in ctx.row_numbers:
        if r < start:
            continue
        if any(_column_of(key(v), {"label": USE_COLUMNS["label"]}) for _, v in ctx.row(r)):
            cand = _two_row_header(ctx, r, USE_COLUMNS, prefer_sub=("total",))
            if "label" in cand.cols and len(cand.cols) >= 2:
                h = cand
                break
    if h is None:
        return None
    first = marks.use_heading if marks.use_heading is not None else max(1, h.row - 2)
    unit = _block_unit(ctx, min(first, h.row), h.last_row, sheet_unit)
    ctx.amount_unit = unit
    label_c = h.cols["label"]
    values = [c for n, c in h.cols.items() if n != "label"]
    first_value = min(values)
    use = FundUse(header=sheet.ref(h.row, label_c), unit=unit)
    end = marks.after(h.last_row)
    for r in ctx.row_numbers:
        if r <= h.last_row or r >= end:
            continue
        row = ctx.row(r)
        lc = next((c for c, v in row if c < first_value and key(v)), None)
        if lc is None and not any(c in values for c, _ in row):
            continue
        label = ctx.text(r, lc if lc is not None else label_c)
        k = key(label.raw)
        if k.startswith("注") or _column_of(k, {"label": USE_COLUMNS["label"]}):
            continue  # a note, or the header repeated
        use.rows.append(
            UseRow(
                label=label,
                total=ctx.number(r, h.cols.get("total"), "amount"),
                fiscal=ctx.number(r, h.cols.get("fiscal"), "amount"),
                other=ctx.number(r, h.cols.get("other"), "amount"),
                earmarked=ctx.number(r, h.cols.get("earmarked"), "amount"),
                is_total=k in TOTAL_ROW_LABELS,
            )
        )
    ctx.amount_unit = "元"
    return use if use.rows else None


# --- 三、项目自评价评分表 -----------------------------------------------------------------


def _scorecard_header(ctx: CellReader, start: int) -> _Header | None:
    for r in ctx.row_numbers:
        if r < start:
            continue
        if not any(key(v) in SCORE_COLUMNS["name"] for _, v in ctx.row(r)):
            continue
        h = _two_row_header(ctx, r, SCORE_COLUMNS, prefer_sub=())
        if "name" in h.cols and "weight" in h.cols and ("score" in h.cols or "criterion" in h.cols):
            return h
    return None


def _is_header_row(keys: list[tuple[int, str]]) -> bool:
    """A row (its cells' keys) that repeats the 评分表 header: three column labels or more."""
    return sum(1 for _, k in keys if _column_of(k, SCORE_COLUMNS)) >= 3


def level1_key(name: str) -> str:
    """A 一级 name as the model keys it (投入与管理目标 -> 投入和管理目标); unknown names as they are."""
    k = norm(name)
    return _LEVEL1_CANON.get(k, _LEVEL1_CANON.get(strip_paren(k), k))


def _read_scorecard(ctx: CellReader, marks: _Marks) -> Scorecard | None:
    sheet = ctx.sheet
    titles = marks.scorecard_titles
    start = min((t[0] for t in titles), default=1)
    h = _scorecard_header(ctx, start) or (_scorecard_header(ctx, 1) if titles else None)
    if h is None:
        return None
    cols = h.cols
    card = Scorecard(header=sheet.ref(h.row, min(cols.values())))
    above = [t for t in titles if t[0] <= h.row]
    if above:
        plain = [t for t in above if not _SECTION_NO.match(key(sheet.value(*t)))]
        card.title = ctx.text(*(plain or above)[-1])
    name_c = cols["name"]
    wc, sc = cols.get("weight"), cols.get("score")
    label_cols = [c for n, c in cols.items() if n in ("level1", "level2", "name")]
    left_of_values = min(c for n, c in cols.items() if n not in ("level1", "level2", "name"))
    end = marks.after(h.last_row)
    l1: Level1 | None = None
    sub: Subtotal | None = None

    def current_level1(r: int) -> Level1:
        nonlocal l1
        if l1 is None:  # rows before any 一级 row: a 一级 without a name
            c = cols.get("level1", min(label_cols))
            l1 = Level1(label=ctx.text(r, c), key="")
            card.level1.append(l1)
        return l1

    for r in ctx.row_numbers:
        if r <= h.last_row or r >= end:
            continue
        row = ctx.row(r)
        keys = [(c, key(v)) for c, v in row]
        if _is_header_row(keys):
            card.skipped.append((r, "重复的表头"))
            continue
        total_c = next(
            (c for c, k in keys if c < left_of_values and strip_paren(k) in SCORE_TOTAL_LABELS),
            None,
        )
        if total_c is not None:
            card.total_label = ctx.text(r, total_c)
            card.total_weight = ctx.number(r, wc)
            card.total_score = ctx.number(r, sc, "score")
            if card.total_score is None or card.total_score.blank:
                nc = next(
                    (c for c, v in row if c > (wc or total_c) and c != wc and _is_number(v)), None
                )
                if nc is not None:
                    card.total_score = ctx.number(r, nc, "score")
            continue
        grade_c = next(
            (c for c, k in keys if c < left_of_values and strip_paren(k) in GRADE_LABELS), None
        )
        if grade_c is not None:
            card.grade_label = ctx.text(r, grade_c)
            card.grade = _grade(ctx, r, grade_c, sc)
            break
        l1_cell = ctx.text(r, cols.get("level1"))
        l2_cell = ctx.text(r, cols.get("level2"))
        name = ctx.text(r, name_c)
        weight = ctx.number(r, wc)
        has_weight = weight is not None and not weight.blank
        if l1_cell is not None and l1_cell.value:
            nm, label_w = split_label_weight(norm(l1_cell.value))
            k1 = level1_key(nm)
            if l1 is None or k1 != l1.key:
                l1 = Level1(label=l1_cell, key=k1)
                card.level1.append(l1)
                sub = None
                if name.value is None and not (l2_cell is not None and l2_cell.value):
                    l1.weight = (
                        weight
                        if has_weight or label_w is None
                        else Field(l1_cell.ref, l1_cell.raw, label_w)
                    )
                    score = ctx.number(r, sc, "score")
                    l1.score = score if score is not None and not score.blank else None
                    continue
                if label_w is not None:
                    l1.weight = Field(l1_cell.ref, l1_cell.raw, label_w)
        if l2_cell is not None and l2_cell.value and (sub is None or sub.name != l2_cell.value):
            owner = current_level1(r)
            _, w2 = split_label_weight(norm(l2_cell.value))
            if name.value is None:
                sw = weight if has_weight or w2 is None else Field(l2_cell.ref, l2_cell.raw, w2)
                sub = Subtotal(row=r, weight=sw or Field(None, None, None), label=l2_cell)
            else:  # a 二级 named on its first item's row, with no row of its own
                wf = Field(l2_cell.ref, l2_cell.raw, w2) if w2 is not None else None
                sub = Subtotal(row=r, weight=wf or Field(None, None, None), label=l2_cell)
            owner.subtotals.append(sub)
            if name.value is None:
                score = ctx.number(r, sc, "score")
                sub.score = score if score is not None and not score.blank else None
                continue
        if name.value is None:
            if has_weight:
                assert weight is not None
                owner = current_level1(r)
                score = ctx.number(r, sc, "score")
                sub = Subtotal(
                    row=r,
                    weight=weight,
                    score=score if score is not None and not score.blank else None,
                )
                owner.subtotals.append(sub)
            elif any(c == cols.get("criterion") for c, _ in row) and len(row) == 1:
                card.skipped.append((r, "评分标准的续行（分页断开）"))
            else:
                card.skipped.append((r, "没有三级指标名称和权重的行"))
            continue
        target = ctx.value(r, cols.get("target"), "target") if "target" in cols else None
        actual = ctx.value(r, cols.get("actual"), "actual") if "actual" in cols else None
        score = ctx.number(r, sc, "score")
        if not has_weight and all(f is None or f.blank for f in (target, actual, score)):
            card.skipped.append((r, "只有三级指标名称的行（分页断开的名称）"))
            continue
        owner = current_level1(r)
        item = ScoreItem(
            row=r,
            name=Field(name.ref, name.raw, simplified(name.value)),
            weight=weight,
            target=target,
            actual=actual,
            score=score,
            criterion=ctx.text(r, cols.get("criterion")),
            level1=owner.key,
            level2=sub.name if sub is not None else "",
        )
        (sub.items if sub is not None else owner.items).append(item)
    if not card.level1 and card.total_score is None and card.grade is None:
        return None
    return card


def _grade(ctx: CellReader, r: int, label_c: int, score_c: int | None) -> Field[str] | None:
    """The grade on the 评价等级 row: in the 评分结果 column, else the first short text on the row."""
    if score_c is not None:
        f = ctx.text(r, score_c)
        if f.value is not None and not _is_number(f.raw):
            return f
    for c, v in ctx.row(r):
        if (
            c > label_c
            and isinstance(v, str)
            and not _is_number(v)
            and len(v.strip()) <= _GRADE_MAX
        ):
            return ctx.text(r, c)
    return None


# --- title, annex, 一、项目概况 -----------------------------------------------------------


def _read_title(ctx: CellReader, form: FormP, marks: _Marks) -> None:
    sheet = ctx.sheet
    title_at: tuple[int, int] | None = None
    for r, c, v in ctx.cells:
        k = key(v)
        if not (k.endswith(TITLE_SUFFIX) and len(k) <= 60):
            continue
        raw = str(v).strip()
        project = _TITLE_TAIL.sub("", _ANNEX_RAW.sub("", raw)).strip()
        if not project or project == "各":  # 各项目绩效情况自评表: an index, not a title
            continue
        title_at = (r, c)
        form.title = Field(sheet.ref(r, c), v, simplified(raw))
        form.project = simplified(project)
        break
    if title_at is None:
        for r, c in marks.scorecard_titles:
            raw = str(sheet.value(r, c)).strip()
            project = _SCORECARD_TAIL.sub("", _ANNEX_RAW.sub("", raw)).strip()
            if project and not _SECTION_NO.match(norm(project)):
                form.title = Field(sheet.ref(r, c), sheet.value(r, c), simplified(raw))
                form.project = simplified(project)
                title_at = (r, c)
                break
    # the annex: 附件1-17 above the title (or printed in the title cell itself)
    best: tuple[int, int, str] | None = None
    for r, c, v in ctx.cells:
        if title_at is not None and r > title_at[0]:
            break
        m = _ANNEX.match(key(v))
        if m is None or not m.group(1).startswith("附件"):
            continue  # 附表1 numbers a table inside an annex, not the form
        if best is None or "-" in m.group(1) or "-" not in best[2]:
            best = (r, c, m.group(1))
    if best is not None:
        r, c, name = best
        form.annex = Field(sheet.ref(r, c), sheet.value(r, c), name)


def _read_texts(ctx: CellReader, form: FormP, marks: _Marks) -> None:
    """一、项目概况: each (一)项目背景-style heading and the text under it (or beside it).

    A text of several cells (two paragraphs on two rows) is one field: the first
    cell's address and raw value, the cells' texts joined by line breaks.  An
    overview printed without sub-headings is kept as ``项目概况``.
    """
    sheet = ctx.sheet
    stops = [
        x
        for x in (
            marks.matrix_heading,
            marks.use_heading,
            *(t[0] for t in marks.scorecard_titles),
            form.matrix.header.row if form.matrix and form.matrix.header else None,
            form.use.header.row if form.use and form.use.header else None,
            form.scorecard.header.row if form.scorecard and form.scorecard.header else None,
        )
        if x is not None
    ]
    end = min(stops, default=sheet.max_row + 1)
    headings: list[tuple[int, int, str]] = []
    for r, c, v in ctx.cells:
        if r >= end:
            break
        k = key(v)
        m = _HEADING_NO.match(k)
        if m is not None and len(m.group(2)) <= _HEADING_MAX:
            headings.append((r, c, m.group(2)))
        elif _SECTION_NO.sub("", k) == OVERVIEW:
            headings.append((r, c, OVERVIEW))  # its own text, when no (一)… heading follows
    for i, (r, c, name) in enumerate(headings):
        if name in form.texts:
            continue
        stop = headings[i + 1][0] if i + 1 < len(headings) else end
        stop = min(stop, marks.after(r))
        body: list[Field[str]] = []
        beside = ctx.right_of(r, c)
        if beside is not None:
            body.append(ctx.text(r, beside))
        for rr in ctx.row_numbers:
            if rr <= r or rr >= stop:
                continue
            body.extend(ctx.text(rr, cc) for cc, _ in ctx.row(rr))
        if not body:
            if name != OVERVIEW:
                form.texts[name] = Field(sheet.ref(r, c + 1), None, None)
            continue
        first = body[0]
        text = "\n".join(f.value for f in body if f.value)
        form.texts[name] = Field(first.ref, first.raw, text)
