"""``carnet``: the command line a teacher uses: new, build, check, serve, publish.

Help and messages are in French or English, from ``CARNET_LANG`` or the usual locale variables.
Problems with the author's input end with one clear message and a non-zero exit, never a
Python traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from .errors import CarnetError
from .i18n import messages, translate


def cli_language() -> str:
    """``fr`` when the user's locale (or ``CARNET_LANG``) is French, else ``en``."""
    for name in ("CARNET_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "")
        if value:
            return "fr" if value.lower().startswith("fr") else "en"
    return "en"


def say(key: str, **values: object) -> str:
    """A message of the command line, in the user's language."""
    return translate(cli_language(), f"cli.{key}", **values)


def command_new(args: argparse.Namespace) -> int:
    """Create a course that builds at once."""
    from .scaffold import create_course

    target = Path(args.dir)
    title = args.title or target.resolve().name.replace("-", " ").capitalize()
    files = create_course(
        target, title=title, author=args.author, language=args.language or cli_language(), repository=args.repository
    )
    print(say("new_done", dir=target, count=len(files)))
    return 0


def command_build(args: argparse.Namespace) -> int:
    """Build the book; ``_build/html`` changes only if the build succeeds."""
    from .book import book_paths
    from .build import build_book
    from .report import report_path

    paths = book_paths(Path(args.dir))
    start = time.perf_counter()
    progress = None if args.verbose else messages(cli_language(), "cli.step.")
    status = build_book(paths, strict=args.strict, fresh=args.all, progress=progress)
    report_file = report_path(paths.staging)
    if report_file.is_file():
        report = json.loads(report_file.read_text(encoding="utf-8"))
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
        print(say("build_failed", html=paths.html, staging=paths.staging, reports=paths.reports), file=sys.stderr)
    return status


def command_check(args: argparse.Namespace) -> int:
    """Build and check everything CI gates on; write a JSON report."""
    from .book import book_paths
    from .check import run_check

    paths = book_paths(Path(args.dir))
    result = run_check(paths, None if args.verbose else messages(cli_language(), "cli.step."))
    output = Path(args.json) if args.json else paths.build / "carnet-check.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
    lines = [say("check_title")]
    lines.append(
        say("check_execution", pages=result["execution"]["pages"], failed=len(result["execution"]["failures"]))
    )
    lines += [f"    - {failure['message']}" for failure in result["execution"]["failures"]]
    lines.append(say("check_links", count=len(result["links"])))
    lines += [f"    - {link}" for link in result["links"]]
    lines.append(say("check_launch", count=len(result["launch"])))
    lines += [f"    - {problem}" for problem in result["launch"]]
    lines.append(say("check_binder", count=len(result["binder"])))
    lines += [f"    - {item['page']}: {', '.join(item['modules'])}" for item in result["binder"]]
    if not result["build"]["completed"]:
        lines.append(say("check_incomplete"))
    lines.append(say("check_ok" if result["ok"] else "check_failed", json=output))
    print("\n".join(lines))
    return 0 if result["ok"] else 1


def source_snapshot(source: Path) -> dict[str, float]:
    """Modification times of the book's files (``_build`` and hidden files left out)."""
    snapshot = {}
    for path in source.rglob("*"):
        relative = path.relative_to(source)
        if relative.parts[0] == "_build" or any(part.startswith(".") for part in relative.parts):
            continue
        if path.is_file():
            snapshot[str(relative)] = path.stat().st_mtime
    return snapshot


def command_serve(args: argparse.Namespace) -> int:
    """Serve the site under its published subpath; rebuild when a source file changes."""
    from .book import book_paths, published_path
    from .serve import serve_directory

    paths = book_paths(Path(args.dir))
    prefix = args.subpath or published_path(paths)
    rebuild = [sys.executable, "-m", "carnet", "build", str(paths.source)]
    if not args.no_build:
        subprocess.run(rebuild, check=False)
    if not (paths.html / "index.html").is_file():
        raise CarnetError(say("serve_nothing", html=paths.html))
    snapshot = source_snapshot(paths.source)
    builds = [0]  # bumped after each rebuild: open pages reload themselves
    with serve_directory(paths.html, prefix, port=args.port, version=lambda: builds[0]) as base:
        print(say("serve_ready", url=base + "index.html"), flush=True)
        try:
            while True:
                time.sleep(args.interval)
                current = source_snapshot(paths.source)
                if current != snapshot:
                    snapshot = current
                    print(say("serve_rebuild"), flush=True)
                    subprocess.run(rebuild, check=False)
                    builds[0] += 1
                    print(say("serve_ready", url=base + "index.html"), flush=True)
        except KeyboardInterrupt:
            return 0


def command_publish(args: argparse.Namespace) -> int:
    """Push ``_build/html`` to the gh-pages branch."""
    from .book import book_paths
    from .publish import publish_site

    paths = book_paths(Path(args.dir))
    publish_site(
        paths.source,
        paths.html,
        remote=args.remote,
        branch=args.branch,
        push=not args.no_push,
        message=f"Publish the course with Carnet {__version__}",
    )
    print(say("publish_done", branch=args.branch, remote=args.remote))
    return 0


def parser() -> argparse.ArgumentParser:
    """The argument parser, one sub-command per task, with help in the user's language."""
    root = argparse.ArgumentParser(prog="carnet", description=say("description"))
    root.add_argument("--version", action="version", version=f"carnet {__version__}")
    commands = root.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def book_command(name: str, run: object) -> argparse.ArgumentParser:
        command = commands.add_parser(name, help=say(f"{name}_help"), description=say(f"{name}_help"))
        command.add_argument("dir", nargs="?", default=".", help=say("dir_help"))
        command.set_defaults(run=run)
        return command

    new = commands.add_parser("new", help=say("new_help"), description=say("new_help"))
    new.add_argument("dir", help=say("new_dir_help"))
    new.add_argument("--title", default="", help=say("title_help"))
    new.add_argument("--author", default="", help=say("author_help"))
    new.add_argument("--language", choices=("fr", "en"), help=say("language_help"))
    new.add_argument("--repository", default="https://github.com/USER/REPO", help=say("repository_help"))
    new.set_defaults(run=command_new)

    build = book_command("build", command_build)
    build.add_argument("--strict", action="store_true", help=say("strict_help"))
    build.add_argument("--all", action="store_true", help=say("all_help"))
    build.add_argument("--verbose", action="store_true", help=say("verbose_help"))

    check = book_command("check", command_check)
    check.add_argument("--json", help=say("json_help"))
    check.add_argument("--verbose", action="store_true", help=say("verbose_help"))

    serve = book_command("serve", command_serve)
    serve.add_argument("--port", type=int, default=8000, help=say("port_help"))
    serve.add_argument("--subpath", help=say("subpath_help"))
    serve.add_argument("--no-build", action="store_true", help=say("no_build_help"))
    serve.add_argument("--interval", type=float, default=1.0, help=argparse.SUPPRESS)

    publish = book_command("publish", command_publish)
    publish.add_argument("--remote", default="origin", help=say("remote_help"))
    publish.add_argument("--branch", default="gh-pages", help=say("branch_help"))
    publish.add_argument("--no-push", action="store_true", help=say("no_push_help"))
    return root


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``carnet`` command and of ``python -m carnet``."""
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except CarnetError as err:
        print(f"carnet: {err}", file=sys.stderr)
        return 2
