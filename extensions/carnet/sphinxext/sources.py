"""Read notebook files defensively: one malformed ``.ipynb`` fails its page, not the whole book.

Carnet checks each ``.ipynb`` as Sphinx reads it (``source-read``); a broken one is recorded as a
failed page (file, line, column and cause), replaced by a stub page so the rest of the book still
builds, and the build exits non-zero at the end like any failing page.
"""

from __future__ import annotations

from pathlib import PurePosixPath

from sphinx.application import Sphinx

from ..core.failures import PageFailure
from ..core.notebooks import notebook_problem, stub_notebook
from .execution import record_failure


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
