"""Form-S rules: fund."""
