"""Every exercise proven: its solution passes its tests, its starter fails them.

The build has already run each page as the author wrote it, full solutions and hidden tests
included: a tests cell that raised there means the solution fails its own tests. The starter is
proven by running the page again with every answer replaced by what the pupil gets (see
:mod:`carnet.core.exercises`), in the build's Python kernel, in a scratch folder holding the page's
published files: each tests cell must then raise, or the tests check nothing the pupil writes.

``carnet check`` runs them (and a build with ``carnet.check.in_build``): they start once every
page is executed (``env-updated``) and go on in the background while Sphinx writes the pages, at
most ``-j`` kernels at a time. Their outcome is kept in ``_build/carnet-proofs.json``, keyed by what it depends on (the
page's cells, its files, the kernel set-up), so a rebuild proves only the pages that changed and
``carnet check`` after a build proves nothing again. Problems are warnings of the build and lines
of ``carnet check``.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import nbformat
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging

from ..core.exercises import ExerciseError, find_exercises, starter_notebook_cells
from ..core.i18n import author_language, translate
from ..core.notebooks import cell_error
from .config import carnet_config
from .executor import KERNEL_SETUP, run_notebook
from .pagefiles import folder_files, page_folder, stamp_files
from .pages import notebook_pages
from .shard import in_shard

LOGGER = logging.getLogger(__name__)
#: Seconds a cell of the starter run may take (a starter is short; a loop waiting on ``...`` is not).
CELL_TIMEOUT = 60
STORE = "carnet-proofs.json"


def proofs(env: BuildEnvironment) -> dict[str, Any]:
    """The book's exercises as the build proved them: ``count`` and ``problems`` (``page``, ``message``)."""
    return getattr(env, "carnet_proofs", {"count": 0, "problems": []})


def _raised(cell: Any) -> str | None:
    """The error a cell's outputs show (``ename: evalue``), if it raised."""
    error = cell_error(cell)
    return f"{error['ename']}: {error['evalue']}".rstrip(": ") if error else None


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
    variant = nbformat.from_dict({**notebook, "cells": starter_notebook_cells(notebook.cells, todo)})
    folder = page_folder(docname)
    prefix = f"{folder}/" if folder else ""
    files = [(name.removeprefix(prefix), path) for name, path in folder_files(app, folder).items()]
    digest = hashlib.sha256(KERNEL_SETUP.encode())
    digest.update(json.dumps([cell.source for cell in variant.cells]).encode())
    stamp_files(digest, files)
    return {
        "page": docname,
        "count": len(exercises),
        "problems": problems,
        "key": digest.hexdigest(),
        "tests": [(exercise.number, exercise.tests) for exercise in exercises],
        "notebook": variant,
        "files": files,
    }


def _prove_starters(job: dict[str, Any], said: str) -> list[str]:
    """Run the page with its starters in a scratch copy of its files; each tests cell that passed."""
    variant = job["notebook"]
    try:
        with tempfile.TemporaryDirectory(prefix="carnet-starter-") as scratch:
            for name, path in job["files"]:
                target = Path(scratch) / name
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, target)
            run_notebook(variant, scratch, CELL_TIMEOUT)
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


def start_proofs(app: Sphinx, env: BuildEnvironment) -> None:
    """Reuse the proofs still valid; start proving the other pages' starters in the background.

    ``carnet check`` proves them; a build, only with ``carnet.check.in_build``.
    """
    if app.builder.format != "html" or not (app.config.carnet_check or carnet_config(app).check.in_build):
        return
    store = Path(app.outdir).parent / STORE
    try:
        kept = json.loads(store.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        kept = {}
    said = author_language(app.config.language)
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

    def prove() -> None:
        with ThreadPoolExecutor(max_workers=max(1, app.parallel)) as pool:
            for job, found in zip(pending, pool.map(lambda job: _prove_starters(job, said), pending), strict=True):
                results[job["page"]] = _outcome(job, found)

    worker = threading.Thread(target=prove, name="carnet-proofs", daemon=True)
    worker.start()
    app.carnet_proving = (worker, results, store)


def finish_proofs(app: Sphinx, exception: Exception | None) -> None:
    """Wait for the proofs, keep them for the next build and warn about each problem."""
    worker, results, store = getattr(app, "carnet_proving", None) or (None, {}, None)
    if worker is None:  # nothing started, or already finished (build-finished comes again after an error)
        return
    worker.join()
    app.carnet_proving = None
    store.write_text(json.dumps(results, indent=1, ensure_ascii=False), encoding="utf-8")
    problems = [
        {"page": page, "message": message} for page, proof in sorted(results.items()) for message in proof["problems"]
    ]
    app.env.carnet_proofs = {"count": sum(proof["count"] for proof in results.values()), "problems": problems}
    for problem in problems:
        LOGGER.warning(
            f"{problem['message']} [carnet.exercise]", location=problem["page"], type="carnet", subtype="exercise"
        )


def setup_proofs(app: Sphinx) -> None:
    """Prove the exercises while the pages are written (after the report's inputs, before the report)."""
    app.connect("env-updated", start_proofs)
    app.connect("build-finished", finish_proofs, priority=800)
