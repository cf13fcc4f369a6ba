"""Fuzzing the value parser and the reader with hypothesis (bounded: part of ``make test``).

- the value parser (:func:`parse_value`, :func:`parse_number`, :func:`meets`,
  :func:`normalize_text`) never raises, on any text or cell value, and what it
  types prints back (:func:`format_value`) to the same thing;
- the reader (:func:`read_sheet`, and :func:`check_grid` over it) never raises on a
  sheet of random cells: the real labels of the synonym tables (decorated as
  departments write them) mixed with numbers, value texts and any text at random
  places, with random merges, formats and notes; nor on the example workbooks'
  sheets after random edits (cells changed or cleared, rows inserted, deleted or
  swapped, merges added or removed).

The unbounded counterpart on mutated workbook files is ``make fuzz``
(tests/fuzz/fuzz_reader.py).  The regression tests at the end pin what the
fuzzing found.
"""

from __future__ import annotations

import math
import os
from functools import cache
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from budgetlint.checker import check_grid
from budgetlint.families import FAMILY_LIST
from budgetlint.forms import form_s, read_sheet
from budgetlint.grid import Grid, MergedRange, Sheet
from budgetlint.model import FormS
from budgetlint.settings import Settings
from budgetlint.values import (
    Kind,
    Number,
    Value,
    format_value,
    meets,
    normalize_text,
    parse_number,
    parse_value,
)

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.xlsx"))

#: ``BUDGETLINT_FUZZ_EXAMPLES=5000 pytest tests/test_fuzz_reader.py`` searches longer.
FUZZ = settings(
    max_examples=int(os.environ.get("BUDGETLINT_FUZZ_EXAMPLES", "200")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# --------------------------------------------------------------------------- #
# The value parser
# --------------------------------------------------------------------------- #

#: Characters the grammar reacts to, to reach deep into it more often than st.text() does.
_GRAMMAR = list(
    "0123456789０１９.．,，%％‰ +-－—–/\\~〜≈≥≤<>=≧≦﹦═＞＜＝&&且至到、"
    "万元亿千人次期项个天小时分年月日号份底末度前之以内上下左右约为及不低于超过少多"
    "达成预期指标目标未部分全完已实现无适用涉及及时提高合格优秀良好中差定性量正反向"
    "()（）[]【】{}:：;；。!！\"'“”‘’*＊★…\u3000\u00a0\u200b\ufeff\t\n"
)
_TERMS = st.sampled_from(
    [
        "≥",
        "≤",
        ">=",
        "<=",
        "不低于",
        "不超过",
        "约",
        "大于或等于",
        "以上",
        "以内",
        "左右",
        "&&",
        "至",
        "万元",
        "万人次",
        "亿",
        "百分比",
        "%",
        "年",
        "月",
        "日前",
        "2021",
        "12",
        "31",
        "1,016,500",
        "1 016 500",
        ".5",
        "0",
        "00",
        "9" * 30,
        "1e308",
        "达成预期指标",
        "部分",
        "未",
        "无",
        "—",
    ]
)
GRAMMAR_TEXT = st.one_of(
    st.text(st.sampled_from(_GRAMMAR), max_size=24),
    st.lists(st.one_of(_TERMS, st.text(st.sampled_from(_GRAMMAR), max_size=3)), max_size=8).map(
        "".join
    ),
)
ANY_TEXT = st.one_of(st.text(max_size=40), GRAMMAR_TEXT)
CELL_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(min_value=-1e6, max_value=1e6).map(lambda x: round(x, 2)),
    st.dates(),
    st.datetimes(),
    ANY_TEXT,
    # beyond any float: an integer cell of 400 digits (a host reads <v>99…9</v> as int)
    st.sampled_from([10**400, -(10**309), "9" * 400, "≥" + "9" * 400 + "%", "1&&" + "9" * 400]),
)


def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


@FUZZ
@given(CELL_VALUES, st.sampled_from(["target", "actual"]))
def test_parse_value_never_raises_and_reprints(raw: Any, role: Any) -> None:
    v = parse_value(raw, role=role)
    assert isinstance(v, Value) and isinstance(v.kind, Kind)
    if isinstance(raw, str):
        assert v.text == raw.strip() or v.kind is Kind.EMPTY
    text = format_value(v)
    assert isinstance(text, str)
    if v.kind is Kind.TEXT:
        return
    if v.date is not None and not 1900 <= v.date.year <= 2199:
        return  # a date cell of any year is a date; a date text only from 1900 to 2199
    back = parse_value(text, role="actual" if v.kind is Kind.NUMBER else "target")
    assert (back.kind, back.op, back.unit, back.upper_op, back.date, back.word) == (
        v.kind,
        v.op,
        v.unit,
        v.upper_op,
        v.date,
        v.word,
    ), (raw, text)
    assert _close(back.number, v.number), (raw, text)
    assert _close(back.upper, v.upper), (raw, text)


@FUZZ
@given(CELL_VALUES)
def test_parse_number_never_raises(raw: Any) -> None:
    n = parse_number(raw)
    if n is None:
        return
    assert isinstance(n, Number)
    assert math.isfinite(n.value) and math.isfinite(n.yuan)
    assert n.decimals >= 0
    if isinstance(raw, str):
        # what a text number says, it says again when printed with its decimals
        shown = f"{n.value * (100 if n.percent else 1):.{n.decimals}f}"
        again = parse_number(shown + ("%" if n.percent else "") + n.unit)
        assert again is not None and _close(again.value, n.value), (raw, shown)


@FUZZ
@given(ANY_TEXT)
def test_normalize_text_is_idempotent(raw: str) -> None:
    once = normalize_text(raw)
    assert normalize_text(once) == once


@FUZZ
@given(CELL_VALUES, CELL_VALUES)
def test_meets_never_raises(target: Any, actual: Any) -> None:
    assert meets(parse_value(target), parse_value(actual, role="actual")) in (True, False, None)


# --------------------------------------------------------------------------- #
# The reader
# --------------------------------------------------------------------------- #


def _real_labels() -> list[str]:
    labels: set[str] = set()
    for syns in (*form_s.FUND_COLUMNS.values(), *form_s.INDICATOR_COLUMNS.values()):
        labels.update(syns)
    for _, syns in form_s.FUND_ROWS:
        labels.update(syns)
    for syns in form_s.HEADER_FIELDS.values():
        labels.update(syns)
    labels.update(form_s.LEVEL_CANON)
    labels.update(form_s.LEVEL_CANON.values())
    for group in (
        form_s.TOTAL_LABELS,
        form_s.HEADER_TOTAL_LABELS,
        form_s.OTHER_HEADER_LABELS,
        form_s.GRADE_LABELS,
        form_s.GRADE_WORDS,
        form_s.TEXT_LABELS,
        form_s.HEADER_WORDS,
    ):
        labels.update(group)
    for fam in FAMILY_LIST:
        for group in fam.markers:
            labels.update(group)
        labels.update(fam.excludes)
    labels.update(
        {
            "项目支出绩效自评表",
            "部门整体支出绩效自评表",
            "年度总体目标",
            "预期目标",
            "实际完成情况",
            "项目资金(万元)",
            "单位：万元",
            "绩效指标(90分)",
            "年度绩效目标(80分)",
            "预算执行情况(10分)",
            "得分(10分*执行率)",
            "执行率(%)",
            "执行率(B/A)",
            "其中：当年财政拨款",
            "指标1：",
            "指标2",
            "……",
            "(≥**人)",
            "一级指标分值统一设置为：产出指标50分、效益指标30分",
            "【已说明】",
        }
    )
    return sorted(labels)


REAL_LABELS = _real_labels()
_DECORATIONS = st.sampled_from(
    ["", "", "", "：", ":", "(50分)", "（40分）", "20分", "(元)", "（万元）", "(%)", " ", "\n", "★"]
)
LABELS = st.builds(
    lambda pre, label, post: pre + label + post,
    st.sampled_from(["", "", "", "其中：", "指标1：", "1、", "(一)", " "]),
    st.sampled_from(REAL_LABELS),
    _DECORATIONS,
)
NUMBER_TEXTS = st.sampled_from(
    [
        "98%",
        "98.19",
        "100.00%",
        "1,016,500.00",
        "96.92 万元",
        "30 期",
        "≥90%",
        "≥60&&≤100",
        "2021年12月31日前",
        "达成预期指标",
        "及时",
        "—",
        "/",
        "无",
        "#DIV/0!",
        "#REF!",
        "#N/A",
        "10分",
        "优秀",
        "良好",
        "定量",
        "正向",
        "反向",
    ]
)
SHEET_VALUES = st.one_of(
    LABELS,
    LABELS,
    NUMBER_TEXTS,
    st.integers(min_value=-5, max_value=10**7),
    st.floats(min_value=-10.0, max_value=1e7).map(lambda x: round(x, 4)),
    st.sampled_from([0, 0.0, 1, 1.0, 0.5, 1.5, 100, 90, -0.0, 1e308, float("nan"), float("inf")]),
    CELL_VALUES,
)
FORMATS = st.sampled_from(
    ["0.00", "0%", "0.00%", "#,##0.00", "#,##0", "0.0", "@", "0.;", "[Red]0.00_);(0.00)", ".", "%"]
)


@st.composite
def merges(draw: st.DrawFn, max_row: int, max_col: int) -> MergedRange:
    r0 = draw(st.integers(1, max_row))
    c0 = draw(st.integers(1, max_col))
    r1 = draw(st.integers(r0, min(max_row + 2, r0 + 6)))
    c1 = draw(st.integers(c0, min(max_col + 2, c0 + 6)))
    return MergedRange(r0, c0, r1, c1)


@st.composite
def random_sheets(draw: st.DrawFn) -> Sheet:
    rows = draw(st.integers(1, 40))
    cols = draw(st.integers(1, 14))
    cell = st.tuples(st.integers(1, rows), st.integers(1, cols))
    sheet = Sheet(draw(st.sampled_from(["Sheet1", "自评表", "复核结果", ""])))
    sheet.cells = draw(st.dictionaries(cell, SHEET_VALUES, max_size=90))
    sheet.formats = draw(st.dictionaries(cell, FORMATS, max_size=20))
    sheet.formulas = draw(
        st.dictionaries(cell, st.sampled_from(["=B5/C5", "=SUM(A1:A3)"]), max_size=5)
    )
    sheet.notes = draw(
        st.dictionaries(cell, st.sampled_from(["【已说明】原因", "批注", ""]), max_size=4)
    )
    sheet.merged = draw(st.lists(merges(rows, cols), max_size=12))
    return sheet


@cache
def _example_sheets() -> tuple[Sheet, ...]:
    from budgetlint.hosts import read_workbook

    return tuple(s for p in EXAMPLES for s in read_workbook(p).sheets)


def _copy(sheet: Sheet) -> Sheet:
    return Sheet(
        sheet.name,
        cells=dict(sheet.cells),
        formulas=dict(sheet.formulas),
        formats=dict(sheet.formats),
        merged=list(sheet.merged),
        notes=dict(sheet.notes),
    )


def _shift_rows(sheet: Sheet, at: int, by: int) -> None:
    """Insert (``by`` > 0) or delete (``by`` < 0) rows at row ``at``, as Excel would."""

    def move(d: dict[tuple[int, int], Any]) -> dict[tuple[int, int], Any]:
        out = {}
        for (r, c), v in d.items():
            if by < 0 and at <= r < at - by:
                continue  # a deleted row
            out[(r + by if r >= at else r, c)] = v
        return out

    sheet.cells, sheet.formats = move(sheet.cells), move(sheet.formats)
    sheet.formulas, sheet.notes = move(sheet.formulas), move(sheet.notes)
    merged = []
    for m in sheet.merged:
        lo = m.min_row + by if m.min_row >= at else m.min_row
        hi = m.max_row + by if m.max_row >= at else m.max_row
        lo = max(lo, 1)
        if hi >= lo:
            merged.append(MergedRange(lo, m.min_col, hi, m.max_col))
    sheet.merged = merged


@st.composite
def edited_example_sheets(draw: st.DrawFn) -> Sheet:
    sheet = _copy(draw(st.sampled_from(_example_sheets())))
    rows, cols = max(sheet.max_row, 1), max(sheet.max_col, 1)
    cell = st.tuples(st.integers(1, rows + 2), st.integers(1, cols + 2))
    for _ in range(draw(st.integers(1, 12))):
        op = draw(
            st.sampled_from(
                [
                    "set",
                    "set",
                    "set",
                    "clear",
                    "insert",
                    "delete",
                    "swap",
                    "merge",
                    "unmerge",
                    "format",
                ]
            )
        )
        if op == "set":
            sheet.cells[draw(cell)] = draw(SHEET_VALUES)
        elif op == "clear" and sheet.cells:
            sheet.cells.pop(draw(st.sampled_from(sorted(sheet.cells))))
        elif op == "insert":
            _shift_rows(sheet, draw(st.integers(1, rows)), draw(st.integers(1, 3)))
        elif op == "delete":
            _shift_rows(sheet, draw(st.integers(1, rows)), -draw(st.integers(1, 3)))
        elif op == "swap":
            a, b = draw(st.integers(1, rows)), draw(st.integers(1, rows))
            sheet.cells = {
                ((b if r == a else a if r == b else r), c): v for (r, c), v in sheet.cells.items()
            }
        elif op == "merge":
            sheet.merged.append(draw(merges(rows, cols)))
        elif op == "unmerge" and sheet.merged:
            sheet.merged.pop(draw(st.integers(0, len(sheet.merged) - 1)))
        elif op == "format":
            sheet.formats[draw(cell)] = draw(FORMATS)
    return sheet


def _read_and_check(sheet: Sheet) -> None:
    read = read_sheet(sheet, Settings())
    assert read.status in ("form", "skipped", "unrecognized")
    assert (read.form is not None) == (read.status == "form")
    result = check_grid(Grid("fuzz.xlsx", [sheet]), Settings())
    assert result.error is None


@FUZZ
@given(random_sheets())
def test_reader_never_raises_on_random_cells(sheet: Sheet) -> None:
    _read_and_check(sheet)


@FUZZ
@given(edited_example_sheets())
def test_reader_never_raises_on_edited_examples(sheet: Sheet) -> None:
    _read_and_check(sheet)


# --------------------------------------------------------------------------- #
# Regressions: what the fuzzing found (values.py, forms/form_s.py)
# --------------------------------------------------------------------------- #

HUGE = "9" * 400  # <v>99…9</v>: a host reads it as an int of 400 digits, beyond any float


def test_a_number_beyond_any_float_is_no_number() -> None:
    """make fuzz: OverflowError (int too large to convert to float) in parse_number."""
    assert parse_number(10**400) is None
    assert parse_number(-(10**400)) is None
    assert parse_number(HUGE) is None
    assert parse_number(HUGE + "%") is None
    for raw in (10**400, -(10**400)):
        v = parse_value(raw)
        assert v.kind is Kind.TEXT and v.number is None
    for text in (HUGE, "≥" + HUGE + "%", "1&&" + HUGE, "≤" + "9" * 305 + "亿"):
        v = parse_value(text)
        assert v.kind is Kind.TEXT and v.number is None, text
    assert parse_value("9" * 300).number == float("9" * 300)  # big but finite: a number


def test_a_comparator_word_is_never_a_unit() -> None:
    """hypothesis: '0以上以上' typed as 0 with the unit 以上, printed back as a bare ≥0."""
    assert parse_value("0以上以上").kind is Kind.TEXT
    assert parse_value("5人以内以内").kind is Kind.TEXT
    assert (parse_value("90%以上").kind, parse_value("90%以上").op) == (Kind.PERCENT, ">=")
    assert (parse_value("3天内").unit, parse_value("3天内").op) == ("天", "<=")


def _fund_rate_cell(path: Path) -> tuple[str, str]:
    """(sheet part, address) of the first fund row's 执行率 cell of the workbook's first form."""
    from budgetlint.hosts import read_workbook

    for i, sheet in enumerate(read_workbook(path).sheets, start=1):
        form = read_sheet(sheet).form
        if form is not None and form.fund is not None:
            rate = form.fund.rows[0].rate
            if rate is not None and rate.ref is not None:
                return f"xl/worksheets/sheet{i}.xml", rate.ref.address
    raise AssertionError(f"{path.name}: no fund rate cell")


def test_a_400_digit_rate_cell_is_read_as_no_number(tmp_path: Path) -> None:
    """make fuzz: <v>99…9</v> in a rate cell crashed the reader (OverflowError in
    parse_number and in the percent-column test of the fund block)."""
    import re
    import zipfile

    from budgetlint.checker import check_file

    src = EXAMPLES[2]
    part, addr = _fund_rate_cell(src)
    with zipfile.ZipFile(src) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    xml = parts[part].decode("utf-8")
    cell = re.compile(rf'<c r="{addr}"[^>]*?(?:/>|>.*?</c>)', re.S)
    assert cell.search(xml), addr
    parts[part] = cell.sub(f'<c r="{addr}"><v>{HUGE}</v></c>', xml, count=1).encode("utf-8")
    mutant = tmp_path / src.name
    with zipfile.ZipFile(mutant, "w", zipfile.ZIP_DEFLATED) as z:
        for n, data in parts.items():
            z.writestr(n, data)
    result = check_file(mutant)
    assert result.error is None and not result.rule_failures
    form = next(s.form for s in result.sheets if s.form is not None and s.form.fund is not None)
    rate = form.fund.rows[0].rate  # type: ignore[union-attr]
    assert rate is not None and rate.value is None
    assert rate.ref is not None and rate.ref.address == addr


def test_a_huge_integer_in_a_rate_column_is_no_percent_column() -> None:
    """The percent-column test of the fund block compared abs(float(raw)): OverflowError."""
    sheet = _copy(next(s for s in _example_sheets() if isinstance(read_sheet(s).form, FormS)))
    read = read_sheet(sheet)
    assert isinstance(read.form, FormS) and read.form.fund is not None
    rate = read.form.fund.rows[0].rate
    assert rate is not None and rate.ref is not None
    sheet.cells[(rate.ref.row, rate.ref.col)] = 10**400
    again = read_sheet(sheet)
    assert again.form is not None and again.form.fund is not None
    assert again.form.fund.rows[0].rate.value is None  # type: ignore[union-attr]


# --------------------------------------------------------------------------- #
# make fuzz itself: its mutators and its worker's verdicts still work
# --------------------------------------------------------------------------- #


def test_the_fuzz_script_mutates_and_judges(tmp_path: Path) -> None:
    import random

    from tests.fuzz import fuzz_reader as fz

    fz._LABELS = fz._labels()
    rng = random.Random(0)
    kinds = set()
    for i in range(12):
        seed = EXAMPLES[i % len(EXAMPLES)]
        data, done = fz.mutate(rng, seed.read_bytes())
        assert done and isinstance(data, bytes)
        path = tmp_path / f"m{i}.xlsx"
        path.write_bytes(data)
        out = fz.check_one(path, None)
        assert out["kind"] in ("ok", "error", "crash", "unexpected", "rule", "memory"), out
        kinds.add(out["kind"])
        sig, owner = fz.signature(out)
        assert sig.startswith(out["kind"]) and owner
    assert kinds & {"ok", "error"}
    crash = {
        "kind": "crash",
        "tb": 'File "/x/src/budgetlint/values.py", line 9, in f\nValueError: x',
    }
    assert fz.signature(crash) == ("crash ValueError @ budgetlint/values.py:9", "values.py")
