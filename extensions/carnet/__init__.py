"""Carnet: turn notebook courses into interactive books (a Sphinx / Jupyter Book extension).

The package's folders follow the data path (see "Inside extensions/carnet/" in the repository's README): ``core`` (pure
logic), ``run`` (kernels and notebooks, Sphinx-free), ``assets`` (browser files from the registries),
``activities`` (one package per kind of activity, what runs in the reader's browser in each kind's
``browser/``), ``sphinxext`` (the build, by stage) and ``cli`` (the ``carnet`` command).
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"


def setup(app: Any) -> dict[str, Any]:
    """Register Carnet's features; heavy imports wait until Sphinx loads us."""
    from .sphinxext.extension import setup_extension

    setup_extension(app)
    # env_version: bump when what Carnet keeps in the environment changes shape.
    return {"version": __version__, "env_version": 3, "parallel_read_safe": True, "parallel_write_safe": True}
