"""``budgetlint lite build``: the xlwings Lite workbook ``workbook/budgetlint-lite.xlsx``.

xlwings Lite keeps a workbook's code in the workbook itself, as properties of
its web-extension part (``xl/webextensions/webextension1.xml``, the task pane
of the add-in with store id :data:`budgetlint.lite.STORE_ID`)::

    <we:property name="main.py" value="&quot;import xlwings as xw\\n…&quot;"/>
    <we:property name="requirements.txt" value="&quot;xlwings==…\\n&quot;"/>

Each value is the file's text as a JSON string (``\\n`` for a line break, ``\\/``
for ``/``, as the workbooks Lite saves have it), XML-escaped.  Lite also writes
``pyodideVersion`` and ``addinVersion`` when it saves; they are left out here
(Lite fills them in on the first save).

The workbook has one sheet, 使用说明, and ``main.py`` is the text of
:mod:`budgetlint.lite.main`.  The bytes depend only on that text, the
requirements and this module (fixed zip dates, as :mod:`budgetlint.build.xlsx`).

**requirements.txt.**  Lite installs each line with micropip: a name from the
package index (pypi.org, or the private index a self-hosted Lite is configured
with, ``XLWINGS_PYPI_INDEX_URL``) or the URL of a wheel (a web server that
allows cross-origin requests).  budgetlint's wheel is pure Python
(``py3-none-any``) and declares its compiled and heavy dependencies
(python-calamine, formulas, openpyxl, xlwings) only for platforms other than
Pyodide (``sys_platform != "emscripten"``), so micropip installs just it and
opencc-python-reimplemented (pure Python).  The default lines are
:func:`requirements`; ``--wheel-url`` replaces budgetlint's line by URLs.
"""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Sequence
from pathlib import Path
from xml.sax.saxutils import escape

from budgetlint import __version__
from budgetlint.lite import STORE_ID, XLWINGS_VERSION

#: Where the committed workbook lives (relative to the project root).
WORKBOOK = Path("workbook") / "budgetlint-lite.xlsx"
WEBEXTENSION = "xl/webextensions/webextension1.xml"
TASKPANES = "xl/webextensions/taskpanes.xml"
#: A fixed id for the web-extension instance, so that the bytes are reproducible.
INSTANCE_ID = "{6B0F2A7E-3C1D-4E55-9A2B-B0D6E7C1A001}"

_WE = "http://schemas.microsoft.com/office/webextensions/webextension/2010/11"
_WETP = "http://schemas.microsoft.com/office/webextensions/taskpanes/2010/11"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_REL_TASKPANES = "http://schemas.microsoft.com/office/2011/relationships/webextensiontaskpanes"
_REL_WEBEXTENSION = "http://schemas.microsoft.com/office/2011/relationships/webextension"
_CT_TASKPANES = "application/vnd.ms-office.webextensiontaskpanes+xml"
_CT_WEBEXTENSION = "application/vnd.ms-office.webextension+xml"

GUIDE_SHEET = "使用说明"
GUIDE = [
    "budgetlint 绩效复核（xlwings Lite）",
    "",
    "1. 在“开始”选项卡中点 xlwings Lite 打开窗格（首次使用需从 Office 加载项商店添加 xlwings Lite）。",
    "2. 首次打开时 xlwings Lite 按 requirements.txt 安装 budgetlint，完成后窗格中出现脚本 检查、清除、重算。",
    "3. 把要复核的自评表工作表复制到本工作簿（或把本工作簿的代码复制到自评表所在的工作簿），选择“检查”并运行。",
    "4. 检查：给不一致的单元格填色、加批注，并在最前面加一张“复核结果”工作表；清除：恢复检查之前的样子；重算：请 Excel 重算后再检查。",
    "5. 单元格中可以使用 =BL_EXEC_RATE(执行数, 预算数)、=BL_GRADE(总分) 等函数，与 Windows 加载项相同。",
    "",
    "限制：xlwings Lite 在浏览器的沙箱中运行 Python，不能读取本机文件（设置文件 budgetlint.toml 不起作用，使用默认设置）；",
    "不能读取数字格式、公式、合并单元格和原有填充色（清除后被标注的单元格恢复为无填充）；内存有限，很大的工作簿请用命令行 budgetlint check。",
]


class BuildError(RuntimeError):
    """The workbook cannot be built (or read back)."""


def requirements(wheel_urls: Sequence[str] = ()) -> str:
    """The requirements.txt text: xlwings (Lite requires it) and budgetlint (or its wheel URLs)."""
    lines = [f"xlwings=={XLWINGS_VERSION}  # xlwings Lite 必需"]
    if wheel_urls:
        lines.extend(wheel_urls)
    else:
        lines.append(f"budgetlint=={__version__}")
    return "\n".join(lines) + "\n"


def main_source() -> str:
    """The text of :mod:`budgetlint.lite.main` (the workbook's main.py)."""
    return (Path(__file__).parent / "main.py").read_text(encoding="utf-8")


def encode_value(text: str) -> str:
    """A property's value as Lite stores it: the text as a JSON string, ``/`` as ``\\/``."""
    return json.dumps(text, ensure_ascii=False).replace("/", "\\/")


def _attr(text: str) -> str:
    """An attribute value in double quotes, as Office writes it (``"`` as ``&quot;``)."""
    return escape(text, {'"': "&quot;"})


def webextension_xml(properties: dict[str, str]) -> bytes:
    props = "".join(
        f'<we:property name="{_attr(name)}" value="{_attr(encode_value(text))}"/>'
        for name, text in properties.items()
    )
    xml = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<we:webextension xmlns:we="{_WE}" id="{INSTANCE_ID}">'
        f'<we:reference id="{STORE_ID}" version="1.0.0.0" store="zh-CN" storeType="OMEX"/>'
        f'<we:alternateReferences><we:reference id="{STORE_ID}" version="1.0.0.0" '
        f'store="{STORE_ID.upper()}" storeType="OMEX"/></we:alternateReferences>'
        f"<we:properties>{props}</we:properties><we:bindings/>"
        f'<we:snapshot xmlns:r="{_R}"/></we:webextension>'
    )
    return xml.encode("utf-8")


def _taskpanes_xml() -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<wetp:taskpanes xmlns:wetp="{_WETP}"><wetp:taskpane dockstate="right" visibility="1" '
        f'width="438" row="2"><wetp:webextensionref xmlns:r="{_R}" r:id="rId1"/>'
        "</wetp:taskpane></wetp:taskpanes>"
    ).encode()


def _taskpanes_rels() -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<Relationships xmlns="{_PKG_RELS}"><Relationship Id="rId1" '
        f'Type="{_REL_WEBEXTENSION}" Target="webextension1.xml"/></Relationships>'
    ).encode()


def _base_workbook() -> dict[str, bytes]:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    from budgetlint.build.xlsx import to_bytes
    from budgetlint.xlam.package import read_parts

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = GUIDE_SHEET
    for i, line in enumerate(GUIDE, start=1):
        ws.cell(row=i, column=1, value=line or None)
        ws.cell(row=i, column=1).alignment = Alignment(wrap_text=False, vertical="top")
    ws["A1"].font = Font(bold=True, size=14)
    ws.column_dimensions["A"].width = 120
    return read_parts(to_bytes(wb))


def build_bytes(wheel_urls: Sequence[str] = ()) -> bytes:
    """The Lite workbook's bytes (the same for the same main.py and requirements)."""
    from budgetlint.xlam.package import write_parts

    parts = _base_workbook()
    parts[WEBEXTENSION] = webextension_xml(
        {"main.py": main_source(), "requirements.txt": requirements(wheel_urls)}
    )
    parts[TASKPANES] = _taskpanes_xml()
    parts["xl/webextensions/_rels/taskpanes.xml.rels"] = _taskpanes_rels()
    rels = parts["_rels/.rels"].decode()
    rel = f'<Relationship Id="rIdLite" Type="{_REL_TASKPANES}" Target="{TASKPANES}"/>'
    parts["_rels/.rels"] = rels.replace("</Relationships>", rel + "</Relationships>").encode()
    types = parts["[Content_Types].xml"].decode()
    overrides = (
        f'<Override PartName="/{TASKPANES}" ContentType="{_CT_TASKPANES}"/>'
        f'<Override PartName="/{WEBEXTENSION}" ContentType="{_CT_WEBEXTENSION}"/>'
    )
    parts["[Content_Types].xml"] = types.replace("</Types>", overrides + "</Types>").encode()
    return write_parts(parts)


def build(target: str | Path = WORKBOOK, wheel_urls: Sequence[str] = ()) -> Path:
    """Write the Lite workbook to ``target`` (atomically); returns the path."""
    from budgetlint.outfile import write_bytes

    path = Path(target)
    path.parent.mkdir(parents=True, exist_ok=True)
    return write_bytes(path, build_bytes(wheel_urls))


def read_properties(source: str | Path | bytes) -> dict[str, str]:
    """The Lite properties (``main.py``, ``requirements.txt``, …) of a workbook, decoded.

    Follows the package's relationships (``_rels/.rels`` → task panes → web
    extension) rather than assuming part names, so it reads workbooks Lite saved.
    """
    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        names = set(z.namelist())

        def rel_target(rels_part: str, rel_type: str, base: str) -> str | None:
            if rels_part not in names:
                return None
            for rel in ET.fromstring(z.read(rels_part)):
                if rel.get("Type") == rel_type:
                    target = rel.get("Target", "")
                    return target.lstrip("/") if target.startswith("/") else base + target
            return None

        panes = rel_target("_rels/.rels", _REL_TASKPANES, "")
        if panes is None:
            raise BuildError("工作簿中没有 Office 加载项窗格（不是 xlwings Lite 工作簿）")
        folder, _, name = panes.rpartition("/")
        ext = rel_target(f"{folder}/_rels/{name}.rels", _REL_WEBEXTENSION, folder + "/")
        if ext is None or ext not in names:
            raise BuildError("加载项窗格没有指向 web 扩展部件")
        root = ET.fromstring(z.read(ext))
    out: dict[str, str] = {}
    for prop in root.iter(f"{{{_WE}}}property"):
        value = json.loads(prop.get("value", "null"))
        out[prop.get("name", "")] = value if isinstance(value, str) else json.dumps(value)
    return out


__all__ = [
    "WORKBOOK",
    "BuildError",
    "build",
    "build_bytes",
    "encode_value",
    "main_source",
    "read_properties",
    "requirements",
]
