"""Executing the book's pages: Carnet's executor in MyST-NB, parallel reading, malformed sources."""
