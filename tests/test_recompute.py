"""Headless recomputation (budgetlint.recompute) and writing the values back.

The workbooks are built with openpyxl, which writes formulas as text and no cached
values: exactly a workbook nobody calculated.
"""

from __future__ import annotations

import math
import re
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from budgetlint import udfs
from budgetlint.annotate.values import (
    cached_value,
    patch_sheet_values,
    set_full_calc_on_load,
    write_values,
)
from budgetlint.checker import check_grid
from budgetlint.cli import main
from budgetlint.grid import Grid, Sheet
from budgetlint.hosts import formulas_host, read_workbook
from budgetlint.hosts.formulas_host import FormulasEngine, subtotal
from budgetlint.recompute import (
    ExcelError,
    default_output,
    engine_text,
    recompute_file,
    recompute_grid,
    same_value,
    summary_lines,
)
from budgetlint.settings import Settings
from tests.xlsxkit import read_parts, write_parts

FORM = "项目1"
DATA = "数据"
BUDGET, EXECUTED = 987000.0, 969188.11


@pytest.fixture(scope="module")
def engine() -> FormulasEngine:
    """The formulas engine with the real UDFs (formulas is imported once per module)."""
    return FormulasEngine(udfs.FUNCTIONS)


# --- workbooks ---------------------------------------------------------------------------------


def write_form(ws: Worksheet, *, rate_cell: str = '=IF(D6=0,"",E6/D6)') -> None:
    """A canonical form S (columns A–I) whose rates, scores and totals are formulas."""
    ws["A1"] = "项目支出绩效自评表"
    ws["A2"], ws["B2"], ws["F2"], ws["G2"] = "项目名称", "测试项目", "项目金额", BUDGET
    ws["A3"], ws["B3"], ws["F3"], ws["G3"] = "主管部门", "某局", "实施单位", "某单位"
    ws["A4"] = "项目资金（元）"
    for col, label in zip(
        "CDEFGH", ("年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"), strict=True
    ):
        ws[f"{col}4"] = label
    ws["B5"], ws["B6"], ws["B7"], ws["B8"] = (
        "年度资金总额",
        "其中：当年财政拨款",
        "上年结转资金",
        "其他资金",
    )
    ws["C5"], ws["D5"], ws["E5"] = "=SUM(C6:C8)", "=SUM(D6:D8)", "=SUBTOTAL(9,E6:E8)"
    ws["F5"], ws["G5"], ws["H5"] = 10, "=E5/D5", "=ROUND(F5*MIN(G5,1),2)"
    ws["C6"], ws["D6"], ws["E6"], ws["F6"], ws["G6"], ws["H6"] = (
        BUDGET,
        BUDGET,
        EXECUTED,
        "—",
        rate_cell,
        "—",
    )
    # 上年结转资金: the budget comes from another sheet (a formula there)
    ws["C7"], ws["D7"], ws["E7"], ws["F7"], ws["G7"], ws["H7"] = (
        0,
        f"={DATA}!B2",
        0,
        "—",
        '=IF(D7=0,"",E7/D7)',
        "—",
    )
    ws["C8"], ws["D8"], ws["E8"], ws["F8"], ws["G8"], ws["H8"] = (
        0,
        0,
        0,
        "—",
        '=IF(D8=0,"",E8/D8)',
        "—",
    )
    ws["A9"], ws["B9"], ws["F9"] = "年度总体目标", "预期目标", "实际完成情况"
    ws["B10"], ws["F10"] = "完成培训", "已完成"
    ws["A11"] = "年度绩效指标"
    for j, h in enumerate(
        (
            "一级指标",
            "二级指标",
            "三级指标",
            "年度指标值",
            "实际完成值",
            "分值",
            "得分",
            "偏差原因分析及改进措施",
        )
    ):
        ws.cell(11, 2 + j, h)
    for r, (l1, l2, l3, target, actual, weight, score, reason) in enumerate(
        (
            (
                "产出指标",
                "数量指标",
                "培训期数",
                "30 期",
                "24 期",
                50,
                "=ROUND(G12*MIN(24/30,1),2)",
                "疫情影响",
            ),
            ("效益指标", "社会效益指标", "覆盖人数", "≥100人", "120人", 40, "=G13", ""),
        ),
        start=12,
    ):
        for j, v in enumerate((l1, l2, l3, target, actual, weight, score, reason)):
            if v != "":
                ws.cell(r, 2 + j, v)
    ws["A14"], ws["G14"], ws["H14"] = "总分", "=F5+SUM(G12:G13)", "=H5+SUBTOTAL(9,H12:H13)"
    # nested subtotals below the form: the outer SUBTOTAL leaves the inner one out
    ws["K20"], ws["K21"], ws["K22"] = 1, 2, "=SUBTOTAL(9,K20:K21)"
    ws["K23"], ws["K24"], ws["K25"] = 4, "=SUBTOTAL(9,K20:K23)", "=SUM(K20:K23)"
    ws["K26"], ws["K27"] = "=K25>5", "=K25/0"  # a boolean and an error


def form_book(path: Path, **kw: Any) -> Path:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = FORM
    write_form(ws, **kw)
    data = wb.create_sheet(DATA)
    data["A1"], data["B1"], data["B2"] = "结转", 5, "=B1*2"
    notes = wb.create_sheet("说明")
    notes["A1"], notes["B1"] = "备注", "=1/0"  # a formula on a sheet that is no form: not a target
    wb.save(path)
    return path


XLAM = r"file:///C:\Users\user\AppData\Roaming\Microsoft\AddIns\budgetlint.xlam"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def add_addin_link(path: Path, functions: tuple[str, ...] = ("BL_EXEC_RATE",)) -> Path:
    """Give ``path`` the external-link part Excel writes for an add-in's UDFs.

    Excel saves ``=BL_EXEC_RATE(E6,D6)`` typed in a workbook with the budgetlint
    add-in loaded as ``[1]!BL_EXEC_RATE(E6,D6)``: ``[1]`` is the first
    ``<externalReference>`` of workbook.xml, an externalLink part naming the
    functions, whose relationship targets the .xlam.
    """
    parts = read_parts(path)
    names = "".join(f'<definedName name="{n}"/>' for n in functions)
    parts["xl/externalLinks/externalLink1.xml"] = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
        '<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" mc:Ignorable="x14" '
        'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
        f'<externalBook xmlns:r="{R_NS}" r:id="rId1"><definedNames>{names}</definedNames>'
        "</externalBook></externalLink>"
    ).encode()
    parts["xl/externalLinks/_rels/externalLink1.xml.rels"] = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{R_NS}/externalLinkPath" Target="{XLAM}" '
        'TargetMode="External"/></Relationships>'
    ).encode()
    rels = parts["xl/_rels/workbook.xml.rels"].decode()
    parts["xl/_rels/workbook.xml.rels"] = rels.replace(
        "</Relationships>",
        f'<Relationship Id="rIdLink1" Type="{R_NS}/externalLink" '
        'Target="externalLinks/externalLink1.xml"/></Relationships>',
    ).encode()
    wb = parts["xl/workbook.xml"].decode()
    assert "</sheets>" in wb
    parts["xl/workbook.xml"] = wb.replace(
        "</sheets>",
        '</sheets><externalReferences><externalReference r:id="rIdLink1"/></externalReferences>',
    ).encode()
    ct = parts["[Content_Types].xml"].decode()
    parts["[Content_Types].xml"] = ct.replace(
        "</Types>",
        '<Override PartName="/xl/externalLinks/externalLink1.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.externalLink+xml"/></Types>',
    ).encode()
    return write_parts(path, parts)


def addin_book(path: Path) -> Path:
    form_book(path, rate_cell="=[1]!BL_EXEC_RATE(E6,D6)")
    return add_addin_link(path)


def cell_xml(xml: str, ref: str) -> str:
    m = re.search(rf'<c r="{ref}"(?:\s[^>]*?)?(?:/>|>.*?</c>)', xml)
    assert m, ref
    return m.group(0)


def sheet_part(path: Path, n: int = 1) -> str:
    with zipfile.ZipFile(path) as z:
        return z.read(f"xl/worksheets/sheet{n}.xml").decode()


# --- formula text ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("formula", "expected"),
    [
        ("=[1]!BL_EXEC_RATE(F5,E5)", "=BL_EXEC_RATE(F5,E5)"),
        (
            "=ROUND([2]!BL_FUND_SCORE(G5, 10),2)+[1]!BL_X(A1)",
            "=ROUND(BL_FUND_SCORE(G5, 10),2)+BL_X(A1)",
        ),
        (r"='C:\Users\x\budgetlint.xlam'!BL_EXEC_RATE(F5,E5)", "=BL_EXEC_RATE(F5,E5)"),
        ("=budgetlint.xlam!BL_GRADE(H14)", "=BL_GRADE(H14)"),
        ("=1+budgetlint.XLAM!BL_GRADE(H14)", "=1+BL_GRADE(H14)"),
        ("=_xll.BL_EXEC_RATE(F5,E5)", "=BL_EXEC_RATE(F5,E5)"),
        ("=PERSONAL.XLSB!MyFunc(1)+_xludf.BL_GRADE(2)", "=MyFunc(1)+BL_GRADE(2)"),
        # references to other workbooks' cells stay what they are
        ("=[1]Sheet1!A1+'C:\\d\\[b.xlsx]S'!B2", "=[1]Sheet1!A1+'C:\\d\\[b.xlsx]S'!B2"),
        ("='Sheet 2'!A1+SUM(数据!B1:B2)", "='Sheet 2'!A1+SUM(数据!B1:B2)"),
        # inside a string nothing changes
        ('="[1]!BL_EXEC_RATE(1,2)"&[1]!BL_GRADE(90)', '="[1]!BL_EXEC_RATE(1,2)"&BL_GRADE(90)'),
    ],
)
def test_engine_text_drops_addin_prefixes_of_functions_only(formula: str, expected: str) -> None:
    assert engine_text(formula) == expected


# --- values ------------------------------------------------------------------------------------------


def test_fund_block_totals_and_cross_sheet_reference(
    tmp_path: Path, engine: FormulasEngine
) -> None:
    grid = read_workbook(form_book(tmp_path / "f.xlsx"))
    assert len(grid.sheet(FORM).uncached()) == len(grid.sheet(FORM).formulas)
    rc = recompute_grid(grid, engine=engine)
    v = rc.values
    assert rc.form_sheets == [FORM]
    assert v[(DATA, 2, 2)] == 10  # the precedent on another sheet, evaluated first
    assert v[(FORM, 7, 4)] == 10
    assert v[(FORM, 5, 3)] == BUDGET
    assert v[(FORM, 5, 4)] == BUDGET + 10
    assert v[(FORM, 5, 5)] == pytest.approx(EXECUTED)  # SUBTOTAL(9, …)
    rate = EXECUTED / (BUDGET + 10)
    assert v[(FORM, 5, 7)] == pytest.approx(rate, rel=1e-15)
    assert v[(FORM, 5, 8)] == round(10 * rate, 2) == 9.82
    assert v[(FORM, 6, 7)] == pytest.approx(EXECUTED / BUDGET)
    assert v[(FORM, 8, 7)] == ""  # IF(D8=0,"",…)
    assert v[(FORM, 12, 8)] == 40.0
    assert v[(FORM, 14, 7)] == 100
    assert v[(FORM, 14, 8)] == pytest.approx(9.82 + 40 + 40)
    # nested SUBTOTAL: K24 leaves out K22; SUM counts it
    assert (v[(FORM, 22, 11)], v[(FORM, 24, 11)], v[(FORM, 25, 11)]) == (3, 7, 10)
    assert v[(FORM, 26, 11)] is True and v[(FORM, 27, 11)] == ExcelError("#DIV/0!")
    assert ("说明", 1, 2) not in v  # not a form, not a precedent
    assert rc.problems == [] and rc.blocked == {} and rc.stale == {}
    assert set(rc.filled) == set(v)
    assert set(rc.targets) == {(FORM, r, c) for r, c in grid.sheet(FORM).formulas}
    evaluated = rc.evaluated
    assert evaluated.index((DATA, 2, 2)) < evaluated.index((FORM, 7, 4))
    assert (
        evaluated.index((FORM, 5, 7))
        < evaluated.index((FORM, 5, 8))
        < evaluated.index((FORM, 14, 8))
    )


def test_each_formula_text_is_compiled_once(tmp_path: Path) -> None:
    """Sheets of the same layout share their compiled formulas."""
    wb = Workbook()
    first = wb.active
    assert first is not None
    first.title = "项目1"
    write_form(first)
    for n in (2, 3):
        write_form(wb.create_sheet(f"项目{n}"))
    wb.create_sheet(DATA)["B2"] = 10
    wb.save(tmp_path / "three.xlsx")
    grid = read_workbook(tmp_path / "three.xlsx")
    fresh = FormulasEngine(udfs.FUNCTIONS)
    rc = recompute_grid(grid, engine=fresh)
    texts = {f for s in grid.sheets[:3] for f in s.formulas.values()}
    assert len(rc.form_sheets) == 3
    # 18 texts, 15 shapes: =SUM(C6:C8) and =SUM(D6:D8) in C5 and D5 are one formula
    # filled right, the three =IF(Dn=0,"",En/Dn) of G6:G8 one filled down
    assert len(texts) == 18
    assert rc.compiled == fresh.compiled == 15
    assert len(rc.targets) == 3 * len(grid.sheets[0].formulas)
    again = recompute_grid(grid, engine=fresh)
    assert again.compiled == 0 and again.values == rc.values


def test_addin_udf_saved_with_an_external_link(tmp_path: Path, engine: FormulasEngine) -> None:
    path = addin_book(tmp_path / "addin.xlsx")
    grid = read_workbook(path)
    assert grid.sheet(FORM).formulas[(6, 7)] == "=[1]!BL_EXEC_RATE(E6,D6)"
    rc = recompute_grid(grid, engine=engine)
    assert rc.problems == []
    assert rc.values[(FORM, 6, 7)] == pytest.approx(EXECUTED / BUDGET)
    # the real BL_FUND_SCORE rounds the rate to two decimals first, as departments do
    wb_grid = Grid(
        "x", [Sheet("s", cells={(1, 1): 0.98195}, formulas={(1, 2): "=[1]!BL_FUND_SCORE(A1,10)"})]
    )
    fund = recompute_grid(wb_grid, cells=[("s", 1, 2)], engine=engine)
    assert fund.values[("s", 1, 2)] == pytest.approx(9.8)
    sheet = Sheet(
        "s",
        cells={(1, 1): "30 期", (1, 2): "24 期", (1, 3): 10, (1, 4): 67.14},
        formulas={
            (2, 1): "=[1]!BL_IND_SCORE(A1,B1,C1)",
            (2, 2): "=BL_GRADE(D1)",
            (2, 3): '=BL_EXEC_RATE("96.92 万元",987000)',
            (2, 4): "=BL_EXEC_RATE(E9,0)",
        },
    )
    rc = recompute_grid(Grid("x", [sheet]), cells=[("s", 2, c) for c in range(1, 5)], engine=engine)
    assert [rc.values[("s", 2, c)] for c in range(1, 4)] == [
        8.0,
        "合格",
        pytest.approx(0.98197, abs=1e-5),
    ]
    assert rc.values[("s", 2, 4)] == ""  # a blank amount: nothing to show


def test_udfs_from_the_registry_with_a_stand_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The default engine registers whatever budgetlint.udfs.FUNCTIONS holds, in the contract's terms."""
    seen: list[tuple[Any, ...]] = []

    def rate(executed: Any, budget: Any) -> Any:
        seen.append((executed, budget))
        if not budget:
            return ExcelError("#DIV/0!")
        return executed / budget

    def first(rows: Any, *rest: Any) -> Any:
        seen.append((rows, *rest))
        return len(rows) * 100 + len(rows[0])

    def boom(*args: Any) -> Any:
        raise RuntimeError("坏了")

    monkeypatch.setattr(
        udfs, "FUNCTIONS", {"BL_EXEC_RATE": rate, "BL_SHAPE": first, "BL_BOOM": boom}
    )
    monkeypatch.setattr(formulas_host, "_ENGINE", None)
    import datetime as dt

    sheet = Sheet(
        "s",
        cells={
            (1, 1): 50.0,
            (1, 2): 200,
            (2, 1): "#N/A",
            (2, 2): dt.datetime(2021, 12, 31),
            (3, 1): "文",
        },
        formulas={
            (5, 1): "=[1]!BL_EXEC_RATE(A1,B1)",
            (5, 2): "=BL_EXEC_RATE(A1,0)",
            (5, 3): "=BL_SHAPE(A1:B3,A4,B2,A2)",
            (5, 4): "=BL_BOOM(A1)",
            (5, 5): "=D5+1",
        },
    )
    grid = Grid("x", [sheet])
    try:
        rc = recompute_grid(grid, cells=[("s", 5, c) for c in range(1, 6)])
    finally:
        formulas_host._ENGINE = None  # the next default engine registers the real UDFs again
    assert rc.values[("s", 5, 1)] == 0.25
    assert rc.values[("s", 5, 2)] == ExcelError("#DIV/0!")
    assert rc.values[("s", 5, 3)] == 302  # 3 rows of 2
    rows, blank, date, error = seen[2]
    assert rows == [[50.0, 200], [ExcelError("#N/A"), dt.datetime(2021, 12, 31)], ["文", None]]
    assert blank is None and date == dt.datetime(2021, 12, 31) and error == ExcelError("#N/A")
    assert rc.values[("s", 5, 4)] == ExcelError("#VALUE!")
    [problem] = rc.problems
    assert (problem.kind, problem.cell) == ("udf", "D5")
    assert "BL_BOOM" in problem.message and "坏了" in problem.message
    assert rc.blocked == {("s", 5, 5): ("s", 5, 4)}
    assert set(rc.changed) == {("s", 5, c) for c in (1, 2, 3)}


def test_subtotal_function_numbers() -> None:
    values = [1.0, 2.0, 3.0, "文", None, True, ""]
    assert subtotal(9, values) == 6
    assert subtotal(1, values) == 2
    assert subtotal(2, values) == 3
    assert subtotal(3, values) == 6  # "" counts, a blank does not
    assert (subtotal(4, values), subtotal(5, values), subtotal(6, values)) == (3, 1, 6)
    assert subtotal(7, values) == pytest.approx(1.0)
    assert subtotal(8, values) == pytest.approx(math.sqrt(2 / 3))
    assert subtotal(10, values) == pytest.approx(1.0)
    assert subtotal(11, values) == pytest.approx(2 / 3)
    assert subtotal(1, []) == ExcelError("#DIV/0!")
    assert subtotal(4, []) == 0


def test_subtotal_in_formulas(engine: FormulasEngine) -> None:
    sheet = Sheet(
        "s",
        cells={(1, 1): 1, (2, 1): 2, (3, 1): "#DIV/0!", (1, 2): 5, (2, 2): 7},
        formulas={
            (5, 1): "=SUBTOTAL(109,A1:A2)",
            (5, 2): "=SUBTOTAL(9,A1:A3)",
            (5, 3): "=SUBTOTAL(104,A1:B2)",
            (5, 4): "=SUBTOTAL(1,A1:A2,B1:B2)",
            (5, 5): "=SUBTOTAL(13,A1:A2)",
            (6, 1): "=SUBTOTAL(9,A1:A2)",
            (7, 1): "=SUBTOTAL(9,A1:A6)",  # A5 and A6 are subtotals: left out
        },
    )
    rc = recompute_grid(
        Grid("x", [sheet]), cells=[("s", r, c) for r, c in sheet.formulas], engine=engine
    )
    v = {(r, c): rc.values[("s", r, c)] for r, c in sheet.formulas}
    assert v[(5, 1)] == 3 and v[(5, 2)] == ExcelError("#DIV/0!") and v[(5, 3)] == 7
    assert v[(5, 4)] == pytest.approx(15 / 4) and v[(5, 5)] == ExcelError("#VALUE!")
    assert v[(7, 1)] == ExcelError("#DIV/0!")  # A3's error still counts
    sheet.cells[(3, 1)] = 4
    rc = recompute_grid(Grid("x", [sheet]), cells=[("s", 7, 1)], engine=engine)
    assert rc.values[("s", 7, 1)] == 7


def test_excel_values_and_types(engine: FormulasEngine) -> None:
    import datetime as dt

    sheet = Sheet(
        "s",
        cells={(1, 1): dt.datetime(2021, 12, 31), (1, 2): "#N/A", (1, 3): "文"},
        formulas={
            (2, 1): "=A1+1",
            (2, 2): "=B1",
            (2, 3): '=C1&"字"',
            (2, 4): "=A1>1",
            (2, 5): "=E9",  # a blank cell reads 0
            (2, 6): "=_xlfn.IFS(1>2,1,TRUE,2)",
            (2, 7): "=ROW()*100+COLUMN()",
            (2, 8): "=SUM(A:A)",  # a whole column: the used area
            (2, 9): "=SQRT(-1)",
        },
    )
    rc = recompute_grid(
        Grid("x", [sheet]), cells=[("s", r, c) for r, c in sheet.formulas], engine=engine
    )
    v = [rc.values[("s", 2, c)] for c in range(1, 10)]
    assert v[0] == 44561 + 1  # 2021-12-31 is serial 44561
    assert v[1:6] == [ExcelError("#N/A"), "文字", True, 0, 2]
    assert v[6] == 207
    assert v[7] == 44561 + 44562
    assert v[8] == ExcelError("#NUM!")
    # a cached date shows the same serial: not stale
    assert same_value(dt.datetime(2021, 12, 31), 44561.0)
    assert same_value(0.98, 0.98 + 1e-13) and not same_value(0.98, 0.9801)
    assert not same_value(1, True) and same_value("#DIV/0!", ExcelError("#DIV/0!"))


# --- what cannot be recomputed ----------------------------------------------------------------------


def test_a_cycle_gets_ref_errors_and_a_clear_problem(engine: FormulasEngine) -> None:
    formulas = {
        (1, 1): "=A3+1",
        (2, 1): "=A1*2",
        (3, 1): "=A2",  # A1 -> A3 -> A2 -> A1
        (4, 1): "=A4",  # a cell that reads itself
        (5, 1): "=A1+B1",  # computed from a cycle: blocked
        (6, 1): "=B1*2",  # unaffected
    }
    sheet = Sheet("表", cells={(1, 2): 3}, formulas=formulas)
    started = time.monotonic()
    rc = recompute_grid(
        Grid("x", [sheet]), cells=[("表", r, c) for r, c in formulas], engine=engine
    )
    assert time.monotonic() - started < 5
    for r in (1, 2, 3, 4):
        assert rc.values[("表", r, 1)] == ExcelError("#REF!")
    assert {(p.cell, p.kind) for p in rc.problems} == {(f"A{r}", "cycle") for r in (1, 2, 3, 4)}
    by_cell = {p.cell: p for p in rc.problems}
    assert "循环引用" in by_cell["A1"].message
    for cell in ("表!A1", "表!A2", "表!A3"):
        assert cell in by_cell["A1"].message
    assert str(by_cell["A4"]) == "表!A4：循环引用：表!A4 → 表!A4"
    assert rc.blocked == {("表", 5, 1): ("表", 1, 1)}
    assert rc.values[("表", 6, 1)] == 6 and rc.changed == {("表", 6, 1): 6}


def test_a_long_chain_does_not_recurse(engine: FormulasEngine) -> None:
    n = 5000
    formulas = {(r, 1): f"=A{r - 1}+1" for r in range(2, n + 1)}
    sheet = Sheet("s", cells={(1, 1): 0}, formulas=formulas)
    fresh = FormulasEngine(udfs.FUNCTIONS)
    rc = recompute_grid(Grid("x", [sheet]), cells=[("s", n, 1)], engine=fresh)
    assert rc.values[("s", n, 1)] == n - 1
    assert len(rc.evaluated) == n - 1
    assert rc.compiled == 1  # a column filled down compiles once


def test_unsupported_functions_names_and_references(engine: FormulasEngine) -> None:
    formulas = {
        (1, 1): "=OFFSET(B1,1,0)",
        (2, 1): "=NOSUCHFUNC(B1)",
        (3, 1): "=[1]Sheet1!A1*2",
        (4, 1): "=MyRate*2",
        (5, 1): "=没有这张表!A1",
        (6, 1): "=SUM(B1:B2",
        (7, 1): "=A1+1",
    }
    sheet = Sheet("表", cells={(1, 2): 1, (2, 2): 2}, formulas=formulas)
    rc = recompute_grid(
        Grid("x", [sheet]), cells=[("表", r, c) for r, c in formulas], engine=engine
    )
    kinds = {p.cell: p.kind for p in rc.problems}
    assert kinds == {
        "A1": "function",
        "A2": "function",
        "A3": "external",
        "A4": "name",
        "A5": "reference",
        "A6": "syntax",
    }
    messages = {p.cell: str(p) for p in rc.problems}
    assert messages["A1"].startswith("表!A1：不支持的函数 OFFSET")
    assert "NOSUCHFUNC" in messages["A2"]
    assert "其他工作簿" in messages["A3"] and "MYRATE" in messages["A4"].upper()
    assert "没有这张表" in messages["A5"] and "公式无法解析" in messages["A6"]
    assert rc.blocked == {("表", 7, 1): ("表", 1, 1)}
    assert rc.changed == {}
    text = "\n".join(summary_lines(rc))
    assert "无法重算 6 个" in text and "表!A1：不支持的函数 OFFSET" in text


# --- writing back -------------------------------------------------------------------------------------


def test_write_back_touches_only_the_cached_values(tmp_path: Path, engine: FormulasEngine) -> None:
    src = addin_book(tmp_path / "in.xlsx")
    before = src.read_bytes()
    dst = tmp_path / "out" / "in.xlsx"
    rc, stats = recompute_file(src, dst, engine=engine)
    assert stats is not None and src.read_bytes() == before
    assert stats.cells == len(rc.changed) == len(rc.values)
    assert stats.written == {FORM: len(rc.targets), DATA: 1} and stats.missing == []

    old, new = read_parts(src), read_parts(dst)
    assert list(old) == list(new)
    touched = {"xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml"}
    for part in old:
        if part not in touched:
            assert new[part] == old[part], part
    # in the sheets, only the recomputed cells' <c> elements differ
    for n, sheet in ((1, FORM), (2, DATA)):
        a, b = (
            old[f"xl/worksheets/sheet{n}.xml"].decode(),
            new[f"xl/worksheets/sheet{n}.xml"].decode(),
        )
        refs = [f"{chr(64 + c)}{r}" for (s, r, c) in rc.values if s == sheet]
        for ref in refs:
            a = a.replace(cell_xml(a, ref), f"<{ref}/>")
            b = b.replace(cell_xml(b, ref), f"<{ref}/>")
        assert a == b

    xml = new["xl/worksheets/sheet1.xml"].decode()
    assert cell_xml(xml, "G6") == (
        f'<c r="G6"><f>[1]!BL_EXEC_RATE(E6,D6)</f><v>{EXECUTED / BUDGET!r}</v></c>'
    )
    assert cell_xml(xml, "G8") == '<c r="G8" t="str"><f>IF(D8=0,"",E8/D8)</f><v></v></c>'
    assert cell_xml(xml, "D5") == f'<c r="D5"><f>SUM(D6:D8)</f><v>{int(BUDGET + 10)}</v></c>'

    grid = read_workbook(dst)
    form = grid.sheet(FORM)
    assert form.uncached() == []
    for (sheet, r, c), value in rc.values.items():
        assert same_value(grid.sheet(sheet).cells[(r, c)], value), (sheet, r, c)
    assert form.cells[(8, 7)] == "" and form.cells[(6, 7)] == pytest.approx(EXECUTED / BUDGET)
    assert form.cells[(26, 11)] is True and form.cells[(27, 11)] == "#DIV/0!"
    assert cell_xml(xml, "K26") == '<c r="K26" t="b"><f>K25&gt;5</f><v>1</v></c>'
    assert cell_xml(xml, "K27") == '<c r="K27" t="e"><f>K25/0</f><v>#DIV/0!</v></c>'
    # the checker now sees computed values: no "formulas saved without values" note; the
    # input is checked with recomputed values (S408), or read as empty without recomputing
    codes = {f.code for f in check_grid(grid).findings}
    before = {f.code for f in check_grid(read_workbook(src)).findings}
    off = {f.code for f in check_grid(read_workbook(src), Settings(recompute=False)).findings}
    assert "S406" in off and "S406" not in before and "S408" in before
    assert not {"S406", "S407", "S408"} & codes
    # recomputing the copy finds nothing to change
    again, _ = recompute_file(dst, engine=engine)
    assert again.changed == {} and again.stale == {} and again.filled == []


def test_stale_cached_values_are_found_and_replaced(tmp_path: Path, engine: FormulasEngine) -> None:
    done = tmp_path / "done.xlsx"
    recompute_file(form_book(tmp_path / "f.xlsx"), done, engine=engine)
    # a department edits 全年执行数 with manual calculation on: the rates keep their old values
    parts = read_parts(done)
    xml = parts["xl/worksheets/sheet1.xml"].decode()
    old = cell_xml(xml, "E6")
    assert "969188.11" in old
    parts["xl/worksheets/sheet1.xml"] = xml.replace(
        old, old.replace("969188.11", "900000")
    ).encode()
    stale = write_parts(tmp_path / "stale.xlsx", parts)
    rc, _ = recompute_file(stale, engine=engine)
    assert rc.filled == []
    assert set(rc.stale) == {(FORM, 5, 5), (FORM, 5, 7), (FORM, 5, 8), (FORM, 6, 7), (FORM, 14, 8)}
    cached, new = rc.stale[(FORM, 5, 8)]
    assert (cached, new) == (9.82, round(10 * 900000 / (BUDGET + 10), 2))
    text = "\n".join(summary_lines(rc))
    assert "缓存值过期 5 个" in text and "项目1!H5  9.82 → 9.12" in text
    fixed = tmp_path / "fixed.xlsx"
    _, stats = recompute_file(stale, fixed, engine=engine)
    assert stats is not None and stats.cells == 5
    assert read_workbook(fixed).sheet(FORM).cells[(5, 8)] == 9.12


def test_cached_value_types() -> None:
    assert cached_value(0.98) == (None, "0.98")
    assert cached_value(100.0) == (None, "100")
    assert cached_value(7) == (None, "7")
    assert cached_value(True) == ("b", "1")
    assert cached_value(ExcelError("#DIV/0!")) == ("e", "#DIV/0!")
    assert cached_value("a<b & c") == ("str", "a&lt;b &amp; c")
    assert cached_value("x_x0041_y\x01") == ("str", "x_x005F_x0041_y_x0001_")
    with pytest.raises(ValueError):
        cached_value(float("nan"))


def test_patch_sheet_values_keeps_prefixes_types_and_other_cells() -> None:
    xml = (
        '<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        "<x:sheetData>"
        '<x:row r="1"><x:c r="A1" t="e"><x:f>1/0</x:f><x:v>#DIV/0!</x:v></x:c>'
        '<x:c r="B1" s="3"><x:f t="shared" ref="B1:B2" si="0">A1</x:f></x:c>'
        '<x:c r="C1" t="s"><x:v>0</x:v></x:c></x:row>'
        '<x:row r="2"><x:c r="B2" s="3"><x:f t="shared" si="0"/><x:v>5</x:v></x:c>'
        '<x:c r="C2"><x:v>1</x:v></x:c></x:row>'
        "</x:sheetData></x:worksheet>"
    )
    values = {(1, 1): 2.5, (1, 2): "文", (2, 2): False, (1, 3): 9, (5, 5): 1}
    out, done = patch_sheet_values(xml, values)
    assert done == {(1, 1), (1, 2), (2, 2)}  # C1 holds no formula, E5 does not exist
    assert '<x:c r="A1"><x:f>1/0</x:f><x:v>2.5</x:v></x:c>' in out
    assert (
        '<x:c r="B1" s="3" t="str"><x:f t="shared" ref="B1:B2" si="0">A1</x:f><x:v>文</x:v></x:c>'
        in out
    )
    assert '<x:c r="B2" s="3" t="b"><x:f t="shared" si="0"/><x:v>0</x:v></x:c>' in out
    assert '<x:c r="C1" t="s"><x:v>0</x:v></x:c>' in out and '<x:c r="C2"><x:v>1</x:v></x:c>' in out


def test_full_calc_on_load() -> None:
    main_ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    with_calc = (
        f'<workbook xmlns="{main_ns}"><sheets/><calcPr calcId="191029"/><extLst/></workbook>'
    )
    assert set_full_calc_on_load(with_calc) == (
        f'<workbook xmlns="{main_ns}"><sheets/><calcPr calcId="191029" fullCalcOnLoad="1"/><extLst/></workbook>'
    )
    without = f'<workbook xmlns="{main_ns}"><sheets/><definedNames/><fileRecoveryPr/></workbook>'
    assert set_full_calc_on_load(without) == (
        f'<workbook xmlns="{main_ns}"><sheets/><definedNames/><calcPr fullCalcOnLoad="1"/>'
        "<fileRecoveryPr/></workbook>"
    )


def test_write_values_without_changes_is_a_byte_copy(tmp_path: Path) -> None:
    src = form_book(tmp_path / "f.xlsx")
    out = tmp_path / "copy.xlsx"
    stats = write_values(src, out, {})
    assert stats.cells == 0 and out.read_bytes() == src.read_bytes()


# --- a big workbook ----------------------------------------------------------------------------------


def test_300_sheets_only_the_needed_cells_are_evaluated(
    tmp_path: Path, engine: FormulasEngine
) -> None:
    """One form among 299 sheets of figures (some with formulas of their own)."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = FORM
    write_form(ws)
    ws["D7"] = "=汇总!B2"  # 上年结转资金 from a chain of sheets: 汇总 -> 明细150 -> 明细151
    summary = wb.create_sheet("汇总")
    summary["B1"], summary["B2"] = "合计", "=明细150!C30+明细151!C30"
    for n in range(1, 299):
        sh = wb.create_sheet(f"明细{n}")
        for r in range(1, 31):
            sh.cell(r, 1, f"项目{r}")
            sh.cell(r, 2, r * n)
        sh["C30"] = "=SUM(B1:B29)"
        if n % 3 == 0:
            sh["D1"] = "=B1*100"  # formulas nobody references
    path = tmp_path / "big.xlsx"
    wb.save(path)
    assert len(wb.sheetnames) == 300

    started = time.monotonic()
    grid = read_workbook(path)
    read_s = time.monotonic() - started
    started = time.monotonic()
    rc = recompute_grid(grid, engine=engine)
    recompute_s = time.monotonic() - started
    targets = {(FORM, r, c) for r, c in grid.sheet(FORM).formulas}
    assert rc.form_sheets == [FORM]
    assert set(rc.evaluated) == targets | {("汇总", 2, 2), ("明细150", 30, 3), ("明细151", 30, 3)}
    assert len(rc.evaluated) == len(set(rc.evaluated))
    total = sum(r * 150 for r in range(1, 30)) + sum(r * 151 for r in range(1, 30))
    assert rc.values[(FORM, 7, 4)] == total
    assert rc.values[(FORM, 5, 4)] == BUDGET + total
    print(
        f"300 sheets: read {read_s:.2f} s, recompute {recompute_s:.2f} s, {len(rc.evaluated)} cells"
    )


def test_no_formulas_no_engine(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    def refuse() -> None:
        raise AssertionError("the engine must not be made")

    monkeypatch.setattr(formulas_host, "default_engine", refuse)
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws["A1"] = 1
    wb.save(tmp_path / "plain.xlsx")
    rc = recompute_grid(read_workbook(tmp_path / "plain.xlsx"))
    assert rc.targets == [] and rc.values == {}
    assert summary_lines(rc) == ["没有需要重算的公式单元格（未找到含公式的自评表）"]


def test_chosen_cells_and_their_precedents_only(tmp_path: Path, engine: FormulasEngine) -> None:
    grid = read_workbook(form_book(tmp_path / "f.xlsx"))
    rc = recompute_grid(grid, cells=[(FORM, 5, 8), ("说明", 1, 1)], engine=engine)
    assert rc.targets == [(FORM, 5, 8)]  # 说明!A1 holds no formula
    assert set(rc.evaluated) == {
        (FORM, 5, 8),
        (FORM, 5, 7),
        (FORM, 5, 5),
        (FORM, 5, 4),
        (FORM, 7, 4),
        (DATA, 2, 2),
    }


# --- the command line -------------------------------------------------------------------------------


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["recompute", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_writes_a_copy_beside_the_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = addin_book(tmp_path / "自评表.xlsx")
    before = src.read_bytes()
    code, out, err = run([str(src)], capsys)
    assert code == 0, err
    dst = tmp_path / "自评表.recomputed.xlsx"
    assert default_output(src) == dst and dst.exists() and src.read_bytes() == before
    assert "重算公式单元格 18 个（1 张自评表），另重算其引用的公式单元格 1 个" in out
    assert f"已写出 {dst}：更新缓存值 19 个" in out
    assert read_workbook(dst).sheet(FORM).uncached() == []
    # into a folder, and with a file name
    (tmp_path / "out").mkdir()
    assert run([str(src), "-o", str(tmp_path / "out")], capsys)[0] == 0
    assert (tmp_path / "out" / "自评表.xlsx").exists()
    assert run([str(src), "-o", str(tmp_path / "b.xlsx")], capsys)[0] == 0
    assert (tmp_path / "b.xlsx").exists()


def test_cli_in_place_keeps_a_backup(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = form_book(tmp_path / "表.xlsx")
    before = src.read_bytes()
    code, out, _ = run([str(src), "--in-place"], capsys)
    assert code == 0
    bak = tmp_path / "表.bak.xlsx"
    assert bak.read_bytes() == before
    assert f"已写回 {src}" in out and read_workbook(src).sheet(FORM).uncached() == []
    after = src.read_bytes()
    code, out, _ = run([str(src), "--in-place"], capsys)
    assert code == 0 and "没有需要更新的缓存值，文件未改动" in out
    assert src.read_bytes() == after and not (tmp_path / "表.bak2.xlsx").exists()


def test_cli_dry_run_problems_and_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = form_book(tmp_path / "表.xlsx")
    code, out, _ = run([str(src), "--dry-run"], capsys)
    assert code == 0 and "未写出文件（--dry-run）" in out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["表.xlsx"]

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    write_form(ws)
    ws["H13"] = "=OFFSET(G13,0,0)"
    wb.create_sheet(DATA)["B2"] = 10
    wb.save(tmp_path / "off.xlsx")
    code, out, _ = run([str(tmp_path / "off.xlsx")], capsys)
    assert code == 1
    assert "无法重算 1 个（不写入，保留原值）" in out
    assert "Sheet!H13：不支持的函数 OFFSET，无法重算：=OFFSET(G13,0,0)" in out
    assert "另有 1 个单元格引用了无法重算的单元格，不写入" in out  # H14 sums H13

    (tmp_path / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    code, _, err = run([str(tmp_path / "old.xls")], capsys)
    assert code == 2 and "只能把重算结果写回 .xlsx 或 .xlsm 文件" in err
    code, _, err = run([str(tmp_path / "没有.xlsx")], capsys)
    assert code == 2 and "文件不存在" in err
    code, _, err = run([str(src), "-o", str(src)], capsys)
    assert code == 2 and "--in-place" in err
    code, _, err = run([str(src), "-o", str(tmp_path / "x.xlsm")], capsys)
    assert code == 2 and "扩展名" in err
    code, _, err = run([str(src), "--in-place", "--dry-run"], capsys)
    assert code == 2 and "不能同时使用" in err
    (tmp_path / "bad.xlsx").write_bytes(b"not a zip")
    code, _, err = run([str(tmp_path / "bad.xlsx")], capsys)
    assert code == 2 and err.startswith("budgetlint: ")


def test_cli_full_calc_on_load(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = form_book(tmp_path / "表.xlsx")
    parts = read_parts(src)
    wb_xml = parts["xl/workbook.xml"].decode()
    parts["xl/workbook.xml"] = wb_xml.replace(
        ' fullCalcOnLoad="1"', ""
    ).encode()  # as Excel saves it
    write_parts(src, parts)
    code, _, _ = run([str(src), "-o", str(tmp_path / "a.xlsx")], capsys)
    assert code == 0
    assert read_parts(tmp_path / "a.xlsx")["xl/workbook.xml"] == read_parts(src)["xl/workbook.xml"]
    code, out, _ = run([str(src), "-o", str(tmp_path / "b.xlsx"), "--full-calc-on-load"], capsys)
    assert code == 0 and "fullCalcOnLoad" in out
    assert 'fullCalcOnLoad="1"' in read_parts(tmp_path / "b.xlsx")["xl/workbook.xml"].decode()
