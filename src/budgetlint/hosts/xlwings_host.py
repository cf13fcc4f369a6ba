"""Live Excel through xlwings: a workbook's sheets into a grid, highlights and notes back.

This is the host of the Excel add-in (:mod:`budgetlint.addin`).  It only reads
and writes; everything between reading cells and producing findings is
:func:`budgetlint.checker.check_grid`.  xlwings is never imported here: every
function takes the ``xlwings.Book`` / ``xlwings.Sheet`` objects it works on, so
the module imports (and its pure parts are tested) anywhere.

**Reading** (:meth:`LiveBook.read_grid`).  Desktop Excel on Windows, with an
.xlsx/.xlsm workbook (or one never saved): one call, ``Workbook.SaveCopyAs`` to a
temporary file, read by the file reader every command uses
(:func:`budgetlint.hosts.read_workbook`), so the live check sees exactly what
``budgetlint check`` sees of the same workbook, unsaved edits included.  Other
engines and formats are read live, in tens of calls per sheet (not one per
cell):

- the used range's address (1 call), its values and formulas (1 call each per
  band of at most :data:`BAND_CELLS` cells: one band for any real form);
- number formats only where the checker uses them, on number cells: the whole
  used range first (1 call: one format everywhere), else each rectangle of
  number cells (:func:`number_blocks`: a fund block, a column of scores), halved
  where Excel reports mixed formats (``NumberFormat`` of a mixed range is Null);
- merged areas: ``MergeCells`` of the used range (1 call: none), else
  ``MergeArea`` of each cell that can anchor a merged area (a value with an
  empty right or lower neighbour: about 30 on a form, half of them merged);
  above :data:`MERGE_ONE_BY_ONE` such cells (a long table) a bisection first,
  each part skipped when Excel says it holds no merged cell;
- notes: one call per existing note (its cell and text), only on sheets that
  have notes.

On the 15-sheet seed workbook the live reader makes per sheet about 2 calls for
values and formulas, 16 for number formats and 33 for merged areas.

**Writing** fills one call per colour and sheet: a union address
(``sheet.range("C5,E7:F7").color = …``), cut into addresses of at most 255
characters (Excel's limit for a range address); an engine without union
ranges (the remote engine of xlwings Server and Lite) gets one
``Range.set_colors`` matrix per sheet instead (``...`` leaves a cell as it
is).  Notes have no batch API: one call per flagged cell.  Original fills are
read the same way (one call for a union of cells that share a fill, halved
where Excel reports mixed fills).

**State** that :func:`budgetlint.addin.clear_book` needs (original fills and
notes, the summary sheet's name) is kept in the workbook itself, so it survives
a save, a close and a reopen: a very hidden sheet :data:`STATE_SHEET` (not
listed by Excel's 取消隐藏 dialog) whose column A holds the JSON record in
chunks (:class:`State`).

**Feature detection.** A property an engine does not have raises
``NotImplementedError`` in xlwings (the remote engine reads neither formulas,
number formats, merged areas, fills nor note texts synchronously, and adds
notes only for an Office.js client): the reader then goes on without it, once
per book (:class:`Capabilities` records what was missing), and the checker
works on what it got.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import json
import logging
import shutil
import sys
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from budgetlint.grid import Grid, MergedRange, Sheet, address, parse_address
from budgetlint.hosts import Limits, ReadError

if TYPE_CHECKING:
    import xlwings as xw

log = logging.getLogger("budgetlint")

#: The very hidden sheet that keeps what a check changed (see :class:`State`).
STATE_SHEET = "_budgetlint_state"
#: What the state sheet's A1 says to a user who unhides it.
STATE_TITLE = "budgetlint 复核标注的记录（“清除标注”按此恢复原有填充色和批注），请勿修改或删除"
#: Each chunk of the state's JSON starts with this (so Excel never reads it as a number).
STATE_PREFIX = "BL:"
#: UTF-16 code units of JSON per state cell (Excel holds at most 32767 in a cell).
STATE_CHUNK = 30000
STATE_FORMAT = "budgetlint-live"
STATE_VERSION = 1
#: Excel's limit on the length of a range address string.
MAX_ADDRESS = 255
#: Values and formulas are read in bands of at most this many cells per call.
BAND_CELLS = 250_000
#: Up to this many possible anchors, each is asked for its merged area; above, halving first.
MERGE_ONE_BY_ONE = 64
#: ``Range.set_colors`` takes at most this many cells per call.
SET_COLORS_CELLS = 10_000
#: ``Worksheet.Visible`` for a very hidden sheet (xlSheetVeryHidden).
XL_SHEET_VERY_HIDDEN = 2
XL_SHEET_VISIBLE = -1

#: Workbook.FileFormat -> the suffix of a copy the file reader reads in full (xlOpenXMLWorkbook,
#: xlOpenXMLWorkbookMacroEnabled).
SNAPSHOT_SUFFIXES = {51: ".xlsx", 52: ".xlsm"}

#: A fill the engine could not read: clear restores "no fill" there.
UNKNOWN = "?"

RC = tuple[int, int]
#: A fill as '#RRGGBB', None for no fill, or :data:`UNKNOWN`.
Fill = str | None


# --- capabilities and call counting ---------------------------------------------------------


@dataclass
class Capabilities:
    """What the engine behind a book can do; a False is learnt from a NotImplementedError."""

    formulas: bool = True
    number_formats: bool = True
    merged: bool = True
    read_fills: bool = True
    note_texts: bool = True
    notes: bool = True
    #: Union ranges (``"A1,C5"``) are real multi-area ranges (probed once per book).
    unions: bool | None = None
    set_colors: bool = True

    def missing(self) -> list[str]:
        """What this engine could not do, in Chinese (for the about box and logs)."""
        names = {
            "formulas": "读取公式",
            "number_formats": "读取数字格式",
            "merged": "读取合并单元格",
            "read_fills": "读取原有填充色",
            "note_texts": "读取批注内容",
            "notes": "添加批注",
        }
        return [text for key, text in names.items() if not getattr(self, key)]


def _not_implemented(e: BaseException) -> bool:
    return isinstance(e, NotImplementedError)


# --- address helpers (pure) ---------------------------------------------------------------


def parse_range(ref: str) -> MergedRange:
    """'$B$2:$D$4' (or 'B2', or 'Sheet1!B2:D4') -> MergedRange(2, 2, 4, 4)."""
    ref = ref.rsplit("!", 1)[-1].replace("$", "")
    first, _, last = ref.partition(":")
    r1, c1 = parse_address(first)
    r2, c2 = parse_address(last) if last else (r1, c1)
    return MergedRange(min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2))


def compact_addresses(cells: Iterable[RC]) -> list[str]:
    """Cells as short A1 pieces: runs of adjacent cells in a row become 'C5:E5'."""
    out: list[str] = []
    run: list[RC] = []
    for r, c in sorted(set(cells)):
        if run and r == run[-1][0] and c == run[-1][1] + 1:
            run.append((r, c))
            continue
        if run:
            out.append(_run_address(run))
        run = [(r, c)]
    if run:
        out.append(_run_address(run))
    return out


def _run_address(run: list[RC]) -> str:
    (r, c1), (_, c2) = run[0], run[-1]
    return address(r, c1) if c1 == c2 else f"{address(r, c1)}:{address(r, c2)}"


def union_chunks(cells: Iterable[RC], limit: int = MAX_ADDRESS) -> list[str]:
    """Union addresses ('A1,C5:E5,…') of ``cells``, each at most ``limit`` characters."""
    chunks: list[str] = []
    current = ""
    for piece in compact_addresses(cells):
        candidate = f"{current},{piece}" if current else piece
        if len(candidate) > limit and current:
            chunks.append(current)
            current = piece
        else:
            current = candidate
    if current:
        chunks.append(current)
    return chunks


def hex_fill(color: Any) -> str | None:
    """An xlwings colour (RGB tuple, '#rrggbb', int BGR) as '#RRGGBB'; None stays None."""
    if color is None:
        return None
    if isinstance(color, str):
        text = color if color.startswith("#") else f"#{color}"
        return text.upper()
    if isinstance(color, int) and not isinstance(color, bool):
        r, g, b = color & 0xFF, (color >> 8) & 0xFF, (color >> 16) & 0xFF
        return f"#{r:02X}{g:02X}{b:02X}"
    r, g, b = color
    return f"#{int(r):02X}{int(g):02X}{int(b):02X}"


def cell_value(v: Any) -> Any:
    """A value as xlwings returns it, as the grid holds it (what the calamine host gives).

    Whole floats become ``int`` (Excel stores every number as a double; a file
    stores ``30`` as an integer literal), dates become ``2021年3月4日`` text, other
    non-scalars text.
    """
    if isinstance(v, bool) or v is None or isinstance(v, (str, int)):
        return v
    if isinstance(v, float):
        if v.is_integer() and abs(v) < 2**53:
            return int(v)
        return v
    if isinstance(v, (_dt.datetime, _dt.date)):
        return f"{v.year}年{v.month}月{v.day}日"
    return str(v)


def _rows2d(value: Any) -> list[list[Any]]:
    """A range's value or formula (a scalar, a row, or rows) as rows."""
    if isinstance(value, (list, tuple)):
        if value and isinstance(value[0], (list, tuple)):
            return [list(row) for row in value]
        return [list(value)]
    return [[value]]


def number_blocks(cells: Iterable[RC]) -> list[MergedRange]:
    """Rectangles made only of ``cells``: each column's runs of consecutive rows, runs of
    the same rows in adjacent columns joined (a fund block C5:E8 is one rectangle)."""
    by_col: dict[int, list[int]] = {}
    for r, c in cells:
        by_col.setdefault(c, []).append(r)
    spans: dict[tuple[int, int], list[int]] = {}
    for c, rows in sorted(by_col.items()):
        rows.sort()
        start = prev = rows[0]
        for r in rows[1:]:
            if r != prev + 1:
                spans.setdefault((start, prev), []).append(c)
                start = r
            prev = r
        spans.setdefault((start, prev), []).append(c)
    out: list[MergedRange] = []
    for (r1, r2), cols in spans.items():
        first = last = cols[0]
        for c in cols[1:]:
            if c != last + 1:
                out.append(MergedRange(r1, first, r2, last))
                first = c
            last = c
        out.append(MergedRange(r1, first, r2, last))
    return sorted(out, key=lambda m: (m.min_row, m.min_col))


def _halves(box: MergedRange) -> tuple[MergedRange, MergedRange]:
    """``box`` cut in two across its longer side."""
    if box.max_row - box.min_row >= box.max_col - box.min_col:
        mid = (box.min_row + box.max_row) // 2
        return (
            MergedRange(box.min_row, box.min_col, mid, box.max_col),
            MergedRange(mid + 1, box.min_col, box.max_row, box.max_col),
        )
    mid = (box.min_col + box.max_col) // 2
    return (
        MergedRange(box.min_row, box.min_col, box.max_row, mid),
        MergedRange(box.min_row, mid + 1, box.max_row, box.max_col),
    )


# --- the state record -----------------------------------------------------------------------


@dataclass
class CellState:
    """One cell a check changed, and what was there before."""

    sheet: str
    cell: str
    #: The fill before the check: '#RRGGBB', None (no fill) or UNKNOWN.
    fill: Fill
    #: The fill the check set.
    marked: str | None = None
    #: "added" (the cell had no note), "merged" (ours appended to the user's note),
    #: "kept" (the cell's note could not be read, so it was left alone) or None.
    note: str | None = None
    #: The user's note before the check (for "merged").
    original_note: str | None = None
    #: The note text the check wrote (the whole text, for "merged").
    written_note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"sheet": self.sheet, "cell": self.cell, "fill": self.fill}
        for key in ("marked", "note", "original_note", "written_note"):
            v = getattr(self, key)
            if v is not None:
                d[key] = v
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> CellState:
        return cls(
            sheet=str(d["sheet"]),
            cell=str(d["cell"]),
            fill=d.get("fill"),
            marked=d.get("marked"),
            note=d.get("note"),
            original_note=d.get("original_note"),
            written_note=d.get("written_note"),
        )


@dataclass
class State:
    """What :func:`budgetlint.addin.check_book` changed, kept in the workbook for clear."""

    summary_sheet: str | None = None
    #: The sheet that was active before the check (clear activates it again).
    active_sheet: str | None = None
    created: str = ""
    cells: list[CellState] = field(default_factory=list)

    def to_json(self) -> str:
        return json.dumps(
            {
                "format": STATE_FORMAT,
                "version": STATE_VERSION,
                "created": self.created,
                "summary_sheet": self.summary_sheet,
                "active_sheet": self.active_sheet,
                "cells": [c.to_dict() for c in self.cells],
            },
            ensure_ascii=False,
            separators=(",", ":"),
        )

    @classmethod
    def from_json(cls, text: str) -> State:
        d = json.loads(text)
        if not isinstance(d, dict) or d.get("format") != STATE_FORMAT:
            raise ValueError("not a budgetlint state record")
        if int(d.get("version", 0)) > STATE_VERSION:
            raise ValueError(f"state record version {d.get('version')} is newer than this one")
        return cls(
            summary_sheet=d.get("summary_sheet"),
            active_sheet=d.get("active_sheet"),
            created=str(d.get("created", "")),
            cells=[CellState.from_dict(c) for c in d.get("cells", [])],
        )

    def cells_column(self) -> list[list[str]]:
        """The state sheet's column A: the title, then the JSON in prefixed chunks."""
        return [[STATE_TITLE]] + [[STATE_PREFIX + chunk] for chunk in _chunks(self.to_json())]

    @classmethod
    def from_column(cls, values: Sequence[Any]) -> State:
        chunks = [
            v[len(STATE_PREFIX) :]
            for v in values
            if isinstance(v, str) and v.startswith(STATE_PREFIX)
        ]
        if not chunks:
            raise ValueError("the state sheet holds no record")
        return cls.from_json("".join(chunks))


def _chunks(text: str, limit: int = STATE_CHUNK) -> list[str]:
    """``text`` cut into pieces of at most ``limit`` UTF-16 code units (Excel's cell length)."""
    if not text or max(text) < "\U00010000":
        return [text[i : i + limit] for i in range(0, len(text), limit)]
    out: list[str] = []
    start = units = 0
    for i, ch in enumerate(text):
        n = 2 if ch >= "\U00010000" else 1
        if units + n > limit:
            out.append(text[start:i])
            start, units = i, 0
        units += n
    out.append(text[start:])
    return out


# --- the live book ------------------------------------------------------------------------------


@dataclass
class SheetInfo:
    """What the reader learnt about one sheet beyond the grid."""

    #: Cells that carry a note -> its text (None where the engine cannot read it).
    notes: dict[RC, str | None] = field(default_factory=dict)


class LiveBook:
    """One open workbook: reads it into a grid and writes highlights, notes and sheets.

    ``calls`` counts the calls made to Excel by kind (``read.values``,
    ``write.fill`` …): what a check costs in Excel time.
    """

    def __init__(
        self, book: xw.Book, limits: Limits | None = None, *, snapshot: bool | None = None
    ) -> None:
        self.book = book
        self.limits = limits or Limits()
        #: Read through a saved copy (SaveCopyAs) when the engine allows: None = when on
        #: desktop Excel for Windows.
        self.snapshot = snapshot
        self.calls: Counter[str] = Counter()
        self.caps = Capabilities()
        self.info: dict[str, SheetInfo] = {}
        try:
            self.engine = str(book.app.engine.name)
        except Exception:  # pragma: no cover - an engine without a name
            self.engine = ""
        if self.engine == "remote":
            # The remote engine parses "A1,C5" as A1: never probe it with a union.
            self.caps.unions = False

    # -- names and sheets ------------------------------------------------------------------

    @property
    def name(self) -> str:
        return str(self.book.name)

    @property
    def fullname(self) -> str:
        self.calls["book"] += 1
        return str(self.book.fullname)

    def folder(self) -> Path | None:
        """The folder the workbook is saved in; None for a book never saved (or remote)."""
        full = Path(self.fullname)
        if not full.is_absolute() or full.parent == full:
            return None
        return full.parent if full.parent.is_dir() else None

    def sheets(self) -> list[xw.Sheet]:
        self.calls["book.sheets"] += 1
        return list(self.book.sheets)

    def sheet(self, name: str) -> xw.Sheet | None:
        for xs in self.sheets():
            if xs.name == name:
                return xs
        folded = name.casefold()
        for xs in self.sheets():
            if xs.name.casefold() == folded:
                return xs
        return None

    def active_sheet(self) -> str | None:
        try:
            self.calls["book"] += 1
            return str(self.book.sheets.active.name)
        except Exception:
            return None

    # -- reading ------------------------------------------------------------------------------

    def read_grid(self, state: State | None = None) -> Grid:
        """Every worksheet but the state sheet, in workbook order.

        ``state`` (read with :meth:`read_state` when not given) names the summary
        sheet a check added: it goes into ``Grid.added_sheets``, so the checker
        skips it.
        """
        if state is None:
            state = self.read_state()
        grid = self._read_snapshot() if self._snapshot_wanted() else None
        if grid is None:
            grid = self._read_live()
        if state is not None and state.summary_sheet:
            names = {s.name for s in grid.sheets}
            if state.summary_sheet in names:
                grid.added_sheets.add(state.summary_sheet)
        return grid

    def _read_live(self) -> Grid:
        grid = Grid(path=self.fullname)
        sheets = [xs for xs in self.sheets() if xs.name != STATE_SHEET]
        if len(sheets) > self.limits.max_sheets:
            raise ReadError(
                f"{self.name}: 共有 {len(sheets)} 张工作表，超过上限 {self.limits.max_sheets}"
                "（设置项 max_sheets），未读取"
            )
        for xs in sheets:
            grid.sheets.append(self.read_sheet(xs))
        return grid

    # the snapshot ------------------------------------------------------------------------------

    def _snapshot_wanted(self) -> bool:
        if self.snapshot is not None:
            return self.snapshot
        return self.engine == "excel" and sys.platform.startswith("win")

    def _read_snapshot(self) -> Grid | None:
        """The grid of a copy of the workbook as it is now (unsaved edits included).

        One call: ``Workbook.SaveCopyAs`` writes the copy (the open workbook keeps its
        name, path and unsaved state; events are off meanwhile, so no BeforeSave
        macro runs), and the file reader every other command uses reads it: values,
        formulas, number formats, merged areas and notes as ``budgetlint check`` sees
        them.  Only .xlsx and .xlsm books (or books never saved, which Excel saves as
        .xlsx): the file reader gets no formats or notes from .xls and .xlsb, which
        are read live.  None (and the live reader) when the copy cannot be made.
        """
        suffix = SNAPSHOT_SUFFIXES.get(self._file_format())
        if suffix is None:
            return None
        from budgetlint.hosts import read_workbook

        folder = Path(tempfile.mkdtemp(prefix="budgetlint-"))
        path = folder / f"snapshot{suffix}"
        try:
            try:
                self._save_copy(path)
            except Exception:
                log.info("SaveCopyAs failed: reading %s live", self.name, exc_info=True)
                return None
            try:
                grid = read_workbook(path, self.limits)
            except ReadError as e:
                raise ReadError(str(e).replace(str(path), self.name)) from None
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        grid.path = self.fullname
        grid.sheets = [s for s in grid.sheets if s.name != STATE_SHEET]
        self.info = {s.name: SheetInfo(notes=dict(s.notes)) for s in grid.sheets}
        return grid

    def _file_format(self) -> int | None:
        try:
            self.calls["book"] += 1
            return int(self.book.api.FileFormat)
        except Exception:
            return None

    def _save_copy(self, path: Path) -> None:
        app = self.book.app.api
        self.calls["read.snapshot"] += 1
        try:
            events = app.EnableEvents
            app.EnableEvents = False
        except Exception:
            events = None
        try:
            self.book.api.SaveCopyAs(str(path))
        finally:
            if events is not None:
                app.EnableEvents = events

    # the live reader ---------------------------------------------------------------------------

    def read_sheet(self, xs: xw.Sheet) -> Sheet:
        """One sheet into the grid: values and formulas in bulk, formats, merges, notes."""
        sheet = Sheet(name=xs.name)
        info = SheetInfo()
        self.info[sheet.name] = info
        self.calls["read.used_range"] += 1
        used = parse_range(xs.used_range.address)
        self._read_cells(xs, sheet, used)
        if sheet.cells:
            self._read_formats(xs, sheet, used)
            self._read_merged(xs, sheet, used)
        self._read_notes(xs, sheet, info)
        return sheet

    def _read_cells(self, xs: xw.Sheet, sheet: Sheet, used: MergedRange) -> None:
        width = used.max_col - used.min_col + 1
        band = max(1, BAND_CELLS // width)
        lim = self.limits
        count = 0
        for top in range(used.min_row, used.max_row + 1, band):
            bottom = min(top + band - 1, used.max_row)
            rng = xs.range((top, used.min_col), (bottom, used.max_col))
            self.calls["read.values"] += 1
            values = _rows2d(rng.options(ndim=2, err_to_str=True).value)
            formulas: list[list[Any]] | None = None
            if self.caps.formulas:
                try:
                    self.calls["read.formulas"] += 1
                    formulas = _rows2d(rng.formula)
                except NotImplementedError:
                    self.caps.formulas = False
                    log.info("engine %s reads no formulas", self.engine)
            for i, row in enumerate(values):
                r = top + i
                for j, raw in enumerate(row):
                    c = used.min_col + j
                    f = None
                    if formulas is not None and i < len(formulas) and j < len(formulas[i]):
                        ft = formulas[i][j]
                        if isinstance(ft, str) and ft.startswith("="):
                            f = ft
                    v = cell_value(raw)
                    if f is not None:
                        sheet.formulas[(r, c)] = f
                        if v is None:
                            v = ""  # an empty text result: live Excel has a value for every formula
                    if v is None or (v == "" and f is None):
                        continue
                    if isinstance(v, str) and len(v) > lim.max_cell_chars:
                        raise ReadError(
                            f"{self.name}: 工作表“{sheet.name}”单元格 {address(r, c)} 有 {len(v)} 个字符，"
                            f"超过上限 {lim.max_cell_chars}（设置项 max_cell_chars），未读取"
                        )
                    count += 1
                    if count > lim.max_cells_per_sheet:
                        raise ReadError(
                            f"{self.name}: 工作表“{sheet.name}”的单元格超过 {lim.max_cells_per_sheet} 个"
                            "（设置项 max_cells_per_sheet），未读取"
                        )
                    sheet.cells[(r, c)] = v

    # number formats --------------------------------------------------------------------------

    def _format_of(self, xs: xw.Sheet, box: MergedRange) -> str | None:
        """The number format of a range; None when its cells differ (Excel's Null)."""
        self.calls["read.formats"] += 1
        value = xs.range((box.min_row, box.min_col), (box.max_row, box.max_col)).number_format
        return value if isinstance(value, str) else None

    def _read_formats(self, xs: xw.Sheet, sheet: Sheet, used: MergedRange) -> None:
        if not self.caps.number_formats:
            return
        numbers = [
            rc
            for rc, v in sheet.cells.items()
            if isinstance(v, (int, float)) and not isinstance(v, bool)
        ]
        if not numbers:
            return
        try:
            whole = self._format_of(xs, used)
        except NotImplementedError:
            self.caps.number_formats = False
            log.info("engine %s reads no number formats", self.engine)
            return
        if whole is not None:
            if whole != "General":
                for rc in numbers:
                    sheet.formats[rc] = whole
            return
        for block in number_blocks(numbers):
            self._bisect_formats(xs, sheet, block)

    def _bisect_formats(self, xs: xw.Sheet, sheet: Sheet, box: MergedRange) -> None:
        fmt = self._format_of(xs, box)
        single = (box.min_row, box.min_col) == (box.max_row, box.max_col)
        if fmt is None and not single:
            for half in _halves(box):
                self._bisect_formats(xs, sheet, half)
            return
        if fmt and fmt != "General":
            for r in range(box.min_row, box.max_row + 1):
                for c in range(box.min_col, box.max_col + 1):
                    if (r, c) in sheet.cells:
                        sheet.formats[(r, c)] = fmt

    # merged areas ----------------------------------------------------------------------------

    def _merge_cells(self, xs: xw.Sheet, box: MergedRange) -> bool | None:
        """True: all cells merged, False: none, None: some (Excel's Null)."""
        self.calls["read.merged"] += 1
        v = xs.range((box.min_row, box.min_col), (box.max_row, box.max_col)).merge_cells
        return v if isinstance(v, bool) else None

    def _read_merged(self, xs: xw.Sheet, sheet: Sheet, used: MergedRange) -> None:
        if not self.caps.merged:
            return
        try:
            if self._merge_cells(xs, used) is False:
                return
        except NotImplementedError:
            self.caps.merged = False
            log.info("engine %s reads no merged areas", self.engine)
            return
        cells = sheet.cells

        def inside(rc: RC) -> bool:
            return used.min_row <= rc[0] <= used.max_row and used.min_col <= rc[1] <= used.max_col

        anchors = [
            (r, c)
            for (r, c), v in cells.items()
            if not _blank(v)
            and (
                (inside((r, c + 1)) and (r, c + 1) not in cells)
                or (inside((r + 1, c)) and (r + 1, c) not in cells)
            )
        ]
        found: list[MergedRange] = []
        self._bisect_merged(xs, sorted(anchors), found)
        sheet.merged = sorted(set(found), key=lambda m: (m.min_row, m.min_col))
        for mr in sheet.merged:
            top = (mr.min_row, mr.min_col)
            for rc in [k for k in cells if k != top and k in mr]:
                del cells[rc]

    def _bisect_merged(self, xs: xw.Sheet, anchors: list[RC], found: list[MergedRange]) -> None:
        anchors = [a for a in anchors if not any(a in m for m in found)]
        if not anchors:
            return
        box = MergedRange(
            min(r for r, _ in anchors),
            min(c for _, c in anchors),
            max(r for r, _ in anchors),
            max(c for _, c in anchors),
        )
        if len(anchors) <= MERGE_ONE_BY_ONE:
            # Few anchors (a form's ~30, half of them merged): asking each for its merged
            # area is cheaper than halving, where most parts hold a merged cell anyway.
            for r, c in anchors:
                if any((r, c) in m for m in found):
                    continue
                self.calls["read.merged"] += 1
                area = parse_range(xs.range((r, c)).merge_area.address)
                if (area.min_row, area.min_col) != (area.max_row, area.max_col):
                    found.append(area)
            return
        if self._merge_cells(xs, box) is False:
            return
        rows = box.max_row - box.min_row
        cols = box.max_col - box.min_col
        key: Callable[[RC], tuple[int, int]] = (
            (lambda a: (a[0], a[1])) if rows >= cols else (lambda a: (a[1], a[0]))
        )
        ordered = sorted(anchors, key=key)
        mid = len(ordered) // 2
        self._bisect_merged(xs, ordered[:mid], found)
        self._bisect_merged(xs, ordered[mid:], found)

    # notes -----------------------------------------------------------------------------------

    def _read_notes(self, xs: xw.Sheet, sheet: Sheet, info: SheetInfo) -> None:
        found: list[tuple[RC, Any]] = []
        api = _payload(xs)
        if api is not None:
            # The remote engine: the payload lists the cells with a note, not their text.
            for entry in api.get("notes") or []:
                try:
                    found.append((parse_address(str(entry["address"]).replace("$", "")), None))
                except (KeyError, ValueError):
                    continue
        else:
            try:
                self.calls["read.notes"] += 1
                notes = list(xs.notes)
            except NotImplementedError:
                self.caps.note_texts = False
                return
            for note in notes:
                try:
                    self.calls["read.notes"] += 1
                    found.append((parse_address(note.location.address.replace("$", "")), note))
                except (NotImplementedError, ValueError):
                    continue
        for rc, note in found:
            text: str | None = None
            if self.caps.note_texts:
                try:
                    if note is None:
                        self.calls["read.notes"] += 1
                        note = xs.range(rc).note
                    if note is not None:
                        self.calls["read.notes"] += 1
                        text = _note_text(note.text)
                except NotImplementedError:
                    self.caps.note_texts = False
                    log.info("engine %s reads no note texts", self.engine)
            info.notes[rc] = text
            if text is not None:
                sheet.notes[rc] = text

    # fills -----------------------------------------------------------------------------------

    def unions(self, xs: xw.Sheet) -> bool:
        """Whether a union address is a real multi-area range on this engine (probed once)."""
        if self.caps.unions is None:
            try:
                self.calls["probe"] += 1
                self.caps.unions = xs.range("A1,C3").count == 2
            except Exception:
                self.caps.unions = False
        return bool(self.caps.unions)

    def _fill_of(self, xs: xw.Sheet, addr: str) -> tuple[bool, Fill]:
        """(uniform, fill) of a range; not uniform when Excel reports mixed fills."""
        self.calls["read.fills"] += 1
        try:
            return True, hex_fill(xs.range(addr).color)
        except NotImplementedError:
            raise
        except Exception:
            return False, None

    def read_fills(self, xs: xw.Sheet, cells: Sequence[RC]) -> dict[RC, Fill]:
        """The fill of each of ``cells`` before we paint them (UNKNOWN where unreadable)."""
        if not cells:
            return {}
        if not self.caps.read_fills:
            return dict.fromkeys(cells, UNKNOWN)
        out: dict[RC, Fill] = {}
        try:
            if self.unions(xs):
                self._bisect_fills(xs, sorted(cells), out)
            else:
                for rc in sorted(cells):
                    uniform, fill = self._fill_of(xs, address(*rc))
                    out[rc] = fill if uniform else UNKNOWN
        except NotImplementedError:
            self.caps.read_fills = False
            log.info("engine %s reads no fills", self.engine)
            return dict.fromkeys(cells, UNKNOWN)
        return out

    def _bisect_fills(self, xs: xw.Sheet, cells: list[RC], out: dict[RC, Fill]) -> None:
        chunks = union_chunks(cells)
        if len(chunks) > 1:
            mid = len(cells) // 2
            self._bisect_fills(xs, cells[:mid], out)
            self._bisect_fills(xs, cells[mid:], out)
            return
        uniform, fill = self._fill_of(xs, chunks[0])
        if uniform:
            out.update(dict.fromkeys(cells, fill))
        elif len(cells) == 1:
            out[cells[0]] = UNKNOWN
        else:
            mid = len(cells) // 2
            self._bisect_fills(xs, cells[:mid], out)
            self._bisect_fills(xs, cells[mid:], out)

    def paint(self, xs: xw.Sheet, fills: dict[RC, Fill]) -> None:
        """Give each cell its fill ('#RRGGBB', or None for none): one call per colour.

        UNKNOWN is painted as no fill.  With union ranges: one union address per
        colour (chunked at 255 characters); without: one ``set_colors`` matrix per
        sheet (bands of at most 10,000 cells); else one call per cell.
        """
        fills = {rc: (None if f == UNKNOWN else f) for rc, f in fills.items()}
        if not fills:
            return
        if self.unions(xs):
            by_fill: dict[str | None, list[RC]] = {}
            for rc, f in fills.items():
                by_fill.setdefault(f, []).append(rc)
            for f, cells in sorted(by_fill.items(), key=lambda kv: kv[0] or ""):
                for addr in union_chunks(cells):
                    self.calls["write.fill"] += 1
                    xs.range(addr).color = f
            return
        if self.caps.set_colors:
            try:
                self._paint_matrix(xs, fills)
                return
            except (AttributeError, NotImplementedError):
                self.caps.set_colors = False
        for (r, c), f in sorted(fills.items()):
            self.calls["write.fill"] += 1
            xs.range((r, c)).color = f

    def _paint_matrix(self, xs: xw.Sheet, fills: dict[RC, str | None]) -> None:
        top = min(r for r, _ in fills)
        bottom = max(r for r, _ in fills)
        left = min(c for _, c in fills)
        right = max(c for _, c in fills)
        width = right - left + 1
        band = max(1, SET_COLORS_CELLS // width)
        for r0 in range(top, bottom + 1, band):
            r1 = min(r0 + band - 1, bottom)
            rows = [
                [fills.get((r, c), ...) for c in range(left, right + 1)] for r in range(r0, r1 + 1)
            ]
            if all(v is ... for row in rows for v in row):
                continue
            self.calls["write.fill"] += 1
            xs.range((r0, left), (r1, right)).set_colors(rows)

    # notes -----------------------------------------------------------------------------------

    def add_note(self, xs: xw.Sheet, rc: RC, text: str, lines: int = 0) -> bool:
        """Add a note to a cell without one; False when the engine cannot add notes."""
        if not self.caps.notes:
            return False
        try:
            self.calls["write.notes"] += 1
            note = xs.range(rc).add_note(text)
        except NotImplementedError:
            self.caps.notes = False
            log.info("engine %s adds no notes", self.engine)
            return False
        if lines and self.engine != "remote":
            self._size_note(note, lines)
        return True

    def _size_note(self, note: Any, lines: int) -> None:
        """Make a desktop note box tall enough for its text (Excel's default is 4 lines)."""
        try:
            self.calls["write.notes"] += 2
            shape = note.api.Shape
            shape.Width = 240
            shape.Height = min(max(lines + 1, 4), 24) * 12
        except Exception:
            log.debug("could not size a note", exc_info=True)

    def set_note_text(self, xs: xw.Sheet, rc: RC, text: str) -> bool:
        try:
            self.calls["write.notes"] += 2
            note = xs.range(rc).note
            if note is None:
                return False
            note.text = text
            return True
        except NotImplementedError:
            return False

    def note_text(self, xs: xw.Sheet, rc: RC) -> tuple[bool, str | None]:
        """(has a note, its text or None when unreadable)."""
        self.calls["read.notes"] += 1
        note = xs.range(rc).note
        if note is None:
            return False, None
        try:
            self.calls["read.notes"] += 1
            return True, _note_text(note.text)
        except NotImplementedError:
            return True, None

    def delete_note(self, xs: xw.Sheet, rc: RC) -> bool:
        try:
            self.calls["write.notes"] += 2
            note = xs.range(rc).note
            if note is None:
                return False
            note.delete()
            return True
        except NotImplementedError:
            return False

    # sheets ----------------------------------------------------------------------------------

    def add_sheet(self, name: str, *, first: bool = False) -> xw.Sheet:
        """A new worksheet, first in the workbook or after the last sheet."""
        self.calls["write.sheets"] += 1
        sheets = self.book.sheets
        if first:
            return sheets.add(name, before=sheets[0])
        return sheets.add(name, after=sheets[len(sheets) - 1])

    def delete_sheet(self, xs: xw.Sheet) -> None:
        self.calls["write.sheets"] += 1
        app = self.book.app
        try:
            before = app.display_alerts
            app.display_alerts = False
        except Exception:
            before = None
        try:
            xs.delete()
        finally:
            if before is not None:
                app.display_alerts = before

    def hide_very(self, xs: xw.Sheet) -> None:
        """Hide a sheet so that Excel's 取消隐藏 dialog does not list it (xlSheetVeryHidden)."""
        self.calls["write.sheets"] += 1
        api = _payload(xs)
        if api is not None:
            # The remote engine: Office.js knows Excel.SheetVisibility "VeryHidden",
            # xlwings' visible setter only "Hidden".
            xs.impl.append_json_action(func="setSheetVisibility", args="VeryHidden")
            api["visibility"] = "VeryHidden"
            return
        try:
            xs.api.Visible = XL_SHEET_VERY_HIDDEN
        except Exception:
            xs.visible = False

    def unhide(self, xs: xw.Sheet) -> None:
        self.calls["write.sheets"] += 1
        if _payload(xs) is not None:
            xs.visible = True
            return
        try:
            xs.api.Visible = XL_SHEET_VISIBLE
        except Exception:
            xs.visible = True

    def write_values(self, xs: xw.Sheet, top: RC, rows: list[list[Any]]) -> None:
        if not rows:
            return
        self.calls["write.values"] += 1
        xs.range(top).value = rows

    # state -----------------------------------------------------------------------------------

    def read_state(self) -> State | None:
        """The record of the last check, if the workbook carries one (and it can be read)."""
        xs = self.sheet(STATE_SHEET)
        if xs is None:
            return None
        self.calls["read.state"] += 1
        values = _rows2d(xs.used_range.options(ndim=2).value)
        column = [row[0] if row else None for row in values]
        try:
            return State.from_column(column)
        except (ValueError, KeyError, TypeError) as e:
            log.warning("%s: unreadable state sheet (%s)", self.name, e)
            return None

    def write_state(self, state: State) -> None:
        """Write ``state`` into the very hidden state sheet (created, or replaced)."""
        old = self.sheet(STATE_SHEET)
        if old is not None:
            self.remove_state()
        xs = self.add_sheet(STATE_SHEET)
        self.write_values(xs, (1, 1), state.cells_column())
        self.hide_very(xs)

    def remove_state(self) -> bool:
        xs = self.sheet(STATE_SHEET)
        if xs is None:
            return False
        self.unhide(xs)
        self.delete_sheet(xs)
        return True

    # the application -------------------------------------------------------------------------

    def calculate_full(self) -> None:
        """Ask Excel for a full calculation (every formula, dirty or not)."""
        self.calls["calculate"] += 1
        if self.engine != "remote":
            try:
                self.book.app.api.CalculateFull()
                return
            except Exception:
                log.debug("CalculateFull not available, using calculate()", exc_info=True)
        self.book.app.calculate()

    def screen_updating(self, on: bool) -> None:
        try:
            self.book.app.screen_updating = on
        except Exception:
            log.debug("screen_updating not settable", exc_info=True)

    @contextlib.contextmanager
    def screen_frozen(self) -> Iterator[None]:
        """Excel does not redraw while the block writes (one redraw at the end)."""
        self.screen_updating(False)
        try:
            yield
        finally:
            self.screen_updating(True)


def _payload(xs: xw.Sheet) -> dict[str, Any] | None:
    """The remote engine's sheet payload (a dict), or None for a desktop engine."""
    try:
        api = xs.api
    except Exception:
        return None
    return api if isinstance(api, dict) else None


def _note_text(text: Any) -> str:
    return str(text).replace("\r\n", "\n").replace("\r", "\n")


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


__all__ = [
    "BAND_CELLS",
    "MAX_ADDRESS",
    "STATE_SHEET",
    "UNKNOWN",
    "Capabilities",
    "CellState",
    "LiveBook",
    "SheetInfo",
    "State",
    "cell_value",
    "compact_addresses",
    "hex_fill",
    "parse_range",
    "union_chunks",
]
