"""budgetlint in xlwings Lite: Python inside Excel (Windows, Mac, the web) through Pyodide.

- :mod:`budgetlint.lite.scripts`: what the Lite scripts do with the workbook they
  are given (check, clear, recompute), over the classic add-in's code
  (:mod:`budgetlint.addin` and its live-book adapter
  :mod:`budgetlint.hosts.xlwings_host`, which already speaks the remote engine
  that Lite's ``xw.Book`` is);
- :mod:`budgetlint.lite.main`: the ``main.py`` the workbook carries (the
  ``@script`` entry points and the ``BL_`` ``@func`` UDFs of
  :mod:`budgetlint.udfs`);
- :mod:`budgetlint.lite.build`: ``budgetlint lite build`` writes
  ``workbook/budgetlint-lite.xlsx``, whose web-extension part holds ``main.py`` and
  ``requirements.txt`` the way xlwings Lite stores them.

Under Pyodide only the pure core runs: no formula engine (``formulas`` needs
NumPy and SciPy and is not installed there), so the scripts check with
``recompute = false`` (the stored values, which Excel itself computed).
"""

from __future__ import annotations

#: The add-in's id in Microsoft's store (AppSource) that a Lite workbook references.
STORE_ID = "wa200008175"
#: The xlwings version the Lite code is written and tested against (the pin in pyproject.toml).
XLWINGS_VERSION = "0.37.8"
#: The Pyodide version the core is tested under (``make test-pyodide``).
PYODIDE_VERSION = "0.27.7"
