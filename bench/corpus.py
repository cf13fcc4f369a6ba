"""The benchmark's corpus: real form sheets copied with their merges and styles.

The sources are the sheets of the committed example workbooks (``examples/*.xlsx``)
and the real published forms of ``tests/realforms`` built into workbooks.  Each
source sheet is copied with openpyxl: values (formulas as written), number
formats, fonts, fills, borders, alignment, protection, merged ranges, column
widths and row heights.  From them the builder writes

- one workbook of ``sheets`` sheets (the sources in turn, repeated until full), and
- ``workbooks`` workbooks of 1–40 sheets each, picked with a seeded generator,

all saved deterministically, with distinct sheet names inside each workbook.
A manifest records the parameters and a fingerprint of the sources; a corpus
whose manifest matches is reused.

    .venv/bin/python bench/corpus.py OUTDIR [--sheets 300] [--workbooks 200] [--seed 1]
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import random
import shutil
import sys
import tempfile
import warnings
from copy import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
REALFORMS = ROOT / "tests" / "realforms"
MAX_SHEETS_PER_WORKBOOK = 40
_MERGED = object()  # marks a cell under a merged range (not its first) in a recipe


@dataclass(frozen=True)
class _Text:
    """A text that starts with ``=`` (``=3 项``, typed with a quote prefix): not a formula."""

    text: str
_BAD_TITLE_CHARS = str.maketrans({c: "_" for c in "[]:*?/\\"})


@dataclass
class SheetRecipe:
    """One source sheet, ready to be written into any workbook."""

    title: str
    source: str
    #: row, column, value (or _MERGED), style index in Pool.styles (-1: none)
    cells: list[tuple[int, int, Any, int]] = field(default_factory=list)
    merged: list[str] = field(default_factory=list)
    widths: dict[str, float] = field(default_factory=dict)
    heights: dict[int, float] = field(default_factory=dict)
    freeze: str | None = None


@dataclass
class Pool:
    """The source sheets and the styles they use (shared by index)."""

    sheets: list[SheetRecipe] = field(default_factory=list)
    styles: list[tuple[Any, ...]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _fingerprint() -> str:
    h = hashlib.sha256()
    files = [
        *sorted(EXAMPLES.glob("*.xlsx")),
        *sorted((REALFORMS / "forms").glob("*.toml")),
        REALFORMS / "corpus.py",
        Path(__file__),
    ]
    for p in files:
        if p.is_file():
            h.update(p.name.encode())
            h.update(p.read_bytes())
    return h.hexdigest()[:16]


def _realform_workbooks(tmp: Path, notes: list[str]) -> list[Path]:
    """Build the real published forms into one-sheet workbooks (tests/realforms/corpus.py)."""
    corpus_py = REALFORMS / "corpus.py"
    if not corpus_py.is_file():
        notes.append("tests/realforms/corpus.py not found: real published forms left out")
        return []
    spec = importlib.util.spec_from_file_location("_bench_realforms_corpus", corpus_py)
    if spec is None or spec.loader is None:  # pragma: no cover
        notes.append("tests/realforms/corpus.py cannot be loaded: real published forms left out")
        return []
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    try:
        spec.loader.exec_module(module)
    except Exception as e:  # the corpus is optional for the bench
        notes.append(f"tests/realforms/corpus.py failed to import ({e}): real forms left out")
        return []
    out = []
    for toml in sorted((REALFORMS / "forms").glob("*.toml")):
        try:
            form = module.load(toml)
        except Exception as e:
            notes.append(f"real form {toml.name} skipped: {e}")
            continue
        out.append(module.write_workbook(form, tmp / f"{toml.stem}.xlsx"))
    return out


def load_pool() -> Pool:
    """Every source sheet as a recipe."""
    from openpyxl import load_workbook
    from openpyxl.cell.cell import MergedCell

    pool = Pool()
    style_index: dict[tuple[Any, ...], int] = {}
    with tempfile.TemporaryDirectory(prefix="bench-realforms-") as tmp:
        sources = [*sorted(EXAMPLES.glob("*.xlsx")), *_realform_workbooks(Path(tmp), pool.notes)]
        for path in sources:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                wb = load_workbook(path)  # formulas as written, full styles
            for ws in wb.worksheets:
                r = SheetRecipe(title=ws.title, source=path.name)
                for (row, col), cell in sorted(ws._cells.items()):
                    merged = isinstance(cell, MergedCell)  # under a range, not its first
                    style = -1
                    if cell.has_style:
                        key = (id(wb), tuple(cell._style))
                        if key not in style_index:
                            style_index[key] = len(pool.styles)
                            pool.styles.append(
                                (
                                    copy(cell.font),
                                    copy(cell.fill),
                                    copy(cell.border),
                                    copy(cell.alignment),
                                    cell.number_format,
                                    copy(cell.protection),
                                )
                            )
                        style = style_index[key]
                    if merged:
                        r.cells.append((row, col, _MERGED, style))
                    elif cell.value is not None or style >= 0:
                        value = cell.value
                        if isinstance(value, str) and value.startswith("=") and cell.data_type != "f":
                            value = _Text(value)  # openpyxl would write it back as a formula
                        r.cells.append((row, col, value, style))
                r.merged = [str(m) for m in ws.merged_cells.ranges]
                r.widths = {
                    k: d.width for k, d in ws.column_dimensions.items() if d.customWidth and d.width
                }
                r.heights = {k: d.height for k, d in ws.row_dimensions.items() if d.height}
                r.freeze = ws.freeze_panes
                pool.sheets.append(r)
    return pool


def _unique_title(title: str, used: set[str]) -> str:
    base = title.translate(_BAD_TITLE_CHARS).strip("'")[:31] or "Sheet"
    name, k = base, 1
    while name.lower() in used:
        k += 1
        suffix = f"({k})"
        name = base[: 31 - len(suffix)] + suffix
    used.add(name.lower())
    return name


def _write_workbook(pool: Pool, recipes: list[SheetRecipe], path: Path) -> dict[str, int]:
    from openpyxl import Workbook
    from openpyxl.cell.cell import MergedCell
    from openpyxl.worksheet.merge import MergedCellRange

    from budgetlint.build.xlsx import save

    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    arrays: dict[int, Any] = {}  # pool style index -> this workbook's StyleArray
    merged = cells = 0
    for rec in recipes:
        ws = wb.create_sheet(_unique_title(rec.title, used))
        for row, col, value, style in rec.cells:
            if value is _MERGED:
                # The cells under a range as the source had them (openpyxl's load gives
                # their edges the first cell's borders); merge_cells would recompute that
                # border by border, which costs seconds a workbook.
                cell = ws._cells[row, col] = MergedCell(ws, row, col)
            else:
                cell = ws.cell(row, col)
                if isinstance(value, _Text):
                    cell.value = value.text
                    cell.data_type = "s"
                    cell.quotePrefix = True
                elif value is not None:
                    cell.value = value
            if style < 0:
                continue
            if style in arrays:
                cell._style = copy(arrays[style])
                continue
            font, fill, border, alignment, number_format, protection = pool.styles[style]
            cell.font, cell.fill, cell.border = font, fill, border
            cell.alignment, cell.number_format, cell.protection = (
                alignment,
                number_format,
                protection,
            )
            arrays[style] = copy(cell._style)
        for ref in rec.merged:
            ws.merged_cells.add(MergedCellRange(ws, ref))
        for letter, width in rec.widths.items():
            ws.column_dimensions[letter].width = width
        for r, height in rec.heights.items():
            ws.row_dimensions[r].height = height
        if rec.freeze:
            ws.freeze_panes = rec.freeze
        merged += len(rec.merged)
        cells += len(rec.cells)
    save(wb, path)
    return {"sheets": len(recipes), "merged": merged, "cells": cells}


def build(outdir: Path, sheets: int = 300, workbooks: int = 200, seed: int = 1) -> dict[str, Any]:
    """Build (or reuse) the corpus in ``outdir``; returns the manifest."""
    fingerprint = _fingerprint()
    params = {"sheets": sheets, "workbooks": workbooks, "seed": seed, "sources": fingerprint}
    manifest_path = outdir / "manifest.json"
    if manifest_path.is_file():
        try:
            manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            manifest = {}
        if manifest.get("params") == params and all(
            (outdir / f).is_file() for f in [manifest["big"], *manifest["many"]]
        ):
            manifest["reused"] = True
            return manifest
    if outdir.exists():
        shutil.rmtree(outdir)
    outdir.mkdir(parents=True)
    pool = load_pool()
    if not pool.sheets:
        raise SystemExit("bench: no source sheets found (examples/*.xlsx)")
    rng = random.Random(seed)

    big_name = f"{sheets}张表.xlsx"
    big_recipes = [pool.sheets[i % len(pool.sheets)] for i in range(sheets)]
    big = _write_workbook(pool, big_recipes, outdir / big_name)
    many: list[str] = []
    many_sheets = many_merged = 0
    for i in range(workbooks):
        n = rng.randint(1, MAX_SHEETS_PER_WORKBOOK)
        recipes = [rng.choice(pool.sheets) for _ in range(n)]
        name = f"many/{i + 1:04d}_{n}张表.xlsx"
        stats = _write_workbook(pool, recipes, outdir / name)
        many.append(name)
        many_sheets += stats["sheets"]
        many_merged += stats["merged"]
    manifest = {
        "params": params,
        "sources": {
            "sheets": len(pool.sheets),
            "workbooks": len({s.source for s in pool.sheets}),
            "styles": len(pool.styles),
        },
        "notes": pool.notes,
        "big": big_name,
        "big_stats": {**big, "bytes": (outdir / big_name).stat().st_size},
        "many": many,
        "many_stats": {
            "sheets": many_sheets,
            "merged": many_merged,
            "bytes": sum((outdir / f).stat().st_size for f in many),
        },
    }
    manifest_path.write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    manifest["reused"] = False
    return manifest


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("outdir", type=Path)
    ap.add_argument("--sheets", type=int, default=300)
    ap.add_argument("--workbooks", type=int, default=200)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    m = build(args.outdir, args.sheets, args.workbooks, args.seed)
    print(json.dumps({k: v for k, v in m.items() if k != "many"}, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
