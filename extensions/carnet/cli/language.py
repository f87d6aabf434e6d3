"""The command line speaks one language per run: the book's, else the user's (French or English).

``CARNET_LANG`` chooses it. Unset, a command run on a book sets it to the book's language for the
run, so that the command's lines and the build's messages never mix French and English; outside a
book (``carnet --help``, ``carnet new``) the user's locale decides.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

from ..core.i18n import language_code, translate


def cli_language() -> str:
    """``fr`` when ``CARNET_LANG`` (or else the user's locale) is French, else ``en``."""
    for name in ("CARNET_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
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
    os.environ["CARNET_LANG"] = language_code(language)
    try:
        yield
    finally:
        os.environ.pop("CARNET_LANG", None)
