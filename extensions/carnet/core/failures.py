"""What went wrong on a page, as data: kept in the Sphinx environment and printed to the author.

This module knows nothing of Sphinx so that the messages can be unit-tested on their own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: Terminal control sequences: colours (kernels colour their tracebacks, Sphinx its messages), but
#: also titles, screen clearing and any other escape or control character a notebook could print.
_CONTROL = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI: colours, cursor moves, clearing the screen
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC: window title, hyperlinks
    r"|\x1b[@-Z\\-_]"  # other two-character escapes
    r"|[\x00-\x08\x0b-\x1f\x7f-\x9f]"  # C0 and C1 controls but tab and newline
)

#: How long the first source line of a failing cell may be in a message.
FIRST_LINE_WIDTH = 60


@dataclass(frozen=True)
class PageFailure:
    """One page that could not be executed (or read).

    ``cell`` is the 1-based position of the cell among all cells of the notebook, as a reader
    counts them in Jupyter; it is ``None`` when the page failed outside any cell (e.g. its kernel
    could not start, or the file is not a notebook at all).
    """

    source: str
    cause: str
    cell: int | None = None
    first_line: str = ""

    def message(self) -> str:
        """One line naming the file, the cell and the cause, for the console."""
        where = self.source
        if self.cell is not None:
            where += f", cell {self.cell}"
            if self.first_line:
                where += f" ({self.first_line!r})"
        return strip_ansi(f"{where}: {self.cause}")


def first_source_line(source: str) -> str:
    """The first non-blank line of a cell, shortened: enough for an author to find the cell."""
    for line in source.splitlines():
        line = line.strip()
        if line:
            if len(line) > FIRST_LINE_WIDTH:
                return line[: FIRST_LINE_WIDTH - 1] + "…"
            return line
    return ""


def summary(failures: list[PageFailure]) -> str:
    """The closing report of a build: every failing page, in source order, one per line."""
    count = len(failures)
    noun = "page" if count == 1 else "pages"
    lines = [f"{count} {noun} failed to execute:"]
    lines += [f"  - {failure.message()}" for failure in sorted(failures, key=lambda f: f.source)]
    return "\n".join(lines)


def strip_ansi(text: str) -> str:
    """``text`` without terminal control sequences: a notebook must not retitle or clear the author's terminal."""
    return _CONTROL.sub("", text)
