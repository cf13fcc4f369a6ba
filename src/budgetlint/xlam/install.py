"""``budgetlint addin install | uninstall``: the add-in in the user's XLSTART folder.

Excel opens every file of ``%APPDATA%\\Microsoft\\Excel\\XLSTART`` when it starts, an
``.xlam`` there as an add-in, and that folder is one of Excel's default trusted
locations, so its macros run without a prompt.  Installing writes a copy there
whose conf sheet names this Python (``Interpreter_Win``, or ``Conda Path`` and
``Conda Env`` in a conda environment, and ``PYTHONPATH`` when budgetlint is not in
site-packages) -- a plain edit of the copy's sheet XML, no Excel needed, no Excel
running.  It refuses when this Python's xlwings is not the version the add-in's
VBA was built for (the VBA loads ``xlwings64-<version>.dll`` by name).

The folder can be given (``--xlstart``, or the environment variable
``BUDGETLINT_XLSTART``): that is how the tests run on Linux.  Standard library only.
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import os
import site
import sys
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path
from xml.etree import ElementTree as ET

import budgetlint
from budgetlint.xlam import (
    ADDIN_NAME,
    CONDA_ENV,
    CONDA_PATH,
    CONF_SHEET,
    INTERPRETER_WIN,
    PYTHONPATH,
)
from budgetlint.xlam import package as pkg
from budgetlint.xlam.package import ConfValue

#: Overrides the XLSTART folder (tests, or an Excel with another startup folder).
ENV_XLSTART = "BUDGETLINT_XLSTART"

Print = Callable[[str], None]


class InstallError(RuntimeError):
    """Installing cannot go on; the message is Chinese, for the user."""


# --------------------------------------------------------------------------- where


def xlstart_folder(override: str | Path | None = None) -> Path:
    """The XLSTART folder: ``override``, ``$BUDGETLINT_XLSTART``, or Excel's per-user one."""
    if override:
        return Path(override)
    env = os.environ.get(ENV_XLSTART)
    if env:
        return Path(env)
    appdata = os.environ.get("APPDATA")
    if sys.platform == "win32" and appdata:
        return Path(appdata) / "Microsoft" / "Excel" / "XLSTART"
    raise InstallError(
        "加载项用于 Windows 上的 Excel；在其他系统上请用 --xlstart 指定文件夹"
        f"（或设置环境变量 {ENV_XLSTART}）"
    )


def candidates() -> list[Path]:
    """Where the built add-in may be: the checkout's workbook/ (of this package, of the current
    folder), beside this module (package data), under sys.prefix (data files)."""
    here = Path(__file__).resolve().parent
    return [
        here.parents[2] / "workbook" / ADDIN_NAME,  # a source checkout (src/budgetlint/xlam)
        Path.cwd() / "workbook" / ADDIN_NAME,  # run in the checkout, budgetlint installed elsewhere
        here / ADDIN_NAME,  # shipped as package data
        Path(sys.prefix) / "share" / "budgetlint" / ADDIN_NAME,  # shipped as data files
    ]


def find_addin(source: str | Path | None = None) -> Path:
    if source:
        path = Path(source)
        if not path.is_file():
            raise InstallError(f"找不到加载项文件：{path}")
        return path
    for path in candidates():
        if path.is_file():
            return path
    raise InstallError(
        f"找不到 {ADDIN_NAME}：请在 budgetlint 的源码目录中安装，或用 --source 指定加载项文件"
    )


# --------------------------------------------------------------------------- what goes in the conf sheet


def _site_dirs() -> set[Path]:
    dirs = [*site.getsitepackages(), site.getusersitepackages()]
    return {Path(d).resolve() for d in dirs}


def python_path() -> str:
    """The folder budgetlint imports from, unless it is a site-packages folder (then "")."""
    folder = Path(budgetlint.__file__).resolve().parent.parent
    return "" if folder in _site_dirs() else str(folder)


def conda_env() -> tuple[str, str] | None:
    """(Conda Path, Conda Env) when this Python is an activated conda environment."""
    env, exe = os.environ.get("CONDA_DEFAULT_ENV"), os.environ.get("CONDA_EXE")
    if not env or not exe or not (Path(sys.prefix) / "conda-meta").is_dir():
        return None
    return str(Path(exe).parent.parent), env


def interpreter_conf() -> dict[str, ConfValue]:
    """The conf values that make the add-in run this Python.

    In a conda environment xlwings wants the environment activated (``Conda Path``,
    ``Conda Env``, no interpreter), as ``xlwings config create`` writes it; elsewhere
    ``Interpreter_Win`` is ``sys.executable`` (python.exe: xlwings hides the console
    window itself, and ``Show Console`` then shows Python's output when debugging).
    """
    conda = conda_env()
    values: dict[str, ConfValue] = {PYTHONPATH: python_path()}
    if conda is not None:
        values.update({INTERPRETER_WIN: "", CONDA_PATH: conda[0], CONDA_ENV: conda[1]})
    else:
        values.update({INTERPRETER_WIN: sys.executable, CONDA_PATH: "", CONDA_ENV: ""})
    return values


# --------------------------------------------------------------------------- checks


def installed_xlwings() -> str | None:
    try:
        return importlib.metadata.version("xlwings")
    except importlib.metadata.PackageNotFoundError:
        return None


def addin_xlwings(parts: dict[str, bytes]) -> str | None:
    """The xlwings version the add-in's VBA was built for (its custom property)."""
    return pkg.custom_properties(parts).get(pkg.XLWINGS_PROPERTY)


def version_problem(built_for: str | None, installed: str | None) -> str | None:
    """Why this Python cannot run the add-in (Chinese), or None."""
    if built_for is None:
        return "无法确定加载项对应的 xlwings 版本：请用 budgetlint addin build 重新生成加载项"
    if installed is None:
        return (
            f"当前 Python 没有安装 xlwings：请先运行 {_pip(built_for)}"
            f"（当前 Python：{sys.executable}）"
        )
    if installed != built_for:
        return (
            f"加载项是为 xlwings {built_for} 生成的，当前 Python 中的 xlwings 是 {installed}。"
            f"加载项的 VBA 只能调用同一版本的 xlwings（xlwings64-{built_for}.dll），"
            "版本不一致时按钮和 BL_ 函数都会出错。\n"
            f"请在当前 Python 中安装对应版本：{_pip(built_for)}；"
            "或在源码目录中运行 budgetlint addin build 重新生成加载项，再安装"
        )
    return None


def _pip(version: str) -> str:
    return f'"{sys.executable}" -m pip install xlwings=={version}'


def _dll_warnings(version: str) -> list[str]:
    """Windows: the xlwings DLLs the VBA loads from this Python's folder."""
    if sys.platform != "win32":
        return []
    out = []
    prefix = Path(sys.prefix)
    if not any((prefix / f"xlwings{bits}-{version}.dll").is_file() for bits in (64, 32)):
        out.append(
            f"注意：{prefix} 中没有 xlwings{{64,32}}-{version}.dll，Excel 将无法调用 Python。"
            f'请重新安装 xlwings："{sys.executable}" -m pip install --force-reinstall xlwings=={version}'
        )
    if "WindowsApps" in sys.executable:
        out.append(
            "注意：当前 Python 来自 Microsoft Store，Excel 调用它时常会失败；"
            "建议改用 python.org 的安装包或 conda 安装的 Python"
        )
    return out


def _zone_identifier(path: Path) -> Path:
    """The NTFS stream where Windows marks a file as downloaded (Mark of the Web)."""
    return Path(f"{path}:Zone.Identifier")


def _has_mark_of_the_web(path: Path) -> bool:
    if sys.platform != "win32":
        return False
    try:
        return _zone_identifier(path).exists()
    except OSError:
        return False


# --------------------------------------------------------------------------- install / uninstall


def _locked(target: Path, e: OSError) -> InstallError:
    return InstallError(
        f"无法写入 {target}（{e.strerror or e}）：Excel 正在运行并打开了此加载项时文件被占用，"
        "请关闭所有 Excel 窗口后重试"
    )


def _write(target: Path, data: bytes) -> None:
    """Write ``target`` atomically, the temporary file outside XLSTART (Excel opens all files there)."""
    folder = target.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise InstallError(f"无法创建文件夹 {folder}（{e.strerror or e}）") from None
    fd, tmp = tempfile.mkstemp(prefix=".budgetlint-", suffix=".tmp", dir=folder.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except OSError as e:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise _locked(target, e) from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    if _has_mark_of_the_web(target):  # a new file has none; to be sure
        with contextlib.suppress(OSError):
            os.unlink(_zone_identifier(target))


def install(
    xlstart: str | Path | None = None, source: str | Path | None = None, out: Print = print
) -> Path:
    """Copy the add-in into XLSTART with this Python in its conf sheet; returns the copy's path.

    Raises :class:`InstallError` (nothing written) when the folder is unknown, the
    add-in is not found or is not for this Python's xlwings, or the copy cannot be
    written.
    """
    folder = xlstart_folder(xlstart)
    src = find_addin(source)
    try:
        parts = pkg.read_parts(src.read_bytes())
        built_for = addin_xlwings(parts)
        if CONF_SHEET not in pkg.sheet_names(parts):
            raise InstallError(f"{src} 中没有配置工作表 {CONF_SHEET}：不是 budgetlint 的加载项")
    except (OSError, ValueError, KeyError, zipfile.BadZipFile, ET.ParseError) as e:
        raise InstallError(f"无法读取加载项 {src}：{e}") from None
    problem = version_problem(built_for, installed_xlwings())
    if problem:
        raise InstallError(problem)
    assert built_for is not None
    conf = interpreter_conf()
    pkg.set_conf(parts, CONF_SHEET, conf)
    target = folder / ADDIN_NAME
    _write(target, pkg.write_parts(parts))

    out(f"已安装 Excel 加载项：{target}")
    if conf[INTERPRETER_WIN]:
        out(f"Excel 将使用的 Python：{conf[INTERPRETER_WIN]}（xlwings {built_for}）")
    else:
        out(
            f"Excel 将使用的 Python：conda 环境 {conf[CONDA_ENV]}（{conf[CONDA_PATH]}；xlwings {built_for}）"
        )
    if conf[PYTHONPATH]:
        out(f"budgetlint 的位置（PYTHONPATH）：{conf[PYTHONPATH]}")
    for line in _dll_warnings(built_for):
        out(line)
    if _has_mark_of_the_web(src):
        out(f"源文件 {src} 带有“来自互联网”的标记；已安装的副本不带此标记。")
    for line in next_steps(target):
        out(line)
    return target


def next_steps(target: Path) -> list[str]:
    """What to do after installing, and when the tab does not appear (Chinese)."""
    return [
        "",
        "下一步：关闭所有 Excel 窗口再重新打开 Excel，功能区会出现“绩效复核”选项卡；"
        "打开要复核的工作簿，点“检查”。BL_ 开头的函数（如 =BL_EXEC_RATE(E5, D5)）可直接在单元格中使用。",
        "",
        "如果没有出现“绩效复核”选项卡：",
        "  1. 宏安全：XLSTART 文件夹是 Excel 默认的受信任位置，其中加载项的宏无须确认即可运行。"
        "若单位策略禁用了受信任位置或所有宏，请联系信息部门；也可以在“文件 > 选项 > 信任中心 > "
        f"信任中心设置 > 受信任位置”中添加 {target.parent}。",
        "  2. 来自互联网的文件：从网上下载（或从下载的压缩包中解压）的文件带有“网络标记”，"
        "Excel 会阻止其中的宏。本命令写入的副本不带此标记；若是手工复制的加载项，请右键该文件 > "
        f"属性 > 勾选“解除锁定”，或在 PowerShell 中运行：Unblock-File '{target}'",
        "  3. 杀毒软件：有的杀毒软件会把调用 Python 的加载项当作可疑文件隔离或删除。"
        "若加载项文件不见了或按钮没有反应，请到杀毒软件的隔离区恢复，并把该文件和 Python 加入信任列表"
        "（必要时请信息部门处理），然后重新运行 budgetlint addin install。",
        "  4. 在“文件 > 选项 > 加载项 > 管理：禁用项目”中，确认 budgetlint.xlam 没有被禁用。",
        "",
        "卸载：budgetlint addin uninstall",
    ]


def uninstall(xlstart: str | Path | None = None, out: Print = print) -> Path | None:
    """Remove the add-in from XLSTART; returns the path removed, or None when it was not there."""
    target = xlstart_folder(xlstart) / ADDIN_NAME
    if not target.exists():
        out(f"没有安装 budgetlint 加载项（{target} 不存在）。")
        return None
    try:
        target.unlink()
    except OSError as e:
        raise _locked(target, e) from None
    out(f"已删除 Excel 加载项：{target}")
    out("重新打开 Excel 后，“绩效复核”选项卡和 BL_ 函数不再出现。")
    return target
