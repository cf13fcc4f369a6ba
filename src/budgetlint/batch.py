"""Batch execution: many workbooks checked (and annotated) in parallel processes.

:func:`plan` turns the command line's paths into :class:`Job` objects (one per
input, with a distinct output path when annotating into a folder); :func:`run`
checks them, in this process (``workers=1``) or in a
:class:`~concurrent.futures.ProcessPoolExecutor`, and yields one
:class:`Outcome` per job **in input order** as soon as it and every job before
it are done, so output streams while the batch runs.

One bad file never stops the batch:

- an exception while checking a file (``MemoryError`` included) becomes that
  file's ``error``;
- a worker process that dies (a crash in a C extension, the OOM killer) breaks
  the pool: the files that were in flight are re-run each in a process of its
  own, so the file that kills its process again is named (``error``) and every
  other file is checked; the rest of the batch continues in a new pool.

Annotating happens in the worker right after the check, so it is parallel too.
A worker returns a slim :class:`~budgetlint.results.FileResult` (no grid, no
form models: ~25× less to pickle) unless ``keep_forms`` is set, which only the
HTML report needs.  ``workers=1`` applies the same rule, so the results of any
``--jobs`` are identical.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from budgetlint.results import FileResult
from budgetlint.settings import Settings

if TYPE_CHECKING:  # imported when a pool starts: a run in one process does without them
    from concurrent.futures import Future
    from multiprocessing.connection import Connection

log = logging.getLogger("budgetlint")

#: Checks one file: ``(path, settings) -> FileResult``; must be a module-level function
#: (it is sent to worker processes by reference).
CheckFn = Callable[[Path, Settings], FileResult]


def _check_file(path: Path, settings: Settings) -> FileResult:
    from budgetlint.checker import check_file

    return check_file(path, settings)


#: The check :func:`run` uses when given none (tests replace it).
CHECK: CheckFn = _check_file


@dataclass(frozen=True)
class Job:
    """One input file, and where its annotated copy goes (if anywhere)."""

    index: int
    path: Path
    output: Path | None = None  # --annotate OUTDIR: the copy to write
    in_place: bool = False  # --in-place: annotate the input after a backup


@dataclass
class Outcome:
    """What became of one job."""

    index: int
    path: Path
    result: FileResult
    written: Path | None = None  # the annotated file written
    backup: Path | None = None  # the backup written by --in-place
    output_error: str | None = None  # why the annotated file could not be written
    seconds: float = 0.0  # time spent on the file (in its worker)


# --- planning ------------------------------------------------------------------------------


def plan(
    paths: Iterable[str | Path], outdir: Path | None = None, *, in_place: bool = False
) -> list[Job]:
    """One job per input workbook, in input order, each with a distinct output path.

    Under ``outdir`` a file found in a folder keeps its path relative to that
    folder (``收到/区县A/表.xlsx`` -> ``OUTDIR/区县A/表.xlsx``) and a file named
    directly goes to ``OUTDIR/<name>``.  When two inputs would still get the same
    output (the same name from different folders given directly), the later one
    gets `` (2)``, `` (3)``… before its suffix.  Names are compared without case
    (the output folder may be on a Windows share).
    """
    from budgetlint.checker import iter_inputs

    jobs: list[Job] = []
    taken: set[str] = set()
    for arg in paths:
        root = Path(arg)
        is_dir = root.is_dir()
        for p in iter_inputs([arg]):
            out = None
            if outdir is not None:
                rel = p.relative_to(root) if is_dir else Path(p.name)
                out = _distinct(outdir / rel, taken)
            jobs.append(Job(len(jobs), p, out, in_place))
    return jobs


def _distinct(path: Path, taken: set[str]) -> Path:
    candidate, n = path, 2
    while _key(candidate) in taken:
        candidate = path.with_name(f"{path.stem} ({n}){path.suffix}")
        n += 1
    taken.add(_key(candidate))
    return candidate


def _key(path: Path) -> str:
    return os.path.normpath(str(path)).casefold()


# --- one job -------------------------------------------------------------------------------

_pause_lock = threading.Lock()
_pauses = 0
_was_enabled = False


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector paused while a file is checked and annotated.

    A check allocates millions of small objects and frees them by reference
    counting; it makes almost no reference cycles (60 bench workbooks: 32 objects
    found by 1,160 collections).  The collector still walks the heap each time the
    allocations pass its thresholds, and the heap of a large workbook grows as it is
    read: measured, 9 % of checking the 200 bench workbooks, 10-20 % of checking
    the 300-sheet one, 20 % of annotating.  It runs again once the file is done,
    freeing whatever cycles there were (the parent of worker processes keeps it
    paused for the whole run: see :func:`run`).  Nested and concurrent uses (threads
    of a Dask worker) resume it when the last one ends, if it was running before.
    """
    global _pauses, _was_enabled
    with _pause_lock:
        if _pauses == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _pauses += 1
    try:
        yield
    finally:
        with _pause_lock:
            _pauses -= 1
            if _pauses == 0 and _was_enabled:
                gc.enable()


def annotate_outcome(job: Job, out: Outcome) -> None:
    """Write the annotated copy (or annotate in place) for a readable file; errors are kept."""
    fr = out.result
    if fr.error or fr.waiting or (job.output is None and not job.in_place):
        return  # waiting: the narrative is linked to the other files first (linked_outcomes)
    from budgetlint.annotate import AnnotateError, annotate, annotate_in_place

    src = job.path
    try:
        if job.output is not None:
            if job.output.resolve() == src.resolve():
                raise AnnotateError(f"{src}: 输出文件夹与输入相同，请改用 --in-place")
            annotate(src, job.output, fr.findings)
            out.written = job.output
            log.info("annotated %s -> %s", src, job.output)
        else:
            out.backup = annotate_in_place(src, fr.findings)
            out.written = src
            log.info("annotated %s in place (backup %s)", src, out.backup)
    except (AnnotateError, OSError) as e:
        from budgetlint.outfile import reason

        out.output_error = f"无法标注 {src}：{reason(e)}"
    except Exception as e:  # a bug in the annotator must not lose the file's findings
        log.info("annotating %s failed", src, exc_info=True)
        out.output_error = (
            f"无法标注 {src}：内部错误（{type(e).__name__}: {e}），请附文件报告此问题"
        )


def _do_job(job: Job, settings: Settings, keep_forms: bool, check: CheckFn) -> Outcome:
    with collector_paused():
        return _job(job, settings, keep_forms, check)


def _job(job: Job, settings: Settings, keep_forms: bool, check: CheckFn) -> Outcome:
    start = time.perf_counter()
    try:
        fr = check(job.path, settings)
    except MemoryError:
        log.info("out of memory checking %s", job.path, exc_info=True)
        fr = FileResult(path=str(job.path), error=f"{job.path}: 内存不足，无法检查该文件")
    except Exception as e:  # a bug must not lose the other files
        log.info("checking %s failed", job.path, exc_info=True)
        fr = FileResult(
            path=str(job.path), error=f"{job.path}: 检查失败（{type(e).__name__}: {e}）"
        )
    out = Outcome(job.index, job.path, fr)
    annotate_outcome(job, out)
    if not keep_forms:
        out.result = fr.slim()
    out.seconds = time.perf_counter() - start
    return out


# --- worker processes ----------------------------------------------------------------------


class _Terminated(BaseException):
    """SIGTERM in a worker: unwind (removing temporary files), then exit."""


_busy = False


def _on_sigterm(signum: int, frame: Any) -> None:
    if _busy:
        raise _Terminated
    os._exit(128 + signum)


def _worker_init() -> None:
    global _pauses
    # A forked worker starts with the collector of the parent, which :func:`run`
    # pauses: in the worker it runs between files, as collector_paused says.
    _pauses = 0
    gc.enable()
    # Ctrl-C goes to the whole process group: the parent decides; workers finish
    # the file in hand (its output is written atomically) and are shut down.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _on_sigterm)


def _run_chunk(
    jobs: list[Job], settings: Settings, keep_forms: bool, check: CheckFn
) -> list[Outcome]:
    """A worker's task: check a few files."""
    global _busy
    _busy = True
    try:
        return [_do_job(job, settings, keep_forms, check) for job in jobs]
    except _Terminated:
        os._exit(128 + signal.SIGTERM)
    finally:
        _busy = False


def _isolated_main(
    conn: Connection, job: Job, settings: Settings, keep_forms: bool, check: CheckFn
) -> None:
    """A process for one suspect file: send its outcome, or die trying."""
    _worker_init()
    conn.send(_run_chunk([job], settings, keep_forms, check)[0])
    conn.close()


def context() -> Any:
    """The multiprocessing context for the workers.

    On Linux ``fork`` when this process runs no other thread (the workers start
    at once, with budgetlint already imported: measured ~0.3 s less per run than
    a fork server on the examples), else the ``forkserver``; ``spawn`` elsewhere
    (macOS, where fork is unsafe, and Windows).  Standard streams are flushed
    before each fork (:func:`_flush`), so a child never repeats buffered output.
    """
    import multiprocessing as mp

    if sys.platform.startswith("linux"):
        if threading.active_count() == 1:
            return mp.get_context("fork")
        ctx = mp.get_context("forkserver")
        ctx.set_forkserver_preload(["budgetlint.batch", "budgetlint.checker"])
        return ctx
    return mp.get_context("spawn")


def _flush() -> None:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError, AttributeError):
            pass


def _chunk_size(n: int, workers: int) -> int:
    """Files per task: small enough to stream and balance, large enough to amortise IPC."""
    return max(1, min(8, n // (workers * 8)))


#: The last tasks of a run (per worker) hold one file each and are handed out largest first.
TAIL = 4


def _tasks(jobs: Sequence[Job], workers: int) -> deque[list[Job]]:
    """The tasks of a run, in input order: chunks of :func:`_chunk_size` files, and one
    file each for the last ``TAIL * workers`` (handed out largest first by
    :func:`_next_task`), so that the workers finish within about one small file of each
    other instead of one last chunk of eight."""
    size = _chunk_size(len(jobs), workers)
    cut = max(0, len(jobs) - TAIL * workers)
    queue: deque[list[Job]] = deque(
        list(jobs[i : min(i + size, cut)]) for i in range(0, cut, size)
    )
    queue.extend([job] for job in jobs[cut:])
    return queue


def _bytes(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _next_task(queue: deque[list[Job]], tail: int, weight: dict[int, int]) -> list[Job]:
    """The next task, taken out of ``queue``: in input order, except at the end.

    While more than ``tail`` tasks wait, the first (output streams in input
    order: the first files are printed as soon as they are done).  The last
    ``tail`` go largest first (by file size), so the files still running when
    the others are done are small ones and the workers finish together, instead
    of one 40-sheet file started last keeping one worker busy alone.
    """
    if len(queue) > tail:
        return queue.popleft()
    best = max(range(len(queue)), key=lambda i: sum(weight[j.index] for j in queue[i]))
    chunk = queue[best]
    del queue[best]
    return chunk


def _crashed(job: Job, exitcode: int | None) -> Outcome:
    if exitcode is not None and exitcode < 0:
        try:
            how = f"被信号 {signal.Signals(-exitcode).name} 终止"
        except ValueError:
            how = f"被信号 {-exitcode} 终止"
    elif exitcode is None:
        how = "无响应"
    else:
        how = f"退出码 {exitcode}"
    error = (
        f"{job.path}: 检查该文件的进程异常退出（{how}），该文件未检查；"
        "可能是文件损坏或内存不足，其他文件不受影响"
    )
    log.info("worker died on %s (exit code %s)", job.path, exitcode)
    return Outcome(job.index, job.path, FileResult(path=str(job.path), error=error))


def _isolated(
    jobs: Sequence[Job],
    settings: Settings,
    keep_forms: bool,
    check: CheckFn,
    workers: int,
    ctx: Any,
) -> Iterator[Outcome]:
    """Each job in a process of its own, ``workers`` at a time; a dead process names its file."""
    from multiprocessing.connection import Connection
    from multiprocessing.connection import wait as wait_connections

    pending = deque(jobs)
    running: dict[Connection, tuple[Any, Job]] = {}
    try:
        while pending or running:
            while pending and len(running) < workers:
                job = pending.popleft()
                _flush()
                reader, writer = ctx.Pipe(duplex=False)
                proc = ctx.Process(
                    target=_isolated_main,
                    args=(writer, job, settings, keep_forms, check),
                    daemon=True,
                )
                proc.start()
                writer.close()
                running[reader] = (proc, job)
            for reader in wait_connections(list(running)):
                assert isinstance(reader, Connection)
                proc, job = running.pop(reader)
                try:
                    out: Outcome | None = reader.recv()
                except (EOFError, OSError):
                    out = None
                reader.close()
                proc.join()
                yield out if out is not None else _crashed(job, proc.exitcode)
    finally:
        for reader, (proc, _job) in running.items():
            proc.terminate()
            proc.join()
            reader.close()


def run(
    jobs: Sequence[Job],
    settings: Settings,
    *,
    workers: int = 1,
    keep_forms: bool = False,
    check: CheckFn | None = None,
    on_done: Callable[[Outcome], None] | None = None,
) -> Iterator[Outcome]:
    """Check (and annotate) every job; yield the outcomes in input order.

    ``on_done`` is called as each job finishes, in whatever order (for progress).
    """
    fn = check if check is not None else CHECK
    if workers <= 1 or len(jobs) <= 1:
        outcomes = _serial(jobs, settings, keep_forms, fn, on_done)
        yield from linked_outcomes(outcomes, jobs, settings, workers=workers)
        return
    if any(job.output is not None or job.in_place for job in jobs):
        import budgetlint.annotate  # noqa: F401 - once here, not in each forked worker
    # This process only receives, links and prints the workers' results, and keeps
    # them: each collection of the cycle collector would walk every result received
    # so far (measured: 0.3-0.45 s of the parent's 0.8-1 s, on the 200 bench
    # workbooks, taken from the workers' cores).  Unpickled results hold no cycles.
    with collector_paused():
        outcomes = _parallel(jobs, settings, min(workers, len(jobs)), keep_forms, fn, on_done)
        yield from linked_outcomes(outcomes, jobs, settings, workers=workers)


def _serial(
    jobs: Sequence[Job],
    settings: Settings,
    keep_forms: bool,
    check: CheckFn,
    on_done: Callable[[Outcome], None] | None,
) -> Iterator[Outcome]:
    for job in jobs:
        out = _do_job(job, settings, keep_forms, check)
        if on_done:
            on_done(out)
        yield out


def linked_outcomes(
    outcomes: Iterable[Outcome],
    jobs: Sequence[Job],
    settings: Settings,
    *,
    workers: int = 1,
) -> Iterator[Outcome]:
    """The outcomes, with every narrative's project summaries held to the forms P of all files.

    A file whose narrative quotes a project whose form P is not in the file itself
    (its summaries are ``pending``), or whose workbook lacks some of the tables its
    narrative quotes, is held back until every file is checked; then its narrative
    is linked to the forms P and the tables of every file of the call
    (:func:`budgetlint.checker.link_projects`), it is annotated (in ``workers``
    processes), and it comes last.  Every other outcome passes through in input order.
    """
    held: list[Outcome] = []
    facts = []
    tables = []
    for out in outcomes:
        facts.extend(out.result.projects)
        tables.extend(out.result.accounts)
        if out.result.waiting:
            held.append(out)
            continue
        yield out
    if not held:
        return
    from budgetlint.checker import link_projects

    by_index = {job.index: job for job in jobs}
    pairs: list[tuple[Job, Outcome]] = []
    for out in held:
        link_projects(out.result, facts, settings, final=True, tables=tables)
        job = by_index.get(out.index)
        if job is not None and (job.output is not None or job.in_place):
            pairs.append((job, out))
    annotated = _annotate_held(pairs, workers)
    to_annotate = {id(out) for _job, out in pairs}
    for out in held:
        if id(out) in to_annotate:
            next(annotated)  # this one is done (in order)
        yield out


def _annotate_task(job: Job, out: Outcome) -> tuple[Path | None, Path | None, str | None]:
    """A worker's task: annotate one held file; what became of its output."""
    with collector_paused():
        annotate_outcome(job, out)
    return out.written, out.backup, out.output_error


def _annotate_held(pairs: list[tuple[Job, Outcome]], workers: int) -> Iterator[None]:
    """Annotate the held files, in ``workers`` processes when there are several.

    They are a sixth of the files of the bench corpus (narratives quoting other
    files' tables), and the largest: annotated here one after the other they kept
    the other core idle at the end of a run.  A task that fails in its worker (a
    worker that died) is done here, as before.  Yields once per pair, in order, as
    each is done.
    """
    if workers <= 1 or len(pairs) <= 1:
        for job, out in pairs:
            with collector_paused():
                annotate_outcome(job, out)
            yield
        return
    from concurrent.futures import ProcessPoolExecutor

    _flush()
    n = min(workers, len(pairs))
    with ProcessPoolExecutor(n, mp_context=context(), initializer=_worker_init) as pool:
        futures = [
            pool.submit(_annotate_task, job, Outcome(out.index, out.path, out.result.slim()))
            for job, out in pairs
        ]
        for (job, out), fut in zip(pairs, futures, strict=True):
            try:
                out.written, out.backup, out.output_error = fut.result()
            except Exception as e:  # a dead worker: annotate here instead
                log.info("annotating %s in a worker failed (%r); annotating here", job.path, e)
                annotate_outcome(job, out)
            yield


def _parallel(
    jobs: Sequence[Job],
    settings: Settings,
    workers: int,
    keep_forms: bool,
    check: CheckFn,
    on_done: Callable[[Outcome], None] | None,
) -> Iterator[Outcome]:
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    ctx = context()
    position = {job.index: i for i, job in enumerate(jobs)}
    queue = _tasks(jobs, workers)
    weight = {job.index: _bytes(job.path) for job in jobs}
    tail = TAIL * workers
    done: dict[int, Outcome] = {}
    next_pos = 0

    def record(out: Outcome) -> None:
        done[position[out.index]] = out
        if on_done:
            on_done(out)

    def ready() -> Iterator[Outcome]:
        nonlocal next_pos
        while next_pos in done:
            yield done.pop(next_pos)
            next_pos += 1

    while queue:
        suspects: list[Job] = []
        _flush()
        pool = ProcessPoolExecutor(workers, mp_context=ctx, initializer=_worker_init)
        inflight: dict[Future[list[Outcome]], list[Job]] = {}
        try:
            while (queue or inflight) and not suspects:
                while queue and len(inflight) < 2 * workers:
                    chunk = _next_task(queue, tail, weight)
                    inflight[pool.submit(_run_chunk, chunk, settings, keep_forms, check)] = chunk
                finished, _ = wait(inflight, return_when=FIRST_COMPLETED)
                for fut in finished:
                    chunk = inflight.pop(fut)
                    try:
                        outs = fut.result()
                    except BrokenProcessPool:
                        suspects.extend(chunk)
                    except Exception as e:  # e.g. a result that cannot be pickled
                        log.info("task failed in a worker: %r", e)
                        if len(chunk) > 1:
                            queue.extendleft([job] for job in reversed(chunk))
                        else:
                            suspects.extend(chunk)
                    else:
                        for out in outs:
                            record(out)
                yield from ready()
            if suspects:
                # The pool is broken: every task in flight failed with it.
                wait(inflight)
                for fut, chunk in inflight.items():
                    if fut.exception() is None:
                        for out in fut.result():
                            record(out)
                    else:
                        suspects.extend(chunk)
                inflight.clear()
                log.info("a worker died; re-running %d file(s) one per process", len(suspects))
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
        if suspects:
            suspects.sort(key=lambda j: position[j.index])
            for out in _isolated(suspects, settings, keep_forms, check, workers, ctx):
                record(out)
                yield from ready()
    yield from ready()
