"""Label normalisation: the fast path of ``simplified`` agrees with OpenCC exactly."""

from __future__ import annotations

from pathlib import Path

import opencc

from budgetlint.text import norm, simplified


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
