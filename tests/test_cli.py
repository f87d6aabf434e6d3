"""The ``carnet`` command as a teacher uses it: new, build, check, serve, publish; bad input."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import yaml
from conftest import REPO, carnet_build, environment_of, fresh_environment

pytestmark = pytest.mark.subprocess

WORKFLOWS = [
    REPO / ".github/workflows/publish.yml",
    REPO / "extensions/carnet/scaffold/dot-github/workflows/publish.yml",
]


def carnet(*args: str, cwd: Path | None = None, lang: str = "C.UTF-8", timeout: float = 600):
    """Run the ``carnet`` command; return the completed process (output uncoloured)."""
    env = {**os.environ, "LANG": lang, "LC_ALL": "", "CARNET_LANG": "", "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "carnet", *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=timeout
    )


@pytest.fixture(scope="module")
def new_course(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A course made by ``carnet new``."""
    target = tmp_path_factory.mktemp("new") / "mon-cours"
    made = carnet(
        "new",
        str(target),
        "--title",
        "Mon cours",
        "--author",
        "Mme Test",
        "--repository",
        "https://github.com/lycee-test/mon-cours",
        lang="fr_FR.UTF-8",
    )
    assert made.returncode == 0, made.stderr
    assert "cours créé" in made.stdout
    assert "Cours en français (d'après la langue de votre système) ; --language en pour un cours en anglais." in (
        made.stdout
    )
    return target


@pytest.fixture(scope="module")
def course_build(new_course: Path) -> subprocess.CompletedProcess:
    """The first ``carnet build`` of the new course, with a teacher's private answers beside the chapters."""
    (new_course / "chapitres/_private").mkdir()
    (new_course / "chapitres/_private/corrige.txt").write_text("réponses du professeur")
    return carnet("build", cwd=new_course, lang="fr_FR.UTF-8")


@pytest.fixture(scope="module")
def course(new_course: Path, course_build: subprocess.CompletedProcess) -> Path:
    """The new course, built once (each test works on its own copy of it)."""
    return new_course


def fresh_copy(course: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "mon-cours"
    shutil.copytree(course, copy, ignore=shutil.ignore_patterns("_build"))
    return copy


def test_new_course_builds_and_checks(course: Path, course_build: subprocess.CompletedProcess):
    assert (course / ".github/workflows/publish.yml").is_file() and (course / ".gitignore").is_file()
    # A French course speaks French to its teacher: README, the comments of _config.yml and of the workflow.
    assert "Un cours écrit avec Carnet" in (course / "README.md").read_text()
    assert "# chaque page est exécutée" in (course / "_config.yml").read_text()
    assert "Pages > Source : « GitHub Actions »" in (course / ".github/workflows/publish.yml").read_text()
    assert not list(course.glob("README.*.md"))
    assert (course / "chapitres/donnees.ipynb").is_file() and (course / "binder/requirements.txt").is_file()
    # A teacher's answers in a _private folder beside the chapters are never published.
    built = course_build
    assert built.returncode == 0, built.stdout + built.stderr
    assert "  exécution    chapitres/donnees.ipynb" in built.stdout
    assert "carnet : 4 pages, 3 exécutables, 3 exécutées par cette construction, 0 en échec" in built.stdout
    assert "Température moyenne : 14.12" in (course / "_build/html/chapitres/donnees.html").read_text()
    # The example exercise: the pupil gets the starter, the public test and the hint, no solution nor hidden test.
    exercise = (course / "_build/html/chapitres/exercice.html").read_text()
    assert "...  # à compléter" in exercise and "la moyenne de 10 et 20 vaut 15" in exercise
    assert "pensez à <code" in exercise
    assert "sum(notes) / len(notes)" not in exercise and "une seule note" not in exercise
    assert (course / "_build/html/lite/files/chapitres/data/mesures.csv").is_file()
    assert not list((course / "_build/html").rglob("corrige.txt"))
    checked = carnet("check", cwd=course)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    report = json.loads((course / "_build/carnet-check.json").read_text())
    assert report["ok"] is True and report["execution"]["pages"] == 3
    assert report["exercises"]["count"] == 1 and report["exercises"]["problems"] == [], report["exercises"]
    # The pages the build left unchanged got their browser verdicts from the check, at its end.
    statuses = {verdict["status"] for verdict in report["browser"].values()}
    assert statuses and "unchecked" not in statuses, report["browser"]


def test_new_refuses_a_non_empty_folder(course: Path):
    again = carnet("new", str(course))
    assert again.returncode == 2
    assert (
        again.stderr.strip()
        == f"carnet: {course} is not empty: carnet new only creates a course in a new or empty folder"
    )


def test_help_imports_neither_sphinx_nor_the_kernel_stack():
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "carnet", "--help"], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0
    imported = {line.split("|")[-1].strip() for line in proc.stderr.splitlines() if "|" in line}
    heavy = {name for name in imported if name.split(".")[0] in ("sphinx", "jupyter_book", "nbclient", "jupyter_cache")}
    assert heavy == set()


def test_help_in_french_and_english():
    assert "créer un nouveau cours" in carnet("--help", lang="fr_FR.UTF-8").stdout
    assert "create a new course" in carnet("--help", lang="C.UTF-8").stdout
    assert "prévisualiser le site" in carnet("serve", "--help", lang="fr_FR.UTF-8").stdout


def test_check_names_the_failing_page_and_cell(course: Path, tmp_path: Path):
    book = fresh_copy(course, tmp_path)
    page = book / "chapitres/premiers-pas.md"
    page.write_text(page.read_text().replace("len(message)", "len(mesage)"))
    checked = carnet("check", "--json", str(tmp_path / "report.json"), cwd=book)
    assert checked.returncode == 1
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["ok"] is False
    [failure] = report["execution"]["failures"]
    assert failure["source"] == "chapitres/premiers-pas.md"
    assert failure["cell"] == 3 and failure["first_line"] == "len(mesage)"
    assert failure["cause"] == "NameError: name 'mesage' is not defined"
    # A French course on an English machine: the whole run speaks French, no line in English.
    assert "chapitres/premiers-pas.md, cellule 3 ('len(mesage)')" in checked.stdout
    assert "1 page n'a pas pu être exécutée" in checked.stdout + checked.stderr
    for english in ("failed to execute", "Full tracebacks", ", cell 3", "executable pages", "broken"):
        assert english not in checked.stdout + checked.stderr
    assert "carnet : des problèmes ont été trouvés" in checked.stdout


BAD_INPUT = {
    "unknown-carnet-key": (
        lambda book: _edit(
            book / "_config.yml", "        prewarm: intent", "        prewarm: intent\n        prewarn: idle"
        ),
        "carnet.live.prewarn : réglage inconnu (réglages connus : backend, enabled, prewarm)",
    ),
    "wrong-type": (
        lambda book: _edit(book / "_config.yml", "try_it: true", "try_it: oui"),
        "carnet.launch.try_it : true ou false attendu, pas 'oui'",
    ),
    "toc-not-a-mapping": (
        lambda book: (book / "_toc.yml").write_text("- intro\n- chapitres/premiers-pas\n"),
        "Convertissez-la avec : jupyter-book toc migrate _toc.yml -o _toc.yml",
    ),
    "toc-entry-without-colon": (
        lambda book: _edit(book / "_toc.yml", "  - file: chapitres/donnees\n", "  - file chapitres/donnees\n"),
        "_toc.yml, ligne 5 : l'entrée « file chapitres/donnees » n'est pas de la forme « - file: <page> ». "
        "Écrivez « - file: chapitres/donnees » (le deux-points manque-t-il ?)",
    ),
    "config-not-yaml": (
        lambda book: _edit(book / "_config.yml", 'title: "Mon cours"', 'title: "Mon cours'),
        "carnet: _config.yml: not valid YAML at line",
    ),
    "toc-missing-file": (
        lambda book: _edit(
            book / "_toc.yml",
            "  - file: chapitres/donnees\n",
            "  - file: chapitres/donnees\n  - file: chapitres/absent\n",
        ),
        "  - chapitres/absent (pas de chapitres/absent{.rst/.md/.ipynb})",
    ),
    "notebook-not-json": (
        lambda book: (book / "chapitres/donnees.ipynb").write_text('{"cells": [\n'),
        "chapitres/donnees.ipynb: JSON invalide à la ligne 2, colonne 1 : Expecting value",
    ),
    "missing-data-file": (
        lambda book: (book / "chapitres/data/mesures.csv").unlink(),
        "chapitres/donnees.ipynb, cellule 2 ('import csv'): FileNotFoundError: [Errno 2] No such file or directory: "
        "'data/mesures.csv'",
    ),
}


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new))


@pytest.mark.parametrize("case", sorted(BAD_INPUT))
def test_bad_input_gets_one_clear_message(case: str, course: Path, tmp_path: Path):
    book = fresh_copy(course, tmp_path)
    mutate, message = BAD_INPUT[case]
    mutate(book)
    built = carnet("build", cwd=book)
    output = built.stdout + built.stderr
    assert built.returncode != 0
    assert message in output
    assert "Traceback" not in output
    assert not (book / "_build/html").exists()


def test_workflows_are_valid_and_least_privileged():
    for workflow in WORKFLOWS:
        validated = subprocess.run(
            [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows", str(workflow)],
            capture_output=True,
            text=True,
        )
        assert validated.returncode == 0, validated.stdout + validated.stderr
        data = yaml.safe_load(workflow.read_text())
        triggers = data[True]  # YAML 1.1 reads the key `on` as True
        assert {"push", "pull_request"} <= set(triggers)
        assert data["permissions"] == {"contents": "read"}
        check, build, deploy = data["jobs"]["check"], data["jobs"]["build"], data["jobs"]["deploy"]
        assert check["timeout-minutes"] <= 60 and build["timeout-minutes"] <= 60 and deploy["timeout-minutes"] <= 30
        assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
        assert "default_branch" in deploy["if"] and "pull_request" in deploy["if"]
        # Every share of the pages is checked (one by default) before the site is built and published.
        assert "vars.CARNET_SHARDS || '[1]'" in check["strategy"]["matrix"]["shard"]
        assert build["needs"] == "check" and deploy["needs"] == "build"
        for job in (check, build):
            cache = next(step for step in job["steps"] if step.get("uses", "").startswith("actions/cache"))
            assert "binder/requirements.txt" in cache["with"]["key"] and ".jupyter_cache" in cache["with"]["path"]
        checks = " ".join(step.get("run", "") for step in check["steps"])
        assert "carnet check --shard ${{ matrix.shard }}/${{ strategy.job-total }}" in checks
        assert "carnet build --strict" in " ".join(step.get("run", "") for step in build["steps"])
        assert any(step.get("uses", "").startswith("actions/deploy-pages") for step in deploy["steps"])


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_serve_under_the_subpath_and_rebuild_on_change(course: Path, tmp_path: Path):
    book = fresh_copy(course, tmp_path)
    with socket.socket() as probe:  # a port free right now on 127.0.0.1
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "LANG": "C.UTF-8", "NO_COLOR": "1"}
    server = subprocess.Popen(
        [sys.executable, "-m", "carnet", "serve", "--port", str(port)],
        cwd=book,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}/mon-cours/"
        deadline = time.time() + 180
        while time.time() < deadline and _get_or_none(base + "index.html") is None:
            time.sleep(0.5)
        status, _ = _get(base + "intro.html")
        assert status == 200
        assert _get(f"http://127.0.0.1:{port}/intro.html")[0] == 404, "only the subpath is served"
        missing, body = _get(base + "nulle-part/absent.html")
        assert missing == 404 and "Page introuvable" in body and 'href="/mon-cours/index.html"' in body
        version = _get(base + "__carnet/version")[1]
        assert "__carnet/version" in _get(base + "intro.html")[1], "served pages reload after a rebuild"
        intro = book / "intro.md"
        intro.write_text(intro.read_text() + "\nUne phrase toute neuve.\n")
        deadline = time.time() + 180
        while time.time() < deadline and "toute neuve" not in _get(base + "intro.html")[1]:
            time.sleep(0.5)
        assert "toute neuve" in _get(base + "intro.html")[1]
        deadline = time.time() + 30
        while time.time() < deadline and _get(base + "__carnet/version")[1] == version:
            time.sleep(0.2)
        assert _get(base + "__carnet/version")[1] != version, "open pages are told to reload"
    finally:
        server.terminate()
        server.wait(timeout=30)


def _get_or_none(url: str):
    try:
        return _get(url)
    except OSError:
        return None


def test_publish_pushes_the_site_to_gh_pages(course: Path, tmp_path: Path):
    book = fresh_copy(course, tmp_path)
    shutil.copytree(course / "_build/html", book / "_build/html")
    remote = tmp_path / "remote.git"
    git_env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "T",
        "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "T",
        "GIT_COMMITTER_EMAIL": "t@example.org",
    }

    def git(*args: str, cwd: Path = book) -> str:
        return subprocess.run(["git", *args], cwd=cwd, env=git_env, check=True, capture_output=True, text=True).stdout

    git("init", "--bare", str(remote), cwd=tmp_path)
    git("init", "-b", "main")
    git("add", "-A")
    git("commit", "-m", "course")
    git("remote", "add", "origin", str(remote))
    published = subprocess.run(
        [sys.executable, "-m", "carnet", "publish"],
        cwd=book,
        env={**git_env, "LANG": "C.UTF-8"},
        capture_output=True,
        text=True,
    )
    assert published.returncode == 0, published.stdout + published.stderr
    assert "origin/gh-pages" in published.stdout
    files = git("ls-tree", "-r", "--name-only", "gh-pages", cwd=remote).split()
    assert ".nojekyll" in files and "index.html" in files and "404.html" in files
    assert "lite/jupyter-lite.json" in files and "_static/carnet/pyodide/pyodide.asm.wasm" in files


def test_publish_outside_git_says_what_to_do(course: Path, tmp_path: Path):
    book = fresh_copy(course, tmp_path)
    shutil.copytree(course / "_build/html", book / "_build/html")
    published = carnet("publish", str(book), lang="fr_FR.UTF-8")
    assert published.returncode == 2
    assert "n'est pas un dépôt git" in published.stderr and "git remote add origin" in published.stderr
    assert "Traceback" not in published.stderr


def test_removed_page_disappears_from_the_site(course: Path, tmp_path: Path):
    book = fresh_copy(course, tmp_path)
    assert carnet_build(book).returncode == 0
    assert (book / "_build/html/chapitres/premiers-pas.html").is_file()
    (book / "chapitres/premiers-pas.md").unlink()
    _edit(book / "_toc.yml", "  - file: chapitres/premiers-pas\n", "")
    rebuilt = carnet_build(book)
    assert rebuilt.returncode == 0, rebuilt.output[-2000:]
    assert not (book / "_build/html/chapitres/premiers-pas.html").exists()
    assert not list((book / "_build/html/_sources/chapitres").glob("premiers-pas.*"))
    assert not (book / "_build/html/lite/files/chapitres/premiers-pas.ipynb").exists()


def test_failed_carnet_build_does_not_touch_previous_site(course: Path, tmp_path: Path):
    book = fresh_copy(course, tmp_path)
    assert carnet_build(book).returncode == 0
    (book / "chapitres/donnees.ipynb").write_text("{")
    assert carnet_build(book).returncode == 1
    assert "Température moyenne" in (book / "_build/html/chapitres/donnees.html").read_text()


def test_new_course_in_english(tmp_path: Path):
    """A bare locale makes an English course, and the command says so and how to get a French one."""
    target = tmp_path / "my-course"
    made = carnet("new", str(target), lang="C.UTF-8")
    assert made.returncode == 0, made.stderr
    assert "course created in" in made.stdout
    assert "Course in English (from your locale); use --language fr for French." in made.stdout
    config = yaml.safe_load((target / "_config.yml").read_text())
    assert config["title"] == "My course" and config["sphinx"]["config"]["language"] == "en"
    assert "# First steps" in (target / "chapitres/premiers-pas.md").read_text()
    assert yaml.safe_load((target / "_toc.yml").read_text())["chapters"][-1] == {"file": "chapitres/exercice"}
    exercise = (target / "chapitres/exercice.md").read_text()
    for part in ("```{hint}", "tags: [exercise-answer]", "carnet: {solution: after-attempts", "### BEGIN SOLUTION"):
        assert part in exercise
    assert ":tags: [exercise-tests]\nassert mean([10, 20]) == 15" in exercise and "### BEGIN HIDDEN TESTS" in exercise
    assert not list(target.glob("chapitres/*.fr.md")) and not list(target.glob("chapitres/*.en.md"))
    french = carnet("new", str(tmp_path / "mon-cours"), "--language", "fr", lang="C.UTF-8")
    assert "Cours en français (choisi avec --language) ; --language en pour un cours en anglais." in french.stdout
    assert "def moyenne(notes):" in (tmp_path / "mon-cours/chapitres/exercice.md").read_text()


def test_the_wheel_with_the_book_extra_runs_new_build_and_check(tmp_path: Path, carnet_wheel: Path):
    """What a new course's CI installs (``carnet[book]``, no test extras) is enough for every command it runs."""
    venv = fresh_environment(tmp_path / "venv", f"{carnet_wheel}[book]").parent
    site_packages = next((venv / "lib").glob("python3*/site-packages"))
    for name in (
        "activities/code/browser/carnet-live.js",
        "activities/exercise/browser/carnet_check.py",
        "activities/turtle/carnet_turtle.py",
        "sphinxext/checks/browser_check.mjs",
        "assets/package-lock.json",
        "scaffold/_toc.yml",
    ):
        assert (site_packages / "carnet" / name).is_file(), f"{name} is missing from the wheel"
    env = environment_of(venv / "bin")
    course = tmp_path / "course"
    for command in (["new", str(course)], ["build", str(course)], ["check", str(course)]):
        done = subprocess.run(
            [venv / "bin/carnet", *command], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=1200
        )
        assert done.returncode == 0, f"carnet {command[0]}:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
        assert "Traceback" not in done.stdout + done.stderr
