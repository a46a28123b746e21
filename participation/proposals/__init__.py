"""Proposals, supports, comments and official answers."""
