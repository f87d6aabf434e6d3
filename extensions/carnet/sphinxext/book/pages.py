"""Which pages are executable notebooks, and what a page says about itself (``carnet:`` metadata).

A page's ``carnet:`` metadata goes through the same parser as the book's settings
(:class:`~carnet.core.settings.PageConfig`), with the page as the location: ``try_it: "no"`` or an
unknown key fails the build with the page named, instead of being read as true or ignored. A page
that asks for myst-nb's ``inline`` execution is refused the same way (Carnet could not report its
failures). Shared by the features that act on executable pages: launch buttons, live cells, the
Binder check and the build report.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging

from ...core.i18n import translate
from ...core.kernels import notebook_language
from ...core.settings import PageConfig, SettingError, parse_section
from .config import author_language, carnet_config
from .envdata import env_data
from ..execution.run import failures_of
from .shard import in_shard

LOGGER = logging.getLogger(__name__)


def is_notebook_page(env: BuildEnvironment, docname: str) -> bool:
    """An executable page: a ``.ipynb``, or a text notebook whose metadata names a kernel."""
    return "kernelspec" in env.metadata.get(docname, {}) or str(env.doc2path(docname, False)).endswith(".ipynb")


def _mapping(value: Any) -> Any:
    """A metadata mapping; MyST front matter keeps nested mappings as JSON strings."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return value
    return value


def is_python_page(env: BuildEnvironment, docname: str) -> bool:
    """A page whose notebook is Python (or names no language): the only kind Pyodide can run."""
    metadata = env.metadata.get(docname, {})
    kernel = {key: _mapping(metadata.get(key)) for key in ("kernelspec", "language_info") if key in metadata}
    return notebook_language({key: value for key, value in kernel.items() if isinstance(value, dict)}) in ("", "python")


@dataclass(frozen=True)
class PageFacts:
    """What every feature needs to know about a page, worked out once when it is read (:func:`page_facts`).

    Sphinx reads a page again when it or the book's settings change, so the facts stay true.
    """

    #: An executable notebook: a ``.ipynb``, or a text notebook whose metadata names a kernel.
    notebook: bool = False
    #: In Python (or naming no language): the only kind Pyodide and JupyterLite's kernel run.
    python: bool = False
    #: A notebook read without failing, and executed by this build's shard (if it is one).
    executable: bool = False
    #: ``pyodide`` or ``binder``: the book's choice, unless the page says ``carnet: {backend: …}``.
    backend: str = "pyodide"
    #: An executable Python page whose cells run on Pyodide (an OCaml or R page gets no Run buttons).
    pyodide: bool = False
    #: Marked ``carnet: {browser: false}``: no Run buttons, an explanation (and Binder) instead.
    browser_refused: bool = False
    #: Its code cells get Run buttons.
    live: bool = False
    #: It gets a "try it" button and a notebook in the JupyterLite site.
    try_it: bool = False


def work_out_facts(app: Sphinx, docname: str) -> PageFacts:
    """The facts of a page just read, from its metadata, its ``carnet:`` settings and the book's."""
    env = app.env
    settings, config = carnet_config(app), page_config(env, docname)
    notebook = is_notebook_page(env, docname)
    python = is_python_page(env, docname)
    executable = notebook and docname not in failures_of(env) and in_shard(env, docname)
    backend = config.backend or settings.live.backend
    pyodide = settings.live.enabled and executable and backend == "pyodide" and python
    refused = config.browser is False
    try_it = executable and python and (settings.launch.try_it if config.try_it is None else config.try_it)
    return PageFacts(notebook, python, executable, backend, pyodide, refused, pyodide and not refused, try_it)


def page_facts(env: BuildEnvironment, docname: str) -> PageFacts:
    """The facts of a page (all false for a page not read yet)."""
    return env_data(env).page_facts.get(docname) or PageFacts()


def notebook_pages(env: BuildEnvironment) -> list[str]:
    """Docnames of the executable pages that were read without failing."""
    return sorted(name for name in env.found_docs if page_facts(env, name).executable)


def page_problems(env: BuildEnvironment) -> dict[str, str]:
    """Pages whose ``carnet:`` metadata (or execution mode) is wrong, with the problem."""
    return env_data(env).page_problems


def _page_configs(env: BuildEnvironment) -> dict[str, PageConfig]:
    return env_data(env).page_configs


def page_config(env: BuildEnvironment, docname: str) -> PageConfig:
    """The page's validated ``carnet:`` settings (all ``None``, the book's defaults, when absent or wrong)."""
    return _page_configs(env).get(docname, PageConfig())


def raw_page_settings(metadata: dict[str, Any]) -> Any:
    """The ``carnet:`` entry of a page's metadata."""
    return _mapping(metadata.get("carnet"))


def read_page_settings(app: Sphinx, doctree: nodes.document) -> None:
    """Validate the page's ``carnet:`` metadata and its execution mode; record any problem."""
    env = app.env
    docname = env.docname
    problem = None
    try:
        _page_configs(env)[docname] = parse_section(PageConfig, raw_page_settings(env.metadata[docname]), "carnet")
    except SettingError as err:
        problem = err.text(author_language(app))
    from myst_nb.sphinx_ import NbMetadataCollector

    if (NbMetadataCollector.get_exec_data(env, docname) or {}).get("method") == "inline":
        problem = translate(author_language(app), "config.page_inline")
    if problem:
        page_problems(env)[docname] = problem
        LOGGER.error(f"{problem} [carnet.metadata]", location=docname, type="carnet", subtype="metadata")
    env_data(env).page_facts[docname] = work_out_facts(app, docname)


def reread_wrong_pages(
    app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    """A page with wrong settings is read again at every build until it is fixed."""
    return [name for name in page_problems(env) if name not in removed]


def fail_on_wrong_pages(app: Sphinx, exception: Exception | None) -> None:
    """A page with wrong settings makes the build exit non-zero (it was named when read)."""
    if exception is None and page_problems(app.env):
        app.statuscode = 1


def setup_pages(app: Sphinx) -> None:
    """Validate every page's ``carnet:`` metadata as it is read."""
    app.connect("doctree-read", read_page_settings)
    app.connect("env-get-outdated", reread_wrong_pages)
    app.connect("build-finished", fail_on_wrong_pages)
