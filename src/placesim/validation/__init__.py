"""Validation against observed cases: cohort experiments and their evidence."""
