"""Exercises in the page: the pupil sees the starter, not the solution the build ran.

The build executes each page as the author wrote it (full solutions, all tests: that is the proof
``carnet check`` relies on, see :mod:`carnet.cli.proof`). Once the page is read, its doctree is
changed before anything is written from it: an ``exercise-answer`` cell shows its starter code and
none of the solution's outputs; an ``exercise-tests`` cell shows its public tests only. The page's
Run buttons then let the pupil edit the starter and run the tests. (In this teacher edition the
solutions stay in the page's source files and JupyterLite notebook, as the README says.)
"""

from __future__ import annotations

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging

from ..core.exercises import ANSWER, TESTS, ExerciseError, public_tests, starter
from ..core.i18n import translate

LOGGER = logging.getLogger(__name__)


def _code_cells(doctree: nodes.document) -> list[nodes.container]:
    return [node for node in doctree.findall(nodes.container) if node.get("nb_element") == "cell_code"]


def _replace_code(cell: nodes.container, code: str) -> None:
    """Show ``code`` in the cell's input and drop its outputs (they are the solution's)."""
    for block in cell.findall(nodes.literal_block):
        block.children = [nodes.Text(code.rstrip("\n"))]
        block.rawsource = code
        break
    for child in list(cell.children):
        if "cell_output" in child.get("classes", []):
            cell.remove(child)


def show_starters(app: Sphinx, doctree: nodes.document) -> None:
    """Answer cells show the starter; tests cells their public part."""
    todo = translate(app.config.language, "exercise.todo")
    for cell in _code_cells(doctree):
        tags = cell.get("cell_metadata", {}).get("tags", [])
        if ANSWER not in tags and TESTS not in tags:
            continue
        block = next(iter(cell.findall(nodes.literal_block)), None)
        if block is None:
            continue
        where = f"cell {cell.get('cell_index', 0) + 1}"
        try:
            code = starter(block.astext(), todo, where) if ANSWER in tags else public_tests(block.astext(), where)
        except ExerciseError as err:
            LOGGER.warning(f"{err} [carnet.exercise]", location=app.env.docname, type="carnet", subtype="exercise")
            continue
        _replace_code(cell, code)


def setup_exercises(app: Sphinx) -> None:
    """Pages show exercises as pupils start them."""
    app.connect("doctree-read", show_starters)
