"""Output safety: annotated copies, reports, in-place replacements and backups are
written whole or not at all, a failed output never hides the findings, same-named
inputs get distinct copies, and clear / re-annotate cope with a workbook that
another program re-saved."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
import textwrap
import time
import warnings
import zipfile
from pathlib import Path

import openpyxl
import pytest

from budgetlint import outfile
from budgetlint.annotate import AnnotateError, annotate, annotate_in_place, clear
from budgetlint.annotate.package import Package
from budgetlint.annotate.record import RECORD_PART, REL_RECORD
from budgetlint.annotate.workbook import MARKER_NAME
from budgetlint.cli import main
from budgetlint.outfile import TEMP_PREFIX, is_temp_name, sweep_stale, write_text
from budgetlint.render import soffice
from tests.conftest import EXAMPLES, ROOT, SEED_S

WAN = EXAMPLES / "版式-全国万元.xlsx"
SEED_SHEET = "14 深圳市社会组织能力建设与跟踪服务项目"


def _load(path: Path) -> openpyxl.Workbook:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return openpyxl.load_workbook(path)


def _temps(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*") if is_temp_name(p.name))


def _errors(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.startswith("budgetlint: ")]


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {i.filename: zf.read(i) for i in zf.infolist()}


def _rezip(path: Path, parts: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)


def _resave_losing_record(src: Path, dst: Path) -> None:
    """What a re-save by a program that drops unknown parts does to our record."""
    parts = {p: data for p, data in _parts(src).items() if not p.startswith("budgetlint/")}
    parts["_rels/.rels"] = _drop_record_rel(parts["_rels/.rels"])
    ct = parts["[Content_Types].xml"].decode()
    for name in ("annotations.json", "originals.bin"):
        start = ct.index(f'<Override PartName="/budgetlint/{name}"')
        ct = ct[:start] + ct[ct.index("/>", start) + 2 :]
    parts["[Content_Types].xml"] = ct.encode()
    _rezip(dst, parts)


def _drop_record_rel(rels: bytes) -> bytes:
    text = rels.decode()
    at = text.index(REL_RECORD)
    start = text.rindex("<Relationship ", 0, at)
    return (text[:start] + text[text.index("/>", at) + 2 :]).encode()


# --- --annotate into a folder that cannot be created --------------------------------------


def test_uncreatable_annotate_folder_still_prints_the_results(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "是文件"
    blocker.write_text("x", encoding="utf-8")
    outdir = blocker / "已标注"  # a folder under a file: mkdir fails (also for root)
    code = main(["check", str(SEED_S), "--annotate", str(outdir)])
    cap = capsys.readouterr()
    assert code == 2
    assert "H17    S212 错误" in cap.out  # the findings are printed
    assert cap.out.splitlines()[-1].startswith("共检查 1 个文件、15 张自评表：错误 5，")
    assert _errors(cap.err) == [
        f"budgetlint: 无法创建标注输出文件夹 {outdir}（路径中有一个同名的文件，不是文件夹（Not a directory）），未写出标注副本"
    ]
    assert "Traceback" not in cap.err


def test_one_copy_that_cannot_be_written_does_not_stop_the_others(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    (out / WAN.name).mkdir(parents=True)  # a folder where the copy of WAN should go
    code = main(["check", str(WAN), str(SEED_S), "--annotate", str(out), "-q", "-j", "2"])
    cap = capsys.readouterr()
    assert code == 2
    [line] = _errors(cap.err)
    assert line.startswith(f"budgetlint: 无法标注 {WAN}：")
    assert _load(out / SEED_S.name).sheetnames[0] == "复核结果"
    assert _temps(out) == []


# --- same-named inputs -------------------------------------------------------------------


def test_same_named_inputs_get_distinct_copies(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a, b = tmp_path / "甲" / "自评表.xlsx", tmp_path / "乙" / "自评表.xlsx"
    for src, dst in ((SEED_S, a), (WAN, b)):
        dst.parent.mkdir()
        shutil.copy(src, dst)
    out = tmp_path / "out"
    main(["check", str(a), str(b), "--annotate", str(out), "-q", "--fail-on", "never"])
    capsys.readouterr()
    assert sorted(p.name for p in out.iterdir()) == ["自评表 (2).xlsx", "自评表.xlsx"]
    first, second = _load(out / "自评表.xlsx"), _load(out / "自评表 (2).xlsx")
    assert first.sheetnames[1:] == _load(SEED_S).sheetnames  # each copy is of its own input
    assert second.sheetnames[1:] == _load(WAN).sheetnames


def test_a_folder_keeps_its_structure_under_outdir(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inbox = tmp_path / "收到"
    for sub, src in (("区县A", SEED_S), ("区县B", WAN)):
        (inbox / sub).mkdir(parents=True)
        shutil.copy(src, inbox / sub / "表.xlsx")
    out = tmp_path / "out"
    main(["check", str(inbox), "--annotate", str(out), "-q", "-j", "2", "--fail-on", "never"])
    capsys.readouterr()
    assert sorted(str(p.relative_to(out)) for p in out.rglob("*.xlsx")) == [
        "区县A/表.xlsx",
        "区县B/表.xlsx",
    ]
    assert _load(out / "区县B" / "表.xlsx").sheetnames[1:] == _load(WAN).sheetnames


# --- a failed report ------------------------------------------------------------------------


def test_failed_report_does_not_hide_the_findings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "是文件"
    blocker.write_text("x", encoding="utf-8")
    report = blocker / "报告.html"
    for fmt in ("text", "json"):
        code = main(["check", str(SEED_S), "--report", str(report), "--format", fmt])
        cap = capsys.readouterr()
        assert code == 2
        assert "S212" in cap.out  # findings printed first…
        [line] = _errors(cap.err)  # …then the report error
        assert line == (
            f"budgetlint: 无法写出报告 {report}"
            "（路径中有一个同名的文件，不是文件夹（Not a directory））；结果见上方输出"
        )


def test_report_with_an_unknown_suffix_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", str(SEED_S), "--report", str(tmp_path / "r.csv")]) == 2
    cap = capsys.readouterr()
    assert cap.out == ""  # found before checking anything
    assert cap.err.startswith(
        f"budgetlint: 无法写出报告 {tmp_path / 'r.csv'}：不支持的报告格式“.csv”"
    )


def test_a_report_failing_mid_write_leaves_the_old_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    report = tmp_path / "报告.json"
    assert main(["check", str(WAN), "--report", str(report), "-q", "--fail-on", "never"]) == 0
    old = report.read_bytes()

    def disk_full(self: Path, text: str, **kw: object) -> int:
        with open(self, "w", encoding="utf-8") as fh:
            fh.write(text[:100])
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self))

    monkeypatch.setattr(Path, "write_text", disk_full)
    code = main(["check", str(SEED_S), "--report", str(report), "-q"])
    cap = capsys.readouterr()
    assert code == 2
    assert _errors(cap.err) == [
        f"budgetlint: 无法写出报告 {report}（磁盘空间不足（No space left on device））；结果见上方输出"
    ]
    assert report.read_bytes() == old  # the previous report, whole
    assert _temps(tmp_path) == []


# --- backups ------------------------------------------------------------------------------


def test_a_failed_backup_leaves_no_bak_and_the_file_untouched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    work = tmp_path / "自评表.xlsx"
    shutil.copy(SEED_S, work)
    original = work.read_bytes()

    def disk_full(fin: object, fout: object) -> None:
        fout.write(fin.read(4096))  # type: ignore[attr-defined]
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(outfile, "copy_stream", disk_full)
    code = main(["check", str(work), "--in-place", "-q"])
    cap = capsys.readouterr()
    assert code == 2
    assert _errors(cap.err) == [
        f"budgetlint: 无法标注 {work}：自评表.xlsx：无法写出备份 自评表.bak.xlsx"
        "（磁盘空间不足（No space left on device）），文件未改动"
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["自评表.xlsx"]  # no .bak, no temp
    assert work.read_bytes() == original


def test_backups_are_never_overwritten(tmp_path: Path) -> None:
    work = tmp_path / "a.xlsx"
    shutil.copy(WAN, work)
    (tmp_path / "a.bak.xlsx").write_bytes(b"an older backup")
    bak = annotate_in_place(work, [])
    assert bak.name == "a.bak2.xlsx" and bak.read_bytes() == WAN.read_bytes()
    assert (tmp_path / "a.bak.xlsx").read_bytes() == b"an older backup"
    with pytest.raises(FileExistsError):
        outfile.copy_file(WAN, tmp_path / "a.bak.xlsx", exclusive=True)
    assert _temps(tmp_path) == []


def test_only_a_replaced_workbook_and_its_backup_are_forced_to_disk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    synced: list[str] = []
    real = os.fsync

    def fsync(fd: int) -> None:
        synced.append(os.path.basename(os.readlink(f"/proc/self/fd/{fd}")))
        real(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    work = tmp_path / "a.xlsx"
    shutil.copy(WAN, work)
    annotate(work, tmp_path / "copy.xlsx", [])  # a copy: the source is the durable one
    assert synced == [] and (tmp_path / "copy.xlsx").exists()
    annotate_in_place(work, [])
    # the backup's file and folder, then the replacing file's (a temporary name) and folder
    assert len(synced) == 4
    assert synced[1] == synced[3] == tmp_path.name
    assert is_temp_name(synced[0]) and is_temp_name(synced[2])


# --- temporary files ------------------------------------------------------------------------


def test_a_failed_write_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def half(self: Package, dst: Path) -> None:
        dst.write_bytes(b"PK\x03\x04 half a zip")
        raise KeyboardInterrupt  # Ctrl-C in the middle of the write

    monkeypatch.setattr(Package, "save", half)
    with pytest.raises(KeyboardInterrupt):
        annotate(WAN, tmp_path / "out.xlsx", [])
    assert list(tmp_path.iterdir()) == []


def test_stale_temporary_files_are_swept(tmp_path: Path) -> None:
    old = tmp_path / f"{TEMP_PREFIX}表.xlsx.abc123.tmp"
    fresh = tmp_path / f"{TEMP_PREFIX}表.xlsx.def456.tmp"
    other = tmp_path / ".表.xlsx.tmp"  # not ours: never touched
    for p in (old, fresh, other):
        p.write_bytes(b"half")
    two_hours_ago = time.time() - 7200
    for p in (old, other):
        os.utime(p, (two_hours_ago, two_hours_ago))
    write_text(tmp_path / "报告.json", "{}")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [fresh.name, other.name, "报告.json"]
    )
    assert sweep_stale(tmp_path, older_than=0) == [fresh]


_KILLED_RUN = """
import os, signal, sys
from budgetlint.annotate.package import Package
from budgetlint.cli import main

def save(self, dst):
    dst.write_bytes(b"PK\\x03\\x04 half a zip")
    os.kill(os.getpid(), getattr(signal, sys.argv[1]))
    import time; time.sleep(30)

Package.save = save
sys.exit(main(["check", sys.argv[2], "--in-place", "-q", "--jobs", "1"]))
"""


@pytest.mark.parametrize(("sig", "rc"), [("SIGTERM", 130), ("SIGKILL", -9)])
def test_a_killed_run(tmp_path: Path, sig: str, rc: int) -> None:
    """SIGTERM unwinds and removes the temporary file; SIGKILL leaves one, swept next time."""
    work = tmp_path / "自评表.xlsx"
    shutil.copy(WAN, work)
    original = work.read_bytes()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)])}
    proc = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(_KILLED_RUN), sig, str(work)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == rc, proc.stderr
    assert work.read_bytes() == original  # never half-replaced
    backups = [p for p in tmp_path.iterdir() if ".bak" in p.name]
    assert [p.read_bytes() for p in backups] == [original]  # the backup is whole
    temps = _temps(tmp_path)
    if sig == "SIGTERM":
        assert temps == []
        assert "已中断" in proc.stderr
        return
    assert len(temps) == 1  # a killed process cannot clean up…
    stale = tmp_path / temps[0]
    os.utime(stale, (time.time() - 7200, time.time() - 7200))
    annotate(work, tmp_path / "again.xlsx", [])  # …the next write into the folder does
    assert _temps(tmp_path) == []


# --- clear with nothing to undo ---------------------------------------------------------


def test_clear_never_annotated(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    work = tmp_path / "a.xlsx"
    shutil.copy(WAN, work)
    assert main(["clear", str(work)]) == 0
    assert capsys.readouterr().out == (
        f"没有可清除的标注：{work}（不是 budgetlint 标注过的文件），未改动\n"
    )
    assert work.read_bytes() == WAN.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.xlsx"]  # no backup either


def test_clear_after_a_resave_says_it_cannot_undo(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    annotated = tmp_path / "annotated.xlsx"
    annotate(SEED_S, annotated, [])
    resaved = tmp_path / "另存.xlsx"
    _resave_losing_record(annotated, resaved)
    before = resaved.read_bytes()
    assert main(["clear", str(resaved)]) == 1
    assert capsys.readouterr().out == (
        f"无法清除 {resaved}：该文件经 budgetlint 标注后被其他程序另存过，标注记录已丢失或不再相符，"
        "无法自动撤销；请手动删除“复核结果”表、标色和 budgetlint 批注，未改动\n"
    )
    assert resaved.read_bytes() == before
    stats = clear(resaved)
    assert not stats.found and stats.resaved and stats.leftover_summary == "复核结果"


def test_clear_an_unreadable_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "坏.xlsx"
    bad.write_text("不是工作簿", encoding="utf-8")
    good = tmp_path / "好.xlsx"
    shutil.copy(WAN, good)
    assert main(["clear", str(bad), str(good)]) == 2
    cap = capsys.readouterr()
    assert _errors(cap.err) == [
        f"budgetlint: 无法清除 {bad}：坏.xlsx：不是 Excel 工作簿（不是 zip 包，not a zip file）"
    ]
    assert cap.out.startswith("没有可清除的标注：")  # the other file was still looked at


def test_clear_output_folder_keeps_distinct_names(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a, b = tmp_path / "甲" / "x.xlsx", tmp_path / "乙" / "x.xlsx"
    for p in (a, b):
        p.parent.mkdir()
        annotate(WAN, p, [])
    out = tmp_path / "out"
    assert main(["clear", str(a), str(b), "--output", str(out)]) == 0
    capsys.readouterr()
    assert sorted(p.name for p in out.iterdir()) == ["x (2).xlsx", "x.xlsx"]
    assert _parts(out / "x (2).xlsx") == _parts(WAN)


# --- re-annotating a workbook another program re-saved --------------------------------------


def test_reannotate_after_a_resave_replaces_the_summary(tmp_path: Path) -> None:
    once = tmp_path / "once.xlsx"
    annotate(SEED_S, once, [])
    resaved = tmp_path / "resaved.xlsx"
    _resave_losing_record(once, resaved)
    assert RECORD_PART not in _parts(resaved)
    twice = tmp_path / "twice.xlsx"
    stats = annotate(resaved, twice, [])
    assert stats.replaced_summary == "复核结果" and not stats.cleared_previous
    wb = _load(twice)
    assert wb.sheetnames == ["复核结果", *_load(SEED_S).sheetnames]  # no 复核结果(2)
    markers = [n for n in _parts(twice)["xl/workbook.xml"].decode().split("<definedName ")[1:]]
    assert sum(MARKER_NAME in m for m in markers) == 1
    # clear now gives back the re-saved workbook without our old summary sheet.
    back = tmp_path / "back.xlsx"
    assert clear(twice, back).found
    assert _load(back).sheetnames == _load(SEED_S).sheetnames


def test_a_users_own_sheet_named_like_ours_is_kept(tmp_path: Path) -> None:
    src = tmp_path / "own.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "复核结果"
    ws["A1"] = "用户自己的复核结果"
    wb.save(src)
    out = tmp_path / "out.xlsx"
    stats = annotate(src, out, [])
    assert stats.summary_sheet == "复核结果(2)" and stats.replaced_summary is None
    again = tmp_path / "again.xlsx"
    resaved = tmp_path / "resaved.xlsx"
    _resave_losing_record(out, resaved)
    assert annotate(resaved, again, []).replaced_summary == "复核结果(2)"
    wb2 = _load(again)
    assert wb2.sheetnames == ["复核结果(2)", "复核结果"]
    assert wb2["复核结果"]["A1"].value == "用户自己的复核结果"


@pytest.mark.libreoffice
@pytest.mark.skipif(soffice() is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_resave_keeps_a_stale_record(tmp_path: Path) -> None:
    """LibreOffice keeps our record part but renumbers the sheets' parts: undoing that
    record would delete the user's own sheet.  clear refuses; annotate replaces."""
    from budgetlint.render import convert

    annotated = tmp_path / "annotated.xlsx"
    annotate(WAN, annotated, [])
    resaved = convert(annotated, tmp_path / "lo", "xlsx")
    names = _load(WAN).sheetnames
    assert _load(resaved).sheetnames == ["复核结果", *names]
    stats = clear(resaved, tmp_path / "cleared.xlsx")
    assert not stats.found and stats.stale_record and stats.resaved
    assert _parts(tmp_path / "cleared.xlsx") == _parts(resaved)  # copied untouched
    kept = sorted(p for p in _parts(resaved) if p.startswith("budgetlint/"))
    again = tmp_path / "again.xlsx"
    assert annotate(resaved, again, []).replaced_summary == "复核结果"
    assert _load(again).sheetnames == ["复核结果", *names]
    ours = sorted(p for p in _parts(again) if p.startswith("budgetlint/"))
    assert ours == [
        "budgetlint/_rels/annotations.json.rels",
        "budgetlint/annotations.json",
        "budgetlint/originals.bin",
    ], kept  # the stale record's parts replaced, not kept beside the new ones
    back = tmp_path / "back.xlsx"
    assert clear(again, back).found
    assert _load(back).sheetnames == names


def test_annotate_error_leaves_no_output(tmp_path: Path) -> None:
    from budgetlint.findings import Finding, Severity

    f = Finding("S101", Severity.ERROR, "没有这张表", "A1", "x")
    with pytest.raises(AnnotateError):
        annotate(WAN, tmp_path / "o.xlsx", [f])
    assert list(tmp_path.iterdir()) == []
