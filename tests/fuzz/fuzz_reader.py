"""``make fuzz``: the checker on mutated workbooks, for a bounded time.

Takes the example workbooks (plus, made once at the start, an annotated copy
with notes and the 复核结果 sheet, copies re-saved by openpyxl with shared strings
and formulas, and .ods/.xls copies when LibreOffice is there), mutates them and
runs :func:`budgetlint.checker.check_file` on every mutant in a worker process,
with a time limit per file and a memory ceiling.  Mutations, one to four per
mutant, stacked:

- bytes flipped, inserted or deleted inside a part (sheet XML, shared strings,
  styles, workbook, relationships, comments) or in the zip file itself;
- an XML element dropped or duplicated (``c``, ``row``, ``mergeCell``, ``si``,
  ``sheet``, ``xf``, ``numFmt``, ``Relationship``, …);
- a cell's type, reference, style or value changed; a merge's or dimension's
  reference changed; a formula added; a text replaced by a real label of the
  synonym tables, an Excel error, a huge number or a long text;
- a number format or a sheet name changed; a part truncated or dropped; the zip
  truncated.

A mutant is a **finding** when checking it does not end in a clean
:class:`FileResult`: an exception out of ``check_file`` (a traceback), the
checker's last-resort "读取失败" (an unexpected exception inside a host), a rule
that raised (X001), a hang past ``--timeout`` seconds, a MemoryError or a peak
RSS above ``--rss-mb``, or a worker process that died.  A clean ``error``
("工作簿文件已损坏…") is the right answer to a broken file and is counted, not
reported.  Findings are grouped by signature (kind, exception, innermost
budgetlint frame); one mutant of each is kept under ``build/fuzz/`` with its
traceback, and ``--replay FILE`` re-runs one in this process.

Exit status: 0 when nothing was found, 1 otherwise.  Not part of ``make test``;
tests/test_fuzz_reader.py runs the mutators on a few mutants to keep this
script working.

    .venv/bin/python tests/fuzz/fuzz_reader.py --minutes 3 --jobs 2 [--seed N] [--host openpyxl]
"""

from __future__ import annotations

import argparse
import io
import json
import logging
import multiprocessing as mp
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
import zipfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").glob("*.xlsx"))
OUT = ROOT / "build" / "fuzz"

Parts = dict[str, bytes]

# --------------------------------------------------------------------------- #
# Mutators: each edits the parts of one package (or its bytes) with ``rng``
# --------------------------------------------------------------------------- #

_ADDRESSES = [
    "A1",
    "B5",
    "XFD1048576",
    "A1048576",
    "XFD1",
    "A0",
    "0",
    "",
    "AAAA1",
    "A99999999",
    "a1",
    "$A$1",
    "IV65536",
    "Z-1",
    "1A",
    "A1:B2",
]
_RANGES = [
    "A1:B2",
    "B2:A1",
    "A1:XFD1048576",
    "A1",
    "",
    "A1:A1",
    "ZZ:ZZ",
    "A1:B",
    "C3:C1048576",
    "A1:XFD1",
    "B2:D4",
    "A5:I5",
    "A1:A1:A1",
]
_TYPES = ["s", "n", "str", "b", "e", "inlineStr", "d", "x", "", "S"]
_VALUES = [
    "-1",
    "0",
    "1",
    "2",
    "999999999",
    "4294967296",
    "1e308",
    "-1e308",
    "1e-320",
    "nan",
    "inf",
    "",
    "abc",
    "1.5",
    "#DIV/0!",
    "#REF!",
    "#N/A",
    "２",
    "9" * 400,
    "TRUE",
    " 1 ",
    "0x10",
    "1,5",
    "45000",
    "2958466",
    "-700000",
]
_FORMATS = [
    "0.00",
    "0%",
    "0.00%",
    "#,##0.00",
    "yyyy-mm-dd",
    'yyyy"年"m"月"d"日"',
    "@",
    "",
    "0.;",
    "[Red]0.00_);(0.00)",
    '"万元"0.00',
    "0.0000000000000000000000000000",
    "[h]:mm:ss",
    ";;;",
    "General",
    "%%%%",
]
_TEXTS = [
    "#DIV/0!",
    "#VALUE!",
    "—",
    "",
    " ",
    "……",
    "【已说明】原因见附件",
    "≥90%",
    "98.19%",
    "1,016,500.00",
    "96.92 万元",
    "30 期",
    "2021年12月31日前",
    "达成预期指标",
    "x" * 40000,
    "指标1：",
    "(≥**人)",
    "\u200b",
    "\U0001f600",
]
_ELEMENTS = [
    "c",
    "row",
    "mergeCell",
    "mergeCells",
    "si",
    "sheet",
    "xf",
    "numFmt",
    "Relationship",
    "v",
    "f",
    "is",
    "t",
    "comment",
    "dimension",
    "sheetData",
    "cellXfs",
    "Override",
]


def _labels() -> list[str]:
    """The real labels of the reader's synonym tables (deep paths need real headers)."""
    from budgetlint.forms import form_s

    out: set[str] = set(form_s.HEADER_WORDS) | set(form_s.TOTAL_LABELS) | set(form_s.TEXT_LABELS)
    for _, syns in form_s.FUND_ROWS:
        out.update(syns)
    for syns in form_s.HEADER_FIELDS.values():
        out.update(syns)
    out.update(form_s.GRADE_LABELS)
    out.update(form_s.LEVEL_CANON)
    return sorted(out)


_LABELS: list[str] = []


def _xml_parts(parts: Parts) -> list[str]:
    return [n for n in parts if n.endswith((".xml", ".rels")) and parts[n]]


def _pick_part(rng: random.Random, parts: Parts, prefer: str = "xl/worksheets/") -> str | None:
    names = _xml_parts(parts)
    if not names:
        return None
    preferred = [n for n in names if n.startswith(prefer)]
    if preferred and rng.random() < 0.7:
        return rng.choice(preferred)
    return rng.choice(names)


def _sub_one(
    rng: random.Random, data: bytes, pattern: bytes, repl: Callable[[re.Match[bytes]], bytes]
) -> bytes | None:
    """``data`` with one random match of ``pattern`` replaced; None when nothing matches."""
    found = list(re.finditer(pattern, data, flags=re.S))
    if not found:
        return None
    m = rng.choice(found[:5000])
    return data[: m.start()] + repl(m) + data[m.end() :]


def _esc(s: str) -> bytes:
    return (
        s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .encode()
    )


def m_flip_bytes(rng: random.Random, parts: Parts) -> str:
    name = _pick_part(rng, parts)
    if name is None:
        return "flip: no part"
    data = bytearray(parts[name])
    for _ in range(rng.randint(1, 8)):
        if not data:
            break
        i = rng.randrange(len(data))
        roll = rng.random()
        if roll < 0.4:
            data[i] ^= 1 << rng.randrange(8)
        elif roll < 0.7:
            data[i] = rng.choice(b'<>/"=&;:\x00\xff 0123456789ABZ')
        elif roll < 0.85:
            data[i:i] = bytes([rng.randrange(256)])
        else:
            del data[i]
    parts[name] = bytes(data)
    return f"flip bytes in {name}"


def m_drop_element(rng: random.Random, parts: Parts) -> str:
    name = _pick_part(rng, parts)
    if name is None:
        return "drop: no part"
    tag = rng.choice(_ELEMENTS).encode()
    pat = rb"<" + tag + rb"\b[^>]*?/>|<" + tag + rb"\b[^>]*?>.*?</" + tag + rb">"
    out = _sub_one(rng, parts[name], pat, lambda m: b"")
    if out is None:
        return f"drop <{tag.decode()}>: none in {name}"
    parts[name] = out
    return f"drop <{tag.decode()}> in {name}"


def m_dup_element(rng: random.Random, parts: Parts) -> str:
    name = _pick_part(rng, parts)
    if name is None:
        return "dup: no part"
    tag = rng.choice(_ELEMENTS).encode()
    pat = rb"<" + tag + rb"\b[^>]*?/>|<" + tag + rb"\b[^>]*?>.*?</" + tag + rb">"
    times = rng.choice([2, 2, 3, 50])
    out = _sub_one(rng, parts[name], pat, lambda m: m.group(0) * times)
    if out is None:
        return f"dup <{tag.decode()}>: none in {name}"
    parts[name] = out
    return f"dup <{tag.decode()}> ×{times} in {name}"


def _attr(
    rng: random.Random, parts: Parts, tag: str, attr: str, values: list[str], prefer: str
) -> str:
    name = _pick_part(rng, parts, prefer)
    if name is None:
        return f"{tag}@{attr}: no part"
    new = rng.choice(values)
    pat = rb"<" + tag.encode() + rb"\b[^>]*?>"

    def repl(m: re.Match[bytes]) -> bytes:
        el = m.group(0)
        a = re.search(rb"\s" + attr.encode() + rb'="[^"]*"', el)
        if a is not None:
            return el[: a.start()] + b" " + attr.encode() + b'="' + _esc(new) + b'"' + el[a.end() :]
        end = len(el) - (2 if el.endswith(b"/>") else 1)
        return el[:end] + b" " + attr.encode() + b'="' + _esc(new) + b'"' + el[end:]

    out = _sub_one(rng, parts[name], pat, repl)
    if out is None:
        return f"{tag}@{attr}: none in {name}"
    parts[name] = out
    return f"{tag}@{attr}={new[:20]!r} in {name}"


def m_cell_type(rng: random.Random, parts: Parts) -> str:
    return _attr(rng, parts, "c", "t", _TYPES, "xl/worksheets/")


def m_cell_ref(rng: random.Random, parts: Parts) -> str:
    return _attr(rng, parts, "c", "r", _ADDRESSES, "xl/worksheets/")


def m_row_ref(rng: random.Random, parts: Parts) -> str:
    return _attr(
        rng,
        parts,
        "row",
        "r",
        ["0", "-1", "1", "1048576", "1048577", "", "x", "5", "99999999"],
        "xl/worksheets/",
    )


def m_style(rng: random.Random, parts: Parts) -> str:
    return _attr(rng, parts, "c", "s", ["0", "1", "-1", "9999", "", "x", "1.5"], "xl/worksheets/")


def m_merge_ref(rng: random.Random, parts: Parts) -> str:
    return _attr(rng, parts, "mergeCell", "ref", _RANGES, "xl/worksheets/")


def m_dimension(rng: random.Random, parts: Parts) -> str:
    return _attr(rng, parts, "dimension", "ref", _RANGES, "xl/worksheets/")


def m_num_fmt(rng: random.Random, parts: Parts) -> str:
    if rng.random() < 0.5:
        return _attr(rng, parts, "numFmt", "formatCode", _FORMATS, "xl/styles")
    return _attr(
        rng,
        parts,
        "xf",
        "numFmtId",
        ["0", "2", "9", "10", "14", "164", "999", "-1", "x"],
        "xl/styles",
    )


def m_sheet_name(rng: random.Random, parts: Parts) -> str:
    names = ["", "复核结果", "Sheet1", "a" * 40, "项目1 城乡环境卫生保洁", "x/y", "'", "历史"]
    if rng.random() < 0.3:
        return _attr(rng, parts, "sheet", "r:id", ["rId1", "rId99", "", "rId2"], "xl/workbook.xml")
    return _attr(rng, parts, "sheet", "name", names, "xl/workbook.xml")


def m_rel_target(rng: random.Random, parts: Parts) -> str:
    targets = [
        "worksheets/sheet1.xml",
        "worksheets/missing.xml",
        "/xl/worksheets/sheet2.xml",
        "../../../etc/passwd",
        "",
        "styles.xml",
        "worksheets/sheet1.xml#x",
    ]
    return _attr(rng, parts, "Relationship", "Target", targets, "xl/_rels/")


def _value_text(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.5 and _LABELS:
        return rng.choice(_LABELS) + rng.choice(["", "", "(50分)", "(%)", "（万元）", "："])
    if roll < 0.8:
        return rng.choice(_TEXTS)
    return rng.choice(_VALUES)


def m_cell_value(rng: random.Random, parts: Parts) -> str:
    name = _pick_part(rng, parts)
    if name is None:
        return "value: no part"
    roll = rng.random()
    if roll < 0.45:
        new = rng.choice(_VALUES)
        out = _sub_one(rng, parts[name], rb"<v>[^<]*</v>", lambda m: b"<v>" + _esc(new) + b"</v>")
        what = f"<v>{new[:20]!r}"
    elif roll < 0.9:
        new = _value_text(rng)
        out = _sub_one(
            rng, parts[name], rb"<t\b[^>]*>[^<]*</t>", lambda m: b"<t>" + _esc(new) + b"</t>"
        )
        what = f"<t>{new[:20]!r}"
    else:
        new = rng.choice(["B5/C5", "SUM(A1:A3)", "1/0", "", "A1", "#REF!", "INDIRECT(A1)"])
        out = _sub_one(
            rng,
            parts[name],
            rb"<c\b[^>]*?(?:/>|>)",
            lambda m: (
                m.group(0)[:-2] + b"><f>" + _esc(new) + b"</f></c>"
                if m.group(0).endswith(b"/>")
                else m.group(0) + b"<f>" + _esc(new) + b"</f>"
            ),
        )
        what = f"<f>{new!r}"
    if out is None:
        return f"value {what}: none in {name}"
    parts[name] = out
    return f"value {what} in {name}"


def m_truncate_part(rng: random.Random, parts: Parts) -> str:
    name = _pick_part(rng, parts)
    if name is None:
        return "truncate: no part"
    data = parts[name]
    parts[name] = data[: rng.randrange(len(data) + 1)]
    return f"truncate {name}"


def m_drop_part(rng: random.Random, parts: Parts) -> str:
    if not parts:
        return "drop part: none"
    name = rng.choice(sorted(parts))
    del parts[name]
    return f"drop part {name}"


def m_dup_part(rng: random.Random, parts: Parts) -> str:
    """The same sheet part under a second name (and the workbook pointing at both)."""
    sheets = [n for n in parts if n.startswith("xl/worksheets/sheet")]
    if not sheets:
        return "dup part: none"
    src = rng.choice(sheets)
    parts[src.replace(".xml", "0.xml")] = parts[src]
    return f"dup part {src}"


PART_MUTATORS: list[Callable[[random.Random, Parts], str]] = [
    m_flip_bytes,
    m_flip_bytes,
    m_drop_element,
    m_dup_element,
    m_cell_type,
    m_cell_type,
    m_cell_ref,
    m_cell_ref,
    m_row_ref,
    m_style,
    m_merge_ref,
    m_merge_ref,
    m_dimension,
    m_num_fmt,
    m_sheet_name,
    m_rel_target,
    m_cell_value,
    m_cell_value,
    m_cell_value,
    m_truncate_part,
    m_drop_part,
    m_dup_part,
]


def read_parts(data: bytes) -> Parts | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return {n: z.read(n) for n in z.namelist()}
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError):
        return None


def write_parts(parts: Parts) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return buf.getvalue()


def mutate(rng: random.Random, seed_bytes: bytes) -> tuple[bytes, list[str]]:
    """One mutant of a workbook and what was done to it."""
    done: list[str] = []
    parts = read_parts(seed_bytes)
    if parts is not None:
        for _ in range(rng.choice([1, 1, 2, 2, 3, 4])):
            done.append(rng.choice(PART_MUTATORS)(rng, parts))
        data = write_parts(parts)
    else:  # not a zip (.xls): bytes only
        data = seed_bytes
    roll = rng.random()
    if parts is None or roll < 0.08:  # the file's own bytes (compressed streams, headers)
        buf = bytearray(data)
        for _ in range(rng.randint(1, 6)):
            i = rng.randrange(len(buf))
            buf[i] ^= 1 << rng.randrange(8)
        data = bytes(buf)
        done.append("flip bytes of the file")
    elif roll < 0.12:
        data = data[: rng.randrange(len(data))]
        done.append("truncate the file")
    return data, done


# --------------------------------------------------------------------------- #
# Seeds
# --------------------------------------------------------------------------- #


def make_seeds(work: Path, soffice: bool) -> list[Path]:
    """The examples and copies of them in other shapes (annotated, re-saved, .ods, .xls)."""
    from budgetlint.checker import check_file

    seeds = list(EXAMPLES)
    work.mkdir(parents=True, exist_ok=True)
    try:
        from budgetlint.annotate import annotate

        for src in EXAMPLES[:3]:
            dst = work / f"标注-{src.name}"
            annotate(src, dst, check_file(src).findings)
            seeds.append(dst)
    except Exception as e:  # the seeds are a bonus: fuzz what there is
        print(f"(no annotated seeds: {type(e).__name__}: {e})", file=sys.stderr)
    try:
        import openpyxl

        for src in EXAMPLES[:4]:
            wb = openpyxl.load_workbook(src)
            ws = wb.worksheets[0]
            col = ws.max_column + 2  # right of the form, clear of its merged ranges
            ws.cell(1, col).value = "=B5/C5"  # a formula without a cached value
            ws.cell(2, col).value = 45000
            ws.cell(2, col).number_format = "yyyy-mm-dd"
            dst = work / f"另存-{src.name}"
            wb.save(dst)
            seeds.append(dst)
    except Exception as e:
        print(f"(no re-saved seeds: {type(e).__name__}: {e})", file=sys.stderr)
    if soffice and shutil.which("soffice"):
        for fmt in ("ods", "xls"):
            try:
                subprocess.run(
                    [
                        "soffice",
                        "--headless",
                        "--convert-to",
                        fmt,
                        "--outdir",
                        str(work),
                        str(EXAMPLES[0]),
                        str(EXAMPLES[2]),
                    ],
                    capture_output=True,
                    timeout=120,
                    check=False,
                )
            except (OSError, subprocess.TimeoutExpired) as e:
                print(f"(no .{fmt} seeds: {e})", file=sys.stderr)
        seeds.extend(sorted(work.glob("*.ods")) + sorted(work.glob("*.xls")))
    return seeds


# --------------------------------------------------------------------------- #
# The worker: checks one file at a time, says how it ended
# --------------------------------------------------------------------------- #


class _Capture(logging.Handler):
    """Log records that carry an exception (the checker's last resort, a rule that raised)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info:
            self.records.append(record)


def _tb(exc_info: Any) -> str:
    return "".join(traceback.format_exception(*exc_info))


def check_one(path: Path, host: str | None) -> dict[str, Any]:
    """Check ``path``; a dict saying how it ended (``kind``: ok, error or a finding kind)."""
    from budgetlint.checker import check_file

    log = logging.getLogger("budgetlint")
    cap = _Capture()
    log.addHandler(cap)
    old_level = log.level
    log.setLevel(logging.INFO)
    try:
        try:
            fr = check_file(path, host=host) if host else check_file(path)  # type: ignore[arg-type]
        except MemoryError:
            return {"kind": "memory", "detail": "MemoryError", "tb": traceback.format_exc()}
        except BaseException as e:  # a traceback out of check_file (PanicException too)
            if isinstance(e, KeyboardInterrupt):
                raise
            return {
                "kind": "crash",
                "detail": f"{type(e).__name__}: {e}"[:300],
                "tb": traceback.format_exc(),
            }
    finally:
        log.removeHandler(cap)
        log.setLevel(old_level)
    unexpected = [r for r in cap.records if "unexpected" in r.getMessage()]
    if unexpected:
        r = unexpected[0]
        return {"kind": "unexpected", "detail": (fr.error or "")[:300], "tb": _tb(r.exc_info)}
    if fr.rule_failures:
        rf = fr.rule_failures[0]
        tb = next((_tb(r.exc_info) for r in cap.records if rf.code in r.getMessage()), "")
        return {"kind": "rule", "detail": f"{rf.code}: {rf.error}"[:300], "tb": tb}
    if fr.error and "内存不足" in fr.error:
        return {"kind": "memory", "detail": fr.error[:300], "tb": ""}
    if fr.error:
        return {"kind": "error", "detail": fr.error[:200]}
    return {"kind": "ok", "detail": f"{len(fr.findings)} findings"}


def _worker(
    conn: Connection, host: str | None, memory_mb: int, stack_file: str, hang_after: float
) -> None:
    import faulthandler
    import resource

    os.environ["RUST_BACKTRACE"] = "0"  # a panic in calamine: one line, not a page
    # what a dying extension prints ("memory allocation of … bytes failed"), for the parent
    err = open(stack_file + ".err", "w", encoding="utf-8")
    os.dup2(err.fileno(), 2)
    if memory_mb > 0:
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops us
    with open(stack_file, "w", encoding="utf-8") as stacks:
        while True:
            try:
                job = conn.recv()
            except EOFError:
                return
            if job is None:
                return
            stacks.seek(0)
            stacks.truncate()
            # a check still running just before the parent's time limit writes where it is
            faulthandler.dump_traceback_later(hang_after, file=stacks)
            out = check_one(Path(job), host)
            faulthandler.cancel_dump_traceback_later()
            out["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            conn.send(out)


@dataclass
class _Slot:
    """One worker process and the mutant it is checking."""

    host: str | None
    memory_mb: int
    stack_file: str
    hang_after: float
    proc: Any = None
    conn: Connection | None = None
    job: Any = None
    started: float = 0.0
    rss_mb: float = 0.0

    def start(self) -> None:
        ctx = mp.get_context("spawn")
        parent, child = ctx.Pipe()
        self.proc = ctx.Process(
            target=_worker,
            args=(child, self.host, self.memory_mb, self.stack_file, self.hang_after),
            daemon=True,
        )
        self.proc.start()
        child.close()
        self.conn = parent
        self.rss_mb = 0.0

    def stop(self, kill: bool = False) -> None:
        if self.proc is None:
            return
        if not kill:
            try:
                assert self.conn is not None
                self.conn.send(None)
            except OSError:
                kill = True
            else:
                self.proc.join(5)
        if self.proc.is_alive():
            self.proc.kill()  # our own worker process (SIGKILL to its pid)
            self.proc.join(5)
        if self.conn is not None:
            self.conn.close()
        self.proc = self.conn = None


@dataclass
class _Job:
    number: int
    seed: Path
    path: Path
    mutations: list[str]


@dataclass
class Stats:
    mutants: int = 0
    kinds: Counter[str] = field(default_factory=Counter)
    findings: dict[str, dict[str, Any]] = field(default_factory=dict)  # signature -> first case
    counts: Counter[str] = field(default_factory=Counter)  # signature -> mutants


_OWNERS = (
    ("budgetlint/hosts/", "hosts"),
    ("budgetlint/rules/", "rules"),
    ("budgetlint/values.py", "values.py"),
    ("budgetlint/forms/", "forms"),
    ("budgetlint/grid.py", "grid.py"),
    ("budgetlint/", "budgetlint"),
)


def signature(out: dict[str, Any]) -> tuple[str, str]:
    """(signature, owner): kind, exception type and the innermost budgetlint frame."""
    kind = out["kind"]
    tb = out.get("tb") or ""
    frames = re.findall(r'File "([^"]+)", line (\d+)', tb)
    if "most recent call first" in tb:  # a faulthandler dump (a hang): innermost first
        frames = frames[::-1]
    ours = [(f, n) for f, n in frames if "/budgetlint/" in f and "/site-packages/" not in f]
    where, owner = "", "?"
    if ours:
        f, n = ours[-1]
        where = f"{f.split('/src/')[-1]}:{n}"
        owner = next((o for key, o in _OWNERS if key in f), "?")
    elif frames:
        where = frames[-1][0].split("/")[-1]
    exc = tb.strip().splitlines()[-1].split(":")[0] if tb.strip() else out.get("detail", "")[:40]
    if kind == "hang":
        exc = "in"
    if kind == "rule":
        exc = out["detail"].split(":")[0] + " " + exc
        owner = "rules"
    if kind == "died":  # no Python frame: what the process printed last names the cause
        said = out.get("detail", "").partition("): ")[2].split(" | ")[0]
        return f"died: {re.sub(r'[0-9]+', 'N', said)[:80]}".rstrip(": "), owner
    if kind in ("hang", "memory") and not ours:
        return f"{kind}", owner
    return f"{kind} {exc} @ {where}", owner


def run(args: argparse.Namespace) -> int:
    global _LABELS
    _LABELS = _labels()
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(2**32)
    rng = random.Random(seed)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    out_dir = Path(args.out) / stamp
    work = Path(tempfile.mkdtemp(prefix="budgetlint-fuzz-"))
    seeds = make_seeds(work / "seeds", soffice=not args.no_soffice)
    seed_bytes = {p: p.read_bytes() for p in seeds}
    host = None if args.host == "default" else args.host
    print(
        f"fuzz: seed {seed}, {len(seeds)} seed workbooks, host {args.host}, {args.jobs} worker(s), "
        f"{args.timeout:g} s per file, {args.memory_mb} MB ceiling, "
        f"for {args.minutes:g} min" + (f" or {args.mutants} mutants" if args.mutants else ""),
        flush=True,
    )
    slots = [
        _Slot(host, args.memory_mb, str(work / f"stack-{i}.txt"), args.timeout * 0.9)
        for i in range(args.jobs)
    ]
    for s in slots:
        s.start()
    stats = Stats()
    deadline = time.monotonic() + args.minutes * 60
    number = 0
    last_print = time.monotonic()

    def record(job: _Job, out: dict[str, Any]) -> None:
        stats.mutants += 1
        stats.kinds[out["kind"]] += 1
        if out["kind"] in ("ok", "error"):
            job.path.unlink(missing_ok=True)
            return
        sig, owner = signature(out)
        stats.counts[sig] += 1
        if sig not in stats.findings:
            out_dir.mkdir(parents=True, exist_ok=True)
            keep = out_dir / f"{len(stats.findings) + 1:03d}-{job.seed.stem}{job.seed.suffix}"
            shutil.copyfile(job.path, keep)
            case = {
                "signature": sig,
                "owner": owner,
                "file": str(keep),
                "seed_workbook": str(job.seed.name),
                "mutations": job.mutations,
                "detail": out.get("detail", ""),
                "traceback": out.get("tb", ""),
            }
            stats.findings[sig] = case
            print(
                f"\nFOUND [{owner}] {sig}\n  {keep}\n  {job.mutations}\n  {case['detail']}",
                flush=True,
            )
        job.path.unlink(missing_ok=True)

    try:
        while True:
            now = time.monotonic()
            more = now < deadline and (not args.mutants or number < args.mutants)
            busy = [s for s in slots if s.job is not None]
            if not more and not busy:
                break
            for s in slots:  # give idle workers a mutant each
                if s.job is None and more and (not args.mutants or number < args.mutants):
                    number += 1
                    src = rng.choice(seeds)
                    data, done = mutate(rng, seed_bytes[src])
                    path = work / f"m{number}{src.suffix}"
                    path.write_bytes(data)
                    s.job, s.started = _Job(number, src, path, done), time.monotonic()
                    assert s.conn is not None
                    s.conn.send(str(path))
            for s in slots:
                if s.job is None:
                    continue
                assert s.conn is not None
                elapsed = time.monotonic() - s.started
                try:
                    ready = s.conn.poll(0.02)
                except (OSError, EOFError):
                    ready = True
                if ready:
                    try:
                        out = s.conn.recv()
                    except (EOFError, OSError):
                        code = None
                        if s.proc is not None:
                            s.proc.join(2)
                            code = s.proc.exitcode
                        try:  # the last lines the dying worker printed (a Rust abort says why)
                            last = Path(s.stack_file + ".err").read_text(errors="replace")
                        except OSError:
                            last = ""
                        tail = " | ".join(last.strip().splitlines()[-3:])
                        out = {
                            "kind": "died",
                            "detail": f"worker died (exit code {code}): {tail}"[:400],
                            "tb": "",
                        }
                        s.stop(kill=True)
                        s.start()
                    else:
                        if out.get("rss_mb", 0) > args.rss_mb and s.rss_mb <= args.rss_mb:
                            if out["kind"] in ("ok", "error"):
                                out = {
                                    "kind": "memory",
                                    "detail": f"peak RSS {out['rss_mb']:.0f} MB",
                                    "tb": "",
                                }
                            s.stop()
                            s.start()
                        else:
                            s.rss_mb = out.get("rss_mb", 0)
                    job, s.job = s.job, None
                    record(job, out)
                elif elapsed > args.timeout:
                    job, s.job = s.job, None
                    s.stop(kill=True)
                    try:  # where the worker was (faulthandler, most recent call first)
                        stack = Path(s.stack_file).read_text(encoding="utf-8", errors="replace")
                    except OSError:
                        stack = ""
                    s.start()
                    record(
                        job,
                        {
                            "kind": "hang",
                            "detail": f"no result after {args.timeout:g} s",
                            "tb": stack,
                        },
                    )
            if time.monotonic() - last_print > 30:
                last_print = time.monotonic()
                print(f"  {stats.mutants} mutants, {dict(stats.kinds)}", flush=True)
    except KeyboardInterrupt:
        print("\ninterrupted", flush=True)
    finally:
        for s in slots:
            s.stop(kill=s.job is not None)
        shutil.rmtree(work, ignore_errors=True)

    print(f"\nfuzz: {stats.mutants} mutants (seed {seed}): {dict(stats.kinds)}")
    if stats.findings:
        out_dir.mkdir(parents=True, exist_ok=True)
        report = [dict(case, mutants=stats.counts[sig]) for sig, case in stats.findings.items()]
        (out_dir / "report.json").write_text(
            json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8"
        )
        print(f"{len(report)} distinct finding(s), kept in {out_dir}:")
        for case in report:
            print(f"  [{case['owner']}] {case['signature']}  ×{case['mutants']}")
        return 1
    print("no findings")
    return 0


def replay(path: Path, host: str | None) -> int:
    """Check one kept mutant in this process and print how it ended (with the traceback)."""
    out = check_one(path, host)
    print(json.dumps({k: v for k, v in out.items() if k != "tb"}, ensure_ascii=False))
    if out.get("tb"):
        print(out["tb"])
    return 0 if out["kind"] in ("ok", "error") else 1


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--minutes", type=float, default=3.0, help="how long to fuzz (default 3)")
    p.add_argument(
        "--mutants", type=int, default=0, help="stop after this many mutants (0: no limit)"
    )
    p.add_argument("--jobs", type=int, default=2, help="worker processes (default 2)")
    p.add_argument(
        "--seed", type=int, default=None, help="random seed (default: a new one, printed)"
    )
    p.add_argument(
        "--timeout", type=float, default=10.0, help="seconds per file before a hang (default 10)"
    )
    p.add_argument(
        "--memory-mb",
        type=int,
        default=4096,
        help="address-space ceiling of a worker (default 4096)",
    )
    p.add_argument(
        "--rss-mb",
        type=float,
        default=1024.0,
        help="peak RSS that counts as a blow-up (default 1024)",
    )
    p.add_argument(
        "--host",
        choices=("default", "calamine", "openpyxl"),
        default="default",
        help="the reader to fuzz (default: what read_workbook uses)",
    )
    p.add_argument("--no-soffice", action="store_true", help="no .ods/.xls seeds from LibreOffice")
    p.add_argument("--out", default=str(OUT), help=f"where findings are kept (default {OUT})")
    p.add_argument("--replay", type=Path, help="check one kept mutant here, with its traceback")
    args = p.parse_args(argv)
    if args.replay is not None:
        return replay(args.replay, None if args.host == "default" else args.host)
    return run(args)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    sys.exit(main())
