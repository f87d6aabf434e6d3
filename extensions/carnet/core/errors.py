"""The one exception Carnet's command line turns into a plain message instead of a traceback."""

from __future__ import annotations

from .i18n import Said


class CarnetError(Exception):
    """A problem with the author's input, worded for the author (text, or a :class:`Said` put in their language)."""

    def __init__(self, message: str | Said) -> None:
        super().__init__(str(message))
        self.said = message if isinstance(message, Said) else None

    def text(self, language: str | None) -> str:
        """The message in ``language`` (a text message is already in the author's)."""
        return self.said.text(language) if self.said else str(self)
