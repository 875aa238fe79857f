"""Grading answers against rubrics: the Grade record, evidence checks, and the judges."""
