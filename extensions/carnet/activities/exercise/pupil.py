"""The pupil's copy of a page: starters instead of solutions, public tests only, no written solution.

Used for every file a pupil can download: the JupyterLite notebook of each page (in both editions:
it is where pupils work), and in the student edition the page sources Sphinx publishes
(``_sources``) and the notebooks of ``_downloads``. Written solutions are sphinx-exercise's
``{solution}`` directives (fenced with backticks or colons) and gated ones: everything from a
``{solution-start}`` to its ``{solution-end}``, across cells.

Pure functions on notebook dictionaries and texts; no Sphinx, no I/O.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from .cells import ANSWER, TESTS, public_tests, starter

#: The opening fence of a MyST directive: its indent, its fence (``` or :::, or longer) and its name.
FENCE = re.compile(r"^(?P<indent>\s*)(?P<fence>`{3,}|:{3,})\{(?P<name>[\w-]+)\}")
SOLUTION, GATE_START, GATE_END = "solution", "solution-start", "solution-end"
#: What a removed block leaves behind: more than one blank line in a row.
BLANK_LINES = re.compile(r"\n{3,}")


class _Stripper:
    """Drops written solutions from consecutive texts (a notebook's cells), remembering an open gate."""

    def __init__(self) -> None:
        self.gated = False

    def text(self, text: str) -> str:
        """``text`` without its solutions (a gate opened here stays open for the next texts)."""
        out: list[str] = []
        closing: str | None = None  # the fence that ends the directive being dropped
        for line in text.splitlines(keepends=True):
            if closing is not None:
                if line.strip() == closing:
                    closing = None
                continue
            match = FENCE.match(line)
            name = match["name"] if match else None
            if name in (SOLUTION, GATE_START, GATE_END):
                closing = match["fence"]
                self.gated = name == GATE_START or (self.gated and name != GATE_END)
                continue
            if not self.gated:
                out.append(line)
        return BLANK_LINES.sub("\n\n", "".join(out))


def strip_solutions(text: str) -> str:
    """A Markdown text without its written solutions."""
    return _Stripper().text(text)


def _source(cell: Mapping[str, Any]) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def pupil_cells(cells: Sequence[Mapping[str, Any]], todo: str) -> list[dict[str, Any]]:
    """A notebook's cells as the pupil gets them.

    Answer cells hold their starter (``todo``: the book's "to do" comment) and tests cells their
    public tests, both without outputs; cells inside a gated solution and written solutions go.
    """
    stripper = _Stripper()
    result = []
    for index, cell in enumerate(cells):
        copy = dict(cell)
        tags = cell.get("metadata", {}).get("tags", [])
        if cell.get("cell_type") == "markdown":
            copy["source"] = stripper.text(_source(cell))
            if not copy["source"].strip() and _source(cell).strip():
                continue  # a cell that held only a solution
        elif stripper.gated:
            continue
        elif cell.get("cell_type") == "code" and (ANSWER in tags or TESTS in tags):
            where = index + 1
            code = _source(cell)
            copy["source"] = starter(code, todo, where) if ANSWER in tags else public_tests(code, where)
            copy["outputs"], copy["execution_count"] = [], None
        result.append(copy)
    return result


def pupil_notebook(notebook: Mapping[str, Any], todo: str) -> dict[str, Any]:
    """A notebook (as a dictionary) as the pupil gets it; see :func:`pupil_cells`."""
    return {**notebook, "cells": pupil_cells(notebook.get("cells", []), todo)}


#: Page sources Sphinx copies to ``_sources`` (MyST Markdown, possibly with ``.txt`` appended).
TEXT_SOURCES = (".md", ".md.txt", ".myst", ".myst.txt")


def pupil_file(name: str, data: bytes, todo: str) -> bytes:
    """A published copy of a page's source or of a notebook, as the pupil gets it; other files unchanged.

    Raises :class:`ValueError` for a notebook that cannot be read (it could not be made safe).
    """
    if name.endswith(".ipynb"):
        notebook = json.loads(data)
        if not isinstance(notebook, dict):
            raise ValueError("not a notebook")
        return (json.dumps(pupil_notebook(notebook, todo), ensure_ascii=False, indent=1) + "\n").encode()
    if not name.endswith(TEXT_SOURCES):
        return data
    text = data.decode("utf-8")
    if "{code-cell}" not in text:
        return strip_solutions(text).encode()
    import jupytext
    import nbformat

    notebook = jupytext.reads(text, fmt="md:myst")
    return jupytext.writes(nbformat.from_dict(pupil_notebook(notebook, todo)), fmt="md:myst").encode()
