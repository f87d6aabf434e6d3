"""``carnet serve`` shows a failed rebuild in the open page: a banner with the build's first error.

The first error is read from what real builds print; the banner is checked in a real headless
Chromium on a page ``carnet serve`` serves while the book is broken, then fixed.
"""

from __future__ import annotations

import json
import os
import queue
import re
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from carnet.cli.serve import Rebuilds, first_error

BOOK = Path("/cours")
TRAILER = [
    "carnet: the build failed (see the messages above); /cours/_build/html was left unchanged.",
    "carnet: the failed build is in /cours/_build/.carnet-staging, tracebacks in /cours/_build/tracebacks.",
]


@pytest.mark.parametrize(
    ("lines", "error"),
    [
        (
            [
                "\x1b[91m/cours/a.ipynb: WARNING: a.ipynb, cell 3 ('y = x / 0'): ZeroDivisionError [carnet.execution]",
                "\x1b[31mERROR: 1 page failed to execute:",
                "  - a.ipynb, cell 3 ('y = x / 0'): ZeroDivisionError: division by zero",
                "Full tracebacks: /cours/_build/tracebacks\x1b[39;49;00m",
                *TRAILER,
            ],
            "1 page failed to execute: a.ipynb, cell 3 ('y = x / 0'): ZeroDivisionError: division by zero",
        ),
        (
            ["/cours/chapitres/b.md:5: ERROR: Unknown directive type: 'exercise'.", *TRAILER],
            "chapitres/b.md:5: Unknown directive type: 'exercise'.",
        ),
        (
            ["", "\x1b[91mExtension error:\x1b[39;49;00m", "_toc.yml names missing pages:", "  - nope", *TRAILER],
            "Extension error: _toc.yml names missing pages: nope",
        ),
        (
            ["", "Exception occurred:", '  File "/x/y.py", line 3, in f', "    boom()", "ValueError: boom", "The full"],
            "Exception occurred: ValueError: boom",
        ),
        (
            ["Traceback (most recent call last):", '  File "/x/y.py", line 3, in <module>', "KeyError: 'k'"],
            "KeyError: 'k'",
        ),
        (["carnet : _config.yml : pas du YAML valide à la ligne 3"], "_config.yml : pas du YAML valide à la ligne 3"),
        (
            ["/x.py:2: DeprecationWarning: old", "  import old", *TRAILER],
            "the build failed (see the messages above); _build/html was left unchanged.",
        ),
        ([], None),
    ],
    ids=["failures", "located", "sphinx-fatal", "sphinx-exception", "traceback", "carnet-error", "warnings", "silent"],
)
def test_first_error_of_a_build_output(lines: list[str], error: str | None):
    assert first_error([line + "\n" for line in lines], BOOK) == error


def test_a_long_error_is_shortened():
    error = first_error(["ERROR: " + "x" * 1000], BOOK)
    assert error is not None and len(error) == 400 and error.endswith("…")


def set_cell(book: Path, source: str) -> None:
    """Make the third cell of the fixture's notebook ``source``: the change a watching ``carnet serve`` sees."""
    notebook = book / "division.ipynb"
    content = json.loads(notebook.read_text(encoding="utf-8"))
    content["cells"][2]["source"] = [source]
    notebook.write_text(json.dumps(content, indent=1), encoding="utf-8")


@pytest.mark.builds
def test_rebuilds_keep_the_first_error_of_a_failure_until_a_build_succeeds(fixture_book, monkeypatch, capsys):
    book = fixture_book("cell-error")
    monkeypatch.setenv("CARNET_LANG", "en")
    rebuilds = Rebuilds([sys.executable, "-m", "carnet", "build", str(book)], book)
    rebuilds.build()
    terminal = capsys.readouterr()
    assert rebuilds.status.build == 1
    assert rebuilds.status.error == (
        "1 page failed to execute: division.ipynb, cell 3 ('y = x / 0'): ZeroDivisionError: division by zero"
    )
    assert "division.ipynb" in terminal.out and "ZeroDivisionError" in terminal.err, "the terminal sees the build"
    config = (book / "_config.yml").read_text(encoding="utf-8")
    (book / "_config.yml").write_text(config.replace("execute:", "execute: [oops"), encoding="utf-8")
    rebuilds.build()
    assert rebuilds.status.build == 2
    assert rebuilds.status.error.startswith("_config.yml: not valid YAML at line 3"), rebuilds.status.error
    (book / "_config.yml").write_text(config, encoding="utf-8")
    set_cell(book, "y = x / 2")
    rebuilds.build()
    assert (rebuilds.status.build, rebuilds.status.error) == (3, None), capsys.readouterr().err[-3000:]


#: The fixture book in French, as a French teacher's course: the banner speaks the book's language.
FRENCH = """title: cell-error
execute:
  execute_notebooks: cache
sphinx:
  extra_extensions: [carnet]
  config:
    language: fr
"""
#: A rebuild, from the watcher seeing the change to the site swapped in (a kernel starts: generous).
REBUILD_TIMEOUT = 180_000


class Serving:
    """``carnet serve`` running on a book in its own process group; its terminal's lines, as they come."""

    def __init__(self, book: Path) -> None:
        env = {**os.environ, "LANG": "C.UTF-8", "LC_ALL": "", "CARNET_LANG": "", "NO_COLOR": "1"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "carnet", "serve", str(book), "--port", "0"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,  # its builds stop with it
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=lambda: [self.lines.put(line) for line in self.process.stdout], daemon=True).start()

    def wait_for(self, pattern: str, timeout: float = REBUILD_TIMEOUT / 1000) -> re.Match[str]:
        """The first line from now on that matches ``pattern`` (the lines read are kept, for a failure's message)."""
        while True:
            try:
                line = self.lines.get(timeout=timeout)
            except queue.Empty:
                raise AssertionError(f"no line matching {pattern!r}:\n{''.join(self.seen[-40:])}") from None
            self.seen.append(line)
            match = re.search(pattern, line)
            if match:
                return match

    def stop(self) -> None:
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=30)


@pytest.mark.browser
def test_open_page_shows_a_failed_rebuild_until_a_build_succeeds(fixture_book, offline_context):
    from playwright.sync_api import expect

    book = fixture_book("cell-error")
    (book / "_config.yml").write_text(FRENCH, encoding="utf-8")
    set_cell(book, "print('premier', x / 2)")
    serving = Serving(book)
    try:
        base = serving.wait_for(r"(http://127\.0\.0\.1:\d+/\S*)index\.html")[1]
        page = offline_context.new_page()
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto(base + "division.html")
        banner = page.get_by_role("alert")
        expect(page.locator("main")).to_contain_text("premier 0.5")

        set_cell(book, "y = x / 0")
        expect(banner).to_contain_text("La reconstruction a échoué", timeout=REBUILD_TIMEOUT)
        expect(banner).to_contain_text("division.ipynb, cellule 3 ('y = x / 0'): ZeroDivisionError: division by zero")
        expect(banner).to_contain_text("La page montre la dernière construction réussie")
        expect(page.locator("main")).to_contain_text("premier 0.5")  # the last build that succeeded
        serving.wait_for("ZeroDivisionError: division by zero")  # the build's own lines still reach the terminal
        box = banner.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, box
        assert banner.evaluate("b => b.scrollWidth <= b.clientWidth"), "the error wraps at 390 px"
        banner.get_by_role("button", name="Fermer cet avis").click()
        expect(banner).to_have_count(0)  # closed: the page is whole again

        set_cell(book, "raise ValueError('<b>gras</b>')")  # another failure shows again, as text
        expect(banner).to_contain_text("ValueError: <b>gras</b>", timeout=REBUILD_TIMEOUT)
        expect(banner.locator("b")).to_have_count(0)

        set_cell(book, "print('corrigé', x / 4)")
        expect(page.locator("main")).to_contain_text("corrigé 0.25", timeout=REBUILD_TIMEOUT)  # reloaded
        with page.expect_response(lambda response: "__carnet/version" in response.url):
            pass  # the reloaded page heard the status once
        expect(banner).to_have_count(0)
    finally:
        serving.stop()
