"""Render workbooks with LibreOffice: workbook -> PDF -> PNG.

Used by the tests (and by anyone who wants to see what an annotated workbook
looks like without Excel).  LibreOffice runs headless with a private profile,
so it never touches the user's own profile and always recalculates formulas on
load (``OOXMLRecalcMode`` = 0), and each call has a timeout.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

_ITEM = (
    '<item oor:path="{path}"><prop oor:name="{name}" oor:op="fuse">'
    "<value>{value}</value></prop></item>\n"
)
_REGISTRY = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<oor:items xmlns:oor="http://openoffice.org/2001/registry" '
    'xmlns:xs="http://www.w3.org/2001/XMLSchema" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
    # Always recalculate formulas of OOXML (and ODF) files on load.
    + _ITEM.format(path="/org.openoffice.Office.Calc/Formula/Load", name="OOXMLRecalcMode", value=0)
    + _ITEM.format(path="/org.openoffice.Office.Calc/Formula/Load", name="ODFRecalcMode", value=0)
    + _ITEM.format(path="/org.openoffice.Office.Common/Misc", name="FirstRun", value="false")
    + "</oor:items>\n"
)


class RenderError(RuntimeError):
    """LibreOffice or pdftoppm is missing, failed or timed out."""


def soffice() -> str | None:
    """Path of the LibreOffice executable, if installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def recalc_profile(root: Path) -> str:
    """A private LibreOffice profile under ``root`` that recalculates on load; its URI."""
    user = root / "user"
    user.mkdir(parents=True, exist_ok=True)
    (user / "registrymodifications.xcu").write_text(_REGISTRY, encoding="utf-8")
    return root.resolve().as_uri()


def convert(src: Path, outdir: Path, fmt: str, *, timeout: float = 180) -> Path:
    """``soffice --headless --convert-to fmt``; returns the converted file."""
    exe = soffice()
    if exe is None:
        raise RenderError("LibreOffice (soffice) is not installed")
    src = Path(src)
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="budgetlint-lo-") as tmp:
        cmd = [
            exe,
            f"-env:UserInstallation={recalc_profile(Path(tmp))}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            fmt,
            "--outdir",
            str(outdir),
            str(src),
        ]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise RenderError(f"LibreOffice timed out after {timeout:g} s on {src.name}") from None
    ext = fmt.split(":", 1)[0]
    out = outdir / f"{src.stem}.{ext}"
    if proc.returncode != 0 or not out.exists():
        raise RenderError(
            f"LibreOffice could not convert {src.name} to {ext} "
            f"(exit {proc.returncode}): {proc.stderr.strip() or proc.stdout.strip()}"
        )
    return out


def to_pdf(xlsx: Path, outdir: Path, *, timeout: float = 180) -> Path:
    """Print every sheet of a workbook to ``outdir/<stem>.pdf``."""
    return convert(xlsx, outdir, "pdf", timeout=timeout)


def to_png(
    pdf: Path,
    outdir: Path,
    *,
    first_page: int = 1,
    last_page: int = 1,
    dpi: int = 110,
    timeout: float = 120,
) -> list[Path]:
    """Rasterise PDF pages with pdftoppm; returns the PNG files in page order."""
    exe = shutil.which("pdftoppm")
    if exe is None:
        raise RenderError("pdftoppm (poppler-utils) is not installed")
    pdf, outdir = Path(pdf), Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    prefix = outdir / pdf.stem
    cmd = [
        exe,
        "-png",
        "-r",
        str(dpi),
        "-f",
        str(first_page),
        "-l",
        str(last_page),
        str(pdf),
        str(prefix),
    ]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise RenderError(f"pdftoppm timed out after {timeout:g} s on {pdf.name}") from None
    if proc.returncode != 0:
        raise RenderError(f"pdftoppm failed on {pdf.name}: {proc.stderr.strip()}")
    pages = sorted(
        outdir.glob(f"{pdf.stem}-*.png"),
        key=lambda p: int(p.stem.rsplit("-", 1)[1]),
    )
    wanted = range(first_page, last_page + 1)
    return [p for p in pages if int(p.stem.rsplit("-", 1)[1]) in wanted]
