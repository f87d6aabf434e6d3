"""Pages execute on a copy of the book, so that no page can damage the author's files.

A page runs code: ``os.chdir("..")`` then ``os.remove("data/notes.csv")``, a ``shutil.rmtree``
with a wrong path, or a cell that rewrites the data file it reads would otherwise change the
teacher's sources at every build. Each process executing pages copies the book's files once into
a temporary folder (the :class:`Sandbox`), in the same layout, and pages execute there, from their own folder as
before. After each page:

- a file of the book the page changed or deleted is put back from the book, for the next page;
- a file the page created is brought back into the book (a saved figure a later cell shows, a
  file the author wants to look at), unless that would replace an author's file or write through
  a link leading out of the book; such files are the page's by-products, never published.

Left out of the copy, as they are of the site: hidden files and folders, the build folders, and
what is never a page's data (Python environments, ``node_modules``, ``__pycache__``). A link is
copied as what it points to, even out of the book (the page reads it at build as before, and the
site never publishes it, see :mod:`carnet.sphinxext.site.symlinks`): the page changes only its copy,
and nothing it writes goes back through a link leading out.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterable
from multiprocessing.util import Finalize
from pathlib import Path

from .paths import link_leading_out

#: Path (relative to the book) → (modification time in ns, size).
FolderState = dict[str, tuple[int, int]]

#: Folder names that hold tools, not a page's data.
TOOL_FOLDERS = {"node_modules", "__pycache__", "_build"}


def is_tool_folder(folder: Path) -> bool:
    """A folder no page reads: a Python environment (``pyvenv.cfg``), ``node_modules``, a build folder."""
    return folder.name in TOOL_FOLDERS or (folder / "pyvenv.cfg").is_file()


def book_files(source: Path, skip: Iterable[Path] = ()) -> dict[str, Path]:
    """The files of the book a page may use, by path relative to it (see the module docstring).

    ``skip``: more folders left out (the build's output when it is inside the book).
    """
    root = source.resolve()
    skipped = {Path(folder).resolve() for folder in skip}
    files: dict[str, Path] = {}
    visited = {root}  # a link to a folder of the book is followed once, never round a loop

    def walk(folder: Path, relative: str) -> None:
        for entry in sorted(folder.iterdir()):
            name = f"{relative}{entry.name}"
            if entry.name.startswith("."):
                continue
            if entry.is_dir():
                real = entry.resolve()
                if not is_tool_folder(entry) and real not in skipped and real not in visited:
                    visited.add(real)
                    walk(entry, f"{name}/")
            elif entry.is_file():
                files[name] = entry

    if root.is_dir():
        walk(source, "")
    return files


def _stamp(path: Path) -> tuple[int, int] | None:
    """A file's modification time and size, or None when it is not a regular file (any more)."""
    try:
        info = path.lstat()
    except OSError:
        return None
    return (info.st_mtime_ns, info.st_size) if path.is_file() and not path.is_symlink() else None


class Sandbox:
    """A copy of the book that pages execute in; see the module docstring.

    ``replaceable(name)``: whether the book's file ``name`` may be replaced by what a page wrote
    (a by-product of an earlier build is; an author's file never is). ``keep_writes=False``: what
    a page writes is deleted instead of brought back (``carnet grade`` runs pupils' code: nothing
    of one copy reaches the book or the next copy).
    """

    def __init__(
        self, source: Path, replaceable: Callable[[str], bool], skip: Iterable[Path] = (), keep_writes: bool = True
    ) -> None:
        self.source = Path(source)
        self.replaceable = replaceable
        self.keep_writes = keep_writes
        self._skip = list(skip)
        self._folder: Path | None = None
        #: The copy's folder has the book's name: a page printing its folder's name prints the same.
        self._name = self.source.resolve().name or "book"
        self._owner = 0
        #: Each file of the copy as it was copied (or brought back): what tells a page's writes.
        self._state: FolderState = {}
        #: Files this build's pages wrote into the book: a later execution may replace them.
        self._brought: set[str] = set()

    @property
    def _mine(self) -> bool:
        """Whether this process made the copy (a parallel reader forked from the one that did did not)."""
        return self._folder is not None and self._owner == os.getpid()

    @property
    def root(self) -> Path:
        """The copy of the book, made the first time this process needs it.

        Each process executing pages has its own: pages run at the same time in two processes
        would otherwise see each other's files as their own writes. A parallel reader's copy is
        deleted when the reader ends (Sphinx's readers end without running ``atexit``;
        multiprocessing's finalizers run), the main process's by :meth:`close` or at exit.
        """
        if not self._mine:
            self._folder = Path(tempfile.mkdtemp(prefix="carnet-run-"))
            self._owner = os.getpid()
            self._state, self._brought = {}, set()
            Finalize(self, shutil.rmtree, args=(self._folder,), kwargs={"ignore_errors": True}, exitpriority=10)
            copy = self._folder / self._name  # a page's "../" from the book's root stays in Carnet's folder
            copy.mkdir()
            for name, path in book_files(self.source, self._skip).items():
                target = copy / name
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, target)
                self._state[name] = _stamp(target)
        return self._folder / self._name

    def folder(self, cwd: str | None) -> str | None:
        """Where a page whose folder is ``cwd`` executes: the same folder in the copy.

        A folder outside the book (myst-nb's ``execution_in_temp``) is kept.
        """
        if not cwd or not Path(cwd).resolve().is_relative_to(self.source.resolve()):
            return cwd
        relative = Path(cwd).resolve().relative_to(self.source.resolve())
        target = self.root / relative
        target.mkdir(parents=True, exist_ok=True)
        return str(target)

    def settle(self) -> list[str]:
        """After a page: restore what it changed of the book's files, bring back what it wrote.

        Returns the files it wrote that are now in the book (relative to it), sorted.
        """
        if not self._mine:
            return []
        root = self.root
        seen: set[str] = set()
        written = []
        for path in root.rglob("*"):
            name = path.relative_to(root).as_posix()
            if any(part.startswith(".") for part in path.relative_to(root).parts):
                continue
            stamp = _stamp(path)
            if stamp is None:
                continue
            seen.add(name)
            if self._state.get(name) == stamp:
                continue
            if self.keep_writes and self._bring_back(name, path):
                written.append(name)
            elif name in self._state:
                self._restore(name)
            elif not self.keep_writes:
                path.unlink()
            else:  # a file the book has and the copy left out (another process brought it back): stays here
                self._state[name] = stamp
        for name in sorted(set(self._state) - seen):  # deleted, or replaced by a folder or a link
            self._restore(name)
        return sorted(written)

    def _bring_back(self, name: str, path: Path) -> bool:
        """Copy a file a page wrote into the book, if nothing of the author's is in the way."""
        target = self.source / name
        if link_leading_out(self.source, name):
            return False
        if target.exists() or target.is_symlink():
            ours = name in self._brought or self.replaceable(name)
            if not (name in self._state and target.is_file() and not target.is_symlink() and ours):
                return False
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
        except OSError:  # a folder of the author's in the way, or no room: the book keeps what it had
            return False
        self._state[name] = _stamp(path)
        self._brought.add(name)
        return True

    def _restore(self, name: str) -> None:
        """Put the book's own copy of ``name`` back into the copy the pages run in."""
        target = self.root / name
        if target.is_symlink() or target.is_file():
            target.unlink()
        elif target.is_dir():
            shutil.rmtree(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        original = self.source / name
        if original.is_file():
            shutil.copy2(original, target)
            self._state[name] = _stamp(target)
        else:  # gone from the book too
            self._state.pop(name, None)

    def close(self) -> None:
        """Delete the copy (Carnet wrote all of it)."""
        if self._mine:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None
            self._state, self._brought = {}, set()
