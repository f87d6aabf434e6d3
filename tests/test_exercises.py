"""Exercises: each one proven by ``carnet check``, hand-ins graded by ``carnet grade``.

The fixture book has two right exercises (``bons``), one whose solution fails its tests and one whose
starter passes them (``faux``).
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from carnet.core.exercises import public_tests
from conftest import copy_book

pytestmark = pytest.mark.slow
ENV = {**os.environ, "NO_COLOR": "1", "CARNET_LANG": "en"}


def carnet(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "carnet", *args], capture_output=True, text=True, env=ENV, cwd=cwd, timeout=900
    )


def test_check_proves_each_exercise_solution_passes_and_starter_fails(tmp_path):
    book = copy_book("exercises", tmp_path)
    proc = carnet("check", "--no-browser", str(book), cwd=book)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 1, output[-3000:]
    assert "exercises: 4 checked (solution passes, starter fails), 2 problems" in output
    assert "faux: exercise 1 (cell 3): the solution fails its tests: AssertionError: le double de 5 vaut 10" in output
    assert "faux: exercise 2 (cell 5): the starter passes its tests, so they check nothing" in output
    assert "bons:" not in output.split("exercises:")[1]


def _hand_in(reference: dict, folder: Path, name: str, answer: str) -> None:
    """A pupil's copy of the page: their answer in the first exercise, the public tests only."""
    notebook = json.loads(json.dumps(reference))
    code = [cell for cell in notebook["cells"] if cell["cell_type"] == "code"]
    code[0]["source"] = answer
    for cell in code:
        if "exercise-tests" in cell["metadata"].get("tags", []):
            cell["source"] = public_tests("".join(cell["source"]))
        cell["outputs"] = []
    (folder / f"{name}.ipynb").write_text(json.dumps(notebook), encoding="utf-8")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture book, built."""
    book = copy_book("exercises", tmp_path_factory.mktemp("livre"))
    proc = carnet("build", str(book), cwd=book)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return book


def test_the_page_shows_the_starter_and_the_public_tests_only(built: Path):
    from bs4 import BeautifulSoup

    page = BeautifulSoup((built / "_build/html/bons.html").read_text(), "html.parser")
    answer, tests = page.select(".tag_exercise-answer"), page.select(".tag_exercise-tests")
    assert "...  # à compléter" in answer[0].select_one(".cell_input").get_text()
    assert "return longueur * largeur" not in page.get_text() and not answer[0].select(".cell_output")
    assert "moyenne = ..." in answer[1].get_text()
    assert "l'aire d'un rectangle" in tests[0].get_text() and "rectangle plat" not in page.get_text()
    assert "plat" not in (built / "_build/html/searchindex.js").read_text(), "nor in the search index"


def test_grade_runs_every_hand_in_against_the_full_tests(built: Path, tmp_path: Path):
    book = built
    reference = json.loads((book / "_build/jupyter_execute/bons.ipynb").read_text())
    copies = tmp_path / "copies"
    copies.mkdir()
    right = "def aire_rectangle(longueur, largeur):\n    return longueur * largeur\n"
    _hand_in(reference, copies, "bons - Léa", right)
    _hand_in(
        reference, copies, "bons - Hugo", "def aire_rectangle(longueur, largeur):\n    return longueur + largeur\n"
    )
    hidden = "def aire_rectangle(longueur, largeur):\n    return longueur * largeur or 1\n"
    _hand_in(reference, copies, "bons - Inès", hidden)
    _hand_in(
        reference, copies, "bons - Nathan", "def aire_rectangle(longueur, largeur):\n    while True:\n        pass\n"
    )
    (copies / "bons - Zoé.ipynb").write_text("{ ce n'est pas un notebook", encoding="utf-8")
    proc = carnet("grade", str(copies), "--book", str(book), "--timeout", "5", cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    with (copies / "notes.csv").open(encoding="utf-8") as stream:
        rows = {(row["pupil"], row["exercise"]): row for row in csv.DictReader(stream)}
    assert rows[("Léa", "1")]["result"] == rows[("Léa", "2")]["result"] == "passed"
    assert rows[("Hugo", "1")]["message"] == "AssertionError: l'aire d'un rectangle 2 × 3 vaut 6"
    assert rows[("Inès", "1")]["message"] == "AssertionError: un rectangle plat a une aire nulle", "hidden tests run"
    assert rows[("Nathan", "1")]["message"] == "still running after 5 s"
    assert rows[("bons - Zoé", "")]["result"] == "error"
    assert "bons - Zoé.ipynb: not a notebook of the course" in proc.stdout
    assert "Léa (bons - Léa.ipynb): 2/2" in proc.stdout
