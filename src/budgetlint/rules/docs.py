"""A rule's documentation page, as ``budgetlint rules CODE`` prints it."""

from __future__ import annotations

from budgetlint.rules.base import Rule


def render_page(rule: Rule) -> str:
    """The page of one rule: code, name, severity, title, then its documentation."""
    head = f"{rule.code} {rule.name}（{rule.severity.label}）：{rule.title}"
    flags = []
    if rule.scored_only:
        flags.append("仅用于有分值的版式")
    if not rule.default:
        flags.append("默认不启用，需用 --select 指定代码")
    lines = [head, "=" * 40]
    if flags:
        lines.append("；".join(flags))
    lines.append("")
    lines.extend(rule.doc.splitlines())
    return "\n".join(lines).rstrip() + "\n"
