"""What the xlwings Lite scripts do: check, clear and recompute the workbook Lite hands them.

Lite calls a ``@script`` with the workbook as an ``xw.Book`` of xlwings' remote
engine: the sheets' values arrive with the call, every change is an action
Excel runs after Python returns.  That is the engine the classic add-in's
live-book adapter (:class:`budgetlint.hosts.xlwings_host.LiveBook`) already
detects, so these functions are the add-in's inner functions
(:func:`budgetlint.addin.check_book`, :func:`~budgetlint.addin.clear_book`,
:func:`~budgetlint.addin.recompute_book`) with Lite's settings; they return the
message and print it (Lite shows ``print`` in its output pane; there is no
message box).

What differs from the add-in, because of what the engine offers:

- **Settings** are the defaults with ``recompute = false``: Lite has no local
  files (no ``budgetlint.toml`` next to the workbook) and no formula engine
  (``formulas`` is not installed under Pyodide); Excel computed the stored
  values itself.
- **Notes** (批注) are added where the client supports them (Office.js does);
  the engine cannot read the text of an existing note, so such a note is left
  alone and the message is only in the 复核结果 sheet.
- **Original fills** cannot be read: 清除 restores "no fill" on the marked
  cells.
- **Number formats, formulas and merged areas** cannot be read synchronously:
  the check works on the values (a percentage stored as 0.98 reads as a
  number, as in a file without formats).
"""

from __future__ import annotations

import dataclasses
import logging
from typing import TYPE_CHECKING

from budgetlint.addin import check_book, clear_book, error_message, recompute_book
from budgetlint.findings import Severity
from budgetlint.settings import Settings

if TYPE_CHECKING:
    import xlwings as xw

log = logging.getLogger("budgetlint")


def lite_settings() -> Settings:
    """The settings the Lite scripts check with: defaults, no headless recompute."""
    return dataclasses.replace(Settings(), recompute=False)


def check_message(book: xw.Book) -> str:
    """检查: mark the flagged cells, write the 复核结果 sheet; the message for the output pane."""
    summary = check_book(book, lite_settings())
    if summary.message:
        return summary.message
    c = summary.result.counts()
    counts = "，".join(f"{sev.label} {c[sev]}" for sev in Severity)
    return (
        f"已复核 {summary.forms} 张自评表：{counts}；标注 {summary.cells_marked} 个单元格"
        f"（详见“{summary.summary_sheet}”工作表，“清除”可恢复原样）。"
    )


def clear_message(book: xw.Book) -> str:
    """清除: undo the last check (fills back to none, our notes and sheets removed)."""
    done = clear_book(book)
    return done.message() or f"已清除复核标注：恢复 {done.cells_restored} 个单元格。"


def recompute_message(book: xw.Book) -> str:
    """重算: ask Excel to calculate, then check (the values checked are those Lite sent)."""
    return recompute_book(book, lite_settings()).message


def run(action: str, book: xw.Book) -> str:
    """Run one script; an error becomes a Chinese message (never a traceback)."""
    fn = {"检查": check_message, "清除": clear_message, "重算": recompute_message}[action]
    try:
        message = fn(book)
    except Exception as e:
        log.exception("%s failed", action)
        message = error_message(action, e)
    print(message)
    return message


__all__ = ["check_message", "clear_message", "lite_settings", "recompute_message", "run"]
