"""budgetlint.distributed: the per-file check on a Dask cluster.

The cluster is a real one on this machine: a scheduler and two worker processes
on the loopback address, started by the tests (``make test`` installs Dask
through the ``dev`` extra).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from budgetlint.checker import check_file
from budgetlint.distributed import ClusterError, _check_versions, check_on_cluster
from budgetlint.results import FileResult
from budgetlint.settings import Settings

# The scheduler's HTTP server (loopback) takes another port when 8787 is taken.
pytestmark = pytest.mark.filterwarnings("ignore:Port 8787 is already in use")

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.xlsx"))


def _distributed() -> Any:
    return pytest.importorskip(
        "distributed", reason="Dask 未安装（pip install -e '.[dev]' 或 '.[distributed]'）"
    )


def _local_cluster(**options: Any) -> Any:
    """A LocalCluster; its start is tried again when Dask's own IO loop did not come up.

    Dask waits 10 s for the thread that runs its event loop and then fails with a bare
    AssertionError (distributed/utils.py, LoopRunner); on a loaded machine (a CI run)
    that happens now and then, before any code of ours runs.
    """
    distributed = _distributed()
    for attempt in range(3):
        try:
            return distributed.LocalCluster(**options)
        except AssertionError:
            if attempt == 2:
                raise
            time.sleep(2)
    raise AssertionError("unreachable")


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    """The address of a local cluster: two single-threaded worker processes, loopback only."""
    with _local_cluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        host="127.0.0.1",
    ) as cluster:
        yield cluster.scheduler_address


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """The examples with bad inputs between them: not a zip, truncated, missing, not a file…"""
    d = tmp_path_factory.mktemp("inputs")
    garbage = d / "不是工作簿.xlsx"
    garbage.write_bytes(b"this is not a workbook\n" * 10)
    truncated = d / "截断.xlsx"
    truncated.write_bytes(EXAMPLES[0].read_bytes()[:3000])
    folder = d / "文件夹.xlsx"
    folder.mkdir()
    other = d / "说明.txt"
    other.write_text("不是工作簿", encoding="utf-8")
    pipe = d / "管道.xlsx"  # reading it would hang: it is answered from its stat
    os.mkfifo(pipe)
    return [
        EXAMPLES[0],
        garbage,
        *EXAMPLES[1:4],
        d / "不存在.xlsx",
        truncated,
        folder,
        other,
        pipe,
        *EXAMPLES[4:],
        EXAMPLES[1],  # the same file twice: two tasks, two results
    ]


def _local(path: Path, settings: Settings) -> FileResult:
    return replace(check_file(path, settings), grid=None)


def test_results_equal_check_file_in_input_order(scheduler: str, inputs: list[Path]) -> None:
    settings = Settings()
    t0 = time.monotonic()
    got = list(check_on_cluster(inputs, settings, scheduler))
    took = time.monotonic() - t0
    want = [_local(p, settings) for p in inputs]
    assert [r.path for r in got] == [str(p) for p in inputs]
    for g, w in zip(got, want, strict=True):
        assert g == w, g.path
    assert all(r.grid is None for r in got)
    assert sum(1 for r in got if r.error) == 6  # the bad inputs, each named by its own error
    assert all(r.findings for r in got if not r.error)  # the examples have findings
    assert took < 60


def test_paths_mode_reads_the_shared_folder(scheduler: str) -> None:
    settings = Settings(select=["S1"])
    got = list(check_on_cluster(EXAMPLES[1:4], settings, scheduler, send="path"))
    assert got == [_local(p, settings) for p in EXAMPLES[1:4]]


def test_a_failing_task_is_an_error_result_and_the_batch_goes_on(
    scheduler: str, tmp_path: Path
) -> None:
    # A marker of the wrong type makes check_grid raise on every file with findings;
    # the bad file is answered by the reader before that and still comes back as usual.
    settings = Settings(explained_marker=None)  # type: ignore[arg-type]
    bad = tmp_path / "坏.xlsx"
    bad.write_bytes(b"PK\x03\x04 broken")
    paths = [EXAMPLES[1], bad, EXAMPLES[2]]
    got = list(check_on_cluster(paths, settings, scheduler))
    assert [r.path for r in got] == [str(p) for p in paths]
    for r in (got[0], got[2]):
        assert r.error is not None and "在集群上检查失败（TypeError" in r.error, r.error
        assert r.error.startswith(f"{r.path}: ")
        with pytest.raises(TypeError):
            check_file(r.path, settings)
    assert got[1] == _local(bad, settings)


def test_stopping_early_disconnects(scheduler: str) -> None:
    run = check_on_cluster(EXAMPLES[1:], Settings(), scheduler)
    first = next(run)
    assert first == _local(EXAMPLES[1], Settings())
    run.close()  # type: ignore[attr-defined]
    with pytest.raises(StopIteration):
        next(run)


def test_no_scheduler_is_a_cluster_error() -> None:
    _distributed()
    with socket.socket() as s:  # a port on the loopback address where nothing listens
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    t0 = time.monotonic()
    with pytest.raises(ClusterError, match=r"无法在 1 秒内连接调度器 tcp://127\.0\.0\.1:\d+"):
        check_on_cluster(EXAMPLES[:1], Settings(), f"tcp://127.0.0.1:{port}", timeout=1)
    assert time.monotonic() - t0 < 15


def test_a_scheduler_without_workers_is_a_cluster_error() -> None:
    with _local_cluster(
        n_workers=0, processes=True, dashboard_address=None, host="127.0.0.1"
    ) as cluster:
        with pytest.raises(ClusterError, match="没有可用的工作节点"):
            check_on_cluster(EXAMPLES[:1], Settings(), cluster.scheduler_address, timeout=1)


def test_a_bad_address_is_a_cluster_error() -> None:
    _distributed()
    with pytest.raises(ClusterError, match="调度器地址无效"):
        check_on_cluster([], Settings(), "nosuchproto://127.0.0.1:8786", timeout=1)


class _FakeClient:
    def __init__(self, versions: dict[str, str | None]) -> None:
        self.versions = versions

    def get_versions(self, packages: list[str]) -> dict[str, Any]:
        assert packages == ["budgetlint"]
        return {"workers": {w: {"packages": {"budgetlint": v}} for w, v in self.versions.items()}}


def test_a_worker_with_another_version_is_a_cluster_error() -> None:
    from budgetlint import __version__

    _check_versions(_FakeClient({"tcp://a:1": __version__}), "tcp://s:8786")
    with pytest.raises(ClusterError, match=r"tcp://b:1（0\.0\.1）.*tcp://c:1（未安装）"):
        _check_versions(
            _FakeClient({"tcp://a:1": __version__, "tcp://b:1": "0.0.1", "tcp://c:1": None}),
            "tcp://s:8786",
        )


def test_without_dask_the_module_imports_and_says_what_to_install() -> None:
    code = (
        "import sys\n"
        "sys.modules['dask'] = sys.modules['distributed'] = None  # as if not installed\n"
        "import budgetlint.distributed as d\n"
        "from budgetlint.settings import Settings\n"
        "try:\n"
        "    d.check_on_cluster([], Settings(), 'tcp://127.0.0.1:8786')\n"
        "except d.ClusterError as e:\n"
        "    print(e)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, encoding="utf-8", check=True
    )
    assert "需要安装 budgetlint[distributed]" in out.stdout, out.stderr


# The two scenarios below start a cluster inside the process (processes=False) and break
# it.  Each runs in a fresh interpreter: the threads Dask leaves behind in a long test
# session (and the ones it starts here) never meet the rest of the suite's.

_SCENARIO_HEAD = """
import json, sys, time
from pathlib import Path
import distributed
import budgetlint.distributed as bd
from budgetlint.distributed import check_on_cluster
from budgetlint.settings import Settings

def local_cluster(**options):
    for attempt in range(3):
        try:
            return distributed.LocalCluster(**options)
        except AssertionError:  # Dask's IO loop did not come up within its 10 s
            if attempt == 2:
                raise
            time.sleep(2)

OPTIONS = dict(n_workers=1, threads_per_worker=1, processes=False, protocol="tcp://",
               host="127.0.0.1", dashboard_address=None)
paths = [Path(p) for p in json.loads(sys.argv[1])] * 3
"""

_LOST_SCHEDULER = """
cluster = local_cluster(**OPTIONS)
try:
    run = check_on_cluster(paths, Settings(select=["S1"]), cluster.scheduler_address, timeout=2)
    got = [next(run)]
finally:
    cluster.close()
t0 = time.monotonic()
got.extend(run)  # no hang: the client gives up reconnecting after the timeout
seconds = time.monotonic() - t0
"""

_WORKERS_LEAVE = """
bd._NO_WORKER_GRACE = 1.0
with local_cluster(**OPTIONS) as cluster:
    run = check_on_cluster(paths, Settings(select=["S1"]), cluster.scheduler_address)
    got = [next(run)]
    cluster.scale(0)
    t0 = time.monotonic()
    got.extend(run)
    seconds = time.monotonic() - t0
"""

_SCENARIO_TAIL = """
print(json.dumps({"seconds": seconds, "results": [[r.path, r.error] for r in got]}))
"""


def _scenario(body: str) -> tuple[float, list[tuple[str, str | None]]]:
    """Run a scenario in a fresh interpreter: (seconds after the break, [(path, error)])."""
    _distributed()
    files = json.dumps([str(p) for p in EXAMPLES[1:]])
    proc = subprocess.run(
        [sys.executable, "-c", _SCENARIO_HEAD + body + _SCENARIO_TAIL, files],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=240,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    return out["seconds"], [(path, error) for path, error in out["results"]]


def test_a_lost_scheduler_reports_the_rest_unchecked_and_ends() -> None:
    seconds, got = _scenario(_LOST_SCHEDULER)
    assert seconds < 30
    assert [path for path, _ in got] == [str(p) for p in EXAMPLES[1:] * 3]
    assert got[0][1] is None
    lost = [error for _, error in got if error]
    assert lost and all("未检查：与调度器" in error for error in lost)
    assert all(error for _, error in got[len(got) - len(lost) :])  # once lost, the rest too


def test_when_every_worker_leaves_the_rest_is_reported_unchecked() -> None:
    seconds, got = _scenario(_WORKERS_LEAVE)
    assert seconds < 30
    assert [path for path, _ in got] == [str(p) for p in EXAMPLES[1:] * 3]
    assert got[0][1] is None
    assert any("已没有工作节点" in (error or "") for _, error in got)
    assert got[-1][1] is not None


class _Future:
    """A stand-in for a Dask future whose result is lost or late (for ``_collect``)."""

    def __init__(self, done: bool, status: str, exc: BaseException | None) -> None:
        self._done, self.status, self._exc = done, status, exc
        self.waited: list[float] = []

    def done(self) -> bool:
        return self._done

    def result(self, timeout: float | None = None) -> Any:
        assert timeout is not None  # the client never waits for a task without a limit
        self.waited.append(timeout)
        if self._exc is not None:
            raise self._exc
        return FileResult(path="a.xlsx")


def test_a_task_back_to_waiting_is_not_collected() -> None:
    from budgetlint.distributed import _RESULT_SECONDS, _collect

    # its callback came, but its worker left with the result: it waits again
    assert _collect(_Future(False, "pending", None), "a.xlsx", "tcp://h:1") is None
    late = _Future(True, "pending", TimeoutError())
    assert _collect(late, "a.xlsx", "tcp://h:1") is None
    assert late.waited == [_RESULT_SECONDS]
    # the task's own TimeoutError is the task's failure, reported for its file
    failed = _collect(_Future(True, "error", TimeoutError("读取超时")), "a.xlsx", "tcp://h:1")
    assert failed is not None
    assert failed.error == "a.xlsx: 在集群上检查失败（TimeoutError: 读取超时）"
    ok = _collect(_Future(True, "finished", None), "a.xlsx", "tcp://h:1")
    assert ok == FileResult(path="a.xlsx")
