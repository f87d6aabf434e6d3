"""The files of the book a page may read, published for JupyterLite and the in-page runtime.

A page reads its data by relative paths (``open("data/notes.csv")``) from its own folder, as at
build time. Readers get exactly the files of that folder (recursively) that are the author's and
meant to be public: never hidden files, answer folders (``solutions/``, ``corrigé/``… see
:func:`is_answers_folder`), ``exclude_patterns``, the private patterns (``carnet.launch.private``),
book files (``_config.yml``…), pages' sources, nor files a page's execution wrote (see
:func:`carnet.sphinxext.execution.run.byproducts`). They are published once, under ``<lite_dir>/files/``, where both
JupyterLite and the page's worker read them.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from pathlib import Path, PurePosixPath
from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util.matching import Matcher

from ...core.paths import link_leading_out
from .config import carnet_config
from ..execution.run import byproducts
from .state import build_state
from ..site.symlinks import warn_link

#: Book files never published, whatever their folder.
BOOK_FILES = {"_config.yml", "_toc.yml", "conf.py", "requirements.txt", "environment.yml"}


#: Folder names that hold a teacher's answers (lower case, without accents): private, like hidden files.
ANSWER_FOLDERS = {"solution", "solutions", "corrige", "corriges", "correction", "corrections", "answers"}


def is_answers_folder(name: str) -> bool:
    """Whether a folder is named as a teacher names the answers (``Corrigés``, ``solutions``…).

    No page needs them to run, and pupils must not find them in the site: a teacher expects them
    private without a pattern, whatever the case and however the accent is encoded (a Mac writes
    ``é`` as ``e`` and a combining accent).
    """
    plain = "".join(ch for ch in unicodedata.normalize("NFD", name) if not unicodedata.combining(ch))
    return plain.casefold() in ANSWER_FOLDERS


def page_folder(docname: str) -> str:
    """The folder of a page, relative to the book (``""`` at its root)."""
    return PurePosixPath(docname).parent.as_posix().removeprefix(".")


def private_matcher(app: Sphinx) -> Matcher:
    """Paths (relative to the book) that must never be published as a page's files.

    The author's ``exclude_patterns``, not those sphinx-external-toc adds for the files ``_toc.yml``
    does not list: with ``.py`` notebooks (jupytext), the modules beside the pages are such files.
    """
    private = carnet_config(app).launch.private
    author = build_state(app).author_exclusions
    excluded = app.config.exclude_patterns if author is None else author
    return Matcher([*excluded, *private, "_build", "_build/**"])


def exclude_private_pages(app: Sphinx, config: Config) -> None:
    """No page of a private folder is read: add the private patterns to ``exclude_patterns``.

    Also each ``**/name`` pattern as ``name``: Sphinx's file discovery does not match ``**/private``
    against a ``private/`` folder at the book's root (its ``Matcher`` does), so such a folder's pages
    were built and published.
    """
    patterns = [*config.exclude_patterns, *carnet_config(app).launch.private]
    rooted = [pattern.removeprefix("**/") for pattern in patterns if pattern.startswith("**/")]
    config.exclude_patterns = list(dict.fromkeys([*patterns, *rooted]))


def setup_pagefiles(app: Sphinx) -> None:
    """Keep private folders out of the pages (before sphinx-external-toc reads the exclusions)."""
    app.connect("config-inited", exclude_private_pages, priority=800)


def is_publishable(
    relative: PurePosixPath, excluded: Matcher, source_suffixes: list[str], pages: frozenset[str] = frozenset()
) -> bool:
    """A data file a page may read: not hidden, in an answers folder, excluded, private, a page or a book file.

    A pattern naming a folder (``solutions``) matches the folder only, not the files in it: every
    folder on the file's path is tested too. A file with a page's suffix is a page's source, unless
    it is a ``.py`` file that is not a page (``pages``: the pages' sources): a book whose
    notebooks are ``.py`` files (jupytext) still has modules its pages import.
    """
    if any(part.startswith(".") for part in relative.parts) or any(map(is_answers_folder, relative.parts[:-1])):
        return False
    if excluded(relative.as_posix()) or any(excluded(parent.as_posix()) for parent in relative.parents[:-1]):
        return False
    if relative.suffix == ".py" and relative.as_posix() not in pages:
        return relative.name not in BOOK_FILES
    return relative.name not in BOOK_FILES and relative.suffix not in source_suffixes


def folder_files(app: Sphinx, folder: str) -> dict[str, Path]:
    """The publishable files of a folder of the book (recursively), by path relative to the book.

    Computed once per folder and build, once the pages are executed: every page of a folder shares them.
    """
    state = build_state(app)
    if folder not in state.folder_files:
        if state.publish_rules is None:  # the same for every folder: worked out once
            state.publish_rules = publish_rules(app)
        state.folder_files[folder] = scan_folder(app, folder, state.publish_rules)
    return state.folder_files[folder]


def publish_rules(app: Sphinx) -> tuple[Any, list[str], set[str], frozenset[str]]:
    """What keeps a file of the book out of the site: private patterns, page sources, by-products."""
    pages = frozenset(str(app.env.doc2path(name, False)) for name in app.env.found_docs)
    return private_matcher(app), list(app.config.source_suffix), byproducts(app), pages


def scan_folder(app: Sphinx, folder: str, rules: tuple[Any, list[str], set[str], frozenset[str]]) -> dict[str, Path]:
    """The files of ``folder`` that ``rules`` (see :func:`publish_rules`) let the site publish."""
    srcdir = Path(app.srcdir)
    excluded, suffixes, written, pages = rules
    files = {}
    for path in sorted((srcdir / folder).rglob("*")):
        relative = PurePosixPath(path.relative_to(srcdir).as_posix())
        if relative.as_posix() in written or not path.exists():
            continue
        if not is_publishable(relative, excluded, suffixes, pages):
            continue
        link = link_leading_out(srcdir, relative.as_posix())
        if link:  # a link to a file or folder outside the book is not the book's to publish (rglob skips folders)
            warn_link(app, link)
        elif path.is_file():
            files[relative.as_posix()] = path
    return files


def stamp_files(digest: Any, files: Iterable[tuple[str, Path]]) -> None:
    """Add each file's name, size and modification time to ``digest``: what a verdict on them depends on."""
    for name, path in files:
        stat = Path(path).stat()
        digest.update(f"{name}\0{stat.st_size}\0{stat.st_mtime_ns}\0".encode())
