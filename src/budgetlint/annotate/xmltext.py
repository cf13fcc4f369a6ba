"""Minimal text-level XML helpers.

The annotator edits package parts as text so that everything it does not mean
to change stays byte for byte as it was (namespace prefixes, attribute order,
whitespace, ``mc:Ignorable`` content).  These helpers find elements and their
spans with a small tag tokenizer; they assume well-formed XML without DTDs,
which is what Office writes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import TypeVar

_TOKEN = re.compile(
    r"<!--.*?-->|<\?.*?\?>|<!\[CDATA\[.*?\]\]>|<![^>]*>"
    r"|<(/?)((?:[\w.\-]+:)?)([\w.\-]+)((?:[^>\"']|\"[^\"]*\"|'[^']*')*?)(/?)>",
    re.DOTALL,
)
_T = TypeVar("_T")
_ATTR = re.compile(r"([\w.\-:]+)\s*=\s*(\"[^\"]*\"|'[^']*')")


@dataclass
class Elem:
    """An element located in a text: ``xml[start:end]`` is the whole element."""

    prefix: str  # 'x:' or ''
    name: str  # local name
    start: int
    tag_end: int  # index just after the start tag's '>'
    end: int  # index just after the end tag (== tag_end when self-closing)
    self_closing: bool
    inner_end: int  # index of the end tag's '<' (== tag_end when self-closing)

    def start_tag(self, xml: str) -> str:
        return xml[self.start : self.tag_end]

    def inner(self, xml: str) -> str:
        return xml[self.tag_end : self.inner_end]

    def text(self, xml: str) -> str:
        return xml[self.start : self.end]

    def attrs(self, xml: str) -> dict[str, str]:
        return tag_attrs(self.start_tag(xml))


def escape(text: str) -> str:
    """Escape text for element content (``&``, ``<``, ``>``).

    As ``xml.sax.saxutils.escape`` does, without importing it: that module imports
    ``urllib.request`` and with it http, ssl and email (40 ms in each worker process).
    """
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def escape_attr(text: str) -> str:
    """Escape text for a double-quoted attribute value."""
    return (
        escape(text)
        .replace('"', "&quot;")
        .replace("\n", "&#10;")
        .replace("\r", "&#13;")
        .replace("\t", "&#9;")
    )


def unescape(text: str) -> str:
    """Resolve the predefined entities and character references."""
    if "&" not in text:
        return text

    def repl(m: re.Match[str]) -> str:
        ent = m.group(1)
        if ent.startswith("#x") or ent.startswith("#X"):
            return chr(int(ent[2:], 16))
        if ent.startswith("#"):
            return chr(int(ent[1:]))
        return {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}.get(ent, m.group(0))

    return re.sub(r"&(#?\w+);", repl, text)


def tag_attrs(start_tag: str) -> dict[str, str]:
    """Attributes of a start tag, qualified names as written, values unescaped."""
    # the element's name is not followed by '=', so it never reads as an attribute
    return {k: unescape(v[1:-1]) for k, v in _ATTR.findall(start_tag)}


def set_attr(start_tag: str, name: str, value: str) -> str:
    """Return ``start_tag`` with attribute ``name`` set (replaced in place or appended)."""
    pat = re.compile(r"(\s" + re.escape(name) + r"\s*=\s*)(\"[^\"]*\"|'[^']*')")
    quoted = '"' + escape_attr(value) + '"'
    if pat.search(start_tag):
        return pat.sub(lambda m: m.group(1) + quoted, start_tag, count=1)
    if start_tag.endswith("/>"):
        body = start_tag[:-2].rstrip()
        return f"{body} {name}={quoted}/>"
    return f"{start_tag[:-1].rstrip()} {name}={quoted}>"


def del_attr(start_tag: str, name: str) -> str:
    """Return ``start_tag`` without attribute ``name``."""
    pat = re.compile(r"\s+" + re.escape(name) + r"\s*=\s*(\"[^\"]*\"|'[^']*')")
    return pat.sub("", start_tag, count=1)


def _tokens(xml: str, pos: int, endpos: int) -> Iterator[re.Match[str]]:
    return _TOKEN.finditer(xml, pos, endpos)


def root(xml: str) -> Elem:
    """The document element.

    Its end tag is the last one in the text: only white space, comments and
    processing instructions may follow it, so when nothing but white space does,
    it is found from the end without walking the content (a worksheet's
    ``<sheetData>`` holds every cell).
    """
    for m in _tokens(xml, 0, len(xml)):
        if m.group(3) and not m.group(1):
            if m.group(5):
                return _complete(xml, m)
            close = "</" + m.group(2) + m.group(3)
            j = xml.rfind(close, m.end())
            gt = xml.find(">", j + len(close)) if j >= 0 else -1
            if gt >= 0 and not xml[j + len(close) : gt].strip() and not xml[gt + 1 :].strip():
                return Elem(m.group(2), m.group(3), m.start(), m.end(), gt + 1, False, j)
            return _complete(xml, m)
    raise ValueError("no root element")


def _complete(xml: str, m: re.Match[str]) -> Elem:
    """Build the Elem for a start-tag match, finding its end tag."""
    prefix, name = m.group(2), m.group(3)
    if m.group(5):
        return Elem(prefix, name, m.start(), m.end(), m.end(), True, m.end())
    inner_end, end = _end_of(xml, m, len(xml))
    return Elem(prefix, name, m.start(), m.end(), end, False, inner_end)


#: What was found in the texts looked at last, by identity (a text is immutable, and
#: each entry keeps its text alive, so an identical object is the same text): a key
#: by value would hash the whole text, which costs more than the scans it saves.
#: Few entries: the texts looked at in turn are a sheet, its notes and its drawing.
_MEMO: list[tuple[str, object, object]] = []
_MEMO_SIZE = 8


def _memo(xml: str, key: object, make: Callable[[], _T]) -> _T:
    for text, k, value in _MEMO:
        if text is xml and k == key:
            return value  # type: ignore[return-value]
    value = make()
    _MEMO.insert(0, (xml, key, value))
    del _MEMO[_MEMO_SIZE:]
    return value


def _has_declarations(xml: str) -> bool:
    """Whether a text holds ``<!`` anywhere (comments, CDATA, DOCTYPE): one scan per text."""
    return _memo(xml, None, lambda: "<!" in xml)


def _end_of(xml: str, m: re.Match[str], stop: int) -> tuple[int, int]:
    """(index of the end tag's '<', index after it) of the element opened by ``m``.

    Jumps from end tag to end tag with ``str.find``, counting nested elements of
    the same name, instead of tokenizing everything inside: a worksheet's
    ``<sheetData>`` holds every cell.  Falls back to the tokenizer when the span
    holds comments, CDATA or other markup declarations, where a ``</x`` may be
    text rather than a tag.
    """
    qname = m.group(2) + m.group(3)
    close, open_ = "</" + qname, "<" + qname
    pos, depth = m.end(), 0
    declarations = _has_declarations(xml)
    while True:
        j = xml.find(close, pos, stop)
        if j < 0 or (declarations and xml.find("<!", pos, j) >= 0):
            return _walk_end(xml, m, stop)
        o = xml.find(open_, pos, j)
        while o >= 0:  # nested elements of the same name (str.find: a worksheet is long)
            after = o + len(open_)
            if after < j and xml[after] in " \t\r\n/>":
                gt = xml.find(">", after - 1, j)
                if gt > 0 and xml[gt - 1] != "/":
                    depth += 1
            o = xml.find(open_, after, j)
        after = j + len(close)
        gt = xml.find(">", after, stop)
        if gt < 0 or xml[after:gt].strip():
            pos = after  # </rowX…: another name that starts alike
            continue
        if depth == 0:
            return j, gt + 1
        depth -= 1
        pos = gt + 1


def _walk_end(xml: str, m: re.Match[str], stop: int) -> tuple[int, int]:
    """The end tag of ``m``'s element by tokenizing its content (the general case)."""
    depth = 0
    for t in _tokens(xml, m.end(), stop):
        if not t.group(3) or t.group(5):
            continue
        if t.group(1):
            if depth == 0:
                return t.start(), t.end()
            depth -= 1
        else:
            depth += 1
    raise ValueError(f"unterminated element <{m.group(2)}{m.group(3)}>")


def children(xml: str, parent: Elem, name: str | None = None) -> list[Elem]:
    """Direct child elements of ``parent`` (optionally only those named ``name``).

    The walk over a text's children is done once: a worksheet's are looked up by
    each step of annotating it (merged ranges, columns, cells, drawing), and each
    walk steps over the whole of ``<sheetData>``."""
    kids = _memo(xml, parent.start, lambda: list(_iter_children(xml, parent, None)))
    return list(kids) if name is None else [k for k in kids if k.name == name]


def _iter_children(xml: str, parent: Elem, name: str | None) -> Iterator[Elem]:
    if parent.self_closing:
        return
    pos, stop = parent.tag_end, parent.inner_end
    while True:
        t = _TOKEN.search(xml, pos, stop)
        if t is None:
            return
        pos = t.end()
        if not t.group(3) or t.group(1):
            continue  # comments, processing instructions, declarations
        if t.group(5):
            if name is None or t.group(3) == name:
                yield Elem(t.group(2), t.group(3), t.start(), t.end(), t.end(), True, t.end())
            continue
        inner_end, end = _end_of(xml, t, stop)
        if name is None or t.group(3) == name:
            yield Elem(t.group(2), t.group(3), t.start(), t.end(), end, False, inner_end)
        pos = end


@lru_cache(maxsize=64)
def _flat_opener(qname: str) -> re.Pattern[str]:
    return re.compile("<" + re.escape(qname) + r"\b((?:[^>\"']|\"[^\"]*\"|'[^']*')*?)(/?)>")


def flat_children(xml: str, parent: Elem, name: str) -> list[Elem]:
    """The children named ``name`` of an element where they never nest: a sheet's rows, a row's cells.

    One pattern search and one ``str.find`` per child, instead of the general walk;
    the children carry the parent's prefix, as Office writes them.  Falls back to
    :func:`children` when the span holds comments, CDATA or other declarations.
    """
    if parent.self_closing:
        return []
    start, stop = parent.tag_end, parent.inner_end
    if xml.find("<!", start, stop) >= 0:
        return children(xml, parent, name)
    qname = parent.prefix + name
    close = "</" + qname + ">"
    opener = _flat_opener(qname)
    out: list[Elem] = []
    pos = start
    while True:
        m = opener.search(xml, pos, stop)
        if m is None:
            return out
        if m.group(2):
            out.append(Elem(parent.prefix, name, m.start(), m.end(), m.end(), True, m.end()))
            pos = m.end()
            continue
        j = xml.find(close, m.end(), stop)
        if j < 0:
            return children(xml, parent, name)  # an end tag written otherwise: the general walk
        out.append(Elem(parent.prefix, name, m.start(), m.end(), j + len(close), False, j))
        pos = j + len(close)


def flat_child_at(xml: str, at: int, stop: int, prefix: str, name: str) -> Elem | None:
    """The element ``<prefix:name …>`` that starts at ``at``, of a kind that never nests
    (as :func:`flat_children` reads them); None when no such element starts there."""
    m = _flat_opener(prefix + name).match(xml, at, stop)
    if m is None:
        return None
    if m.group(2):
        return Elem(prefix, name, at, m.end(), m.end(), True, m.end())
    close = "</" + prefix + name + ">"
    j = xml.find(close, m.end(), stop)
    return None if j < 0 else Elem(prefix, name, at, m.end(), j + len(close), False, j)


def child(xml: str, parent: Elem, name: str) -> Elem | None:
    """The first direct child named ``name``."""
    return next((k for k in children(xml, parent) if k.name == name), None)


def ns_prefix(start_tag: str, uri: str) -> str | None:
    """The prefix ('r:' or '' for the default namespace) bound to ``uri`` on a start tag."""
    for qname, value in tag_attrs(start_tag).items():
        if value != uri:
            continue
        if qname == "xmlns":
            return ""
        if qname.startswith("xmlns:"):
            return qname[6:] + ":"
    return None


def open_element(xml: str, elem: Elem) -> tuple[str, Elem]:
    """Turn a self-closing element into an open/close pair; returns new text and element."""
    if not elem.self_closing:
        return xml, elem
    tag = elem.start_tag(xml)
    opened = tag[:-2].rstrip() + ">"
    close = f"</{elem.prefix}{elem.name}>"
    new = xml[: elem.start] + opened + close + xml[elem.end :]
    tag_end = elem.start + len(opened)
    return new, Elem(
        elem.prefix, elem.name, elem.start, tag_end, tag_end + len(close), False, tag_end
    )


def splice(xml: str, edits: list[tuple[int, int, str]]) -> str:
    """Apply non-overlapping (start, end, replacement) edits."""
    out: list[str] = []
    pos = 0
    for start, end, text in sorted(edits, key=lambda e: (e[0], e[1])):
        if start < pos:
            raise ValueError("overlapping edits")
        out.append(xml[pos:start])
        out.append(text)
        pos = end
    out.append(xml[pos:])
    return "".join(out)
