"""``carnet check``'s proof of every exercise: its solution passes its tests, its starter fails them.

The build has already run each page as the author wrote it, full solutions and hidden tests
included: a tests cell that raised there means the solution fails its own tests. The starter is
proven by running the page again with every answer replaced by what the pupil gets (see
:mod:`carnet.core.exercises`), in the build's Python kernel, in a scratch folder holding the page's
published files: each tests cell must then raise, or the tests check nothing the pupil writes.
"""

from __future__ import annotations

import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from ..core.exercises import ExerciseError, find_exercises, starter_notebook_cells
from ..core.i18n import author_language, translate
from ..core.notebooks import cell_error
from ..core.paths import BookPaths
from ..core.settings import SettingError, parse_config
from .book import book_language

#: Seconds a cell of the starter run may take (a starter is short; a loop waiting on ``...`` is not).
CELL_TIMEOUT = 60


def _raised(cell: Any) -> str | None:
    """The error a cell's outputs show (``ename: evalue``), if it raised."""
    error = cell_error(cell)
    return f"{error['ename']}: {error['evalue']}".rstrip(": ") if error else None


def _lite_files(paths: BookPaths, config: dict[str, Any]) -> Path:
    """Where the checked site holds the pages' published files (JupyterLite's contents)."""
    carnet = ((config.get("sphinx") or {}).get("config") or {}).get("carnet") or {}
    try:
        lite_dir = parse_config(carnet).launch.lite_dir
    except SettingError:
        lite_dir = "lite"
    return paths.staging / lite_dir / "files"


def _run_starters(notebook: Any, folder: Path, language: str | None) -> Any:
    """The page run with its starters, in a copy of its published folder; the executed notebook."""
    import nbformat

    from ..sphinxext.executor import run_notebook

    variant = nbformat.from_dict({**notebook, "cells": starter_notebook_cells(notebook.cells, _todo(language))})
    with tempfile.TemporaryDirectory(prefix="carnet-starter-") as scratch:
        if folder.is_dir():
            shutil.copytree(folder, scratch, dirs_exist_ok=True)
        run_notebook(variant, scratch, CELL_TIMEOUT)
    return variant


def _todo(language: str | None) -> str:
    return translate(language, "exercise.todo")


def exercise_problems(
    paths: BookPaths, pages: list[str], config: dict[str, Any], jobs: int = 1
) -> tuple[int, list[dict[str, str]]]:
    """How many exercises the book has, and each one that breaks a rule (``page``, ``message``).

    The pages' starters run ``jobs`` at a time (each in its own kernel): kernels spend most of their
    start-up waiting, so a book's proofs take about the time of its slowest pages, not their sum.
    """
    import nbformat

    language = book_language(config)
    said = author_language(language)
    files = _lite_files(paths, config)
    count, problems = 0, []
    todo = []
    for page in pages:
        executed = paths.build / "jupyter_execute" / f"{page}.ipynb"
        if not executed.is_file():
            continue
        notebook = nbformat.read(executed, as_version=4)
        try:
            exercises = find_exercises(notebook.cells)
        except ExerciseError as err:
            problems.append({"page": page, "message": err.text(said)})
            continue
        if not exercises:
            continue
        count += len(exercises)
        for exercise in exercises:
            error = _raised(notebook.cells[exercise.tests])
            if error:
                message = translate(said, "exercise.solution_fails", number=exercise.number, cell=exercise.tests + 1)
                problems.append({"page": page, "message": f"{message}: {error}"})
        todo.append((page, notebook, exercises))

    def prove(page: str, notebook: Any, exercises: list[Any]) -> list[dict[str, str]]:
        try:
            ran = _run_starters(notebook, files / page.rpartition("/")[0], language)
        except ExerciseError as err:
            return [{"page": page, "message": err.text(said)}]
        except Exception as err:  # a kernel that cannot start: say so for this page, check the others
            message = translate(said, "exercise.starters_failed")
            return [{"page": page, "message": f"{message}: {type(err).__name__}: {err}"}]
        return [
            {"page": page, "message": translate(said, "exercise.starter_passes", number=e.number, cell=e.tests + 1)}
            for e in exercises
            if _raised(ran.cells[e.tests]) is None
        ]

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        for found in pool.map(lambda job: prove(*job), todo):
            problems.extend(found)
    problems.sort(key=lambda problem: problem["page"])
    return count, problems
