"""Carnet: turn notebook courses into interactive books (a Sphinx / Jupyter Book extension)."""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"


def setup(app: Any) -> dict[str, Any]:
    """Register Carnet's features; heavy imports wait until Sphinx loads us."""
    from .extension import setup_extension

    setup_extension(app)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
