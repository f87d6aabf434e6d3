"""Serve MathJax from the book itself instead of Sphinx's default CDN.

Sphinx points every page with math at MathJax on a CDN, so formulas do not render for a pupil
reading offline or behind a school filter, and each page view is reported to a third party.
Unless the author chose another ``mathjax_path`` in ``_config.yml``, Carnet copies MathJax
from its pinned npm package into ``_static/mathjax/``.
"""

from __future__ import annotations

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.ext.mathjax import MATHJAX_URL

from ...assets.npm import prepare_static
from .statics import serve_static

#: The combined TeX+MathML component Sphinx uses, and what it loads on demand (TeX extensions,
#: fonts, the accessibility menu and its speech engine).
MATHJAX_FILES = ["es5/tex-mml-chtml.js", "es5/input", "es5/output/chtml", "es5/a11y", "es5/ui", "es5/sre"]
#: Where pages load MathJax from, relative to ``_static/``.
MATHJAX_PATH = "mathjax/es5/tex-mml-chtml.js"


def use_own_mathjax(app: Sphinx, config: Config) -> None:
    """Point ``mathjax_path`` at the book's copy, unless the author chose one.

    Done at ``config-inited`` so that Sphinx sees the final value in its build hash and rewrites
    pages when it changes; the files themselves are fetched only for HTML builds.
    """
    if config.mathjax_path == MATHJAX_URL:
        config.mathjax_path = MATHJAX_PATH


def serve_mathjax(app: Sphinx) -> None:
    """Fetch MathJax (once per cache) and serve it from ``_static/mathjax/``."""
    if app.builder.format != "html" or app.config.mathjax_path != MATHJAX_PATH:
        return
    serve_static(app, "assets.mathjax", lambda: prepare_static("mathjax", MATHJAX_FILES), MATHJAX_PATH)


def setup_mathjax(app: Sphinx) -> None:
    """Self-host MathJax for HTML builds."""
    app.connect("config-inited", use_own_mathjax)
    app.connect("builder-inited", serve_mathjax)
