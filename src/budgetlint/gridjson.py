"""A grid as JSON, and findings as JSON: the core's input and output across processes.

The Pyodide test (``tests/pyodide/run.mjs``) reads each example in CPython (the
file readers need python-calamine, which has no Pyodide build), sends the grid
as JSON to Python running in WebAssembly, checks it there and compares the
findings with the CPython check's, finding for finding.  Pure Python and the
standard library only, so it runs under Pyodide.

The format (``"format": "budgetlint-grid"``, ``"version": 1``): ``path``,
``added_sheets`` and ``sheets``; each sheet has ``name``, ``cells`` (a list of
``[row, col, value]``), ``formulas``, ``formats`` and ``notes`` (lists of
``[row, col, text]``) and ``merged`` (A1 ranges).  A value is a JSON string,
number, boolean or null, except a date or time: ``{"datetime": ISO}``,
``{"date": ISO}`` or ``{"time": ISO}``, so that a text that looks like a date
stays a text.  Integers and floats stay apart (``1`` and ``1.0``), as JSON
numbers written by :func:`json.dumps` do.
"""

from __future__ import annotations

import datetime as _dt
import json
from typing import Any

from budgetlint.findings import Finding
from budgetlint.grid import CellValue, Grid, MergedRange, Sheet, parse_address

FORMAT = "budgetlint-grid"
VERSION = 1


def _value(v: CellValue) -> Any:
    if isinstance(v, _dt.datetime):
        return {"datetime": v.isoformat()}
    if isinstance(v, _dt.date):
        return {"date": v.isoformat()}
    if isinstance(v, _dt.time):
        return {"time": v.isoformat()}
    if v is None or isinstance(v, str | bool | int | float):
        return v
    return str(v)


def _unvalue(v: Any) -> CellValue:
    if isinstance(v, dict):
        if "datetime" in v:
            return _dt.datetime.fromisoformat(v["datetime"])
        if "date" in v:
            return _dt.date.fromisoformat(v["date"])
        if "time" in v:
            return _dt.time.fromisoformat(v["time"])
        raise ValueError(f"not a cell value: {v!r}")
    return v


def grid_to_dict(grid: Grid) -> dict[str, Any]:
    """``grid`` as a JSON-ready dict (what a host read: values, formulas, formats, merges, notes)."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "path": grid.path,
        "added_sheets": sorted(grid.added_sheets),
        "sheets": [
            {
                "name": s.name,
                "cells": [[r, c, _value(v)] for (r, c), v in sorted(s.cells.items())],
                "formulas": [[r, c, f] for (r, c), f in sorted(s.formulas.items())],
                "formats": [[r, c, f] for (r, c), f in sorted(s.formats.items())],
                "merged": [m.ref for m in s.merged],
                "notes": [[r, c, t] for (r, c), t in sorted(s.notes.items())],
            }
            for s in grid.sheets
        ],
    }


def grid_from_dict(data: dict[str, Any]) -> Grid:
    """The grid :func:`grid_to_dict` wrote."""
    if data.get("format") != FORMAT or data.get("version") != VERSION:
        raise ValueError(f"not a {FORMAT} v{VERSION} document")
    sheets = []
    for s in data["sheets"]:
        merged = []
        for ref in s["merged"]:
            a, _, b = ref.partition(":")
            (r1, c1), (r2, c2) = parse_address(a), parse_address(b or a)
            merged.append(MergedRange(r1, c1, r2, c2))
        sheets.append(
            Sheet(
                name=s["name"],
                cells={(r, c): _unvalue(v) for r, c, v in s["cells"]},
                formulas={(r, c): f for r, c, f in s["formulas"]},
                formats={(r, c): f for r, c, f in s["formats"]},
                merged=merged,
                notes={(r, c): t for r, c, t in s["notes"]},
            )
        )
    return Grid(path=data["path"], sheets=sheets, added_sheets=set(data["added_sheets"]))


def dumps_grid(grid: Grid) -> str:
    return json.dumps(grid_to_dict(grid), ensure_ascii=False)


def loads_grid(text: str) -> Grid:
    return grid_from_dict(json.loads(text))


def finding_record(f: Finding) -> dict[str, Any]:
    """One finding as JSON: every field but ``extra`` (internal), for comparing two runs."""
    d = f.to_dict()
    d.pop("extra", None)
    return d


__all__ = [
    "dumps_grid",
    "finding_record",
    "grid_from_dict",
    "grid_to_dict",
    "loads_grid",
]
