"""Form-S rules: indicators."""
