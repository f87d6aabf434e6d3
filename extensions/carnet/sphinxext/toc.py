"""Refuse to build a book whose ``_toc.yml`` names pages that do not exist.

sphinx-external-toc only warns about a missing page and builds the book without it: a teacher
publishes a course with a chapter silently gone. Carnet stops before reading anything and names
every missing entry at once.
"""

from __future__ import annotations

from pathlib import PurePosixPath

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.errors import ExtensionError

from ..core.toc import meant, missing_entries


def refuse_missing_entries(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """Raise an error naming the ``_toc.yml`` and each entry that has no file."""
    site_map = getattr(app.config, "external_site_map", None)
    if site_map is None:
        return
    missing = missing_entries(list(site_map), set(env.found_docs), list(app.config.source_suffix))
    if missing:
        toc = PurePosixPath(str(app.config.external_toc_path)).name
        suffixes = "/".join(app.config.source_suffix)
        lines = []
        for name in missing:
            guess = meant(name, set(env.found_docs) - set(missing))
            lines.append(f"  - {name} (no {name}{{{suffixes}}}{f'; did you mean {guess}?' if guess else ''})")
        lines = "\n".join(lines)
        raise ExtensionError(f"{toc} names pages that do not exist (or are excluded):\n{lines}")


def setup_toc(app: Sphinx) -> None:
    """Check the table of contents before any page is read."""
    app.connect("env-before-read-docs", refuse_missing_entries)
