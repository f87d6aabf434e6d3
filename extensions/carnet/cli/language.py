"""The command line speaks one language per run: the book's, else the user's (French or English).

``CARNET_LANG`` chooses it (read once, as the user's choice). Unset, a command run on a book speaks
the book's language for the run (:func:`speaking`), and passes it to the build it runs
(``carnet_author_language``), so that the command's lines and the build's messages never mix
French and English; outside a book (``carnet --help``, ``carnet new``) the user's locale decides.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

from ..core.i18n import language_code, translate

#: The language this run speaks, once a command has chosen it (see :func:`speaking`). One per process,
#: not per context: ``carnet serve`` rebuilds and writes its banners from other threads.
_SPOKEN: list[str] = []


def chosen_language() -> str | None:
    """The language the user (``CARNET_LANG``) or the book chose for this run, if any."""
    if _SPOKEN:
        return _SPOKEN[-1]
    return language_code(os.environ["CARNET_LANG"]) if os.environ.get("CARNET_LANG") else None


def cli_language() -> str:
    """``fr`` when the run's language (or else the user's locale) is French, else ``en``."""
    chosen = chosen_language()
    if chosen:
        return "fr" if chosen == "fr" else "en"
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "")
        if value:
            return "fr" if value.lower().startswith("fr") else "en"
    return "en"


def say(key: str, /, **values: object) -> str:
    """A message of the command line, in the run's language."""
    return translate(cli_language(), f"cli.{key}", **values)


@contextlib.contextmanager
def speaking(language: str | None) -> Iterator[None]:
    """Speak ``language`` (the book's) until the command ends, unless ``CARNET_LANG`` already chose one."""
    if not language or os.environ.get("CARNET_LANG"):
        yield
        return
    _SPOKEN.append(language_code(language))
    try:
        yield
    finally:
        _SPOKEN.pop()
