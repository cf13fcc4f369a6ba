"""The rule registry.

A rule is one small function decorated with :func:`rule`.  Its docstring is its
documentation (what it checks and why); its anti-pattern and best practice are
small forms in ``rules/cases/<CODE>.toml`` (:mod:`budgetlint.rules.cases`), run by
the tests and shown by ``budgetlint rules`` as 反例 and 正例.  Importing this
package registers every rule module.
"""

from __future__ import annotations

from budgetlint.rules.base import REGISTRY, Rule, RuleContext, all_rules, rule

__all__ = ["REGISTRY", "Rule", "RuleContext", "all_rules", "rule"]

# Importing the rule modules registers their rules.
from budgetlint.rules import (  # noqa: F401
    cells,
    completeness,
    form_d,
    form_p,
    fund,
    indicators,
    narrative,
    review,
    totals,
)
