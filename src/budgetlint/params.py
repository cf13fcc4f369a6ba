"""Rule parameters that differ between the layout families of form S.

Each family (see :mod:`budgetlint.families`) carries a :class:`FamilyParams`;
a finance bureau overrides any of them per family in ``[tool.budgetlint]``::

    [tool.budgetlint.families.twenty_eighty]
    fund_weight = 20
    qualitative_bands = "80-60"

An override is type-checked (:meth:`FamilyParams.check_overrides`): a quoted
number, a bool where a number is due or an unknown band set raises
:class:`ParamError` naming the parameter.  The checkers for single values
(:func:`number`, :func:`boolean`, :func:`string`, …) are shared with
:mod:`budgetlint.settings`.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime, time
from typing import Any

#: Qualitative bands: share of the weight a 达成 / 部分达成 / 未达成 actual may earn.
QUALITATIVE_BANDS: dict[str, dict[str, tuple[float, float]]] = {
    # 达成 80–100 %, 部分达成 50–80 %, 未达成 0–50 %
    "80-50": {"达成": (0.8, 1.0), "部分达成": (0.5, 0.8), "未达成": (0.0, 0.5)},
    # 达成 80–100 %, 部分达成 60–80 %, 未达成 0–60 %
    "80-60": {"达成": (0.8, 1.0), "部分达成": (0.6, 0.8), "未达成": (0.0, 0.6)},
}
UPPER_BOUND_FORMULAS = ("ratio", "excess")


class ParamError(ValueError):
    """A value of the wrong type or out of range; ``key`` names it (dotted for nested keys).

    ``str(e)`` is the Chinese sentence ``"<key> 应为数字，实际为字符串 "0.5""``.
    """

    def __init__(self, key: str, message: str) -> None:
        super().__init__(f"{key} {message}")
        self.key = key
        self.message = message


# --- checking single values ------------------------------------------------------------

_MAX_SHOWN = 60


def toml_text(value: object) -> str:
    """``value`` written as TOML would write it (long arrays and tables shortened)."""
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, str):
        text = json.dumps(value, ensure_ascii=False)
    elif isinstance(value, float):
        text = repr(value) if math.isfinite(value) else str(value)
    elif isinstance(value, datetime | date | time):
        text = value.isoformat()
    elif isinstance(value, dict):
        text = "{" + ", ".join(f"{k} = {toml_text(v)}" for k, v in value.items()) + "}"
    elif isinstance(value, list | tuple):
        text = "[" + ", ".join(toml_text(v) for v in value) + "]"
    else:
        text = str(value)
    return text if len(text) <= _MAX_SHOWN else text[: _MAX_SHOWN - 1] + "…"


def describe(value: object) -> str:
    """The kind and text of a TOML value, in Chinese: ``字符串 "0.5"``, ``布尔值 true``."""
    if isinstance(value, bool):
        kind = "布尔值"
    elif isinstance(value, int | float):
        kind = "数字"
    elif isinstance(value, str):
        kind = "字符串"
    elif isinstance(value, datetime | date | time):
        kind = "日期时间"
    elif isinstance(value, dict):
        kind = "表"
    elif isinstance(value, list | tuple):
        kind = "数组"
    else:  # pragma: no cover - TOML has no other kinds
        kind = type(value).__name__
    return f"{kind} {toml_text(value)}"


def _wrong(key: str, want: str, value: object) -> ParamError:
    return ParamError(key, f"应为{want}，实际为{describe(value)}")


def number(key: str, value: object) -> float:
    """A finite number (an int is accepted); a bool, a string or nan/inf is an error."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _wrong(key, "数字", value)
    x = float(value)
    if not math.isfinite(x):
        raise _wrong(key, "有限的数字", value)
    return x


def number_in(key: str, value: object, ok: Callable[[float], bool], interval: str) -> float:
    """A finite number for which ``ok`` holds; else a ParamError saying it must lie in ``interval``."""
    x = number(key, value)
    if not ok(x):
        raise ParamError(key, f"应在 {interval} 之内，实际为 {toml_text(value)}")
    return x


def boolean(key: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise _wrong(key, "布尔值（true 或 false）", value)
    return value


def string(key: str, value: object, *, choices: Sequence[str] = (), nonempty: bool = False) -> str:
    """A string; one of ``choices`` when given; not blank when ``nonempty``."""
    if not isinstance(value, str):
        raise _wrong(key, "字符串", value)
    if choices and value not in choices:
        allowed = "、".join(json.dumps(c, ensure_ascii=False) for c in choices)
        raise ParamError(key, f"应为 {allowed} 之一，实际为{describe(value)}")
    if nonempty and not value.strip():
        raise _wrong(key, "非空字符串", value)
    return value


def string_list(key: str, value: object) -> list[str]:
    """An array of strings."""
    if not isinstance(value, list):
        raise _wrong(key, "字符串数组", value)
    return [string(f"{key}[{i}]", v) for i, v in enumerate(value)]


def table(key: str, value: object) -> dict[str, Any]:
    """A TOML table."""
    if not isinstance(value, dict):
        raise _wrong(key, "表", value)
    return value


def _weights(key: str, value: object) -> dict[str, float]:
    """A table of weights: {一级指标: points ≥ 0}."""
    out: dict[str, float] = {}
    for name, w in table(key, value).items():
        if not name.strip():
            raise ParamError(key, "中的指标名称不能为空")
        out[name] = _nonnegative(f"{key}.{name}", w)
    return out


def _nonnegative(key: str, value: object) -> float:
    return number_in(key, value, lambda x: x >= 0, "[0, +∞)")


def _positive(key: str, value: object) -> float:
    return number_in(key, value, lambda x: x > 0, "(0, +∞)")


# --- the parameters ------------------------------------------------------------------


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

    @classmethod
    def check_overrides(cls, overrides: object, where: str = "") -> dict[str, Any]:
        """``overrides`` type-checked and normalised (ints to floats).

        Raises :class:`ParamError` whose key is ``where`` + the parameter name
        (e.g. ``families.national.fund_weight``) for an unknown parameter, a
        value of the wrong type or out of range.
        """
        over = table(where.rstrip(".") or "overrides", overrides)
        out: dict[str, Any] = {}
        for name, value in over.items():
            check = _CHECKS.get(name)
            if check is None:
                known = "、".join(f.name for f in fields(cls))
                raise ParamError(f"{where}{name}", f"不是版式参数（可用的参数：{known}）")
            out[name] = check(f"{where}{name}", value)
        return out

    def with_overrides(self, overrides: dict[str, Any]) -> FamilyParams:
        """A copy with ``overrides`` applied; a bad override raises :class:`ParamError`."""
        return replace(self, **self.check_overrides(overrides))

    @property
    def bands(self) -> dict[str, tuple[float, float]]:
        return QUALITATIVE_BANDS[self.qualitative_bands]


#: How each parameter is checked, by FamilyParams field.
_CHECKS: dict[str, Callable[[str, object], Any]] = {
    "fund_weight": _nonnegative,
    "scored": boolean,
    "level1_weights": _weights,
    "qualitative_bands": lambda k, v: string(k, v, choices=tuple(QUALITATIVE_BANDS)),
    "upper_bound_formula": lambda k, v: string(k, v, choices=UPPER_BOUND_FORMULAS),
    "equal_split": boolean,
    "renormalize_na": boolean,
    "total_weight": _positive,
}
