"""The add-in as a zip package: deterministic writing, the conf sheet, the ribbon and version parts.

The conf sheet is an ordinary worksheet of the package (``budgetlint.conf``):
xlwings' VBA reads it as key/value rows from A1 down to the first blank cell
(``GetConfigFromSheet``, keys compared upper-cased).  It is written here with
inline strings, so that it can be read and rewritten without Excel: the build
fills it, ``budgetlint addin install`` writes the interpreter into the installed
copy.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Mapping
from xml.etree import ElementTree as ET
from xml.sax.saxutils import escape

#: Every part gets this timestamp (the earliest a zip can hold, what Excel itself writes).
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_ZIP_MODE = 0o600 << 16

NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
NS_CT = "http://schemas.openxmlformats.org/package/2006/content-types"

#: The ribbon: a 2009/07 customUI part and the relationship type Office 2010+ reads it by.
#: (The 2006/01 namespace pairs with ``…/2006/relationships/ui/extensibility`` and
#: ``customUI/customUI.xml``; the xlwings template mixes the 2006 namespace with the
#: 2007 relationship.)
CUSTOMUI_NS = "http://schemas.microsoft.com/office/2009/07/customui"
CUSTOMUI_PART = "customUI/customUI14.xml"
CUSTOMUI_REL = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"
#: The matching pairs (namespace -> relationship type, part), for checking a package.
CUSTOMUI_PAIRS = {
    "http://schemas.microsoft.com/office/2006/01/customui": (
        "http://schemas.microsoft.com/office/2006/relationships/ui/extensibility",
        "customUI/customUI.xml",
    ),
    CUSTOMUI_NS: (CUSTOMUI_REL, CUSTOMUI_PART),
}

CUSTOM_PROPS_PART = "docProps/custom.xml"
CUSTOM_PROPS_REL = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
)
CUSTOM_PROPS_TYPE = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
#: The custom document property holding the xlwings version the add-in's VBA was built for.
XLWINGS_PROPERTY = "xlwings"

ConfValue = str | bool | None


class PackageError(ValueError):
    """The package is not the add-in (or not the template) this module expects."""


# --------------------------------------------------------------------------- zip


def read_parts(data: bytes) -> dict[str, bytes]:
    """Every part of a zip package, in the order of its directory."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {info.filename: z.read(info) for info in z.infolist()}


def _order(name: str) -> tuple[int, str]:
    first = {"[Content_Types].xml": 0, "_rels/.rels": 1}
    return (first.get(name, 2), name)


def write_parts(parts: Mapping[str, bytes]) -> bytes:
    """A zip package whose bytes depend only on ``parts``.

    ``[Content_Types].xml`` and ``_rels/.rels`` first, then the parts by name; each
    deflated, dated 1980-01-01, mode 0600 (as ``budgetlint.build.xlsx`` writes the
    committed workbooks).
    """
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name in sorted(parts, key=_order):
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = _ZIP_MODE
            z.writestr(info, parts[name])
    return out.getvalue()


# --------------------------------------------------------------------------- locating parts


def _rels_part(part: str) -> str:
    folder, _, name = part.rpartition("/")
    return f"{folder}/_rels/{name}.rels" if folder else f"_rels/{name}.rels"


def _resolve(base: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    folder = base.rpartition("/")[0]
    segments = folder.split("/") if folder else []
    for seg in target.split("/"):
        if seg == "..":
            if segments:
                segments.pop()
        elif seg not in ("", "."):
            segments.append(seg)
    return "/".join(segments)


def relationships(parts: Mapping[str, bytes], part: str = "") -> list[tuple[str, str, str]]:
    """(id, type, target part) of the relationships of ``part`` ("" for the package)."""
    rels = "_rels/.rels" if not part else _rels_part(part)
    if rels not in parts:
        return []
    root = ET.fromstring(parts[rels])
    return [
        (r.get("Id", ""), r.get("Type", ""), _resolve(part, r.get("Target", "")))
        for r in root.iter(f"{{{NS_PKG_REL}}}Relationship")
    ]


def workbook_part(parts: Mapping[str, bytes]) -> str:
    for _, kind, target in relationships(parts):
        if kind.endswith("/officeDocument"):
            return target
    raise PackageError("no workbook part")


def sheet_part(parts: Mapping[str, bytes], sheet: str) -> str:
    """The worksheet part of the sheet named ``sheet``."""
    wb = workbook_part(parts)
    root = ET.fromstring(parts[wb])
    rids = {rid: target for rid, _, target in relationships(parts, wb)}
    for s in root.iter(f"{{{NS_MAIN}}}sheet"):
        if s.get("name") == sheet:
            rid = s.get(f"{{{NS_REL}}}id", "")
            if rid in rids:
                return rids[rid]
    raise PackageError(f"no sheet named {sheet!r}")


def sheet_names(parts: Mapping[str, bytes]) -> list[str]:
    root = ET.fromstring(parts[workbook_part(parts)])
    return [s.get("name", "") for s in root.iter(f"{{{NS_MAIN}}}sheet")]


# --------------------------------------------------------------------------- the conf sheet

_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
    f'<worksheet xmlns="{NS_MAIN}" xmlns:r="{NS_REL}">'
)


def _column(ref: str) -> str:
    return re.sub(r"\d+", "", ref)


def conf_sheet_xml(values: Iterable[tuple[str, ConfValue]], code_name: str) -> bytes:
    """A conf sheet: one row per (key, value), key in column A, value in B.

    Text as inline strings, a ``bool`` as a boolean cell (xlwings compares the
    ``Debug UDFs``/``Use UDF Server``/``Show Console`` values with ``True``), ``None``
    or ``""`` as no cell (xlwings reads an empty string).  ``code_name`` is the
    sheet's VBA document module (``Sheet2`` in the template).
    """
    rows = list(values)
    cells = []
    for r, (key, value) in enumerate(rows, start=1):
        if not key:
            raise PackageError(
                "a conf key cannot be empty: xlwings stops reading at the first blank"
            )
        row = [f'<c r="A{r}" s="1" t="inlineStr"><is><t>{escape(key)}</t></is></c>']
        if isinstance(value, bool):
            row.append(f'<c r="B{r}" s="1" t="b"><v>{int(value)}</v></c>')
        elif value:
            space = ' xml:space="preserve"' if value != value.strip() else ""
            row.append(
                f'<c r="B{r}" s="1" t="inlineStr"><is><t{space}>{escape(value)}</t></is></c>'
            )
        cells.append(f'<row r="{r}">{"".join(row)}</row>')
    last = max(len(rows), 1)
    xml = (
        _HEAD + f'<sheetPr codeName="{escape(code_name)}"/>'
        f'<dimension ref="A1:B{last}"/>'
        '<sheetViews><sheetView tabSelected="1" workbookViewId="0"/></sheetViews>'
        '<sheetFormatPr defaultColWidth="8.875" defaultRowHeight="15.75"/>'
        '<cols><col min="1" max="1" width="30.75" style="1" customWidth="1"/>'
        '<col min="2" max="2" width="60.75" style="1" customWidth="1"/>'
        '<col min="3" max="16384" width="8.875" style="1"/></cols>'
        f"<sheetData>{''.join(cells)}</sheetData>"
        '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
        "</worksheet>"
    )
    return xml.encode("utf-8")


def _shared_strings(parts: Mapping[str, bytes]) -> list[str]:
    wb = workbook_part(parts)
    for _, kind, target in relationships(parts, wb):
        if kind.endswith("/sharedStrings") and target in parts:
            root = ET.fromstring(parts[target])
            return [
                "".join(t.text or "" for t in si.iter(f"{{{NS_MAIN}}}t"))
                for si in root.iter(f"{{{NS_MAIN}}}si")
            ]
    return []


def read_conf(parts: Mapping[str, bytes], sheet: str) -> tuple[list[tuple[str, ConfValue]], str]:
    """The (key, value) rows of a conf sheet as xlwings reads them, and its code name.

    Rows from A1 down to the first row without a key, as ``GetConfigFromSheet``
    does; inline and shared strings, booleans and numbers (as text).
    """
    root = ET.fromstring(parts[sheet_part(parts, sheet)])
    shared: list[str] | None = None
    pr = root.find(f"{{{NS_MAIN}}}sheetPr")
    code_name = pr.get("codeName", "") if pr is not None else ""
    by_row: dict[int, dict[str, ConfValue]] = {}
    for row in root.iter(f"{{{NS_MAIN}}}row"):
        r = int(row.get("r", "0"))
        for c in row.iter(f"{{{NS_MAIN}}}c"):
            col = _column(c.get("r", ""))
            kind = c.get("t", "n")
            v = c.find(f"{{{NS_MAIN}}}v")
            value: ConfValue
            if kind == "inlineStr":
                value = "".join(t.text or "" for t in c.iter(f"{{{NS_MAIN}}}t"))
            elif kind == "s" and v is not None:
                if shared is None:
                    shared = _shared_strings(parts)
                value = shared[int(v.text or "0")]
            elif kind == "b" and v is not None:
                value = (v.text or "0").strip() == "1"
            elif v is not None:
                value = v.text or ""
            else:
                value = None
            by_row.setdefault(r, {})[col] = value
    rows: list[tuple[str, ConfValue]] = []
    r = 1
    while isinstance(key := by_row.get(r, {}).get("A"), str) and key:
        rows.append((key, by_row[r].get("B")))
        r += 1
    return rows, code_name


def set_conf(parts: dict[str, bytes], sheet: str, updates: Mapping[str, ConfValue]) -> None:
    """Set conf values in place (keys compared as xlwings does, upper-cased); new keys go last."""
    rows, code_name = read_conf(parts, sheet)
    index = {k.upper(): i for i, (k, _) in enumerate(rows)}
    for key, value in updates.items():
        if key.upper() in index:
            i = index[key.upper()]
            rows[i] = (rows[i][0], value)
        else:
            index[key.upper()] = len(rows)
            rows.append((key, value))
    parts[sheet_part(parts, sheet)] = conf_sheet_xml(rows, code_name)


# --------------------------------------------------------------------------- small parts


def custom_properties_xml(props: Mapping[str, str]) -> bytes:
    """``docProps/custom.xml`` with text properties (Excel shows them under 文件 > 信息 > 属性)."""
    items = "".join(
        f'<property fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" pid="{pid}" '
        f'name="{escape(name, {chr(34): "&quot;"})}"><vt:lpwstr>{escape(value)}</vt:lpwstr></property>'
        for pid, (name, value) in enumerate(props.items(), start=2)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
        'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
        f"{items}</Properties>"
    ).encode()


def custom_properties(parts: Mapping[str, bytes]) -> dict[str, str]:
    """The text custom properties of a package (empty when it has none)."""
    target = next(
        (t for _, kind, t in relationships(parts) if kind == CUSTOM_PROPS_REL and t in parts), None
    )
    if target is None:
        return {}
    root = ET.fromstring(parts[target])
    out = {}
    for prop in root:
        name = prop.get("name")
        if name is not None and len(prop):
            out[name] = prop[0].text or ""
    return out


def customui(parts: Mapping[str, bytes]) -> list[tuple[str, str, str]]:
    """(relationship type, part, root namespace) of each ribbon part the package names."""
    out = []
    for _, kind, target in relationships(parts):
        if kind.endswith("/ui/extensibility"):
            ns = ""
            if target in parts:
                tag = ET.fromstring(parts[target]).tag
                ns = tag[1:].split("}", 1)[0] if tag.startswith("{") else ""
            out.append((kind, target, ns))
    return out
