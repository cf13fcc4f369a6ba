"""``python -m budgetlint …``: the command line, also when the Scripts folder is not on PATH."""

from __future__ import annotations

import sys

from budgetlint.cli import main

if __name__ == "__main__":
    sys.exit(main())
