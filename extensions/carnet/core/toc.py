"""The table of contents as data: its shape, which of its entries have no source file, and what was meant."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

import yaml


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


def toc_problem(text: str) -> tuple[str, dict[str, object]] | None:
    """What is wrong with the shape of a ``_toc.yml`` (a message key of the catalog and its values), or None.

    sphinx-external-toc says ``entry not a mapping type @ '/chapters/1'``: no file, no line, no fix.
    This names the line, and what the author most likely meant. The text must be valid YAML.
    """
    root = yaml.compose(text)
    if isinstance(root, yaml.SequenceNode):
        return "toc.list_style", {}
    if not isinstance(root, yaml.MappingNode):
        return "toc.not_mapping", {}
    if "root" not in {key.value for key, _ in root.value}:
        return "toc.no_root", {}
    return _entry_problem(root)


def _entry_problem(node: yaml.Node) -> tuple[str, dict[str, object]] | None:
    """The first entry (depth first) of ``parts``/``chapters``/``sections`` lists that is not a mapping."""
    if not isinstance(node, yaml.MappingNode):
        return None
    for key, value in node.value:
        if key.value not in ENTRY_LISTS:
            continue
        if not isinstance(value, yaml.SequenceNode):
            return "toc.not_a_list", {"key": key.value, "line": value.start_mark.line + 1}
        for entry in value.value:
            if not isinstance(entry, yaml.MappingNode):
                written = entry.value if isinstance(entry, yaml.ScalarNode) else "…"
                field = re.match(r"\s*(file|url|glob|title|caption)\b\s*(.*)", str(written))
                fix = f"{field[1]}: {field[2]}" if field else f"file: {written}"
                return "toc.entry_not_mapping", {"line": entry.start_mark.line + 1, "written": written, "fix": fix}
            if problem := _entry_problem(entry):
                return problem
    return None
