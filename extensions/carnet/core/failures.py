"""What went wrong on a page, as data: kept in the Sphinx environment and printed to the author.

This module knows nothing of Sphinx so that the messages can be unit-tested on their own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from .i18n import translate
from .notebooks import cell_error

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
    #: In the author's language (a Python error's own text is not translated).
    cause: str
    cell: int | None = None
    first_line: str = ""
    #: The earlier failing cell this failure may only follow from (it should have defined the name),
    #: the first of a chain (a cell that follows one that follows cell 19 follows cell 19).
    follows: int | None = None
    #: The undefined name that ties this failure to ``follows``.
    name: str = ""
    #: The page's other failing cells, after this one: a page's failures are all reported at once.
    also: tuple[PageFailure, ...] = ()

    def message(self, language: str | None = None) -> str:
        """The file, the cell and the cause on one line, then one line for each other failing cell.

        The cells that only follow from a failing cell come under it, in one line when there are
        several (a failed ``read_csv`` then 30 cells using ``df``: one line, not 30).
        """
        lines = [f"{self.where(language)}: {self.cause}"]
        followers: dict[int, list[PageFailure]] = {}
        for other in self.also:
            if other.follows:
                followers.setdefault(other.follows, []).append(other)
        for other in (self, *self.also):
            if other is not self and not other.follows:
                lines.append(f"      {translate(language, 'failure.also', cell=other._cell(language))}: {other.cause}")
            lines += _followers_lines(followers.get(other.cell or 0, []), language)
        return strip_ansi("\n".join(lines))

    def where(self, language: str | None = None) -> str:
        """The file and, when there is one, the cell with its first line: ``a.ipynb, cell 3 ('y = x / 0')``."""
        return self.source + (f", {self._cell(language)}" if self.cell is not None else "")

    def _cell(self, language: str | None) -> str:
        cell = translate(language, "failure.cell", cell=self.cell)
        return cell + (f" ({self.first_line!r})" if self.first_line else "")


def _followers_lines(followers: list[PageFailure], language: str | None) -> list[str]:
    """The lines for the cells that may follow from one failing cell: each, or one line for them all."""
    if len(followers) == 1:
        [one] = followers
        also = translate(language, "failure.also", cell=one._cell(language))
        return [f"      {also}: {one.cause} ({translate(language, 'failure.follows', cell=one.follows)})"]
    if not followers:
        return []
    names = ", ".join(dict.fromkeys(f"`{other.name}`" for other in followers))
    cells = cell_ranges([other.cell or 0 for other in followers])
    said = translate(
        language, "failure.followers", count=len(followers), names=names, cells=cells, cell=followers[0].follows
    )
    return [f"      {said}"]


def cell_ranges(cells: list[int]) -> str:
    """Cell numbers as an author reads them: ``20–25, 27, 30–49``."""
    runs: list[list[int]] = []
    for cell in sorted(cells):
        if runs and cell == runs[-1][-1] + 1:
            runs[-1].append(cell)
        else:
            runs.append([cell])
    return ", ".join(str(run[0]) if len(run) == 1 else f"{run[0]}–{run[-1]}" for run in runs)


#: Tag of a cell that shows an error on purpose.
RAISES = "raises-exception"


def cell_failures(
    source: str, cells: list[Any], errors_allowed: bool = False, language: str | None = None
) -> list[PageFailure]:
    """Every failing cell of an executed notebook, in order.

    A cell fails when it raised without the ``raises-exception`` tag (unless the page allows errors),
    or has the tag and raised nothing. A NameError on a name an earlier failing cell assigns is
    marked as maybe following from it: fixing that cell may fix this one.
    """
    failures: list[PageFailure] = []
    for index, cell in enumerate(cells):
        if cell.get("cell_type") != "code":
            continue
        tagged = RAISES in cell.get("metadata", {}).get("tags", [])
        error = cell_error(cell)
        if tagged and error is None:
            cause = translate(language, "failure.raised_nothing", tag=RAISES)
        elif error is not None and not tagged and not errors_allowed and error["ename"] == "StdinNotImplementedError":
            cause = translate(language, "failure.input", tag=RAISES)
        elif error is not None and not tagged and not errors_allowed:
            cause = f"{error['ename']}: {first_text_line(error['evalue'])}".rstrip(": ")
        else:
            continue
        failure = PageFailure(source, cause, index + 1, first_source_line(cell.get("source", "")))
        follows, name = _follows(error, failures, cells)
        failures.append(replace(failure, follows=follows, name=name))
    return failures


def page_failure(failures: list[PageFailure]) -> PageFailure:
    """One failure for the page: its first failing cell, with the others in ``also``."""
    first, *others = failures
    return replace(first, also=tuple(others))


def _follows(error: dict[str, str] | None, earlier: list[PageFailure], cells: list[Any]) -> tuple[int | None, str]:
    """The earlier failing cell that assigns the name a NameError is about (the first of a chain), and the name."""
    if not error or error["ename"] != "NameError":
        return None, ""
    match = re.match(r"name '(\w+)' is not defined", error["evalue"])
    if not match:
        return None, ""
    name = match[1]
    assigns = re.compile(
        rf"(^|\n)[ \t]*((def|class|for)[ \t]+{name}\b"  # def name, for name
        rf"|([\w, ]*\b)?{name}\b[\w, ]*=(?!=)"  # name = …, a, name = …
        rf"|(import|from)\b[^\n]*\b{name}\b)"  # import name, from m import name
    )
    for failure in reversed(earlier):
        if assigns.search(cells[failure.cell - 1].get("source", "")):
            return failure.follows or failure.cell, name
    return None, ""


def first_text_line(text: str) -> str:
    """The first line of a message (an exception's value may run over many)."""
    return text.strip().splitlines()[0] if text.strip() else ""


def first_source_line(source: str) -> str:
    """The first non-blank line of a cell, shortened: enough for an author to find the cell."""
    for line in source.splitlines():
        line = line.strip()
        if line:
            if len(line) > FIRST_LINE_WIDTH:
                return line[: FIRST_LINE_WIDTH - 1] + "…"
            return line
    return ""


def summary(failures: list[PageFailure], language: str | None = None) -> str:
    """The closing report of a build: every failing page, in source order, one per line."""
    count = len(failures)
    lines = [translate(language, "failure.summary_one" if count == 1 else "failure.summary", count=count)]
    lines += [f"  - {failure.message(language)}" for failure in sorted(failures, key=lambda f: f.source)]
    return "\n".join(lines)


def strip_ansi(text: str) -> str:
    """``text`` without terminal control sequences: a notebook must not retitle or clear the author's terminal."""
    return _CONTROL.sub("", text)
