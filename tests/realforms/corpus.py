"""The real-forms corpus: load the transcribed forms and build them into workbooks.

``python -m tests.realforms.corpus OUTDIR`` writes one workbook per form (as
printed: merges, numbers with their printed decimals, text as written) and
prints a line per form; a form whose notation or key is malformed is named with
the reason.
"""

from __future__ import annotations

import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from budgetlint.grid import Sheet, parse_address
from budgetlint.gridtext import GridTextError, parse

HERE = Path(__file__).resolve().parent
FORMS = HERE / "forms"
SEVERITIES = ("error", "warning")
REQUIRED = ("source", "province", "year", "unit", "layout", "grid")


class CorpusError(ValueError):
    """A form file that cannot be used; the message names the file."""


@dataclass(frozen=True)
class KeyFinding:
    cell: str
    severity: str
    what: str
    alt: tuple[str, ...] = ()

    @property
    def cells(self) -> tuple[str, ...]:
        return (self.cell, *self.alt)


@dataclass
class RealForm:
    path: Path
    source: str
    province: str
    place: str
    year: int
    unit: str
    layout: str
    partial: bool
    expect: str
    sheet_name: str
    sheet: Sheet
    key: list[KeyFinding] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.path.stem


def load(path: Path) -> RealForm:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise CorpusError(f"{path.name}: {e}") from e
    missing = [k for k in REQUIRED if k not in data]
    if missing:
        raise CorpusError(f"{path.name}: missing {', '.join(missing)}")
    name = str(data.get("sheet", "自评表"))
    try:
        sheet = parse(str(data["grid"]), name)
    except GridTextError as e:
        raise CorpusError(f"{path.name}: grid {e}") from e
    key = []
    for i, f in enumerate(data.get("finding", []), start=1):
        try:
            kf = KeyFinding(
                str(f["cell"]).upper(),
                str(f["severity"]),
                str(f.get("what", "")),
                tuple(str(a).upper() for a in f.get("alt", ())),
            )
            for c in kf.cells:
                parse_address(c)
        except (KeyError, ValueError) as e:
            raise CorpusError(f"{path.name}: finding {i}: {e}") from e
        if kf.severity not in SEVERITIES:
            raise CorpusError(f"{path.name}: finding {i}: severity must be error or warning")
        if not kf.what:
            raise CorpusError(f"{path.name}: finding {i}: 'what' (the arithmetic) is required")
        key.append(kf)
    expect = str(data.get("expect", "form"))
    if expect not in ("form", "unrecognized"):
        raise CorpusError(f"{path.name}: expect must be 'form' or 'unrecognized'")
    return RealForm(
        path=path,
        source=str(data["source"]),
        province=str(data["province"]),
        place=str(data.get("place", "")),
        year=int(data["year"]),
        unit=str(data["unit"]),
        layout=str(data["layout"]),
        partial=bool(data.get("partial", False)),
        expect=expect,
        sheet_name=name,
        sheet=sheet,
        key=key,
    )


def load_all(folder: Path = FORMS) -> list[RealForm]:
    return [load(p) for p in sorted(folder.glob("*.toml"))]


def write_workbook(form: RealForm, path: Path) -> Path:
    """The form as a one-sheet workbook: values, number formats, merges."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment

    wb = Workbook()
    ws = wb.active
    ws.title = form.sheet_name
    wrap = Alignment(wrap_text=True, vertical="center")
    for (r, c), v in sorted(form.sheet.cells.items()):
        cell = ws.cell(r, c, v)
        if isinstance(v, str) and v.startswith("="):
            # a printed text such as "=100%" (a target), typed with a quote prefix:
            # openpyxl would write it as a formula
            cell.data_type = "s"
            cell.quotePrefix = True
        fmt = form.sheet.formats.get((r, c))
        if fmt:
            cell.number_format = fmt
        if isinstance(v, str) and "\n" in v:
            cell.alignment = wrap
    for mr in form.sheet.merged:
        ws.merge_cells(mr.ref)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def main(argv: list[str]) -> int:
    out = Path(argv[0]) if argv else None
    bad = 0
    for p in sorted(FORMS.glob("*.toml")):
        try:
            f = load(p)
        except CorpusError as e:
            print(f"BAD {e}")
            bad += 1
            continue
        line = f"ok  {p.name}: {f.province} {f.place} {f.year} {f.layout}, {len(f.key)} keyed"
        if out is not None:
            line += f" -> {write_workbook(f, out / (p.stem + '.xlsx'))}"
        print(line)
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
