"""Every executable page opens in JupyterLite ("try it") and on Binder, from the book's own site."""

from __future__ import annotations

import json
import os
import posixpath
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup
from carnet.cli.server import serve_directory
from conftest import Build, carnet_build
from test_sample_course import is_notebook, toc_files

pytestmark = pytest.mark.subprocess

REGRESSIONS = Path(__file__).parent / "regressions"


def launch_links(page: Path) -> tuple[list[str], list[str]]:
    """The try-it and Binder URLs of a built page."""
    soup = BeautifulSoup(page.read_text(), "html.parser")
    try_it = [a["href"] for a in soup.select("a.btn-carnet-try-it")]
    binder = [a["href"] for a in soup.select(".dropdown-launch-buttons a") if "mybinder.org" in a["href"]]
    return try_it, binder


def resolve(html: Path, page: str, href: str) -> tuple[Path, str]:
    """The file a relative try-it URL points to, and the notebook path it asks for."""
    parts = urlsplit(href)
    target = posixpath.normpath(posixpath.join(posixpath.dirname(page), parts.path))
    return html / target, parse_qs(parts.query)["path"][0]


def test_every_executable_page_has_one_try_it_link_that_resolves(sample_build: Build):
    html = sample_build.html
    lines = []
    for name in toc_files(sample_build.book / "_toc.yml"):
        try_it, binder = launch_links(html / f"{name}.html")
        if not is_notebook(sample_build.book, name):
            assert try_it == [] and binder == [], name
            continue
        assert len(try_it) == 1, name
        app, notebook = resolve(html, f"{name}.html", try_it[0])
        assert app == html / "lite" / "notebooks" / "index.html" and app.is_file()
        assert notebook == f"{name}.ipynb"
        assert (html / "lite" / "files" / notebook).is_file()
        suffix = ".ipynb" if (sample_build.book / f"{name}.ipynb").is_file() else ".md"
        url = f"https://mybinder.org/v2/gh/carnet-edu/carnet/main?urlpath=lab/tree/{name}{suffix}"
        # Binder would open the teacher's notebook: a page with exercises has none in the pupils' edition.
        exercises = 'class="carnet-exercise"' in (html / f"{name}.html").read_text(encoding="utf-8")
        assert binder == ([] if exercises else [url]), name
        lines.append(f"{name}\n  try it: {try_it[0]}\n  binder: {binder[0] if binder else '-'}")
    regression = REGRESSIONS / "sample_launch_urls.txt"
    text = "\n".join(lines) + "\n"
    if os.environ.get("CARNET_UPDATE_REGRESSIONS"):
        regression.write_text(text)
    assert text == regression.read_text(), "launch URLs changed: rerun with CARNET_UPDATE_REGRESSIONS=1 if intended"


def test_try_it_button_is_translated_and_visible_under_the_title(sample_build: Build):
    soup = BeautifulSoup((sample_build.html / "content/01-bases/variables.html").read_text(), "html.parser")
    assert soup.select_one("a.btn-carnet-try-it").get_text(strip=True) == "Essayer"
    visible = soup.select_one("h1 + p.carnet-try-it-bar a.carnet-try-it-visible")
    assert visible.get_text(strip=True) == "🚀 Essayer dans JupyterLite", "labelled, not an icon in a menu"
    assert visible["href"] == soup.select_one("a.btn-carnet-try-it")["href"]
    menu = soup.select_one(".dropdown-launch-buttons button")
    assert menu is not None and "Lancer le contenu interactif" in str(menu), "the theme's menu, in French"
    plain = BeautifulSoup((sample_build.html / "book/about.html").read_text(), "html.parser")
    assert not plain.select(".carnet-try-it-visible"), "only executable pages"


def test_lite_interface_follows_the_book_language(sample_build: Build, launch_build: Build):
    import json

    def overrides(build: Build) -> dict:
        config = json.loads((build.html / "lite" / "jupyter-lite.json").read_text())
        return config["jupyter-config-data"]["settingsOverrides"]

    assert overrides(sample_build)["@jupyterlab/translation-extension:plugin"] == {"locale": "fr_FR"}
    assert (sample_build.html / "lite" / "api" / "translations" / "fr_FR.json").is_file()
    assert "@jupyterlab/translation-extension:plugin" not in overrides(launch_build)  # an English book


def test_lite_notebooks_keep_build_outputs(sample_build: Build):
    notebook = (sample_build.html / "lite/files/content/02-donnees/graphiques.ipynb").read_text()
    assert '"image/png"' in notebook
    listes = json.loads((sample_build.html / "lite/files/content/02-donnees/listes.ipynb").read_text())
    streams = [out for cell in listes["cells"] for out in cell.get("outputs", []) if out["output_type"] == "stream"]
    assert streams and all(isinstance(out["text"], str) for out in streams), "JupyterLite joins a list with commas"


@pytest.fixture(scope="module")
def launch_build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    from conftest import copy_book

    book = copy_book("launch", tmp_path_factory.mktemp("launch"))
    return carnet_build(book)


def test_lite_contents_are_exactly_the_pages_and_their_data(launch_build: Build):
    assert launch_build.returncode == 0, launch_build.output[-3000:]
    files = launch_build.html / "lite" / "files"
    published = sorted(p.relative_to(files).as_posix() for p in files.rglob("*") if p.is_file())
    assert published == ["analyse.ipynb", "data/mesures.csv", "sub/exercice.ipynb", "sub/notes.txt"]
    # The decoy secret and the teacher's private folder are nowhere in the site.
    assert not list(launch_build.html.rglob(".env"))
    assert not list(launch_build.html.rglob("private"))
    assert "do-not-publish" not in "".join(p.read_text(errors="ignore") for p in launch_build.html.rglob("*.json"))


def test_modules_beside_pages_are_published_when_notebooks_are_py_files(tmp_path: Path):
    """With jupytext's ``.py`` notebooks, ``.py`` is a page suffix: the modules pages import are still data."""
    from conftest import build_in_process, copy_book

    book = copy_book("launch", tmp_path)
    config = book / "_config.yml"
    formats = "  config:\n    nb_custom_formats:\n      .py: [jupytext.reads, {fmt: py:percent}]\n"
    config.write_text(config.read_text().replace("sphinx:\n", f"sphinx:\n{formats}", 1))
    (book / "sub" / "mesoutils.py").write_text("def aide():\n    return 'aide'\n")
    kernel = "#   kernelspec:\n#     display_name: Python 3\n#     language: python\n#     name: python3\n"
    cells = "# %% [markdown]\n# # Cours\n\n# %%\nimport mesoutils\nmesoutils.aide()\n"
    (book / "sub" / "cours.py").write_text(f"# ---\n# jupyter:\n{kernel}# ---\n{cells}")
    toc = book / "_toc.yml"
    toc.write_text(toc.read_text() + "  - file: sub/cours\n")
    build = build_in_process(book)
    assert build.returncode == 0, build.output[-3000:]
    files = build.html / "lite" / "files" / "sub"
    assert (files / "mesoutils.py").is_file(), "the browser and JupyterLite import it as the build did"
    assert (files / "cours.ipynb").is_file() and not (files / "cours.py").exists(), "a page is a notebook there"


def test_lite_contents_listing_matches_files(launch_build: Build):
    import json

    root = json.loads((launch_build.html / "lite/api/contents/all.json").read_text())
    assert sorted(item["name"] for item in root["content"]) == ["analyse.ipynb", "data", "sub"]
    sub = json.loads((launch_build.html / "lite/api/contents/sub/all.json").read_text())
    assert sorted(item["path"] for item in sub["content"]) == ["sub/exercice.ipynb", "sub/notes.txt"]


def test_opted_out_and_plain_pages_have_no_try_it(launch_build: Build):
    assert launch_links(launch_build.html / "cachee.html")[0] == []
    assert launch_links(launch_build.html / "intro.html") == ([], [])
    assert launch_links(launch_build.html / "analyse.html")[0] == ["lite/notebooks/index.html?path=analyse.ipynb"]
    assert launch_links(launch_build.html / "sub/exercice.html")[0] == [
        "../lite/notebooks/index.html?path=sub/exercice.ipynb"
    ]


def test_binder_links_carry_repository_branch_and_path(launch_build: Build):
    assert launch_links(launch_build.html / "sub/exercice.html")[1] == [
        "https://mybinder.org/v2/gh/example-school/cours-nsi/rentree-2026?urlpath=tree/docs/sub/exercice.md"
    ]
    # An opted-out page keeps its Binder link.
    assert launch_links(launch_build.html / "cachee.html")[1] == [
        "https://mybinder.org/v2/gh/example-school/cours-nsi/rentree-2026?urlpath=tree/docs/cachee.md"
    ]


def test_jupyterhub_and_colab_buttons_keep_working(launch_build: Build):
    soup = BeautifulSoup((launch_build.html / "analyse.html").read_text(), "html.parser")
    links = [a["href"] for a in soup.select(".dropdown-launch-buttons a")]
    assert links[0] == "lite/notebooks/index.html?path=analyse.ipynb"
    assert any(link.startswith("https://hub.example.org/hub/user-redirect/git-pull?repo=") for link in links)
    assert (
        "https://colab.research.google.com/github/example-school/cours-nsi/blob/rentree-2026/docs/analyse.ipynb"
        in links
    )


def test_rebuild_without_change_does_not_rebuild_jupyterlite(launch_build: Build):
    again = carnet_build(launch_build.book)
    assert again.returncode == 0
    assert re.search(r"JupyterLite +4 files, app unchanged, contents unchanged \([\d.]+ s\)", again.output), (
        again.output[-2000:]
    )


def test_page_importing_an_undeclared_module_is_flagged(fixture_book):
    book = fixture_book("launch")
    page = book / "sub" / "exercice.md"
    page.write_text(page.read_text().replace("with open", "import yaml\nwith open"))
    build = carnet_build(book, "--strict")
    assert build.returncode == 1
    assert (
        "sub/exercice.md: WARNING: imports yaml, which requirements.txt does not declare: "
        "this page would fail on Binder [carnet.binder]"
    ) in build.output


def test_try_it_opens_the_notebook_in_jupyterlite_under_a_subpath(sample_build: Build, offline_context):
    page_name = "content/02-donnees/tableaux-csv"
    with serve_directory(sample_build.html, "/programmer-en-python/") as base:
        page = offline_context.new_page()
        page.goto(f"{base}{page_name}.html")
        page.locator(".dropdown-launch-buttons button.dropdown-toggle").click()
        with offline_context.expect_page() as opened:
            page.locator("a.btn-carnet-try-it").click()
        lite = opened.value
        lite.wait_for_load_state()
        assert lite.url.startswith(f"{base}lite/notebooks/index.html?path={page_name}.ipynb")
        # JupyterLite attaches the cells one after the other: wait until they are all there.
        lite.wait_for_function(
            "() => document.querySelectorAll('.jp-Notebook .jp-CodeCell').length >= 4", timeout=60_000
        )
        assert "read_csv" in lite.locator(".jp-Notebook").inner_text()
        # The interface speaks the book's language.
        lite.get_by_role("menuitem", name="Fichier").wait_for(timeout=30_000)


def test_a_page_taken_from_the_cache_keeps_its_outputs_in_its_notebooks(launch_build: Build):
    """myst-nb writes a cached page's notebook without its outputs; Carnet writes them (try it, checks, grade)."""
    again = carnet_build(launch_build.book, "--all")
    assert again.returncode == 0 and ", 0 executed by this build" in again.output, again.output[-2000:]
    for folder in (launch_build.book / "_build/jupyter_execute", launch_build.html / "lite/files"):
        notebook = json.loads((folder / "analyse.ipynb").read_text(encoding="utf-8"))
        assert [cell for cell in notebook["cells"] if cell.get("outputs")], folder
