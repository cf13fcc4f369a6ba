"""``budgetlint addin build | install | uninstall``: the parser and the commands.

Kept out of :mod:`budgetlint.cli` (which only calls :func:`add_parser` and
:func:`run`) so that building the parser imports nothing heavy.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

EXIT_OK, EXIT_FAILED = 0, 2

#: The CLI's maker of a subcommand's parser: (subparsers, name, help, description).
SubParser = Callable[[Any, str, str, str], argparse.ArgumentParser]


def add_parser(sub: Any, parser: SubParser) -> None:
    """Add ``addin`` to ``sub`` (the CLI's subparsers) through ``parser``, with Chinese help.

    ``parser(subparsers, name, help, description)`` is the CLI's own maker of a
    subcommand's parser (its formatter and Chinese help option).
    """

    a = parser(
        sub,
        "addin",
        "Excel 加载项：安装到 Excel、卸载、生成",
        "Excel 加载项 budgetlint.xlam：功能区“绩效复核”选项卡（检查、重新计算、清除标注、导出报告）"
        "和 BL_ 单元格函数，通过 xlwings 调用本机的 Python。",
    )
    asub = a.add_subparsers(
        dest="addin_command",
        required=True,
        title="命令",
        help="install：安装到 Excel；uninstall：卸载；build：生成加载项（开发用）",
    )
    i = parser(
        asub,
        "install",
        "把加载项安装到 Excel（复制到 XLSTART 文件夹）",
        "把 budgetlint.xlam 复制到 Excel 的启动文件夹 %APPDATA%\\Microsoft\\Excel\\XLSTART（不存在时创建，"
        "不需要打开 Excel），并在副本中写入当前 Python 的路径。当前 Python 中的 xlwings 须与加载项生成时的"
        "版本相同，否则不安装。退出码：0 已安装；2 未安装（原因见提示）。"
        "Scripts 文件夹不在 PATH 中时可运行：python -m budgetlint addin install",
    )
    _xlstart(i)
    i.add_argument(
        "--source",
        metavar="FILE",
        help="要安装的加载项文件（默认：源码目录中的 workbook/budgetlint.xlam）",
    )
    u = parser(
        asub,
        "uninstall",
        "从 Excel 卸载加载项",
        "从 XLSTART 文件夹删除 budgetlint.xlam。退出码：0 已删除或本未安装；2 无法删除（如 Excel 正在运行）。",
    )
    _xlstart(u)
    b = parser(
        asub,
        "build",
        "生成 workbook/budgetlint.xlam（开发用）",
        "由 xlwings 附带的功能区加载项模板、macros/ 中的 VBA 和 budgetlint.udfs 的函数说明生成加载项，"
        "不需要 Excel。需要在源码目录中运行，并安装开发依赖（pip install -e '.[dev]'）。"
        "同样的输入总是生成逐字节相同的文件。退出码：0 已写出；2 无法生成或写出。",
    )
    b.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="写到 FILE（默认：源码目录中的 workbook/budgetlint.xlam）",
    )


def _xlstart(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--xlstart",
        metavar="DIR",
        help="Excel 的启动文件夹（默认：环境变量 BUDGETLINT_XLSTART，或 %%APPDATA%%\\Microsoft\\Excel\\XLSTART）",
    )


def run(args: argparse.Namespace) -> int:
    """Run ``budgetlint addin …``; problems are one ``budgetlint: …`` line on stderr and exit 2."""
    from budgetlint.outfile import reason
    from budgetlint.xlam.install import InstallError

    try:
        if args.addin_command == "install":
            from budgetlint.xlam.install import install

            install(args.xlstart, args.source)
        elif args.addin_command == "uninstall":
            from budgetlint.xlam.install import uninstall

            uninstall(args.xlstart)
        else:
            from budgetlint.xlam.build import BuildError, write

            try:
                path = write(Path(args.output) if args.output else None)
            except BuildError as e:
                print(f"budgetlint: 无法生成加载项：{e}", file=sys.stderr)
                return EXIT_FAILED
            except OSError as e:
                print(f"budgetlint: 无法写出加载项（{reason(e)}）", file=sys.stderr)
                return EXIT_FAILED
            print(f"已生成加载项：{path}")
    except InstallError as e:
        print(f"budgetlint: {e}", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK
