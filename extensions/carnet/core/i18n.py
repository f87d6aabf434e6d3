"""The words Carnet shows to readers and authors, in their language (English when it has none of ours).

Each language is one JSON catalog in ``messages/`` (``en.json`` is complete and the fallback):
easy to review and to translate without touching code. Sphinx's gettext catalogs would need
compiled ``.mo`` files in the package for a few dozen strings.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

CATALOGS = Path(__file__).parent.parent / "messages"


@cache
def catalog(code: str) -> dict[str, str]:
    """The messages of one language (empty when Carnet has no catalog for it)."""
    path = CATALOGS / f"{code}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def language_code(language: str | None) -> str:
    """``fr_FR`` and ``fr-CA`` → ``fr``; nothing → ``en``."""
    return (language or "en").replace("-", "_").split("_")[0].lower()


def translate(language: str | None, key: str, /, **values: object) -> str:
    """The message ``key`` in ``language``, falling back to English, with ``values`` filled in."""
    message = catalog(language_code(language)).get(key) or catalog("en")[key]
    return message.format(**values) if values else message


def translated(language: str | None, key: str, english: str) -> str:
    """``key`` in ``language`` when its catalog has it, else ``english`` (for texts whose English lives in code)."""
    return catalog(language_code(language)).get(key) or english


def messages(language: str | None, prefix: str) -> dict[str, str]:
    """Every message whose key starts with ``prefix``, without it (for the page's scripts)."""
    return {key[len(prefix) :]: translate(language, key) for key in catalog("en") if key.startswith(prefix)}


@dataclass(frozen=True)
class Said:
    """A message as data, its catalog key and values: put into words where it is shown.

    Code that knows nothing of the book (settings, notebooks) says what is wrong with a ``Said``;
    the caller, who knows the author's language, turns it into text. Values may be ``Said`` too.
    """

    key: str
    values: Mapping[str, object] = field(default_factory=dict)

    def text(self, language: str | None) -> str:
        """The message in ``language``."""
        values = {
            name: value.text(language) if isinstance(value, Said) else value for name, value in self.values.items()
        }
        return translate(language, self.key, **values)

    def __str__(self) -> str:
        return self.text("en")


def said(key: str, /, **values: object) -> Said:
    """A message ``key`` with its values, to be put into words later (see :class:`Said`)."""
    return Said(key, values)
