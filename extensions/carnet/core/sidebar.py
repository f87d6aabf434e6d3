"""The book's navigation sidebar written once per build, then moved to each folder and marked for each page.

The theme builds every page's sidebar from the whole table of contents, through Sphinx's doctree
and BeautifulSoup: 0.3 s a page in a 500-page course, and growing with it, so writing a course
took time in the square of its size. Yet two pages' sidebars differ only in where their links
start from (the page's folder) and in which entry is the current page: its link
(``class="current …"``, ``href="#"``), the list items and lists around it (``current active``,
``current``), and the disclosure boxes it opens. :class:`MarkableSidebar` keeps one sidebar with
no page marked, cut at every start tag that may change, and writes any page's in one join.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape
from html.parser import HTMLParser

#: The tags marking a page may change (the only ones kept, with the same kind enclosing them).
MARKABLE = frozenset({"a", "li", "ul", "details"})
_CLASS = re.compile(r'\sclass="([^"]*)"')
_HREF = re.compile(r'\shref="[^"]*"')
_NAME_END = re.compile(r"<[a-zA-Z0-9]+")


@dataclass(eq=False)
class Tag:
    """A start tag of the sidebar that marking a page may change, and the tags that enclose it."""

    name: str
    #: Where the tag is in :attr:`MarkableSidebar.pieces`.
    index: int
    classes: list[str]
    has_open: bool
    href: str | None = None
    #: For a ``<li>``: the disclosure box of its sub-list (the first ``<details>`` inside it).
    details: Tag | None = None
    ancestors: list[Tag] = field(default_factory=list)


def with_classes(text: str, classes: list[str]) -> str:
    """The start tag ``text`` with ``classes`` as its class attribute (added after the name if it had none)."""
    value = " ".join(classes)
    if _CLASS.search(text):
        return _CLASS.sub(lambda _: f' class="{value}"', text, count=1)
    name = _NAME_END.match(text)
    assert name is not None
    return f'{text[: name.end()]} class="{value}"{text[name.end() :]}'


def with_href(text: str, href: str) -> str:
    """The start tag ``text`` linking to ``href`` instead."""
    value = escape(href, quote=False).replace('"', "&quot;")
    return _HREF.sub(lambda _: f' href="{value}"', text, count=1)


def opened(text: str, value: str | None) -> str:
    """``<details>`` with an ``open`` attribute (bare when ``value`` is None, as BeautifulSoup writes it)."""
    attribute = " open" if value is None else f' open="{value}"'
    return f"{text[:-1]}{attribute}>"


class _Indexer(HTMLParser):
    """Cuts a sidebar at its ``a``, ``li``, ``ul`` and ``details`` start tags, each with those enclosing it."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.html = html
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", html)]
        self.stack: list[Tag] = []
        self.pieces: list[str] = []
        self.position = 0
        self.links: dict[str, list[Tag]] = {}
        self.feed(html)
        self.close()
        self.pieces.append(html[self.position :])

    def handle_starttag(self, name: str, attrs: list[tuple[str, str | None]]) -> None:
        if name not in MARKABLE:  # none of them is a void element: each one has its end tag
            return
        values = dict(attrs)
        tag = Tag(
            name=name,
            index=len(self.pieces) + 1,
            classes=(values.get("class") or "").split(),
            has_open="open" in values,
            href=values.get("href"),
            ancestors=list(self.stack),
        )
        line, column = self.getpos()
        start = self.line_starts[line - 1] + column
        text = self.get_starttag_text() or ""
        self.pieces += [self.html[self.position : start], text]
        self.position = start + len(text)
        if name == "details":
            for ancestor in reversed(self.stack):
                if ancestor.name == "li":
                    if ancestor.details is None:
                        ancestor.details = tag
                    break
        if name == "a" and tag.href:
            self.links.setdefault(tag.href, []).append(tag)
        self.stack.append(tag)

    def handle_endtag(self, name: str) -> None:
        if name not in MARKABLE:
            return
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index].name == name:
                del self.stack[index:]
                return


class MarkableSidebar:
    """A sidebar with no page marked as current, that writes any page's sidebar.

    Built from the sidebar of a page of the book's root folder; :meth:`moved` gives the same
    sidebar with its links starting from another folder.
    """

    def __init__(self, html: str) -> None:
        indexer = _Indexer(html)
        self.pieces = indexer.pieces
        self.links = indexer.links

    def links_to(self, href: str) -> int:
        """How many entries link to ``href`` (as written in the root folder's sidebar)."""
        return len(self.links.get(href, []))

    def moved(self, relocate: Callable[[str], str]) -> MarkableSidebar:
        """The same sidebar with each link within the book changed by ``relocate`` (links elsewhere kept)."""
        moved = copy.copy(self)
        moved.pieces = list(self.pieces)
        for links in self.links.values():
            for tag in links:
                if "internal" in tag.classes and tag.href is not None:
                    moved.pieces[tag.index] = with_href(self.pieces[tag.index], relocate(tag.href))
        return moved

    def marked(self, href: str) -> str:
        """The sidebar of the page that the one entry linking to ``href`` names (unmarked when none does).

        The page's link becomes ``#`` and ``current``; each enclosing entry becomes
        ``current active`` with its box open, each enclosing list ``current``; a part's box
        (``toctree-l0``, when parts fold) opens too. Raises ``ValueError`` when two entries link
        to the page: the theme marks both in ways this does not copy.
        """
        links = self.links.get(href, [])
        if len(links) > 1:
            raise ValueError(f"{len(links)} entries link to {href}")
        pieces = list(self.pieces)
        for link in links:
            pieces[link.index] = with_href(with_classes(pieces[link.index], ["current", *link.classes]), "#")
            for tag in link.ancestors:
                self._mark(tag, pieces)
        return "".join(pieces)

    @staticmethod
    def _mark(tag: Tag, pieces: list[str]) -> None:
        """Mark one tag enclosing the current page's link, as the theme does."""
        details = tag.details if tag.details is not None and not tag.details.has_open else None
        if tag.name == "ul" and "list-caption" not in tag.classes:
            pieces[tag.index] = with_classes(pieces[tag.index], ["current", *tag.classes])
        elif tag.name == "li" and tag.classes[:1] == ["toctree-l0"]:
            if details is not None:
                pieces[details.index] = opened(pieces[details.index], None)
        elif tag.name == "li" and tag.classes[:1] and tag.classes[0].startswith("toctree-l"):
            classes = [tag.classes[0], "current", "active", *tag.classes[1:]]
            pieces[tag.index] = with_classes(pieces[tag.index], classes)
            if details is not None:
                pieces[details.index] = opened(pieces[details.index], "open")
