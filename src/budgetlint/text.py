"""Label normalisation: how the reader compares what a cell says with a known label.

A department's labels differ from the template in spelling, not in meaning:
spaces and line breaks inside (``年度绩效 指标``), full-width or half-width
brackets and colons (``项目资金（元）`` / ``项目资金 (元)``), a trailing ``：``,
traditional characters (``項目資金（萬元）``), template leftovers (``指标1：``,
``★``, ``(≥**人)``).  :func:`norm` maps all of these to one key.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any

_WS = re.compile(r"\s+")
_PREFIX = re.compile(
    r"^(?:指标\s*[0-9一二三四五六七八九十]+\s*[:：.、]|[0-9]+\s*(?:[、．]|\.(?!\d))|[（(][0-9一二三四五六七八九十]+[)）]|[一二三四五六七八九十]+、)"
)
_STARS = re.compile(r"[★☆※*＊]+")
_LEFTOVER = re.compile(r"[（(][^()（）]*\*\*[^()（）]*[)）]")  # (≥**人)
_WEIGHT = re.compile(r"[（(]\s*(\d+(?:\.\d+)?)\s*分\s*[)）]")
_DOTS = re.compile(r"^[.…。·\-—_\s]+$")

_converter: Any = None  # an opencc.OpenCC, False when unavailable, None until first use


def _t2s(s: str) -> str:
    global _converter
    if _converter is None:
        try:
            import opencc

            _converter = opencc.OpenCC("t2s")
        except ImportError:  # pragma: no cover - optional at run time
            _converter = False
    if not _converter:
        return s
    return str(_converter.convert(s))


_triggers: frozenset[str] | None = None


def _load_triggers() -> frozenset[str]:
    """Characters whose presence can make the t2s conversion change a string.

    Every traditional character of OpenCC's table, plus, for each phrase that
    converts without one (反覆 -> 反复, 沈默 -> 沉默), the characters that change
    in it.  An empty set means "unknown": always convert.
    """
    try:
        from pathlib import Path

        import opencc

        folder = Path(opencc.__file__).parent / "dictionary"
        chars: set[str] = set()
        for line in (folder / "TSCharacters.txt").read_text(encoding="utf-8").splitlines():
            key, _, value = line.partition("\t")
            if key and value.split() and value.split()[0] != key:
                chars.add(key)
        for line in (folder / "TSPhrases.txt").read_text(encoding="utf-8").splitlines():
            key, _, value = line.partition("\t")
            target = value.split()[0] if value.split() else key
            if target != key and not set(key) & chars:
                chars.update(a for a, b in zip(key, target, strict=False) if a != b)
        return frozenset(chars)
    except (ImportError, OSError, ValueError):  # pragma: no cover - other packaging
        return frozenset()


@lru_cache(maxsize=65536)
def simplified(s: str) -> str:
    """Traditional characters as simplified ones (identity for simplified text).

    Most cells hold simplified text; they skip the converter, which costs tens
    of microseconds a call, unless they contain a character it could change.
    """
    global _triggers
    if _triggers is None:
        _triggers = _load_triggers()
    if s.isascii() or (_triggers and not any(ch in _triggers for ch in s)):
        return s
    return _t2s(s)


@lru_cache(maxsize=65536)
def norm(s: object) -> str:
    """The comparison key of a label: simplified, half-width, no spaces, no trailing colon."""
    if s is None:
        return ""
    t = unicodedata.normalize("NFKC", str(s))
    t = simplified(t)
    t = _WS.sub("", t)
    t = t.replace("﹦", "=").replace("═", "=").replace("≧", "≥").replace("≦", "≤")
    return t.rstrip(":：")


def clean_name(s: object) -> str:
    """An indicator or block name without template leftovers (``指标1：``, ``★``, ``(≥**人)``)."""
    if s is None:
        return ""
    t = str(s).strip()
    t = _LEFTOVER.sub("", t)
    t = _STARS.sub("", t)
    t = _PREFIX.sub("", t.strip())
    return t.strip().rstrip(":：").strip()


def is_leftover_row_text(s: object) -> bool:
    """A cell of only dots/ellipses (``……``), a template row to skip."""
    return s is not None and isinstance(s, str) and bool(_DOTS.match(s)) and bool(s.strip())


def split_weight(label: str) -> tuple[str, float | None]:
    """``产出指标(50分)`` -> ('产出指标', 50.0); a label without weight -> (label, None)."""
    m = _WEIGHT.search(label)
    if not m:
        return label, None
    return (label[: m.start()] + label[m.end() :]).strip(), float(m.group(1))


_WEIGHT_TAIL = re.compile(r"(?<=[\u4e00-\u9fff])(\d+(?:\.\d+)?)分$")


def split_label_weight(label: str) -> tuple[str, float | None]:
    """A block or level label's weight, also without brackets: ``产出指标40分`` -> ('产出指标', 40.0).

    Only for labels (一级/二级/block), never for indicator names, where a
    trailing ``60分`` is part of the measure (``考试成绩达到60分``).
    """
    name, w = split_weight(label)
    if w is not None:
        return name, w
    m = _WEIGHT_TAIL.search(label)
    if not m or m.start() < 2:
        return label, None
    return label[: m.start()].strip(), float(m.group(1))


_TRAILING_PAREN = re.compile(r"\([^()]*\)$")


@lru_cache(maxsize=65536)
def strip_paren(key: str) -> str:
    """A normalised key without a trailing parenthetical: 执行率(B/A) -> 执行率."""
    return _TRAILING_PAREN.sub("", key)


def has_template_marks(s: object) -> bool:
    return isinstance(s, str) and ("**" in s or "＊＊" in s)


@lru_cache(maxsize=8192)
def _is_wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in "WF"


#: Runs of characters that are all wide (Unicode East Asian Width W or F): the CJK
#: blocks, kana, hangul and the full-width forms, which is nearly every character
#: of a Chinese text.  A test holds each of them wide; any other character is
#: looked up one by one.
_WIDE_RUN = re.compile(
    "[\u1100-\u115f\u2e80-\u303e\u3041-\u3247\u3250-\u4dbf\u4e00-\ua4cf"
    "\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff01-\uff60\uffe0-\uffe6]+"
)


_ASCII_RUN = re.compile("[\x00-\x7f]+")


def wide_chars(s: str) -> int:
    """How many characters of ``s`` are wide (CJK: two columns in a cell or a note box)."""
    if s.isascii():
        return 0
    rest = _WIDE_RUN.sub("", s)  # one pass in C, instead of a lookup per character
    n = len(s) - len(rest)
    if rest.isascii():
        return n
    return n + sum(map(_is_wide, _ASCII_RUN.sub("", rest)))  # the few others (“”—…×)
