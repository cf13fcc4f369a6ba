"""budgetlint 绩效复核（xlwings Lite）：检查预算绩效自评表，标注不一致的单元格。

脚本（在 xlwings Lite 窗格中选择后点运行，或按 F5）：
- 检查：给不一致的单元格按严重程度填色、加批注，并在最前面加一张“复核结果”工作表；
- 清除：恢复检查之前的样子（记录保存在工作簿中一张隐藏的工作表里）；
- 重算：请 Excel 重算后再检查。

单元格函数：=BL_EXEC_RATE(执行数, 预算数)、=BL_GRADE(总分) 等，与 Windows 加载项相同
（说明见 budgetlint 的 docs/udfs.md）。

This module is the workbook's main.py (``budgetlint lite build`` stores its text
in the web-extension part); the code is in the budgetlint package that
requirements.txt installs.
"""

import xlwings as xw
from xlwings import script

from budgetlint import udfs
from budgetlint.lite import scripts as _scripts

# The BL_ functions of the classic add-in, decorated with this runtime's @func/@arg.
udfs.decorate()
BL_EXEC_RATE = udfs.BL_EXEC_RATE
BL_FUND_SCORE = udfs.BL_FUND_SCORE
BL_IND_SCORE = udfs.BL_IND_SCORE
BL_BAND_CHECK = udfs.BL_BAND_CHECK
BL_TOTAL = udfs.BL_TOTAL
BL_GRADE = udfs.BL_GRADE
BL_VALUE = udfs.BL_VALUE
BL_CHECK_ROW = udfs.BL_CHECK_ROW


@script(name="检查")
def bl_check(book: xw.Book):
    """检查：标注不一致的单元格，并写出“复核结果”工作表。"""
    _scripts.run("检查", book)


@script(name="清除")
def bl_clear(book: xw.Book):
    """清除：恢复上一次检查之前的填充色和批注，删除“复核结果”工作表。"""
    _scripts.run("清除", book)


@script(name="重算")
def bl_recompute(book: xw.Book):
    """重算：请 Excel 重算，再检查。"""
    _scripts.run("重算", book)
