"""Real xlwings objects on Linux: the remote engine (xlwings Server / Lite) over a workbook's content.

``xw.Book(json=...)`` builds a Book from the JSON an Office.js client sends (the
book's name, each sheet's name, values from A1, used range, note cells,
visibility); every change is recorded as an action in ``book.json()``, which the
client would run.  This module

- builds that JSON from a workbook file (:func:`book_json`), carrying beside it,
  under the private key ``"_bl"``, what the file holds and the remote engine
  never sends: formulas, number formats, merged areas, fills and note texts;
- answers, when asked (:func:`desktop_reads`), the reads the remote engine lacks
  (``Range.formula``, ``number_format``, ``merge_cells``, ``merge_area``,
  ``color`` and ``Note.text``) from that key, as a desktop Excel does (a mixed
  range reads as Null; a fill or note written is read back at once), counting
  every call;
- applies recorded actions to the JSON as Excel would (:func:`apply_actions`),
  so that a test can save, close and reopen a workbook between two calls.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from budgetlint.grid import address, column_index, parse_address
from budgetlint.hosts import read_workbook

LICENSE_ENV = "XLWINGS_LICENSE_KEY"


def load_xlwings(monkeypatch: pytest.MonkeyPatch) -> Any:
    """xlwings with its remote engine (a noncommercial key, set for the test only)."""
    monkeypatch.setenv(LICENSE_ENV, "noncommercial")
    import xlwings

    if "remote" not in xlwings.engines.engines_by_name:
        # xlwings was imported before the key was set: the pro engines are missing.
        for name in [m for m in sys.modules if m.startswith("xlwings.pro")]:
            monkeypatch.delitem(sys.modules, name)
        from xlwings.main import Engine
        from xlwings.pro import _xlremote

        engine = Engine(impl=_xlremote.engine)
        xlwings.engines.add(engine)
        monkeypatch.setattr(xlwings, "__pro__", True)
    return xlwings


# --- a workbook's content as the client's JSON --------------------------------------------------


def _json_value(v: Any) -> Any:
    if v is None:
        return ""
    if isinstance(v, dt.datetime | dt.date):
        return dt.datetime(v.year, v.month, v.day).isoformat() + ".000Z"
    return v


def _fills(path: Path) -> dict[str, dict[str, str]]:
    """Solid fills of every cell, by sheet: {'A1': '#RRGGBB'}."""
    from openpyxl import load_workbook

    wb = load_workbook(path)
    out: dict[str, dict[str, str]] = {}
    for ws in wb.worksheets:
        fills: dict[str, str] = {}
        for row in ws.iter_rows():
            for cell in row:
                fill = cell.fill
                if fill is None or fill.fill_type != "solid":
                    continue
                rgb = fill.fgColor.rgb if fill.fgColor is not None else None
                if isinstance(rgb, str) and len(rgb) == 8:
                    fills[cell.coordinate] = "#" + rgb[2:].upper()
        out[ws.title] = fills
    return out


def book_json(path: str | Path, *, client: str = "Office.js") -> dict[str, Any]:
    """The JSON an Office.js client sends for the workbook at ``path`` (plus ``"_bl"`` extras).

    Values come from budgetlint's own reader (so a check of the JSON and a check of
    the file see the same values); fills from openpyxl.
    """
    import xlwings

    p = Path(path)
    grid = read_workbook(p)
    fills = _fills(p)
    sheets = []
    for s in grid.sheets:
        rows = max(s.max_row, 1)
        cols = max(s.max_col, 1)
        for mr in s.merged:
            rows, cols = max(rows, mr.max_row), max(cols, mr.max_col)
        values = [[""] * cols for _ in range(rows)]
        for (r, c), v in s.cells.items():
            values[r - 1][c - 1] = _json_value(v)
        sheets.append(
            {
                "name": s.name,
                "values": values,
                "used_range_address": f"$A$1:{_abs(rows, cols)}",
                "visibility": "Visible",
                "pictures": [],
                "tables": [],
                "shapes": [],
                "charts": [],
                "notes": [{"address": _abs(*rc)} for rc in sorted(s.notes)],
                "_bl": {
                    "formulas": {address(*rc): f for rc, f in s.formulas.items()},
                    "formats": {address(*rc): f for rc, f in s.formats.items()},
                    "merged": [mr.ref for mr in s.merged],
                    "fills": dict(fills.get(s.name, {})),
                    "note_texts": {address(*rc): t for rc, t in s.notes.items()},
                },
            }
        )
    return {
        "client": client,
        "version": xlwings.__version__,
        "book": {"name": p.name, "active_sheet_index": 0, "selection": "A1"},
        "names": [],
        "sheets": sheets,
    }


def _abs(r: int, c: int) -> str:
    a = address(r, c)
    m = re.match(r"([A-Z]+)(\d+)", a)
    assert m
    return f"${m.group(1)}${m.group(2)}"


# --- the reads a desktop Excel answers ---------------------------------------------------------------


def _extras(impl: Any) -> dict[str, Any]:
    return impl.sheet.api.setdefault(
        "_bl", {"formulas": {}, "formats": {}, "merged": [], "fills": {}, "note_texts": {}}
    )


def _cells(impl: Any) -> Iterator[tuple[int, int]]:
    r1, c1 = impl.arg1
    r2, c2 = impl.arg2 or impl.arg1
    for r in range(r1, r2 + 1):
        for c in range(c1, c2 + 1):
            yield r, c


def _merged(impl: Any) -> list[tuple[int, int, int, int]]:
    out = []
    for ref in _extras(impl)["merged"]:
        a, _, b = ref.partition(":")
        (r1, c1), (r2, c2) = parse_address(a), parse_address(b or a)
        out.append((r1, c1, r2, c2))
    return out


def _in(rc: tuple[int, int], m: tuple[int, int, int, int]) -> bool:
    return m[0] <= rc[0] <= m[2] and m[1] <= rc[1] <= m[3]


def desktop_reads(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Make the remote engine answer the reads a desktop Excel answers; returns the call counts."""
    from xlwings.pro import _xlremote

    calls: Counter[str] = Counter()
    values_getter = _xlremote.Range.raw_value.fget

    def formula(self: Any) -> Any:
        calls["formula"] += 1
        forms = _extras(self)["formulas"]
        rows = []
        r1, c1 = self.arg1
        r2, c2 = self.arg2 or self.arg1
        for r in range(r1, r2 + 1):
            rows.append(tuple(forms.get(address(r, c), "") for c in range(c1, c2 + 1)))
        return rows[0][0] if (r1, c1) == (r2, c2) else tuple(rows)

    def number_format(self: Any) -> str | None:
        calls["number_format"] += 1
        formats = _extras(self)["formats"]
        seen = {formats.get(address(r, c), "General") for r, c in _cells(self)}
        return seen.pop() if len(seen) == 1 else None

    def merge_cells(self: Any) -> bool | None:
        calls["merge_cells"] += 1
        merged = _merged(self)
        flags = {any(_in(rc, m) for m in merged) for rc in _cells(self)}
        return flags.pop() if len(flags) == 1 else None

    def merge_area(self: Any) -> Any:
        calls["merge_area"] += 1
        rc = self.arg1
        for m in _merged(self):
            if _in(rc, m):
                return _xlremote.Range(self.sheet, (m[0], m[1]), (m[2], m[3]))
        return _xlremote.Range(self.sheet, rc)

    def color(self: Any) -> Any:
        calls["color"] += 1
        fills = _extras(self)["fills"]
        seen = {fills.get(address(r, c)) for r, c in _cells(self)}
        if len(seen) != 1:
            raise TypeError("mixed fills (Interior.Color is Null)")
        value = seen.pop()
        return None if value is None else tuple(int(value[i : i + 2], 16) for i in (1, 3, 5))

    def note_text(self: Any) -> str:
        calls["note_text"] += 1
        return _extras(self.range)["note_texts"].get(self.range.address.replace("$", ""), "")

    def raw_value(self: Any) -> Any:
        calls["values"] += 1
        return values_getter(self)

    # Desktop Excel applies a change at once: a read after a write sees it.
    set_color = _xlremote.Range.color.fset
    set_colors = _xlremote.Range.set_colors
    add_note = _xlremote.Range.add_note
    set_note = _xlremote.Note.text.fset
    delete_note = _xlremote.Note.delete

    def color_set(self: Any, value: Any) -> None:
        for r, c in _cells(self):
            _fill(_extras(self), (r, c), _xlremote._color_to_hex(value))
        set_color(self, value)

    def colors_set(self: Any, colors: Any) -> None:
        r0, c0 = self.arg1
        for i, row in enumerate(colors):
            for j, v in enumerate(row):
                if v is not ...:
                    _fill(_extras(self), (r0 + i, c0 + j), _xlremote._color_to_hex(v))
        set_colors(self, colors)

    def note_add(self: Any, text: str) -> Any:
        _extras(self)["note_texts"][self.address.replace("$", "")] = text
        return add_note(self, text)

    def note_set(self: Any, value: str) -> None:
        _extras(self.range)["note_texts"][self.range.address.replace("$", "")] = value
        set_note(self, value)

    def note_delete(self: Any) -> None:
        _extras(self.range)["note_texts"].pop(self.range.address.replace("$", ""), None)
        delete_note(self)

    monkeypatch.setattr(_xlremote.Range, "formula", property(formula, _xlremote.Range.formula.fset))
    monkeypatch.setattr(
        _xlremote.Range,
        "number_format",
        property(number_format, _xlremote.Range.number_format.fset),
    )
    monkeypatch.setattr(_xlremote.Range, "merge_cells", property(merge_cells))
    monkeypatch.setattr(_xlremote.Range, "merge_area", property(merge_area))
    monkeypatch.setattr(_xlremote.Range, "color", property(color, color_set))
    monkeypatch.setattr(_xlremote.Range, "set_colors", colors_set)
    monkeypatch.setattr(_xlremote.Range, "add_note", note_add)
    monkeypatch.setattr(
        _xlremote.Range, "raw_value", property(raw_value, _xlremote.Range.raw_value.fset)
    )
    monkeypatch.setattr(_xlremote.Note, "text", property(note_text, note_set))
    monkeypatch.setattr(_xlremote.Note, "delete", note_delete)
    return calls


# --- Excel running the actions -------------------------------------------------------------------


def _box(a: dict[str, Any]) -> Iterator[tuple[int, int]]:
    for i in range(a["row_count"]):
        for j in range(a["column_count"]):
            yield a["start_row"] + 1 + i, a["start_column"] + 1 + j


def _set_value(sheet: dict[str, Any], r: int, c: int, v: Any) -> None:
    values = sheet["values"]
    if values == [[]]:
        values[:] = [[""]]
    width = max(len(values[0]), c)
    for row in values:
        row.extend([""] * (width - len(row)))
    while len(values) < r:
        values.append([""] * width)
    values[r - 1][c - 1] = "" if v is None else v


def _fix_used(sheet: dict[str, Any]) -> None:
    values = sheet["values"]
    rows = [i for i, row in enumerate(values, 1) if any(v != "" for v in row)]
    cols = [j for row in values for j, v in enumerate(row, 1) if v != ""]
    if not rows:
        sheet["values"] = [[]]
        sheet["used_range_address"] = None
        return
    sheet["values"] = [row[: max(cols)] for row in values[: max(rows)]]
    sheet["used_range_address"] = f"$A$1:{_abs(max(rows), max(cols))}"


_LINK = re.compile(r'^=HYPERLINK\("(?:[^"]|"")*","((?:[^"]|"")*)"\)$', re.IGNORECASE)


def apply_actions(data: dict[str, Any], actions: list[dict[str, Any]]) -> dict[str, Any]:
    """The JSON of the workbook after Excel ran ``actions`` (saved and reopened)."""
    out = copy.deepcopy(data)
    sheets: list[dict[str, Any]] = out["sheets"]
    for a in actions:
        func, args = a["func"], a["args"]
        pos = a.get("sheet_position")
        sheet = sheets[pos] if isinstance(pos, int) and pos < len(sheets) else None
        ex = sheet.setdefault("_bl", {}) if sheet is not None else {}
        for key in ("formulas", "formats", "merged", "fills", "note_texts"):
            ex.setdefault(key, [] if key == "merged" else {})
        if func == "addSheet":
            ix, name = args
            sheets.insert(
                ix,
                {
                    "name": name,
                    "values": [[]],
                    "used_range_address": None,
                    "visibility": "Visible",
                    "pictures": [],
                    "tables": [],
                    "shapes": [],
                    "charts": [],
                    "notes": [],
                    "_bl": {
                        "formulas": {},
                        "formats": {},
                        "merged": [],
                        "fills": {},
                        "note_texts": {},
                    },
                },
            )
            out["book"]["active_sheet_index"] = ix
        elif func == "sheetDelete":
            assert sheet is not None
            sheets.remove(sheet)
            out["book"]["active_sheet_index"] = min(
                out["book"]["active_sheet_index"], len(sheets) - 1
            )
        elif func == "setSheetVisibility":
            assert sheet is not None
            sheet["visibility"] = args[0]
        elif func == "activateSheet":
            out["book"]["active_sheet_index"] = args[0]
        elif func == "setValues":
            assert sheet is not None
            for i, row in enumerate(a["values"]):
                for j, v in enumerate(row):
                    _set_value(sheet, a["start_row"] + 1 + i, a["start_column"] + 1 + j, v)
                    ex["formulas"].pop(
                        address(a["start_row"] + 1 + i, a["start_column"] + 1 + j), None
                    )
        elif func == "setFormula":
            assert sheet is not None
            for i, row in enumerate(a["values"]):
                for j, f in enumerate(row):
                    r, c = a["start_row"] + 1 + i, a["start_column"] + 1 + j
                    ex["formulas"][address(r, c)] = f
                    m = _LINK.match(f)
                    _set_value(sheet, r, c, m.group(1).replace('""', '"') if m else "")
        elif func == "setRangeColor":
            assert sheet is not None
            for rc in _box(a):
                _fill(ex, rc, args[0])
        elif func == "setRangeColors":
            assert sheet is not None
            matrix = args[0]
            for i, row in enumerate(matrix):
                for j, v in enumerate(row):
                    if v != "keep":
                        _fill(ex, (a["start_row"] + 1 + i, a["start_column"] + 1 + j), v)
        elif func == "setNumberFormat":
            assert sheet is not None
            for rc in _box(a):
                ex["formats"][address(*rc)] = args[0]
        elif func == "addNote":
            assert sheet is not None
            cell, text = args
            key = cell.replace("$", "")
            assert key not in ex["note_texts"], f"a second note on {key}"
            sheet["notes"].append({"address": cell})
            ex["note_texts"][key] = text
        elif func == "setNoteText":
            assert sheet is not None
            ex["note_texts"][args[0].replace("$", "")] = args[1]
        elif func == "deleteNote":
            assert sheet is not None
            key = args[0].replace("$", "")
            sheet["notes"] = [n for n in sheet["notes"] if n["address"].replace("$", "") != key]
            ex["note_texts"].pop(key, None)
    for sheet in sheets:
        _fix_used(sheet)
    return out


def _fill(ex: dict[str, Any], rc: tuple[int, int], value: str | None) -> None:
    key = address(*rc)
    if value is None:
        ex["fills"].pop(key, None)
    else:
        ex["fills"][key] = value.upper()


def content(data: dict[str, Any]) -> list[dict[str, Any]]:
    """What a person sees of a workbook: sheets, visibility, values, fills and notes."""
    out = []
    for s in data["sheets"]:
        ex = s.get("_bl", {})
        values = {
            address(r, c): v
            for r, row in enumerate(s["values"], 1)
            for c, v in enumerate(row, 1)
            if v != ""
        }
        out.append(
            {
                "name": s["name"],
                "visibility": s.get("visibility", "Visible"),
                "values": values,
                "fills": dict(ex.get("fills", {})),
                "notes": {
                    n["address"].replace("$", ""): ex.get("note_texts", {}).get(
                        n["address"].replace("$", "")
                    )
                    for n in s.get("notes", [])
                },
            }
        )
    return out


def actions(book: Any, func: str | None = None) -> list[dict[str, Any]]:
    """The actions a Book recorded (of one kind)."""
    return [a for a in book.json()["actions"] if func is None or a["func"] == func]


def dumps(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, default=str)


__all__ = [
    "actions",
    "apply_actions",
    "book_json",
    "column_index",
    "content",
    "desktop_reads",
    "load_xlwings",
]
