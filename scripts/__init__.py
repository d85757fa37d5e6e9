"""Maintenance scripts (run from the project folder)."""
