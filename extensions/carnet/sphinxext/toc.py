"""Refuse to build a book whose ``_toc.yml`` names pages that do not exist; warn of pages it leaves out.

sphinx-external-toc only warns about a missing page and builds the book without it: a teacher
publishes a course with a chapter silently gone. Carnet stops before reading anything and names
every missing entry at once. With ``only_build_toc_files`` (Carnet's default), a page the teacher
wrote but forgot to list is silently left out too: Carnet names it.
"""

from __future__ import annotations

from pathlib import PurePosixPath

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.environment import BuildEnvironment
from sphinx.errors import ExtensionError
from sphinx.util import logging

from ..core.i18n import author_language, translate
from ..core.toc import meant, missing_entries

LOGGER = logging.getLogger(__name__)


def refuse_missing_entries(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """Raise an error naming the ``_toc.yml`` and each entry that has no file."""
    site_map = getattr(app.config, "external_site_map", None)
    if site_map is None:
        return
    missing = missing_entries(list(site_map), set(env.found_docs), list(app.config.source_suffix))
    if missing:
        toc = PurePosixPath(str(app.config.external_toc_path)).name
        language = author_language(app.config.language)
        suffixes = "/".join(app.config.source_suffix)
        lines = []
        for name in missing:
            guess = meant(name, set(env.found_docs) - set(missing))
            key = "toc.missing_entry_guess" if guess else "toc.missing_entry"
            lines.append("  - " + translate(language, key, page=name, suffixes=suffixes, guess=guess))
        lines = "\n".join(lines)
        raise ExtensionError(translate(language, "toc.missing", toc=toc) + "\n" + lines)


def remember_exclusions(app: Sphinx, config: Config) -> None:
    """The author's ``exclude_patterns``, before sphinx-external-toc adds the pages its toc leaves out."""
    app.carnet_author_exclusions = list(config.exclude_patterns)


def warn_left_out_pages(app: Sphinx, config: Config) -> None:
    """Name each page sphinx-external-toc excluded because ``_toc.yml`` does not list it."""
    before = set(getattr(app, "carnet_author_exclusions", []))
    toc = PurePosixPath(str(config.external_toc_path)).name
    for page in [pattern for pattern in config.exclude_patterns if pattern not in before]:
        message = translate(author_language(config.language), "toc.left_out", page=page, toc=toc)
        LOGGER.warning(f"{message} [carnet.toc]", type="carnet", subtype="toc")


def setup_toc(app: Sphinx) -> None:
    """Check the table of contents: pages it leaves out (around sphinx-external-toc's parsing), missing pages."""
    app.connect("config-inited", remember_exclusions, priority=899)
    app.connect("config-inited", warn_left_out_pages, priority=901)
    app.connect("env-before-read-docs", refuse_missing_entries)
