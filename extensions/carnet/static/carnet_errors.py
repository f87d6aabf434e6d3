"""Errors a pupil can read: the failing line of their code with an arrow, none of Carnet's machinery.

The page shows what :func:`error_output` returns under the cell: the traceback as the build's
(IPython's) shows it, an arrow ``---->`` before the failing line of each of the reader's cells,
without the frames of Carnet's runtime, Pyodide or IPython. It also says which line of the running
cell failed (the editor highlights it) and, for a ``NameError``, the missing name (the page offers
to run the cells above when one of them defines it).
"""

import linecache
import traceback

#: Frames from these files are Carnet's or Pyodide's machinery, never the reader's concern.
MACHINERY = ("carnet_runtime.py", "carnet_check.py", "carnet_errors.py", "/_pyodide/", "/pyodide/", "/IPython/core/")


class PageLimit(Exception):
    """What the page cannot do (``input()`` without stack switching…): its message alone is shown."""


def is_cell(filename):
    """Cells (and the page's other code) have pseudo file names: ``<cellule 3>``."""
    return filename.startswith("<") and filename.endswith(">")


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


def error_output(error, filename):
    """The ``error`` output of a cell named ``filename``: ename, evalue, traceback, line, name."""
    frames = [
        frame
        for frame in traceback.extract_tb(error.__traceback__)
        if not any(part in frame.filename for part in MACHINERY)
    ]
    last = "".join(traceback.format_exception_only(type(error), error))
    if isinstance(error, PageLimit):
        text = str(error)
    elif isinstance(error, SyntaxError) or not frames:
        text = last
    else:
        text = "Traceback (most recent call last):\n" + "".join(_frame(frame) for frame in frames) + last
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
