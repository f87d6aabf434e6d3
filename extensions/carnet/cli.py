"""``carnet``: the command line a teacher uses (``carnet build``)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from .errors import CarnetError


def command_build(args: argparse.Namespace) -> int:
    """Build the book; ``_build/html`` changes only if the build succeeds."""
    from .build import book_paths, build_book

    status = build_book(Path(args.dir), strict=args.strict, fresh=args.all)
    paths = book_paths(Path(args.dir))
    if status == 0:
        print(f"\ncarnet: book built in {paths.html}")
    else:
        print(
            f"\ncarnet: the build failed (see the messages above); {paths.html} was left unchanged."
            f"\ncarnet: the failed build is in {paths.staging}, tracebacks in {paths.reports}.",
            file=sys.stderr,
        )
    return status


def parser() -> argparse.ArgumentParser:
    """The argument parser, one sub-command per task."""
    root = argparse.ArgumentParser(prog="carnet", description="Publish notebook courses as interactive books.")
    root.add_argument("--version", action="version", version=f"carnet {__version__}")
    commands = root.add_subparsers(dest="command", required=True)
    build = commands.add_parser("build", help="build the book into _build/html (only if the build succeeds)")
    build.add_argument("dir", nargs="?", default=".", help="the book folder (default: the current folder)")
    build.add_argument("--strict", action="store_true", help="treat warnings as errors (as CI does)")
    build.add_argument("--all", action="store_true", help="rebuild every page (execution stays cached)")
    build.set_defaults(run=command_build)
    return root


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``carnet`` command and of ``python -m carnet``."""
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except CarnetError as err:
        print(f"carnet: {err}", file=sys.stderr)
        return 2
