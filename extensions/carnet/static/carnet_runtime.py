"""Carnet's in-page Python runtime, running inside Pyodide in a Web Worker.

The worker imports this module once, then calls :func:`run` for each cell. Everything a cell
produces is sent to the page through ``emit(kind, json)``: ``stream`` (stdout/stderr as they come),
``display`` (rich outputs: HTML, PNG, SVG…), ``result`` (the value of the last expression) and
``error`` (the exception and its traceback). All cells of a page share one namespace.
"""

import base64
import builtins
import io
import json
import os
import sys
import time
import traceback
import types
from pathlib import Path

from pyodide.code import CodeRunner, find_imports

#: Every cell of the page runs in this namespace, like a notebook's.
NAMESPACE = {"__name__": "__main__", "__builtins__": builtins}
#: Set for the duration of a cell: the function sending outputs to the page, and its text streams.
_emit = None
_streams = None
#: The text shown when a program calls input(); set by the page, in its language.
INPUT_MESSAGE = "input() is not available in the page: open the page in JupyterLite to run interactive programs."

#: A matplotlib backend that renders figures as PNG outputs when plt.show() is called.
BACKEND_SOURCE = """
from matplotlib.backend_bases import FigureManagerBase as FigureManager
from matplotlib.backends.backend_agg import FigureCanvasAgg as FigureCanvas


def show(*args, **kwargs):
    import carnet_runtime

    carnet_runtime.flush_figures()
"""
Path("/home/pyodide/carnet_mpl_backend.py").write_text(BACKEND_SOURCE)
os.environ["MPLBACKEND"] = "module://carnet_mpl_backend"

MIME_METHODS = (
    ("text/html", "_repr_html_"),
    ("image/svg+xml", "_repr_svg_"),
    ("image/png", "_repr_png_"),
    ("image/jpeg", "_repr_jpeg_"),
    ("text/markdown", "_repr_markdown_"),
    ("text/latex", "_repr_latex_"),
)


def _turtle_transport():
    """basthon-turtle's Pyodide transport: its drawing commands go to the page, under the running cell.

    ``import turtle`` loads Carnet's turtle wheel (see carnet_turtle.py), which finds this module.
    """
    module = types.ModuleType("basthon_turtle_transport")
    module.emit = lambda command: send("turtle", json.loads(command))
    module.set_event_handler = lambda handler: None  # no program waits for events once its cell has ended
    sys.modules[module.__name__] = module


_turtle_transport()


def enter_page_folder(path):
    """Run the page's cells in its folder, as at build time: relative paths and local modules work."""
    os.chdir(path)
    sys.path.insert(0, path)


def mime_bundle(value):
    """The representations of ``value`` a page can show, like IPython's display formatter."""
    bundle = {"text/plain": repr(value)}
    method = getattr(value, "_repr_mimebundle_", None)
    if callable(method):
        data = method()
        if isinstance(data, tuple):
            data = data[0]
        bundle.update({key: item for key, item in (data or {}).items() if isinstance(item, str | bytes)})
    for mime, name in MIME_METHODS:
        method = getattr(value, name, None)
        if mime not in bundle and callable(method) and not isinstance(value, type):
            try:
                data = method()
            except Exception:  # a broken _repr_ must not hide the plain text
                data = None
            if data is not None:
                bundle[mime] = data
    for mime, data in list(bundle.items()):
        if isinstance(data, bytes):
            bundle[mime] = base64.b64encode(data).decode("ascii")
    return bundle


def send(kind, payload):
    """Send one output to the page (ignored outside a running cell), after any text still waiting."""
    if _emit is None:
        return
    if kind != "stream" and _streams is not None and _streams.pending:
        _streams.flush()
    _emit(kind, json.dumps(payload))


def display(*values, raw=False, **options):
    """Show values under the cell, richly (IPython's ``display``; its other options are accepted and ignored)."""
    for value in values:
        send("display", value if raw else mime_bundle(value))


def adopt_ipython_display():
    """Make ``IPython.display``'s functions show in the page, as in Jupyter.

    Without a running IPython shell, IPython's ``display`` only prints a repr; the page has no
    shell, so its ``display`` is Carnet's. Called before a cell that imports IPython.
    """
    import IPython.display  # noqa: F401 (loads the modules patched below)

    for name in ("IPython.core.display_functions", "IPython.core.display", "IPython.display"):
        module = sys.modules.get(name)
        if module is not None and hasattr(module, "display"):
            module.display = display


class HTML:
    """Raw HTML to display (IPython's ``HTML``)."""

    def __init__(self, data):
        self.data = data

    def _repr_html_(self):
        return self.data


def flush_figures():
    """Send every open matplotlib figure as a PNG, then close them (like Jupyter's inline backend)."""
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is None:
        return
    for number in pyplot.get_fignums():
        figure = pyplot.figure(number)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", bbox_inches="tight")
        send("display", {"text/plain": repr(figure), "image/png": base64.b64encode(buffer.getvalue()).decode("ascii")})
    pyplot.close("all")


#: How often buffered output goes to the page (seconds), and how much may wait (characters).
FLUSH_INTERVAL = 0.05
FLUSH_SIZE = 65536


class Streams:
    """What a cell writes to stdout and stderr, sent to the page in order, a batch at a time.

    A message per ``print`` would make a loop printing 100,000 lines freeze the page: text waits
    at most ``FLUSH_INTERVAL`` (the first write of a pause goes at once, so output still streams).
    """

    def __init__(self):
        self.pending = []
        self.size = 0
        self.last = 0.0

    def write(self, name, text):
        """Queue text of one stream; send the queue when it is old or large enough."""
        self.pending.append((name, text))
        self.size += len(text)
        if self.size >= FLUSH_SIZE or time.monotonic() - self.last >= FLUSH_INTERVAL:
            self.flush()

    def flush(self):
        """Send what is waiting, one message per run of the same stream."""
        chunks = []
        for name, text in self.pending:
            if chunks and chunks[-1][0] == name:
                chunks[-1][1].append(text)
            else:
                chunks.append((name, [text]))
        for name, texts in chunks:
            send("stream", {"name": name, "text": "".join(texts)})
        self.pending, self.size, self.last = [], 0, time.monotonic()


class Stream(io.TextIOBase):
    """stdout or stderr of a cell, written through the cell's :class:`Streams`."""

    def __init__(self, name, streams):
        self.name = name
        self.streams = streams

    def writable(self):
        """Always: this is an output stream."""
        return True

    def write(self, text):
        """Queue the text; it reaches the page within ``FLUSH_INTERVAL``."""
        if text:
            self.streams.write(self.name, text)
        return len(text)

    def flush(self):
        """Send what is waiting (``print(..., flush=True)``)."""
        self.streams.flush()


def no_input(prompt=""):
    """``input()`` cannot block a worker without cross-origin isolation: say so clearly."""
    raise RuntimeError(INPUT_MESSAGE)


def cell_traceback(error, filename):
    """The traceback of an error, starting at the cell's own code (no runtime internals)."""
    tb = error.__traceback__
    while tb is not None and tb.tb_frame.f_code.co_filename != filename:
        tb = tb.tb_next
    lines = (
        traceback.format_exception(type(error), error, tb)
        if tb
        else traceback.format_exception_only(type(error), error)
    )
    return "".join(lines)


async def run(code, filename, emit):
    """Run one cell's code in the shared namespace, sending its outputs through ``emit``.

    Return whether the cell raised (so that "run up to here" stops at the first failing cell).
    """
    global _emit, _streams
    _emit, _streams = emit, Streams()
    raised = False
    saved = sys.stdout, sys.stderr, builtins.input
    sys.stdout, sys.stderr, builtins.input = Stream("stdout", _streams), Stream("stderr", _streams), no_input
    NAMESPACE.setdefault("display", display)
    NAMESPACE.setdefault("HTML", HTML)
    try:
        if "IPython" in find_imports(code):
            adopt_ipython_display()
        runner = CodeRunner(code, filename=filename, quiet_trailing_semicolon=True).compile()
        value = await runner.run_async(NAMESPACE)
        flush_figures()
        if value is not None:
            NAMESPACE["_"] = value
            send("result", mime_bundle(value))
    except BaseException as error:  # everything the cell raises is the reader's to see
        raised = True
        flush_figures()
        send(
            "error", {"ename": type(error).__name__, "evalue": str(error), "traceback": cell_traceback(error, filename)}
        )
    finally:
        _streams.flush()
        sys.stdout, sys.stderr, builtins.input = saved
        _emit, _streams = None, None
    return raised
