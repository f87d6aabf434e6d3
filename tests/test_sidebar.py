"""The navigation sidebar, written once per folder and marked per page, is the theme's, byte for byte."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from carnet.core.sidebar import MarkableSidebar
from carnet.sphinxext.page import sidebar
from conftest import build_in_process, copy_book

SIDEBAR = re.compile(r'<nav class="bd-links bd-docs-nav".*?</nav>', re.S)
UNMARKED = (
    '<p class="caption"><span>Partie</span></p>\n<ul class="nav bd-sidenav">\n'
    '<li class="toctree-l1 has-children"><a class="reference internal" href="a.html">A &amp; B</a>'
    '<details><summary><i class="x"></i></summary><ul>\n'
    '<li class="toctree-l2"><a class="reference internal" href="b.html">B<br/>b</a></li>\n'
    '<li class="toctree-l2"><a class="reference internal" href="c.html">C</a></li>\n'
    "</ul></details></li>\n"
    '<li class="toctree-l1"><a class="reference external" href="https://example.org/?a=1&amp;b=2">D</a></li>\n'
    "</ul>\n"
)


def test_a_page_deep_in_the_sidebar_marks_every_entry_and_list_around_it():
    marked = MarkableSidebar(UNMARKED).marked("b.html")
    assert marked == (
        '<p class="caption"><span>Partie</span></p>\n<ul class="current nav bd-sidenav">\n'
        '<li class="toctree-l1 current active has-children"><a class="reference internal" href="a.html">A &amp; B</a>'
        '<details open="open"><summary><i class="x"></i></summary><ul class="current">\n'
        '<li class="toctree-l2 current active"><a class="current reference internal" href="#">B<br/>b</a></li>\n'
        '<li class="toctree-l2"><a class="reference internal" href="c.html">C</a></li>\n'
        "</ul></details></li>\n"
        '<li class="toctree-l1"><a class="reference external" href="https://example.org/?a=1&amp;b=2">D</a></li>\n'
        "</ul>\n"
    )


def test_a_page_absent_from_the_sidebar_leaves_it_unmarked_and_a_page_linked_twice_is_refused():
    sidebar_ = MarkableSidebar(UNMARKED)
    assert sidebar_.marked("z.html") == UNMARKED
    assert sidebar_.links_to("https://example.org/?a=1&b=2") == 1
    with pytest.raises(ValueError, match="2 entries"):
        MarkableSidebar(UNMARKED.replace("c.html", "b.html")).marked("b.html")


def test_a_sidebar_moved_to_a_folder_links_from_there_but_not_its_links_elsewhere():
    moved = MarkableSidebar(UNMARKED).moved(lambda href: f"../{href}")
    assert moved.marked("c.html") == (
        UNMARKED.replace('href="a.html"', 'href="../a.html"')
        .replace('href="b.html"', 'href="../b.html"')
        .replace('<ul class="nav', '<ul class="current nav')
        .replace("toctree-l1 has-children", "toctree-l1 current active has-children")
        .replace("<details>", '<details open="open">')
        .replace("<ul>", '<ul class="current">')
        .replace(
            '<li class="toctree-l2"><a class="reference internal" href="c.html">',
            '<li class="toctree-l2 current active"><a class="current reference internal" href="#">',
        )
    )


def _sidebars(html: Path) -> dict[str, str]:
    pages = sorted(path for path in html.rglob("*.html") if "_static" not in path.parts and "lite" not in path.parts)
    found = {str(path.relative_to(html)): SIDEBAR.search(path.read_text()) for path in pages}
    return {page: match.group(0) for page, match in found.items() if match}  # not the redirect or 404 pages


@pytest.mark.builds
@pytest.mark.parametrize("depth", [1, 0, 2])
def test_every_page_gets_the_sidebar_plain_jupyter_book_writes(tmp_path, monkeypatch, depth):
    """Parts, sections five deep, twin names, an external link, an orphan: as the theme marks them."""
    book = copy_book("navigation", tmp_path)
    options = f"  config:\n    html_theme_options:\n      show_navbar_depth: {depth}\n"
    # The orphan page is built as plain Jupyter Book builds it (Carnet leaves pages outside the toc out).
    kept = "    carnet: {check: {outside_toc: true}}\n"
    (book / "_config.yml").write_text((book / "_config.yml").read_text() + options + kept)
    plain = copy_book("navigation", tmp_path / "plain")
    (plain / "_config.yml").write_text(f"title: navigation\nsphinx:\n{options}")
    subprocess.run([Path(sys.executable).parent / "jupyter-book", "build", str(plain)], check=True, capture_output=True)

    written, marked = [], []
    theme_sidebar, mark = sidebar.theme_sidebar, MarkableSidebar.marked

    def counted_theme_sidebar(app, page, *args, **kwargs):
        written.append(page)
        return theme_sidebar(app, page, *args, **kwargs)

    monkeypatch.setattr(sidebar, "theme_sidebar", counted_theme_sidebar)
    monkeypatch.setattr(MarkableSidebar, "marked", lambda self, href: marked.append(href) or mark(self, href))
    assert build_in_process(book).returncode == 0

    ours, theirs = _sidebars(book / "_build" / "html"), _sidebars(plain / "_build" / "html")
    ours.pop("404.html", None)
    assert len(ours) >= 14 and ours.keys() == theirs.keys()
    for page, html in theirs.items():
        assert ours[page] == html, page
    # The theme writes one unmarked sidebar and the one page compared with Carnet's; the page deeper
    # than the sidebar shows is the theme's own; Carnet marks every other page.
    assert sorted(written) == [sidebar.UNMARKED, "a/sub/tres-profond"]
    assert "a/sub/au-fond.html" not in marked and "a/sub/tres-profond.html" in marked and len(marked) >= len(ours) - 1
