"""Speed and memory of budgetlint, as ratios to a baseline measured in the same run.

Every figure is one whole process, started fresh for each run: wall time (median
of N runs, with min–max, after one untimed warm-up round; the commands take turns
run by run so a change in machine load touches them all alike), CPU time, and the
peak resident set size (``ru_maxrss``) of the largest single process of its tree.
Each command is started by a small launcher (``bench/spawn.py``): a child's peak
RSS counts the process it was forked from, so the benchmark, which holds the
corpus, does not fork it; and the launcher, as the tree's child subreaper, waits
for worker processes too, so they count.  A command smaller than the launcher
(about 9 MB) shows the launcher's size.

The baseline is openpyxl's read-only read of the same files
(``load_workbook(path, read_only=True, data_only=True)``, every row's values:
``bench/read_openpyxl.py``).  Measured against it: python-calamine's read
(``bench/read_calamine.py``), ``budgetlint check``, ``check --annotate``, and
LibreOffice's headless conversion of the same files as a peer; then the speed-up
of ``check --jobs 2`` over ``--jobs 1``, the start-up cost, and ``budgetlint
recompute`` of a workbook of as many form sheets typed into the standard template
(formulas saved without values) against LibreOffice's headless recalculation of
the same file (a private profile that recalculates on load), as a ratio.

The corpus (``bench/corpus.py``) is built into build/bench/ and reused while its
sources are unchanged: one workbook of 300 real form sheets with their merges and
styles, and 200 workbooks of 1–40 such sheets.

    make bench                                   # or: .venv/bin/python bench/run.py
    .venv/bin/python bench/run.py --quick        # 2 runs, 20 workbooks, 60 sheets
    .venv/bin/python bench/run.py --runs 3 --sheets 300 --workbooks 20
    make bench BENCH_ARGS=--quick

The table is printed and written to build/bench.txt.
"""

from __future__ import annotations

import argparse
import compileall
import datetime as dt
import importlib.metadata
import importlib.util
import os
import platform
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from corpus import build as build_corpus  # noqa: E402

from budgetlint.render import recalc_profile  # noqa: E402

PY = sys.executable
HEAVY = ("openpyxl", "numpy", "formulas", "lxml", "python_calamine", "xlwings", "pandas")
LO_CSV = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"

# Targets
CHECK_MAX = 1.5  # check ≤ 1.5× the read-only read
ANNOTATE_MAX = 0.30  # annotate adds ≤ 30 % to check
RSS_MAX_MB = 150.0  # a 300-sheet workbook in < 150 MB peak RSS
JOBS_MIN = 1.7  # --jobs 2 ≥ 1.7× --jobs 1 on 2 cores
STARTUP_MAX = 0.1  # seconds
LINGER_S = 30  # bench/spawn.py waits this long for helpers left running


# --- running one command ------------------------------------------------------------------


@dataclass
class Sample:
    wall: float
    cpu: float
    rss_mb: float
    code: int
    stderr: str


def _kill_group(p: subprocess.Popen[bytes]) -> None:
    """End the process group of ``p`` (started by run_once in its own session)."""
    try:
        os.killpg(p.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    if p.returncode is None:
        p.wait()


def _terminate(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def run_once(cmd: Sequence[str], timeout: float, cwd: Path) -> Sample:
    """Run ``cmd`` in a fresh process (through bench/spawn.py): its wall time, CPU time, peak RSS."""
    result = cwd / ".spawn-result"
    with tempfile.TemporaryFile() as err:
        p = subprocess.Popen(
            [PY, "-I", "-S", str(BENCH / "spawn.py"), str(result), *cmd],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=err,
            cwd=cwd,
            start_new_session=True,  # its own process group, so a timeout ends all of it
        )
        try:
            p.wait(timeout)
            timed_out = False
        except subprocess.TimeoutExpired:
            _kill_group(p)
            timed_out = True
        except BaseException:  # interrupted: take the command down with the benchmark
            _kill_group(p)
            raise
        err.seek(0)
        text = err.read().decode("utf-8", "replace")
    try:
        wall, cpu, rss_kib, code, lingering = result.read_text().split()[:5]
        result.unlink()
    except (OSError, ValueError):
        wall, cpu, rss_kib, code, lingering = str(timeout), "0", "0", "-9", "0"
    if lingering != "0":  # helpers still running long after the command exited
        _kill_group(p)
        text = f"{text}\nprocesses still running {LINGER_S:.0f} s after the command exited"
    if timed_out:
        text = f"timed out after {timeout:.0f} s\n{text}"
    return Sample(
        wall=float(wall),
        cpu=float(cpu),
        rss_mb=int(rss_kib) * 1024 / 1e6,  # Linux reports KiB
        code=int(code),
        stderr=text,
    )


@dataclass
class Bench:
    """A command measured over several runs; ``make`` builds the argv in a scratch dir."""

    label: str
    make: Callable[[Path], list[str]]
    check: Callable[[Path, Sample], str] | None = None  # a note on the last run's output
    samples: list[Sample] = field(default_factory=list)
    note: str = ""
    skipped: str = ""  # why it was not measured

    def median(self) -> float:
        return statistics.median(s.wall for s in self.samples)

    def rss(self) -> float:
        return statistics.median(s.rss_mb for s in self.samples)

    def cpu(self) -> float:
        return statistics.median(s.cpu for s in self.samples)

    def failures(self) -> str:
        bad = [s for s in self.samples if s.code != 0]
        if not bad:
            return ""
        tail = bad[-1].stderr.strip().splitlines()[-3:]
        return (
            f"exit {bad[-1].code} in {len(bad)} of {len(self.samples)} runs: " + " / ".join(tail)
        )[:400]


def measure(benches: list[Bench], runs: int, timeout: float, scratch: Path, what: str) -> None:
    """One untimed warm-up round, then ``runs`` timed rounds; the commands take turns."""
    active = [b for b in benches if not b.skipped]
    warm = 0.0
    for rnd in range(runs + 1):
        for b in active:
            tag = "warm-up" if rnd == 0 else f"run {rnd}/{runs}"
            _progress(f"{what}: {b.label} — {tag}")
            work = Path(tempfile.mkdtemp(prefix="run-", dir=scratch))
            try:
                cmd = b.make(work)
                s = run_once(cmd, timeout, cwd=work)
                if rnd > 0:
                    b.samples.append(s)
                else:
                    warm += s.wall
                if b.check is not None and rnd == runs:
                    b.note = b.check(work, s)
            finally:
                shutil.rmtree(work, ignore_errors=True)
        if rnd == 0:
            print(f"  … {what}: about {warm * runs / 60:.1f} min more", file=sys.stderr)
    _progress("")


def _progress(text: str) -> None:
    if not sys.stderr.isatty():
        if text:
            print(f"  … {text}", file=sys.stderr, flush=True)
        return
    sys.stderr.write(f"\r\033[K{text}")
    sys.stderr.flush()


# --- the report -------------------------------------------------------------------------


class Report:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def __call__(self, line: str = "") -> None:
        self.lines.append(line)
        _progress("")
        print(line, flush=True)

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


def verdict(ok: bool, *used: Bench) -> str:
    """met / NOT MET; no verdict when a run of a command it rests on failed."""
    failed = [b.label for b in used if b.failures()]
    if failed:
        return f"no verdict: {', '.join(failed)} exited non-zero"
    return "met" if ok else "NOT MET"


def fmt_s(x: float) -> str:
    return f"{x:.3f}" if x < 10 else f"{x:.2f}" if x < 100 else f"{x:.1f}"


HEADER = (
    f"  {'command':<40}{'median s':>9}{'min–max s':>17}{'× base':>8}"
    f"{'cpu s':>8}{'peak MB':>9}{'× base':>7}"
)


def table(out: Report, benches: list[Bench], base: Bench) -> None:
    out(HEADER)
    bt, br = base.median(), base.rss()
    for b in benches:
        if b.skipped:
            out(f"  {b.label:<40}{b.skipped}")
            continue
        walls = [s.wall for s in b.samples]
        span = f"{fmt_s(min(walls))}–{fmt_s(max(walls))}"
        out(
            f"  {b.label:<40}{fmt_s(b.median()):>9}{span:>17}{b.median() / bt:>7.2f}×"
            f"{fmt_s(b.cpu()):>8}{b.rss():>9.1f}{b.rss() / br:>6.2f}×"
        )
        for extra in (b.note, b.failures()):
            if extra:
                out(f"  {'':<4}↳ {extra}")


# --- environment --------------------------------------------------------------------------


def budgetlint_cmd() -> list[str]:
    script = Path(PY).with_name("budgetlint")
    return [str(script)] if script.is_file() else [PY, "-m", "budgetlint.cli"]


def help_text(args: Sequence[str]) -> tuple[int, str]:
    try:
        p = subprocess.run(
            [*budgetlint_cmd(), *args],
            capture_output=True,
            text=True,
            timeout=60,
            stdin=subprocess.DEVNULL,
        )
    except (OSError, subprocess.TimeoutExpired) as e:
        return 1, str(e)
    return p.returncode, p.stdout + p.stderr


def version(dist: str) -> str:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def git_state() -> str:
    try:
        rev = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            timeout=20,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            timeout=20,
        ).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    if not rev:
        return "unknown"
    return f"{rev}{' with uncommitted changes' if dirty else ''}"


def soffice_path() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def soffice_version(soffice: str, profile: Path) -> str:
    try:
        p = subprocess.run(
            [soffice, f"-env:UserInstallation={profile.as_uri()}", "--version"],
            capture_output=True,
            text=True,
            timeout=120,
            stdin=subprocess.DEVNULL,
        )
    except (OSError, subprocess.TimeoutExpired) as e:
        return f"? ({e})"
    return " ".join(p.stdout.split()[:2]) or "?"


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


# --- start-up -----------------------------------------------------------------------------


def importtime(argv: list[str]) -> dict[str, tuple[float, str]]:
    """Heavy top-level modules a command imports: name -> (cumulative s, importer chain)."""
    try:
        p = subprocess.run(
            [PY, "-X", "importtime", *argv],
            capture_output=True,
            text=True,
            timeout=300,
            stdin=subprocess.DEVNULL,
        )
    except (OSError, subprocess.TimeoutExpired):
        return {}
    rows: list[tuple[int, str, float]] = []  # indent, name, cumulative s (post-order)
    for line in p.stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        parts = line.split("|")
        if len(parts) != 3 or not parts[1].strip().isdigit():
            continue
        col = parts[2]
        name = col.strip()
        rows.append((len(col) - len(col.lstrip()), name, int(parts[1]) / 1e6))
    found: dict[str, tuple[float, str]] = {}
    for i, (indent, name, cum) in enumerate(rows):
        if name not in HEAVY or name in found:
            continue
        chain, level = [], indent
        for ind2, name2, _ in rows[i + 1 :]:  # the importer is the next row less indented
            if ind2 < level:
                chain.append(name2)
                level = ind2
        found[name] = (cum, " ← ".join(chain[:4]))
    return found


def heavy_text(found: dict[str, tuple[float, str]]) -> str:
    names = [m for m in ("openpyxl", "numpy") if m in found]
    others = [m for m in found if m not in ("openpyxl", "numpy")]
    parts = [
        f"{m} ({found[m][0] * 1000:.0f} ms cumulative, imported by {found[m][1] or '—'})"
        for m in names
    ]
    text = "; ".join(parts) if parts else "neither openpyxl nor numpy"
    if others:
        text += f"; also {', '.join(others)}"
    return text


# --- main ---------------------------------------------------------------------------------


def build_formula_workbook(path: Path, n_sheets: int) -> int:
    """``n_sheets`` copies of the standard template, each typed with a seed project's inputs.

    The computed cells are formulas saved without cached values (openpyxl writes none),
    as a program that generates forms leaves them.  Reused when present.  Returns the
    number of formula cells.
    """
    from openpyxl import Workbook, load_workbook

    from budgetlint.build.canonical import sheet_name
    from budgetlint.build.seed_s import PROJECTS
    from budgetlint.build.template_s import write_form
    from budgetlint.build.xlsx import save

    if not path.exists():
        wb = Workbook()
        first = wb.active
        taken: list[str] = []
        for i in range(n_sheets):
            project = PROJECTS[i % len(PROJECTS)]
            ws = wb.create_sheet(sheet_name(i + 1, project.name, taken))
            taken.append(ws.title)
            write_form(ws, project, "standard")
        if first is not None:
            wb.remove(first)
        save(wb, path)
    wb = load_workbook(path, read_only=True)
    n = sum(
        1
        for ws in wb.worksheets
        for row in ws.iter_rows(values_only=True)
        for v in row
        if isinstance(v, str) and v.startswith("=")
    )
    wb.close()
    return n


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=None, help="timed runs per command (default 5)")
    ap.add_argument("--quick", action="store_true", help="2 runs, 20 workbooks, 60 sheets")
    ap.add_argument("--sheets", type=int, default=None, help="sheets of the big workbook (300)")
    ap.add_argument("--workbooks", type=int, default=None, help="number of workbooks (200)")
    ap.add_argument("--seed", type=int, default=1, help="seed of the workbooks' sheet mix")
    ap.add_argument("--timeout", type=float, default=1800, help="seconds per command run")
    ap.add_argument("--corpus", type=Path, default=ROOT / "build" / "bench", help="corpus folder")
    ap.add_argument("--out", type=Path, default=ROOT / "build" / "bench.txt", help="table file")
    args = ap.parse_args(argv)
    signal.signal(signal.SIGTERM, _terminate)  # so a killed run ends its command and cleans up
    runs = args.runs if args.runs is not None else (2 if args.quick else 5)
    n_sheets = args.sheets if args.sheets is not None else (60 if args.quick else 300)
    n_books = args.workbooks if args.workbooks is not None else (20 if args.quick else 200)
    if runs < 1 or n_sheets < 1 or n_books < 1:
        ap.error("--runs, --sheets and --workbooks must be at least 1")

    t_start = time.perf_counter()
    corpus_dir = args.corpus / f"corpus-{n_sheets}s-{n_books}w-seed{args.seed}"
    _progress(f"building the corpus in {corpus_dir} …")
    manifest = build_corpus(corpus_dir, n_sheets, n_books, args.seed)
    big = [str(corpus_dir / manifest["big"])]
    many = [str(corpus_dir / f) for f in manifest["many"]]
    # An installed package has its bytecode (pip compiles it, as it did openpyxl's); an
    # editable checkout run under PYTHONDONTWRITEBYTECODE would compile every module
    # in every timed run, which no user pays.
    compileall.compile_dir(ROOT / "src", quiet=2)
    bs, ms = manifest["big_stats"], manifest["many_stats"]

    out = Report()
    bl = budgetlint_cmd()
    n_cores = cores()
    load0 = os.getloadavg()
    out(f"budgetlint benchmark — {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC")
    out(
        f"budgetlint {version('budgetlint')} (git {git_state()}); Python {platform.python_version()}; "
        f"openpyxl {version('openpyxl')}; python-calamine {version('python-calamine')}"
    )
    out(
        f"{platform.system()} {platform.machine()}, {n_cores} cores available "
        f"({os.cpu_count()} in the machine); load average at start "
        f"{load0[0]:.2f} {load0[1]:.2f} {load0[2]:.2f}"
    )
    busy = load0[0] > 0.5 * n_cores
    if busy:
        out(
            f"WARNING: the machine is busy before the benchmark starts (load {load0[0]:.1f} on "
            f"{n_cores} cores): wall times and their ratios are unreliable, --jobs most of all; "
            "the cpu column is less affected."
        )
    out(
        f"Each figure: one fresh process per run, wall-time median of {runs} run{'s' if runs > 1 else ''} (min–max) "
        "after one untimed warm-up round, commands taking turns; cpu = user + system time of "
        "the whole process tree (workers too); peak MB = peak RSS (ru_maxrss) of its largest "
        "single process, 10^6 bytes. × base = ratio to the openpyxl "
        "read-only read of the same files in this run."
    )
    src = manifest["sources"]
    out(
        f"Corpus {corpus_dir.relative_to(ROOT) if corpus_dir.is_relative_to(ROOT) else corpus_dir}"
        f" ({'reused' if manifest.get('reused') else 'built now'}): {src['sheets']} source sheets "
        f"from {src['workbooks']} workbooks (examples/, tests/realforms), copied with values, "
        "formulas as written, merges, fonts, fills, borders, number formats, widths, heights."
    )
    for note in manifest.get("notes", []):
        out(f"  note: {note}")

    scratch = Path(tempfile.mkdtemp(prefix="budgetlint-bench-"))
    try:
        true = shutil.which("true")
        if true:
            floor = run_once([true], 60, scratch).rss_mb
            out(f"Peak RSS floor (the launcher, measured with `true`): {floor:.1f} MB.")
        soffice = soffice_path()
        profile = scratch / "lo-profile"
        lo_version = soffice_version(soffice, profile) if soffice else ""
        rc, check_help = help_text(["check", "--help"])
        has_jobs = rc == 0 and "--jobs" in check_help
        rc, _ = help_text(["recompute", "--help"])
        has_recompute = rc == 0

        def setup_benches(files: list[str], n_files: int) -> list[Bench]:
            def annotated(work: Path, s: Sample) -> str:
                d = work / "annotated"
                n = len(list(d.glob("*.xls*"))) if d.is_dir() else 0
                return f"{n} of {n_files} annotated copies written"

            def converted(work: Path, s: Sample) -> str:
                d = work / "out"
                n = len(list(d.glob("*.csv"))) if d.is_dir() else 0
                return f"{n} csv files written (one a sheet)"

            lo = Bench(
                "LibreOffice → csv, all sheets (peer)",
                lambda w: [
                    str(soffice),
                    f"-env:UserInstallation={profile.as_uri()}",
                    "--headless",
                    "--norestore",
                    "--convert-to",
                    LO_CSV,
                    "--outdir",
                    str(w / "out"),
                    *files,
                ],
                check=converted,
            )
            if not soffice:
                lo.skipped = (
                    "not measured: soffice (LibreOffice) not found on PATH (make test installs it)"
                )
            cal = Bench(
                "python-calamine read", lambda w: [PY, str(BENCH / "read_calamine.py"), *files]
            )
            if importlib.util.find_spec("python_calamine") is None:
                cal.skipped = (
                    "not measured: python-calamine is not installed (pip install -e '.[dev]')"
                )
            return [
                Bench(
                    "openpyxl read-only read (baseline)",
                    lambda w: [PY, str(BENCH / "read_openpyxl.py"), *files],
                ),
                cal,
                Bench("check", lambda w: [*bl, "check", *files, "--fail-on", "never", "-q"]),
                Bench(
                    "check --annotate OUTDIR",
                    lambda w: [
                        *bl,
                        "check",
                        *files,
                        "--fail-on",
                        "never",
                        "-q",
                        "--annotate",
                        str(w / "annotated"),
                    ],
                    check=annotated,
                ),
                lo,
            ]

        setups = [
            (
                f"A. one workbook of {bs['sheets']} sheets "
                f"({bs['bytes'] / 1e6:.2f} MB, {bs['merged']} merged ranges)",
                big,
                1,
            ),
            (
                f"B. {len(many)} workbooks of 1–40 sheets, one call "
                f"({ms['sheets']} sheets, {ms['bytes'] / 1e6:.2f} MB, {ms['merged']} merged ranges)",
                many,
                len(many),
            ),
        ]
        results: list[list[Bench]] = []
        for title, files, n_files in setups:
            benches = setup_benches(files, n_files)
            measure(benches, runs, args.timeout, scratch, title.split(".")[0])
            out()
            out(title)
            table(out, benches, benches[0])
            results.append(benches)

        # --jobs
        out()
        jobs: tuple[Bench, Bench] | None = None
        if has_jobs:
            jobs = (
                Bench(
                    "check --jobs 1",
                    lambda w: [*bl, "check", *many, "--fail-on", "never", "-q", "--jobs", "1"],
                ),
                Bench(
                    "check --jobs 2",
                    lambda w: [*bl, "check", *many, "--fail-on", "never", "-q", "--jobs", "2"],
                ),
            )
            measure(list(jobs), runs, args.timeout, scratch, "jobs")
            out(f"C. --jobs on the {len(many)} workbooks ({n_cores} cores available)")
            table(out, list(jobs), results[1][0])
            speedup = jobs[0].median() / jobs[1].median()
            out(f"  speed-up of --jobs 2 over --jobs 1: {speedup:.2f}×")
        else:
            out("C. --jobs: not built yet (budgetlint check --help lists no --jobs)")

        # start-up
        sruns = max(2 * runs, 10)
        small = [str(corpus_dir / manifest["many"][0])]
        start = [
            Bench("python -c pass (interpreter alone)", lambda w: [PY, "-c", "pass"]),
            Bench("budgetlint --version", lambda w: [*bl, "--version"]),
            Bench(
                'python -c "import budgetlint.checker"',
                lambda w: [PY, "-c", "import budgetlint.checker"],
            ),
            Bench(
                f"check of one {Path(small[0]).stem.split('_')[-1].removesuffix('张表')}-sheet workbook",
                lambda w: [*bl, "check", *small, "--fail-on", "never", "-q"],
            ),
        ]
        measure(start, sruns, args.timeout, scratch, "start-up")
        out()
        out(f"D. start-up ({sruns} runs each; × base = ratio to the interpreter alone)")
        table(out, start, start[0])
        import_heavy = importtime(["-c", "import budgetlint.checker"])
        check_heavy = importtime(
            [*(bl[1:] if bl[0] == PY else bl), "check", *small, "--fail-on", "never", "-q"]
        )
        out(f"  import budgetlint.checker pulls in: {heavy_text(import_heavy)}")
        out(f"  a check run imports: {heavy_text(check_heavy)}")

        # recompute against LibreOffice's recalculation of the same formula workbook
        recalc_ratio: float | None = None
        rec_benches: list[Bench] = []
        if has_recompute:
            fbook = corpus_dir / f"{n_sheets}张公式表.xlsx"
            n_formulas = build_formula_workbook(fbook, n_sheets)
            lo_recalc = scratch / "lo-recalc-profile"
            rec_benches = [
                Bench(
                    "openpyxl read-only read (baseline)",
                    lambda w: [PY, str(BENCH / "read_openpyxl.py"), str(fbook)],
                ),
                Bench(
                    "budgetlint recompute",
                    lambda w: [*bl, "recompute", str(fbook), "-o", str(w / "out.xlsx")],
                    check=lambda w, s: "recomputed copy written"
                    if (w / "out.xlsx").exists()
                    else "no copy written",
                ),
                Bench(
                    "LibreOffice recalculation → xlsx (peer)",
                    lambda w: [
                        str(soffice),
                        f"-env:UserInstallation={recalc_profile(lo_recalc)}",
                        "--headless",
                        "--norestore",
                        "--convert-to",
                        "xlsx",
                        "--outdir",
                        str(w / "out"),
                        str(fbook),
                    ],
                ),
            ]
            if not soffice:
                rec_benches[2].skipped = "not measured: soffice (LibreOffice) not found on PATH"
            measure(rec_benches, runs, args.timeout, scratch, "recompute")
            out()
            out(
                f"E. recompute: one workbook of {n_sheets} form sheets typed into the standard "
                f"template, {n_formulas} formulas saved without values"
            )
            table(out, rec_benches, rec_benches[0])
            if not rec_benches[2].skipped:
                recalc_ratio = rec_benches[1].median() / rec_benches[2].median()
                out(f"  budgetlint recompute ÷ LibreOffice recalculation: {recalc_ratio:.2f}×")

        # targets
        out()
        out("Targets")
        rows: list[tuple[str, str, str]] = []
        for (title, _, _), benches in zip(setups, results, strict=True):
            tag = title.split(".")[0]
            base, chk, ann = benches[0], benches[2], benches[3]
            r = chk.median() / base.median()
            rows.append(
                (
                    f"check ≤ {CHECK_MAX}× read-only read ({tag})",
                    f"{r:.2f}× (cpu {chk.cpu() / base.cpu():.2f}×)",
                    verdict(r <= CHECK_MAX, base, chk),
                )
            )
            add = ann.median() / chk.median() - 1
            rows.append(
                (
                    f"annotate adds ≤ {ANNOTATE_MAX:.0%} to check ({tag})",
                    f"{add:+.0%} (cpu {ann.cpu() / chk.cpu() - 1:+.0%})",
                    verdict(add <= ANNOTATE_MAX, chk, ann),
                )
            )
        a_chk, a_ann = results[0][2], results[0][3]
        big_note = "" if bs["sheets"] == 300 else f" [this run: {bs['sheets']} sheets]"
        rows.append(
            (
                f"300-sheet workbook < {RSS_MAX_MB:.0f} MB peak RSS: check{big_note}",
                f"{a_chk.rss():.1f} MB",
                verdict(a_chk.rss() < RSS_MAX_MB, a_chk),
            )
        )
        rows.append(
            (
                f"300-sheet workbook < {RSS_MAX_MB:.0f} MB peak RSS: check --annotate{big_note}",
                f"{a_ann.rss():.1f} MB",
                verdict(a_ann.rss() < RSS_MAX_MB, a_ann),
            )
        )
        if jobs is not None:
            speedup = jobs[0].median() / jobs[1].median()
            core_note = "" if n_cores >= 2 else f" [only {n_cores} core available]"
            rows.append(
                (
                    f"--jobs 2 ≥ {JOBS_MIN}× --jobs 1 on 2 cores{core_note}",
                    f"{speedup:.2f}×",
                    verdict(speedup >= JOBS_MIN, *jobs) + (" (machine busy)" if busy else ""),
                )
            )
        else:
            rows.append((f"--jobs 2 ≥ {JOBS_MIN}× --jobs 1 on 2 cores", "not built yet", "—"))
        for b in start[1:3]:
            rows.append(
                (
                    f"start-up ≤ {STARTUP_MAX} s: {b.label}",
                    f"{b.median():.3f} s",
                    verdict(b.median() <= STARTUP_MAX, b),
                )
            )
        w = max(len(r[0]) for r in rows) + 2
        for what, figure, ok in rows:
            out(f"  {what:<{w}}{figure:>22}   {ok}")

        out()
        out("Commands (FILES = the setup's files; OUTDIR, PROFILE: fresh temporary folders)")
        bl_text = shlex.join(bl)
        out(f"  baseline     {shlex.join([PY, 'bench/read_openpyxl.py'])} FILES")
        out(f"  calamine     {shlex.join([PY, 'bench/read_calamine.py'])} FILES")
        out(f"  check        {bl_text} check FILES --fail-on never -q")
        out(f"  annotate     {bl_text} check FILES --fail-on never -q --annotate OUTDIR")
        if has_recompute:
            out(f"  recompute    {bl_text} recompute FORMULA-FILE -o OUTDIR/out.xlsx")
            if soffice:
                out(
                    f"  LO recalc    {soffice} -env:UserInstallation=file://PROFILE --headless "
                    "--norestore --convert-to xlsx --outdir OUTDIR FORMULA-FILE"
                    "   (PROFILE recalculates on load: OOXMLRecalcMode = always)"
                )
        if soffice:
            out(
                f"  LibreOffice  {soffice} -env:UserInstallation=file://PROFILE --headless "
                f"--norestore --convert-to {shlex.quote(LO_CSV)} --outdir OUTDIR FILES"
                f"   ({lo_version}; the profile is made by the warm-up run)"
            )
        if has_jobs:
            out(f"  jobs         {bl_text} check FILES --fail-on never -q --jobs 1|2")
            out("  (check and annotate run with budgetlint's default --jobs)")
        load1 = os.getloadavg()
        out(
            f"Whole benchmark {time.perf_counter() - t_start:.0f} s; load average at end "
            f"{load1[0]:.2f} {load1[1]:.2f} {load1[2]:.2f}. Command: "
            f"{shlex.join(['bench/run.py', *(argv if argv is not None else sys.argv[1:])])}"
        )
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(out.text(), encoding="utf-8")
    print(f"(written to {args.out})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
