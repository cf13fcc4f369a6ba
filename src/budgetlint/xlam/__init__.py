"""The Excel add-in ``budgetlint.xlam``: build it (Linux, no Excel), install it into XLSTART.

- :mod:`budgetlint.xlam.build` — ``budgetlint addin build``: the add-in from xlwings'
  ribbon template, the VBA of ``macros/`` and the UDF metadata of
  :mod:`budgetlint.udfs` (a developer command; it needs pyOpenVBA, a dev dependency);
- :mod:`budgetlint.xlam.install` — ``budgetlint addin install | uninstall``: a copy in
  the user's XLSTART folder whose conf sheet names this Python (standard library only);
- :mod:`budgetlint.xlam.vba` — the VBA text (literals, xlwings' module, UDF wrappers);
- :mod:`budgetlint.xlam.package` — the zip package, the conf sheet, the small parts.

The ribbon runs the Python entry points of ``budgetlint.addin`` (:data:`ENTRY_POINTS`)
through xlwings' ``RunPython``; the ``BL_`` cell functions call ``budgetlint.udfs``
through xlwings' UDF server.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the CLI builds its parser from here: nothing heavy at import
    from budgetlint.xlam.package import ConfValue

#: The add-in's file name, and the VBA project's name (xlwings' ``PROJECT_NAME``).
ADDIN_NAME = "budgetlint.xlam"
PROJECT_NAME = "budgetlint"
#: The conf sheet xlwings reads: ``PROJECT_NAME & ".conf"`` (a leading ``_`` switches one off).
CONF_SHEET = f"{PROJECT_NAME}.conf"
#: The VBA module holding the ribbon callbacks.
RIBBON_MODULE = "BudgetlintRibbon"
#: The Python module whose ``BL_`` functions the add-in wraps.
UDF_PACKAGE_MODULE = "budgetlint.udfs"
#: The Python module the ribbon calls, and its no-argument entry points (the contract).
ADDIN_MODULE = "budgetlint.addin"
ENTRY_POINTS = ("check", "recompute", "clear", "export_report", "about")

#: Conf keys, spelt as the template spells them (xlwings compares them upper-cased).
INTERPRETER_WIN = "Interpreter_Win"
PYTHONPATH = "PYTHONPATH"
CONDA_PATH = "Conda Path"
CONDA_ENV = "Conda Env"
UDF_MODULES = "UDF Modules"
ADD_WORKBOOK_TO_PYTHONPATH = "ADD_WORKBOOK_TO_PYTHONPATH"


def default_conf() -> list[tuple[str, ConfValue]]:
    """The conf sheet of the built add-in; ``budgetlint addin install`` fills the interpreter.

    ``ADD_WORKBOOK_TO_PYTHONPATH`` is off: xlwings would otherwise put the folder of
    the workbook being checked first on ``sys.path``, and a ``.py`` file received with
    the workbooks would be imported in place of a real module.
    """
    return [
        (INTERPRETER_WIN, ""),
        ("Interpreter_Mac", ""),
        (PYTHONPATH, ""),
        (CONDA_PATH, ""),
        (CONDA_ENV, ""),
        (UDF_MODULES, UDF_PACKAGE_MODULE),
        ("Debug UDFs", False),
        ("Use UDF Server", False),
        ("Show Console", False),
        (ADD_WORKBOOK_TO_PYTHONPATH, "false"),
    ]
