"""The committed example and template: fresh, faithful to the seed, laid out canonically."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.cell.cell import MergedCell
from openpyxl.worksheet.worksheet import Worksheet

from budgetlint.build.canonical import (
    EXAMPLE_PATH,
    TEMPLATE_PATH,
    TEMPLATE_SHEET,
    build_examples,
    example_workbook,
    number_cell,
    sheet_name,
)
from budgetlint.build.seed_s import FUND_LABELS, PROJECTS, SeedProject

REPO = Path(__file__).resolve().parents[1]
FUND_FIELDS = ("initial", "budget", "executed", "weight", "rate", "score")
# Values written as texts exactly as printed (an empty text is an empty cell).
TEXT_PATHS = {"project", "department", "unit_name", "goal_planned", "goal_actual"}
TEXT_SUFFIXES = (".level1", ".level2", ".name", ".target", ".actual", ".reason")
INDICATOR_FIELDS = ("level1", "level2", "name", "target", "actual", "weight", "score", "reason")


Example = tuple[dict[str, Worksheet], dict[str, dict[str, str]]]


@pytest.fixture(scope="module")
def example() -> Example:
    """The committed example, opened with openpyxl, and the writer's address maps."""
    wb = load_workbook(REPO / EXAMPLE_PATH)
    _, maps = example_workbook()
    return {ws.title: ws for ws in wb.worksheets}, maps


def _sheet_of(project_name: str) -> str:
    for i, project in enumerate(PROJECTS, 1):
        if project.name == project_name:
            return sheet_name(i, project.name)
    raise KeyError(project_name)


def _project(name: str) -> SeedProject:
    return next(p for p in PROJECTS if p.name == name)


def _indicator_index(project: SeedProject, name: str) -> int:
    return next(i for i, ind in enumerate(project.indicators) if ind.name == name)


# --- freshness ---------------------------------------------------------------


def test_committed_workbooks_are_byte_identical_to_a_fresh_build(tmp_path: Path) -> None:
    written = build_examples(tmp_path)
    assert [p.relative_to(tmp_path) for p in written] == [EXAMPLE_PATH, TEMPLATE_PATH]
    for rel in (EXAMPLE_PATH, TEMPLATE_PATH):
        committed = REPO / rel
        assert committed.is_file(), f"{rel} is missing: run python -m budgetlint.build"
        assert (tmp_path / rel).read_bytes() == committed.read_bytes(), (
            f"{rel} is stale: run python -m budgetlint.build"
        )


def test_a_build_is_deterministic(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    for x, y in zip(build_examples(a), build_examples(b), strict=True):
        assert x.read_bytes() == y.read_bytes()


# --- the example -------------------------------------------------------------


def test_example_has_one_sheet_per_project(example: Example) -> None:
    sheets, maps = example
    assert len(sheets) == 15 == len(PROJECTS)
    assert list(sheets) == list(maps)
    assert next(iter(sheets)) == "01 综合服务工作"
    for title in sheets:
        assert len(title) <= 31
        assert not set(title) & set("[]:*?/\\")


def test_综合服务工作_fund_and_total(example: Example) -> None:
    sheets, maps = example
    sheet = _sheet_of("综合服务工作")
    ws, where = sheets[sheet], maps[sheet]
    executed = ws[where["fund.total.executed"]]
    rate = ws[where["fund.total.rate"]]
    score = ws[where["fund.total.score"]]
    assert executed.value == pytest.approx(969188.11)
    assert rate.value == pytest.approx(0.98)
    assert score.value == pytest.approx(9.80)
    assert executed.number_format == rate.number_format == score.number_format == "0.00"
    assert ws[where["fund.fiscal.weight"]].value == "—"
    assert ws[where["fund.total.weight"]].value == 10
    total = ws[where["total_score"]]
    assert total.value == pytest.approx(95.30)
    assert total.number_format == "0.00"
    assert ws[where["total_weight"]].value == 100
    # '=3 项' is a text, not a formula.
    i = _indicator_index(_project("综合服务工作"), "采购服务量")
    target = ws[where[f"indicators.{i}.target"]]
    assert target.value == "=3 项"
    assert target.data_type == "s"


def test_能力建设_prints_a_rate_on_a_zero_budget(example: Example) -> None:
    sheets, maps = example
    sheet = _sheet_of("深圳市社会组织能力建设与跟踪服务项目")
    ws, where = sheets[sheet], maps[sheet]
    assert ws[where["fund.total.budget"]].value == 0
    assert ws[where["fund.total.rate"]].value == pytest.approx(1.00)
    assert ws[where["fund.total.score"]].value == pytest.approx(10.00)
    assert ws[where["fund.total.rate"]].number_format == "0.00"
    assert ws[where["fund.other.initial"]].value == pytest.approx(1297780.00)


def test_公务接待_接待人次(example: Example) -> None:
    sheets, maps = example
    sheet = _sheet_of("公务接待")
    ws, where = sheets[sheet], maps[sheet]
    i = _indicator_index(_project("公务接待"), "接待人次")
    assert ws[where[f"indicators.{i}.name"]].value == "接待人次"
    assert ws[where[f"indicators.{i}.target"]].value == "约120人"
    assert ws[where[f"indicators.{i}.actual"]].value == "53人"
    score = ws[where[f"indicators.{i}.score"]]
    assert score.value == pytest.approx(4.42)
    assert score.number_format == "0.00"
    weight = ws[where[f"indicators.{i}.weight"]]
    assert weight.value == pytest.approx(10.0)
    assert weight.number_format == "0.0"


def test_level1_and_level2_are_merged_over_their_rows(example: Example) -> None:
    sheets, maps = example
    sheet = _sheet_of("综合服务工作")
    ws, where = sheets[sheet], maps[sheet]
    project = _project("综合服务工作")
    output_rows = [i for i, ind in enumerate(project.indicators) if ind.level1 == "产出指标"]
    top = ws[where[f"indicators.{output_rows[0]}.name"]].row
    bottom = ws[where[f"indicators.{output_rows[-1]}.name"]].row
    level1 = ws[where["indicators.0.level1"]]
    assert level1.value == "产出指标"
    expected = f"{level1.column_letter}{top}:{level1.column_letter}{bottom}"
    assert expected in {str(r) for r in ws.merged_cells.ranges}
    # Every row of the run maps to the range's top-left cell.
    assert {where[f"indicators.{i}.level1"] for i in output_rows} == {level1.coordinate}
    # 二级 数量指标 spans its two rows.
    level2 = ws[where["indicators.0.level2"]]
    assert level2.value == "数量指标"
    assert where["indicators.1.level2"] == level2.coordinate
    assert f"{level2.coordinate}:{level2.column_letter}{level2.row + 1}" in {
        str(r) for r in ws.merged_cells.ranges
    }


def test_every_seed_value_is_in_its_mapped_cell(example: Example) -> None:
    sheets, maps = example
    for i, project in enumerate(PROJECTS, 1):
        sheet = sheet_name(i, project.name)
        ws, where = sheets[sheet], maps[sheet]
        expected: dict[str, str] = {
            "project": project.name,
            "amount": project.amount,
            "department": project.department,
            "unit_name": project.unit,
            "goal_planned": project.goal_planned,
            "goal_actual": project.goal_actual,
            "total_weight": project.total_weight,
            "total_score": project.total_score,
        }
        for kind in FUND_LABELS:
            line = project.fund(kind)
            for f in FUND_FIELDS:
                expected[f"fund.{kind}.{f}"] = getattr(line, f)
        for k, ind in enumerate(project.indicators):
            for f in INDICATOR_FIELDS:
                expected[f"indicators.{k}.{f}"] = getattr(ind, f)
        assert set(where) == set(expected), sheet
        for path, printed in expected.items():
            cell = ws[where[path]]
            value, fmt = number_cell(printed)
            if path in TEXT_PATHS or path.endswith(TEXT_SUFFIXES):
                assert cell.value == (printed or None), (sheet, path)
                continue
            assert cell.value == value, (sheet, path)
            if fmt:
                assert cell.number_format == fmt, (sheet, path)
                decimals = len(fmt.partition(".")[2])
                assert f"{cell.value:.{decimals}f}" == printed, (sheet, path)


def test_form_cells_have_borders_and_wrap(example: Example) -> None:
    sheets, maps = example
    sheet = next(iter(sheets))
    ws, where = sheets[sheet], maps[sheet]
    last = ws[where["total_score"]].row
    for row in ws.iter_rows(min_row=2, max_row=last, min_col=1, max_col=9):
        for cell in row:
            if isinstance(cell, MergedCell):
                continue  # openpyxl reads only the edges of a merged range back
            sides = (cell.border.left, cell.border.right, cell.border.top, cell.border.bottom)
            assert all(side.style == "thin" for side in sides), cell.coordinate
    assert ws["A1"].value == "项目支出绩效自评表"
    assert ws["A1"].font.b
    assert "A1:I1" in {str(r) for r in ws.merged_cells.ranges}
    assert ws[where["goal_actual"]].alignment.wrap_text


# --- the seed's own arithmetic ---------------------------------------------------


def _weight_sum(project: SeedProject) -> float:
    return float(project.fund("total").weight) + sum(float(i.weight) for i in project.indicators)


def test_weights_sum_to_100_except_where_the_seed_says_otherwise() -> None:
    """10 (funds) + Σ indicator 分值 = 100; any project where it is not is named."""
    off = {p.name: _weight_sum(p) for p in PROJECTS if not math.isclose(_weight_sum(p), 100.0)}
    assert off == {}, f"weights do not sum to 100 in: {off}"


@pytest.mark.parametrize("project", PROJECTS, ids=[p.name for p in PROJECTS])
def test_weight_sum_matches_the_printed_total(project: SeedProject) -> None:
    assert math.isclose(_weight_sum(project), float(project.total_weight)), project.name


# --- the template ------------------------------------------------------------


def test_template_is_blank_with_all_labels() -> None:
    wb = load_workbook(REPO / TEMPLATE_PATH)
    assert wb.sheetnames[0] == TEMPLATE_SHEET
    assert "说明" in wb.sheetnames
    ws = wb[TEMPLATE_SHEET]
    texts = {c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    for label in (
        "项目支出绩效自评表",
        "项目名称",
        "项目金额",
        "主管部门",
        "实施单位",
        "项目资金（元）",
        "年度资金总额",
        "其中：当年财政拨款",
        "上年结转资金",
        "其他资金",
        "年初预算数",
        "全年预算数",
        "全年执行数",
        "分值",
        "执行率",
        "得分",
        "年度总体目标",
        "预期目标",
        "实际完成情况",
        "年度绩效指标",
        "一级指标",
        "二级指标",
        "三级指标",
        "年度指标值",
        "实际完成值",
        "偏差原因分析及改进措施",
        "总分",
        "产出指标",
        "数量指标",
        "效益指标",
        "可持续影响指标",
        "满意度指标",
        "服务对象满意度指标",
    ):
        assert label in texts, label
    # Value cells are empty: no name, no amounts, no indicator texts.
    assert ws["B2"].value is None
    assert ws["G2"].value is None
    for col in "CDE":
        assert ws[f"{col}6"].value is None
    assert ws.page_setup.orientation == "landscape"
    assert str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.page_setup.fitToWidth == 1


def test_build_entry_point_writes_the_committed_files(tmp_path: Path) -> None:
    from budgetlint.build.__main__ import build_all

    written = build_all(tmp_path)
    assert tmp_path / EXAMPLE_PATH in written
    assert tmp_path / TEMPLATE_PATH in written
