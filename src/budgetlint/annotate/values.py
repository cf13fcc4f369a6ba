"""Write recomputed values into a workbook as the formula cells' cached values.

The package is patched, never loaded and re-saved (see :mod:`budgetlint.annotate`):
in each touched worksheet only the written cells change — their ``<v>``
element and their ``t`` attribute (``t="str"`` text, ``t="b"`` boolean,
``t="e"`` error, none for a number) —, every other byte of the sheet and every
other part stays as it was.  ``workbook.xml`` changes only when asked to set
``fullCalcOnLoad`` (:func:`set_full_calc_on_load`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from budgetlint.annotate import workbook as W
from budgetlint.annotate import xmltext as X
from budgetlint.annotate.core import backup
from budgetlint.annotate.package import AnnotateError, Package
from budgetlint.annotate.sheet import numbered_cells, numbered_rows
from budgetlint.outfile import copy_file, reason, write_atomic

#: Elements of workbook.xml that follow <calcPr> (CT_Workbook's sequence).
_AFTER_CALC_PR = W.AFTER_DEFINED_NAMES[W.AFTER_DEFINED_NAMES.index("calcPr") + 1 :]
#: Characters XML 1.0 does not allow; OOXML writes them as _xHHHH_.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
#: A literal ``_xHHHH_`` in a text would read as an escape: its ``_`` is escaped itself.
_ESCAPED = re.compile(r"_(x[0-9A-Fa-f]{4}_)")
_BOM = b"\xef\xbb\xbf"


@dataclass
class WriteStats:
    """What :func:`write_values` did."""

    output: Path
    #: Cells whose cached value was written, per sheet.
    written: dict[str, int] = field(default_factory=dict)
    #: Cells asked for that the sheet XML has no formula cell for (left alone).
    missing: list[tuple[str, int, int]] = field(default_factory=list)
    full_calc_on_load: bool = False
    backup: Path | None = None

    @property
    def cells(self) -> int:
        return sum(self.written.values())


def cached_value(value: Any) -> tuple[str | None, str]:
    """(``t`` attribute or None, ``<v>`` text) of a value; ValueError for what a cell cannot hold."""
    code = getattr(value, "code", None)
    if isinstance(code, str):
        return "e", code
    if isinstance(value, bool):
        return "b", "1" if value else "0"
    if isinstance(value, int):
        return None, str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"not a finite number: {value!r}")
        return None, repr(value) if not value.is_integer() or abs(value) >= 1e15 else str(
            int(value)
        )
    if isinstance(value, str):
        text = _ESCAPED.sub(r"_x005F_\1", value) if "_x" in value else value
        text = _ILLEGAL.sub(lambda m: f"_x{ord(m.group(0)):04X}_", text)
        return "str", X.escape(text)
    raise ValueError(f"not a cell value: {type(value).__name__}")


def patch_sheet_values(
    xml: str, values: Mapping[tuple[int, int], Any]
) -> tuple[str, set[tuple[int, int]]]:
    """Set the cached value of each formula cell in ``values``; returns the XML and the cells set.

    A cell that is missing from the XML or holds no ``<f>`` is left alone (not in
    the returned set).
    """
    top = X.root(xml)
    sd = X.child(xml, top, "sheetData")
    if sd is None or not values:
        return xml, set()
    wanted: dict[int, dict[int, Any]] = {}
    for (r, c), v in values.items():
        wanted.setdefault(r, {})[c] = v
    edits: list[tuple[int, int, str]] = []
    done: set[tuple[int, int]] = set()
    for prev_r, row in numbered_rows(xml, sd):
        cols = wanted.get(prev_r)
        if not cols:
            continue
        for prev_c, cell in numbered_cells(xml, row):
            if prev_c not in cols or cell.self_closing:
                continue
            kids = X.children(xml, cell)
            f = next((k for k in kids if k.name == "f"), None)
            if f is None:
                continue
            t, text = cached_value(cols[prev_c])
            tag = cell.start_tag(xml)
            new_tag = X.del_attr(tag, "t") if t is None else X.set_attr(tag, "t", t)
            if new_tag != tag:
                edits.append((cell.start, cell.tag_end, new_tag))
            p = f.prefix
            new_v = f"<{p}v>{text}</{p}v>"
            old = [k for k in kids if k.name in ("v", "is")]
            if old:
                edits.append((old[0].start, old[0].end, new_v))
                edits.extend((k.start, k.end, "") for k in old[1:])
            else:
                edits.append((f.end, f.end, new_v))
            done.add((prev_r, prev_c))
    return X.splice(xml, edits), done


def set_full_calc_on_load(xml: str) -> str:
    """workbook.xml with ``<calcPr fullCalcOnLoad="1">`` (the element added when missing)."""
    top = X.root(xml)
    calc = X.child(xml, top, "calcPr")
    if calc is not None:
        tag = calc.start_tag(xml)
        return xml[: calc.start] + X.set_attr(tag, "fullCalcOnLoad", "1") + xml[calc.tag_end :]
    later = [e for e in X.children(xml, top) if e.name in _AFTER_CALC_PR]
    pos = later[0].start if later else top.inner_end
    return xml[:pos] + f'<{top.prefix}calcPr fullCalcOnLoad="1"/>' + xml[pos:]


def _patch(
    pkg: Package, values: Mapping[tuple[str, int, int], Any], full_calc_on_load: bool, out: Path
) -> WriteStats:
    stats = WriteStats(output=out, full_calc_on_load=full_calc_on_load)
    wb_part = pkg.main_part()
    entries = {e.name: e for e in W.sheets(pkg, wb_part)}
    per_sheet: dict[str, dict[tuple[int, int], Any]] = {}
    for (sheet, r, c), v in values.items():
        per_sheet.setdefault(sheet, {})[(r, c)] = v
    for sheet, cells in per_sheet.items():
        entry = entries.get(sheet)
        if entry is None or entry.part is None or not pkg.has(entry.part):
            stats.missing.extend((sheet, r, c) for r, c in cells)
            continue
        raw = pkg.read(entry.part)
        try:
            xml, done = patch_sheet_values(pkg.text(entry.part), cells)
        except ValueError as exc:
            raise pkg.fail(f"无法修改工作表“{sheet}”：{exc}", entry.part) from None
        if done:
            data = xml.encode("utf-8")
            pkg.write(entry.part, _BOM + data if raw.startswith(_BOM) else data)
            stats.written[sheet] = len(done)
        stats.missing.extend((sheet, r, c) for r, c in sorted(set(cells) - done))
    if full_calc_on_load:
        raw = pkg.read(wb_part)
        data = set_full_calc_on_load(pkg.text(wb_part)).encode("utf-8")
        pkg.write(wb_part, _BOM + data if raw.startswith(_BOM) else data)
    return stats


def write_values(
    src: str | Path,
    dst: str | Path,
    values: Mapping[tuple[str, int, int], Any],
    *,
    full_calc_on_load: bool = False,
) -> WriteStats:
    """Write ``values`` ((sheet, row, col) -> value) as cached values into a copy of ``src`` at ``dst``.

    The copy is written atomically (:func:`budgetlint.outfile.write_atomic`); with
    nothing to change it is a byte copy of ``src``.
    """
    src_p, dst_p = Path(src), Path(dst)
    pkg = Package(src_p)
    stats = _patch(pkg, values, full_calc_on_load, dst_p)
    try:
        if stats.cells or full_calc_on_load:
            write_atomic(dst_p, pkg.save)
        elif dst_p.resolve() != src_p.resolve():
            copy_file(src_p, dst_p)
    except OSError as exc:
        raise AnnotateError(f"无法写出 {dst_p}（{reason(exc)}）") from exc
    return stats


def write_values_in_place(
    path: str | Path,
    values: Mapping[tuple[str, int, int], Any],
    *,
    full_calc_on_load: bool = False,
) -> WriteStats:
    """Write ``values`` into ``path`` itself: a backup (``name.bak.xlsx``) first, then an atomic replace.

    Nothing is written (no backup either) when there is nothing to change.
    """
    p = Path(path)
    pkg = Package(p)
    stats = _patch(pkg, values, full_calc_on_load, p)
    if not (stats.cells or full_calc_on_load):
        return stats
    stats.backup = backup(p)
    try:
        write_atomic(p, pkg.save)
    except OSError as exc:
        raise AnnotateError(f"无法写出 {p}（{reason(exc)}），原文件未改动") from exc
    return stats


__all__ = [
    "WriteStats",
    "cached_value",
    "patch_sheet_values",
    "set_full_calc_on_load",
    "write_values",
    "write_values_in_place",
]
