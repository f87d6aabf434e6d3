"""Checks run in the background while the pages are written, and the life cycle they share."""
