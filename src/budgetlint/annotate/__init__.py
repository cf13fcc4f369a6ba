"""Write findings into a workbook losslessly, and take them out again.

The workbook's zip package is patched, never loaded and re-saved: every part
that needs no change is copied byte for byte.  See :mod:`budgetlint.annotate.core`
for what changes and :mod:`budgetlint.annotate.record` for the record that lets
:func:`clear` undo it.
"""

from __future__ import annotations

from budgetlint.annotate.core import (
    AnnotateStats,
    ClearStats,
    annotate,
    annotate_in_place,
    backup_path,
    clear,
)
from budgetlint.annotate.package import AnnotateError

__all__ = [
    "AnnotateError",
    "AnnotateStats",
    "ClearStats",
    "annotate",
    "annotate_in_place",
    "backup_path",
    "clear",
]
