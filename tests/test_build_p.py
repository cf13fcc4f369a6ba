"""The committed form-P example: fresh, faithful to seed 002, laid out as a department's."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.cell.cell import MergedCell
from openpyxl.worksheet.worksheet import Worksheet

from budgetlint.build.canonical import number_cell
from budgetlint.build.form_p import EXAMPLE_PATH, build_all, example_workbook
from budgetlint.build.seed_p import (
    FORMS,
    LEVEL1_WEIGHTS,
    MATRIX_COLUMNS,
    MATRIX_ROWS,
    SCORE_COLUMNS,
    USE_COLUMNS,
    SeedFormP,
)

REPO = Path(__file__).resolve().parents[1]
#: Fields written as texts exactly as printed (an empty text is an empty cell).
TEXT_FIELDS = {"level1", "level2", "name", "target", "actual", "criterion"}

Example = tuple[dict[str, Worksheet], dict[str, dict[str, str]]]


@pytest.fixture(scope="module")
def example() -> Example:
    """The committed example, opened with openpyxl, and the writer's address maps."""
    wb = load_workbook(REPO / EXAMPLE_PATH)
    _, maps = example_workbook()
    return {ws.title: ws for ws in wb.worksheets}, maps


def _form(title_start: str) -> SeedFormP:
    return next(f for f in FORMS if f.title.startswith(title_start))


# --- freshness ---------------------------------------------------------------


def test_committed_workbook_is_byte_identical_to_a_fresh_build(tmp_path: Path) -> None:
    written = build_all(tmp_path)
    assert [p.relative_to(tmp_path) for p in written] == [EXAMPLE_PATH]
    committed = REPO / EXAMPLE_PATH
    assert committed.is_file(), f"{EXAMPLE_PATH} is missing: run python -m budgetlint.build"
    assert (tmp_path / EXAMPLE_PATH).read_bytes() == committed.read_bytes(), (
        f"{EXAMPLE_PATH} is stale: run python -m budgetlint.build"
    )


def test_a_build_is_deterministic(tmp_path: Path) -> None:
    a, b = build_all(tmp_path / "a"), build_all(tmp_path / "b")
    assert [x.read_bytes() for x in a] == [y.read_bytes() for y in b]


def test_the_build_entry_point_runs_the_form_p_builder(tmp_path: Path) -> None:
    from budgetlint.build.__main__ import OPTIONAL_BUILDERS

    assert "budgetlint.build.form_p" in OPTIONAL_BUILDERS


# --- the seed ------------------------------------------------------------------


def test_the_seed_has_the_22_forms_and_annex_2_in_order() -> None:
    assert [f.annex for f in FORMS] == [f"附件1-{i}" for i in range(1, 23)] + ["附件2"]
    assert FORMS[0].title == "研究（执法督查）业务（新）项目绩效情况自评表"
    assert all(f.title.endswith("项目绩效情况自评表") for f in FORMS[:22])
    assert FORMS[22].scorecard_title == "财政专项资金项目自我评价评分表"
    for form in FORMS:
        assert [row.line for row in form.matrix] == [line for _, _, line in MATRIX_ROWS]
        assert form.use[0].item == "合计"
        assert form.scorecard[0].level1 == "投入和管理目标"
        assert [r.kind for r in form.scorecard[-2:]] == ["total", "grade"]


def test_extraction_artefacts_are_gone() -> None:
    for form in FORMS:
        for row in form.scorecard:
            for text in (row.name, row.target, row.actual, row.criterion):
                assert "$" not in text and "\\" not in text, (form.annex, row.name)
                assert '"' not in text and "<p>" not in text, (form.annex, row.name)
            assert row.name != "一级指标", form.annex
    names = [r.name for r in FORMS[0].scorecard]
    assert "执法检查工作完成率" in names  # rejoined across a page break
    assert "率" not in names


@pytest.mark.parametrize("form", FORMS, ids=[f.annex for f in FORMS])
def test_level1_weights_sum_to_100_as_printed(form: SeedFormP) -> None:
    level1 = {r.level1: r.weight for r in form.scorecard if r.kind == "level1"}
    assert list(level1) == list(LEVEL1_WEIGHTS)
    if form.annex != "附件1-8":  # prints 40 / 30 / 10 / 20
        assert level1 == LEVEL1_WEIGHTS
    assert sum(Decimal(w) for w in level1.values()) == 100 == Decimal(form.total.weight)


@pytest.mark.parametrize("form", FORMS, ids=[f.annex for f in FORMS])
def test_the_printed_subtotals_and_total_add_up(form: SeedFormP) -> None:
    """一级 = Σ 二级 weights, 二级 = Σ 三级 weights, 总计 = Σ 三级 scores (all as printed)."""
    groups: list[tuple[Decimal, list[tuple[Decimal, list[Decimal]]]]] = []
    for row in form.scorecard:
        if row.kind == "level1":
            groups.append((Decimal(row.weight), []))
        elif row.kind == "level2":
            groups[-1][1].append((Decimal(row.weight), []))
        elif row.kind == "item":
            groups[-1][1][-1][1].append(Decimal(row.weight))
    for weight, subs in groups:
        assert weight == sum(w for w, _ in subs), form.annex
        for w, items in subs:
            assert w == sum(items), form.annex
    scores = sum(Decimal(r.score) for r in form.scorecard if r.kind == "item")
    assert scores == Decimal(form.total.score)


# --- the example -------------------------------------------------------------


def test_example_has_one_sheet_per_form(example: Example) -> None:
    sheets, maps = example
    assert len(sheets) == 23 == len(FORMS)
    assert list(sheets) == list(maps) == [f.annex for f in FORMS]
    for title in sheets:
        assert len(title) <= 31
        assert not set(title) & set("[]:*?/\\")


def test_附件1_1_matrix_total_and_grade(example: Example) -> None:
    sheets, maps = example
    ws, where = sheets["附件1-1"], maps["附件1-1"]
    budget = ws[where["matrix.budget.total"]]
    assert budget.value == 3856800
    assert budget.number_format == "0"
    assert ws[where["matrix.balance.line"]].value == "(5) = (3) - (4)"
    assert ws[where["matrix.execution_rate.total"]].value == 100
    total = ws[where["total.score"]]
    assert total.value == pytest.approx(98.42)
    assert total.number_format == "0.00"
    assert ws[where["total.weight"]].value == 100
    assert ws[where["grade"]].value == "优秀"
    assert ws[where["grade.weight"]].value == 0
    # 专题汇报片数量 scores 0.0 as printed.
    i = FORMS[0].row_index("专题汇报片数量")
    score = ws[where[f"scorecard.{i}.score"]]
    assert score.value == 0.0
    assert score.number_format == "0.0"
    assert ws[where[f"scorecard.{i}.actual"]].value == "0部"


def test_法制学校管理_budget_execution(example: Example) -> None:
    sheets, maps = example
    form = _form("法制学校管理（新）")
    ws, where = sheets[form.annex], maps[form.annex]
    assert ws[where["title"]].value == "法制学校管理（新）项目绩效情况自评表"
    i = form.row_index("预算执行率")
    weight, score = ws[where[f"scorecard.{i}.weight"]], ws[where[f"scorecard.{i}.score"]]
    assert weight.value == pytest.approx(2.27)
    assert score.value == pytest.approx(1.23)
    assert weight.number_format == score.number_format == "0.00"
    assert ws[where[f"scorecard.{i}.actual"]].value == "54.37%"
    rate = ws[where["matrix.execution_rate.total"]]
    assert rate.value == pytest.approx(54.37)
    assert rate.number_format == "0.00"
    assert ws[where["matrix.spent.total"]].value == pytest.approx(334887.14)
    assert ws[where["total.score"]].value == pytest.approx(67.14)
    assert ws[where["grade"]].value == "合格"


def test_every_seed_value_is_in_its_mapped_cell(example: Example) -> None:
    sheets, maps = example
    for form in FORMS:
        ws, where = sheets[form.annex], maps[form.annex]
        texts: dict[str, str] = {"title": form.title}
        numbers: dict[str, str] = {}
        texts["scorecard_heading"] = form.scorecard_heading
        texts["scorecard_title"] = form.scorecard_title
        for i, part in enumerate(form.overview):
            if part.heading:
                texts[f"overview.{i}.heading"] = part.heading
            for j, paragraph in enumerate(part.text.split("\n")):
                texts[f"overview.{i}.paragraph.{j}"] = paragraph
        for (key, _, _), row in zip(MATRIX_ROWS, form.matrix, strict=True):
            texts[f"matrix.{key}.label"] = row.label
            texts[f"matrix.{key}.line"] = row.line
            for col, _ in MATRIX_COLUMNS:
                numbers[f"matrix.{key}.{col}"] = row.value(col)
        for i, use in enumerate(form.use):
            for col, _ in USE_COLUMNS:
                (texts if col == "item" else numbers)[f"use.{i}.{col}"] = getattr(use, col)
        for i, row in enumerate(form.scorecard):
            for field, _ in SCORE_COLUMNS:
                if field == "level1" and row.kind in ("level2", "item"):
                    continue  # under the merged 一级 cell
                if field in ("level2", "name") and row.kind in ("total", "grade"):
                    continue  # 总计 / 评价等级 span these columns
                path = f"scorecard.{i}.{field}"
                value = getattr(row, field)
                if field in TEXT_FIELDS or (row.kind == "grade" and field == "score"):
                    texts[path] = value
                else:
                    numbers[path] = value
        aliases = {"total.weight", "total.score", "grade.weight", "grade"}
        assert set(where) - aliases == set(texts) | set(numbers), form.annex
        for path, printed in texts.items():
            assert ws[where[path]].value == (printed or None), (form.annex, path)
        for path, printed in numbers.items():
            cell = ws[where[path]]
            value, fmt = number_cell(printed)
            assert cell.value == value, (form.annex, path)
            if fmt:
                assert cell.number_format == fmt, (form.annex, path)
                decimals = len(fmt.partition(".")[2])
                assert f"{cell.value:.{decimals}f}" == printed, (form.annex, path)


def test_level1_is_merged_over_its_rows(example: Example) -> None:
    sheets, maps = example
    form = FORMS[0]
    ws, where = sheets[form.annex], maps[form.annex]
    merged = {str(r) for r in ws.merged_cells.ranges}
    starts = [i for i, r in enumerate(form.scorecard) if r.kind == "level1"]
    ends = [*starts[1:], next(i for i, r in enumerate(form.scorecard) if r.kind == "total")]
    for a, b in zip(starts, ends, strict=True):
        top = ws[where[f"scorecard.{a}.level1"]]
        bottom = ws[where[f"scorecard.{b - 1}.weight"]].row
        assert f"{top.coordinate}:{top.column_letter}{bottom}" in merged
    assert ws[where["scorecard.0.level1"]].value == "投入和管理目标"


def test_headers_are_merged_as_the_form_has_them(example: Example) -> None:
    sheets, maps = example
    ws, where = sheets["附件1-1"], maps["附件1-1"]
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert ws["A1"].value == FORMS[0].title
    assert ws["A1"].font.b
    assert "A1:L1" in merged
    first = ws[where["matrix.budget.label"]].row
    top, sub = first - 2, first - 1
    assert ws[f"A{top}"].value == "项目"
    assert ws[f"D{top}"].value == "财政资金"
    assert ws[f"I{top}"].value == "其他资金"
    assert {f"A{top}:A{sub}", f"B{top}:B{sub}", f"C{top}:C{sub}"} <= merged
    assert {f"D{top}:H{top}", f"I{top}:L{top}"} <= merged
    assert [ws.cell(row=sub, column=c).value for c in range(4, 13)] == [
        head for _, head in MATRIX_COLUMNS[1:]
    ]
    use = ws[where["use.0.item"]].row
    assert ws[f"D{use - 2}"].value == "实际支出数"
    assert ws[f"J{use - 2}"].value == "财政资金专款专用数"
    header = ws[where["scorecard.0.level1"]].row - 1
    assert [ws.cell(row=header, column=c).value for c in range(1, 9)] == [
        head for _, head in SCORE_COLUMNS
    ]


def test_form_cells_have_borders_and_wrap(example: Example) -> None:
    sheets, maps = example
    ws, where = sheets["附件1-1"], maps["附件1-1"]
    first = ws[where["scorecard.0.level1"]].row - 1
    last = ws[where["grade"]].row
    for row in ws.iter_rows(min_row=first, max_row=last, min_col=1, max_col=12):
        for cell in row:
            if isinstance(cell, MergedCell):
                continue  # openpyxl reads only the edges of a merged range back
            sides = (cell.border.left, cell.border.right, cell.border.top, cell.border.bottom)
            assert all(side.style == "thin" for side in sides), cell.coordinate
    i = FORMS[0].row_index("政法宣传群众知晓度")
    criterion = ws[where[f"scorecard.{i}.criterion"]]
    assert criterion.alignment.wrap_text
    assert "y = 权重分 - (85% - x) * 4% * 权重分" in criterion.value
    assert ws.page_setup.orientation == "landscape"
