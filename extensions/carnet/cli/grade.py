"""``carnet grade SUBMISSIONS``: run every exercise of every handed-in notebook against its full tests.

A hand-in is a notebook of the course (downloaded from the page, JupyterLite or Capytale) holding the
pupil's answers in its ``exercise-answer`` cells. Each runs in its own kernel with a time-out per
cell; its tests cells are replaced by the book's own (hidden tests included) when the hand-in's page
is found in the built book (``_build/jupyter_execute``), else its own are used and its row says so.
A malformed or foreign file is reported by name and never stops the others.

The result is a CSV a teacher opens in a spreadsheet: one row per hand-in (a pupil's copy of one
page), the number of exercises passed out of how many (numbers, to sort on), the attempts, hints and
solutions the page counted, then each exercise's result and failing message side by side. It speaks
the run's language (the book's): a French one is written with ``;`` between columns, as French
Excel and LibreOffice expect. Both start with a UTF-8 byte order mark, without which Excel, in any
language, reads the file in the system's legacy encoding and garbles every accented name.
"""

from __future__ import annotations

import argparse
import csv
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.errors import CarnetError
from ..core.exercises import ExerciseError, find_exercises
from ..core.notebooks import cell_error
from ..core.paths import BookPaths
from .book import book_paths
from .language import cli_language, say

#: The columns before the exercises' (``cli.grade_column.*`` in the catalogs); the file name comes last.
COLUMNS = ("pupil", "page", "passed", "exercises", "attempts", "hints", "solutions", "note")
#: What the page's "Télécharger mon travail" counts per exercise in ``metadata.carnet.exercises``, summed per copy.
PROGRESS = ("attempts", "hints", "solutions")


@dataclass
class Graded:
    """One hand-in, graded: a row of the CSV and a line of the summary."""

    file: str
    pupil: str
    #: The page's docname as the book names it (``content/01-bases/fonctions``), or what the hand-in says.
    page: str
    #: Each exercise's number and why it failed (``None``: every test passed).
    results: list[tuple[int, str | None]] = field(default_factory=list)
    #: Attempts, hints and solutions shown, as the page counted them; ``None`` when the hand-in has no count.
    progress: dict[str, int] | None = None
    #: Why the hand-in could not be graded, or how it was (with its own tests).
    note: str = ""


def book_pages(paths: BookPaths) -> dict[str, Path]:
    """The built book's executed pages by docname (``content/01-bases/fonctions``), if it was built."""
    folder = paths.build / "jupyter_execute"
    if not folder.is_dir():
        return {}
    return {path.relative_to(folder).with_suffix("").as_posix(): path for path in sorted(folder.rglob("*.ipynb"))}


def _stem(docname: str) -> str:
    """A page's file name without its folders: what a hand-in's file name starts with."""
    return docname.rpartition("/")[2]


def page_of(submission: Path, named: str, pages: dict[str, Path]) -> str:
    """The hand-in's page as the book names it: its docname, found from ``metadata.carnet.page`` or the file name.

    The page's download names its docname in the metadata, older copies only its file name, and a
    file name such as ``fonctions - Léa.ipynb`` only the last part: all lead to the same docname, so
    that a class's copies of one page share their columns. Without the book, or a name that is not
    one page's, what the hand-in says is kept.
    """
    if named in pages:
        return named
    if named:
        found = [docname for docname in pages if _stem(docname) == _stem(named)]
    else:
        prefixes = [docname for docname in pages if submission.stem.startswith(_stem(docname))]
        longest = max((len(_stem(docname)) for docname in prefixes), default=0)
        found = [docname for docname in prefixes if len(_stem(docname)) == longest]
    return found[0] if len(found) == 1 else named


def _pupil(submission: Path, metadata: dict[str, Any], page: str) -> str:
    """The pupil's name: metadata ``carnet.pupil``, else the file name less the page's."""
    named = str(metadata.get("pupil", "")).strip()
    if named:
        return named
    rest = submission.stem.removeprefix(_stem(page)).strip(" -_.") if page else ""
    return rest or submission.stem


def _progress(metadata: dict[str, Any]) -> dict[str, int] | None:
    """The pupil's attempts, hints and solutions shown over the page's exercises (written by the pupil's browser)."""
    saved = metadata.get("exercises")
    entries = [entry for entry in saved if isinstance(entry, dict)] if isinstance(saved, list) else []
    if not entries:
        return None

    def count(entry: dict[str, Any], key: str) -> int:
        value = entry.get(key)
        return value if type(value) is int and value > 0 else 0

    return {
        "attempts": sum(count(entry, "attempts") for entry in entries),
        "hints": sum(count(entry, "hints") for entry in entries),
        "solutions": sum(entry.get("solution") is True for entry in entries),
    }


def _failure(answer: dict[str, str] | None, tests: dict[str, str] | None, timeout: int) -> str | None:
    """Why an exercise failed, from its cells' errors (``None``: it passed)."""
    failed = answer or tests
    if failed is None:
        return None
    if failed["ename"] == "KeyboardInterrupt":
        return say("grade_timeout", timeout=timeout)
    message = f"{failed['ename']}: {failed['evalue']}".rstrip(": ")
    return say("grade_answer_raised", error=message) if answer is not None else message


def grade_one(submission: Path, pages: dict[str, Path], timeout: int) -> Graded:
    """Run one hand-in against its page's full tests."""
    import nbformat

    from ..sphinxext.executor import run_notebook

    try:
        notebook = nbformat.read(submission, as_version=4)
        exercises = find_exercises(notebook.cells)
    except (ExerciseError, ValueError, KeyError, AttributeError, OSError) as err:
        page = page_of(submission, "", pages)
        reason = err.text(cli_language()) if isinstance(err, CarnetError) else str(err)
        return Graded(submission.name, _pupil(submission, {}, page), page, note=say("grade_not_notebook", error=reason))
    metadata = notebook.metadata.get("carnet")
    metadata = metadata if isinstance(metadata, dict) else {}
    page = page_of(submission, str(metadata.get("page", "")), pages)
    graded = Graded(submission.name, _pupil(submission, metadata, page), page, progress=_progress(metadata))
    if not exercises:
        graded.note = say("grade_no_exercise")
        return graded
    if page in pages:
        book_cells = nbformat.read(pages[page], as_version=4).cells
        for mine, theirs in zip(exercises, find_exercises(book_cells), strict=False):
            notebook.cells[mine.tests].source = book_cells[theirs.tests].source
    else:
        graded.note = say("grade_own_tests")
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    try:
        run_notebook(notebook, str(submission.parent), timeout, interrupt_on_timeout=True)
    except Exception as err:  # a kernel that died or could not start: this hand-in only
        graded.note = say("grade_not_run", error=f"{type(err).__name__}: {err}")
        return graded
    graded.results = [
        (
            exercise.number,
            _failure(cell_error(notebook.cells[exercise.answer]), cell_error(notebook.cells[exercise.tests]), timeout),
        )
        for exercise in exercises
    ]
    return graded


def table(hand_ins: list[Graded]) -> list[list[object]]:
    """The CSV's rows: a header, then one row per hand-in with a result and a message column per exercise."""
    exercises = sorted({(graded.page, number) for graded in hand_ins for number, _ in graded.results})
    header: list[object] = [say(f"grade_column.{name}") for name in COLUMNS]
    for page, number in exercises:
        title = " · ".join(part for part in (page, say("grade_exercise", number=number)) if part)
        header += [title, f"{title} · {say('grade_column.message')}"]
    rows = [[*header, say("grade_column.file")]]
    for graded in hand_ins:
        failures = {(graded.page, number): failure for number, failure in graded.results}
        passed = sum(failure is None for failure in failures.values())
        progress = graded.progress or {}
        row: list[object] = [graded.pupil, graded.page]
        row += [passed, len(failures)] if failures else ["", ""]
        row += [progress.get(name, "") for name in PROGRESS]
        row.append(graded.note)
        for key in exercises:
            if key not in failures:
                row += ["", ""]
                continue
            failure = failures[key]
            row += [say("grade_failed" if failure else "grade_passed"), failure or ""]
        rows.append([*row, graded.file])
    return rows


def summary(hand_ins: list[Graded]) -> list[str]:
    """One line per hand-in (its score, or why it has none), then its failures and any note."""
    lines = []
    for graded in hand_ins:
        if not graded.results:
            lines.append(f"  - {graded.file}: {graded.note}")
            continue
        passed = sum(failure is None for _, failure in graded.results)
        lines.append(f"  - {graded.pupil} ({graded.file}): {passed}/{len(graded.results)}")
        lines += [f"      {number}. {failure}" for number, failure in graded.results if failure]
        lines += [f"      {graded.note}"] if graded.note else []
    return lines


def run(args: argparse.Namespace) -> int:
    """``carnet grade``: grade every hand-in of a folder; write the CSV; print a summary."""
    folder = Path(args.submissions)
    if not folder.is_dir():
        raise CarnetError(say("no_folder", dir=folder))
    submissions = sorted(path for path in folder.rglob("*.ipynb") if ".ipynb_checkpoints" not in path.parts)
    try:
        pages = book_pages(book_paths(Path(args.book)))
    except CarnetError:  # no book there: each hand-in is graded against its own tests
        pages = {}
    hand_ins = [grade_one(submission, pages, args.timeout) for submission in submissions]
    output = Path(args.out) if args.out else folder / "notes.csv"
    try:
        with output.open("w", encoding="utf-8-sig", newline="") as stream:
            csv.writer(stream, delimiter=";" if cli_language() == "fr" else ",").writerows(table(hand_ins))
    except OSError as err:
        raise CarnetError(say("grade_not_written", csv=output, error=err.strerror or err)) from err
    print("\n".join([say("grade_title", count=len(submissions), csv=output), *summary(hand_ins)]))
    return 0
