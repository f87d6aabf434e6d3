"""Which pages one of N machines checks: ``carnet check --shard I/N``.

A book too big for one CI runner is checked by N runners, each executing a deterministic share
of the executable pages: every runner computes the same split from the sources alone (no cache,
no earlier timing), and every executable page is in exactly one share. This module knows
nothing of Sphinx.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .i18n import said

SHARD = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")


def parse_shard(text: str) -> tuple[int, int]:
    """``"2/3"`` → ``(2, 3)``; raise :class:`ValueError` holding a :class:`Said` otherwise."""
    match = SHARD.match(text)
    if not match or not 1 <= int(match[1]) <= int(match[2]):
        raise ValueError(said("shard.invalid", value=repr(text)))
    return int(match[1]), int(match[2])


def shard_pages(pages: Iterable[str], index: int, count: int) -> set[str]:
    """The pages of share ``index`` (1-based) of ``count``: every ``count``-th page of the sorted list."""
    return {page for position, page in enumerate(sorted(pages)) if position % count == index - 1}
