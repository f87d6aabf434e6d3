"""Run and edit code cells in the page: Run controls, a code editor and Pyodide in a Web Worker.

On every executable page whose backend is Pyodide, a small script (a few kB) decorates each code
cell with Run controls. It downloads nothing else until the reader shows intent (hovering or
focusing a code cell) or runs a cell; then it starts the runtime (see :mod:`carnet.assets.runtime`)
in a worker and loads the editor (CodeMirror, from its pinned npm package). Settings reach the
script through ``data-`` attributes of its tag; its texts come translated from :mod:`carnet.core.i18n`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util import logging

from ...assets.npm import prepare_static
from ...assets.runtime import PYODIDE_VERSION, prepare_runtime, pyodide_cdn, runtime_root, startup_bytes
from ...core.i18n import messages, translate
from ...core.urls import RUNTIME_PATH
from ...sphinxext.book.config import author_language, carnet_config
from ...sphinxext.book.pagefiles import folder_files, page_folder
from ...sphinxext.book.pages import notebook_pages, page_facts
from ...sphinxext.page.statics import activity_static, serve_static, static_fingerprint
from .. import browser_url, page_modules
from ..exercise.edition import teacher_links_allowed

LOGGER = logging.getLogger(__name__)
#: The extension that draws the Binder button (Jupyter Book loads it).
THEBE = "sphinx_thebe"
CODEMIRROR_FILES = ["lib/codemirror.js", "lib/codemirror.css", "mode/python/python.js"]
#: The Markdown renderer of ``text/markdown`` outputs (an ES module), loaded by the page on first use.
MARKED_FILES = ["lib/marked.esm.js"]


def pyodide_url(app: Sphinx) -> str:
    """Where pages load Pyodide from: relative to ``_static/`` when self-hosted, else the CDN."""
    runtime = carnet_config(app).runtime
    return RUNTIME_PATH if runtime.source == "self" else pyodide_cdn(runtime)


def serve_live_files(app: Sphinx) -> None:
    """Serve Carnet's scripts, the editor and (when self-hosted) Pyodide from ``_static/``.

    The runtime is prepared whenever the book hosts it, live cells or not: the JupyterLite site
    ("try it") runs on it too.
    """
    if app.builder.format != "html":
        return
    settings = carnet_config(app)
    app.config.html_static_path = [*app.config.html_static_path, str(activity_static())]
    if settings.live.enabled:
        prepare = lambda: prepare_static("codemirror", CODEMIRROR_FILES)  # noqa: E731
        serve_static(app, "assets.codemirror", prepare, "codemirror/lib/codemirror.js")
        prepare = lambda: prepare_static("marked", MARKED_FILES)  # noqa: E731
        serve_static(app, "assets.marked", prepare, "marked/lib/marked.esm.js")
    if settings.runtime.source == "self":
        prepare = lambda: prepare_runtime(settings.runtime, Path(app.srcdir))  # noqa: E731
        serve_static(app, "assets.pyodide", prepare, RUNTIME_PATH + "pyodide.mjs")


def live_pages(app: Sphinx) -> list[str]:
    """Pages with live cells: their folder's files are published for the in-page runtime."""
    return [name for name in notebook_pages(app.env) if page_facts(app.env, name).live]


def page_files(app: Sphinx, pagename: str) -> str:
    """The page's files as the worker mounts them: its folder, the files' paths in it, their URL base."""
    folder = page_folder(pagename)
    prefix = f"{folder}/" if folder else ""
    files = [name.removeprefix(prefix) for name in folder_files(app, folder)]
    base = f"../{carnet_config(app).launch.lite_dir}/files/"  # relative to _static/ (the script resolves it so)
    return json.dumps({"folder": folder, "files": files, "base": base}, ensure_ascii=False)


def try_it_notebook(app: Sphinx, pagename: str) -> str:
    """The page's notebook in the JupyterLite site, relative to ``_static/``; ``""`` when it has none."""
    launch = carnet_config(app).launch
    return f"../{launch.lite_dir}/files/{pagename}.ipynb" if page_facts(app.env, pagename).try_it else ""


def add_live_script(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    """Add the live-cell script to pages with live cells."""
    settings = carnet_config(app)
    live = settings.live
    if doctree is None or not page_facts(app.env, pagename).live:
        return
    attributes = {
        "id": "carnet-live",
        "data-pyodide": pyodide_url(app),
        # The other kinds' modules in the page (turtle, exercises …), see carnet.activities.page_modules.
        "data-kinds": json.dumps(page_modules(), ensure_ascii=False),
        "data-codemirror": "codemirror/",
        "data-marked": "marked/lib/marked.esm.js",
        # Relative to _static/ (Carnet's own copy), or the author's choice of MathJax.
        "data-mathjax": app.config.mathjax_path,
        "data-prewarm": live.prewarm,
        "data-messages": json.dumps(messages(app.config.language, "live."), ensure_ascii=False),
        "data-pyodide-version": PYODIDE_VERSION,
        # The progress bar's total while Python starts (0: unknown, the runtime comes from a CDN).
        "data-download": str(startup_bytes(runtime_root(settings.runtime)) if settings.runtime.source == "self" else 0),
        "data-files": page_files(app, pagename),
        "data-pagename": pagename,
        # The page's "try it" notebook (the pupil's copy): the skeleton of "Télécharger mon travail".
        "data-notebook": try_it_notebook(app, pagename),
    }
    app.add_css_file(browser_url("code", "carnet-live.css"))
    app.add_js_file(browser_url("code", "carnet-live.js"), type="module", **attributes)


def add_binder_button(app: Sphinx, doctree: nodes.document) -> None:
    """On pages whose backend is Binder, put sphinx-thebe's launch button under the title.

    A page that cannot run in the browser (``browser: false``) gets it too, after a note saying why.
    """
    facts = page_facts(app.env, app.env.docname)
    if not carnet_config(app).live.enabled or not facts.notebook:
        return
    refused = facts.backend == "pyodide" and facts.browser_refused
    if (facts.backend != "binder" and not refused) or not teacher_links_allowed(app, doctree):
        return
    added: list[nodes.Node] = []
    if THEBE in app.extensions:  # Jupyter Book loads it; a plain Sphinx project may not (see warn_without_thebe)
        from sphinx_thebe import ThebeButtonNode

        added.append(ThebeButtonNode(text=translate(app.config.language, "live.binder")))
    if refused:
        note = nodes.note(classes=["carnet-no-browser"])
        note += nodes.paragraph("", translate(app.config.language, "browser.note"))
        added.insert(0, note)
    if not added:
        return
    section = next(iter(doctree.findall(nodes.section)), None)
    if section is not None and section.children and isinstance(section[0], nodes.title):
        section[1:1] = added
    else:
        doctree[0:0] = added


def warn_without_thebe(app: Sphinx) -> None:
    """Say once that Binder pages get no button when sphinx-thebe is not loaded (a plain Sphinx project)."""
    if carnet_config(app).live.backend == "binder" and THEBE not in app.extensions:
        LOGGER.warning(
            f"{translate(author_language(app), 'live.needs_thebe')} [carnet.binder]", type="carnet", subtype="binder"
        )


def point_thebe_at_repository(app: Sphinx, config: Config) -> None:
    """Binder kernels start from the book's own repository (sphinx-thebe defaults to an example one).

    Nothing to do without sphinx-thebe (a plain Sphinx project that does not load it).
    """
    if "thebe_config" not in config:
        return
    theme = config.html_theme_options or {}
    thebe = dict(config.thebe_config or {}) if isinstance(config.thebe_config, dict) else {}
    if theme.get("repository_url"):
        thebe.setdefault("repository_url", theme["repository_url"])
        thebe.setdefault("repository_branch", theme.get("repository_branch", "main"))
    config.thebe_config = thebe


def setup_live(app: Sphinx) -> None:
    """Register in-page execution."""
    app.add_config_value("carnet_static_fingerprint", static_fingerprint(), "html", types=[str])
    app.connect("config-inited", point_thebe_at_repository)
    # After .pages.read_page_settings (500) and after launch.add_visible_try_it (600): the binder button goes beside it.
    app.connect("doctree-read", add_binder_button, priority=601)
    app.connect("builder-inited", serve_live_files)
    app.connect("builder-inited", warn_without_thebe)
    app.connect("html-page-context", add_live_script)
