"""Hosts: thin adapters that fill a :class:`budgetlint.grid.Grid`.

``openpyxl_host`` reads saved .xlsx/.xlsm files (values, formulas, number
formats, merged ranges, notes).  Nothing outside this package imports a host
library.
"""

from __future__ import annotations

from pathlib import Path

from budgetlint.grid import Grid


class ReadError(Exception):
    """A workbook that cannot be read; the message names the file and the reason."""


def read_workbook(path: str | Path) -> Grid:
    """Read a saved workbook into a grid, choosing the host by file type."""
    from budgetlint.hosts.openpyxl_host import read

    return read(path)
