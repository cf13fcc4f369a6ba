"""budgetlint: read budget-performance workbooks, recompute, flag inconsistent cells."""

__version__ = "0.1.0"
