"""Rule parameters that differ between the layout families of form S.

Each family (see :mod:`budgetlint.families`) carries a :class:`FamilyParams`;
a finance bureau overrides any of them per family in ``[tool.budgetlint]``::

    [tool.budgetlint.families.twenty_eighty]
    fund_weight = 20
    qualitative_bands = "80-60"
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from typing import Any

#: Qualitative bands: share of the weight a 达成 / 部分达成 / 未达成 actual may earn.
QUALITATIVE_BANDS: dict[str, dict[str, tuple[float, float]]] = {
    # 达成 80–100 %, 部分达成 50–80 %, 未达成 0–50 %
    "80-50": {"达成": (0.8, 1.0), "部分达成": (0.5, 0.8), "未达成": (0.0, 0.5)},
    # 达成 80–100 %, 部分达成 60–80 %, 未达成 0–60 %
    "80-60": {"达成": (0.8, 1.0), "部分达成": (0.6, 0.8), "未达成": (0.0, 0.6)},
}


@dataclass(frozen=True)
class FamilyParams:
    """Scoring parameters of one family."""

    #: Points of the fund block (10 in the national form, 20 in the 市级 form).
    fund_weight: float = 10.0
    #: False for forms without 分值/得分/总分: only rates, sums and completeness are checked.
    scored: bool = True
    #: Fixed 一级 weights (e.g. 产出指标 50, 效益指标 30, 满意度指标 10); departing is a warning.
    level1_weights: dict[str, float] = field(default_factory=dict)
    #: Band set for 达成 / 部分达成 / 未达成 actuals, a key of QUALITATIVE_BANDS.
    qualitative_bands: str = "80-50"
    #: Upper-bound targets (≤X) missed: "ratio" = 分值 × X/actual;
    #: "excess" = 分值 × (1 − (actual − X)/X), floored at 0.
    upper_bound_formula: str = "ratio"
    #: Indicators without a 分值 column share their block's weight equally.
    equal_split: bool = False
    #: Indicators that do not apply are left out and the rest re-normalised to 100.
    renormalize_na: bool = False
    #: The total every form's weights must add up to.
    total_weight: float = 100.0

    def with_overrides(self, overrides: dict[str, Any]) -> FamilyParams:
        known = {f.name for f in fields(self)}
        unknown = set(overrides) - known
        if unknown:
            raise ValueError(f"unknown family parameter(s): {', '.join(sorted(unknown))}")
        if (
            "qualitative_bands" in overrides
            and overrides["qualitative_bands"] not in QUALITATIVE_BANDS
        ):
            raise ValueError(f"qualitative_bands must be one of {', '.join(QUALITATIVE_BANDS)}")
        if "upper_bound_formula" in overrides and overrides["upper_bound_formula"] not in (
            "ratio",
            "excess",
        ):
            raise ValueError('upper_bound_formula must be "ratio" or "excess"')
        return replace(self, **overrides)

    @property
    def bands(self) -> dict[str, tuple[float, float]]:
        return QUALITATIVE_BANDS[self.qualitative_bands]
