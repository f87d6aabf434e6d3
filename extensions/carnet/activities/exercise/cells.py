"""Exercises in a notebook: which cells make one, the pupil's starter code, the public tests.

An author writes, in a ``.md`` or an ``.ipynb`` page, code cells tagged:

- ``exercise-setup`` (optional, before the answer): hidden prelude code;
- ``exercise-answer``: what the pupil edits. The author writes the full solution and marks what the
  pupil must write with nbgrader/otter markers: a block between ``### BEGIN SOLUTION`` and
  ``### END SOLUTION``, or one line ending with ``# SOLUTION`` (``x = 2  # SOLUTION`` gives
  ``x = ...``);
- ``exercise-tests`` (after the answer): plain ``assert`` statements with messages; a block between
  ``### BEGIN HIDDEN TESTS`` and ``### END HIDDEN TESTS`` is the secret part.

Pure functions, no I/O: the build, ``carnet check`` and the page use them alike.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ...core.errors import CarnetError
from ...core.i18n import said

SETUP, ANSWER, TESTS = "exercise-setup", "exercise-answer", "exercise-tests"
BEGIN_SOLUTION, END_SOLUTION = "### BEGIN SOLUTION", "### END SOLUTION"
BEGIN_HIDDEN, END_HIDDEN = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
ONE_LINE = re.compile(r"^(?P<indent>\s*)(?P<code>.*?)\s*#\s*SOLUTION\s*$")
ASSIGNMENT = re.compile(r"^(?P<target>[A-Za-z_][\w.\[\], ]*?)\s*(?P<op>[-+*/%@&|^]?=)\s*(?!=)")


class ExerciseError(CarnetError, ValueError):
    """An exercise written wrongly (a marker without its pair, an answer without tests…)."""


@dataclass(frozen=True)
class Exercise:
    """One exercise of a page: indexes of its cells among the notebook's cells."""

    number: int
    answer: int
    tests: int
    setup: tuple[int, ...] = ()


def _tags(cell: Mapping[str, Any]) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


def _source(cell: Mapping[str, Any]) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def find_exercises(cells: Sequence[Mapping[str, Any]]) -> list[Exercise]:
    """The exercises of a notebook, in order; an answer needs a tests cell after it (before the next answer)."""
    found: list[Exercise] = []
    setup: list[int] = []
    answer: int | None = None
    for index, cell in enumerate(cells):
        if cell.get("cell_type") != "code":
            continue
        tags = _tags(cell)
        if SETUP in tags:
            setup.append(index)
        if ANSWER in tags:
            if answer is not None:
                raise ExerciseError(said("exercise.answer_alone", cell=answer + 1))
            answer = index
        if TESTS in tags:
            if answer is None:
                raise ExerciseError(said("exercise.tests_alone", cell=index + 1))
            found.append(Exercise(len(found) + 1, answer, index, tuple(setup)))
            answer, setup = None, []
    if answer is not None:
        raise ExerciseError(said("exercise.answer_alone", cell=answer + 1))
    return found


def _blocks(source: str, begin: str, end: str, replace: Any, cell: int | None) -> str:
    """``source`` with each ``begin``…``end`` block replaced by ``replace(indent)`` lines."""
    lines, out, inside = source.splitlines(keepends=True), [], None
    where = said("exercise.where", cell=cell) if cell else said("exercise.where_unknown")
    for number, line in enumerate(lines, start=1):
        marker = line.strip()
        if marker == begin:
            if inside is not None:
                raise ExerciseError(said("exercise.nested", where=where, line=number, begin=begin, outer=inside[0]))
            inside = (number, line[: len(line) - len(line.lstrip())])
        elif marker == end:
            if inside is None:
                raise ExerciseError(said("exercise.unpaired", where=where, line=number, marker=end, pair=begin))
            out.extend(replace(inside[1]))
            inside = None
        elif inside is None:
            out.append(line)
    if inside is not None:
        raise ExerciseError(said("exercise.unpaired", where=where, line=inside[0], marker=begin, pair=end))
    return "".join(out)


def starter(source: str, todo: str, cell: int | None = None) -> str:
    """The pupil's code: each solution replaced by ``...`` and the book's "to do" comment.

    ``todo`` is that comment's text in the book's language (``à compléter``).
    """
    code = _blocks(source, BEGIN_SOLUTION, END_SOLUTION, lambda indent: [f"{indent}...  # {todo}\n"], cell)
    lines = []
    for line in code.splitlines(keepends=True):
        match = ONE_LINE.match(line.rstrip("\n"))
        if match is None:
            lines.append(line)
            continue
        indent, statement = match["indent"], match["code"]
        assignment = ASSIGNMENT.match(statement)
        if assignment:
            lines.append(f"{indent}{assignment['target']} {assignment['op']} ...\n")
        else:
            lines.append(f"{indent}...  # {todo}\n")
    return "".join(lines)


def solution_code(source: str) -> str:
    """The solution as a pupil reads it once allowed: the author's code without the markers."""
    lines = []
    for line in source.splitlines(keepends=True):
        if line.strip() in (BEGIN_SOLUTION, END_SOLUTION):
            continue
        match = ONE_LINE.match(line.rstrip("\n"))
        lines.append(f"{match['indent']}{match['code']}\n" if match else line)
    return "".join(lines)


def public_tests(source: str, cell: int | None = None) -> str:
    """The tests a pupil's page may hold: the hidden block removed."""
    return _blocks(source, BEGIN_HIDDEN, END_HIDDEN, lambda indent: [], cell)


def has_hidden_tests(source: str) -> bool:
    """Whether a tests cell has a secret part."""
    return any(line.strip() == BEGIN_HIDDEN for line in source.splitlines())


def has_solution_markers(source: str) -> bool:
    """Whether an answer cell marks what the pupil writes (else its starter is the solution itself)."""
    return BEGIN_SOLUTION in source or any(ONE_LINE.match(line) for line in source.splitlines())


def starter_notebook_cells(cells: Sequence[Mapping[str, Any]], todo: str) -> list[dict[str, Any]]:
    """The notebook's cells with every answer replaced by its starter (and outputs cleared)."""
    result = []
    for index, cell in enumerate(cells):
        copy = dict(cell)
        if cell.get("cell_type") == "code":
            copy["outputs"], copy["execution_count"] = [], None
            if ANSWER in _tags(cell):
                copy["source"] = starter(_source(cell), todo, index + 1)
        result.append(copy)
    return result
