"""Serve a built book over HTTP on 127.0.0.1, under the subpath it will have once published.

GitHub Pages serves a project's book at ``https://USER.github.io/REPO/``: a link or asset that
assumes the domain root works locally and breaks there. Serving under ``/REPO/`` locally (and in
the tests) shows such bugs before publishing. Used by the link check and the browser tests.

For ``carnet serve``, pages also get a script that polls the status of the last build: it reloads
the page when a build succeeded and shows the first error of one that failed.
"""

from __future__ import annotations

import functools
import html
import json
import posixpath
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar
from urllib.parse import unquote, urlsplit

from .language import say

#: Where ``carnet serve`` answers with the status of the last build, as JSON (under the prefix).
VERSION_PATH = "__carnet/version"
#: Where it serves the page script, from the package (never copied into a site: only carnet serve needs it).
SCRIPT_PATH = "__carnet/serve.mjs"
SCRIPT = Path(__file__).parent / "carnet-serve.mjs"


@dataclass(frozen=True)
class BuildStatus:
    """The last build, as open pages see it: a number that changes with each build, and its first error.

    Frozen and replaced whole after each build, so a request always reads one build's number with
    that build's error. ``error`` is ``None`` when the build succeeded.
    """

    build: int = 0
    error: str | None = None

    def json(self) -> bytes:
        """What the version endpoint answers: ``{"build": 3, "error": null}``."""
        return json.dumps({"build": self.build, "error": self.error}, ensure_ascii=False).encode()


def page_script(prefix: str) -> str:
    """The tag ``carnet serve`` adds to pages: its module, and the banner's words in the run's language.

    The words are attributes (escaped), never code: the module puts them in the page as text.
    """
    attributes = {
        "src": prefix + SCRIPT_PATH,
        "data-carnet-serve": prefix + VERSION_PATH,
        "data-heading": say("serve_failed"),
        "data-kept": say("serve_failed_kept"),
        "data-close": say("serve_failed_close"),
    }
    return (
        '<script type="module" '
        + " ".join(f'{name}="{html.escape(value, quote=True)}"' for name, value in attributes.items())
        + "></script>"
    )


class BookRequestHandler(SimpleHTTPRequestHandler):
    """Serve files of one folder under a URL prefix; anything outside the prefix is a 404."""

    extensions_map: ClassVar[dict[str, str]] = {
        **SimpleHTTPRequestHandler.extensions_map,
        ".wasm": "application/wasm",
        ".mjs": "text/javascript",
    }

    def __init__(
        self, *args: object, prefix: str, status: Callable[[], BuildStatus] | None = None, **kwargs: object
    ) -> None:
        self.prefix = prefix
        self.status = status
        super().__init__(*args, **kwargs)

    def do_GET(self) -> None:
        """Serve files; with a build status, also the status, and pages with the script that watches it."""
        if self.status is not None:
            path = urlsplit(self.path).path
            if path == self.prefix + VERSION_PATH:
                self._send(200, "application/json", self.status().json())
                return
            if path == self.prefix + SCRIPT_PATH:
                self._send(200, "text/javascript; charset=utf-8", SCRIPT.read_bytes())
                return
            target = Path(self.translate_path(self.path))
            if target.is_dir():
                target = target / "index.html"
            if target.suffix == ".html" and target.is_file():
                page = target.read_text(encoding="utf-8", errors="replace")
                script = page_script(self.prefix)
                self._send(200, "text/html; charset=utf-8", page.replace("</body>", script + "</body>", 1).encode())
                return
        super().do_GET()

    def _send(self, code: int, content_type: str, body: bytes) -> None:
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def translate_path(self, path: str) -> str:
        """Map ``/<prefix>/x`` to ``<folder>/x``; other paths to a name that cannot exist."""
        clean = posixpath.normpath(unquote(urlsplit(path).path))
        if path.endswith("/"):
            clean += "/"
        if not (clean + "/").startswith(self.prefix):
            return str(Path(self.directory) / ".carnet-outside-prefix" / "missing")
        return super().translate_path("/" + clean[len(self.prefix) :].lstrip("/"))

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Answer a missing page with the site's own ``404.html``, as GitHub Pages does."""
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        if self.command == "HEAD":
            self.send_response(404)
            self.end_headers()
        else:
            self._send(404, "text/html; charset=utf-8", page.read_bytes())

    def log_message(self, format: str, *args: object) -> None:
        """Stay quiet: callers report what matters."""


class BookServer(ThreadingHTTPServer):
    """A threaded server that does not print a traceback when a client hangs up early."""

    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        """Browsers and link checkers close connections mid-response; only report real errors."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@contextmanager
def serve_directory(
    directory: Path, prefix: str = "/", port: int = 0, status: Callable[[], BuildStatus] | None = None
) -> Iterator[str]:
    """Serve ``directory`` at ``http://127.0.0.1:<port><prefix>`` (a free port by default); yield that URL.

    With ``status`` (the current build's), pages reload themselves after a build that succeeded
    and show the error of one that failed.
    """
    prefix = "/" + prefix.strip("/") + "/" if prefix.strip("/") else "/"
    handler = functools.partial(BookRequestHandler, directory=str(directory), prefix=prefix, status=status)
    server = BookServer(("127.0.0.1", port), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{prefix}"
    finally:
        server.shutdown()
        server.server_close()
