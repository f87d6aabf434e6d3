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
from conftest import copy_book, environment_of, fresh_environment

pytestmark = pytest.mark.subprocess


def sphinx_build(book: Path, *options: str) -> tuple[int, str]:
    """``sphinx-build -b html BOOK BOOK/_build/html OPTIONS``, its exit status and its output."""
    command = [str(Path(sys.executable).with_name("sphinx-build")), "-b", "html", str(book), str(book / "_build/html")]
    proc = subprocess.run([*command, *options], cwd=book, capture_output=True, text=True)
    return proc.returncode, proc.stdout + proc.stderr


def assert_executed_and_runs_in_the_page(html: Path, offline_context) -> None:
    """The built chapter holds its cell's output, and the cell runs again in the page, offline."""
    assert "42" in (html / "chapitre.html").read_text(), "the page was executed at build"
    with serve_directory(html, "/sphinx-seul/") as base:
        page = open_page(offline_context, base + "chapitre.html")
        assert run(page, 1).inner_text().strip() == "42"
        assert offline_context.blocked == [] and page.errors == []


@pytest.mark.parametrize("theme", ["alabaster", "sphinx_book_theme"])
def test_a_plain_sphinx_project_builds_and_its_cells_run_in_the_page(tmp_path: Path, theme: str, offline_context):
    book = copy_book("plain-sphinx", tmp_path)
    status, output = sphinx_build(book, "-W", "-D", f"html_theme={theme}")
    assert status == 0, output[-3000:]
    assert_executed_and_runs_in_the_page(book / "_build" / "html", offline_context)


def test_the_newest_sphinx_builds_a_plain_project_and_its_cells_run(
    tmp_path: Path, carnet_wheel: Path, offline_context
):
    """Carnet without its ``book`` extra, on the Sphinx and MyST-NB pip resolves today (Jupyter Book 1 pins Sphinx 7).

    The README's install line for a plain Sphinx project, in a fresh environment: ``sphinx-build -W``
    builds the fixture under sphinx-book-theme, a cell runs in the page, and the ``carnet`` command,
    which builds with Jupyter Book, names the extra it needs instead of failing on an import.
    """
    from packaging.version import Version

    bin_folder = fresh_environment(tmp_path / "venv", str(carnet_wheel), "sphinx-book-theme")
    versions = subprocess.run(
        [bin_folder / "python", "-c", "import sphinx, myst_nb; print(sphinx.__version__, myst_nb.__version__)"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert Version(versions[0]) >= Version("9"), f"pip resolved Sphinx {versions[0]}"
    book = copy_book("plain-sphinx", tmp_path)
    jupyter_book = copy_book("live", tmp_path)
    env = environment_of(bin_folder)
    command = [
        bin_folder / "sphinx-build",
        "-W",
        "-b",
        "html",
        "-D",
        "html_theme=sphinx_book_theme",
        ".",
        "_build/html",
    ]
    built = subprocess.run(command, cwd=book, capture_output=True, text=True, env=env)
    assert built.returncode == 0, (
        f"Sphinx {versions[0]}, MyST-NB {versions[1]}:\n{(built.stdout + built.stderr)[-3000:]}"
    )
    assert_executed_and_runs_in_the_page(book / "_build" / "html", offline_context)
    for folder, said in (
        (book, "a plain Sphinx project; build it with sphinx-build"),
        (jupyter_book, "pip install 'carnet[book]'"),
    ):
        refused = subprocess.run(
            [bin_folder / "carnet", "build", "."], cwd=folder, capture_output=True, text=True, env=env
        )
        assert refused.returncode == 2 and "Traceback" not in refused.stderr
        assert said in refused.stderr, refused.stderr[-3000:]
