"""The HTML batch report: one self-contained page, in Chinese.

Pure standard library (runs under Pyodide).  The page has inline CSS, no
external assets and works without JavaScript (a few lines of inline script add
severity filters).  It shows the batch totals, the counts by rule, the files
that could not be read, an index of files and sheets, and then per file and
sheet the layout family, the form drawn as an HTML table from the
:class:`~budgetlint.grid.Grid` (merged ranges as row/col spans, numbers in the
cell's number format, flagged cells coloured by severity with a superscript
number), and the numbered messages below it.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, fields, is_dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from html import escape
from typing import Any

from budgetlint.families import family_name
from budgetlint.findings import Finding, Severity
from budgetlint.grid import CellRef, Sheet, address, column_letter
from budgetlint.model import Field, SheetRead
from budgetlint.report.json_report import (
    cell_position,
    rule_title,
    sheet_order,
    sorted_findings,
    summary,
)
from budgetlint.results import BatchResult, FileResult
from budgetlint.style import FILL, FONT, css_hex

__all__ = ["MAX_COLS", "MAX_ROWS", "TITLE", "format_number", "format_value", "render_html"]

TITLE = "预算绩效表复核报告"

#: Largest part of a sheet drawn: rows and columns.
MAX_ROWS = 200
MAX_COLS = 30
#: Cell texts longer than this get the full text in a ``title`` attribute.
TITLE_CHARS = 16

EXPLAINED_BG = "#EDEDED"
EXPLAINED_FG = "#7F7F7F"

_SEVERITIES = (Severity.ERROR, Severity.WARNING, Severity.NOTE)


def _e(value: object) -> str:
    """Escape for element text and attribute values."""
    return escape("" if value is None else str(value), quote=True)


def _bg(sev: Severity) -> str:
    return css_hex(FILL[sev])


def _fg(sev: Severity) -> str:
    return css_hex(FONT[sev])


# --------------------------------------------------------------------------
# Cell values as Excel shows them


_TOKEN = re.compile(r'"([^"]*)"|\\(.)|_.|\*.|\[[^\]]*\]|([#0.,%])|(.)', re.S)
_CORE = re.compile(r"^(#,##)?0(?:\.(0+))?(%?)$")


@dataclass(frozen=True)
class _NumFormat:
    prefix: str
    grouped: bool
    decimals: int
    percent: bool
    suffix: str


def _parse_section(section: str) -> _NumFormat | None:
    """A simple number format section: literal prefix, 0 / #,##0 [.00…] [%], literal suffix."""
    prefix, core, suffix = "", "", ""
    for m in _TOKEN.finditer(section):
        quoted, escaped, digit, other = m.groups()
        if digit is not None:
            if suffix:
                return None  # digits after a literal suffix: not a simple format
            core += digit
            continue
        literal = quoted if quoted is not None else escaped if escaped is not None else other
        if literal is None:
            continue  # padding (_x), fill (*x) or a [colour]/[condition]
        if core:
            suffix += literal
        else:
            prefix += literal
    cm = _CORE.match(core)
    if not cm:
        return None
    return _NumFormat(
        prefix=prefix,
        grouped=bool(cm.group(1)),
        decimals=len(cm.group(2) or ""),
        percent=bool(cm.group(3)),
        suffix=suffix,
    )


def _plain_number(value: float | int) -> str:
    """A number in Excel's General format (without binary noise)."""
    if isinstance(value, int):
        return str(value)
    if value != value or value in (float("inf"), float("-inf")):
        return str(value)
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return format(value, ".15g")


def format_number(value: float | int, number_format: str) -> str:
    """``value`` as Excel shows it with ``number_format`` when the format is simple.

    Simple formats are ``0``, ``0.0``, ``0.00``, ``#,##0``, ``#,##0.00``,
    ``0%``, ``0.00%`` and the like, with literal text, padding and colour codes
    around them and an optional second section for negatives.  Rounding is half
    away from zero, as in Excel.  Any other format gives the General display.
    """
    sections = (number_format or "General").split(";")
    fmt = _parse_section(sections[0])
    if fmt is None:
        return _plain_number(value)
    negative_fmt = _parse_section(sections[1]) if len(sections) > 1 else None
    try:
        d = Decimal(repr(float(value)))
    except (InvalidOperation, ValueError):
        return _plain_number(value)
    if not d.is_finite():
        return _plain_number(value)
    negative = d < 0
    use = negative_fmt if negative and negative_fmt is not None else fmt
    d = abs(d)
    if use.percent:
        d *= 100
    d = d.quantize(Decimal(1).scaleb(-use.decimals), rounding=ROUND_HALF_UP)
    body = f"{d:,.{use.decimals}f}" if use.grouped else f"{d:.{use.decimals}f}"
    sign = "-" if negative and negative_fmt is None and d != 0 else ""
    return f"{use.prefix}{sign}{body}{'%' if use.percent else ''}{use.suffix}"


def format_value(value: Any, number_format: str = "General") -> str:
    """A stored cell value as text to draw."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return format_number(value, number_format)
    if isinstance(value, _dt.datetime):
        if value.time() == _dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, _dt.date | _dt.time):
        return value.isoformat()
    return str(value)


# --------------------------------------------------------------------------
# Which part of a sheet to draw


@dataclass(frozen=True)
class _Window:
    r0: int
    r1: int
    c0: int
    c1: int
    used: tuple[int, int, int, int]  # rmin, rmax, cmin, cmax of the used range

    @property
    def truncated(self) -> bool:
        rmin, rmax, cmin, cmax = self.used
        return (self.r0, self.r1, self.c0, self.c1) != (rmin, rmax, cmin, cmax)

    def __contains__(self, rc: tuple[int, int]) -> bool:
        r, c = rc
        return self.r0 <= r <= self.r1 and self.c0 <= c <= self.c1


def _form_cells(obj: object, sheet: str, out: set[tuple[int, int]], depth: int = 0) -> None:
    """Collect the cells a read form took its values from."""
    if depth > 8 or obj is None or isinstance(obj, str | int | float | bool):
        return
    if isinstance(obj, CellRef):
        if obj.sheet == sheet:
            out.add((obj.row, obj.col))
        return
    if isinstance(obj, Field):
        if obj.ref is not None and obj.ref.sheet == sheet:
            out.add((obj.ref.row, obj.ref.col))
        return
    if isinstance(obj, list | tuple):
        for x in obj:
            _form_cells(x, sheet, out, depth + 1)
    elif isinstance(obj, dict):
        for x in obj.values():
            _form_cells(x, sheet, out, depth + 1)
    elif is_dataclass(obj) and not isinstance(obj, type):
        for f in fields(obj):
            _form_cells(getattr(obj, f.name), sheet, out, depth + 1)


def _span(lo: int, hi: int, focus: list[int], limit: int) -> tuple[int, int]:
    """The drawn interval of [lo, hi], at most ``limit`` long, covering the focus if it can."""
    if hi - lo + 1 <= limit:
        return lo, hi
    start = lo
    if focus and max(focus) - lo + 1 > limit:
        start = max(lo, min(focus))
    end = min(hi, start + limit - 1)
    return max(lo, end - limit + 1), end


def _window(sheet: Sheet, focus: set[tuple[int, int]]) -> _Window | None:
    points = [(r, c) for r, c, _ in sheet.nonempty()]
    for mr in sheet.merged:
        points.append((mr.min_row, mr.min_col))
        points.append((mr.max_row, mr.max_col))
    points.extend(p for p in focus if p[0] > 0 and p[1] > 0)
    if not points:
        return None
    rows = [r for r, _ in points]
    cols = [c for _, c in points]
    used = (min(rows), max(rows), min(cols), max(cols))
    frows = sorted({r for r, _ in focus if r > 0})
    fcols = sorted({c for _, c in focus if c > 0})
    r0, r1 = _span(used[0], used[1], frows, MAX_ROWS)
    c0, c1 = _span(used[2], used[3], fcols, MAX_COLS)
    return _Window(r0, r1, c0, c1, used)


# --------------------------------------------------------------------------
# Drawing a sheet


@dataclass
class _Numbered:
    n: int
    finding: Finding
    key: tuple[int, int]  # the cell the finding is drawn on (merged top-left), (0, 0) if none


def _canonical(sheet: Sheet | None, rc: tuple[int, int]) -> tuple[int, int]:
    if sheet is None or rc == (0, 0):
        return rc
    mr = sheet.merged_at(*rc)
    return (mr.min_row, mr.min_col) if mr is not None else rc


def _related_keys(sheet: Sheet, items: list[_Numbered]) -> set[tuple[int, int]]:
    keys: set[tuple[int, int]] = set()
    for it in items:
        if it.finding.explained:
            continue
        for ref in it.finding.related:
            if "!" in ref:
                name, _, ref = ref.rpartition("!")
                if name.strip("'") != sheet.name:
                    continue
            rc = cell_position(ref)
            if rc != (0, 0):
                keys.add(_canonical(sheet, rc))
    return keys


def _top(items: list[_Numbered]) -> Severity | None:
    active = [it.finding.severity for it in items if not it.finding.explained]
    return max(active, key=lambda s: s.rank) if active else None


def _draw_sheet(
    sheet: Sheet, win: _Window, items: list[_Numbered], sid: str
) -> tuple[str, set[tuple[int, int]]]:
    """The sheet's window as an HTML table; also the cells actually drawn."""
    by_cell: dict[tuple[int, int], list[_Numbered]] = {}
    for it in items:
        if it.key != (0, 0):
            by_cell.setdefault(it.key, []).append(it)
    related = _related_keys(sheet, items)

    anchors: dict[tuple[int, int], tuple[int, int, tuple[int, int]]] = {}
    covered: set[tuple[int, int]] = set()
    for mr in sheet.merged:
        r0, r1 = max(mr.min_row, win.r0), min(mr.max_row, win.r1)
        c0, c1 = max(mr.min_col, win.c0), min(mr.max_col, win.c1)
        if r0 > r1 or c0 > c1 or (r0, c0) in anchors or (r0, c0) in covered:
            continue
        anchors[(r0, c0)] = (r1 - r0 + 1, c1 - c0 + 1, (mr.min_row, mr.min_col))
        for r in range(r0, r1 + 1):
            for c in range(c0, c1 + 1):
                if (r, c) != (r0, c0):
                    covered.add((r, c))

    drawn: set[tuple[int, int]] = set()
    out = ['<div class="scroll"><table class="form">']
    out.append("<thead><tr><th></th>")
    out.extend(f"<th>{column_letter(c)}</th>" for c in range(win.c0, win.c1 + 1))
    out.append("</tr></thead><tbody>")
    for r in range(win.r0, win.r1 + 1):
        out.append(f'<tr><th class="rn">{r}</th>')
        for c in range(win.c0, win.c1 + 1):
            if (r, c) in covered:
                continue
            span = anchors.get((r, c))
            src = span[2] if span else (r, c)
            drawn.add(src)
            out.append(_draw_cell(sheet, src, span, by_cell.get(src, []), src in related, sid))
        out.append("</tr>")
    out.append("</tbody></table></div>")
    return "".join(out), drawn


def _draw_cell(
    sheet: Sheet,
    src: tuple[int, int],
    span: tuple[int, int, tuple[int, int]] | None,
    flags: list[_Numbered],
    is_related: bool,
    sid: str,
) -> str:
    value = sheet.cells.get(src)
    text = format_value(value, sheet.formats.get(src, "General"))
    attrs: list[str] = []
    if span is not None:
        rowspan, colspan, _ = span
        if rowspan > 1:
            attrs.append(f' rowspan="{rowspan}"')
        if colspan > 1:
            attrs.append(f' colspan="{colspan}"')
    classes: list[str] = []
    if isinstance(value, int | float) and not isinstance(value, bool):
        classes.append("n")
    if is_related:
        classes.append("rel")
    top = _top(flags)
    style = ""
    if flags:
        attrs.append(f' id="{sid}-{address(*src)}"')
        if top is not None:
            classes.append(f"flag {top.value}")
            style = f' style="background:{_bg(top)}"'
        else:
            classes.append("flag expl")
            style = f' style="background:{EXPLAINED_BG}"'
    tips: list[str] = []
    if len(text) > TITLE_CHARS or "\n" in text:
        tips.append(text)
    formula = sheet.formulas.get(src)
    if formula:
        tips.append(f"公式：{formula}")
    note = sheet.notes.get(src)
    if note:
        tips.append(f"批注：{note}")
        classes.append("note-mark")
    for it in flags:
        f = it.finding
        state = "已说明" if f.explained else f.severity.label
        tips.append(f"[{it.n}] {state} {f.code}：{f.message}")
    if classes:
        attrs.append(f' class="{" ".join(classes)}"')
    if tips:
        attrs.append(f' title="{_e(chr(10).join(tips))}"')
    body = ""
    if flags:
        marks = []
        for it in flags:
            cls = "expl" if it.finding.explained else it.finding.severity.value
            marks.append(f'<a class="{cls}" href="#{sid}-m{it.n}">{it.n}</a>')
        body = f"<sup>{','.join(marks)}</sup>"
    if text:
        body += f'<div class="c">{_e(text)}</div>'
    return f"<td{''.join(attrs)}{style}>{body}</td>"


# --------------------------------------------------------------------------
# Messages


def _sev_badge(f: Finding) -> str:
    if f.explained:
        return (
            f'<span class="badge expl">已说明</span>'
            f'<div class="small">（原为{_e(f.severity.label)}）</div>'
        )
    return f'<span class="badge {f.severity.value}">{_e(f.severity.label)}</span>'


def _rule_cell(code: str) -> str:
    title = rule_title(code)
    extra = f'<div class="small">{_e(title)}</div>' if title != code else ""
    return f"<code>{_e(code)}</code>{extra}"


def _messages(items: list[_Numbered], drawn: set[tuple[int, int]] | None, sid: str) -> str:
    if not items:
        return ""
    out = [
        '<table class="msgs"><thead><tr><th>#</th><th>单元格</th><th>规则</th><th>级别</th>'
        "<th>说明</th><th>应为</th><th>实际</th><th>计算</th></tr></thead><tbody>"
    ]
    for it in items:
        f = it.finding
        cls = "explained" if f.explained else f.severity.value
        if not f.cell:
            cell = '<span class="small">（整张表）</span>' if f.sheet else ""
        elif drawn is not None and it.key in drawn:
            cell = f'<a href="#{sid}-{address(*it.key)}">{_e(f.cell)}</a>'
        else:
            cell = _e(f.cell)
            if drawn is not None:
                cell += '<div class="small">（不在绘制范围内）</div>'
        text = _e(f.message)
        if f.explained:
            text += f'<div class="why">已说明：{_e(f.explanation or "")}</div>'
        if f.related:
            text += f'<div class="small">相关单元格：{_e("、".join(f.related))}</div>'
        out.append(
            f'<tr id="{sid}-m{it.n}" class="msg {cls}"><td class="no">{it.n}</td>'
            f"<td>{cell}</td><td>{_rule_cell(f.code)}</td><td>{_sev_badge(f)}</td>"
            f"<td>{text}</td><td>{_e(f.expected)}</td><td>{_e(f.actual)}</td>"
            f"<td>{_e(f.computation)}</td></tr>"
        )
    out.append("</tbody></table>")
    return "".join(out)


# --------------------------------------------------------------------------
# Sections


def _status_line(sr: SheetRead | None) -> str:
    if sr is None:
        return '<p class="status"><span class="badge skip">未读取</span></p>'
    if sr.status == "form":
        name = family_name(sr.family) or "（未知版式）"
        return f'<p class="status"><span class="badge fam">版式：{_e(name)}</span></p>'
    if sr.status == "unrecognized":
        labels = (
            "".join(f'<span class="label">{_e(x)}</span>' for x in sr.labels)
            if sr.labels
            else '<span class="small">（未识别到任何标签）</span>'
        )
        reason = f'<div class="small">{_e(sr.reason)}</div>' if sr.reason else ""
        return (
            f'<div class="status"><span class="badge unrec">版式未识别</span> '
            f"识别到的标签：{labels}{reason}</div>"
        )
    reason = _e(sr.reason) if sr.reason else ""
    return f'<p class="status"><span class="badge skip">已跳过</span> {reason}</p>'


def _counts_cells(fr: FileResult) -> str:
    counts = fr.counts()
    cells = []
    for sev in _SEVERITIES:
        n = counts[sev]
        style = f' style="background:{_bg(sev)};color:{_fg(sev)}"' if n else ""
        cells.append(f'<td class="n"{style}>{n}</td>')
    cells.append(f'<td class="n">{len(fr.explained)}</td>')
    return "".join(cells)


_Entry = tuple[str, SheetRead | None, list[Finding]]


def _sheet_entries(fr: FileResult) -> list[_Entry]:
    """(sheet name, what the reader made of it, its findings) in workbook order."""
    reads = {sr.sheet: sr for sr in fr.sheets}
    found: dict[str, list[Finding]] = {}
    for f in sorted_findings(fr):
        found.setdefault(f.sheet, []).append(f)
    entries = []
    for name in sheet_order(fr):
        if name in reads or name in found:
            entries.append((name, reads.get(name), found.pop(name, [])))
    found.pop("", None)
    entries.extend((name, None, fs) for name, fs in found.items())
    return entries


def _sheet_section(fr: FileResult, fid: str, j: int, entry: _Entry) -> str:
    name, sr, found = entry
    sid = f"{fid}s{j}"
    sheet = None
    if fr.grid is not None:
        try:
            sheet = fr.grid.sheet(name)
        except KeyError:
            sheet = None
    items = [
        _Numbered(n, f, _canonical(sheet, cell_position(f.cell)))
        for n, f in enumerate(found, start=1)
    ]
    active = [f for f in found if not f.explained]
    out = [f'<section class="sheet" id="{sid}"><h3>工作表：{_e(name)}</h3>', _status_line(sr)]

    draw = sheet is not None and (
        (sr is not None and sr.status in ("form", "unrecognized")) or bool(found)
    )
    drawn: set[tuple[int, int]] | None = None
    if draw and sheet is not None:
        focus: set[tuple[int, int]] = {it.key for it in items if it.key != (0, 0)}
        if sr is not None and sr.form is not None:
            _form_cells(sr.form, name, focus)
        win = _window(sheet, focus)
        if win is None:
            out.append('<p class="small">（空工作表）</p>')
            drawn = set()
        else:
            table, drawn = _draw_sheet(sheet, win, items, sid)
            note = ""
            if win.truncated:
                rmin, rmax, cmin, cmax = win.used
                note = (
                    f'<p class="small trunc">表格较大，仅绘制 {column_letter(win.c0)}{win.r0}:'
                    f"{column_letter(win.c1)}{win.r1}（已用区域 {column_letter(cmin)}{rmin}:"
                    f"{column_letter(cmax)}{rmax}）。</p>"
                )
            is_open = bool(active) or (sr is not None and sr.status == "unrecognized")
            label = "表格" if is_open else "表格（无问题，点击展开）"
            out.append(
                f"<details{' open' if is_open else ''}><summary>{label}</summary>"
                f"{note}{table}</details>"
            )
    if items:
        out.append(_messages(items, drawn, sid))
    elif sr is not None and sr.status == "form":
        out.append('<p class="ok">未发现问题。</p>')
    out.append("</section>")
    return "".join(out)


def _file_section(i: int, fr: FileResult) -> str:
    fid = f"f{i}"
    clean = not fr.error and not fr.active
    cls = "file clean" if clean else "file"
    out = [f'<section class="{cls}" id="{fid}"><h2>{_e(fr.path)}</h2>']
    out.append(
        '<table class="counts"><tr><th>错误</th><th>警告</th><th>提示</th><th>已说明</th></tr>'
        f"<tr>{_counts_cells(fr)}</tr></table>"
    )
    if fr.error:
        out.append(f'<p class="fail">无法读取：{_e(fr.error)}</p>')
    general = [f for f in sorted_findings(fr) if not f.sheet]
    if general:
        items = [_Numbered(n, f, (0, 0)) for n, f in enumerate(general, start=1)]
        out.append(
            f'<section class="sheet" id="{fid}s0"><h3>整个文件</h3>'
            f"{_messages(items, None, f'{fid}s0')}</section>"
        )
    for j, entry in enumerate(_sheet_entries(fr), start=1):
        out.append(_sheet_section(fr, fid, j, entry))
    out.append('<p class="top"><a href="#top">回到顶部</a></p></section>')
    return "".join(out)


def _summary(batch: BatchResult) -> str:
    s = summary(batch)
    out = ['<section id="summary"><h2>汇总</h2><div class="cards">']
    for sev in _SEVERITIES:
        out.append(
            f'<div class="card" style="background:{_bg(sev)};color:{_fg(sev)}">'
            f'<div class="k">{sev.label}</div><div class="v">{s[sev.value]}</div></div>'
        )
    for label, key in (
        ("已说明", "explained"),
        ("文件", "files"),
        ("有错误的文件", "files_with_errors"),
        ("无法读取", "unreadable"),
    ):
        out.append(
            f'<div class="card"><div class="k">{label}</div><div class="v">{s[key]}</div></div>'
        )
    out.append("</div>")

    # By rule: active counts by severity, and explained.
    per: dict[str, dict[str, int]] = {}
    for f in batch.findings:
        row = per.setdefault(f.code, {"error": 0, "warning": 0, "note": 0, "explained": 0})
        row["explained" if f.explained else f.severity.value] += 1
    if per:
        out.append(
            '<h3>按规则</h3><table class="rules"><thead><tr><th>规则</th><th>名称</th>'
            "<th>错误</th><th>警告</th><th>提示</th><th>合计</th><th>已说明</th></tr></thead><tbody>"
        )
        for code in sorted(per):
            row = per[code]
            total = row["error"] + row["warning"] + row["note"]
            out.append(
                f"<tr><td><code>{_e(code)}</code></td><td>{_e(rule_title(code))}</td>"
                f'<td class="n">{row["error"]}</td><td class="n">{row["warning"]}</td>'
                f'<td class="n">{row["note"]}</td><td class="n"><b>{total}</b></td>'
                f'<td class="n">{row["explained"]}</td></tr>'
            )
        out.append("</tbody></table>")

    if batch.errors:
        out.append(
            '<h3>无法读取的文件</h3><table class="fails"><thead><tr><th>文件</th><th>原因</th>'
            "</tr></thead><tbody>"
        )
        for i, fr in enumerate(batch.files, start=1):
            if fr.error:
                out.append(
                    f'<tr><td><a href="#f{i}">{_e(fr.path)}</a></td><td>{_e(fr.error)}</td></tr>'
                )
        out.append("</tbody></table>")

    if batch.files:
        out.append(
            '<h3>文件</h3><table class="index"><thead><tr><th>文件</th><th>工作表</th>'
            "<th>错误</th><th>警告</th><th>提示</th><th>已说明</th></tr></thead><tbody>"
        )
        for i, fr in enumerate(batch.files, start=1):
            links = []
            for j, (name, sr, _found) in enumerate(_sheet_entries(fr), start=1):
                status = sr.status if sr is not None else "skipped"
                links.append(f'<a class="sl {status}" href="#f{i}s{j}">{_e(name)}</a>')
            if fr.error:
                links.append('<span class="badge error">无法读取</span>')
            out.append(
                f'<tr><td><a href="#f{i}">{_e(fr.path)}</a></td><td>{" ".join(links)}</td>'
                f"{_counts_cells(fr)}</tr>"
            )
        out.append("</tbody></table>")
    out.append("</section>")
    return "".join(out)


def _css() -> str:
    sev_rules = []
    for sev in _SEVERITIES:
        v, bg, fg = sev.value, _bg(sev), _fg(sev)
        sev_rules.append(
            f".badge.{v}{{background:{bg};color:{fg}}}"
            f"sup a.{v}{{color:{fg}}}"
            f"tr.msg.{v} td.no{{background:{bg};color:{fg}}}"
            f"body.hide-{v} tr.msg.{v}{{display:none}}"
            f"body.hide-{v} td.flag.{v}{{background:transparent!important}}"
            f"body.hide-{v} sup a.{v}{{display:none}}"
        )
    return (
        "body{font-family:'Microsoft YaHei','PingFang SC','Noto Sans CJK SC','Source Han Sans SC',"
        "sans-serif;font-size:14px;color:#222;margin:0 auto;padding:16px 24px;max-width:1400px}"
        "h1{font-size:22px;margin:4px 0 12px}h2{font-size:17px;margin:0 0 8px;word-break:break-all}"
        "h3{font-size:15px;margin:12px 0 6px}"
        "table{border-collapse:collapse}"
        "th,td{border:1px solid #ccc;padding:3px 6px;vertical-align:top}"
        "thead th{background:#f2f2f2;white-space:nowrap}"
        "table.index td:first-child{min-width:14em;word-break:break-all}"
        "table.msgs td:nth-child(3){min-width:8em}"
        ".n{text-align:right;white-space:nowrap}"
        ".small{font-size:12px;color:#666}"
        ".cards{display:flex;flex-wrap:wrap;gap:8px;margin:8px 0}"
        ".card{border:1px solid #ccc;border-radius:4px;padding:6px 14px;min-width:70px;"
        "text-align:center;background:#fafafa}"
        ".card .k{font-size:12px}.card .v{font-size:22px;font-weight:bold}"
        ".badge{display:inline-block;padding:0 6px;border-radius:3px;font-size:12px;"
        "white-space:nowrap}"
        ".badge.fam{background:#E2EFDA;color:#375623}"
        ".badge.unrec{background:#FCE4D6;color:#833C0B}"
        ".badge.skip{background:#EDEDED;color:#595959}"
        f".badge.expl{{background:{EXPLAINED_BG};color:{EXPLAINED_FG}}}"
        ".label{display:inline-block;border:1px solid #ddd;background:#f7f7f7;border-radius:3px;"
        "padding:0 4px;margin:1px 3px;font-size:12px}"
        "section.file{border-top:3px solid #4472C4;margin-top:28px;padding-top:8px}"
        "section.sheet{margin:10px 0 18px 8px}"
        ".status{margin:4px 0}"
        ".fail{color:#9C0006;background:#FFC7CE;padding:4px 8px}"
        ".ok{color:#375623}"
        ".scroll{overflow-x:auto;margin:6px 0}"
        "details>summary{cursor:pointer;color:#4472C4;font-size:13px}"
        "table.form{font-size:12px}"
        "table.form td{max-width:16em;min-width:2em}"
        "table.form th{background:#f2f2f2;color:#888;font-weight:normal;font-size:11px}"
        "table.form td .c{max-height:4.5em;overflow:hidden;white-space:pre-wrap;"
        "word-break:break-all}"
        "table.form td.n .c{white-space:nowrap}"
        "table.form td.flag{outline:2px solid #888;outline-offset:-2px}"
        "table.form td.flag.error{outline-color:#9C0006}"
        "table.form td.flag.warning{outline-color:#9C5700}"
        "table.form td.flag.note{outline-color:#1F4E79}"
        "table.form td.rel{outline:1px dashed #4472C4;outline-offset:-2px}"
        "table.form td.note-mark{box-shadow:inset -6px 6px 0 -3px #c00}"
        "sup{float:right;font-size:10px;line-height:1;margin:0 0 0 3px}"
        "sup a{text-decoration:none;font-weight:bold}"
        f"sup a.expl{{color:{EXPLAINED_FG}}}"
        "table.msgs{margin-top:6px;font-size:13px}"
        "table.msgs td:nth-child(5){min-width:18em;max-width:40em}"
        f"tr.msg.explained td{{color:{EXPLAINED_FG};background:#f7f7f7}}"
        ".why{color:#595959;font-style:italic}"
        "td.no{text-align:center;font-weight:bold}"
        "a.sl{margin-right:6px;white-space:nowrap}a.sl.unrecognized{color:#C55A11}"
        "a.sl.skipped{color:#888}"
        "#filters{margin:8px 0;padding:6px 8px;background:#f7f7f7;border:1px solid #ddd}"
        "#filters label{margin-right:14px}"
        "body.hide-explained tr.msg.explained{display:none}"
        "body.hide-explained td.flag.expl{background:transparent!important}"
        "body.hide-explained sup a.expl{display:none}"
        "body.only-issues section.file.clean{display:none}"
        "p.top{text-align:right;font-size:12px}"
        "@media print{#filters,details>summary,p.top{display:none}"
        "section.file{break-before:page}}" + "".join(sev_rules)
    )


_SCRIPT = (
    "(function(){var f=document.getElementById('filters');f.hidden=false;"
    "f.querySelectorAll('input').forEach(function(cb){cb.addEventListener('change',function(){"
    "document.body.classList.toggle(cb.dataset.cls,cb.dataset.on==='1'?cb.checked:!cb.checked);"
    "});});})();"
)


def _filters() -> str:
    boxes = [
        f'<label><input type="checkbox" checked data-cls="hide-{sev.value}" data-on="0"> '
        f"{sev.label}</label>"
        for sev in _SEVERITIES
    ]
    boxes.append(
        '<label><input type="checkbox" checked data-cls="hide-explained" data-on="0">'
        " 已说明</label>"
    )
    boxes.append(
        '<label><input type="checkbox" data-cls="only-issues" data-on="1"> 只看有问题的文件</label>'
    )
    return f'<div id="filters" hidden>显示：{"".join(boxes)}</div>'


def render_html(batch: BatchResult, *, title: str = TITLE) -> str:
    """The batch report as one self-contained HTML page."""
    from budgetlint import __version__

    parts = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)}</title><style>{_css()}</style></head>",
        '<body id="top">',
        f"<h1>{_e(title)}</h1>",
        _filters(),
        _summary(batch),
    ]
    parts.extend(_file_section(i, fr) for i, fr in enumerate(batch.files, start=1))
    parts.append(f'<p class="small">budgetlint {_e(__version__)}</p>')
    parts.append(f"<script>{_SCRIPT}</script></body></html>\n")
    return "\n".join(parts)
