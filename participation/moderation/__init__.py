"""Flags, hiding, user blocks and the moderation queue."""
