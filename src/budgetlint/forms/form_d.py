"""Reader of form D: the 部门决算 tables 公开01–08 and the 情况说明 sheet.

:func:`read_sheet_d` looks at a sheet's short labels first (cheap): a ``公开0N表``
mark, one of :data:`~budgetlint.model_d.TABLE_TITLES` or a “三公”经费 title make it
a table; a sheet of long paragraphs that speak of 决算情况说明 / 收入支出决算总体情况 /
绩效自评综述 makes it the narrative.  Anything else is not form D (None).

A table is read by its labels, wherever it starts:

- the header is the run of label rows above the first data row (a row with a
  number that is not the 栏次 row ``1 2 3 …``); each column is named by the labels
  over it in those rows (a merged group label counts for every column under it),
  most specific first (``本年支出`` over ``小计`` is 小计 of 本年支出);
- a table is cut into *panels* side by side: a new panel starts at each
  科目编码 or 项目 column after the first.  Tables 01 and 04 have two (收入 |
  支出: :attr:`DRow.side` "income" / "expenditure"), 公开06 three (经济分类科目编码 ·
  科目名称 · 决算数 each), the others one;
- each row of a panel is keyed by its code (a number or a text cell) or by its
  label without ordinal (``一、一般公共预算财政拨款收入`` -> ``一般公共预算财政拨款收入``);
  the 类 rows of 01 and 04's expenditure side by the code of their name
  (:data:`~budgetlint.model_d.FUNCTION_CLASSES`); a label met a second time on
  the same side is keyed under the last unnumbered row before it
  (04's ``年初财政拨款结转和结余.一般公共预算财政拨款``);
- the 三公 table (07) is read into rows :data:`~budgetlint.model_d.THREE_PUBLIC_ITEMS`
  × columns :data:`~budgetlint.model_d.THREE_PUBLIC_MEASURES`, laid out horizontally
  (预算数 / 决算数 groups over the items, one data row) or vertically (items down,
  measures across).

Amounts go to 元 (a ``单位：万元`` table is converted; each field keeps its printed
decimals); a blank cell is a field with value None, a printed ``0.00`` is 0.0.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from budgetlint.forms.cells import CellReader, read_recomputed
from budgetlint.forms.cells import blank as _blank
from budgetlint.forms.cells import key as _key
from budgetlint.forms.cells import matches as _matches
from budgetlint.grid import CellRef, Sheet
from budgetlint.model import Field, FormBase, SheetRead
from budgetlint.model_d import (
    FUNCTION_CLASSES,
    TABLE_TITLES,
    THREE_PUBLIC_ITEMS,
    DRow,
    DTable,
    NarrativePart,
)
from budgetlint.settings import Settings
from budgetlint.text import norm, strip_paren
from budgetlint.values import parse_number

__all__ = ["FAMILY", "narrative_paragraphs", "read_sheet_d"]

FAMILY = "final_accounts"

_MARK = re.compile(r"公开0?([1-8])表")
_UNIT = re.compile(r"单位:(万元|元)")
_CODE = re.compile(r"^\d{3}(?:\d{2}){0,2}$")
_ORDINAL = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.]|\([一二三四五六七八九十]+\)|\d+[、.](?!\d)|\(\d+\)|[①-⑳]|其中:)+"
)
_QUOTES = str.maketrans("", "", "“”\"'‘’「」")
_YEAR = re.compile(r"^\d{4}年度?$")
_LABEL_MAX = 40  # a label is short; a paragraph is not
_PARAGRAPH_MIN = 30
_NARRATIVE_MARKS = ("决算情况说明", "收入支出决算总体情况", "绩效自评综述")
_DEPARTMENT_LABELS = ("部门", "部门名称", "编制部门", "编制单位", "单位名称", "预算单位")

#: Header labels -> column key, per table (normalised; TABLE_COLUMNS names the keys).
COLUMN_LABELS: dict[int, dict[str, tuple[str, ...]]] = {
    1: {"amount": ("决算数", "金额", "本年决算数", "决算金额")},
    2: {
        "total": ("本年收入合计", "收入合计", "合计"),
        "fiscal": ("财政拨款收入", "财政拨款"),
        "superior": ("上级补助收入",),
        "business": ("事业收入",),
        "operating": ("经营收入",),
        "affiliated": ("附属单位上缴收入",),
        "other": ("其他收入",),
    },
    3: {
        "total": ("本年支出合计", "支出合计", "合计"),
        "basic": ("基本支出",),
        "project": ("项目支出",),
        "superior": ("上缴上级支出",),
        "operating": ("经营支出",),
        "affiliated": ("对附属单位补助支出",),
    },
    4: {
        "amount": ("金额", "决算数"),
        "total": ("合计", "小计"),
        "general": ("一般公共预算财政拨款", "一般公共预算"),
        "fund": ("政府性基金预算财政拨款", "政府性基金预算"),
    },
    5: {
        "total": ("本年支出小计", "小计", "合计", "本年支出合计", "本年支出"),
        "basic": ("基本支出",),
        "project": ("项目支出",),
    },
    6: {"amount": ("决算数", "金额", "本年决算数")},
    8: {
        "carry_in": ("年初结转和结余", "年初结转结余"),
        "income": ("本年收入", "本年收入合计"),
        "total": ("本年支出小计", "小计", "本年支出合计", "本年支出"),
        "basic": ("基本支出",),
        "project": ("项目支出",),
        "carry_out": ("年末结转和结余", "年末结转结余"),
    },
}

#: 三公 measures: key -> header labels (normalised).
MEASURE_LABELS: dict[str, tuple[str, ...]] = {
    "budget_fiscal": (
        "其中:公共预算财政拨款",
        "公共预算财政拨款",
        "其中:一般公共预算财政拨款",
        "一般公共预算财政拨款",
        "其中:财政拨款",
        "财政拨款",
    ),
    "prior": ("上年决算数", "上年决算", "上年数", "上年实际数"),
    "current": ("本年决算数", "本年决算", "本年数", "本年实际数"),
    "budget": ("预算数", "本年预算数", "全年预算数", "年初预算数", "调整后预算数", "预算"),
    "final": ("决算数", "决算", "实际支出数"),
    "change": ("增减金额", "增减额", "增减数", "增减"),
    "change_rate": ("增减幅度", "增减比例", "增减率", "增长率", "增减百分比"),
}

#: 功能分类 names of earlier years (科目 renamed in 2018/2019) -> 类 code.
_CLASS_ALIASES = {
    "文化体育与传媒支出": "207",
    "医疗卫生与计划生育支出": "210",
    "国土海洋气象等支出": "220",
    "粮油物资储备管理支出": "222",
}
_CLASS_BY_NAME = {name: code for code, name in FUNCTION_CLASSES.items()} | _CLASS_ALIASES
_TITLE_KEYS = sorted(
    ((norm(t).translate(_QUOTES), n) for n, t in TABLE_TITLES.items()),
    key=lambda kn: -len(kn[0]),
)


# --- detection ---------------------------------------------------------------------


@dataclass
class _Found:
    number: int = 0
    mark: Field[str] | None = None
    title: Field[str] | None = None
    marks: set[int] = field(default_factory=set)
    narrative: bool = False
    heading: Field[str] | None = None


def _title_number(k: str) -> int:
    """The table a title names (longest title the label ends with), 0 for none."""
    if len(k) > _LABEL_MAX or not k.endswith("表"):
        return 0
    t = k.translate(_QUOTES)
    for title, n in _TITLE_KEYS:
        if t.endswith(title):
            return n
    if "三公" in t and "经费" in t:
        return 7
    return 0


def _detect(ctx: CellReader) -> _Found:
    found = _Found()
    long_texts = 0
    for r, c, v in ctx.cells:
        if not isinstance(v, str):
            continue
        k = norm(v)
        if len(k) <= 16:
            m = _MARK.search(k)
            if m:
                found.marks.add(int(m.group(1)))
                if found.mark is None:
                    found.mark = ctx.text(r, c)
                    found.number = int(m.group(1))
        if found.title is None:
            n = _title_number(k)
            if n:
                found.title = ctx.text(r, c)
                if not found.number:
                    found.number = n
        if len(k) >= _PARAGRAPH_MIN:
            long_texts += 1
        if any(w in k for w in _NARRATIVE_MARKS):
            found.narrative = True
            if found.heading is None and "决算情况说明" in k:
                found.heading = ctx.text(r, c)
    found.narrative = found.narrative and long_texts > 0
    return found


def _maybe_d(sheet: Sheet, labels: list[str]) -> bool:
    """Whether the sheet can be a table of form D or its narrative (cheap, from its labels:
    a mark, a table title or a narrative heading; else a paragraph naming 绩效自评综述)."""
    for k in labels:
        if _MARK.search(k) or _title_number(k) or any(w in k for w in _NARRATIVE_MARKS):
            return True
    return any(
        isinstance(v, str) and len(v) >= _PARAGRAPH_MIN and any(w in v for w in _NARRATIVE_MARKS)
        for v in sheet.cells.values()  # any order: the sheet's cells unsorted
    )


def read_sheet_d(
    sheet: Sheet, settings: Settings | None = None, *, labels: list[str] | None = None
) -> SheetRead | None:
    """A table of form D or its narrative, read; None when the sheet is neither.

    ``labels``: the sheet's labels (:func:`budgetlint.forms.form_s.sheet_labels`), when
    the caller has them: a sheet they rule out is not indexed at all.
    """
    del settings  # no setting changes how form D is read
    from budgetlint.forms.form_s import sheet_labels

    labels = sheet_labels(sheet) if labels is None else labels
    if not _maybe_d(sheet, labels):
        return None
    ctx = CellReader(sheet)
    found = _detect(ctx)
    if found.number:
        labels = labels[:30]
        if len(found.marks) > 1:
            marks = "、".join(f"公开{n:02d}表" for n in sorted(found.marks))
            return SheetRead(
                sheet.name,
                "unrecognized",
                family=FAMILY,
                labels=labels,
                reason=f"版式未识别：一张工作表上有多张决算公开表（{marks}），应每表一张工作表",
            )
        table, why = _read_table(ctx, found)
        if table is None:
            return SheetRead(sheet.name, "unrecognized", family=FAMILY, labels=labels, reason=why)
        return SheetRead(sheet.name, "form", form=table, family=FAMILY, labels=labels)
    if found.narrative:
        return _read_narrative_part(ctx, found, labels[:30])
    return None


# --- narrative -----------------------------------------------------------------------


def narrative_paragraphs(sheet: Sheet) -> list[tuple[CellRef | None, str]]:
    """The sheet's paragraphs: every non-blank text cell, one paragraph each, in reading order."""
    return [(sheet.ref(r, c), v.strip()) for r, c, v in sheet.nonempty() if isinstance(v, str)]


def _read_narrative_part(ctx: CellReader, found: _Found, labels: list[str]) -> SheetRead:
    from budgetlint.narrative import read_narrative

    sheet = ctx.sheet
    part = NarrativePart(
        sheet=sheet.name,
        family=FAMILY,
        narrative=read_narrative(narrative_paragraphs(sheet)),
        heading=found.heading,
    )
    _formulas(sheet, part)
    return SheetRead(sheet.name, "form", form=part, family=FAMILY, labels=labels)


# --- tables --------------------------------------------------------------------------


@dataclass
class _Panel:
    """One set of columns side by side with others: a code/label column and its values."""

    first: int
    side: str = ""
    code: int | None = None
    code_parts: list[int] = field(default_factory=list)  # 类 · 款 · 项 under 科目编码
    name: int | None = None  # 科目名称
    label: int | None = None  # 项目 (no code column)
    line: int | None = None  # 行次
    cols: dict[str, int] = field(default_factory=dict)
    heads: dict[str, tuple[int, int]] = field(default_factory=dict)  # key -> header cell

    @property
    def has_key_column(self) -> bool:
        return self.code is not None or self.label is not None


def _is_number(v: object) -> bool:
    return not _blank(v) and parse_number(v) is not None


def _is_text(v: object) -> bool:
    return isinstance(v, str) and not _blank(v) and parse_number(v) is None


def _code(v: object) -> str | None:
    """A 功能分类 / 经济分类 code in a cell (201, 20136.0, '2013601'), else None."""
    if isinstance(v, bool) or v is None:
        return None
    if isinstance(v, float):
        if not v.is_integer():
            return None
        v = int(v)
    s = str(v).strip()
    return s if _CODE.match(s) else None


def _line_text(ctx: CellReader, r: int, c: int | None) -> Field[str] | None:
    if c is None:
        return None
    raw = ctx.sheet.value(r, c)
    if _blank(raw):
        return Field(ctx.sheet.ref(r, c), raw, None)
    val = str(int(raw)) if isinstance(raw, float) and raw.is_integer() else str(raw).strip()
    return Field(ctx.sheet.ref(r, c), raw, val)


def _is_column_numbers(ctx: CellReader, r: int) -> bool:
    """The 栏次 row: a 栏次 label, or nothing but the column numbers 1, 2, 3 …"""
    cells = ctx.row(r)
    if any(_key(v) == "栏次" for _, v in cells):
        return True
    nums = []
    for _, v in cells:
        if _is_text(v):
            return False
        n = parse_number(v)
        if n is None or not n.value.is_integer():
            return False
        nums.append(int(n.value))
    return len(nums) >= 3 and nums == list(range(nums[0], nums[0] + len(nums)))


def _is_end(ctx: CellReader, r: int) -> bool:
    """A 注：… row below the table."""
    for _, v in ctx.row(r):
        k = _key(v)
        if k.startswith(("注:", "说明:")) or k == "注":
            return True
    return False


def _meta(k: str) -> bool:
    """A title, mark, unit, department or year cell above the header."""
    return (
        bool(_MARK.search(k) and len(k) <= 16)
        or _title_number(k) > 0
        or bool(_UNIT.search(k))
        or _department_name(k) is not None
        or bool(_YEAR.match(k))
    )


def _department_name(k: str) -> str | None:
    """``部门:中共深圳市委政法委员会`` -> the name ('' when only the label)."""
    head, sep, rest = k.partition(":")
    if not sep or head not in _DEPARTMENT_LABELS:
        return None
    rest = _UNIT.split(rest)[0] if _UNIT.search(rest) else rest
    return rest


def _read_meta(ctx: CellReader, table: DTable) -> None:
    for r, c, v in ctx.cells:
        if not isinstance(v, str) or len(v) > 80:
            continue
        k = norm(v)
        m = _UNIT.search(k)
        if m and table.unit_ref is None:
            table.unit = m.group(1)
            table.unit_ref = ctx.sheet.ref(r, c)
        name = _department_name(k)
        if name is not None and table.department is None:
            if name:
                table.department = Field(ctx.sheet.ref(r, c), v, _department_value(v))
            else:
                vc = ctx.right_of(r, c)
                if vc is not None and not _UNIT.search(_key(ctx.sheet.value(r, vc))):
                    table.department = ctx.text(r, vc)


def _department_value(raw: str) -> str:
    s = re.split(r"[:：]", raw, maxsplit=1)[1]
    s = re.split(r"(?:金额)?单位\s*[:：]", s)[0]
    return s.strip()


def _header_rows(ctx: CellReader, start: int) -> tuple[list[int], int] | None:
    """(header rows, first data row) of the table from row ``start``."""
    data = None
    for r in ctx.row_numbers:
        if r < start or _is_column_numbers(ctx, r):
            continue
        if any(_is_number(v) for _, v in ctx.row(r)):
            data = r
            break
    if data is None:
        return None
    rows: list[int] = []
    for r in sorted((rr for rr in ctx.row_numbers if start <= rr < data), reverse=True):
        cells = ctx.row(r)
        if _is_column_numbers(ctx, r):
            continue
        keys = [_key(v) for _, v in cells if _is_text(v)]
        if not keys or all(_meta(k) for k in keys):
            if rows:
                break
            continue
        if any(len(k) > _LABEL_MAX for k in keys):
            break
        rows.append(r)
        if len(rows) >= 4:
            break
    return sorted(rows), data


def _column_labels(ctx: CellReader, rows: list[int]) -> dict[int, list[tuple[str, int, int]]]:
    """Column -> [(label, row, col of its cell)] top to bottom over the header rows."""
    sheet = ctx.sheet
    out: dict[int, list[tuple[str, int, int]]] = {}
    for r in rows:
        for c, v in ctx.row(r):
            k = _key(v)
            if not k:
                continue
            m = sheet.merged_at(r, c)
            span = range(m.min_col, m.max_col + 1) if m is not None else range(c, c + 1)
            for cc in span:
                labels = out.setdefault(cc, [])
                if not any(rr == r and c0 == c for _, rr, c0 in labels):
                    labels.append((k, r, c))
    for labels in out.values():
        labels.sort(key=lambda t: t[1])
    return out


def _candidates(labels: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """Labels to try, most specific first: all joined, the last two joined, bottom … top."""
    out: list[tuple[str, int, int]] = []
    if len(labels) > 1:
        bottom = labels[-1]
        out.append(("".join(k for k, _, _ in labels), bottom[1], bottom[2]))
        out.append((labels[-2][0] + bottom[0], bottom[1], bottom[2]))
    out.extend(reversed(labels))
    return out


def _role(labels: list[tuple[str, int, int]]) -> str:
    keys = [strip_paren(k) for k, _, _ in labels]
    bottom = keys[-1] if keys else ""
    if any("编码" in k or "代码" in k for k in keys):
        return "code_part" if bottom in ("类", "款", "项") else "code"
    if bottom in ("科目名称", "名称", "科目"):
        return "name"
    if "行次" in keys:
        return "line"
    if bottom in ("项目", "收入项目", "支出项目"):
        return "label"
    return "value"


def _panels(ctx: CellReader, number: int, rows: list[int]) -> list[_Panel]:
    by_col = _column_labels(ctx, rows)
    synonyms = COLUMN_LABELS[number]
    panels: list[_Panel] = []
    side_at: list[tuple[int, str]] = sorted(
        (c, "income" if k == "收入" else "expenditure")
        for c, labels in by_col.items()
        for k, _, c0 in labels
        if k in ("收入", "支出") and c0 == c
    )
    for c in sorted(by_col):
        labels = by_col[c]
        role = _role(labels)
        new = role in ("code", "label") or (role == "code_part" and _bottom_is(labels, "类"))
        if new and (not panels or panels[-1].has_key_column):
            panels.append(_Panel(first=c))
        if not panels:
            panels.append(_Panel(first=c))
        p = panels[-1]
        if role == "code" and p.code is None:
            p.code = c
        elif role == "code_part":
            p.code_parts.append(c)
            if p.code is None:
                p.code = c
        elif role == "name" and p.name is None:
            p.name = c
        elif role == "label" and p.label is None:
            p.label = c
        elif role == "line" and p.line is None:
            p.line = c
        elif role == "value":
            for k, hr, hc in _candidates(labels):
                key = next(
                    (n for n, syns in synonyms.items() if n not in p.cols and _matches(k, syns)),
                    None,
                )
                if key is not None:
                    p.cols[key] = c
                    p.heads[key] = (hr, hc)
                    break
    if number in (1, 4):
        for i, p in enumerate(panels):
            sides = [s for c, s in side_at if c <= p.first]
            p.side = sides[-1] if sides else ("income" if i == 0 else "expenditure")
    return [p for p in panels if p.cols]


def _bottom_is(labels: list[tuple[str, int, int]], k: str) -> bool:
    return bool(labels) and labels[-1][0] == k


def _split_code(ctx: CellReader, r: int, cols: list[int]) -> str | None:
    """A code printed over 类 · 款 · 项 columns (201 | 36 | 01, or the full code in each)."""
    code = ""
    for i, c in enumerate(cols):
        v = ctx.sheet.value(r, c)
        if _blank(v):
            break
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        s = str(v).strip()
        if not s.isdigit():
            return None
        if i and len(s) == 1:
            s = s.zfill(2)  # 款 1 typed as a number for 01
        code = s if code and s.startswith(code) and len(s) > len(code) else code + s
    return code if _CODE.match(code) else None


def _row_key(label: str) -> str:
    k = _ORDINAL.sub("", norm(label)).translate(_QUOTES)
    return k or norm(label)


def _read_table(ctx: CellReader, found: _Found) -> tuple[DTable | None, str]:
    sheet = ctx.sheet
    table = DTable(
        sheet=sheet.name, family=FAMILY, number=found.number, title=found.title, mark=found.mark
    )
    _read_meta(ctx, table)
    ctx.amount_unit = table.unit
    start_cells = [f.ref.row for f in (found.mark, found.title) if f is not None and f.ref]
    start = min(start_cells, default=1)
    name = f"公开{found.number:02d}表"
    if found.number == 7:
        if not _read_three_public(ctx, table, start):
            return (
                None,
                f"版式未识别：{name}找不到“三公”经费的项目（因公出国（境）费、公务用车、公务接待费）",
            )
    else:
        hd = _header_rows(ctx, start)
        panels = _panels(ctx, found.number, hd[0]) if hd and hd[0] else []
        if hd is None or not panels:
            return None, f"版式未识别：{name}找不到表头（项目、科目编码或金额栏）"
        _read_rows(ctx, table, panels, hd[1])
        if not table.rows:
            return None, f"版式未识别：{name}表头下没有数据行"
    _formulas(sheet, table)
    return table, ""


def _read_rows(ctx: CellReader, table: DTable, panels: list[_Panel], first: int) -> None:
    many = len(panels) > 1 and table.number not in (1, 4)
    for i, p in enumerate(panels):
        for key, (hr, hc) in p.heads.items():
            name = f"{p.side}.{key}" if p.side else (f"{key}.{i + 1}" if many and i else key)
            table.columns[name] = ctx.text(hr, hc)
    taken: set[tuple[int, int]] = set()  # cells a panel read right of its own columns
    for p in panels:
        seen: set[str] = set()
        parent = ""  # the last row without code or ordinal (年初财政拨款结转和结余)
        for r in ctx.row_numbers:
            if r < first:
                continue
            if _is_end(ctx, r):
                break
            if _is_column_numbers(ctx, r):
                continue
            row = _panel_row(ctx, table, p, r, taken)
            if row is None:
                continue
            if row.key in seen and parent:
                row.key = f"{parent}.{row.key}"
            elif row.code is None and row.label.value and not _ORDINAL.match(norm(row.label.value)):
                parent = row.key
            seen.add(row.key)
            table.rows.append(row)


def _panel_row(
    ctx: CellReader, table: DTable, p: _Panel, r: int, taken: set[tuple[int, int]]
) -> DRow | None:
    sheet = ctx.sheet
    code_raw = sheet.value(r, p.code) if p.code is not None else None
    code = _split_code(ctx, r, p.code_parts) if len(p.code_parts) > 1 else _code(code_raw)
    label_col = p.name if p.name is not None else p.label
    label: Field[str] | None = None
    if label_col is not None and _is_text(sheet.value(r, label_col)):
        label = ctx.text(r, label_col)
    if code is None and p.code is not None and _is_text(code_raw):
        if label is None or label.value is None:
            label = ctx.text(r, p.code)  # 合计 / 人员经费合计 in the code column
    values = {k: ctx.number(r, c, "amount") for k, c in p.cols.items() if (r, c) not in taken}
    values = {k: f for k, f in values.items() if f is not None}
    if code is None and label is None and all(f.blank for f in values.values()):
        return None  # blank, or only a 行次
    if code is None and label is not None and values and all(f.blank for f in values.values()):
        # 公用经费合计's amount printed several columns right of its label
        far = _amount_right_of(ctx, r, label.ref.col if label.ref else 0, p)
        if far is not None:
            taken.add((r, far))
            values[next(iter(values))] = ctx.number(r, far, "amount")  # type: ignore[assignment]
    if label is None:
        label = (
            ctx.text(r, label_col)
            if label_col is not None
            else Field(sheet.ref(r, p.code or p.first), None, None)
        )
    line = _line_text(ctx, r, p.line)
    if code is not None:
        key = code
    elif label.value:
        key = _row_key(label.value)
        if table.number in (1, 4) and p.side == "expenditure":
            key = _CLASS_BY_NAME.get(key, key)
    else:
        key = f"行次{line.value}" if line is not None and line.value else f"行{r}"
    return DRow(
        key=key,
        label=label,
        code=_code_field(ctx, r, p, code),
        line=line,
        side=p.side,
        values=values,
    )


def _code_field(ctx: CellReader, r: int, p: _Panel, code: str | None) -> Field[str] | None:
    if code is None or p.code is None:
        return None
    f = _line_text(ctx, r, p.code)
    if f is not None and len(p.code_parts) > 1:
        f = Field(f.ref, f.raw, code)  # the code of all parts, at its 类 cell
    return f


def _amount_right_of(ctx: CellReader, r: int, c: int, p: _Panel) -> int | None:
    """The first number right of the panel's value cells on row ``r``, before another label."""
    last = max(p.cols.values(), default=c)
    for cc, v in ctx.row(r):
        if cc <= max(c, last):
            continue
        if _is_text(v):
            return None
        if _is_number(v):
            return cc
    return None


# --- 三公 (公开07) ------------------------------------------------------------------------


def _item_key(k: str, parent: str | None = None) -> str | None:
    """The THREE_PUBLIC_ITEMS key a label names (``(2)公务用车运行维护费`` -> car_run)."""
    t = _ORDINAL.sub("", k).translate(_QUOTES)
    t = t.removeprefix("其中:")
    if not t or len(t) > 30:
        return None
    if t in ("合计", "总计") or t.endswith("经费合计") or t in ("三公经费", "三公经费支出"):
        return "total"
    if t == "小计":
        return "car" if parent == "car" else None
    if "出国" in t:
        return "abroad"
    if ("购置" in t and "运行" in t) or t in ("公务用车", "公务用车费"):
        return "car"
    if "购置" in t:
        return "car_purchase"
    if "运行" in t or "运维" in t:
        return "car_run"
    if "接待" in t:
        return "reception"
    return None


def _measure_key(k: str) -> str | None:
    for name, syns in MEASURE_LABELS.items():
        if _matches(k, syns):
            return name
    return None


def _read_three_public(ctx: CellReader, table: DTable, start: int) -> bool:
    items = [
        (r, c, it)
        for r, c, v in ctx.cells
        if r >= start and _is_text(v) and (it := _item_key(norm(v))) not in (None, "total")
    ]
    by_row: dict[int, set[str]] = {}
    by_col: dict[int, set[str]] = {}
    for r, c, it in items:
        by_row.setdefault(r, set()).add(it)
        by_col.setdefault(c, set()).add(it)
    best_row = max(by_row.items(), key=lambda kv: len(kv[1]), default=(0, set()))
    best_col = max(by_col.items(), key=lambda kv: len(kv[1]), default=(0, set()))
    if len(best_row[1]) >= 2 and len(best_row[1]) >= len(best_col[1]):
        return _three_public_across(ctx, table, best_row[0])
    if len(best_col[1]) >= 2:
        return _three_public_down(ctx, table, best_col[0], start)
    return False


def _three_public_across(ctx: CellReader, table: DTable, item_row: int) -> bool:
    """预算数 / 决算数 groups over 合计 · 因公出国（境）费 · 公务用车… · 公务接待费, one data row."""
    hd = _header_rows(ctx, max(1, item_row - 3))
    if hd is None:
        return False
    rows, data = hd
    rows = [r for r in rows if r >= item_row - 3]
    by_col = _column_labels(ctx, rows)
    measure_at: list[tuple[int, str, int]] = []  # (col, measure, row) of group labels
    for r in rows:
        if r >= item_row:
            continue
        for c, v in ctx.row(r):
            m = _measure_key(_key(v))
            if m is not None:
                measure_at.append((c, m, r))
    measure_at.sort()
    columns: dict[tuple[str, str], int] = {}
    heads: dict[str, tuple[int, int]] = {}
    for c in sorted(by_col):
        labels = [t for t in by_col[c] if t[1] >= item_row]
        item = None
        parent = None
        head = None
        for k, hr, hc in labels:
            it = _item_key(k, parent)
            if it is not None and it != item:
                parent, item, head = it, it, (hr, hc)
        if item is None:
            continue
        groups = [m for mc, m, _ in measure_at if mc <= c]
        measure = groups[-1] if groups else "final"
        columns.setdefault((item, measure), c)
        heads.setdefault(item, head)  # type: ignore[arg-type]
    if not columns:
        return False
    for mc, m, mr in measure_at:
        table.columns.setdefault(m, ctx.text(mr, mc))
    for item in THREE_PUBLIC_ITEMS:
        cols = {m: c for (it, m), c in columns.items() if it == item}
        if not cols:
            continue
        hr, hc = heads[item]
        values = {m: ctx.number(data, c, "amount") for m, c in cols.items()}
        table.rows.append(
            DRow(key=item, label=ctx.text(hr, hc), values={m: f for m, f in values.items() if f})
        )
    return True


def _three_public_down(ctx: CellReader, table: DTable, item_col: int, start: int) -> bool:
    """Items down one column (合 计, 1.因公出国（境）费 …), measures across."""
    sheet = ctx.sheet
    item_rows: list[tuple[int, str]] = []
    parent: str | None = None
    for r in ctx.row_numbers:
        if r < start:
            continue
        v = sheet.value(r, item_col)
        if not _is_text(v):
            continue
        it = _item_key(norm(v), parent)
        if it is not None:
            item_rows.append((r, it))
            if it == "car":
                parent = "car"
    if not item_rows:
        return False
    first = item_rows[0][0]
    measures: dict[str, int] = {}
    percent: dict[str, bool] = {}
    line_col = None
    for r in sorted((rr for rr in ctx.row_numbers if start <= rr < first), reverse=True):
        for c, v in ctx.row(r):
            if c <= item_col:
                continue
            k = _key(v)
            if k == "行次":
                line_col = c
                continue
            m = _measure_key(k)
            if m is not None and m not in measures and c not in measures.values():
                measures[m] = c
                percent[m] = "%" in k
                table.columns[m] = ctx.text(r, c)
        if measures:
            break
    if not measures:
        return False
    for r, it in item_rows:
        if table.row(it) is not None:
            continue
        values: dict[str, Field[float]] = {}
        for m, c in measures.items():
            f = (
                ctx.number(r, c, "rate", percent_column=percent[m], computed=True)
                if m == "change_rate"
                else ctx.number(r, c, "amount")
            )
            if f is not None:
                values[m] = f
        table.rows.append(
            DRow(
                key=it,
                label=ctx.text(r, item_col),
                line=_line_text(ctx, r, line_col),
                values=values,
            )
        )
    return True


# --- formula cells -------------------------------------------------------------------


def _formulas(sheet: Sheet, form: FormBase) -> None:
    form.uncached_formulas = [sheet.ref(r, c) for r, c in sheet.uncached()]
    read_recomputed(sheet, form)
