"""Layout families of form S (项目支出绩效自评表).

A family is data: its name, the labels that identify it, and its rule
parameters.  The reader (:mod:`budgetlint.forms.form_s`) recognises a family by
its labels and maps every column to the same model.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from budgetlint.params import FamilyParams


@dataclass(frozen=True)
class Family:
    key: str
    name: str  # Chinese display name
    params: FamilyParams = field(default_factory=FamilyParams)


FAMILIES: dict[str, Family] = {
    f.key: f
    for f in (
        Family("national", "全国通用（元）"),
        Family("national_wan", "全国通用（万元）"),
        Family("split_target", "指标值分列"),
        Family("ten_ninety", "部门预算项目（10+90）"),
        Family("twenty_eighty", "市级项目（20+80）", FamilyParams(fund_weight=20.0, equal_split=True)),
        Family("transfer", "转移支付绩效目标自评表"),
        Family("no_score", "专项资金绩效目标自评表（无分值）", FamilyParams(scored=False)),
        Family("department", "部门整体支出绩效自评表"),
    )
}
