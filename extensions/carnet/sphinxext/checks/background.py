"""Checks that run in the background while Sphinx writes the pages: the exercise proofs and the browser check.

Both follow one life cycle. When the pages are executed, each page's job is keyed by a fingerprint
of what its verdict depends on; a verdict an earlier build kept under the same key (in a JSON store
beside the site) is reused, the other jobs run in a thread. At ``build-finished`` the thread is
joined, the store written and each problem warned about. Whether a build runs them is one parsed
:class:`CheckMode`.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx

from ..book.config import carnet_config


class CheckMode(Enum):
    """What the build was asked to check (the ``carnet_check`` value ``carnet build`` and ``check`` pass)."""

    #: A build: the checks run as ``carnet.check.in_build`` says.
    BUILD = ""
    #: ``carnet check``: every check runs (or a warning says why one cannot).
    ALL = "all"
    #: ``carnet check --no-browser``: the exercise proofs, not the browser check.
    NO_BROWSER = "no-browser"


def check_mode(app: Sphinx) -> CheckMode:
    """The check mode of the build ``app`` runs."""
    return CheckMode(app.config.carnet_check)


def proves_exercises(app: Sphinx) -> bool:
    """Whether this build proves the exercises: ``carnet check`` does; a build, by ``carnet.check.in_build``."""
    mode = check_mode(app)
    return app.builder.format == "html" and (mode is not CheckMode.BUILD or carnet_config(app).check.in_build)


def checks_in_browser(app: Sphinx) -> bool:
    """Whether this build checks its pages in the browser: ``carnet check`` does; a build, by the setting."""
    mode = check_mode(app)
    return mode is CheckMode.ALL or (mode is CheckMode.BUILD and carnet_config(app).check.in_build)


def kept_results(store: Path) -> dict[str, Any]:
    """The results an earlier build kept in ``store`` (none if it is missing or unreadable)."""
    try:
        kept = json.loads(store.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return kept if isinstance(kept, dict) else {}


@dataclass
class Background:
    """One background check of a build: its jobs, the thread running them, its results and store.

    ``notes``: lines the thread has to say, printed by the main thread once it is joined (no
    console write races a reader process's fork).
    """

    store: Path
    jobs: list[dict[str, Any]] = field(default_factory=list)
    results: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    worker: threading.Thread | None = None

    def start(self, name: str, work: Callable[[], None]) -> None:
        """Run ``work`` in a thread named ``name``."""
        self.worker = threading.Thread(target=work, name=name, daemon=True)
        self.worker.start()

    @property
    def running(self) -> bool:
        """Whether a thread was started for the jobs (their results come in when it is joined)."""
        return self.worker is not None

    def join(self) -> None:
        """Wait for the thread, if one was started."""
        if self.worker is not None:
            self.worker.join()

    def keep(self, results: dict[str, Any]) -> None:
        """Write ``results`` to the store, for the next build."""
        self.store.write_text(json.dumps(results, indent=1, ensure_ascii=False), encoding="utf-8")
