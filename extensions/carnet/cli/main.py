"""``carnet``: the command line a teacher uses: new, build, check, serve, grade, publish.

Each sub-command lives in its own module, imported only when it runs, so that ``carnet --help``
stays instant (no Sphinx, no Jupyter). Problems with the author's input end with one clear message
and a non-zero exit, never a Python traceback.
"""

from __future__ import annotations

import argparse
import atexit
import importlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from .. import __version__
from ..core.errors import CarnetError
from ..core.settings import EDITIONS
from .imports import defer_slow_imports
from .language import cli_language, say, speaking


def parser() -> argparse.ArgumentParser:
    """The argument parser, one sub-command per task, with help in the user's language."""
    root = argparse.ArgumentParser(prog="carnet", description=say("description"))
    root.add_argument("--version", action="version", version=f"carnet {__version__}")
    commands = root.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, *, book: bool = True) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=say(f"{name}_help"), description=say(f"{name}_help"))
        if book:
            sub.add_argument("dir", nargs="?", default=".", help=say("dir_help"))
        sub.set_defaults(module=name)
        return sub

    new = command("new", book=False)
    new.add_argument("dir", help=say("new_dir_help"))
    new.add_argument("--title", default="", help=say("title_help"))
    new.add_argument("--author", default="", help=say("author_help"))
    new.add_argument("--language", choices=("fr", "en"), help=say("language_help"))
    new.add_argument("--repository", default="https://github.com/USER/REPO", help=say("repository_help"))

    build = command("build")
    build.add_argument("--strict", action="store_true", help=say("strict_help"))
    build.add_argument("--all", action="store_true", help=say("all_help"))
    build.add_argument("--verbose", action="store_true", help=say("verbose_help"))
    build.add_argument("--edition", choices=EDITIONS, help=say("edition_help"))
    build.add_argument("-j", "--jobs", type=positive, help=say("jobs_help"))

    check = command("check")
    check.add_argument("--json", help=say("json_help"))
    check.add_argument("--verbose", action="store_true", help=say("verbose_help"))
    check.add_argument("--no-browser", action="store_true", help=say("no_browser_help"))
    check.add_argument("--edition", choices=EDITIONS, help=say("edition_help"))
    check.add_argument("-j", "--jobs", type=positive, help=say("jobs_help"))
    check.add_argument("--shard", type=shard, metavar="I/N", help=say("shard_help"))

    serve = command("serve")
    serve.add_argument("--port", type=int, default=8000, help=say("port_help"))
    serve.add_argument("--subpath", help=say("subpath_help"))
    serve.add_argument("--no-build", action="store_true", help=say("no_build_help"))
    serve.add_argument("--edition", choices=EDITIONS, default="teacher", help=say("serve_edition_help"))

    grade = command("grade", book=False)
    grade.add_argument("submissions", help=say("submissions_help"))
    grade.add_argument("--book", default=".", help=say("grade_book_help"))
    grade.add_argument("--out", help=say("out_help"))
    grade.add_argument("--timeout", type=int, default=30, help=say("timeout_help"))

    publish = command("publish")
    publish.add_argument("--remote", default="origin", help=say("remote_help"))
    publish.add_argument("--branch", default="gh-pages", help=say("branch_help"))
    publish.add_argument("--no-push", action="store_true", help=say("no_push_help"))
    return root


def positive(text: str) -> int:
    """A whole number of at least 1 (``-j``)."""
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(say("jobs_invalid", value=text))
    return int(text)


def shard(text: str) -> tuple[int, int]:
    """``I/N`` (``--shard``): this machine's share of the pages."""
    from ..core.shard import parse_shard

    try:
        return parse_shard(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(err.args[0].text(cli_language())) from None


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``carnet`` command and of ``python -m carnet``."""
    args = parser().parse_args(argv)
    defer_slow_imports()
    with speaking(run_language(args)):
        try:
            return importlib.import_module(f"{__package__}.{args.module}").run(args)
        except CarnetError as err:
            print(f"carnet: {err.text(cli_language())}", file=sys.stderr)
            return 2


def command() -> None:
    """The ``carnet`` command: :func:`main`, then an exit that skips the interpreter's teardown.

    A build leaves a large heap (Sphinx's environment, doctrees, parsed notebooks): freeing it object
    by object at exit took 0.9 s of a 12 s cold build of the sample course, and as much of a 2 s
    rebuild. Every exit handler still runs (temporary folders, kernels, multiprocessing's
    children) and the output is flushed; only freeing memory the system reclaims anyway is skipped.
    """
    status = main()
    atexit._run_exitfuncs()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)


def run_language(args: argparse.Namespace) -> str | None:
    """The language this run speaks: the new course's, or the book's (``None``: the user's locale)."""
    if args.module == "new":
        return args.language
    from .book import language_at

    return language_at(Path(args.book if args.module == "grade" else args.dir))
