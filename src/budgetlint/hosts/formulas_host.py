"""The ``formulas`` package as the engine of :mod:`budgetlint.recompute`.

A thin adapter: it compiles one formula text at a time with ``formulas.Parser``
(never the whole-workbook ``ExcelModel``, which takes minutes on a big
workbook), calls the compiled function with the areas the core hands it, and
converts values between the core's plain Python values and what ``formulas``
uses inside (numpy object arrays, ``Ranges``, its ``EMPTY`` sentinel and its
``XlError`` tokens).

It registers, before anything is parsed (``formulas`` turns an unknown name
into ``#NAME?`` at parse time):

- every UDF of :data:`budgetlint.udfs.FUNCTIONS` (or the mapping given), each
  wrapped so that it receives the UDF contract's values (``None`` for a blank,
  an :class:`~budgetlint.udfs.ExcelError` for an error, a range as a list of
  rows, a date cell as a ``datetime``) and whose result is turned back;
- ``SUBTOTAL``, which ``formulas`` lacks: function numbers 1–11 and 101–111;
  cells of its ranges that hold a SUBTOTAL formula themselves are left out, as
  in Excel.  Hidden rows are not known to the grid, so 101–111 count them.

``formulas`` is imported when the first engine is made (1–3 s with its
function tables), i.e. only for a workbook that has formulas to evaluate.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
import statistics
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from budgetlint.grid import CellRef, address
from budgetlint.recompute import Area, FormulaSyntaxError, excel_serial
from budgetlint.udfs import ExcelError

#: ROW() and COLUMN() without an argument read the cell they are in: such a formula is
#: compiled for that cell (not shared through the cache by its text).
_SELF_REF = re.compile(r"\b(?:ROW|COLUMN)\s*\(\s*\)", re.IGNORECASE)
_STRING = re.compile(r'"(?:[^"]|"")*"')


class ExcelDate(float):
    """An Excel date serial that remembers the ``datetime`` it came from.

    Arithmetic inside ``formulas`` sees a float; a UDF receives the ``datetime``
    back (the UDF contract passes a date cell as a date, as xlwings does).
    """

    datetime: _dt.datetime

    def __new__(cls, value: _dt.datetime) -> ExcelDate:
        obj = super().__new__(cls, excel_serial(value))
        obj.datetime = value
        return obj


@dataclass
class FormulaFunction:
    """One compiled formula: the callable and what it reads."""

    text: str
    #: The references the callable takes, in the order it takes them, as ``formulas``
    #: names them (``D5``, ``G12:G14``, ``'SHEET 2'!A1``: sheet names upper-cased).
    inputs: tuple[str, ...]
    #: Functions called (upper case, without ``_xlfn.``).
    functions: frozenset[str]
    #: Functions called that neither ``formulas`` nor the registered UDFs provide.
    unsupported: tuple[str, ...]
    func: Any = field(repr=False)
    #: The formula reads its own cell (ROW() / COLUMN()): compiled per cell.
    per_cell: bool = False


class FormulasEngine:
    """Compile and evaluate formula texts with ``formulas`` (one instance per process is enough).

    ``functions`` maps Excel names to plain implementations (the UDF contract of
    :mod:`budgetlint.udfs`); by default :data:`budgetlint.udfs.FUNCTIONS`.
    Compiled functions are cached by formula text.
    """

    def __init__(self, functions: Mapping[str, Callable[..., Any]] | None = None) -> None:
        import formulas  # 1–3 s: only once a workbook has formulas to evaluate
        import numpy as np
        import schedula as sh
        from formulas.cell import CELL
        from formulas.functions import not_implemented, wrap_func
        from formulas.ranges import Ranges
        from formulas.tokens.operand import Error, XlError

        self._formulas = formulas
        self._np = np
        self._empty = sh.EMPTY
        self._cell_token = CELL
        self._ranges = Ranges
        self._errors = Error.errors
        self._xlerror = XlError
        self._not_implemented = not_implemented
        if functions is None:
            from budgetlint.udfs import FUNCTIONS

            functions = FUNCTIONS
        self.udfs: dict[str, Callable[..., Any]] = {k.upper(): v for k, v in functions.items()}
        self._registry = formulas.get_functions()
        #: What this engine registers; re-installed before each compile, as the registry
        #: is global to the process and another engine may have replaced an entry.
        self._own: dict[str, Any] = {"SUBTOTAL": wrap_func(self._subtotal, ranges=True)}
        for name, impl in self.udfs.items():
            self._own[name] = wrap_func(self._udf_adapter(name, impl))
        self._cache: dict[str, FormulaFunction] = {}
        self._per_cell: dict[tuple[str, int, int], Any] = {}
        #: Cells left out of SUBTOTAL during the current evaluation: (sheet id, row, col).
        self._exclude: set[tuple[str, int, int]] = set()
        #: UDF failures during the current evaluation (Chinese, one line each).
        self._failures: list[str] = []
        #: Formulas compiled so far (cache misses).
        self.compiled = 0

    # -- compiling -----------------------------------------------------------------------

    def compile(self, text: str) -> FormulaFunction:
        """Compile ``text`` (``=…``); :class:`FormulaSyntaxError` when ``formulas`` cannot parse it."""
        hit = self._cache.get(text)
        if hit is not None:
            return hit
        self._registry.update(self._own)
        try:
            tokens, builder = self._formulas.Parser().ast(text)
            func = builder.compile()
        except Exception as e:  # FormulaError, TokenError, and whatever a parser bug raises
            raise FormulaSyntaxError(_syntax_reason(e)) from None
        names: set[str] = set()
        missing: list[str] = []
        for t in tokens:
            if type(t).__name__ != "Function":
                continue
            name = str(t.name).upper()
            plain = name.removeprefix("_XLFN.").removeprefix("_XLWS.")
            names.add(plain)
            impl = self._registry[name] if name in self._registry else None
            if (impl is None or impl is self._not_implemented) and plain not in missing:
                missing.append(plain)
        inputs = tuple(k if isinstance(k, str) else repr(k) for k in func.inputs)
        compiled = FormulaFunction(
            text=text,
            inputs=inputs,
            functions=frozenset(names),
            unsupported=tuple(missing),
            func=func,
            per_cell=bool(_SELF_REF.search(_STRING.sub('""', text))),
        )
        self._cache[text] = compiled
        self.compiled += 1
        return compiled

    def _cell_func(self, compiled: FormulaFunction, at: CellRef) -> Any:
        key = (compiled.text, at.row, at.col)
        func = self._per_cell.get(key)
        if func is None:
            self._registry.update(self._own)
            _tokens, builder = self._formulas.Parser().ast(compiled.text)
            func = builder.compile(**{self._cell_token: self._ranges().push(at.address)})
            self._per_cell[key] = func
            self.compiled += 1
        return func

    # -- evaluating ----------------------------------------------------------------------

    def evaluate(
        self, compiled: FormulaFunction, areas: Sequence[Area], at: CellRef
    ) -> tuple[Any, tuple[str, ...]]:
        """The value of ``compiled`` at ``at`` given its input areas (in ``compiled.inputs`` order).

        Returns the value (float, int, bool, str or ExcelError; a blank result is 0
        as in Excel) and the failures of UDFs it called (Chinese, one line each).
        """
        self._exclude = set()
        self._failures = []
        args = [self._area(a) for a in areas]
        func = self._cell_func(compiled, at) if compiled.per_cell else compiled.func
        try:
            result = func(*args)
        except Exception as e:  # a bug inside formulas: the cell is an error, reported
            return ExcelError("#VALUE!"), (f"公式计算出错（{type(e).__name__}: {e}）",)
        finally:
            self._exclude = set()
        failures = tuple(self._failures)
        self._failures = []
        return self._result(result), failures

    def _area(self, area: Area) -> Any:
        np = self._np
        arr = np.empty((len(area.values), len(area.values[0]) if area.values else 0), object)
        for i, row in enumerate(area.values):
            for j, v in enumerate(row):
                arr[i, j] = self._to_engine(v)
        name = area.key
        if area.bounded:
            prefix = name[: name.rindex("!") + 1] if "!" in name else ""
            name = f"{prefix}{address(area.top, area.left)}:{address(area.bottom, area.right)}"
        rng = self._ranges().push(name, arr)
        if area.subtotals:
            sheet_id = rng.ranges[0].get("sheet_id", "")
            self._exclude.update((sheet_id, r, c) for r, c in area.subtotals)
        return rng

    def _to_engine(self, v: Any) -> Any:
        if v is None:
            return self._empty
        if isinstance(v, ExcelError):
            return self._error(v.code)
        if isinstance(v, _dt.datetime):
            return ExcelDate(v)
        if isinstance(v, _dt.date):
            return ExcelDate(_dt.datetime(v.year, v.month, v.day))
        if isinstance(v, _dt.time):
            return (v.hour * 3600 + v.minute * 60 + v.second + v.microsecond / 1e6) / 86400
        if isinstance(v, _dt.timedelta):
            return v.total_seconds() / 86400
        return v

    def _error(self, code: str) -> Any:
        err = self._errors.get(code)
        return err if err is not None else self._xlerror(code)

    def _scalar(self, v: Any) -> Any:
        """A value of formulas' as one plain value (the top-left of an array)."""
        np = self._np
        if isinstance(v, self._ranges):
            v = v.value
        if isinstance(v, np.ndarray):
            v = v.item() if v.shape == () else (v.flat[0] if v.size else self._empty)
        return v

    def _result(self, raw: Any) -> Any:
        v = self._scalar(raw)
        if v is self._empty:
            return 0.0
        return self._plain(v)

    def _plain(self, v: Any) -> Any:
        """One of formulas' scalars as a plain value (EMPTY -> None)."""
        np = self._np
        if v is self._empty:
            return None
        if isinstance(v, self._xlerror):
            return ExcelError(str(v))
        if isinstance(v, ExcelDate):
            return float(v)
        if isinstance(v, bool | np.bool_):
            return bool(v)
        if isinstance(v, int | np.integer):
            return int(v)
        if isinstance(v, float | np.floating):
            x = float(v)
            return x if math.isfinite(x) else ExcelError("#NUM!")
        if isinstance(v, str):
            return v
        return ExcelError("#VALUE!")

    # -- UDFs ------------------------------------------------------------------------------

    def _udf_arg(self, v: Any) -> Any:
        """An argument as the UDF contract has it: a scalar, or a range as a list of rows."""
        np = self._np
        if isinstance(v, self._ranges):
            v = v.value
        if isinstance(v, np.ndarray):
            if v.shape == () or v.size == 1:
                return self._udf_scalar(v.item() if v.shape == () else v.flat[0])
            rows = v if v.ndim == 2 else v.reshape(1, -1)
            return [[self._udf_scalar(x) for x in row] for row in rows]
        return self._udf_scalar(v)

    def _udf_scalar(self, v: Any) -> Any:
        if isinstance(v, ExcelDate):
            return v.datetime
        return self._plain(v)

    def _from_udf(self, name: str, v: Any) -> Any:
        if isinstance(v, ExcelError):
            return self._error(v.code)
        if v is None:
            return ""
        if isinstance(v, bool | str):
            return v
        if isinstance(v, int | float):
            return v if math.isfinite(v) else self._errors["#NUM!"]
        if isinstance(v, _dt.datetime | _dt.date):
            return excel_serial(v)
        self._failures.append(f"函数 {name} 返回了无法写入单元格的值（{type(v).__name__}）")
        return self._errors["#VALUE!"]

    def _udf_adapter(self, name: str, impl: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any) -> Any:
            try:
                out = impl(*(self._udf_arg(a) for a in args))
            except Exception as e:  # a UDF bug: #VALUE! as Excel shows it, and reported
                self._failures.append(f"函数 {name} 出错（{type(e).__name__}: {e}）")
                return self._errors["#VALUE!"]
            return self._from_udf(name, out)

        call.__name__ = name
        return call

    # -- SUBTOTAL ----------------------------------------------------------------------------

    def _subtotal(self, function_num: Any, *refs: Any) -> Any:
        num = self._plain(self._scalar(function_num))
        if isinstance(num, ExcelError):
            return self._error(num.code)
        try:
            n = int(float(num))
        except (TypeError, ValueError):
            return self._errors["#VALUE!"]
        kind = n - 100 if n > 100 else n
        if not 1 <= kind <= 11 or n in (0, 12, 100):
            return self._errors["#VALUE!"]
        values: list[Any] = []
        for ref in refs:
            if isinstance(ref, self._ranges):
                for rng in ref.ranges:
                    block = self._ranges((rng,), ref.values).value
                    sid, r1, c1 = rng.get("sheet_id", ""), int(rng["r1"]), int(rng["n1"])
                    for i, row in enumerate(block):
                        for j, v in enumerate(row):
                            if (sid, r1 + i, c1 + j) not in self._exclude:
                                values.append(v)
            else:
                arr = self._np.asarray(ref, object)
                values.extend(arr.ravel().tolist())
        plain = [self._plain(v) for v in values]
        for v in plain:
            if isinstance(v, ExcelError):
                return self._error(v.code)
        out = subtotal(kind, plain)
        return self._error(out.code) if isinstance(out, ExcelError) else out


def subtotal(kind: int, values: Sequence[Any]) -> float | int | ExcelError:
    """SUBTOTAL's function ``kind`` (1–11) over the plain values of its ranges.

    Numbers count (text, booleans and blanks in a range do not), except for
    COUNTA (3), which counts every non-blank value, ``""`` included.
    """
    if kind == 3:
        return sum(1 for v in values if v is not None)
    nums = [float(v) for v in values if isinstance(v, int | float) and not isinstance(v, bool)]
    if kind == 2:
        return len(nums)
    if kind == 9:
        return math.fsum(nums)
    if kind == 1:
        return math.fsum(nums) / len(nums) if nums else ExcelError("#DIV/0!")
    if kind == 4:
        return max(nums) if nums else 0.0
    if kind == 5:
        return min(nums) if nums else 0.0
    if kind == 6:
        return math.prod(nums) if nums else 0.0
    if kind in (7, 10):
        if len(nums) < 2:
            return ExcelError("#DIV/0!")
        return statistics.stdev(nums) if kind == 7 else statistics.variance(nums)
    if kind in (8, 11):
        if not nums:
            return ExcelError("#DIV/0!")
        return statistics.pstdev(nums) if kind == 8 else statistics.pvariance(nums)
    return ExcelError("#VALUE!")


def _syntax_reason(e: Exception) -> str:
    text = str(e.args[0] % e.args[1:]) if len(e.args) > 1 and isinstance(e.args[0], str) else str(e)
    first = text.strip().splitlines()[0] if text.strip() else ""
    return "" if first.startswith("Not a valid formula") else first


_ENGINE: FormulasEngine | None = None


def default_engine() -> FormulasEngine:
    """One engine per process with :data:`budgetlint.udfs.FUNCTIONS` (its cache serves every file)."""
    global _ENGINE
    if _ENGINE is None:
        _ENGINE = FormulasEngine()
    return _ENGINE


__all__ = ["ExcelDate", "FormulaFunction", "FormulasEngine", "default_engine", "subtotal"]
