"""Carnet's data kept in the Sphinx environment: one typed namespace, kept right by one collector.

Sphinx pickles the environment between builds and merges it back from parallel readers. Carnet
keeps everything it stores there in one :class:`EnvData` (``env.carnet``); :class:`CarnetCollector`
forgets a page's entries when the page is read again and brings back what parallel readers found,
as MyST-NB's ``NbMetadataCollector`` does for its own data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.environment.collectors import EnvironmentCollector

from ...core.failures import PageFailure
from ...core.settings import PageConfig

#: The attribute of the environment that holds :class:`EnvData`.
NAMESPACE = "carnet"


@dataclass
class EnvData:
    """What Carnet keeps in the environment, by kind of lifetime."""

    # --- Per page: forgotten when the page is read again, merged from parallel readers.
    #: Each failed page's failure (see :mod:`carnet.sphinxext.execution.run`).
    failures: dict[str, PageFailure] = field(default_factory=dict)
    #: Each page's validated ``carnet:`` settings, and the pages whose settings are wrong (see :mod:`.pages`).
    page_configs: dict[str, PageConfig] = field(default_factory=dict)
    page_problems: dict[str, str] = field(default_factory=dict)
    #: The pages holding a ``{carnet-status}`` table (see :mod:`carnet.sphinxext.page.status`).
    status_pages: set[str] = field(default_factory=set)
    #: What every feature needs to know about each page, worked out once it is read (see :mod:`.pages`).
    page_facts: dict[str, Any] = field(default_factory=dict)

    # --- This build's: emptied as reading starts, merged from parallel readers.
    #: Pages this build executed (not taken from the cache), with their run time in seconds.
    executed_now: dict[str, float] = field(default_factory=dict)
    #: The files each page executed by this build wrote into the book (relative to it).
    written_now: dict[str, list[str]] = field(default_factory=dict)

    # --- The whole book's, worked out by the main process.
    #: Pages importing modules Binder's environment lacks (see :mod:`carnet.sphinxext.site.binder`).
    binder_problems: dict[str, list[str]] = field(default_factory=dict)
    #: Each page's browser verdict (see :mod:`carnet.sphinxext.checks.browser`) and the exercise proofs (see :mod:`carnet.activities.exercise.proofs`).
    browser: dict[str, dict[str, Any]] = field(default_factory=dict)
    proofs: dict[str, Any] = field(default_factory=lambda: {"count": 0, "problems": []})
    #: The executable pages of this shard of the book (``None``: the whole book), see :mod:`.shard`.
    shard_pages: set[str] | None = None
    #: The verdicts the status pages show, as last written (see :mod:`carnet.sphinxext.page.status`).
    status_shown: dict[str, Any] | None = None


#: The per-page fields and this build's: what a reader process found is merged back.
PER_PAGE = ("failures", "page_configs", "page_problems", "status_pages", "page_facts")
THIS_BUILD = ("executed_now", "written_now")


def env_data(env: BuildEnvironment) -> EnvData:
    """Carnet's data in ``env``, made empty on first use (a new book, or an environment from before)."""
    data = env.__dict__.get(NAMESPACE)
    if not isinstance(data, EnvData):
        data = EnvData()
        env.__dict__[NAMESPACE] = data
    return data


def _merge(mine: Any, theirs: Any, docnames: set[str]) -> None:
    """Add ``theirs``'s entries for ``docnames`` to ``mine`` (a dict or a set)."""
    if isinstance(mine, set):
        mine.update(theirs & docnames)
    else:
        mine.update({name: value for name, value in theirs.items() if name in docnames})


class CarnetCollector(EnvironmentCollector):
    """Keeps :class:`EnvData` right across incremental and parallel builds."""

    def clear_doc(self, app: Sphinx, env: BuildEnvironment, docname: str) -> None:
        """A page being read again starts with a clean slate."""
        data = env_data(env)
        for name in PER_PAGE:
            entries = getattr(data, name)
            if isinstance(entries, set):
                entries.discard(docname)
            else:
                entries.pop(docname, None)

    def merge_other(self, app: Sphinx, env: BuildEnvironment, docnames: set[str], other: BuildEnvironment) -> None:
        """Bring back what a parallel reader process found for its pages."""
        mine, theirs = env_data(env), env_data(other)
        for name in (*PER_PAGE, *THIS_BUILD):
            _merge(getattr(mine, name), getattr(theirs, name), docnames)

    def process_doc(self, app: Sphinx, doctree: Any) -> None:
        """Nothing to collect from doctrees: each feature records its data as it happens."""


def forget_this_build(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """Each build reports only its own executions."""
    data = env_data(env)
    data.executed_now, data.written_now = {}, {}


def setup_envdata(app: Sphinx) -> None:
    """Keep Carnet's environment data (before the features that fill it)."""
    app.add_env_collector(CarnetCollector)
    app.connect("env-before-read-docs", forget_this_build)
