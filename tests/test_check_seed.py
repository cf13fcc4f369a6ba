"""End to end on the seed: the 15 form-S projects of 深圳市社会组织管理局 (2021).

The seed has real mistakes; these tests find them at their cells and name the
sheets whose printed 总分 cannot be reproduced, with the reason.
"""

from __future__ import annotations

import pytest

from budgetlint.checker import check_grid
from budgetlint.findings import Severity
from budgetlint.grid import Grid
from budgetlint.model import FormS, SheetRead
from budgetlint.results import FileResult
from budgetlint.scoring import execution_rate, fund_score, indicator_score


@pytest.fixture(scope="module")
def result(seed_grid: Grid) -> FileResult:
    return check_grid(seed_grid)


def _recomputed_total(form: FormS) -> tuple[float, list[str]]:
    """资金得分 from the amounts + each indicator's recomputed score (the printed one
    where the score is a judgement); also the names of indicators whose printed
    score differs from the recomputation, and 'fund' when the fund score does."""
    assert form.fund is not None and form.fund.total is not None
    t = form.fund.total
    assert t.executed is not None and t.budget is not None and t.weight is not None
    fs = fund_score(t.weight.value, execution_rate(t.executed.value, t.budget.value))
    differs: list[str] = []
    if fs is None or t.score is None or abs(fs - (t.score.value or 0)) > 0.005:
        differs.append("fund")
    total = fs or 0.0
    for i in form.indicators:
        assert i.weight is not None and i.score is not None
        res = indicator_score(i.weight.value, i.target.value, i.actual.value)
        printed = i.score.value or 0.0
        if res.expected is None:
            total += printed
        else:
            total += res.expected
            if abs(res.expected - printed) > 0.005:
                differs.append(i.name.value or "")
    return round(total, 2), differs


# Sheets whose printed 总分 the recomputation does not reproduce, and why.
NOT_REPRODUCED = {
    # 及时 / 及时 scored 2.5 of 5 with a reason saying it was not done (S205).
    "01 综合服务工作": ["宣传材料投放及时性"],
    # over-achievement (200 against ≥60&&≤100) deducted at discretion, reason given
    "10 社会组织评估": ["完成社会组织评估数量"],
    # over-achievement (446 against 280) deducted at discretion, reason given
    "11 市级社会组织法定代表人离任审计、换届审计和注销清算审计": [
        "社会组织法人离任审计、注销清算报告数量"
    ],
    # 全年预算数 0: the printed fund score 10.00 has no basis (S104)
    "14 深圳市社会组织能力建设与跟踪服务项目": ["fund"],
    # over-achievements deducted 0.5 each with reasons, and 提升/提升 scored 19 of 20
    "15 深圳市社会组织创新示范点展示交流服务项目": [
        "编印社会组织示范点展示宣传资料",
        "接待参观来访及调研座谈",
        "利用大众媒体及网络进行报道",
        "发挥创新示范社会组织对同类别社会组织的示范引领作用",
    ],
}


def test_recomputed_total_equals_printed_where_the_seed_is_consistent(
    seed_reads: list[SheetRead],
) -> None:
    for read in seed_reads:
        form = read.form
        assert form is not None and form.total_score is not None
        total, differs = _recomputed_total(form)
        if read.sheet in NOT_REPRODUCED:
            assert differs == NOT_REPRODUCED[read.sheet], read.sheet
            assert total != pytest.approx(form.total_score.value), read.sheet
        else:
            assert differs == [], read.sheet
            assert total == pytest.approx(form.total_score.value, abs=0.005), read.sheet


def test_printed_totals_and_weights_add_up_on_every_sheet(result: FileResult) -> None:
    # the department added its own scores correctly: no S301/S302 anywhere
    assert [f for f in result.findings if f.code in ("S301", "S302")] == []


def _at(result: FileResult, sheet_part: str) -> dict[tuple[str, str], Severity]:
    return {(f.code, f.cell): f.severity for f in result.findings if sheet_part in f.sheet}


def test_rate_and_score_on_a_zero_budget_are_errors(result: FileResult) -> None:
    found = _at(result, "能力建设与跟踪服务")
    assert found[("S104", "G5")] is Severity.ERROR
    assert found[("S104", "H5")] is Severity.ERROR
    msgs = [f.message for f in result.findings if f.code == "S104"]
    assert any("执行率 1.00" in m for m in msgs)
    assert any("资金得分 10.00" in m for m in msgs)


def test_met_target_scored_half_is_an_error_at_its_score(result: FileResult) -> None:
    # 及时 / 及时 scored 2.5 of 5: the target is met, full marks were due
    [err] = [f for f in result.findings if f.code == "S212" and f.sheet.startswith("01")]
    assert (err.cell, err.severity, err.expected, err.actual) == (
        "H17",
        Severity.ERROR,
        "5.0",
        "2.5",
    )
    assert "宣传材料投放及时性" in err.message and "应得满分 5.0" in err.message
    # … and its reason (未能在年度内完成) contradicts the actual: a warning at the reason
    [f] = [f for f in result.findings if f.code == "S205"]
    assert (f.sheet, f.cell, f.severity) == ("01 综合服务工作", "I17", Severity.WARNING)
    assert "未能" in f.message


def test_strict_bounds_met_only_with_equality_get_warnings(result: FileResult) -> None:
    cells = {(f.sheet[:2], f.cell) for f in result.findings if f.code == "S203"}
    assert cells == {
        ("01", "H22"),  # 项目实施的满意度 >90% / 90%
        ("02", "H14"), ("02", "H15"), ("02", "H16"), ("02", "H25"),  # >95% / 95%
        ("04", "H14"), ("04", "H17"), ("04", "H19"),
        ("05", "H12"), ("05", "H13"), ("05", "H17"), ("05", "H19"),
        ("06", "H15"), ("06", "H16"),  # 差错率, 接待延误率 <2% / 2%
    }  # fmt: skip
    assert all(f.severity is Severity.WARNING for f in result.findings if f.code == "S203")


def test_errors_only_where_the_seed_is_wrong(result: FileResult) -> None:
    errors = {(f.sheet[:2], f.cell, f.code) for f in result.findings if f.severity is Severity.ERROR}
    assert errors == {
        ("14", "G5", "S104"),  # rate 1.00 on a zero 年度资金总额
        ("14", "H5", "S104"),  # fund score 10.00 there
        ("01", "H17", "S212"),  # 及时 / 及时 scored 2.5 of 5
        ("15", "H19", "S212"),  # 409 次 against 360 次 (1.14×, not over-achievement) 2.5 of 3
        ("15", "H26", "S212"),  # 提升 / 提升 scored 19 of 20
    }


def _sheet_copy(grid: Grid, prefix: str) -> Grid:
    """One seed sheet, copied so that a test can plant a fault in it."""
    import copy

    sheet = next(s for s in grid.sheets if s.name.startswith(prefix))
    return Grid(path=grid.path, sheets=[copy.deepcopy(sheet)])


def _cell_of(grid: Grid, text: str) -> tuple[int, int]:
    return next(rc for rc, v in grid.sheets[0].cells.items() if v == text)


def test_empty_department_is_reported(seed_grid: Grid) -> None:
    g = _sheet_copy(seed_grid, "02")
    r, c = _cell_of(g, "主管部门")
    del g.sheets[0].cells[(r, c + 1)]
    found = [f for f in check_grid(g).findings if f.code == "S401"]
    assert [(f.cell, f.severity, f.message) for f in found] == [
        ("B3", Severity.WARNING, "主管部门为空：应填写主管部门名称（或代码）")
    ]


def test_total_off_by_one_over_exact_terms_is_an_error(seed_grid: Grid) -> None:
    # 综合服务工作 prints 95.30 over 9.80 + 85.5; a 总分 of 94.3 is off by 1, not by rounding
    g = _sheet_copy(seed_grid, "01")
    r, _ = _cell_of(g, "总分")
    g.sheets[0].cells[(r, 8)] = 94.3
    [f] = [f for f in check_grid(g).findings if f.code == "S302"]
    assert (f.cell, f.severity, f.expected, f.actual) == ("H23", Severity.ERROR, "95.30", "94.30")


def test_cost_indicator_four_times_the_fund_block_is_found(seed_grid: Grid) -> None:
    # 后勤管理 支出数 <171.98 万元 agrees with 全年预算数 1719800.00 (known by its 二级 成本指标)
    g = _sheet_copy(seed_grid, "02")
    assert [f for f in check_grid(g).findings if f.code == "S208"] == []
    r, c = _cell_of(g, "支出数")
    g.sheets[0].cells[(r, c + 1)] = "<687.92 万元"  # 4 × 171.98
    [f] = [f for f in check_grid(g).findings if f.code == "S208"]
    assert (f.cell, f.severity) == (f"E{r}", Severity.WARNING)
    assert "6879200.00" in f.message and "1719800.00" in f.message


def test_other_real_mistakes_found(result: FileResult) -> None:
    codes = {(f.code, f.sheet[:2], f.cell) for f in result.findings}
    assert ("S210", "12", "F19") in codes  # 党组织书记满意度: actual ≥90% repeats the bound
    assert ("S206", "13", "F14") in codes  # 培训人数 55 → 100 with 无偏差
    assert ("S208", "06", "E17") in codes  # 公务接待 target <4万元 vs budget 31400.00
    assert ("S204", "14", "I18") in codes  # 0 of 5 with no reason
