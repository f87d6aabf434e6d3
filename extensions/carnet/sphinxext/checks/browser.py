"""Every page proven to run in the reader's browser: the browser check.

Once the pages are executed (``env-updated``), each page with Run buttons runs again in the Pyodide
runtime the book serves, under Node (:file:`browser_check.mjs`): one runtime for every page, each
page in a fresh namespace and a folder holding exactly the files the book publishes for it. Its
outputs are compared with the build's (:mod:`carnet.core.compare`): **same**, **differs**, **fails**
or **offline** (packages the machine could not download). Verdicts are kept in
``_build/carnet-browser.json``, keyed by what they depend on, so a page is checked again only when
it, its files, the runtime or Carnet's runtime helper change.

Node runs the pages in the background while Sphinx writes them. ``carnet check`` runs the pages
without a valid verdict and fails when a page fails. Unless ``carnet.check.in_build`` is false,
every build does it too when Node is installed, with Node at a lower priority than the build's own
processes: the status page shows the verdicts and ``carnet check`` after a build has nothing left
to run. A page marked ``carnet: {browser: false}`` is not run: its readers are told why (see
:mod:`carnet.activities.code.page`).
"""

from __future__ import annotations

import hashlib
import json
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

import nbformat
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging

from ...activities import browser_folder
from ...activities.code.page import live_pages
from ...assets.runtime import runtime_root
from ...core import compare
from ...core.compare import Verdict, compare_page, notebook_cell_view
from ...core.i18n import messages, translate
from ...core.urls import RUNTIME_PATH
from ...run.kernels import run_in_background
from ..book.config import author_language, carnet_config
from ..book.envdata import env_data
from ..book.pagefiles import folder_files, page_folder, stamp_files
from ..book.pages import notebook_pages, page_facts
from ..book.state import build_state
from .background import Background, CheckMode, check_mode, checks_in_browser, kept_results

LOGGER = logging.getLogger(__name__)
RUNNER = Path(__file__).with_name("browser_check.mjs")
#: The page's runtime helper and its modules, which the check runs as the page does.
CODE_BROWSER = browser_folder("code")
#: Seconds Node may take to start Pyodide before the first cell.
START_BUDGET = 120
#: The verdicts kept between builds, beside the site.
STORE = "carnet-browser.json"


def verdicts(env: BuildEnvironment) -> dict[str, dict[str, Any]]:
    """The browser verdict of each checked page (as stored: ``status``, ``cell``, ``detail``…)."""
    return env_data(env).browser


def verdicts_pending(app: Sphinx) -> bool:
    """Whether Node is checking pages now: their verdicts come in at the end of the build."""
    background = build_state(app).browser
    return bool(background and background.running)


def browser_pages(app: Sphinx) -> tuple[list[str], list[str], list[str]]:
    """Pages to check in the browser, pages their author marked ``browser: false``, and pages not executed.

    A page the build did not execute (``execution_mode: off`` in its metadata, or the book's
    ``execute_notebooks: off``) has no outputs to compare with: it is not run either.
    """
    from myst_nb.sphinx_ import NbMetadataCollector

    facts = {name: page_facts(app.env, name) for name in notebook_pages(app.env)}
    refused = [name for name, fact in facts.items() if fact.pyodide and fact.browser_refused]
    data = NbMetadataCollector.get_doc_data(app.env)
    live = live_pages(app)
    unexecuted = [name for name in live if not data.get(name, {}).get("exec_data")]
    return [name for name in live if name not in unexecuted], refused, unexecuted


def _code_cells(notebook: Any) -> list[Any]:
    """The cells the build ran (a ``skip-execution`` cell has nothing to compare)."""
    return [
        cell
        for cell in notebook.cells
        if cell.cell_type == "code" and "skip-execution" not in cell.get("metadata", {}).get("tags", [])
    ]


def _job_page(app: Sphinx, docname: str) -> dict[str, Any] | None:
    """What Node needs to run a page, with the build's views of its cells and a fingerprint."""
    executed = Path(app.outdir).parent / "jupyter_execute" / f"{docname}.ipynb"
    if not executed.is_file():
        return None
    notebook = nbformat.read(executed, as_version=4)
    cells = _code_cells(notebook)
    folder = page_folder(docname)
    prefix = f"{folder}/" if folder else ""
    srcdir = Path(app.srcdir)
    files = [[name.removeprefix(prefix), str(srcdir / name)] for name in folder_files(app, folder)]
    digest = hashlib.sha256()
    digest.update(json.dumps([[cell.source, cell.get("outputs", [])] for cell in cells], sort_keys=True).encode())
    stamp_files(digest, files)
    return {
        "page": docname,
        "folder": folder,
        "files": files,
        "cells": [cell.source for cell in cells],
        "expected": [notebook_cell_view(cell.get("outputs", [])) for cell in cells],
        "fingerprint": digest.hexdigest(),
    }


def _runtime_fingerprint(app: Sphinx) -> str:
    """What every verdict depends on besides its page: the runtime, Carnet's helper and the comparison."""
    sources = (CODE_BROWSER / "carnet_runtime.py", CODE_BROWSER / "carnet_errors.py", RUNNER, Path(compare.__file__))
    helper = b"".join(path.read_bytes() for path in sources)
    return hashlib.sha256(str(runtime_root(carnet_config(app).runtime)).encode() + helper).hexdigest()[:16]


def _forward_lines(stream: Any, lines: queue.Queue[str | None]) -> None:
    """Pass Node's output on line by line (``None`` at the end), so the caller can wait with a time-out."""
    with stream:  # closed once Node's output ends: nothing is left open
        for line in stream:
            lines.put(line)
    lines.put(None)


def start_node(root: Path) -> subprocess.Popen:
    """Node with the runtime in ``root`` starting, waiting for its pages on stdin.

    Pyodide starts in about 0.6 s from a memory snapshot, kept beside ``root`` in Carnet's cache
    (never inside: ``root`` is published); the first check takes 5 s and writes it. Node's error
    output goes to a file: a pipe nobody reads until the end could fill and stop it.
    """
    errors = tempfile.TemporaryFile(mode="w+")
    snapshot = root.with_name(f"{root.name}.snapshot")
    process = subprocess.Popen(
        ["node", str(RUNNER), str(root / RUNTIME_PATH), str(snapshot)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=errors,
        text=True,
    )
    process.carnet_errors = errors
    run_in_background(process.pid)
    return process


def _node_error(stderr: str) -> str:
    """The line of Node's output that says what went wrong (it ends with its own version)."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    errors = [line for line in lines if "Error" in line]
    return (errors or lines or ["node stopped"])[0][:500]


def _read_errors(process: subprocess.Popen) -> str:
    """What Node wrote to its error output (see :func:`start_node`)."""
    process.carnet_errors.seek(0)
    return process.carnet_errors.read()


def _run_node(
    root: Path,
    texts: dict[str, str],
    pages: list[dict[str, Any]],
    budget: float,
    started: Any,
    note: Callable[[str], None],
    language: str,
) -> dict[str, Any]:
    """Run ``pages`` under Node; return ``{page: cells}`` or ``{page: Verdict}`` when a page hung.

    ``started``: a Node already starting (:func:`start_node`), or ``None``. A page whose cell runs
    longer than ``budget`` seconds ends Node; the remaining pages run in a new one. ``note`` receives
    a line per page (its time); verdicts are worded in ``language``.
    """
    results: dict[str, Any] = {}
    remaining = list(pages)
    while remaining:
        job = {
            "helper": str(CODE_BROWSER / "carnet_runtime.py"),
            "messages": texts,
            "pages": [{key: page[key] for key in ("page", "folder", "files", "cells")} for page in remaining],
        }
        process, started = started or start_node(root), None
        lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=_forward_lines, args=(process.stdout, lines), daemon=True).start()
        try:
            process.stdin.write(json.dumps(job))
            process.stdin.close()
        except BrokenPipeError:  # Node stopped before reading its pages; its error is read below
            pass
        current, deadline = (remaining[0]["page"], 0), time.monotonic() + START_BUDGET
        while True:
            try:
                line = lines.get(timeout=max(deadline - time.monotonic(), 0.01))
            except queue.Empty:
                process.kill()
                hung = translate(language, "browser.cause.still_running", seconds=f"{budget:.0f}")
                results[current[0]] = Verdict("fails", current[1], hung)
                break
            if line is None:
                break
            message = json.loads(line)
            if "started" in message:
                note(f"browser check: Pyodide started in {message['started']:.1f} s")
            elif "cells" in message:
                results[message["page"]] = message["cells"]
                note(f"browser check: {message['page']} in {message['seconds']:.1f} s")
            else:
                current, deadline = (message["page"], message["cell"]), time.monotonic() + budget
        process.wait()
        stopped = [page for page in remaining if page["page"] not in results]
        failed = stopped == remaining  # Node itself failed before any page ended
        error_output = _read_errors(process) if failed else ""
        process.carnet_errors.close()
        if failed:
            error = translate(language, "browser.cause.could_not_run", error=_node_error(error_output))
            for page in stopped:
                results[page["page"]] = Verdict("fails", None, error)
            break
        remaining = stopped
    return results


def can_run(app: Sphinx) -> bool:
    """Whether this build runs the browser check: wanted, a hosted runtime, and Node."""
    settings = carnet_config(app)
    hosted = settings.live.enabled and settings.runtime.source == "self"
    return bool(checks_in_browser(app) and hosted and shutil.which("node"))


def start_checks(app: Sphinx, env: BuildEnvironment) -> None:
    """Reuse each verdict still valid; start checking the other pages in the background.

    Node runs them while Sphinx writes the pages (one core writes, Node takes the other); the status
    page, written meanwhile, is written again once the verdicts are in (see :func:`finish_checks`).
    """
    settings = carnet_config(app)
    if app.builder.format != "html" or not settings.live.enabled:
        return
    pages, skipped, unexecuted = browser_pages(app)
    background = Background(Path(app.outdir).parent / STORE)
    kept = kept_results(background.store)
    shared = _runtime_fingerprint(app)
    jobs = [job for job in (_job_page(app, name) for name in pages) if job is not None]
    results: dict[str, dict[str, Any]] = {name: {"status": "skipped"} for name in skipped}
    not_executed = translate(author_language(app), "browser.not_executed")
    results.update({name: {"status": "skipped", "detail": not_executed} for name in unexecuted})
    results.update({name: {"status": "unchecked"} for name in pages})  # until a verdict is known
    for job in jobs:
        job["key"] = f"{shared}:{job['fingerprint']}"
        if kept.get(job["page"], {}).get("key") == job["key"]:
            results[job["page"]] = kept[job["page"]]
        elif checks_in_browser(app):
            background.jobs.append(job)
    env_data(env).browser = results
    state = build_state(app)
    early, state.browser_node = state.browser_node, None
    if background.jobs and can_run(app):
        language = author_language(app)
        root = runtime_root(settings.runtime)
        budget = float(app.config.nb_execution_timeout)
        texts = _page_texts(app)
        todo, ran, say = background.jobs, background.results, background.notes.append
        background.start(
            "carnet-browser-check", lambda: ran.update(_run_node(root, texts, todo, budget, early, say, language))
        )
    else:
        _stop(early)
    state.browser = background


def _page_texts(app: Sphinx) -> dict[str, str]:
    """What the page's runtime says (``live.*`` in the catalogs), in the book's language, by key."""
    return {key.removeprefix("live."): value for key, value in messages(app.config.language, "live.").items()}


def finish_checks(app: Sphinx, exception: Exception | None) -> None:
    """Wait for the verdicts, keep them for the next build and warn about each page that fails."""
    state = build_state(app)
    background, state.browser = state.browser, None
    if background is None:
        return
    background.join()
    for note in background.notes:
        LOGGER.info(note)
    language = author_language(app)
    results = verdicts(app.env)
    todo, ran, texts = background.jobs, background.results, _page_texts(app)
    pythons = versions(app, language) if todo else ""
    for job in todo if background.running else []:
        did_not_run = Verdict("fails", None, translate(language, "browser.cause.did_not_run"))
        outcome = ran.get(job["page"], did_not_run)
        if isinstance(outcome, Verdict):
            verdict = outcome
        else:
            verdict = compare_page(job["expected"], outcome, texts, language, job["cells"], pythons)
        results[job["page"]] = {**asdict(verdict), "key": job["key"]}
    state.late_verdicts = bool(ran)
    if todo and not background.running and check_mode(app) is CheckMode.ALL:
        settings = carnet_config(app)
        why = translate(language, "browser.why_cdn" if settings.runtime.source != "self" else "browser.why_node")
        said = translate(language, "browser.not_run", why=why)
        LOGGER.warning(f"{said} [carnet.browser]", type="carnet", subtype="browser")
    background.keep(results)
    # Only a failure warns (a `--strict` build stops); a difference is reported by `carnet check`.
    for name, verdict in sorted(results.items()):
        if verdict["status"] == "fails":
            message = Verdict.stored(verdict).message(language)
            said = translate(language, "browser.fails", message=message)
            LOGGER.warning(f"{said} [carnet.browser]", location=name, type="carnet", subtype="browser")


def versions(app: Sphinx, language: str) -> str:
    """The build's Python and the browser's (from the runtime's lock), as a difference's cause names them."""
    lock = runtime_root(carnet_config(app).runtime) / RUNTIME_PATH / "pyodide-lock.json"
    try:
        browser = ".".join(json.loads(lock.read_text(encoding="utf-8"))["info"]["python"].split(".")[:2])
    except (OSError, ValueError, KeyError):
        browser = "?"
    build = f"{sys.version_info[0]}.{sys.version_info[1]}"
    return translate(language, "browser.versions", build=build, browser=browser)


def start_early(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """Start Pyodide under Node (it takes seconds) while the pages are read and executed.

    ``carnet check`` starts it at once. A build that checks its pages starts it only when pages are
    read: a rebuild that changed nothing has nothing to check (a page whose files alone changed
    starts Node once its check is known to be needed, see :func:`start_checks`).
    """
    state = build_state(app)
    if app.builder.format != "html" or state.browser_node or not can_run(app):
        return
    if check_mode(app) is CheckMode.ALL or docnames:
        state.browser_node = start_node(runtime_root(carnet_config(app).runtime))


def start_for_check(app: Sphinx) -> None:
    """``carnet check`` starts Node as soon as the runtime is ready, whatever the build reads."""
    start_early(app, app.env, [])


def _stop(process: Any) -> None:
    """End a Node started early that no check took, and close its output."""
    if process is None:
        return
    if process.poll() is None:
        process.kill()
        process.wait()
    for stream in (process.stdin, process.stdout, process.carnet_errors):
        if stream is not None:
            stream.close()


def stop_early(app: Sphinx, exception: Exception | None) -> None:
    """A build that ended before its check leaves no Node behind."""
    _stop(build_state(app).browser_node)


def setup_browsercheck(app: Sphinx) -> None:
    """Check pages in the browser's runtime once they are executed, while the pages are written.

    ``carnet_check``: ``""`` (a build: as ``carnet.check.in_build`` says), ``"all"`` (``carnet
    check``: always, or a warning says why not) or ``"no-browser"`` (``carnet check --no-browser``).
    """
    app.add_config_value("carnet_check", "", "", types=[str])
    # After the runtime is prepared (builder-inited, see .live).
    app.connect("builder-inited", start_for_check, priority=900)
    app.connect("env-before-read-docs", start_early, priority=900)
    app.connect("env-updated", start_checks)
    app.connect("build-finished", finish_checks, priority=800)
    app.connect("build-finished", stop_early)
