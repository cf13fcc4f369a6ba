"""`check` with recomputed formula cells: values for formulas saved without one, and stale
cached values reported (S406–S408, the ``recompute`` setting, ``--no-recompute``).

The workbooks are the committed department template with a seed project typed in by
openpyxl, which saves formulas without cached values (as a script filling the template
does); the same project with the computed cells typed as values is what the check must
find on it.  A stale workbook is that file with its values written back
(:func:`budgetlint.recompute.recompute_file`) and one cached value then overwritten in
the sheet XML (:func:`budgetlint.annotate.values.write_values`): a workbook saved with
manual calculation after an input changed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from budgetlint.annotate.values import write_values
from budgetlint.build.canonical import TEMPLATE_SHEET
from budgetlint.build.seed_s import PROJECTS
from budgetlint.build.template_s import TEMPLATE_PATHS, Form, form_workbook, reference
from budgetlint.checker import check_file, check_grid
from budgetlint.cli import main
from budgetlint.findings import Finding, Severity
from budgetlint.grid import Grid, Sheet
from budgetlint.gridtext import parse
from budgetlint.hosts import read_workbook
from budgetlint.model import FormS
from budgetlint.recompute import recompute_file
from budgetlint.results import FileResult
from budgetlint.rules.cases import load_cases
from budgetlint.settings import Settings, SettingsError
from tests.test_templates import type_into_template

REPO = Path(__file__).resolve().parents[1]
SHEET = TEMPLATE_SHEET
SEED_S = REPO / "examples" / "深圳市社会组织管理局_2021_项目支出绩效自评表.xlsx"
#: Seeds whose indicators fit the committed template's rows.
SEEDS = (1, 6)
OFF = Settings(recompute=False)


def _form(rendering: str) -> Form:
    return form_workbook(None, rendering)[1]  # type: ignore[arg-type]


def _type_seed(folder: Path, number: int, rendering: str) -> Path:
    """Seed ``number`` typed into the committed template by openpyxl: formulas, no values."""
    wb = load_workbook(REPO / TEMPLATE_PATHS[rendering])  # type: ignore[index]
    type_into_template(wb[SHEET], _form(rendering), PROJECTS[number - 1], slots=True)
    path = folder / f"seed{number:02d}-{rendering}.xlsx"
    wb.save(path)
    return path


def _as_values(src: Path, dst: Path) -> Path:
    """The standard rendering with every computed cell typed as the value budgetlint.scoring
    gives it (what a department types by hand): no formula left on the form."""
    form = _form("standard")
    computed = {c.path for c in form.computed}
    wb = load_workbook(src)
    ws = wb[SHEET]
    values: dict[str, Any] = {}

    def value(path: str) -> Any:
        if path in values:
            return values[path]
        if path not in form.where:
            raise KeyError(path)
        return ws[form.where[path]].value

    for entry in form.computed:
        values[entry.path] = reference(entry, value)
    for path in computed:
        v = values[path]
        ws[form.where[path]].value = None if v == "" else v
    wb.save(dst)
    return dst


def _keys(fr: FileResult, *, drop: tuple[str, ...] = ("S408",)) -> list[tuple[str, str, str, str]]:
    assert fr.error is None, fr.error
    return sorted(
        (f.code, f.cell, f.severity.value, f.message) for f in fr.findings if f.code not in drop
    )


def _only(fr: FileResult, code: str) -> list[Finding]:
    return [f for f in fr.findings if f.code == code]


def _read_form(fr: FileResult) -> FormS:
    [read] = [s for s in fr.sheets if s.sheet == SHEET]
    assert read.form is not None
    return read.form


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("check-recompute")


@pytest.fixture(scope="module")
def typed(work: Path) -> dict[tuple[int, str], Path]:
    return {(n, r): _type_seed(work, n, r) for n in SEEDS for r in ("standard", "udf")}


@pytest.fixture(scope="module")
def as_values(work: Path, typed: dict[tuple[int, str], Path]) -> dict[int, Path]:
    return {n: _as_values(typed[(n, "standard")], work / f"seed{n:02d}-values.xlsx") for n in SEEDS}


@pytest.fixture(scope="module")
def stale(work: Path, typed: dict[tuple[int, str], Path]) -> Path:
    """Seed 1 calculated, then 执行率 G5's cached value overwritten with 0.95 (recomputes to 0.98)."""
    calculated = work / "seed01-calculated.xlsx"
    recalc, _ = recompute_file(typed[(1, "standard")], calculated)
    assert recalc.problems == [] and len(recalc.filled) == 11
    path = work / "seed01-stale.xlsx"
    write_values(calculated, path, {(SHEET, 5, 7): 0.95})
    return path


# --- formulas without cached values ---------------------------------------------------------


def test_without_recompute_the_formula_cells_read_empty(
    typed: dict[tuple[int, str], Path], as_values: dict[int, Path]
) -> None:
    """The old behaviour (and --no-recompute): false findings about empty totals."""
    for n in SEEDS:
        fr = check_file(typed[(n, "standard")], OFF)
        extra = set(_keys(fr, drop=())) - set(_keys(check_file(as_values[n])))
        assert {(code, cell) for code, cell, _, _ in extra} == {
            ("S406", "C5"),
            ("S401", "D5"),  # 年度资金总额的全年预算数为空
            ("S401", "E5"),
            ("S401", "H30"),  # 总分得分为空
        }
        assert not _only(fr, "S408") and not _only(fr, "S407")


@pytest.mark.parametrize("rendering", ["standard", "udf"])
@pytest.mark.parametrize("number", SEEDS)
def test_recomputed_formula_cells_check_like_typed_values(
    typed: dict[tuple[int, str], Path], as_values: dict[int, Path], number: int, rendering: str
) -> None:
    fr = check_file(typed[(number, rendering)])
    # exactly the findings of the same project typed with values: code, cell, severity, message
    assert _keys(fr) == _keys(check_file(as_values[number]))
    assert not _only(fr, "S406") and not _only(fr, "S407")
    [note] = _only(fr, "S408")
    n_formulas = len(_form(rendering).computed)
    assert note.severity is Severity.NOTE and note.cell == "C5"
    assert f"本表 C5、D5、E5、G5、H5 等 {n_formulas} 个公式单元格没有保存计算结果" in note.message
    assert note.message.startswith("公式无缓存值，已按公式重算后检查")
    # the form read the recomputed values: those typed in the values version
    form, typed_form = _read_form(fr), _read_form(check_file(as_values[number]))
    assert form.fund is not None and typed_form.fund is not None
    for row, want in zip(form.fund.rows, typed_form.fund.rows, strict=True):
        for name in ("budget", "executed", "rate", "score"):
            got_f, want_f = getattr(row, name), getattr(want, name)
            assert (got_f and got_f.value) == pytest.approx(want_f and want_f.value), (
                row.kind,
                name,
            )
    assert form.total_score is not None and typed_form.total_score is not None
    assert form.total_score.value == pytest.approx(typed_form.total_score.value)
    assert form.grade is not None and typed_form.grade is not None
    assert form.grade.text == typed_form.grade.text
    assert len(form.recomputed_formulas) == n_formulas and form.uncached_formulas == []
    assert form.recomputed_formulas[0].ref.address == "C5"
    assert form.recomputed_formulas[0].formula == '=IF(COUNT(C6:C8)=0,"",SUM(C6:C8))'


@pytest.mark.parametrize("number", SEEDS)
def test_the_rules_find_what_they_find_on_the_example_workbooks_sheet(
    typed: dict[tuple[int, str], Path], number: int
) -> None:
    """The seed's own sheet in the example workbook (typed with printed values) gets the same
    rules; the messages differ only in how the template prints numbers (2.50 for 2.5)."""
    example = check_file(SEED_S)
    sheet = example.sheets[number - 1].sheet
    want = Counter(f.code for f in example.findings if f.sheet == sheet)
    got = Counter(f.code for f in check_file(typed[(number, "standard")]).findings)
    assert got - want == Counter({"S408": 1}) and want - got == Counter()


def test_the_input_grid_is_not_changed_and_a_second_check_is_the_same(
    typed: dict[tuple[int, str], Path],
) -> None:
    grid = read_workbook(typed[(1, "standard")])
    sheet = grid.sheet(SHEET)
    uncached = sheet.uncached()
    first, second = check_grid(grid), check_grid(grid)
    assert sheet.uncached() == uncached and sheet.recomputed == {} and len(uncached) == 11
    assert first.findings == second.findings
    assert first.grid is not None and first.grid is not grid
    checked = first.grid.sheet(SHEET)
    assert sorted(checked.recomputed) == uncached and checked.uncached() == []
    assert checked.cells[(5, 7)] == pytest.approx(969188.11 / 987000)
    # the help sheet (no form) is the input's own object
    assert first.grid.sheets[1] is grid.sheets[1]


# --- stale cached values --------------------------------------------------------------------


def test_a_stale_cached_value_is_reported_at_its_cell(stale: Path) -> None:
    fr = check_file(stale)
    [f] = _only(fr, "S407")
    formula = read_workbook(stale).sheet(SHEET).formulas[(5, 7)]
    assert f.cell == "G5" and f.sheet == SHEET and f.severity is Severity.WARNING
    assert f.expected == "0.98" and f.actual == "0.95"
    assert f.message == (
        f"公式结果未更新：按公式 {formula} 重算为 0.98，表中缓存值为 0.95"
        "（文件可能在“手动计算”下保存），请在 Excel 中重新计算后保存"
    )
    assert f.computation == f"{formula} = 0.98"
    # the other rules check what the workbook prints: the cached 0.95
    [rate] = [g for g in fr.findings if g.code == "S101"]
    assert rate.cell == "G5" and rate.actual == "0.95" and rate.expected == "0.98"
    assert not _only(fr, "S406") and not _only(fr, "S408")
    assert fr.grid is not None
    checked = fr.grid.sheet(SHEET)
    assert checked.cells[(5, 7)] == 0.95
    cached, recomputed = checked.stale[(5, 7)]
    assert cached == 0.95 and recomputed == pytest.approx(969188.11 / 987000)
    assert list(checked.stale) == [(5, 7)]  # H5 = 10 × ROUND(0.98…, 2) = 9.80 is right


def test_a_calculated_workbook_has_no_recompute_findings(work: Path, stale: Path) -> None:
    fr = check_file(work / "seed01-calculated.xlsx")
    assert not {"S406", "S407", "S408"} & {f.code for f in fr.findings}
    assert fr.grid is not None and fr.grid.sheet(SHEET).stale == {}


def test_cli_check_reports_the_stale_cell_end_to_end(stale: Path) -> None:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    run = subprocess.run(
        [sys.executable, "-m", "budgetlint.cli", "check", str(stale), "--format", "json"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=120,
        check=False,
    )
    assert run.returncode == 1, run.stderr  # S101 at G5 is an error; S407 a warning
    data = json.loads(run.stdout)
    text = json.dumps(data, ensure_ascii=False)
    assert '"S407"' in text and "公式结果未更新" in text and "G5" in text
    text_run = subprocess.run(
        [sys.executable, "-m", "budgetlint.cli", "check", str(stale), "--fail-on", "warning"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=120,
        check=False,
    )
    assert text_run.returncode == 1
    assert "S407" in text_run.stdout and "重算为 0.98，表中缓存值为 0.95" in text_run.stdout


def test_cli_no_recompute_restores_the_old_behaviour(
    typed: dict[tuple[int, str], Path], stale: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = typed[(1, "standard")]
    assert main(["check", str(path), "--jobs", "1", "--fail-on", "never"]) == 0
    out = capsys.readouterr().out
    assert "S408" in out and "S406" not in out
    assert main(["check", str(path), "--jobs", "1", "--no-recompute", "--fail-on", "never"]) == 0
    out = capsys.readouterr().out
    assert "S406" in out and "S408" not in out and "年度资金总额的全年预算数为空" in out
    main(["check", str(stale), "--jobs", "1", "--no-recompute", "--fail-on", "never"])
    assert "S407" not in capsys.readouterr().out


def test_the_setting_turns_it_off_in_worker_processes_too(
    typed: dict[tuple[int, str], Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "budgetlint.toml"
    config.write_text("recompute = false\n", encoding="utf-8")
    paths = [str(typed[(n, "standard")]) for n in SEEDS]
    args = ["check", *paths, "--config", str(config), "--jobs", "2", "--fail-on", "never"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert out.count("S406") == 2 and "S408" not in out


def test_recompute_setting_is_type_checked() -> None:
    assert Settings.from_mapping({"recompute": False}).recompute is False
    assert Settings().recompute is True
    with pytest.raises(SettingsError, match=r"budgetlint.toml: recompute 应为布尔值"):
        Settings.from_mapping({"recompute": "no"}, source="budgetlint.toml")


# --- what is not reported, and failures -------------------------------------------------------

_BASE = load_cases("S406").passing[0].grid


def _grid(g5: str, h5: str, extra: str = "") -> Grid:
    assert "| 10 | 0.98 | 9.80 |" in _BASE
    text = _BASE.replace("| 10 | 0.98 | 9.80 |", f"| 10 | {g5} | {h5} |", 1)
    return Grid("示例.xlsx", [parse(text.rstrip("\n") + extra, "示例")])


def test_a_value_computed_from_a_volatile_function_is_not_stale() -> None:
    # 填报日期 = TODAY() saved yesterday (or a year ago): not a stale workbook
    fr = check_grid(_grid("0.98", "9.80", "\n填报日期 | {=TODAY()}45000 | {=B24+1}45001\n"))
    assert not _only(fr, "S407")
    assert fr.grid is not None and fr.grid.sheet("示例").stale == {}
    fr = check_grid(_grid("{=ROUND(E5/D5,2)}0.95", "9.80", "\n填报日期 | {=TODAY()}45000\n"))
    assert [f.cell for f in _only(fr, "S407")] == ["G5"]


def test_a_cell_that_cannot_be_recomputed_stays_as_it_was() -> None:
    fr = check_grid(_grid("{=OFFSET(E5,0,0)/D5}0.95", "{=F5*G5}9.50"))
    assert not _only(fr, "S407") and not _only(fr, "S406")  # cached: read as stored
    assert fr.grid is not None
    checked = fr.grid.sheet("示例")
    assert checked.cells[(5, 7)] == 0.95 and checked.stale == {}
    assert "OFFSET" in checked.not_recomputed[(5, 7)]
    assert checked.not_recomputed[(5, 8)] == "引用了无法重算的单元格 G5，未重算"
    fr = check_grid(_grid("{=OFFSET(E5,0,0)/D5}", "{=F5*G5}"))
    [f] = _only(fr, "S406")
    assert f.cell == "G5" and "G5 不支持的函数 OFFSET，无法重算：=OFFSET(E5,0,0)/D5" in f.message


class _Broken:
    """An engine that fails as no engine should: an exception out of compile."""

    compiled = 0

    def compile(self, text: str) -> Any:
        raise RuntimeError("engine bug")

    def evaluate(self, compiled: Any, areas: Any, at: Any) -> Any:  # pragma: no cover
        raise AssertionError


def test_a_recompute_crash_is_a_rule_failure_not_a_pass() -> None:
    fr = check_grid(_grid("{=ROUND(E5/D5,2)}0.95", "9.80"), engine=_Broken())
    [rf] = fr.rule_failures
    assert rf.code == "S407" and rf.sheet == "示例" and rf.cell == "A1"
    assert rf.error == "重算公式时 RuntimeError: engine bug"
    [x] = _only(fr, "X001")
    assert x.severity is Severity.ERROR and x.cell == "A1" and "S407" in x.message
    assert not _only(fr, "S407")  # the stale value was not found: hence the X001
    assert fr.grid is not None and fr.grid.sheet("示例").stale == {}
    # the other rules still ran on the stored values
    assert [f.cell for f in _only(fr, "S101")] == ["G5"]
    # a form without formulas is not affected
    assert check_grid(_grid("0.98", "9.80"), engine=_Broken()).rule_failures == []


def test_a_recompute_crash_exits_2(
    typed: dict[tuple[int, str], Path],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import budgetlint.recompute

    def crash(*args: Any, **kwargs: Any) -> Any:
        raise MemoryError("no memory for the engine")

    monkeypatch.setattr(budgetlint.recompute, "recompute_grid", crash)
    path = typed[(1, "standard")]
    assert main(["check", str(path), "--jobs", "1", "--fail-on", "never"]) == 2
    captured = capsys.readouterr()
    assert "X001" in captured.out and "S406" in captured.out  # the empty cells are reported
    assert "规则 S407" in captured.err and "重算公式时 MemoryError" in captured.err


# --- cost -------------------------------------------------------------------------------------

_PROBE = """
import sys
from budgetlint.checker import check_file, check_grid
from budgetlint.grid import Grid, Sheet
fr = check_file(sys.argv[1])
assert fr.error is None and fr.findings, fr.error
# formulas on a sheet that is not a form are not recomputed either
check_grid(Grid("x.xlsx", [Sheet("数据", cells={(1, 1): 1.0}, formulas={(1, 2): "=A1*2"})]))
print(sorted(m for m in ("formulas", "numpy", "openpyxl") if m in sys.modules))
"""


def test_a_workbook_without_formulas_loads_no_formula_engine() -> None:
    example = REPO / "examples" / "版式-全国万元.xlsx"
    assert not any(s.formulas for s in read_workbook(example).sheets)
    run = subprocess.run(
        [sys.executable, "-c", _PROBE, str(example)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "[]"


def test_sheet_fields_default_empty() -> None:
    s = Sheet("x")
    assert s.recomputed == {} and s.stale == {} and s.not_recomputed == {}
