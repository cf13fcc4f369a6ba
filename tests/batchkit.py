"""Check functions for batch tests: sent to worker processes by reference, so module-level.

Each behaves like :func:`budgetlint.checker.check_file` except on files whose name
says otherwise: ``崩溃*`` kills its process (SIGSEGV, as a crash in a C extension
would), ``内存*`` raises MemoryError, ``慢*`` sleeps first.
"""

from __future__ import annotations

import faulthandler
import os
import resource
import signal
import time
from pathlib import Path

from budgetlint.checker import check_file
from budgetlint.results import FileResult
from budgetlint.settings import Settings

SLOW_SECONDS = 1.5


def unruly_check(path: Path, settings: Settings) -> FileResult:
    name = Path(path).name
    if name.startswith("崩溃"):
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # no core file
        faulthandler.disable()  # pytest's, inherited by a forked worker: no traceback dump
        os.kill(os.getpid(), signal.SIGSEGV)
        time.sleep(10)  # pragma: no cover - the signal ends the process
    if name.startswith("内存"):
        raise MemoryError
    if name.startswith("慢"):
        time.sleep(SLOW_SECONDS)
    return check_file(path, settings)


def collector_check(path: Path, settings: Settings) -> FileResult:
    """A check that says, in its error, the state of the cycle collector in its worker."""
    import gc

    from budgetlint import batch

    state = f"pid={os.getpid()} enabled={gc.isenabled()} pauses={batch._pauses}"
    return FileResult(path=str(path), error=state)
