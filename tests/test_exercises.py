"""Exercises: each one proven by ``carnet check``, hand-ins graded by ``carnet grade``.

The fixture book (French) has two right exercises (``bons``), one whose solution fails its tests and
one whose starter passes them (``faux``).
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from browsing import START_TIMEOUT, covering, open_page, run, type_code
from carnet.activities.exercise.cells import public_tests
from carnet.cli.server import serve_directory
from conftest import build_in_process, copy_book

pytestmark = pytest.mark.subprocess
ENV = {**os.environ, "NO_COLOR": "1", "CARNET_LANG": "en"}
#: Nothing chooses the run's language (an English locale): the book's decides.
BOOK_LANGUAGE = {**ENV, "CARNET_LANG": "", "LC_ALL": "", "LC_MESSAGES": "", "LANG": "C.UTF-8"}


def carnet(*args: str, cwd: Path, env: dict[str, str] = ENV) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "carnet", *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=900
    )


def read_notes(path: Path, delimiter: str) -> tuple[list[str], dict[str, dict[str, str]]]:
    """``carnet grade``'s CSV: it starts with a byte order mark; its header, and each row by pupil."""
    raw = path.read_bytes()
    assert raw.startswith(codecs.BOM_UTF8), "Excel reads it as UTF-8"
    header, *rows = csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=delimiter)
    assert all(len(row) == len(header) for row in rows), rows
    by_pupil = {row[0]: dict(zip(header, row, strict=True)) for row in rows}
    assert len(by_pupil) == len(rows), "one row per pupil"
    return header, by_pupil


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
    from carnet.activities.exercise import proofs

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


def _hand_in(reference: dict, folder: Path, name: str, answer: str, carnet: dict | None = None) -> None:
    """A pupil's copy of the page: their answer in the first exercise, the public tests only.

    ``carnet``: the ``metadata.carnet`` the page's "Télécharger mon travail" writes (page, pupil, exercises).
    """
    notebook = json.loads(json.dumps(reference))
    if carnet is not None:
        notebook["metadata"]["carnet"] = carnet
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
    """A French book: a CSV French Excel opens as is (BOM, ``;``), one row per pupil over every page, in French."""
    book = built
    reference = json.loads((book / "_build/jupyter_execute/bons.ipynb").read_text())
    other = json.loads((book / "_build/jupyter_execute/faux.ipynb").read_text())
    copies = tmp_path / "copies"
    copies.mkdir()
    right = "def aire_rectangle(longueur, largeur):\n    return longueur * largeur\n"
    progress = [
        {"number": 1, "attempts": 3, "passed": True, "solved": True, "hints": 2, "solution": True},
        {"number": 2, "attempts": 1, "passed": True, "solved": True, "hints": 0, "solution": False},
    ]
    _hand_in(reference, copies, "bons - Léa", right, {"page": "bons", "pupil": "Léa", "exercises": progress})
    # Her second page, saved on a Mac (a decomposed « é » in the file name) without her name inside: her row.
    faux_progress = [{"number": 1, "attempts": 2, "hints": 1}, {"number": 2, "attempts": 1, "hints": 0}]
    _hand_in(other, copies, "faux - Le\u0301a", "def double(n):\n    return 2 * n\n", {"exercises": faux_progress})
    wrong = "def aire_rectangle(longueur, largeur):\n    return longueur + largeur\n"
    _hand_in(reference, copies, "bons - Hugo", wrong)
    _hand_in(reference, copies, "bons (1)", right, {"page": "bons", "pupil": "Hugo"})
    os.utime(copies / "bons (1).ipynb", (1_000_000_000, 1_000_000_000))  # his first copy, handed in again since
    _hand_in(other, copies, "faux - Hugo", "def double(n):\n    return n + 2\n")
    hidden = "def aire_rectangle(longueur, largeur):\n    return longueur * largeur or 1\n"
    _hand_in(reference, copies, "bons - Inès", hidden)
    _hand_in(
        reference, copies, "bons - Nathan", "def aire_rectangle(longueur, largeur):\n    while True:\n        pass\n"
    )
    (copies / "bons - Zoé.ipynb").write_text("{ ce n'est pas un notebook", encoding="utf-8")
    proc = carnet("grade", str(copies), "--book", str(book), "--timeout", "5", cwd=tmp_path, env=BOOK_LANGUAGE)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    header, rows = read_notes(copies / "notes.csv", ";")
    assert (copies / "notes.csv").read_text(encoding="utf-8-sig").startswith("élève;réussis;exercices;")
    assert header == [
        "élève",
        "réussis",
        "exercices",
        "essais",
        "indices",
        "solutions vues",
        "remarque",
        "bons · ex. 1",
        "bons · ex. 1 · message",
        "bons · ex. 2",
        "bons · ex. 2 · message",
        "faux · ex. 1",
        "faux · ex. 1 · message",
        "faux · ex. 2",
        "faux · ex. 2 · message",
        "fichiers",
    ]
    assert list(rows) == ["Hugo", "Inès", "Léa", "Nathan", "Zoé"], "one row per pupil, 8 copies of 2 pages"
    lea = rows["Léa"]
    assert (lea["réussis"], lea["exercices"], lea["essais"], lea["indices"], lea["solutions vues"]) == (
        "4",
        "4",
        "7",
        "3",
        "1",
    ), "the total over both pages; the attempts, hints and solutions both pages counted"
    assert lea["bons · ex. 1"] == lea["bons · ex. 2"] == lea["faux · ex. 1"] == "réussi"
    assert lea["bons · ex. 1 · message"] == "" and lea["remarque"] == ""
    assert lea["fichiers"] == "bons - Léa.ipynb, faux - Le\u0301a.ipynb", "each file as it is named"
    hugo = rows["Hugo"]
    assert (hugo["réussis"], hugo["exercices"], hugo["bons · ex. 1"], hugo["faux · ex. 1"]) == (
        "2",
        "4",
        "échoué",
        "échoué",
    )
    assert hugo["bons · ex. 1 · message"] == "AssertionError: l'aire d'un rectangle 2 × 3 vaut 6", "his last copy"
    assert hugo["faux · ex. 1 · message"] == "AssertionError: le double de 5 vaut 10"
    assert (
        hugo["remarque"] == "bons (1).ipynb mis de côté : bons - Hugo.ipynb est une copie plus récente de la même page"
    )
    assert hugo["essais"] == "", "copies without the page's counts: unknown, not zero"
    ines = rows["Inès"]
    assert ines["bons · ex. 1 · message"] == "AssertionError: un rectangle plat a une aire nulle", "hidden"
    assert (ines["réussis"], ines["exercices"]) == ("1", "4"), "out of every page's exercises"
    assert ines["faux · ex. 1"] == ines["faux · ex. 2"] == "non rendu" and ines["faux · ex. 1 · message"] == ""
    assert rows["Nathan"]["bons · ex. 1 · message"] == "toujours en cours après 5 s"
    zoe = rows["Zoé"]
    assert zoe["réussis"] == zoe["exercices"] == zoe["bons · ex. 1"] == "" and zoe["faux · ex. 1"] == "non rendu"
    assert zoe["remarque"].startswith("bons - Zoé.ipynb : pas un notebook du cours : ")
    summary = proc.stdout.splitlines()
    assert summary[0].startswith("carnet grade : 8 copies, résultats dans ")
    assert "  - Léa : 4/4 (bons - Léa.ipynb, faux - Le\u0301a.ipynb)" in summary
    assert "  - Hugo : 2/4 (bons - Hugo.ipynb, faux - Hugo.ipynb)" in summary
    ines_at = summary.index("  - Inès : 1/4 (bons - Inès.ipynb)")
    assert summary[ines_at + 1 : ines_at + 3] == [
        "      bons · ex. 1 : AssertionError: un rectangle plat a une aire nulle",
        "      faux : non rendu",
    ]
    assert "  - Zoé : non corrigé (bons - Zoé.ipynb)" in summary
    assert "      bons - Zoé.ipynb : pas un notebook du cours" in "\n".join(summary)


def test_a_pupils_code_touches_neither_the_copies_nor_the_book(built: Path, tmp_path: Path):
    """A hand-in deleting every file it sees and writing above its folder: the next copy is graded as usual."""
    reference = json.loads((built / "_build/jupyter_execute/bons.ipynb").read_text())
    copies = tmp_path / "copies"
    copies.mkdir()
    wipe = (
        "import os, shutil\n"
        "for nom in os.listdir('.'):\n"
        "    (shutil.rmtree if os.path.isdir(nom) else os.remove)(nom)\n"
        "open('../pirate.txt', 'w').write('x')\n"
        "open('pirate.txt', 'w').write('x')\n"
    )
    right = "def aire_rectangle(longueur, largeur):\n    return longueur * largeur\n"
    _hand_in(reference, copies, "bons - Ève", wipe + right)
    _hand_in(reference, copies, "bons - Hugo", "import os\nassert not os.path.exists('pirate.txt')\n" + right)
    os.utime(copies / "bons - Hugo.ipynb", (2_000_000_000, 2_000_000_000))  # graded after Ève's

    def sources() -> dict[Path, bytes]:
        return {
            p.relative_to(built): p.read_bytes() for p in built.rglob("*") if p.is_file() and "_build" not in p.parts
        }

    book = sources()
    proc = carnet("grade", str(copies), "--book", str(built), "--timeout", "5", cwd=tmp_path, env=BOOK_LANGUAGE)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert sorted(p.name for p in copies.iterdir()) == ["bons - Hugo.ipynb", "bons - Ève.ipynb", "notes.csv"]
    assert {
        p.relative_to(built): p.read_bytes() for p in built.rglob("*") if p.is_file() and "_build" not in p.parts
    } == book
    assert not (tmp_path / "pirate.txt").exists()
    _, rows = read_notes(copies / "notes.csv", ";")
    assert rows["Ève"]["bons · ex. 1"] == rows["Hugo"]["bons · ex. 1"] == "réussi", rows


def test_grade_names_each_page_as_the_book_does_and_speaks_the_run_language(sample_build, tmp_path: Path):
    """Copies named by their page's docname, its file name or an older copy's file name share their columns.

    The sample course is French; ``CARNET_LANG=en`` makes the run English: ``,`` between columns.
    """
    assert sample_build.returncode == 0, sample_build.output[-3000:]
    book = sample_build.book
    reference = json.loads((book / "_build/jupyter_execute/content/01-bases/fonctions.ipynb").read_text())
    copies = tmp_path / "copies"
    copies.mkdir()
    right = "def est_pair(n):\n    return n % 2 == 0\n"
    _hand_in(reference, copies, "fonctions - Léa", right)
    _hand_in(reference, copies, "Kenza", right, {"page": "content/01-bases/fonctions", "pupil": "Kenza"})
    wrong = "def est_pair(n):\n    return n % 2 == 0 or n == -3\n"
    _hand_in(reference, copies, "fonctions (1)", wrong, {"page": "fonctions", "pupil": "Hugo"})
    untitled = copies / "sans titre.ipynb"
    _hand_in(reference, copies, "sans titre", right)
    proc = carnet("grade", str(copies), "--book", str(book), "--timeout", "10", cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    header, rows = read_notes(copies / "notes.csv", ",")
    assert header[:7] == ["pupil", "passed", "exercises", "attempts", "hints", "solutions shown", "note"]
    column = "content/01-bases/fonctions · ex. 1"
    assert header[7:] == ["ex. 1", "ex. 1 · message", column, f"{column} · message", "files"], "one page, one column"
    assert sorted(rows) == ["Hugo", "Kenza", "Léa", "sans titre"]
    assert rows["Léa"][column] == rows["Kenza"][column] == "passed"
    assert rows["Hugo"][f"{column} · message"] == "AssertionError: -3 est impair", "the book's hidden tests"
    assert rows["Léa"]["ex. 1"] == "not handed in" and (rows["Léa"]["passed"], rows["Léa"]["exercises"]) == ("1", "2")
    # A notebook of no page of the book: its own tests, and the row says so.
    untitled_row = rows["sans titre"]
    assert untitled_row["ex. 1"] == "passed" and "without hidden tests" in untitled_row["note"]
    assert untitled_row[column] == "not handed in" and untitled_row["files"] == untitled.name
    assert "  - Léa: 1/2 (fonctions - Léa.ipynb)" in proc.stdout.splitlines()
    assert "      a notebook of no page of the book: not handed in" in proc.stdout.splitlines()


@pytest.fixture
def site(built: Path):
    with serve_directory(built / "_build/html", "/exercices/") as base:
        yield base


def press_check(page, number: int) -> str:
    """Click Valider under exercise ``number`` as it is, return the feedback (and the note, if any)."""
    panel = page.locator(".carnet-exercise-panel").nth(number - 1)
    panel.locator(".carnet-check").click()
    feedback = panel.locator(".carnet-feedback-success, .carnet-feedback-failure")
    feedback.wait_for(timeout=START_TIMEOUT)
    return feedback.inner_text()


def check(page, number: int, *code: str) -> str:
    """Type ``code`` in the answer cell of exercise ``number``, click Valider, return the feedback."""
    answer = page.locator(".carnet-exercise-answer").nth(number - 1)
    type_code(page, int(answer.get_attribute("data-carnet-cell")), *code)
    return press_check(page, number)


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


def test_a_try_is_a_change_the_starter_and_a_repeated_code_unlock_nothing(offline_context, site):
    # Exercise 1 follows the book's default rule: the solution after 3 tries (after-attempts).
    page = open_page(offline_context, site + "bons.html")
    panel = page.locator(".carnet-exercise-panel").first
    for _ in range(3):
        said = press_check(page, 1)
        assert "C'est encore le code de départ : cette validation ne compte pas comme un essai" in said
    assert panel.locator(".carnet-attempts").inner_text() == ""
    assert not panel.locator(".carnet-solution-button").is_visible(), "three checks of the starter unlock nothing"

    check(page, 1, "def aire_rectangle(longueur, largeur):\n", "return longueur + largeur")
    again = press_check(page, 1)
    assert "Vous avez déjà validé exactement ce code" in again
    assert panel.locator(".carnet-attempts").inner_text() == "1 essai"
    check(page, 1, "def aire_rectangle(longueur, largeur):\n", "return longueur - largeur")
    assert not panel.locator(".carnet-solution-button").is_visible()
    third = check(page, 1, "def aire_rectangle(longueur, largeur):\n", "return 2 * longueur")
    assert "ne compte pas" not in third
    assert panel.locator(".carnet-attempts").inner_text() == "3 essais"
    assert panel.locator(".carnet-solution-button").is_visible(), "three different wrong answers unlock it"
    assert page.errors == []


def test_on_a_phone_nothing_fixed_covers_the_feedback_or_an_output(offline_context, site):
    page = open_page(offline_context, site + "bons.html")
    page.set_viewport_size({"width": 390, "height": 844})
    press_check(page, 1)  # the panel is at the bottom of the screen: the Python bar appears over it
    feedback = page.locator(".carnet-feedback").first
    assert page.locator(".carnet-python").is_visible() and covering(feedback) == [], covering(feedback)
    # The last cell of the page: its output can scroll above the bar, and is scrolled there.
    last = page.locator("[data-carnet-cell]").last
    output = run(page, int(last.get_attribute("data-carnet-cell")))
    assert covering(output) == [], covering(output)
    # The theme's "back to top" button (shown when scrolling up) sits above the bar, not mid-screen.
    page.mouse.wheel(0, -200)
    back = page.locator("#pst-back-to-top")
    back.wait_for(state="visible")
    bar, button = page.locator(".carnet-python").bounding_box(), back.bounding_box()
    assert button["y"] + button["height"] <= bar["y"] and button["x"] + button["width"] > 300, (button, bar)
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
    _, rows = read_notes(copies / "notes.csv", ",")
    [(pupil, row)] = rows.items()
    assert pupil == "Léa Martin" and (row["passed"], row["exercises"], row["attempts"]) == ("1", "2", "1")
    assert row["bons · ex. 1"] == "passed" and row["bons · ex. 2"] == "failed"
