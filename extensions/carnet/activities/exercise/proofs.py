"""Every exercise proven: its solution passes its tests, its starter fails them.

The build has already run each page as the author wrote it, full solutions and hidden tests
included: a tests cell that raised there means the solution fails its own tests. The starter is
proven by running the page again with every answer replaced by what the pupil gets (see
:mod:`carnet.activities.exercise.cells`), in the build's Python kernel, in a scratch folder holding the page's
published files: each tests cell must then raise, or the tests check nothing the pupil writes.

``carnet check`` runs them, and so does every build unless ``carnet.check.in_build`` is false. A
starter run needs only the page's source and files: the pages about to be read are proven as
reading starts (:func:`start_early`), the others once every page is executed (``env-updated``),
in the background while Sphinx writes the pages; at most ``-j`` kernels at a time each, at a
lower priority than the build's own (:func:`carnet.run.kernels.run_in_background`). Their outcome is kept
in ``_build/carnet-proofs.json``, keyed by what it depends on (the page's cells, its files, the
kernel set-up), so a rebuild proves only the pages that changed and ``carnet check`` after a build
proves nothing again. Problems are warnings of the build and lines of ``carnet check``.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import nbformat
from myst_nb.core.read import create_nb_reader
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging

from ...core.i18n import translate
from ...core.notebooks import cell_error
from ...run.notebooks import KERNEL_SETUP, run_notebook
from ...sphinxext.book.config import author_language
from ...sphinxext.book.envdata import env_data
from ...sphinxext.book.pagefiles import folder_files, page_folder, publish_rules, scan_folder, stamp_files
from ...sphinxext.book.pages import notebook_pages
from ...sphinxext.book.shard import in_shard
from ...sphinxext.book.state import EarlyProofs, build_state
from ...sphinxext.checks.background import Background, kept_results, proves_exercises
from .cells import Exercise, ExerciseError, find_exercises, starter_notebook_cells

LOGGER = logging.getLogger(__name__)
#: Seconds a cell of the starter run may take (a starter is short; a loop waiting on ``...`` is not).
CELL_TIMEOUT = 60
STORE = "carnet-proofs.json"


def proofs(env: BuildEnvironment) -> dict[str, Any]:
    """The book's exercises as the build proved them: ``count`` and ``problems`` (``page``, ``message``)."""
    return env_data(env).proofs


def _raised(cell: Any) -> str | None:
    """The error a cell's outputs show (``ename: evalue``), if it raised."""
    error = cell_error(cell)
    return f"{error['ename']}: {error['evalue']}".rstrip(": ") if error else None


def _starters_job(
    docname: str, notebook: Any, exercises: list[Exercise], todo: str, files: dict[str, Path]
) -> dict[str, Any]:
    """The page (with ``exercises``) run with every answer replaced by its starter, in a folder holding ``files``."""
    variant = nbformat.from_dict({**notebook, "cells": starter_notebook_cells(notebook.cells, todo)})
    folder = page_folder(docname)
    prefix = f"{folder}/" if folder else ""
    listed = [(name.removeprefix(prefix), path) for name, path in files.items()]
    digest = hashlib.sha256(KERNEL_SETUP.encode())
    digest.update(json.dumps([cell.source for cell in variant.cells]).encode())
    stamp_files(digest, listed)
    return {
        "page": docname,
        "key": digest.hexdigest(),
        "tests": [(exercise.number, exercise.tests) for exercise in exercises],
        "notebook": variant,
        "files": listed,
    }


def _page_proof(app: Sphinx, docname: str, todo: str, said: str) -> dict[str, Any] | None:
    """What proving a page takes (``None``: no exercise), with the problems its build run already shows."""
    executed = Path(app.outdir).parent / "jupyter_execute" / f"{docname}.ipynb"
    if not executed.is_file():
        return None
    notebook = nbformat.read(executed, as_version=4)
    try:
        exercises = find_exercises(notebook.cells)
    except ExerciseError as err:
        return {"page": docname, "count": 0, "problems": [err.text(said)], "key": ""}
    if not exercises:
        return None
    problems = []
    for exercise in exercises:
        error = _raised(notebook.cells[exercise.tests])
        if error:
            message = translate(said, "exercise.solution_fails", number=exercise.number, cell=exercise.tests + 1)
            problems.append(f"{message}: {error}")
    try:
        job = _starters_job(docname, notebook, exercises, todo, folder_files(app, page_folder(docname)))
    except ExerciseError as err:  # a marker without its pair
        return {"page": docname, "count": 0, "problems": [err.text(said)], "key": ""}
    return {**job, "count": len(exercises), "problems": problems}


def _prove_starters(job: dict[str, Any], said: str) -> list[str]:
    """Run the page with its starters in a scratch copy of its files; each tests cell that passed."""
    variant = job["notebook"]
    try:
        with tempfile.TemporaryDirectory(prefix="carnet-starter-") as scratch:
            for name, path in job["files"]:
                target = Path(scratch) / name
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, target)
            run_notebook(variant, scratch, CELL_TIMEOUT, background=True)
    except ExerciseError as err:
        return [err.text(said)]
    except Exception as err:  # a kernel that cannot start: say so for this page, prove the others
        return [f"{translate(said, 'exercise.starters_failed')}: {type(err).__name__}: {err}"]
    return [
        translate(said, "exercise.starter_passes", number=number, cell=tests + 1)
        for number, tests in job["tests"]
        if _raised(variant.cells[tests]) is None
    ]


def _outcome(job: dict[str, Any], starters: list[str]) -> dict[str, Any]:
    """A page's proof as kept: its problems, those its starters showed apart (they are what is reused)."""
    return {"count": job["count"], "key": job["key"], "problems": job["problems"] + starters, "starters": starters}


def _source_notebook(app: Sphinx, docname: str) -> Any | None:
    """The page as myst-nb reads it before executing it (None: not a notebook, or not readable)."""
    path = app.env.doc2path(docname)
    try:
        text = Path(path).read_text(encoding="utf-8")
        reader = create_nb_reader(str(path), app.env.myst_config, app.env.mystnb_config, text)
        return reader.read(text) if reader is not None else None
    except Exception:  # a malformed page: the build says what is wrong with it; it is proven after
        return None


def start_early(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """Start proving the starters of the pages about to be read, in the background, as reading begins.

    A starter run needs only the page's source and files, not its execution: started now, at a
    lower priority than the build's own kernels, the proofs use the cores the readers leave idle
    instead of adding to the end of the build. Each is keyed as :func:`start_proofs` keys it, which
    takes the result when the page it finally proves has the same key (the same cells and files).
    """
    if not proves_exercises(app):
        return
    said = author_language(app)
    todo = translate(app.config.language, "exercise.todo")
    kept = _kept(app)
    rules = publish_rules(app)
    pool = ThreadPoolExecutor(max_workers=max(1, app.parallel), thread_name_prefix="carnet-early-proof")
    early: dict[str, Any] = {}
    for docname in sorted(docnames):
        notebook = _source_notebook(app, docname)
        if notebook is None or not in_shard(env, docname):
            continue
        try:
            exercises = find_exercises(notebook.cells)
            if not exercises:
                continue
            job = _starters_job(docname, notebook, exercises, todo, scan_folder(app, page_folder(docname), rules))
        except ExerciseError:  # a marker without its pair: said once the page is read (see start_proofs)
            continue
        if kept.get(docname, {}).get("key") != job["key"]:
            early[job["key"]] = pool.submit(_prove_starters, job, said)
    build_state(app).early_proofs = EarlyProofs(pool, early)


def _kept(app: Sphinx) -> dict[str, Any]:
    """The proofs an earlier build kept (see :data:`STORE`)."""
    return kept_results(Path(app.outdir).parent / STORE)


def start_proofs(app: Sphinx, env: BuildEnvironment) -> None:
    """Reuse the proofs still valid; start proving the other pages' starters in the background.

    ``carnet check`` proves them; a build, unless ``carnet.check.in_build`` is false. A proof
    started early for the same cells and files (:func:`start_early`) is taken, not run again.
    """
    if not proves_exercises(app):
        return
    kept = _kept(app)
    said = author_language(app)
    todo = translate(app.config.language, "exercise.todo")
    jobs = [_page_proof(app, name, todo, said) for name in notebook_pages(env) if in_shard(env, name)]
    results, pending = {}, []
    for job in filter(None, jobs):
        known = kept.get(job["page"], {})
        if not job["key"]:  # exercises written wrongly: nothing to prove
            results[job["page"]] = _outcome(job, [])
        elif known.get("key") == job["key"]:
            results[job["page"]] = _outcome(job, known.get("starters", []))
        else:
            pending.append(job)

    state = build_state(app)
    early = state.early_proofs.futures if state.early_proofs else {}
    background = Background(Path(app.outdir).parent / STORE, pending, results)

    def prove() -> None:
        with ThreadPoolExecutor(max_workers=max(1, app.parallel)) as late:
            started = [early.pop(job["key"], None) or late.submit(_prove_starters, job, said) for job in pending]
            for job, proof in zip(pending, started, strict=True):
                results[job["page"]] = _outcome(job, proof.result())

    background.start("carnet-proofs", prove)
    state.proofs = background


def finish_proofs(app: Sphinx, exception: Exception | None) -> None:
    """Wait for the proofs, keep them for the next build and warn about each problem."""
    state = build_state(app)
    background, state.proofs = state.proofs, None
    if background is not None:
        background.join()  # before the early proofs are stopped: it may be waiting for some of them
    if state.early_proofs is not None:  # early proofs nobody took (their page changed), or a build that stopped early
        state.early_proofs.pool.shutdown(wait=True, cancel_futures=True)
        state.early_proofs = None
    if background is None:  # nothing started, or already finished (build-finished comes again after an error)
        return
    results = background.results
    background.keep(results)
    problems = [
        {"page": page, "message": message} for page, proof in sorted(results.items()) for message in proof["problems"]
    ]
    env_data(app.env).proofs = {"count": sum(proof["count"] for proof in results.values()), "problems": problems}
    for problem in problems:
        LOGGER.warning(
            f"{problem['message']} [carnet.exercise]", location=problem["page"], type="carnet", subtype="exercise"
        )


def setup_proofs(app: Sphinx) -> None:
    """Prove the exercises while the pages are written (after the report's inputs, before the report).

    Each step comes just after the browser check's (:mod:`carnet.sphinxext.checks.browser`): the
    check starts its runner first and joins it first, as when both were set up in that order.
    """
    app.connect("env-before-read-docs", start_early, priority=950)
    app.connect("env-updated", start_proofs, priority=501)
    app.connect("build-finished", finish_proofs, priority=801)
