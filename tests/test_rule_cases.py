"""The documentation is the test: every rule's examples (rules/cases/<CODE>.toml) run here.

A ``[[fail]]`` grid (the anti-pattern) must raise the rule at its ``cell``; a ``[[pass]]``
grid (the best practice) must not raise it.  The same grids are what ``budgetlint rules
CODE`` shows as 反例 and 正例, so the page a user reads is exactly what is tested.  A rule
without cases fails here: a new rule comes with its examples.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from budgetlint.checker import check_grid, link_projects
from budgetlint.findings import Finding
from budgetlint.grid import Grid
from budgetlint.rules import REGISTRY, all_rules
from budgetlint.rules.base import LINK_FORM
from budgetlint.rules.cases import Case, CaseError, case_codes, has_cases, load_cases, parse_cases
from budgetlint.rules.docs import render_page

CODES = [r.code for r in all_rules()]


def _params() -> Iterator[Any]:
    for code in CODES:
        if not has_cases(code):
            continue  # test_every_rule_has_cases reports it
        try:
            cases = load_cases(code).all
        except CaseError:
            continue  # test_every_rule_has_cases reports it
        for case in cases:
            marks = [pytest.mark.xfail(reason=case.xfail, strict=True)] if case.xfail else []
            yield pytest.param(case, id=case.id, marks=marks)


def _describe(found: list[Finding]) -> str:
    return "; ".join(f"{f.code} {f.cell} {f.message}" for f in found) or "（无）"


@pytest.mark.parametrize("case", list(_params()))
def test_case(case: Case) -> None:
    result = check_grid(Grid(f"{case.id}.xlsx", case.sheets()), case.check_settings())
    link_projects(result, result.projects, case.check_settings())
    # a link rule's case holds the narrative (of ``layout``) and the forms P it quotes
    families = {case.layout} | ({"project_p"} if REGISTRY[case.code].form == LINK_FORM else set())
    for read in result.sheets:
        assert read.status == "form", (read.sheet, read.status, read.reason)
        assert read.family in families, f"{case.id}: {read.sheet} read as {read.family}"
    crashed = [rf for rf in result.rule_failures if rf.code == case.code]
    assert not crashed, crashed
    own = [f for f in result.findings if f.code == case.code]
    if case.kind == "fail":
        at = {f"{f.sheet}!{f.cell}" if case.multi else f.cell for f in own}
        missing = [c for c in case.cells if c not in at]
        assert not missing, (
            f"{case.id}「{case.title}」: expected {case.code} at {'、'.join(missing)}, "
            f"got {_describe(own)}"
        )
    else:
        assert not own, f"{case.id}「{case.title}」: {case.code} raised: {_describe(own)}"


@pytest.mark.parametrize("code", CODES)
def test_every_rule_has_cases(code: str) -> None:
    assert has_cases(code), f"rule {code} has no src/budgetlint/rules/cases/{code}.toml"
    cases = load_cases(code)
    assert cases.fail, f"{code}: no [[fail]] case"
    assert cases.passing, f"{code}: no [[pass]] case"


def test_no_cases_for_unknown_rules() -> None:
    assert set(case_codes()) <= set(REGISTRY), set(case_codes()) - set(REGISTRY)


@pytest.mark.parametrize("code", CODES)
def test_page_shows_the_cases(code: str) -> None:
    rule = REGISTRY[code]
    page = render_page(rule)
    assert "反例" in page and "正例" in page
    cases = load_cases(code)
    for case in cases.all:
        assert case.title in page
    for case in cases.fail:
        assert f"报告单元格：{'、'.join(case.cells)}" in page
    # the examples live in the case file, not in the docstring
    assert not re.search(r"^\*\*(Anti-pattern|Best practice)", rule.doc, re.M), code


def test_page_table_shows_the_rows_and_marks_the_cell() -> None:
    page = render_page(REGISTRY["S201"])
    [fail] = load_cases("S201").fail
    assert fail.rows == (11, 13)
    table = page.split("反例")[1].split("正例")[0]
    assert re.search(r"^\s+13 │.*│ 采购服务量 +│.*│ \[12\.0\]", table, re.M), table
    assert not re.search(r"^\s+12 │", table, re.M)  # rows not asked for are not shown


def test_page_of_an_internal_code_has_no_examples() -> None:
    from budgetlint.cli import _internal_rule

    page = render_page(_internal_rule("X001"))
    assert "反例" not in page and "正例" not in page


# --------------------------------------------------------------------------- the loader

GRID = "项目名称 | 甲\n总分 | 100\n"


def _toml(**case: str) -> str:
    lines = ["[[fail]]"]
    for k, v in case.items():
        lines.append(f"{k} = '''\n{v}'''" if k == "grid" else f"{k} = {v}")
    return "\n".join(lines) + "\n"


def test_parse_cases_reads_a_case() -> None:
    text = _toml(title='"例"', cell='"b2"', rows='"1-2"', grid=GRID) + (
        '[[pass]]\ntitle = "好"\nsettings = { families = { national = { fund_weight = 20 } } }\n'
        f"grid = '''\n{GRID}'''\n"
    )
    rc = parse_cases("S101", text)
    [fail], [ok] = rc.fail, rc.passing
    assert (fail.id, fail.cell, fail.rows, fail.layout) == ("S101-fail1", "B2", (1, 2), "national")
    assert ok.cell is None and ok.rows is None
    assert ok.check_settings().select == ["S101"]
    assert ok.check_settings().family_params("national").fund_weight == 20


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ({"title": '"例"', "grid": GRID}, "cell"),
        ({"title": '"例"', "cell": '"A9"', "grid": GRID}, "不在 grid 内"),
        ({"title": '"例"', "cell": '"A1"', "grid": "a | >\n^ | b\n"}, "grid 无法解析"),
        ({"title": '"例"', "cell": '"A1"', "grid": GRID, "rows": '"2-5"'}, "rows"),
        ({"title": '"例"', "cell": '"A1"', "grid": GRID, "cel": '"A1"'}, "未知的键 cel"),
        ({"title": '"例"', "cell": '"A1"', "grid": GRID, "layout": '"x"'}, "layout"),
        (
            {"title": '"例"', "cell": '"A1"', "grid": GRID, "settings": "{ max_rate = -1 }"},
            "max_rate",
        ),
        ({"cell": '"A1"', "grid": GRID}, "title"),
    ],
)
def test_parse_cases_rejects_a_bad_case(case: dict[str, str], message: str) -> None:
    with pytest.raises(CaseError, match=message) as e:
        parse_cases("S101", _toml(**case), "S101.toml")
    assert "S101.toml [[fail]] 第 1 个" in str(e.value)


def test_a_fail_case_may_name_several_cells() -> None:
    [fail] = parse_cases("S104", _toml(title='"例"', cell='["b1", "A2", "B1"]', grid=GRID)).fail
    assert fail.cells == ("B1", "A2") and fail.cell == "B1"


def test_a_pass_case_names_no_cell() -> None:
    text = f"[[pass]]\ntitle = \"好\"\ncell = \"A1\"\ngrid = '''\n{GRID}'''\n"
    with pytest.raises(CaseError, match="正例不应有 cell"):
        parse_cases("S101", text)
