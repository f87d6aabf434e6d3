"""Run and edit code cells in the page: Run controls, a code editor and Pyodide in a Web Worker.

On every executable page whose backend is Pyodide, a small script (a few kB) decorates each code
cell with Run controls. It downloads nothing else until the reader shows intent (hovering or
focusing a code cell) or runs a cell; then it starts the runtime (see :mod:`carnet.runtime`) in a
worker and loads the editor (CodeMirror, from its pinned npm package). Settings reach the script
through ``data-`` attributes of its tag; its texts come translated from :mod:`carnet.i18n`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.errors import ExtensionError

from .assets import AssetError, NpmPackage, prepare_static, static_folder
from .config import carnet_config
from .i18n import messages, translate
from .pages import is_executable_page, is_notebook_page, page_settings
from .runtime import PYODIDE, RUNTIME_PATH, cdn_base, prepare_runtime, runtime_root

STATIC = Path(__file__).parent / "static"
CODEMIRROR = NpmPackage(
    "codemirror",
    "5.65.20",
    "sha512-i5dLDDxwkFCbhjvL2pNjShsojoL3XHyDwsGv1jqETUoW+lzpBKKqNTUWgQwVAOa0tUm4BwekT455ujafi8payA==",
)
CODEMIRROR_FILES = ["lib/codemirror.js", "lib/codemirror.css", "mode/python/python.js"]


def pyodide_url(app: Sphinx) -> str:
    """Where pages load Pyodide from: relative to ``_static/`` when self-hosted, else the CDN."""
    runtime = carnet_config(app).runtime
    return RUNTIME_PATH if runtime.source == "self" else cdn_base(runtime)


def add_static_paths(app: Sphinx, config: Config) -> None:
    """Serve Carnet's scripts, the editor and (when self-hosted) Pyodide from ``_static/``."""
    paths = [str(STATIC), str(static_folder(CODEMIRROR, "codemirror"))]
    runtime = config.carnet_settings.runtime
    if runtime.source == "self":
        paths.append(str(runtime_root(runtime)))
    config.html_static_path = [*config.html_static_path, *paths]


def fetch_assets(app: Sphinx) -> None:
    """Make sure the editor and the runtime are in the cache before Sphinx copies static files."""
    if app.builder.format != "html" or not carnet_config(app).live.enabled:
        return
    runtime = carnet_config(app).runtime
    try:
        prepare_static(CODEMIRROR, "codemirror", CODEMIRROR_FILES)
        if runtime.source == "self":
            prepare_runtime(runtime, Path(app.srcdir))
    except AssetError as err:
        raise ExtensionError(f"the in-page Python runtime could not be prepared: {err}") from err


def page_backend(app: Sphinx, docname: str) -> str:
    """``pyodide`` or ``binder``: the book's choice, unless the page says ``carnet: {backend: …}``."""
    backend = page_settings(app.env, docname).get("backend", carnet_config(app).live.backend)
    return backend if backend in ("pyodide", "binder") else carnet_config(app).live.backend


def add_live_script(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    """Add the live-cell script to executable pages that run on Pyodide."""
    live = carnet_config(app).live
    if doctree is None or not live.enabled or not is_executable_page(app.env, pagename):
        return
    if page_backend(app, pagename) != "pyodide":
        return
    attributes = {
        "data-pyodide": pyodide_url(app),
        "data-codemirror": "codemirror/",
        "data-prewarm": live.prewarm,
        "data-messages": json.dumps(messages(app.config.language, "live."), ensure_ascii=False),
        "data-pyodide-version": PYODIDE.version,
    }
    app.add_css_file("carnet-live.css")
    app.add_js_file("carnet-live.js", loading_method="defer", **attributes)


def add_binder_button(app: Sphinx, doctree: nodes.document) -> None:
    """On pages whose backend is Binder, put sphinx-thebe's launch button under the title."""
    docname = app.env.docname
    if not carnet_config(app).live.enabled or not is_notebook_page(app.env, docname):
        return
    if page_backend(app, docname) != "binder":
        return
    from sphinx_thebe import ThebeButtonNode

    button = ThebeButtonNode(text=translate(app.config.language, "live.binder"))
    section = next(iter(doctree.findall(nodes.section)), None)
    if section is not None and section.children and isinstance(section[0], nodes.title):
        section.insert(1, button)
    else:
        doctree.insert(0, button)


def point_thebe_at_repository(app: Sphinx, config: Config) -> None:
    """Binder kernels start from the book's own repository (sphinx-thebe defaults to an example one)."""
    theme = config.html_theme_options or {}
    thebe = dict(config.thebe_config or {}) if isinstance(config.thebe_config, dict) else {}
    if theme.get("repository_url"):
        thebe.setdefault("repository_url", theme["repository_url"])
        thebe.setdefault("repository_branch", theme.get("repository_branch", "main"))
    config.thebe_config = thebe


def setup_live(app: Sphinx) -> None:
    """Register in-page execution."""
    app.connect("config-inited", add_static_paths)
    app.connect("config-inited", point_thebe_at_repository)
    app.connect("doctree-read", add_binder_button)
    app.connect("builder-inited", fetch_assets)
    app.connect("html-page-context", add_live_script)
