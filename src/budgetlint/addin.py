"""The Python side of the Excel add-in: what the 绩效复核 ribbon tab's buttons call.

The add-in's VBA calls, through xlwings, ``RunPython "import budgetlint.addin;
budgetlint.addin.check()"`` and so on; the contract is these module-level
functions, each without arguments, working on the calling workbook
(``xlwings.Book.caller()``, the active workbook when called from an add-in):

- :func:`check` (复核): read every sheet, check every form, fill each flagged cell
  with its severity's colour and add a note (批注) with the findings, write the
  复核结果 sheet (first in the workbook, one row per finding, linked to its
  cell) and activate it.  A second check first clears the previous one.
- :func:`recompute` (重算并复核): ask Excel for a full calculation, then check,
  and compare every ``BL_…`` formula cell with budgetlint's own recomputation.
- :func:`clear` (清除标注): restore exactly what was there before the check:
  the original fills and notes; the 复核结果 sheet and the state sheet removed.
- :func:`export_report` (导出报告): an HTML report saved beside the workbook;
  its path is shown.
- :func:`about` (关于): budgetlint's version, the settings file in use, the
  xlwings version and what the Excel engine cannot do.

Each has an inner function that takes the book (:func:`check_book`,
:func:`recompute_book`, :func:`clear_book`, :func:`export_report_book`,
:func:`about_text`), returns what it did and raises on failure; the entry
points only find the book and turn the outcome into a message box.  A person
never sees a traceback: every error is a Chinese message (the details go to
the log file :data:`LOG_PATH`).

**Host-neutral core.**  Reading and writing the live workbook is
:mod:`budgetlint.hosts.xlwings_host`; everything between is
:func:`budgetlint.checker.check_grid`.  This module imports xlwings only
inside the entry points, so it imports anywhere (and the core under Pyodide).
Settings are found as the command line finds them
(:meth:`budgetlint.settings.Settings.load`), starting from the workbook's folder
(defaults for a workbook never saved).

**What is marked** is what ``budgetlint check --annotate`` marks: a finding on a
cell inside a merged area marks the area's top-left cell; explained findings
(a note starting with 【已说明】) are listed but not marked; the fill is the
colour of the cell's most severe finding (:data:`budgetlint.style.FILL`); the
note's text is the file annotator's (:func:`budgetlint.annotate.comments.note_runs`),
appended after a separator to a note the cell already has.  The 复核结果 sheet
has the annotator's columns, title and order (:mod:`budgetlint.annotate.summary`);
each 单元格 is a ``HYPERLINK`` formula to the cell (written for all rows in one
call; a hyperlink object would cost a call per row).

**State.**  The original fills and notes, the summary sheet's name and the sheet
that was active are kept in the workbook itself, in the very hidden sheet
``_budgetlint_state`` (:class:`budgetlint.hosts.xlwings_host.State`), written
*before* any cell is changed, so that :func:`clear` works after the workbook
was saved, closed and reopened, and after a check that failed halfway.  Clear
leaves alone what the user changed since: a cell whose fill is no longer ours
keeps it; a note the user edited loses only our text.

**Recompute semantics.**  In live Excel, Excel computes its own formulas: the
add-in's ``BL_…`` functions run in Excel (xlwings UDFs), everything else is
Excel's engine.  So :func:`recompute` does not recompute anything headlessly and
never writes a value: it asks Excel for a full calculation
(``Application.CalculateFull``, else ``App.calculate``), reads the values Excel
computed and checks them like :func:`check`.  Then it recomputes only the
``BL_…`` formula cells with budgetlint's own engine
(:func:`budgetlint.recompute.recompute_grid`: those cells and the formula cells
they read, from the workbook's typed values) and reports each cell whose Excel
value differs: a ``#NAME?``
where the add-in's functions are not loaded, or a UDF server running another
budgetlint version or other settings.  These are listed in the message box (not
as findings: they are about the installation, not the form).  The headless
engine (``budgetlint recompute``) stays the tool for saved files that nobody
calculated.  On the remote engine (xlwings Server, Office.js) the calculation is
an action the client runs after Python returns, so the values checked are the
ones the client sent.
"""

from __future__ import annotations

import datetime as _dt
import logging
import re
import sys
import tempfile
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from budgetlint import __version__
from budgetlint.annotate import summary as S
from budgetlint.annotate.comments import note_lines, note_runs
from budgetlint.annotate.workbook import unique_sheet_name
from budgetlint.checker import check_grid, link_projects
from budgetlint.findings import Finding, Severity
from budgetlint.grid import Grid, address, parse_address
from budgetlint.hosts import Limits, ReadError
from budgetlint.hosts.xlwings_host import (
    RC,
    UNKNOWN,
    CellState,
    Fill,
    LiveBook,
    SheetInfo,
    State,
    hex_fill,
)
from budgetlint.results import BatchResult, FileResult
from budgetlint.settings import Settings, SettingsError
from budgetlint.style import FILL, css_hex

if TYPE_CHECKING:
    import xlwings as xw

    from budgetlint.recompute import Recalc

log = logging.getLogger("budgetlint")

#: The title of every message box.
TITLE = "budgetlint 绩效复核"
#: Where the entry points log (the details of an error the message box summarises).
LOG_PATH = Path(tempfile.gettempdir()) / "budgetlint-addin.log"
#: The report :func:`export_report` writes: ``<workbook name>.复核报告.html`` beside it.
REPORT_SUFFIX = ".复核报告.html"
#: Lines of sheets listed in the "no form found" message.
MAX_LISTED_SHEETS = 20
#: Cells listed in the recompute message.
MAX_LISTED_CELLS = 12

#: A BL_ function call in a formula (after any add-in prefix: ``[1]!BL_…(``).
_BL_CALL = re.compile(r"\bBL_[A-Z0-9_]+\s*\(", re.IGNORECASE)


class AddinError(Exception):
    """An outcome the person must be told about; the message is Chinese and complete."""


# --- results ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Mismatch:
    """A BL_ formula cell whose Excel value differs from budgetlint's recomputation."""

    sheet: str
    cell: str
    excel: Any
    budgetlint: Any

    def line(self) -> str:
        from budgetlint.recompute import show

        return f"{self.sheet}!{self.cell}：Excel 为 {show(self.excel)}，budgetlint 为 {show(self.budgetlint)}"


@dataclass
class Summary:
    """What :func:`check_book` (or :func:`recompute_book`) did."""

    result: FileResult
    #: The 复核结果 sheet written; None when no form was recognised (nothing was marked).
    summary_sheet: str | None = None
    forms: int = 0
    cells_marked: int = 0
    notes_added: int = 0
    notes_merged: int = 0
    #: Flagged cells with a note the engine could not read: the note was left alone.
    notes_kept: int = 0
    cleared_previous: bool = False
    #: What the person is told in a message box ('' for nothing: the summary sheet speaks).
    message: str = ""
    #: Calls made to Excel, by kind (see LiveBook.calls).
    calls: Counter[str] = field(default_factory=Counter)
    #: recompute: BL_ cells whose Excel value differs from budgetlint's.
    mismatches: list[Mismatch] = field(default_factory=list)
    #: recompute: BL_ cells compared.
    bl_cells: int = 0
    #: recompute: BL_ cells budgetlint could not recompute ("sheet!cell：why").
    not_compared: list[str] = field(default_factory=list)

    @property
    def findings(self) -> list[Finding]:
        return self.result.findings


@dataclass
class ClearSummary:
    """What :func:`clear_book` did."""

    found: bool = False
    cells_restored: int = 0
    #: Cells left as they were because the user changed them since the check.
    cells_left: int = 0
    notes_removed: int = 0
    notes_restored: int = 0
    summary_removed: bool = False
    #: Sheets named in the record that no longer exist (renamed or deleted).
    missing_sheets: list[str] = field(default_factory=list)
    calls: Counter[str] = field(default_factory=Counter)

    def message(self) -> str:
        """What the person is told; "" when everything was restored."""
        if not self.found:
            return "此工作簿中没有 budgetlint 的复核标注，无需清除。"
        if self.missing_sheets:
            names = "、".join(self.missing_sheets)
            return f"已清除复核标注。工作表“{names}”已不存在（改名或删除），其中的标注未能恢复。"
        return ""


# --- settings --------------------------------------------------------------------------------


def load_settings(live: LiveBook) -> Settings:
    """Settings as the CLI finds them, from the workbook's folder up (defaults if never saved)."""
    folder = live.folder()
    return Settings.load(start=folder) if folder is not None else Settings()


def _settings(live: LiveBook, settings: Settings | None) -> Settings:
    s = settings if settings is not None else load_settings(live)
    live.limits = Limits.from_settings(s)
    return s


# --- check -----------------------------------------------------------------------------------


def check_book(
    book: xw.Book, settings: Settings | None = None, *, live: LiveBook | None = None
) -> Summary:
    """Check every form of ``book``; mark the flagged cells and write the 复核结果 sheet.

    A previous check's marks are cleared first.  A workbook with no recognised
    form is not changed (beyond clearing): ``message`` says what each sheet is.
    """
    live = live or LiveBook(book)
    settings = _settings(live, settings)
    with live.screen_frozen():
        return _check(live, settings)


def _check(live: LiveBook, settings: Settings) -> Summary:
    old = live.read_state()
    cleared = False
    if old is not None:
        _clear(live, old)
        cleared = True
    active = live.active_sheet()
    grid = live.read_grid(old or State())
    result = check_grid(grid, settings)
    link_projects(result, result.projects, settings)  # the workbook alone: nothing else comes
    forms = sum(1 for s in result.sheets if s.status == "form")
    summary = Summary(result=result, forms=forms, cleared_previous=cleared, calls=live.calls)
    if not forms:
        summary.message = no_forms_message(live.name, result)
        return summary

    targets = mark_targets(grid, result.findings)
    sheets = {xs.name: xs for xs in live.sheets()}
    state = State(
        active_sheet=active,
        created=_dt.datetime.now().isoformat(timespec="seconds"),
    )
    state.summary_sheet = unique_sheet_name(list(sheets), S.SHEET_NAME)
    plans: list[tuple[Any, dict[RC, list[Finding]], list[CellState]]] = []
    for name, cells in targets.items():
        xs = sheets[name]
        originals = live.read_fills(xs, list(cells))
        notes = live.info.get(name)
        entries: list[CellState] = []
        for rc, found in sorted(cells.items()):
            entries.append(_plan_cell(name, rc, found, originals.get(rc, UNKNOWN), notes))
        state.cells.extend(entries)
        plans.append((xs, cells, entries))
    # The record goes in before any cell changes: clear can undo a check that failed halfway.
    live.write_state(state)

    for xs, cells, entries in plans:
        live.paint(xs, {parse_address(e.cell): e.marked for e in entries})
        summary.cells_marked += len(entries)
        for e in entries:
            rc = parse_address(e.cell)
            if e.note == "added" and e.written_note is not None:
                if live.add_note(xs, rc, e.written_note, lines=note_lines(cells[rc])):
                    summary.notes_added += 1
            elif e.note == "merged" and e.written_note is not None:
                if live.set_note_text(xs, rc, e.written_note):
                    summary.notes_merged += 1
            elif e.note == "kept":
                summary.notes_kept += 1

    order = {s.name: i for i, s in enumerate(grid.sheets)}
    xs_summary = write_summary_sheet(live, state.summary_sheet, result.findings, order)
    summary.summary_sheet = state.summary_sheet
    live.calls["write.activate"] += 1
    xs_summary.activate()
    _cosmetic(live, "write.format", lambda: _freeze_header(live, xs_summary))
    return summary


def mark_targets(grid: Grid, findings: Sequence[Finding]) -> dict[str, dict[RC, list[Finding]]]:
    """The cells to mark, per sheet (in workbook order): cell -> its unexplained findings.

    A cell inside a merged area is marked at the area's top-left cell, as the file
    annotator does.
    """
    by_name = {s.name: s for s in grid.sheets}
    out: dict[str, dict[RC, list[Finding]]] = {}
    for f in findings:
        if not f.cell or f.explained or f.sheet not in by_name:
            continue
        r, c = parse_address(f.cell)
        mr = by_name[f.sheet].merged_at(r, c)
        if mr is not None:
            r, c = mr.min_row, mr.min_col
        out.setdefault(f.sheet, {}).setdefault((r, c), []).append(f)
    order = {s.name: i for i, s in enumerate(grid.sheets)}
    return dict(sorted(out.items(), key=lambda kv: order[kv[0]]))


def severity_fill(findings: Sequence[Finding]) -> str:
    """'#RRGGBB' of the most severe of ``findings``."""
    worst = max(findings, key=lambda f: f.severity.rank).severity
    return css_hex(FILL[worst]).upper()


def note_text(findings: Sequence[Finding], *, merged: bool = False) -> str:
    """The note text the file annotator writes for ``findings`` (with its separator if merged)."""
    _xml, texts = note_runs("", findings, merged=merged)
    return "".join(texts)


def _plan_cell(
    sheet: str, rc: RC, found: list[Finding], original: Fill, notes: SheetInfo | None
) -> CellState:
    entry = CellState(sheet=sheet, cell=address(*rc), fill=original, marked=severity_fill(found))
    existing = notes.notes if notes is not None else {}
    if rc not in existing:
        entry.note = "added"
        entry.written_note = note_text(found)
    elif existing[rc] is None:
        entry.note = "kept"  # a note we cannot read: never overwrite it
    else:
        entry.note = "merged"
        entry.original_note = existing[rc]
        entry.written_note = existing[rc] + note_text(found, merged=True)
    return entry


def no_forms_message(book_name: str, result: FileResult) -> str:
    """What a workbook without a recognised form is told: what each sheet was read as."""
    from budgetlint.inspect import to_text

    lines = [line.strip() for line in to_text(book_name, result.sheets).splitlines()[1:]]
    if not lines:
        lines = ["（工作簿中没有工作表）"]
    shown = lines[:MAX_LISTED_SHEETS]
    if len(lines) > MAX_LISTED_SHEETS:
        shown.append(f"……另有 {len(lines) - MAX_LISTED_SHEETS} 张工作表")
    return (
        f"在“{book_name}”中没有找到可识别的绩效自评表，未作标注。\n\n"
        "各工作表的识别情况：\n" + "\n".join(shown) + "\n\n"
        "若某张表确是自评表，请核对其表头标签（如“项目名称”“年度绩效指标”“分值”“得分”）。"
    )


# --- the 复核结果 sheet -------------------------------------------------------------------------


def summary_order(findings: Sequence[Finding], sheet_order: dict[str, int]) -> list[Finding]:
    """The rows of the summary, in the file annotator's order."""
    return sorted(
        findings,
        key=lambda f: (
            f.explained,
            -f.severity.rank,
            sheet_order.get(f.sheet, 1 << 30),
            *f.sort_key[2:],
        ),
    )


def summary_rows(
    findings: Sequence[Finding], sheet_order: dict[str, int], book_name: str, stamp: str
) -> tuple[list[list[Any]], list[Finding]]:
    """The values of the summary sheet from A1 (rows of 10) and the findings from row 9."""
    items = summary_order(findings, sheet_order)
    width = len(S.HEADERS)
    rows: list[list[Any]] = [[None] * width for _ in range(S.HEADER_ROW)]
    rows[0][0] = f"{S.SHEET_NAME}（共 {len(findings)} 条）"
    rows[1][0] = f"文件：{book_name}　复核时间：{stamp}　点击“单元格”列可跳转到对应单元格"
    counts = {
        sev: sum(1 for f in findings if f.severity is sev and not f.explained) for sev in Severity
    }
    explained = sum(1 for f in findings if f.explained)
    for i, (label, n) in enumerate(
        (
            (Severity.ERROR.label, counts[Severity.ERROR]),
            (Severity.WARNING.label, counts[Severity.WARNING]),
            (Severity.NOTE.label, counts[Severity.NOTE]),
            ("已说明", explained),
        )
    ):
        rows[2 + i][1] = label
        rows[2 + i][2] = n
    rows[S.HEADER_ROW - 1] = list(S.HEADERS)
    for i, f in enumerate(items, start=1):
        note = f"已说明：{f.explanation or ''}" if f.explained else ""
        rows.append(
            [
                i,
                f.sheet,
                f.cell or "（整表）",
                f.code,
                f.severity.label,
                f.message,
                f.expected or "",
                f.actual or "",
                f.computation or "",
                note,
            ]
        )
    if not items:
        rows.append(["未发现问题。", *([None] * (width - 1))])
    return rows, items


def link_formula(f: Finding) -> str:
    """``=HYPERLINK("#'表'!C5","C5")``: the summary's link to a finding's cell."""
    target = "#" + S.sheet_ref(f.sheet, f.cell or "A1")
    shown = f.cell or "（整表）"
    return f'=HYPERLINK("{_q(target)}","{_q(shown)}")'


def _q(text: str) -> str:
    return text.replace('"', '""')


def write_summary_sheet(
    live: LiveBook, name: str, findings: Sequence[Finding], sheet_order: dict[str, int]
) -> Any:
    """Add the 复核结果 sheet first in the workbook; about 25 calls whatever its length."""
    stamp = _dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    rows, items = summary_rows(findings, sheet_order, live.name, stamp)
    last = len(rows)
    xs = live.add_sheet(name, first=True)
    # Text stays text (a sheet named "2021", "1.00" or "=…" in a message are not numbers,
    # dates or formulas); 序号 and the 单元格 column (HYPERLINK formulas) keep General.
    _cosmetic(live, "write.format", lambda: _text_format(xs, last))
    live.write_values(xs, (1, 1), rows)
    if items:
        first = S.HEADER_ROW + 1
        live.calls["write.links"] += 1
        xs.range((first, 3), (first + len(items) - 1, 3)).formula = [
            [link_formula(f)] for f in items
        ]
    fills: dict[RC, Fill] = {(S.HEADER_ROW, c): "#" + S.HEADER_FILL[-6:] for c in range(1, 11)}
    for i, sev in enumerate((Severity.ERROR, Severity.WARNING, Severity.NOTE)):
        fills[(3 + i, 2)] = css_hex(FILL[sev]).upper()
    fills[(6, 2)] = "#" + S.EXPLAINED_FILL[-6:]
    for i, f in enumerate(items):
        fills[(S.HEADER_ROW + 1 + i, 5)] = (
            "#" + S.EXPLAINED_FILL[-6:] if f.explained else css_hex(FILL[f.severity]).upper()
        )
    _cosmetic(live, "write.fill", lambda: live.paint(xs, fills))
    _cosmetic(live, "write.format", lambda: _summary_format(live, xs, last, bool(items)))
    return xs


def _text_format(xs: Any, last: int) -> None:
    xs.range((1, 2), (last, 2)).number_format = "@"
    xs.range((1, 4), (last, len(S.HEADERS))).number_format = "@"


def _summary_format(live: LiveBook, xs: Any, last: int, has_items: bool) -> None:
    width = len(S.HEADERS)
    for i, w in enumerate(S.WIDTHS, start=1):
        live.calls["write.format"] += 1
        xs.range((1, i)).column_width = w
    live.calls["write.format"] += 6
    xs.range("A1").font.bold = True
    xs.range("A1").font.size = 14
    xs.range((3, 2), (6, 3)).font.bold = True
    xs.range((S.HEADER_ROW, 1), (S.HEADER_ROW, width)).font.bold = True
    if has_items:
        first = S.HEADER_ROW + 1
        xs.range((first, 3), (last, 3)).font.color = "#0563C1"
        xs.range((first, 1), (last, width)).wrap_text = True


def _freeze_header(live: LiveBook, xs: Any) -> None:
    """Keep the header row in view (the summary sheet is active by now)."""
    live.calls["write.format"] += 1
    try:
        xs.freeze_panes.freeze_at(f"A{S.HEADER_ROW + 1}")
        return
    except (AttributeError, NotImplementedError):
        pass  # the Windows engine has no FreezePanes: Excel's own window object does it
    window = live.book.app.api.ActiveWindow
    window.FreezePanes = False
    window.SplitColumn = 0
    window.SplitRow = S.HEADER_ROW
    window.FreezePanes = True


def _cosmetic(live: LiveBook, kind: str, fn: Callable[[], None]) -> None:
    """Formatting that an engine may lack: its failure is logged, never fatal."""
    try:
        fn()
    except Exception:
        log.info("%s: skipped (%s)", kind, live.engine, exc_info=True)


# --- clear -----------------------------------------------------------------------------------


def clear_book(book: xw.Book, *, live: LiveBook | None = None) -> ClearSummary:
    """Undo the last check: original fills and notes back, our sheets removed."""
    live = live or LiveBook(book)
    state = live.read_state()
    if state is None:
        return ClearSummary(found=False, calls=live.calls)
    with live.screen_frozen():
        return _clear(live, state)


def _clear(live: LiveBook, state: State) -> ClearSummary:
    out = ClearSummary(found=True, calls=live.calls)
    sheets = {xs.name: xs for xs in live.sheets()}
    by_sheet: dict[str, list[CellState]] = {}
    for e in state.cells:
        by_sheet.setdefault(e.sheet, []).append(e)
    for name, entries in by_sheet.items():
        xs = sheets.get(name)
        if xs is None:
            out.missing_sheets.append(name)
            continue
        cells = [parse_address(e.cell) for e in entries]
        current = live.read_fills(xs, cells)
        restore: dict[RC, Fill] = {}
        for e, rc in zip(entries, cells, strict=True):
            now = current.get(rc, UNKNOWN)
            if now != UNKNOWN and e.marked is not None and hex_fill(now) != e.marked.upper():
                out.cells_left += 1  # repainted by the user since: theirs now
                continue
            restore[rc] = e.fill
        live.paint(xs, restore)
        out.cells_restored += len(restore)
        for e, rc in zip(entries, cells, strict=True):
            if e.note == "added":
                out.notes_removed += _remove_added_note(live, xs, rc, e)
            elif e.note == "merged":
                out.notes_restored += _restore_merged_note(live, xs, rc, e)
    if state.summary_sheet and state.summary_sheet in sheets:
        xs = sheets[state.summary_sheet]
        live.calls["read.values"] += 1
        title = xs.range("A1").value
        if title is None or (isinstance(title, str) and title.startswith(S.SHEET_NAME)):
            live.delete_sheet(xs)
            out.summary_removed = True
    live.remove_state()
    if state.active_sheet:
        xs = live.sheet(state.active_sheet)
        if xs is not None:
            live.calls["write.activate"] += 1
            xs.activate()
    return out


def _remove_added_note(live: LiveBook, xs: Any, rc: RC, e: CellState) -> int:
    written = e.written_note or ""
    has, text = live.note_text(xs, rc) if live.caps.note_texts else (True, None)
    if not has:
        return 0
    if text is None or text == written:
        return int(live.delete_note(xs, rc))
    if written and written in text:
        rest = text.replace(written, "", 1).strip()
        if not rest:
            return int(live.delete_note(xs, rc))
        live.set_note_text(xs, rc, rest)
        return 1
    return 0  # the user rewrote the note: it is theirs now


def _restore_merged_note(live: LiveBook, xs: Any, rc: RC, e: CellState) -> int:
    original = e.original_note or ""
    written = e.written_note or ""
    ours = written[len(original) :] if written.startswith(original) else ""
    has, text = live.note_text(xs, rc) if live.caps.note_texts else (True, None)
    if not has:
        return 0
    if text is None or text == written:
        return int(live.set_note_text(xs, rc, original))
    if ours and ours in text:
        i = text.rfind(ours)
        return int(live.set_note_text(xs, rc, text[:i] + text[i + len(ours) :]))
    return 0


# --- recompute -------------------------------------------------------------------------------


def bl_cells(grid: Grid) -> list[tuple[str, int, int]]:
    """Every cell whose formula calls a BL_ function (our summary sheet excepted)."""
    out: list[tuple[str, int, int]] = []
    for sheet in grid.sheets:
        if sheet.name in grid.added_sheets:
            continue
        for (r, c), formula in sorted(sheet.formulas.items()):
            if _BL_CALL.search(formula):
                out.append((sheet.name, r, c))
    return out


def recompute_book(book: xw.Book, settings: Settings | None = None) -> Summary:
    """A full calculation by Excel, a check, and BL_ cells compared with budgetlint's values."""
    live = LiveBook(book)
    settings = _settings(live, settings)
    live.calculate_full()
    summary = check_book(book, settings, live=live)
    grid = summary.result.grid
    assert grid is not None
    cells = bl_cells(grid)
    summary.bl_cells = len(cells)
    problem = ""
    if cells:
        try:
            recalc = _recompute_bl(grid, cells, settings)
        except ImportError as e:
            problem = f"未核对 BL_ 公式：缺少重算所需的程序包（{e.name or e}）。"
        else:
            by_key = {p.key: p for p in recalc.problems}
            for key in cells:
                sheet, r, c = key
                if key in by_key or key in recalc.blocked:
                    why = by_key[key].message if key in by_key else "引用了无法重算的单元格"
                    summary.not_compared.append(f"{sheet}!{address(r, c)}：{why}")
                elif key in recalc.stale:
                    excel, ours = recalc.stale[key]
                    summary.mismatches.append(Mismatch(sheet, address(r, c), excel, ours))
    summary.message = recompute_message(summary, problem)
    return summary


def _recompute_bl(grid: Grid, cells: list[tuple[str, int, int]], settings: Settings) -> Recalc:
    from budgetlint import udfs
    from budgetlint.recompute import recompute_grid

    before = udfs.current_settings()
    udfs.configure(settings)  # the functions read the workbook's settings, as the UDFs should
    try:
        return recompute_grid(grid, settings, cells=cells)
    finally:
        udfs.configure(before)


def recompute_message(summary: Summary, problem: str = "") -> str:
    lines: list[str] = []
    if summary.forms:
        c = summary.result.counts()
        counts = "，".join(f"{sev.label} {c[sev]}" for sev in Severity)
        lines.append(
            f"已请 Excel 完全重算并复核 {summary.forms} 张自评表：{counts}"
            f"（详见“{summary.summary_sheet}”工作表）。"
        )
    else:
        lines.append("已请 Excel 完全重算。" + (summary.message and "\n\n" + summary.message))
    if problem:
        lines.append(problem)
    elif not summary.bl_cells:
        lines.append("工作簿中没有使用 BL_ 函数的公式，无需核对。")
    elif not summary.mismatches:
        ok = summary.bl_cells - len(summary.not_compared)
        lines.append(
            f"使用 BL_ 函数的公式 {summary.bl_cells} 个：{ok} 个与 budgetlint 的重算一致。"
        )
    else:
        lines.append(
            f"使用 BL_ 函数的公式 {summary.bl_cells} 个，其中 {len(summary.mismatches)} 个"
            "与 budgetlint 的重算不一致（加载项的函数未加载时显示 #NAME?；"
            "也可能是加载项的 budgetlint 版本或设置不同）："
        )
        lines.extend("  " + m.line() for m in summary.mismatches[:MAX_LISTED_CELLS])
        if len(summary.mismatches) > MAX_LISTED_CELLS:
            lines.append(f"  ……另有 {len(summary.mismatches) - MAX_LISTED_CELLS} 个")
    if summary.not_compared and not problem:
        lines.append(f"无法核对 {len(summary.not_compared)} 个：")
        lines.extend("  " + t for t in summary.not_compared[:MAX_LISTED_CELLS])
    return "\n".join(lines)


# --- export and about --------------------------------------------------------------------------


def report_path(live: LiveBook) -> Path:
    """``<folder>/<workbook name>.复核报告.html``; AddinError for a workbook never saved."""
    folder = live.folder()
    if folder is None:
        raise AddinError("工作簿尚未保存，无法确定报告的保存位置。请先保存工作簿，再导出报告。")
    return folder / (Path(live.fullname).stem + REPORT_SUFFIX)


def export_report_book(
    book: xw.Book, path: str | Path | None = None, settings: Settings | None = None
) -> Path:
    """Check ``book`` and write the report (.html, .htm, .json or .xlsx by ``path``'s suffix).

    ``path`` defaults to :func:`report_path`.  The workbook is not changed.
    """
    from budgetlint.report import check_report_path, write_report

    live = LiveBook(book)
    settings = _settings(live, settings)
    target = Path(path) if path is not None else report_path(live)
    check_report_path(target)
    grid = live.read_grid()
    result = check_grid(grid, settings)
    link_projects(result, result.projects, settings)  # the workbook alone: nothing else comes
    try:
        return write_report(target, BatchResult(files=[result]))
    except OSError as e:
        raise AddinError(f"无法写出报告 {target}：{e.strerror or e}") from e


def about_text(book: xw.Book | None = None) -> str:
    """Version, settings file in use, xlwings version and engine, log file."""
    lines = [f"budgetlint {__version__}（预算绩效自评表复核）"]
    live = LiveBook(book) if book is not None else None
    if live is not None:
        lines.append(f"工作簿：{live.fullname}")
        try:
            settings = load_settings(live)
        except SettingsError as e:
            lines.append(f"设置文件有误：{e}")
        else:
            if settings.source:
                lines.append(f"设置文件：{settings.source}")
            elif live.folder() is None:
                lines.append("设置文件：无（工作簿尚未保存，使用默认设置）")
            else:
                lines.append(
                    "设置文件：无（工作簿所在文件夹及其上级文件夹中没有 budgetlint.toml，使用默认设置）"
                )
    try:
        import xlwings

        engine = f"，引擎 {live.engine}" if live is not None and live.engine else ""
        lines.append(f"xlwings {xlwings.__version__}{engine}")
    except ImportError:
        lines.append("xlwings：未安装")
    lines.append(f"Python {sys.version.split()[0]}")
    lines.append(f"日志文件：{LOG_PATH}")
    return "\n".join(lines)


# --- entry points --------------------------------------------------------------------------------


def check() -> None:
    """Ribbon 复核: check the calling workbook, mark it, show the 复核结果 sheet."""
    _entry("复核", lambda book: check_book(book).message)


def recompute() -> None:
    """Ribbon 重算并复核: Excel's full calculation, then check and compare the BL_ cells."""
    _entry("重算并复核", lambda book: recompute_book(book).message)


def clear() -> None:
    """Ribbon 清除标注: restore what the last check changed."""

    _entry("清除标注", lambda book: clear_book(book).message())


def export_report() -> None:
    """Ribbon 导出报告: an HTML report beside the workbook; its path is shown."""
    _entry("导出报告", lambda book: f"复核报告已保存到：\n{export_report_book(book)}")


def about() -> None:
    """Ribbon 关于."""
    _entry("关于", about_text)


def error_message(action: str, e: BaseException) -> str:
    """The message box for an exception: Chinese, no traceback."""
    if isinstance(e, AddinError):
        return str(e)
    if isinstance(e, SettingsError):
        return f"设置文件有误，未能{action}：\n{e}"
    if isinstance(e, ReadError):
        return f"无法读取工作簿，未能{action}：\n{e}"
    text = str(e).strip() or type(e).__name__
    return (
        f"{action}时出错：{text}\n\n"
        "工作表或工作簿受保护、单元格正在编辑时都可能如此。\n"
        f"详细信息已写入日志：{LOG_PATH}"
    )


def _entry(action: str, run: Callable[[xw.Book], str]) -> None:
    """Find the calling book, run, and show the outcome (or the error) in a message box."""
    _log_to_file()
    try:
        import xlwings as xw
    except ImportError:  # pragma: no cover - RunPython cannot call us without xlwings
        print(f"budgetlint: {action}需要 xlwings", file=sys.stderr)
        return
    try:
        book = xw.Book.caller()
    except Exception:
        log.exception("%s: no calling workbook", action)
        print(f"budgetlint: {action}：找不到调用的工作簿", file=sys.stderr)
        return
    try:
        message = run(book)
    except Exception as e:
        log.exception("%s failed on %s", action, _book_name(book))
        _alert(book, error_message(action, e), critical=True)
        return
    if message:
        _alert(book, message)


def _alert(book: xw.Book, message: str, *, critical: bool = False) -> None:
    try:
        book.app.alert(message, title=TITLE, mode="critical" if critical else "info")
    except Exception:
        log.exception("could not show a message box: %s", message)


def _book_name(book: Any) -> str:
    try:
        return str(book.name)
    except Exception:
        return "?"


_log_handler: logging.Handler | None = None


def _log_to_file() -> None:
    """Log budgetlint's messages (with tracebacks) to LOG_PATH, once per process."""
    global _log_handler
    if _log_handler is not None:
        return
    try:
        handler = logging.FileHandler(LOG_PATH, encoding="utf-8", delay=True)
    except OSError:
        return
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    handler.setLevel(logging.INFO)
    log.addHandler(handler)
    if log.level == logging.NOTSET or log.level > logging.INFO:
        log.setLevel(logging.INFO)
    _log_handler = handler


__all__ = [
    "AddinError",
    "ClearSummary",
    "Mismatch",
    "Summary",
    "about",
    "about_text",
    "check",
    "check_book",
    "clear",
    "clear_book",
    "export_report",
    "export_report_book",
    "recompute",
    "recompute_book",
]
