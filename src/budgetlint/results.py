"""Results of checking files: what the command line, annotator and reports consume."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from budgetlint.findings import Finding, Severity
from budgetlint.grid import Grid
from budgetlint.model import SheetRead


@dataclass
class FileResult:
    """Everything learnt about one input file.

    ``error`` is set (and ``grid`` is None) when the file could not be read; the
    message names the file and, where known, the sheet and cell.
    """

    path: str
    grid: Grid | None = None
    sheets: list[SheetRead] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    error: str | None = None

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
