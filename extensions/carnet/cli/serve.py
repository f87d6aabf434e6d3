"""``carnet serve``: the site at the address it will have on GitHub Pages, rebuilt on every change.

The site is served under its published subpath (``/REPO/``, see :mod:`.server`); ``watchfiles``
reports changes to the book's sources (``_build`` and hidden files left out) and the book is
rebuilt in a subprocess, after which open pages reload themselves.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from ..core.errors import CarnetError
from .book import book_paths, published_path
from .language import say
from .server import serve_directory


def is_source(source: Path, path: Path) -> bool:
    """A file of the book whose change calls for a rebuild (not the build, not a hidden file)."""
    try:
        relative = path.relative_to(source)
    except ValueError:
        return False
    parts = relative.parts
    return bool(parts) and parts[0] != "_build" and not any(part.startswith(".") for part in parts)


def run(args: argparse.Namespace) -> int:
    """Serve the site under its published subpath; rebuild when a source file changes."""
    from watchfiles import watch

    paths = book_paths(Path(args.dir), edition=args.edition)
    prefix = args.subpath or published_path(paths)
    rebuild = [sys.executable, "-m", "carnet", "build", str(paths.source), "--edition", paths.edition]
    if not args.no_build:
        subprocess.run(rebuild, check=False)
    if not (paths.html / "index.html").is_file():
        raise CarnetError(say("serve_nothing", html=paths.html))
    builds = [0]  # bumped after each rebuild: open pages reload themselves
    with serve_directory(paths.html, prefix, port=args.port, version=lambda: builds[0]) as base:
        print(say("serve_ready", url=base + "index.html"), flush=True)
        try:
            source = paths.source
            for _changes in watch(source, watch_filter=lambda _change, path: is_source(source, Path(path))):
                print(say("serve_rebuild"), flush=True)
                subprocess.run(rebuild, check=False)
                builds[0] += 1
                print(say("serve_ready", url=base + "index.html"), flush=True)
        except KeyboardInterrupt:
            pass
    return 0
