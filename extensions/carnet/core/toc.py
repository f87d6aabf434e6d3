"""The table of contents as data: which of its entries have no source file, and what was meant."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


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
