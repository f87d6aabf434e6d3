"""``carnet grade SUBMISSIONS``: run every exercise of every handed-in notebook against its full tests.

A hand-in is a notebook of the course (downloaded from the page, JupyterLite or Capytale) holding the
pupil's answers in its ``exercise-answer`` cells. Each runs in its own kernel with a time-out per
cell; its tests cells are replaced by the book's own (hidden tests included) when the hand-in's page
is found in the built book (``_build/jupyter_execute``), else its own are used. A malformed or
foreign file is reported by name and never stops the others. Results: a CSV (pupil, file, page,
exercise, result, message) and a summary.
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path
from typing import Any

from ..core.errors import CarnetError
from ..core.exercises import ExerciseError, find_exercises
from ..core.notebooks import cell_error
from ..core.paths import BookPaths
from .book import book_paths
from .language import say


def book_pages(paths: BookPaths) -> dict[str, Path]:
    """The built book's executed pages by file stem (``fonctions`` → its notebook), if it was built."""
    folder = paths.build / "jupyter_execute"
    return {path.stem: path for path in sorted(folder.rglob("*.ipynb"))} if folder.is_dir() else {}


def _page_of(submission: Path, notebook: Any, pages: dict[str, Path]) -> tuple[str, Path | None]:
    """The book page a hand-in comes from (metadata ``carnet.page``, else the longest matching file stem)."""
    named = str(notebook.metadata.get("carnet", {}).get("page", ""))
    if named:
        stem = named.rpartition("/")[2]
        return named, pages.get(stem)
    matches = [stem for stem in pages if submission.stem.startswith(stem)]
    stem = max(matches, key=len) if matches else ""
    return stem, pages.get(stem)


def _pupil(submission: Path, notebook: Any, page: str) -> str:
    """The pupil's name: metadata ``carnet.pupil``, else the file name less the page's."""
    named = str(notebook.metadata.get("carnet", {}).get("pupil", "")).strip()
    if named:
        return named
    rest = submission.stem[len(page.rpartition("/")[2]) :].strip(" -_.") if page else ""
    return rest or submission.stem


def grade_one(submission: Path, pages: dict[str, Path], timeout: int) -> list[dict[str, str]]:
    """The rows of one hand-in (one per exercise, or one saying why it could not be graded)."""
    import nbformat

    from ..sphinxext.executor import run_notebook

    base = {"pupil": submission.stem, "file": submission.name, "page": "", "exercise": ""}
    try:
        notebook = nbformat.read(submission, as_version=4)
        exercises = find_exercises(notebook.cells)
    except (ExerciseError, ValueError, KeyError, AttributeError, OSError) as err:
        return [{**base, "result": "error", "message": f"not a notebook of the course: {err}"}]
    if not exercises:
        return [{**base, "result": "error", "message": "no exercise in this notebook (exercise-answer cells)"}]
    page, reference = _page_of(submission, notebook, pages)
    base |= {"pupil": _pupil(submission, notebook, page), "page": page}
    if reference is not None:
        book_cells = nbformat.read(reference, as_version=4).cells
        for mine, theirs in zip(exercises, find_exercises(book_cells), strict=False):
            notebook.cells[mine.tests].source = book_cells[theirs.tests].source
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    try:
        run_notebook(notebook, str(submission.parent), timeout, interrupt_on_timeout=True)
    except Exception as err:  # a kernel that died or could not start: this hand-in only
        return [{**base, "result": "error", "message": f"could not run: {type(err).__name__}: {err}"}]
    rows = []
    for exercise in exercises:
        answer, tests = cell_error(notebook.cells[exercise.answer]), cell_error(notebook.cells[exercise.tests])
        failed = answer or tests
        if failed is None:
            rows.append({**base, "exercise": str(exercise.number), "result": "passed", "message": ""})
            continue
        message = f"{failed['ename']}: {failed['evalue']}".rstrip(": ")
        if failed["ename"] == "KeyboardInterrupt":
            message = f"still running after {timeout} s"
        elif answer is not None:
            message = f"the answer raised {message}"
        rows.append({**base, "exercise": str(exercise.number), "result": "failed", "message": message})
    return rows


FIELDS = ("pupil", "file", "page", "exercise", "result", "message")


def run(args: argparse.Namespace) -> int:
    """``carnet grade``: grade every hand-in of a folder; write the CSV; print a summary."""
    folder = Path(args.submissions)
    submissions = sorted(path for path in folder.rglob("*.ipynb") if ".ipynb_checkpoints" not in path.parts)
    try:
        pages = book_pages(book_paths(Path(args.book)))
    except CarnetError:  # no book there: each hand-in is graded against its own tests
        pages = {}
    rows = [row for submission in submissions for row in grade_one(submission, pages, args.timeout)]
    output = Path(args.out) if args.out else folder / "notes.csv"
    with output.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=FIELDS)
        writer.writeheader()
        writer.writerows(rows)
    lines = [say("grade_title", count=len(submissions), csv=output)]
    for file in dict.fromkeys(row["file"] for row in rows):
        mine = [row for row in rows if row["file"] == file]
        if mine[0]["result"] == "error" and not mine[0]["exercise"]:
            lines.append(f"  - {file}: {mine[0]['message']}")
            continue
        passed = sum(row["result"] == "passed" for row in mine)
        lines.append(f"  - {mine[0]['pupil']} ({file}): {passed}/{len(mine)}")
        lines += [f"      {row['exercise']}. {row['message']}" for row in mine if row["result"] != "passed"]
    print("\n".join(lines))
    return 0
