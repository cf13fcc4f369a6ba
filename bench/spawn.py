"""Run one command as a child of this small process and report what it cost.

    python -I -S bench/spawn.py RESULT_FILE COMMAND [ARG ...]

Writes ``wall_s cpu_s maxrss_kib exit_code lingering`` to RESULT_FILE:

- wall: from start until the command's own process exits;
- cpu, maxrss: user + system time of the whole process tree, and the peak RSS of
  its largest single process.  This process makes itself the "child subreaper"
  (Linux ``prctl``), so helper processes the command leaves to exit on their own
  (a multiprocessing fork server and its workers) are reparented here and
  waited for, and count too;
- lingering: descendants still running ``LINGER_S`` after the command exited
  (left to the caller, which ends the process group).

The command is started from here, not from the benchmark, because a child's
peak RSS counts the memory of the process it was forked from: this process holds
only the interpreter (about 9 MB), the benchmark holds its corpus.  Standard
library only, no site packages, so it starts fast and stays small.
"""

import os
import resource
import sys
import time

LINGER_S = 30.0
PR_SET_CHILD_SUBREAPER = 36


def _subreaper() -> None:
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: only waited-for processes count
        pass


def _reap_rest(deadline: float) -> int:
    """Wait for every remaining descendant until ``deadline``; how many still run."""
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return 0
        if pid == 0:
            if time.monotonic() > deadline:
                return 1
            time.sleep(0.01)


def main() -> int:
    result, cmd = sys.argv[1], sys.argv[2:]
    _subreaper()
    t0 = time.perf_counter()
    try:
        pid = os.posix_spawnp(cmd[0], cmd, os.environ)
    except OSError as e:
        with open(result, "w") as f:
            f.write(f"0 0 0 127 0 {e}\n")
        return 127
    _, status = os.waitpid(pid, 0)
    wall = time.perf_counter() - t0
    code = os.waitstatus_to_exitcode(status)
    lingering = _reap_rest(time.monotonic() + LINGER_S)
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    with open(result, "w") as f:
        f.write(f"{wall} {usage.ru_utime + usage.ru_stime} {usage.ru_maxrss} {code} {lingering}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
