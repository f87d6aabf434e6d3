"""``carnet grade SUBMISSIONS``: run every exercise of every handed-in notebook against its full tests.

A hand-in is a notebook of the course (downloaded from the page, JupyterLite or Capytale) holding the
pupil's answers in its ``exercise-answer`` cells. Each runs in its own kernel with a time-out per
cell, in its page's folder of a copy of the book (see :mod:`carnet.core.sandbox`): it finds the
page's files there, and what its code writes or deletes is undone before the next copy, never
reaching the copies' folder or the book. Its tests cells are replaced by the book's own (hidden
tests included) when the hand-in's page is found in the built book (``_build/jupyter_execute``),
else its own are used and its row says so.
A malformed or foreign file is reported by name and never stops the others.

The result is a CSV a teacher opens in a spreadsheet: one row per pupil, whose copies of several
pages are merged, so that a class's results read down one column per exercise. A row holds the
exercises passed out of every page's exercises (numbers, to sort on), the attempts, hints and
solutions the pages counted, then each exercise's result and failing message side by side; a page
the pupil did not hand in says so in its cells rather than leaving them blank like an exercise
that could not be run. It speaks the run's language (the book's): a French one is written with
``;`` between columns, as French Excel and LibreOffice expect. Both start with a UTF-8 byte order
mark, without which Excel, in any language, reads the file in the system's legacy encoding and
garbles every accented name.
"""

from __future__ import annotations

import argparse
import csv
import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..activities.exercise.cells import ExerciseError, find_exercises
from ..core.errors import CarnetError
from ..core.notebooks import cell_error
from ..core.paths import BookPaths
from ..core.sandbox import Sandbox
from .book import book_paths
from .language import cli_language, say

#: The columns before the exercises' (``cli.grade_column.*`` in the catalogs); the files' names come last.
COLUMNS = ("pupil", "passed", "exercises", "attempts", "hints", "solutions", "note")
#: What the page's "Télécharger mon travail" counts per exercise in ``metadata.carnet.exercises``, summed per copy.
PROGRESS = ("attempts", "hints", "solutions")


@dataclass
class Graded:
    """One hand-in, graded: one page of its pupil's row in the CSV and in the summary."""

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
    """The pupil's name: metadata ``carnet.pupil``, else the file name less the page's, written one way."""
    named = str(metadata.get("pupil", "")).strip()
    rest = submission.stem.removeprefix(_stem(page)).strip(" -_.") if page else ""
    name = named or rest or submission.stem
    # One spelling per pupil, so that their pages share a row: macOS writes file names decomposed
    # (``e`` + accent) where the page's metadata has ``é``, and a typed name may hold double spaces.
    return " ".join(unicodedata.normalize("NFC", name).split())


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


def grade_one(submission: Path, pages: dict[str, Path], timeout: int, sandbox: Sandbox) -> Graded:
    """Run one hand-in against its page's full tests, in its page's folder of a copy of the book.

    A pupil's code may write or delete files: it runs in ``sandbox``, never beside the copies
    (the other pupils' hand-ins, the CSV) nor in the book, and finds the page's data files there.
    """
    import nbformat

    from ..run.notebooks import run_notebook

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
        folder = sandbox.folder(str((sandbox.source / page).parent)) if page in pages else str(sandbox.root)
        run_notebook(notebook, folder, timeout, interrupt_on_timeout=True)
    except Exception as err:  # a kernel that died or could not start: this hand-in only
        graded.note = say("grade_not_run", error=f"{type(err).__name__}: {err}")
        return graded
    finally:
        sandbox.settle()
    graded.results = [
        (
            exercise.number,
            _failure(cell_error(notebook.cells[exercise.answer]), cell_error(notebook.cells[exercise.tests]), timeout),
        )
        for exercise in exercises
    ]
    return graded


@dataclass
class Pupil:
    """One pupil's hand-ins, one per page: a row of the CSV and a paragraph of the summary."""

    name: str
    #: The copy graded for each page, by docname.
    pages: dict[str, Graded] = field(default_factory=dict)
    #: Remarks on the copies (why one could not be graded, which copy of a page was left aside).
    notes: list[str] = field(default_factory=list)

    def failures(self) -> dict[tuple[str, int], str | None]:
        """Each graded exercise, by page and number, and why it failed (``None``: it passed)."""
        return {(page, number): failure for page, graded in self.pages.items() for number, failure in graded.results}

    def passed(self) -> int:
        """How many of the pupil's exercises passed, over all their pages."""
        return sum(failure is None for failure in self.failures().values())

    def files(self) -> str:
        """The names of the copies graded, in the order of their pages, for the teacher to open."""
        return ", ".join(self.pages[page].file for page in sorted(self.pages))


def by_pupil(hand_ins: list[Graded]) -> list[Pupil]:
    """The hand-ins gathered per pupil, in the order of their names.

    ``hand_ins`` come oldest first: a page handed in again counts its latest copy (what the pupil
    last saved), and the pupil's remarks name the copy left aside, so that nothing is lost silently.
    """
    pupils: dict[str, Pupil] = {}
    for graded in hand_ins:
        pupil = pupils.setdefault(graded.pupil, Pupil(graded.pupil))
        earlier = pupil.pages.get(graded.page)
        if earlier is not None:
            pupil.notes.append(say("grade_replaced", file=earlier.file, kept=graded.file))
        pupil.pages[graded.page] = graded
    for pupil in pupils.values():
        pupil.notes[:0] = [say("grade_labelled", label=g.file, text=g.note) for g in pupil.pages.values() if g.note]
    return sorted(pupils.values(), key=lambda pupil: pupil.name.casefold())


def _title(page: str, number: int) -> str:
    """An exercise's column, named as the book names its page (``content/01-bases/fonctions · ex. 1``)."""
    return " · ".join(part for part in (page, say("grade_exercise", number=number)) if part)


def _exercises(pupils: list[Pupil]) -> list[tuple[str, int]]:
    """Every page's exercises that a copy was graded on: the columns, and what each pupil's total is out of."""
    return sorted({key for pupil in pupils for key in pupil.failures()})


def table(pupils: list[Pupil]) -> list[list[object]]:
    """The CSV's rows: a header, then one row per pupil with a result and a message column per exercise."""
    exercises = _exercises(pupils)
    header: list[object] = [say(f"grade_column.{name}") for name in COLUMNS]
    for page, number in exercises:
        header += [_title(page, number), f"{_title(page, number)} · {say('grade_column.message')}"]
    rows = [[*header, say("grade_column.files")]]
    for pupil in pupils:
        failures = pupil.failures()
        counted = [graded.progress for graded in pupil.pages.values() if graded.progress]
        row: list[object] = [pupil.name]
        row += [pupil.passed(), len(exercises)] if failures else ["", ""]
        row += [sum(progress[name] for progress in counted) if counted else "" for name in PROGRESS]
        row.append(" | ".join(pupil.notes))
        for key in exercises:
            if key[0] not in pupil.pages:
                row += [say("grade_not_handed_in"), ""]
            elif key not in failures:  # handed in, but not graded: the note says why
                row += ["", ""]
            else:
                row += [say("grade_failed" if failures[key] else "grade_passed"), failures[key] or ""]
        rows.append([*row, pupil.files()])
    return rows


def summary(pupils: list[Pupil]) -> list[str]:
    """One line per pupil (their total and files), then their failures, the pages they did not hand in, their notes."""
    exercises = _exercises(pupils)
    pages = sorted({page for page, _ in exercises})
    lines = []
    for pupil in pupils:
        failures = pupil.failures()
        score = f"{pupil.passed()}/{len(exercises)}" if failures else say("grade_ungraded")
        lines.append(f"  - {say('grade_labelled', label=pupil.name, text=f'{score} ({pupil.files()})')}")
        details = [say("grade_labelled", label=_title(*key), text=why) for key, why in sorted(failures.items()) if why]
        details += [
            say("grade_labelled", label=page or say("grade_no_page"), text=say("grade_not_handed_in"))
            for page in pages
            if page not in pupil.pages
        ]
        lines += [f"      {line}" for line in [*details, *pupil.notes]]
    return lines


def run(args: argparse.Namespace) -> int:
    """``carnet grade``: grade every hand-in of a folder; write the CSV; print a summary."""
    folder = Path(args.submissions)
    if not folder.is_dir():
        raise CarnetError(say("no_folder", dir=folder))
    submissions = sorted(
        (path for path in folder.rglob("*.ipynb") if ".ipynb_checkpoints" not in path.parts),
        key=lambda path: (path.stat().st_mtime, path),  # oldest first: a page handed in again counts its last copy
    )
    try:
        paths = book_paths(Path(args.book))
        pages, source = book_pages(paths), paths.source
    except CarnetError:  # no book there: each hand-in is graded against its own tests, in an empty folder
        pages, source = {}, None
    with tempfile.TemporaryDirectory(prefix="carnet-grade-") as empty:
        sandbox = Sandbox(source or Path(empty), replaceable=lambda name: False, keep_writes=False)
        try:
            pupils = by_pupil([grade_one(submission, pages, args.timeout, sandbox) for submission in submissions])
        finally:
            sandbox.close()
    output = Path(args.out) if args.out else folder / "notes.csv"
    try:
        with output.open("w", encoding="utf-8-sig", newline="") as stream:
            csv.writer(stream, delimiter=";" if cli_language() == "fr" else ",").writerows(table(pupils))
    except OSError as err:
        raise CarnetError(say("grade_not_written", csv=output, error=err.strerror or err)) from err
    print("\n".join([say("grade_title", count=len(submissions), csv=output), *summary(pupils)]))
    return 0
