"""Results of checking files: what the command line, annotator and reports consume."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from budgetlint.findings import Finding, Severity
from budgetlint.grid import Grid
from budgetlint.model import SheetRead
from budgetlint.model_p import ProjectFacts

if TYPE_CHECKING:
    from budgetlint.model_d import DTable, NarrativePart
    from budgetlint.narrative import ProjectSummary

#: Codes budgetlint reports about itself, not about the form: {code: (name, title, doc)}.
#: They are known codes for ``select``/``ignore`` and ``budgetlint rules CODE``.
INTERNAL_CODES: dict[str, tuple[str, str, str]] = {
    "X001": (
        "rule-failed",
        "规则执行出错",
        "A rule raised an exception on a form: its checks of that form are missing.\n"
        "\n"
        "The finding is an error on the first cell of the form, naming the rule and\n"
        "the exception; the other rules' findings are kept. `budgetlint check` then\n"
        "exits 2 whatever `--fail-on` says, and prints one line per failure to\n"
        "stderr, so a bug in budgetlint never lets a form pass unchecked.\n"
        '`ignore = ["X001"]` hides the finding, not the exit code.\n'
        "\n"
        "Please report it with the workbook (or the sheet) and `budgetlint -v check …`.",
    ),
}
RULE_FAILED = "X001"


@dataclass(frozen=True)
class RuleFailure:
    """A rule that raised on one sheet: its checks of that form did not run to the end."""

    code: str  # the rule's code
    file: str
    sheet: str
    cell: str  # the first cell of the form ('' when the reader gave none)
    error: str  # "ZeroDivisionError: division by zero"

    @property
    def where(self) -> str:
        """``file!sheet!cell`` (without the parts that are unknown)."""
        return "!".join(p for p in (self.file, self.sheet, self.cell) if p)

    @property
    def message(self) -> str:
        """The line ``budgetlint check`` prints to stderr (after ``budgetlint: ``)."""
        return f"规则 {self.code} 在 {self.where} 执行出错（{self.error}）"

    def finding(self, family: str | None = None) -> Finding:
        """The X001 finding that shows the failure among the form's findings."""
        at = "!".join(p for p in (self.sheet, self.cell) if p)
        return Finding(
            code=RULE_FAILED,
            severity=Severity.ERROR,
            sheet=self.sheet,
            cell=self.cell,
            message=f"规则 {self.code} 在 {at} 执行出错，本表的该项检查未完成（{self.error}）",
            file=self.file,
            family=family,
            extra={"rule": self.code, "error": self.error},
        )


@dataclass
class FileResult:
    """Everything learnt about one input file.

    ``error`` is set (and ``grid`` is None) when the file could not be read; the
    message names the file and, where known, the sheet and cell.
    ``rule_failures`` lists the rules that raised on a form of the file (each
    also shown as an X001 finding unless X001 is ignored).
    """

    path: str
    grid: Grid | None = None
    sheets: list[SheetRead] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    error: str | None = None
    rule_failures: list[RuleFailure] = field(default_factory=list)
    #: The figures of every form P of the file (what another file's narrative is held to).
    projects: list[ProjectFacts] = field(default_factory=list)
    #: The narrative's project summaries whose form P is not in this file: they wait for the
    #: other files of the call (:func:`budgetlint.batch.linked_outcomes`).
    pending: list[ProjectSummary] = field(default_factory=list)
    #: The tables of form D the file holds (``DTable.file`` set): what another file's
    #: 情况说明 is held to when its own workbook lacks them.
    accounts: list[DTable] = field(default_factory=list)
    #: The file's 情况说明 while it waits for tables its workbook lacks (from the other
    #: files of the call); checked by :func:`budgetlint.checker.link_projects`.
    narrative: NarrativePart | None = None
    #: The notes (批注) of a waiting narrative's sheet, so that its 【已说明】 marks still
    #: count when it is linked from a slim result (no grid).
    notes: dict[str, dict[tuple[int, int], str]] = field(default_factory=dict)

    @property
    def waiting(self) -> bool:
        """Checks wait for the other files of the call (summaries, or a narrative's tables)."""
        return bool(self.pending) or self.narrative is not None

    @property
    def active(self) -> list[Finding]:
        """Findings not marked as explained."""
        return [f for f in self.findings if not f.explained]

    @property
    def explained(self) -> list[Finding]:
        return [f for f in self.findings if f.explained]

    def counts(self) -> dict[Severity, int]:
        c = Counter(f.severity for f in self.active)
        return {s: c.get(s, 0) for s in Severity}

    def slim(self) -> FileResult:
        """The result without the grid and the read form models.

        What the text and JSON output, the XLSX report and the annotator use is
        kept (paths, sheet statuses and families, findings, errors, rule
        failures, the forms P's figures and pending summaries); only the HTML report, which draws the forms, needs the rest.
        A slim result pickles ~25× smaller: what a worker process sends back.
        """
        return replace(self, grid=None, sheets=[replace(s, form=None) for s in self.sheets])


@dataclass
class BatchResult:
    files: list[FileResult] = field(default_factory=list)

    def counts(self) -> dict[Severity, int]:
        total: Counter[Severity] = Counter()
        for fr in self.files:
            total.update(fr.counts())
        return {s: total.get(s, 0) for s in Severity}

    @property
    def findings(self) -> list[Finding]:
        return [f for fr in self.files for f in fr.findings]

    @property
    def errors(self) -> list[FileResult]:
        return [fr for fr in self.files if fr.error]

    @property
    def rule_failures(self) -> list[RuleFailure]:
        return [rf for fr in self.files for rf in fr.rule_failures]
