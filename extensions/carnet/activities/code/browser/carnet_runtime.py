"""Carnet's in-page Python runtime, running inside Pyodide in a Web Worker.

The worker imports this module once, then calls :func:`run` for each cell. Everything a cell
produces is sent to the page through ``emit(kind, json)``: ``stream`` (stdout/stderr as they come),
``display`` (rich outputs: HTML, PNG, SVG…), ``result`` (the value of the last expression),
``error`` (the exception and its traceback) and ``turtle`` (drawing commands). All cells of a page
share one namespace.

Cells show what they show at build time, where they run in IPython: values are formatted by
IPython's pretty-printer, matplotlib figures are shown at the end of the cell (``plt.show()`` or
not, one output per figure). IPython's shell itself costs about 3 s to import in Pyodide, as much
as Python's own start, so it is loaded only for the first cell written in IPython's syntax
(``%timeit``, ``!ls``, ``obj?``); that cell and every later one then run in it, on the same namespace.
"""

import ast
import base64
import builtins
import importlib.util
import io
import json
import linecache
import os
import shutil
import sys
import time
import types
from pathlib import Path

from carnet_errors import PageLimit, error_output
from pyodide.code import CodeRunner, find_imports

#: Every cell of the page runs in this namespace, like a notebook's.
NAMESPACE = {"__name__": "__main__", "__builtins__": builtins}
#: Set for the duration of a cell: the function sending outputs to the page, its text streams, its name.
_emit = None
_streams = None
_filename = None
#: Texts the page gives in its language: ``input`` (input() is not available), ``system`` (no shell).
MESSAGES = {
    "input": "input() is not available in the page: open the page in JupyterLite to run interactive programs.",
    "system": "Shell commands (!ls, %pip…) do not run in the page: Python runs in your browser, without a system.",
}


def _light_ipython():
    """Let ``import IPython.<module>`` cost only that module.

    ``IPython/__init__`` imports the terminal, the application framework and the shell (4 s in
    Pyodide). The package is registered without running it; a top-level name (``IPython.embed``…)
    runs it on first use.
    """
    spec = importlib.util.find_spec("IPython")
    package = types.ModuleType("IPython")
    package.__path__, package.__spec__, package.__file__ = list(spec.submodule_search_locations), spec, spec.origin

    def __getattr__(name):
        if importlib.util.find_spec(f"IPython.{name}") is not None:  # a submodule: `from IPython import display`
            return importlib.import_module(f"IPython.{name}")
        del package.__getattr__
        exec(compile(Path(spec.origin).read_text(encoding="utf-8"), spec.origin, "exec"), package.__dict__)
        return getattr(package, name)

    package.__getattr__ = __getattr__
    sys.modules["IPython"] = package
    # What modules import from the package (``from IPython import get_ipython``).
    from IPython.core import release

    def get_ipython():
        """The page's IPython shell if it was started; never imports the shell only to find none."""
        shells = sys.modules.get("IPython.core.interactiveshell")
        return shells.InteractiveShell.instance() if shells and shells.InteractiveShell.initialized() else None

    package.get_ipython, package.version_info, package.__version__ = get_ipython, release.version_info, release.version


def needs_ipython(code):
    """Whether a cell needs IPython's files before it runs (the worker then loads them, once).

    A cell that shows a value (IPython's pretty-printer), calls ``display`` or uses IPython's syntax
    does; a first cell that only prints does not wait for them.
    """
    if "IPython" in sys.modules:
        return False
    try:
        body = ast.parse(code).body
    except SyntaxError:
        return True  # perhaps IPython's syntax
    last = body[-1] if body else None
    printed = isinstance(last, ast.Expr) and isinstance(last.value, ast.Call) and _called(last.value) == "print"
    shows_value = isinstance(last, ast.Expr) and not printed and not code.rstrip().endswith(";")
    return shows_value or "display" in code or "_repr_" in code


def _called(call):
    """The name of the function a call calls, when it is a plain name."""
    return call.func.id if isinstance(call.func, ast.Name) else None


def _ipython():
    """Make IPython's files importable cheaply, once they are loaded (see :func:`needs_ipython`)."""
    if "IPython" not in sys.modules and importlib.util.find_spec("IPython") is not None:
        _light_ipython()
    return "IPython" in sys.modules


def pretty(value):
    """A value's text as IPython shows it (``dict`` for ``type({})``), as at build time."""
    if not _ipython():
        return repr(value)
    from IPython.lib.pretty import pretty as ipython_pretty

    return ipython_pretty(value)


_transformer = None


def transform(code):
    """A cell in IPython's syntax, as Python (magics become calls)."""
    global _transformer
    if not _ipython():
        return code
    if _transformer is None:
        from IPython.core.inputtransformer2 import TransformerManager

        _transformer = TransformerManager()
    return _transformer.transform_cell(code)


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


#: Where a page's files are mounted (its folder inside the book).
BOOK = "/home/pyodide/book"


def new_page(folder):
    """Start another page afresh (the browser check runs every page in one runtime); return its folder.

    The namespace, the modules imported from the book, its files and the turtle's screen go.
    """
    for name, module in list(sys.modules.items()):
        if str(getattr(module, "__file__", None) or "").startswith(BOOK):
            del sys.modules[name]
    sys.path[:] = [entry for entry in sys.path if not entry.startswith(BOOK)]
    os.chdir("/home/pyodide")
    shutil.rmtree(BOOK, ignore_errors=True)
    NAMESPACE.clear()
    NAMESPACE.update({"__name__": "__main__", "__builtins__": builtins})
    if _shell is not None:
        _shell.reset(new_session=False)
    turtle = sys.modules.get("basthon.turtle")
    if turtle is not None:
        turtle.restart()
    cwd = f"{BOOK}/{folder}".rstrip("/")
    os.makedirs(cwd, exist_ok=True)
    enter_page_folder(cwd)
    return cwd


def enter_page_folder(path):
    """Run the page's cells in its folder, as at build time: relative paths and local modules work."""
    os.chdir(path)
    sys.path.insert(0, path)


def mime_bundle(value):
    """The representations of ``value`` a page can show, like IPython's display formatter."""
    bundle = {"text/plain": pretty(value)}
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

    #: Text goes to the page as Unicode (``%timeit`` then writes µs and ±, as at build time).
    encoding = "utf-8"

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


#: Set by the worker: ``ASK(prompt)`` asks the reader under the running cell, a promise of their answer.
ASK = None


def page_input(prompt=""):
    """``input()``: the page asks under the cell; Python waits for the answer (WebAssembly stack switching).

    Where the browser cannot suspend Python (no JSPI), the reader is told so in one sentence.
    """
    from pyodide.ffi import can_run_sync, run_sync

    if ASK is None or not can_run_sync():
        raise PageLimit(MESSAGES["input"])
    prompt = str(prompt)
    if prompt:
        _streams.write("stdout", prompt)
        _streams.flush()
    answer = str(run_sync(ASK(prompt)))
    _streams.write("stdout", answer + "\n")  # shown as a terminal shows what was typed
    return answer


def imports_of(code):
    """The top-level modules a cell imports (IPython syntax understood)."""
    try:
        ast.parse(code)
    except SyntaxError:
        code = transform(code)
    return find_imports(code)


def needs_shell(code):
    """Whether a cell uses IPython's syntax (magics, ``!cmd``, ``obj?``), which plain Python refuses."""
    try:
        compile(code, "<cell>", "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
    except SyntaxError:
        return transform(code).strip() != code.strip()
    return False


_shell = None


def ipython_shell():
    """IPython's shell on the page's namespace, talking to the page; created on first need (about 3 s)."""
    global _shell
    if _shell is not None:
        return _shell
    from IPython.core.displayhook import DisplayHook
    from IPython.core.displaypub import DisplayPublisher
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config

    class PageDisplayHook(DisplayHook):
        """The value of a cell's last expression goes to the page (``_`` and ``Out`` kept)."""

        def write_output_prompt(self):
            """No ``Out[n]:`` prompt: the page shows the value under the cell."""

        def write_format_data(self, format_dict, md_dict=None):
            """Send the value's representations (IPython's formatter made them)."""
            send("result", format_dict)

    class PageDisplayPublisher(DisplayPublisher):
        """``display()`` goes to the page."""

        def publish(self, data, metadata=None, source=None, *, transient=None, update=False, **kwargs):
            """Send one displayed output's representations."""
            send("display", data)

    class PageShell(InteractiveShell):
        """IPython's shell, talking to the page instead of a terminal."""

        displayhook_class = PageDisplayHook
        display_pub_class = PageDisplayPublisher

        def showtraceback(self, exc_tuple=None, filename=None, tb_offset=None, exception_only=False, **kwargs):
            """Every error of a cell run in IPython is shown as a plain cell's is (see carnet_errors)."""
            send("error", error_output(self._get_exc_info(exc_tuple)[1], _filename))

        def showsyntaxerror(self, filename=None, running_compiled_code=False):
            """A syntax error, as a plain cell's is shown."""
            send("error", error_output(self._get_exc_info()[1], _filename))

        def system(self, cmd):
            """``!cmd`` and ``%pip``: a browser tab has no system; say so in the book's language."""
            raise PageLimit(MESSAGES["system"])

        getoutput = system

        def enable_matplotlib(self, gui=None):
            """``%matplotlib inline``: figures already show at the end of each cell."""
            return gui, gui

        def enable_gui(self, gui=None):
            """No GUI event loop in a worker; figures need none."""

    def pager(shell, data, start=0, screen_lines=0):
        """``obj?``: the help goes under the cell."""
        print(data.get("text/plain", "") if isinstance(data, dict) else data)

    config = Config()
    config.HistoryAccessor.enabled = False  # nothing of a page session is kept
    _shell = PageShell.instance(config=config, colors="nocolor", user_ns=NAMESPACE)
    _shell.set_hook("show_in_pager", pager)
    # Cells run in IPython keep their page name (`<cellule 3>`) in tracebacks and linecache.
    _shell.compile.get_code_name = lambda raw_code, transformed_code, number: _filename
    return _shell


async def _run_plain(code, filename):
    """Run a cell as Python; send its value; return whether it raised."""
    if "IPython" in find_imports(code):
        adopt_ipython_display()
    # The cell's lines, for tracebacks that show the failing line as the build's do.
    linecache.cache[filename] = (len(code), None, code.splitlines(keepends=True), filename)
    try:
        runner = CodeRunner(code, filename=filename, flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT).compile()
        value = await runner.run_async(NAMESPACE)
    except BaseException as error:  # everything the cell raises is the reader's to see
        flush_figures()
        send("error", error_output(error, filename))
        return True
    flush_figures()
    if value is not None:
        NAMESPACE["_"] = value
        send("result", mime_bundle(value))
    return False


async def run(code, filename, emit):
    """Run one cell's code in the shared namespace, sending its outputs through ``emit``.

    Return whether the cell raised (so that "run up to here" stops at the first failing cell).
    """
    global _emit, _streams, _filename
    _emit, _streams, _filename = emit, Streams(), filename
    saved = sys.stdout, sys.stderr, builtins.input
    sys.stdout, sys.stderr, builtins.input = Stream("stdout", _streams), Stream("stderr", _streams), page_input
    NAMESPACE.setdefault("display", display)
    NAMESPACE.setdefault("HTML", HTML)
    _ipython()  # once IPython's files are there, `from IPython import …` stays light in any module
    try:
        if _shell is not None or needs_shell(code):
            result = await ipython_shell().run_cell_async(code, store_history=True)
            flush_figures()
            return not result.success
        return await _run_plain(code, filename)
    finally:
        _streams.flush()
        sys.stdout, sys.stderr, builtins.input = saved
        _emit, _streams = None, None
