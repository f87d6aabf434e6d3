"""Carnet's notebook executor: nbclient on a kernel chosen for the page, never aborting the book.

It replaces jupyter-cache's ``single_nb_execution`` inside myst-nb (see :mod:`carnet.sphinxext.execution.run`). For
each page it checks the notebook's own ``execution`` settings, picks the kernel (see
:mod:`carnet.core.kernels`), runs the notebook remembering which cell is running, and turns any
failure into a :class:`~carnet.core.failures.PageFailure` of that page only. A cell that raises
does not stop its page: every failing cell of a page is reported in one build (an author tagging
the cells that show errors on purpose needs one build, not one per cell).

Kernels run in their own process group, talk over local sockets and keep their own console
output (ipykernel's internal logs) out of the author's terminal; when a kernel shuts down, every
process it started (a ``subprocess.Popen`` left running by a cell) ends with it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from jupyter_cache.executors.utils import ExecutionResult
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat import NotebookNode
from sphinx.application import Sphinx
from sphinx.util import logging

from ...core.failures import (
    PageFailure,
    cell_failures,
    first_source_line,
    first_text_line,
    page_failure,
    strip_ansi,
)
from ...core.i18n import translate
from ...core.kernels import choose_kernel, installed_kernels
from ...core.notebooks import cap_outputs, execution_settings, timeout_setting
from ...core.progress import Ticker
from ...core.sandbox import Sandbox
from ...core.settings import SettingError
from ...run.kernels import LocalSocketKernelManager, WarmKernel
from ...run.notebooks import prepare_python_kernel
from ..book.config import author_language, carnet_config
from .parallel import announce

LOGGER = logging.getLogger(__name__)


class PageExecutionError(Exception):
    """The error myst-nb sees for a failed page; Carnet has already recorded the details."""


class Executor:
    """Drop-in for jupyter-cache's ``single_nb_execution`` that never lets a page abort the book.

    ``executed(docname, seconds)``, ``failed(docname, failure, detail)`` and ``wrote(docname, files)``
    (the files its execution created or changed, relative to the book) record what happened.
    """

    def __init__(
        self,
        app: Sphinx,
        executed: Callable[[str, float], None],
        failed: Callable[[str, PageFailure, str], None],
        wrote: Callable[[str, list[str]], None],
        sandbox: Sandbox,
        output_limit: tuple[int, str] = (1_000_000, "output cut: {size} MB"),
    ) -> None:
        self.app, self.env = app, app.env
        env = app.env
        #: The copy of the book pages execute in (see :mod:`carnet.core.sandbox`).
        self.sandbox = sandbox
        #: Bytes of output one cell may put in the page, and the note left where output was cut.
        self.output_limit = output_limit
        self.executed = executed
        self.failed = failed
        self.wrote = wrote
        self._kernels: dict[str, str] | None = None
        # Kernels of this build (pages', proofs', started ahead) get the secrets the author lets through.
        LocalSocketKernelManager.passed_env = carnet_config(app).execution.pass_env
        #: The next page's Python kernel, starting while this page runs (in the copy of the book).
        self.warm = WarmKernel(str(env.srcdir))

    def kernels(self) -> dict[str, str]:
        """Installed kernels, looked up once per build."""
        if self._kernels is None:
            self._kernels = installed_kernels()
        return self._kernels

    def __call__(
        self,
        nb: NotebookNode,
        cwd: str | None,
        timeout: int | None,
        allow_errors: bool,
        meta_override: bool = True,
        record_timing: bool = False,
        **kwargs: Any,
    ) -> ExecutionResult:
        """Execute ``nb`` in place; on failure return an error and record it for the current page."""
        docname = self.env.docname
        source = str(self.env.doc2path(docname, False))
        start = time.perf_counter()
        announce(self.app, f"[carnet] execute: {source}")
        language = author_language(self.app)
        if meta_override:
            try:
                timeout, allow_errors = execution_settings(nb.metadata, timeout, allow_errors)
            except SettingError as err:
                problem = err.text(language)
                return self._failed(nb, cwd, start, docname, PageFailure(source, problem), problem)

        choice = choose_kernel(nb.metadata, self.kernels())
        run_in = self.sandbox.folder(cwd)  # the page's folder, in the copy of the book
        self.warm.folder = str(self.sandbox.root)
        note = choice.note.text(language) if choice.note else ""
        if choice.name is None:
            return self._failed(nb, cwd, start, docname, PageFailure(source, note), note)
        if note:
            LOGGER.warning(f"{note} [carnet.kernel]", location=docname, type="carnet", subtype="kernel")

        running: list[int] = []
        limited = timeout is not None and timeout > 0

        def still_running(index: int, seconds: float) -> None:
            where = PageFailure(source, "", index + 1, first_source_line(nb.cells[index].source)).where(language)
            announce(self.app, f"[carnet] running: {where} — {seconds:.0f} s{f' / {timeout} s' if limited else ''}")

        # A hung cell is not silence: its page, cell and time show while it runs.
        watch = Ticker(still_running, first=min(10, timeout / 2) if limited else 10, every=30)
        python = self.kernels().get(choice.name) == "python"
        setup = {"on_notebook_start": lambda notebook: prepare_python_kernel(client)} if python else {}
        client = NotebookClient(
            nb,
            km=self.warm.take(choice.name) if python else None,
            kernel_name=choice.name,
            kernel_manager_class=LocalSocketKernelManager,
            timeout=timeout,
            allow_errors=True,  # the page's errors are judged after it ran (cell_failures)
            record_timing=record_timing,
            resources={"metadata": {"path": run_in}},
            on_cell_execute=lambda cell, cell_index: (running.append(cell_index), watch.start(cell_index)),
            **setup,
            **kwargs,
        )
        stopped: list[PageFailure] = []  # the cell the page stopped at, if it did not run to its end
        detail = ""
        try:
            with watch:
                if python:
                    self.warm.start(choice.name)  # the next page's kernel starts while this one runs
                client.execute(cleanup_kc=True)  # a kernel started ahead is shut down after its page too
        except CellTimeoutError as err:
            setting = timeout_setting(nb.metadata, timeout, self.env.config.nb_metadata_key) if meta_override else None
            said_timeout = (
                translate(language, "failure.timeout_page", timeout=timeout, setting=setting)
                if setting
                else translate(language, "failure.timeout", timeout=timeout)
            )
            cause = f"TimeoutError: {said_timeout}"
            stopped, detail = [self._at_cell(source, nb, running, cause)], str(err)
        except DeadKernelError as err:
            cause = f"DeadKernelError: {translate(language, 'failure.dead_kernel')}"
            stopped, detail = [self._at_cell(source, nb, running, cause)], str(err)
        except Exception as err:  # the kernel could not start or talk: fail this page only
            cause = f"{type(err).__name__}: {first_text_line(str(err))}"
            stopped, detail = [PageFailure(source, cause)], repr(err)
        finally:
            self.wrote(docname, self.sandbox.settle())
            self._cap_outputs(docname, nb)
        ran = running[-1] if stopped and running else len(nb.cells)
        failures = [*cell_failures(source, nb.cells[:ran], allow_errors, language), *stopped]
        if failures:
            detail = "\n\n".join([*(_traceback(nb.cells[f.cell - 1]) for f in failures if f not in stopped), detail])
            return self._failed(nb, cwd, start, docname, page_failure(failures), detail.strip())
        seconds = time.perf_counter() - start
        self.executed(docname, seconds)
        return ExecutionResult(nb, cwd, seconds)

    def _cap_outputs(self, docname: str, nb: NotebookNode) -> None:
        """Keep a page light however much a cell printed; say which cell was cut."""
        limit, note = self.output_limit
        language = author_language(self.app)
        for number, size in cap_outputs(nb.cells, limit, note):
            message = translate(language, "output.capped", cell=number, size=f"{size / 1e6:.1f}", kb=limit // 2000)
            LOGGER.warning(
                f"{message} [carnet.output]",
                location=docname,
                type="carnet",
                subtype="output",
            )

    @staticmethod
    def _at_cell(source: str, nb: NotebookNode, running: list[int], cause: str) -> PageFailure:
        """A failure located at the cell that was running when it happened."""
        if not running:
            return PageFailure(source, cause)
        index = running[-1]
        return PageFailure(source, cause, cell=index + 1, first_line=first_source_line(nb.cells[index].source))

    def _failed(
        self, nb: NotebookNode, cwd: str | None, start: float, docname: str, failure: PageFailure, detail: str
    ) -> ExecutionResult:
        seconds = time.perf_counter() - start
        self.executed(docname, seconds)
        self.failed(docname, failure, detail)
        # An empty exc_string keeps myst-nb from writing its own report into the published site.
        return ExecutionResult(nb, cwd, seconds, PageExecutionError(failure.message()), "")


def _traceback(cell: NotebookNode) -> str:
    """The traceback a failing cell shows (nothing when it failed by raising nothing)."""
    errors = [output for output in cell.get("outputs", []) if output.get("output_type") == "error"]
    return "\n".join(strip_ansi("\n".join(output.get("traceback", []))) for output in errors)
