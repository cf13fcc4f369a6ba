"""The model's value types: Field and CellRef are frozen, slotted dataclasses (a
300-sheet workbook makes some 60,000 of each; slots hold them in a third of the
memory of an instance dict, and make them a little faster to build)."""

from __future__ import annotations

import dataclasses
import pickle

import pytest

from budgetlint.grid import CellRef
from budgetlint.model import Field


def test_a_field_is_frozen_hashable_replaceable_and_pickled() -> None:
    ref = CellRef("自评表", 5, 7)
    f = Field(ref, 0.9819, 0.9819, decimals=2, computed=True)
    assert (f.cell, f.value, f.decimals, f.scale, f.sign, f.computed, f.text) == (
        "G5",
        0.9819,
        2,
        1.0,
        "",
        True,
        "0.98",
    )
    assert f == Field(CellRef("自评表", 5, 7), 0.9819, 0.9819, decimals=2, computed=True)
    assert hash(f) == hash(Field(ref, 0.9819, 0.9819, decimals=2, computed=True))
    with pytest.raises(dataclasses.FrozenInstanceError):
        f.value = 1.0  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        ref.row = 6  # type: ignore[misc]
    g = dataclasses.replace(f, value=0.98, shown="98%")
    assert (g.value, g.shown, g.decimals, g.ref, g.text) == (0.98, "98%", 2, ref, "98%")
    assert str(ref) == "自评表!G5" and {ref: 1}[CellRef("自评表", 5, 7)] == 1
    # a worker process sends results (and, for the report, forms) back pickled
    assert pickle.loads(pickle.dumps(g)) == g and pickle.loads(pickle.dumps(ref)) == ref


@pytest.mark.parametrize("obj", [CellRef("表", 1, 1), Field(None, 1, 1.0)])
def test_no_instance_dict(obj: object) -> None:
    assert not hasattr(obj, "__dict__")


def test_cell_refs_and_fields_pickle_by_their_fields() -> None:
    ref = CellRef("14 项目", 7, 4)
    field = Field(ref, "98.19%", 0.9819, 2, True, "98.19%", 100.0, "%", True)
    for obj in (ref, field, Field(None, None, None)):
        back = pickle.loads(pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL))
        assert back == obj and type(back) is type(obj)
    assert pickle.loads(pickle.dumps(field)).step == 0.0001


def test_a_project_is_found_by_its_key_the_first_of_a_repeated_name() -> None:
    from budgetlint.model_d import find_project, project_index
    from budgetlint.model_p import ProjectFacts

    facts = [
        ProjectFacts("a.xlsx", "P1", "研究(执法督查)业务(新)项目"),
        ProjectFacts("b.xlsx", "P2", "研究（执法督查）业务（新）"),  # the same project again
        ProjectFacts("b.xlsx", "P3", "“平安建设”宣传项目绩效情况自评表"),
    ]
    index = project_index(facts)
    assert list(index) == ["研究(执法督查)业务(新)", "平安建设宣传"]
    for name, sheet in [
        ("研究（执法督查）业务（新）项目", "P1"),  # the first of a repeated name
        ("平安建设宣传", "P3"),
        ("别的项目", None),
        ("", None),
    ]:
        found = find_project(name, index)
        assert (found.sheet if found else None) == sheet
