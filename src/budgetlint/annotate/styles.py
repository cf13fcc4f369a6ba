"""styles.xml: append fills, fonts, borders and cell formats (never rewrite existing ones)."""

from __future__ import annotations

import re
from typing import Any

from budgetlint.annotate import xmltext as X


class Styles:
    """Appends entries to a styles.xml text and remembers what it added."""

    def __init__(self, xml: str) -> None:
        self.xml = xml
        self._sev_xf: dict[tuple[int, str], int] = {}
        self._fill: dict[str, int] = {}
        self.added: dict[str, list[int]] = {"fonts": [], "fills": [], "borders": [], "cellXfs": []}
        top = X.root(xml)
        self.p = top.prefix
        if X.child(xml, top, "cellXfs") is None:
            raise ValueError("styles.xml 中没有 <cellXfs>")

    # -- generic append --------------------------------------------------------------

    _ORDER = ("numFmts", "fonts", "fills", "borders", "cellStyleXfs", "cellXfs")

    def _collection(self, name: str) -> X.Elem:
        top = X.root(self.xml)
        el = X.child(self.xml, top, name)
        if el is not None:
            return el
        # Create the collection just before the next one in schema order.
        later = self._ORDER[self._ORDER.index(name) + 1 :]
        pos = top.inner_end
        for ch in X.children(self.xml, top):
            if ch.name in later or ch.name in ("cellStyles", "dxfs", "tableStyles"):
                pos = ch.start
                break
        text = f'<{self.p}{name} count="0"></{self.p}{name}>'
        self.xml = self.xml[:pos] + text + self.xml[pos:]
        el = X.child(self.xml, X.root(self.xml), name)
        assert el is not None
        return el

    def _append(self, name: str, item: str) -> int:
        el = self._collection(name)
        self.xml, el = X.open_element(self.xml, el)
        index = len(X.children(self.xml, el))
        tag = X.set_attr(el.start_tag(self.xml), "count", str(index + 1))
        self.xml = (
            self.xml[: el.start]
            + tag
            + self.xml[el.tag_end : el.inner_end]
            + item
            + self.xml[el.inner_end :]
        )
        self.added[name].append(index)
        return index

    def _items(self, name: str) -> list[str]:
        el = X.child(self.xml, X.root(self.xml), name)
        if el is None:
            return []
        return [c.text(self.xml) for c in X.children(self.xml, el)]

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
        fonts = self._items("fonts")
        base = fonts[0] if fonts else ""
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
        xfs = self._items("cellXfs")
        if not xfs:
            raise ValueError("styles.xml 中 <cellXfs> 为空")
        src = xfs[base_xf] if 0 <= base_xf < len(xfs) else xfs[0]
        m = re.match(r"<[^>]*?/?>", src)
        assert m is not None
        tag = X.set_attr(X.set_attr(m.group(0), "fillId", str(fill)), "applyFill", "1")
        self._sev_xf[key] = self._append("cellXfs", tag + src[m.end() :])
        return self._sev_xf[key]

    def record(self) -> dict[str, Any]:
        return {k: list(v) for k, v in self.added.items()}
