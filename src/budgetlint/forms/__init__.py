"""Form readers: each turns a grid sheet into a model, locating blocks by their labels.

:func:`read_sheet` decides which form a sheet is, once, from its labels: a
项目绩效情况自评表 (form P, :mod:`budgetlint.forms.form_p`), a table or the
情况说明 of a 部门决算 (form D, :mod:`budgetlint.forms.form_d`), else a
项目支出绩效自评表 in one of form S's families (:mod:`budgetlint.forms.form_s`),
or not a form.  The readers of P and D answer None for a sheet that is not
theirs, cheaply, from the labels.
"""

from __future__ import annotations

from budgetlint.grid import Grid, Sheet
from budgetlint.model import SheetRead
from budgetlint.settings import Settings


def read_sheet(sheet: Sheet, settings: Settings | None = None) -> SheetRead:
    """Read one sheet as whichever form it is (P, D or S), or say why it is none."""
    from budgetlint.forms.form_d import read_sheet_d
    from budgetlint.forms.form_p import read_sheet_p
    from budgetlint.forms.form_s import read_sheet as read_sheet_s
    from budgetlint.forms.form_s import sheet_labels

    labels = sheet_labels(sheet)  # once: every reader decides from the same labels
    for reader in (read_sheet_p, read_sheet_d):
        read = reader(sheet, settings, labels=labels)
        if read is not None:
            return read
    return read_sheet_s(sheet, settings, labels=labels)


def read_grid(grid: Grid, settings: Settings | None = None) -> list[SheetRead]:
    """Every sheet of ``grid`` read (:func:`read_sheet`), in workbook order."""
    return [read_sheet(s, settings) for s in grid.sheets]
