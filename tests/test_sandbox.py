"""The copy of the book pages execute in (issue 26): what a page does to it never reaches the author's files.

Sphinx-free, on real folders: the build's own test is ``test_isolation.test_a_page_cannot_damage_the_book``.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

from carnet.core.sandbox import Sandbox, book_files


def _book(folder: Path) -> Path:
    files = {
        "intro.md": "# Intro\n",
        "chapitre/page.md": "# Page\n",
        "data/notes.csv": "a,b\n1,2\n",
        "data/grand/brut.txt": "brut",
        ".env": "SECRET=1",
        ".git/config": "[core]",
        "_build/html/index.html": "site",
        "node_modules/x/index.js": "js",
        "venv/pyvenv.cfg": "home = /usr",
        "venv/lib/module.py": "",
        "chapitre/__pycache__/m.pyc": "",
    }
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)
    return folder


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_the_copy_holds_the_pages_files_and_nothing_hidden_or_built(tmp_path: Path):
    book = _book(tmp_path)
    assert sorted(book_files(book)) == ["chapitre/page.md", "data/grand/brut.txt", "data/notes.csv", "intro.md"]


def test_what_a_page_changes_is_put_back_and_what_it_writes_comes_back(tmp_path: Path):
    book = _book(tmp_path / "livre")
    before = _tree(book)
    sandbox = Sandbox(book, replaceable=lambda name: False)
    folder = Path(sandbox.folder(str(book / "chapitre")))
    assert folder == sandbox.root / "chapitre" and not folder.is_relative_to(book)
    # The page: it goes up, deletes a file and a folder, rewrites another, writes new files.
    os.remove(folder / ".." / "data" / "notes.csv")
    shutil.rmtree(folder / ".." / "data" / "grand")
    (folder / ".." / "intro.md").write_text("abîmé")
    (folder / "resultat.txt").write_text("42")
    (folder / "sortie").mkdir()
    (folder / "sortie" / "figure.png").write_bytes(b"png")
    (sandbox.root / ".." / "hors.txt").write_text("hors du livre")
    assert sandbox.settle() == ["chapitre/resultat.txt", "chapitre/sortie/figure.png"]
    after = _tree(book)
    assert {name: after[name] for name in before} == before, "the author's files are untouched"
    assert sorted(set(after) - set(before)) == ["chapitre/resultat.txt", "chapitre/sortie/figure.png"]
    # The next page finds the book as it was.
    assert (sandbox.root / "data" / "notes.csv").read_text() == "a,b\n1,2\n"
    assert (sandbox.root / "data" / "grand" / "brut.txt").read_text() == "brut"
    assert (sandbox.root / "intro.md").read_text() == "# Intro\n"
    # A page writing its by-product again replaces it; nothing changed, nothing written.
    (folder / "resultat.txt").write_text("43")
    assert sandbox.settle() == ["chapitre/resultat.txt"]
    assert (book / "chapitre" / "resultat.txt").read_text() == "43"
    assert sandbox.settle() == []
    root = sandbox.root.parent
    sandbox.close()
    assert not root.exists()


def test_an_authors_file_is_never_replaced_and_a_link_out_never_written_through(tmp_path: Path):
    outside = tmp_path / "ailleurs"
    outside.mkdir()
    (outside / "partage.csv").write_text("partagé")
    book = _book(tmp_path / "livre")
    (book / "data" / "lien").symlink_to(outside)
    old = {"chapitre/ancien.txt"}  # a by-product of an earlier build
    (book / "chapitre" / "ancien.txt").write_text("ancien")
    sandbox = Sandbox(book, replaceable=old.__contains__)
    root = sandbox.root
    assert (root / "data" / "lien" / "partage.csv").read_text() == "partagé", "a page reads through a link"
    (root / "data" / "lien" / "partage.csv").write_text("écrasé")
    (root / "data" / "lien" / "nouveau.txt").write_text("nouveau")
    (root / "data" / "notes.csv").write_text("écrasé")
    (root / "chapitre" / "ancien.txt").write_text("nouveau")
    assert sandbox.settle() == ["chapitre/ancien.txt"]
    assert sorted(p.name for p in outside.iterdir()) == ["partage.csv"]
    assert (outside / "partage.csv").read_text() == "partagé"
    assert (book / "data" / "notes.csv").read_text() == "a,b\n1,2\n"
    assert (root / "data" / "notes.csv").read_text() == "a,b\n1,2\n"
    sandbox.close()


def test_a_folder_outside_the_book_is_kept_and_nothing_is_copied_until_needed(tmp_path: Path):
    book = _book(tmp_path / "livre")
    sandbox = Sandbox(book, replaceable=lambda name: False)
    assert sandbox.folder(str(tmp_path / "temp")) == str(tmp_path / "temp")
    assert sandbox.settle() == []
    sandbox.close()


def _write_in_child(sandbox: Sandbox, book: Path, answers: Any) -> None:
    """A parallel reader: it executes a page in its own copy and says what it wrote and where."""
    folder = Path(sandbox.folder(str(book / "chapitre")))
    (folder / "lecteur.txt").write_text("écrit par le lecteur")
    answers.put((str(folder), sandbox.settle()))


def test_each_parallel_reader_has_its_own_copy_deleted_when_it_ends(tmp_path: Path):
    import multiprocessing

    book = _book(tmp_path / "livre")
    sandbox = Sandbox(book, replaceable=lambda name: False)
    mine = Path(sandbox.folder(str(book / "chapitre")))
    (mine / "parent.txt").write_text("écrit par le processus principal")
    context = multiprocessing.get_context("fork")
    answers = context.SimpleQueue()
    reader = context.Process(target=_write_in_child, args=(sandbox, book, answers))
    reader.start()
    reader.join(timeout=30)
    theirs, written = answers.get()
    assert written == ["chapitre/lecteur.txt"], "the parent's unsettled file is not the reader's"
    assert Path(theirs).parent != mine.parent and not Path(theirs).exists(), "its own copy, gone with it"
    assert sandbox.settle() == ["chapitre/parent.txt"]
    sandbox.close()
