"""The checker scored against the hand-written keys of real published forms.

Every form of ``tests/realforms/forms`` is built into a workbook as printed and
checked through the file reader, as a bureau would.  Required: every keyed
error found at its cell, at least 90 % of the keyed warnings found (as a
warning or an error), no error on a cell the key does not name as an error,
and each form read as the key expects (a form, or 版式未识别).  Recall per
layout is printed (``pytest -s``) and written to ``build/realforms-recall.txt``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from budgetlint.checker import check_file
from budgetlint.findings import Finding, Severity
from budgetlint.results import FileResult
from tests.realforms.corpus import RealForm, load_all, write_workbook

ROOT = Path(__file__).resolve().parents[1]
FORMS = load_all()
WARNING_RECALL = 0.90
#: Rules that add up a whole block or form (Σ 分值 = 100, a 一级 label against its
#: rows, 总分 = Σ 得分, a block label against its sub-blocks).  On a form the page cuts
#: short their sums run over rows nobody can see: they are not judged there.
WHOLE_FORM_SUMS = frozenset({"S211", "S301", "S302", "S304"})


@dataclass
class Score:
    form: RealForm
    result: FileResult
    errors_missed: list[str] = field(default_factory=list)
    errors_found: int = 0
    warnings_missed: list[str] = field(default_factory=list)
    warnings_found: int = 0
    false_errors: list[Finding] = field(default_factory=list)

    @property
    def status(self) -> str:
        return self.result.sheets[0].status if self.result.sheets else "unreadable"


def _score(form: RealForm, result: FileResult) -> Score:
    sc = Score(form, result)
    found = [f for f in result.findings if f.sheet == form.sheet_name]
    at: dict[str, set[Severity]] = defaultdict(set)
    for f in found:
        at[f.cell].add(f.severity)
    keyed_error_cells: set[str] = set()
    for k in form.key:
        sevs = set().union(*(at.get(c, set()) for c in k.cells))
        line = f"{k.cell} {k.severity}: {k.what}"
        if k.severity == "error":
            keyed_error_cells.update(k.cells)
            if Severity.ERROR in sevs:
                sc.errors_found += 1
            else:
                sc.errors_missed.append(line)
        elif sevs & {Severity.WARNING, Severity.ERROR}:
            sc.warnings_found += 1
        else:
            sc.warnings_missed.append(line)
    sc.false_errors = [
        f
        for f in found
        if f.severity is Severity.ERROR
        and f.cell not in keyed_error_cells
        and not (form.partial and f.code in WHOLE_FORM_SUMS)
    ]
    return sc


@pytest.fixture(scope="module")
def scores(tmp_path_factory: pytest.TempPathFactory) -> list[Score]:
    out = tmp_path_factory.mktemp("realforms")
    return [_score(f, check_file(write_workbook(f, out / f"{f.name}.xlsx"))) for f in FORMS]


def test_the_corpus_is_wide_enough() -> None:
    assert len(FORMS) >= 30
    assert len({f.province for f in FORMS if f.province != "不详"}) >= 10
    assert all(f.source.startswith("http") for f in FORMS)


@pytest.mark.parametrize("form", FORMS, ids=[f.name for f in FORMS])
def test_form_is_read_as_the_key_expects(form: RealForm, scores: list[Score]) -> None:
    sc = next(s for s in scores if s.form is form)
    assert sc.result.error is None
    if form.expect == "unrecognized":
        assert sc.status in ("unrecognized", "skipped"), sc.result.sheets
    else:
        assert sc.status == "form", sc.result.sheets[0].reason


@pytest.mark.parametrize("form", FORMS, ids=[f.name for f in FORMS])
def test_every_keyed_error_is_found_and_no_other(form: RealForm, scores: list[Score]) -> None:
    sc = next(s for s in scores if s.form is form)
    assert sc.errors_missed == []
    assert [(f.cell, f.code, f.message) for f in sc.false_errors] == []


def test_warning_recall_and_report(scores: list[Score]) -> None:
    by_layout: dict[str, list[Score]] = defaultdict(list)
    for sc in scores:
        by_layout[sc.form.layout].append(sc)
    lines = ["layout          forms  errors found/keyed  warnings found/keyed  false errors"]
    for layout, group in sorted(by_layout.items()):
        ek = sum(s.errors_found + len(s.errors_missed) for s in group)
        wk = sum(s.warnings_found + len(s.warnings_missed) for s in group)
        lines.append(
            f"{layout:<15} {len(group):>5}  {sum(s.errors_found for s in group):>5}/{ek:<12}"
            f"  {sum(s.warnings_found for s in group):>5}/{wk:<14}"
            f"  {sum(len(s.false_errors) for s in group)}"
        )
    found = sum(s.warnings_found for s in scores)
    keyed = found + sum(len(s.warnings_missed) for s in scores)
    lines.append(f"warning recall {found}/{keyed} = {found / max(keyed, 1):.1%}")
    missed = [f"{s.form.name} {m}" for s in scores for m in s.warnings_missed]
    report = "\n".join([*lines, "missed warnings:", *missed]) + "\n"
    print("\n" + report)
    (ROOT / "build").mkdir(exist_ok=True)
    (ROOT / "build" / "realforms-recall.txt").write_text(report, encoding="utf-8")
    assert found >= WARNING_RECALL * keyed, report
