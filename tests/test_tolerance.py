"""The calibration of FORMS.md as properties: what printed decimals explain is never an error.

- a value printed as the half-up rounding of its exact value agrees (no finding);
- cut at the second decimal or finer it is at most a note;
- a total printed as the rounding of its exact terms, over terms each printed as
  their own rounding, is at most a note;
- and the limits hold: a cut to a whole number, a rounding the wrong way, a total
  off by 1 over exact terms are errors.
"""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from hypothesis import given
from hypothesis import strategies as st

from budgetlint.findings import Severity
from budgetlint.grid import CellRef
from budgetlint.model import Field, FormS, FundBlock, FundRow
from budgetlint.rules import REGISTRY
from budgetlint.rules.base import RuleContext
from budgetlint.settings import Settings
from budgetlint.tolerance import Verdict, compare, judge, judge_sum


def rounded(x: float, d: int, how: str = ROUND_HALF_UP) -> float:
    return float(Decimal(repr(x)).quantize(Decimal(1).scaleb(-d), rounding=how))


def field(row: int, col: int, v: float, d: int, *, computed: bool = True) -> Field[float]:
    return Field(CellRef("S", row, col), v, v, d, computed=computed)


exact = st.floats(min_value=0.0, max_value=100000.0, allow_nan=False, allow_infinity=False)


@given(exact, st.integers(min_value=0, max_value=4))
def test_the_half_up_rounding_agrees(x: float, d: int) -> None:
    assert compare(rounded(x, d), x, d) is Verdict.OK


@given(exact, st.integers(min_value=2, max_value=4))
def test_a_cut_at_the_second_decimal_or_finer_is_at_most_a_note(x: float, d: int) -> None:
    assert compare(rounded(x, d, ROUND_DOWN), x, d) in (Verdict.OK, Verdict.ROUNDING)


@given(
    st.lists(
        st.tuples(
            st.sampled_from([2.0, 5.0, 10.0, 15.0, 20.0]),  # weight
            st.floats(min_value=0.0, max_value=1.0),  # achieved share
            st.integers(min_value=1, max_value=2),  # printed decimals of the score
        ),
        min_size=1,
        max_size=12,
    ),
    st.integers(min_value=0, max_value=2),
)
def test_a_total_of_rounded_terms_is_at_most_a_note(
    rows: list[tuple[float, float, int]], total_decimals: int
) -> None:
    exact_scores = [w * share for w, share, _ in rows]
    terms = [
        field(10 + i, 8, rounded(s, d), d)
        for i, (s, (_, _, d)) in enumerate(zip(exact_scores, rows, strict=True))
    ]
    total = field(30, 8, rounded(sum(exact_scores), total_decimals), total_decimals)
    printed_sum = sum(t.value or 0.0 for t in terms)
    assert judge_sum(total, terms, printed_sum) in (Verdict.OK, Verdict.ROUNDING)


def _fund(budget: float, executed: float, rate: float, score: float) -> FormS:
    row = FundRow(
        kind="total",
        label=Field(CellRef("S", 8, 2), "年度资金总额", "年度资金总额"),
        budget=field(8, 4, budget, 2, computed=False),
        executed=field(8, 5, executed, 2, computed=False),
        weight=field(8, 6, 10.0, 0, computed=False),
        rate=field(8, 7, rate, 2),
        score=field(8, 8, score, 2),
    )
    return FormS(sheet="S", family="national", fund=FundBlock(rows=[row]))


@given(
    st.integers(min_value=1, max_value=10**9),
    st.floats(min_value=0.0, max_value=1.0),
    st.sampled_from([ROUND_HALF_UP, ROUND_DOWN]),
)
def test_a_fund_block_within_its_printed_rounding_raises_no_more_than_a_note(
    budget_cents: int, share: float, how: str
) -> None:
    budget = budget_cents / 100
    executed = rounded(budget * share, 2)
    rate = rounded(executed / budget, 2, how)
    score = rounded(10 * rate, 2, how)
    form = _fund(budget, executed, rate, score)
    ctx = RuleContext(Settings(), "national")
    for code in ("S101", "S102"):
        found = REGISTRY[code].run(form, ctx)
        assert all(f.severity is Severity.NOTE for f in found), found


def test_the_limits_of_rounding_are_errors() -> None:
    # 9 for 10 × 99.1 % = 9.91: cut to a whole number
    assert judge(field(5, 8, 9.0, 0), 9.91) is Verdict.WRONG
    # 10 for 10 × 5300 / 5830 = 9.09
    assert judge(field(5, 8, 10.0, 0), 10 * 5300 / 5830) is Verdict.WRONG
    # 2.16 for 2.1548 (corpus c04): rounded the wrong way
    assert judge(field(8, 5, 2.16, 2), 20 * 30.00 / 278.4449) is Verdict.WRONG
    # 86.19 % for 215457.6 / 250000 = 86.183 % (corpus e01)
    pct = Field(CellRef("S", 6, 7), "86.19%", 0.8619, 2, scale=100.0, sign="%", computed=True)
    assert judge(pct, 215457.6 / 250000) is Verdict.WRONG
    # 97.80 % for 97.8056 % (which rounds to 97.81 %): cut at the second decimal, a note
    cut = Field(CellRef("S", 6, 7), "97.80%", 0.978, 2, scale=100.0, sign="%", computed=True)
    assert judge(cut, 0.978056) is Verdict.ROUNDING
    # 99 over terms adding to exactly 100.00: 0.5 + 0.005 explained, not 1
    terms = [field(5, 8, 10.0, 2), *(field(10 + i, 8, 10.0, 0, computed=False) for i in range(9))]
    assert judge_sum(field(20, 8, 99.0, 0), terms, 100.0) is Verdict.WRONG


def test_huge_and_infinite_values_are_judged_not_crashed() -> None:
    # fuzzing found Decimal's 28 digits overflowing on 1e30 at two decimals
    from budgetlint.rules.helpers import rounded_as

    assert compare(1e30, 2e30, 2) is Verdict.WRONG
    assert compare(1e30, 1e30, 2) is Verdict.OK
    assert compare(1.0, float("inf"), 2) is Verdict.WRONG
    assert rounded_as(None, 1e30) == 1e30
