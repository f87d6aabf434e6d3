"""Read notebook files defensively: one malformed ``.ipynb`` fails its page, not the whole book.

Plain Jupyter Book aborts on the first notebook that is not valid JSON, with a traceback and no
HTML at all. Carnet checks each ``.ipynb`` as Sphinx reads it (``source-read``); a broken one is
recorded as a failed page (file, line, column and cause), replaced by a stub page so the rest of
the book still builds, and the build exits non-zero at the end like any failing page.
"""

from __future__ import annotations

import json
from pathlib import PurePosixPath

import nbformat
from sphinx.application import Sphinx

from .execution import record_failure
from .failures import PageFailure

CELL_TYPES = ("code", "markdown", "raw")


def notebook_problem(text: str) -> str | None:
    """Why ``text`` is not a readable notebook, or ``None`` when it is one.

    Only what stops a notebook from being read is a problem here: Jupyter itself opens notebooks
    with small schema deviations (an ``id`` in an nbformat 4.4 file…), so Carnet does too.
    """
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        return f"invalid JSON at line {err.lineno}, column {err.colno}: {err.msg}"
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        return "not a Jupyter notebook (no 'cells' list)"
    for number, cell in enumerate(data["cells"], start=1):
        if not isinstance(cell, dict) or cell.get("cell_type") not in CELL_TYPES:
            return f"cell {number} has no valid 'cell_type' (one of {', '.join(CELL_TYPES)})"
        if not isinstance(cell.get("source"), str | list):
            return f"cell {number} has no 'source'"
    return None


def stub_notebook(title: str, problem: str) -> str:
    """A valid, non-executed notebook standing in for a broken one, so the page still renders."""
    notebook = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_markdown_cell(f"# {title}\n\n```{{error}}\n{problem}\n```")],
        metadata={"mystnb": {"execution_mode": "off"}},
    )
    return nbformat.writes(notebook)


def check_notebook(app: Sphinx, docname: str, source: list[str]) -> None:
    """Replace a malformed notebook by a stub and record the failure."""
    path = str(app.env.doc2path(docname, False))
    if not path.endswith(".ipynb"):
        return
    problem = notebook_problem(source[0])
    if problem is None:
        return
    failure = PageFailure(path, problem)
    record_failure(app, docname, failure, problem)
    source[0] = stub_notebook(PurePosixPath(path).stem, failure.message())


def setup_sources(app: Sphinx) -> None:
    """Check notebooks as they are read."""
    app.connect("source-read", check_notebook)
