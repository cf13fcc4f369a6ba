"""Hosts: thin adapters that fill a :class:`budgetlint.grid.Grid`.

``calamine_host`` reads saved workbooks for checking: python-calamine for the
values (and the merged ranges of .xls), plus one streaming pass over each
worksheet's XML (:mod:`budgetlint.hosts.xlsxscan`, .xlsx/.xlsm only) for what
calamine does not give: number formats, formula texts, cached error values,
merged ranges and cell notes.  It reads .xlsx, .xlsm, .xls, .xlsb and .ods and
imports neither openpyxl nor numpy.  ``openpyxl_host`` reads .xlsx/.xlsm with
openpyxl (slow: a full load, twice when there are formulas); it is kept as the
reference the calamine host is tested against.  Nothing outside this package
imports a host library.

Every read is bounded by :class:`Limits` (from the settings): a workbook past a
limit is a :class:`ReadError` for that file, never a MemoryError.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from budgetlint.grid import Grid

if TYPE_CHECKING:
    from budgetlint.settings import Settings

#: File types the checker reads, by suffix (lower case).
SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")
#: The suffixes read with the streaming pass (Office Open XML packages).
OOXML_SUFFIXES = (".xlsx", ".xlsm")

Host = Literal["calamine", "openpyxl"]


class ReadError(Exception):
    """A workbook that cannot be read; the message names the file and the reason."""


@dataclass(frozen=True)
class Limits:
    """What one workbook may hold; the defaults are far above any department's workbook.

    Set from the settings keys of the same names (:meth:`from_settings`).
    """

    #: Total uncompressed size of the package's parts (of the file, for .xls), in MB.
    max_uncompressed_mb: float = 200.0
    #: Uncompressed ÷ compressed size of one part (parts above 1 MB): a zip bomb's is ~1000.
    max_compression_ratio: float = 100.0
    #: Cells holding a value or a formula, per worksheet.
    max_cells_per_sheet: int = 1_000_000
    #: Worksheets per workbook.
    max_sheets: int = 500
    #: Characters in one cell (Excel's own limit is 32767) or one note.
    max_cell_chars: int = 32767

    @property
    def max_bytes(self) -> int:
        return int(self.max_uncompressed_mb * 1024 * 1024)

    @classmethod
    def from_settings(cls, settings: Settings | None) -> Limits:
        if settings is None:
            return cls()
        return cls(
            max_uncompressed_mb=settings.max_uncompressed_mb,
            max_compression_ratio=settings.max_compression_ratio,
            max_cells_per_sheet=settings.max_cells_per_sheet,
            max_sheets=settings.max_sheets,
            max_cell_chars=settings.max_cell_chars,
        )


def read_workbook(path: str | Path, limits: Limits | None = None, host: Host | None = None) -> Grid:
    """Read a saved workbook into a grid.

    The calamine host reads every supported type; ``host="openpyxl"`` reads an
    .xlsx/.xlsm with openpyxl instead (the reference implementation, for tests
    and benchmarks).
    """
    if host == "openpyxl":
        from budgetlint.hosts import openpyxl_host

        return openpyxl_host.read(path, limits)
    from budgetlint.hosts import calamine_host

    return calamine_host.read(path, limits)
