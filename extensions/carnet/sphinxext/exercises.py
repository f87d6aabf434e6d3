"""Exercises in the page: the pupil sees the starter, checks it, and gets hints and the solution as ruled.

The build executes each page as the author wrote it (full solutions, all tests: that is the proof
``carnet check`` relies on, see :mod:`.proofs`). Once the page is read, its doctree is
changed before anything is written from it:

- an ``exercise-answer`` cell shows its starter code and none of the solution's outputs; an
  ``exercise-tests`` cell its public tests; ``exercise-setup`` cells are hidden;
- after each tests cell, a ``div.carnet-exercise`` carries what the page's "Check" button needs
  (setup code, tests, the author's rules for the solution), base64 JSON in ``data-exercise``
  (``static/carnet-live/exercise.mjs`` reads it). In the teacher edition it holds the solution and
  the hidden tests too: encoded, not secret (the README says so). In the student edition it holds
  neither, and written solutions (sphinx-exercise's ``{solution}``) are removed from the page;
- hints (``{hint}`` admonitions) and written solutions get the number of their exercise, so the
  page reveals them one at a time and when the rules allow.

A hint belongs to the exercise whose answer cell comes next (or, after the last one, to the last);
a ``{solution}`` to the exercise its label names, else to the last exercise before it (or the first).
"""

from __future__ import annotations

import base64
import html
import json
from dataclasses import asdict
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging

from ..core.exercises import (
    Exercise,
    ExerciseError,
    find_exercises,
    has_hidden_tests,
    public_tests,
    solution_code,
    starter,
)
from ..core.i18n import author_language, translate
from ..core.settings import ExerciseRules, SettingError, parse_section
from .config import carnet_config
from .live import has_live_cells
from .pages import page_problems

LOGGER = logging.getLogger(__name__)


def _is_code_cell(node: nodes.Node) -> bool:
    return isinstance(node, nodes.container) and node.get("nb_element") == "cell_code"


def _is_solution(node: nodes.Node) -> bool:
    """sphinx-exercise's ``{solution}`` (gated ones are merged into the same node before we see them)."""
    return type(node).__name__ in ("solution_node", "solution_start_node", "solution_end_node")


def _is_exercise_directive(node: nodes.Node) -> bool:
    return type(node).__name__ in ("exercise_node", "exercise_enumerable_node")


def _tags(cell: nodes.Element) -> list[str]:
    return list(cell.get("cell_metadata", {}).get("tags", []))


def _code(cell: nodes.Element) -> str:
    block = next(iter(cell.findall(nodes.literal_block)), None)
    return block.astext() if block is not None else ""


def _replace_code(cell: nodes.container, code: str) -> None:
    """Show ``code`` in the cell's input and drop its outputs (they are the solution's)."""
    for block in cell.findall(nodes.literal_block):
        block.children = [nodes.Text(code.rstrip("\n"))]
        block.rawsource = code
        break
    for child in list(cell.children):
        if "cell_output" in child.get("classes", []):
            cell.remove(child)


def _rules(app: Sphinx, cell: nodes.Element, where: str) -> ExerciseRules:
    """The book's rules for showing the solution, changed by ``carnet:`` in the answer cell's metadata."""
    book = carnet_config(app).exercises
    own = cell.get("cell_metadata", {}).get("carnet")
    if own is None:
        return ExerciseRules(solution=book.solution, attempts=book.attempts)
    data = {"solution": book.solution, "attempts": book.attempts, **own} if isinstance(own, dict) else own
    return parse_section(ExerciseRules, data, f"{where}: carnet")


def _owner(position: int, exercises: list[tuple[int, int]], after_first: bool) -> int:
    """Index of the exercise a hint (``after_first``) or a solution at ``position`` belongs to.

    ``exercises``: (answer position, tests position) of each exercise, in order.
    """
    following = [i for i, (answer, _) in enumerate(exercises) if answer > position]
    preceding = [i for i, (_, tests) in enumerate(exercises) if tests < position]
    if after_first:
        return following[0] if following else len(exercises) - 1
    return preceding[-1] if preceding else following[0]


def _payload(number: int, setup: list[str], answer: str, tests: str, rules: ExerciseRules, student: bool) -> nodes.raw:
    """The ``div.carnet-exercise`` the page's script reads."""
    data = {
        "number": number,
        "setup": setup,
        "tests": public_tests(tests),
        "hidden": "" if student or not has_hidden_tests(tests) else tests,
        "solution": None if student else solution_code(answer),
        "rules": asdict(rules),
    }
    encoded = base64.b64encode(json.dumps(data, ensure_ascii=False).encode()).decode()
    markup = f'<div class="carnet-exercise" data-exercise="{html.escape(encoded)}" hidden></div>'
    return nodes.raw("", markup, format="html")


def _mark(node: nodes.Element, kind: str, number: int) -> None:
    node["classes"].extend([f"carnet-{kind}", f"carnet-for-{number}"])


def prepare_exercises(app: Sphinx, doctree: nodes.document) -> None:
    """Starters and public tests in the page, the check's data after each exercise, hints and solutions marked."""
    docname = app.env.docname
    student = carnet_config(app).exercises.edition == "student"
    items = list(
        doctree.findall(
            lambda n: _is_code_cell(n) or isinstance(n, nodes.hint) or _is_solution(n) or _is_exercise_directive(n)
        )
    )
    cells = [node for node in items if _is_code_cell(node)]
    try:
        found = find_exercises([{"cell_type": "code", "metadata": {"tags": _tags(cell)}} for cell in cells])
    except ExerciseError as err:
        problem = err.text(author_language(app.config.language))
        LOGGER.warning(f"{problem} [carnet.exercise]", location=docname, type="carnet", subtype="exercise")
        found = []
    positions = [(items.index(cells[e.answer]), items.index(cells[e.tests])) for e in found]
    for exercise in found:
        try:
            _prepare(app, exercise, cells, student)
        except (ExerciseError, SettingError) as err:
            problem = err.text(author_language(app.config.language))
            page_problems(app.env)[docname] = problem
            LOGGER.error(f"{problem} [carnet.exercise]", location=docname, type="carnet", subtype="exercise")
    labels = {node.get("label"): items.index(node) for node in items if _is_exercise_directive(node)}
    for position, node in enumerate(items):
        if student and _is_solution(node):
            node.parent.remove(node)
        elif positions and isinstance(node, nodes.hint):
            _mark(node, "hint", found[_owner(position, positions, after_first=True)].number)
        elif positions and _is_solution(node):
            target = labels.get(node.get("target_label"))
            owner = _owner(target, positions, True) if target is not None else _owner(position, positions, False)
            _mark(node, "solution", found[owner].number)


def _prepare(app: Sphinx, exercise: Exercise, cells: list[nodes.container], student: bool) -> None:
    """One exercise's cells as the pupil sees them, and its data after its tests cell."""
    answer, tests = cells[exercise.answer], cells[exercise.tests]
    number = answer.get("cell_index", exercise.answer) + 1
    solution, checks = _code(answer), _code(tests)
    where = translate(author_language(app.config.language), "failure.cell", cell=number)
    rules = _rules(app, answer, where)
    _replace_code(answer, starter(solution, translate(app.config.language, "exercise.todo"), number))
    _replace_code(tests, public_tests(checks, tests.get("cell_index", exercise.tests) + 1))
    setup = [_code(cells[index]) for index in exercise.setup]
    for index in exercise.setup:
        cells[index].parent.remove(cells[index])
    tests.parent.insert(
        tests.parent.index(tests) + 1, _payload(exercise.number, setup, solution, checks, rules, student)
    )


def add_exercise_styles(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """Pages whose exercises the page's script checks get their styles (hints hidden until asked for).

    Only those: without Run buttons, hints and solutions stay visible as the author wrote them.
    """
    if doctree is None or not has_live_cells(app, pagename):
        return
    if any("carnet-exercise" in node.astext() for node in doctree.findall(nodes.raw)):
        app.add_css_file("carnet-exercise.css")


def setup_exercises(app: Sphinx) -> None:
    """Pages show exercises as pupils start them, with what the page needs to check them."""
    app.setup_extension("sphinx_exercise")
    # Before Sphinx's collectors (doctree-read, priority 500): the images of the solution's outputs
    # must not be collected, hence copied into the site.
    app.connect("doctree-read", prepare_exercises, priority=400)
    app.connect("html-page-context", add_exercise_styles)
