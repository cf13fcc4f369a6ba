"""The command line: exit codes, formats, a bad file in a batch, rules, inspect, settings."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from budgetlint.cli import main
from tests.conftest import SEED_S


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
    assert "H17    S205 警告" in out
    assert "G5     S104 错误" in out
    assert out.strip().splitlines()[-1].startswith("共检查 1 个文件、15 张自评表：错误 2，")


def test_fail_on_levels(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(SEED_S), "--fail-on", "never", "-q"]) == 0
    assert main(["check", str(SEED_S), "--ignore", "S104", "-q"]) == 0
    assert main(["check", str(SEED_S), "--ignore", "S104", "--fail-on", "warning", "-q"]) == 1
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
    err = cap.err.splitlines()
    assert len(err) == 3
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
        assert "Anti-pattern" in r["doc"] and "Best practice" in r["doc"], r["code"]
    main(["rules"])
    out = capsys.readouterr().out
    assert "S203  warning  strict-bound-equality" in out


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
    assert "unknown key(s) no_such_key" in capsys.readouterr().err


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
