"""``budgetlint addin build``: ``workbook/budgetlint.xlam`` from xlwings' ribbon add-in template.

Linux, no Excel.  The starting point is the template the pinned xlwings wheel
ships (``xlwings/quickstart_addin_ribbon.xlam``: modules ``xlwings``,
``Dictionary``, ``RibbonMyAddin``, the documents ``ThisWorkbook`` and ``Sheet2``,
a conf sheet ``_myaddin.conf``).  Its VBA project is edited with pyOpenVBA, which
rewrites only what changes and keeps the rest of the project as the template has it:
the project's ID and protection records (``CMG``/``DPB``/``GC``, encrypted with a key
derived from the ID, so the ID is kept), code page, LCID, the references (Office,
MSForms), the document modules' attributes and the other modules' streams.  The
project stays "decompiled" as the template ships it (``_VBA_PROJECT`` version
0xFFFF, no cache) and the edited modules carry no p-code: Excel compiles the
modules from their source when it opens the add-in.

What changes:

- the project is named ``budgetlint`` (dir stream ``PROJECTNAME``, ``Name=`` in the
  ``PROJECT`` stream) and ``PROJECT_NAME`` is ``budgetlint``;
- xlwings' module keeps only its ``PtrSafe`` declarations and takes its settings from
  the add-in's conf sheet (or the user's own config file), never from a conf sheet or
  file of the workbook being checked (:func:`vba.patch_xlwings_module`);
- ``RibbonMyAddin`` becomes ``BudgetlintRibbon`` with the callbacks of
  ``macros/BudgetlintRibbon.bas``; ``ThisWorkbook`` gets ``macros/ThisWorkbook.cls``;
- a module ``xlwings_udfs`` wraps the ``BL_`` functions of :mod:`budgetlint.udfs`
  (:func:`vba.udf_module`), so Excel knows them without xlwings' ImportUDFs;
- the ribbon is ``macros/customUI14.xml`` (2009/07 namespace, 2007 relationship);
- the conf sheet is ``budgetlint.conf`` (xlwings reads ``PROJECT_NAME & ".conf"``;
  the template's leading ``_`` is xlwings' way of switching a conf sheet off);
- ``docProps``: our title and fixed dates, the developer's path gone from
  ``workbook.xml``, a custom property ``xlwings`` with the version the VBA is for.

The package is written deterministically (:func:`package.write_parts`): the same
inputs give the same bytes, so the built add-in is committed and a test compares
it with a fresh build.
"""

from __future__ import annotations

import itertools
import re
import shutil
import struct
import tempfile
from pathlib import Path
from typing import Any

from budgetlint.xlam import (
    ADDIN_NAME,
    CONF_SHEET,
    PROJECT_NAME,
    RIBBON_MODULE,
    UDF_PACKAGE_MODULE,
    default_conf,
    vba,
)
from budgetlint.xlam import package as pkg

#: The template's names.
TEMPLATE_FILE = "quickstart_addin_ribbon.xlam"
TEMPLATE_RIBBON_MODULE = "RibbonMyAddin"
TEMPLATE_CONF_SHEET = "_myaddin.conf"
TEMPLATE_MODULES = {"ThisWorkbook", "Dictionary", TEMPLATE_RIBBON_MODULE, "Sheet2", "xlwings"}

#: The macros folder's files (VBA source is UTF-8 there; see macros/README.md).
RIBBON_SOURCE = f"{RIBBON_MODULE}.bas"
THISWORKBOOK_SOURCE = "ThisWorkbook.cls"
RIBBON_XML = "customUI14.xml"

VBA_PART = "xl/vbaProject.bin"
FIXED_TIME = "2024-01-01T00:00:00Z"  # the date of budgetlint.build.xlsx's committed workbooks
TITLE = "budgetlint 绩效复核"
DESCRIPTION = (
    "预算绩效自评表复核：检查、重算、清除标注、导出报告；BL_ 函数。由 budgetlint addin build 生成。"
)


class BuildError(RuntimeError):
    """The add-in cannot be built (a message for the developer)."""


def repo_root() -> Path:
    """The checkout this package is in (it holds pyproject.toml and macros/)."""
    root = Path(__file__).resolve().parents[3]
    if not (root / "pyproject.toml").is_file() or not (root / "macros").is_dir():
        raise BuildError("budgetlint addin build 需要在源码目录中运行（找不到 macros/ 文件夹）")
    return root


def default_output() -> Path:
    return repo_root() / "workbook" / ADDIN_NAME


def template_path() -> Path:
    """The ribbon add-in template of the installed xlwings."""
    import xlwings

    path = Path(xlwings.__file__).parent / TEMPLATE_FILE
    if not path.is_file():
        raise BuildError(f"xlwings {xlwings.__version__} 没有附带 {TEMPLATE_FILE}")
    return path


# --------------------------------------------------------------------------- the VBA project


def _xlwings_version(source: str) -> str:
    m = re.search(r'^Public Const XLWINGS_VERSION As String = "([^"]+)"', source, re.MULTILINE)
    if m is None:
        raise BuildError("xlwings' module has no XLWINGS_VERSION constant")
    return m.group(1)


def _udf_source() -> str:
    from budgetlint import udfs

    return vba.udf_module(
        UDF_PACKAGE_MODULE, udfs.FUNCTIONS.items(), udfs.XL_ARGS, udfs.description, udfs.CATEGORY
    )


def _edit_project(template: Path, macros: Path, work: Path) -> tuple[bytes, str]:
    """The template with our modules (pyOpenVBA), and the xlwings version its VBA is for."""
    try:
        from pyopenvba import ExcelFile
    except ImportError:  # a developer dependency: pip install -e '.[dev]'
        raise BuildError("budgetlint addin build 需要 pyOpenVBA：pip install -e '.[dev]'") from None
    src, out = work / "template.xlam", work / "edited.xlam"
    shutil.copyfile(template, src)
    with ExcelFile(src) as wb:
        project: Any = wb.vba_project()
        names = set(project.module_names())
        if names != TEMPLATE_MODULES:
            raise BuildError(f"unexpected modules in the template: {sorted(names)}")
        xl_source = wb.get_module("xlwings")
        version = _xlwings_version(xl_source)
        wb.set_module("xlwings", vba.to_ascii(vba.patch_xlwings_module(xl_source, PROJECT_NAME)))
        project.rename_module(TEMPLATE_RIBBON_MODULE, RIBBON_MODULE)
        ribbon = (macros / RIBBON_SOURCE).read_text(encoding="utf-8")
        wb.set_module(RIBBON_MODULE, vba.to_ascii(ribbon))
        this_workbook = (macros / THISWORKBOOK_SOURCE).read_text(encoding="utf-8")
        wb.set_module("ThisWorkbook", vba.to_ascii(this_workbook))
        project.add_module(vba.UDF_MODULE, vba.to_ascii(_udf_source()))
        wb.save(out)
    with ExcelFile(out) as saved:  # pyOpenVBA's cross-checks of dir, PROJECT and the streams
        problems = saved.validate()
    if problems:
        raise BuildError("pyOpenVBA: " + "; ".join(problems))
    return out.read_bytes(), version


def _records(raw: bytes) -> list[tuple[int, int, int]]:
    """(id, start, end) of the dir stream's records before PROJECTMODULES ([MS-OVBA] 2.3.4.2)."""
    out = []
    pos = 0
    while pos + 6 <= len(raw):
        rid, size = struct.unpack_from("<HI", raw, pos)
        if rid == 0x0009:  # PROJECTVERSION: Reserved (4) + major (4) + minor (2)
            size = 6
        if rid == 0x000F:  # PROJECTMODULES: the modules follow
            break
        out.append((rid, pos, pos + 6 + size))
        pos += 6 + size
    return out


#: ``_VBA_PROJECT`` of a project without compiled state ([MS-OVBA] 2.3.4.1): Reserved1
#: 0x61CC, Version 0xFFFF ("decompiled": Office compiles the modules from their source).
_DECOMPILED = b"\xcc\x61\xff\xff\x00"


def rename_project(vba_bin: bytes, name: str, vba_project: bytes | None = None) -> bytes:
    """``vbaProject.bin`` with the project named ``name`` (dir stream and PROJECT stream).

    Also tidies ``[Workspace]`` in the PROJECT stream (pyOpenVBA appends an added
    module's window record after the blank line that ends the section) and, given the
    template's ``_VBA_PROJECT`` stream and when that is the 7-byte decompiled form
    xlwings ships, puts it back as it was (pyOpenVBA zeroes its two reserved bytes).
    """
    from pyopenvba.cfb import CFB
    from pyopenvba.vba import compress, decompress

    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]{0,30}", name):
        raise BuildError(f"not a VBA project name: {name!r}")
    cfb = CFB.from_bytes(vba_bin)
    if vba_project is not None and len(vba_project) == 7 and vba_project.startswith(_DECOMPILED):
        current = cfb.get_stream_in_storage("VBA", "_VBA_PROJECT")
        if not current.startswith(_DECOMPILED) or len(current) != len(vba_project):
            raise BuildError("pyOpenVBA left compiled state in _VBA_PROJECT")
        cfb.write_stream_in_storage("VBA", "_VBA_PROJECT", vba_project)
    raw = decompress(cfb.get_stream_in_storage("VBA", "dir"), stream_name="dir")
    found = [(start, end) for rid, start, end in _records(raw) if rid == 0x0004]
    if len(found) != 1:
        raise BuildError("the dir stream has no single PROJECTNAME record")
    start, end = found[0]
    encoded = name.encode("ascii")
    record = struct.pack("<HI", 0x0004, len(encoded)) + encoded
    cfb.write_stream_in_storage("VBA", "dir", compress(raw[:start] + record + raw[end:]))

    text = cfb.get_stream("PROJECT").decode("cp1252")
    lines = text.split("\r\n")
    named = [i for i, line in enumerate(lines) if line.startswith("Name=")]
    if len(named) != 1:
        raise BuildError("the PROJECT stream has no single Name= line")
    lines[named[0]] = f'Name="{name}"'
    if "[Workspace]" in lines:
        at = lines.index("[Workspace]") + 1
        lines[at:] = [*[line for line in lines[at:] if line], "", ""]
    cfb.write_stream("PROJECT", "\r\n".join(lines).encode("cp1252"))
    return cfb.to_bytes()


def _vba_project_stream(parts: dict[str, bytes]) -> bytes:
    from pyopenvba.cfb import CFB

    return CFB.from_bytes(parts[VBA_PART]).get_stream_in_storage("VBA", "_VBA_PROJECT")


# --------------------------------------------------------------------------- the package


def _replace_once(data: bytes, old: bytes, new: bytes, part: str) -> bytes:
    if data.count(old) != 1:
        raise BuildError(f"{part}: expected one {old[:60]!r}")
    return data.replace(old, new)


def _core_xml() -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{TITLE}</dc:title><dc:description>{DESCRIPTION}</dc:description>"
        "<dc:creator>budgetlint</dc:creator><cp:lastModifiedBy>budgetlint</cp:lastModifiedBy>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{FIXED_TIME}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{FIXED_TIME}</dcterms:modified>'
        "</cp:coreProperties>"
    ).encode()


def _package(parts: dict[str, bytes], ribbon_xml: bytes, version: str) -> dict[str, bytes]:
    """The template's parts with our ribbon, conf sheet, properties and names."""
    conf_part = pkg.sheet_part(parts, TEMPLATE_CONF_SHEET)
    _, code_name = pkg.read_conf(parts, TEMPLATE_CONF_SHEET)

    wb = pkg.workbook_part(parts)
    data = _replace_once(
        parts[wb], f'name="{TEMPLATE_CONF_SHEET}"'.encode(), f'name="{CONF_SHEET}"'.encode(), wb
    )
    # the template's x15ac:absPath: the folder it was saved in on its author's machine
    data, n = re.subn(rb"<mc:AlternateContent\b.*?</mc:AlternateContent>", b"", data, flags=re.S)
    if n != 1:
        raise BuildError(f"{wb}: expected one mc:AlternateContent")
    parts[wb] = data
    parts[conf_part] = pkg.conf_sheet_xml(default_conf(), code_name)

    # no shared strings: the conf sheet holds inline strings
    wb_rels = "xl/_rels/workbook.xml.rels"
    parts[wb_rels], n = re.subn(rb'<Relationship [^>]*/sharedStrings"[^>]*/>', b"", parts[wb_rels])
    shared = [t for _, kind, t in pkg.relationships(parts, wb) if kind.endswith("/sharedStrings")]
    if n != 1 or shared:
        raise BuildError(f"{wb_rels}: expected one sharedStrings relationship")
    parts.pop("xl/sharedStrings.xml")

    ct = "[Content_Types].xml"
    data, n = re.subn(rb'<Override PartName="/xl/sharedStrings.xml"[^>]*/>', b"", parts[ct])
    if n != 1:
        raise BuildError(f"{ct}: expected one sharedStrings override")
    parts[ct] = _replace_once(
        data,
        b"</Types>",
        f'<Override PartName="/{pkg.CUSTOM_PROPS_PART}" ContentType="{pkg.CUSTOM_PROPS_TYPE}" /></Types>'.encode(),
        ct,
    )

    rels = "_rels/.rels"
    old_ui = [(kind, target) for kind, target, _ in pkg.customui(parts)]
    if len(old_ui) != 1:
        raise BuildError(f"{rels}: expected one ribbon relationship, found {old_ui}")
    data, n = re.subn(rb'<Relationship [^>]*/ui/extensibility"[^>]*/>', b"", parts[rels])
    if n != 1:
        raise BuildError(f"{rels}: expected one ribbon relationship")
    ids = set(re.findall(rb'Id="([^"]+)"', data))
    free = (f"rId{i}" for i in itertools.count(1) if f"rId{i}".encode() not in ids)
    ui_id, props_id = next(free), next(free)
    added = (
        f'<Relationship Id="{ui_id}" Type="{pkg.CUSTOMUI_REL}" Target="{pkg.CUSTOMUI_PART}" />'
        f'<Relationship Id="{props_id}" Type="{pkg.CUSTOM_PROPS_REL}" Target="{pkg.CUSTOM_PROPS_PART}" />'
    )
    parts[rels] = _replace_once(
        data, b"</Relationships>", added.encode() + b"</Relationships>", rels
    )
    parts.pop(old_ui[0][1])
    parts[pkg.CUSTOMUI_PART] = ribbon_xml
    parts[pkg.CUSTOM_PROPS_PART] = pkg.custom_properties_xml({pkg.XLWINGS_PROPERTY: version})
    parts["docProps/core.xml"] = _core_xml()
    return parts


def build(template: Path | None = None, macros: Path | None = None) -> bytes:
    """The add-in's bytes: the same for the same template, macros/ and budgetlint.udfs."""
    template = template or template_path()
    macros = macros or repo_root() / "macros"
    ribbon_xml = (macros / RIBBON_XML).read_bytes()
    with tempfile.TemporaryDirectory(prefix="budgetlint-addin-") as tmp:
        edited, version = _edit_project(template, macros, Path(tmp))
    import xlwings

    if version != xlwings.__version__:
        raise BuildError(
            f"the template's VBA is for xlwings {version}, the installed xlwings is {xlwings.__version__}"
        )
    parts = pkg.read_parts(edited)
    parts[VBA_PART] = rename_project(
        parts[VBA_PART], PROJECT_NAME, _vba_project_stream(pkg.read_parts(template.read_bytes()))
    )
    return pkg.write_parts(_package(parts, ribbon_xml, version))


def write(path: Path | None = None) -> Path:
    """Build and write the add-in (default ``workbook/budgetlint.xlam`` of the checkout)."""
    from budgetlint.outfile import write_bytes

    target = path or default_output()
    write_bytes(target, build())
    return target
