"""Variant copies of a form, built in code: what a department's own workbook looks like.

:func:`variant` takes a sheet of the canonical example and writes the same form
the way a real department might have: the whole block shifted down and right,
blank rows and a blank column inserted, labels with spaces / half-width
brackets / trailing colons / line breaks, amounts as text in 万元 (with the unit
in the header), rates as percent strings, 一级/二级 unmerged and repeated on
every row, numbers as text with thousands separators.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from budgetlint.grid import Sheet

LABEL_VARIANTS = {
    "项目资金（元）": "项目资金 (万元)",
    "年度资金总额": "年度资金总额：",
    "年度绩效指标": "年度绩效 指标",
    "项目名称": "项 目 名 称",
    "偏差原因分析及改进措施": "偏差原因分析\n及改进措施",
    "实际完成值": "实际完成值：",
    "全年预算数": "全年预算数\n",
    "其中：当年财政拨款": "其中:当年财政拨款",
}


def variant(sheet: Sheet, path: Path, *, dr: int = 3, dc: int = 2) -> Path:
    """Write the variant of ``sheet`` to ``path`` (one sheet, same name)."""
    wb = Workbook()
    ws = wb.active
    ws.title = sheet.name
    # columns of the fund amounts and rates, from the canonical header row
    header_row = next(
        r for (r, c), v in sheet.cells.items() if isinstance(v, str) and v.strip() == "全年预算数"
    )
    cols = {
        str(v).strip(): c
        for (r, c), v in sheet.cells.items()
        if r == header_row and isinstance(v, str)
    }
    amount_cols = {cols["年初预算数"], cols["全年预算数"], cols["全年执行数"]}
    rate_col = cols["执行率"]
    fund_rows = range(header_row + 1, header_row + 5)
    ind_header = next(
        r for (r, c), v in sheet.cells.items() if isinstance(v, str) and v.strip() == "一级指标"
    )
    ind_cols = {
        str(v).strip(): c
        for (r, c), v in sheet.cells.items()
        if r == ind_header and isinstance(v, str)
    }
    l1c, l2c = ind_cols["一级指标"], ind_cols["二级指标"]
    total_row = next(
        r for (r, c), v in sheet.cells.items() if isinstance(v, str) and v.strip() == "总分"
    )
    # unmerge 一级/二级: repeat the value on every row of its merged range
    cells = dict(sheet.cells)
    for mr in sheet.merged:
        if mr.min_col == mr.max_col and mr.min_col in (l1c, l2c) and mr.min_row > ind_header:
            v = cells.get((mr.min_row, mr.min_col))
            for r in range(mr.min_row, mr.max_row + 1):
                cells[(r, mr.min_col)] = v

    def new_row(r: int) -> int:
        # one blank row inserted before the indicator header, one before the total
        return r + dr + (1 if r >= ind_header else 0) + (1 if r >= total_row else 0)

    def new_col(c: int) -> int:
        # a blank column inserted after the label column
        return c + dc + (1 if c >= 2 else 0)

    for (r, c), v in cells.items():
        out = v
        if isinstance(v, str) and v.strip() in LABEL_VARIANTS:
            out = LABEL_VARIANTS[v.strip()]
        elif r in fund_rows and c in amount_cols and isinstance(v, (int, float)):
            out = f"{v / 10000:,.6f}"  # text, in 万元
        elif r in fund_rows and c == rate_col and isinstance(v, (int, float)):
            out = f"{v * 100:.2f}%"
        elif isinstance(v, float) and v >= 1000:
            out = f"{v:,.2f}"  # number stored as text with separators
        cell = ws.cell(new_row(r), new_col(c), out)
        if isinstance(out, str) and out.startswith("="):
            cell.data_type = "s"  # '=3 项' is text, not a formula
    # keep the title and the long text merges (shifted); 一级/二级 stay unmerged
    for mr in sheet.merged:
        if mr.min_col == mr.max_col and mr.min_col in (l1c, l2c) and mr.min_row > ind_header:
            continue
        ws.merge_cells(
            start_row=new_row(mr.min_row),
            start_column=new_col(mr.min_col),
            end_row=new_row(mr.max_row),
            end_column=new_col(mr.max_col),
        )
    wb.save(path)
    return path
