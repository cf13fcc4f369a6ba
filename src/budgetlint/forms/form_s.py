"""Reader of form S (项目支出绩效自评表) in every layout family.

One code path for all families.  The reader

1. collects the sheet's labels and picks the family (:func:`budgetlint.families.detect`);
2. finds the fund block by its header row (a row naming both a budget column and
   an executed column), maps each header cell to a model column by the synonym
   tables below, and reads the rows named 年度资金总额 / 其中：当年财政拨款 / …;
3. finds the indicator block by its header row (三级指标 and a target or actual
   column; a two-row header splits 年度指标值 into 指标性质 · 指标值 · 度量单位),
   reads every indicator row until the total row (总分 / 合计), carrying merged
   or omitted 一级/二级 down, reading weights written into labels
   (``产出指标(50分)``, ``年度绩效目标(80分)``) and skipping template leftovers;
4. reads the header fields, goals, total, grade and closing texts by label.

Nothing is read from a fixed address: blocks may start anywhere, with blank
rows or columns inserted, rows reordered and labels spelt differently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from budgetlint.families import detect
from budgetlint.forms.cells import CellReader, read_recomputed
from budgetlint.forms.cells import blank as _blank
from budgetlint.forms.cells import key as _key
from budgetlint.forms.cells import match as _match
from budgetlint.forms.cells import matches as _matches
from budgetlint.grid import Grid, Sheet
from budgetlint.model import (
    FUND_CARRYOVER,
    FUND_FISCAL,
    FUND_OTHER,
    FUND_SPECIAL,
    FUND_TOTAL,
    FUND_UNIT,
    Field,
    FormS,
    FundBlock,
    FundRow,
    Indicator,
    SheetRead,
    WeightGroup,
)
from budgetlint.params import FamilyParams
from budgetlint.settings import Settings
from budgetlint.text import (
    clean_name,
    is_leftover_row_text,
    norm,
    simplified,
    split_label_weight,
    split_weight,
    strip_paren,
)
from budgetlint.values import parse_number

# --- synonym tables (normalised keys) --------------------------------------------------

FUND_COLUMNS: dict[str, tuple[str, ...]] = {
    "initial": ("年初预算数", "年初预算", "年初预算数(a)"),
    "budget": (
        "全年预算数",
        "调整后预算数",
        "调整预算数",
        "预算数",
        "全年预算",
        "全年(调整)预算数",  # 重庆
        "合计",  # 湖北: 中央 · 省、地 · 本级 · 其他 · 合计 · 执行数
    ),
    "executed": ("全年执行数", "预算执行数", "执行数", "实际支付数", "实际执行数", "全年执行"),
    "weight": ("分值", "权重", "分值权重", "指标权重", "执行率权重"),
    "rate": ("执行率", "预算执行率"),
    "score": ("得分", "执行率得分"),
    "reason": ("原因", "偏差原因", "调整原因", "原因说明", "未完成原因"),
}

FUND_ROWS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (FUND_TOTAL, ("年度资金总额", "资金总额", "总额", "年度资金合计", "合计")),
    (
        FUND_FISCAL,
        (
            "当年财政拨款",
            "本年财政拨款",
            "财政拨款",
            "财政资金",
            "本年一般公共预算拨款",  # 北京 2016
            "当年一般公共预算拨款",
            "一般公共预算拨款",
        ),
    ),
    (FUND_CARRYOVER, ("上年结转资金", "上年结转")),
    (FUND_SPECIAL, ("财政专户管理资金", "财政专户资金")),
    (FUND_UNIT, ("单位资金", "单位自有资金")),
    (FUND_OTHER, ("其他资金",)),
)

INDICATOR_COLUMNS: dict[str, tuple[str, ...]] = {
    "level1": ("一级指标", "项目权重"),  # 湖北: 项目权重 heads 项目决策2分 / 项目管理13分
    "level2": ("二级指标",),
    "name": (
        "三级指标",
        "指标名称",
        "三级指标名称",
        "绩效指标名称",
        "指标名称(三级指标)",
        "评价内容",  # 湖北's 项目决策/项目管理 table
    ),
    "target": ("年度指标值", "指标值", "年初目标值", "年初指标值", "目标值", "年度目标值"),
    "nature": ("指标性质",),
    "unit": ("度量单位", "计量单位"),
    "actual": (
        "实际完成值",
        "完成值",
        "全年实际值",
        "全年完成值",
        "年终完成值",
        "指标实际完成值",  # 新疆
        "业绩值",
        "实际值",
        "实际完成情况",
    ),
    "weight": ("分值", "权重", "分值权重", "指标权重", "指标分值权重"),
    #: 自评分 (湖北) is the department's score; 复核分 / 财政审核评分 are the bureau's
    #: and 得分计算方法 (北京 2016) is a rule in words: none of them is read as the score.
    "score": ("得分", "自评分", "指标得分"),
    "reason": (
        "偏差原因分析及改进措施",
        "未完成原因分析",
        "未完成原因分析及改进措施",
        "未完成原因及拟采取的改进措施",
        "未完成原因和改进措施",
        "偏差原因",
        "未完成原因",
        "偏差原因分析",
        "原因分析",
    ),
}

#: 一级/二级 names as the model keeps them (FORMS.md synonyms).
LEVEL_CANON = {
    "服务对象满意度指标": "满意度指标",
    "服务对象满意度": "满意度指标",
    "满意度": "满意度指标",
    "进度指标": "时效指标",
    "产出目标": "产出指标",
    "效益目标": "效益指标",
    "效果目标": "效益指标",
    "满意度目标": "满意度指标",
    "成本目标": "成本指标",
}

TOTAL_LABELS = ("总分", "合计", "总计", "自评得分", "综合得分", "自评总分")
#: Total scores printed in the form's header (自评总分(分) 97.6 / 自评得分 98), not on a 总分 row.
HEADER_TOTAL_LABELS = ("自评总分", "自评得分")
#: Header labels that are never a value of the label before them.
OTHER_HEADER_LABELS = (
    "财政处室",
    "财政审核评分",
    "复核分",
    "自评总分",
    "自评得分",
    "部门联系人",
    "联系电话",
    "项目负责人",
    "填报日期",
)
GRADE_LABELS = ("自评等级", "评价等级", "绩效等级", "等级", "自评结果")
GRADE_WORDS = ("优秀", "良好", "合格", "不合格", "优", "良", "中", "差")
TEXT_LABELS = ("评价结论", "存在问题", "改进措施", "其他需要说明事项", "其他说明事项", "说明")
HEADER_FIELDS: dict[str, tuple[str, ...]] = {
    "project": (
        "项目名称",
        "部门名称",
        "部门(单位)名称",
        "单位名称",
        "部门",
        "转移支付(项目)名称",
        "转移支付名称",
        "专项名称",
        "专项资金名称",
    ),
    "amount": ("项目金额", "项目总金额", "预算资金总额"),
    "department": ("主管部门", "主管部门及代码", "中央主管部门", "地方主管部门"),
    "unit_name": ("实施单位", "项目实施单位", "资金使用单位"),
}
#: Every header label: the value right of one is never another.
_HEADER_STOPS = (*(s for syns in HEADER_FIELDS.values() for s in syns), *OTHER_HEADER_LABELS)
#: Column headers of performance forms; a sheet with several of them is a form.
HEADER_WORDS = frozenset(
    s for syns in (*FUND_COLUMNS.values(), *INDICATOR_COLUMNS.values()) for s in syns if len(s) >= 2
) | {"执行进度", "绩效目标", "绩效指标", "年度绩效指标", "指标性质"}
_BLOCK_WEIGHT = re.compile(r"\((\d+(?:\.\d+)?)分")
_NUMERIC_END = re.compile(r"\d$")
_GRADE_MAX = 12  # a grade is a word (优, 良好, 合格), not a paragraph
#: An indicator name that is only the template's numbering (指标2, 指标2:, 指标２：).
_PLACEHOLDER_NAME = re.compile(r"^指标[0-9一二三四五六七八九十]+$")


def sheet_labels(sheet: Sheet, limit: int = 400) -> list[str]:
    """Normalised short texts of a sheet (the labels), in reading order, deduplicated."""
    seen: dict[str, None] = {}
    for _, _, v in sheet.nonempty():
        if isinstance(v, str) and len(v) <= 40:
            k = norm(v)
            if k and k not in seen:
                seen[k] = None
                if len(seen) >= limit:
                    break
    return list(seen)


def is_form_like(labels: list[str]) -> bool:
    """Several column headers of a performance form, or a 绩效…表 title with one.

    Sentences that merely mention 绩效 (a narrative 说明 sheet) do not count:
    only labels that *are* headers do.
    """
    hits = {
        k for k in labels if k in HEADER_WORDS or strip_paren(split_weight(k)[0]) in HEADER_WORDS
    }
    titled = any(len(k) <= 30 and "绩效" in k and k.endswith("表") for k in labels)
    return len(hits) >= 3 or (titled and len(hits) >= 1)


def read_grid(grid: Grid, settings: Settings | None = None) -> list[SheetRead]:
    return [read_sheet(s, settings) for s in grid.sheets]


def read_sheet(
    sheet: Sheet, settings: Settings | None = None, *, labels: list[str] | None = None
) -> SheetRead:
    """Read one sheet: a form S of some family, 版式未识别, or not a form (skipped).

    ``labels``: the sheet's :func:`sheet_labels`, when the caller has them already.
    """
    labels = sheet_labels(sheet) if labels is None else labels
    if not is_form_like(labels):
        return SheetRead(sheet.name, "skipped", labels=labels[:30], reason="不是绩效自评表")
    fam = detect(labels)
    if fam is None:
        return SheetRead(
            sheet.name,
            "unrecognized",
            labels=labels[:30],
            reason="版式未识别：标签不符合任何已知版式",
        )
    if not fam.supported:
        return SheetRead(
            sheet.name,
            "unrecognized",
            family=fam.key,
            labels=labels[:30],
            reason=f"版式未识别：{fam.name}尚不支持，未读取",
        )
    params = settings.family_params(fam.key) if settings is not None else fam.params
    form = _read_form(sheet, fam.key, params)
    if form.fund is None and not form.indicators:
        return SheetRead(
            sheet.name,
            "unrecognized",
            family=fam.key,
            labels=labels[:30],
            reason="版式未识别：找不到资金表头和绩效指标表头",
        )
    return SheetRead(sheet.name, "form", form=form, family=fam.key, labels=labels[:30])


# --- the form -----------------------------------------------------------------------


@dataclass
class _Header:
    """A header found by its labels: one row, or two when the header is two rows deep."""

    row: int
    cols: dict[str, int]  # model column -> sheet column
    keys: dict[str, str]  # model column -> the (normalised) label it was mapped from
    sub_row: int | None = None  # the second header row, when there is one

    @property
    def last_row(self) -> int:
        return self.sub_row if self.sub_row is not None else self.row


_HEADER_LABELS: dict[tuple[int, str], bool] = {}


def _is_header_label(k: str, columns: dict[str, tuple[str, ...]]) -> bool:
    """``k`` names a column of ``columns`` (memoised: the tables are module constants)."""
    if not k:
        return False
    if columns is not FUND_COLUMNS and columns is not INDICATOR_COLUMNS:
        return any(_matches(k, syns) for syns in columns.values())
    key = (id(columns), k)
    hit = _HEADER_LABELS.get(key)
    if hit is None:
        if len(_HEADER_LABELS) > 65536:
            _HEADER_LABELS.clear()
        hit = _HEADER_LABELS[key] = any(_matches(k, syns) for syns in columns.values())
    return hit


def _header_at(ctx: CellReader, r: int, columns: dict[str, tuple[str, ...]]) -> _Header:
    """The columns a header starting on row ``r`` maps, from the combined header of two rows.

    A second row belongs to the header when a header cell of row ``r`` is merged down
    over it (实际完成值, 分值, 得分) or spans several columns with header labels under
    it (绩效指标 over 一级/二级/三级, 年度指标值 over 指标性质/指标值/度量单位).  Each
    column is then mapped by its own second-row label first, else by the first-row
    label that covers it.
    """
    sheet = ctx.sheet
    top = ctx.row(r)
    sub_r = r + 1
    sub_keys = {c: _key(v) for c, v in ctx.row(sub_r)}
    two = False
    if any(_is_header_label(k, columns) for k in sub_keys.values()):
        for c, v in top:
            m = sheet.merged_at(r, c)
            if m is None or m.min_row != r:
                continue
            if m.max_row > r and _is_header_label(_key(v), columns):
                two = True  # 实际完成值 merged down over the second row
            elif m.max_col > m.min_col and any(
                _is_header_label(sub_keys.get(cc, ""), columns)
                for cc in range(m.min_col, m.max_col + 1)
            ):
                two = True  # 年度指标值 over 指标性质 · 指标值 · 度量单位
            if two:
                break
    keys_by_col: dict[int, list[str]] = {}
    if two:
        for c, k in sub_keys.items():
            if k:
                keys_by_col.setdefault(c, []).append(k)
    for c, v in top:
        k = _key(v)
        if k:
            keys_by_col.setdefault(c, []).append(k)
    mapping: dict[str, int] = {}
    keys: dict[str, str] = {}
    for c in sorted(keys_by_col):
        done = False
        for k in keys_by_col[c]:
            for name, syns in columns.items():
                if name not in mapping and _match(k, syns):
                    mapping[name], keys[name] = c, k
                    done = True
                    break
            if done:
                break
    return _Header(r, mapping, keys, sub_r if two else None)


def _find_header(
    ctx: CellReader,
    columns: dict[str, tuple[str, ...]],
    required: tuple[tuple[str, ...], ...],
    start: int = 1,
) -> _Header | None:
    """First header (from row ``start``) whose columns map to every group in ``required``."""
    for r in ctx.row_numbers:
        if r < start:
            continue
        if not any(_is_header_label(_key(v), columns) for _, v in ctx.row(r)):
            continue
        h = _header_at(ctx, r, columns)
        if all(any(g in h.cols for g in group) for group in required):
            return h
    return None


def _read_form(sheet: Sheet, family: str, params: FamilyParams) -> FormS:
    ctx = CellReader(sheet)
    form = FormS(sheet=sheet.name, family=family)
    _read_header_fields(ctx, form)
    ctx.amount_unit = _amount_unit(ctx)
    form.fund = _read_fund(ctx)
    fund_end = max((r.row for r in form.fund.rows), default=0) if form.fund else 0
    _read_indicator_tables(ctx, form, start=fund_end + 1, equal_split=params.equal_split)
    if form.total_score is None:
        _read_header_total(ctx, form)
    _read_grade_and_texts(ctx, form)
    form.uncached_formulas = [sheet.ref(r, c) for r, c in sheet.uncached()]
    read_recomputed(sheet, form)
    return form


def _read_header_total(ctx: CellReader, form: FormS) -> None:
    """自评总分(分) 97.6 / 自评得分 98 printed in the header instead of a 总分 row."""
    for r, c, v in ctx.cells:
        k = strip_paren(split_weight(_key(v))[0])
        if k in HEADER_TOTAL_LABELS:
            vc = ctx.right_of(r, c, stop_labels=(OTHER_HEADER_LABELS,))
            if vc is not None and parse_number(ctx.sheet.value(r, vc)) is not None:
                form.total_label = ctx.text(r, c)
                form.total_score = ctx.number(r, vc)
                return


def _amount_unit(ctx: CellReader) -> str:
    """万元 when a header says so (项目资金（万元）, 单位：万元, 全年预算数(万元)), else 元."""
    for _, _, v in ctx.cells:
        if isinstance(v, str) and len(v) <= 40:
            k = norm(v)
            if "万元" in k and any(w in k for w in ("资金", "单位", "预算", "执行数", "金额")):
                return "万元"
    return "元"


def _read_header_fields(ctx: CellReader, form: FormS) -> None:
    sheet = ctx.sheet
    for r, c, v in ctx.cells:
        k = _key(v)
        if not k:
            continue
        if form.title is None and ("自评表" in k or "评价表" in k) and len(k) <= 30:
            t = ctx.text(r, c)
            form.title = Field(t.ref, t.raw, simplified(str(v).strip())) if t else None
        for name, syns in HEADER_FIELDS.items():
            if getattr(form, name) is None and _match(k, syns):
                vc = ctx.right_of(r, c, stop_labels=(_HEADER_STOPS,))
                if name == "amount":
                    setattr(
                        form,
                        name,
                        ctx.number(r, vc, "amount")
                        if vc
                        else Field(sheet.ref(r, c + 1), None, None),
                    )
                else:
                    setattr(
                        form,
                        name,
                        ctx.text(r, vc) if vc else Field(sheet.ref(r, c + 1), None, None),
                    )
        if k in ("预期目标", "年度目标", "项目年度目标") and form.goal_planned is None:
            form.goal_planned = _right_or_below(ctx, r, c)
        if k in GOAL_ACTUAL_LABELS and form.goal_actual is None:
            form.goal_actual = _right_or_below(ctx, r, c)
    if form.goal_planned is None:
        # 年度总体目标 | <text> on one row (no 预期目标 / 实际完成情况 headers)
        for r, c, v in ctx.cells:
            if _key(v) in ("年度总体目标", "年度绩效目标", "总体目标"):
                vc = ctx.right_of(r, c)
                if vc is not None and _key(sheet.value(r, vc)) not in ("预期目标", "年度目标"):
                    form.goal_planned = ctx.text(r, vc)
                break


#: Labels of the text that says how the year's goal was met.
GOAL_ACTUAL_LABELS = ("实际完成情况", "全年实际完成情况", "年度目标完成情况")


def _right_or_below(ctx: CellReader, r: int, c: int) -> Field[str] | None:
    """The text beside a goal label (年度目标完成情况 | …) or, under a column header, below it."""
    vc = ctx.right_of(r, c)
    if vc is not None:
        right = _key(ctx.sheet.value(r, vc))
        if len(right) > 12 and right not in GOAL_ACTUAL_LABELS:
            return ctx.text(r, vc)
    return _below(ctx, r, c)


def _below(ctx: CellReader, r: int, c: int) -> Field[str] | None:
    for rr in range(r + 1, r + 4):
        v = ctx.sheet.value(rr, c)
        if not _blank(v):
            return ctx.text(rr, c)
    return Field(ctx.sheet.ref(r + 1, c), None, None)


def _read_fund(ctx: CellReader) -> FundBlock | None:
    sheet = ctx.sheet
    found = _find_header(ctx, FUND_COLUMNS, (("budget", "initial"), ("executed",)))
    if not found:
        return None
    hr, cols = found.row, found.cols
    header_keys = dict(found.keys)
    if "budget" not in cols:
        # 年初预算数(A) · 全年执行数(B) · 执行率(B/A) (北京 2016): the only budget is A
        cols["budget"] = cols.pop("initial")
        header_keys["budget"] = header_keys.pop("initial", "")
    block = FundBlock(rows=[], unit=ctx.amount_unit, header=sheet.ref(hr, min(cols.values())))
    block.rate_percent = "%" in header_keys.get("rate", "")
    # weight in the block label (预算执行情况(20分)) or in the score header (得分(20分*执行率))
    for r in range(max(1, hr - 2), hr + 1):
        for c, v in ctx.row(r):
            k = _key(v)
            if k and ("预算执行" in k or "资金" in k) and "分" in k:
                m = _BLOCK_WEIGHT.search(k)
                if m:
                    block.weight, block.weight_ref = float(m.group(1)), sheet.ref(r, c)
    if block.weight is None and "score" in cols:
        m = _BLOCK_WEIGHT.search(header_keys["score"])
        if m:
            block.weight, block.weight_ref = float(m.group(1)), sheet.ref(hr, cols["score"])
    first_num = min(c for n, c in cols.items() if n in ("initial", "budget", "executed"))
    blank_run = 0
    seen: set[str] = set()
    labelled: list[tuple[int, str, int]] = []  # (row, kind, label column)
    for r in range(found.last_row + 1, sheet.max_row + 1):
        kind, label_c = None, None
        for c, v in ctx.row(r):
            if c >= first_num:
                break
            k = re.sub(r"^其中[:：]?", "", _key(v))
            for kd, syns in FUND_ROWS:
                if kd not in seen and (k in syns or any(k.startswith(s) for s in syns)):
                    kind, label_c = kd, c
                    break
            if kind:
                break
        if kind is None:
            if not ctx.row(r):
                blank_run += 1
                if blank_run > 2:
                    break
                continue
            if block.rows:
                break
            continue
        blank_run = 0
        seen.add(kind)
        assert label_c is not None
        labelled.append((r, kind, label_c))
    if not block.rate_percent and "rate" in cols:
        block.rate_percent = _percent_column(ctx, [r for r, _, _ in labelled], cols["rate"])
    for r, kind, label_c in labelled:
        block.rows.append(_fund_row(ctx, r, kind, ctx.text(r, label_c), cols, block.rate_percent))
    if not block.rows:
        # one unlabeled row of values under the header (市级 20 + 80 form): the total
        vr = next((rr for rr in range(found.last_row + 1, found.last_row + 3) if ctx.row(rr)), None)
        if vr is not None and not block.rate_percent and "rate" in cols:
            block.rate_percent = _percent_column(ctx, [vr], cols["rate"])
        if vr is not None and any(
            parse_number(sheet.value(vr, cols[k])) is not None
            for k in ("budget", "executed", "rate", "score")
            if k in cols
        ):
            # labelled by the block label merged down over it (预算执行情况(20分))
            lr, lc = hr, 1
            for c in range(1, first_num):
                merged = sheet.merged_at(vr, c)
                if merged is not None and not _blank(sheet.value(merged.min_row, merged.min_col)):
                    lr, lc = merged.min_row, merged.min_col
                    break
            block.rows.append(
                _fund_row(ctx, vr, FUND_TOTAL, ctx.text(lr, lc), cols, block.rate_percent)
            )
    return block if block.rows else None


def _percent_column(ctx: CellReader, rows: list[int], col: int) -> bool:
    """A rate column without (%) in its header that holds 98.19 for 98.19 % (a value above 1.5)."""
    for r in rows:
        raw = ctx.sheet.value(r, col)
        if isinstance(raw, (int, float)) and not isinstance(raw, bool) and abs(raw) > 1.5:
            if "%" not in ctx.sheet.number_format(r, col):
                return True
    return False


def _fund_row(
    ctx: CellReader,
    r: int,
    kind: str,
    label: Field[str],
    cols: dict[str, int],
    percent_column: bool = False,
) -> FundRow:
    """One fund row's cells, by the columns the header mapped."""
    return FundRow(
        kind=kind,
        label=label,
        initial=ctx.number(r, cols.get("initial"), "amount"),
        budget=ctx.number(r, cols.get("budget"), "amount"),
        executed=ctx.number(r, cols.get("executed"), "amount"),
        weight=ctx.number(r, cols.get("weight")),
        rate=ctx.number(r, cols.get("rate"), "rate", percent_column=percent_column, computed=True),
        score=ctx.number(r, cols.get("score"), computed=True),
        reason=ctx.text(r, cols.get("reason")),
    )


def _row_label_weight(ctx: CellReader, r: int) -> tuple[str, float] | None:
    """A block label row such as ``产出目标(40分)`` or ``年度绩效目标(80分)``."""
    vals = ctx.row(r)
    if not vals or len(vals) > 2:
        return None
    k = _key(vals[0][1])
    name, w = split_label_weight(k)
    if w is None or not ("目标" in name or "指标" in name):
        return None
    return name, w


@dataclass
class _LeftLabel:
    """A weighted label left of the indicator table (年度绩效目标(40分) merged down)."""

    label: Field[str]
    weight: Field[float]
    first: int
    last: int | None  # last row of its merged range; None: up to the next left label


def _left_labels(ctx: CellReader, first: int, leftmost: int) -> list[_LeftLabel]:
    sheet = ctx.sheet
    out: list[_LeftLabel] = []
    for r in ctx.row_numbers:
        if r < first:
            continue
        for c, v in ctx.row(r):
            if c >= leftmost:
                break
            name, w = split_label_weight(_key(v))
            if w is None or not ("目标" in name or "指标" in name or "绩效" in name):
                continue
            m = sheet.merged_at(r, c)
            label = Field(sheet.ref(r, c), v, clean_name(name) or name)
            out.append(_LeftLabel(label, Field(sheet.ref(r, c), v, w), r, m.max_row if m else None))
    return out


def _left_label_at(labels: list[_LeftLabel], r: int) -> _LeftLabel | None:
    found = None
    for i, lab in enumerate(labels):
        last = lab.last
        if last is None:
            last = labels[i + 1].first - 1 if i + 1 < len(labels) else 10**9
        if lab.first <= r <= last:
            found = lab
    return found


#: What makes a row the header of an indicator table: names with targets or actuals
#: (every layout), or names with weights and scores (湖北's 项目决策/项目管理 table).
INDICATOR_HEADERS: tuple[tuple[tuple[str, ...], ...], ...] = (
    (("name",), ("target", "actual")),
    (("name",), ("weight",), ("score",)),
)


def _indicator_header(ctx: CellReader, start: int) -> _Header | None:
    """The first indicator-table header from row ``start``, of either kind."""
    found = [_find_header(ctx, INDICATOR_COLUMNS, req, start=start) for req in INDICATOR_HEADERS]
    return min((h for h in found if h is not None), key=lambda h: h.row, default=None)


def _read_indicator_tables(
    ctx: CellReader, form: FormS, start: int, *, equal_split: bool = True
) -> None:
    """Every indicator table from row ``start`` on (湖北 prints two, one after the other)."""
    while start <= ctx.sheet.max_row:
        end = _read_indicators(ctx, form, start, equal_split=equal_split)
        if end is None or form.total_score is not None:
            return
        start = end


def _read_indicators(
    ctx: CellReader, form: FormS, start: int, *, equal_split: bool = True
) -> int | None:
    """One indicator table; returns the row of the next table's header, if one follows."""
    sheet = ctx.sheet
    found = _indicator_header(ctx, start)
    if not found:
        return None
    hr, cols = found.row, found.cols
    first = found.last_row + 1
    parts: tuple[int | None, ...] = (
        (cols.get("nature"), cols.get("unit")) if "nature" in cols else ()
    )
    if "nature" in cols and any(
        isinstance(v, str) and ("定量" in v or "定性" in v)
        for r in range(first, min(first + 60, sheet.max_row + 1))
        for c, v in ctx.row(r)
        if c == cols["nature"]
    ):
        parts = ()  # 指标性质 says 定量/定性 (重庆): targets are whole in 年初指标值
    name_c = cols["name"]
    label_cols = [c for n, c in cols.items() if n in ("level1", "level2", "name")]
    leftmost = min(min(label_cols), min(cols.values()))
    # weighted labels left of the table: one over the whole table (绩效指标(90分)) is the
    # section weight; several (two 年度绩效目标(40分) blocks) are blocks of their own
    lefts = _left_labels(ctx, max(1, hr - 2), leftmost)
    section_label: Field[str] | None = None
    for r in range(max(1, hr - 2), hr + 1):
        for c, v in ctx.row(r):
            k = _key(v)
            name, w = split_weight(k)
            if w is not None and ("绩效指标" in name or "绩效目标" in name):
                if len(lefts) > 1 and any(lab.label.ref == sheet.ref(r, c) for lab in lefts):
                    continue  # the first of several blocks, not the whole table
                form.indicator_block_weight = Field(sheet.ref(r, c), v, w)
                section_label = Field(sheet.ref(r, c), v, clean_name(name) or name)
    if form.indicator_block_weight is not None and form.indicator_block_weight.ref is not None:
        ref = form.indicator_block_weight.ref
        lefts = [lab for lab in lefts if lab.label.ref != ref]
    groups: dict[tuple[str, int, int], WeightGroup] = {}

    def group(label: Field[str], level: str, weight: Field[float]) -> WeightGroup:
        assert label.ref is not None
        key = (level, label.ref.row, label.ref.col)
        g = groups.get(key)
        if g is None:
            g = groups[key] = WeightGroup(label, level, weight)
            form.weight_groups.append(g)
        return g

    section = (
        group(section_label, "section", form.indicator_block_weight)
        if section_label is not None and form.indicator_block_weight is not None
        else None
    )
    level1: Field[str] | None = None
    level2: Field[str] | None = None
    g_row_block: WeightGroup | None = None  # 产出目标(40分) on a row of its own
    g_level1: WeightGroup | None = None
    g_level2: WeightGroup | None = None
    direct: dict[int, WeightGroup] = {}  # id(indicator) -> innermost weighted group
    next_table: int | None = None
    for r in [n for n in ctx.row_numbers if n >= first]:  # rows that exist, not up to max_row
        row = ctx.row(r)
        if not row:
            continue
        keys = [(c, _key(v)) for c, v in row]
        if sum(1 for _, k in keys if _is_header_label(k, INDICATOR_COLUMNS)) >= 3:
            nxt = _indicator_header(ctx, r)
            if nxt is not None and nxt.row == r:
                next_table = r  # another table's header: it is read by the next call
                break
        total_c = next(
            (
                c
                for c, k in keys
                if c <= name_c and k and strip_paren(split_weight(k)[0]) in TOTAL_LABELS
            ),
            None,
        )
        if total_c is not None:
            form.total_label = ctx.text(r, total_c)
            form.total_weight = ctx.number(r, cols.get("weight"))
            if form.total_weight is None:
                label_w = split_weight(_key(sheet.value(r, total_c)))[1]
                if label_w is not None:  # 总分（100分）
                    form.total_weight = Field(
                        sheet.ref(r, total_c), sheet.value(r, total_c), label_w
                    )
            form.total_score = ctx.number(r, cols.get("score"))
            break
        text_label = next((c for c, k in keys if c <= name_c and k in TEXT_LABELS), None)
        if text_label is not None:
            k = _key(sheet.value(r, text_label))
            vc = ctx.right_of(r, text_label)
            form.texts[k] = (
                ctx.text(r, vc) if vc else Field(sheet.ref(r, text_label + 1), None, None)
            )
            continue
        bw = _row_label_weight(ctx, r)
        if bw is not None and row[0][0] in (cols.get("level1"), cols.get("level2")):
            # 效益指标(20分) | 经济效益指标 with no indicator on the row: a 一级/二级 label in
            # its own column, read below (it starts a new 一级 group), not a block row
            bw = None
        if bw is not None and all(
            sheet.value(r, cols[n]) is None for n in ("target", "actual") if n in cols
        ):
            canon = LEVEL_CANON.get(bw[0], bw[0])
            wf = Field(sheet.ref(r, row[0][0]), row[0][1], bw[1])
            form.level1_weights[canon] = wf
            g_row_block = group(Field(wf.ref, wf.raw, canon), "block", wf)
            g_level1 = g_level2 = None
            continue
        if any(is_leftover_row_text(v) for _, v in row) and all(
            is_leftover_row_text(v) or _blank(v) or c < leftmost for c, v in row
        ):
            form.skipped_rows.append(r)
            dots = [c for c, v in row if is_leftover_row_text(v)]
            first = next((c for c in dots if c >= leftmost), dots[0])
            form.residue_cells.append(ctx.text(r, first))
            continue
        # 一级 / 二级: merged or blank cells continue the one above
        l1 = ctx.text(r, cols.get("level1"))
        if l1 is not None and l1.value:
            nm, w = split_label_weight(norm(l1.value))
            nm = clean_name(nm)
            level1 = Field(l1.ref, l1.raw, LEVEL_CANON.get(nm, nm))
            g_level1, g_level2 = None, None
            if w is not None:
                wf = Field(l1.ref, l1.raw, w)
                form.level1_weights[level1.value or nm] = wf
                g_level1 = group(level1, "level1", wf)
        l2 = ctx.text(r, cols.get("level2"))
        if l2 is not None and l2.value:
            nm2, w2 = split_label_weight(norm(l2.value))
            nm2 = clean_name(nm2)
            level2 = Field(l2.ref, l2.raw, LEVEL_CANON.get(nm2, nm2))
            g_level2 = (
                group(level2, "level2", Field(l2.ref, l2.raw, w2)) if w2 is not None else None
            )
        elif l1 is not None and l1.value:
            level2 = None if "level2" in cols else level2
        name_f = ctx.text(r, name_c)
        target = ctx.value(r, cols.get("target"), "target", parts=parts)
        actual = ctx.value(r, cols.get("actual"), "actual")
        weight = ctx.number(r, cols.get("weight"))
        score = ctx.number(r, cols.get("score"))
        if (
            name_f.value is None
            or not clean_name(name_f.value)
            or _PLACEHOLDER_NAME.match(norm(name_f.value))
        ) and (target.blank and actual.blank):
            if name_f.value is not None:  # 指标2: and nothing else: a template row
                form.residue_cells.append(name_f)
            continue
        if name_f.value is not None and is_leftover_row_text(clean_name(name_f.value)):
            form.skipped_rows.append(r)  # ……, 指标1：……
            form.residue_cells.append(name_f)
            continue
        cleaned = clean_name(name_f.raw) if name_f.value else ""
        source = "cell" if "weight" in cols else "unknown"
        if weight is None or weight.value is None:
            bare, nw = split_weight(cleaned)
            if nw is not None:  # 培训人次(10分): the weight printed in the row's own name
                weight, source, cleaned = Field(name_f.ref, name_f.raw, nw), "name", bare
        ind = Indicator(
            row=r,
            name=Field(name_f.ref, name_f.raw, cleaned or None),
            target=target,
            actual=actual,
            level1=level1,
            level2=level2,
            weight=weight,
            score=score,
            reason=ctx.text(r, cols.get("reason")),
            weight_source=source,
        )
        if "nature" in cols:
            nat = sheet.value(r, cols["nature"])
            if isinstance(nat, str) and nat.strip() in ("正向", "反向"):
                ind.direction = nat.strip()
        form.indicators.append(ind)
        left = _left_label_at(lefts, r)
        g_left = group(left.label, "block", left.weight) if left is not None else None
        chain = [g for g in (g_level2, g_level1, g_row_block, g_left, section) if g is not None]
        for i, g in enumerate(chain):
            g.members.append(ind)
            if g.parent is None and i + 1 < len(chain):
                g.parent = chain[i + 1]
        if chain:
            direct[id(ind)] = chain[0]
    _shares(form, direct, equal_split=equal_split)
    return next_table


def _known(ind: Indicator) -> bool:
    return ind.weight is not None and ind.weight.value is not None


def _shares(form: FormS, direct: dict[int, WeightGroup], *, equal_split: bool) -> None:
    """Equal shares of a label's weight for the indicators that print none.

    Only where the family states equal shares (``equal_split``) and no printed score
    of those indicators exceeds the share (within rounding): a weight the reader
    derives must never be contradicted by the form.  Otherwise the weight stays
    unknown.  A group's share is what its weight leaves after the weights its
    members print and the weights of its sub-groups.
    """
    for g in form.weight_groups:
        unknown = [i for i in g.members if direct.get(id(i)) is g and not _known(i)]
        if not unknown or g.weight.value is None:
            continue
        known = sum(
            float(i.weight.value)  # type: ignore[union-attr,arg-type]
            for i in g.members
            if direct.get(id(i)) is g and _known(i)
        )
        children = sum(
            float(c.weight.value)
            for c in form.weight_groups
            if c.parent is g and c.weight.value is not None
        )
        share = (float(g.weight.value) - known - children) / len(unknown)
        if not equal_split or share < 0:
            continue
        if any(
            i.score is not None
            and i.score.value is not None
            and float(i.score.value) > share + 0.005
            for i in unknown
        ):
            continue  # a printed score above the share: the form did not split equally
        g.split = True
        for ind in unknown:
            ind.weight = Field(None, None, share)
            ind.weight_source = "equal"
            ind.weight_label = g.label


_STATED_WEIGHTS = re.compile(r"一级指标分值统一设置为")
_STATED_WEIGHT = re.compile(
    r"(产出指标|效益指标|服务对象满意度指标|满意度指标|成本指标)(\d+(?:\.\d+)?)分"
)


def _read_stated_weights(ctx: CellReader, form: FormS) -> None:
    """The 一级 weights a form's own note fixes: ``注：1.一级指标分值统一设置为：产出指标50分、…``."""
    for r, c, v in ctx.cells:
        if not isinstance(v, str) or not _STATED_WEIGHTS.search(norm(v)):
            continue
        k = norm(v)
        tail = k[_STATED_WEIGHTS.search(k).end() :]  # type: ignore[union-attr]
        for name, w in _STATED_WEIGHT.findall(tail.split("。")[0]):
            form.stated_level1_weights.setdefault(LEVEL_CANON.get(name, name), float(w))
        if form.stated_level1_weights:
            form.stated_weights_note = ctx.text(r, c)
            return


def _read_grade_and_texts(ctx: CellReader, form: FormS) -> None:
    sheet = ctx.sheet
    _read_stated_weights(ctx, form)
    for r, c, v in ctx.cells:
        k = _key(v)
        if not k:
            continue
        if form.grade is None and k in GRADE_LABELS:
            vc = ctx.right_of(r, c)
            if vc is not None:
                g = ctx.text(r, vc)
                if len(g.text) > _GRADE_MAX:
                    form.texts.setdefault(k, g)  # 自评结果 | <a paragraph>: a text, not a grade
                else:
                    form.grade = g
            elif (
                not _blank(sheet.value(r + 1, c)) and len(str(sheet.value(r + 1, c))) <= _GRADE_MAX
            ):
                form.grade = ctx.text(r + 1, c)
        if k in TEXT_LABELS and k not in form.texts:
            vc = ctx.right_of(r, c)
            form.texts[k] = ctx.text(r, vc) if vc else Field(sheet.ref(r, c + 1), None, None)
    if form.grade is None and form.total_score is not None and form.total_score.ref is not None:
        r, c0 = form.total_score.ref.row, form.total_score.ref.col
        for c, v in ctx.row(r):
            if c > c0 and isinstance(v, str) and v.strip() in GRADE_WORDS:
                form.grade = ctx.text(r, c)
                break
