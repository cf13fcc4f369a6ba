"""A workbook mixing forms S, P and D: each sheet read as its own form, checked by its rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from budgetlint.checker import check_grid, link_projects
from budgetlint.grid import Grid
from budgetlint.hosts import read_workbook
from budgetlint.report.json_report import batch_dict
from budgetlint.results import BatchResult

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
S = EXAMPLES / "深圳市社会组织管理局_2021_项目支出绩效自评表.xlsx"
P = EXAMPLES / "中共深圳市委政法委员会_2019_项目绩效情况自评表.xlsx"
D = EXAMPLES / "中共深圳市委政法委员会_2019_部门决算.xlsx"


def _mixed() -> Grid:
    s, p, d = (read_workbook(f) for f in (S, P, D))
    sheets = [s.sheets[0], p.sheet("附件1-16"), p.sheet("附件1-19"), *d.sheets]
    return Grid("混合.xlsx", sheets)


def test_each_sheet_is_read_as_its_form_and_checked_by_its_rules() -> None:
    result = check_grid(_mixed())
    link_projects(result, result.projects)
    kinds = {r.sheet: (r.status, r.family) for r in result.sheets}
    assert kinds[result.sheets[0].sheet] == ("form", "national")
    assert kinds["附件1-16"] == kinds["附件1-19"] == ("form", "project_p")
    assert {kinds[f"公开0{n}表"] for n in range(1, 9)} == {("form", "final_accounts")}
    assert kinds["情况说明"] == ("form", "final_accounts")
    by_sheet: dict[str, set[str]] = {}
    for f in result.findings:
        by_sheet.setdefault(f.sheet, set()).add(f.code[0])
    assert by_sheet[result.sheets[0].sheet] <= {"S"}
    assert by_sheet["附件1-19"] == {"P"}
    assert {c for n in range(1, 9) for c in by_sheet.get(f"公开0{n}表", set())} <= {"D"}
    # the narrative's summary (16) is held to the form P of the same workbook: 90 vs 100.00
    [d401] = [f for f in result.findings if f.code == "D401" and f.severity.value == "error"]
    assert (d401.sheet, d401.cell) == ("情况说明", "A44")
    assert "自评得分 90 分" in d401.message and "附件1-16!G79" in d401.message
    # summaries whose form P is not in this workbook are listed, never dropped
    missing = [f for f in result.findings if f.code == "D402"]
    assert len(missing) == 32 - 2


def test_every_output_names_each_sheets_form() -> None:
    result = check_grid(_mixed())
    sheets = batch_dict(BatchResult(files=[result]))["files"][0]["sheets"]
    forms = {s["sheet"]: s["form"] for s in sheets}
    assert forms["附件1-19"] == "P" and forms["公开07表"] == "D" and forms["情况说明"] == "D"
    assert forms[result.sheets[0].sheet] == "S"


# --------------------------------------------------------------------------- a package of files


def _split(tmp_path: Path) -> tuple[Path, Path]:
    """The 部门决算 example as it often arrives: the tables in one file, the 情况说明 in another."""
    from openpyxl import load_workbook

    narrative, tables = tmp_path / "情况说明.xlsx", tmp_path / "公开表.xlsx"
    wb = load_workbook(D)
    for name in [n for n in wb.sheetnames if n != "情况说明"]:
        del wb[name]
    wb.save(narrative)
    wb = load_workbook(D)
    del wb["情况说明"]
    wb.save(tables)
    return narrative, tables


def test_a_narrative_is_held_to_the_tables_of_another_file_of_the_call(tmp_path: Path) -> None:
    from budgetlint.checker import check_paths

    narrative, tables = _split(tmp_path)
    batch = check_paths([narrative, tables, P])
    assert [fr.path for fr in batch.files] == [str(narrative), str(tables), str(P)]
    found = batch.files[0].findings
    three = [f for f in found if f.code == "D301" and f.cell == "A16"]
    assert [f.severity.value for f in three] == ["error"]
    assert (
        "116.27 万元与《公开表.xlsx》公开07表 决算数 合计（G8） 81.55 万元 不符" in three[0].message
    )
    carry = next(f for f in found if f.code == "D301" and f.cell == "A10")
    assert "364.62 万元与《公开表.xlsx》公开04表" in carry.message and "367.65" in carry.message
    # the summaries are held to the forms P of the third file
    assert any(f.code == "D401" and f.cell == "A44" for f in found)
    assert not any(f.code.startswith("D3") for f in batch.files[1].findings)


def test_a_narrative_alone_lists_what_it_quotes_from_tables_it_does_not_have(
    tmp_path: Path,
) -> None:
    from budgetlint.checker import check_paths

    narrative, _ = _split(tmp_path)
    [fr] = check_paths([narrative]).files
    assert not [f for f in fr.findings if f.code == "D301"]
    unlinked = next(f for f in fr.findings if f.code == "D304" and f.cell == "A16")
    assert "116.27 万元（工作簿中没有公开07表）" in unlinked.message


def test_the_narrative_file_is_annotated_with_what_the_other_files_showed(tmp_path: Path) -> None:
    import zipfile

    from budgetlint.cli import main

    narrative, tables = _split(tmp_path)
    out = tmp_path / "已标注"
    assert main(["check", str(narrative), str(tables), "--annotate", str(out), "-q"]) == 1
    with zipfile.ZipFile(out / narrative.name) as z:
        notes = "".join(
            z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("xl/comments")
        )
    assert "116.27" in notes and "81.55" in notes


def test_an_explained_summary_stays_explained_when_linked_after_the_files(tmp_path: Path) -> None:
    """A 【已说明】 note on a narrative's cell explains what is found there after the other
    files were checked, though the narrative's result came back without its grid."""
    from openpyxl import load_workbook
    from openpyxl.comments import Comment

    from budgetlint.checker import check_paths

    narrative = tmp_path / "部门决算.xlsx"
    wb = load_workbook(D)
    wb["情况说明"]["A44"].comment = Comment("【已说明】得分以复核后的 90 分为准", "科室")
    wb.save(narrative)
    for jobs in (1, 2):
        batch = check_paths([narrative, P], jobs=jobs, keep_forms=False)
        [d401] = [f for f in batch.files[0].findings if f.code == "D401" and f.cell == "A44"]
        assert d401.explained and d401.explanation == "得分以复核后的 90 分为准"


def test_held_narratives_are_annotated_in_the_workers_as_with_one_job(tmp_path: Path) -> None:
    """Files held for the other files of the call are annotated in parallel too, and
    their copies hold the same notes as with --jobs 1."""
    import zipfile

    from budgetlint.cli import main

    narrative, tables = _split(tmp_path)
    other = tmp_path / "乙" / "情况说明.xlsx"
    other.parent.mkdir()
    other.write_bytes(narrative.read_bytes())
    notes = {}
    for jobs in ("1", "2"):
        out = tmp_path / f"已标注{jobs}"
        args = [str(narrative), str(other), str(tables), "--annotate", str(out), "-q"]
        assert main(["check", *args, "--jobs", jobs]) == 1
        copies = sorted(out.rglob("情况说明*.xlsx"))
        assert [p.relative_to(out).as_posix() for p in copies] == [
            "情况说明 (2).xlsx",
            "情况说明.xlsx",
        ]
        for copy in copies:
            with zipfile.ZipFile(copy) as z:
                notes[jobs, copy.name] = {
                    n: z.read(n)
                    for n in z.namelist()
                    if n.startswith(("xl/comments", "xl/drawings"))
                }
    assert (
        notes["1", "情况说明.xlsx"]
        == notes["2", "情况说明.xlsx"]
        == notes["2", "情况说明 (2).xlsx"]
    )
    assert b"81.55" in b"".join(notes["2", "情况说明 (2).xlsx"].values())


def test_held_files_are_annotated_in_worker_processes(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    from budgetlint import batch
    from budgetlint.batch import Job, Outcome
    from budgetlint.results import FileResult

    def where(job: Job, out: Outcome) -> None:  # runs in the worker (forked with the patch)
        out.output_error = str(os.getpid())

    monkeypatch.setattr(batch, "annotate_outcome", where)
    pairs = [
        (
            Job(i, Path(f"{i}.xlsx"), Path(f"out/{i}.xlsx")),
            Outcome(i, Path(f"{i}.xlsx"), FileResult(path=f"{i}.xlsx")),
        )
        for i in range(3)
    ]
    assert len(list(batch._annotate_held(pairs, 2))) == 3
    pids = {out.output_error for _job, out in pairs}
    assert None not in pids and str(os.getpid()) not in pids
    for _job, out in pairs:
        out.output_error = None
    assert len(list(batch._annotate_held(pairs, 1))) == 3  # one job: here
    assert {out.output_error for _job, out in pairs} == {str(os.getpid())}
