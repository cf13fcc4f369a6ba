"""Form-S rules: completeness."""
