"""Errors a pupil can read: the failing line of their code with an arrow, none of Carnet's machinery.

The page shows what :func:`error_output` returns under the cell: the traceback as the build's
(IPython's) shows it, an arrow ``---->`` before the failing line of each of the reader's cells,
without the frames of Carnet's runtime, Pyodide or IPython. It also says which line of the running
cell failed (the editor highlights it) and, for a ``NameError``, the missing name (the page offers
to run the cells above when one of them defines it).
"""

import itertools
import linecache
import traceback

#: Where Pyodide puts Carnet's modules, beside the book's files (``book/``: the reader's own helpers).
HOME = "/home/pyodide/"
#: Carnet's modules there: their frames are machinery, never the reader's concern.
CARNET_FILES = ("carnet_runtime.py", "carnet_check.py", "carnet_errors.py", "carnet_mpl_backend.py")
#: Pyodide's and IPython's machinery, anywhere outside that folder.
MACHINERY = ("/_pyodide/", "/pyodide/", "/IPython/core/")
#: Python's own rule: from the fourth identical frame in a row, a count replaces them.
REPEATS_SHOWN = 3
#: A traceback longer than this (mutual recursion…) keeps its first and last frames and says how many it left out.
FRAMES_SHOWN = 20


class PageLimit(Exception):
    """What the page cannot do (``input()`` without stack switching…): its message alone is shown."""


def is_cell(filename):
    """Cells (and the page's other code) have pseudo file names: ``<cellule 3>``."""
    return filename.startswith("<") and filename.endswith(">")


def is_machinery(filename):
    """Whether a frame is Carnet's, Pyodide's or IPython's (a book's helper module in ``/home/pyodide/book`` is not)."""
    if filename.startswith(HOME):
        return filename[len(HOME) :] in CARNET_FILES
    return any(part in filename for part in MACHINERY)


def _frame(frame):
    """One frame: the reader's cells with the failing line marked, other files as Python shows them."""
    if not is_cell(frame.filename):
        return "".join(traceback.format_list([frame]))
    lines = [f'  File "{frame.filename}", line {frame.lineno}, in {frame.name}\n']
    before = linecache.getline(frame.filename, frame.lineno - 1).rstrip() if frame.lineno > 1 else ""
    if before:
        lines.append(f"      {frame.lineno - 1} {before}\n")
    lines.append(f"----> {frame.lineno} {linecache.getline(frame.filename, frame.lineno).rstrip()}\n")
    return "".join(lines)


def _frames_text(frames):
    """The frames as a pupil reads them: a recursion that never ends is a few lines, not 3,000.

    As Python itself does, identical frames in a row after the third become
    ``[Previous line repeated N more times]``; a traceback still longer keeps its first and last frames.
    """
    parts = []  # (text, how many frames it stands for)
    for _, same in itertools.groupby(frames, key=lambda frame: (frame.filename, frame.lineno, frame.name)):
        same = list(same)
        parts.extend((_frame(frame), 1) for frame in same[:REPEATS_SHOWN])
        if len(same) > REPEATS_SHOWN:
            more = len(same) - REPEATS_SHOWN
            parts.append((f"  [Previous line repeated {more} more time{'s' if more > 1 else ''}]\n", more))
    if len(parts) > FRAMES_SHOWN:
        half = FRAMES_SHOWN // 2
        left_out = sum(count for _, count in parts[half:-half])
        parts = [*parts[:half], (f"  [... {left_out} more frames ...]\n", left_out), *parts[-half:]]
    return "".join(text for text, _ in parts)


def error_output(error, filename):
    """The ``error`` output of a cell named ``filename``: ename, evalue, traceback, line, name."""
    frames = [frame for frame in traceback.extract_tb(error.__traceback__) if not is_machinery(frame.filename)]
    last = "".join(traceback.format_exception_only(type(error), error))
    if isinstance(error, PageLimit):
        text = str(error)
    elif isinstance(error, SyntaxError) or not frames:
        text = last
    else:
        text = "Traceback (most recent call last):\n" + _frames_text(frames) + last
    if isinstance(error, SyntaxError) and error.filename == filename:
        line = error.lineno
    else:
        line = next((frame.lineno for frame in reversed(frames) if frame.filename == filename), None)
    return {
        "ename": type(error).__name__,
        "evalue": str(error),
        "traceback": text,
        "line": line,
        "name": getattr(error, "name", None) if isinstance(error, NameError) else None,
    }
