"""Serve MathJax from the book itself instead of Sphinx's default CDN.

Sphinx points every page with math at MathJax on a CDN, so formulas do not render for a pupil
reading offline or behind a school filter, and each page view is reported to a third party.
Unless the author chose another ``mathjax_path`` in ``_config.yml``, Carnet copies MathJax
from its pinned npm package into ``_static/mathjax/``.
"""

from __future__ import annotations

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.errors import ExtensionError
from sphinx.ext.mathjax import MATHJAX_URL

from .assets import AssetError, NpmPackage, prepare_static, static_folder

MATHJAX = NpmPackage(
    "mathjax",
    "3.2.2",
    "sha512-Bt+SSVU8eBG27zChVewOicYs7Xsdt40qm4+UpHyX7k0/O9NliPc+x77k1/FEsPsjKPZGJvtRZM1vO+geW0OhGw==",
)
#: The combined TeX+MathML component Sphinx uses, and what it loads on demand (TeX extensions,
#: fonts, the accessibility menu and its speech engine).
MATHJAX_FILES = [
    "es5/tex-mml-chtml.js",
    "es5/input",
    "es5/output/chtml",
    "es5/a11y",
    "es5/ui",
    "es5/sre",
]
#: Where pages load MathJax from, relative to ``_static/``.
MATHJAX_PATH = "mathjax/es5/tex-mml-chtml.js"


def use_own_mathjax(app: Sphinx, config: Config) -> None:
    """Point ``mathjax_path`` at the book's copy, unless the author chose one.

    Done at ``config-inited`` so that Sphinx sees the final value in its build hash and rewrites
    pages when it changes; the files themselves are fetched only for HTML builds.
    """
    if config.mathjax_path != MATHJAX_URL:
        return
    config.html_static_path = [*config.html_static_path, str(static_folder(MATHJAX, "mathjax"))]
    config.mathjax_path = MATHJAX_PATH


def fetch_mathjax(app: Sphinx) -> None:
    """Make sure the MathJax files are in the cache before Sphinx copies static files."""
    if app.builder.format != "html" or app.config.mathjax_path != MATHJAX_PATH:
        return
    try:
        prepare_static(MATHJAX, "mathjax", MATHJAX_FILES)
    except AssetError as err:
        raise ExtensionError(f"MathJax could not be prepared: {err}") from err


def setup_mathjax(app: Sphinx) -> None:
    """Self-host MathJax for HTML builds."""
    app.connect("config-inited", use_own_mathjax)
    app.connect("builder-inited", fetch_mathjax)
