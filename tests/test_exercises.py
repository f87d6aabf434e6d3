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
import threading
from pathlib import Path

import pytest
from browsing import START_TIMEOUT, open_page, type_code
from carnet.cli.server import serve_directory
from carnet.core.exercises import public_tests
from conftest import build_in_process, copy_book

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
    # The proofs are kept, keyed by what they depend on: a check proves again only the pages that changed.
    store = book / "_build" / "carnet-proofs.json"
    kept = json.loads(store.read_text())
    assert set(kept) == {"bons", "faux"}
    for page in kept.values():
        page["starters"] = ["a proof kept from the last check"]
    store.write_text(json.dumps(kept))
    faux = book / "faux.md"
    faux.write_text(faux.read_text().replace("def triple(n):", "def triple(n):  # modifiée"))
    again = carnet("check", "--no-browser", str(book), cwd=book)
    output = again.stdout + again.stderr
    assert "bons: a proof kept from the last check" in output, "unchanged: not proven again"
    assert "faux: a proof kept" not in output and "faux: exercise 2 (cell 5): the starter passes" in output


def test_a_build_proves_the_starters_of_the_pages_it_reads_while_it_reads_them(tmp_path, monkeypatch):
    """A starter run needs the page's source, not its execution: it starts as reading starts."""
    from carnet.sphinxext import proofs

    book = copy_book("exercises", tmp_path)
    proven, prove = [], proofs._prove_starters

    def recorded(job, said):
        proven.append((job["page"], threading.current_thread().name))
        return prove(job, said)

    monkeypatch.setattr(proofs, "_prove_starters", recorded)
    monkeypatch.setenv("CARNET_LANG", "en")
    built = build_in_process(book)
    assert built.returncode == 0, built.output[-3000:]
    assert "faux.md: WARNING: exercise 2 (cell 5): the starter passes its tests" in built.output, built.output[-3000:]
    assert sorted(page for page, _ in proven) == ["bons", "faux"], proven
    assert all(thread.startswith("carnet-early-proof") for _, thread in proven), "none waited for the pages' run"
    proven.clear()
    faux = book / "faux.md"
    faux.write_text(faux.read_text().replace("def triple(n):", "def triple(n):  # modifiée"))
    assert build_in_process(book).returncode == 0
    assert [page for page, _ in proven] == ["faux"] and proven[0][1].startswith("carnet-early-proof"), proven


def _hand_in(reference: dict, folder: Path, name: str, answer: str) -> None:
    """A pupil's copy of the page: their answer in the first exercise, the public tests only."""
    notebook = json.loads(json.dumps(reference))
    code = [cell for cell in notebook["cells"] if cell["cell_type"] == "code"]
    next(cell for cell in code if "exercise-answer" in cell["metadata"].get("tags", []))["source"] = answer
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


@pytest.fixture
def site(built: Path):
    with serve_directory(built / "_build/html", "/exercices/") as base:
        yield base


def check(page, number: int, *code: str) -> str:
    """Type ``code`` in the answer cell of exercise ``number``, click Valider, return the feedback."""
    answer = page.locator(".carnet-exercise-answer").nth(number - 1)
    type_code(page, int(answer.get_attribute("data-carnet-cell")), *code)
    panel = page.locator(".carnet-exercise-panel").nth(number - 1)
    panel.locator(".carnet-check").click()
    feedback = panel.locator(".carnet-feedback-success, .carnet-feedback-failure")
    feedback.wait_for(timeout=START_TIMEOUT)
    return feedback.inner_text()


def test_check_in_the_page_gives_the_failing_test_then_success_and_the_solution(offline_context, site):
    page = open_page(offline_context, site + "bons.html")
    panel = page.locator(".carnet-exercise-panel").first
    hints = page.locator(".carnet-hint")
    assert hints.count() == 2 and not hints.first.is_visible(), "hints wait to be asked for"
    assert not page.get_by_text("SOLUTION-ECRITE").is_visible()
    assert not panel.locator(".carnet-solution-button").is_visible()

    wrong = check(page, 1, "def aire_rectangle(longueur, largeur):\n", "return longueur + largeur")
    assert "Un test n'est pas réussi : l'aire d'un rectangle 2 × 3 vaut 6" in wrong
    assert "assert aire_rectangle(2, 3) == 6" in wrong, "the failing check's line"
    assert "Traceback" not in wrong and panel.locator(".carnet-attempts").inner_text() == "1 essai"

    secret = check(page, 1, "def aire_rectangle(longueur, largeur):\n", "return 6")
    assert "un test caché ne l'est pas : un rectangle plat a une aire nulle" in secret
    assert "aire_rectangle(0, 5)" not in secret, "a hidden test's code is never shown"

    panel.locator(".carnet-hint-button").click()
    assert hints.first.is_visible() and not hints.nth(1).is_visible(), "one hint at a time"
    assert panel.locator(".carnet-hint-button").inner_text() == "💡 Indice 2/2"

    right = check(page, 1, "def aire_rectangle(longueur, largeur):\n", "return longueur * largeur")
    assert "Bravo, tous les tests sont réussis" in right
    assert panel.locator(".carnet-attempts").inner_text() == "3 essais"
    panel.locator(".carnet-solution-button").click()
    assert "return longueur * largeur" in panel.locator(".carnet-solution-code").inner_text()
    assert "BEGIN SOLUTION" not in panel.locator(".carnet-solution-code").inner_text()
    assert page.get_by_text("SOLUTION-ECRITE").is_visible()

    # Exercise 2 shows its solution only on success: a failed try does not unlock it.
    check(page, 2, "moyenne = 14")
    second = page.locator(".carnet-exercise-panel").nth(1)
    assert not second.locator(".carnet-solution-button").is_visible()

    page.reload()
    page.wait_for_load_state("networkidle")
    panel = page.locator(".carnet-exercise-panel").first
    panel.wait_for()
    assert panel.locator(".carnet-attempts").inner_text() == "3 essais", "attempts survive a reload"
    assert "Bravo" in panel.locator(".carnet-feedback").inner_text()
    assert page.locator(".carnet-hint").first.is_visible() and page.get_by_text("SOLUTION-ECRITE").is_visible()
    assert page.locator(".carnet-exercise-panel").nth(1).locator(".carnet-attempts").inner_text() == "1 essai"
    assert page.errors == []


def test_work_downloads_as_a_notebook_opens_again_and_is_graded(offline_context, site, built: Path, tmp_path: Path):
    page = open_page(offline_context, site + "bons.html")
    asked = []
    page.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept("Léa Martin")))
    check(page, 1, "def aire_rectangle(longueur, largeur):\n", "return longueur * largeur")
    copies = tmp_path / "copies"
    for _ in range(2):  # the name is asked once
        with page.expect_download() as download:
            page.locator(".carnet-work-download").click()
    assert len(asked) == 1 and download.value.suggested_filename == "bons - Léa Martin.ipynb"
    copies.mkdir()
    saved = copies / download.value.suggested_filename
    download.value.save_as(saved)
    notebook = json.loads(saved.read_text(encoding="utf-8"))
    carnet_data = notebook["metadata"]["carnet"]
    assert carnet_data["page"] == "bons" and carnet_data["pupil"] == "Léa Martin"
    assert carnet_data["exercises"][0] | {"attempts": 1, "passed": True} == carnet_data["exercises"][0]
    answers = [cell for cell in notebook["cells"] if "exercise-answer" in cell["metadata"].get("tags", [])]
    assert "return longueur * largeur" in "".join(answers[0]["source"]) and "moyenne = ..." in "".join(
        answers[1]["source"]
    )
    assert "rectangle plat" not in saved.read_text(encoding="utf-8"), "the pupil's copy: no hidden test"

    # On another machine (nothing stored), the file brings the code and the progress back.
    page.evaluate("localStorage.clear()")
    page.reload()
    page.wait_for_load_state("networkidle")
    page.locator(".carnet-work input[type=file]").set_input_files(saved)
    page.locator(".carnet-work-message", has_text="Travail ouvert").wait_for()
    answer = page.locator(".carnet-exercise-answer").first
    assert "return longueur * largeur" in answer.locator(".cell_input").inner_text()
    assert page.locator(".carnet-attempts").first.inner_text() == "1 essai"
    page.locator(".carnet-work input[type=file]").set_input_files(
        {"name": "notes.txt", "mimeType": "text/plain", "buffer": b"pas un notebook"}
    )
    page.locator(".carnet-work-message", has_text="notes.txt n'est pas un notebook").wait_for()

    proc = carnet("grade", str(copies), "--book", str(built), "--timeout", "10", cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    with (copies / "notes.csv").open(encoding="utf-8") as stream:
        rows = {(row["pupil"], row["exercise"]): row["result"] for row in csv.DictReader(stream)}
    assert rows == {("Léa Martin", "1"): "passed", ("Léa Martin", "2"): "failed"}
