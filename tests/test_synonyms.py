"""Shuffling label synonyms and spellings within a family does not change the model.

Each family workbook is read once; hypothesis then rewrites its label cells with
other synonyms of the same column (分值 → 权重, 偏差原因分析及改进措施 → 未完成原因分析,
总分 → 合计 …) and other spellings (spaces inside, full-width brackets, a
trailing colon, a line break), and the reader must produce the same model, with
the same cell addresses.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from budgetlint.build.families_s import EXPECTED
from budgetlint.forms.form_s import read_sheet
from budgetlint.grid import Sheet
from budgetlint.hosts import read_workbook
from budgetlint.inspect import form_dict
from budgetlint.text import norm
from tests.conftest import EXAMPLES, SEED_S

#: Groups of labels that mean the same column or row in every family.
GROUPS: tuple[tuple[str, ...], ...] = (
    ("分值", "权重", "分值权重", "指标权重(分)"),
    ("偏差原因分析及改进措施", "未完成原因分析", "未完成原因及拟采取的改进措施", "偏差原因分析"),
    ("总分", "合计", "自评得分"),
    ("执行率", "预算执行率"),
    ("时效指标", "进度指标"),
    ("满意度指标", "服务对象满意度指标"),
    ("上年结转资金", "上年结转"),
)
_LOOKUP = {norm(label): group for group in GROUPS for label in group}


def _respell(label: str, how: int) -> str:
    if how == 1 and len(label) > 2:
        return label[:2] + " " + label[2:]  # 年度 绩效指标
    if how == 2:
        return label.replace("(", "（").replace(")", "）")
    if how == 3:
        return label + "："
    if how == 4 and len(label) > 3:
        return label[:3] + "\n" + label[3:]
    return label


def _label_cells(sheet: Sheet) -> list[tuple[tuple[int, int], tuple[str, ...]]]:
    return [
        (rc, _LOOKUP[norm(v)])
        for rc, v in sorted(sheet.cells.items())
        if isinstance(v, str) and norm(v) in _LOOKUP
    ]


def _model(sheet: Sheet) -> dict[str, Any]:
    read = read_sheet(sheet)
    assert read.status == "form", read.reason
    assert read.form is not None
    d = form_dict(read.form)
    # the label texts themselves are what we changed: compare everything else
    d.pop("sheet")
    d["family"] = read.family
    d["total_label"] = None
    for row in (d["fund"] or {}).get("rows", []):
        row.pop("label")
    for ind in d["indicators"]:
        for level in ("level1", "level2"):
            if ind[level] is not None:
                ind[level].pop("text")  # the label as written; its value is the canonical name
    return d


def _sheets() -> list[Sheet]:
    out = [read_workbook(SEED_S).sheets[0]]
    for fname, exp in EXPECTED.items():
        grid = read_workbook(EXAMPLES / fname)
        skip = ("skipped", "unrecognized", "final_accounts")  # form S sheets only
        out += [s for s in grid.sheets if exp[s.name].family not in skip]
    return out


SHEETS = _sheets()
BASE = {id(s): _model(s) for s in SHEETS}


@pytest.mark.parametrize("sheet", SHEETS, ids=[s.name for s in SHEETS])
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_synonyms_and_spellings_do_not_change_the_model(sheet: Sheet, data: st.DataObject) -> None:
    cells = _label_cells(sheet)
    assert cells, "the sheet has labels to shuffle"
    variant = copy.copy(sheet)
    variant.cells = dict(sheet.cells)
    for rc, group in cells:
        pick = data.draw(st.sampled_from(group), label=f"{rc}")
        how = data.draw(st.integers(0, 4), label=f"{rc} spelling")
        variant.cells[rc] = _respell(pick, how)
    assert _model(variant) == BASE[id(sheet)]
