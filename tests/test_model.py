"""The model's value types: Field and CellRef set their fields by hand (for speed), so
their constructors are held here to the dataclass fields they declare."""

from __future__ import annotations

import dataclasses
import inspect

import pytest

from budgetlint.grid import CellRef
from budgetlint.model import Field


@pytest.mark.parametrize("cls", [Field, CellRef])
def test_the_constructor_takes_the_declared_fields_in_order_with_their_defaults(
    cls: type,
) -> None:
    params = list(inspect.signature(cls.__init__).parameters.values())[1:]
    fields = dataclasses.fields(cls)
    assert [p.name for p in params] == [f.name for f in fields]
    assert [p.default for p in params] == [
        inspect.Parameter.empty if f.default is dataclasses.MISSING else f.default for f in fields
    ]


def test_a_field_is_frozen_hashable_and_replaceable() -> None:
    ref = CellRef("自评表", 5, 7)
    f = Field(ref, 0.9819, 0.9819, decimals=2, computed=True)
    assert (f.ref.address, f.value, f.decimals, f.scale, f.sign, f.computed) == (
        "G5",
        0.9819,
        2,
        1.0,
        "",
        True,
    )
    assert f == Field(CellRef("自评表", 5, 7), 0.9819, 0.9819, decimals=2, computed=True)
    assert hash(f) == hash(Field(ref, 0.9819, 0.9819, decimals=2, computed=True))
    with pytest.raises(dataclasses.FrozenInstanceError):
        f.value = 1.0  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        ref.row = 6  # type: ignore[misc]
    g = dataclasses.replace(f, value=0.98, shown="98%")
    assert (g.value, g.shown, g.decimals, g.ref) == (0.98, "98%", 2, ref)
    assert str(ref) == "自评表!G5" and {ref: 1}[CellRef("自评表", 5, 7)] == 1
