"""Mistakes in an exercise's spelling that would publish its solution, or lose part of the page.

A cell tagged ``exercice-answer`` (the French spelling) is an ordinary cell to Carnet: it is
published as written, solution and all. So is an answer whose ``### BEGIN SOLUTOIN`` is not a
marker, or a cell holding solution markers without its tag; and a misspelt ``{exercice}``
directive drops the statement from the page. Each is found here and named with the fix ("did you
mean …?"); the build stops on it (:mod:`carnet.activities.exercise.page`).

Pure functions, no Sphinx.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence

from ...core.i18n import Said, said
from .cells import ANSWER, BEGIN_HIDDEN, BEGIN_SOLUTION, END_HIDDEN, END_SOLUTION, ONE_LINE, SETUP, TESTS

#: Tags Carnet gives a meaning to: a tag close to one of them is taken for a typo.
CARNET_TAGS = (SETUP, ANSWER, TESTS, "raises-exception")
#: How close a word must be to a known one to be taken for its typo (difflib's ratio).
CLOSE = 0.8
#: The end of a line that looks like the one-line marker (``# SOLUTION``), in any case or spelling.
ONE_LINE_LIKE = re.compile(r"#\s*(?P<word>[A-Za-z]+)\s*$")
#: Each cell's markers, by its tag.
MARKERS = {ANSWER: (BEGIN_SOLUTION, END_SOLUTION), TESTS: (BEGIN_HIDDEN, END_HIDDEN)}
EVERY_MARKER = [marker for markers in MARKERS.values() for marker in markers]


def _normal(word: str) -> str:
    """A tag as its author may have meant it: lower case, ``-`` for ``_``, English for French."""
    return word.strip().lower().replace("_", "-").replace(" ", "-").replace("exercice", "exercise")


def close_to(word: str, known: Iterable[str]) -> str | None:
    """The known word ``word`` is a typo of, if any (never ``word`` itself)."""
    known = list(known)
    if word in known:
        return None
    normal = {_normal(name): name for name in known}
    if _normal(word) in normal:
        return normal[_normal(word)]
    match = difflib.get_close_matches(_normal(word), list(normal), n=1, cutoff=CLOSE)
    return normal[match[0]] if match else None


def tag_problems(tags: Sequence[str], cell: int) -> list[Said]:
    """A tag of a code cell that is a typo of one of Carnet's."""
    problems = []
    for tag in tags:
        if (meant := close_to(tag, CARNET_TAGS)) and meant not in tags:
            problems.append(said("spelling.tag", cell=cell, tag=tag, meant=meant))
    return problems


def marker_problems(source: str, tags: Sequence[str], cell: int) -> list[Said]:
    """Markers misspelt in a cell, or written in a cell not tagged for them (they would be published)."""
    problems = []
    own = {marker for tag, markers in MARKERS.items() if tag in tags for marker in markers}
    for number, line in enumerate(source.splitlines(), start=1):
        text = line.strip()
        meant = difflib.get_close_matches(" ".join(text.upper().split()), EVERY_MARKER, n=1, cutoff=CLOSE)
        if text in EVERY_MARKER and text not in own:
            tag = next(tag for tag, markers in MARKERS.items() if text in markers)
            problems.append(said("spelling.untagged", cell=cell, line=number, marker=text, tag=tag))
            break  # its pair would say the same
        elif meant and text != meant[0]:
            problems.append(said("spelling.marker", cell=cell, line=number, text=text, meant=meant[0]))
        elif ANSWER in tags and (word := ONE_LINE_LIKE.search(line)) and not ONE_LINE.match(line):
            if word.start() > len(line) - len(line.lstrip()) and close_to(word["word"], ["SOLUTION"]):
                problems.append(said("spelling.one_line", cell=cell, line=number, text=word.group(0)))
    return problems


def directive_problem(name: str, known: Iterable[str]) -> Said | None:
    """An unknown directive that is a typo of a known one (its content is lost from the page)."""
    meant = close_to(name, known)
    return said("spelling.directive", name=name, meant=meant) if meant else None
