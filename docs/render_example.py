"""Regenerate docs/annotated-example.png: an annotated example sheet as LibreOffice prints it.

    .venv/bin/python docs/render_example.py

Checks examples/版式-全国万元.xlsx, annotates a copy, converts it to PDF with
LibreOffice and the page of sheet 项目2 to PNG with pdftoppm.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from budgetlint.annotate import annotate
from budgetlint.checker import check_file
from budgetlint.render import to_pdf, to_png

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "examples" / "版式-全国万元.xlsx"
SHEET_TEXT = "农村生活垃圾转运"


def _run(*cmd: str) -> str:
    return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout


def _pages(pdf: Path) -> int:
    line = next(x for x in _run("pdfinfo", str(pdf)).splitlines() if x.startswith("Pages:"))
    return int(line.split()[-1])


def _is_sheet_page(pdf: Path, page: int) -> bool:
    text = _run("pdftotext", "-f", str(page), "-l", str(page), str(pdf), "-")
    return SHEET_TEXT in text and "复核结果" not in text


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / SRC.name
        annotate(SRC, out, check_file(SRC).findings)
        pdf = to_pdf(out, Path(tmp))
        page = next(p for p in range(1, _pages(pdf) + 1) if _is_sheet_page(pdf, p))
        [png] = to_png(pdf, Path(tmp), first_page=page, last_page=page, dpi=90)
        shutil.copy(png, ROOT / "docs" / "annotated-example.png")
        print(f"docs/annotated-example.png from page {page}")


if __name__ == "__main__":
    main()
