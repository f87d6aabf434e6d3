"""The default build (the pupils' edition, what gets published) holds no solution nor hidden test in plain text.

Every solution, solution output, written solution (plain, gated across cells, in a page with no
kernel) and hidden test of the fixture book holds a sentinel word ``zqx…``: the whole default site,
JupyterLite contents included, is searched for them, and so is every exercise's data once
base64-decoded (what a pupil's ``atob`` in the console shows). The teacher's edition of the same
book is built too (``--edition teacher``, into ``_build/teacher``): the sentinels are found there,
so the search can fail.
"""

from __future__ import annotations

import base64
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from carnet.activities.exercise.seal import unseal
from conftest import copy_book

pytestmark = pytest.mark.builds
SENTINEL = re.compile(rb"zqx\d{3}")


def build(book: Path, *args: str) -> Path:
    proc = subprocess.run(
        [sys.executable, "-m", "carnet", "build", str(book), *args], capture_output=True, text=True, cwd=book
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return book / "_build" / ("teacher" if "teacher" in args else "html")


def sentinels(site: Path) -> dict[str, set[str]]:
    """Every sentinel in the site, by file: in its bytes, and in the decoded data of its exercises."""
    found: dict[str, set[str]] = {}
    for path in site.rglob("*"):
        if not path.is_file():
            continue
        data = path.read_bytes()
        decoded = b"".join(base64.b64decode(m) for m in re.findall(rb'data-exercise="([^"]+)"', data))
        if words := {word.decode() for word in SENTINEL.findall(data + decoded)}:
            found[path.relative_to(site).as_posix()] = words
    return found


@pytest.fixture(scope="module")
def editions(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    book = copy_book("student", tmp_path_factory.mktemp("livre"))
    student = build(book)
    teacher = build(book, "--edition", "teacher")
    assert teacher == book / "_build/teacher" and student.is_dir(), "each edition has its folder"
    return {"teacher": teacher, "student": student}


def test_no_solution_or_hidden_test_in_any_file_the_default_build_publishes(editions: dict[str, Path]):
    assert sentinels(editions["student"]) == {}


def test_the_teacher_edition_holds_them_where_a_pupil_could_look(editions: dict[str, Path]):
    found = sentinels(editions["teacher"])
    assert {"zqx101", "zqx103", "zqx108"} <= found["_sources/exercices.md"], "sources are copied as written"
    assert "zqx202" in found["_sources/cahier.ipynb"] and "_downloads" in " ".join(found)
    assert "zqx105" in found["exercices.html"] and "zqx109" in found["lecture.html"], "written solutions, gated"
    assert {"zqx101", "zqx103"} <= found["exercices.html"], "the exercise's data holds solution and hidden tests"
    assert not [name for name in found if name.startswith("lite/")], "JupyterLite holds the pupil's copy in both"
    page = (editions["teacher"] / "intro.html").read_text(encoding="utf-8")
    assert "Édition enseignant" in page, "every page of the teacher's edition says what it is"


def test_the_student_edition_keeps_the_exercises_as_pupils_start_them(editions: dict[str, Path]):
    site = editions["student"]
    page = BeautifulSoup((site / "exercices.html").read_text(encoding="utf-8"), "html.parser")
    assert "...  # à compléter" in page.select_one(".tag_exercise-answer").get_text()
    data = json.loads(base64.b64decode(page.select_one("div.carnet-exercise")["data-exercise"]))
    assert data["sealed"] and data["hidden"] == "" and data["gradedHidden"], "hidden tests run when graded only"
    assert 'return "zqx102"' in unseal(data["solution"]), "the solution the rules reveal later, sealed"
    assert "renvoie quelque chose" in data["tests"]
    written = [unseal(box["data-carnet-sealed"]) for box in page.select(".carnet-sealed.carnet-solution.carnet-for-1")]
    assert "zqx105" in written[0] and "zqx106" in written[1], "written solutions sealed, revealed with the exercise"
    lecture = BeautifulSoup((site / "lecture.html").read_text(encoding="utf-8"), "html.parser")
    box = lecture.select_one("details.carnet-sealed-solution [data-carnet-sealed]")
    assert "zqx109" in unseal(box["data-carnet-sealed"]), "a solution outside checked exercises: opened on request"
    assert lecture.find("script", src=re.compile("sealed.mjs")), "the page opens its <details> with sealed.mjs"
    assert page.select(".carnet-hint"), "hints stay"
    html = (site / "exercices.html").read_text(encoding="utf-8")
    assert "mybinder" not in html and "zqxrepo999/blob" not in html, "no Binder link nor source of the teacher's"
    notebook = json.loads((site / "lite/files/cahier.ipynb").read_text(encoding="utf-8"))
    answer = notebook["cells"][1]
    assert "...  # à compléter" in "".join(answer["source"]) and answer["outputs"] == []
    assert notebook["metadata"]["carnet"]["page"] == "cahier", "carnet grade finds the hand-in's page"
    assert "à compléter" in (site / "_sources/exercices.md").read_text(encoding="utf-8")


def test_solution_never_ships_nothing_and_hidden_tests_in_the_page_ship_sealed(tmp_path: Path):
    book = copy_book("student", tmp_path)
    config = book / "_config.yml"
    config.write_text(
        config.read_text(encoding="utf-8") + "    carnet:\n      exercises: {solution: never, hidden_tests: page}\n",
        encoding="utf-8",
    )
    site = build(book)
    assert sentinels(site) == {}
    page = BeautifulSoup((site / "exercices.html").read_text(encoding="utf-8"), "html.parser")
    data = json.loads(base64.b64decode(page.select_one("div.carnet-exercise")["data-exercise"]))
    assert data["solution"] is None and not page.select("[data-carnet-sealed]"), "no solution, not even sealed"
    assert "zqx104" in unseal(data["hidden"]) and not data["gradedHidden"], "Valider runs the hidden tests"
    assert not (site / "lecture.html").read_text(encoding="utf-8").count("carnet-sealed-solution")


def test_a_rebuild_skips_the_copies_it_made_and_makes_a_changed_page_the_pupils_again(tmp_path: Path):
    """The pupil's copies a build left are remembered by sha256 and skipped; any other bytes are made safe again."""
    book = copy_book("student", tmp_path)
    build(book)
    remembered = json.loads((book / "_build/.carnet-pupil-copies.json").read_text(encoding="utf-8"))["copies"]
    assert remembered, "the copies made the pupil's are remembered, beside the site"
    page = book / "exercices.md"
    page.write_text(page.read_text(encoding="utf-8").replace('print("zqx101")', 'print("zqx101", "zqx199")'))
    site = build(book)
    assert sentinels(site) == {}, "the changed page's copies were made the pupil's again"
