"""Where a book's sources are and where each part of its build goes.

Shared by the command line (which reads them) and the Sphinx extension (which writes them): the
staging folder Sphinx writes into, the published site, the tracebacks and the build report, all
under ``_build``, beside the site and never inside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

BUILD_DIR = "_build"
STAGING_DIR = ".carnet-staging"
#: Full tracebacks of failed pages, beside the site so they are never published.
TRACEBACKS_DIR = "tracebacks"
#: What each build did and found, as JSON (read by ``carnet build`` and ``carnet check``).
BUILD_REPORT = "carnet-build.json"


def build_report_path(outdir: Path) -> Path:
    """Where the report of a build into ``outdir`` goes."""
    return outdir.parent / BUILD_REPORT


def tracebacks_path(outdir: Path) -> Path:
    """Where the tracebacks of a build into ``outdir`` go."""
    return outdir.parent / TRACEBACKS_DIR


@dataclass(frozen=True)
class BookPaths:
    """Where a book's sources are and where its build goes."""

    source: Path
    #: ``student`` or ``teacher``: each edition is built in its own folders (no file of one leaks into the other).
    edition: str = "student"
    #: ``(I, N)`` for ``carnet check --shard I/N``: a share of the book, built in its own folder.
    shard: tuple[int, int] | None = None

    @property
    def suffix(self) -> str:
        """What tells the edition's build folders apart (none for the student edition, the published one)."""
        return "" if self.edition == "student" else f"-{self.edition}"

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
        """Everything a build produces (a shard's build, in a folder of its own inside)."""
        root = self.source / BUILD_DIR
        return root / f"shard-{self.shard[0]}-of-{self.shard[1]}" if self.shard else root

    @property
    def execution_cache(self) -> Path:
        """Jupyter Book's execution cache, shared by the whole build and every shard."""
        return self.source / BUILD_DIR / ".jupyter_cache"

    @property
    def staging(self) -> Path:
        """Where Sphinx writes; kept between builds for incremental rebuilds."""
        return self.build / (STAGING_DIR + self.suffix)

    @property
    def doctrees(self) -> Path:
        """Sphinx's read pages, kept between builds."""
        return self.build / (".doctrees" + self.suffix)

    @property
    def html(self) -> Path:
        """The built site, replaced whole, only by a successful build.

        Only the student edition goes to ``_build/html``, what ``carnet publish`` and the workflow push:
        the teacher's, with every solution in plain text, has a folder nothing publishes.
        """
        return self.build / ("html" if self.edition == "student" else self.edition)

    @property
    def tracebacks(self) -> Path:
        """Tracebacks of failed pages, beside the site."""
        return tracebacks_path(self.staging)

    @property
    def build_report(self) -> Path:
        """The report of the last build into the staging folder."""
        return build_report_path(self.staging)


def link_leading_out(root: Path, relative: str) -> str | None:
    """The first symbolic link on the path ``relative`` (to ``root``) that leads out of ``root``, or None.

    Each folder on the way is tested, not only the file: ``data -> /home/me`` publishes every file
    of the teacher's home folder as ``data/…``, though none of them is a link.
    """
    inside = root.resolve()
    path = root
    for part in Path(relative).parts:
        path = path / part
        if path.is_symlink() and not path.resolve().is_relative_to(inside):
            return path.relative_to(root).as_posix()
    return None
