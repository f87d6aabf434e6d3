"""The table of contents as data: which of its entries have no source file."""

from __future__ import annotations


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
