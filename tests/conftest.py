"""Shared fixtures: the committed example workbooks, read once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from budgetlint.forms.form_s import read_grid
from budgetlint.grid import Grid
from budgetlint.hosts import read_workbook
from budgetlint.model import SheetRead

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
SEED_S = EXAMPLES / "深圳市社会组织管理局_2021_项目支出绩效自评表.xlsx"


@pytest.fixture(scope="session")
def seed_grid() -> Grid:
    return read_workbook(SEED_S)


@pytest.fixture(scope="session")
def seed_reads(seed_grid: Grid) -> list[SheetRead]:
    return read_grid(seed_grid)


def lo_convert(src: Path, folder: Path, fmt: str) -> Path:
    """``src`` converted by LibreOffice into ``folder`` (the test is skipped without it)."""
    from budgetlint.render import RenderError, convert, soffice

    if soffice() is None:
        pytest.skip("LibreOffice is not installed")
    try:
        return convert(src, folder, fmt)
    except RenderError as e:  # pragma: no cover - depends on the machine
        pytest.skip(str(e))
