"""Participatory processes and their phases."""
