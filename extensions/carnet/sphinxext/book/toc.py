"""Refuse to build a book whose ``_toc.yml`` names pages that do not exist; warn of pages it leaves out.

sphinx-external-toc only warns about a missing page and builds the book without it: a teacher
publishes a course with a chapter silently gone. Carnet stops before reading anything and names
every missing entry at once.

Jupyter Book 1 reads every page of the folder, listed or not, and Carnet would execute, prove and
count the pages a teacher left out of ``_toc.yml`` (10 lectures kept of 28: the 18 others failed
the build). Carnet leaves them out, as ``only_build_toc_files: true`` does, and says once how many
(naming a few: a page forgotten in the toc shows there); ``carnet.check.outside_toc: true`` keeps
them, as pages outside the book.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.environment import BuildEnvironment
from sphinx.errors import ExtensionError
from sphinx.util import logging

from ...core.i18n import translate
from ...core.toc import meant, missing_entries
from .config import author_language
from .state import build_state

LOGGER = logging.getLogger(__name__)


def refuse_missing_entries(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """Raise an error naming the ``_toc.yml`` and each entry that has no file."""
    site_map = getattr(app.config, "external_site_map", None)
    if site_map is None:
        return
    missing = missing_entries(list(site_map), set(env.found_docs), list(app.config.source_suffix))
    if missing:
        toc = PurePosixPath(str(app.config.external_toc_path)).name
        language = author_language(app)
        suffixes = "/".join(app.config.source_suffix)
        lines = []
        for name in missing:
            guess = meant(name, set(env.found_docs) - set(missing))
            key = "toc.missing_entry_guess" if guess else "toc.missing_entry"
            lines.append("  - " + translate(language, key, page=name, suffixes=suffixes, guess=guess))
        lines = "\n".join(lines)
        raise ExtensionError(translate(language, "toc.missing", toc=toc) + "\n" + lines)


#: How many left-out pages the build names (the others are counted).
NAMED_LEFT_OUT = 5


def leave_out_unlisted_pages(app: Sphinx, config: Config) -> None:
    """Have sphinx-external-toc exclude the pages ``_toc.yml`` does not list (unless the author keeps them).

    Also remember the author's ``exclude_patterns``, before sphinx-external-toc adds those pages.
    """
    build_state(app).author_exclusions = list(config.exclude_patterns)
    if "external_toc_exclude_missing" in config and not config.carnet_settings.check.outside_toc:
        config.external_toc_exclude_missing = True


def is_page_source(path: Path) -> bool:
    """Whether a file the toc leaves out is a page: a ``.py`` file is one only if it is a notebook (jupytext).

    With ``.py`` notebooks, sphinx-external-toc also excludes the modules beside them: not pages left out.
    """
    if path.suffix != ".py":
        return True
    try:
        text = path.read_text(encoding="utf-8", errors="replace")[:4000]
    except OSError:
        return True
    return "# %%" in text or "jupyter:" in text


def say_left_out_pages(app: Sphinx, config: Config) -> None:
    """Say once how many pages sphinx-external-toc excluded because ``_toc.yml`` does not list them."""
    before = set(build_state(app).author_exclusions or [])
    pages = [pattern for pattern in config.exclude_patterns if pattern not in before]
    pages = sorted(page for page in pages if is_page_source(Path(app.srcdir, page)))
    if pages:
        toc = PurePosixPath(str(config.external_toc_path)).name
        named = ", ".join(pages[:NAMED_LEFT_OUT]) + (", …" if len(pages) > NAMED_LEFT_OUT else "")
        language = author_language(app)
        LOGGER.info("[carnet] note: " + translate(language, "toc.left_out", count=len(pages), pages=named, toc=toc))


def setup_toc(app: Sphinx) -> None:
    """Check the table of contents: pages it leaves out (around sphinx-external-toc's parsing), missing pages."""
    app.connect("config-inited", leave_out_unlisted_pages, priority=899)
    app.connect("config-inited", say_left_out_pages, priority=901)
    app.connect("env-before-read-docs", refuse_missing_entries)
