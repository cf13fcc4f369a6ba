"""Every layout family reads to the model the family workbook's author states.

``budgetlint.build.families_s.EXPECTED`` says, per file and sheet, the family
and each model value with its cell.  These tests read the committed example
workbooks (and a traditional-character build) and compare, then check that the
planted mistakes are found at their cells.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest

from budgetlint.build.families_s import EXPECTED, FILES, build_all
from budgetlint.checker import check_grid
from budgetlint.forms import read_grid
from budgetlint.hosts import read_workbook
from budgetlint.model import Field, FormS, SheetRead
from budgetlint.values import Value
from tests.conftest import EXAMPLES


def _resolve(form: FormS, path: str) -> Any:
    """The model object a path of EXPECTED names (a Field, a float, or None)."""
    parts = path.split(".")
    head = parts[0]
    if head == "fund":
        assert form.fund is not None
        row = form.fund.row(parts[1])
        return None if row is None else getattr(row, parts[2])
    if head == "fund_weight":
        # the weight the rules use: the 分值 cell of the total row, else the block label's
        assert form.fund is not None and form.fund.total is not None
        w = form.fund.total.weight
        return w.value if w is not None and w.value is not None else form.fund.weight
    if head == "indicators":
        i = int(parts[1])
        return getattr(form.indicators[i], parts[2]) if i < len(form.indicators) else "<missing>"
    if head == "level1_weights":
        return form.level1_weights.get(parts[1])
    if head == "texts":
        from budgetlint.text import norm

        return form.texts.get(norm(parts[1]))
    return getattr(form, head)


def _same(got: Any, want: Any) -> bool:
    if isinstance(got, Value):
        got = got.text
    if want is None and got in ("", None):
        return True
    if isinstance(want, (int, float)) and not isinstance(want, bool):
        return isinstance(got, (int, float)) and math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-6)
    if isinstance(want, str) and isinstance(got, str):
        return want.strip() == got.strip()
    return bool(got == want)


def mismatches(form: FormS, values: dict[str, tuple[str | None, Any]]) -> list[str]:
    out = []
    for path, (addr, want) in values.items():
        got = _resolve(form, path)
        if isinstance(got, Field):
            if addr is not None and got.cell != addr:
                out.append(f"{path}: cell {got.cell or None} != {addr}")
            value: Any = got.value
            if path.endswith((".target", ".actual")) or isinstance(want, str):
                value = got.value.text if isinstance(got.value, Value) else got.value
                if isinstance(got.raw, str) and isinstance(want, str) and not _same(value, want):
                    value = got.raw
            if not _same(value, want):
                out.append(f"{path}: {value!r} != {want!r}")
        elif not _same(got, want) and not (got is None and want is None):
            out.append(f"{path}: {got!r} != {want!r} (at {addr})")
    return out


CASES = [(fname, sheet) for fname, sheets in EXPECTED.items() for sheet in sheets]


@pytest.fixture(scope="module")
def reads() -> dict[str, list[SheetRead]]:
    return {fname: read_grid(read_workbook(EXAMPLES / fname)) for fname in EXPECTED}


@pytest.mark.parametrize(("fname", "sheet"), CASES, ids=[f"{f}:{s}" for f, s in CASES])
def test_family_reads_to_the_stated_model(
    fname: str, sheet: str, reads: dict[str, list[SheetRead]]
) -> None:
    exp = EXPECTED[fname][sheet]
    [read] = [r for r in reads[fname] if r.sheet == sheet]
    if exp.family in ("skipped", "unrecognized"):
        assert read.status == exp.family, read.reason
        return
    if exp.family == "final_accounts":  # a 三公经费 table: a part of form D
        assert (read.status, read.family) == ("form", exp.family), read.reason
        return
    assert read.status == "form", read.reason
    assert read.family == exp.family
    assert read.form is not None
    assert mismatches(read.form, exp.values) == []


def test_every_family_has_an_example() -> None:
    assert set(FILES) == {
        "national_wan", "split_target", "ten_ninety", "twenty_eighty", "transfer", "no_score", "department",
    }  # fmt: skip


@pytest.fixture(scope="module")
def traditional(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("trad")
    build_all(root, traditional=True)
    return root / "examples"


@pytest.mark.parametrize("fname", sorted(EXPECTED))
def test_traditional_characters_read_to_the_same_model(
    fname: str, traditional: Path, reads: dict[str, list[SheetRead]]
) -> None:
    trad = read_grid(read_workbook(traditional / fname))
    for a, b in zip(reads[fname], trad, strict=True):
        assert (a.status, a.family) == (b.status, b.family), a.sheet
        if a.form is not None:
            assert b.form is not None
            assert mismatches(b.form, EXPECTED[fname][a.sheet].values) == []


#: The family author's rule ideas -> the rules that must report the planted mistake.
MISTAKE_RULES: dict[str, set[str]] = {
    "zero-budget rate": {"S104"},
    "fund-sum": {"S103"},
    "bound-repeated": {"S210"},
    "band": {"S209"},
    "weights-sum": {"S301"},
    "level1-weight": {"S211"},
    "rate-wrong": {"S101"},
    "fund-score": {"S102"},
    "met-deduction": {"S212"},
    "reason-missing": {"S204"},
    "template-text": {"S403"},
    "adjusted-without-reason": {"S106"},
    "over-achievement": {"S206"},
    "total-sum": {"S302"},
    "fund-score-over-weight": {"S102"},
    "reason-contradiction": {"S204"},
    "actual-missing": {"S401"},
    "score-wrong": {"S202"},
    "score-over-weight": {"S201"},
}


@pytest.mark.parametrize("fname", sorted(EXPECTED))
def test_planted_mistakes_are_found_at_their_cells(fname: str) -> None:
    grid = read_workbook(EXAMPLES / fname)
    result = check_grid(grid)
    for sheet, exp in EXPECTED[fname].items():
        found = [f for f in result.findings if f.sheet == sheet]
        for addr, desc, idea in exp.mistakes:
            codes = MISTAKE_RULES[idea]
            at_cell = {f.code for f in found if f.cell == addr}
            assert at_cell & codes, (
                f"{fname} {sheet} {addr}: {desc} ({idea}) not found; got {at_cell}"
            )


@pytest.mark.parametrize("fname", sorted(EXPECTED))
def test_consistent_sheets_raise_no_error_or_warning(fname: str) -> None:
    result = check_grid(read_workbook(EXAMPLES / fname))
    for sheet, exp in EXPECTED[fname].items():
        if exp.family in ("skipped", "unrecognized") or exp.mistakes:
            continue
        serious = [
            (f.cell, f.code, f.message)
            for f in result.findings
            if f.sheet == sheet and f.severity.value != "note"
        ]
        assert serious == [], f"{fname} {sheet}"


def test_unknown_layout_and_non_forms_carry_no_findings() -> None:
    for fname, sheets in EXPECTED.items():
        result = check_grid(read_workbook(EXAMPLES / fname))
        for sheet, exp in sheets.items():
            if exp.family in ("skipped", "unrecognized"):
                assert [f for f in result.findings if f.sheet == sheet] == []
                [read] = [r for r in result.sheets if r.sheet == sheet]
                assert read.status == exp.family
                if exp.family == "unrecognized":
                    assert read.labels and read.reason.startswith("版式未识别")


def _check(fname: str, **families: dict[str, Any]) -> list[Any]:
    from budgetlint.settings import Settings

    settings = Settings.from_mapping({"families": families}) if families else Settings()
    return check_grid(read_workbook(EXAMPLES / fname), settings).findings


def test_fund_weight_parameter_changes_the_fund_score_check() -> None:
    fname = FILES["twenty_eighty"]
    default = [f for f in _check(fname) if f.code == "S102" and f.sheet.startswith("项目1")]
    assert default == []  # 20 × rate is right with the family's 20 points
    overridden = [
        f
        for f in _check(fname, twenty_eighty={"fund_weight": 10.0})
        if f.code == "S102" and f.sheet.startswith("项目1")
    ]
    assert [(f.cell, f.severity.value) for f in overridden] == [("A5", "warning")]
    assert "本版式规定资金分值为 10" in overridden[0].message


def test_equal_split_parameter_controls_the_derived_weights() -> None:
    from budgetlint.settings import Settings

    grid = read_workbook(EXAMPLES / FILES["twenty_eighty"])
    on = read_grid(grid)[0].form
    off = read_grid(
        grid, Settings.from_mapping({"families": {"twenty_eighty": {"equal_split": False}}})
    )[0].form
    assert on is not None and off is not None
    assert {i.weight.value for i in on.indicators if i.weight} == {10.0}
    assert {i.weight_source for i in on.indicators} == {"equal"}
    assert all(i.weight is None for i in off.indicators)


def test_fixed_level1_weights_parameter() -> None:
    fname = FILES["national_wan"]
    clean = [f for f in _check(fname) if f.code == "S211" and f.sheet.startswith("项目1")]
    assert clean == []  # 50 / 30 / 10 as the family fixes them
    moved = [
        f
        for f in _check(
            fname, national_wan={"level1_weights": {"产出指标": 40.0, "效益指标": 40.0}}
        )
        if f.code == "S211" and f.sheet.startswith("项目1")
    ]
    assert {f.severity.value for f in moved} == {"warning"}
    assert any("40" in f.message and "50" in f.message for f in moved)
