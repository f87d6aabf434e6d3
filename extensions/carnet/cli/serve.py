"""``carnet serve``: the site at the address it will have on GitHub Pages, rebuilt on every change.

The site is served under its published subpath (``/REPO/``, see :mod:`.server`); ``watchfiles``
reports changes to the book's sources (``_build`` and hidden files left out) and the book is
rebuilt in a subprocess, after which open pages reload themselves. A rebuild that fails leaves the
last good site in place; open pages say so, with the build's first error, until one succeeds.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from ..core.errors import CarnetError
from ..core.failures import strip_ansi
from .book import book_paths, published_path
from .language import say
from .server import BuildStatus, serve_directory

#: Sphinx's prefix of an error it logs (never translated), after the file and line when it has them.
_ERROR = re.compile(r"^(?:(?P<where>\S.*?):\s)?ERROR: (?P<message>.*)$")
#: A warning: Sphinx's (``WARNING: …``) or Python's (``…: DeprecationWarning: …``). Not a failure.
_WARNING = re.compile(r"(WARNING|\w*Warning): ")
#: How ``carnet`` starts its own lines (``carnet: …``, ``carnet : …`` in French).
_CARNET = re.compile(r"^carnet ?: ")
#: A banner shows one error, not a whole report.
ERROR_WIDTH = 400


def is_source(source: Path, path: Path) -> bool:
    """A file of the book whose change calls for a rebuild (not the build, not a hidden file)."""
    try:
        relative = path.relative_to(source)
    except ValueError:
        return False
    parts = relative.parts
    return bool(parts) and parts[0] != "_build" and not any(part.startswith(".") for part in parts)


def run_build(command: Sequence[str]) -> tuple[int, list[str]]:
    """Run a build, relaying its output to the terminal line by line; return its exit status and its error lines.

    The author watches the terminal as before; the error stream (where Sphinx, Carnet and Python
    report failures) is also kept, for the open pages to show its first error.
    """
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}  # each line as it is printed, not by the block
    errors: list[str] = []
    pipes = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE}
    with subprocess.Popen(command, **pipes, text=True, encoding="utf-8", errors="replace", env=env) as build:
        progress = threading.Thread(target=relay, args=(build.stdout, sys.stdout), daemon=True)
        progress.start()
        relay(build.stderr, sys.stderr, errors)
        progress.join()
    return build.returncode, errors


def relay(lines: TextIO, terminal: TextIO, kept: list[str] | None = None) -> None:
    """Print each line of a build's stream as it comes, and keep it in ``kept``."""
    for line in lines:
        terminal.write(line)
        terminal.flush()
        if kept is not None:
            kept.append(line)


def first_error(lines: Sequence[str], source: Path) -> str | None:
    """The first error a failed build printed, on one line, with paths inside the book made relative.

    Sphinx's first ``ERROR:`` line; else the first line that is neither a warning nor indented (a
    fatal Sphinx error's heading, ``carnet: <problem>``, a traceback's header). A heading that ends
    with a colon gets the line it introduces (``1 page failed to execute: a.ipynb, cell 3 …``); a
    traceback, its exception rather than its frames. ``None`` when the build printed no error.
    """
    folder = f"{source}{os.sep}"
    clean = [strip_ansi(line).rstrip().replace(folder, "") for line in lines]
    clean = [line for line in clean if line.strip()]
    found = next((index for index, line in enumerate(clean) if _ERROR.match(line)), None)
    if found is None:
        heading = (index for index, line in enumerate(clean) if not line[0].isspace() and not _WARNING.search(line))
        found = next(heading, None)
    if found is None:
        return None
    text = _CARNET.sub("", clean[found])
    match = _ERROR.match(text)
    if match:
        text = ": ".join(part for part in (match["where"], match["message"]) if part)
    return _shortened(_with_details(text, clean[found + 1 :]))


def _with_details(text: str, following: list[str]) -> str:
    """``text``, and while it ends with a colon, the line it introduces (at most two)."""
    for _ in range(2):
        if not text.endswith(":") or not following:
            break
        if following[0].strip().startswith('File "'):  # a traceback's frames: its exception follows them
            following = [line for line in following if not line[0].isspace()]
            if not following:
                break
            if text.startswith("Traceback ("):
                return following[0]
        detail, *following = following
        text = f"{text} {detail.strip().removeprefix('- ')}"
    return text


def _shortened(text: str) -> str:
    """At most :data:`ERROR_WIDTH` characters."""
    return text if len(text) <= ERROR_WIDTH else text[: ERROR_WIDTH - 1] + "…"


@dataclass
class Rebuilds:
    """The builds of one ``carnet serve``: how to run one, and the status of the last, which open pages poll."""

    command: list[str]
    source: Path
    status: BuildStatus = field(default_factory=BuildStatus)

    def build(self) -> None:
        """Build once; a new status (replaced whole: server threads read it) with the first error of a failure."""
        returncode, errors = run_build(self.command)
        error = None
        if returncode != 0:
            error = first_error(errors, self.source) or say("serve_failed_silent", status=returncode)
        self.status = BuildStatus(self.status.build + 1, error)


def run(args: argparse.Namespace) -> int:
    """Serve the site under its published subpath; rebuild when a source file changes."""
    from watchfiles import watch

    paths = book_paths(Path(args.dir), edition=args.edition)
    prefix = args.subpath or published_path(paths)
    command = [sys.executable, "-m", "carnet", "build", str(paths.source), "--edition", paths.edition]
    rebuilds = Rebuilds(command, paths.source)
    if not args.no_build:
        rebuilds.build()
    if not (paths.html / "index.html").is_file():
        raise CarnetError(say("serve_nothing", html=paths.html))
    with serve_directory(paths.html, prefix, port=args.port, status=lambda: rebuilds.status) as base:
        print(say("serve_ready", url=base + "index.html"), flush=True)
        try:
            source = paths.source
            for _changes in watch(source, watch_filter=lambda _change, path: is_source(source, Path(path))):
                print(say("serve_rebuild"), flush=True)
                rebuilds.build()
                print(say("serve_ready", url=base + "index.html"), flush=True)
        except KeyboardInterrupt:
            pass
    return 0
