"""Checking: grid -> forms -> findings, for one workbook or a batch.

Everything here is host-neutral: :func:`check_grid` takes a grid from any host
(a saved file, live Excel).  :func:`check_paths` reads files and never lets one
bad file stop the batch.

Before the rules run, the formula cells of the forms are recomputed
(:func:`apply_recompute`, the ``recompute`` setting): a formula cell the file
stores without a value is checked with its recomputed value, and a stored value
that differs from its recomputation is recorded for S407.  This is decided here,
once per workbook; the reader copies what the grid records and the rules report
it, neither recomputes anything.  A workbook without formulas on its forms costs
nothing (the formula engine is not even imported).
"""

from __future__ import annotations

import stat
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from budgetlint.findings import Finding
from budgetlint.forms import read_sheet
from budgetlint.grid import CellValue, Grid, Sheet, address, parse_address
from budgetlint.model import FormBase, SheetRead
from budgetlint.model_d import (
    DTable,
    FormD,
    NarrativePart,
    ProjectLink,
    find_project,
    project_index,
)
from budgetlint.model_p import FormP, ProjectFacts
from budgetlint.results import RULE_FAILED, BatchResult, FileResult, RuleFailure
from budgetlint.rules import all_rules
from budgetlint.rules.base import ANY_FORM, LINK_FORM, NARRATIVE_FORM, Rule, RuleContext
from budgetlint.settings import Settings

if TYPE_CHECKING:
    import logging

    from budgetlint.hosts import Host
    from budgetlint.recompute import CellKey, Engine, Recalc


def _log() -> logging.Logger:
    """The "budgetlint" logger: logging is imported when something is logged, not at start-up."""
    import logging

    return logging.getLogger("budgetlint")


#: The name of the summary sheet the annotator adds.  The checker skips it by the
#: workbook's annotation record (``Grid.added_sheets``), never by name: a user's own
#: sheet of that name is checked.
SUMMARY_SHEET = "复核结果"
#: The file types read, found in folders and accepted when named (budgetlint.hosts.SUFFIXES).
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")
#: The rule a failure of the recomputation is reported under (as an X001 finding).
RECOMPUTE_RULE = "S407"


def check_grid(
    grid: Grid, settings: Settings | None = None, *, engine: Engine | None = None
) -> FileResult:
    """Read every sheet of ``grid`` and run the enabled rules on each form.

    With the ``recompute`` setting (the default), the formula cells of the sheets
    that read as forms are recomputed first (:func:`apply_recompute`; ``engine``
    defaults to the ``formulas`` package) and the changed sheets read again.  The
    result's grid is then a copy with what was recomputed (``grid`` itself is not
    changed).  An exception while recomputing never stops the check: the forms
    are checked with the stored values and each form with formulas gets an X001
    finding naming S407 (exit 2), so the check cannot pass by accident.
    """
    settings = settings or Settings()
    rules = [r for r in all_rules() if settings.enabled(r.code, r.default)]
    reads: list[SheetRead] = [
        SheetRead(sheet.name, "skipped", reason="复核结果汇总表")
        if sheet.name in grid.added_sheets
        else read_sheet(sheet, settings)
        for sheet in grid.sheets
    ]
    recompute_failed: dict[int, str] = {}
    if settings.recompute:
        targets = [
            (sheet.name, r, c)
            for sheet, read in zip(grid.sheets, reads, strict=True)
            if sheet.formulas and read.status == "form"
            for r, c in sorted(sheet.formulas)
        ]
        if targets:
            try:
                grid, changed = apply_recompute(grid, targets, settings, engine=engine)
            except Exception as e:  # a recompute bug must not stop (or pass) the check
                _log().info("recomputing %s failed", grid.path, exc_info=True)
                error = f"重算公式时 {type(e).__name__}: {e}"
                names = {name for name, _, _ in targets}
                recompute_failed = {i: error for i, s in enumerate(grid.sheets) if s.name in names}
                changed = []
            for i in changed:
                reads[i] = read_sheet(grid.sheets[i], settings)
    result = FileResult(path=grid.path, grid=grid, sheets=reads)
    failed_sheets = {grid.sheets[i].name: error for i, error in recompute_failed.items()}
    notes = {sheet.name: sheet.notes for sheet in grid.sheets}
    for form in forms_of(reads):
        sheets = [p.sheet for p in form.parts] if isinstance(form, FormD) else [form.sheet]
        error = next((failed_sheets[n] for n in sheets if n in failed_sheets), None)
        _run_rules(form, rules, settings, result, notes, recompute_error=error)
        if isinstance(form, FormP):
            result.projects.append(ProjectFacts.of(form, grid.path))
        elif isinstance(form, FormD):
            result.accounts.extend(replace(t, file=grid.path) for t in form.tables.values())
            if form.narrative is not None:
                result.narrative = form.narrative
                # kept while the narrative waits: what is linked later may come back
                # without the grid (a slim result), and its 【已说明】 notes must still count
                result.notes = {form.narrative.sheet: notes.get(form.narrative.sheet, {})}
                if form.narrative.narrative is not None:
                    result.pending.extend(form.narrative.narrative.summaries)
    # What this workbook can check alone is checked now: the summaries whose form P is here,
    # the narrative when every table is here; the rest waits for the other files of the call
    # (link_projects with final=True, by the caller).
    _sort(result)
    link_projects(result, result.projects, settings, final=False, tables=result.accounts)
    if not result.waiting:
        result.notes = {}
    return result


def forms_of(reads: Sequence[SheetRead]) -> list[FormBase]:
    """The forms the rules run on, in sheet order: each form S and P, and one form D.

    The parts of form D (its tables and narrative, on several sheets) make one
    :class:`FormD` per workbook, placed where its first part is.
    """
    out: list[FormBase] = []
    parts: list[FormBase] = []
    d_at = 0
    for read in reads:
        form = read.form
        if read.status != "form" or form is None:
            continue
        if form.kind != "Dpart":
            out.append(form)
            continue
        if not parts:
            d_at = len(out)
        parts.append(form)
    if parts:
        out.insert(d_at, assemble_d(parts))
    return out


def assemble_d(parts: Sequence[FormBase]) -> FormD:
    """One form D from its parts: tables by number (a repeated number goes to ``extra``)."""
    form = FormD(sheet=parts[0].sheet, family=parts[0].family)
    for part in parts:
        if isinstance(part, DTable):
            if part.number and part.number not in form.tables:
                form.tables[part.number] = part
            else:
                form.extra.append(part)
        elif isinstance(part, NarrativePart) and form.narrative is None:
            form.narrative = part
        form.uncached_formulas.extend(part.uncached_formulas)
        form.unrecomputed_formulas.update(part.unrecomputed_formulas)
        form.recomputed_formulas.extend(part.recomputed_formulas)
        form.stale_formulas.extend(part.stale_formulas)
    return form


def _applies(rule: Rule, form: FormBase) -> bool:
    return rule.form == form.kind or rule.form == ANY_FORM


def _run_rules(
    form: FormBase,
    rules: Sequence[Rule],
    settings: Settings,
    result: FileResult,
    notes: dict[str, dict[tuple[int, int], str]],
    *,
    recompute_error: str | None = None,
    kind: str | None = None,
) -> None:
    """Run the rules that apply to ``form`` into ``result`` (each rule's ``form`` is its kind;
    ``kind`` runs the rules of that kind on it instead, e.g. the narrative rules on a FormD).

    A rule that raises never loses the other findings: its failure is recorded
    (and shown as an X001 finding on the form's first cell unless X001 is ignored).
    """
    ctx = RuleContext(settings=settings, family=form.family, file=result.path)
    params = ctx.params
    found: list[Finding] = []
    failures: list[RuleFailure] = []
    start = form.start
    where = (start.sheet, start.address) if start is not None else (form.sheet, "")
    if recompute_error is not None:
        failures.append(RuleFailure(RECOMPUTE_RULE, result.path, *where, error=recompute_error))
    for rule in rules:
        if not (rule.form == kind if kind is not None else _applies(rule, form)):
            continue
        if rule.scored_only and not params.scored:
            continue
        try:
            found.extend(rule.run(form, ctx))
        except Exception as e:  # a rule bug must not lose the other findings
            _log().info("rule %s failed on %s!%s", rule.code, result.path, where[0], exc_info=True)
            found.extend(ctx._drain())  # what it reported before failing
            failures.append(RuleFailure(rule.code, result.path, *where, f"{type(e).__name__}: {e}"))
    result.findings.extend(_mark_explained(_dedupe(found), notes, settings))
    # A failure is never "explained" by a note, and only an explicit ignore hides it.
    result.rule_failures.extend(failures)
    if not any(RULE_FAILED.startswith(c) for c in settings.ignore):
        result.findings.extend(rf.finding(form.family) for rf in failures)


def _sort(result: FileResult) -> None:
    """Findings in workbook order: once, after the rules of every form have run (sorting
    after each form sorted the growing list again for each of a workbook's sheets)."""
    position = {s.sheet: i for i, s in enumerate(result.sheets)}
    result.findings.sort(key=lambda f: _order(position, f))


#: The tables a 情况说明 quotes: its check waits for the other files while its workbook
#: lacks one of them.
NARRATIVE_TABLES = range(1, 9)


def link_projects(
    result: FileResult,
    facts: Sequence[ProjectFacts],
    settings: Settings | None = None,
    *,
    final: bool = True,
    tables: Sequence[DTable] = (),
) -> None:
    """Hold ``result``'s waiting narrative to the tables and forms P of the call.

    - Each pending project summary is held to its form P in ``facts`` by the link
      rules (form ``"link"``) once found, and leaves ``result.pending``.
    - The narrative itself (``result.narrative``) is held to the tables of form D by
      the narrative rules (form ``"narrative"``) once every table it quotes is known:
      its own workbook's first, then those of ``tables`` (other files') for the
      numbers its workbook lacks.
    With ``final`` (no other file will come) what is still unmatched is checked
    against what there is: a summary without its form is listed as not found, a
    figure quoting a missing table as not linked.  ``facts`` and ``tables`` may come
    from any file of the call (``tables`` may include ``result``'s own).
    """
    if not result.waiting:
        return
    settings = settings or Settings()
    grid = result.grid
    notes = {s.name: s.notes for s in grid.sheets} if grid is not None else result.notes
    if result.narrative is not None:
        _link_narrative(result, tables, settings, notes, final=final)
    if result.pending:
        _link_summaries(result, facts, settings, notes, final=final)
    _sort(result)


def _link_summaries(
    result: FileResult,
    facts: Sequence[ProjectFacts],
    settings: Settings,
    notes: dict[str, dict[tuple[int, int], str]],
    *,
    final: bool,
) -> None:
    """Each pending project summary held to its form P in ``facts`` (the link rules)."""
    rules = [r for r in all_rules() if r.form == LINK_FORM and settings.enabled(r.code, r.default)]
    waiting = []
    index = project_index(facts)
    for summary in result.pending:
        match = find_project(summary.name, index)
        if match is None and not final:
            waiting.append(summary)
            continue
        sheet = summary.ref.sheet if summary.ref is not None else ""
        link = ProjectLink(sheet, "final_accounts", summary=summary, facts=match, file=result.path)
        _run_rules(link, rules, settings, result, notes)
    result.pending = waiting


def _link_narrative(
    result: FileResult,
    tables: Sequence[DTable],
    settings: Settings,
    notes: dict[str, dict[tuple[int, int], str]],
    *,
    final: bool,
) -> None:
    part = result.narrative
    assert part is not None
    known: dict[int, DTable] = {}
    for t in result.accounts:  # the narrative's own workbook first, as it was read
        if t.file == result.path and t.number not in known:
            known[t.number] = replace(t, file="")
    for t in tables:
        if t.number and t.number not in known and t.file != result.path:
            known[t.number] = t
    if not final and any(n not in known for n in NARRATIVE_TABLES):
        return
    form = FormD(sheet=part.sheet, family=part.family, tables=known, narrative=part)
    rules = [
        r for r in all_rules() if r.form == NARRATIVE_FORM and settings.enabled(r.code, r.default)
    ]
    _run_rules(form, rules, settings, result, notes, kind=NARRATIVE_FORM)
    result.narrative = None


def apply_recompute(
    grid: Grid,
    targets: Sequence[CellKey],
    settings: Settings | None = None,
    *,
    engine: Engine | None = None,
) -> tuple[Grid, list[int]]:
    """Recompute ``targets`` (and their precedents) and record the outcome in a copy of ``grid``.

    Returns the copy and the positions of the sheets that changed (the others
    are ``grid``'s own sheet objects).  On a changed sheet:

    - a reliable formula cell without a cached value gets its recomputed value
      in ``cells`` (an error value as its text, as hosts store a cached error)
      and is listed in ``recomputed``;
    - a reliable cell whose cached value differs keeps it in ``cells`` (it is
      what the workbook shows and prints) and is listed in ``stale`` with
      (cached, recomputed), unless its value depends on a volatile function;
    - a cell that could not be recomputed (a problem, or computed from one)
      keeps what it had and is listed in ``not_recomputed`` with why.

    Raises whatever the recomputation raises (:func:`check_grid` reports it).
    """
    from budgetlint.recompute import recompute_grid

    recalc = recompute_grid(grid, settings, cells=targets, engine=engine)
    return _recorded(grid, recalc)


def _recorded(grid: Grid, recalc: Recalc) -> tuple[Grid, list[int]]:
    from budgetlint.recompute import ExcelError

    filled: dict[str, dict[tuple[int, int], CellValue]] = {}
    stale: dict[str, dict[tuple[int, int], tuple[CellValue, CellValue]]] = {}
    failed: dict[str, dict[tuple[int, int], str]] = {}
    for name, r, c in recalc.filled:
        v: Any = recalc.values[(name, r, c)]
        filled.setdefault(name, {})[(r, c)] = (
            v.code if isinstance(v, ExcelError) else "" if v is None else v
        )
    for (name, r, c), pair in recalc.stale.items():
        if (name, r, c) not in recalc.volatile:
            stale.setdefault(name, {})[(r, c)] = pair
    for p in recalc.problems:
        failed.setdefault(p.sheet, {})[(p.row, p.col)] = p.message
    for (name, r, c), (root_sheet, rr, rc) in recalc.blocked.items():
        where = address(rr, rc) if root_sheet == name else f"{root_sheet}!{address(rr, rc)}"
        failed.setdefault(name, {})[(r, c)] = f"引用了无法重算的单元格 {where}，未重算"
    sheets: list[Sheet] = []
    changed: list[int] = []
    for i, sheet in enumerate(grid.sheets):
        name = sheet.name
        if name not in filled and name not in stale and name not in failed:
            sheets.append(sheet)
            continue
        values = filled.get(name, {})
        sheets.append(
            replace(
                sheet,
                cells={**sheet.cells, **values},
                recomputed=values,
                stale=stale.get(name, {}),
                not_recomputed=failed.get(name, {}),
            )
        )
        changed.append(i)
    if not changed:
        return grid, []
    return replace(grid, sheets=sheets), changed


def _order(position: dict[str, int], f: Finding) -> tuple[int, int, int, str]:
    """Workbook sheet order, then row, column and code."""
    row, col = parse_address(f.cell) if f.cell else (0, 0)
    return (position.get(f.sheet, len(position)), row, col, f.code)


def _dedupe(found: Iterable[Finding]) -> list[Finding]:
    """One finding per rule per cell: the most severe one (the first of equals) stays."""
    best: dict[tuple[str, str, str], Finding] = {}
    for f in found:
        key = (f.code, f.sheet, f.cell)
        kept = best.get(key)
        if kept is None or f.severity.rank > kept.severity.rank:
            best[key] = f
    return list(best.values())


def _mark_explained(
    found: list[Finding], notes: dict[str, dict[tuple[int, int], str]], settings: Settings
) -> Iterator[Finding]:
    """A cell whose note starts with the marker (【已说明】…) has its findings explained."""
    marker = settings.explained_marker
    for f in found:
        if f.cell:
            note = notes.get(f.sheet, {}).get(parse_address(f.cell), "")
            text = note.strip()
            if text.startswith(marker):
                yield replace(f, explained=True, explanation=text[len(marker) :].strip() or marker)
                continue
        yield f


def iter_inputs(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Workbooks named or found (recursively) in folders, in a stable order.

    In a folder, regular files of the types read (.xlsx, .xlsm, .xls, .xlsb, .ods)
    are found; other files (and named pipes, devices) are ignored, as are Excel lock
    files (``~$name.xlsx``) and our backups (``*.bak*.xlsx``).  A named path is
    yielded as is whatever it is, so that the caller reports it (missing, of an
    unsupported type, not a regular file).
    """
    for p in map(Path, paths):
        if p.is_dir():
            for q in sorted(p.rglob("*")):
                if (
                    q.suffix.lower() in WORKBOOK_SUFFIXES
                    and not q.name.startswith("~$")
                    and ".bak" not in q.name
                    and q.is_file()
                ):
                    yield q
        else:
            yield p


def check_file(
    path: str | Path, settings: Settings | None = None, *, host: Host | None = None
) -> FileResult:
    """Read and check one file; an unreadable file gives a FileResult with ``error`` set.

    The file is looked at (``stat``) before it is opened: a missing path, a folder, a
    named pipe or a device, and a file of a type not read are refused without reading.
    The read is bounded by the settings' limits (:class:`budgetlint.hosts.Limits`).
    ``host`` picks the reader (default calamine; "openpyxl" is the reference).
    """
    from budgetlint.hosts import Limits, ReadError, read_workbook

    p = Path(path)
    try:
        st = p.stat()
    except FileNotFoundError:
        return FileResult(path=str(p), error=f"{p}: 文件不存在")
    except OSError as e:
        return FileResult(path=str(p), error=f"{p}: 无法访问文件（{e.strerror or e}）")
    if stat.S_ISDIR(st.st_mode):
        return FileResult(path=str(p), error=f"{p}: 是文件夹，不是工作簿")
    if not stat.S_ISREG(st.st_mode):
        return FileResult(path=str(p), error=f"{p}: 不是普通文件（命名管道、设备或套接字），未读取")
    if p.suffix.lower() not in WORKBOOK_SUFFIXES:
        return FileResult(
            path=str(p),
            error=f"{p}: 不支持的文件类型 {p.suffix or '(无扩展名)'}，"
            "请使用 .xlsx、.xlsm、.xls、.xlsb 或 .ods",
        )
    try:
        grid = read_workbook(p, Limits.from_settings(settings), host=host)
    except ReadError as e:
        return FileResult(path=str(p), error=str(e))
    except MemoryError:
        return FileResult(path=str(p), error=f"{p}: 内存不足，无法读取（文件过大）")
    except Exception as e:  # pragma: no cover - last resort, keep the batch going
        _log().exception("unexpected failure reading %s", p)
        return FileResult(path=str(p), error=f"{p}: 读取失败（{type(e).__name__}: {e}）")
    return check_grid(grid, settings)


def check_paths(
    paths: Iterable[str | Path],
    settings: Settings | None = None,
    progress: Callable[[Path], None] | None = None,
    *,
    jobs: int = 1,
    keep_forms: bool = True,
) -> BatchResult:
    """Check every workbook named or found in ``paths``; one bad file never stops the batch.

    ``jobs`` > 1 checks the files in that many worker processes
    (:func:`budgetlint.batch.run`); the results are the same and in input order.
    ``progress`` is called with each path as its result arrives, in input order (a
    file whose narrative waits for the other files' forms P comes last); the result
    lists the files in input order.
    With ``keep_forms`` (the default) each result keeps its grid and form models,
    which the HTML report draws; without, results are slim (what a worker sends).
    """
    from budgetlint.batch import plan, run

    batch = BatchResult()
    done = []
    for out in run(plan(paths), settings or Settings(), workers=jobs, keep_forms=keep_forms):
        if progress:
            progress(out.path)
        done.append(out)
    batch.files = [out.result for out in sorted(done, key=lambda o: o.index)]
    return batch
