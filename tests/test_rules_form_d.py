"""Form-D rules (D101–D106, D201–D204) on seed 002's 部门决算 tables and on copies with one figure changed.

The example workbook is the department's real 公开01–08表: their identities hold, up to the
0.01 万元 a sum of rounded amounts may miss its printed total (rounding notes, never an error
or a warning).  Each mutation changes one cell of the grid in memory and must raise the
expected rule at the cell that disagrees, with the arithmetic in the message.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from budgetlint.checker import check_grid
from budgetlint.findings import Finding
from budgetlint.grid import Grid, parse_address
from budgetlint.hosts import read_workbook
from budgetlint.model import Field
from budgetlint.model_d import DRow, DTable, FormD
from budgetlint.rules import REGISTRY
from budgetlint.rules.base import RuleContext
from budgetlint.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "中共深圳市委政法委员会_2019_部门决算.xlsx"
CODES = ("D101", "D102", "D103", "D104", "D105", "D106", "D201", "D202", "D203", "D204")


@pytest.fixture(scope="module")
def grid() -> Grid:
    return read_workbook(EXAMPLE)


def _mine(found: list[Finding]) -> list[Finding]:
    return [f for f in found if f.code in CODES]


def _check(grid: Grid) -> list[Finding]:
    return _mine(check_grid(grid, Settings(select=list(CODES))).findings)


def _mutate(grid: Grid, sheet: str, cell: str, value: float) -> Grid:
    """A copy of ``grid`` with one cell of one sheet changed (the grid itself untouched)."""
    rc = parse_address(cell)
    sheets = [
        replace(s, cells={**s.cells, rc: value}) if s.name == sheet else s for s in grid.sheets
    ]
    return Grid(grid.path, sheets)


def _at(found: list[Finding], code: str, sheet: str, cell: str) -> Finding:
    hits = [f for f in found if f.code == code and f.sheet == sheet and f.cell == cell]
    assert hits, f"no {code} at {sheet}!{cell}: " + "; ".join(
        f"{f.code} {f.sheet}!{f.cell} {f.severity} {f.message}" for f in found
    )
    return hits[0]


# --------------------------------------------------------------------------- the real tables


def test_every_form_d_rule_is_registered() -> None:
    for code in CODES:
        assert REGISTRY[code].form == "D", code


def test_example_raises_no_error_and_no_warning(grid: Grid) -> None:
    found = _check(grid)
    above = [f for f in found if f.severity.value != "note"]
    assert not above, [(f.code, f.sheet, f.cell, f.message) for f in above]
    # every note is a rounding difference, and says so
    assert all("舍入" in f.message for f in found), [f.message for f in found]


def test_example_sums_that_add_up_raise_nothing(grid: Grid) -> None:
    found = _check(grid)
    cells = {(f.sheet, f.cell) for f in found}
    assert ("公开06表", "C5") not in cells  # 301 工资福利支出 5,815.92 = Σ its 11 items
    assert ("公开07表", "G8") not in cells  # 决算 合计 81.55 = 28.46 + 39.46 + 13.63
    assert ("公开07表", "A8") not in cells  # 预算 合计 116.27 = 28.46 + 40 + 47.81
    assert ("公开01表", "C30") not in cells  # 本年收入合计 17820.76 = 16940.76 + 880.00
    assert ("公开01表", "F34") not in cells  # 收支总计 18212.02 both
    assert not [f for f in found if f.code in ("D106", "D201", "D202", "D203")]


def test_example_rounding_is_a_note_with_its_arithmetic(grid: Grid) -> None:
    """01's 类 add up to 17820.77 against 17820.76 printed: 6 rounded terms explain 0.035."""
    f = _at(_check(grid), "D101", "公开01表", "F30")
    assert f.severity.value == "note"
    assert "公开01表 收入支出决算总表" in f.message and "本年支出合计" in f.message
    assert f.expected == "17820.77" and f.actual == "17820.76"
    assert f.computation is not None and f.computation.endswith("= 17820.77")
    assert "“十九、住房保障支出” 1541.73" in f.computation


# --------------------------------------------------------------------------- one figure changed


def test_01_income_item_changed(grid: Grid) -> None:
    found = _check(_mutate(grid, "公开01表", "C13", 800.0))  # 七、其他收入 880.00 -> 800.00
    f = _at(found, "D101", "公开01表", "C30")
    assert f.severity.value == "error"
    assert "本年收入合计" in f.message and "应为 17740.76" in f.message
    assert (
        f.computation
        == "“一、一般公共预算财政拨款收入” 16940.76 + “七、其他收入” 800.00 = 17740.76"
    )
    g = _at(found, "D201", "公开02表", "I7")  # 02's 合计 其他收入 is the later table's cell
    assert g.severity.value == "error" and "公开01表" in g.message and "应为 800.00" in g.message
    assert "公开01表!C13" in g.related


def test_02_item_changed(grid: Grid) -> None:
    found = _check(_mutate(grid, "公开02表", "C11", 8057.97))  # 2013699 本年收入合计
    f = _at(found, "D102", "公开02表", "C11")
    assert f.severity.value == "error" and "2013699 其他共产党事务支出" in f.message
    assert f.computation == "财政拨款收入 7195.97 + 其他收入 880.00 = 8075.97"
    h = _at(found, "D103", "公开02表", "C9")  # 20136 款 = its 项
    assert h.severity.value == "error" and "应为 12998.85" in h.message
    assert "2013601 行政运行 4940.88 + 2013699 其他共产党事务支出 8057.97 = 12998.85" in (
        h.computation or ""
    )


def test_03_class_changed(grid: Grid) -> None:
    found = _check(_mutate(grid, "公开03表", "C20", 918.76))  # 208 本年支出合计
    f = _at(found, "D202", "公开03表", "C20")
    assert f.severity.value == "error"
    assert "208 社会保障和就业支出" in f.message and "应为 981.76" in f.message
    assert "公开01表!F14" in f.related
    assert "相差 63.00" in (f.computation or "")
    _at(found, "D102", "公开03表", "C20")  # 918.76 ≠ 598.37 + 383.38
    _at(found, "D103", "公开03表", "C20")  # 918.76 ≠ 20805 + 20827


def test_04_general_changed(grid: Grid) -> None:
    found = _check(_mutate(grid, "公开04表", "G7", 12585.32))  # 一般公共服务支出 一般公共预算
    f = _at(found, "D104", "公开04表", "F7")  # 合计 12558.32 ≠ 12585.32 + 空
    assert f.severity.value == "error" and "一般公共预算与政府性基金之和" in f.message
    assert f.computation == "一般公共预算财政拨款 12585.32 = 12585.32"
    _at(found, "D104", "公开04表", "G30")  # 本年支出合计 一般公共预算 = Σ 类
    g = _at(found, "D203", "公开05表", "C8")  # 05's 201 小计 is the later table's cell
    assert "应为 12585.32" in g.message and "公开04表 财政拨款收入支出决算总表" in g.message


def test_06_item_changed(grid: Grid) -> None:
    found = _check(_mutate(grid, "公开06表", "C7", 2609.5))  # 30102 津贴补贴
    f = _at(found, "D105", "公开06表", "C5")
    assert f.severity.value == "error"
    assert "301 工资福利支出" in f.message and "应为 5734.92" in f.message
    assert "30102 津贴补贴 2609.50" in (f.computation or "")


def test_05_basic_changed(grid: Grid) -> None:
    found = _check(_mutate(grid, "公开05表", "D7", 7130.37))  # 合计 基本支出
    f = _at(found, "D204", "公开06表", "C33")
    assert f.severity.value == "error" and "7130.37" in f.message
    assert "“人员经费合计” 6398.07 + “公用经费合计” 705.31 = 7103.38" in (f.computation or "")
    assert "公开05表!D7" in f.related
    _at(found, "D102", "公开05表", "C7")  # 16940.76 ≠ 7130.37 + 9837.39


def test_07_total_changed(grid: Grid) -> None:
    found = _check(_mutate(grid, "公开07表", "G8", 85.51))
    f = _at(found, "D106", "公开07表", "G8")
    assert f.severity.value == "error" and "决算数" in f.message and "应为 81.55" in f.message
    assert f.computation == (
        "“因公出国(境)费” 28.46 + “公务用车购置及运行费” 39.46 + “公务接待费” 13.63 = 81.55"
    )


def test_07_car_parent_zero_while_running_costs_hold_money(grid: Grid) -> None:
    found = _check(_mutate(grid, "公开07表", "I8", 0.0))  # 公务用车 小计 0.00, 运行费 39.46
    f = _at(found, "D106", "公开07表", "I8")
    assert f.severity.value == "error" and "应为 39.46" in f.message
    _at(found, "D106", "公开07表", "G8")  # 合计 81.55 ≠ 28.46 + 0 + 13.63


def test_a_missing_table_is_not_an_error(grid: Grid) -> None:
    sheets = [s for s in grid.sheets if s.name not in ("公开02表", "公开06表")]
    found = _check(Grid(grid.path, sheets))
    assert not [f for f in found if f.severity.value != "note"]


# --------------------------------------------------------------------------- hand-built tables


def _amount(sheet: str, cell: str, wan: float | None, decimals: int = 2) -> Field[float]:
    r, c = parse_address(cell)
    from budgetlint.grid import CellRef

    ref = CellRef(sheet, r, c)
    if wan is None:
        return Field(ref, None, None)
    return Field(ref, wan, wan * 10000.0, decimals=decimals, scale=0.0001, computed=True)


def _rate(sheet: str, cell: str, percent: float) -> Field[float]:
    r, c = parse_address(cell)
    from budgetlint.grid import CellRef

    return Field(
        CellRef(sheet, r, c), f"{percent:.2f}%", percent / 100, decimals=2, scale=100.0, sign="%"
    )


def _run(form: FormD, code: str) -> list[Finding]:
    ctx = RuleContext(settings=Settings(), family="final_accounts")
    return REGISTRY[code].run(form, ctx)


def _three_public(rows: dict[str, tuple[float | None, float | None, float | None, float]]) -> FormD:
    """A vertical 三公 table: item -> (上年决算数, 本年决算数, 增减金额, 增减幅度 %)."""
    t = DTable(sheet="三公", family="final_accounts", number=7)
    for i, (key, (prior, current, change, rate)) in enumerate(rows.items(), start=3):
        t.rows.append(
            DRow(
                key=key,
                label=Field(None, key, key),
                values={
                    "prior": _amount("三公", f"B{i}", prior),
                    "current": _amount("三公", f"C{i}", current),
                    "change": _amount("三公", f"D{i}", change),
                    "change_rate": _rate("三公", f"E{i}", rate),
                },
            )
        )
    return FormD(sheet="三公", family="final_accounts", tables={7: t})


def test_07_change_and_rate() -> None:
    good = {
        "total": (100.00, 81.55, -18.45, -18.45),
        "abroad": (30.00, 28.46, -1.54, -5.13),
        "car": (40.00, 39.46, -0.54, -1.35),
        "reception": (30.00, 13.63, -16.37, -54.57),
    }
    assert _run(_three_public(good), "D106") == []
    bad = dict(good)
    bad["reception"] = (30.00, 13.63, -16.37, -45.57)  # digits swapped
    bad["abroad"] = (30.00, 28.46, 1.54, 5.13)  # the sign lost
    found = _run(_three_public(bad), "D106")
    by_cell = {f.cell: f for f in found}
    assert by_cell["E6"].severity.value == "error" and "-54.57%" in by_cell["E6"].message
    assert "(13.63 − 30.00) ÷ 30.00" in (by_cell["E6"].computation or "")
    assert "本年决算数 28.46 − 上年决算数 30.00 = -1.54" in (by_cell["D4"].computation or "")


def test_07_rate_over_a_zero_prior_is_not_checked() -> None:
    rows = {"reception": (0.00, 13.63, 13.63, 100.0)}
    assert _run(_three_public(rows), "D106") == []


def test_same_figure_one_unit_apart_is_a_note() -> None:
    """04's 201 一般公共预算 12558.32 against 05's 12558.33: both rounded, one unit: a note."""

    def table(number: int, key: str, side: str, col: str, wan: float) -> DTable:
        t = DTable(sheet=f"公开0{number}表", family="final_accounts", number=number)
        t.rows.append(
            DRow(
                key=key,
                label=Field(None, "一般公共服务支出", "一般公共服务支出"),
                side=side,
                values={col: _amount(t.sheet, "G7" if number == 4 else "C8", wan)},
            )
        )
        return t

    form = FormD(
        sheet="公开04表",
        family="final_accounts",
        tables={
            4: table(4, "201", "expenditure", "general", 12558.32),
            5: table(5, "201", "", "total", 12558.33),
        },
    )
    [f] = _run(form, "D203")
    assert (f.sheet, f.cell, f.severity.value) == ("公开05表", "C8", "note")
    form.tables[5] = table(5, "201", "", "total", 12558.34)
    [f] = _run(form, "D203")
    assert f.severity.value == "error"
