"""Which pages are executable notebooks, and what a page says about itself (``carnet:`` metadata).

Shared by the features that act on executable pages: launch buttons, live cells, the Binder
check and the build report.
"""

from __future__ import annotations

import json
from typing import Any

from sphinx.environment import BuildEnvironment

from .execution import failures_of


def is_notebook_page(env: BuildEnvironment, docname: str) -> bool:
    """An executable page: a ``.ipynb``, or a text notebook whose metadata names a kernel."""
    return "kernelspec" in env.metadata.get(docname, {}) or str(env.doc2path(docname, False)).endswith(".ipynb")


def page_settings(env: BuildEnvironment, docname: str) -> dict[str, Any]:
    """The page's own ``carnet:`` metadata.

    It comes from the notebook's metadata, or from MyST front matter, which Sphinx keeps as a
    JSON string.
    """
    value = env.metadata.get(docname, {}).get("carnet") or {}
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError:
            return {}
    return value if isinstance(value, dict) else {}


def is_executable_page(env: BuildEnvironment, docname: str) -> bool:
    """An executable page that was read without failing."""
    return is_notebook_page(env, docname) and docname not in failures_of(env)


def notebook_pages(env: BuildEnvironment) -> list[str]:
    """Docnames of the executable pages that were read without failing."""
    return sorted(name for name in env.found_docs if is_executable_page(env, name))
