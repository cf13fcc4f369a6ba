"""The grid notation (budgetlint.gridtext): cells, merges, formulas with and without a
cached value, and writing a sheet back."""

from __future__ import annotations

import pytest

from budgetlint.grid import MergedRange, Sheet
from budgetlint.gridtext import GridTextError, TextCell, parse, parse_cell, to_text


@pytest.mark.parametrize(
    ("text", "cell"),
    [
        ("969188.11", TextCell(969188.11, "0.00")),
        ("1,016,500.00", TextCell(1016500.0, "#,##0.00")),
        ("10", TextCell(10)),
        ("'10", TextCell("10")),
        ("98%", TextCell("98%")),
        ("", TextCell(None)),
        # a formula without a cached value (saved without calculating)
        ("{=E5/D5}", TextCell(None, formula="=E5/D5")),
        # a formula with its cached value, read like any cell
        ("{=E5/D5}0.98", TextCell(0.98, "0.00", formula="=E5/D5")),
        ("{=SUM(D6:D8)}1,016,500.00", TextCell(1016500.0, "#,##0.00", formula="=SUM(D6:D8)")),
        ("{=F5*G5} 9.80 ", TextCell(9.8, "0.00", formula="=F5*G5")),
        ('{=A1&""}\'10', TextCell("10", formula='=A1&""')),
        ('{=IF(D5=0,"",E5/D5)}\'', TextCell("", formula='=IF(D5=0,"",E5/D5)')),
        ("{=E5/D5}#DIV/0!", TextCell("#DIV/0!", formula="=E5/D5")),
        ("{=BL_GRADE(H30)}优秀", TextCell("优秀", formula="=BL_GRADE(H30)")),
        # braces nest (array constants); a brace in a string literal does not count
        ("{=SUM({1,2})}3", TextCell(3, formula="=SUM({1,2})")),
        ('{="}"&A1}x', TextCell("x", formula='="}"&A1')),
        # not a formula
        ("{=}", TextCell("{=}")),
        ("{=A1", TextCell("{=A1")),
        ("'{=A1}", TextCell("{=A1}")),
    ],
)
def test_parse_cell(text: str, cell: TextCell) -> None:
    assert parse_cell(text) == cell


def test_parse_a_sheet_with_formulas() -> None:
    sheet = parse("执行率 | {=B2/B3}0.98 | {=B2*10}\n | 98 | >\n | 100\n", "S")
    assert sheet.formulas == {(1, 2): "=B2/B3", (1, 3): "=B2*10"}
    assert sheet.cells[(1, 2)] == 0.98 and sheet.formats[(1, 2)] == "0.00"
    assert (1, 3) not in sheet.cells
    assert sheet.uncached() == [(1, 3)]
    assert sheet.merged == [MergedRange(2, 2, 2, 3)]


def test_to_text_writes_formulas_with_and_without_cached_values() -> None:
    sheet = Sheet(
        "S",
        cells={(1, 1): "执行率", (1, 2): 0.98, (1, 4): "", (1, 5): "#DIV/0!", (2, 1): "{=A1}"},
        formulas={
            (1, 2): "=E5/D5",
            (1, 3): "=F5*G5",
            (1, 4): '=IF(D5=0,"",E5/D5)',
            (1, 5): "=E5/0",
            (2, 2): '=A1&"|"&CHAR(10)\n',
        },
        formats={(1, 2): "0.00"},
    )
    text = to_text(sheet)
    assert text.splitlines() == [
        '执行率 | {=E5/D5}0.98 | {=F5*G5} | {=IF(D5=0,"",E5/D5)}\' | {=E5/0}#DIV/0!',
        '\'{=A1} | {=A1&"\\|"&CHAR(10)\\n}',
    ]
    back = parse(text, "S")
    assert back.cells == sheet.cells
    assert back.formulas == sheet.formulas
    assert back.formats == sheet.formats


def test_a_join_without_a_cell_is_an_error() -> None:
    with pytest.raises(GridTextError, match="row 1, column 1"):
        parse("> | a\n")
