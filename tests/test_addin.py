"""The Excel add-in's Python side (budgetlint.addin) on real xlwings objects.

The books are xlwings' remote engine (``xw.Book(json=...)``, as xlwings Server and
Lite build them) loaded with the example workbooks; what the add-in does to them
is the list of actions the Book records (``book.json()``).  ``desktop_reads``
makes the engine answer the reads only desktop Excel has (formulas, number
formats, merged areas, fills, note texts); ``apply_actions`` plays the actions
as Excel would, so a test can save, close and reopen the workbook between two
buttons.  See tests/xlwings_fixtures.py.
"""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from budgetlint import addin
from budgetlint.annotate import summary as S
from budgetlint.annotate.comments import SEPARATOR, note_runs
from budgetlint.checker import check_file, link_projects
from budgetlint.findings import Finding, Severity
from budgetlint.grid import MergedRange, address, parse_address
from budgetlint.hosts import read_workbook
from budgetlint.hosts import xlwings_host as H
from budgetlint.results import FileResult
from budgetlint.style import FILL, css_hex
from tests.xlwings_fixtures import (
    actions,
    apply_actions,
    book_json,
    content,
    desktop_reads,
    load_xlwings,
)

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
SEED = EXAMPLES / "深圳市社会组织管理局_2021_项目支出绩效自评表.xlsx"
ALL_EXAMPLES = sorted(EXAMPLES.glob("*.xlsx"))


@pytest.fixture
def xw(monkeypatch: pytest.MonkeyPatch) -> Any:
    return load_xlwings(monkeypatch)


@pytest.fixture
def desktop(xw: Any, monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    return desktop_reads(monkeypatch)


def open_book(xw: Any, data: dict[str, Any]) -> Any:
    """A Book over a copy of ``data`` (the remote engine edits the dict it is given)."""
    return xw.Book(json=copy.deepcopy(data))


def checked_alone(path: Path) -> FileResult:
    """``check_file`` as ``budgetlint check FILE`` finishes it: the workbook checked alone, its
    narrative's project summaries held to its own forms P (what the add-in does)."""
    ref = check_file(path)
    link_projects(ref, ref.projects)
    return ref


def expected_marks(path: Path) -> dict[tuple[str, tuple[int, int]], str]:
    """(sheet, cell) -> fill of what ``budgetlint check --annotate`` marks in ``path``."""
    ref = checked_alone(path)
    assert ref.grid is not None
    out = {}
    for sheet, cells in addin.mark_targets(ref.grid, ref.findings).items():
        for rc, found in cells.items():
            out[(sheet, rc)] = addin.severity_fill(found)
    return out


def fills_of(
    data: dict[str, Any], skip: frozenset[str] | set[str] = frozenset()
) -> dict[tuple[str, tuple[int, int]], str]:
    return {
        (s["name"], parse_address(a)): f
        for s in data["sheets"]
        if s["name"] not in skip
        for a, f in s.get("_bl", {}).get("fills", {}).items()
    }


def sheet_of(data: dict[str, Any], name: str) -> dict[str, Any]:
    return next(s for s in data["sheets"] if s["name"] == name)


def state_of(data: dict[str, Any]) -> H.State:
    sheet = sheet_of(data, H.STATE_SHEET)
    return H.State.from_column([row[0] for row in sheet["values"]])


OURS = {S.SHEET_NAME, H.STATE_SHEET}


# --- the module imports anywhere ------------------------------------------------------------------


def test_imports_without_xlwings() -> None:
    code = (
        "import sys; sys.modules['xlwings'] = None\n"
        "import inspect, budgetlint.addin as a, budgetlint.hosts.xlwings_host\n"
        "for name in ('check', 'recompute', 'clear', 'export_report', 'about'):\n"
        "    assert not inspect.signature(getattr(a, name)).parameters, name\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('xlwings', 'openpyxl', 'numpy', 'formulas') and sys.modules[m] is not None))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert out.stdout.strip() == "[]"


# --- pure helpers ----------------------------------------------------------------------------------


def test_union_chunks_respect_excels_address_limit() -> None:
    cells = [(r, c) for r in range(1, 400, 3) for c in (2, 3, 4, 7)]
    chunks = H.union_chunks(cells)
    assert len(chunks) > 1
    assert all(len(ch) <= H.MAX_ADDRESS for ch in chunks)
    covered = set()
    for ch in chunks:
        for piece in ch.split(","):
            m = H.parse_range(piece)
            covered |= {
                (r, c)
                for r in range(m.min_row, m.max_row + 1)
                for c in range(m.min_col, m.max_col + 1)
            }
    assert covered == set(cells)
    assert H.compact_addresses([(5, 3), (5, 4), (5, 5), (7, 1)]) == ["C5:E5", "A7"]


def test_helpers() -> None:
    assert H.parse_range("$B$2:$D$4") == MergedRange(2, 2, 4, 4)
    assert H.parse_range("'表 1'!C5") == MergedRange(5, 3, 5, 3)
    assert H.hex_fill((255, 199, 206)) == "#FFC7CE"
    assert H.hex_fill("#ffc7ce") == "#FFC7CE"
    assert H.hex_fill(None) is None
    assert H.cell_value(30.0) == 30 and isinstance(H.cell_value(30.0), int)
    assert H.cell_value(0.98) == 0.98
    import datetime as dt

    assert H.cell_value(dt.datetime(2021, 12, 31)) == "2021年12月31日"
    blocks = H.number_blocks([(5, 3), (5, 4), (6, 3), (6, 4), (9, 3), (5, 8)])
    assert blocks == [MergedRange(5, 3, 6, 4), MergedRange(5, 8, 5, 8), MergedRange(9, 3, 9, 3)]


def test_state_round_trips_in_chunks() -> None:
    long_note = "说明😀" * 20000  # more than one cell can hold, astral characters included
    state = H.State(
        summary_sheet="复核结果",
        active_sheet="表1",
        created="2026-01-01T00:00:00",
        cells=[
            H.CellState("表1", "C5", None, "#FFC7CE", "added", None, "x"),
            H.CellState("表1", "D5", "#00FF00", "#FFEB9C", "merged", long_note, long_note + "y"),
        ],
    )
    column = state.cells_column()
    assert column[0] == [H.STATE_TITLE]
    assert len(column) > 3
    assert all(len(row[0].encode("utf-16-le")) // 2 <= 32767 for row in column[1:])
    back = H.State.from_column([row[0] for row in column])
    assert back == state


# --- check ----------------------------------------------------------------------------------------


def test_check_marks_exactly_the_flagged_cells(xw: Any) -> None:
    data = book_json(SEED)
    book = open_book(xw, data)
    summary = addin.check_book(book)
    after = apply_actions(data, book.json()["actions"])

    marks = expected_marks(SEED)
    assert fills_of(after, OURS) == marks
    assert summary.cells_marked == len(marks)
    assert summary.forms == 15
    # batched: one set_colors matrix per sheet with findings, and one for the summary
    sheets_marked = {s for s, _ in marks}
    colours = len(set(marks.values()))
    fill_calls = actions(book, "setRangeColors") + actions(book, "setRangeColor")
    assert len(fill_calls) == len(sheets_marked) + 1
    assert len(fill_calls) - 1 <= colours * len(sheets_marked)


@pytest.mark.parametrize("path", ALL_EXAMPLES, ids=lambda p: p.stem)
def test_check_with_desktop_reads_equals_the_file_check(
    xw: Any, desktop: Counter[str], path: Path
) -> None:
    """With formulas, formats, merged areas and notes readable, the live check is the file check."""
    data = book_json(path)
    book = open_book(xw, data)
    summary = addin.check_book(book)
    ref = checked_alone(path)
    key = lambda f: (f.sheet, f.cell, f.code, f.severity, f.message)  # noqa: E731
    assert sorted(map(key, summary.findings)) == sorted(map(key, ref.findings))
    after = apply_actions(data, book.json()["actions"])
    assert fills_of(after, OURS) == expected_marks(path)


def test_notes_carry_the_annotators_text(xw: Any) -> None:
    data = book_json(SEED)
    book = open_book(xw, data)
    summary = addin.check_book(book)
    assert summary.result.grid is not None
    targets = addin.mark_targets(summary.result.grid, summary.findings)
    notes = {
        # positions as they were when the notes went in (the summary is inserted later)
        (data["sheets"][a["sheet_position"]]["name"], a["args"][0].replace("$", "")): a["args"][1]
        for a in actions(book, "addNote")
    }
    assert len(notes) == summary.notes_added == summary.cells_marked
    for sheet, cells in targets.items():
        for rc, found in cells.items():
            _xml, texts = note_runs("", found, merged=False)
            assert notes[(sheet, address(*rc))] == "".join(texts)
            assert notes[(sheet, address(*rc))].startswith("budgetlint 复核：\n[")


def test_summary_sheet(xw: Any) -> None:
    data = book_json(SEED)
    book = open_book(xw, data)
    summary = addin.check_book(book)
    after = apply_actions(data, book.json()["actions"])
    assert after["sheets"][0]["name"] == S.SHEET_NAME == summary.summary_sheet
    assert after["book"]["active_sheet_index"] == 0  # the summary is shown
    values = after["sheets"][0]["values"]
    n = len(summary.findings)
    assert values[0][0] == f"{S.SHEET_NAME}（共 {n} 条）"
    assert values[1][0].startswith(f"文件：{SEED.name}　复核时间：")
    counts = {values[i][1]: values[i][2] for i in range(2, 6)}
    c = summary.result.counts()
    assert counts == {
        "错误": c[Severity.ERROR],
        "警告": c[Severity.WARNING],
        "提示": c[Severity.NOTE],
        "已说明": 0,
    }
    assert tuple(values[S.HEADER_ROW - 1]) == S.HEADERS
    rows = values[S.HEADER_ROW : S.HEADER_ROW + n]
    assert [r[0] for r in rows] == list(range(1, n + 1))
    errors_first = [r[4] for r in rows]
    assert errors_first == sorted(errors_first, key=["错误", "警告", "提示"].index)
    by_row = {(r[1], r[2], r[3]): r for r in rows}
    for f in summary.findings:
        r = by_row[(f.sheet, f.cell, f.code)]
        assert r[5] == f.message and r[6] == (f.expected or "") and r[7] == (f.actual or "")
    # the 单元格 column links to each cell; text stays text outside it
    links = sheet_of(after, S.SHEET_NAME)["_bl"]["formulas"]
    first = rows[0]
    assert links[f"C{S.HEADER_ROW + 1}"] == (
        f'=HYPERLINK("#\'{first[1]}\'!{first[2]}","{first[2]}")'
    )
    formats = sheet_of(after, S.SHEET_NAME)["_bl"]["formats"]
    assert formats["F9"] == "@" and "C9" not in formats
    # severity colours on the 级别 column, batched with the header into one call
    fills = sheet_of(after, S.SHEET_NAME)["_bl"]["fills"]
    assert fills[f"E{S.HEADER_ROW + 1}"] == css_hex(FILL[Severity.ERROR]).upper()
    assert fills["A8"] == "#" + S.HEADER_FILL[-6:]
    # the checker skips our sheet when the book is checked again (Grid.added_sheets)
    book2 = open_book(xw, after)
    grid = H.LiveBook(book2).read_grid()
    assert grid.added_sheets == {S.SHEET_NAME}


def test_link_formula_quotes() -> None:
    f = Finding("S101", Severity.ERROR, '张三\'s "表"', "C5", "m")
    assert addin.link_formula(f) == '=HYPERLINK("#\'张三\'\'s ""表""\'!C5","C5")'
    whole = Finding("S101", Severity.ERROR, "表", "", "m")
    assert addin.link_formula(whole) == '=HYPERLINK("#\'表\'!A1","（整表）")'


def test_state_is_very_hidden_and_written_before_any_change(xw: Any) -> None:
    data = book_json(SEED)
    book = open_book(xw, data)
    addin.check_book(book)
    acts = book.json()["actions"]
    funcs = [a["func"] for a in acts]
    state_add = funcs.index("addSheet")
    assert acts[state_add]["args"][1] == H.STATE_SHEET
    first_change = min(funcs.index("setRangeColors"), funcs.index("addNote"))
    hide = funcs.index("setSheetVisibility")
    assert state_add < hide < first_change
    assert acts[hide]["args"] == ["VeryHidden"]
    after = apply_actions(data, acts)
    assert sheet_of(after, H.STATE_SHEET)["visibility"] == "VeryHidden"
    state = state_of(after)
    assert state.summary_sheet == S.SHEET_NAME
    assert state.active_sheet == data["sheets"][0]["name"]
    assert len(state.cells) == len(expected_marks(SEED))
    # the remote engine cannot read fills: the originals are unknown, clear restores none
    assert {c.fill for c in state.cells} == {H.UNKNOWN}


def test_remote_engine_capabilities(xw: Any) -> None:
    book = open_book(xw, book_json(SEED))
    live = H.LiveBook(book)
    grid = live.read_grid()
    assert len(grid.sheets) == 15
    assert all(not s.formats and not s.merged and not s.formulas for s in grid.sheets)
    assert set(live.caps.missing()) >= {"读取公式", "读取数字格式", "读取合并单元格"}
    assert live.calls["read.values"] == 15  # one call per sheet


def test_read_calls_are_per_sheet_not_per_cell(xw: Any, desktop: Counter[str]) -> None:
    data = book_json(SEED)
    live = H.LiveBook(open_book(xw, data))
    grid = live.read_grid()
    ref = read_workbook(SEED)
    for got, want in zip(grid.sheets, ref.sheets, strict=True):
        assert got.cells == want.cells
        assert got.formats == want.formats
        assert sorted(got.merged, key=lambda m: m.ref) == sorted(want.merged, key=lambda m: m.ref)
    n = len(grid.sheets)
    cells = sum(len(s.cells) for s in grid.sheets)
    assert desktop["values"] == n and desktop["formula"] == n
    per_sheet = (desktop["number_format"] + desktop["merge_cells"] + desktop["merge_area"]) / n
    assert per_sheet < 60, dict(desktop)
    assert cells / n > 2 * per_sheet  # far fewer calls than cells
    print(f"\nlive read of {n} sheets ({cells} cells): {dict(desktop)}")


# --- clear and a second check ---------------------------------------------------------------------


def _with_user_marks(data: dict[str, Any]) -> tuple[dict[str, Any], str, str, str]:
    """The seed with a fill and a note of the user's on flagged cells, and a fill elsewhere."""
    marks = sorted(expected_marks(SEED))
    (sheet, rc_fill), (sheet2, rc_note) = marks[0], marks[1]
    assert sheet == sheet2
    s = sheet_of(data, sheet)
    s["_bl"]["fills"][address(*rc_fill)] = "#00B050"
    s["_bl"]["fills"]["A1"] = "#FFFF00"
    note_cell = address(*rc_note)
    s["notes"].append({"address": "$" + note_cell[0] + "$" + note_cell[1:]})
    s["_bl"]["note_texts"][note_cell] = "财务科：金额已核对"
    return data, sheet, address(*rc_fill), note_cell


def test_clear_restores_fills_and_notes_after_reopening(xw: Any, desktop: Counter[str]) -> None:
    data, sheet, fill_cell, note_cell = _with_user_marks(book_json(SEED))
    book = open_book(xw, data)
    summary = addin.check_book(book)
    assert summary.notes_merged == 1
    checked = apply_actions(data, book.json()["actions"])  # saved, closed ...
    s = sheet_of(checked, sheet)
    merged_note = s["_bl"]["note_texts"][note_cell]
    assert merged_note.startswith("财务科：金额已核对" + SEPARATOR + "budgetlint 复核：")
    assert s["_bl"]["fills"][fill_cell] != "#00B050"

    book2 = open_book(xw, checked)  # ... and reopened
    done = addin.clear_book(book2)
    assert done.found and done.summary_removed
    assert done.cells_restored == summary.cells_marked
    assert done.notes_removed == summary.notes_added and done.notes_restored == 1
    cleared = apply_actions(checked, book2.json()["actions"])
    assert content(cleared) == content(data)
    assert cleared["book"]["active_sheet_index"] == data["book"]["active_sheet_index"]


def test_clear_on_the_remote_engine(xw: Any) -> None:
    data = book_json(SEED)
    book = open_book(xw, data)
    addin.check_book(book)
    checked = apply_actions(data, book.json()["actions"])
    book2 = open_book(xw, checked)
    done = addin.clear_book(book2)
    cleared = apply_actions(checked, book2.json()["actions"])
    assert content(cleared) == content(data)
    # batched: one fill call per sheet (no fills read on this engine)
    assert len(actions(book2, "setRangeColors")) == len({s for s, _ in expected_marks(SEED)})
    assert len(actions(book2, "deleteNote")) == done.notes_removed


def test_clear_leaves_what_the_user_changed_since(xw: Any, desktop: Counter[str]) -> None:
    data = book_json(SEED)
    book = open_book(xw, data)
    addin.check_book(book)
    checked = apply_actions(data, book.json()["actions"])
    (sheet, rc), *_ = sorted(expected_marks(SEED))
    repainted = sheet_of(checked, sheet)
    repainted["_bl"]["fills"][address(*rc)] = "#123456"  # the user's own colour now
    edited = next(
        n["address"].replace("$", "")
        for n in repainted["notes"]
        if n["address"].replace("$", "") != address(*rc)
    )
    repainted["_bl"]["note_texts"][edited] = "我改过的批注"
    book2 = open_book(xw, checked)
    done = addin.clear_book(book2)
    assert done.cells_left == 1
    cleared = apply_actions(checked, book2.json()["actions"])
    s = sheet_of(cleared, sheet)
    assert s["_bl"]["fills"][address(*rc)] == "#123456"
    assert s["_bl"]["note_texts"][edited] == "我改过的批注"


def test_second_check_clears_the_first(xw: Any, desktop: Counter[str]) -> None:
    data, sheet, _fill_cell, note_cell = _with_user_marks(book_json(SEED))
    book = open_book(xw, data)
    addin.check_book(book)
    once = apply_actions(data, book.json()["actions"])
    book2 = open_book(xw, once)
    summary = addin.check_book(book2)
    assert summary.cleared_previous
    twice = apply_actions(once, book2.json()["actions"])  # a second note on a cell would fail
    assert [s["name"] for s in twice["sheets"]] == [s["name"] for s in once["sheets"]]
    # the same marks, notes and record (only the times on the summary and the record differ)
    assert content(twice)[1:-1] == content(once)[1:-1]
    assert state_of(twice).cells == state_of(once).cells
    assert sheet_of(twice, sheet)["_bl"]["note_texts"][note_cell].count(SEPARATOR) == 1


def test_no_form_says_what_it_saw(xw: Any) -> None:
    data = {
        "client": "Office.js",
        "version": xw.__version__,
        "book": {"name": "名单.xlsx", "active_sheet_index": 0, "selection": "A1"},
        "names": [],
        "sheets": [
            {
                "name": "人员名单",
                "values": [["姓名", "科室"], ["张三", "财务科"]],
                "notes": [],
                "pictures": [],
                "tables": [],
            },
            {"name": "Sheet2", "values": [[]], "notes": [], "pictures": [], "tables": []},
        ],
    }
    book = open_book(xw, data)
    summary = addin.check_book(book)
    assert summary.summary_sheet is None and summary.forms == 0
    assert "没有找到可识别的绩效自评表" in summary.message
    assert "[人员名单]" in summary.message and "[Sheet2]" in summary.message
    assert not actions(book, "addSheet") and not actions(book, "setRangeColors")


# --- the entry points -------------------------------------------------------------------------------


@pytest.fixture
def caller(xw: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Any:
    """Make ``xw.Book.caller()`` return a given book; the log goes to tmp_path."""
    monkeypatch.setattr(addin, "LOG_PATH", tmp_path / "addin.log")
    monkeypatch.setattr(addin, "_log_handler", None)

    def use(book: Any) -> Any:
        monkeypatch.setattr(xw.Book, "_mock_caller", book, raising=False)
        return book

    yield use
    if addin._log_handler is not None:
        addin.log.removeHandler(addin._log_handler)
        addin._log_handler.close()


def alerts(book: Any) -> list[list[Any]]:
    return [a["args"] for a in actions(book, "alert")]


def test_entry_check_and_clear(xw: Any, caller: Any) -> None:
    data = book_json(SEED)
    book = caller(open_book(xw, data))
    addin.check()
    assert not alerts(book)  # the summary sheet speaks
    assert actions(book, "addNote")
    book2 = caller(open_book(xw, apply_actions(data, book.json()["actions"])))
    addin.clear()
    assert not alerts(book2)
    book3 = caller(open_book(xw, apply_actions(data, [])))
    addin.clear()
    [(message, title, _buttons, mode, _cb)] = alerts(book3)
    assert "没有 budgetlint 的复核标注" in message and title == addin.TITLE and mode == "info"


def test_entry_errors_are_message_boxes(
    xw: Any, caller: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    book = caller(open_book(xw, book_json(SEED)))

    def broken(book: Any, settings: Any = None) -> Any:
        raise RuntimeError("COM 调用失败")

    monkeypatch.setattr(addin, "check_book", broken)
    addin.check()  # never raises
    [(message, _title, _b, mode, _cb)] = alerts(book)
    assert mode == "critical"
    assert message.startswith("复核时出错：COM 调用失败")
    assert "Traceback" not in message and str(addin.LOG_PATH) in message
    assert "RuntimeError: COM 调用失败" in addin.LOG_PATH.read_text(encoding="utf-8")


def test_entry_no_form(xw: Any, caller: Any) -> None:
    data = book_json(SEED)
    data["sheets"] = [
        {
            "name": "封面",
            "values": [["2021年度绩效自评"]],
            "notes": [],
            "pictures": [],
            "tables": [],
        }
    ]
    book = caller(open_book(xw, data))
    addin.check()
    [(message, *_)] = alerts(book)
    assert "没有找到可识别的绩效自评表" in message and "[封面]" in message


def test_settings_come_from_the_workbooks_folder(xw: Any, caller: Any, tmp_path: Path) -> None:
    folder = tmp_path / "区县A"
    folder.mkdir()
    data = book_json(SEED)
    data["book"]["name"] = str(folder / SEED.name)
    (folder / "budgetlint.toml").write_text('ignore = ["S2"]\n', encoding="utf-8")
    summary = addin.check_book(open_book(xw, data))
    assert summary.findings and not any(f.code.startswith("S2") for f in summary.findings)
    book = caller(open_book(xw, data))
    addin.about()
    [(message, *_)] = alerts(book)
    assert f"设置文件：{folder / 'budgetlint.toml'}" in message
    assert f"xlwings {xw.__version__}" in message and "budgetlint 0." in message

    (folder / "budgetlint.toml").write_text("rounding_units = 'half'\n", encoding="utf-8")
    book = caller(open_book(xw, data))
    addin.check()
    [(message, _t, _b, mode, _cb)] = alerts(book)
    assert mode == "critical" and message.startswith("设置文件有误，未能复核")
    assert "rounding_units" in message


def test_limits_from_settings(xw: Any) -> None:
    from budgetlint.settings import Settings

    with pytest.raises(H.ReadError, match="max_sheets"):
        addin.check_book(open_book(xw, book_json(SEED)), Settings(max_sheets=3))
    message = addin.error_message("复核", H.ReadError("x.xlsx: 共有 15 张工作表"))
    assert message.startswith("无法读取工作簿，未能复核")


def test_export_report(xw: Any, caller: Any, tmp_path: Path) -> None:
    data = book_json(SEED)
    data["book"]["name"] = str(tmp_path / SEED.name)
    book = caller(open_book(xw, data))
    addin.export_report()
    [(message, *_)] = alerts(book)
    path = tmp_path / (SEED.stem + addin.REPORT_SUFFIX)
    assert message == f"复核报告已保存到：\n{path}"
    html = path.read_text(encoding="utf-8")
    assert "<html" in html and data["sheets"][0]["name"] in html
    assert not actions(book, "addSheet")  # the workbook is not changed

    xlsx = addin.export_report_book(open_book(xw, data), tmp_path / "r.xlsx")
    assert xlsx.stat().st_size > 0

    unsaved = caller(open_book(xw, book_json(SEED)))  # a name without a folder
    addin.export_report()
    [(message, *_)] = alerts(unsaved)
    assert "尚未保存" in message


# --- recompute -----------------------------------------------------------------------------------


def _with_bl_sheet(data: dict[str, Any]) -> dict[str, Any]:
    data["sheets"].append(
        {
            "name": "测算",
            "values": [[969188.11, 987000, 0.5, 0.981953505572442, "#NAME?"]],
            "used_range_address": "$A$1:$E$1",
            "visibility": "Visible",
            "notes": [],
            "pictures": [],
            "tables": [],
            "_bl": {
                "formulas": {
                    "C1": "=BL_EXEC_RATE(A1,B1)",
                    "D1": "=[1]!BL_EXEC_RATE(A1,B1)",
                    "E1": "='C:\\addin\\budgetlint.xlam'!BL_EXEC_RATE(A1,B1)",
                },
                "formats": {},
                "merged": [],
                "fills": {},
                "note_texts": {},
            },
        }
    )
    return data


def test_recompute_asks_excel_then_compares_bl_cells(xw: Any, desktop: Counter[str]) -> None:
    data = _with_bl_sheet(book_json(EXAMPLES / "版式-全国万元.xlsx"))
    book = open_book(xw, data)
    summary = addin.recompute_book(book)
    funcs = [a["func"] for a in book.json()["actions"]]
    assert funcs[0] == "calculate"  # Excel's own full calculation first, then the check
    assert summary.summary_sheet == S.SHEET_NAME and summary.forms == 2
    assert summary.bl_cells == 3
    assert {(m.sheet, m.cell) for m in summary.mismatches} == {("测算", "C1"), ("测算", "E1")}
    assert "测算!C1：Excel 为 0.5，budgetlint 为 0.98195" in summary.message
    assert "#NAME?" in summary.message
    # nothing of the user's is overwritten: values go into the state and summary sheets only
    firsts = [a["values"][0][0] for a in actions(book, "setValues")]
    assert firsts == [H.STATE_TITLE, f"{S.SHEET_NAME}（共 {len(summary.findings)} 条）"]


def test_recompute_without_bl_cells(xw: Any, caller: Any) -> None:
    book = caller(open_book(xw, book_json(SEED)))
    addin.recompute()
    [(message, *_)] = alerts(book)
    assert message.startswith("已请 Excel 完全重算并复核 15 张自评表")
    assert "没有使用 BL_ 函数的公式" in message


# --- desktop Excel paths without desktop Excel -------------------------------------------------


class _Recorder:
    """A sheet whose ranges record fills: the union-address path of desktop Excel."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, Any]] = []
        outer = self

        class _Range:
            def __init__(self, addr: str) -> None:
                self.addr = addr

            @property
            def count(self) -> int:
                return sum(
                    (m.max_row - m.min_row + 1) * (m.max_col - m.min_col + 1)
                    for m in map(H.parse_range, self.addr.split(","))
                )

            @property
            def color(self) -> Any:
                raise AssertionError("not read here")

            @color.setter
            def color(self, value: Any) -> None:
                outer.calls.append((self.addr, value))

        self._Range = _Range

    def range(self, addr: Any, *_: Any) -> Any:
        return self._Range(addr)

    @property
    def api(self) -> object:
        return object()


def test_paint_with_union_ranges() -> None:
    class _App:
        class engine:
            name = "excel"

    class _Book:
        app = _App()

    live = H.LiveBook(_Book())  # type: ignore[arg-type]
    sheet = _Recorder()
    red, yellow = "#FFC7CE", "#FFEB9C"
    fills: dict[tuple[int, int], str | None] = {(r, 3): red for r in range(1, 200)}
    fills.update({(r, 5): yellow for r in range(1, 200, 2)})
    fills[(3, 9)] = None
    live.paint(sheet, fills)  # type: ignore[arg-type]
    by_colour: dict[Any, set[tuple[int, int]]] = {}
    for addr, colour in sheet.calls:
        assert len(addr) <= H.MAX_ADDRESS
        for piece in addr.split(","):
            m = H.parse_range(piece)
            by_colour.setdefault(colour, set()).update(
                (r, c)
                for r in range(m.min_row, m.max_row + 1)
                for c in range(m.min_col, m.max_col + 1)
            )
    assert by_colour == {
        red: {rc for rc, f in fills.items() if f == red},
        yellow: {rc for rc, f in fills.items() if f == yellow},
        None: {(3, 9)},
    }
    # one call per colour, more only where an address passes 255 characters
    assert len(sheet.calls) == sum(
        len(H.union_chunks([rc for rc, f in fills.items() if f == c])) for c in (red, yellow, None)
    )
    assert len(sheet.calls) < 10


class _SnapshotBook:
    """A remote Book whose ``api`` saves a copy as desktop Excel's Workbook.SaveCopyAs does."""

    def __init__(self, book: Any, source: Path) -> None:
        self._book = book
        self.source = source
        self.saved: list[str] = []
        outer = self

        class _Api:
            FileFormat = 51

            def SaveCopyAs(self, path: str) -> None:  # the COM method's name
                outer.saved.append(path)
                shutil.copyfile(outer.source, path)

        class _AppApi:
            EnableEvents = True

        self.api = _Api()
        self._app_api = _AppApi()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._book, name)

    @property
    def app(self) -> Any:
        app = self._book.app
        outer = self

        class _App:
            engine = app.engine
            api = outer._app_api

            def __getattr__(self, name: str) -> Any:
                return getattr(app, name)

        return _App()


def test_snapshot_reads_what_the_file_check_reads(xw: Any) -> None:
    data = book_json(SEED)
    book = _SnapshotBook(open_book(xw, data), SEED)
    live = H.LiveBook(book, snapshot=True)  # type: ignore[arg-type]
    grid = live.read_grid()
    assert len(book.saved) == 1 and not Path(book.saved[0]).exists()  # the copy is removed
    assert book._app_api.EnableEvents is True  # events back on
    ref = read_workbook(SEED)
    assert [s.name for s in grid.sheets] == [s.name for s in ref.sheets]
    for got, want in zip(grid.sheets, ref.sheets, strict=True):
        assert (got.cells, got.formats, got.merged) == (want.cells, want.formats, want.merged)
    assert grid.path == SEED.name
    assert live.calls["read.values"] == 0 and live.calls["read.snapshot"] == 1
    summary = addin.check_book(book, live=live)  # type: ignore[arg-type]
    assert {(f.sheet, f.cell, f.code) for f in summary.findings} == {
        (f.sheet, f.cell, f.code) for f in check_file(SEED).findings
    }


def test_snapshot_falls_back_to_the_live_reader(xw: Any) -> None:
    data = book_json(SEED)
    book = _SnapshotBook(open_book(xw, data), SEED)
    book.api.FileFormat = 56  # .xls: the file reader would get no formats or notes
    live = H.LiveBook(book, snapshot=True)  # type: ignore[arg-type]
    grid = live.read_grid()
    assert not book.saved and live.calls["read.values"] == 15
    assert len(grid.sheets) == 15


def test_state_sheet_json_is_compact(xw: Any) -> None:
    data = book_json(SEED)
    book = open_book(xw, data)
    addin.check_book(book)
    state = state_of(apply_actions(data, book.json()["actions"]))
    text = state.to_json()
    assert json.loads(text)["format"] == "budgetlint-live"
    assert "复核结果" in text  # not \\u-escaped: a third of the size


def test_a_clean_workbook_gets_a_summary_and_nothing_else(xw: Any) -> None:
    from budgetlint.settings import Settings

    data = book_json(SEED)
    book = open_book(xw, data)
    summary = addin.check_book(book, Settings(ignore=["S", "X"]))
    assert summary.forms == 15 and not summary.findings and summary.cells_marked == 0
    after = apply_actions(data, book.json()["actions"])
    assert after["sheets"][0]["values"][S.HEADER_ROW][0] == "未发现问题。"
    assert fills_of(after, OURS) == {} and not actions(book, "addNote")
    book2 = open_book(xw, after)
    assert addin.clear_book(book2).summary_removed
    assert content(apply_actions(after, book2.json()["actions"])) == content(data)


def test_explained_findings_are_listed_not_marked(xw: Any, desktop: Counter[str]) -> None:
    data = book_json(SEED)
    (sheet, rc), *_ = sorted(expected_marks(SEED))
    s = sheet_of(data, sheet)
    cell = address(*rc)
    s["notes"].append({"address": cell})
    s["_bl"]["note_texts"][cell] = "【已说明】经财政局同意调整"
    book = open_book(xw, data)
    summary = addin.check_book(book)
    explained = [f for f in summary.findings if f.explained]
    assert explained and all((f.sheet, f.cell) == (sheet, cell) for f in explained)
    after = apply_actions(data, book.json()["actions"])
    assert (sheet, rc) not in fills_of(after, OURS)
    assert sheet_of(after, sheet)["_bl"]["note_texts"][cell] == "【已说明】经财政局同意调整"
    values = after["sheets"][0]["values"]
    assert values[5][1:3] == ["已说明", len(explained)]
    last = values[S.HEADER_ROW + len(summary.findings) - 1]  # explained rows come last
    assert last[4] == Severity(explained[-1].severity).label
    assert last[9] == "已说明：经财政局同意调整"


def test_a_note_the_engine_cannot_read_is_left_alone(xw: Any) -> None:
    data = book_json(SEED)
    (sheet, rc), *_ = sorted(expected_marks(SEED))
    cell = address(*rc)
    s = sheet_of(data, sheet)
    s["notes"].append({"address": cell})
    s["_bl"]["note_texts"][cell] = "用户的批注"
    book = open_book(xw, data)
    summary = addin.check_book(book)
    assert summary.notes_kept == 1
    assert summary.notes_added == summary.cells_marked - 1
    checked = apply_actions(data, book.json()["actions"])
    assert sheet_of(checked, sheet)["_bl"]["note_texts"][cell] == "用户的批注"
    assert (sheet, rc) in fills_of(checked, OURS)  # still marked
    book2 = open_book(xw, checked)
    addin.clear_book(book2)
    cleared = apply_actions(checked, book2.json()["actions"])
    assert content(cleared) == content(data)


def test_formula_cells_keep_an_empty_result(xw: Any, desktop: Counter[str]) -> None:
    data = {
        "client": "Office.js",
        "version": xw.__version__,
        "book": {"name": "f.xlsx", "active_sheet_index": 0, "selection": "A1"},
        "names": [],
        "sheets": [
            {
                "name": "表",
                "values": [[1, "", 2]],
                "used_range_address": "$A$1:$C$1",
                "notes": [],
                "pictures": [],
                "tables": [],
                "_bl": {
                    "formulas": {"B1": '=IF(A1=1,"",A1)', "C1": "=A1*2"},
                    "formats": {},
                    "merged": [],
                    "fills": {},
                    "note_texts": {},
                },
            }
        ],
    }
    sheet = H.LiveBook(open_book(xw, data)).read_grid().sheets[0]
    assert sheet.cells == {(1, 1): 1, (1, 2): "", (1, 3): 2}
    assert sheet.formulas == {(1, 2): '=IF(A1=1,"",A1)', (1, 3): "=A1*2"}
    assert sheet.uncached() == []  # live Excel has a value for every formula
