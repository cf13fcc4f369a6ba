"""python-calamine's read of every file given: the values of every sheet.

python bench/read_calamine.py FILE ...
"""

from __future__ import annotations

import sys

from python_calamine import CalamineWorkbook


def main(paths: list[str]) -> int:
    sheets = rows = 0
    for path in paths:
        wb = CalamineWorkbook.from_path(path)
        for name in wb.sheet_names:
            sheets += 1
            rows += len(wb.get_sheet_by_name(name).to_python())
        wb.close()
    print(f"{len(paths)} files, {sheets} sheets, {rows} rows")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
