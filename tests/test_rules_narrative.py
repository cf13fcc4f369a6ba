"""The 情况说明 of seed 002 held to its tables and its project summaries to the forms P.

The two example workbooks are checked together (one call, as a finance bureau does):
the seed's real mistakes are found at the narrative's cells, its consistent figures
raise nothing, and every figure no table holds is listed (D304), never dropped.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from budgetlint.checker import check_paths, forms_of
from budgetlint.findings import Finding
from budgetlint.model_d import FormD
from budgetlint.narrative_links import link_narrative, section_number

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE_D = ROOT / "examples" / "中共深圳市委政法委员会_2019_部门决算.xlsx"
EXAMPLE_P = ROOT / "examples" / "中共深圳市委政法委员会_2019_项目绩效情况自评表.xlsx"

pytestmark = pytest.mark.skipif(
    not (EXAMPLE_D.exists() and EXAMPLE_P.exists()), reason="the seed-002 examples are not built"
)

CODES = ("D301", "D302", "D303", "D304", "D401", "D402")


def _findings(*paths: Path) -> list[Finding]:
    batch = check_paths([str(p) for p in paths])
    narrative = [fr for fr in batch.files if Path(fr.path).name == EXAMPLE_D.name]
    assert len(narrative) == 1 and narrative[0].error is None
    return [f for f in narrative[0].findings if f.code in CODES]


@pytest.fixture(scope="module")
def together() -> list[Finding]:
    return _findings(EXAMPLE_D, EXAMPLE_P)


@pytest.fixture(scope="module")
def form_d() -> FormD:
    batch = check_paths([str(EXAMPLE_D)])
    [form] = [f for f in forms_of(batch.files[0].sheets) if isinstance(f, FormD)]
    return form


def _at(found: list[Finding], code: str) -> dict[str, Finding]:
    return {f.cell: f for f in found if f.code == code and f.sheet == "情况说明"}


# --------------------------------------------------------------------------- D301


def test_three_public_total_is_the_budget_column(together: list[Finding]) -> None:
    d301 = _at(together, "D301")
    f = d301["A16"]
    assert f.severity.value == "error"
    assert "116.27" in f.message and "公开07表" in f.message and "81.55" in f.message
    assert "预算数" in f.message  # 116.27 is 公开07表's 预算数, not its 决算数


def test_fiscal_carry_over_disagrees_with_table_04(together: list[Finding]) -> None:
    f = _at(together, "D301")["A10"]
    assert f.severity.value == "error"
    assert "364.62" in f.message and "367.65" in f.message and "公开04表" in f.message
    assert "年初" in f.message and "年末" in f.message  # both carry-overs, one finding


def test_consistent_figures_raise_nothing(together: list[Finding]) -> None:
    d301 = _at(together, "D301")
    assert set(d301) == {"A10", "A16"}, {c: f.message for c, f in d301.items()}
    # (一), (二) with 880 万元 against 880.00, (三), (五), (六), (八), (十), and the 三公 items
    for cell in ("A3", "A5", "A7", "A8", "A12", "A14", "A17", "A18", "A19", "A21", "A64"):
        assert cell not in d301


# --------------------------------------------------------------------------- D302 / D303


def test_small_enterprise_share_is_wrong(together: list[Finding]) -> None:
    d302 = _at(together, "D302")
    assert set(d302) == {"A65"}
    f = d302["A65"]
    assert f.severity.value == "error" and "63.5%" in f.message and "41.6%" in f.message
    assert "68.56%" not in f.message  # 1244.48 / 1815.26 = 68.56 % is right


def test_parts_add_up_except_the_three_public_total(together: list[Finding]) -> None:
    d303 = _at(together, "D303")
    # 政府采购 980.34 + 10.66 + 824.26 = 1815.26, 基本/项目支出 parts, 车辆 9 辆: all fine;
    # the 三公 total 116.27 is not 28.46 + 39.46 + 13.63 = 81.55
    assert set(d303) == {"A16"}, {c: f.message for c, f in d303.items()}
    assert "81.55" in d303["A16"].message


# --------------------------------------------------------------------------- D304


def test_unlinked_figures_are_listed_per_paragraph(together: list[Finding]) -> None:
    d304 = _at(together, "D304")
    assert all(f.severity.value == "note" for f in d304.values())
    assert "较上年增加 436.41 万元" in d304["A5"].message and "上年" in d304["A5"].message
    assert "863.76" in d304["A12"].message and "年初预算" in d304["A12"].message
    assert "团组数 5 个" in d304["A17"].message
    assert "1815.26" in d304["A65"].message  # 政府采购: not in the tables
    assert "9 辆" in d304["A66"].message
    assert "A3" not in d304 and "A21" not in d304  # (一) and (八) are all linked


def test_every_figure_is_linked_or_listed(form_d: FormD) -> None:
    links = link_narrative(form_d)
    figures = links.narrative.figures
    shares = {i for i, f in enumerate(figures) if f.kind == "share"}
    for i in range(len(figures)):
        assert (
            i in links.links or i in links.unlinked or i in links.summary_figures or i in shares
        ), figures[i]


def test_the_link_table_on_the_seed(form_d: FormD) -> None:
    links = link_narrative(form_d)
    figures = links.narrative.figures

    def cell(section: int, subject: str, nth: int = 0) -> str:
        found = [
            i
            for i, f in enumerate(figures)
            if section_number(f.section) == section and f.subject.endswith(subject)
        ]
        link = links.links[found[nth]]
        return link.name

    assert cell(1, "年初结转和结余").startswith("公开01表") and "C32" in cell(1, "年初结转和结余")
    assert "C30" in cell(1, "本年收入")
    assert "公开02表" in cell(2, "其他收入") and "I7" in cell(2, "其他收入")
    assert "公开03表" in cell(3, "部门决算支出")
    assert "C5" in cell(3, "工资福利支出") and "公开06表" in cell(3, "工资福利支出")
    assert "C31" in cell(4, "财政拨款年初结转和结余")
    assert "E7" in cell(5, "项目支出")
    assert "G8" in cell(7, "三公经费”财政拨款支出")
    assert "I8" in cell(7, "运行维护费支出") and "K8" in cell(7, "运行维护费支出", 1)
    assert "I33" in cell(10, "机关运行经费支出")
    # 较年初预算减少 0.54 万元: 公开07表 决算数 − 预算数 of 公务用车运行费
    change = next(i for i, f in enumerate(figures) if f.text == "0.54万元")
    assert "K8" in links.links[change].name and "E8" in links.links[change].name


# --------------------------------------------------------------------------- D401 / D402


def test_summary_score_disagrees_with_its_form(together: list[Finding]) -> None:
    d401 = _at(together, "D401")
    f = d401["A44"]  # (16) 其他项目（法制学校新）: 90 分 in the summary, 100.00 on 附件1-16
    assert f.severity.value == "error"
    assert "90 分" in f.message and "100.00" in f.message
    assert EXAMPLE_P.name in f.message and "附件1-16!G79" in f.message
    # (11) 综合管理: 1598.78 万元 for 15987859 元 (1598.79) is cut, not rounded: a note
    assert d401["A39"].severity.value == "note"
    # 54.4% for 54.37, 61.6 万元 for 615987.14 元 (附件1-17): consistent
    assert "A45" not in d401
    assert set(d401) == {"A39", "A44"}


def test_summaries_without_a_form_are_listed(together: list[Finding]) -> None:
    d402 = _at(together, "D402")
    assert len(d402) == 10  # (23)–(32): no form P among the 23 of the example
    assert all(f.severity.value == "note" for f in d402.values())
    assert "预算准备金" in d402["A60"].message


def test_narrative_alone_lists_every_summary() -> None:
    alone = _findings(EXAMPLE_D)
    assert len(_at(alone, "D402")) == 32
    assert not _at(alone, "D401")


def test_cli_json_puts_the_summary_finding_in_the_narrative_file(tmp_path: Path) -> None:
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "budgetlint",
            "check",
            str(EXAMPLE_D),
            str(EXAMPLE_P),
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=300,
    )
    data = json.loads(out.stdout)
    files = {Path(f["path"]).name: f for f in data["files"]}
    d401 = [f for f in files[EXAMPLE_D.name]["findings"] if f["code"] == "D401"]
    assert any(f["cell"] == "A44" and f["severity"] == "error" for f in d401), d401
    assert not [f for f in files[EXAMPLE_P.name]["findings"] if f["code"].startswith("D4")]
