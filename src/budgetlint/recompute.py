"""Headless recomputation of a workbook's formula cells (``budgetlint recompute``).

A workbook saved with manual calculation, or written by a program that does
not calculate (openpyxl, a template generator), stores formula cells whose
cached value is stale or missing; the checker reads cached values, so it would
check numbers nobody computed.  :func:`recompute_grid` evaluates the formula
cells of the sheets that read as forms, and their precedents, from the grid
alone:

- only the cells needed: the targets (by default every formula cell on a sheet
  that reads as a form) and, transitively and across sheets, the formula cells
  they reference; a non-formula cell is an input with its stored value;
- each formula is compiled once: cells whose formulas differ only in relative
  references (a column filled down, Excel's shared formulas: ``=F5/E5``,
  ``=F6/E6``, …) share one compiled function, called with each cell's own
  areas, and the engine caches by text (the same layout on many sheets);
- the cells are evaluated in dependency order (Tarjan's strongly connected
  components, iteratively: a chain of any length never recurses);
- a cycle never hangs: its cells get ``#REF!`` and one problem each, naming
  the cycle;
- what cannot be evaluated is a :class:`Problem` with the sheet and cell (an
  unparseable formula, a function no engine provides, a reference to another
  workbook or a defined name, an area too large); a cell computed from a
  problem cell is *blocked*: its value is reported but never written back.

The core is host-neutral: the engine is anything with ``compile(text)`` and
``evaluate(compiled, areas, at)`` (:class:`Engine`); the default one is the
``formulas`` package behind :mod:`budgetlint.hosts.formulas_host`, imported
only when there is a formula to evaluate.

Excel stores a UDF of an add-in with an external-link prefix (``[1]!BL_EXEC_RATE(…)``,
the link part naming the .xlam); typed or generated forms also carry
``'C:\\…\\budgetlint.xlam'!BL_EXEC_RATE(`` or ``budgetlint.xlam!BL_…``, and XLL
add-ins ``_xll.NAME(``.  :func:`engine_text` drops such a prefix in front of a
function name (never in front of a cell reference to another workbook, which
stays an external reference) before the formula is parsed.

Limits of the evaluation, each reported rather than guessed: whole-column and
whole-row references (``A:A``, ``1:3``) cover the sheet's used area only (so
``ROWS(A:A)`` is the used height, not 1048576); defined names and other
workbooks' cells are not resolved; OFFSET and the other functions ``formulas``
lacks are problems; hidden rows are not known, so ``SUBTOTAL(109, …)`` counts
them like ``SUBTOTAL(9, …)``.
"""

from __future__ import annotations

import bisect
import datetime as _dt
import logging
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol

from budgetlint.grid import EXCEL_ERRORS, CellRef, Grid, Sheet, address, column_index
from budgetlint.udfs import ExcelError

if TYPE_CHECKING:
    from budgetlint.annotate.values import WriteStats
    from budgetlint.settings import Settings

log = logging.getLogger("budgetlint")

#: (sheet name, row, column) of a cell, 1-based.
CellKey = tuple[str, int, int]

ProblemKind = Literal["syntax", "function", "cycle", "external", "name", "reference", "size", "udf"]

#: A recomputed number equals its cached value within this relative tolerance.
REL_TOL = 1e-9
#: …or this absolute one (cached values carry 15–17 significant digits).
ABS_TOL = 1e-12
#: The most cells one referenced area may have (a whole column is bounded by the used area).
MAX_AREA_CELLS = 2_000_000

#: Functions whose result changes from one calculation to the next (time, chance, the
#: environment): a value computed from one is not compared with its cached value.
_VOLATILE = re.compile(
    r"(?<![\w.])(?:TODAY|NOW|RAND|RANDBETWEEN|RANDARRAY|INDIRECT|OFFSET|CELL|INFO)\s*\(",
    re.IGNORECASE,
)

#: Cycle and problem cells read as these errors (what Excel would show is unknown).
_PROBLEM_ERROR: dict[str, str] = {
    "syntax": "#NAME?",
    "function": "#NAME?",
    "name": "#NAME?",
    "cycle": "#REF!",
    "external": "#REF!",
    "reference": "#REF!",
    "size": "#VALUE!",
    "udf": "#VALUE!",
}


class FormulaSyntaxError(ValueError):
    """A formula the engine cannot parse (the message says why, possibly empty)."""


# --- the engine's side ------------------------------------------------------------------


@dataclass(frozen=True)
class Area:
    """One reference a formula reads, with the values the core found there.

    ``values`` are rows of plain values: ``None`` for a blank cell, an
    :class:`ExcelError` for an error, a ``datetime`` for a date, else the number,
    text or boolean (a formula cell with its recomputed value).  ``subtotals``
    are the cells of the area (absolute row, column) holding a SUBTOTAL formula,
    which an enclosing SUBTOTAL leaves out.  ``bounded``: the reference was a
    whole column or row, cut to the sheet's used area.
    """

    key: str
    sheet: str
    top: int
    left: int
    bottom: int
    right: int
    values: tuple[tuple[Any, ...], ...]
    subtotals: frozenset[tuple[int, int]] = frozenset()
    bounded: bool = False


class Compiled(Protocol):
    """A compiled formula as an engine returns it."""

    #: The references it reads, in the order :meth:`Engine.evaluate` takes their areas.
    inputs: tuple[str, ...]
    #: Functions it calls that the engine does not provide.
    unsupported: tuple[str, ...]


class Engine(Protocol):
    """What evaluates formulas for the core (:class:`budgetlint.hosts.formulas_host.FormulasEngine`).

    ``compile`` raises :class:`FormulaSyntaxError` for a text it cannot parse;
    ``evaluate`` takes one :class:`Area` per input of ``compiled`` (in that order,
    possibly for another cell of the same shape) and returns the value and the
    failures (Chinese, one line each) of the functions it called.
    """

    def compile(self, text: str) -> Compiled: ...

    def evaluate(
        self, compiled: Compiled, areas: Sequence[Area], at: CellRef
    ) -> tuple[Any, tuple[str, ...]]: ...


# --- results ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """A formula cell that could not be recomputed, and why (in Chinese)."""

    sheet: str
    row: int
    col: int
    kind: ProblemKind
    message: str

    @property
    def cell(self) -> str:
        return address(self.row, self.col)

    @property
    def key(self) -> CellKey:
        return (self.sheet, self.row, self.col)

    def __str__(self) -> str:
        return f"{self.sheet}!{self.cell}：{self.message}"


@dataclass
class Recalc:
    """What :func:`recompute_grid` found.

    - ``values``: every evaluated cell (targets and their formula precedents) and
      its recomputed value (float, int, bool, str or :class:`ExcelError`);
    - ``targets``: the formula cells asked for, in sheet and reading order;
    - ``evaluated``: the cells evaluated, in evaluation (dependency) order;
    - ``problems``: cells that could not be recomputed (their value is an error);
    - ``blocked``: cells computed from a problem cell, with that cell: their
      value is unreliable and never written back;
    - ``stale``: reliable cells whose cached value differs from the recomputed
      one beyond a tiny tolerance (the workbook was saved with manual calculation
      or by a program that does not calculate): cell -> (cached, recomputed);
    - ``filled``: reliable formula cells that had no cached value;
    - ``volatile``: evaluated cells whose value depends, directly or through their
      precedents, on a volatile function (``TODAY()``, ``NOW()``, ``RAND()`` …):
      their recomputed value is what the formula gives now, so a cached value that
      differs is not a sign of a stale workbook;
    - ``form_sheets``: the sheets read as forms (where the default targets come from);
    - ``compiled``: formulas compiled (the other cells shared a compiled formula).
    """

    values: dict[CellKey, Any] = field(default_factory=dict)
    targets: list[CellKey] = field(default_factory=list)
    evaluated: list[CellKey] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    blocked: dict[CellKey, CellKey] = field(default_factory=dict)
    stale: dict[CellKey, tuple[Any, Any]] = field(default_factory=dict)
    filled: list[CellKey] = field(default_factory=list)
    volatile: set[CellKey] = field(default_factory=set)
    form_sheets: list[str] = field(default_factory=list)
    compiled: int = 0

    def reliable(self, key: CellKey) -> bool:
        """The cell was evaluated without a problem on its way."""
        return key in self.values and key not in self.blocked and key not in self._problem_keys

    @property
    def _problem_keys(self) -> set[CellKey]:
        return {p.key for p in self.problems}

    @property
    def changed(self) -> dict[CellKey, Any]:
        """The values to write back: stale and filled cells (reliable ones only)."""
        out = {k: new for k, (_old, new) in self.stale.items()}
        out.update((k, self.values[k]) for k in self.filled)
        return out


# --- formula text ----------------------------------------------------------------------------

_STRING = re.compile(r'"(?:[^"]|"")*"')
#: An add-in or XLL prefix in front of a function name: ``[1]!``, ``'C:\…\x.xlam'!``,
#: ``x.xlam!`` (or another workbook, ``PERSONAL.XLSB!``), ``_xll.``, ``_xludf.``.  A prefix followed by a cell reference (no
#: parenthesis) is a reference to another workbook and is left alone.
_ADDIN_PREFIX = re.compile(
    r"(?:\[\d+\]|'(?:[^']|'')+'|(?<![\w.\]])[^\s'!(),;=+\-*/&^<>\"{}%\[\]]+\.xl[a-z]{1,2})!"
    r"(?=[A-Za-z_\\][\w.]*\s*\()"
    r"|(?<![\w.])_(?:xll|xludf)\.(?=[A-Za-z_][\w.]*\s*\()",
    re.IGNORECASE,
)


def engine_text(formula: str) -> str:
    """The formula as the engine parses it: add-in prefixes of function names dropped."""
    if "!" not in formula and "_x" not in formula.lower():
        return formula
    out: list[str] = []
    pos = 0
    for m in _STRING.finditer(formula):
        out.append(_ADDIN_PREFIX.sub("", formula[pos : m.start()]))
        out.append(m.group(0))
        pos = m.end()
    out.append(_ADDIN_PREFIX.sub("", formula[pos:]))
    return "".join(out)


# --- references ------------------------------------------------------------------------------

_REF = re.compile(
    r"^(?:\$?(?P<c1>[A-Z]{1,3})\$?(?P<r1>\d+)(?::\$?(?P<c2>[A-Z]{1,3})\$?(?P<r2>\d+))?"
    r"|\$?(?P<cc1>[A-Z]{1,3}):\$?(?P<cc2>[A-Z]{1,3})"
    r"|\$?(?P<rr1>\d+):\$?(?P<rr2>\d+))$",
    re.IGNORECASE,
)
MAX_ROW, MAX_COL = 1_048_576, 16_384


@dataclass(frozen=True)
class _Ref:
    key: str
    sheet: str
    top: int
    left: int
    bottom: int
    right: int
    bounded: bool

    @property
    def cells(self) -> int:
        return (self.bottom - self.top + 1) * (self.right - self.left + 1)


class _RefError(Exception):
    def __init__(self, kind: ProblemKind, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


def _split_sheet(key: str) -> tuple[str | None, str]:
    """('SHEET 2', 'A1') for "'SHEET 2'!A1"; (None, 'A1') for 'A1'."""
    if "!" not in key:
        return None, key
    i = key.rindex("!")
    sheet, ref = key[:i], key[i + 1 :]
    if len(sheet) >= 2 and sheet[0] == sheet[-1] == "'":
        sheet = sheet[1:-1].replace("''", "'")
    return sheet, ref


#: A cell, range, whole-column or whole-row reference in a formula's text, with its sheet.
_REF_TOKEN = re.compile(
    r"(?<![\w.$'!\]])"
    r"(?P<sheet>(?:'(?:[^']|'')+'|[^\W\d][\w.]*)!)?"
    r"(?P<ref>\$?[A-Za-z]{1,3}\$?\d+(?::\$?[A-Za-z]{1,3}\$?\d+)?"
    r"|\$?[A-Za-z]{1,3}:\$?[A-Za-z]{1,3}|\$?\d+:\$?\d+)"
    r"(?![\w.(!\[])"
)
_PART = re.compile(r"(\$?)([A-Za-z]{1,3})?(\$?)(\d+)?")


@dataclass(frozen=True)
class _Token:
    sheet: str | None  # the sheet prefix as written, without the "!"
    ref: str  # as written, with any "$"

    @property
    def name(self) -> str:
        """The reference without "$" (what :func:`_resolve` and the engine read)."""
        plain = self.ref.replace("$", "").upper()
        return f"{self.sheet}!{plain}" if self.sheet is not None else plain

    def canonical(self) -> tuple[str | None, str]:
        return _canonical(self.name)

    def relative(self, row: int, col: int) -> str:
        """The reference in R1C1 terms, relative to (row, col) where not absolute."""
        parts = []
        for piece in self.ref.split(":"):
            m = _PART.fullmatch(piece)
            assert m is not None
            c_abs, letters, r_abs, digits = m.groups()
            out = ""
            if digits:
                n = int(digits)
                out += f"R{n}" if r_abs else f"R[{n - row}]"
            if letters:
                n = column_index(letters)
                out += f"C{n}" if c_abs else f"C[{n - col}]"
            parts.append(out)
        sheet = f"{_canonical_sheet(self.sheet)}!" if self.sheet is not None else ""
        return sheet + ":".join(parts)


def _canonical_sheet(sheet: str) -> str:
    if len(sheet) >= 2 and sheet[0] == sheet[-1] == "'":
        sheet = sheet[1:-1].replace("''", "'")
    return sheet.upper()


def _canonical(name: str) -> tuple[str | None, str]:
    """A reference as (SHEET, A1) however the engine or the text spells it."""
    sheet, ref = _split_sheet(name)
    return (sheet.upper() if sheet is not None else None, ref.replace("$", "").upper())


def _tokens(text: str) -> list[_Token]:
    """The references of a formula's text, in order (string literals skipped)."""
    out: list[_Token] = []
    pos = 0
    for m in [*_STRING.finditer(text), None]:
        end = m.start() if m is not None else len(text)
        for t in _REF_TOKEN.finditer(text, pos, end):
            sheet = t.group("sheet")
            out.append(_Token(sheet[:-1] if sheet else None, t.group("ref")))
        if m is not None:
            pos = m.end()
    return out


@dataclass(frozen=True)
class _Shape:
    """A compiled formula shared by the cells whose formulas differ only in relative references.

    ``slots[k]`` is the token whose reference the engine's input ``k`` is.
    """

    compiled: Any
    slots: tuple[int, ...]


def _shape_key(text: str, tokens: list[_Token], row: int, col: int) -> str:
    """The formula with every reference in relative R1C1 terms (the same for a filled-down column)."""
    out: list[str] = []
    pos = 0
    spans = []
    for m in [*_STRING.finditer(text), None]:
        end = m.start() if m is not None else len(text)
        spans.extend(t.span() for t in _REF_TOKEN.finditer(text, pos, end))
        if m is not None:
            pos = m.end()
    pos = 0
    for (start, end), tok in zip(spans, tokens, strict=True):
        out.append(text[pos:start])
        out.append("\x00" + tok.relative(row, col) + "\x00")
        pos = end
    out.append(text[pos:])
    return "".join(out)


def _slots(compiled: Any, tokens: list[_Token], row: int, col: int) -> tuple[int, ...] | None:
    """Which token each engine input is, if the text's references are exactly the engine's."""
    first: dict[tuple[str | None, str], int] = {}
    forms: dict[tuple[str | None, str], str] = {}
    for i, tok in enumerate(tokens):
        key = tok.canonical()
        rel = tok.relative(row, col)
        if forms.setdefault(key, rel) != rel:
            return None  # A5 and $A$5 at row 5: one input here, two elsewhere
        first.setdefault(key, i)
    inputs = [_canonical(k) if isinstance(k, str) else None for k in compiled.inputs]
    if set(inputs) != set(first):
        return None
    return tuple(first[k] for k in inputs if k is not None)


# --- values ----------------------------------------------------------------------------------

_EPOCH = _dt.datetime(1899, 12, 30)


def excel_serial(value: _dt.datetime | _dt.date) -> float:
    """A date as Excel's serial number (1900 system; 1900-03-01 is 61)."""
    if not isinstance(value, _dt.datetime):
        value = _dt.datetime(value.year, value.month, value.day)
    if value.tzinfo is not None:
        value = value.replace(tzinfo=None)
    delta = value - _EPOCH
    serial = delta.days + delta.seconds / 86400 + delta.microseconds / 86400e6
    return serial - 1 if serial < 61 else serial  # Excel's 1900-02-29


def serial_datetime(serial: float) -> _dt.datetime:
    """The inverse of :func:`excel_serial`."""
    if serial < 61:
        serial += 1
    return _EPOCH + _dt.timedelta(days=serial)


def _input_value(v: Any) -> Any:
    """A stored cell value as the engine reads it (a cached error text is an error)."""
    if isinstance(v, str) and v in EXCEL_ERRORS:
        return ExcelError(v)
    return v


def same_value(cached: Any, new: Any) -> bool:
    """Whether a cached value shows what was recomputed (numbers within a tiny tolerance)."""
    cached = _input_value(cached)
    if isinstance(cached, _dt.datetime | _dt.date):
        cached = excel_serial(cached)
    elif isinstance(cached, _dt.time):
        cached = (cached.hour * 3600 + cached.minute * 60 + cached.second) / 86400
    elif isinstance(cached, _dt.timedelta):
        cached = cached.total_seconds() / 86400
    if isinstance(cached, bool) or isinstance(new, bool):
        return isinstance(cached, bool) and isinstance(new, bool) and cached == new
    if isinstance(cached, int | float) and isinstance(new, int | float):
        return math.isclose(float(cached), float(new), rel_tol=REL_TOL, abs_tol=ABS_TOL)
    if isinstance(cached, ExcelError) and isinstance(new, ExcelError):
        return cached.code == new.code
    if isinstance(cached, str) and isinstance(new, str):
        return cached == new
    return False


def show(v: Any) -> str:
    """A value for a message: ``0.9812``, ``“text”`` (one line, cut at 60), ``#DIV/0!``, ``TRUE``."""
    if v is None:
        return "（无）"
    if isinstance(v, ExcelError):
        return v.code
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, float):
        return f"{v:.15g}"
    if isinstance(v, str):
        text = " / ".join(line.strip() for line in v.splitlines()) if "\n" in v else v
        return f"“{text[:60]}…”" if len(text) > 60 else f"“{text}”"
    return str(v)


# --- the evaluation ----------------------------------------------------------------------------


@dataclass
class _Node:
    key: CellKey
    text: str
    compiled: Any = None
    inputs: tuple[str, ...] = ()
    refs: list[_Ref | None] = field(default_factory=list)
    deps: list[CellKey] = field(default_factory=list)
    problem: Problem | None = None


class _SheetIndex:
    """A sheet's formula cells by column (sorted rows), and its used extent."""

    def __init__(self, sheet: Sheet) -> None:
        self.sheet = sheet
        cols: dict[int, list[int]] = {}
        for r, c in sheet.formulas:
            cols.setdefault(c, []).append(r)
        for rows in cols.values():
            rows.sort()
        self.cols = cols
        self.max_row = max(
            max((r for r, _ in sheet.cells), default=0),
            max((r for r, _ in sheet.formulas), default=0),
            1,
        )
        self.max_col = max(
            max((c for _, c in sheet.cells), default=0),
            max((c for _, c in sheet.formulas), default=0),
            1,
        )

    def formulas_in(self, ref: _Ref) -> Iterable[tuple[int, int]]:
        cols = self.cols
        if ref.right - ref.left + 1 > len(cols):
            candidates: Iterable[int] = (c for c in cols if ref.left <= c <= ref.right)
        else:
            candidates = (c for c in range(ref.left, ref.right + 1) if c in cols)
        for c in candidates:
            rows = cols[c]
            i = bisect.bisect_left(rows, ref.top)
            while i < len(rows) and rows[i] <= ref.bottom:
                yield rows[i], c
                i += 1


class _Evaluator:
    def __init__(self, grid: Grid, engine: Engine, recalc: Recalc) -> None:
        self.grid = grid
        self.engine = engine
        self.out = recalc
        self.by_name = {s.name: s for s in grid.sheets}
        self.position = {s.name: i for i, s in enumerate(grid.sheets)}
        self.by_upper = {s.name.upper(): s for s in grid.sheets}
        self.indexes: dict[str, _SheetIndex] = {}
        self.nodes: dict[CellKey, _Node] = {}
        self.problem_of: dict[CellKey, Problem] = {}
        self.shapes: dict[str, _Shape] = {}
        self.shared = 0

    # -- preparing a node (compile, resolve, find the formula cells it reads) ------------------

    def index(self, name: str) -> _SheetIndex:
        idx = self.indexes.get(name)
        if idx is None:
            idx = self.indexes[name] = _SheetIndex(self.by_name[name])
        return idx

    def node(self, key: CellKey) -> _Node:
        node = self.nodes.get(key)
        if node is None:
            node = self.nodes[key] = self._prepare(key)
        return node

    def _fail(self, key: CellKey, kind: ProblemKind, message: str) -> Problem:
        p = Problem(key[0], key[1], key[2], kind, message)
        self.problem_of[key] = p
        return p

    def _prepare(self, key: CellKey) -> _Node:
        sheet = self.by_name[key[0]]
        formula = sheet.formulas[(key[1], key[2])]
        node = _Node(key, engine_text(formula))
        try:
            self._compile(node)
        except FormulaSyntaxError as e:
            why = f"（{e}）" if str(e) else ""
            node.problem = self._fail(key, "syntax", f"公式无法解析{why}：{formula}")
            return node
        missing = tuple(node.compiled.unsupported)
        if missing:
            names = "、".join(missing)
            node.problem = self._fail(key, "function", f"不支持的函数 {names}，无法重算：{formula}")
            return node
        deps: dict[CellKey, None] = {}
        for k in node.inputs:
            try:
                ref = self._resolve(k, key[0])
            except _RefError as e:
                node.problem = self._fail(key, e.kind, f"{e.message}：{formula}")
                node.refs, node.deps = [], []
                return node
            node.refs.append(ref)
            for r, c in self.index(ref.sheet).formulas_in(ref):
                deps[(ref.sheet, r, c)] = None
        node.deps = list(deps)
        return node

    def _compile(self, node: _Node) -> None:
        """The node's compiled formula and inputs: shared with the cells of its shape.

        A column filled down (``=F5/E5``, ``=F6/E6``, …; shared formulas as Excel
        stores them) compiles once: the compiled function is called with each
        cell's own areas.  A text whose references cannot be matched one for one
        with the engine's inputs is compiled on its own.
        """
        _sheet, row, col = node.key
        tokens = _tokens(node.text)
        shape_key = _shape_key(node.text, tokens, row, col)
        shape = self.shapes.get(shape_key)
        if shape is None:
            compiled = self.engine.compile(node.text)
            slots = _slots(compiled, tokens, row, col)
            node.compiled = compiled
            node.inputs = tuple(compiled.inputs)
            if slots is not None:
                self.shapes[shape_key] = _Shape(compiled, slots)
            return
        self.shared += 1
        node.compiled = shape.compiled
        node.inputs = tuple(tokens[i].name for i in shape.slots)

    def _resolve(self, key: str, here: str) -> _Ref:
        if not isinstance(key, str) or "(" in key or "," in key or " " in key.split("!")[-1]:
            raise _RefError("reference", f"不支持的引用 {key}（联合或交叉区域）")
        sheet_text, ref_text = _split_sheet(key)
        if sheet_text is not None and ("[" in sheet_text or "]" in sheet_text):
            raise _RefError("external", f"引用了其他工作簿的单元格 {key}，无法重算")
        m = _REF.match(ref_text)
        if m is None:
            if ref_text.startswith("#"):
                raise _RefError("reference", f"引用无效 {key}")
            raise _RefError("name", f"使用了名称 {key}（定义的名称暂不支持），无法重算")
        if sheet_text is None:
            name = here
        else:
            found = self.by_upper.get(sheet_text.upper())
            if found is None:
                raise _RefError("reference", f"引用的工作表“{sheet_text}”不存在")
            name = found.name
        g = m.groupdict()
        bounded = False
        if g["c1"]:
            top, left = int(g["r1"]), column_index(g["c1"])
            bottom, right = (int(g["r2"]), column_index(g["c2"])) if g["c2"] else (top, left)
        elif g["cc1"]:
            idx = self.index(name)
            left, right = column_index(g["cc1"]), column_index(g["cc2"])
            top, bottom, bounded = 1, idx.max_row, True
        else:
            idx = self.index(name)
            top, bottom = int(g["rr1"]), int(g["rr2"])
            left, right, bounded = 1, idx.max_col, True
        top, bottom = min(top, bottom), max(top, bottom)
        left, right = min(left, right), max(left, right)
        if not (1 <= top and bottom <= MAX_ROW and 1 <= left and right <= MAX_COL):
            raise _RefError("reference", f"引用无效 {key}")
        ref = _Ref(key, name, top, left, bottom, right, bounded)
        if ref.cells > MAX_AREA_CELLS:
            raise _RefError("size", f"引用区域 {key} 过大（{ref.cells} 个单元格），未重算")
        return ref

    # -- evaluation order ------------------------------------------------------------------------

    def run(self, targets: Sequence[CellKey]) -> None:
        """Tarjan's SCC over the formula cells reachable from ``targets``, iteratively.

        Components come out dependencies first: each is evaluated as it is found.
        """
        index: dict[CellKey, int] = {}
        low: dict[CellKey, int] = {}
        stack: list[CellKey] = []
        on_stack: set[CellKey] = set()
        counter = 0
        for t in targets:
            if t in index:
                continue
            index[t] = low[t] = counter
            counter += 1
            stack.append(t)
            on_stack.add(t)
            work: list[tuple[CellKey, Any]] = [(t, iter(self.node(t).deps))]
            while work:
                v, it = work[-1]
                pushed = False
                for w in it:
                    if w not in index:
                        index[w] = low[w] = counter
                        counter += 1
                        stack.append(w)
                        on_stack.add(w)
                        work.append((w, iter(self.node(w).deps)))
                        pushed = True
                        break
                    if w in on_stack:
                        low[v] = min(low[v], index[w])
                if pushed:
                    continue
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[v])
                if low[v] == index[v]:
                    scc: list[CellKey] = []
                    while True:
                        w = stack.pop()
                        on_stack.discard(w)
                        scc.append(w)
                        if w == v:
                            break
                    self._component(scc)

    def _component(self, scc: list[CellKey]) -> None:
        if len(scc) == 1 and scc[0] not in self.nodes[scc[0]].deps:
            self._evaluate(self.nodes[scc[0]])
            return
        members = set(scc)
        path = self._cycle_path(scc[-1], members)
        text = " → ".join(f"{s}!{address(r, c)}" for s, r, c in path)
        if len(scc) > len(path) - 1:
            text += f"（循环中共 {len(scc)} 个单元格）"
        for key in sorted(scc, key=self._order):
            node = self.nodes[key]
            if node.problem is None:
                node.problem = self._fail(key, "cycle", f"循环引用：{text}")
            self._store(key, ExcelError(_PROBLEM_ERROR["cycle"]))

    def _cycle_path(self, start: CellKey, members: set[CellKey]) -> list[CellKey]:
        """A shortest cycle through ``start`` inside its component (breadth first)."""
        prev: dict[CellKey, CellKey] = {}
        frontier = [start]
        seen = {start}
        while frontier:
            nxt: list[CellKey] = []
            for v in frontier:
                for w in self.nodes[v].deps:
                    if w not in members:
                        continue
                    if w == start:
                        path = [v]
                        while path[-1] != start:
                            path.append(prev[path[-1]])
                        path.reverse()
                        return [*path, start]
                    if w not in seen:
                        seen.add(w)
                        prev[w] = v
                        nxt.append(w)
            frontier = nxt
        return [start, start]  # pragma: no cover - a component always has a cycle

    def _order(self, key: CellKey) -> tuple[int, int, int]:
        return (self.position.get(key[0], len(self.position)), key[1], key[2])

    def _store(self, key: CellKey, value: Any) -> None:
        self.out.values[key] = value
        self.out.evaluated.append(key)

    def _evaluate(self, node: _Node) -> None:
        key = node.key
        if node.problem is not None:
            self._store(key, ExcelError(_PROBLEM_ERROR[node.problem.kind]))
            return
        for d in node.deps:
            root = d if d in self.problem_of else self.out.blocked.get(d)
            if root is not None:
                self.out.blocked[key] = root
                break
        volatile = self.out.volatile
        if any(d in volatile for d in node.deps) or _VOLATILE.search(_STRING.sub("", node.text)):
            volatile.add(key)
        areas = [self._area(ref) for ref in node.refs if ref is not None]
        at = CellRef(key[0], key[1], key[2])
        value, failures = self.engine.evaluate(node.compiled, areas, at)
        if failures:
            formula = self.by_name[key[0]].formulas[(key[1], key[2])]
            node.problem = self._fail(key, "udf", f"{'；'.join(failures)}：{formula}")
        self._store(key, value)

    def _area(self, ref: _Ref) -> Area:
        sheet = self.by_name[ref.sheet]
        cells, formulas, values = sheet.cells, sheet.formulas, self.out.values
        name = ref.sheet
        subtotals: list[tuple[int, int]] = []
        rows: list[tuple[Any, ...]] = []
        for r in range(ref.top, ref.bottom + 1):
            row: list[Any] = []
            for c in range(ref.left, ref.right + 1):
                if (r, c) in formulas:
                    row.append(values.get((name, r, c)))
                    if "SUBTOTAL(" in formulas[(r, c)].upper():
                        subtotals.append((r, c))
                else:
                    row.append(_input_value(cells.get((r, c))))
            rows.append(tuple(row))
        return Area(
            key=ref.key,
            sheet=name,
            top=ref.top,
            left=ref.left,
            bottom=ref.bottom,
            right=ref.right,
            values=tuple(rows),
            subtotals=frozenset(subtotals),
            bounded=ref.bounded,
        )


def form_targets(grid: Grid, settings: Settings | None = None) -> tuple[list[CellKey], list[str]]:
    """Every formula cell of the sheets that read as forms, and those sheets' names.

    Only sheets with formulas are read (a workbook of 300 sheets of figures costs
    nothing here); the summary sheet budgetlint's annotate added is never a form.
    """
    from budgetlint.forms import read_sheet

    targets: list[CellKey] = []
    forms: list[str] = []
    for sheet in grid.sheets:
        if not sheet.formulas or sheet.name in grid.added_sheets:
            continue
        if read_sheet(sheet, settings).status != "form":
            continue
        forms.append(sheet.name)
        targets.extend((sheet.name, r, c) for r, c in sorted(sheet.formulas))
    return targets, forms


def recompute_grid(
    grid: Grid,
    settings: Settings | None = None,
    *,
    cells: Iterable[CellRef | CellKey] | None = None,
    engine: Engine | None = None,
) -> Recalc:
    """Recompute the formula cells of ``grid``'s forms (or ``cells``) and their precedents.

    ``cells`` picks the targets instead (cells that hold no formula are skipped);
    ``engine`` defaults to :func:`budgetlint.hosts.formulas_host.default_engine`
    (the ``formulas`` package with :data:`budgetlint.udfs.FUNCTIONS`), created
    only when there is a formula to evaluate.
    """
    recalc = Recalc()
    if cells is None:
        recalc.targets, recalc.form_sheets = form_targets(grid, settings)
    else:
        recalc.targets = _normalise_targets(grid, cells)
    if not recalc.targets:
        return recalc
    if engine is None:
        from budgetlint.hosts.formulas_host import default_engine

        engine = default_engine()
    before = getattr(engine, "compiled", 0)
    ev = _Evaluator(grid, engine, recalc)
    ev.run(recalc.targets)
    recalc.compiled = getattr(engine, "compiled", 0) - before
    recalc.problems = sorted(ev.problem_of.values(), key=lambda p: ev._order(p.key))
    problem_keys = set(ev.problem_of)
    for key in sorted(recalc.values, key=ev._order):
        if key in problem_keys or key in recalc.blocked:
            continue
        sheet = ev.by_name[key[0]]
        rc = (key[1], key[2])
        new = recalc.values[key]
        if rc not in sheet.cells:
            recalc.filled.append(key)
        elif not same_value(sheet.cells[rc], new):
            recalc.stale[key] = (sheet.cells[rc], new)
    log.info(
        "recomputed %d cells (%d targets), %d compiled, %d problems",
        len(recalc.evaluated),
        len(recalc.targets),
        recalc.compiled,
        len(recalc.problems),
    )
    return recalc


def _normalise_targets(grid: Grid, cells: Iterable[CellRef | CellKey]) -> list[CellKey]:
    by_name = {s.name: s for s in grid.sheets}
    by_fold = {s.name.casefold(): s for s in grid.sheets}
    out: dict[CellKey, None] = {}
    for c in cells:
        name, row, col = (c.sheet, c.row, c.col) if isinstance(c, CellRef) else c
        sheet = by_name.get(name) or by_fold.get(name.casefold())
        if sheet is None:
            raise KeyError(f"没有名为“{name}”的工作表")
        if (row, col) in sheet.formulas:
            out[(sheet.name, row, col)] = None
    return list(out)


# --- the summary a user reads ---------------------------------------------------------------------


def summary_lines(recalc: Recalc, *, limit: int = 20) -> list[str]:
    """A Chinese summary: cells recomputed, changed (with the first ``limit``), problems."""
    lines: list[str] = []
    n_targets = len(recalc.targets)
    extra = len(recalc.evaluated) - len({*recalc.targets} & {*recalc.values})
    if not n_targets:
        lines.append("没有需要重算的公式单元格（未找到含公式的自评表）")
        return lines
    where = f"（{len(recalc.form_sheets)} 张自评表）" if recalc.form_sheets else ""
    head = f"重算公式单元格 {n_targets} 个{where}"
    if extra > 0:
        head += f"，另重算其引用的公式单元格 {extra} 个"
    changed = len(recalc.stale) + len(recalc.filled)
    head += f"；值有变化 {changed} 个"
    if changed:
        head += f"（缓存值过期 {len(recalc.stale)} 个，原无缓存值 {len(recalc.filled)} 个）"
    lines.append(head)
    shown = 0
    for key, (old, new) in recalc.stale.items():
        if shown >= limit:
            break
        lines.append(f"  {key[0]}!{address(key[1], key[2])}  {show(old)} → {show(new)}")
        shown += 1
    for key in recalc.filled:
        if shown >= limit:
            break
        lines.append(
            f"  {key[0]}!{address(key[1], key[2])}  （无缓存值）→ {show(recalc.values[key])}"
        )
        shown += 1
    if changed > shown:
        lines.append(f"  …另有 {changed - shown} 个")
    if recalc.problems:
        lines.append(f"无法重算 {len(recalc.problems)} 个（不写入，保留原值）：")
        lines.extend(f"  {p}" for p in recalc.problems[:limit])
        if len(recalc.problems) > limit:
            lines.append(f"  …另有 {len(recalc.problems) - limit} 个")
    if recalc.blocked:
        lines.append(f"另有 {len(recalc.blocked)} 个单元格引用了无法重算的单元格，不写入")
    return lines


# --- files -------------------------------------------------------------------------------------

#: The file types ``recompute`` writes (a patched Office Open XML package).
WRITABLE_SUFFIXES = (".xlsx", ".xlsm")


class RecomputeError(Exception):
    """A workbook ``recompute`` refuses (its type cannot be written); the message is Chinese."""


def default_output(path: str | Path) -> Path:
    """Where ``recompute FILE`` writes without ``-o``: ``名称.recomputed.xlsx`` beside the input."""
    p = Path(path)
    return p.with_name(f"{p.stem}.recomputed{p.suffix}")


def recompute_file(
    src: str | Path,
    dst: str | Path | None = None,
    *,
    settings: Settings | None = None,
    in_place: bool = False,
    full_calc_on_load: bool = False,
    engine: Engine | None = None,
) -> tuple[Recalc, WriteStats | None]:
    """Read ``src``, recompute its forms' formula cells and write the changed values.

    With ``dst`` the values go into a copy at ``dst``; with ``in_place`` into
    ``src`` itself (after a backup ``name.bak.xlsx``, replaced atomically, and
    only when something changed); with neither nothing is written (a dry run).
    Only the changed, reliable cells are written (:attr:`Recalc.changed`);
    problem and blocked cells keep their cached values.

    The workbook's calculation properties stay as they are unless
    ``full_calc_on_load``: the point of recomputing is a file whose stored values
    are right for every reader that does not calculate (this checker, pandas,
    previewers, WPS on a phone), and Excel keeps its own rule — it recalculates
    on open a file whose ``calcId`` is older than its engine, which is the case
    for files written by other programs.  Forcing a full recalculation on every
    open would mark each opened workbook as changed (a save prompt) and, on a
    machine without the budgetlint add-in, turn every ``[1]!BL_…`` cell into
    ``#NAME?`` and save that; ``full_calc_on_load`` is for a workbook whose other
    formula cells (not recomputed here) are stale too.

    Raises :class:`budgetlint.hosts.ReadError` for an unreadable workbook,
    :class:`RecomputeError` for a type that cannot be written and
    :class:`budgetlint.annotate.AnnotateError` when the output cannot be written.
    """
    from budgetlint.hosts import Limits, read_workbook

    p = Path(src)
    writing = dst is not None or in_place
    if writing and p.suffix.lower() not in WRITABLE_SUFFIXES:
        raise RecomputeError(
            f"{p}: 只能把重算结果写回 .xlsx 或 .xlsm 文件（不支持 {p.suffix or '无扩展名'}）；"
            "请先另存为 .xlsx，或加 --dry-run 只查看重算结果"
        )
    grid = read_workbook(p, Limits.from_settings(settings))
    recalc = recompute_grid(grid, settings, engine=engine)
    if not writing:
        return recalc, None
    from budgetlint.annotate.values import write_values, write_values_in_place

    changed = recalc.changed
    if in_place:
        return recalc, write_values_in_place(p, changed, full_calc_on_load=full_calc_on_load)
    assert dst is not None
    return recalc, write_values(p, dst, changed, full_calc_on_load=full_calc_on_load)


__all__ = [
    "Area",
    "CellKey",
    "Engine",
    "ExcelError",
    "FormulaSyntaxError",
    "Problem",
    "Recalc",
    "RecomputeError",
    "default_output",
    "engine_text",
    "excel_serial",
    "form_targets",
    "recompute_file",
    "recompute_grid",
    "same_value",
    "serial_datetime",
    "summary_lines",
]
