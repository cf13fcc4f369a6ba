"""Baseline: openpyxl's read-only read of every file given, every row's values.

python bench/read_openpyxl.py FILE ...
"""

from __future__ import annotations

import sys
import warnings

from openpyxl import load_workbook


def main(paths: list[str]) -> int:
    sheets = rows = 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for path in paths:
            wb = load_workbook(path, read_only=True, data_only=True)
            for ws in wb.worksheets:
                sheets += 1
                for _ in ws.iter_rows(values_only=True):
                    rows += 1
            wb.close()
    print(f"{len(paths)} files, {sheets} sheets, {rows} rows")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
