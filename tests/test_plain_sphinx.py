"""Carnet on a plain Sphinx project (issue 27): ``conf.py``, a ``toctree``, MyST-NB, no Jupyter Book.

Built by ``sphinx-build`` itself, in its own process (in-process builds of Jupyter Book books
before it leave MyST-NB's custom formats registered: ``conf.py`` was read as a page), under
Sphinx's default theme and under sphinx-book-theme; a cell then runs in the page, in headless Chromium.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from browsing import open_page, run
from carnet.cli.server import serve_directory
from conftest import copy_book

pytestmark = pytest.mark.subprocess


def sphinx_build(book: Path, *options: str) -> tuple[int, str]:
    """``sphinx-build -b html BOOK BOOK/_build/html OPTIONS``, its exit status and its output."""
    command = [str(Path(sys.executable).with_name("sphinx-build")), "-b", "html", str(book), str(book / "_build/html")]
    proc = subprocess.run([*command, *options], cwd=book, capture_output=True, text=True)
    return proc.returncode, proc.stdout + proc.stderr


@pytest.mark.parametrize("theme", ["alabaster", "sphinx_book_theme"])
def test_a_plain_sphinx_project_builds_and_its_cells_run_in_the_page(tmp_path: Path, theme: str, offline_context):
    book = copy_book("plain-sphinx", tmp_path)
    status, output = sphinx_build(book, "-W", "-D", f"html_theme={theme}")
    assert status == 0, output[-3000:]
    html = book / "_build" / "html"
    assert "42" in (html / "chapitre.html").read_text(), "the page was executed at build"
    with serve_directory(html, "/sphinx-seul/") as base:
        page = open_page(offline_context, base + "chapitre.html")
        assert run(page, 1).inner_text().strip() == "42"
        assert offline_context.blocked == [] and page.errors == []
