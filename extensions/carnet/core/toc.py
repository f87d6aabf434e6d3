"""The table of contents as data: its shape, which of its entries have no source file, and what was meant."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

import yaml
from yaml.constructor import SafeConstructor

from .i18n import said


def missing_entries(site_map_docnames: list[str], found_docs: set[str], suffixes: list[str]) -> list[str]:
    """Entries of the table of contents with no source file, with their suffix removed."""
    missing = []
    for name in site_map_docnames:
        docname = name
        for suffix in suffixes:
            if docname.endswith(suffix):
                docname = docname[: -len(suffix)]
                break
        if docname not in found_docs:
            missing.append(docname)
    return sorted(missing)


def meant(name: str, pages: Iterable[str]) -> str | None:
    """The page a mistyped entry most likely meant (``chapitres/boucle`` → ``chapitres/boucles``), if any."""
    close = difflib.get_close_matches(name, sorted(pages), n=1, cutoff=0.75)
    return close[0] if close else None


#: The keys of ``_toc.yml`` whose value is a list of entries, each a mapping (``- file: page``).
ENTRY_LISTS = ("parts", "chapters", "sections", "subtrees", "entries")

#: What ``toc_problem`` returns: a message key of the catalog and its values (which may be ``Said``).
Problem = tuple[str, dict[str, object]]

#: sphinx-external-toc's formats: the keys of a document's (subtrees, items) at depth 0, then below.
FORMATS = {
    "default": (("subtrees", "entries"), ("subtrees", "entries")),
    "jb-book": (("parts", "chapters"), ("subtrees", "sections")),
    "jb-article": (("subtrees", "sections"), ("subtrees", "sections")),
}
#: The toctree options a part, ``options:`` or ``defaults:`` may set, and the type each must have.
STYLES = ("numerical", "romanupper", "romanlower", "alphaupper", "alphalower")
OPTIONS: dict[str, tuple[type, ...]] = {
    "caption": (str, type(None)),
    "hidden": (bool,),
    "maxdepth": (int,),
    "numbered": (bool, int),
    "reversed": (bool,),
    "titlesonly": (bool,),
    "style": (str, list),
    "restart_numbering": (bool, type(None)),
}
#: The keys that link an entry to something; exactly one per entry.
LINKS = ("file", "url", "glob")
#: The suffixes a page may be named with in ``_toc.yml`` (``intro`` and ``intro.md`` are one page).
PAGE_SUFFIXES = (".md", ".ipynb", ".rst", ".myst")


def toc_problem(text: str) -> Problem | None:
    """What is wrong with a ``_toc.yml`` (a message key of the catalog and its values), or None.

    sphinx-external-toc says ``entry not a mapping type @ '/chapters/1'`` or ``document file used
    multiple times: 'a'``: no file, no line, no fix. This walks the file as sphinx-external-toc
    parses it, refusing what it would refuse (and the options it would ignore or crash on), and
    names the line and what the author most likely meant. The text must be valid YAML.
    """
    root = yaml.compose(text)
    if isinstance(root, yaml.SequenceNode):
        return "toc.list_style", {}
    if not isinstance(root, yaml.MappingNode):
        return "toc.not_mapping", {}
    if "root" not in _keys(root):
        return "toc.no_root", {}
    if problem := _shape_problem(root):
        return problem
    written = _keys(root).get("format")
    fmt = _value(written[1]) if written else "default"
    if fmt not in FORMATS:
        return "toc.format", {"line": _line(written[1]), "written": fmt, "formats": ", ".join(FORMATS)}
    book_keys = [key for key in ("parts", "chapters") if key in _keys(root)]
    if not written and book_keys:
        return "toc.no_format", {"key": book_keys[0]}
    if "defaults" in _keys(root):
        if problem := _options_problem(_keys(root)["defaults"][1], "defaults"):
            return problem
    return _document_problem(root, fmt, 0, {}, ())


def _shape_problem(node: yaml.Node, walked: set[int] | None = None) -> Problem | None:
    """The first list of entries (depth first, whatever the format) that is not a list of mappings.

    ``walked``: the entries already walked (a YAML alias can list an entry inside itself).
    """
    walked = set() if walked is None else walked
    if not isinstance(node, yaml.MappingNode) or id(node) in walked:
        return None
    walked.add(id(node))
    for key, value in node.value:
        if key.value not in ENTRY_LISTS:
            continue
        if not isinstance(value, yaml.SequenceNode):
            return "toc.not_a_list", {"key": key.value, "line": _line(value)}
        for entry in value.value:
            if not isinstance(entry, yaml.MappingNode):
                return _not_an_entry(entry)
            if problem := _shape_problem(entry, walked):
                return problem
    return None


def page_name(name: str) -> str:
    """A page as Sphinx names it: ``intro.md`` and ``intro`` are the same page."""
    for suffix in PAGE_SUFFIXES:
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def _keys(node: yaml.MappingNode) -> dict[str, tuple[yaml.Node, yaml.Node]]:
    """The (key, value) nodes of a mapping, by key."""
    return {str(key.value): (key, value) for key, value in node.value if isinstance(key, yaml.ScalarNode)}


def _value(node: yaml.Node) -> object:
    """The Python value of a node, as ``yaml.safe_load`` would give it."""
    return SafeConstructor().construct_object(node, deep=True)


def _line(node: yaml.Node) -> int:
    """The line of a node in the file, counted from 1."""
    return node.start_mark.line + 1


def _guess(key: str, allowed: Iterable[str]) -> str:
    """The allowed key closest to a misspelt one, or ``""``."""
    close = difflib.get_close_matches(key, sorted(allowed), n=1, cutoff=0.7)
    return close[0] if close else ""


def _unknown_key(key: yaml.Node, allowed: Iterable[str]) -> Problem:
    """An unknown key, with the allowed ones and the likeliest."""
    guess = _guess(str(key.value), allowed)
    hint = said("toc.did_you_mean", key=guess) if guess else ""
    known = ", ".join(sorted(allowed))
    return "toc.unknown_key", {"line": _line(key), "key": key.value, "known": known, "hint": hint}


def _options_problem(node: yaml.Node, where: str) -> Problem | None:
    """``defaults:`` or ``options:``: a mapping of toctree options of the right types."""
    if not isinstance(node, yaml.MappingNode):
        return "toc.options_mapping", {"line": _line(node), "key": where}
    for key, value in node.value:
        if str(key.value) not in OPTIONS:
            return _unknown_key(key, OPTIONS)
        if problem := _option_problem(key, value):
            return problem
    return None


def _option_problem(key: yaml.Node, node: yaml.Node) -> Problem | None:
    """One toctree option with a value of a type sphinx-external-toc refuses."""
    name, value = str(key.value), _value(node)
    if name == "style":
        styles = value if isinstance(value, list) else [value]
        if all(isinstance(style, str) and style in STYLES for style in styles):
            return None
        expected: object = said("toc.one_of", choices=", ".join(STYLES))
    elif isinstance(value, OPTIONS[name]) and not (name == "maxdepth" and isinstance(value, bool)):
        return None
    else:
        kinds = {str: "string", bool: "bool", int: "integer"}
        expected = said(f"config.kind.{kinds[OPTIONS[name][0]]}")
    return "toc.option", {"line": _line(node), "key": name, "expected": expected, "value": repr(value)}


def _document_problem(
    node: yaml.MappingNode, fmt: str, depth: int, seen: dict[str, int], above: tuple[str, ...]
) -> Problem | None:
    """A page's entry (the root at depth 0) and everything under it, in sphinx-external-toc's order.

    ``seen`` maps each page met so far to its line: a page listed twice, under itself (a cycle) or
    the root listed again makes sphinx-external-toc stop with "document file used multiple times".
    ``above`` holds the pages this entry is listed under.
    """
    subtrees_key, items_key = FORMATS[fmt][min(depth, 1)]
    file_key = "root" if depth == 0 else "file"
    allowed = {file_key, "title", "options", subtrees_key, items_key}
    top_level = {"format", "defaults", "meta"}  # accepted (and ignored) below the top too
    keys = _keys(node)
    for key, _ in node.value:
        if str(key.value) not in allowed | top_level:
            return _unknown_key(key, allowed | top_level if depth == 0 else allowed)
    if problem := _page_problem(keys[file_key], seen, above):
        return problem
    above = (*above, page_name(str(_value(keys[file_key][1]))))
    if "title" in keys and not isinstance(_value(keys["title"][1]), str | None):
        return _not_text(*keys["title"])
    if items_key in keys and subtrees_key in keys:
        return "toc.both_lists", {"line": _line(node), "items": items_key, "subtrees": subtrees_key}
    if items_key in keys:
        if "options" in keys and (problem := _options_problem(keys["options"][1], "options")):
            return problem
        return _items_problem(keys[items_key], fmt, depth, seen, above)
    if subtrees_key not in keys:
        return None
    key, parts = keys[subtrees_key]
    if not isinstance(parts, yaml.SequenceNode) or not parts.value:
        return "toc.not_a_list", {"key": subtrees_key, "line": _line(parts)}
    for part in parts.value:
        if not isinstance(part, yaml.MappingNode):
            return _not_an_entry(part)
        part_keys = _keys(part)
        if items_key not in part_keys:
            return "toc.part_without_items", {"line": _line(part), "key": subtrees_key, "items": items_key}
        for option, value in part.value:
            if str(option.value) == items_key:
                continue
            if str(option.value) not in OPTIONS:
                # sphinx-external-toc ignores other keys of a part: refuse only a misspelt one (its setting is lost)
                if _guess(str(option.value), {*OPTIONS, items_key}):
                    return _unknown_key(option, {*OPTIONS, items_key})
                continue
            if problem := _option_problem(option, value):
                return problem
        if problem := _items_problem(part_keys[items_key], fmt, depth, seen, above):
            return problem
    return None


def _page_problem(entry: tuple[yaml.Node, yaml.Node], seen: dict[str, int], above: tuple[str, ...]) -> Problem | None:
    """``root:`` or ``file:`` must name a page as text, one not already in the book (nor above itself)."""
    key, node = entry
    name = _value(node)
    if name is None or name == "":
        return "toc.no_page", {"line": _line(key), "key": key.value}
    if not isinstance(name, str):
        return _not_text(key, node)
    page = page_name(name)
    if page in seen:
        again = "toc.root_again" if page == next(iter(seen)) else "toc.cycle" if page in above else "toc.twice"
        return again, {"line": _line(node), "page": name, "first": seen[page]}
    seen[page] = _line(node)
    return None


def _not_text(key: yaml.Node, node: yaml.Node) -> Problem:
    """A page or title that YAML reads as a number, a list…: sphinx-external-toc wants text."""
    written = node.value if isinstance(node, yaml.ScalarNode) else "…"
    return "toc.not_text", {"line": _line(node), "key": key.value, "written": written}


def _not_an_entry(entry: yaml.Node) -> Problem:
    """An entry written as text (``- intro``, ``- file intro``) instead of a mapping."""
    written = entry.value if isinstance(entry, yaml.ScalarNode) else "…"
    field = re.match(r"\s*(file|url|glob|title|caption)\b\s*(.*)", str(written))
    fix = f"{field[1]}: {field[2]}" if field else f"file: {written}"
    return "toc.entry_not_mapping", {"line": _line(entry), "written": written, "fix": fix}


def _items_problem(
    entry: tuple[yaml.Node, yaml.Node], fmt: str, depth: int, seen: dict[str, int], above: tuple[str, ...]
) -> Problem | None:
    """A list of entries (``chapters:``, ``sections:``): each links one thing; pages are walked into."""
    key, items = entry
    if not isinstance(items, yaml.SequenceNode) or not items.value:
        return "toc.not_a_list", {"key": key.value, "line": _line(items)}
    pages = []
    for item in items.value:
        if not isinstance(item, yaml.MappingNode):
            return _not_an_entry(item)
        keys = _keys(item)
        links = [link for link in LINKS if link in keys]
        if not links:
            guess = _guess(next(iter(keys), ""), LINKS) if len(keys) == 1 else ""
            hint = said("toc.did_you_mean", key=guess) if guess else ""
            return "toc.no_link", {"line": _line(item), "hint": hint}
        if len(links) > 1:
            return "toc.two_links", {"line": _line(item), "links": ", ".join(f"'{link}:'" for link in links)}
        if links == ["file"]:
            pages.append(item)
            continue
        children = [name for name in (*FORMATS[fmt][0], *FORMATS[fmt][1]) if name in keys]
        if children:
            return "toc.link_with_children", {"line": _line(item), "link": links[0], "key": children[0]}
        url = _value(keys[links[0]][1])
        if links == ["url"] and not (isinstance(url, str) and re.fullmatch(r".+://.*", url)):
            return "toc.bad_url", {"line": _line(keys["url"][1]), "url": url}
        if "title" in keys and not isinstance(_value(keys["title"][1]), str | None):
            return _not_text(*keys["title"])
    for page in pages:  # sphinx-external-toc reads the pages of a list after the list itself
        if problem := _document_problem(page, fmt, depth + 1, seen, above):
            return problem
    return None
