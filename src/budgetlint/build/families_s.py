"""Form S (项目支出绩效自评表) in the layouts of the other families.

One workbook per family of :mod:`budgetlint.families` (FORMS.md, "Form S as
other provinces lay it out"), each the filled form of a county or city
department with two or three project sheets, written the way real published
forms of that family look: label variants, numbers as text, merged 一级/二级
cells, template leftovers.  A few sheets are not forms (a 说明 narrative, a
三公经费 table) or are form-like in a layout no family has (a 绩效运行监控表),
so the reader's skip and 版式未识别 paths have something to read.

Every sheet but the first of each workbook carries planted mistakes of the
kinds real forms show; the first sheet of each workbook is consistent.

:data:`EXPECTED` says, per file and sheet, what a reader must get: the family,
each model value with the cell it sits in, and the planted mistakes.  Amounts
there are in 元 (a 万元 form is converted), rates are fractions, weights and
scores floats; 一级/二级 names are normalised simplified names without weights;
a split target (指标性质 · 指标值 · 度量单位) is the combined text and its address
is the first of its three cells; an equal-share weight has address ``None``.

``build_all(root, traditional=True)`` converts every label cell to
traditional characters (values are unchanged), for the tests of the reader.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.worksheet.worksheet import Worksheet

from budgetlint.build.xlsx import save
from budgetlint.grid import address, column_letter

Cell = str | int | float | None
#: A split target: (指标性质, 指标值, 度量单位).
Split = tuple[str, Cell, str]

YEAR = "（2023年度）"
EXAMPLES = Path("examples")

#: Family key -> committed file name.
FILES: dict[str, str] = {
    "national_wan": "版式-全国万元.xlsx",
    "split_target": "版式-指标值分列.xlsx",
    "ten_ninety": "版式-部门预算10加90.xlsx",
    "twenty_eighty": "版式-市级20加80.xlsx",
    "transfer": "版式-转移支付绩效目标自评表.xlsx",
    "no_score": "版式-专项资金无分值.xlsx",
    "department": "版式-部门整体.xlsx",
}


@dataclass
class SheetExpectation:
    """What a reader must make of one sheet.

    ``values`` maps a model path to ``(cell address or None, expected value)``;
    ``mistakes`` lists ``(cell address, description, rule idea)`` of the planted
    mistakes, ``notes`` the same for harmless oddities; ``labels`` are the label
    cells (converted in a traditional build).
    """

    family: str  # family key, or "unrecognized" (版式未识别) / "skipped" (not a form)
    values: dict[str, tuple[str | None, Any]] = field(default_factory=dict)
    mistakes: list[tuple[str, str, str]] = field(default_factory=list)
    #: Harmless oddities a checker may at most note, e.g. a 0.00% rate on a zero sub-row.
    notes: list[tuple[str, str, str]] = field(default_factory=list)
    unit: str = "元"  # unit the amounts are printed in
    rate_percent: bool = False  # the rate column is headed (%) and holds 98.00 for 98 %
    split_target: bool = False  # targets spread over 指标性质 · 指标值 · 度量单位
    labels: set[str] = field(default_factory=set)


# ----------------------------------------------------------------------------------
# Normalisation used to state the expectations
# ----------------------------------------------------------------------------------

_NA = {"", "—", "——", "-", "－", "/", "／", "不适用"}
_WEIGHT_IN_LABEL = re.compile(r"[（(]\s*(\d+(?:\.\d+)?)\s*分[^)）]*[)）]")
_LEVEL_SYNONYMS = {
    "产出目标": "产出指标",
    "效益目标": "效益指标",
    "满意度目标": "满意度指标",
    "服务对象满意度指标": "满意度指标",
    "进度指标": "时效指标",
}


def _parse_number(raw: Cell) -> float | None:
    """A number as printed: ``17,820.76``, ``1 016 500``, ``98%`` (-> 0.98), ``—`` (-> None)."""
    if raw is None:
        return None
    if isinstance(raw, int | float):
        return float(raw)
    s = re.sub(r"[,，\s\u3000]", "", raw)
    if s in _NA:
        return None
    percent = s.endswith(("%", "％"))
    s = s.rstrip("%％").removesuffix("万元").removesuffix("元")
    value = float(s)
    return value / 100 if percent else value


def _amount(raw: Cell, unit: str) -> float | None:
    v = _parse_number(raw)
    if v is None:
        return None
    return round(v * 10000, 2) if unit == "万元" else round(v, 2)


def _rate(raw: Cell, percent_col: bool) -> float | None:
    v = _parse_number(raw)
    if v is None:
        return None
    if percent_col and not (isinstance(raw, str) and "%" in raw) and v > 1.5:
        v = v / 100
    return round(v, 6)


def _text(raw: Cell) -> str | None:
    if raw is None:
        return None
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    s = str(raw).strip()
    return s or None


def _level(label: str) -> str:
    """一级/二级 label -> normalised name: no spaces, no weight, synonyms merged."""
    s = re.sub(r"\s+", "", _WEIGHT_IN_LABEL.sub("", label))
    return _LEVEL_SYNONYMS.get(s, s)


def _label_weight(label: str) -> float | None:
    m = _WEIGHT_IN_LABEL.search(label)
    return float(m.group(1)) if m else None


def _name(label: str) -> str:
    """三级 name without template leftovers (``指标1：``, ``★``, ``(≥**人)``)."""
    s = re.sub(r"^\s*指标\s*\d+\s*[：:]", "", label)
    s = s.replace("★", "")
    s = re.sub(r"[（(][≥≤<>=]*\*+[^)）]*[)）]", "", s)
    return s.strip()


def _combine(parts: Split) -> str:
    op, val, unit = parts
    return f"{op or ''}{_text(val) or ''}{unit or ''}".strip()


# ----------------------------------------------------------------------------------
# Sheet writer
# ----------------------------------------------------------------------------------

_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_FONT = Font(name="宋体", size=10)
_BOLD = Font(name="宋体", size=10, bold=True)
_TITLE = Font(name="黑体", size=16, bold=True)
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
_RIGHT = Alignment(horizontal="right", vertical="center", wrap_text=False)

#: Number formats.
F2 = "0.00"
F4 = "0.0000"
FC = "#,##0.00"
FP = "0.00%"
F1 = "0.0"


@dataclass
class FundSpec:
    """One row of a fund block: raw cell values by field, planted mistakes by field."""

    kind: str
    label: str | None
    cells: dict[str, Cell]
    mistakes: tuple[tuple[str, str, str], ...] = ()


@dataclass
class Ind:
    """One indicator row as printed (``target`` is a :data:`Split` in split layouts)."""

    l1: str
    l2: str
    name: str
    target: Cell | Split
    actual: Cell
    weight: Cell = None
    score: Cell = None
    reason: Cell = None
    mistakes: tuple[tuple[str, str, str], ...] = ()  # (field, description, rule)
    leftover: bool = False  # a template leftover row (``……``), not an indicator


class _Sheet:
    """Writes one sheet and records its expectation."""

    def __init__(self, ws: Worksheet, exp: SheetExpectation, conv: Callable[[str], str]):
        self.ws = ws
        self.exp = exp
        self.conv = conv
        self.ncols = 1
        self.last_col = 9  # the form's last column: free-text cells merge up to it

    # -- cells ----------------------------------------------------------------
    def _put(
        self,
        row: int,
        col: int,
        value: Cell,
        to: tuple[int, int] | None,
        font: Font,
        align: Alignment,
        fmt: str | None,
    ) -> str:
        cell = self.ws.cell(row=row, column=col, value=value)
        if isinstance(value, str) and value.startswith("="):
            cell.data_type = "s"  # a target such as =48座 is text, not a formula
        cell.font = font
        cell.alignment = align
        if fmt and isinstance(value, float):
            cell.number_format = fmt
        if to and to != (row, col):
            self.ws.merge_cells(
                start_row=row, start_column=col, end_row=to[0], end_column=to[1]
            )
        self.ncols = max(self.ncols, col, to[1] if to else col)
        return address(row, col)

    def label(
        self,
        row: int,
        col: int,
        text: str,
        to: tuple[int, int] | None = None,
        *,
        bold: bool = False,
        align: Alignment = _CENTER,
    ) -> str:
        """A label cell: converted in a traditional build."""
        addr = self._put(row, col, self.conv(text), to, _BOLD if bold else _FONT, align, None)
        self.exp.labels.add(addr)
        return addr

    def value(
        self,
        row: int,
        col: int,
        value: Cell,
        to: tuple[int, int] | None = None,
        *,
        fmt: str | None = None,
        align: Alignment | None = None,
    ) -> str:
        if align is None:
            align = _LEFT if isinstance(value, str) and len(value) > 12 else _CENTER
        return self._put(row, col, value, to, _FONT, align, fmt)

    def title(self, row: int, text: str, ncols: int) -> None:
        addr = self._put(row, 1, self.conv(text), (row, ncols), _TITLE, _CENTER, None)
        self.exp.labels.add(addr)
        self.ws.row_dimensions[row].height = 30
        self.expect("title", addr, text)

    def expect(self, path: str, addr: str | None, value: Any) -> None:
        self.exp.values[path] = (addr, value)

    def mistake(self, addr: str, description: str, rule: str) -> None:
        self.exp.mistakes.append((addr, description, rule))

    # -- frame ------------------------------------------------------------------
    def frame(self, first_row: int, last_row: int, ncols: int, widths: list[float]) -> None:
        """Borders over the form, column widths."""
        for r in range(first_row, last_row + 1):
            for c in range(1, ncols + 1):
                cell = self.ws.cell(row=r, column=c)
                cell.border = _BORDER
                if cell.font != _BOLD and cell.font != _TITLE:
                    cell.font = _FONT
        for i, w in enumerate(widths, start=1):
            self.ws.column_dimensions[column_letter(i)].width = w
        # print as the published forms are: A4 landscape, one page wide
        self.ws.page_setup.orientation = "landscape"
        self.ws.page_setup.paperSize = self.ws.PAPERSIZE_A4
        self.ws.page_setup.fitToWidth = 1
        self.ws.page_setup.fitToHeight = 0
        self.ws.sheet_properties.pageSetUpPr.fitToPage = True

    # -- blocks -------------------------------------------------------------------
    def header_fields(self, row: int, pairs: list[tuple[int, str, int, str, str | None]]) -> None:
        """Header line: (label col, label, value col, value, model path) per pair,
        the value merged up to the next label (or the last column)."""
        for i, (lc, text, vc, val, path) in enumerate(pairs):
            end = pairs[i + 1][0] - 1 if i + 1 < len(pairs) else self.last_col
            self.label(row, lc, text)
            addr = self.value(row, vc, val, (row, end) if end > vc else None, align=_LEFT)
            if path:
                self.expect(path, addr, _parse_number(val) if path == "amount" else val)

    def fund_rows(
        self,
        first_row: int,
        rows: list[FundSpec],
        cols: dict[str, int],
        *,
        label_cols: tuple[int, int] | None,
        unit: str,
        percent_col: bool = False,
        formats: dict[str, str] | None = None,
    ) -> int:
        """Fund rows from ``first_row``; returns the next row."""
        formats = {"initial": FC, "budget": FC, "executed": FC, "rate": F2, "weight": "0",
                   "score": F2} | (formats or {})
        r = first_row
        for spec in rows:
            if spec.label is not None and label_cols:
                self.label(r, label_cols[0], spec.label,
                           (r, label_cols[1]) if label_cols[1] > label_cols[0] else None)
            for key, col in cols.items():
                raw = spec.cells.get(key)
                to = None
                if key == "reason" and col < self.last_col:
                    to = (r, self.last_col)
                addr = self.value(r, col, raw, to, fmt=formats.get(key))
                if key in ("initial", "budget", "executed"):
                    val: Any = _amount(raw, unit)
                elif key == "rate":
                    val = _rate(raw, percent_col)
                elif key == "reason":
                    val = _text(raw)
                else:
                    val = _parse_number(raw)
                self.expect(f"fund.{spec.kind}.{key}", addr, val)
            for key, desc, rule in spec.mistakes:
                self.mistake(address(r, cols[key]), desc, rule)
            rate = spec.cells.get("rate")
            if (spec.kind != "total" and "rate" in cols and _parse_number(rate) == 0.0
                    and not _parse_number(spec.cells.get("budget"))):
                self.exp.notes.append((address(r, cols["rate"]),
                                       "0.00% rate printed on a zero sub-row", "zero-subrow-rate"))
            r += 1
        return r

    def indicators(
        self,
        first_row: int,
        inds: list[Ind],
        cols: dict[str, int],
        *,
        merge: bool = True,
        name_to: int | None = None,
        shares: dict[str, float] | None = None,
        formats: dict[str, str] | None = None,
        start_index: int = 0,
    ) -> int:
        """Indicator rows from ``first_row``; returns the next row.

        ``shares`` gives, per 一级 label, the equal share of its block's weight
        for forms without a 分值 column.
        """
        formats = {"weight": F1, "score": F2} | (formats or {})
        # group 一级 and (一级, 二级) runs for merging
        groups: dict[str, list[tuple[int, int, str]]] = {"l1": [], "l2": []}
        for key, keyf in (("l1", lambda i: (i.l1,)), ("l2", lambda i: (i.l1, i.l2))):
            start = 0
            for k in range(1, len(inds) + 1):
                if k == len(inds) or keyf(inds[k]) != keyf(inds[start]):
                    text = inds[start].l1 if key == "l1" else inds[start].l2
                    groups[key].append((first_row + start, first_row + k - 1, text))
                    start = k
        level_addr: dict[tuple[str, int], tuple[str, str]] = {}
        for key in ("l1", "l2"):
            if key not in cols:
                continue
            c = cols[key]
            for top, bottom, text in groups[key]:
                if not text:
                    continue
                to = (bottom, c) if merge and bottom > top else None
                addr = self.label(top, c, text, to)
                for r in range(top, bottom + 1):
                    level_addr[(key, r)] = (addr, text)
        idx = start_index
        for k, ind in enumerate(inds):
            r = first_row + k
            self.ws.row_dimensions[r].height = 27
            self.value(r, cols["name"], ind.name, (r, name_to) if name_to else None)
            if isinstance(ind.target, tuple):
                c = cols["target"]
                op, val, unit = ind.target
                self.value(r, c, op or None)
                self.value(r, c + 1, val)
                self.value(r, c + 2, unit or None)
            else:
                self.value(r, cols["target"], ind.target)
            self.value(r, cols["actual"], ind.actual)
            for key in ("weight", "score", "reason"):
                if key in cols:
                    raw = getattr(ind, key)
                    self.value(r, cols[key], raw, fmt=formats.get(key))
            if ind.leftover:
                continue
            p = f"indicators.{idx}"
            for key, mkey in (("l1", "level1"), ("l2", "level2")):
                if (key, r) in level_addr:
                    addr, text = level_addr[(key, r)]
                    self.expect(f"{p}.{mkey}", addr, _level(text))
            self.expect(f"{p}.name", address(r, cols["name"]), _name(ind.name))
            target = (
                _combine(ind.target) if isinstance(ind.target, tuple) else _text(ind.target)
            )
            self.expect(f"{p}.target", address(r, cols["target"]), target)
            self.expect(f"{p}.actual", address(r, cols["actual"]), _text(ind.actual))
            if "weight" in cols:
                self.expect(f"{p}.weight", address(r, cols["weight"]), _parse_number(ind.weight))
            elif shares is not None:
                self.expect(f"{p}.weight", None, shares[ind.l1])
            if "score" in cols:
                self.expect(f"{p}.score", address(r, cols["score"]), _parse_number(ind.score))
            if "reason" in cols:
                self.expect(f"{p}.reason", address(r, cols["reason"]), _text(ind.reason))
            for key, desc, rule in ind.mistakes:
                self.mistake(address(r, cols[key]), desc, rule)
            idx += 1
        for top, _bottom, text in groups["l1"]:
            w = _label_weight(text) if text else None
            if w is not None and "l1" in cols:
                self.expect(f"level1_weights.{_level(text)}", address(top, cols["l1"]), w)
        return first_row + len(inds)

    def goal(self, row: int, planned: str, actual: str, split_col: int, label: str = "年度总体目标",
             heads: tuple[str, str] = ("预期目标", "实际完成情况")) -> int:
        """年度总体目标: a header line and a text line; returns the next row."""
        self.label(row, 1, label, (row + 1, 1))
        self.label(row, 2, heads[0], (row, split_col - 1))
        self.label(row, split_col, heads[1], (row, self.last_col))
        a = self.value(row + 1, 2, planned, (row + 1, split_col - 1), align=_LEFT)
        b = self.value(row + 1, split_col, actual, (row + 1, self.last_col), align=_LEFT)
        self.ws.row_dimensions[row + 1].height = 75
        self.expect("goal_planned", a, planned)
        self.expect("goal_actual", b, actual)
        return row + 2

    def text_row(self, row: int, label: str, text: str, label_to: int = 1) -> int:
        self.label(row, 1, label, (row, label_to) if label_to > 1 else None)
        addr = self.value(row, label_to + 1, text, (row, self.last_col), align=_LEFT)
        self.ws.row_dimensions[row].height = 36
        self.expect(f"texts.{label}", addr, text)
        return row + 1


def _new_sheet(
    wb: Workbook, name: str, family: str, conv: Callable[[str], str], **kw: Any
) -> _Sheet:
    ws = wb.create_sheet(name)
    ws.sheet_view.showGridLines = False
    return _Sheet(ws, SheetExpectation(family=family, **kw), conv)


def _sum_check(inds: list[Ind]) -> tuple[float, float]:
    real = [i for i in inds if not i.leftover]
    w = sum(_parse_number(i.weight) or 0.0 for i in real)
    s = sum(_parse_number(i.score) or 0.0 for i in real)
    return round(w, 2), round(s, 2)


# ----------------------------------------------------------------------------------
# 1. national_wan: 项目资金（万元）, weights in the 一级 labels
# ----------------------------------------------------------------------------------

_NAT_FUND = {"initial": 4, "budget": 5, "executed": 6, "weight": 7, "rate": 8, "score": 9}
_NAT_IND = {"l1": 2, "l2": 3, "name": 4, "target": 5, "actual": 6, "weight": 7, "score": 8,
            "reason": 9}
_NAT_WIDTHS = [11, 14, 17, 28, 14, 14, 9, 9, 30]


def _national_sheet(
    s: _Sheet,
    *,
    title: str,
    project_label: str,
    project: str,
    department: str,
    unit_name: str,
    fund_label: str,
    unit: str,
    funds: list[FundSpec],
    goal: tuple[str, str],
    ind_label: str,
    inds: list[Ind],
    total_weight: Cell,
    total_score: Cell,
    fund_formats: dict[str, str] | None = None,
    merge: bool = True,
    percent_col: bool = False,
) -> int:
    """The national layout (columns A–I), used by national_wan and department."""
    s.last_col = 9
    s.title(1, title, 9)
    s.value(2, 1, YEAR, (2, 9))
    s.header_fields(3, [(1, project_label, 2, project, "project")])
    s.header_fields(4, [(1, "主管部门", 2, department, "department"),
                        (5, "实施单位", 6, unit_name, "unit_name")])
    s.label(5, 1, fund_label, (5 + len(funds), 1))
    s.label(5, 2, "", (5, 3))
    rate_head = "执行率(%)" if percent_col else "执行率"
    for c, h in zip(range(4, 10), ("年初预算数", "全年预算数", "全年执行数", "分值", rate_head,
                                   "得分"), strict=True):
        s.label(5, c, h)
    r = s.fund_rows(6, funds, _NAT_FUND, label_cols=(2, 3), unit=unit, percent_col=percent_col,
                    formats=fund_formats)
    s.expect("fund_weight", *s.exp.values["fund.total.weight"])
    r = s.goal(r, goal[0], goal[1], 6)
    head = r
    s.label(head, 1, ind_label, None)
    for c, h in zip(range(2, 10), ("一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值",
                                   "分值", "得分", "偏差原因分析及改进措施"), strict=True):
        s.label(head, c, h)
    end = s.indicators(head + 1, inds, _NAT_IND, merge=merge)
    s.ws.merge_cells(start_row=head, start_column=1, end_row=end - 1, end_column=1)
    s.label(end, 1, "总分", (end, 6))
    s.expect("total_weight", s.value(end, 7, total_weight, fmt="0"),
             _parse_number(total_weight))
    s.expect("total_score", s.value(end, 8, total_score, fmt=F2), _parse_number(total_score))
    s.value(end, 9, "—")
    s.frame(3, end, 9, _NAT_WIDTHS)
    return end


def _narrative_sheet(wb: Workbook, conv: Callable[[str], str]) -> SheetExpectation:
    """A 说明 sheet: narrative text, not a form."""
    s = _new_sheet(wb, "说明", "skipped", conv)
    s.label(1, 1, "关于2023年度项目支出绩效自评情况的说明", (1, 8), bold=True)
    s.ws.row_dimensions[1].height = 28
    paras = [
        "一、自评工作开展情况",
        "根据县财政局《关于开展2023年度预算绩效自评工作的通知》要求，我局成立绩效自评工作小组，"
        "对2023年度实施的城乡环境卫生保洁、农村生活垃圾转运等2个项目开展了绩效自评，"
        "涉及资金1,128.10万元。",
        "二、自评结果",
        "2个项目自评等级均为“优”。城乡环境卫生保洁项目自评得分99.80分，农村生活垃圾转运项目自评得分95.00分。",
        "三、存在的问题",
        "部分绩效指标设置不够细化、量化，个别项目预算执行进度偏慢。",
        "四、下一步工作",
        "进一步加强绩效目标管理，提高指标设置的科学性，加快预算执行进度，"
        "及时将自评结果应用于下一年度预算安排。",
    ]
    for i, p in enumerate(paras, start=3):
        s.value(i, 1, p, (i, 8), align=_LEFT)
        s.ws.row_dimensions[i].height = 18 if len(p) < 20 else 48
    for c in range(1, 9):
        s.ws.column_dimensions[column_letter(c)].width = 12
    return s.exp


def _national_wan(conv: Callable[[str], str]) -> tuple[Workbook, dict[str, SheetExpectation]]:
    wb = Workbook()
    wb.remove(wb.active)
    out: dict[str, SheetExpectation] = {}
    dept = "云溪县城市管理局"

    # -- sheet 1: consistent -------------------------------------------------------
    s = _new_sheet(wb, "项目1 城乡环境卫生保洁", "national_wan", conv, unit="万元")
    funds = [
        FundSpec("total", "年度资金总额：",
                 {"initial": 860.0, "budget": 912.5, "executed": 894.2512, "weight": 10,
                  "rate": 0.98, "score": 9.8}),
        FundSpec("fiscal", "其中：本年财政拨款",
                 {"initial": 800.0, "budget": 852.5, "executed": 835.4512, "weight": "—",
                  "rate": 0.98, "score": "—"}),
        FundSpec("carryover", "上年结转资金",
                 {"initial": 60.0, "budget": 60.0, "executed": 58.8, "weight": "—",
                  "rate": 0.98, "score": "—"}),
        FundSpec("other", "其他资金",
                 {"initial": 0.0, "budget": 0.0, "executed": 0.0, "weight": "—", "rate": "—",
                  "score": "—"}),
    ]
    p1, e1, m1 = "产出指标(50分)", "效益指标(30分)", "满意度指标(10分)"
    inds = [
        Ind(p1, "数量指标", "道路清扫保洁面积", "≥320万平方米", "326万平方米", 10, 10,
            "无偏差"),
        Ind(p1, "数量指标", "公厕保洁座数", "=48座", "48座", 10, 10, "无偏差"),
        Ind(p1, "质量指标", "道路机械化清扫率", "≥85%", "88.6%", 10, 10, "无偏差"),
        Ind(p1, "时效指标", "生活垃圾日产日清", "及时", "及时", 10, 10, "无偏差"),
        Ind(p1, "成本指标", "道路保洁作业单价", "≤8.5元/平方米", "8.2元/平方米", 10, 10,
            "无偏差"),
        Ind(e1, "社会效益指标", "城乡人居环境质量", "提升", "达成预期指标", 15, 15, "无偏差"),
        Ind(e1, "生态效益指标", "生活垃圾无害化处理率", "≥95%", "98%", 15, 15, "无偏差"),
        Ind(m1, "服务对象满意度指标", "沿街商户及居民满意度", "≥90%", "93%", 10, 10, "无偏差"),
    ]
    _national_sheet(
        s, title="项目支出绩效自评表", project_label="项目名称", project="城乡环境卫生保洁",
        department=dept, unit_name="云溪县环境卫生服务中心", fund_label="项目资金（万元）",
        unit="万元", funds=funds,
        goal=("完成县城及12个乡镇建成区道路清扫保洁320万平方米，48座公厕日常保洁，"
              "生活垃圾日产日清，城乡环境卫生状况持续改善。",
              "全年完成道路清扫保洁326万平方米，48座公厕保洁到位，生活垃圾日产日清，"
              "无害化处理率98%，城乡人居环境明显改善。年中追加预算52.5万元用于新增道路保洁。"),
        ind_label="年度绩效\n指标", inds=inds, total_weight=100, total_score=99.8,
        fund_formats={"initial": F4, "budget": F4, "executed": F4, "rate": FP},
    )
    assert _sum_check(inds) == (90.0, 90.0)
    out[s.ws.title] = s.exp

    # -- sheet 2: zero total with money in a sub-row; weights short of 100 ---------
    s = _new_sheet(wb, "项目2 农村生活垃圾转运", "national_wan", conv, unit="万元")
    funds = [
        FundSpec("total", "年度资金总额：",
                 {"initial": 0.0, "budget": 0.0, "executed": 0.0, "weight": 10,
                  "rate": "100.00%", "score": 10.0},
                 (("rate", "rate printed on a zero 年度资金总额 (the money is in 上年结转资金)",
                   "zero-budget rate"),
                  ("score", "fund score 10.00 awarded on a zero 年度资金总额", "zero-budget rate"),
                  ("budget", "年度资金总额 0.00 is not the sum of its rows (215.60; likewise "
                   "年初预算数 and 全年执行数)", "fund-sum"))),
        FundSpec("fiscal", "其中：本年财政拨款",
                 {"initial": 0.0, "budget": 0.0, "executed": 0.0, "weight": "—", "rate": "—",
                  "score": "—"}),
        FundSpec("carryover", "上年结转资金",
                 {"initial": 215.6, "budget": 215.6, "executed": 209.132, "weight": "—",
                  "rate": "97.00%", "score": "—"}),
        FundSpec("other", "其他资金",
                 {"initial": 0.0, "budget": 0.0, "executed": 0.0, "weight": "—",
                  "rate": "0.00%", "score": "—"}),
    ]
    inds = [
        Ind(p1, "数量指标", "指标1：垃圾转运车辆配置", "≥12辆", "12辆", 10, 10, "无偏差"),
        Ind(p1, "数量指标", "指标2：村级垃圾收集点覆盖数", "≥126个", "131个", 10, 10, "无偏差"),
        Ind(p1, "数量指标", "指标3：垃圾日转运量", "≥85吨", "86吨", 10, 10, "无偏差"),
        Ind(p1, "数量指标", "……", "……", None, None, None, None, leftover=True),
        Ind(p1, "质量指标", "转运过程密闭化率", "100%", "100%", 10, 10, "无偏差"),
        Ind(p1, "时效指标", "垃圾清运及时率", "≥95%", "97%", 5, 5, "无偏差"),
        Ind(e1, "生态效益指标", "农村生活垃圾无害化处理率", "≥90%", "≥90%", 15, 15, "无偏差",
            (("actual", "actual only repeats the target's bound ≥90%", "bound-repeated"),)),
        Ind(e1, "社会效益指标", "村庄环境整治成效", "提升", "部分达成预期指标", 15, 15, "无偏差",
            (("score", "部分达成 scored full marks (band 50–80 % of 15)", "band"),)),
        Ind(m1, "服务对象满意度指标", "村民满意度", "≥85%", "88%", 10, 10, "无偏差"),
    ]
    end = _national_sheet(
        s, title="项目支出绩效自评表", project_label="项目名称", project="农村生活垃圾转运",
        department=dept, unit_name="云溪县环境卫生服务中心", fund_label="项目资金（万元）",
        unit="万元", funds=funds,
        goal=("配置垃圾转运车辆12辆，实现126个行政村生活垃圾收集点全覆盖，日转运生活垃圾85吨以上。",
              "配置转运车辆12辆，覆盖131个村级收集点，日均转运86吨，农村生活垃圾收运处置体系运行平稳。"),
        ind_label="年度绩效 指标", inds=inds, total_weight=100, total_score=95.0,
    )
    assert _sum_check(inds) == (85.0, 85.0)
    s.mistake(address(end, 7), "indicator weights add to 85 (95 with the fund's 10) while 总分 "
              "分值 says 100", "weights-sum")
    s.mistake(s.exp.values["indicators.0.level1"][0] or "",
              "产出指标(50分) but its indicators' weights add to 45", "level1-weight")
    out[s.ws.title] = s.exp

    out["说明"] = _narrative_sheet(wb, conv)
    return wb, out


# ----------------------------------------------------------------------------------
# 2. split_target: 指标性质 · 指标值 · 度量单位
# ----------------------------------------------------------------------------------

_SPL_FUND = {"initial": 5, "budget": 6, "executed": 7, "weight": 8, "rate": 9, "score": 10}
_SPL_IND = {"l1": 2, "l2": 3, "name": 4, "target": 5, "actual": 8, "weight": 9, "score": 10,
            "reason": 11}


def _split_sheet(
    s: _Sheet,
    *,
    project: str,
    amount: Cell,
    department: str,
    unit_name: str,
    fund_label: str,
    funds: list[FundSpec],
    goal: tuple[str, str],
    inds: list[Ind],
    note: str,
    total_score: Cell,
    grade: str,
) -> int:
    s.last_col = 11
    s.title(1, "项目支出绩效自评表", 11)
    s.value(2, 1, YEAR, (2, 9))
    s.label(2, 10, "单位：元", (2, 11), align=_RIGHT)
    s.header_fields(3, [(1, "项目名称", 2, project, "project"),
                        (8, "项目金额", 9, amount, "amount")])
    s.header_fields(4, [(1, "主管部门", 2, department, "department"),
                        (8, "实施单位", 9, unit_name, "unit_name")])
    s.label(5, 1, fund_label, (5 + len(funds), 1))
    s.label(5, 2, "", (5, 4))
    for c, h in zip(range(5, 11), ("年初预算数", "全年预算数", "全年执行数", "分值", "执行率",
                                   "得分"), strict=True):
        s.label(5, c, h)
    s.value(5, 11, None)
    r = s.fund_rows(6, funds, _SPL_FUND, label_cols=(2, 4), unit="元")
    s.expect("fund_weight", *s.exp.values["fund.total.weight"])
    r = s.goal(r, goal[0], goal[1], 7)
    h = r
    s.label(h, 1, "年度绩效指标", (h + 1 + len(inds), 1))
    for c, t in ((2, "一级指标"), (3, "二级指标"), (4, "三级指标"), (8, "实际完成值"), (9, "分值"),
                 (10, "得分"), (11, "偏差原因分析及改进措施")):
        s.label(h, c, t, (h + 1, c))
    s.label(h, 5, "年度指标值", (h, 7))
    for c, t in ((5, "指标性质"), (6, "指标值"), (7, "度量单位")):
        s.label(h + 1, c, t)
    end = s.indicators(h + 2, inds, _SPL_IND, merge=True)
    s.text_row(end, "其他需要说明事项", note)
    t = end + 1
    s.label(t, 1, "总分", (t, 8))
    s.expect("total_weight", s.value(t, 9, 100, fmt="0"), 100.0)
    s.expect("total_score", s.value(t, 10, total_score, fmt=F2), _parse_number(total_score))
    s.value(t, 11, None)
    s.label(t + 1, 1, "评价等级", (t + 1, 8))
    s.expect("grade", s.value(t + 1, 9, grade, (t + 1, 11)), grade)
    s.frame(3, t + 1, 11, [11, 10, 16, 24, 13, 13, 13, 12, 8, 8, 28])
    return t


def _split_target(conv: Callable[[str], str]) -> tuple[Workbook, dict[str, SheetExpectation]]:
    wb = Workbook()
    wb.remove(wb.active)
    out: dict[str, SheetExpectation] = {}
    dept = "云溪县教育局"

    # -- sheet 1: consistent ---------------------------------------------------------
    s = _new_sheet(wb, "项目1 义务教育营养改善计划", "split_target", conv, split_target=True)
    funds = [
        FundSpec("total", "年度资金总额",
                 {"initial": "4,862,400.00", "budget": "5,126,400.00", "executed": "5,023,872.00",
                  "weight": 10, "rate": "98.00%", "score": 9.8}),
        FundSpec("fiscal", "其中：当年财政拨款",
                 {"initial": "4,862,400.00", "budget": "5,126,400.00",
                  "executed": "5,023,872.00", "weight": "—", "rate": "98.00%", "score": "—"}),
        FundSpec("carryover", "上年结转资金",
                 {"initial": 0.0, "budget": 0.0, "executed": 0.0, "weight": "—", "rate": "—",
                  "score": "—"}),
        FundSpec("other", "其他资金",
                 {"initial": 0.0, "budget": 0.0, "executed": 0.0, "weight": "—", "rate": "—",
                  "score": "—"}),
    ]
    inds = [
        Ind("产出指标", "数量指标", "受益学生人数", ("≥", 21933, "人"), "22108人", 10, 10),
        Ind("产出指标", "数量指标", "供餐学校数", ("=", 86, "所"), "86所", 10, 10),
        Ind("产出指标", "质量指标", "食品安全事故发生次数", ("≤", 0, "次"), "0次", 10, 10),
        Ind("产出指标", "质量指标", "营养餐质量抽检合格率", ("≧", 98, "%"), "99.2%", 10, 10),
        Ind("产出指标", "时效指标", "补助资金拨付及时率", ("﹦", 100, "%"), "100%", 5, 5),
        Ind("产出指标", "成本指标", "学生每天营养膳食补助标准", ("═", 5, "元"), "5元", 5, 5),
        Ind("效益指标", "社会效益指标", "学生营养健康状况", ("", "提升", ""), "达成预期指标",
            15, 14, "学生营养状况明显改善，但部分学校膳食搭配仍需优化，扣1分。"),
        Ind("效益指标", "可持续影响指标", "营养改善长效机制", ("", "健全", ""), "健全", 10, 10),
        Ind("满意度指标", "服务对象满意度指标", "学生及家长满意度", ("≥", 90, "%"), "95.6%", 15,
            15),
    ]
    assert _sum_check(inds) == (90.0, 89.0)
    _split_sheet(
        s, project="义务教育营养改善计划", amount="5,126,400.00", department=dept,
        unit_name="云溪县学生资助管理中心", fund_label="项目资金（元）", funds=funds,
        goal=("为全县86所农村义务教育学校21933名学生提供营养膳食补助，每生每天5元，"
              "确保食品安全，提高学生营养健康水平。",
              "全年为86所学校22108名学生提供营养膳食补助，资金按时拨付，未发生食品安全事故，"
              "学生营养健康状况持续改善。因受助学生增加，年中追加预算264000元。"),
        inds=inds, note="无", total_score=98.8, grade="优",
    )
    out[s.ws.title] = s.exp

    # -- sheet 2: wrong rate, deduction without reason, template text ------------------
    s = _new_sheet(wb, "项目2 学前教育资助", "split_target", conv, split_target=True)
    funds = [
        FundSpec("total", "年度资金总额",
                 {"initial": 1850000.0, "budget": 1850000.0, "executed": 1646500.0,
                  "weight": 10, "rate": "98%", "score": 9.8},
                 (("rate", "执行率 98% printed where 1646500/1850000 = 89%", "rate-wrong"),
                  ("score", "fund score follows the wrong rate (10 × 0.89 = 8.90)",
                   "fund-score"))),
        FundSpec("fiscal", "其中：当年财政拨款",
                 {"initial": 1850000.0, "budget": 1850000.0, "executed": 1646500.0,
                  "weight": "—", "rate": "89%", "score": "—"}),
        FundSpec("carryover", "上年结转资金",
                 {"initial": 0.0, "budget": 0.0, "executed": 0.0, "weight": "—",
                  "rate": "0.00%", "score": "—"}),
        FundSpec("other", "其他资金",
                 {"initial": 0.0, "budget": 0.0, "executed": 0.0, "weight": "—", "rate": "—",
                  "score": "—"}),
    ]
    inds = [
        Ind("产出指标", "数量指标", "资助幼儿人次", ("≥", 1200, "人次"), "1236人次", 10, 10),
        Ind("产出指标", "数量指标", "资助标准", ("=", 1000, "元/人·年"), "1000元/人·年", 10, 10),
        Ind("产出指标", "质量指标", "资助对象认定准确率", ("≥", 100, "百分比"), "100%", 10, 10),
        Ind("产出指标", "时效指标", "资助资金发放及时率", ("≥", 95, "%"), "100%", 10, 8, None,
            (("score", "deduction on a met target (100% against ≥95%)", "met-deduction"),
             ("reason", "no reason given for the 2-point deduction", "reason-missing"))),
        Ind("产出指标", "成本指标", "生均资助成本", ("≤", 1000, "元"), "1000元", 5, 5),
        Ind("效益指标", "社会效益指标", "家庭经济困难幼儿入园率", ("≥", 95, "%"), "97.3%", 15, 15),
        Ind("效益指标", "可持续影响指标", "资助政策知晓率", ("", "请填写指标值", ""), "92%", 15, 15,
            None,
            (("target", "template text 请填写指标值 left where the target belongs",
              "template-text"),)),
        Ind("满意度指标", "服务对象满意度指标", "受助幼儿家长满意度", ("≥", 90, "%"), "94%",
            15, 15),
    ]
    assert _sum_check(inds) == (90.0, 88.0)
    _split_sheet(
        s, project="学前教育资助", amount=1850000, department=dept,
        unit_name="云溪县学生资助管理中心", fund_label="项目资金 (元)", funds=funds,
        goal=("对家庭经济困难幼儿按每生每年1000元标准给予资助，资助1200人次以上，"
              "保障家庭经济困难幼儿接受普惠性学前教育。",
              "全年资助家庭经济困难幼儿1236人次，资助资金全部按标准发放到位。"),
        inds=inds, note="资助资金均通过“一卡通”发放至幼儿监护人账户。", total_score=97.8,
        grade="优",
    )
    out[s.ws.title] = s.exp

    out["三公经费"] = _sangong_sheet(wb, conv)
    return wb, out


def _sangong_sheet(wb: Workbook, conv: Callable[[str], str]) -> SheetExpectation:
    """A 三公经费 table as a unit publishes it beside its forms S: read as a part of form D."""
    s = _new_sheet(wb, "三公经费", "final_accounts", conv)
    s.label(1, 1, "2023年度“三公”经费支出情况表", (1, 4), bold=True)
    s.label(2, 4, "单位：万元", align=_RIGHT)
    for c, h in enumerate(("项目", "预算数", "决算数", "增减率"), start=1):
        s.label(3, c, h, bold=True)
    rows: list[tuple[str, float, float, str]] = [
        ("合计", 18.60, 15.42, "-17.10%"),
        ("1.因公出国（境）费", 0.0, 0.0, "—"),
        ("2.公务用车购置及运行费", 12.80, 11.06, "-13.59%"),
        ("其中：公务用车购置费", 0.0, 0.0, "—"),
        ("      公务用车运行费", 12.80, 11.06, "-13.59%"),
        ("3.公务接待费", 5.80, 4.36, "-24.83%"),
    ]
    for r, (lab, a, b, pct) in enumerate(rows, start=4):
        s.label(r, 1, lab, align=_LEFT)
        s.value(r, 2, a, fmt=F2)
        s.value(r, 3, b, fmt=F2)
        s.value(r, 4, pct)
    s.frame(3, 3 + len(rows), 4, [28, 14, 14, 14])
    return s.exp


# ----------------------------------------------------------------------------------
# 3. ten_ninety: 部门预算项目支出绩效自评表, 预算执行情况(10分) + 绩效指标(90分)
# ----------------------------------------------------------------------------------

_TN_FUND = {"initial": 4, "budget": 5, "executed": 6, "rate": 7, "weight": 8, "score": 9,
            "reason": 10}
_TN_IND = {"l1": 2, "l2": 3, "name": 4, "target": 5, "actual": 8, "weight": 9, "score": 10,
           "reason": 11}


def _ten_ninety_sheet(
    s: _Sheet,
    *,
    project_label: str,
    project: str,
    department: str,
    unit_name: str,
    funds: list[FundSpec],
    goal: tuple[str, str],
    inds: list[Ind],
    total_score: Cell,
    texts: tuple[str, str, str],
) -> int:
    s.last_col = 11
    s.title(1, "部门预算项目支出绩效自评表", 11)
    s.value(2, 1, YEAR, (2, 9))
    s.label(2, 10, "金额单位：万元", (2, 11), align=_RIGHT)
    s.header_fields(3, [(1, project_label, 2, project, "project")])
    s.header_fields(4, [(1, "主管部门", 2, department, "department"),
                        (7, "实施单位", 8, unit_name, "unit_name")])
    a = s.label(5, 1, "预算执行情况\n(10分)", (5 + len(funds), 1))
    s.expect("fund_weight", a, 10.0)
    s.label(5, 2, "", (5, 3))
    for c, h in zip(range(4, 11), ("年初预算", "调整后预算数", "预算执行数", "预算执行率", "权重",
                                   "得分", "原因"), strict=True):
        s.label(5, c, h, (5, 11) if c == 10 else None)
    r = s.fund_rows(6, funds, _TN_FUND, label_cols=(2, 3), unit="万元",
                    formats={"initial": F2, "budget": F2, "executed": F2, "rate": FP})
    r = s.goal(r, goal[0], goal[1], 7)
    h = r
    a = s.label(h, 1, "绩效指标\n(90分)", (h + 1 + len(inds), 1))
    s.expect("indicator_block_weight", a, 90.0)
    for c, t in ((2, "一级指标"), (3, "二级指标"), (4, "三级指标"), (8, "完成值"), (9, "权重"),
                 (10, "得分"), (11, "未完成原因分析")):
        s.label(h, c, t, (h + 1, c))
    s.label(h, 5, "年度指标值", (h, 7))
    for c, t in ((5, "指标性质"), (6, "指标值"), (7, "度量单位")):
        s.label(h + 1, c, t)
    end = s.indicators(h + 2, inds, _TN_IND, merge=True,
                       formats={"weight": "0", "score": F2})
    s.label(end, 1, "合计", (end, 8))
    s.expect("total_weight", s.value(end, 9, 100, fmt="0"), 100.0)
    s.expect("total_score", s.value(end, 10, total_score, fmt=F2), _parse_number(total_score))
    s.value(end, 11, None)
    r = end + 1
    for lab, text in zip(("评价结论", "存在问题", "改进措施"), texts, strict=True):
        r = s.text_row(r, lab, text)
    s.frame(3, r - 1, 11, [11, 10, 16, 22, 10, 12, 10, 12, 8, 8, 26])
    return end


def _ten_ninety(conv: Callable[[str], str]) -> tuple[Workbook, dict[str, SheetExpectation]]:
    wb = Workbook()
    wb.remove(wb.active)
    out: dict[str, SheetExpectation] = {}

    # -- sheet 1: consistent ----------------------------------------------------------
    s = _new_sheet(wb, "项目1 农村公路养护", "ten_ninety", conv, unit="万元", split_target=True)
    funds = [
        FundSpec("total", "总额", {"initial": 680.0, "budget": 680.0, "executed": 666.4,
                                  "rate": 0.98, "weight": 10, "score": 9.8, "reason": None}),
        FundSpec("fiscal", "其中：财政资金",
                 {"initial": 600.0, "budget": 600.0, "executed": 588.0, "rate": 0.98,
                  "weight": "/", "score": "/", "reason": None}),
        FundSpec("special", "财政专户管理资金",
                 {"initial": "/", "budget": "/", "executed": "/", "rate": "/", "weight": "/",
                  "score": "/", "reason": None}),
        FundSpec("unit", "单位资金",
                 {"initial": "/", "budget": "/", "executed": "/", "rate": "/", "weight": "/",
                  "score": "/", "reason": None}),
        FundSpec("other", "其他资金",
                 {"initial": 80.0, "budget": 80.0, "executed": 78.4, "rate": 0.98,
                  "weight": "/", "score": "/", "reason": None}),
    ]
    p, e, m = "产出指标", "效益指标", "满意度指标"
    inds = [
        Ind(p, "数量指标", "农村公路日常养护里程", ("≥", 1260, "公里"), "1268公里", 10, 10),
        Ind(p, "数量指标", "危桥改造座数", ("=", 6, "座"), "6座", 10, 10),
        Ind(p, "质量指标", "优良中等路比例", ("≥", 80, "%"), "83.5%", 10, 10),
        Ind(p, "质量指标", "养护工程验收合格率", ("=", 100, "%"), "100%", 10, 10),
        Ind(p, "时效指标", "养护工程完成及时性", ("", "及时", ""), "及时", 10, 10),
        Ind(p, "成本指标", "每公里年均养护成本", ("≤", 0.5, "万元"), "0.48万元", 10, 10),
        Ind(e, "社会效益指标", "群众出行条件", ("", "提升", ""), "达成预期指标", 10, 10),
        Ind(e, "可持续影响指标", "农村公路管养长效机制", ("", "健全", ""), "健全", 10, 10),
        Ind(m, "服务对象满意度指标", "沿线群众满意度", ("≥", 90, "%"), "94%", 10, 10),
    ]
    assert _sum_check(inds) == (90.0, 90.0)
    _ten_ninety_sheet(
        s, project_label="项目名称", project="农村公路养护", department="云溪县交通运输局",
        unit_name="云溪县农村公路管理所", funds=funds,
        goal=("完成全县1260公里农村公路日常养护，改造危桥6座，优良中等路比例达到80%以上。",
              "完成农村公路日常养护1268公里，改造危桥6座，优良中等路比例83.5%，"
              "群众出行条件持续改善。"),
        inds=inds, total_score=99.8,
        texts=("项目总体完成年度绩效目标，自评得分99.80分，等级为优。",
               "部分路段养护机械化水平不高，日常巡查记录不够规范。",
               "加大机械化养护投入，完善巡查台账，推进养护作业标准化。"),
    )
    out[s.ws.title] = s.exp

    # -- sheet 2: adjusted budget without reason, over-achievement, total not the sum -----
    s = _new_sheet(wb, "项目2 防汛抗旱物资储备", "ten_ninety", conv, unit="万元", split_target=True)
    funds = [
        FundSpec("total", "总额", {"initial": 150.0, "budget": 210.0, "executed": 205.8,
                                  "rate": "98.00%", "weight": 10, "score": 9.8, "reason": None},
                 (("reason", "budget adjusted during the year (150.00 → 210.00) without the reason "
                   "the 原因 column asks for", "adjusted-without-reason"),)),
        FundSpec("fiscal", "其中：财政资金",
                 {"initial": 150.0, "budget": 210.0, "executed": 205.8, "rate": "98.00%",
                  "weight": "/", "score": "/", "reason": None}),
        FundSpec("special", "财政专户管理资金",
                 {"initial": "/", "budget": "/", "executed": "/", "rate": "/", "weight": "/",
                  "score": "/", "reason": None}),
        FundSpec("unit", "单位资金",
                 {"initial": "/", "budget": "/", "executed": "/", "rate": "/", "weight": "/",
                  "score": "/", "reason": None}),
        FundSpec("other", "其他资金",
                 {"initial": 0.0, "budget": 0.0, "executed": 0.0, "rate": "0.00%",
                  "weight": "/", "score": "/", "reason": None}),
    ]
    inds = [
        Ind(p, "数量指标", "新增储备防汛编织袋", ("≥", 50000, "条"), "52000条", 10, 10),
        Ind(p, "数量指标", "储备救生衣", ("≥", 800, "件"), "1650件", 10, 10, None,
            (("actual", "1650 against ≥800 (206 %): target set badly, full marks and no "
              "explanation", "over-achievement"),)),
        Ind(p, "数量指标", "储备抗旱水泵", ("≥", 30, "台"), "24台", 10, 8,
            "部分水泵供货延迟，已于2024年1月到货入库。"),
        Ind(p, "质量指标", "物资验收合格率", ("≥", 100, "百分比"), "100%", 10, 10),
        Ind(p, "时效指标", "汛前物资入库", ("", "及时", ""), "及时", 10, 10),
        Ind(p, "成本指标", "物资采购成本", ("≤", 210, "万元"), "205.8万元", 10, 10),
        Ind(e, "社会效益指标", "防汛抢险物资保障能力", ("", "提升", ""), "达成预期指标", 20, 20),
        Ind(m, "服务对象满意度指标", "基层防汛单位满意度", ("≥", 90, "%"), "92%", 10, 10),
    ]
    assert _sum_check(inds) == (90.0, 88.0)
    end = _ten_ninety_sheet(
        s, project_label="项 目 名 称", project="防汛抗旱物资储备", department="云溪县水利局",
        unit_name="云溪县防汛抗旱物资储备中心", funds=funds,
        goal=("储备防汛编织袋5万条、救生衣800件、抗旱水泵30台，汛前全部入库，提升防汛抢险保障能力。",
              "新增储备编织袋5.2万条、救生衣1650件、抗旱水泵24台，物资验收全部合格。"),
        inds=inds, total_score=98.8,
        texts=("项目基本完成年度绩效目标，自评等级为优。",
               "抗旱水泵未能全部按期到货。",
               "加强采购合同履约管理，提前组织物资采购。"),
    )
    s.mistake(address(end, 10), "合计 得分 98.80 is not 9.80 + 88.00 = 97.80", "total-sum")
    out[s.ws.title] = s.exp

    out["项目3 绩效运行监控"] = _monitor_sheet(wb, conv)
    return wb, out


def _monitor_sheet(wb: Workbook, conv: Callable[[str], str]) -> SheetExpectation:
    """A 绩效运行监控表: form-like, but its labels fit no family (版式未识别)."""
    s = _new_sheet(wb, "项目3 绩效运行监控", "unrecognized", conv)
    s.last_col = 9
    s.label(1, 1, "项目支出绩效运行监控表", (1, 9), bold=True)
    s.value(2, 1, "（2023年1-7月）", (2, 9))
    s.label(3, 1, "项目名称")
    s.value(3, 2, "高标准农田建设", (3, 9), align=_LEFT)
    s.label(4, 1, "预算执行进度", (5, 1))
    for c, h in zip(range(2, 10), ("年初预算数", "1-7月执行数", "执行进度", "序时进度",
                                   "偏离度", "原因类型", "原因说明", "完成可能性"), strict=True):
        s.label(4, c, h)
    for c, v in zip(range(2, 10), (1200.0, 486.0, "40.50%", "58.33%", "-17.83%", "项目前期",
                                   "部分地块流转手续尚未办结", "确定能"), strict=True):
        s.value(5, c, v, fmt=F2)
    for c, h in zip(range(1, 10), ("监控指标", "一级指标", "二级指标", "三级指标", "年度指标值",
                                   "1-7月执行情况", "全年预计完成情况", "偏差原因",
                                   "完成目标可能性"), strict=True):
        s.label(6, c, h)
    rows = [
        ("产出指标", "数量指标", "新建高标准农田面积", "≥1.2万亩", "0.46万亩", "1.2万亩", "—",
         "确定能"),
        ("产出指标", "质量指标", "工程验收合格率", "100%", "—", "100%", "—", "确定能"),
        ("效益指标", "经济效益指标", "亩均粮食产能提高", "≥50公斤", "—", "≥50公斤", "—", "有可能"),
        ("满意度指标", "服务对象满意度指标", "受益农户满意度", "≥90%", "—", "≥90%", "—", "确定能"),
    ]
    for r, row in enumerate(rows, start=7):
        s.label(r, 2, row[0])
        s.label(r, 3, row[1])
        for c, v in zip(range(4, 10), row[2:], strict=True):
            s.value(r, c, v)
    s.ws.merge_cells(start_row=7, start_column=1, end_row=10, end_column=1)
    s.frame(3, 10, 9, [10, 10, 12, 20, 11, 12, 14, 20, 12])
    return s.exp


# ----------------------------------------------------------------------------------
# 4. twenty_eighty: 市级项目绩效自评表, 预算执行情况(20分) + 80 points without 分值
# ----------------------------------------------------------------------------------

_TE_FUND = {"budget": 2, "executed": 3, "rate": 4, "score": 5}


def _twenty_eighty_sheet(
    s: _Sheet,
    *,
    project: str,
    department: str,
    unit_name: str,
    fund: FundSpec,
    goal: str,
    blocks: list[tuple[str, list[Ind]]],
    total_score: Cell,
    grade: str,
) -> int:
    """``blocks``: one ('年度绩效目标(80分)', indicators with 一级 labels) or two
    ('产出目标(40分)', …) whose label is the 一级 of their indicators."""
    s.last_col = 8
    s.title(1, "市级项目绩效自评表", 8)
    s.value(2, 1, YEAR, (2, 6))
    s.label(2, 7, "金额单位：元", (2, 8), align=_RIGHT)
    s.header_fields(3, [(1, "项目名称", 2, project, "project"),
                        (5, "主管部门", 6, department, "department")])
    s.header_fields(4, [(1, "实施单位", 2, unit_name, "unit_name")])
    a = s.label(5, 1, "预算执行情况(20分)", (6, 1))
    s.expect("fund_weight", a, 20.0)
    for c, h in zip(range(2, 6), ("预算数(A)", "执行数(B)", "执行率(B/A)", "得分(20分*执行率)"),
                    strict=True):
        s.label(5, c, h)
    s.label(5, 6, "备注", (5, 8))
    s.value(6, 6, None, (6, 8))
    s.fund_rows(6, [fund], _TE_FUND, label_cols=None, unit="元",
                formats={"budget": FC, "executed": FC, "rate": FP})
    s.label(7, 1, "年度总体目标")
    a = s.value(7, 2, goal, (7, 8), align=_LEFT)
    s.ws.row_dimensions[7].height = 60
    s.expect("goal_planned", a, goal)
    h = 8
    single = len(blocks) == 1
    if single:
        block_label, inds = blocks[0]
        a = s.label(h, 1, block_label, (h + len(inds), 1))
        s.expect("indicator_block_weight", a, _label_weight(block_label))
        cols = {"l1": 2, "l2": 3, "name": 4, "target": 5, "actual": 6, "score": 7, "reason": 8}
        heads = ((2, "一级指标"), (3, "二级指标"), (4, "三级指标"))
    else:
        cols = {"l1": 1, "l2": 2, "name": 3, "target": 5, "actual": 6, "score": 7, "reason": 8}
        heads = ((1, "一级指标"), (2, "二级指标"), (3, "三级指标"))
    for c, t in heads:
        s.label(h, c, t, (h, 4) if t == "三级指标" and c == 3 else None)
    for c, t in ((5, "年初目标值(A)"), (6, "实际完成值(B)"), (7, "得分"), (8, "偏差原因分析")):
        s.label(h, c, t)
    r = h + 1
    idx = 0
    for block_label, inds in blocks:
        real = [i for i in inds if not i.leftover]
        w = _label_weight(block_label) or 0.0
        shares = {i.l1: round(w / len(real), 4) for i in real}
        r = s.indicators(r, inds, cols, merge=True, name_to=4 if not single else None,
                         shares=shares, start_index=idx)
        idx += len(real)
    s.label(r, 1, "总分（100分）", (r, 6))
    s.expect("total_weight", address(r, 1), 100.0)
    s.expect("total_score", s.value(r, 7, total_score, fmt=F2), _parse_number(total_score))
    s.value(r, 8, None)
    s.label(r + 1, 1, "自评等级", (r + 1, 6))
    s.expect("grade", s.value(r + 1, 7, grade, (r + 1, 8)), grade)
    s.frame(3, r + 1, 8, [15, 15, 17, 24, 15, 15, 16, 28])
    return r


def _twenty_eighty(conv: Callable[[str], str]) -> tuple[Workbook, dict[str, SheetExpectation]]:
    wb = Workbook()
    wb.remove(wb.active)
    out: dict[str, SheetExpectation] = {}
    dept = "云州市民政局"

    # -- sheet 1: consistent, one block of 80 ----------------------------------------------
    s = _new_sheet(wb, "项目1 社区养老服务补贴", "twenty_eighty", conv)
    fund = FundSpec("total", None, {"budget": 3600000.0, "executed": 3492000.0, "rate": 0.97,
                                    "score": 19.4})
    p, e, m = "产出指标", "效益指标", "满意度指标"
    inds = [
        Ind(p, "数量指标", "补贴覆盖社区养老服务站点", "≥45个", "47个", score=10),
        Ind(p, "数量指标", "享受居家养老服务补贴老年人数", "≥2600人", "2684人", score=10),
        Ind(p, "质量指标", "补贴对象资格审核准确率", "100%", "100%", score=10),
        Ind(p, "时效指标", "补贴资金按季度拨付", "及时", "及时", score=10),
        Ind(p, "成本指标", "人均月补贴标准", "=100元", "100元", score=10),
        Ind(e, "社会效益指标", "居家养老服务可及性", "提升", "达成预期指标", score=9,
            reason="个别偏远社区服务站点上门服务频次不足，扣1分。"),
        Ind(e, "可持续影响指标", "社区养老服务网络", "健全", "健全", score=10),
        Ind(m, "服务对象满意度指标", "受助老人满意度", "≥90%", "96%", score=10),
    ]
    _twenty_eighty_sheet(
        s, project="社区养老服务补贴", department=dept, unit_name="云州市养老服务指导中心",
        fund=fund,
        goal="对全市45个以上社区养老服务站点和2600名以上居家养老老年人给予服务补贴，"
             "提升居家社区养老服务可及性。",
        blocks=[("年度绩效目标(80分)", inds)], total_score=98.4, grade="优",
    )
    out[s.ws.title] = s.exp

    # -- sheet 2: two blocks of 40; fund score above 20; score outside its band ---------
    s = _new_sheet(wb, "项目2 困难群众临时救助", "twenty_eighty", conv)
    fund = FundSpec("total", None, {"budget": "2 450 000", "executed": "2 523 500",
                                    "rate": "103.00%", "score": 20.6},
                    (("score", "fund score 20.60 above the fund weight 20 (rate over 100 %)",
                      "fund-score-over-weight"),))
    po, eo = "产出目标(40分)", "效益目标(40分)"
    inds1 = [
        Ind(po, "数量指标", "临时救助人次", "≥3000人次", "3126人次", score=10),
        Ind(po, "质量指标", "救助资金违规使用被通报次数", "小于5次", "0次", score=10),
        Ind(po, "时效指标", "急难型救助审批时限", "≤3个工作日", "3个工作日", score=10),
        Ind(po, "成本指标", "次均救助金额", "≤1000元", "807元", score=10),
    ]
    inds2 = [
        Ind(eo, "社会效益指标", "困难群众基本生活保障", "有效", "达成预期指标", score=10),
        Ind(eo, "社会效益指标", "因灾因病返贫致贫发生率", "≤1%", "0.6%", score=10),
        Ind(eo, "可持续影响指标", "临时救助制度", "健全", "部分达成预期指标", score=4,
            reason="乡镇临时救助备用金制度尚未全面建立。",
            mistakes=(("score", "部分达成 scored 4 of 10, below its band (50–80 % → 5–8)",
                       "band"),)),
        Ind(eo, "服务对象满意度指标", "救助对象满意度", "≥90%", "91%", score=10),
    ]
    _twenty_eighty_sheet(
        s, project="困难群众临时救助", department=dept, unit_name="云州市社会救助服务中心",
        fund=fund,
        goal="对遭遇突发性、紧迫性、临时性困难的群众及时给予临时救助，全年救助3000人次以上，"
             "兜住兜准兜牢民生底线。",
        blocks=[(po, inds1), (eo, inds2)], total_score=94.6, grade="优",
    )
    out[s.ws.title] = s.exp
    return wb, out


# ----------------------------------------------------------------------------------
# 5. transfer: 中央对地方转移支付区域绩效目标自评表, 分值 before 年度指标值
# ----------------------------------------------------------------------------------

_TR_FUND = {"budget": 4, "executed": 5, "weight": 6, "rate": 7, "score": 8}
_TR_IND = {"l1": 2, "l2": 3, "name": 4, "weight": 5, "target": 6, "actual": 7, "score": 8,
           "reason": 9}


def _transfer_sheet(
    s: _Sheet,
    *,
    title: str,
    project_label: str,
    project: str,
    heads: list[tuple[int, str, int, str, str | None]],
    user: str,
    funds: list[FundSpec],
    goal: tuple[str, str],
    inds: list[Ind],
    total_score: Cell,
) -> int:
    s.last_col = 9
    s.title(1, title, 9)
    s.value(2, 1, YEAR, (2, 9))
    s.header_fields(3, [(1, project_label, 2, project, "project")])
    s.header_fields(4, heads)
    s.header_fields(5, [(1, "资金使用单位", 2, user, None)])
    s.label(6, 1, "资金情况\n（万元）", (6 + len(funds), 1))
    s.label(6, 2, "", (6, 3))
    for c, h in zip(range(4, 9), ("全年预算数(A)", "全年执行数(B)", "分值", "执行率(B/A)", "得分"),
                    strict=True):
        s.label(6, c, h)
    s.value(6, 9, None)
    r = s.fund_rows(7, funds, _TR_FUND, label_cols=(2, 3), unit="万元",
                    formats={"budget": F2, "executed": F4})
    s.expect("fund_weight", *s.exp.values["fund.total.weight"])
    r = s.goal(r, goal[0], goal[1], 6)
    h = r
    s.label(h, 1, "绩效指标", None)
    heads = ("一级指标", "二级指标", "三级指标", "分值", "年度指标值", "全年实际值", "得分",
             "未完成原因及拟采取的改进措施")
    for c, t in zip(range(2, 10), heads, strict=True):
        s.label(h, c, t)
    end = s.indicators(h + 1, inds, _TR_IND, merge=False)
    s.ws.merge_cells(start_row=h, start_column=1, end_row=end - 1, end_column=1)
    s.label(end, 1, "总分", (end, 4))
    s.expect("total_weight", s.value(end, 5, 100, fmt="0"), 100.0)
    s.value(end, 6, None, (end, 7))
    s.expect("total_score", s.value(end, 8, total_score, fmt=F2), _parse_number(total_score))
    s.value(end, 9, None)
    s.frame(3, end, 9, [11, 12, 17, 26, 11, 14, 13, 9, 28])
    return end


def _transfer(conv: Callable[[str], str]) -> tuple[Workbook, dict[str, SheetExpectation]]:
    wb = Workbook()
    wb.remove(wb.active)
    out: dict[str, SheetExpectation] = {}
    p, e, m = "产出指标", "效益指标", "满意度指标"

    # -- sheet 1: consistent ------------------------------------------------------------
    s = _new_sheet(wb, "项目1 农村饮水工程维修养护", "transfer", conv, unit="万元")
    funds = [
        FundSpec("total", "年度资金总额", {"budget": 420.0, "executed": 411.6, "weight": 10,
                                        "rate": "98%", "score": 9.8}),
        FundSpec("fiscal", "其中：当年财政拨款",
                 {"budget": 420.0, "executed": 411.6, "weight": "—", "rate": "98%",
                  "score": "—"}),
        FundSpec("carryover", "上年结转资金",
                 {"budget": 0.0, "executed": 0.0, "weight": "—", "rate": "—", "score": "—"}),
        FundSpec("other", "其他资金",
                 {"budget": 0.0, "executed": 0.0, "weight": "—", "rate": "—", "score": "—"}),
    ]
    inds = [
        Ind(p, "数量指标", "农村供水工程维修养护处数", "≥35处", "37处", 10, 10),
        Ind(p, "数量指标", "受益农村人口", ">=21933人", "22416人", 10, 10),
        Ind(p, "质量指标", "维修养护工程验收合格率", "100%", "100%", 10, 10),
        Ind(p, "时效指标", "维修养护任务完成时限", "2023年12月31日前", "2023年11月28日", 10, 10),
        Ind(p, "成本指标", "单处工程平均维修养护费用", "≤12万元", "11.1万元", 10, 10),
        Ind(e, "社会效益指标", "农村自来水普及率", "≥90%", "93.5%", 15, 15),
        Ind(e, "可持续影响指标", "工程长效运行管护机制", "健全", "健全", 10, 10),
        Ind(m, "服务对象满意度指标", "受益群众满意度", "≥90%", "95%", 15, 15),
    ]
    assert _sum_check(inds) == (90.0, 90.0)
    _transfer_sheet(
        s, title="中央对地方转移支付区域绩效目标自评表", project_label="转移支付（项目）名称",
        project="水利发展资金（农村饮水工程维修养护）",
        heads=[(1, "中央主管部门", 2, "水利部", None),
               (5, "地方主管部门", 6, "云溪县水利局", None)],
        user="云溪县农村供水管理站", funds=funds,
        goal=("维修养护农村供水工程35处以上，巩固提升21933名农村人口饮水安全保障水平。",
              "完成37处农村供水工程维修养护，受益人口22416人，农村自来水普及率达到93.5%。"),
        inds=inds, total_score=99.8,
    )
    out[s.ws.title] = s.exp

    # -- sheet 2: template text, contradictory reason, total not the sum ---------------------
    s = _new_sheet(wb, "项目2 困难残疾人生活补贴", "transfer", conv, unit="万元")
    funds = [
        FundSpec("total", "年度资金总额：", {"budget": 286.56, "executed": 272.232, "weight": 10,
                                          "rate": "95%", "score": 9.5}),
        FundSpec("fiscal", "其中：当年财政拨款",
                 {"budget": 286.56, "executed": 272.232, "weight": "—", "rate": "95%",
                  "score": "—"}),
        FundSpec("carryover", "上年结转资金",
                 {"budget": 0.0, "executed": 0.0, "weight": "—", "rate": "—", "score": "—"}),
        FundSpec("other", "其他资金",
                 {"budget": 0.0, "executed": 0.0, "weight": "—", "rate": "—", "score": "—"}),
    ]
    inds = [
        Ind(p, "数量指标", "享受生活补贴困难残疾人数", "(≥**人)", "3415人", 15, 15, None,
            (("target", "template text (≥**人) left unfilled where the target belongs",
              "template-text"),)),
        Ind(p, "质量指标", "补贴对象认定准确率", "≥98%", "99%", 10, 10),
        Ind(p, "时效指标", "补贴按月发放及时率", "≥95%", "92%", 10, 9.68, "无偏差",
            (("reason", "无偏差 given for a missed target scored 9.68 of 10",
              "reason-contradiction"),)),
        Ind(p, "成本指标", "补贴标准", "=80元/人·月", "80元/人·月", 10, 10),
        Ind(e, "社会效益指标", "困难残疾人基本生活保障水平", "提升", "达成预期指标", 20, 18,
            "部分乡镇补贴对象动态调整不及时。"),
        Ind(e, "可持续影响指标", "残疾人两项补贴制度", "健全", "健全", 15, 15),
        Ind(m, "服务对象满意度指标", "补贴对象满意度", "≥90%", "94%", 10, 10),
    ]
    assert _sum_check(inds) == (90.0, 87.68)
    end = _transfer_sheet(
        s, title="绩效目标自评表", project_label="项目名称", project="困难残疾人生活补贴",
        heads=[(1, "主管部门", 2, "云溪县残疾人联合会", "department"),
               (5, "实施单位", 6, "云溪县残疾人联合会", "unit_name")],
        user="各乡镇人民政府", funds=funds,
        goal=("按每人每月80元标准为困难残疾人发放生活补贴，保障其基本生活。",
              "全年为3415名困难残疾人按月发放生活补贴，补贴资金发放到位率95%。"),
        inds=inds, total_score=96.18,
    )
    s.mistake(address(end, 8), "总分 得分 96.18 is not 9.50 + 87.68 = 97.18", "total-sum")
    out[s.ws.title] = s.exp
    return wb, out


# ----------------------------------------------------------------------------------
# 6. no_score: 专项资金绩效目标自评表, no 分值/得分/总分
# ----------------------------------------------------------------------------------

_NS_FUND = {"budget": 3, "executed": 4, "rate": 5}
_NS_IND = {"l1": 2, "l2": 3, "name": 4, "target": 5, "actual": 6, "reason": 7}


def _no_score_sheet(
    s: _Sheet,
    *,
    project: str,
    department: str,
    unit_name: str,
    funds: list[FundSpec],
    goal: tuple[str, str],
    inds: list[Ind],
    percent_col: bool,
    merge: bool,
) -> int:
    s.last_col = 7
    s.title(1, "专项资金绩效目标自评表", 7)
    s.value(2, 1, YEAR, (2, 7))
    s.header_fields(3, [(1, "项目名称：", 2, project, "project")])
    s.header_fields(4, [(1, "主管部门：", 2, department, "department"),
                        (5, "实施单位：", 6, unit_name, "unit_name")])
    s.label(5, 1, "资金情况（元）", (5 + len(funds), 1))
    s.value(5, 2, None)
    for c, h in zip(range(3, 6), ("全年预算数", "全年执行数",
                                  "执行率（%）" if percent_col else "执行率"), strict=True):
        s.label(5, c, h)
    s.label(5, 6, "", (5, 7))
    r = s.fund_rows(6, funds, _NS_FUND, label_cols=(2, 2), unit="元", percent_col=percent_col)
    for rr in range(6, r):
        s.value(rr, 6, None, (rr, 7))
    r = s.goal(r, goal[0], goal[1], 5)
    h = r
    for c, t in zip(range(1, 8), ("年度绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值",
                                  "全年完成值", "未完成原因和改进措施"), strict=True):
        s.label(h, c, t)
    end = s.indicators(h + 1, inds, _NS_IND, merge=merge)
    s.ws.merge_cells(start_row=h, start_column=1, end_row=end - 1, end_column=1)
    s.frame(3, end - 1, 7, [12, 14, 17, 26, 16, 16, 32])
    return end


def _no_score(conv: Callable[[str], str]) -> tuple[Workbook, dict[str, SheetExpectation]]:
    wb = Workbook()
    wb.remove(wb.active)
    out: dict[str, SheetExpectation] = {}
    p, e, m = "产出指标", "效益指标", "满意度指标"
    dept = "云州市文化广电旅游局"

    # -- sheet 1: consistent; rates as 97.00 and 1 in a (%) column -------------------------
    s = _new_sheet(wb, "项目1 文化惠民演出", "no_score", conv, rate_percent=True)
    funds = [
        FundSpec("total", "年度资金总额", {"budget": 1200000.0, "executed": 1164000.0,
                                        "rate": 97.0}),
        FundSpec("fiscal", "其中：当年财政拨款", {"budget": 1000000.0, "executed": 964000.0,
                                              "rate": 96.4}),
        FundSpec("other", "其他资金", {"budget": 200000.0, "executed": 200000.0, "rate": 1}),
    ]
    inds = [
        Ind(p, "数量指标", "送戏下乡演出场次", "≥120场", "126场"),
        Ind(p, "数量指标", "公益电影放映场次", "≥2400场", "2412场"),
        Ind(p, "质量指标", "演出节目审查合格率", "100%", "100%"),
        Ind(p, "时效指标", "演出计划完成时间", "2023年12月31日前", "2023年12月15日"),
        Ind(p, "成本指标", "单场演出补助标准", "≤8000元", "7800元"),
        Ind(e, "社会效益指标", "群众公共文化服务获得感", "提升", "达成预期指标"),
        Ind(m, "服务对象满意度指标", "观众满意度", "≥90%", "95.2%"),
    ]
    _no_score_sheet(
        s, project="文化惠民演出专项资金", department=dept, unit_name="云州市文化馆", funds=funds,
        goal=("全年开展送戏下乡演出120场以上、公益电影放映2400场以上，丰富城乡群众文化生活。",
              "完成送戏下乡演出126场、公益电影放映2412场，观众满意度95.2%。"),
        inds=inds, percent_col=True, merge=True,
    )
    out[s.ws.title] = s.exp

    # -- sheet 2: wrong rate, missing reason, repeated bound, template text, blank actual ------
    s = _new_sheet(wb, "项目2 城乡环境综合整治", "no_score", conv)
    funds = [
        FundSpec("total", "年度资金总额", {"budget": "3,056,000.00", "executed": "2,872,640.00",
                                        "rate": "98%"},
                 (("rate", "执行率 98% printed where 2872640/3056000 = 94%", "rate-wrong"),)),
        FundSpec("fiscal", "其中：当年财政拨款",
                 {"budget": "2,800,000.00", "executed": "2,632,000.00", "rate": "94.00%"}),
        FundSpec("other", "其他资金",
                 {"budget": "256,000.00", "executed": "240,640.00", "rate": "94.00%"}),
    ]
    inds = [
        Ind(p, "数量指标", "整治村庄数", "≥40个", "40个"),
        Ind(p, "数量指标", "清理沟渠长度", "≥120公里", "96公里", reason=None,
            mistakes=(("reason", "target missed (96 of ≥120 公里) with no reason",
                       "reason-missing"),)),
        Ind(p, "质量指标", "整治项目验收合格率", "≥95%", "≥95%",
            mistakes=(("actual", "actual only repeats the target's bound ≥95%",
                       "bound-repeated"),)),
        Ind(p, "时效指标", "整治项目完工时间", "请填写完成时限", "2023年10月",
            mistakes=(("target", "template text 请填写完成时限 left where the target belongs",
                       "template-text"),)),
        Ind(p, "成本指标", "村均整治成本", "≤7.64万元", "7.18万元"),
        Ind(e, "社会效益指标", "农村人居环境", "提升", "部分达成预期指标",
            reason="部分村庄长效保洁机制尚未建立，下一步纳入村规民约。"),
        Ind(e, "生态效益指标", "村庄绿化覆盖率", "≥30%", None,
            mistakes=(("actual", "actual left blank", "actual-missing"),)),
        Ind(m, "服务对象满意度指标", "群众满意度", "≥85%", "91%"),
    ]
    _no_score_sheet(
        s, project="城乡环境综合整治专项资金", department="云州市农业农村局",
        unit_name="各县（区）农业农村局", funds=funds,
        goal=("完成40个村庄环境综合整治，清理沟渠120公里，村庄绿化覆盖率达到30%以上。",
              "完成40个村庄整治，清理沟渠96公里，农村人居环境有所改善。"),
        inds=inds, percent_col=False, merge=False,
    )
    out[s.ws.title] = s.exp
    return wb, out


# ----------------------------------------------------------------------------------
# 7. department: 部门整体支出绩效自评表
# ----------------------------------------------------------------------------------


def _department(conv: Callable[[str], str]) -> tuple[Workbook, dict[str, SheetExpectation]]:
    wb = Workbook()
    wb.remove(wb.active)
    out: dict[str, SheetExpectation] = {}
    p, e, m = "产出指标", "效益指标", "满意度指标"

    # -- sheet 1: consistent -------------------------------------------------------------
    s = _new_sheet(wb, "部门1 县卫生健康局", "department", conv, unit="万元")
    funds = [
        FundSpec("total", "年度资金总额", {"initial": 5860.0, "budget": 6240.0, "executed": 6052.8,
                                        "weight": 10, "rate": 0.97, "score": 9.7}),
        FundSpec("fiscal", "其中：当年财政拨款",
                 {"initial": 5560.0, "budget": 5880.0, "executed": 5703.6, "weight": "—",
                  "rate": 0.97, "score": "—"}),
        FundSpec("carryover", "上年结转资金",
                 {"initial": 300.0, "budget": 360.0, "executed": 349.2, "weight": "—",
                  "rate": 0.97, "score": "—"}),
        FundSpec("other", "其他资金",
                 {"initial": 0.0, "budget": 0.0, "executed": 0.0, "weight": "—", "rate": "—",
                  "score": "—"}),
    ]
    inds = [
        Ind(p, "数量指标", "基本公共卫生服务覆盖人数", "≥32万人", "32.6万人", 10, 10),
        Ind(p, "数量指标", "适龄儿童免疫规划疫苗接种率", "≥90%", "96.8%", 10, 10),
        Ind(p, "质量指标", "家庭医生签约服务重点人群覆盖率", "≥75%", "78.2%", 10, 10),
        Ind(p, "时效指标", "项目资金拨付及时率", "100%", "100%", 10, 10),
        Ind(p, "成本指标", "“三公”经费控制数", "≤28.6万元", "26.4万元", 10, 10),
        Ind(e, "社会效益指标", "居民健康素养水平", "≥25%", "26.3%", 15, 15),
        Ind(e, "可持续影响指标", "基层医疗卫生服务体系", "健全", "达成预期指标", 15, 15),
        Ind(m, "服务对象满意度指标", "群众就医满意度", "≥85%", "89%", 10, 10),
    ]
    assert _sum_check(inds) == (90.0, 90.0)
    _national_sheet(
        s, title="部门整体支出绩效自评表", project_label="部门名称", project="云溪县卫生健康局",
        department="云溪县人民政府", unit_name="云溪县卫生健康局",
        fund_label="预算资金（万元）", unit="万元", funds=funds,
        goal=("落实基本公共卫生服务项目，提高免疫规划接种率和家庭医生签约覆盖率，"
              "提升居民健康素养水平。",
              "基本公共卫生服务覆盖32.6万人，免疫规划疫苗接种率96.8%，居民健康素养水平26.3%。"
              "年中追加疫苗接种经费380万元。"),
        ind_label="部门整体绩效指标", inds=inds, total_weight=100, total_score=99.7,
        fund_formats={"initial": FC, "budget": FC, "executed": FC, "rate": F2},
    )
    out[s.ws.title] = s.exp

    # -- sheet 2: score above weight, proportional score wrong ---------------------------
    s = _new_sheet(wb, "部门2 县应急管理局", "department", conv, unit="万元", rate_percent=True)
    funds = [
        FundSpec("total", "年度资金总额", {"initial": 1280.0, "budget": 1180.0, "executed": 1109.2,
                                        "weight": 10, "rate": 94.0, "score": 9.4}),
        FundSpec("fiscal", "其中：当年财政拨款",
                 {"initial": 1200.0, "budget": 1100.0, "executed": 1034.0, "weight": "—",
                  "rate": 94.0, "score": "—"}),
        FundSpec("carryover", "上年结转资金",
                 {"initial": 80.0, "budget": 80.0, "executed": 75.2, "weight": "—",
                  "rate": "94.00", "score": "—"}),
        FundSpec("other", "其他资金",
                 {"initial": 0.0, "budget": 0.0, "executed": 0.0, "weight": "—",
                  "rate": "0.00", "score": "—"}),
    ]
    inds = [
        Ind(p, "数量指标", "应急演练次数", "≥12次", "9次", 10, 9,
            "受汛期影响，3次演练延至次年开展。",
            (("score", "9 of 12 drills scored 9.0 where 10 × 9/12 = 7.50", "score-wrong"),)),
        Ind(p, "数量指标", "应急救援队伍培训人次", "≥600人次", "652人次", 10, 10),
        Ind(p, "质量指标", "安全生产执法检查覆盖率", "≥95%", "100%", 10, 11, None,
            (("score", "score 11 above the indicator weight 10", "score-over-weight"),)),
        Ind(p, "进度指标", "突发事件信息报送及时率", "100%", "100%", 10, 10),
        Ind(p, "成本指标", "防灾减灾物资采购支出", "≤186万元", "179.5万元", 10, 10),
        Ind(e, "社会效益指标", "生产安全事故起数", "减少", "达成预期指标", 15, 15),
        Ind(e, "社会效益指标", "群众防灾减灾意识", "提升", "未达成预期指标", 15, 6,
            "受汛情影响，防灾减灾宣传进社区活动减少。"),
        Ind(m, "服务对象满意度指标", "企业和群众满意度", "≥90%", "92%", 10, 10),
    ]
    assert _sum_check(inds) == (90.0, 81.0)
    _national_sheet(
        s, title="部门整体支出绩效自评表", project_label="部门名称", project="云溪县应急管理局",
        department="云溪县人民政府", unit_name="云溪县应急管理局",
        fund_label="预算资金 (万元)", unit="万元", funds=funds,
        goal=("开展应急演练12次以上，培训应急救援队伍600人次，安全生产执法检查覆盖率95%以上，"
              "有效防范化解重大安全风险。",
              "开展应急演练9次，培训652人次，执法检查覆盖率100%，全年未发生较大以上生产安全事故。"),
        ind_label="部门整体绩效指标", inds=inds, total_weight=100, total_score=90.4,
        fund_formats={"initial": FC, "budget": FC, "executed": FC, "rate": F2},
        merge=False, percent_col=True,
    )
    out[s.ws.title] = s.exp
    return wb, out


# ----------------------------------------------------------------------------------
# Entry points
# ----------------------------------------------------------------------------------

Writer = Callable[[Callable[[str], str]], tuple[Workbook, dict[str, SheetExpectation]]]

WRITERS: dict[str, Writer] = {
    "national_wan": _national_wan,
    "split_target": _split_target,
    "ten_ninety": _ten_ninety,
    "twenty_eighty": _twenty_eighty,
    "transfer": _transfer,
    "no_score": _no_score,
    "department": _department,
}


def _identity(s: str) -> str:
    return s


def _s2t() -> Callable[[str], str]:
    import opencc

    converter = opencc.OpenCC("s2t")
    convert: Callable[[str], str] = converter.convert
    return convert


def build(
    family: str, *, traditional: bool = False
) -> tuple[Workbook, dict[str, SheetExpectation]]:
    """The workbook of one family and its expectations."""
    return WRITERS[family](_s2t() if traditional else _identity)


def build_all(root: Path, *, traditional: bool = False) -> list[Path]:
    """Write every family's workbook under ``root/examples``; return the paths."""
    written = []
    for family, name in FILES.items():
        wb, _ = build(family, traditional=traditional)
        written.append(save(wb, Path(root) / EXAMPLES / name))
    return written


def _expected() -> dict[str, dict[str, SheetExpectation]]:
    return {FILES[family]: build(family)[1] for family in FILES}


#: File name -> sheet name -> what a reader must get.
EXPECTED: dict[str, dict[str, SheetExpectation]] = _expected()
