"""Form-S rules: totals."""
