"""The committed form-D example: fresh, nine sheets, the seed's values at their cells."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.cell.cell import Cell
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from budgetlint.build.form_d import (
    EXAMPLE_PATH,
    NARRATIVE_SHEET,
    amount_cell,
    build_all,
    example_workbook,
    prints_thousands,
)
from budgetlint.build.seed_d import AMOUNT, CODE, LINE, NARRATIVE, TABLES, SeedTable

REPO = Path(__file__).resolve().parents[1]
SHEETS = [f"公开0{n}表" for n in range(1, 9)] + [NARRATIVE_SHEET]

Example = tuple[dict[str, Worksheet], dict[str, dict[str, str]]]


@pytest.fixture(scope="module")
def example() -> Example:
    """The committed workbook, opened with openpyxl, and the writer's address maps."""
    wb = load_workbook(REPO / EXAMPLE_PATH)
    _, maps = example_workbook()
    return {ws.title: ws for ws in wb.worksheets}, maps


def _cell(example: Example, sheet: str, key: str) -> Cell:
    sheets, maps = example
    return sheets[sheet][maps[sheet][key]]


def _shown(value: float, number_format: str) -> str:
    """The text a number format shows for ``value`` (the formats the writer uses)."""
    decimals = len(number_format.partition(".")[2])
    return f"{value:,.{decimals}f}" if number_format.startswith("#,##") else f"{value:.{decimals}f}"


# --- freshness ---------------------------------------------------------------


def test_committed_workbook_is_byte_identical_to_a_fresh_build(tmp_path: Path) -> None:
    written = build_all(tmp_path)
    assert [p.relative_to(tmp_path) for p in written] == [EXAMPLE_PATH]
    committed = REPO / EXAMPLE_PATH
    assert committed.is_file(), f"{EXAMPLE_PATH} is missing: run python -m budgetlint.build"
    assert written[0].read_bytes() == committed.read_bytes(), (
        f"{EXAMPLE_PATH} is stale: run python -m budgetlint.build"
    )


def test_the_build_entry_point_runs_the_form_d_builder() -> None:
    from budgetlint.build.__main__ import OPTIONAL_BUILDERS

    assert "budgetlint.build.form_d" in OPTIONAL_BUILDERS


# --- layout ------------------------------------------------------------------


def test_nine_sheets_in_document_order(example: Example) -> None:
    sheets, maps = example
    assert list(sheets) == SHEETS == list(maps)


@pytest.mark.parametrize("table", TABLES, ids=[t.mark for t in TABLES])
def test_title_mark_department_unit_and_note(example: Example, table: SeedTable) -> None:
    sheets, maps = example
    ws, where = sheets[table.sheet], maps[table.sheet]
    assert ws[where["title"]].value == table.title
    assert ws[where["title"]].font.b
    width = len(table.columns)
    last = get_column_letter(width)
    assert f"A1:{last}1" in {str(r) for r in ws.merged_cells.ranges}
    assert ws[where["mark"]].value == table.mark
    assert ws[where["department"]].value == "部门：中共深圳市委政法委员会"
    assert ws[where["unit"]].value == "单位：万元"
    assert ws[where["note"]].value == table.note
    assert ws[where["note"]].value.startswith("注：")


def test_multi_row_headers_are_merged_as_printed(example: Example) -> None:
    sheets, maps = example
    merged = {s: {str(r) for r in sheets[s].merged_cells.ranges} for s in sheets}
    where02 = maps["公开02表"]
    assert _cell(example, "公开02表", "head:0:0").value == "项 目"
    assert (
        f"{where02['head:0:0']}:B{sheets['公开02表'][where02['head:0:0']].row}"
        in merged["公开02表"]
    )
    assert _cell(example, "公开02表", "head:1:0").value == "功能分类科目编码"
    assert _cell(example, "公开02表", "head:1:1").value == "科目名称"
    # 公开07: 预算数 over six columns, 公务用车购置及运行费 over 小计 | 购置费 | 运行费.
    ws7, where7 = sheets["公开07表"], maps["公开07表"]
    assert ws7[where7["head:0:0"]].value == "预算数"
    assert ws7[where7["head:0:6"]].value == "决算数"
    assert "A4:F4" in merged["公开07表"] and "G4:L4" in merged["公开07表"]
    assert ws7[where7["head:1:2"]].value == "公务用车购置及运行费"
    assert "C5:E5" in merged["公开07表"]
    assert "A5:A6" in merged["公开07表"]  # 合计 over two header rows
    assert [ws7[where7[f"head:2:{c}"]].value for c in (2, 3, 4)] == [
        "小计",
        "公务用车购置费",
        "公务用车运行费",
    ]
    assert [ws7[where7[f"栏次:{c}"]].value for c in range(12)] == list(range(1, 13))


# --- values at their cells -------------------------------------------------------


def test_公开01_income_totals(example: Example) -> None:
    income = _cell(example, "公开01表", "row:24:amount")
    assert _cell(example, "公开01表", "row:24:label").value == "本年收入合计"
    assert income.value == pytest.approx(17820.76)
    assert income.number_format == "0.00"  # printed 17820.76, without a separator
    opening = _cell(example, "公开01表", "row:26:amount")
    assert _cell(example, "公开01表", "row:26:label").value == "年初结转和结余"
    assert opening.value == pytest.approx(391.26)
    assert _cell(example, "公开01表", "row:8:label").value is None  # the income side is blank
    assert _cell(example, "公开01表", "row:8:line").value == 8


def test_公开04_opening_fiscal_balance(example: Example) -> None:
    assert _cell(example, "公开04表", "row:25:label").value == "年初财政拨款结转和结余"
    cell = _cell(example, "公开04表", "row:25:amount")
    assert cell.value == pytest.approx(367.65)
    assert _cell(example, "公开04表", "row:58:fund").value == 0
    assert _cell(example, "公开04表", "row:58:fund").number_format == "#,##0.00"
    assert _cell(example, "公开04表", "row:53:fund").value is None


def test_公开06_wages_and_personnel_total(example: Example) -> None:
    assert _cell(example, "公开06表", "row:301:name").value == "工资福利支出"
    wages = _cell(example, "公开06表", "row:301:amount")
    assert wages.value == pytest.approx(5815.92)
    assert wages.number_format == "#,##0.00"
    assert _cell(example, "公开06表", "row:人员经费合计:amount").value == pytest.approx(6398.07)
    assert _cell(example, "公开06表", "row:人员经费合计:code").value == "人员经费合计"
    public = _cell(example, "公开06表", "row:公用经费合计:amount")
    assert public.value == pytest.approx(705.31)
    assert public.column_letter == "I"  # the third group's 决算数, as the form prints it


def test_公开07_budget_and_final_totals(example: Example) -> None:
    assert _cell(example, "公开07表", "row:data:budget.total").value == pytest.approx(116.27)
    assert _cell(example, "公开07表", "row:data:final.total").value == pytest.approx(81.55)
    car = _cell(example, "公开07表", "row:data:budget.car")
    assert car.value == 40 and car.number_format == "0"  # printed '40'
    assert _cell(example, "公开07表", "row:data:budget.car_purchase").value is None


def test_公开02_blank_and_zero_are_different_cells(example: Example) -> None:
    zero = _cell(example, "公开02表", "row:合计:higher")  # 上级补助收入 0.00
    blank = _cell(example, "公开02表", "row:201:higher")  # a 类 row left blank
    assert zero.value == 0 and zero.data_type == "n"
    assert zero.number_format == "#,##0.00"
    assert blank.value is None
    assert _cell(example, "公开02表", "row:合计:name").coordinate == (
        _cell(example, "公开02表", "row:合计:code").coordinate
    )


def test_codes_are_texts(example: Example) -> None:
    code = _cell(example, "公开02表", "row:2013601:code")
    assert code.value == "2013601"
    assert code.data_type == "s"
    assert _cell(example, "公开02表", "row:2080501:name").value == "归口管理的行政单位离退休"


@pytest.mark.parametrize("table", TABLES, ids=[t.mark for t in TABLES])
def test_every_printed_cell_is_in_its_mapped_cell(example: Example, table: SeedTable) -> None:
    """Each data cell holds its printed value, typed, and its format shows the printed text."""
    sheets, maps = example
    ws, where = sheets[table.sheet], maps[table.sheet]
    thousands = prints_thousands(table)
    seen = 0
    for row in table.rows:
        covered = {c for first, last in row.merges for c in range(first + 1, last + 1)}
        record = table.row_id
        for first, last in table.groups:
            ids = [
                row.cells[c]
                for c in range(first, last + 1)
                if table.columns[c].kind in (CODE, LINE)
            ]
            rid = record or (ids[0] if ids else "")
            if not rid:
                continue
            for c in range(first, last + 1):
                if c in covered:
                    continue
                column, printed = table.columns[c], row.cells[c]
                cell = ws[where[f"row:{rid}:{column.key}"]]
                assert cell.column == c + 1, (table.mark, rid, column.key)
                seen += 1
                if not printed:
                    assert cell.value is None, (table.mark, rid, column.key)
                elif column.kind == AMOUNT:
                    value, fmt = amount_cell(printed, thousands)
                    assert cell.value == value and cell.data_type == "n", (table.mark, rid)
                    assert cell.number_format == fmt
                    assert _shown(cell.value, fmt) == printed, (table.mark, rid, column.key)
                elif column.kind == LINE:
                    assert cell.value == int(printed)
                else:
                    assert cell.value == printed and cell.data_type == "s"
    assert seen > 0


# --- the narrative -----------------------------------------------------------


def test_narrative_one_paragraph_per_cell(example: Example) -> None:
    sheets, maps = example
    ws, where = sheets[NARRATIVE_SHEET], maps[NARRATIVE_SHEET]
    assert len(where) == len(NARRATIVE)
    for i, text in enumerate(NARRATIVE):
        cell = ws[where[f"narrative:{i}"]]
        assert cell.column_letter == "A"
        assert cell.value == text
        assert cell.alignment.wrap_text
    assert NARRATIVE[0] == "三、中共深圳市委政法委员会 2019 年度部门决算情况说明"
    assert "(一) 收入支出决算总体情况说明" in NARRATIVE
    assert NARRATIVE[-1] == "无。"
    assert not any(p.startswith("四、名词解释") for p in NARRATIVE)


def test_narrative_figures_and_project_summaries(example: Example) -> None:
    sheets, maps = example
    ws, where = sheets[NARRATIVE_SHEET], maps[NARRATIVE_SHEET]
    texts = [ws[where[f"narrative:{i}"]].value for i in range(len(NARRATIVE))]
    three = [t for t in texts if "“三公经费”财政拨款支出共 116.27 万元" in t]
    assert len(three) == 1
    assert "年初结转和结余 391.26 万元" in texts[2]  # the PDF's spaces around numbers stay
    summaries = [t for t in texts if "绩效自评综述" in t]
    assert len(summaries) == 32
    # Paragraphs split across page breaks are joined.
    assert any("执行数 511.7 万元" in t for t in summaries)
    assert any("另有 2 辆为车改封存待处理车辆" in t for t in texts)
    # The paragraph the document prints twice is kept twice.
    twice = [t for t in texts if "等 32 个项目绩效自评结果" in t]
    assert len(twice) == 2 and twice[0] == twice[1]
