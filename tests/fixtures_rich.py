"""Builders of "rich" workbooks for the annotator's preservation tests.

A workbook is made with openpyxl (two form sheets and a list sheet, data
validation from another sheet, conditional formatting, defined names with a
print area, merged ranges, number formats, a formula, a chart, a note written
by openpyxl), then patched by hand with what openpyxl cannot write: an image
and a text box in the drawing, a legacy note with bold/red runs, a threaded
comment with its persons part, and x14 ``extLst`` blocks in the sheet XML.  The
macro variant adds ``xl/vbaProject.bin`` and a ribbon ``customUI14.xml``.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import openpyxl
from openpyxl.chart import BarChart, Reference
from openpyxl.comments import Comment
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation

FORM = "01 综合服务工作"
PROJECT = "02 项目"
LISTS = "Lists"

#: Cells the tests look at (on FORM unless stated).
EXISTING = "E6"  # a number-formatted, bordered, bold value cell
FORMULA = "G6"  # =E6/D6, percentage format
RICH_NOTE = "D6"  # carries the hand-written note with bold/red runs
THREADED = "H6"  # carries a threaded comment (and its legacy fallback note)
EMPTY_IN_ROW = "J6"  # row 6 exists, the cell does not
EMPTY_NO_ROW = "C20"  # neither row nor cell exist
MERGED = "B2"  # top-left of B2:E2
MERGED_INNER = "C2"  # inside B2:E2
OPENPYXL_NOTE = "B3"  # on PROJECT: a note written by openpyxl
LISTS_CELL = "A2"  # on LISTS

RICH_NOTE_TEXT = ("张三:", "\n请核对全年执行数", "（重要）")

S_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
REL_TC = "http://schemas.microsoft.com/office/2017/10/relationships/threadedComment"
REL_PERSON = "http://schemas.microsoft.com/office/2017/10/relationships/person"
REL_VBA = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"
REL_UI = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"
CT_MACRO_MAIN = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
CT_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"


def tiny_png(width: int = 4, height: int = 3, rgb: tuple[int, int, int] = (40, 120, 200)) -> bytes:
    """A valid RGB PNG, written with zlib only."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    raw = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def _base(path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = FORM
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    ws["A1"] = "项目支出绩效自评表"
    ws["A1"].font = Font(bold=True, size=16)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.merge_cells("A1:I1")
    ws["A2"] = "项目名称"
    ws["B2"] = "社会组织综合服务工作"
    ws["B2"].font = Font(italic=True)
    ws.merge_cells("B2:E2")
    ws["F2"] = "项目金额"
    ws["G2"] = 987000
    ws["G2"].number_format = "#,##0.00"
    headers = [
        "项目资金（元）",
        "",
        "年初预算数",
        "全年预算数",
        "全年执行数",
        "分值",
        "执行率",
        "得分",
    ]
    for i, h in enumerate(headers, start=1):
        c = ws.cell(5, i, h or None)
        c.font = Font(bold=True)
        c.fill = PatternFill("solid", fgColor="FFD9D9D9")
        c.border = box
    ws["B6"] = "年度资金总额"
    ws["C6"] = 1000000
    ws["D6"] = 987000
    ws["E6"] = 969188.11
    ws["E6"].number_format = "#,##0.00"
    ws["E6"].font = Font(bold=True, color="FF1F4E79")
    ws["E6"].border = box
    ws["F6"] = 10
    ws["G6"] = "=E6/D6"
    ws["G6"].number_format = "0.00%"
    ws["H6"] = 9.8
    for col in "CDEFGH":
        ws[f"{col}6"].border = box
    ws["B7"] = "其中：当年财政拨款"
    ws["E7"] = 969188.11
    ws.column_dimensions["A"].width = 16
    ws.column_dimensions["B"].width = 20
    ws.print_area = "A1:I20"
    ws.print_title_rows = "1:5"

    lists = wb.create_sheet(LISTS)
    for i, v in enumerate(["数量指标", "质量指标", "时效指标"], start=1):
        lists.cell(i, 1, v)
    dv = DataValidation(type="list", formula1=f"={LISTS}!$A$1:$A$3", allow_blank=True)
    ws.add_data_validation(dv)
    dv.add("C10:C12")
    ws.conditional_formatting.add(
        "G6:G7",
        CellIsRule(operator="greaterThan", formula=["1"], fill=PatternFill("solid", "FFFF0000")),
    )
    wb.defined_names["预算合计"] = DefinedName("预算合计", attr_text=f"'{FORM}'!$D$6")

    proj = wb.create_sheet(PROJECT)
    proj["A1"] = "项目绩效情况自评表"
    proj["A3"] = "预算执行率"
    proj["B3"] = 0.98
    proj["B3"].comment = Comment("已核对", "李四")
    proj.print_area = "A1:D10"

    chart = BarChart()
    chart.title = "预算执行"
    chart.add_data(Reference(ws, min_col=3, max_col=5, min_row=5, max_row=6), titles_from_data=True)
    ws.add_chart(chart, "K2")
    wb.active = 2  # the project sheet is the active tab
    wb.save(path)


def _patch(path: Path, edit: Callable[[dict[str, bytes]], dict[str, bytes]]) -> None:
    with zipfile.ZipFile(path) as zf:
        parts = {i.filename: zf.read(i) for i in zf.infolist()}
    parts = edit(parts)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)


def _sheet_part(parts: dict[str, bytes], name: str) -> str:
    import re

    wb = parts["xl/workbook.xml"].decode()
    rels = parts["xl/_rels/workbook.xml.rels"].decode()
    rid = re.search(rf'<sheet name="{re.escape(name)}"[^>]*r:id="([^"]+)"', wb)
    assert rid
    target = re.search(rf'Target="([^"]+)"[^>]*Id="{rid.group(1)}"', rels)
    if target is None:
        target = re.search(rf'Id="{rid.group(1)}"[^>]*Target="([^"]+)"', rels)
    assert target
    return target.group(1).lstrip("/")


def _add_ct(parts: dict[str, bytes], xml: str) -> None:
    ct = parts["[Content_Types].xml"].decode()
    parts["[Content_Types].xml"] = ct.replace("</Types>", xml + "</Types>").encode()


def _add_rel(parts: dict[str, bytes], rels_part: str, rid: str, rtype: str, target: str) -> None:
    rel = f'<Relationship Id="{rid}" Type="{rtype}" Target="{target}"/>'
    if rels_part in parts:
        text = parts[rels_part].decode()
        parts[rels_part] = text.replace("</Relationships>", rel + "</Relationships>").encode()
    else:
        parts[rels_part] = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f"{rel}</Relationships>"
        ).encode()


RICH_COMMENTS = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<comments xmlns="{S_MAIN}" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" mc:Ignorable="xr" xmlns:xr="http://schemas.microsoft.com/office/spreadsheetml/2014/revision"><authors><author>张三</author><author>tc={{6A1F1B1C-0000-4000-8000-000000000001}}</author></authors><commentList><comment ref="{RICH_NOTE}" authorId="0" shapeId="0"><text><r><rPr><b/><sz val="9"/><color indexed="81"/><rFont val="宋体"/><charset val="134"/></rPr><t>{RICH_NOTE_TEXT[0]}</t></r><r><rPr><sz val="9"/><color indexed="81"/><rFont val="宋体"/><charset val="134"/></rPr><t xml:space="preserve">{RICH_NOTE_TEXT[1]}</t></r><r><rPr><b/><sz val="9"/><color rgb="FFFF0000"/><rFont val="宋体"/><charset val="134"/></rPr><t>{RICH_NOTE_TEXT[2]}</t></r></text></comment><comment ref="{THREADED}" authorId="1" shapeId="0" xr:uid="{{6A1F1B1C-0000-4000-8000-0000000000AA}}"><text><t>[Threaded comment]

Your version of Excel allows you to read this threaded comment; however, any edits to it will get removed if the file is opened in a newer version of Excel. Learn more: https://go.microsoft.com/fwlink/?linkid=870924

Comment:
    得分请按权重复核</t></text></comment></commentList></comments>"""


def _vml_shape(sid: int, row: int, col: int) -> str:
    return f"""<v:shape id="_x0000_s{sid}" type="#_x0000_t202" style='position:absolute;
  margin-left:200pt;margin-top:60pt;width:108pt;height:59.25pt;z-index:{sid - 1024};
  visibility:hidden' fillcolor="infoBackground [80]" o:insetmode="auto">
  <v:fill color2="infoBackground [80]"/>
  <v:shadow color="none [81]" obscured="t"/>
  <v:path o:connecttype="none"/>
  <v:textbox style='mso-direction-alt:auto'>
   <div style='text-align:left'></div>
  </v:textbox>
  <x:ClientData ObjectType="Note">
   <x:MoveWithCells/>
   <x:SizeWithCells/>
   <x:Anchor>
    {col + 1}, 15, {row - 1}, 10, {col + 3}, 15, {row + 3}, 4</x:Anchor>
   <x:AutoFill>False</x:AutoFill>
   <x:Row>{row}</x:Row>
   <x:Column>{col}</x:Column>
  </x:ClientData>
 </v:shape>"""


RICH_VML = f"""<xml xmlns:v="urn:schemas-microsoft-com:vml"
 xmlns:o="urn:schemas-microsoft-com:office:office"
 xmlns:x="urn:schemas-microsoft-com:office:excel">
 <o:shapelayout v:ext="edit">
  <o:idmap v:ext="edit" data="1"/>
 </o:shapelayout><v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202"
  path="m,l,21600r21600,l21600,xe">
  <v:stroke joinstyle="miter"/>
  <v:path gradientshapeok="t" o:connecttype="rect"/>
 </v:shapetype>
 {_vml_shape(1025, 5, 3)}
 {_vml_shape(1026, 5, 7)}
</xml>"""

THREADED_XML = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<ThreadedComments xmlns="http://schemas.microsoft.com/office/spreadsheetml/2018/threadedcomments" xmlns:x="{S_MAIN}"><threadedComment ref="{THREADED}" dT="2024-03-01T08:00:00.00" personId="{{11111111-2222-4333-8444-555555555555}}" id="{{6A1F1B1C-0000-4000-8000-0000000000AA}}"><text>得分请按权重复核</text></threadedComment></ThreadedComments>"""

PERSONS_XML = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<personList xmlns="http://schemas.microsoft.com/office/spreadsheetml/2018/threadedcomments" xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><person displayName="王五" id="{11111111-2222-4333-8444-555555555555}" userId="wangwu@example.org" providerId="None"/></personList>"""

X14_EXT = (
    '<extLst><ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}" '
    'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
    '<x14:dataValidations count="1" '
    'xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main">'
    '<x14:dataValidation type="list" allowBlank="1" showInputMessage="1" showErrorMessage="1">'
    f"<x14:formula1><xm:f>{LISTS}!$A$1:$A$3</xm:f></x14:formula1>"
    "<xm:sqref>D10:D12</xm:sqref></x14:dataValidation></x14:dataValidations></ext>"
    '<ext uri="{78C0D931-6437-407d-A8EE-F0AAD7539E65}" '
    'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
    "<x14:conditionalFormattings><x14:conditionalFormatting "
    'xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main">'
    '<x14:cfRule type="dataBar" id="{00000000-000E-0000-0000-000001000000}">'
    '<x14:dataBar minLength="0" maxLength="100" gradient="0"><x14:cfvo type="autoMin"/>'
    '<x14:cfvo type="autoMax"/><x14:negativeFillColor rgb="FFFF0000"/>'
    '<x14:axisColor rgb="FF000000"/></x14:dataBar></x14:cfRule>'
    "<xm:sqref>C6:E7</xm:sqref></x14:conditionalFormatting></x14:conditionalFormattings>"
    "</ext></extLst>"
)

DRAWING_EXTRA = (
    '<xdr:twoCellAnchor editAs="oneCell" xmlns:xdr="http://schemas.openxmlformats.org/'
    'drawingml/2006/spreadsheetDrawing"><xdr:from><xdr:col>0</xdr:col><xdr:colOff>0</xdr:colOff>'
    "<xdr:row>13</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from><xdr:to><xdr:col>1</xdr:col>"
    "<xdr:colOff>0</xdr:colOff><xdr:row>16</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:to>"
    '<xdr:pic><xdr:nvPicPr><xdr:cNvPr id="3" name="图片 2"/><xdr:cNvPicPr>'
    '<a:picLocks noChangeAspect="1"/></xdr:cNvPicPr></xdr:nvPicPr><xdr:blipFill>'
    '<a:blip r:embed="rIdImg1"/><a:stretch><a:fillRect/></a:stretch></xdr:blipFill>'
    '<xdr:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="952500" cy="571500"/></a:xfrm>'
    '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></xdr:spPr></xdr:pic><xdr:clientData/>'
    "</xdr:twoCellAnchor>"
    '<xdr:twoCellAnchor xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/'
    'spreadsheetDrawing"><xdr:from><xdr:col>2</xdr:col><xdr:colOff>0</xdr:colOff>'
    "<xdr:row>13</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from><xdr:to><xdr:col>5</xdr:col>"
    "<xdr:colOff>0</xdr:colOff><xdr:row>16</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:to>"
    '<xdr:sp macro="" textlink=""><xdr:nvSpPr><xdr:cNvPr id="4" name="文本框 3"/>'
    '<xdr:cNvSpPr txBox="1"/></xdr:nvSpPr><xdr:spPr><a:xfrm><a:off x="0" y="0"/>'
    '<a:ext cx="1905000" cy="571500"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/>'
    '</a:prstGeom><a:solidFill><a:schemeClr val="lt1"/></a:solidFill></xdr:spPr>'
    '<xdr:txBody><a:bodyPr vertOverflow="clip" wrap="square" rtlCol="0" anchor="t"/>'
    '<a:lstStyle/><a:p><a:r><a:rPr lang="zh-CN" altLang="en-US" sz="1100"/>'
    "<a:t>填表说明：金额单位为元。</a:t></a:r></a:p></xdr:txBody></xdr:sp><xdr:clientData/>"
    "</xdr:twoCellAnchor>"
)


def _rich_edit(parts: dict[str, bytes]) -> dict[str, bytes]:
    form = _sheet_part(parts, FORM)
    form_rels = f"xl/worksheets/_rels/{form.rsplit('/', 1)[1]}.rels"
    # Drawing: add an image and a text box to the chart's drawing.
    drawing = next(p for p in parts if p.startswith("xl/drawings/drawing") and p.endswith(".xml"))
    dtext = parts[drawing].decode()
    dtext = dtext.replace("</wsDr>", DRAWING_EXTRA + "</wsDr>")
    parts[drawing] = dtext.encode()
    drels = f"xl/drawings/_rels/{drawing.rsplit('/', 1)[1]}.rels"
    _add_rel(parts, drels, "rIdImg1", f"{R_NS}/image", "../media/image1.png")
    parts["xl/media/image1.png"] = tiny_png()
    _add_ct(parts, '<Default Extension="png" ContentType="image/png"/>')
    # Legacy note with formatted runs, a threaded comment, persons.
    parts["xl/comments1.xml"] = RICH_COMMENTS.encode()
    parts["xl/drawings/vmlDrawing1.vml"] = RICH_VML.encode()
    parts["xl/threadedComments/threadedComment1.xml"] = THREADED_XML.encode()
    parts["xl/persons/person.xml"] = PERSONS_XML.encode()
    _add_rel(parts, form_rels, "rIdC1", f"{R_NS}/comments", "../comments1.xml")
    _add_rel(parts, form_rels, "rIdV1", f"{R_NS}/vmlDrawing", "../drawings/vmlDrawing1.vml")
    _add_rel(parts, form_rels, "rIdT1", REL_TC, "../threadedComments/threadedComment1.xml")
    _add_rel(parts, "xl/_rels/workbook.xml.rels", "rIdP1", REL_PERSON, "persons/person.xml")
    _add_ct(
        parts,
        '<Override PartName="/xl/comments1.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.comments+xml"/>'
        '<Override PartName="/xl/threadedComments/threadedComment1.xml" '
        'ContentType="application/vnd.ms-excel.threadedcomments+xml"/>'
        '<Override PartName="/xl/persons/person.xml" '
        'ContentType="application/vnd.ms-excel.person+xml"/>',
    )
    ct = parts["[Content_Types].xml"].decode()
    if 'Extension="vml"' not in ct:
        _add_ct(
            parts,
            '<Default Extension="vml" ContentType="application/vnd.openxmlformats-'
            'officedocument.vmlDrawing"/>',
        )
    # Sheet XML: legacyDrawing after <drawing>, x14 extLst at the end.
    sx = parts[form].decode()
    end_drawing = sx.index("/>", sx.index("<drawing")) + 2
    sx = sx[:end_drawing] + f'<legacyDrawing xmlns:r="{R_NS}" r:id="rIdV1"/>' + sx[end_drawing:]
    sx = sx.replace("</worksheet>", X14_EXT + "</worksheet>")
    parts[form] = sx.encode()
    return parts


def build_rich(path: Path) -> Path:
    """The rich .xlsx workbook at ``path``."""
    _base(path)
    _patch(path, _rich_edit)
    return path


CUSTOM_UI = (
    '<customUI xmlns="http://schemas.microsoft.com/office/2009/07/customui">'
    '<ribbon><tabs><tab id="budgetlintTab" label="预算复核"><group id="g1" label="复核">'
    '<button id="check" label="检查" onAction="RunCheck"/></group></tab></tabs></ribbon>'
    "</customUI>"
)
VBA_BYTES = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 8


def _macro_edit(parts: dict[str, bytes]) -> dict[str, bytes]:
    parts["xl/vbaProject.bin"] = VBA_BYTES
    parts["customUI/customUI14.xml"] = CUSTOM_UI.encode()
    _add_rel(parts, "xl/_rels/workbook.xml.rels", "rIdVBA", REL_VBA, "vbaProject.bin")
    _add_rel(parts, "_rels/.rels", "rIdUI", REL_UI, "customUI/customUI14.xml")
    ct = parts["[Content_Types].xml"].decode().replace(CT_MAIN, CT_MACRO_MAIN)
    parts["[Content_Types].xml"] = ct.encode()
    _add_ct(parts, '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>')
    return parts


def build_rich_xlsm(path: Path) -> Path:
    """The rich workbook as a macro-enabled .xlsm at ``path``."""
    build_rich(path)
    _patch(path, _macro_edit)
    return path
