"""The Excel add-in: built on Linux, read back by independent readers, installed into a folder.

- oletools' ``olevba`` (not the library that wrote the project) reads the modules,
  the project name and the code page back;
- the ribbon XML is parsed as XML and its relationship checked against its namespace;
- every ``RunPython`` names a function of ``budgetlint.addin``; every ``BL_`` function
  has a wrapper of its arity, the very text xlwings' own ``generate_vba_wrapper``
  writes (run with pywin32 stood in, as tests/test_udfs.py does);
- pyOpenVBA's VBA interpreter parses every module and runs the ribbon callbacks and
  the function descriptions, with ``RunPython`` and ``MacroOptions`` stood in, which
  proves the ``ChrW()`` text gives back the Chinese;
- the committed ``workbook/budgetlint.xlam`` is byte-identical to a fresh build;
- install / uninstall on a temporary XLSTART folder.
"""

from __future__ import annotations

import importlib
import inspect
import io
import re
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pytest

from budgetlint import udfs
from budgetlint.cli import main
from budgetlint.xlam import (
    ADDIN_MODULE,
    ADDIN_NAME,
    CONF_SHEET,
    ENTRY_POINTS,
    PROJECT_NAME,
    RIBBON_MODULE,
    UDF_PACKAGE_MODULE,
    build,
    install,
    vba,
)
from budgetlint.xlam import package as pkg
from tests import test_udfs

olevba = pytest.importorskip("oletools.olevba")
olefile = pytest.importorskip("olefile")
pytest.importorskip("pyopenvba")

REPO = Path(__file__).resolve().parents[1]
COMMITTED = REPO / "workbook" / ADDIN_NAME
MACROS = REPO / "macros"

#: The ribbon namespaces and the relationship type and part each pairs with.
RIBBON_PAIRS = {
    "http://schemas.microsoft.com/office/2006/01/customui": (
        "http://schemas.microsoft.com/office/2006/relationships/ui/extensibility",
        "customUI/customUI.xml",
    ),
    "http://schemas.microsoft.com/office/2009/07/customui": (
        "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility",
        "customUI/customUI14.xml",
    ),
}
MODULES = {"ThisWorkbook", "Dictionary", RIBBON_MODULE, "Sheet2", "xlwings", vba.UDF_MODULE}
CALLBACK = re.compile(r"^Sub (\w+)\(control As IRibbonControl\)\s*$", re.MULTILINE)
RUNPYTHON = re.compile(r"\bRunPython\b\s+(.*)$")
RUNPYTHON_CALL = re.compile(
    rf'^"import {re.escape(ADDIN_MODULE)}; {re.escape(ADDIN_MODULE)}\.(\w+)\(\)"$'
)

xlwings_windows = test_udfs.xlwings_windows  # xlwings.udfs as on Windows, pywin32 stood in


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def built() -> bytes:
    return build.build()


@pytest.fixture(scope="module")
def parts(built: bytes) -> dict[str, bytes]:
    return pkg.read_parts(built)


@pytest.fixture(scope="module")
def modules(built: bytes) -> dict[str, str]:
    """Module name -> code, as olevba extracts it from the built add-in."""
    parser = olevba.VBA_Parser(ADDIN_NAME, data=built, relaxed=False)
    try:
        return {Path(name).stem: code for _, _, name, code in parser.extract_macros()}
    finally:
        parser.close()


@pytest.fixture(scope="module")
def project(parts: dict[str, bytes]) -> Any:
    ole = olefile.OleFileIO(io.BytesIO(parts[build.VBA_PART]))
    p = olevba.VBA_Project(ole, "", "PROJECT", "VBA/dir", relaxed=False)
    p.parse_project_stream()
    return p


def _code(line: str) -> str:
    """A VBA line without its comment."""
    inside = False
    for i, ch in enumerate(line):
        if ch == '"':
            inside = not inside
        elif ch == "'" and not inside:
            return line[:i]
    return line


def _lines(code: str) -> Iterator[str]:
    for line in code.replace("\r\n", "\n").split("\n"):
        stripped = _code(line).strip()
        if stripped:
            yield stripped


# --------------------------------------------------------------------------- freshness


def test_committed_addin_is_byte_identical_to_a_fresh_build(built: bytes) -> None:
    assert COMMITTED.is_file(), "workbook/budgetlint.xlam is missing: run budgetlint addin build"
    assert COMMITTED.read_bytes() == built, (
        "workbook/budgetlint.xlam is stale: run budgetlint addin build"
    )


def test_a_build_is_deterministic(built: bytes) -> None:
    assert build.build() == built
    with zipfile.ZipFile(io.BytesIO(built)) as z:
        infos = z.infolist()
    assert [i.filename for i in infos[:2]] == ["[Content_Types].xml", "_rels/.rels"]
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert {i.compress_type for i in infos} == {zipfile.ZIP_DEFLATED}


def test_the_cli_writes_the_addin(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], built: bytes
) -> None:
    out = tmp_path / "sub" / ADDIN_NAME
    assert main(["addin", "build", "-o", str(out)]) == 0
    assert out.read_bytes() == built
    assert str(out) in capsys.readouterr().out


# --------------------------------------------------------------------------- the VBA project, read by olevba


def test_modules_and_project(modules: dict[str, str], project: Any) -> None:
    assert set(modules) == MODULES
    assert project.projectname == PROJECT_NAME
    assert project.codepage == 1252
    stream = project.ole.openstream("PROJECT").read().decode("cp1252")
    assert f'Name="{PROJECT_NAME}"' in stream.split("\r\n")
    assert f"Module={vba.UDF_MODULE}" in stream and f"Module={RIBBON_MODULE}" in stream
    # the template's project ID is kept: CMG/DPB/GC are encrypted with a key made from it
    assert 'ID="{318BEE36-5BE1-492A-826D-473DB19B0F30}"' in stream
    workspace = stream.split("[Workspace]\r\n", 1)[1]
    assert "\r\n\r\n" not in workspace.rstrip("\r\n")
    # no compiled state ([MS-OVBA] 2.3.4.1: Version 0xFFFF): Excel compiles the source
    cache = project.ole.openstream("VBA/_VBA_PROJECT").read()
    assert len(cache) == 7 and cache[:5] == b"\xcc\x61\xff\xff\x00"


def test_every_module_is_ascii(modules: dict[str, str]) -> None:
    """The project stores code in code page 1252: Chinese is written as ChrW() calls."""
    for name, code in modules.items():
        assert code.isascii(), name


def test_xlwings_module_is_patched(modules: dict[str, str], parts: dict[str, bytes]) -> None:
    import xlwings

    code = modules["xlwings"]
    assert f'Public Const PROJECT_NAME As String = "{PROJECT_NAME}"' in code
    assert f'Public Const XLWINGS_VERSION As String = "{xlwings.__version__}"' in code
    assert (
        f'Declare PtrSafe Function XLPyDLLActivateAuto Lib "xlwings64-{xlwings.__version__}.dll"'
        in code
    )
    # the conf sheet xlwings reads: PROJECT_NAME & ".conf"
    assert 'wb.Sheets(PROJECT_NAME & ".conf")' in code
    # ... of the add-in only: not of the workbook being checked, nor a file beside it
    get_config = code[code.index("Function GetConfig(") :]
    get_config = get_config[: get_config.index("End Function")]
    assert 'SheetExists(ThisWorkbook, PROJECT_NAME & ".conf")' in get_config
    assert "ActiveWorkbook" not in get_config
    assert "GetDirectoryConfigFilePath" not in get_config
    assert "GetConfigFilePath()" in get_config  # the user's own %USERPROFILE%\.budgetlint\ file
    assert pkg.sheet_names(parts) == [CONF_SHEET] == [f"{PROJECT_NAME}.conf"]
    assert install.addin_xlwings(parts) == xlwings.__version__


def test_every_declare_is_ptrsafe(modules: dict[str, str]) -> None:
    declares = [
        (name, line)
        for name, code in modules.items()
        for line in _lines(code)
        if re.search(r"\bDeclare\b", line)
    ]
    assert declares, "xlwings' module declares its DLL functions"
    for name, line in declares:
        assert re.search(r"\bDeclare PtrSafe\b", line), (name, line)


def test_ribbon_callbacks_exist_with_their_signature(
    modules: dict[str, str], parts: dict[str, bytes]
) -> None:
    ui = [(k, t) for k, t, _ in pkg.customui(parts)]
    assert len(ui) == 1
    root = ET.fromstring(parts[ui[0][1]])
    actions = [el.get("onAction") for el in root.iter() if el.get("onAction")]
    assert len(actions) == 5
    for action in actions:
        assert action is not None
        module, _, proc = action.rpartition(".")
        assert module == RIBBON_MODULE, action
        subs = CALLBACK.findall(modules[module])
        assert proc in subs, f"{action}: no Sub {proc}(control As IRibbonControl)"
    assert {a.rpartition(".")[2] for a in actions} == {
        "OnCheck",
        "OnRecompute",
        "OnClear",
        "OnExport",
        "OnHelp",
    }


def test_ribbon_xml(parts: dict[str, bytes]) -> None:
    rels = ET.fromstring(parts["_rels/.rels"])
    ui = [r for r in rels if r.get("Type", "").endswith("/ui/extensibility")]
    assert len(ui) == 1, "one ribbon part"
    kind, target = ui[0].get("Type"), ui[0].get("Target")
    assert target in parts
    assert parts[target] == (MACROS / "customUI14.xml").read_bytes()
    root = ET.fromstring(parts[target])  # well formed
    ns = root.tag[1:].split("}")[0]
    assert RIBBON_PAIRS[ns] == (kind, target), "the namespace, relationship and part must match"
    ids = [el.get("id") for el in root.iter() if el.get("id")]
    assert len(ids) == len(set(ids)), "ids are unique"
    (tab,) = root.iter(f"{{{ns}}}tab")
    assert tab.get("label") == "绩效复核"
    buttons = list(root.iter(f"{{{ns}}}button"))
    assert [b.get("label") for b in buttons] == [
        "检查",
        "重算并复核",
        "清除标注",
        "导出报告",
        "关于",
    ]
    for b in buttons:
        assert b.get("size") == "large" and b.get("imageMso"), b.get("id")
        assert b.get("screentip") and b.get("supertip"), b.get("id")
        assert len(b.get("supertip", "")) <= 1024
    # the xlwings template's own pair did not match; ours replaces it
    assert "customUI/customUI.xml" not in parts


def test_every_runpython_names_an_entry_point(modules: dict[str, str]) -> None:
    """Each RunPython calls a no-argument function of budgetlint.addin."""
    called = []
    for name, code in modules.items():
        if name == "xlwings":  # defines RunPython
            continue
        for line in _lines(code):
            m = RUNPYTHON.search(line)
            if m:
                call = RUNPYTHON_CALL.match(m.group(1).strip())
                assert call, f"{name}: {line}"
                called.append(call.group(1))
    assert sorted(called) == sorted(ENTRY_POINTS)
    addin = importlib.import_module(ADDIN_MODULE)
    for fn in called:
        f = getattr(addin, fn, None)
        assert callable(f), f"{ADDIN_MODULE}.{fn} is missing"
        required = [
            p
            for p in inspect.signature(f).parameters.values()
            if p.default is inspect.Parameter.empty
        ]
        assert not required, f"{ADDIN_MODULE}.{fn} must take no arguments"


# --------------------------------------------------------------------------- the UDF wrappers


def test_every_bl_function_has_a_wrapper_of_its_arity(modules: dict[str, str]) -> None:
    code = modules[vba.UDF_MODULE]
    wrappers = dict(re.findall(r"^Function (BL_\w+)\(([^)]*)\)\s*$", code, re.MULTILINE))
    assert set(wrappers) == set(udfs.FUNCTIONS)
    for name, plain in udfs.FUNCTIONS.items():
        params = list(inspect.signature(plain).parameters.values())
        decorated = inspect.signature(getattr(udfs, name)).parameters.values()
        assert [(p.name, p.default) for p in params] == [(p.name, p.default) for p in decorated]
        args = [a.strip() for a in wrappers[name].split(",")]
        assert len(args) == len(params), name
        for arg, p in zip(args, params, strict=True):
            optional = p.default is not inspect.Parameter.empty
            assert arg == ("Optional " if optional else "") + p.name, (name, arg)
        call = f'XLPy.CallUDF("{UDF_PACKAGE_MODULE}", "{name}", Array({", ".join(p.name for p in params)})'
        assert code.count(call) == 2, name  # Excel, and other hosts
        assert f"Describe_{name}" in code


def test_the_wrappers_are_what_xlwings_writes(
    modules: dict[str, str], xlwings_windows: tuple[Any, Any]
) -> None:
    xludfs, mod = xlwings_windows
    out = io.StringIO()

    class Workbook:
        Name = ADDIN_NAME

    xludfs.generate_vba_wrapper(UDF_PACKAGE_MODULE, mod, out, Workbook())
    theirs = out.getvalue().replace("\r\n", "\n")
    ours = modules[vba.UDF_MODULE].replace("\r\n", "\n")
    start = ours.index("Function BL_")
    end = ours.index("Public Sub RegisterDescriptions")
    assert ours[start:end] == theirs
    assert '#Const App = "Microsoft Excel"' in ours[:start]  # the wrappers' #If App needs it


# --------------------------------------------------------------------------- pyOpenVBA's interpreter


def _interpretable(code: str) -> str:
    """Module text for pyOpenVBA's parser: no attribute lines, no comment after a #directive."""
    code = "\r\n".join(line for line in code.split("\r\n") if not line.startswith("Attribute "))
    return re.sub(r"^(\s*#[^'\r\n]*?)\s*'.*$", r"\1", code, flags=re.MULTILINE)


@pytest.fixture(scope="module")
def vba_sources(built: bytes, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The modules as stored (attribute headers included), read by pyOpenVBA."""
    from pyopenvba import ExcelFile

    path = tmp_path_factory.mktemp("addin") / ADDIN_NAME
    path.write_bytes(built)
    with ExcelFile(path) as wb:
        return {name: wb.get_module(name) for name in wb.module_names()}


def test_every_module_parses(vba_sources: dict[str, str]) -> None:
    from pyopenvba.interpreter import parse_module

    assert set(vba_sources) == MODULES
    for name, code in vba_sources.items():
        parse_module(_interpretable(code))  # raises VBACompileError, naming the line
        assert code.startswith(f'Attribute VB_Name = "{name}"'), name


_STUB_RUNPYTHON = """Public Calls As String
Public Function RunPython(PythonCommand As String)
    Calls = Calls & PythonCommand & vbLf
End Function
Public Function GetCalls() As String
    GetCalls = Calls
End Function
"""


def test_the_callbacks_run(vba_sources: dict[str, str]) -> None:
    from pyopenvba.apps.excel import ExcelApplication
    from pyopenvba.interpreter import NOTHING

    app = ExcelApplication()
    app.add_module(_STUB_RUNPYTHON, name="xlwings")
    app.add_module(_interpretable(vba_sources[RIBBON_MODULE]), name=RIBBON_MODULE)
    # no workbook open: a message instead of RunPython
    app.answer_dialogs(1)
    app.run(f"{RIBBON_MODULE}.OnCheck", NOTHING)
    ((kind, text, title, _),) = app.dialogs
    assert kind == "MsgBox" and title == "budgetlint 绩效复核"
    assert text.startswith("请先打开一个工作簿再使用“绩效复核”。")
    assert app.run("GetCalls") == ""
    app.add_workbook()
    for callback in ("OnCheck", "OnRecompute", "OnClear", "OnExport", "OnHelp"):
        app.run(f"{RIBBON_MODULE}.{callback}", NOTHING)
    app.run("RunCheck")  # the macro a script starts
    calls = app.run("GetCalls").splitlines()
    names = [RUNPYTHON_CALL.match(f'"{c}"').group(1) for c in calls]  # type: ignore[union-attr]
    assert names == ["check", "recompute", "clear", "export_report", "about", "check"]


_STUB_MACROOPTIONS = """Public Recorded As String
Public Sub RecordOptions(Macro As String, Description As String, Category As String, Optional ArgumentDescriptions As Variant)
    Dim i As Long
    Recorded = Recorded & Macro & Chr(1) & Description & Chr(1) & Category
    If Not IsMissing(ArgumentDescriptions) Then
        For i = LBound(ArgumentDescriptions) To UBound(ArgumentDescriptions)
            Recorded = Recorded & Chr(1) & ArgumentDescriptions(i)
        Next
    End If
    Recorded = Recorded & Chr(2)
End Sub
Public Function GetRecorded() As String
    GetRecorded = Recorded
End Function
"""


def test_the_function_wizard_descriptions(vba_sources: dict[str, str]) -> None:
    """RegisterDescriptions gives MacroOptions what xlwings' ImportUDFs gives it."""
    from pyopenvba.apps.excel import ExcelApplication

    code = _interpretable(vba_sources[vba.UDF_MODULE])
    assert code.count("Application.MacroOptions ") == len(udfs.FUNCTIONS)
    assert "    ThisWorkbook.Saved = True\r\n" in code
    code = (
        code.replace("Application.MacroOptions ", "RecordOptions ")
        .replace("ThisWorkbook.Name", f'"{ADDIN_NAME}"')
        .replace("    ThisWorkbook.Saved = True\r\n", "")
    )
    app = ExcelApplication()
    app.add_module(_STUB_MACROOPTIONS, name="Recorder")
    app.add_module(code, name=vba.UDF_MODULE)
    app.run("RegisterDescriptions")
    got = {}
    for item in app.run("GetRecorded").split("\x02")[:-1]:
        macro, doc, category, *args = item.split("\x01")
        got[macro] = (doc, category, args)
    want = {
        f"'{ADDIN_NAME}'!{name}": (
            udfs.description(plain)[:255],
            udfs.CATEGORY,
            [udfs.XL_ARGS[name][p][:255] for p in inspect.signature(plain).parameters],
        )
        for name, plain in udfs.FUNCTIONS.items()
    }
    assert got == want
    this_workbook = vba_sources["ThisWorkbook"]
    assert "Private Sub Workbook_Open()" in this_workbook
    assert f"{vba.UDF_MODULE}.RegisterDescriptions" in this_workbook


# --------------------------------------------------------------------------- the text tools


def test_to_ascii() -> None:
    src = 'Sub A()\n    MsgBox "请先" & x & "a""b“c”", vbInformation, "ok" \' English\nEnd Sub\n'
    out = vba.to_ascii(src)
    assert out.isascii() and out.endswith("End Sub\r\n")
    assert (
        'MsgBox ChrW(35831) & ChrW(20808) & x & "a""b" & ChrW(8220) & "c" & ChrW(8221), vbInformation, "ok"'
        in out
    )
    assert vba.to_ascii('x = "\U0001f600"') == "x = ChrW(55357) & ChrW(56832)\r\n"  # UTF-16 units
    for bad in (
        'Const T = "中"',
        'Attribute VB_Description = "中"',
        "x = 1 ' 中文注释",
        "中 = 1",
        'x = "中',
    ):
        with pytest.raises(vba.VBAError):
            vba.to_ascii(bad)
    with pytest.raises(vba.VBAError, match="characters long"):
        vba.to_ascii('x = "' + "中" * 90 + '"')


def test_patch_xlwings_module_refuses_another_layout() -> None:
    layers = vba._ACTIVE_SHEET_LAYER + vba._DIRECTORY_LAYER
    with pytest.raises(vba.VBAError, match="GetConfig"):
        vba.patch_xlwings_module("Sub A()\nEnd Sub\n", PROJECT_NAME)
    with pytest.raises(vba.VBAError, match="PROJECT_NAME"):
        vba.patch_xlwings_module(layers, PROJECT_NAME)
    with pytest.raises(vba.VBAError, match="VBA7"):
        vba.patch_xlwings_module(
            layers + 'Public Const PROJECT_NAME As String = "x"\n', PROJECT_NAME
        )


# --------------------------------------------------------------------------- the conf sheet


def test_conf_sheet(parts: dict[str, bytes]) -> None:
    from python_calamine import CalamineWorkbook

    rows, code_name = pkg.read_conf(parts, CONF_SHEET)
    assert code_name == "Sheet2"  # the sheet's document module
    conf = dict(rows)
    assert conf["UDF Modules"] == UDF_PACKAGE_MODULE
    assert conf["ADD_WORKBOOK_TO_PYTHONPATH"] == "false"
    assert conf["Interpreter_Win"] is None  # filled by install
    assert conf["Use UDF Server"] is False and conf["Show Console"] is False
    # another reader sees the same rows
    book = CalamineWorkbook.from_filelike(io.BytesIO(pkg.write_parts(parts)))
    cells = book.get_sheet_by_name(CONF_SHEET).to_python()
    assert [r[0] for r in cells] == [k for k, _ in rows]
    assert "xl/sharedStrings.xml" not in parts


# --------------------------------------------------------------------------- install / uninstall


@pytest.fixture
def no_conda(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CONDA_DEFAULT_ENV", raising=False)
    monkeypatch.delenv("CONDA_EXE", raising=False)
    monkeypatch.delenv(install.ENV_XLSTART, raising=False)


def test_install_and_uninstall(
    tmp_path: Path, no_conda: None, capsys: pytest.CaptureFixture[str]
) -> None:
    import xlwings

    folder = tmp_path / "AppData" / "Microsoft" / "Excel" / "XLSTART"  # created when missing
    assert main(["addin", "install", "--xlstart", str(folder)]) == 0
    target = folder / ADDIN_NAME
    out = capsys.readouterr().out
    assert f"已安装 Excel 加载项：{target}" in out
    assert "宏安全" in out and "解除锁定" in out and "Unblock-File" in out and "杀毒软件" in out
    assert list(folder.iterdir()) == [target]
    assert [p.name for p in folder.parent.iterdir()] == ["XLSTART"]  # no temporary file left

    copy = pkg.read_parts(target.read_bytes())
    conf = dict(pkg.read_conf(copy, CONF_SHEET)[0])
    assert conf["Interpreter_Win"] == sys.executable
    assert conf["Conda Path"] is None and conf["Conda Env"] is None
    assert conf["UDF Modules"] == UDF_PACKAGE_MODULE
    assert install.addin_xlwings(copy) == xlwings.__version__
    # only the conf sheet differs from the committed add-in
    original = pkg.read_parts(COMMITTED.read_bytes())
    sheet = pkg.sheet_part(original, CONF_SHEET)
    assert {n for n in original if original[n] != copy.get(n)} == {sheet}
    assert set(original) == set(copy)

    assert main(["addin", "uninstall", "--xlstart", str(folder)]) == 0
    assert not target.exists()
    assert "已删除" in capsys.readouterr().out
    assert main(["addin", "uninstall", "--xlstart", str(folder)]) == 0
    assert "没有安装" in capsys.readouterr().out


def test_install_reads_the_folder_from_the_environment(
    tmp_path: Path, no_conda: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(install.ENV_XLSTART, str(tmp_path))
    target = install.install(out=lambda _: None)
    assert target == tmp_path / ADDIN_NAME and target.is_file()
    assert install.uninstall(out=lambda _: None) == target


def test_install_refuses_another_xlwings(
    tmp_path: Path,
    no_conda: None,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import xlwings

    monkeypatch.setattr(install, "installed_xlwings", lambda: "0.30.0")
    assert main(["addin", "install", "--xlstart", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert (
        f"加载项是为 xlwings {xlwings.__version__} 生成的，当前 Python 中的 xlwings 是 0.30.0"
        in err
    )
    assert f"pip install xlwings=={xlwings.__version__}" in err
    assert not (tmp_path / ADDIN_NAME).exists()
    monkeypatch.setattr(install, "installed_xlwings", lambda: None)
    with pytest.raises(install.InstallError, match="没有安装 xlwings"):
        install.install(tmp_path, out=lambda _: None)


def test_install_in_a_conda_environment(
    tmp_path: Path, no_conda: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    prefix = tmp_path / "envs" / "budget"
    (prefix / "conda-meta").mkdir(parents=True)
    monkeypatch.setattr(sys, "prefix", str(prefix))
    monkeypatch.setenv("CONDA_DEFAULT_ENV", "budget")
    monkeypatch.setenv("CONDA_EXE", str(tmp_path / "miniconda3" / "Scripts" / "conda.exe"))
    target = install.install(tmp_path / "XLSTART", out=lambda _: None)
    conf = dict(pkg.read_conf(pkg.read_parts(target.read_bytes()), CONF_SHEET)[0])
    assert conf["Conda Path"] == str(tmp_path / "miniconda3")
    assert conf["Conda Env"] == "budget"
    assert conf["Interpreter_Win"] is None  # xlwings activates the environment and runs its python


def test_install_problems(tmp_path: Path, no_conda: None, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(install.InstallError, match="找不到加载项文件"):
        install.install(tmp_path, source=tmp_path / "missing.xlam", out=lambda _: None)
    not_ours = tmp_path / "other.xlam"
    not_ours.write_bytes(b"not a zip")
    with pytest.raises(install.InstallError, match="无法读取加载项"):
        install.install(tmp_path, source=not_ours, out=lambda _: None)
    if sys.platform != "win32":
        with pytest.raises(install.InstallError, match="--xlstart"):
            install.xlstart_folder()
    blocked = tmp_path / "file"
    blocked.write_text("")
    with pytest.raises(install.InstallError, match="无法创建文件夹"):
        install.install(blocked / "XLSTART", out=lambda _: None)


def test_python_m_budgetlint_installs(tmp_path: Path, no_conda: None) -> None:
    """`python -m budgetlint addin install` works without the Scripts folder on PATH."""
    run = subprocess.run(
        [sys.executable, "-m", "budgetlint", "addin", "install", "--xlstart", str(tmp_path)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert (tmp_path / ADDIN_NAME).is_file()
