"""``carnet publish``: push the built site to the ``gh-pages`` branch with ghp-import.

For authors who publish from their own machine rather than with the GitHub Actions workflow.
``.nojekyll`` is always added: without it GitHub Pages runs Jekyll, which drops ``_static/``.
"""

from __future__ import annotations

import argparse
import contextlib
import re
import subprocess
from pathlib import Path

from .. import __version__
from ..core.errors import CarnetError
from .book import book_paths
from .language import say


def shown_remote(remote: str) -> str:
    """A remote as it may be printed: an address's credentials (a CI token) left out."""
    return re.sub(r"//[^/@]+@", "//", remote)


def publish_site(repository: Path, html: Path, *, remote: str, branch: str, push: bool, message: str) -> None:
    """Commit ``html`` as the whole content of ``branch`` in ``repository``'s git repository.

    With ``push``, the branch is pushed to ``remote`` too.
    """
    from ghp_import import GhpError, ghp_import

    if not (html / "index.html").is_file():
        raise CarnetError(say("publish_nothing", html=html))
    if subprocess.run(["git", "rev-parse", "--git-dir"], cwd=repository, capture_output=True).returncode != 0:
        raise CarnetError(say("publish_no_git", dir=repository))
    (html / ".nojekyll").touch()
    try:
        with contextlib.chdir(repository):
            ghp_import(str(html), mesg=message, remote=remote, branch=branch, push=push, force=True, nojekyll=True)
    except GhpError as err:
        reason = err.message.replace(remote, shown_remote(remote))
        raise CarnetError(say("publish_failed", remote=shown_remote(remote), branch=branch, reason=reason)) from err


def run(args: argparse.Namespace) -> int:
    """``carnet publish``: push ``_build/html`` to the gh-pages branch."""
    paths = book_paths(Path(args.dir))
    publish_site(
        paths.source,
        paths.html,
        remote=args.remote,
        branch=args.branch,
        push=not args.no_push,
        message=f"Publish the course with Carnet {__version__}",
    )
    print(say("publish_done", branch=args.branch, remote=shown_remote(args.remote)))
    return 0
