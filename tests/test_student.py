"""The student edition publishes no solution, no solution output and no hidden test, in any file.

Every solution, solution output, written solution (plain, gated across cells, in a page with no
kernel) and hidden test of the fixture book holds a sentinel word ``zqx…``, and so does the
teacher's repository address: the whole student site, JupyterLite contents included, is searched
for them. The teacher edition of the same book is built too: the sentinels are found there, so the
search can fail.
"""

from __future__ import annotations

import base64
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import copy_book

pytestmark = pytest.mark.slow
SENTINEL = re.compile(rb"zqx(?:\d{3}|repo)")


def build(book: Path, *args: str) -> Path:
    proc = subprocess.run(
        [sys.executable, "-m", "carnet", "build", str(book), *args], capture_output=True, text=True, cwd=book
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return book / "_build/html"


def sentinels(site: Path) -> dict[str, set[str]]:
    """Every sentinel in the site, by file."""
    found: dict[str, set[str]] = {}
    for path in site.rglob("*"):
        if path.is_file() and (words := {word.decode() for word in SENTINEL.findall(path.read_bytes())}):
            found[path.relative_to(site).as_posix()] = words
    return found


@pytest.fixture(scope="module")
def editions(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    book = copy_book("student", tmp_path_factory.mktemp("livre"))
    teacher = shutil.copytree(build(book), tmp_path_factory.mktemp("enseignant") / "html")
    return {"teacher": teacher, "student": build(book, "--student")}


def test_no_solution_or_hidden_test_in_any_file_of_the_student_edition(editions: dict[str, Path]):
    assert sentinels(editions["student"]) == {}


def test_the_teacher_edition_holds_them_where_a_pupil_could_look(editions: dict[str, Path]):
    found = sentinels(editions["teacher"])
    assert {"zqx101", "zqx103", "zqx108"} <= found["_sources/exercices.md"], "sources are copied as written"
    assert "zqx202" in found["_sources/cahier.ipynb"] and "_downloads" in " ".join(found)
    assert "zqx105" in found["exercices.html"] and "zqx109" in found["lecture.html"], "written solutions, gated"
    assert not [name for name in found if name.startswith("lite/")], "JupyterLite holds the pupil's copy in both"


def test_the_student_edition_keeps_the_exercises_as_pupils_start_them(editions: dict[str, Path]):
    site = editions["student"]
    page = BeautifulSoup((site / "exercices.html").read_text(encoding="utf-8"), "html.parser")
    assert "...  # à compléter" in page.select_one(".tag_exercise-answer").get_text()
    data = json.loads(base64.b64decode(page.select_one("div.carnet-exercise")["data-exercise"]))
    assert data["solution"] is None and data["hidden"] == "" and "renvoie quelque chose" in data["tests"]
    assert page.select(".carnet-hint"), "hints stay"
    assert "mybinder" not in (site / "exercices.html").read_text(encoding="utf-8"), "no Binder link to the teacher's"
    notebook = json.loads((site / "lite/files/cahier.ipynb").read_text(encoding="utf-8"))
    answer = notebook["cells"][1]
    assert "...  # à compléter" in "".join(answer["source"]) and answer["outputs"] == []
    assert notebook["metadata"]["carnet"]["page"] == "cahier", "carnet grade finds the hand-in's page"
    assert "à compléter" in (site / "_sources/exercices.md").read_text(encoding="utf-8")
