"""Every page proven to run in the reader's browser: ``carnet check`` runs each page in the book's Pyodide.

The fixture book has a page reading and writing files (same), a page of IPython values and
``%timeit`` (same, once timings and addresses are normalised), a page starting a thread (fails:
Pyodide has no threads) and a page marked ``carnet: {browser: false}`` (skipped; its readers see why).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from bs4 import BeautifulSoup
from conftest import Build, carnet_build, copy_book

#: The verdicts of the fixture book's executed pages.
STATUSES = {"donnees": "same", "valeurs": "same", "fils": "fails", "saisie": "skipped", "ecarts": "differs"}


@pytest.fixture(scope="module")
def checked(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """``carnet check`` of the fixture book, as CI runs it."""
    book = copy_book("browser", tmp_path_factory.mktemp("browser"))
    env = {**os.environ, "NO_COLOR": "1", "CARNET_LANG": "en"}
    proc = subprocess.run(
        [sys.executable, "-m", "carnet", "check", str(book)], capture_output=True, text=True, env=env, timeout=900
    )
    return Build(proc.returncode, proc.stdout + proc.stderr, book)


@pytest.mark.subprocess
def test_check_names_the_page_that_fails_in_the_browser_with_its_cell_and_cause(checked: Build):
    assert checked.returncode == 1, checked.output[-3000:]
    assert "fils: fails, cell 1: threads (RuntimeError: can't start new thread)" in checked.output
    report = json.loads((checked.book / "_build/carnet-check.json").read_text())
    statuses = {page: verdict["status"] for page, verdict in report["browser"].items()}
    assert statuses == {**STATUSES, "brouillon": "skipped"}
    assert report["execution"]["failures"] == [], "the same pages all run at build time"


@pytest.mark.subprocess
def test_only_a_real_break_fails_a_difference_is_reported_with_its_likely_cause(checked: Build):
    """Set order and input() are not differences; another Python's output is one, reported, never a failure."""
    report = json.loads((checked.book / "_build/carnet-check.json").read_text())
    ecarts = report["browser"]["ecarts"]
    assert (ecarts["status"], ecarts["cell"]) == ("differs", 4), ecarts
    python = f"{sys.version_info[0]}.{sys.version_info[1]}"
    assert f"likely cause: another Python ({python} at build, 3." in ecarts["detail"]
    assert f"expected 'stdout: ({sys.version_info[0]}, {sys.version_info[1]})'" in ecarts["detail"]
    lines = checked.output.splitlines()
    differs = lines.index("  only different in the browser (reported, does not fail the check):")
    assert lines[differs + 1].startswith("    - ecarts: differs, cell 4: expected"), lines[differs:]
    assert "    - brouillon: not run in the browser: not executed at build (execution off): nothing to compare" in lines


@pytest.mark.subprocess
def test_the_started_pyodide_is_kept_in_the_cache_and_never_published(checked: Build):
    from carnet.assets.npm import cache_root

    assert list((cache_root() / "runtime").glob("pyodide-*.snapshot-node*.bin")), "the next check starts from it"
    assert not [path for path in checked.staging.rglob("*") if "snapshot" in path.name]


@pytest.mark.subprocess
def test_with_in_build_the_build_proves_the_pages_and_check_has_nothing_left(tmp_path):
    book = copy_book("browser", tmp_path)
    config = book / "_config.yml"
    config.write_text(config.read_text() + "    carnet:\n      check:\n        in_build: true\n")
    built = carnet_build(book)
    assert built.returncode == 0, built.output[-3000:]
    assert "fils.md: WARNING: dans le navigateur, échoue, cellule 1" in built.output, built.output[-3000:]
    status = BeautifulSoup((built.html / "statut.html").read_text(), "html.parser")
    cells = [row.select("td")[-1].get_text(strip=True) for row in status.select("#carnet-status-table tbody tr")]
    assert "identique" in cells and any(cell.startswith("échoue — cellule 1") for cell in cells), cells
    proc = subprocess.run(
        [sys.executable, "-m", "carnet", "check", "--verbose", str(book)],
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
        timeout=900,
    )
    output = proc.stdout + proc.stderr
    report = json.loads((book / "_build/carnet-check.json").read_text())
    statuses = {page: verdict["status"] for page, verdict in report["browser"].items()}
    assert statuses == {**STATUSES, "brouillon": "skipped"}, output[-3000:]
    assert "Pyodide started" not in output, "every verdict came from the build"
    # Without the browser, the verdicts the build kept are not gated on (fils fails only in the browser).
    proc = subprocess.run(
        [sys.executable, "-m", "carnet", "check", "--no-browser", str(book)],
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
        timeout=900,
    )
    assert "dans le navigateur : pas vérifié (--no-browser)" in proc.stdout, proc.stdout[-3000:]
    assert json.loads((book / "_build/carnet-check.json").read_text())["browser"] == {}


@pytest.mark.subprocess
def test_a_page_marked_browser_false_explains_why_instead_of_run_buttons(checked: Build):
    saisie = BeautifulSoup((checked.staging / "saisie.html").read_text(), "html.parser")
    note = saisie.select_one(".carnet-no-browser")
    assert note is not None and "ne peuvent pas s'exécuter dans votre navigateur" in note.get_text()
    assert saisie.select_one("button.thebe-launch-button") is not None, "Binder is offered instead"
    assert not saisie.select("script[src*='carnet-live']")
    fils = BeautifulSoup((checked.staging / "fils.html").read_text(), "html.parser")
    assert fils.select("script[src*='carnet-live']"), "an unmarked page keeps its Run buttons"


@pytest.mark.subprocess
def test_the_status_page_shows_each_page_in_the_browser(checked: Build):
    status = BeautifulSoup((checked.staging / "statut.html").read_text(), "html.parser")
    rows = {
        row.select("td")[0].get_text(" ", strip=True): row.select("td")[-1].get_text(strip=True)
        for row in status.select("#carnet-status-table tbody tr")
    }
    by_page = {
        next(name for name in ("Données", "Valeurs", "Fils", "Saisie", "Écarts", "Brouillon") if name in key): value
        for key, value in rows.items()
    }
    assert by_page["Données"] == "identique"
    assert by_page["Fils"].startswith("échoue — cellule 1")
    assert by_page["Saisie"] == "pas exécutée dans le navigateur"
