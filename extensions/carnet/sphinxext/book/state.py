"""One typed state per build: what Carnet's handlers share while a build runs, never stuck onto ``app``.

Each build (one :class:`~sphinx.application.Sphinx` object) has one :class:`BuildState`, made on
first use and gone with the application: an in-process rebuild starts afresh. Parallel readers,
forked from the main process, see the state as it was when they forked. What must outlive the build
(failures, verdicts, page data) lives in the environment instead, see :mod:`.envdata`.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from sphinx.application import Sphinx

if TYPE_CHECKING:
    import subprocess
    from concurrent.futures import Future, ThreadPoolExecutor

    from ..checks.background import Background
    from ..execution.parallel import Relay
    from ..page.sidebar import SharedSidebars


@dataclass
class EarlyProofs:
    """Starter proofs started as reading starts (see :func:`carnet.activities.exercise.proofs.start_early`), by job key."""

    pool: ThreadPoolExecutor
    futures: dict[str, Future[list[str]]]


@dataclass(frozen=True)
class Languages:
    """The build's two languages (catalog codes: ``fr``, ``en``…)."""

    #: What Carnet says to the author: warnings, failures, the command's lines.
    author: str
    #: What the pages say to their readers: the book's ``language``.
    reader: str


@dataclass
class BuildState:
    """What one build's handlers share (see the module docstring)."""

    #: The author's language and the readers' (see :func:`.config.resolve_languages`).
    languages: Languages | None = None
    #: The author's ``exclude_patterns``, before sphinx-external-toc adds the pages ``_toc.yml`` leaves out.
    author_exclusions: list[str] | None = None
    #: myst-nb's modules whose executor Carnet replaced, each with the executor it had (see :mod:`carnet.sphinxext.execution.run`).
    replaced_executors: list[tuple[ModuleType, Any]] = field(default_factory=list)
    #: The publishable files of each folder of the book, found once per build (see :mod:`.pagefiles`).
    folder_files: dict[str, dict[str, Path]] = field(default_factory=dict)
    #: What keeps a file out of the site, worked out once per build (see :func:`.pagefiles.publish_rules`).
    publish_rules: Any = None
    #: Whether this build reads or removes a page (``None``: not known yet), see :mod:`carnet.sphinxext.page.status`.
    pages_changed: bool | None = None
    #: Whether browser verdicts came in after the pages were written (the status page is written again).
    late_verdicts: bool = False
    #: jupyter-cache's class and its own write method, while parallel readers share a lock (see :mod:`carnet.sphinxext.execution.parallel`).
    cache_writes: tuple[type, Any] | None = None
    #: The lines parallel readers say, printed by this process as they come (see :mod:`carnet.sphinxext.execution.parallel`).
    relay: Relay | None = None
    #: Symbolic links leading out of the book already warned about.
    links_said: set[str] = field(default_factory=set)
    #: Sidebars shared between the pages of a folder (see :mod:`carnet.sphinxext.page.sidebar`).
    sidebars: SharedSidebars | None = None
    #: Starter proofs started early, and the exercise proofs running while the pages are written.
    early_proofs: EarlyProofs | None = None
    proofs: Background | None = None
    #: Pyodide under Node, started while pages are read, and the browser check running meanwhile.
    browser_node: subprocess.Popen[bytes] | None = None
    browser: Background | None = None


_STATES: weakref.WeakKeyDictionary[Sphinx, BuildState] = weakref.WeakKeyDictionary()


def build_state(app: Sphinx) -> BuildState:
    """The state of the build ``app`` runs, made on first use."""
    state = _STATES.get(app)
    if state is None:
        state = _STATES[app] = BuildState()
    return state
