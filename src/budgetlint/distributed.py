"""Checking a batch on a Dask cluster: ``budgetlint check … --scheduler tcp://HOST:8786``.

A province's bureau may hold tens of thousands of workbooks.  The per-file check
(:func:`budgetlint.checker.check_file`) is run on an existing Dask cluster
(``dask scheduler`` on one machine, ``dask worker tcp://HOST:8786`` on each of the
others) through Dask's distributed scheduler: one task per file.  There is no
cluster code of budgetlint's own here, only the task and the bookkeeping:

- **The bytes travel, not the path.**  The client reads each workbook and sends
  its bytes with the task; the worker writes them to a private temporary file
  under the workbook's own name and checks that.  The workers therefore need no
  shared folder and see exactly the file the client saw, whatever their
  operating system calls the path.  Messages and findings name the path as the
  client gave it.  ``send="path"`` sends the absolute path instead, for
  workbooks that every worker can read at the same path (a shared folder).
- **What comes back has no grid.**  A :class:`FileResult` holds the grid it was
  checked on for the annotator; the grid stays on the worker (it is the bulk of
  the result, and annotating writes the file where the client is).  Annotating
  needs a local check.
- **Input order, streamed.**  Results are yielded in the order of ``paths``, each
  as soon as it and every result before it are done.  At most a few tasks per
  worker thread are in flight, so the client never holds the bytes of the whole
  batch.
- **One file never stops the batch.**  A task that raises, or whose worker dies
  (memory exhausted, killed), becomes ``FileResult(path, error=…)``.

:class:`ClusterError` is raised (before any file is sent) when Dask is not
installed, the scheduler cannot be reached within ``timeout`` seconds, no worker
joins it within ``timeout``, or a worker runs another version of budgetlint.
This module imports without Dask; Dask is imported when a check starts.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import queue
import stat
import tempfile
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any, Literal

from budgetlint import __version__
from budgetlint.results import FileResult
from budgetlint.settings import Settings

__all__ = ["MAX_SEND_BYTES", "ClusterError", "check_on_cluster"]

#: The largest workbook sent with its task (the bytes pass through the scheduler).
#: A department workbook is well under a megabyte; larger files need ``send="path"``.
MAX_SEND_BYTES = 256 * 1024 * 1024
#: Tasks in flight per worker thread: enough to keep every worker busy while the
#: client reads the next files, few enough that the bytes in transit stay small.
_IN_FLIGHT_PER_THREAD = 2
_MIN_IN_FLIGHT = 4
#: How often a wait for results looks whether the connection to the scheduler is lost.
_POLL_SECONDS = 1.0
#: The longest wait for a done task's result (it comes from the worker that holds it),
#: and for the scheduler's answer to how many workers it has.
_RESULT_SECONDS = 5.0
#: How long tasks wait for a worker when every worker has left the cluster.
_NO_WORKER_GRACE = 60.0
#: Client states after which no task will ever complete.
_CLIENT_GONE = frozenset({"closing", "closed", "failed"})

_INSTALL_HINT = (
    "使用 --scheduler 需要安装 budgetlint[distributed]（pip install 'budgetlint[distributed]'）"
)


class ClusterError(Exception):
    """The cluster cannot be used; the message (Chinese) says why and what to do."""


def check_on_cluster(
    paths: list[Path],
    settings: Settings,
    address: str,
    *,
    timeout: float = 10.0,
    send: Literal["bytes", "path"] = "bytes",
) -> Iterator[FileResult]:
    """Check ``paths`` on the Dask scheduler at ``address``; results in input order.

    Connects at once (raising :class:`ClusterError` when it cannot), then yields
    one :class:`FileResult` per path, in the order of ``paths``, with
    ``grid=None``: the result of :func:`budgetlint.checker.check_file` on that
    file, or ``FileResult(path, error=…)`` when its task failed.  Iterate it to
    the end, or call its ``close()`` (or use it in a ``with``) to disconnect.
    """
    if send not in ("bytes", "path"):
        raise ValueError(f"send must be 'bytes' or 'path', got {send!r}")
    return _ClusterRun(list(paths), settings, address, timeout=timeout, send=send)


# --- the client side ----------------------------------------------------------------


def _import_distributed() -> Any:
    try:
        import distributed
    except ImportError as e:
        raise ClusterError(_INSTALL_HINT) from e
    return distributed


def _connect(address: str, timeout: float) -> Any:
    """A Client connected to ``address`` with at least one worker of our version."""
    distributed = _import_distributed()
    try:
        client = distributed.Client(address, timeout=timeout, set_as_default=False)
    except (OSError, TimeoutError) as e:
        raise ClusterError(
            f"无法在 {timeout:g} 秒内连接调度器 {address}（{e}）："
            "请确认该机器上已运行 dask scheduler、地址和端口正确、防火墙已放行该端口"
        ) from e
    except (ValueError, TypeError) as e:  # 'foo://x', ':abc'
        raise ClusterError(
            f"调度器地址无效：{address}（{e}）；应为 tcp://主机:端口，如 tcp://10.0.0.5:8786"
        ) from e
    try:
        try:
            client.wait_for_workers(1, timeout=timeout)
        except (OSError, TimeoutError) as e:
            raise ClusterError(
                f"调度器 {address} 在 {timeout:g} 秒内没有可用的工作节点："
                f"请在各台机器上运行 dask worker {address}"
            ) from e
        _check_versions(client, address)
    except BaseException:
        client.close()
        raise
    return client


def _check_versions(client: Any, address: str) -> None:
    """Every worker must run this version of budgetlint: the results must not depend on where."""
    versions = client.get_versions(packages=["budgetlint"])
    wrong = {
        worker: info.get("packages", {}).get("budgetlint")
        for worker, info in versions.get("workers", {}).items()
        if info.get("packages", {}).get("budgetlint") != __version__
    }
    if wrong:
        listed = "，".join(
            f"{w}（{v or '未安装'}）" for w, v in sorted(wrong.items(), key=lambda kv: kv[0])
        )
        raise ClusterError(
            f"调度器 {address} 的工作节点上 budgetlint 版本与本机（{__version__}）不一致：{listed}；"
            f"请在所有机器上安装同一版本：pip install 'budgetlint[distributed]=={__version__}'"
        )


class _ClusterRun(Iterator[FileResult]):
    """The iterator :func:`check_on_cluster` returns: owns the Client until exhausted or closed."""

    def __init__(
        self,
        paths: list[Path],
        settings: Settings,
        address: str,
        *,
        timeout: float,
        send: Literal["bytes", "path"],
    ) -> None:
        self._client: Any = None
        self._address = address
        self._client = _connect(address, timeout)
        self._gen = self._run(paths, settings, send)

    def __iter__(self) -> _ClusterRun:
        return self

    def __next__(self) -> FileResult:
        return next(self._gen)

    def __enter__(self) -> _ClusterRun:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop: cancel the tasks still running and disconnect."""
        self._gen.close()
        self._disconnect()

    def _disconnect(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def __del__(self) -> None:  # pragma: no cover - a run dropped without being closed
        try:
            self.close()
        except Exception:
            pass

    def _run(self, paths: list[Path], settings: Settings, send: str) -> Iterator[FileResult]:
        client = self._client
        try:
            threads = sum(client.nthreads(callback_timeout=_RESULT_SECONDS).values())
            window = max(_MIN_IN_FLIGHT, _IN_FLIGHT_PER_THREAD * threads)
            in_flight: dict[str, tuple[int, Any]] = {}  # task key -> (input index, future)
            finished: queue.Queue[str] = queue.Queue()  # keys of tasks done, as they finish
            done: dict[int, FileResult] = {}
            display = [str(p) for p in paths]
            submitted = yielded = 0
            idle_since: float | None = None  # since when no worker was connected
            while yielded < len(paths):
                why = self._gone(client, in_flight, idle_since)
                if why is not None:
                    # the scheduler is lost (the client gave up reconnecting), or no worker
                    # is left: what was not checked is reported as such, at once
                    for i in [i for i, _ in in_flight.values()] + list(
                        range(submitted, len(paths))
                    ):
                        done[i] = FileResult(path=display[i], error=f"{display[i]}: 未检查：{why}")
                    in_flight.clear()
                    submitted = len(paths)
                while submitted < len(paths) and len(in_flight) < window:
                    i = submitted
                    submitted += 1
                    local, fut = self._submit(client, paths[i], display[i], settings, send)
                    if fut is None:
                        assert local is not None
                        done[i] = local
                    else:
                        in_flight[fut.key] = (i, fut)
                        fut.add_done_callback(lambda f: finished.put(f.key))
                if yielded in done:
                    yield done.pop(yielded)
                    yielded += 1
                    continue
                try:
                    keys = [finished.get(timeout=_POLL_SECONDS)]
                except queue.Empty:  # look at the connection, the workers and the tasks again
                    if _no_workers(client):
                        idle_since = idle_since or time.monotonic()
                    else:
                        idle_since = None
                    # a task's callback comes once: a task whose result was lost with its
                    # worker after that and was computed again is only seen done here
                    keys = [k for k, (_, f) in in_flight.items() if f.done()]
                for key in keys:
                    if key not in in_flight:  # collected already, or reported lost above
                        continue
                    i, fut = in_flight[key]
                    result = _collect(fut, display[i], self._address)
                    if result is None:  # waiting again (its result was lost with its worker)
                        continue
                    del in_flight[key]
                    done[i] = result
                    fut.release()
        finally:
            self._disconnect()

    def _gone(self, client: Any, in_flight: dict[str, Any], idle_since: float | None) -> str | None:
        """Why no task in flight will ever complete, or None while they may."""
        if client.status in _CLIENT_GONE:
            return f"与调度器 {self._address} 的连接中断"
        if (
            in_flight
            and idle_since is not None
            and time.monotonic() - idle_since > _NO_WORKER_GRACE
        ):
            return f"调度器 {self._address} 上已没有工作节点（{_NO_WORKER_GRACE:g} 秒内无节点重新加入）"
        return None

    @staticmethod
    def _submit(
        client: Any, path: Path, display: str, settings: Settings, send: str
    ) -> tuple[FileResult | None, Any]:
        """Submit one file's task; or its result when it is known without reading the file."""
        from budgetlint.checker import WORKBOOK_SUFFIXES, check_file

        try:
            st: os.stat_result | None = path.stat()
        except OSError:
            st = None
        if (
            st is None
            or not stat.S_ISREG(st.st_mode)
            or path.suffix.lower() not in WORKBOOK_SUFFIXES
        ):
            # missing, a folder, a named pipe, another file type: check_file says so
            # from the stat alone, without opening the file; there is nothing to send
            return replace(check_file(path, settings), grid=None), None
        if send == "path":
            task = client.submit(
                _check_path_task, str(path.resolve()), display, settings, pure=False
            )
            return None, task
        size = st.st_size
        if size > MAX_SEND_BYTES:
            return (
                FileResult(
                    path=display,
                    error=f"{display}: 文件过大（{size / 2**20:.0f} MB），超过发送到集群的上限"
                    f" {MAX_SEND_BYTES // 2**20} MB",
                ),
                None,
            )
        try:
            data = path.read_bytes()
        except OSError as e:
            return FileResult(path=display, error=f"{display}: 无法打开文件（{e.strerror}）"), None
        return None, client.submit(_check_bytes_task, data, display, settings, pure=False)


def _no_workers(client: Any) -> bool:
    """Whether the scheduler has no worker now (False when that cannot be asked)."""
    if client.status != "running":
        return False
    try:
        return not client.nthreads(callback_timeout=_RESULT_SECONDS)
    except (OSError, TimeoutError):  # the connection is closing: _gone() sees it next
        return False


def _lost(display: str, address: str) -> FileResult:
    return FileResult(path=display, error=f"{display}: 未检查：与调度器 {address} 的连接中断")


def _collect(fut: Any, display: str, address: str) -> FileResult | None:
    """The task's FileResult, an error result saying why the task failed, or None.

    None when the task is not done after all: a task done a moment ago goes back to
    waiting when the worker holding its result leaves.  Nothing here waits for a
    task without a time limit, so a lost worker or scheduler never hangs the batch.
    """
    if not fut.done():
        return None
    try:
        result = fut.result(timeout=_RESULT_SECONDS)
    except (asyncio.CancelledError, concurrent.futures.CancelledError):
        return _lost(display, address)  # the client cancels its tasks when the scheduler is lost
    except Exception as e:
        if isinstance(e, TimeoutError) and fut.status != "error":
            return None  # not the task's own TimeoutError: the task is waiting again
        if type(e).__name__ == "KilledWorker":
            why = "：检查该文件的工作节点进程多次意外退出（可能内存耗尽）"
        else:
            why = f"（{type(e).__name__}: {e}）"
        return FileResult(path=display, error=f"{display}: 在集群上检查失败{why}")
    if not isinstance(result, FileResult):  # pragma: no cover - a worker of another kind
        return FileResult(path=display, error=f"{display}: 集群返回了无法识别的结果")
    return result


# --- the worker side (module-level functions: Dask pickles them by reference) ------------


def _check_bytes_task(data: bytes, display: str, settings: Settings) -> FileResult:
    """On a worker: write the workbook to a private temporary file, check it, name it ``display``."""
    from budgetlint.batch import collector_paused
    from budgetlint.checker import check_file

    suffix = os.path.splitext(display)[1]
    name = _basename(display) or f"workbook{suffix}"
    with tempfile.TemporaryDirectory(prefix="budgetlint-") as tmp:
        local = Path(tmp) / name
        try:
            local.write_bytes(data)
        except (OSError, ValueError):  # a name this worker's file system does not allow
            local = Path(tmp) / f"workbook{suffix}"
            local.write_bytes(data)
        with collector_paused():
            result = check_file(local, settings)
    return _renamed(result, str(local), display)


def _check_path_task(path: str, display: str, settings: Settings) -> FileResult:
    """On a worker: check the file at ``path`` (a shared folder), name it ``display``."""
    from budgetlint.batch import collector_paused
    from budgetlint.checker import check_file

    with collector_paused():
        result = check_file(path, settings)
    return _renamed(result, str(Path(path)), display)


def _basename(display: str) -> str:
    """The file name of a path from any client (``C:\\收到\\a.xlsx`` or ``/srv/a.xlsx``)."""
    return display.replace("\\", "/").rsplit("/", 1)[-1]


def _renamed(result: FileResult, local: str, display: str) -> FileResult:
    """``result`` without its grid, every mention of the worker's path ``local`` as ``display``."""

    def fix(s: str) -> str:
        return s.replace(local, display) if local in s else s

    return replace(
        result,
        path=display,
        grid=None,
        error=fix(result.error) if result.error is not None else None,
        findings=[
            replace(f, file=fix(f.file), message=fix(f.message))
            if local in f.file + f.message
            else f
            for f in result.findings
        ],
        rule_failures=[
            replace(rf, file=fix(rf.file), error=fix(rf.error)) for rf in result.rule_failures
        ],
        projects=[replace(pf, file=fix(pf.file)) for pf in result.projects],
        accounts=[replace(t, file=fix(t.file)) for t in result.accounts],
    )
