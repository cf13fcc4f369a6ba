"""The 复核结果 sheet: counts by severity and one row per finding, linked to its cell."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from budgetlint.annotate import xmltext as X
from budgetlint.annotate.package import MAIN_NS, R_NS, XML_DECL
from budgetlint.annotate.styles import Styles
from budgetlint.findings import Finding, Severity
from budgetlint.grid import address
from budgetlint.style import FILL, FONT
from budgetlint.text import wide_chars

SHEET_NAME = "复核结果"
HEADERS = ("序号", "工作表", "单元格", "规则", "级别", "说明", "应为", "实际", "计算", "备注")
WIDTHS = (6, 22, 9, 8, 7, 50, 16, 16, 36, 28)
HEADER_ROW = 8
HEADER_FILL = "FFD9E1F2"
EXPLAINED_FILL = "FFEDEDED"
#: Points per line of wrapped 11 pt text (row heights are set, not left to the viewer).
LINE_HEIGHT = 14.5


@dataclass
class _Xfs:
    title: int
    subtitle: int
    label: dict[str, int]
    count: int
    header: int
    text: int
    center: int
    link: int
    severity: dict[Severity, int]
    explained: int
    muted: int


def _styles(st: Styles) -> _Xfs:
    bold = st.font(bold=True)
    title_font = st.font(bold=True, size=14)
    link_font = st.font(color="FF0563C1", underline=True)
    grey_font = st.font(color="FF595959")
    border = st.thin_border()
    head_fill = st.fill(HEADER_FILL)
    expl_fill = st.fill(EXPLAINED_FILL)
    label: dict[str, int] = {}
    severity: dict[Severity, int] = {}
    for sev in Severity:
        fill = st.fill(FILL[sev])
        label[sev.value] = st.xf(
            font=bold, fill=fill, border=border, horizontal="center", vertical="center"
        )
        sev_font = st.font(bold=True, color=FONT[sev])
        severity[sev] = st.xf(
            font=sev_font, fill=fill, border=border, horizontal="center", vertical="center"
        )
    label["explained"] = st.xf(
        font=bold, fill=expl_fill, border=border, horizontal="center", vertical="center"
    )
    return _Xfs(
        title=st.xf(font=title_font, vertical="center"),
        subtitle=st.xf(font=grey_font, vertical="center"),
        label=label,
        count=st.xf(font=bold, border=border, horizontal="center", vertical="center"),
        header=st.xf(
            font=bold,
            fill=head_fill,
            border=border,
            horizontal="center",
            vertical="center",
            wrap=True,
        ),
        text=st.xf(border=border, vertical="center", wrap=True),
        center=st.xf(border=border, horizontal="center", vertical="center"),
        link=st.xf(font=link_font, border=border, horizontal="center", vertical="center"),
        severity=severity,
        explained=st.xf(
            font=grey_font, fill=expl_fill, border=border, horizontal="center", vertical="center"
        ),
        muted=st.xf(font=grey_font, border=border, vertical="center", wrap=True),
    )


def _lines(text: str, width: float) -> int:
    """Lines a wrapped ``text`` takes in a column ``width`` characters wide.

    A wide (CJK) character counts 2, any other 1.1.
    """
    usable = max(width - 1.5, 1.0)
    total = 0
    for line in text.split("\n"):
        if 2 * len(line) <= usable:  # fits even if every character is wide
            total += 1
            continue
        wide = wide_chars(line)
        units = 2 * wide + 1.1 * (len(line) - wide)
        total += max(1, math.ceil(units / usable))
    return total


def _s(ref: str, value: str, xf: int) -> str:
    if value == "":
        return f'<c r="{ref}" s="{xf}"/>'
    space = ' xml:space="preserve"' if value != value.strip() else ""
    return f'<c r="{ref}" s="{xf}" t="inlineStr"><is><t{space}>{X.escape(value)}</t></is></c>'


def _n(ref: str, value: int, xf: int) -> str:
    return f'<c r="{ref}" s="{xf}"><v>{value}</v></c>'


def sheet_ref(sheet: str, cell: str) -> str:
    return "'" + sheet.replace("'", "''") + "'!" + cell


def build(
    findings: Sequence[Finding],
    sheet_order: dict[str, int],
    title: str,
    subtitle: str,
    st: Styles,
    cell_of: dict[int, str],
) -> str:
    """Worksheet XML of the summary.  ``cell_of`` maps id(finding) to the cell linked."""
    xf = _styles(st)
    items = sorted(
        findings,
        key=lambda f: (
            f.explained,
            -f.severity.rank,
            sheet_order.get(f.sheet, 1 << 30),
            *f.sort_key[2:],
        ),
    )
    counts = {
        sev: sum(1 for f in findings if f.severity is sev and not f.explained) for sev in Severity
    }
    explained = sum(1 for f in findings if f.explained)

    rows: list[str] = []
    rows.append(f'<row r="1" ht="24" customHeight="1">{_s("A1", title, xf.title)}</row>')
    rows.append(f'<row r="2">{_s("A2", subtitle, xf.subtitle)}</row>')
    r = 2
    for key, label, n in (
        (Severity.ERROR.value, Severity.ERROR.label, counts[Severity.ERROR]),
        (Severity.WARNING.value, Severity.WARNING.label, counts[Severity.WARNING]),
        (Severity.NOTE.value, Severity.NOTE.label, counts[Severity.NOTE]),
        ("explained", "已说明", explained),
    ):
        r += 1
        cells = _s(f"B{r}", label, xf.label[key]) + _n(f"C{r}", n, xf.count)
        rows.append(f'<row r="{r}" ht="18" customHeight="1">{cells}</row>')
    head = "".join(_s(address(HEADER_ROW, i + 1), h, xf.header) for i, h in enumerate(HEADERS))
    rows.append(f'<row r="{HEADER_ROW}" ht="20" customHeight="1">{head}</row>')

    links: list[str] = []
    r = HEADER_ROW
    for i, f in enumerate(items, start=1):
        r += 1
        cell = cell_of.get(id(f), f.cell)
        shown = f.cell or "（整表）"
        target = sheet_ref(f.sheet, cell or "A1")
        links.append(
            f'<hyperlink ref="C{r}" location="{X.escape_attr(target)}" '
            f'display="{X.escape_attr(shown)}" tooltip="{X.escape_attr("转到 " + target)}"/>'
        )
        text = xf.muted if f.explained else xf.text
        note = f"已说明：{f.explanation or ''}" if f.explained else ""
        values = [
            _n(f"A{r}", i, xf.center),
            _s(f"B{r}", f.sheet, text),
            _s(f"C{r}", shown, xf.link),
            _s(f"D{r}", f.code, xf.center),
            _s(f"E{r}", f.severity.label, xf.explained if f.explained else xf.severity[f.severity]),
            _s(f"F{r}", f.message, text),
            _s(f"G{r}", f.expected or "", text),
            _s(f"H{r}", f.actual or "", text),
            _s(f"I{r}", f.computation or "", text),
            _s(f"J{r}", note, text),
        ]
        texts = (f.sheet, f.message, f.expected or "", f.actual or "", f.computation or "", note)
        cols = (1, 5, 6, 7, 8, 9)
        lines = max(_lines(t, WIDTHS[c]) for t, c in zip(texts, cols, strict=True))
        height = f"{lines * LINE_HEIGHT + 4:g}"
        rows.append(f'<row r="{r}" ht="{height}" customHeight="1">{"".join(values)}</row>')
    if not items:
        r += 1
        rows.append(f'<row r="{r}">{_s(f"A{r}", "未发现问题。", xf.subtitle)}</row>')

    cols = "".join(
        f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>'
        for i, w in enumerate(WIDTHS, start=1)
    )
    last = f"J{max(r, HEADER_ROW)}"
    top_left = f"A{HEADER_ROW + 1}"
    pane = (
        f'<pane ySplit="{HEADER_ROW}" topLeftCell="{top_left}" activePane="bottomLeft" '
        f'state="frozen"/><selection pane="bottomLeft" activeCell="{top_left}" '
        f'sqref="{top_left}"/>'
    )
    hyperlinks = f"<hyperlinks>{''.join(links)}</hyperlinks>" if links else ""
    return (
        XML_DECL
        + f'<worksheet xmlns="{MAIN_NS}" xmlns:r="{R_NS}">'
        + '<sheetPr><tabColor rgb="FFC00000"/><pageSetUpPr fitToPage="1"/></sheetPr>'
        + f'<dimension ref="A1:{last}"/>'
        + f'<sheetViews><sheetView workbookViewId="0">{pane}</sheetView></sheetViews>'
        + '<sheetFormatPr defaultRowHeight="15"/>'
        + f"<cols>{cols}</cols>"
        + f"<sheetData>{''.join(rows)}</sheetData>"
        + hyperlinks
        + '<pageMargins left="0.4" right="0.4" top="0.5" bottom="0.5" header="0.3" footer="0.3"/>'
        + '<pageSetup paperSize="9" orientation="landscape" fitToWidth="1" fitToHeight="0"/>'
        + "</worksheet>"
    )
