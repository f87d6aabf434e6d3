"""Check every internal link and anchor of a built book, on disk.

Each HTML page Sphinx wrote is parsed once: the anchors it defines (``id``, and ``name`` on
``<a>``) and the links it makes (``href`` of links, ``src`` of images, scripts and frames). A link
inside the site must lead to a file of the site and, when it names an anchor in a page, to an
anchor of that page; a link by absolute path must stay under the path the site is published at.
External links are never fetched. JupyterLite's app (a folder holding ``jupyter-lite.json``) is
not Carnet's HTML: its pages are not parsed, links into it are checked like any other.

linkchecker did this by crawling the site over HTTP: 20 s for the 16 pages of the sample course
(and minutes for a real book), against well under a second here.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .language import say

#: Attributes holding a link, by element.
LINK_ATTRIBUTES = {
    "a": "href",
    "area": "href",
    "link": "href",
    "img": "src",
    "script": "src",
    "iframe": "src",
    "source": "src",
    "video": "src",
    "audio": "src",
    "embed": "src",
}
#: ``<link rel=…>`` values that are hints to the browser, not resources of the site.
HINT_RELS = {"preconnect", "dns-prefetch", "canonical", "alternate"}


@dataclass(frozen=True)
class BrokenLink:
    """A link that leads nowhere: its target as written, the page it is on, and why.

    ``target``: where it leads in the site (``_static/logo.png``, ``chapitre/a.html#deux``), the
    same for every page that links there however each writes it.
    """

    url: str
    page: str
    line: str
    cause: str
    target: str = ""

    def message(self) -> str:
        """One line for the author."""
        return f"{self.page} ({say('link_line', line=self.line)}): {self.url}: {self.cause}"


class PageLinks(HTMLParser):
    """The anchors a page defines and the links it makes (with their lines)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.anchors: set[str] = set()
        self.links: list[tuple[str, int]] = []
        #: The ``href`` of each link with the class ``btn-carnet-try-it`` (for :func:`.check.launch_problems`).
        self.try_it: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Note the element's anchor and link, if it has them."""
        values = {name: value or "" for name, value in attrs}
        if values.get("id"):
            self.anchors.add(values["id"])
        if tag == "a" and values.get("name"):
            self.anchors.add(values["name"])
        attribute = LINK_ATTRIBUTES.get(tag)
        if (
            attribute
            and values.get(attribute)
            and not (tag == "link" and HINT_RELS & set(values.get("rel", "").split()))
        ):
            self.links.append((values[attribute], self.getpos()[0]))
        if tag == "a" and "btn-carnet-try-it" in values.get("class", "").split():
            self.try_it.append(values.get("href", ""))


def internal_target(url: str) -> tuple[str, str] | None:
    """``(path, fragment)`` of a link within the site, or ``None`` for an external or non-page link."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or url.startswith("//"):
        return None
    return unquote(parts.path), unquote(parts.fragment)


def site_pages(html: Path) -> list[Path]:
    """The HTML pages of the site that are Carnet's and Sphinx's (not ``_static``, not JupyterLite's)."""
    apps = {folder.parent for folder in html.rglob("jupyter-lite.json")}
    pages = []
    for page in sorted(html.rglob("*.html")):
        relative = page.relative_to(html)
        if relative.parts[0] in ("_static", "_sources") or any(page.is_relative_to(app) for app in apps):
            continue
        pages.append(page)
    return pages


class ParsedSite:
    """A built site's pages, each parsed once, when first asked for."""

    def __init__(self, html: Path) -> None:
        self.html = html
        self.pages = site_pages(html)
        self._parsed: dict[Path, PageLinks] = {}

    def __call__(self, page: Path) -> PageLinks:
        """The anchors and links of ``page``."""
        if page not in self._parsed:
            parser = PageLinks()
            parser.feed(page.read_text(encoding="utf-8", errors="replace"))
            self._parsed[page] = parser
        return self._parsed[page]


def broken_links(site: ParsedSite, prefix: str = "/", book: Path | None = None) -> list[BrokenLink]:
    """Every broken internal link or anchor of ``site``, published under ``prefix``.

    ``book``: the sources, to tell a file the site lacks from one the book has but did not publish
    (an image in raw HTML, ``<img src="img/a.png">``: Sphinx copies only the images it parses).
    """
    broken = []
    for page in site.pages:
        name = page.relative_to(site.html).as_posix()
        for url, line in site(page).links:
            target = internal_target(url)
            if target is None:
                continue
            cause = _problem(site, page, target, prefix)
            if cause:
                where = _site_path(name, target)
                path = where.split("#", 1)[0]
                if book is not None and path and not path.startswith("/") and (book / path).is_file():
                    cause = say("link_not_copied", file=path)
                broken.append(BrokenLink(url, name, str(line), cause, where))
    return broken


#: How many of the pages linking to one missing target a grouped line names.
NAMED_PAGES = 3


def grouped_messages(links: list[BrokenLink]) -> list[str]:
    """One line per missing target: a file linked from every page is one problem, not 109 lines."""
    groups: dict[tuple[str, str], list[BrokenLink]] = {}
    for link in links:
        groups.setdefault((link.target or link.url, link.cause), []).append(link)
    lines = []
    for (target, cause), group in groups.items():
        pages = list(dict.fromkeys(link.page for link in group))
        if len(pages) == 1 and len(group) == 1:
            lines.append(group[0].message())
            continue
        named = ", ".join(pages[:NAMED_PAGES]) + (", …" if len(pages) > NAMED_PAGES else "")
        lines.append(say("link_group", target=target, cause=cause, count=len(pages), links=len(group), pages=named))
    return lines


def _site_path(page: str, target: tuple[str, str]) -> str:
    """Where a link of ``page`` leads, as a path of the site (an absolute path stays as written)."""
    path, fragment = target
    if path and not path.startswith("/"):
        path = posixpath.normpath(posixpath.join(posixpath.dirname(page), path))
    return (path or page) + (f"#{fragment}" if fragment else "")


def _problem(site: ParsedSite, page: Path, target: tuple[str, str], prefix: str) -> str | None:
    """Why a link from ``page`` to ``target`` leads nowhere (``None`` when it leads somewhere)."""
    html, (path, fragment) = site.html, target
    if not path:
        destination = page
    elif path.startswith("/"):
        if not path.startswith(prefix):
            return say("link_outside", prefix=prefix)
        destination = html / path[len(prefix) :]
    else:
        destination = html / posixpath.normpath(posixpath.join(page.parent.relative_to(html).as_posix(), path))
    if destination.is_dir():
        destination = destination / "index.html"
    if not destination.resolve().is_relative_to(html.resolve()) or not destination.is_file():
        return say("link_no_file")
    if fragment and destination.suffix == ".html" and fragment not in site(destination).anchors:
        return say("link_no_anchor", anchor=fragment)
    return None
