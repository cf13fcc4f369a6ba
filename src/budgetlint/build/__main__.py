"""``python -m budgetlint.build [ROOT]``: rebuild every committed workbook.

ROOT defaults to the repository this package is checked out in (or the current
directory when the package is installed elsewhere).
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from collections.abc import Sequence
from pathlib import Path

from budgetlint.build import canonical

#: Further builders, run when their module exists.  Each module has
#: ``build_all(root: Path) -> list[Path]``.  Add new builders here.
OPTIONAL_BUILDERS: tuple[str, ...] = (
    "budgetlint.build.families_s",  # form S in the other provinces' layouts
    "budgetlint.build.template_s",  # the form-S template's UDF rendering
    "budgetlint.build.form_p",  # the form-P example (seed 002's 项目绩效情况自评表)
    "budgetlint.build.form_d",  # form D: seed 002's 部门决算 tables and 情况说明
)


def repo_root() -> Path:
    """The checkout root (holds pyproject.toml), else the current directory."""
    root = Path(__file__).resolve().parents[3]
    return root if (root / "pyproject.toml").is_file() else Path.cwd()


def build_all(root: Path) -> list[Path]:
    """Run every builder; return the files written."""
    written = list(canonical.build_examples(root))
    for module_name in OPTIONAL_BUILDERS:
        if importlib.util.find_spec(module_name) is None:
            continue
        module = importlib.import_module(module_name)
        written.extend(module.build_all(root))
    return written


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    root = Path(args[0]).resolve() if args else repo_root()
    for path in build_all(root):
        try:
            shown = path.resolve().relative_to(root)
        except ValueError:
            shown = path
        print(f"wrote {shown}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
