"""Label normalisation: the fast path of ``simplified`` agrees with OpenCC exactly;
the fast path of ``wide_chars`` agrees with the Unicode database."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import opencc

from budgetlint.text import _WIDE_RUN, norm, simplified, wide_chars


def _dictionary_strings() -> list[str]:
    folder = Path(opencc.__file__).parent / "dictionary"
    out: list[str] = []
    for name in ("TSCharacters.txt", "TSPhrases.txt", "STCharacters.txt", "STPhrases.txt"):
        for line in (folder / name).read_text(encoding="utf-8").splitlines():
            key, _, values = line.partition("\t")
            out += [key, *values.split()]
    return out


def test_simplified_equals_opencc_on_every_dictionary_entry() -> None:
    # traditional and simplified strings alike, including phrases such as 反覆 -> 反复
    # whose characters are not in the character table
    converter = opencc.OpenCC("t2s")
    strings = _dictionary_strings()
    assert len(strings) > 100_000
    assert [s for s in strings if simplified(s) != converter.convert(s)] == []


def test_labels() -> None:
    assert simplified("項目資金（萬元）") == "项目资金（万元）"
    assert simplified("反覆") == "反复"
    assert simplified("项目资金（元）") == "项目资金（元）"
    assert norm("年度資金總額：") == "年度资金总额"
    assert norm("年度绩效 指标") == "年度绩效指标"


def test_every_character_of_the_wide_runs_is_wide() -> None:
    # the fast path counts these without a lookup: each must be East Asian Width W or F
    ranges = re.findall(r"(.)-(.)", _WIDE_RUN.pattern[1:-2], re.DOTALL)
    assert len(ranges) == 10
    narrow = [
        hex(cp)
        for a, b in ranges
        for cp in range(ord(a), ord(b) + 1)
        if unicodedata.east_asian_width(chr(cp)) not in "WF"
    ]
    assert narrow == []


def test_wide_chars_counts_as_the_unicode_database() -> None:
    def slow(s: str) -> int:
        return sum(unicodedata.east_asian_width(ch) in "WF" for ch in s)

    texts = [
        "项目支出绩效自评表（2023年度）",
        "预算执行率：95.5%，得分 9.6",
        "“引号”—破折号…省略号 ①②",  # ambiguous width: not wide
        "한국어 かな カナ ｱｲｳ Ａ１",  # hangul, kana, half-width and full-width forms
        "𠀀𪚥 emoji 😀 ✅",  # beyond the BMP
        "plain ascii",
        "",
    ]
    assert [wide_chars(t) for t in texts] == [slow(t) for t in texts]
    assert wide_chars("项目支出绩效自评表（2023年度）") == 13
