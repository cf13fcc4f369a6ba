"""styles.xml: append fills, fonts, borders and cell formats (never rewrite existing ones)."""

from __future__ import annotations

import re
from typing import Any

from budgetlint.annotate import xmltext as X


class Styles:
    """Appends entries to a styles.xml text and remembers what it added.

    The text is parsed once: each collection's existing entries are read when first
    needed, appended entries are kept aside, and :attr:`xml` splices them in (with
    the new ``count``) in one pass.  A collection the file lacks is created just
    before the next one in schema order.
    """

    def __init__(self, xml: str) -> None:
        self._source = xml
        self._top = X.root(xml)
        self.p = self._top.prefix
        self._sev_xf: dict[tuple[int, str], int] = {}
        self._fill: dict[str, int] = {}
        self.added: dict[str, list[int]] = {"fonts": [], "fills": [], "borders": [], "cellXfs": []}
        self._elems = {c.name: c for c in X.children(xml, self._top) if c.name in self._ORDER}
        self._existing: dict[str, list[str]] = {}
        self._new: dict[str, list[str]] = {}
        if "cellXfs" not in self._elems:
            raise ValueError("styles.xml 中没有 <cellXfs>")

    # -- generic append --------------------------------------------------------------

    _ORDER = ("numFmts", "fonts", "fills", "borders", "cellStyleXfs", "cellXfs")
    _AFTER = ("cellStyles", "dxfs", "tableStyles")

    def _existing_items(self, name: str) -> list[str]:
        """The collection's entries in the source, as texts (read once)."""
        if name not in self._existing:
            el = self._elems.get(name)
            xml = self._source
            self._existing[name] = [] if el is None else [c.text(xml) for c in X.children(xml, el)]
        return self._existing[name]

    def _count(self, name: str) -> int:
        return len(self._existing_items(name)) + len(self._new.get(name, ()))

    def _item(self, name: str, index: int) -> str:
        existing = self._existing_items(name)
        if index < len(existing):
            return existing[index]
        return self._new[name][index - len(existing)]

    def _append(self, name: str, item: str) -> int:
        index = self._count(name)
        self._new.setdefault(name, []).append(item)
        self.added[name].append(index)
        return index

    @property
    def xml(self) -> str:
        """The styles text with every appended entry in place."""
        xml, edits = self._source, []
        for name in self._ORDER:
            new = self._new.get(name)
            if not new:
                continue
            count = str(self._count(name))
            el = self._elems.get(name)
            if el is None:
                pos = self._insert_at(name)
                text = f'<{self.p}{name} count="{count}">{"".join(new)}</{self.p}{name}>'
                edits.append((pos, pos, text))
                continue
            tag = el.start_tag(xml)
            if el.self_closing:
                opened = X.set_attr(tag[:-2].rstrip() + ">", "count", count)
                close = f"</{el.prefix}{el.name}>"
                edits.append((el.start, el.end, opened + "".join(new) + close))
            else:
                edits.append((el.start, el.tag_end, X.set_attr(tag, "count", count)))
                edits.append((el.inner_end, el.inner_end, "".join(new)))
        return X.splice(xml, edits) if edits else xml

    def _insert_at(self, name: str) -> int:
        """Where a missing collection goes: before the next present one in schema order."""
        later = self._ORDER[self._ORDER.index(name) + 1 :]
        for ch in X.children(self._source, self._top):
            if ch.name in later or ch.name in self._AFTER:
                return ch.start
        return self._top.inner_end

    # -- building blocks ---------------------------------------------------------------

    def fill(self, argb: str) -> int:
        if argb not in self._fill:
            p = self.p
            self._fill[argb] = self._append(
                "fills",
                f'<{p}fill><{p}patternFill patternType="solid"><{p}fgColor rgb="{argb}"/>'
                f'<{p}bgColor indexed="64"/></{p}patternFill></{p}fill>',
            )
        return self._fill[argb]

    def font(
        self,
        *,
        bold: bool = False,
        size: float | None = None,
        color: str | None = None,
        underline: bool = False,
    ) -> int:
        """A font like the workbook's default font, with the given changes."""
        p = self.p
        base = self._item("fonts", 0) if self._count("fonts") else ""
        sz = size
        if sz is None:
            m = re.search(r"<(?:\w+:)?sz\s+val=\"([\d.]+)\"", base)
            sz = float(m.group(1)) if m else 11.0
        keep = "".join(re.findall(r"<(?:\w+:)?(?:name|family|charset|scheme)\b[^>]*/>", base))
        parts = [f"<{p}b/>" if bold else "", f"<{p}u/>" if underline else ""]
        parts.append(f'<{p}sz val="{sz:g}"/>')
        parts.append(f'<{p}color rgb="{color}"/>' if color else f'<{p}color theme="1"/>')
        return self._append("fonts", f"<{p}font>{''.join(parts)}{keep}</{p}font>")

    def thin_border(self) -> int:
        p = self.p
        sides = "".join(
            f'<{p}{s} style="thin"><{p}color rgb="FFBFBFBF"/></{p}{s}>'
            for s in ("left", "right", "top", "bottom")
        )
        return self._append("borders", f"<{p}border>{sides}<{p}diagonal/></{p}border>")

    def xf(
        self,
        *,
        font: int = 0,
        fill: int = 0,
        border: int = 0,
        num_fmt: int = 0,
        horizontal: str | None = None,
        vertical: str | None = "top",
        wrap: bool = False,
    ) -> int:
        p = self.p
        attrs = f'numFmtId="{num_fmt}" fontId="{font}" fillId="{fill}" borderId="{border}" xfId="0"'
        for flag, used in (
            ("applyFont", font),
            ("applyFill", fill),
            ("applyBorder", border),
            ("applyNumberFormat", num_fmt),
        ):
            if used:
                attrs += f' {flag}="1"'
        align = ""
        if horizontal or vertical or wrap:
            attrs += ' applyAlignment="1"'
            al = []
            if horizontal:
                al.append(f'horizontal="{horizontal}"')
            if vertical:
                al.append(f'vertical="{vertical}"')
            if wrap:
                al.append('wrapText="1"')
            align = f"<{p}alignment {' '.join(al)}/>"
        if align:
            return self._append("cellXfs", f"<{p}xf {attrs}>{align}</{p}xf>")
        return self._append("cellXfs", f"<{p}xf {attrs}/>")

    def severity_xf(self, base_xf: int, argb: str) -> int:
        """A copy of cell format ``base_xf`` with a solid ``argb`` fill (one per pair)."""
        key = (base_xf, argb)
        if key in self._sev_xf:
            return self._sev_xf[key]
        fill = self.fill(argb)
        n = self._count("cellXfs")
        if not n:
            raise ValueError("styles.xml 中 <cellXfs> 为空")
        src = self._item("cellXfs", base_xf if 0 <= base_xf < n else 0)
        m = re.match(r"<[^>]*?/?>", src)
        assert m is not None
        tag = X.set_attr(X.set_attr(m.group(0), "fillId", str(fill)), "applyFill", "1")
        self._sev_xf[key] = self._append("cellXfs", tag + src[m.end() :])
        return self._sev_xf[key]

    def record(self) -> dict[str, Any]:
        return {k: list(v) for k, v in self.added.items()}
