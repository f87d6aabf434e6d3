"""Build a book into a staging folder and swap it into ``_build/html`` only when it succeeds.

``jupyter-book build`` writes straight into ``_build/html``: a build that fails half-way leaves a
mix of new and old pages there, ready to be pushed by mistake. ``carnet build`` lets Sphinx write
into ``_build/.carnet-staging`` (kept between builds, so rebuilds stay incremental) and replaces
``_build/html`` by a copy of it only when the build exits 0. The execution cache, doctrees and
tracebacks stay in ``_build`` itself, shared with plain ``jupyter-book build``.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import io
import json
import os
import re
import shutil
import sqlite3
import stat
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from ..core.errors import CarnetError
from ..core.failures import strip_ansi
from ..core.i18n import messages
from ..core.paths import BookPaths
from .book import book_paths, jupyter_book_module
from .language import chosen_language, cli_language, say


class ProgressPrinter(io.TextIOBase):
    """Stands in for Sphinx's status stream and prints one short line per step instead.

    Sphinx and myst-nb report every step at length (configuration dumps included); an author
    wants to see pages being read, executed and written, and the JupyterLite step.
    """

    #: Page names are whole, spaces included (``notebooks/Exemple de notebook avec Python``).
    STEPS = (
        (re.compile(r"reading sources\.\.\. \[\s*(\d+)%\] (.+?)\s*$"), "read"),
        (re.compile(r"\[carnet\] execute: (.*)"), "execute"),
        (re.compile(r"writing output\.\.\. \[\s*(\d+)%\] (.+?)\s*$"), "write"),
        (re.compile(r"\[carnet\] JupyterLite site: (.*)"), "lite"),
        (re.compile(r"\[carnet\] running: (.*)"), "running"),
        (re.compile(r"\[carnet\] download: (.*)"), "download"),
        (re.compile(r"\[carnet\] note: (.*)"), "note"),
    )

    def __init__(self, out: TextIO, labels: dict[str, str]) -> None:
        self.out = out
        self.labels = labels
        self.pending = ""

    def writable(self) -> bool:
        """Always: this is an output stream."""
        return True

    def write(self, text: str) -> int:
        """Print a line for each step found in complete lines of Sphinx's output."""
        self.pending += strip_ansi(text)
        *lines, self.pending = self.pending.split("\n")
        for line in lines:
            # A line relayed from a parallel reader can land inside Sphinx's unfinished progress line.
            for part in re.split(r"(?=\[carnet\] )", line):
                self.step(part)
        return len(text)

    def step(self, line: str) -> None:
        """Print the step a line of Sphinx's output reports, if it reports one."""
        for pattern, kind in self.STEPS:
            match = pattern.search(line)
            if not match:
                continue
            if kind in ("read", "write"):
                detail = f"[{int(match.group(1)):3d}%] {match.group(2)}"
            else:
                detail = match.group(1)
            print(f"  {self.labels[kind]:<12} {detail}", file=self.out, flush=True)
            return


def run_sphinx(
    paths: BookPaths,
    *,
    strict: bool = False,
    fresh: bool = False,
    progress: dict[str, str] | None = None,
    check: str = "",
    jobs: int | None = None,
) -> int:
    """Run Jupyter Book's Sphinx build into the staging folder; return its exit status.

    With ``progress`` (labels for the steps), Sphinx's own status output is condensed to one line
    per step; warnings and errors are always printed in full. ``check``: ``"all"`` proves every page
    in the browser's runtime and every exercise (``carnet check``), ``"no-browser"`` the exercises
    only; by default, as the book's ``carnet.check.in_build`` says. ``jobs`` processes read and
    execute pages (default: one per core).
    """
    build_sphinx = jupyter_book_module("jupyter_book.sphinx").build_sphinx
    status = ProgressPrinter(sys.stdout, progress) if progress else sys.stdout
    with contextlib.redirect_stdout(status), machine_problems_said_plainly(paths):
        result = build_sphinx(
            paths.source,
            paths.staging,
            doctreedir=paths.doctrees,
            noconfig=True,
            path_config=str(paths.config),
            confoverrides={
                "external_toc_path": paths.toc.as_posix(),
                "latex_individualpages": False,
                **({"nitpicky": True} if strict else {}),
                **({"carnet_check": check} if check else {}),
                "carnet_edition": paths.edition,
                **({"carnet_author_language": spoken} if (spoken := chosen_language()) else {}),
                **(shard_overrides(paths) if paths.shard else {}),
            },
            warningiserror=strict,
            keep_going=True,
            freshenv=fresh,
            force_all=fresh,
            jobs=jobs or default_jobs(),
        )
    return 1 if isinstance(result, BaseException) else int(result)


#: A full disk (or quota) in an exception's chain: its errno, or the words SQLite (the execution cache) uses.
NO_SPACE = {errno.ENOSPC, errno.EDQUOT}
SQLITE_FULL = "database or disk is full"
NO_SPACE_WORDS = ("No space left on device", "Disk quota exceeded")
#: What jupyter-cache raises for any SQLite error of its database (the cause is chained to it).
JUPYTER_CACHE_ERROR = "Unexpected error accessing jupyter cache"
#: How SQLAlchemy names SQLite's errors in a message (``(sqlite3.DatabaseError) file is not a database``).
SQLITE_ERROR = "(sqlite3."


def _chain(exception: BaseException | None) -> Iterator[BaseException]:
    """An exception and the ones it was raised from, innermost last."""
    seen: set[int] = set()
    while exception is not None and id(exception) not in seen:
        seen.add(id(exception))
        yield exception
        exception = exception.__cause__ or exception.__context__


def machine_problem(exception: BaseException, cache: Path, build: Path) -> str | None:
    """One line for an exception that comes from the machine (full disk, broken cache), else ``None``.

    Sphinx reports any exception that is not its own as a crash ("Exception occurred:", frames of
    jupyter-cache, "please report this to the developers"); a full disk is nobody's bug, and the
    author needs to know what to free or delete. A parallel reader's exception reaches here as text
    only (``SphinxParallelError.traceback``), hence the words; the file is then unknown, ``build``
    (the build's folder) is named.
    """
    texts = []
    for link in _chain(exception):
        if isinstance(link, OSError) and link.errno in NO_SPACE:
            return say("no_space", path=link.filename or cache, cache=cache)
        texts += [str(link), str(getattr(link, "traceback", ""))]
    text = "\n".join(texts)
    if SQLITE_FULL in text:  # SQLite says it of its database: the cache's
        return say("no_space_cache", cache=cache)
    if any(words in text for words in NO_SPACE_WORDS):
        return say("no_space", path=build, cache=cache)
    database = [link for link in _chain(exception) if _is_database_error(link)]
    if database or JUPYTER_CACHE_ERROR in text or SQLITE_ERROR in text:
        reason = (str(database[0]) if database else JUPYTER_CACHE_ERROR).strip().splitlines()[0]
        reason = re.sub(r"^\(sqlite3\.\w+\)\s*", "", reason)  # SQLAlchemy's prefix: the reason is SQLite's
        return say("cache_broken", cache=cache, reason=strip_ansi(reason))
    return None


def _is_database_error(exception: BaseException) -> bool:
    """An error of SQLite or SQLAlchemy: in a build, only the execution cache (jupyter-cache) uses them."""
    return isinstance(exception, sqlite3.Error) or type(exception).__module__.startswith("sqlalchemy")


@contextlib.contextmanager
def machine_problems_said_plainly(paths: BookPaths) -> Iterator[None]:
    """While Jupyter Book runs Sphinx, report a full disk or a broken cache in one line (see :func:`machine_problem`).

    Jupyter Book hands every exception of the build to Sphinx's ``handle_exception``, which prints
    the crash report; Carnet says the machine's problems itself and leaves the others to it.
    """
    jupyter_book_sphinx = jupyter_book_module("jupyter_book.sphinx")
    crash_report = jupyter_book_sphinx.handle_exception

    def handle(app: Any, args: Any, exception: BaseException, stderr: TextIO = sys.stderr) -> None:
        cache = getattr(getattr(app, "config", None), "nb_execution_cache_path", "") or paths.execution_cache
        message = machine_problem(exception, Path(cache), paths.build)
        if message is None:
            crash_report(app, args, exception, stderr)
        else:
            print(f"\ncarnet: {message}", file=stderr)

    jupyter_book_sphinx.handle_exception = handle
    try:
        yield
    finally:
        jupyter_book_sphinx.handle_exception = crash_report


def shard_overrides(paths: BookPaths) -> dict[str, str]:
    """A shard's build: its share, and the execution cache the whole build uses (unless the book sets one)."""
    from .book import book_settings

    overrides = {"carnet_shard": "/".join(map(str, paths.shard or ()))}
    execute = book_settings(paths).get("execute") or {}
    if not (isinstance(execute, dict) and execute.get("cache")):
        overrides["nb_execution_cache_path"] = str(paths.execution_cache)
    return overrides


def default_jobs() -> int:
    """One process per core this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def swap_in(staging: Path, html: Path) -> None:
    """Replace ``html`` by a copy of ``staging`` with two renames, so it is never half-written.

    Files the last published site already holds unchanged are hard-linked from it, not copied: a
    rebuild that changed one page writes one page (Pyodide, JupyterLite and the other pages are
    linked). Staging and site never share a file, so Sphinx rewriting a staged file in place cannot
    change the published site.
    """
    fresh = html.with_name(html.name + ".carnet-new")
    old = html.with_name(html.name + ".carnet-old")
    for leftover in (fresh, old):
        shutil.rmtree(leftover, ignore_errors=True)
    try:
        copy_tree(staging, fresh, html)
    except OSError as err:  # a full disk, a quota: the published site stays as it was
        shutil.rmtree(fresh, ignore_errors=True)
        raise CarnetError(say("swap_failed", html=html, reason=err.strerror or str(err))) from None
    if html.exists():
        html.rename(old)
    fresh.rename(html)
    shutil.rmtree(old, ignore_errors=True)


def copy_tree(source: Path, target: Path, previous: Path) -> None:
    """Copy ``source`` to ``target``, hard-linking each file ``previous`` holds with the same size and time.

    ``shutil.copy2`` keeps a file's modification time, so a file Sphinx did not rewrite since the
    last publication has the time and size of its published copy. Sphinx's ``.buildinfo`` stays out.
    """
    for folder, _, files in os.walk(source):
        relative = Path(folder).relative_to(source)
        (target / relative).mkdir(parents=True, exist_ok=True)
        for name in files:
            if relative == Path(".") and name == ".buildinfo":
                continue
            src, dst, old = Path(folder) / name, target / relative / name, previous / relative / name
            if _same_file(src, old):
                try:
                    os.link(old, dst)
                    continue
                except OSError:  # another file system, too many links: copy it
                    pass
            shutil.copy2(src, dst)


def _same_file(source: Path, published: Path) -> bool:
    """Whether ``published`` is an unchanged copy of ``source`` (same size and modification time)."""
    try:
        mine, theirs = source.stat(), published.stat(follow_symlinks=False)
    except OSError:
        return False
    return stat.S_ISREG(theirs.st_mode) and (mine.st_size, mine.st_mtime_ns) == (theirs.st_size, theirs.st_mtime_ns)


def build_book(
    paths: BookPaths,
    *,
    strict: bool = False,
    fresh: bool = False,
    progress: dict[str, str] | None = None,
    jobs: int | None = None,
) -> int:
    """Build a book (checked by :func:`.book.book_paths`); swap it into ``_build/html`` on success.

    Return the exit status.
    """
    status = run_sphinx(paths, strict=strict, fresh=fresh, progress=progress, jobs=jobs)
    if status == 0:
        swap_in(paths.staging, paths.html)
    return status


def run(args: argparse.Namespace) -> int:
    """``carnet build``: build the book; ``_build/html`` changes only if the build succeeds."""
    paths = book_paths(Path(args.dir), edition=args.edition)
    start = time.perf_counter()
    progress = None if args.verbose else messages(cli_language(), "cli.step.")
    paths.build_report.unlink(missing_ok=True)
    status = build_book(paths, strict=args.strict, fresh=args.all, progress=progress, jobs=args.jobs)
    if paths.build_report.is_file():
        report = json.loads(paths.build_report.read_text(encoding="utf-8"))
        print(
            say(
                "build_summary",
                pages=len(report["pages"]),
                notebooks=len(report["notebooks"]),
                executed=len(report["executed"]),
                failed=len(report["failures"]),
                seconds=f"{time.perf_counter() - start:.1f}",
            )
        )
    if status == 0:
        print(say("build_done", html=paths.html))
    else:
        print(say("build_failed", html=paths.html, staging=paths.staging, reports=paths.tracebacks), file=sys.stderr)
    return status
