"""Where the book will live once published, the pages GitHub Pages needs there, and nothing stale.

GitHub Pages serves a project's site under ``https://USER.github.io/REPO/``. Its ``404.html`` is
served for any missing address, at any depth, so it cannot use relative links: Carnet writes a
self-contained one whose only link (home) is absolute, built from ``html.baseurl`` or, failing
that, from the repository's name. ``.nojekyll`` keeps Jekyll from dropping ``_static/``. A
repository address left as ``carnet new``'s placeholder is flagged.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging

from ...core.i18n import translate
from ...core.urls import site_path
from ..book.config import author_language

LOGGER = logging.getLogger(__name__)


def not_found_page(title: str, home: str, language: str | None) -> str:
    """A self-contained 404 page (inline style, one absolute link home)."""
    lang = html.escape((language or "en").split("_")[0])
    heading = html.escape(translate(language, "site.not_found"))
    back = html.escape(translate(language, "site.back_home", title=title))
    return f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{heading} — {html.escape(title)}</title>
<style>body{{font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;line-height:1.5}}</style>
</head><body><h1>{heading}</h1><p><a href="{html.escape(home)}">{back}</a></p></body></html>
"""


def write_site_files(app: Sphinx, exception: Exception | None) -> None:
    """Write ``404.html`` and ``.nojekyll`` at the root of a successful HTML build."""
    if exception is not None or app.builder.format != "html":
        return
    theme = app.config.html_theme_options or {}
    home = site_path(app.config.html_baseurl or "", theme.get("repository_url", "")) + "index.html"
    outdir = Path(app.outdir)
    title = app.config.html_title or app.config.project
    (outdir / "404.html").write_text(not_found_page(title, home, app.config.language), encoding="utf-8")
    (outdir / ".nojekyll").touch()


def drop_duplicate_scripts(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Keep one copy of each script of a page.

    Jupyter Book 1 with sphinx-thebe 0.3 adds the same inline ``const THEBE_JS_URL = …`` script
    twice to every page, so every page starts with a JavaScript error ("already declared").
    """
    scripts = context.get("script_files")
    if not scripts:
        return
    seen: set[tuple[str, str]] = set()
    unique = []
    for script in scripts:
        attributes = getattr(script, "attributes", {})
        key = (str(getattr(script, "filename", script) or ""), str(sorted(attributes.items())))
        if key not in seen:
            seen.add(key)
            unique.append(script)
    context["script_files"] = unique


def remove_stale_pages(
    app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    """Delete the output of pages whose source is gone.

    Sphinx never deletes the HTML of a removed page: a chapter (or a teacher's solution) taken out
    of the book would stay online after the next publication.
    """
    if app.builder.format == "html":
        outdir = Path(app.outdir)
        for docname in removed:
            (outdir / app.builder.get_target_uri(docname)).unlink(missing_ok=True)
            for source in (outdir / "_sources").glob(f"{docname}.*"):
                source.unlink()
    return []


#: What ``carnet new`` writes until the teacher gives their repository (``--repository``).
PLACEHOLDER_REPOSITORY = "github.com/USER/REPO"


def warn_placeholder_repository(app: Sphinx) -> None:
    """``repository.url`` still ``carnet new``'s placeholder: Binder and the repository button lead nowhere."""
    url = str((app.config.html_theme_options or {}).get("repository_url", ""))
    if PLACEHOLDER_REPOSITORY in url:
        LOGGER.warning(
            translate(author_language(app), "site.placeholder", url=url) + " [carnet.placeholder]",
            type="carnet",
            subtype="placeholder",
        )


def setup_site(app: Sphinx) -> None:
    """Add GitHub Pages' files to every HTML build, and keep pages free of duplicate scripts."""
    app.connect("builder-inited", warn_placeholder_repository)
    app.connect("build-finished", write_site_files)
    app.connect("env-get-outdated", remove_stale_pages)
    # Before any handler that returns a template name: Sphinx stops calling handlers after one does.
    app.connect("html-page-context", drop_duplicate_scripts, priority=550)
