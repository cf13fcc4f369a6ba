"""What ``budgetlint check`` tells on stderr while and after it runs.

- :class:`Progress`: on a terminal one line redrawn in place — a bar, files
  done / total, the file being waited for and the time left; ``lines`` mode (for
  a log) writes one plain line per file as it finishes; ``none`` writes nothing.
- :func:`summary_table`: the table printed at the end — files, sheets, forms by
  layout family, findings by severity, unreadable files and why, rule failures,
  annotated copies and the time taken.

stdout carries the findings only (text or JSON), so it stays the same whatever
``--jobs`` says and however long the run took.
"""

from __future__ import annotations

import shutil
import time
import unicodedata
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from budgetlint.batch import Outcome
from budgetlint.families import family_name, form_of
from budgetlint.findings import Severity
from budgetlint.results import BatchResult

#: Redraws of the bar per second, at most.
REDRAW_HZ = 10
#: Unreadable files listed one by one in the summary table; the rest are counted.
MAX_LISTED = 20


def width(text: str) -> int:
    """Columns ``text`` takes on a terminal (CJK characters take two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def clip(text: str, cols: int) -> str:
    """``text`` cut to ``cols`` columns, keeping its end (a path's file name)."""
    if width(text) <= cols:
        return text
    out: list[str] = []
    used = 1  # the ellipsis
    for ch in reversed(text):
        w = width(ch)
        if used + w > cols:
            break
        out.append(ch)
        used += w
    return "…" + "".join(reversed(out))


def duration(seconds: float) -> str:
    """``0.4 秒``, ``12 秒``, ``3 分 05 秒``, ``2 小时 04 分``."""
    if seconds < 10:
        return f"{seconds:.1f} 秒"
    s = round(seconds)
    if s < 60:
        return f"{s} 秒"
    m, s = divmod(s, 60)
    if m < 60:
        return f"{m} 分 {s:02d} 秒"
    h, m = divmod(m, 60)
    return f"{h} 小时 {m:02d} 分"


class Progress:
    """Progress of a batch on ``stream`` (stderr): ``bar``, ``lines`` or ``none``."""

    def __init__(self, stream: TextIO, paths: Sequence[Path], mode: str) -> None:
        self.stream = stream
        self.paths = list(paths)
        self.mode = mode if paths else "none"
        self.total = len(self.paths)
        self.start = time.monotonic()
        self._finished: set[int] = set()
        self._next = 0  # the first index not finished: the file being waited for
        self._drawn = False
        self._last_draw = 0.0
        if self.mode == "bar":
            self._draw(force=True)

    @property
    def done(self) -> int:
        return len(self._finished)

    def left(self) -> float | None:
        """Seconds left, from the mean time per file so far (None before the first)."""
        if not self.done:
            return None
        elapsed = time.monotonic() - self.start
        return elapsed / self.done * (self.total - self.done)

    def finished(self, out: Outcome) -> None:
        """A file is done (any order)."""
        self._finished.add(out.index)
        while self._next in self._finished:
            self._next += 1
        if self.mode == "bar":
            self._draw(force=self.done == self.total)
        elif self.mode == "lines":
            self._line(out)

    def _line(self, out: Outcome) -> None:
        fr = out.result
        if fr.error:
            what = "无法读取"
        else:
            c = fr.counts()
            what = "，".join(f"{s.label} {c[s]}" for s in Severity if c[s]) or "未发现问题"
        left = self.left()
        tail = f"；剩余约 {duration(left)}" if left and self.done < self.total else ""
        print(
            f"[{self.done}/{self.total}] {out.path} — {what}（{duration(out.seconds)}{tail}）",
            file=self.stream,
            flush=True,
        )

    def _draw(self, *, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._last_draw < 1 / REDRAW_HZ:
            return
        self._last_draw = now
        cols = max(shutil.get_terminal_size((80, 24)).columns - 1, 20)
        bar_w = 20
        filled = bar_w * self.done // self.total if self.total else bar_w
        bar = "█" * filled + "░" * (bar_w - filled)
        left = self.left()
        eta = "剩余时间估算中" if left is None else f"剩余约 {duration(left)}"
        if self.done == self.total:
            eta = f"用时 {duration(now - self.start)}"
        head = f"{bar} {self.done}/{self.total} "
        tail = f" {eta}"
        current = self.paths[self._next].name if self._next < self.total else ""
        room = cols - width(head) - width(tail)
        name = clip(current, room) if room > 3 else ""
        line = (head + name).rstrip() + tail
        if width(line) > cols:
            line = clip(head + tail, cols)
        self.stream.write("\r\033[K" + line)
        self.stream.flush()
        self._drawn = True

    def clear(self) -> None:
        """Take the bar off the line (before other output goes to the terminal)."""
        if self.mode == "bar" and self._drawn:
            self.stream.write("\r\033[K")
            self.stream.flush()
            self._drawn = False

    def redraw(self) -> None:
        if self.mode == "bar" and self.done < self.total:
            self._draw(force=True)

    def close(self) -> None:
        self.clear()


def summary_table(
    batch: BatchResult,
    seconds: float,
    *,
    workers: str,
    annotated: int | None = None,
    output_errors: int = 0,
) -> str:
    """The closing table (Chinese), one ``label  value`` row per line."""
    rows: list[tuple[str, str]] = []
    files = len(batch.files)
    unreadable = batch.errors
    rows.append(
        ("文件", f"{files} 个" + (f"（无法读取 {len(unreadable)} 个）" if unreadable else ""))
    )
    status: Counter[str] = Counter(
        "accounts" if s.status == "form" and form_of(s.family) == "D" else s.status
        for fr in batch.files
        for s in fr.sheets
    )
    sheets = sum(status.values())
    parts = [
        f"{label} {status[key]}"
        for key, label in (
            ("form", "自评表"),
            ("accounts", "决算表"),
            ("unrecognized", "版式未识别"),
            ("skipped", "已跳过"),
        )
        if status[key]
    ]
    rows.append(("工作表", f"{sheets} 张" + (f"（{'，'.join(parts)}）" if parts else "")))
    families: Counter[str] = Counter(
        family_name(s.family) or "（未知）"
        for fr in batch.files
        for s in fr.sheets
        if s.status == "form"
    )
    for i, (name, n) in enumerate(sorted(families.items(), key=lambda kv: (-kv[1], kv[0]))):
        rows.append(("版式" if i == 0 else "", f"{name}：{n} 张"))
    c = batch.counts()
    explained = sum(len(fr.explained) for fr in batch.files)
    rows.append(
        (
            "问题",
            f"错误 {c[Severity.ERROR]}，警告 {c[Severity.WARNING]}，提示 {c[Severity.NOTE]}"
            f"，已说明 {explained}",
        )
    )
    failures = batch.rule_failures
    if failures:
        by_rule = Counter(rf.code for rf in failures)
        detail = "，".join(f"{code} {n} 次" for code, n in sorted(by_rule.items()))
        rows.append(("规则执行出错", f"{len(failures)} 次（{detail}），相关表未检查完整"))
    for i, fr in enumerate(unreadable[:MAX_LISTED]):
        rows.append(("无法读取" if i == 0 else "", str(fr.error)))
    if len(unreadable) > MAX_LISTED:
        rows.append(("", f"……另有 {len(unreadable) - MAX_LISTED} 个，见上方的错误行"))
    if annotated is not None:
        text = f"已写出 {annotated} 个"
        if output_errors:
            text += f"，{output_errors} 个未能写出"
        rows.append(("标注", text))
    rows.append(("用时", f"{duration(seconds)}（{workers}）"))
    label_w = max(width(label) for label, _ in rows)
    lines = ["── 汇总 " + "─" * 30]
    for label, value in rows:
        lines.append(label + " " * (label_w - width(label) + 2) + value)
    return "\n".join(lines)
