"""Execute pages on every core: Sphinx's parallel read, with the executions spread and the progress live.

``carnet build -j N`` runs Sphinx with N processes. Each reads (and so executes) its share of the
pages, one page at a time, with the next page's kernel starting meanwhile (see :mod:`carnet.run.kernels`): at
most 2N kernels are alive, N of them running cells. Everything Carnet records while executing lives
in the environment and is merged back by its collectors, so failures, times and by-products are the
same as in a serial build.

Two things make this work well:

- the pages are reordered before Sphinx cuts them into chunks, so that each chunk gets its share
  of the executions (see :mod:`carnet.core.schedule`);
- Sphinx holds back a reader process's messages until its chunk ends; the lines an author watches
  while pages run ("execute …", "running … cell 3 — 20 s") are relayed to the main process as they
  happen, through a queue read by a thread there.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from pathlib import Path
from typing import Any

import sphinx
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging
from sphinx.util.parallel import make_chunks, parallel_available

from ...core.i18n import translate
from ...core.notebooks import executable_source
from ...core.schedule import balanced_order
from ..book.config import author_language
from ..book.state import build_state

LOGGER = logging.getLogger(__name__)

#: What a page that is not a notebook costs to read, against a notebook never executed before (1 s).
PLAIN_PAGE_COST = 0.05


class Relay:
    """Lines said in reader processes, printed by the main process as they come."""

    def __init__(self) -> None:
        self.pid = os.getpid()
        self.queue: Any = multiprocessing.get_context("fork").SimpleQueue()
        self.thread = threading.Thread(target=self._print, daemon=True)
        self.thread.start()

    def _print(self) -> None:
        while (line := self.queue.get()) is not None:
            LOGGER.info(line)

    def close(self) -> None:
        """Print what is left and stop the thread."""
        self.queue.put(None)
        self.thread.join(timeout=10)


def announce(app: Sphinx, line: str) -> None:
    """Print a progress line now, from the main process or from a parallel reader."""
    relay = build_state(app).relay
    if relay is not None and os.getpid() != relay.pid:
        relay.queue.put(line)
    else:
        LOGGER.info(line)


def reads_in_parallel(app: Sphinx, docnames: list[str]) -> bool:
    """Whether Sphinx will read these pages in parallel (its own test, minus the extensions' check).

    Sphinx 7 reads more than 5 pages in parallel; Sphinx 8.1 and later any number of pages.
    """
    enough = len(docnames) > 5 or sphinx.version_info >= (8, 1)
    return parallel_available and app.parallel > 1 and enough


def expected_cost(env: BuildEnvironment, docname: str) -> float:
    """A page's expected read time: its last execution's run time, 1 s for a notebook never run, else little."""
    from myst_nb.sphinx_ import NbMetadataCollector

    if docname in env.all_docs:
        data = NbMetadataCollector.get_doc_data(env).get(docname, {}).get("exec_data") or {}
        if data.get("runtime"):
            return float(data["runtime"])
    return 1.0 if executable_source(Path(env.doc2path(docname))) else PLAIN_PAGE_COST


def prepare_cache(env: BuildEnvironment) -> None:
    """Create the execution cache's database now: readers creating it at once would clash."""
    config = env.mystnb_config
    if config.execution_mode == "cache":
        from jupyter_cache import get_cache

        get_cache(config.execution_cache_path or ".jupyter_cache").db.dispose()


def serialize_cache_writes(app: Sphinx) -> None:
    """Let one reader at a time write an executed notebook into jupyter-cache.

    jupyter-cache is not safe for concurrent writers: after writing a record, it keeps the latest
    1000 by reading the records to keep, then deleting every other one, in two queries. A record
    another reader adds between them is deleted at once, before its notebook file is even written,
    and the build stops on ``KeyError: Notebook file does not exist for cache record`` (seen on a
    generated 500-page course, 3 builds in 7). A lock shared by the forked readers makes each write
    whole; it lasts a few milliseconds.
    """
    from jupyter_cache.cache.main import JupyterCacheBase

    lock = multiprocessing.get_context("fork").Lock()
    original = JupyterCacheBase.cache_notebook_bundle

    def cache_notebook_bundle(self: Any, *args: Any, **kwargs: Any) -> Any:
        with lock:
            return original(self, *args, **kwargs)

    JupyterCacheBase.cache_notebook_bundle = cache_notebook_bundle
    build_state(app).cache_writes = (JupyterCacheBase, original)


def unserialize_cache_writes(app: Sphinx) -> None:
    """Give jupyter-cache its own method back: nothing of a build outlives it in the process."""
    state = build_state(app)
    if state.cache_writes is not None:
        cls, original = state.cache_writes
        cls.cache_notebook_bundle = original
        state.cache_writes = None


def spread_executions(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """Reorder the pages to read so that Sphinx's chunks share the executions; start the relay."""
    if not reads_in_parallel(app, docnames):
        return
    prepare_cache(env)
    serialize_cache_writes(app)
    sizes = [len(chunk) for chunk in make_chunks(docnames, app.parallel)]
    costs = {name: expected_cost(env, name) for name in docnames}
    docnames[:] = balanced_order(docnames, costs, sizes)
    build_state(app).relay = Relay()


def stop_relay(app: Sphinx, env: BuildEnvironment) -> None:
    """Every page is read: the relay has nothing more to carry, and the readers write no more."""
    unserialize_cache_writes(app)
    state = build_state(app)
    if state.relay is not None:
        state.relay.close()
        state.relay = None


#: Extensions Jupyter Book loads that are safe to read in parallel but do not say so (Sphinx would
#: then read serially, with a warning that fails ``--strict`` builds). sphinx-multitoc-numbering
#: only replaces the toctree collector's section numbering, which runs in the main process;
#: sphinx-jupyterbook-latex's transforms mark each doctree on its own and keep no state across pages.
UNDECLARED_SAFE = ("sphinx_multitoc_numbering", "sphinx_jupyterbook_latex")


def declare_safe_extensions(app: Sphinx) -> None:
    """Say on their behalf that the extensions of :data:`UNDECLARED_SAFE` can read in parallel."""
    for name in UNDECLARED_SAFE:
        extension = app.extensions.get(name)
        if extension is not None and extension.parallel_read_safe is None:
            extension.parallel_read_safe = True


def domains_that_cannot_merge(app: Sphinx) -> list[tuple[str, str]]:
    """``(extension, domain)`` for each domain of an extension that says it reads in parallel but cannot.

    Sphinx merges every domain's data from each parallel reader (``merge_domaindata``); a domain
    that keeps the base method crashes the build after all its pages are read (sphinx-proof 0.4's
    ``ProofDomain``: ``NotImplementedError``, then a ``KeyError`` in Sphinx's parallel code).
    """
    from sphinx.domains import Domain

    found = []
    for name, domain in sorted(app.registry.domains.items()):
        if domain.merge_domaindata is not Domain.merge_domaindata:
            continue
        module = domain.__module__
        owner = next((ext for ext in app.extensions if module == ext or module.startswith(f"{ext}.")), None)
        if owner is not None and app.extensions[owner].parallel_read_safe:
            found.append((owner, f"{name} ({domain.__name__})"))
    return found


def read_serially_if_unsafe(app: Sphinx) -> None:
    """Read on one core, saying why once, when a domain could not merge parallel readers' data."""
    unsafe = domains_that_cannot_merge(app)
    if unsafe and app.parallel > 1:
        app.parallel = 1
        extension, domain = unsafe[0]
        language = author_language(app)
        LOGGER.info("[carnet] note: " + translate(language, "parallel.serial", extension=extension, domain=domain))


def write_serially_with_one_writer(app: Sphinx) -> None:
    """With ``-j 2`` or less, Sphinx's parallel write has one writer process fed by the main one: write serially.

    Measured on 2 cores, a 200-page course: 103.5 s with the parallel write, 87.2 s without.
    """
    if app.parallel <= 2:
        app.builder.allow_parallel = False


def setup_parallel(app: Sphinx) -> None:
    """Spread the executions over Sphinx's parallel readers and relay their progress."""
    app.connect("builder-inited", declare_safe_extensions)
    app.connect("builder-inited", read_serially_if_unsafe)
    app.connect("builder-inited", write_serially_with_one_writer)
    app.connect("env-before-read-docs", spread_executions, priority=900)
    app.connect("env-updated", stop_relay)
    app.connect("build-finished", lambda app, exception: stop_relay(app, app.env))
