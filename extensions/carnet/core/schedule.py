"""The order pages are read in, so that parallel readers share the executions evenly.

Sphinx's parallel read cuts the sorted list of pages into contiguous chunks and gives each chunk
to one process. Executing notebooks is nearly all of a read's time, and a course keeps them
together (``chapitres/`` after ``annexes/``): in sorted order one process would get every
notebook and the others would wait. Carnet reorders the pages before Sphinx cuts them, so that
each chunk gets about the same expected execution time. This module knows nothing of Sphinx.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence


def balanced_order(pages: Sequence[str], costs: Mapping[str, float], sizes: Sequence[int]) -> list[str]:
    """``pages`` reordered so that chunks of ``sizes`` (in order) have close total ``costs``.

    The costliest pages go first, each into the chunk with the least cost so far that still has
    room (longest processing time first). Pages of equal cost keep their sorted order, so the
    result is the same at every build. A page missing from ``costs`` costs nothing.
    """
    assert sum(sizes) == len(pages), "the chunks must hold every page"
    chunks: list[list[str]] = [[] for _ in sizes]
    loads = [0.0] * len(sizes)
    for page in sorted(pages, key=lambda name: (-costs.get(name, 0.0), name)):
        open_chunks = [index for index, size in enumerate(sizes) if len(chunks[index]) < size]
        target = min(open_chunks, key=lambda index: (loads[index], index))
        chunks[target].append(page)
        loads[target] += costs.get(page, 0.0)
    return [page for chunk in chunks for page in sorted(chunk)]
