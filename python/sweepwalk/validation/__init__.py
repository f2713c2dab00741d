"""Validation: every argument and table checked once, at the boundary."""
