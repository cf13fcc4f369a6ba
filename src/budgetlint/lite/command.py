"""``budgetlint lite build``: the parser and the command (kept out of :mod:`budgetlint.cli`)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

EXIT_OK, EXIT_FAILED = 0, 2

#: The CLI's maker of a subcommand's parser: (subparsers, name, help, description).
SubParser = Callable[[Any, str, str, str], argparse.ArgumentParser]


def add_parser(sub: Any, parser: SubParser) -> None:
    """Add ``lite`` to ``sub`` (the CLI's subparsers) through ``parser``, with Chinese help.

    ``parser(subparsers, name, help, description)`` is the CLI's own maker of a
    subcommand's parser (its formatter and Chinese help option).
    """

    lite = parser(
        sub,
        "lite",
        "xlwings Lite 工作簿（Mac、网页版 Excel）：生成",
        "xlwings Lite 在 Excel 中（Windows、Mac、网页版）通过 Pyodide 运行 Python，代码保存在工作簿中。"
        "budgetlint-lite.xlsx 带有“检查”“清除”“重算”脚本和 BL_ 单元格函数。",
    )
    lsub = lite.add_subparsers(
        dest="lite_command", required=True, title="命令", help="build：生成 xlwings Lite 工作簿"
    )
    b = parser(
        lsub,
        "build",
        "生成 xlwings Lite 工作簿",
        "把 budgetlint.lite.main 的代码和 requirements.txt 写入工作簿的 web 扩展部件（xlwings Lite "
        "保存代码的方式）。默认从软件包索引安装 budgetlint；内网中用 --wheel-url 指向内网 Web 服务器上的"
        " wheel 文件。退出码：0 已生成；2 未生成。",
    )
    b.add_argument(
        "-o",
        "--output",
        metavar="文件",
        help="写到此文件（默认 workbook/budgetlint-lite.xlsx）",
    )
    b.add_argument(
        "--wheel-url",
        action="append",
        default=[],
        metavar="URL",
        help="requirements.txt 中用此 wheel 的地址代替 budgetlint==版本（可重复，例如再给出 "
        "opencc-python-reimplemented 的 wheel 地址）",
    )


def run(args: argparse.Namespace) -> int:
    """Run ``budgetlint lite build``; a problem is one ``budgetlint: …`` line and exit 2."""
    from budgetlint.lite.build import WORKBOOK, BuildError, build
    from budgetlint.outfile import reason

    try:
        path = build(args.output or WORKBOOK, args.wheel_url)
    except BuildError as e:
        print(f"budgetlint: 无法生成 xlwings Lite 工作簿：{e}", file=sys.stderr)
        return EXIT_FAILED
    except OSError as e:
        print(f"budgetlint: 无法写出 xlwings Lite 工作簿（{reason(e)}）", file=sys.stderr)
        return EXIT_FAILED
    print(f"已生成 xlwings Lite 工作簿：{path}")
    return EXIT_OK
