"""The form-S reader on the seed example, on variant copies, and on non-forms."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from budgetlint.forms.form_s import read_grid, read_sheet
from budgetlint.grid import Grid, Sheet
from budgetlint.hosts import read_workbook
from budgetlint.model import FormS, SheetRead
from budgetlint.values import Kind
from tests.variants import variant


def _form(reads: list[SheetRead], name_part: str) -> FormS:
    for r in reads:
        if r.form is not None and r.form.project and name_part in (r.form.project.value or ""):
            return r.form
    raise AssertionError(f"no form for {name_part}")


def test_all_fifteen_seed_sheets_are_national_forms(seed_reads: list[SheetRead]) -> None:
    assert len(seed_reads) == 15
    assert {r.status for r in seed_reads} == {"form"}
    assert {r.family for r in seed_reads} == {"national"}


def test_seed_numbers_read_exactly(seed_reads: list[SheetRead], seed_grid: Grid) -> None:
    f = _form(seed_reads, "综合服务工作")
    assert f.fund is not None and f.fund.total is not None
    total = f.fund.total
    assert total.executed is not None and total.executed.value == pytest.approx(969188.11)
    assert total.budget is not None and total.budget.value == pytest.approx(987000.00)
    assert total.rate is not None and total.rate.value == pytest.approx(0.98)
    assert total.rate.decimals == 2 and total.rate.text == "0.98"
    assert total.score is not None and total.score.value == pytest.approx(9.80)
    assert total.score.text == "9.80"
    assert f.total_score is not None and f.total_score.value == pytest.approx(95.30)
    assert f.total_score.text == "95.30"
    # every value keeps its cell: the address holds the value in the grid
    sheet = seed_grid.sheet(f.sheet)
    for fld in (total.executed, total.rate, total.score, f.total_score):
        assert fld.ref is not None
        assert sheet.value(fld.ref.row, fld.ref.col) == fld.raw
    assert len(f.indicators) == 11
    first = f.indicators[0]
    assert first.name.value == "社会组织宣传短视频新闻"
    assert first.level1 is not None and first.level1.value == "产出指标"
    assert first.level2 is not None and first.level2.value == "数量指标"
    assert first.target.value.kind is Kind.QUANTITY and first.target.value.number == 30
    assert first.actual.value.number == 24
    cost = next(i for i in f.indicators if i.name.value == "经费控制")
    assert cost.target.value.kind is Kind.AMOUNT and cost.target.value.number == pytest.approx(
        987000
    )
    assert cost.level2 is not None and cost.level2.value == "成本指标"


def test_zero_budget_sheet_reads_its_printed_rate(seed_reads: list[SheetRead]) -> None:
    f = _form(seed_reads, "能力建设与跟踪服务")
    assert f.fund is not None and f.fund.total is not None
    t = f.fund.total
    assert t.budget is not None and t.budget.value == 0
    assert t.rate is not None and t.rate.text == "1.00"
    assert t.score is not None and t.score.text == "10.00"
    other = f.fund.row("other")
    assert other is not None and other.initial is not None
    assert other.initial.value == pytest.approx(1297780.00)
    assert len(f.indicators) == 13
    assert f.indicators[0].actual.value.kind is Kind.TEXT  # 由于疫情影响，项目终止开展。


def _model(f: FormS) -> dict[str, Any]:
    """The parts of a model that must not depend on the layout."""

    def num(x: Any) -> float | None:
        return None if x is None or x.value is None else round(float(x.value), 4)

    assert f.fund is not None
    return {
        "project": f.project.value if f.project else None,
        "fund": {
            r.kind: tuple(
                num(getattr(r, k))
                for k in ("initial", "budget", "executed", "weight", "rate", "score")
            )
            for r in f.fund.rows
        },
        "indicators": [
            (
                i.level1.value if i.level1 else None,
                i.level2.value if i.level2 else None,
                i.name.value,
                i.target.value.kind,
                i.target.value.op,
                i.target.value.number,
                i.actual.value.kind,
                i.actual.value.number,
                num(i.weight),
                num(i.score),
                (i.reason.value or "") if i.reason else "",
            )
            for i in f.indicators
        ],
        "total": (num(f.total_weight), num(f.total_score)),
    }


@pytest.mark.parametrize("index", [0, 5, 12, 13, 14])
def test_variant_copy_reads_to_the_same_model(
    index: int, seed_grid: Grid, seed_reads: list[SheetRead], tmp_path: Path
) -> None:
    sheet = seed_grid.sheets[index]
    path = variant(sheet, tmp_path / "variant.xlsx")
    vgrid = read_workbook(path)
    [vread] = read_grid(vgrid)
    assert vread.status == "form", vread.reason
    canon = seed_reads[index].form
    assert canon is not None and vread.form is not None
    assert vread.form.fund is not None and vread.form.fund.unit == "万元"
    assert _model(vread.form) == _model(canon)
    # the addresses moved with the block: 3 rows down + inserted rows, 2 + 1 columns right
    assert canon.total_score is not None and vread.form.total_score is not None
    assert canon.total_score.ref is not None and vread.form.total_score.ref is not None
    assert vread.form.total_score.ref.row == canon.total_score.ref.row + 5
    assert vread.form.total_score.ref.col == canon.total_score.ref.col + 3
    # numbers stored as text are known as such
    assert vread.form.fund.total is not None and vread.form.fund.total.budget is not None
    assert vread.form.fund.total.budget.as_text


def test_rows_in_another_order_inside_the_fund_block() -> None:
    s = Sheet("x")
    rows = [
        ["项目支出绩效自评表"],
        ["项目名称", "测试项目"],
        [
            "项目资金（元）",
            None,
            "年初预算数",
            "全年预算数",
            "全年执行数",
            "分值",
            "执行率",
            "得分",
        ],
        [None, "其他资金", 0, 0, 0, "—", 0, "—"],
        [None, "年度资金总额", 100, 100, 90, 10, 0.9, 9],
        [None, "其中：当年财政拨款", 100, 100, 90, "—", 0.9, "—"],
        [
            "年度绩效指标",
            "一级指标",
            "二级指标",
            "三级指标",
            "年度指标值",
            "实际完成值",
            "分值",
            "得分",
            "偏差原因分析及改进措施",
        ],
        [None, "产出指标", "数量指标", "培训人数", "≥100人", "120人", 90, 90, "无偏差"],
        ["总分", None, None, None, None, None, 100, 99, None],
    ]
    for r, row in enumerate(rows, 1):
        for c, v in enumerate(row, 1):
            if v is not None:
                s.cells[(r, c)] = v
    read = read_sheet(s)
    assert read.status == "form"
    f = read.form
    assert f is not None and f.fund is not None
    assert [r.kind for r in f.fund.rows] == ["other", "total", "fiscal"]
    assert f.fund.total is not None and f.fund.total.executed is not None
    assert f.fund.total.executed.cell == "E5"
    assert f.indicators[0].target.value.op == ">=" and f.total_score is not None
    assert f.total_score.cell == "H9"


def test_not_a_form_is_skipped_and_unknown_layout_reported() -> None:
    narrative = Sheet("说明")
    narrative.cells[(1, 1)] = "一、部门基本情况"
    narrative.cells[(2, 1)] = "本部门主要职责是……"
    assert read_sheet(narrative).status == "skipped"
    odd = Sheet("奇怪的表")
    odd.cells[(1, 1)] = "重点工作绩效考核表"
    for c, v in enumerate(["考核内容", "指标名称", "目标值", "完成值", "得分"], 1):
        odd.cells[(2, c)] = v
    odd.cells[(3, 2)] = "培训人次"
    read = read_sheet(odd)
    assert read.status == "unrecognized"  # form-like headers, but no family's labels
    assert "重点工作绩效考核表" in read.labels and "考核内容" in read.labels
