"""Read the book's pages defensively: a page an author got wrong fails alone, with its cause named.

Checked as Sphinx reads each page (``source-read``):

- a file that is not UTF-8 (a page saved as Latin-1 by an old editor) fails, naming the encoding,
  instead of being read with ``?`` in place of its accents;
- a ``.ipynb`` that is not a readable notebook fails (file, line, column and cause) and is replaced
  by a stub page so the rest of the book still builds; an nbformat 3 notebook is upgraded; stored
  outputs that are malformed are dropped with a warning naming the cell (``carnet.notebook``);
- a ``.md`` page whose front matter is not valid YAML fails; so does one with ``{code-cell}``
  blocks but no notebook header (its cells would silently never run).

Each failure is a failed page: listed at the end of the build, which exits non-zero.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from sphinx.application import Sphinx
from sphinx.util import logging

from ...core.failures import PageFailure
from ...core.i18n import Said, said
from ...core.notebooks import front_matter_problem, has_code_cells, notebook_problem, read_notebook, stub_notebook
from ..book.config import author_language
from .run import record_failure

LOGGER = logging.getLogger(__name__)

#: What a MyST page needs at its top to be executed as a notebook.
NOTEBOOK_HEADER = "jupytext: {text_representation: {format_name: myst}}"


def encoding_problem(path: Path) -> Said | None:
    """Why a page's bytes are not UTF-8 text (``None`` when they are)."""
    try:
        path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as err:
        return said("notebook.not_utf8", byte=err.start + 1)
    return None


def markdown_problem(text: str) -> Said | None:
    """Why a ``.md`` page would not build as its author meant (``None`` when it is fine)."""
    problem = front_matter_problem(text)
    if problem:
        return problem
    from myst_nb.core.read import is_myst_markdown_notebook

    if has_code_cells(text) and not is_myst_markdown_notebook(text):
        return said("notebook.no_header", header=NOTEBOOK_HEADER)
    return None


def check_source(app: Sphinx, docname: str, source: list[str]) -> None:
    """Record a page that cannot be built as written; repair what can be repaired."""
    path = str(app.env.doc2path(docname, False))
    language = author_language(app)
    problem = encoding_problem(Path(app.env.doc2path(docname)))
    if problem is None and path.endswith(".md"):
        problem = markdown_problem(source[0])
    if problem is None and path.endswith(".ipynb"):
        problem = notebook_problem(source[0])
        if problem is None:
            source[0], dropped = read_notebook(source[0])
            for message in dropped:
                LOGGER.warning(
                    f"{message.text(language)} [carnet.notebook]", location=docname, type="carnet", subtype="notebook"
                )
    if problem is None:
        return
    failure = PageFailure(path, problem.text(language))
    record_failure(app, docname, failure, failure.cause)
    if path.endswith(".ipynb"):
        source[0] = stub_notebook(PurePosixPath(path).stem, failure.message(language))


def setup_sources(app: Sphinx) -> None:
    """Check pages as they are read."""
    app.connect("source-read", check_source)
