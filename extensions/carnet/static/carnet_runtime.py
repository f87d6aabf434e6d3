"""Carnet's in-page Python runtime, running inside Pyodide in a Web Worker.

The worker imports this module once, then calls :func:`run` for each cell. Cells run in an IPython
shell, as they do at build time: magics (``%timeit``, ``%matplotlib inline``), ``obj?``, values shown
by IPython's formatter, matplotlib figures shown at the end of the cell (``plt.show()`` or not),
tracebacks with the failing line marked. Everything a cell produces is sent to the page through
``emit(kind, json)``: ``stream`` (stdout/stderr as they come), ``display`` (rich outputs), ``result``
(the value of the last expression), ``error`` and ``turtle`` (drawing commands). All cells of a page
share one namespace.
"""

import builtins
import json
import os
import sys
import time
import types

#: Set for the duration of a cell: the function sending outputs to the page, and its text streams.
_emit = None
_streams = None
#: Texts the page gives in its language: ``input`` (input() is not available), ``system`` (no shell).
MESSAGES = {
    "input": "input() is not available in the page: open the page in JupyterLite to run interactive programs.",
    "system": "Shell commands (!ls, %pip…) do not run in the page: Python runs in your browser, without a system.",
}


def send(kind, payload):
    """Send one output to the page (ignored outside a running cell), after any text still waiting."""
    if _emit is None:
        return
    if kind != "stream" and _streams is not None and _streams.pending:
        _streams.flush()
    _emit(kind, json.dumps(payload))


def _turtle_transport():
    """basthon-turtle's Pyodide transport: its drawing commands go to the page, under the running cell.

    ``import turtle`` loads Carnet's turtle wheel (see carnet_turtle.py), which finds this module.
    """
    module = types.ModuleType("basthon_turtle_transport")
    module.emit = lambda command: send("turtle", json.loads(command))
    module.set_event_handler = lambda handler: None  # no program waits for events once its cell has ended
    sys.modules[module.__name__] = module


def _without_terminal():
    """Keep IPython from importing its terminal (prompt_toolkit): 2.5 s of its 4 s import in Pyodide.

    ``IPython/__init__`` imports ``embed`` for terminal sessions; a worker has no terminal.
    """
    module = types.ModuleType("IPython.terminal.embed")

    def embed(*args, **kwargs):
        raise RuntimeError("IPython.embed() needs a terminal")

    module.embed = embed
    sys.modules[module.__name__] = module


_turtle_transport()
_without_terminal()
# Figures are shown as at build time (ipykernel's default): PNG at the end of the cell.
os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"

from IPython.core.displayhook import DisplayHook  # noqa: E402 (after the terminal is kept out)
from IPython.core.displaypub import DisplayPublisher  # noqa: E402
from IPython.core.interactiveshell import InteractiveShell  # noqa: E402
from traitlets.config import Config  # noqa: E402


class PageDisplayHook(DisplayHook):
    """The value of a cell's last expression goes to the page (with ``_``, ``Out`` kept as in IPython)."""

    def write_output_prompt(self):
        """No ``Out[n]:`` prompt: the page shows the value under the cell."""

    def write_format_data(self, format_dict, md_dict=None):
        """Send the value's representations (IPython's formatter made them)."""
        send("result", format_dict)


class PageDisplayPublisher(DisplayPublisher):
    """``display()`` and figures go to the page."""

    def publish(self, data, metadata=None, source=None, *, transient=None, update=False, **kwargs):
        """Send one displayed output's representations."""
        send("display", data)

    def clear_output(self, wait=False):
        """Clearing earlier output is not supported in the page: later outputs follow."""


class PageShell(InteractiveShell):
    """IPython's shell, talking to the page instead of a terminal."""

    displayhook_class = PageDisplayHook
    display_pub_class = PageDisplayPublisher

    def _showtraceback(self, etype, evalue, stb):
        send("error", {"ename": etype.__name__, "evalue": str(evalue), "traceback": "\n".join(stb)})

    def system(self, cmd):
        """``!cmd``: there is no system in a browser tab; say so in the book's language."""
        raise RuntimeError(MESSAGES["system"])

    getoutput = system

    def enable_gui(self, gui=None):
        """GUI event loops do not exist in the page; ``%matplotlib inline`` needs none."""


def _pager(shell, data, start=0, screen_lines=0):
    """``obj?`` and ``%magic?``: the help text goes under the cell."""
    text = data.get("text/plain", "") if isinstance(data, dict) else str(data)
    print(text)


def _shell():
    """The page's shell: no colours (the page is not a terminal), no history file (nothing persists)."""
    config = Config()
    config.HistoryAccessor.enabled = False
    shell = PageShell.instance(config=config, colors="nocolor")
    shell.set_hook("show_in_pager", _pager)
    return shell


SHELL = _shell()


def enter_page_folder(path):
    """Run the page's cells in its folder, as at build time: relative paths and local modules work."""
    os.chdir(path)
    sys.path.insert(0, path)


def imports_of(code):
    """The top-level modules a cell imports, IPython syntax and ``%matplotlib`` included."""
    from pyodide.code import find_imports

    python = SHELL.transform_cell(code)
    modules = list(find_imports(python))
    if "%matplotlib" in code:
        modules.append("matplotlib")
    return modules


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


class Stream:
    """stdout or stderr of a cell, written through the cell's :class:`Streams`."""

    encoding = "utf-8"

    def __init__(self, name, streams):
        self.name = name
        self.streams = streams

    def writable(self):
        """Always: this is an output stream."""
        return True

    def isatty(self):
        """Not a terminal: no colours."""
        return False

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
    raise RuntimeError(MESSAGES["input"])


async def run(code, emit):
    """Run one cell's code in the page's shell, sending its outputs through ``emit``.

    Return whether the cell raised (so that "run up to here" stops at the first failing cell).
    """
    global _emit, _streams
    _emit, _streams = emit, Streams()
    saved = sys.stdout, sys.stderr, builtins.input
    sys.stdout, sys.stderr, builtins.input = Stream("stdout", _streams), Stream("stderr", _streams), no_input
    try:
        result = await SHELL.run_cell_async(code, store_history=True)
    finally:
        _streams.flush()
        sys.stdout, sys.stderr, builtins.input = saved
        _emit, _streams = None, None
    return not result.success
