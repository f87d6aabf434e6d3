"""The built sample course works under a GitHub Pages project subpath: a browser crawl finds no
failed request, no request leaving the book's origin, and every launch URL resolves."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urljoin

import pytest
from bs4 import BeautifulSoup
from carnet.cli.server import serve_directory
from conftest import Build, build_in_process, copy_book

pytestmark = pytest.mark.book

SUBPATH = "/programmer-en-python/"


def book_pages(build: Build) -> list[str]:
    """Every page of the site (JupyterLite's own files and static assets left out)."""
    pages = []
    for page in sorted(build.html.rglob("*.html")):
        relative = page.relative_to(build.html).as_posix()
        if not relative.startswith(("lite/", "_static/", "_sources/")) and relative != "404.html":
            pages.append(relative)
    return pages


def test_crawl_under_a_subpath_finds_no_failed_request(sample_build: Build, offline_context):
    failures: list[str] = []
    with serve_directory(sample_build.html, SUBPATH) as base:
        page = offline_context.new_page()
        page.on(
            "response",
            lambda response: failures.append(f"{response.status} {response.url}") if response.status >= 400 else None,
        )
        page.on("requestfailed", lambda request: failures.append(f"failed {request.url}"))
        page.on("pageerror", lambda error: failures.append(f"script error on {page.url}: {error}"))
        targets: set[str] = set()
        for relative in book_pages(sample_build):
            page.goto(base + relative)
            page.wait_for_load_state("networkidle")
            soup = BeautifulSoup(page.content(), "html.parser")
            for link in soup.select("a[href]"):
                target = urljoin(page.url, link["href"]).split("#")[0]  # page.url: after any redirect
                if target.startswith(base):
                    targets.add(target)
        for target in sorted(targets):  # every internal link and launch URL, pages of JupyterLite included
            response = page.request.get(target)
            if response.status >= 400:
                failures.append(f"{response.status} {target}")
    assert len(book_pages(sample_build)) >= 15
    assert any("lite/notebooks/index.html?path=" in target for target in targets)
    assert failures == []
    assert offline_context.blocked == []


def test_not_found_page_is_self_contained_with_an_absolute_home_link(sample_build: Build):
    page = BeautifulSoup((sample_build.html / "404.html").read_text(), "html.parser")
    assert page.html["lang"] == "fr"
    assert [a["href"] for a in page.select("a")] == ["/carnet/index.html"]
    assert not page.select("script[src], link[href], img[src]")
    assert (sample_build.html / ".nojekyll").is_file()


def test_a_repository_left_as_carnet_new_placeholder_is_flagged(tmp_path: Path):
    book = copy_book("exercises", tmp_path)
    config = book / "_config.yml"
    config.write_text(config.read_text() + "repository:\n  url: https://github.com/USER/REPO\n")
    build = build_in_process(book)
    # A French book: the warning is in French.
    assert "repository.url est encore l'adresse provisoire https://github.com/USER/REPO" in build.output
    assert "écrivez l'adresse de votre dépôt" in build.output


def test_pages_left_out_of_the_toc_are_counted_once_not_run_and_a_private_page_never_built(tmp_path: Path):
    """Jupyter Book reads every page; Carnet leaves out those the toc does not list, saying so once."""
    book = copy_book("exercises", tmp_path)
    (book / "chapitres").mkdir()
    (book / "chapitres" / "oubliee.md").write_text("# Une page oubliée\n")
    failing = (book / "bons.md").read_text().split("\n---\n")[0] + "\n---\n```{code-cell}\n1 / 0\n```\n"
    (book / "chapitres" / "ancienne.md").write_text(failing)
    (book / "private").mkdir()
    (book / "private" / "brouillon.md").write_text("# Un brouillon\n")
    build = build_in_process(book)
    assert build.returncode == 0, build.output[-3000:]
    assert "[carnet.toc]" not in build.output, "said once, as information: a --strict build does not fail on it"
    said = "2 page(s) absente(s) de _toc.yml laissée(s) hors du livre (ni exécutées ni vérifiées) : "
    assert f"{said}chapitres/ancienne.md, chapitres/oubliee.md." in build.output
    assert "ZeroDivisionError" not in build.output and not list(build.html.rglob("*ancienne*"))
    assert "brouillon" not in build.output, "a private page is not a page left out"
    assert not list(build.html.rglob("*brouillon*")), "nor published (a private/ folder at the root too)"
    config = book / "_config.yml"
    config.write_text(config.read_text().replace("    carnet:\n", "    carnet:\n      check: {outside_toc: true}\n", 1))
    kept = build_in_process(book)
    assert kept.returncode != 0 and "chapitres/ancienne" in kept.output and "ZeroDivisionError" in kept.output


def test_a_book_without_baseurl_nor_repository_passes_the_link_check_with_its_404_page(tmp_path: Path):
    """Jupyter Book gives such a book its own repository (executablebooks/jupyter-book): the 404 page's
    home link led to /jupyter-book/index.html, outside the site carnet check and carnet serve use."""
    from carnet.cli.book import book_paths, published_path
    from carnet.cli.linkcheck import ParsedSite, broken_links, grouped_messages

    build = build_in_process(copy_book("navigation", tmp_path))
    assert build.returncode == 0, build.output[-3000:]
    prefix = published_path(book_paths(build.book))
    assert grouped_messages(broken_links(ParsedSite(build.html), prefix)) == []
    home = BeautifulSoup((build.html / "404.html").read_text(), "html.parser").select("a")
    assert [a["href"] for a in home] == [f"{prefix}index.html"] == ["/index.html"]
