"""Batch execution: --jobs N gives the results of --jobs 1, in input order, streamed;
a file whose worker crashes gets an error line and the others are checked."""

from __future__ import annotations

import io
import json
import shutil
import time
from pathlib import Path

import pytest

from budgetlint import batch
from budgetlint.batch import Job, Outcome, plan, run
from budgetlint.cli import main
from budgetlint.progress import Progress, clip, summary_table, width
from budgetlint.results import BatchResult
from budgetlint.settings import Settings
from tests.batchkit import SLOW_SECONDS, unruly_check
from tests.conftest import EXAMPLES, SEED_S

WAN = EXAMPLES / "版式-全国万元.xlsx"
EXAMPLE_FILES = sorted(EXAMPLES.glob("*.xlsx"))


@pytest.fixture(scope="module")
def bad_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    bad = tmp_path_factory.mktemp("bad") / "截断.xlsx"
    bad.write_bytes(SEED_S.read_bytes()[:5000])
    return bad


def _json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict, str]:
    code = main(["check", *args, "--format", "json", "--fail-on", "never"])
    cap = capsys.readouterr()
    return code, json.loads(cap.out), cap.err


def test_jobs_2_gives_the_json_of_jobs_1(
    bad_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = (str(EXAMPLES), str(bad_file))
    code1, one, _ = _json(capsys, *args, "--jobs", "1")
    code2, two, err = _json(capsys, *args, "--jobs", "2")
    assert code1 == code2 == 2  # the truncated file is unreadable
    assert two == one
    paths = [f["path"] for f in two["files"]]
    assert paths == [*map(str, EXAMPLE_FILES), str(bad_file)]  # input order
    assert two["summary"]["files"] == len(EXAMPLE_FILES) + 1
    assert two["summary"]["unreadable"] == 1
    assert two["files"][-1]["error"].startswith(f"{bad_file}: ")
    assert sum(len(f["findings"]) for f in two["files"]) > 50  # the examples' findings are there
    assert f"budgetlint: {two['files'][-1]['error']}" in err.splitlines()
    assert "2 个并行进程" in err  # the summary table says how it ran


def test_text_output_is_the_same_and_in_input_order(
    bad_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    order = [WAN, bad_file, SEED_S, EXAMPLES / "版式-部门整体.xlsx"]
    outs = []
    for jobs in ("1", "2"):
        main(["check", *map(str, order), "--jobs", jobs, "--fail-on", "never"])
        outs.append(capsys.readouterr().out)
    assert outs[0] == outs[1]
    file_lines = [line for line in outs[1].splitlines() if line.endswith(".xlsx")]
    assert file_lines == [str(p) for p in order]


def test_outcomes_come_in_input_order_as_soon_as_possible(tmp_path: Path) -> None:
    slow = tmp_path / "慢.xlsx"
    shutil.copy(WAN, slow)
    paths = [WAN, slow, *[tmp_path / f"快{i}.xlsx" for i in range(3)]]
    for p in paths[2:]:
        shutil.copy(WAN, p)
    jobs = [Job(i, p) for i, p in enumerate(paths)]
    finished: list[int] = []
    start = time.monotonic()
    seen: list[tuple[int, float]] = []
    for out in run(
        jobs, Settings(), workers=2, check=unruly_check, on_done=lambda o: finished.append(o.index)
    ):
        seen.append((out.index, time.monotonic() - start))
    assert [i for i, _ in seen] == [0, 1, 2, 3, 4]
    # The slow file finishes last although it is second: the others overtake it…
    assert finished.index(1) > finished.index(2)
    # …but the first file is printed before the slow one is done, not at the end.
    assert seen[0][1] < seen[1][1] - SLOW_SECONDS / 3


def test_a_crashing_worker_loses_only_its_file(tmp_path: Path) -> None:
    crash = tmp_path / "崩溃.xlsx"
    memory = tmp_path / "内存.xlsx"
    for p in (crash, memory):
        shutil.copy(WAN, p)
    paths = [*EXAMPLE_FILES[:3], crash, memory, *EXAMPLE_FILES[3:]]
    jobs = [Job(i, p) for i, p in enumerate(paths)]
    outs = list(run(jobs, Settings(), workers=2, check=unruly_check))
    # input order, but the narrative waits for every file's forms P and comes last
    narrative = [p for p in paths if "部门决算" in p.name]
    assert [o.path for o in outs] == [p for p in paths if p not in narrative] + narrative
    by_path = {o.path: o.result for o in outs}
    assert by_path[crash].error == (
        f"{crash}: 检查该文件的进程异常退出（被信号 SIGSEGV 终止），该文件未检查；"
        "可能是文件损坏或内存不足，其他文件不受影响"
    )
    assert by_path[memory].error == f"{memory}: 内存不足，无法检查该文件"
    reference = {
        o.path: o.result for o in run([Job(i, p) for i, p in enumerate(EXAMPLE_FILES)], Settings())
    }
    for p in EXAMPLE_FILES:  # every other file checked, exactly as in-process
        assert by_path[p].error is None
        assert by_path[p] == reference[p]


def test_a_crashing_worker_in_the_cli(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(batch, "CHECK", unruly_check)
    crash = tmp_path / "崩溃.xlsx"
    shutil.copy(WAN, crash)
    out = tmp_path / "out"
    code = main(
        ["check", str(SEED_S), str(crash), str(WAN), "--jobs", "2", "--annotate", str(out), "-q"]
    )
    cap = capsys.readouterr()
    assert code == 2
    lines = [line for line in cap.err.splitlines() if line.startswith("budgetlint: ")]
    assert lines == [
        f"budgetlint: {crash}: 检查该文件的进程异常退出（被信号 SIGSEGV 终止），该文件未检查；"
        "可能是文件损坏或内存不足，其他文件不受影响"
    ]
    assert "1 个文件无法读取" in cap.out
    assert sorted(p.name for p in out.iterdir()) == sorted([SEED_S.name, WAN.name])


def test_plan_gives_distinct_outputs(tmp_path: Path) -> None:
    inbox = tmp_path / "收到"
    for sub in ("区县A", "区县B"):
        (inbox / sub).mkdir(parents=True)
        shutil.copy(WAN, inbox / sub / "表.xlsx")
    other = tmp_path / "其他"
    other.mkdir()
    shutil.copy(WAN, other / "表.xlsx")
    shutil.copy(WAN, other / "表 (2).xlsx")
    out = tmp_path / "out"
    jobs = plan([inbox, other / "表.xlsx", other / "表 (2).xlsx", other / "表.xlsx"], out)
    assert [j.output for j in jobs] == [
        out / "区县A" / "表.xlsx",
        out / "区县B" / "表.xlsx",
        out / "表.xlsx",
        out / "表 (2).xlsx",
        out / "表 (3).xlsx",
    ]
    assert [j.index for j in jobs] == [0, 1, 2, 3, 4]
    assert plan([inbox], None)[0].output is None


def test_chunks_stay_small() -> None:
    assert batch._chunk_size(8, 2) == 1
    assert batch._chunk_size(200, 2) == 8
    assert batch._chunk_size(10_000, 16) == 8


# --- progress and the summary table ------------------------------------------------------


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def _outcome(i: int, path: Path, seconds: float = 0.5) -> Outcome:
    from budgetlint.results import FileResult

    return Outcome(i, path, FileResult(path=str(path)), seconds=seconds)


def test_progress_bar_redraws_one_line() -> None:
    paths = [Path(f"/收到/表{i}.xlsx") for i in range(4)]
    stream = _Tty()
    pr = Progress(stream, paths, "bar")
    pr._last_draw = 0  # (redraws are throttled to REDRAW_HZ)
    pr.finished(_outcome(1, paths[1]))  # out of order: file 0 is still being waited for
    pr._last_draw = 0
    pr.finished(_outcome(0, paths[0]))
    text = stream.getvalue()
    frames = text.split("\r\033[K")[1:]
    assert "\n" not in text  # one line, redrawn
    assert frames[0].startswith("░" * 20 + " 0/4 表0.xlsx 剩余时间估算中")
    assert frames[1].startswith("█" * 5 + "░" * 15 + " 1/4 表0.xlsx 剩余约 ")
    assert frames[2].startswith("█" * 10 + "░" * 10 + " 2/4 表2.xlsx 剩余约 ")
    pr.close()
    assert stream.getvalue().endswith("\r\033[K")


def test_progress_lines_for_a_log() -> None:
    paths = [Path("a.xlsx"), Path("b.xlsx")]
    stream = io.StringIO()
    pr = Progress(stream, paths, "lines")
    pr.finished(_outcome(0, paths[0], 0.25))
    pr.finished(_outcome(1, paths[1], 1.5))
    lines = stream.getvalue().splitlines()
    assert lines[0].startswith("[1/2] a.xlsx — 未发现问题（0.2 秒；剩余约 ")
    assert lines[1] == "[2/2] b.xlsx — 未发现问题（1.5 秒）"


def test_clip_keeps_the_end_of_wide_names() -> None:
    assert width("表a") == 3
    assert clip("深圳市社会组织管理局.xlsx", 12) == "…管理局.xlsx"
    assert width(clip("深圳市社会组织管理局.xlsx", 12)) <= 12


def test_summary_table_counts(bad_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, data, err = _json(capsys, str(EXAMPLES), str(bad_file), "--jobs", "2")
    table = err[err.index("── 汇总") :].splitlines()
    rows = {line.split()[0]: line for line in table[1:] if not line.startswith(" ")}
    n_sheets = sum(len(f["sheets"]) for f in data["files"])
    forms = [s["form"] for f in data["files"] for s in f["sheets"] if s["status"] == "form"]
    n_forms, n_accounts = sum(1 for k in forms if k != "D"), forms.count("D")
    s = data["summary"]
    assert rows["文件"].endswith(f"{len(EXAMPLE_FILES) + 1} 个（无法读取 1 个）")
    assert f"{n_sheets} 张（自评表 {n_forms}，决算表 {n_accounts}，" in rows["工作表"]
    assert rows["问题"].endswith(
        f"错误 {s['error']}，警告 {s['warning']}，提示 {s['note']}，已说明 {s['explained']}"
    )
    assert rows["无法读取"].endswith(data["files"][-1]["error"])
    family_rows = table[table.index(rows["版式"]) :]
    fam_counts: dict[str, int] = {}
    for f in data["files"]:
        for sh in f["sheets"]:
            if sh["status"] == "form":
                fam_counts[sh["family_name"]] = fam_counts.get(sh["family_name"], 0) + 1
    for name, n in fam_counts.items():
        assert any(line.rstrip().endswith(f"{name}：{n} 张") for line in family_rows), name
    assert rows["用时"].endswith("（2 个并行进程）")


def test_summary_table_rule_failures_and_annotations() -> None:
    from budgetlint.results import FileResult, RuleFailure

    fr = FileResult(
        path="a.xlsx",
        rule_failures=[RuleFailure("S203", "a.xlsx", "表1", "A1", "ZeroDivisionError: x")] * 2,
    )
    text = summary_table(BatchResult([fr]), 75.4, workers="本进程", annotated=3, output_errors=1)
    assert "规则执行出错  2 次（S203 2 次），相关表未检查完整" in text
    assert "标注          已写出 3 个，1 个未能写出" in text
    assert text.splitlines()[-1] == "用时          1 分 15 秒（本进程）"


def test_quiet_prints_no_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(WAN), "-q", "--fail-on", "never"]) == 0
    cap = capsys.readouterr()
    assert cap.err == ""
    assert cap.out.startswith("共检查 1 个文件")


def test_progress_lines_on_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    main(["check", str(WAN), str(SEED_S), "--progress", "lines", "--fail-on", "never", "-j", "2"])
    err = capsys.readouterr().err.splitlines()
    starts = sorted(line.split("]")[0] for line in err if line.startswith("["))
    assert starts == ["[1/2", "[2/2"]


def test_jobs_must_be_positive(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["check", str(WAN), "--jobs", "0"])
    assert exc.value.code == 2
    assert "应为不小于 1 的整数：'0'" in capsys.readouterr().err


# --- --scheduler ---------------------------------------------------------------------------


def test_scheduler_unreachable_is_one_line_and_exit_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import budgetlint.distributed as d

    def refuse(paths: list[Path], settings: Settings, address: str) -> None:
        raise d.ClusterError(f"无法在 10 秒内连接调度器 {address}（refused）")

    monkeypatch.setattr(d, "check_on_cluster", refuse)
    assert main(["check", str(WAN), "--scheduler", "tcp://127.0.0.1:9"]) == 2
    cap = capsys.readouterr()
    assert cap.out == ""
    assert cap.err == "budgetlint: 无法在 10 秒内连接调度器 tcp://127.0.0.1:9（refused）\n"


def test_scheduler_and_jobs_together_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(WAN), "--scheduler", "tcp://x:1", "--jobs", "2"]) == 2
    assert "--jobs 与 --scheduler 不能同时使用" in capsys.readouterr().err


def test_scheduler_on_a_local_cluster(
    tmp_path: Path, bad_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    distributed = pytest.importorskip("distributed", reason="Dask 未安装")
    args = (str(WAN), str(bad_file), str(SEED_S))
    _, local, _ = _json(capsys, *args, "--jobs", "1")
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, dashboard_address=None, host="127.0.0.1"
    ) as cluster:
        out = tmp_path / "out"
        code, remote, err = _json(
            capsys, *args, "--scheduler", cluster.scheduler_address, "--annotate", str(out)
        )
    assert code == 2
    assert remote == local
    assert f"集群 {cluster.scheduler_address}" in err
    assert sorted(p.name for p in out.iterdir()) == sorted([WAN.name, SEED_S.name])


def test_html_report_draws_the_forms_with_any_jobs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The HTML report needs each file's grid: workers send it back only then."""
    one, two = tmp_path / "1.html", tmp_path / "2.html"
    for jobs, report in (("1", one), ("2", two)):
        main(["check", str(WAN), str(SEED_S), "--report", str(report), "-q", "-j", jobs])
    capsys.readouterr()
    assert one.read_bytes() == two.read_bytes()
    assert one.read_text(encoding="utf-8").count("<table") > 15  # the forms are drawn


def test_workers_send_slim_results_unless_the_forms_are_needed() -> None:
    jobs = [Job(0, WAN), Job(1, SEED_S)]
    slim = list(run(jobs, Settings(), workers=2))
    full = list(run(jobs, Settings(), workers=2, keep_forms=True))
    assert all(o.result.grid is None for o in slim)
    assert all(s.form is None for o in slim for s in o.result.sheets)
    assert all(o.result.grid is not None for o in full)
    for a, b in zip(slim, full, strict=True):
        assert a.result == b.result.slim()


def test_files_go_in_input_order_then_the_last_few_largest_first() -> None:
    from collections import deque

    sizes = [5, 40, 9, 33, 2, 21, 7]
    jobs = [Job(i, Path(f"{i}.xlsx")) for i in range(len(sizes))]
    queue = deque([job] for job in jobs)
    weight = dict(enumerate(sizes))
    taken = [batch._next_task(queue, 4, weight)[0].index for _ in range(len(sizes))]
    # the first three in order; the last four (33, 2, 21, 7) largest first
    assert taken == [0, 1, 2, 3, 5, 6, 4]
    assert not queue


def test_the_cycle_collector_is_paused_while_a_file_is_checked(tmp_path: Path) -> None:
    import gc

    seen: list[bool] = []

    def check(path: Path, settings: Settings) -> object:
        seen.append(gc.isenabled())
        return batch._check_file(path, settings)

    assert gc.isenabled()
    [out] = list(run([Job(0, WAN)], Settings(), workers=1, check=check))  # type: ignore[arg-type]
    assert seen == [False] and gc.isenabled()
    assert out.result.findings  # checked as usual
    # nested pauses resume it once, at the end; a collector off before stays off
    with batch.collector_paused():
        with batch.collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with batch.collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_parent_of_workers_keeps_the_collector_paused_and_each_worker_its_own(
    tmp_path: Path,
) -> None:
    import gc
    import os

    from tests.batchkit import collector_check

    jobs = [Job(i, tmp_path / f"{i}.xlsx") for i in range(4)]
    states, parent = [], []
    for out in run(jobs, Settings(), workers=2, check=collector_check):
        parent.append(gc.isenabled())
        states.append(out.result.error)
    assert parent == [False] * 4 and gc.isenabled()  # paused while results come in, then not
    pids = {s.split()[0] for s in states}
    assert f"pid={os.getpid()}" not in pids
    # in a worker the pause is the file's own (one), not the parent's inherited with the fork
    assert {s.split(maxsplit=1)[1] for s in states} == {"enabled=False pauses=1"}


def test_the_last_tasks_hold_one_file_each() -> None:
    jobs = [Job(i, Path(f"{i}.xlsx")) for i in range(200)]
    tasks = batch._tasks(jobs, 2)
    assert [len(t) for t in tasks] == [8] * 24 + [1] * 8  # chunks of 8, then the last 8 alone
    assert [j.index for t in tasks for j in t] == list(range(200))  # every file once, in order
    assert [len(t) for t in batch._tasks(jobs[:60], 2)] == [3] * 17 + [1, 1, 1, 1, 1, 1, 1, 1, 1]
    assert [len(t) for t in batch._tasks(jobs[:5], 2)] == [1] * 5
