"""The host-neutral grid: what every reader and rule sees of a workbook.

A :class:`Grid` is a list of :class:`Sheet` objects.  A sheet holds the stored
cell values (the top-left cell of a merged range carries the value, the other
cells of the range read as empty; a cached Excel error value reads as the text
Excel prints, one of :data:`EXCEL_ERRORS`), the formula texts where the host has
them (a formula cell without a value was saved without being calculated), the
number formats that are not ``General``, the merged ranges and the cell notes.
It holds only the cells that exist, never a rectangle: a cell at ``XFD1048576``
costs one entry, and readers walk the cells, not the rows up to ``max_row``.
Hosts (calamine for files, openpyxl as the reference, xlwings for live Excel)
fill a grid; nothing past this module imports a host.

The checker adds what it learnt by recomputing the formula cells
(:mod:`budgetlint.recompute`, before any form is read): ``recomputed`` holds the
formula cells that had no cached value and now carry their recomputed value in
``cells`` (an error value as its text, as a host stores a cached error);
``stale`` the cells whose cached value differs from their recomputation (the
cached value stays in ``cells``: it is what the workbook shows and prints), as
(cached, recomputed); ``not_recomputed`` the formula cells that could not be
recomputed, with why (in Chinese).  A host leaves the three empty.

Rows and columns are 1-based, as in Excel.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

CellValue = Any  # str | int | float | bool | datetime | None

#: Excel's error values, as a cell prints them (a host stores a cached error as this text).
EXCEL_ERRORS = frozenset(
    {
        "#NULL!",
        "#DIV/0!",
        "#VALUE!",
        "#REF!",
        "#NAME?",
        "#NUM!",
        "#N/A",
        "#GETTING_DATA",
        "#SPILL!",
        "#CALC!",
        "#FIELD!",
        "#BLOCKED!",
        "#CONNECT!",
        "#BUSY!",
        "#UNKNOWN!",
        "#PYTHON!",
    }
)

_ADDRESS = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")


def column_letter(col: int) -> str:
    """1 -> 'A', 27 -> 'AA'."""
    if col < 1:
        raise ValueError(f"column must be >= 1, got {col}")
    letters = ""
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def column_index(letters: str) -> int:
    """'A' -> 1, 'AA' -> 27."""
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def address(row: int, col: int) -> str:
    """(5, 2) -> 'B5'."""
    return f"{column_letter(col)}{row}"


def parse_address(addr: str) -> tuple[int, int]:
    """'B5' -> (5, 2); accepts '$B$5'."""
    m = _ADDRESS.match(addr.strip())
    if not m:
        raise ValueError(f"not a cell address: {addr!r}")
    return int(m.group(2)), column_index(m.group(1))


@dataclass(frozen=True, slots=True)
class CellRef:
    """Where a value came from: a sheet and a cell."""

    sheet: str
    row: int
    col: int

    @property
    def address(self) -> str:
        return address(self.row, self.col)

    def __str__(self) -> str:
        return f"{self.sheet}!{self.address}"

    def __reduce__(self) -> tuple[type[CellRef], tuple[str, int, int]]:
        # Pickled by its fields (results come back from worker processes): the
        # state functions dataclasses give a frozen slots class look the fields up
        # for each object, and unpickling a result's refs cost a fifth of the parent's time.
        return CellRef, (self.sheet, self.row, self.col)


@dataclass(frozen=True)
class MergedRange:
    min_row: int
    min_col: int
    max_row: int
    max_col: int

    def __contains__(self, rc: tuple[int, int]) -> bool:
        r, c = rc
        return self.min_row <= r <= self.max_row and self.min_col <= c <= self.max_col

    @property
    def ref(self) -> str:
        return f"{address(self.min_row, self.min_col)}:{address(self.max_row, self.max_col)}"


@dataclass
class Sheet:
    """One worksheet's cells, host-neutral."""

    name: str
    cells: dict[tuple[int, int], CellValue] = field(default_factory=dict)
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)
    formats: dict[tuple[int, int], str] = field(default_factory=dict)
    merged: list[MergedRange] = field(default_factory=list)
    notes: dict[tuple[int, int], str] = field(default_factory=dict)  # cell notes (批注) text
    #: Formula cells without a cached value whose recomputed value ``cells`` now holds.
    recomputed: dict[tuple[int, int], CellValue] = field(default_factory=dict)
    #: Formula cells whose cached value differs from their recomputation: (cached, recomputed).
    stale: dict[tuple[int, int], tuple[CellValue, CellValue]] = field(default_factory=dict)
    #: Formula cells that could not be recomputed, and why (Chinese).
    not_recomputed: dict[tuple[int, int], str] = field(default_factory=dict)

    def value(self, row: int, col: int) -> CellValue:
        return self.cells.get((row, col))

    def formula(self, row: int, col: int) -> str | None:
        return self.formulas.get((row, col))

    def number_format(self, row: int, col: int) -> str:
        return self.formats.get((row, col), "General")

    def ref(self, row: int, col: int) -> CellRef:
        return CellRef(self.name, row, col)

    @property
    def max_row(self) -> int:
        return max((r for r, _ in self.cells), default=0)

    @property
    def max_col(self) -> int:
        return max((c for _, c in self.cells), default=0)

    def uncached(self) -> list[tuple[int, int]]:
        """Formula cells without a cached value (saved without recalculating), in reading order."""
        return sorted(rc for rc in self.formulas if rc not in self.cells)

    def merged_at(self, row: int, col: int) -> MergedRange | None:
        for mr in self.merged:
            if (row, col) in mr:
                return mr
        return None

    def nonempty(self) -> Iterator[tuple[int, int, CellValue]]:
        """(row, col, value) of every non-blank cell, in reading order."""
        for r, c in sorted(self.cells):
            v = self.cells[(r, c)]
            if not _blank(v):
                yield r, c, v


@dataclass
class Grid:
    """A workbook as the core sees it."""

    path: str
    sheets: list[Sheet] = field(default_factory=list)
    #: Sheets budgetlint's annotate added (its 复核结果 summary), as the host found them
    #: in the workbook's annotation record; the checker never reads them as forms.
    added_sheets: set[str] = field(default_factory=set)

    def sheet(self, name: str) -> Sheet:
        for s in self.sheets:
            if s.name == name:
                return s
        raise KeyError(name)


def _blank(v: CellValue) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())
