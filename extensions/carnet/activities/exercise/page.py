"""Exercises in the page: the pupil sees the starter, checks it, and gets hints and the solution as ruled.

The build executes each page as the author wrote it (full solutions, all tests: that is the proof
``carnet check`` relies on, see :mod:`.proofs`). Once the page is read, its doctree is
changed before anything is written from it:

- an ``exercise-answer`` cell shows its starter code and none of the solution's outputs; an
  ``exercise-tests`` cell its public tests; ``exercise-setup`` cells are hidden;
- after each tests cell, a ``div.carnet-exercise`` carries what the page's "Check" button needs
  (setup code, tests, the author's rules for the solution), base64 JSON in ``data-exercise``
  (``browser/exercise.mjs`` reads it). In the teacher edition it holds the solution and
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
import re
from dataclasses import asdict, dataclass
from typing import Any

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.transforms import SphinxTransform
from sphinx.util import logging
from sphinx.writers.html5 import HTML5Translator

from ...core.i18n import Said, translate
from ...core.settings import ExerciseRules, ExercisesConfig, SettingError, parse_section
from ...sphinxext.book.config import author_language, carnet_config
from ...sphinxext.book.pages import page_facts, page_problems
from .. import browser_url
from .cells import (
    Exercise,
    ExerciseError,
    find_exercises,
    has_hidden_tests,
    public_tests,
    solution_code,
    starter,
)
from .seal import seal
from .solutions import EXERCISE_DATA, SEALED, is_exercise_directive, is_solution, sealed_solution
from .spelling import directive_problem, marker_problems, tag_problems

LOGGER = logging.getLogger(__name__)
#: The warning MyST (or docutils) gives for a directive it does not know (its quotes depend on the language).
UNKNOWN_DIRECTIVE = re.compile(r"Unknown directive type:?\s*[^\w\s]?\s*(?P<name>[\w:.+-]+)")


def _is_code_cell(node: nodes.Node) -> bool:
    return isinstance(node, nodes.container) and node.get("nb_element") == "cell_code"


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


def _payload(docname: str, exercise: Prepared, edition: ExercisesConfig) -> nodes.raw:
    """The ``div.carnet-exercise`` the page's script reads.

    The teacher's edition holds the solution and the hidden tests as written. The pupils' holds the
    solution sealed (none when the rules never show it) and the hidden tests only when the author
    wants Valider to run them, sealed too: a search of the site finds neither (see :mod:`..core.seal`).
    """
    solution, hidden = solution_code(exercise.answer), exercise.tests if has_hidden_tests(exercise.tests) else ""
    teacher = edition.edition == "teacher"
    if not teacher:
        solution = seal(solution, docname) if exercise.rules.solution != "never" else None
        hidden = seal(hidden, docname) if hidden and edition.hidden_tests == "page" else ""
    data = {
        "number": exercise.number,
        "setup": exercise.setup,
        "tests": public_tests(exercise.tests),
        "hidden": hidden,
        "solution": solution,
        # Whether the teacher's grading runs tests the page does not (the page says so).
        "gradedHidden": bool(has_hidden_tests(exercise.tests) and not hidden),
        "sealed": not teacher,
        "rules": asdict(exercise.rules),
    }
    encoded = base64.b64encode(json.dumps(data, ensure_ascii=False).encode()).decode()
    markup = f'<div class="{EXERCISE_DATA}" data-exercise="{html.escape(encoded)}" hidden></div>'
    return nodes.raw("", markup, format="html")


def _mark(node: nodes.Element, kind: str, number: int) -> None:
    node["classes"].extend([f"carnet-{kind}", f"carnet-for-{number}"])


@dataclass(frozen=True)
class Prepared:
    """One exercise as the author wrote it, with its rules: what its data in the page is made of."""

    number: int
    setup: list[str]
    answer: str
    tests: str
    rules: ExerciseRules


def prepare_exercises(app: Sphinx, doctree: nodes.document) -> None:
    """Starters and public tests in the page, the check's data after each exercise, hints and solutions marked."""
    docname = app.env.docname
    book = carnet_config(app).exercises
    items = list(
        doctree.findall(
            lambda n: _is_code_cell(n) or isinstance(n, nodes.hint) or is_solution(n) or is_exercise_directive(n)
        )
    )
    cells = [node for node in items if _is_code_cell(node)]
    for index, cell in enumerate(cells):
        number = cell.get("cell_index", index) + 1
        for problem in tag_problems(_tags(cell), number) + marker_problems(_code(cell), _tags(cell), number):
            stop_page(app, problem)
    try:
        found = find_exercises([{"cell_type": "code", "metadata": {"tags": _tags(cell)}} for cell in cells])
    except ExerciseError as err:
        problem = err.text(author_language(app))
        LOGGER.warning(f"{problem} [carnet.exercise]", location=docname, type="carnet", subtype="exercise")
        found = []
    positions = [(items.index(cells[e.answer]), items.index(cells[e.tests])) for e in found]
    rules: list[ExerciseRules] = []
    for exercise in found:
        try:
            rules.append(_prepare(app, exercise, cells, book))
        except (ExerciseError, SettingError) as err:
            stop_page(app, err.said or str(err))
            rules.append(ExerciseRules(solution="never"))
    labels = {node.get("label"): items.index(node) for node in items if is_exercise_directive(node)}
    for position, node in enumerate(items):
        if positions and isinstance(node, nodes.hint):
            _mark(node, "hint", found[_owner(position, positions, after_first=True)].number)
        elif is_solution(node):
            number, own = 0, book  # a solution of a page without checked exercises: the book's rules
            if positions:
                target = labels.get(node.get("target_label"))
                owner = _owner(target, positions, True) if target is not None else _owner(position, positions, False)
                number, own = found[owner].number, rules[owner]
                _mark(node, "solution", number)
            if book.edition == "student":
                _seal_or_drop(node, number, own)


def stop_page(app: Sphinx, problem: Said | str, line: int | None = None) -> None:
    """A mistake that would publish a solution or lose content: named, and the build fails (nothing published)."""
    text = problem.text(author_language(app)) if isinstance(problem, Said) else problem
    page_problems(app.env)[app.env.docname] = text
    location = (app.env.docname, line) if line else app.env.docname
    LOGGER.error(f"{text} [carnet.exercise]", location=location, type="carnet", subtype="exercise")


def _seal_or_drop(node: nodes.Element, exercise: int, rules: ExerciseRules) -> None:
    """In the pupils' edition a written solution is sealed, or dropped when its rules never show it."""
    if rules.solution == "never":
        node.parent.remove(node)
        return
    box = sealed_solution(exercise=exercise, classes=[SEALED, *(c for c in node["classes"] if c.startswith("carnet-"))])
    node["classes"] = [c for c in node["classes"] if not c.startswith("carnet-")]
    node.replace_self(box)
    box += node


def _prepare(app: Sphinx, exercise: Exercise, cells: list[nodes.container], book: ExercisesConfig) -> ExerciseRules:
    """One exercise's cells as the pupil sees them, and its data after its tests cell; its rules."""
    answer, tests = cells[exercise.answer], cells[exercise.tests]
    number = answer.get("cell_index", exercise.answer) + 1
    solution, checks = _code(answer), _code(tests)
    where = translate(author_language(app), "failure.cell", cell=number)
    rules = _rules(app, answer, where)
    _replace_code(answer, starter(solution, translate(app.config.language, "exercise.todo"), number))
    _replace_code(tests, public_tests(checks, tests.get("cell_index", exercise.tests) + 1))
    setup = [_code(cells[index]) for index in exercise.setup]
    for index in exercise.setup:
        cells[index].parent.remove(cells[index])
    prepared = Prepared(exercise.number, setup, solution, checks, rules)
    tests.parent.insert(tests.parent.index(tests) + 1, _payload(app.env.docname, prepared, book))
    return rules


def visit_sealed_solution(translator: HTML5Translator, node: sealed_solution) -> None:
    """Remember where the solution's HTML starts."""
    node["body_start"] = len(translator.body)


def depart_sealed_solution(translator: HTML5Translator, node: sealed_solution) -> None:
    """Replace the solution's HTML by its seal: the page opens it when the rules allow, or when asked.

    A solution of a checked exercise is revealed by the exercise's script (its classes say which);
    any other is a ``<details>`` the pupil opens.
    """
    start = node["body_start"]
    markup = "".join(translator.body[start:])
    del translator.body[start:]
    sealed = seal(markup, translator.builder.current_docname)
    box = f'<div class="{html.escape(" ".join(node["classes"]))}" data-carnet-sealed="{sealed}"></div>'
    builder = translator.builder
    if not (node["exercise"] and page_facts(builder.env, builder.current_docname).live):
        summary = html.escape(translate(builder.config.language, "exercise.show_written_solution"))
        box = f'<details class="carnet-sealed-solution"><summary>{summary}</summary>{box}</details>'
    translator.body.append(box)


def skip_sealed_solution(translator: Any, node: sealed_solution) -> None:
    """Other writers (LaTeX, text…) leave a sealed solution out."""
    raise nodes.SkipNode


class MisspeltDirectives(SphinxTransform):
    """A directive unknown to Sphinx but close to a known one (``{exercice}``) stops the build, with the fix.

    MyST and docutils only warn, in English, and drop the directive with its content: a statement or
    a solution would be missing from the page without the build failing. Their warnings are still
    in the doctree here: Sphinx filters them out at priority 999.
    """

    default_priority = 900

    def apply(self, **kwargs: Any) -> None:
        """Name each misspelt directive of the page just read."""
        known = {*directives._directives, *directives._directive_registry}
        for message in self.document.findall(nodes.system_message):
            match = UNKNOWN_DIRECTIVE.search(message.astext())
            if match and (problem := directive_problem(match["name"], known)):
                stop_page(self.app, problem, line=message.get("line"))


def add_exercise_styles(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """Pages whose exercises the page's script checks get their styles (hints hidden until asked for).

    Only those: without Run buttons, hints and solutions stay visible as the author wrote them. A
    page holding a sealed solution gets the small script that opens it.
    """
    if doctree is None:
        return
    if page_facts(app.env, pagename).live and any(EXERCISE_DATA in n.astext() for n in doctree.findall(nodes.raw)):
        app.add_css_file(browser_url("exercise", "carnet-exercise.css"))
    if any(True for _ in doctree.findall(sealed_solution)):
        app.add_js_file("carnet-live/sealed.mjs", type="module")


def setup_exercises(app: Sphinx) -> None:
    """Pages show exercises as pupils start them, with what the page needs to check them."""
    app.setup_extension("sphinx_exercise")
    app.add_node(
        sealed_solution,
        html=(visit_sealed_solution, depart_sealed_solution),
        **dict.fromkeys(("latex", "text", "man", "texinfo"), (skip_sealed_solution, None)),
    )
    # Before Sphinx's collectors (doctree-read, priority 500): the images of the solution's outputs
    # must not be collected, hence copied into the site.
    app.connect("doctree-read", prepare_exercises, priority=400)
    app.add_transform(MisspeltDirectives)
    app.connect("html-page-context", add_exercise_styles)
