"""A machine-readable account of each build, beside the site: ``_build/carnet-build.json``.

The ``carnet`` command reads it to print its summary (``carnet build``) and to gate CI
(``carnet check``); CI systems can read it too. It is written last, after every other step.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx

from ...activities.exercise.proofs import proofs
from ...core.paths import build_report_path
from ..book.config import author_language
from ..book.pages import notebook_pages, page_problems
from ..checks.browser import verdicts
from ..execution.run import executed_now, failures_of
from .binder import binder_problems


def build_report(app: Sphinx) -> dict[str, Any]:
    """What this build did and found, as plain data."""
    env = app.env
    failures = failures_of(env)
    return {
        "pages": sorted(env.found_docs),
        "notebooks": sorted(set(notebook_pages(env)) | set(failures)),
        "executed": {name: round(seconds, 3) for name, seconds in sorted(executed_now(env).items())},
        "failures": [
            {"page": name, "message": failure.message(author_language(app)), **asdict(failure)}
            for name, failure in sorted(failures.items())
        ],
        "settings": [{"page": name, "message": problem} for name, problem in sorted(page_problems(env).items())],
        "binder": [{"page": name, "modules": modules} for name, modules in sorted(binder_problems(env).items())],
        "browser": verdicts(env),
        "exercises": proofs(env),
        "html": str(app.outdir),
    }


def write_report(app: Sphinx, exception: Exception | None) -> None:
    """Write the report of an HTML build that ran to its end."""
    if exception is not None or app.builder.format != "html":
        return
    path = build_report_path(Path(app.outdir))
    path.write_text(json.dumps(build_report(app), indent=2, ensure_ascii=False), encoding="utf-8")


def setup_report(app: Sphinx) -> None:
    """Write the report after every other build-finished step."""
    app.connect("build-finished", write_report, priority=900)
