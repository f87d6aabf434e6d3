"""The command line speaks the user's language: French or English, from the locale or ``CARNET_LANG``."""

from __future__ import annotations

import os

from ..core.i18n import translate


def cli_language() -> str:
    """``fr`` when the user's locale (or ``CARNET_LANG``) is French, else ``en``."""
    for name in ("CARNET_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "")
        if value:
            return "fr" if value.lower().startswith("fr") else "en"
    return "en"


def say(key: str, **values: object) -> str:
    """A message of the command line, in the user's language."""
    return translate(cli_language(), f"cli.{key}", **values)
