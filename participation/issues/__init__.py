"""Geotagged street issue reports, categories, departments, areas and updates."""
