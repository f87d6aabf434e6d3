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
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging

from ..core.i18n import author_language, translate
from ..core.kernels import notebook_language
from ..core.settings import PageConfig, SettingError, parse_section
from .envdata import env_data
from .execution import failures_of
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


def is_executable_page(env: BuildEnvironment, docname: str) -> bool:
    """An executable page that was read without failing, and executed by this build's shard (if it is one)."""
    return is_notebook_page(env, docname) and docname not in failures_of(env) and in_shard(env, docname)


def notebook_pages(env: BuildEnvironment) -> list[str]:
    """Docnames of the executable pages that were read without failing."""
    return sorted(name for name in env.found_docs if is_executable_page(env, name))


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
        problem = err.text(author_language(app.config.language))
    from myst_nb.sphinx_ import NbMetadataCollector

    if (NbMetadataCollector.get_exec_data(env, docname) or {}).get("method") == "inline":
        problem = translate(author_language(app.config.language), "config.page_inline")
    if problem:
        page_problems(env)[docname] = problem
        LOGGER.error(f"{problem} [carnet.metadata]", location=docname, type="carnet", subtype="metadata")


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
