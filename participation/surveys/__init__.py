"""Questionnaires inside a process phase."""
