"""The command line: exit codes, formats, a bad file in a batch, rules, inspect, settings."""

from __future__ import annotations

import argparse
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from budgetlint.checker import check_file
from budgetlint.cli import _parser, main
from budgetlint.model import FormS, SheetRead
from budgetlint.results import RuleFailure
from budgetlint.rules import REGISTRY, all_rules
from budgetlint.rules.base import RuleContext, rule
from budgetlint.rules.cases import load_cases
from budgetlint.rules.docs import render_page
from budgetlint.settings import Settings
from tests.conftest import EXAMPLES, SEED_S

WAN = EXAMPLES / "版式-全国万元.xlsx"
KNOWN = "已知代码：D101、D102、"  # every code, sorted: forms D, P, S, then X
CJK = re.compile(r"[\u4e00-\u9fff]")


def _bad_files(folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    truncated = folder / "截断.xlsx"
    truncated.write_bytes(SEED_S.read_bytes()[:5000])
    text = folder / "文本.xlsx"
    text.write_text("这不是工作簿\n", encoding="utf-8")
    ole = folder / "加密.xlsx"
    ole.write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 4088)
    return {"truncated": truncated, "text": text, "ole": ole}


def test_check_text_output_and_exit_code(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check", str(SEED_S)])
    out = capsys.readouterr().out
    assert code == 1  # errors in the seed
    assert "[01 综合服务工作] 版式：项目支出绩效自评表（全国通用，元）" in out
    assert "H17    S212 错误" in out
    assert "I17    S205 警告" in out
    assert "G5     S104 错误" in out
    assert out.strip().splitlines()[-1].startswith("共检查 1 个文件、15 张自评表：错误 5，")


def test_fail_on_levels(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(SEED_S), "--fail-on", "never", "-q"]) == 0
    assert main(["check", str(SEED_S), "--ignore", "S104", "--ignore", "S212", "-q"]) == 0
    only_warnings = ["--ignore", "S104", "--ignore", "S212", "--fail-on", "warning", "-q"]
    assert main(["check", str(SEED_S), *only_warnings]) == 1
    capsys.readouterr()


def test_select_runs_only_the_selected_rules(capsys: pytest.CaptureFixture[str]) -> None:
    main(["check", str(SEED_S), "--format", "json", "--select", "S203"])
    data = json.loads(capsys.readouterr().out)
    codes = {f["code"] for fr in data["files"] for f in fr["findings"]}
    assert codes == {"S203"}
    assert data["summary"]["warning"] == 14


def test_json_format_is_stable(capsys: pytest.CaptureFixture[str]) -> None:
    main(["check", str(SEED_S), "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    assert data["version"] == 1
    [fr] = data["files"]
    assert [s["family"] for s in fr["sheets"]] == ["national"] * 15
    first = fr["findings"][0]
    assert set(first) >= {"code", "severity", "sheet", "cell", "message", "expected", "actual"}
    s104 = [f for f in fr["findings"] if f["code"] == "S104"]
    assert [(f["cell"], f["severity"], f["actual"]) for f in s104] == [
        ("G5", "error", "1.00"),
        ("H5", "error", "10.00"),
    ]


def test_bad_files_do_not_stop_the_batch(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = _bad_files(tmp_path / "in")
    shutil.copy(SEED_S, tmp_path / "in" / "好.xlsx")
    code = main(["check", str(tmp_path / "in"), "--fail-on", "never"])
    cap = capsys.readouterr()
    assert code == 2  # unreadable input
    err = [line for line in cap.err.splitlines() if line.startswith("budgetlint: ")]
    assert len(err) == 3  # one line per bad file (then the summary table)
    assert "无法读取  " in cap.err
    assert any(str(bad["ole"]) in line and "加密" in line for line in err)
    assert any(str(bad["text"]) in line and "不是 Excel 工作簿" in line for line in err)
    assert any(str(bad["truncated"]) in line and "损坏" in line for line in err)
    assert "[01 综合服务工作]" in cap.out  # the good file was checked
    assert "3 个文件无法读取" in cap.out


def test_missing_file_and_wrong_type(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "a.csv").write_text("x")
    code = main(["check", str(tmp_path / "没有.xlsx"), str(tmp_path / "a.csv")])
    err = capsys.readouterr().err
    assert code == 2
    assert "没有.xlsx: 文件不存在" in err
    assert "不支持的文件类型 .csv" in err


def test_rules_lists_every_rule_with_doc(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "--format", "json"]) == 0
    rules = json.loads(capsys.readouterr().out)
    codes = [r["code"] for r in rules]
    assert codes == sorted(codes) and "S104" in codes and "S205" in codes
    for r in rules:
        assert r["title"] and r["severity"] in ("error", "warning", "note")
        assert r["doc"], r["code"]
        cases = load_cases(r["code"])  # the examples are data, shown on the page
        assert cases.fail and cases.passing, r["code"]
    main(["rules"])
    out = capsys.readouterr().out
    assert out == "\n".join(render_page(r) for r in all_rules())
    assert "S203 strict-bound-equality（警告）：" in out


def test_inspect_shows_family_and_addresses(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["inspect", str(SEED_S), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    s0 = data["sheets"][0]
    assert s0["family"] == "national"
    total = s0["form"]["fund"]["rows"][0]
    assert total["kind"] == "total"
    assert total["executed"] == {"cell": "E5", "text": "969188.11", "value": 969188.11}
    assert s0["form"]["total_score"]["cell"] == "H23"
    main(["inspect", str(SEED_S)])
    assert "版式：项目支出绩效自评表（全国通用，元）（national）" in capsys.readouterr().out


def test_settings_from_pyproject(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cfg = tmp_path / "pyproject.toml"
    cfg.write_text('[tool.budgetlint]\nignore = ["S2"]\n', encoding="utf-8")
    main(["check", str(SEED_S), "--format", "json", "--config", str(cfg)])
    data = json.loads(capsys.readouterr().out)
    assert not any(f["code"].startswith("S2") for f in data["files"][0]["findings"])
    bad = tmp_path / "budgetlint.toml"
    bad.write_text("no_such_key = 1\n", encoding="utf-8")
    assert main(["check", str(SEED_S), "--config", str(bad)]) == 2
    assert f"{bad}: no_such_key 不是设置项" in capsys.readouterr().err


def test_bad_files_in_an_annotate_batch(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from openpyxl import load_workbook

    _bad_files(tmp_path / "in")
    shutil.copy(SEED_S, tmp_path / "in" / "好.xlsx")
    out = tmp_path / "out"
    code = main(["check", str(tmp_path / "in"), "--annotate", str(out), "-q"])
    err = capsys.readouterr().err.splitlines()
    assert code == 2 and len(err) == 3  # one clear line per bad file
    assert sorted(p.name for p in out.iterdir()) == ["好.xlsx"]
    wb = load_workbook(out / "好.xlsx")
    assert wb.sheetnames[0] == "复核结果"
    cell = wb["14 深圳市社会组织能力建设与跟踪服务项目"]["G5"]
    assert cell.fill.fgColor.rgb == "FFFFC7CE"
    assert cell.comment is not None and "S104" in cell.comment.text


def test_in_place_keeps_a_backup_and_clear_restores(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    work = tmp_path / "自评表.xlsx"
    shutil.copy(SEED_S, work)
    original = work.read_bytes()
    assert main(["check", str(work), "--in-place", "-q"]) == 1
    backups = [p for p in tmp_path.iterdir() if ".bak" in p.name]
    assert len(backups) == 1 and backups[0].read_bytes() == original
    assert work.read_bytes() != original
    assert main(["clear", str(work)]) == 0
    import zipfile

    with zipfile.ZipFile(work) as a, zipfile.ZipFile(tmp_path / backups[0].name) as b:
        assert a.namelist() == b.namelist()
        assert all(a.read(n) == b.read(n) for n in a.namelist())
    capsys.readouterr()


# --- unknown rule codes ----------------------------------------------------------------


def test_unknown_select_code_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(SEED_S), "--select", "ZZZ"]) == 2
    cap = capsys.readouterr()
    assert cap.out == ""  # nothing was checked
    [line] = cap.err.splitlines()
    assert line.startswith("budgetlint: --select 中的规则代码未知：ZZZ；已知代码：D101、")
    assert "S203" in line and line.endswith("、X001")


def test_unknown_ignore_codes_are_all_named(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["check", str(SEED_S), "--select", "S2", "--ignore", "S9", "--ignore", "S104"]
    assert main([*args, "--ignore", ""]) == 2
    [line] = capsys.readouterr().err.splitlines()
    assert '--ignore 中的规则代码未知：S9、""；' in line  # a blank code would ignore every rule
    assert "--select" not in line and KNOWN in line


def test_prefixes_and_x_codes_are_known(capsys: pytest.CaptureFixture[str]) -> None:
    warn = ["check", str(SEED_S), "-q", "--fail-on", "warning"]
    assert main([*warn, "--select", "S2", "--ignore", "X001"]) == 1
    assert main([*warn, "--select", "S20", "--ignore", "X"]) == 1
    assert capsys.readouterr().err == ""


def test_unknown_code_in_the_settings_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = tmp_path / "budgetlint.toml"
    cfg.write_text('select = ["S2", "ZZZ"]\n', encoding="utf-8")
    assert main(["check", str(SEED_S), "--config", str(cfg), "--fail-on", "never"]) == 2
    cap = capsys.readouterr()
    assert cap.out == ""
    [line] = cap.err.splitlines()
    assert line.startswith(f"budgetlint: 配置错误：{cfg}: select 中的规则代码未知：ZZZ；{KNOWN}")
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[tool.budgetlint]\nignore = ["s104"]\n', encoding="utf-8")
    assert main(["check", str(SEED_S), "--config", str(pyproject)]) == 2
    assert (
        f"{pyproject}: tool.budgetlint.ignore 中的规则代码未知：s104；" in capsys.readouterr().err
    )


# --- settings of the wrong type ----------------------------------------------------------


def test_quoted_number_in_settings_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = tmp_path / "budgetlint.toml"
    cfg.write_text('rounding_units = "0.5"\n', encoding="utf-8")
    # The seed has errors: before, every arithmetic rule crashed and this exited 0.
    assert main(["check", str(SEED_S), "--config", str(cfg), "--fail-on", "never"]) == 2
    cap = capsys.readouterr()
    assert cap.out == ""
    assert cap.err == (
        f'budgetlint: 配置错误：{cfg}: rounding_units 应为数字，实际为字符串 "0.5"\n'
    )


def test_settings_found_in_the_current_folder_are_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "budgetlint.toml").write_text(
        '[families.national]\nfund_weight = "10"\n', encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    assert main(["check", str(SEED_S)]) == 2
    err = capsys.readouterr().err
    assert 'budgetlint.toml: families.national.fund_weight 应为数字，实际为字符串 "10"' in err


def test_a_good_file_after_a_bad_setting_is_not_checked_as_clean(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["check", str(WAN), "--select", "S4", "--fail-on", "warning"]
    assert main(args) == 0  # clean at this level with good settings
    assert "共检查 1 个文件、2 张自评表：错误 0，警告 0，" in capsys.readouterr().out
    cfg = tmp_path / "budgetlint.toml"
    for text, key in [
        ("max_rate = 0\n", "max_rate 应在 (0, +∞) 之内，实际为 0"),
        ("over_achievement_ratio = 0.8\n", "over_achievement_ratio 应在 [1, +∞) 之内"),
        ('explained_marker = ""\n', "explained_marker 应为非空字符串"),
        ('grades = [[90, "优"], ["60", "合格"]]\n', 'grades[1][0] 应为数字，实际为字符串 "60"'),
        ("[families.national_wan]\nscored = 1\n", "families.national_wan.scored 应为布尔值"),
    ]:
        cfg.write_text(text, encoding="utf-8")
        assert main([*args, "--config", str(cfg)]) == 2, text
        cap = capsys.readouterr()
        assert cap.out == "", text  # no 未发现问题, no summary line
        assert f"{cfg}: {key}" in cap.err, text


# --- a rule that raises ------------------------------------------------------------------


@pytest.fixture
def crashing_rule() -> Iterator[str]:
    """A temporary rule S999 that reports one finding, then divides by zero."""

    @rule("S999", "crashes", "warning", "测试用：执行出错的规则")
    def crashes(form: FormS, ctx: RuleContext) -> None:
        """Raises on every form (a test double)."""
        ctx.report(form.project, "崩溃前报告的问题")
        _ = 1 / 0

    try:
        yield "S999"
    finally:
        del REGISTRY["S999"]


def _form_start(read: SheetRead) -> str:
    """The first cell of the sheet's form: its title, project or fund header, whichever is first."""
    assert read.form is not None
    f = read.form
    refs = [x.ref for x in (f.title, f.project) if x is not None and x.ref is not None]
    refs += [f.fund.header] if f.fund is not None and f.fund.header is not None else []
    return min(refs, key=lambda r: (r.row, r.col)).address


def test_a_crashing_rule_fails_the_check_whatever_fail_on_says(
    crashing_rule: str, seed_reads: list[SheetRead], capsys: pytest.CaptureFixture[str]
) -> None:
    main(["check", str(SEED_S), "--format", "json", "--ignore", "S999"])
    baseline = json.loads(capsys.readouterr().out)
    others = baseline["files"][0]["findings"]
    assert len(others) > 10 and baseline["summary"]["error"] > 0
    start = _form_start(seed_reads[0])

    assert main(["check", str(SEED_S), "--fail-on", "never"]) == 2
    cap = capsys.readouterr()
    err = [line for line in cap.err.splitlines() if line.startswith("budgetlint: ")]
    assert len(err) == 15  # one line per sheet the rule failed on
    assert err[0] == (
        f"budgetlint: 规则 S999 在 {SEED_S}!01 综合服务工作!{start} 执行出错"
        "（ZeroDivisionError: division by zero）"
    )
    # the other rules' findings are still printed, at their cells
    for f in others:
        assert f"    {f['cell'] or '—':<6} {f['code']} " in cap.out, f
    assert (
        f"    {start:<6} X001 错误  规则 S999 在 01 综合服务工作!{start} 执行出错，"
        "本表的该项检查未完成（ZeroDivisionError: division by zero）"
    ) in cap.out
    summary = cap.out.splitlines()[-1]
    assert f"错误 {baseline['summary']['error'] + 15}，" in summary  # + one X001 per sheet
    assert summary.endswith("；规则执行出错 15 次，相关表未检查完整")

    assert main(["check", str(SEED_S), "--format", "json", "--fail-on", "never"]) == 2
    found = json.loads(capsys.readouterr().out)["files"][0]["findings"]
    assert [f for f in found if f["code"] not in ("S999", "X001")] == others


def test_a_crashing_rule_is_an_error_finding_and_a_failure(
    crashing_rule: str, seed_reads: list[SheetRead], capsys: pytest.CaptureFixture[str]
) -> None:
    fr = check_file(SEED_S, Settings(select=["S999"]))
    assert len(fr.rule_failures) == 15
    assert fr.rule_failures[0] == RuleFailure(
        code="S999",
        file=str(SEED_S),
        sheet="01 综合服务工作",
        cell=_form_start(seed_reads[0]),
        error="ZeroDivisionError: division by zero",
    )
    x001 = [f for f in fr.findings if f.code == "X001"]
    assert [(f.sheet, f.severity.value, f.cell) for f in x001] == [
        (r.sheet, "error", _form_start(r)) for r in seed_reads
    ]
    # what it reported before raising is kept
    assert [f.message for f in fr.findings if f.code == "S999"] == ["崩溃前报告的问题"] * 15
    assert main(["check", str(SEED_S), "--format", "json", "--select", "S999"]) == 2
    data = json.loads(capsys.readouterr().out)
    assert data["summary"]["by_rule"] == {"S999": 15, "X001": 15}
    assert data["summary"]["error"] == 15


def test_ignoring_x001_hides_the_finding_not_the_failure(
    crashing_rule: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", str(SEED_S), "--select", "S999", "--ignore", "X001"]) == 2
    cap = capsys.readouterr()
    assert "X001" not in cap.out and "S999 警告" in cap.out
    assert len([line for line in cap.err.splitlines() if line.startswith("budgetlint: ")]) == 15
    assert "规则执行出错  15 次（S999 15 次），相关表未检查完整" in cap.err


# --- budgetlint rules CODE -----------------------------------------------------------------


def test_rules_code_prints_the_rule_page(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "S203"]) == 0
    assert capsys.readouterr().out == render_page(REGISTRY["S203"])
    assert main(["rules", "S203", "S104"]) == 0
    out = capsys.readouterr().out
    assert out == render_page(REGISTRY["S203"]) + "\n" + render_page(REGISTRY["S104"])
    assert main(["rules", "X001"]) == 0
    assert capsys.readouterr().out.startswith("X001 rule-failed（错误）：规则执行出错\n")
    assert main(["rules", "S203", "--format", "json"]) == 0
    [r] = json.loads(capsys.readouterr().out)
    assert r["code"] == "S203" and r["name"] == "strict-bound-equality"


def test_rules_unknown_code_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "S203", "S2", "ZZZ"]) == 2
    cap = capsys.readouterr()
    assert cap.out == ""
    [line] = cap.err.splitlines()
    assert line.startswith(f"budgetlint: 未知的规则代码：S2、ZZZ；{KNOWN}")
    assert line.endswith("X001")


# --- Chinese help --------------------------------------------------------------------------


def test_every_option_has_chinese_help() -> None:
    parser = _parser()
    [sub] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    parsers = {"budgetlint": parser, **sub.choices}
    for name, p in parsers.items():
        for action in p._actions:
            if action is sub:
                continue
            assert action.help and CJK.search(action.help), (name, action.dest, action.help)
    for cmd in sub._choices_actions:
        assert cmd.help and CJK.search(cmd.help), cmd.dest
    text = parser.format_help() + "".join(p.format_help() for p in sub.choices.values())
    assert "show this help" not in text
    assert "--fail-on {error,warning,note,never}" in text  # option names are kept
