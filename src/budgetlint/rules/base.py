"""Rule, registry and the context a rule reports through."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from budgetlint.findings import Finding, Severity
from budgetlint.grid import CellRef
from budgetlint.model import Field, FormBase
from budgetlint.settings import Settings
from budgetlint.tolerance import Verdict
from budgetlint.tolerance import judge as _judge
from budgetlint.tolerance import judge_sum as _judge_sum

RuleFunc = Callable[[Any, "RuleContext"], Iterable[Finding] | None]

#: ``Rule.form`` of a rule that runs on every form (the formula-cell rules).
ANY_FORM = "*"
#: ``Rule.form`` of a rule that holds a 情况说明 to the tables of form D: it runs on a
#: :class:`budgetlint.model_d.FormD` with a narrative, once the tables it quotes are known
#: (those of its workbook, and of the other files of the call when its own lack some).
NARRATIVE_FORM = "narrative"
#: ``Rule.form`` of a rule that runs on a narrative's project summary and its form P
#: (:class:`budgetlint.model_d.ProjectLink`), once the forms of every file are known.
LINK_FORM = "link"


@dataclass(frozen=True)
class Rule:
    """A registered rule: stable code, default severity, Chinese title, doc."""

    code: str
    name: str
    severity: Severity
    title: str
    doc: str
    func: RuleFunc
    #: The kind of form the rule runs on: "S", "P", "D" (a workbook's 部门决算 tables),
    #: "narrative" (its 情况说明 with the tables it quotes), "link" (a narrative's project
    #: summary with its form P) or "*" (every form).
    form: str = "S"
    scored_only: bool = False  # skipped for families without scores
    default: bool = True  # False: runs only when selected by its exact code

    def run(self, form: FormBase, ctx: RuleContext) -> list[Finding]:
        ctx._rule = self
        out = self.func(form, ctx)
        found = list(out) if out is not None else []
        found.extend(ctx._drain())
        return found


REGISTRY: dict[str, Rule] = {}


def rule(
    code: str,
    name: str,
    severity: Severity | str,
    title: str,
    *,
    form: str = "S",
    scored_only: bool = False,
    default: bool = True,
) -> Callable[[RuleFunc], RuleFunc]:
    """Register ``func`` as rule ``code``; its docstring is the documentation.

    ``default=False`` registers an opt-in rule: it runs only when ``select``
    names its exact code (for pedantic checks most users do not want).
    """

    def deco(func: RuleFunc) -> RuleFunc:
        if code in REGISTRY:
            raise ValueError(f"duplicate rule code {code}")
        REGISTRY[code] = Rule(
            code=code,
            name=name,
            severity=Severity(severity),
            title=title,
            doc=inspect.cleandoc(func.__doc__ or ""),
            func=func,
            form=form,
            scored_only=scored_only,
            default=default,
        )
        return func

    return deco


def all_rules() -> list[Rule]:
    return [REGISTRY[c] for c in sorted(REGISTRY)]


@dataclass
class RuleContext:
    """What a rule sees besides the form: settings, family parameters, a reporter.

    A rule reports with :meth:`report` (or yields :class:`Finding` objects).
    """

    settings: Settings
    family: str
    file: str = ""
    _rule: Rule | None = None
    _found: list[Finding] = field(default_factory=list)

    @cached_property
    def params(self) -> Any:
        """The family's rule parameters, with the user's overrides applied (once per form)."""
        return self.settings.family_params(self.family)

    def judge(self, printed: Field[Any], expected: float | Iterable[float]) -> Verdict:
        """The printed field against its recomputation, at the field's printed precision.

        The one comparison every rule uses; it honours ``rounding_units``.
        """
        return _judge(printed, expected, units=self.settings.rounding_units)

    def judge_sum(self, total: Field[Any], terms: Sequence[Field[Any]], expected: float) -> Verdict:
        """A printed total against the sum of its printed terms (the band of FORMS.md)."""
        return _judge_sum(total, terms, expected, units=self.settings.rounding_units)

    def report(
        self,
        at: Field[Any] | CellRef | None,
        message: str,
        *,
        expected: object = None,
        actual: object = None,
        computation: str | None = None,
        severity: Severity | str | None = None,
        related: Iterable[Field[Any] | CellRef | None] = (),
        sheet: str | None = None,
    ) -> None:
        assert self._rule is not None, "report() outside a rule run"
        ref = at.ref if isinstance(at, Field) else at
        rel = []
        for r in related:
            rr = r.ref if isinstance(r, Field) else r
            if rr is not None:
                rel.append(rr.address)
        self._found.append(
            Finding(
                code=self._rule.code,
                severity=Severity(severity) if severity else self._rule.severity,
                sheet=ref.sheet if ref else (sheet or ""),
                cell=ref.address if ref else "",
                message=message,
                expected=None if expected is None else str(expected),
                actual=None if actual is None else str(actual),
                computation=computation,
                file=self.file,
                related=tuple(rel),
                family=self.family,
            )
        )

    def _drain(self) -> Iterator[Finding]:
        found, self._found = self._found, []
        yield from found
