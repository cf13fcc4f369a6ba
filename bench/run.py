"""Speed and memory of budgetlint, as ratios against a baseline measured in the same run.

Baseline: openpyxl loading the same workbook (values only), the least any
file-based checker must do.  Figures: our grid read (openpyxl, formulas and
values), the form reader, the rules, the whole check, annotating the copy, and
peak memory of a check against peak memory of the baseline load.

    make bench            # or: .venv/bin/python bench/run.py [WORKBOOK ...] [--repeat N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import tracemalloc
import warnings
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from budgetlint.checker import check_file, check_grid  # noqa: E402
from budgetlint.forms.form_s import read_grid  # noqa: E402
from budgetlint.hosts import read_workbook  # noqa: E402


def _time(fn: Callable[[], object], repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t0)
    return statistics.median(runs)


def _peak(fn: Callable[[], object]) -> int:
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def baseline_load(path: Path) -> None:
    from openpyxl import load_workbook

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = load_workbook(path, data_only=True)
        for ws in wb.worksheets:
            for _ in ws.iter_rows(values_only=True):
                pass


def bench(path: Path, repeat: int) -> None:
    grid = read_workbook(path)
    n = len(grid.sheets)
    base = _time(lambda: baseline_load(path), repeat)
    figures: list[tuple[str, float]] = [
        ("grid read (openpyxl host)", _time(lambda: read_workbook(path), repeat)),
        ("form reader (all sheets)", _time(lambda: read_grid(grid), repeat)),
        ("reader + rules", _time(lambda: check_grid(grid), repeat)),
        ("whole check of the file", _time(lambda: check_file(path), repeat)),
    ]
    try:
        from budgetlint.annotate import annotate

        result = check_file(path)
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / path.name
            figures.append(
                (
                    "annotate (zip patch)",
                    _time(lambda: annotate(path, out, result.findings), repeat),
                )
            )
    except ImportError:
        pass
    print(
        f"\n{path.name}: {n} sheets; baseline openpyxl load = {base * 1000:.1f} ms "
        f"({base * 1000 / max(n, 1):.2f} ms/sheet)"
    )
    print(f"  {'step':<28}{'ms':>9}{'ms/sheet':>10}{'× baseline':>12}")
    for name, t in figures:
        print(f"  {name:<28}{t * 1000:>9.1f}{t * 1000 / max(n, 1):>10.2f}{t / base:>12.2f}")
    mem_base = _peak(lambda: baseline_load(path))
    mem_check = _peak(lambda: check_file(path))
    print(
        f"  peak memory: baseline {mem_base / 1e6:.1f} MB, check {mem_check / 1e6:.1f} MB "
        f"(× {mem_check / mem_base:.2f})"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("paths", nargs="*", type=Path)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    paths = args.paths or sorted((ROOT / "examples").glob("*.xlsx"))
    for p in paths:
        bench(p, args.repeat)


if __name__ == "__main__":
    main()
