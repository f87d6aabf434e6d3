"""``carnet check``: everything CI should gate on, in one command, with a JSON report.

1. the book is built (into the staging folder; ``_build/html`` is not touched): every page is
   executed and every failing page is listed;
2. every internal link and anchor of the result leads somewhere (:mod:`.linkcheck`);
3. every "try it" link resolves to the JupyterLite app and to a notebook in its contents;
4. Binder's environment declares every third-party module the pages import;
5. every exercise's solution passes its tests and its starter fails them (:mod:`carnet.activities.exercise.proofs`);
6. every page runs in the browser's Pyodide as it does in the book (:mod:`carnet.sphinxext.checks.browser`).

The build proves 5 and 6 while it writes the pages and keeps what it found: after a build,
``carnet check`` proves only what changed since.
"""

from __future__ import annotations

import argparse
import json
import posixpath
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from ..core.compare import Verdict
from ..core.i18n import messages
from ..core.paths import BookPaths
from .book import book_paths, published_path
from .build import run_sphinx
from .language import cli_language, say
from .linkcheck import ParsedSite, broken_links, grouped_messages

#: The verdicts of the browser check (see carnet.core.compare), as the summary counts them.
BROWSER_STATUSES = ("same", "differs", "fails", "offline", "skipped")


def launch_problems(site: ParsedSite) -> list[str]:
    """Try-it links that do not lead to the JupyterLite app and to an existing notebook."""
    html = site.html
    problems = []
    for page in site.pages:
        relative = page.relative_to(html).as_posix()
        for href in site(page).try_it:
            parts = urlsplit(href)
            app = posixpath.normpath(posixpath.join(posixpath.dirname(relative), parts.path))
            notebook = parse_qs(parts.query).get("path", [""])[0]
            lite_root = posixpath.dirname(posixpath.dirname(app))
            if not (html / app).is_file():
                problems.append(say("launch_no_app", page=relative, app=app))
            elif not notebook or not (html / lite_root / "files" / notebook).is_file():
                problems.append(say("launch_no_notebook", page=relative, notebook=repr(notebook)))
    return problems


def browser_lines(browser: dict[str, dict[str, Any]], language: str) -> list[str]:
    """The pages to act on: what fails (the check fails), then what only differs, and why (it does not)."""

    def pages(*statuses: str) -> list[str]:
        return [
            f"    - {page}: {Verdict.stored(verdict).message(language)}"
            for page, verdict in sorted(browser.items())
            if verdict["status"] in statuses and (verdict["status"] != "skipped" or verdict.get("detail"))
        ]

    lines = pages("fails", "offline")
    differs = pages("differs")
    if differs:
        lines += [say("check_differs"), *differs]
    return lines + pages("skipped")


def run_check(
    paths: BookPaths, progress: dict[str, str] | None, browser: bool = True, jobs: int | None = None
) -> dict[str, Any]:
    """Build and check the book; return the full result (``ok`` is the verdict)."""
    paths.build_report.unlink(missing_ok=True)
    status = run_sphinx(paths, progress=progress, check="all" if browser else "no-browser", jobs=jobs)
    report = json.loads(paths.build_report.read_text(encoding="utf-8")) if paths.build_report.is_file() else None
    result: dict[str, Any] = {
        "book": str(paths.source),
        "build": {"status": status, "completed": report is not None},
        "execution": {
            "pages": len(report["notebooks"]) if report else 0,
            "failures": report["failures"] if report else [],
        },
        "links": [],
        "launch": [],
        "settings": report["settings"] if report else [],
        "binder": report["binder"] if report else [],
        # --no-browser: the verdicts an earlier build kept are not this check's to gate on.
        "browser": report.get("browser", {}) if report and browser else {},
        "exercises": report["exercises"] if report else {"count": 0, "problems": []},
    }
    # The whole site's links, checked by one share only.
    if report is not None and (paths.shard is None or paths.shard[0] == 1):
        site = ParsedSite(paths.staging)
        result["links"] = grouped_messages(broken_links(site, published_path(paths), paths.source))
        result["launch"] = launch_problems(site)
    result["ok"] = bool(
        status == 0
        and report is not None
        and not result["execution"]["failures"]
        and not result["links"]
        and not result["launch"]
        and not result["settings"]
        and not result["binder"]
        and not any(verdict["status"] == "fails" for verdict in result["browser"].values())
        and not result["exercises"]["problems"]
    )
    return result


def run(args: argparse.Namespace) -> int:
    """``carnet check``: build and check everything CI gates on; write a JSON report."""
    paths = book_paths(Path(args.dir), edition=args.edition, shard=args.shard)
    labels = None if args.verbose else messages(cli_language(), "cli.step.")
    result = run_check(paths, labels, not args.no_browser, args.jobs)
    output = Path(args.json) if args.json else paths.build / "carnet-check.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
    language = cli_language()
    lines = [say("check_title")]
    lines.append(
        say("check_execution", pages=result["execution"]["pages"], failed=len(result["execution"]["failures"]))
    )
    lines += [f"    - {failure['message']}" for failure in result["execution"]["failures"]]
    lines += [f"    - {item['page']}: {item['message']}" for item in result["settings"]]
    lines.append(say("check_links", count=len(result["links"])))
    lines += [f"    - {link}" for link in result["links"]]
    lines.append(say("check_launch", count=len(result["launch"])))
    lines += [f"    - {problem}" for problem in result["launch"]]
    lines.append(say("check_binder", count=len(result["binder"])))
    lines += [f"    - {item['page']}: {', '.join(item['modules'])}" for item in result["binder"]]
    exercises = result["exercises"]
    lines.append(say("check_exercises", count=exercises["count"], problems=len(exercises["problems"])))
    lines += [f"    - {item['page']}: {item['message']}" for item in exercises["problems"]]
    counts = Counter(verdict["status"] for verdict in result["browser"].values())
    if args.no_browser:
        lines.append(say("check_browser_off"))
    else:
        lines.append(say("check_browser", **{status: counts.get(status, 0) for status in BROWSER_STATUSES}))
    lines += browser_lines(result["browser"], language)
    if not result["build"]["completed"]:
        lines.append(say("check_incomplete"))
    lines.append(say("check_ok" if result["ok"] else "check_failed", json=output))
    print("\n".join(lines))
    return 0 if result["ok"] else 1
