"""The xlwings Lite workbook: its stored code, its UDFs, and its scripts on a Lite ``Book``.

The scripts run under CPython against xlwings' remote ``Book`` (``xw.Book(json=…)``),
the API the Lite runtime gives a ``@script``; the code run is the ``main.py`` read
back from the built workbook, with Lite's decorators (xlwings' Office.js
``func``/``arg``/``script``, which Lite uses) in place of the no-op ones xlwings
has on Linux.  See tests/xlwings_fixtures.py for the remote Book.
"""

from __future__ import annotations

import asyncio
import copy
import dataclasses
import html
import re
import types
import zipfile
from pathlib import Path
from typing import Any

import pytest

from budgetlint import __version__, addin, udfs
from budgetlint.annotate import summary as S
from budgetlint.checker import check_file, check_grid, link_projects
from budgetlint.cli import main as cli_main
from budgetlint.grid import address
from budgetlint.hosts import xlwings_host as H
from budgetlint.lite import XLWINGS_VERSION
from budgetlint.lite import build as B
from budgetlint.results import FileResult
from budgetlint.settings import Settings
from tests.xlwings_fixtures import actions, apply_actions, book_json, content, load_xlwings

ROOT = Path(__file__).resolve().parent.parent
COMMITTED = ROOT / B.WORKBOOK
EXAMPLES = ROOT / "examples"
SEED = EXAMPLES / "深圳市社会组织管理局_2021_项目支出绩效自评表.xlsx"
OURS = {S.SHEET_NAME, H.STATE_SHEET}


@pytest.fixture
def xw(monkeypatch: pytest.MonkeyPatch) -> Any:
    return load_xlwings(monkeypatch)


@pytest.fixture
def lite(xw: Any, monkeypatch: pytest.MonkeyPatch) -> types.ModuleType:
    """The workbook's main.py, executed with Lite's decorators (udfs restored afterwards)."""
    from xlwings.pro import udfs_officejs as O

    for name, f in (("func", O.xlfunc), ("arg", O.xlarg), ("ret", O.xlret), ("script", O.script)):
        monkeypatch.setattr(xw, name, f)
    for name in udfs.FUNCTIONS:
        monkeypatch.setattr(udfs, name, getattr(udfs, name))  # undo decorate() at teardown
    source = B.read_properties(COMMITTED)["main.py"]
    module = types.ModuleType("main")
    module.__file__ = "main.py"
    exec(compile(source, "main.py", "exec"), module.__dict__)
    return module


def run_script(script: Any, book: Any) -> None:
    """Call a script as the Lite runtime does: ``await wrapper(current_user, book)``."""
    assert asyncio.run(script(None, book)) is book


def _fills(data: dict[str, Any]) -> dict[tuple[str, str], str]:
    return {
        (s["name"], a): f
        for s in data["sheets"]
        if s["name"] not in OURS
        for a, f in s.get("_bl", {}).get("fills", {}).items()
    }


def _marks(ref: FileResult) -> dict[tuple[str, str], str]:
    assert ref.grid is not None
    return {
        (sheet, address(*rc)): addin.severity_fill(found)
        for sheet, cells in addin.mark_targets(ref.grid, ref.findings).items()
        for rc, found in cells.items()
    }


def _expected(xw: Any, data: dict[str, Any]) -> dict[tuple[str, str], str]:
    """What check_grid flags in what a Lite Book shows (read apart from the script's run)."""
    grid = H.LiveBook(xw.Book(json=copy.deepcopy(data))).read_grid()
    settings = dataclasses.replace(Settings(), recompute=False)
    result = check_grid(grid, settings)
    link_projects(result, result.projects, settings)  # the workbook alone, as the add-in checks it
    return _marks(result)


#: Examples whose findings depend on number formats (a percentage cell), which the
#: remote engine cannot read: there Lite flags more than ``budgetlint check``.
#: In the forms P, a score of 5.0 against 4.52 is wrong at its one printed decimal but reads
#: as 5 (right when rounded to a whole point) without its number format.
FORMAT_DEPENDENT = {
    "版式-指标值分列",
    "版式-部门预算10加90",
    "中共深圳市委政法委员会_2019_项目绩效情况自评表",
}


# --- the workbook ------------------------------------------------------------------------------


def test_committed_workbook_is_a_fresh_build() -> None:
    assert COMMITTED.read_bytes() == B.build_bytes(), "run: budgetlint lite build"


def test_properties_hold_code_and_requirements_in_lites_format() -> None:
    with zipfile.ZipFile(COMMITTED) as z:
        xml = z.read(B.WEBEXTENSION).decode("utf-8")
        rels = z.read("_rels/.rels").decode()
        types_xml = z.read("[Content_Types].xml").decode()
    assert "webextensiontaskpanes" in rels
    assert "application/vnd.ms-office.webextension+xml" in types_xml
    assert f'<we:reference id="{B.STORE_ID}"' in xml
    # As Lite stores it: each file a JSON string (\n escapes, \/), XML-escaped, in a property.
    raw = dict(re.findall(r'<we:property name="([^"]+)" value="([^"]*)"/>', xml))
    assert set(raw) == {"main.py", "requirements.txt"}
    assert raw["main.py"].startswith("&quot;") and "\\n" in raw["main.py"]
    assert "\n" not in raw["main.py"]
    assert html.unescape(raw["requirements.txt"]) == B.encode_value(B.requirements())

    props = B.read_properties(COMMITTED)
    assert props["main.py"] == B.main_source()
    lines = props["requirements.txt"].splitlines()
    assert lines[0].startswith(f"xlwings=={XLWINGS_VERSION}")
    assert lines[1] == f"budgetlint=={__version__}"


def test_xlwings_pin_matches_pyproject() -> None:
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert f'"xlwings=={XLWINGS_VERSION};' in text.replace("'", '"').replace(" ;", ";")


def test_build_with_wheel_urls(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = "https://pkg.intranet.example/budgetlint/budgetlint-0.1.0-py3-none-any.whl"
    out = tmp_path / "lite.xlsx"
    assert cli_main(["lite", "build", "-o", str(out), "--wheel-url", url]) == 0
    assert "已生成 xlwings Lite 工作簿" in capsys.readouterr().out
    req = B.read_properties(out)["requirements.txt"].splitlines()
    assert req[1:] == [url]
    assert B.read_properties(out)["main.py"] == B.main_source()


def test_read_properties_refuses_a_plain_workbook() -> None:
    with pytest.raises(B.BuildError):
        B.read_properties(SEED)


# --- the UDFs and scripts as Lite registers them ---------------------------------------------------


def _classic_udf_names() -> list[str]:
    from budgetlint.xlam import build as xlam_build

    return re.findall(r"^Function (BL_\w+)\(", xlam_build._udf_source(), re.MULTILINE)


def test_udf_names_equal_the_classic_addins(lite: types.ModuleType) -> None:
    from xlwings.pro.udfs_officejs import custom_functions_meta

    meta = custom_functions_meta(lite)
    names = sorted(f["name"] for f in meta["functions"])
    classic = _classic_udf_names()
    assert classic and sorted(classic) == sorted(udfs.FUNCTIONS)
    assert names == sorted(classic)
    by_name = {f["name"]: f for f in meta["functions"]}
    # the Chinese descriptions travel with them
    assert by_name["BL_EXEC_RATE"]["description"]
    assert all(p.get("description") for p in by_name["BL_EXEC_RATE"]["parameters"])
    # and the functions are the module's own: same result as plain Python
    assert lite.BL_EXEC_RATE(969188.11, 987000) == udfs.BL_EXEC_RATE(969188.11, 987000)


def test_scripts_registered_with_chinese_names(lite: types.ModuleType) -> None:
    from xlwings.pro.udfs_officejs import custom_scripts_meta

    meta = {m["function_name"]: m for m in custom_scripts_meta(lite)}
    assert {k: m.get("name") for k, m in meta.items()} == {
        "bl_check": "检查",
        "bl_clear": "清除",
        "bl_recompute": "重算",
    }


# --- the scripts on a Lite Book ------------------------------------------------------------------


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.xlsx")), ids=lambda p: p.stem)
def test_check_colours_exactly_the_flagged_cells(
    xw: Any, lite: types.ModuleType, path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = book_json(path)
    book = xw.Book(json=copy.deepcopy(data))
    run_script(lite.bl_check, book)
    printed = capsys.readouterr().out
    assert "已复核" in printed and S.SHEET_NAME in printed
    after = apply_actions(data, book.json()["actions"])
    expected = _expected(xw, data)
    assert _fills(after) == expected
    settings = dataclasses.replace(Settings(), recompute=False)
    alone = check_file(path, settings)
    link_projects(alone, alone.projects, settings)  # the workbook alone, as the add-in checks it
    file_marks = _marks(alone)
    assert (expected == file_marks) == (path.stem not in FORMAT_DEPENDENT)
    names = [s["name"] for s in after["sheets"]]
    assert names[0] == S.SHEET_NAME and H.STATE_SHEET in names
    summary = next(s for s in after["sheets"] if s["name"] == S.SHEET_NAME)
    assert str(summary["values"][0][0]).startswith(S.SHEET_NAME)
    # notes where the client offers them (Office.js): one per marked cell
    assert len(actions(book, "addNote")) == len(expected)


def test_clear_restores_the_workbook(xw: Any, lite: types.ModuleType) -> None:
    data = book_json(SEED)
    book = xw.Book(json=copy.deepcopy(data))
    run_script(lite.bl_check, book)
    checked = apply_actions(data, book.json()["actions"])  # saved, closed, reopened
    book2 = xw.Book(json=copy.deepcopy(checked))
    run_script(lite.bl_clear, book2)
    cleared = apply_actions(checked, book2.json()["actions"])
    assert content(cleared) == content(data)
    book3 = xw.Book(json=copy.deepcopy(cleared))
    assert addin.clear_book(book3).found is False


def test_clear_without_a_check_says_so(
    xw: Any, lite: types.ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    book = xw.Book(json=copy.deepcopy(book_json(SEED)))
    run_script(lite.bl_clear, book)
    assert "无需清除" in capsys.readouterr().out
    assert actions(book) == []


def test_recompute_asks_excel_then_checks(
    xw: Any, lite: types.ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    data = book_json(SEED)
    book = xw.Book(json=copy.deepcopy(data))
    run_script(lite.bl_recompute, book)
    assert "已请 Excel 完全重算并复核 15 张自评表" in capsys.readouterr().out
    assert actions(book, "calculate") or any(
        "calc" in a["func"].lower() for a in book.json()["actions"]
    )
    after = apply_actions(data, book.json()["actions"])
    assert _fills(after) == _expected(xw, data)


def test_an_error_is_a_message_not_a_traceback(
    xw: Any, lite: types.ModuleType, capsys: pytest.CaptureFixture[str], monkeypatch: Any
) -> None:
    from budgetlint.lite import scripts

    def boom(*_a: Any, **_k: Any) -> Any:
        raise RuntimeError("工作表受保护")

    monkeypatch.setattr(scripts, "check_book", boom)
    book = xw.Book(json=copy.deepcopy(book_json(SEED)))
    run_script(lite.bl_check, book)
    out = capsys.readouterr().out
    assert "检查时出错：工作表受保护" in out and "Traceback" not in out
