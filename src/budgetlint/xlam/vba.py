"""The VBA text of the add-in: our modules made storable, xlwings' module patched, the UDF wrappers.

Everything here is text in, text out (no package, no VBA project), so it is tested
without building anything.

- :func:`to_ascii` makes a module storable in the project, whose code page is 1252
  (the template was saved by a Western Excel): VBA keeps module text in the
  project's ANSI code page, where Chinese has no bytes. String literals with
  non-ASCII characters become ``ChrW()`` concatenations, which give the same
  string whatever the code page and the user's system locale.
- :func:`patch_xlwings_module` sets ``PROJECT_NAME``, keeps only the ``PtrSafe``
  declarations of xlwings' module (the add-in needs VBA7: Office 2010 or later) and
  makes its settings come from the add-in, never from the workbook being checked.
- :func:`udf_module` writes the module xlwings' ``ImportUDFs`` would write for
  ``budgetlint.udfs`` (``xlwings.udfs.generate_vba_wrapper``), from our own metadata
  (:data:`budgetlint.udfs.FUNCTIONS`, :data:`~budgetlint.udfs.XL_ARGS`,
  :func:`~budgetlint.udfs.description`), plus the ``Application.MacroOptions``
  calls ImportUDFs makes from Python, so that no step needs access to the VBA
  project object model at run time.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterable

#: VBA refuses longer physical lines.
MAX_LINE = 1023
#: Characters of a description per VBA statement (each non-ASCII one becomes ``ChrW(nnnnn)``).
_CHUNK = 40
#: What Excel keeps of a function's or an argument's description (MacroOptions' limit).
MAX_DESCRIPTION = 255

#: The name of the generated module: the one xlwings' ImportUDFs gives its module.
UDF_MODULE = "xlwings_udfs"

_STATEMENT_ONLY_LITERALS = re.compile(
    r"^\s*(?:(?:Public|Private|Global)\s+)?(?:Const\b|Attribute\b|#)", re.IGNORECASE
)


class VBAError(ValueError):
    """A module cannot be stored as it is written (a message for the developer)."""


# --------------------------------------------------------------------------- text


def crlf(text: str) -> str:
    """Text with CRLF line ends, as the VBA editor stores modules; ends with one line end."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    while lines and lines[-1] == "":
        lines.pop()
    return "".join(line + "\r\n" for line in lines)


def _literal(text: str) -> str:
    """A VBA expression for ``text``: ASCII runs as literals, the rest as ``ChrW()`` calls."""
    parts: list[str] = []
    run = ""
    for ch in text:
        if ch.isascii():
            run += ch
            continue
        if run:
            parts.append('"' + run.replace('"', '""') + '"')
            run = ""
        units = ch.encode("utf-16-le")
        for i in range(0, len(units), 2):  # a character beyond the BMP is two code units
            parts.append(f"ChrW({int.from_bytes(units[i : i + 2], 'little')})")
    if run:
        parts.append('"' + run.replace('"', '""') + '"')
    # No parentheses around it: ``MsgBox (a) & b`` reads as a call with parentheses
    # to some parsers, and ``&`` binds tighter than every operator a string meets.
    return " & ".join(parts)


def _ascii_line(line: str, number: int) -> str:
    if line.isascii():
        return line
    out: list[str] = []
    i = 0
    while i < len(line):
        ch = line[i]
        if ch == "'":  # a comment runs to the end of the line
            if not line[i:].isascii():
                raise VBAError(f"line {number}: a comment must be ASCII (English): {line.strip()}")
            out.append(line[i:])
            break
        if ch != '"':
            if not ch.isascii():
                raise VBAError(f"line {number}: non-ASCII text outside a string: {line.strip()}")
            out.append(ch)
            i += 1
            continue
        j = i + 1
        text = ""
        while True:
            if j >= len(line):
                raise VBAError(f"line {number}: unterminated string: {line.strip()}")
            if line[j] == '"':
                if line[j + 1 : j + 2] == '"':
                    text += '"'
                    j += 2
                    continue
                break
            text += line[j]
            j += 1
        if text.isascii():
            out.append(line[i : j + 1])
        elif _STATEMENT_ONLY_LITERALS.match(line):
            raise VBAError(
                f"line {number}: a Const, Attribute or #directive needs a literal, "
                f"and Chinese text cannot be one: {line.strip()}"
            )
        else:
            out.append(_literal(text))
        i = j + 1
    return "".join(out)


def to_ascii(source: str) -> str:
    """``source`` (CRLF) with every non-ASCII string literal written as ``ChrW()`` calls.

    Raises :class:`VBAError` for non-ASCII text elsewhere (a comment, a name), in a
    statement that needs a literal (``Const``, ``Attribute``, ``#Const``), or when a
    line grows beyond what VBA accepts.
    """
    out = []
    for n, line in enumerate(crlf(source).split("\r\n")[:-1], start=1):
        converted = _ascii_line(line, n)
        if len(converted) > MAX_LINE:
            raise VBAError(
                f"line {n} is {len(converted)} characters long once converted (max {MAX_LINE})"
            )
        out.append(converted)
    return "".join(line + "\r\n" for line in out)


# --------------------------------------------------------------------------- xlwings' module

#: ``GetConfig``'s first layer: a conf sheet in the *active* workbook overrides everything.
_ACTIVE_SHEET_LAYER = (
    "            'Workbook Sheet Config\r\n"
    '            If SheetExists(ActiveWorkbook, PROJECT_NAME & ".conf") = True Then\r\n'
    "                If GetConfigFromSheet(ActiveWorkbook).Exists(configKey) = True Then\r\n"
    "                    GetConfig = GetConfigFromSheet(ActiveWorkbook).Item(configKey)\r\n"
    "                    GetConfig = ExpandEnvironmentStrings(GetConfig)\r\n"
    "                    Exit Function\r\n"
    "                End If\r\n"
    "            End If\r\n"
)
#: ``GetConfig``'s second layer: a ``<project>.conf`` file beside the active workbook.
_DIRECTORY_LAYER = (
    "    ' Directory Config\r\n"
    '    If source = "" Or source = "directory" Then\r\n'
    '        #If App = "Microsoft Excel" Then\r\n'
    "            If GetFullName(ActiveWorkbook) <> \"\" Then ' Empty if local dir can't be figured out (e.g. SharePoint)\r\n"
    "        #Else\r\n"
    '            If InStr(GetDirectoryPath(), "://") = 0 Then \' Other Office apps: skip for synced SharePoint/OneDrive files\r\n'
    "        #End If\r\n"
    "            If FileExists(GetDirectoryConfigFilePath()) = True Then\r\n"
    "                If GetConfigFromFile(GetDirectoryConfigFilePath(), configKey, configValue) Then\r\n"
    "                    GetConfig = configValue\r\n"
    "                    GetConfig = ExpandEnvironmentStrings(GetConfig)\r\n"
    "                    Exit Function\r\n"
    "                End If\r\n"
    "            End If\r\n"
    "        End If\r\n"
    "    End If\r\n"
)
_NOT_FROM_THE_WORKBOOK = (
    "            ' budgetlint: never the conf sheet of the workbook being checked, which could\r\n"
    "            ' name another program as the interpreter; the add-in's own sheet follows\r\n"
)
_NOT_FROM_ITS_FOLDER = (
    "    ' budgetlint: never a conf file from the folder of the workbook being checked\r\n"
)


def patch_xlwings_module(source: str, project_name: str) -> str:
    """xlwings' module (``xlwings_custom_addin.bas`` as the template holds it), patched.

    - ``PROJECT_NAME`` is ``project_name``: the conf sheet xlwings reads is then
      ``<project_name>.conf`` and the user config ``%USERPROFILE%\\.<project_name>\\``;
    - the declarations for VBA6 (without ``PtrSafe``, under ``#If VBA7 Then … #Else``)
      go: the VBA7 ones stay, unconditionally;
    - ``GetConfig`` no longer reads a ``<project_name>.conf`` sheet of the active
      workbook nor a ``<project_name>.conf`` file in its folder: the workbooks the
      add-in checks come from other people, and either would let one of them choose
      the program the buttons run (``Interpreter_Win``).  The add-in's own conf sheet,
      then the user's own config file, then the defaults remain.

    Raises :class:`VBAError` when the template does not hold exactly what is patched
    (another xlwings release: check the patch before pinning it).
    """
    text = crlf(source)
    for block, replacement, what in (
        (_ACTIVE_SHEET_LAYER, _NOT_FROM_THE_WORKBOOK, "the active workbook's conf sheet"),
        (_DIRECTORY_LAYER, _NOT_FROM_ITS_FOLDER, "the directory config"),
    ):
        if text.count(block) != 1:
            raise VBAError(f"xlwings' module: GetConfig does not read {what} as expected")
        text = text.replace(block, replacement)
    const = re.compile(r'^(Public Const PROJECT_NAME As String = )"[^"]*"\r$', re.MULTILINE)
    text, n = const.subn(lambda m: f'{m.group(1)}"{project_name}"\r', text)
    if n != 1:
        raise VBAError(f"xlwings' module: expected one PROJECT_NAME constant, found {n}")
    lines = text.split("\r\n")
    try:
        start = lines.index("#If VBA7 Then")
        middle = lines.index("#Else", start)
        end = lines.index("#End If", middle)
    except ValueError:
        raise VBAError(
            "xlwings' module: no #If VBA7 Then / #Else / #End If block at column 0"
        ) from None
    vba7 = [line.removeprefix("    ") for line in lines[start + 1 : middle]]
    if not any("Declare PtrSafe" in line for line in vba7):
        raise VBAError("xlwings' module: the VBA7 branch has no PtrSafe declaration")
    note = (
        "' budgetlint: the VBA7 (PtrSafe) declarations only; the add-in needs Office 2010 or later"
    )
    lines[start : end + 1] = [note, *vba7]
    return "\r\n".join(lines)


# --------------------------------------------------------------------------- the UDF module


def _chunks(text: str, size: int = _CHUNK) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)] or [""]


def _assign(var: str, text: str, indent: str = "    ") -> list[str]:
    """Statements that set ``var`` to ``text``, a few characters per line."""
    pieces = _chunks(text)
    lines = [f'{indent}{var} = "{_escape(pieces[0])}"']
    lines += [f'{indent}{var} = {var} & "{_escape(p)}"' for p in pieces[1:]]
    return lines


def _escape(text: str) -> str:
    return text.replace('"', '""')


def wrapper(module: str, name: str, params: list[inspect.Parameter]) -> list[str]:
    """The VBA function xlwings' ``generate_vba_wrapper`` writes for one UDF of an add-in.

    Positional parameters only (the ``BL_`` functions have no ``*args`` and no
    ``caller``); a parameter with a default is ``Optional``.  The workbook passed on
    is ``ActiveWorkbook``, as xlwings writes it for an ``.xlam``.
    """
    sig = ", ".join(
        ("Optional " if p.default is not inspect.Parameter.empty else "") + p.name for p in params
    )
    args = "Array(" + ", ".join(p.name for p in params) + ")"
    return [
        f"Function {name}({sig})",
        '    #If App = "Microsoft Excel" Then',
        "        If TypeOf Application.Caller Is Range Then On Error GoTo failed",
        f'        {name} = XLPy.CallUDF("{module}", "{name}", {args}, ActiveWorkbook, Application.Caller)',
        "        Exit Function",
        "    #Else",
        f'        {name} = XLPy.CallUDF("{module}", "{name}", {args})',
        "        Exit Function",
        "    #End If",
        "failed:",
        f"    {name} = Err.Description",
        "End Function",
        "",
    ]


def _describe(name: str, doc: str, arg_docs: list[str], category: str) -> list[str]:
    lines = [f"Private Sub Describe_{name}()", "    Dim d As String"]
    if arg_docs:
        lines.append(f"    Dim a(0 To {len(arg_docs) - 1}) As Variant")
    lines += _assign("d", doc[:MAX_DESCRIPTION])
    for i, arg_doc in enumerate(arg_docs):
        lines += _assign(f"a({i})", arg_doc[:MAX_DESCRIPTION])
    call = (
        f'    Application.MacroOptions Macro:="\'" & ThisWorkbook.Name & "\'!{name}", '
        f'Description:=d, Category:="{category}"'
    )
    if arg_docs:
        call += ", ArgumentDescriptions:=a"
    return [*lines, call, "End Sub", ""]


def udf_module(
    module: str,
    functions: Iterable[tuple[str, Callable[..., object]]],
    arg_docs: dict[str, dict[str, str]],
    describe: Callable[[Callable[..., object]], str],
    category: str,
) -> str:
    """The VBA module that makes ``functions`` Excel functions through xlwings, CRLF, not yet ASCII.

    ``functions`` are (Excel name, plain implementation) pairs, e.g.
    ``budgetlint.udfs.FUNCTIONS.items()``: the wrapper's parameters are those of the
    implementation (the decorated ``BL_…`` function has the same ones).  Wrappers come
    in the order xlwings writes them (by name, as ``dir(module)`` lists them), then
    ``RegisterDescriptions``, which the add-in's ``Workbook_Open`` calls: the
    function wizard's texts, as xlwings' ImportUDFs gives them to
    ``Application.MacroOptions`` (description and argument descriptions cut at
    255 characters, the category).  ``MacroOptions`` needs no access to the VBA
    project; a failure there never stops the add-in from loading.
    """
    items = sorted(functions)
    lines = [
        f'Attribute VB_Name = "{UDF_MODULE}"',
        "'Generated by `budgetlint addin build` from budgetlint.udfs, in the form of",
        "'xlwings' ImportUDFs module: every wrapper calls Python through XLPy.CallUDF.",
        "'Edit budgetlint/udfs.py and rebuild instead of editing this module.",
        """#Const App = "Microsoft Excel" 'Adjust when using outside of Excel""",
    ]
    for name, fn in items:
        lines += wrapper(module, name, list(inspect.signature(fn).parameters.values()))
    lines += [
        "Public Sub RegisterDescriptions()",
        "    ' Called by Workbook_Open: the function wizard's descriptions of the functions above.",
        "    On Error Resume Next",
        *[f"    Describe_{name}" for name, _ in items],
        "    ThisWorkbook.Saved = True",
        "End Sub",
        "",
    ]
    for name, fn in items:
        params = inspect.signature(fn).parameters
        docs = [
            arg_docs.get(name, {}).get(p, f"Positional argument {i + 1}")
            for i, p in enumerate(params)
        ]
        lines += _describe(name, describe(fn), docs, category)
    return crlf("\n".join(lines))
