"""The sample course: builds with zero warnings, every page executed and passed, nothing leaked."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup
from conftest import REPO, Build

pytestmark = pytest.mark.book

CHECK_LINKS = REPO / "scripts" / "check_links.py"


def toc_files(toc: Path) -> list[str]:
    """Every ``file:`` entry of a jb-book ``_toc.yml``, root first."""
    data = yaml.safe_load(toc.read_text())
    files = [data["root"]]

    def walk(entries: list[dict]) -> None:
        for entry in entries:
            if "file" in entry:
                files.append(entry["file"])
            for key in ("parts", "chapters", "sections"):
                walk(entry.get(key, []))

    walk(data.get("parts", []) + data.get("chapters", []))
    return files


def is_notebook(book: Path, docname: str) -> bool:
    """An executable page: an ``.ipynb``, or a MyST ``.md`` notebook (with a kernelspec)."""
    if (book / f"{docname}.ipynb").is_file():
        return True
    text = (book / f"{docname}.md").read_text()
    return text.startswith("---") and "kernelspec:" in text.split("---")[1]


def soup(build: Build, docname: str) -> BeautifulSoup:
    return BeautifulSoup((build.html / f"{docname}.html").read_text(), "html.parser")


def test_builds_with_zero_warnings(sample_build: Build):
    assert sample_build.returncode == 0, sample_build.output[-5000:]
    assert "WARNING:" not in sample_build.output
    assert "carnet : site construit dans" in sample_build.output  # a French course: its run speaks French


def test_course_shape(sample_build: Build):
    files = toc_files(sample_build.book / "_toc.yml")
    notebooks = [name for name in files if is_notebook(sample_build.book, name)]
    parts = yaml.safe_load((sample_build.book / "_toc.yml").read_text())["parts"]
    assert len(files) >= 10 and len(parts) >= 3
    suffixes = {(sample_build.book / f"{name}.ipynb").is_file() for name in notebooks}
    assert suffixes == {True, False}, "the course mixes .ipynb and MyST .md notebooks"


def test_every_toc_page_has_html(sample_build: Build):
    for name in toc_files(sample_build.book / "_toc.yml"):
        assert (sample_build.html / f"{name}.html").is_file(), name
    assert soup(sample_build, "book/intro").html["lang"] == "fr"


def test_status_page_lists_every_executed_page_as_passed(sample_build: Build):
    book = sample_build.book
    notebooks = {
        f"{name}{'.ipynb' if (book / f'{name}.ipynb').is_file() else '.md'}"
        for name in toc_files(book / "_toc.yml")
        if is_notebook(book, name)
    }
    page = soup(sample_build, "book/status")
    rows = page.select("#carnet-status-table tbody tr")
    listed = {row.select_one(".carnet-status-source").get_text(strip=True): row for row in rows}
    assert set(listed) == notebooks
    browser = []
    for source, row in listed.items():
        assert "carnet-status-passed" in row["class"], source
        assert row.find_all("td")[3].get_text(strip=True) == "réussie"
        browser.append(row.find_all("td")[4].get_text(strip=True).split(" — ")[0])
        assert float(row.find_all("td")[2].get_text(strip=True)) >= 0
        assert row.find("a")["href"].endswith(".html")
    assert "échec" not in page.select_one(".carnet-status-summary").get_text().split(":")[0]
    # The build ran every page in Pyodide too (carnet.check.in_build is on by default); the
    # matplotlib and pandas pages need packages the book does not serve.
    assert set(browser) <= {"identique", "paquets non téléchargés (hors ligne)"}, browser
    assert browser.count("identique") >= len(browser) - 2, browser


def test_pages_show_real_executed_outputs(sample_build: Build):
    figure = soup(sample_build, "content/02-donnees/graphiques")
    assert figure.select(".cell_output img[src$='.png']"), "a matplotlib figure"
    table = soup(sample_build, "content/02-donnees/tableaux-csv")
    assert table.select(".cell_output table.dataframe"), "a table read from the CSV file"
    errors = soup(sample_build, "content/01-bases/fonctions")
    assert "TypeError" in errors.select_one(".tag_raises-exception .cell_output").get_text()
    hidden = soup(sample_build, "content/01-bases/variables")
    assert hidden.select(".tag_hide-input")
    search = soup(sample_build, "content/03-algorithmes/recherche")
    assert search.select(".math")
    recursion = soup(sample_build, "content/03-algorithmes/recursivite")
    assert recursion.select(".admonition.dropdown")
    about = soup(sample_build, "book/about")
    assert about.select(".citation, dl.citation, div.citation")


#: Elements and attributes through which a page makes the browser fetch something.
RESOURCE_ATTRIBUTES = {"script": "src", "link": "href", "img": "src", "iframe": "src", "source": "src"}


def test_pages_load_nothing_from_another_origin(sample_build: Build):
    external = []
    for page in sample_build.html.rglob("*.html"):
        for tag, attribute in RESOURCE_ATTRIBUTES.items():
            for element in BeautifulSoup(page.read_text(), "html.parser").find_all(tag):
                if tag == "link" and not {"stylesheet", "preload", "icon", "modulepreload"} & set(
                    element.get("rel", [])
                ):
                    continue
                url = element.get(attribute, "")
                if url.startswith(("http:", "https:", "//")):
                    external.append(f"{page.relative_to(sample_build.html)}: <{tag}> {url}")
    assert external == []
    assert (sample_build.html / "_static" / "mathjax" / "es5" / "tex-mml-chtml.js").is_file()


def test_no_traceback_or_report_is_published(sample_build: Build):
    assert not (sample_build.html / "reports").exists()
    assert not list(sample_build.html.rglob("*.err.log"))


def test_link_check_finds_no_broken_internal_link(sample_build: Build):
    proc = subprocess.run([sys.executable, CHECK_LINKS, sample_build.html], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "0 broken internal link(s)" in proc.stdout


@pytest.fixture
def damaged_site(sample_build: Build, tmp_path: Path) -> Path:
    """A copy of the built course with one dead link and one dead anchor added to a page."""
    site = tmp_path / "html"
    shutil.copytree(sample_build.html, site)
    page = site / "book" / "about.html"
    html = page.read_text()
    marker = "</main>" if "</main>" in html else "</body>"
    broken = '<a href="pas-de-page.html">x</a> <a href="intro.html#pas-d-ancre">y</a> <a href="#pas-ici">z</a>'
    page.write_text(html.replace(marker, broken + marker, 1))
    return site


def test_link_check_reports_dead_links_and_anchors(damaged_site: Path, sample_build: Build):
    from carnet.cli.book import published_path
    from carnet.core.paths import BookPaths

    prefix = published_path(BookPaths(sample_build.book))
    env = {**os.environ, "CARNET_LANG": "en"}
    proc = subprocess.run([sys.executable, CHECK_LINKS, damaged_site, prefix], capture_output=True, text=True, env=env)
    assert proc.returncode == 1
    assert "pas-de-page.html" in proc.stdout
    assert "pas-d-ancre" in proc.stdout
    assert "book/about.html (line" in proc.stdout and "#pas-ici: anchor 'pas-ici' not found" in proc.stdout
    assert "3 broken internal link(s)" in proc.stdout
