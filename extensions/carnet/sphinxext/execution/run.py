"""Execute every notebook page, keep going past failures, and fail the build with all of them.

myst-nb executes notebooks through jupyter-cache's ``single_nb_execution``, which only catches
cell errors and time-outs: a kernel that dies (``os._exit``) or a kernelspec that is not installed
raises out of Sphinx and aborts the whole book with no HTML. It also reports only the exception
class, and writes tracebacks into the published ``_build/html/reports``. myst-nb offers no hook
for any of this, so Carnet installs its own executor in the two myst-nb modules that call
``single_nb_execution`` (``cache`` and ``auto``/``force`` modes) at ``builder-inited``, after
checking that myst-nb still calls it from there (a myst-nb release that moved the call would
otherwise silently turn validation off), and puts the originals back at ``build-finished``.
myst-nb's ``inline`` mode runs notebooks by another path: Carnet refuses it. The executor:

- picks the kernel (see :mod:`carnet.core.kernels`), warning when it substitutes one;
- runs the page in a copy of the book (see :mod:`carnet.core.sandbox`): no page can change or
  delete the author's files, and what it writes comes back as by-products, never published;
- runs the notebook with nbclient, remembering which cell is running;
- turns any failure into a :class:`~carnet.core.failures.PageFailure` stored in the environment,
  and its traceback into ``_build/tracebacks/`` (beside the site, never inside it).

At ``build-finished`` every failure is printed in one summary and the exit status is set to 1.
Pages that failed are re-read on the next build, so a failure is never hidden by caching.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.errors import ConfigError, ExtensionError
from sphinx.util import logging

from ...core.failures import PageFailure, strip_ansi, summary
from ...core.i18n import translate
from ...core.notebooks import timeout_problem
from ...core.paths import tracebacks_path
from ...core.sandbox import Sandbox
from ..book.config import author_language, carnet_config
from ..book.envdata import env_data
from ..book.state import build_state
from .executor import Executor

LOGGER = logging.getLogger(__name__)

#: jupyter-book's and myst-nb's default cell time-out, which Carnet raises to its own default.
UPSTREAM_DEFAULT_TIMEOUT = 30
#: Carnet's default: long enough for a real lesson, short enough to catch a hung cell in CI.
DEFAULT_TIMEOUT = 120


def traceback_path(app: Sphinx, docname: str) -> Path:
    """The traceback file of one page."""
    return tracebacks_path(Path(app.outdir)).joinpath(*f"{docname}.err.log".split("/"))


def failures_of(env: BuildEnvironment) -> dict[str, PageFailure]:
    """The failures recorded in this environment, by docname."""
    return env_data(env).failures


def executed_now(env: BuildEnvironment) -> dict[str, float]:
    """Pages executed by this build (not taken from the cache), with their run time in seconds."""
    return env_data(env).executed_now


def written_now(env: BuildEnvironment) -> dict[str, list[str]]:
    """Files each page executed by this build wrote into the book (relative to it)."""
    return env_data(env).written_now


def byproducts_path(app: Sphinx) -> Path:
    """Where the files written by pages' executions are remembered (beside the site, across builds).

    Kept outside the environment: a page served from the execution cache is not executed again,
    yet the files it wrote the first time must still be known as by-products.
    """
    return Path(app.outdir).parent / ".carnet-byproducts.json"


def remembered_byproducts(app: Sphinx) -> dict[str, list[str]]:
    """By page: the files its last execution wrote (earlier builds' record, updated by this build's)."""
    from ...core.manifest import read_manifest

    known = read_manifest(byproducts_path(app))
    known.update(written_now(app.env))
    return {name: files for name, files in known.items() if name in app.env.found_docs}


def byproducts(app: Sphinx) -> set[str]:
    """Every file (relative to the book) that a page's execution wrote, in this build or an earlier one."""
    return {name for files in remembered_byproducts(app).values() for name in files}


def remember_byproducts(app: Sphinx, exception: Exception | None) -> None:
    """Keep the record of by-products for the next builds (whose pages may come from the cache)."""
    if exception is None:
        from ...core.manifest import write_manifest

        write_manifest(byproducts_path(app), remembered_byproducts(app))


def record_failure(app: Sphinx, docname: str, failure: PageFailure, detail: str) -> None:
    """Keep a page's failure for the final summary, say it now, and write its full traceback."""
    failures_of(app.env)[docname] = failure
    message = failure.message(author_language(app))
    LOGGER.warning(f"{message} [carnet.execution]", location=docname, type="carnet", subtype="execution")
    path = traceback_path(app, docname)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"{message}\n\n{strip_ansi(detail)}\n", encoding="utf-8")


def forget_traceback(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    """A failed page being read again loses its old traceback (before its failure is forgotten)."""
    if docname in failures_of(env):
        traceback_path(app, docname).unlink(missing_ok=True)


#: The myst-nb modules (and the client class of each) that call jupyter-cache's ``single_nb_execution``.
EXECUTING_MODULES = (
    ("myst_nb.core.execute.cache", "NotebookClientCache"),
    ("myst_nb.core.execute.direct", "NotebookClientDirect"),
)


def executing_modules(language: str) -> list[Any]:
    """myst-nb's modules whose ``single_nb_execution`` Carnet replaces, checked to still call it.

    Replacing a module attribute that myst-nb no longer uses would succeed silently and turn
    execution validation off: refuse to build instead.
    """
    import importlib

    from jupyter_cache.executors.utils import single_nb_execution

    modules = []
    for module_name, client in EXECUTING_MODULES:
        try:
            module = importlib.import_module(module_name)
            calls = "single_nb_execution" in getattr(module, client).start_client.__code__.co_names
        except (ImportError, AttributeError):
            calls = False
        current = getattr(module, "single_nb_execution", None) if calls else None
        if current is not single_nb_execution and not isinstance(current, Executor):
            raise ExtensionError(translate(language, "config.mystnb_version", module=module_name))
        modules.append(module)
    return modules


def install_executor(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """Route myst-nb's notebook execution through Carnet's executor for this build.

    Installed just before pages are read: a build that stops earlier (a setting, a runtime that
    cannot be prepared) never reaches ``build-finished``, where it is undone.
    """

    def executed(docname: str, seconds: float) -> None:
        executed_now(app.env)[docname] = seconds

    def failed(docname: str, failure: PageFailure, detail: str) -> None:
        record_failure(app, docname, failure, detail)

    def wrote(docname: str, files: list[str]) -> None:
        written_now(app.env)[docname] = files

    limit = (carnet_config(app).output.max_kb * 1000, translate(app.config.language, "output.cut"))
    earlier = byproducts(app)
    sandbox = Sandbox(Path(app.srcdir), earlier.__contains__, skip=[app.outdir, app.doctreedir])
    executor = Executor(app, executed, failed, wrote, sandbox, limit)
    state = build_state(app)
    state.replaced_executors = []
    for module in executing_modules(author_language(app)):
        state.replaced_executors.append((module, module.single_nb_execution))
        module.single_nb_execution = executor


def restore_executor(app: Sphinx, exception: Exception | None) -> None:
    """Put myst-nb's own executor back, so that nothing outlives this build in the process (a kernel started ahead)."""
    state = build_state(app)
    for module, original in state.replaced_executors:
        if isinstance(module.single_nb_execution, Executor):
            module.single_nb_execution.warm.discard()
            module.single_nb_execution.sandbox.close()
        module.single_nb_execution = original
    state.replaced_executors = []


def set_defaults(app: Sphinx, config: Any) -> None:
    """Raise the upstream 30 s cell time-out to Carnet's default; silence myst-nb's duplicate messages.

    Refuse myst-nb's ``inline`` mode: it bypasses Carnet's executor, so failures would go unreported.
    """
    if config.nb_execution_mode == "inline":
        raise ConfigError(translate(author_language(app), "config.inline"))
    problem = timeout_problem(config.nb_execution_timeout)
    if problem:
        raise ConfigError(f"execute.timeout: {problem.text(author_language(app))}")
    if config.nb_execution_timeout == UPSTREAM_DEFAULT_TIMEOUT:
        config.nb_execution_timeout = DEFAULT_TIMEOUT
    # Carnet reports each failing page itself, naming the cell; myst-nb's line only names the class.
    if "mystnb.exec" not in config.suppress_warnings:
        config.suppress_warnings = [*config.suppress_warnings, "mystnb.exec"]


def write_cached_outputs(app: Sphinx, doctree: Any) -> None:
    """Give a page taken from the cache its outputs in ``jupyter_execute/``.

    On a cache hit myst-nb renders the cached outputs but writes the notebook it read, without
    them (it merges the cache's outputs into a copy). Carnet's "try it" notebooks, the browser
    check and ``carnet grade`` read that file: it gets the cached outputs here.
    """
    import nbformat
    from jupyter_cache import get_cache

    config = app.env.mystnb_config
    docname = app.env.docname
    path = Path(config.output_folder) / f"{docname}.ipynb"
    if config.execution_mode != "cache" or docname in executed_now(app.env) or not path.is_file():
        return
    notebook = nbformat.read(path, as_version=4)
    if any(cell.get("outputs") for cell in notebook.cells):
        return
    try:
        _, merged = get_cache(config.execution_cache_path or ".jupyter_cache").merge_match_into_notebook(notebook)
    except KeyError:  # not in the cache: a page without code, or one that was never executed
        return
    path.write_text(nbformat.writes(merged), encoding="utf-8")


def reread_failed(
    app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]
) -> Iterable[str]:
    """Pages that failed last time are read (and executed) again: a failure never hides in a cache."""
    return [name for name in failures_of(env) if name not in removed]


def report_failures(app: Sphinx, exception: Exception | None) -> None:
    """Print every failing page in one summary and make the build exit non-zero."""
    if exception is not None:
        return
    failures = list(failures_of(app.env).values())
    if failures:
        language = author_language(app)
        tracebacks = translate(language, "failure.tracebacks", folder=tracebacks_path(Path(app.outdir)))
        LOGGER.error(
            f"{summary(failures, language)}\n{tracebacks}",
            type="carnet",
            subtype="execution",
        )
        app.statuscode = 1


def setup_execution(app: Sphinx) -> None:
    """Validate execution of every page; see the module docstring."""
    app.connect("config-inited", set_defaults)
    app.connect("env-before-read-docs", install_executor)
    app.connect("env-get-outdated", reread_failed)
    app.connect("doctree-read", write_cached_outputs)
    app.connect("build-finished", report_failures)
    app.connect("build-finished", remember_byproducts)
    app.connect("build-finished", restore_executor)
    app.connect("env-purge-doc", forget_traceback, priority=400)  # before the collector forgets the failure
