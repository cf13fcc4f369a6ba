"""Settings files: every key is type-checked, and a bad one names the file and the key."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import pytest

from budgetlint import params, settings
from budgetlint.params import FamilyParams, ParamError
from budgetlint.settings import (
    DEFAULT_GRADES,
    NATIONAL_GRADES,
    Settings,
    SettingsError,
    known_codes,
    unknown_codes,
)


def _load(tmp_path: Path, text: str, name: str = "budgetlint.toml") -> Settings:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return Settings.load(p)


def _error(tmp_path: Path, text: str, name: str = "budgetlint.toml") -> str:
    with pytest.raises(SettingsError) as e:
        _load(tmp_path, text, name)
    return str(e.value)


def test_every_key_has_a_checker() -> None:
    assert set(settings._CHECKS) == {f.name for f in fields(Settings)} - {"source"}
    assert set(params._CHECKS) == {f.name for f in fields(FamilyParams)}


def test_quoted_number_names_file_and_key(tmp_path: Path) -> None:
    msg = _error(tmp_path, 'rounding_units = "0.5"\n')
    assert msg == f'{tmp_path / "budgetlint.toml"}: rounding_units 应为数字，实际为字符串 "0.5"'


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("rounding_units = true\n", "rounding_units 应为数字，实际为布尔值 true"),
        ("rounding_units = 0\n", "rounding_units 应在 (0, 1] 之内，实际为 0"),
        ("rounding_units = 1.5\n", "rounding_units 应在 (0, 1] 之内，实际为 1.5"),
        ("rounding_units = nan\n", "rounding_units 应为有限的数字，实际为数字 nan"),
        ("over_achievement_ratio = 0.9\n", "over_achievement_ratio 应在 [1, +∞) 之内，实际为 0.9"),
        ('over_achievement_ratio = "1.2"\n', 'over_achievement_ratio 应为数字，实际为字符串 "1.2"'),
        ("max_rate = 0\n", "max_rate 应在 (0, +∞) 之内，实际为 0"),
        ("max_rate = [1]\n", "max_rate 应为数字，实际为数组 [1]"),
        ("cost_tolerance = -0.01\n", "cost_tolerance 应在 [0, +∞) 之内，实际为 -0.01"),
        ("cost_tolerance = 2021-01-01\n", "cost_tolerance 应为数字，实际为日期时间 2021-01-01"),
        ('grades = "provincial"\n', 'grades 应为 "default"、"national" 之一，实际为字符串 "provincial"'),
        ("grades = []\n", "grades 应为 \"default\"、\"national\" 或 [[最低分, 等级], …]，实际为数组 []"),
        ("grades = 90\n", "grades 应为 \"default\"、\"national\" 或 [[最低分, 等级], …]，实际为数字 90"),
        ('grades = [[90, "优"], [60]]\n', "grades[1] 应为 [最低分, 等级]，实际为数组 [60]"),
        ('grades = [[90, "优"], ["60", "中"]]\n', 'grades[1][0] 应为数字，实际为字符串 "60"'),
        ('grades = [[190, "优"]]\n', "grades[0][0] 应在 [0, 100] 之内，实际为 190"),
        ('grades = [[90, "优"], [0, 1]]\n', "grades[1][1] 应为字符串，实际为数字 1"),
        ('grades = [[90, "优"], [90.0, "良"]]\n', "grades 中最低分 90 出现了不止一次"),
        ('select = "S2"\n', 'select 应为字符串数组，实际为字符串 "S2"'),
        ('ignore = ["S104", 203]\n', "ignore[1] 应为字符串，实际为数字 203"),
        ('select = ["S2", "ZZZ"]\n', "select 中的规则代码未知：ZZZ；已知代码：D101、"),
        ('ignore = ["S2", "S9", "s104"]\n', "ignore 中的规则代码未知：S9、s104；已知代码："),
        ('ignore = [""]\n', 'ignore 中的规则代码未知：""；'),
        ('explained_marker = ""\n', 'explained_marker 应为非空字符串，实际为字符串 ""'),
        ("explained_marker = 1\n", "explained_marker 应为字符串，实际为数字 1"),
        ("families = 1\n", "families 应为表，实际为数字 1"),
        ("families = {national = 1}\n", "families.national 应为表，实际为数字 1"),
        ("[families.provincial]\nfund_weight = 10\n", "families.provincial 不是已知的版式（可用的版式："),
        ('[families.national]\nfund_weight = "20"\n', 'families.national.fund_weight 应为数字，实际为字符串 "20"'),
        ("[families.national]\nfund_weight = -1\n", "families.national.fund_weight 应在 [0, +∞) 之内，实际为 -1"),
        ("[families.national]\nscored = 1\n", "families.national.scored 应为布尔值（true 或 false），实际为数字 1"),
        ('[families.national]\nequal_split = "true"\n', 'families.national.equal_split 应为布尔值（true 或 false），实际为字符串 "true"'),
        ("[families.national]\nrenormalize_na = 0\n", "families.national.renormalize_na 应为布尔值"),
        ("[families.national]\ntotal_weight = 0\n", "families.national.total_weight 应在 (0, +∞) 之内，实际为 0"),
        ("[families.national]\nlevel1_weights = [50, 30]\n", "families.national.level1_weights 应为表，实际为数组 [50, 30]"),
        ('[families.national]\nlevel1_weights = {"产出指标" = "50"}\n', 'families.national.level1_weights.产出指标 应为数字，实际为字符串 "50"'),
        ('[families.national]\nqualitative_bands = "80-70"\n', 'families.national.qualitative_bands 应为 "80-50"、"80-60" 之一，实际为字符串 "80-70"'),
        ('[families.national]\nupper_bound_formula = "linear"\n', 'families.national.upper_bound_formula 应为 "ratio"、"excess" 之一'),
        ("[families.national]\nweight = 10\n", "families.national.weight 不是版式参数（可用的参数：fund_weight、"),
        ("no_such_key = 1\n", "no_such_key 不是设置项（可用的设置项：rounding_units、"),
    ],
)  # fmt: skip
def test_bad_value_names_the_key(tmp_path: Path, text: str, message: str) -> None:
    msg = _error(tmp_path, text)
    assert msg.startswith(f"{tmp_path / 'budgetlint.toml'}: {message}")


def test_pyproject_keys_are_named_under_tool_budgetlint(tmp_path: Path) -> None:
    msg = _error(tmp_path, '[tool.budgetlint]\nmax_rate = "1.0"\n', "pyproject.toml")
    assert (
        msg
        == f'{tmp_path / "pyproject.toml"}: tool.budgetlint.max_rate 应为数字，实际为字符串 "1.0"'
    )
    msg = _error(tmp_path, "[tool.budgetlint.families.national]\nscored = 0\n", "pyproject.toml")
    assert "tool.budgetlint.families.national.scored 应为布尔值" in msg
    msg = _error(tmp_path, "[tool]\nbudgetlint = 1\n", "pyproject.toml")
    assert msg == f"{tmp_path / 'pyproject.toml'}: tool.budgetlint 应为表，实际为数字 1"
    msg = _error(tmp_path, '[project]\nname = "x"\n', "pyproject.toml")
    assert msg == f"{tmp_path / 'pyproject.toml'}: 没有 [tool.budgetlint] 表"


def test_unreadable_files(tmp_path: Path) -> None:
    assert "不是有效的 TOML" in _error(tmp_path, "rounding_units = \n")
    with pytest.raises(SettingsError, match="无法读取"):
        Settings.load(tmp_path / "没有.toml")
    bad = tmp_path / "gbk.toml"
    bad.write_bytes('explained_marker = "【已说明】"\n'.encode("gbk"))
    with pytest.raises(SettingsError, match="不是 UTF-8 编码"):
        Settings.load(bad)


def test_found_settings_are_checked_too(tmp_path: Path) -> None:
    (tmp_path / "budgetlint.toml").write_text("max_rate = false\n", encoding="utf-8")
    sub = tmp_path / "收到的自评表"
    sub.mkdir()
    with pytest.raises(SettingsError, match="max_rate 应为数字，实际为布尔值 false"):
        Settings.load(start=sub)


def test_good_values_are_normalised(tmp_path: Path) -> None:
    s = _load(
        tmp_path,
        "rounding_units = 1\n"
        "over_achievement_ratio = 1\n"
        "max_rate = 1.05\n"
        "cost_tolerance = 0\n"
        'grades = [[60, "合格"], [90, "优秀"], [0, "不合格"]]\n'
        'select = ["S1", "S203", "X"]\n'
        'ignore = ["S108"]\n'
        'explained_marker = "【说明】"\n'
        "[families.twenty_eighty]\n"
        "fund_weight = 20\n"
        'qualitative_bands = "80-60"\n'
        "[families.national_wan]\n"
        'level1_weights = {"产出指标" = 60, "效益指标" = 20.5}\n'
        "scored = true\n",
    )
    assert s.rounding_units == 1.0 and isinstance(s.rounding_units, float)
    assert s.over_achievement_ratio == 1.0 and s.max_rate == 1.05 and s.cost_tolerance == 0.0
    assert s.grades == ((90.0, "优秀"), (60.0, "合格"), (0.0, "不合格"))
    assert s.select == ["S1", "S203", "X"] and s.ignore == ["S108"]
    assert s.explained_marker == "【说明】"
    p = s.family_params("twenty_eighty")
    assert p.fund_weight == 20.0 and isinstance(p.fund_weight, float)
    assert p.qualitative_bands == "80-60" and p.equal_split  # the family's own value stays
    wan = s.family_params("national_wan")
    assert wan.level1_weights == {"产出指标": 60.0, "效益指标": 20.5}
    assert s.source == str(tmp_path / "budgetlint.toml")


def test_named_grade_scales(tmp_path: Path) -> None:
    assert _load(tmp_path, 'grades = "national"\n').grades == NATIONAL_GRADES
    assert _load(tmp_path, 'grades = "default"\n').grades == DEFAULT_GRADES
    assert _load(tmp_path, "").grades == DEFAULT_GRADES


def test_from_mapping_without_a_file() -> None:
    with pytest.raises(SettingsError, match=r"^设置: max_rate 应为数字，实际为字符串 \"1\"$"):
        Settings.from_mapping({"max_rate": "1"})
    s = Settings.from_mapping({"families": {"twenty_eighty": {"equal_split": False}}})
    assert not s.family_params("twenty_eighty").equal_split


def test_known_codes_and_prefixes() -> None:
    codes = known_codes()
    assert "S203" in codes and "X001" in codes and codes == sorted(codes)
    assert unknown_codes(["S", "S2", "S203", "X", "X001"]) == []
    assert unknown_codes(["S2035", "S9", "s203", "", " S203", "ZZZ"]) == [
        "S2035",
        "S9",
        "s203",
        "",
        " S203",
        "ZZZ",
    ]


def test_family_overrides_are_checked_in_python_too() -> None:
    base = FamilyParams()
    assert base.with_overrides({"fund_weight": 20}).fund_weight == 20.0
    with pytest.raises(ParamError) as e:
        base.with_overrides({"fund_weight": "20"})
    assert e.value.key == "fund_weight"
    assert str(e.value) == 'fund_weight 应为数字，实际为字符串 "20"'
    with pytest.raises(ValueError, match="qualitative_bands 应为"):
        base.with_overrides({"qualitative_bands": "90-50"})
    with pytest.raises(ParamError, match="level1_weights 中的指标名称不能为空"):
        base.with_overrides({"level1_weights": {" ": 10}})
    with pytest.raises(ParamError, match=r"level1_weights\.产出指标 应在 \[0, \+∞\) 之内"):
        base.with_overrides({"level1_weights": {"产出指标": -5}})
