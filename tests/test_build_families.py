"""The family example workbooks: reproducible, and true to their expectations."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import opencc
import pytest
from openpyxl import load_workbook

from budgetlint.build.families_s import EXPECTED, FILES, SheetExpectation, build_all

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"

_NA = {"", "—", "——", "-", "－", "/", "／", "不适用"}
_SYNONYMS = {
    "产出目标": "产出指标",
    "效益目标": "效益指标",
    "服务对象满意度指标": "满意度指标",
    "进度指标": "时效指标",
}
_NUMERIC = {"initial", "budget", "executed", "weight", "score", "total_weight", "total_score",
            "fund_weight", "indicator_block_weight", "amount"}


def _blank(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and raw.strip() in _NA)


def _number(raw: Any) -> float:
    """A number cell as a person reads it (``2 450 000``, ``4,862,400.00``, ``98%``)."""
    if isinstance(raw, int | float):
        return float(raw)
    s = str(raw).replace(",", "").replace(" ", "").strip()
    m = re.search(r"[（(](\d+(?:\.\d+)?)分", s)
    if m:  # a weight printed in a label: 产出指标(50分), 总分（100分）
        return float(m.group(1))
    if s.endswith("%"):
        return float(s[:-1]) / 100
    return float(s)


def _text(raw: Any) -> str:
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    return re.sub(r"\s+", "", str(raw))


def _level(raw: Any) -> str:
    s = re.sub(r"[（(]\d+(?:\.\d+)?分[)）]", "", _text(raw))
    return _SYNONYMS.get(s, s)


def _name(raw: Any) -> str:
    s = re.sub(r"^指标\d+[：:]", "", _text(raw)).replace("★", "")
    return re.sub(r"\(≥\*\*人\)", "", s)


def _check(ws: Any, exp: SheetExpectation, path: str, addr: str | None, value: Any) -> None:
    key = path.rsplit(".", 1)[-1]
    if path.startswith("level1_weights."):
        key = "weight"
    if addr is None:
        assert path.endswith(".weight") and isinstance(value, float), path
        return
    raw = ws[addr].value
    where = f"{ws.title}!{addr} ({path})"
    if key in _NUMERIC or key == "rate":
        if value is None:
            assert _blank(raw), where
            return
        got = _number(raw)
        if key in ("initial", "budget", "executed") and exp.unit == "万元":
            got *= 10000
        if key == "rate" and exp.rate_percent and not str(raw).endswith("%") and got > 1.5:
            got /= 100
        assert got == pytest.approx(value, abs=0.006), f"{where}: {raw!r} vs {value!r}"
    elif key == "target" and exp.split_target:
        r, c = ws[addr].row, ws[addr].column
        parts = [ws.cell(row=r, column=c + k).value for k in range(3)]
        assert "".join(_text(p) for p in parts if p is not None) == _text(value), where
    elif key in ("level1", "level2"):
        assert _level(raw) == value, f"{where}: {raw!r} vs {value!r}"
    elif key == "name":
        assert _name(raw) == _text(value), f"{where}: {raw!r} vs {value!r}"
    elif value is None:
        assert _blank(raw), f"{where}: {raw!r}"
    else:
        assert _text(raw) == _text(value), f"{where}: {raw!r} vs {value!r}"


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("families")
    build_all(root)
    return root


@pytest.mark.parametrize("name", sorted(FILES.values()))
def test_committed_workbook_is_a_fresh_build(fresh: Path, name: str) -> None:
    assert (EXAMPLES / name).read_bytes() == (fresh / "examples" / name).read_bytes()


@pytest.mark.parametrize("name", sorted(FILES.values()))
def test_expectations_hold_in_the_file(name: str) -> None:
    wb = load_workbook(EXAMPLES / name)
    sheets = EXPECTED[name]
    assert list(sheets) == wb.sheetnames
    for sheet, exp in sheets.items():
        ws = wb[sheet]
        for path, (addr, value) in exp.values.items():
            _check(ws, exp, path, addr, value)
        for addr, description, rule in exp.mistakes:
            ws[addr]  # a valid address
            assert description and rule
    forms = [e for e in sheets.values() if e.family not in ("skipped", "unrecognized")]
    assert 2 <= len(forms) <= 3
    assert any(not e.mistakes for e in forms), "each workbook keeps a consistent sheet"
    assert any(e.mistakes for e in forms)


def test_every_family_and_the_skip_paths_are_covered() -> None:
    families = {e.family for sheets in EXPECTED.values() for e in sheets.values()}
    # besides form S's families: the skip paths, and a 三公经费 table read as a part of form D
    assert set(FILES) | {"skipped", "unrecognized", "final_accounts"} == families


def test_expectations_are_complete_for_forms() -> None:
    for sheets in EXPECTED.values():
        for exp in sheets.values():
            if exp.family in ("skipped", "unrecognized", "final_accounts"):
                assert not exp.values
                continue
            v = exp.values
            assert "project" in v and "fund.total.budget" in v and "fund.total.executed" in v
            n = len({p.split(".")[1] for p in v if p.startswith("indicators.")})
            assert n >= 7
            for i in range(n):
                for part in ("level1", "level2", "name", "target", "actual"):
                    assert f"indicators.{i}.{part}" in v
            if exp.family == "no_score":
                assert "total_score" not in v and "indicators.0.weight" not in v
            else:
                assert "total_score" in v and "fund_weight" in v


def test_equal_shares_fill_the_block_weight() -> None:
    exp = EXPECTED[FILES["twenty_eighty"]]
    for sheet in exp.values():
        v = sheet.values
        weights = [w for p, (a, w) in v.items() if p.endswith(".weight") and a is None]
        assert weights and sum(weights) == pytest.approx(80.0)
        assert v["fund_weight"][1] == 20.0


def test_traditional_build_changes_only_labels(tmp_path: Path) -> None:
    s2t = opencc.OpenCC("s2t").convert
    build_all(tmp_path / "s")
    build_all(tmp_path / "t", traditional=True)
    seen = ""
    for name, sheets in EXPECTED.items():
        a = load_workbook(tmp_path / "s" / "examples" / name)
        b = load_workbook(tmp_path / "t" / "examples" / name)
        for sheet, exp in sheets.items():
            wa, wb = a[sheet], b[sheet]
            assert wa.max_row == wb.max_row and wa.max_column == wb.max_column
            for row in wa.iter_rows():
                for cell in row:
                    other = wb[cell.coordinate].value
                    if cell.coordinate in exp.labels:
                        expected = s2t(cell.value) if isinstance(cell.value, str) else cell.value
                        assert other == expected, f"{sheet}!{cell.coordinate}"
                        if other != cell.value:
                            seen += str(other)
                    else:
                        assert other == cell.value, f"{sheet}!{cell.coordinate}"
    for word in ("資金", "績效指標", "實際完成值", "項目資金（萬元）", "年度資金總額"):
        assert word in seen
