"""Does a page do in the reader's browser what the book shows? Pure comparison, no I/O.

The build runs each page in CPython; the browser check runs it again in Pyodide (see
:mod:`carnet.sphinxext.checks.browser`). Each cell's outputs are reduced to a *view*: what a reader
would call the same output. Text is compared after normalising what legitimately changes from one
run to the next (memory addresses, timings, ANSI colours); images are compared by kind only
(matplotlib draws the same figure with other pixels on another platform), and the elements of a
set's repr in sorted order: a set of strings is ordered by their hashes, which differ between
CPython and Pyodide's 32-bit WebAssembly even with the same ``PYTHONHASHSEED``.

Only a real break fails a page (a cell that runs at build but raises in the browser, or the
reverse; a package or a file missing there); a textual difference is reported with its likely
cause (see :func:`likely_cause`) and never fails the check. A cell that read the keyboard at
build (``StdinNotImplementedError``, shown on purpose) is not compared: the page asks its reader,
the check has nobody to ask.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .failures import strip_ansi
from .i18n import translate

ADDRESS = re.compile(r"0x[0-9a-fA-F]{4,}")
TIMING = re.compile(r"\d+(?:[.,]\d+)?\s*(?:ns|µs|μs|us|ms|s|sec)\b")
LOOPS = re.compile(r"\b\d[\d,_]*\s+(loops?|runs?)\b")
IMAGES = ("image/png", "image/svg+xml", "image/jpeg", "image/gif")
#: The innermost braces of a repr holding no ``:`` (a set, not a dict).
SET_REPR = re.compile(r"\{([^{}:\n]*,[^{}:\n]*)\}")
#: The error a cell reading the keyboard raises at build (nbclient gives kernels no stdin).
NO_STDIN = "error: StdinNotImplementedError"
#: How much of a differing line a verdict quotes.
QUOTED = 100


def normalise(text: str) -> str:
    """Text without what changes between two correct runs: addresses, timings, colours, set order, trailing blanks."""
    text = strip_ansi(text).replace("±", "+-")
    text = ADDRESS.sub("0x…", text)
    text = TIMING.sub("<time>", text)
    text = LOOPS.sub(lambda match: f"<n> {match.group(1).rstrip('s')}", text)
    text = SET_REPR.sub(lambda match: "{" + ", ".join(sorted(match.group(1).split(", "))) + "}", text)
    return "\n".join(line.rstrip() for line in text.strip().splitlines())


def bundle_view(bundle: Mapping[str, Any]) -> str:
    """One rich output as a reader sees it: an image, HTML, or its text."""
    if any(mime in bundle for mime in IMAGES):
        return "image"
    for mime in ("text/html", "text/markdown", "text/latex"):
        if mime in bundle:
            return f"{mime.split('/')[1]}: {normalise(_text(bundle[mime]))}"
    return f"text: {normalise(_text(bundle.get('text/plain', '')))}"


def _text(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def notebook_cell_view(outputs: Iterable[Mapping[str, Any]]) -> list[str]:
    """The view of a cell's outputs as the build stored them (nbformat)."""
    view: list[str] = []
    streams: dict[str, str] = {}
    for output in outputs:
        kind = output.get("output_type")
        if kind == "stream":
            name = output.get("name", "stdout")
            streams[name] = streams.get(name, "") + _text(output.get("text", ""))
        elif kind in ("display_data", "execute_result"):
            view.append(bundle_view(output.get("data", {})))
        elif kind == "error":
            view.append(f"error: {output.get('ename', '')}")
    return _with_streams(view, streams)


def page_cell_view(outputs: Iterable[tuple[str, Mapping[str, Any]]]) -> list[str]:
    """The view of a cell's outputs as the in-page runtime sent them (``(kind, payload)``)."""
    view: list[str] = []
    streams: dict[str, str] = {}
    drew = False
    for kind, payload in outputs:
        if kind == "stream":
            streams[payload["name"]] = streams.get(payload["name"], "") + payload["text"]
        elif kind in ("display", "result"):
            view.append(bundle_view(payload))
        elif kind == "error":
            view.append(f"error: {payload.get('ename', '')}")
        elif kind == "turtle":
            drew = True
    if drew:  # the book shows the turtle's screen as an SVG after the cell
        view.append("image")
    return _with_streams(view, streams)


def _with_streams(view: list[str], streams: dict[str, str]) -> list[str]:
    texts = {name: normalise(text) for name, text in sorted(streams.items())}
    return [f"{name}: {text}" for name, text in texts.items() if text] + sorted(view)


@dataclass(frozen=True)
class Verdict:
    """A page in the browser: ``same``, ``differs``, ``fails`` or ``offline`` (packages it could not get)."""

    status: str
    cell: int | None = None
    detail: str = ""
    expected: list[str] = field(default_factory=list)
    got: list[str] = field(default_factory=list)

    @classmethod
    def stored(cls, verdict: Mapping[str, Any]) -> Verdict:
        """The verdict kept in the build's records (``carnet-browser.json``, the build report)."""
        return cls(verdict["status"], verdict.get("cell"), verdict.get("detail", ""))

    def message(self, language: str | None = None) -> str:
        """One line for the terminal: ``fails, cell 1: threads (…)``."""
        status = translate(language, f"status.browser.{self.status}")
        where = f", {translate(language, 'failure.cell', cell=self.cell)}" if self.cell else ""
        return f"{status}{where}" + (f": {self.detail}" if self.detail else "")


def failure_cause(
    error: Mapping[str, Any], messages: Mapping[str, str], language: str | None = None, versions: str = ""
) -> str:
    """Why a cell that runs at build time raises in the browser, in words an author can act on.

    An error of no known kind most often comes from the other Python (``random.randrange(2.0)``
    runs in 3.11, raises in 3.12+): ``versions`` names both.
    """
    ename, evalue = str(error.get("ename", "")), str(error.get("evalue", ""))
    error_text = f"{ename}: {evalue}"
    if ename in ("ModuleNotFoundError", "ImportError"):
        return translate(language, "browser.cause.module", error=evalue)
    if evalue == messages.get("input"):
        return translate(language, "browser.cause.input")
    if "thread" in evalue.lower():
        return translate(language, "browser.cause.threads", error=error_text)
    if "socket" in evalue.lower() or ename in ("ConnectionError", "URLError", "gaierror"):
        return translate(language, "browser.cause.sockets", error=error_text)
    if ename == "FileNotFoundError":
        return translate(language, "browser.cause.file", error=evalue)
    if evalue == messages.get("system"):
        return translate(language, "browser.cause.shell")
    if versions:
        return f"{error_text} ({translate(language, 'browser.likely.version', versions=versions)})"
    return error_text


#: What a cell's source says of why its output may change from one Python to another (first match wins).
CAUSES = (
    ("random", re.compile(r"\brandom\b|\brand(int|n|om)\b|shuffle|\bchoice\b|uuid|secrets")),
    ("time", re.compile(r"\btime\b|datetime|\bdate\b|\btoday\b|\bnow\(")),
    ("machine", re.compile(r"\bos\.|\bPath\b|getcwd|cwd\(|__file__|sys\.path|platform|getpid|environ")),
    ("version", re.compile(r"\bdir\(|\bhelp\(|sys\.version|__version__|\bversion\b|getsizeof|\bsys\.")),
)


def likely_cause(source: str, language: str | None = None, versions: str = "") -> str:
    """Why a cell's output may differ in the browser, from what its code uses; ``""`` if nothing says.

    ``versions``: the two Pythons (``3.11 at build, 3.14 in the browser``), for the version cause.
    """
    for cause, pattern in CAUSES:
        if pattern.search(source):
            return translate(language, f"browser.likely.{cause}", versions=versions)
    return ""


def first_difference(want: list[str], got: list[str]) -> tuple[str, str]:
    """The first line that differs between two views, each quoted short enough for one line."""
    wanted = "\n".join(want).splitlines() or [""]
    gotten = "\n".join(got).splitlines() or [""]
    for mine, theirs in zip([*wanted, ""], [*gotten, ""], strict=False):
        if mine != theirs:
            return _quote(mine), _quote(theirs)
    return _quote(wanted[-1]), _quote(gotten[-1])


def _quote(line: str) -> str:
    return repr(line if len(line) <= QUOTED else line[: QUOTED - 1] + "…")


def compare_page(
    expected: list[list[str]],
    cells: list[dict[str, Any]],
    messages: Mapping[str, str],
    language: str | None = None,
    sources: list[str] | None = None,
    versions: str = "",
) -> Verdict:
    """The verdict for a page: ``expected`` views per code cell, ``cells`` what the browser run gave.

    Each entry of ``cells``: ``outputs`` ((kind, payload) pairs) and ``missing`` (lock packages that
    could not be downloaded). A cell that failed only for lack of packages makes the page
    ``offline``: the check machine could not reach the CDN, which says nothing of the reader's.
    ``sources``: the cells' code, to tell the likely cause of a difference (see :func:`likely_cause`).
    """
    differs: Verdict | None = None
    for number, (want, cell) in enumerate(zip(expected, cells, strict=False), start=1):
        got = page_cell_view(cell["outputs"])
        if got == want or NO_STDIN in want:
            continue
        if cell.get("missing"):
            missing = ", ".join(cell["missing"])
            return Verdict(
                "offline", number, translate(language, "browser.cause.download", packages=missing), want, got
            )
        errors = [payload for kind, payload in cell["outputs"] if kind == "error"]
        raised = [item.removeprefix("error: ") for item in want if item.startswith("error: ")]
        if errors and not raised and errors[0].get("evalue") == messages.get("system"):
            # A shell command: the page tells its reader a tab has no system; a limit, not a break.
            differs = differs or Verdict("differs", number, translate(language, "browser.cause.shell"))
            continue
        if errors and not raised:
            return Verdict("fails", number, failure_cause(errors[0], messages, language, versions), want, got)
        if raised and not errors:
            return Verdict("fails", number, translate(language, "browser.cause.no_error", error=raised[0]), want, got)
        if differs is None:  # the first difference is reported; a later cell may still fail
            mine, theirs = first_difference(want, got)
            detail = translate(language, "browser.cause.differs", want=mine, got=theirs)
            cause = likely_cause((sources or [])[number - 1] if sources else "", language, versions)
            differs = Verdict("differs", number, f"{detail} ({cause})" if cause else detail)
    if len(cells) < len(expected):
        did_not_run = translate(language, "browser.cause.did_not_run")
        return Verdict("fails", len(cells) + 1, cells[-1].get("stopped", did_not_run) if cells else did_not_run)
    return differs or Verdict("same")
