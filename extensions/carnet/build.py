"""Build a book into a staging folder and publish it to ``_build/html`` only when it succeeds.

``jupyter-book build`` writes straight into ``_build/html``: a build that fails half-way leaves a
mix of new and old pages there, ready to be pushed by mistake. ``carnet build`` lets Sphinx write
into ``_build/.carnet-staging`` (kept between builds, so rebuilds stay incremental) and replaces
``_build/html`` by a copy of it only when the build exits 0. The execution cache, doctrees and
reports stay in ``_build`` itself, shared with plain ``jupyter-book build``.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from .errors import CarnetError

BUILD_DIR = "_build"
STAGING_DIR = ".carnet-staging"


@dataclass(frozen=True)
class BookPaths:
    """Where a book's sources are and where its build goes."""

    source: Path

    @property
    def config(self) -> Path:
        """The book's configuration file."""
        return self.source / "_config.yml"

    @property
    def toc(self) -> Path:
        """The book's table of contents."""
        return self.source / "_toc.yml"

    @property
    def build(self) -> Path:
        """Everything a build produces."""
        return self.source / BUILD_DIR

    @property
    def staging(self) -> Path:
        """Where Sphinx writes; kept between builds for incremental rebuilds."""
        return self.build / STAGING_DIR

    @property
    def html(self) -> Path:
        """The published site: replaced whole, only by a successful build."""
        return self.build / "html"

    @property
    def reports(self) -> Path:
        """Tracebacks of failed pages, beside the site."""
        return self.build / "reports"


def book_paths(source: Path) -> BookPaths:
    """Check that ``source`` is a book folder and return its paths."""
    paths = BookPaths(source.resolve())
    if not paths.source.is_dir():
        raise CarnetError(f"{source}: no such folder")
    for required in (paths.config, paths.toc):
        if not required.is_file():
            raise CarnetError(f"{required}: not found; a Carnet book needs _config.yml and _toc.yml")
    return paths


def run_sphinx(paths: BookPaths, *, strict: bool = False, fresh: bool = False) -> int:
    """Run Jupyter Book's Sphinx build into the staging folder; return its exit status."""
    from jupyter_book.sphinx import build_sphinx

    result = build_sphinx(
        paths.source,
        paths.staging,
        doctreedir=paths.build / ".doctrees",
        noconfig=True,
        path_config=str(paths.config),
        confoverrides={
            "external_toc_path": paths.toc.as_posix(),
            "latex_individualpages": False,
            **({"nitpicky": True} if strict else {}),
        },
        warningiserror=strict,
        keep_going=True,
        freshenv=fresh,
        force_all=fresh,
    )
    return 1 if isinstance(result, BaseException) else int(result)


def publish(staging: Path, html: Path) -> None:
    """Replace ``html`` by a copy of ``staging`` with two renames, so it is never half-written."""
    fresh = html.with_name(html.name + ".carnet-new")
    old = html.with_name(html.name + ".carnet-old")
    for leftover in (fresh, old):
        shutil.rmtree(leftover, ignore_errors=True)
    shutil.copytree(staging, fresh, ignore=shutil.ignore_patterns(".buildinfo"))
    if html.exists():
        html.rename(old)
    fresh.rename(html)
    shutil.rmtree(old, ignore_errors=True)


def build_book(source: Path, *, strict: bool = False, fresh: bool = False) -> int:
    """Build the book at ``source``; publish to ``_build/html`` on success. Return the exit status."""
    paths = book_paths(source)
    status = run_sphinx(paths, strict=strict, fresh=fresh)
    if status == 0:
        publish(paths.staging, paths.html)
    return status
