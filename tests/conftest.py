"""Shared helpers: real builds of fixture books (copied to a temporary folder) and of the sample course."""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

#: Sphinx's own test fixtures (make_app, app, warning), for single-feature builds of tests/roots/.
pytest_plugins = ("sphinx.testing.fixtures",)

REPO = Path(__file__).resolve().parents[1]
BOOKS = Path(__file__).parent / "books"
#: What makes up the sample course (everything else in the repository is not part of the book).
SAMPLE_COURSE = ["_config.yml", "_toc.yml", "references.bib", "book", "content"]
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


@dataclass(frozen=True)
class Build:
    """The outcome of one ``carnet build``: exit status, console output (uncoloured) and folders."""

    returncode: int
    output: str
    book: Path

    @property
    def html(self) -> Path:
        return self.book / "_build" / "html"

    @property
    def staging(self) -> Path:
        return self.book / "_build" / ".carnet-staging"

    @property
    def tracebacks(self) -> Path:
        return self.book / "_build" / "tracebacks"

    @property
    def build_report(self) -> Path:
        return self.book / "_build" / "carnet-build.json"


def carnet_build(book: Path, *args: str, timeout: float = 600, cache: Path | None = None) -> Build:
    """Run ``python -m carnet build`` on ``book`` in a subprocess, as an author would.

    ``cache``: the asset cache to use instead of the user's (an empty folder: a fresh machine).
    """
    env = {**os.environ, "NO_COLOR": "1", "PYTHONWARNINGS": "ignore"}
    if cache is not None:
        env["CARNET_CACHE"] = str(cache)
    proc = subprocess.run(
        [sys.executable, "-m", "carnet", "build", str(book), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        cwd=book,
    )
    return Build(proc.returncode, _ANSI.sub("", proc.stdout + proc.stderr), book)


def build_in_process(book: Path, *args: str) -> Build:
    """Run ``carnet build`` on ``book`` in this process (no interpreter start-up), capturing its output."""
    from carnet.cli.main import main

    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out), contextlib.chdir(book):
        returncode = main(["build", str(book), *args])
    return Build(returncode, _ANSI.sub("", out.getvalue()), book)


#: Beside each bad-input fixture book: the lines its build must print (never copied with the book).
EXPECTED = "expected.txt"


def copy_book(name: str, dest: Path) -> Path:
    """Copy the fixture book ``tests/books/<name>`` into ``dest`` (without any earlier build)."""
    target = dest / name
    shutil.copytree(BOOKS / name, target, ignore=shutil.ignore_patterns("_build", EXPECTED))
    return target


def copy_sample_course(dest: Path) -> Path:
    """Copy the sample course's sources into ``dest/course``."""
    target = dest / "course"
    target.mkdir()
    for entry in SAMPLE_COURSE:
        source = REPO / entry
        if source.is_dir():
            shutil.copytree(source, target / entry, ignore=shutil.ignore_patterns("_build", ".ipynb_checkpoints"))
        else:
            shutil.copy2(source, target / entry)
    return target


def alive(pid: int) -> bool:
    """Whether a process runs (a zombie waiting for its parent to reap it has ended)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"


@pytest.fixture
def fixture_book(tmp_path: Path):
    """Factory: copy a fixture book into a temporary folder and return its path."""
    return lambda name: copy_book(name, tmp_path)


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """The sample course built once per session, strictly (any warning fails the build)."""
    book = copy_sample_course(tmp_path_factory.mktemp("sample"))
    return carnet_build(book, "--strict")


#: How the browser tests start Debian's Chromium: headless, and with none of its own traffic.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


#: The slow tiers, one marker each (declared in pyproject.toml); the fast tier is ``-m "not slow"``.
SLOW_TIERS = ("browser", "subprocess", "book", "builds")
#: Fixtures that put a test in a tier whatever its module says.
TIER_FIXTURES = {"browser": "browser", "offline_context": "browser", "sample_build": "book"}


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that starts Chromium is a browser test, one on the sample course a book test; any tier is slow.

    Runs before ``-m`` selects: ``-m browser``, ``-m "subprocess or builds"`` and ``-m "not slow"`` see the tiers.
    """
    for item in items:
        for fixture in TIER_FIXTURES.keys() & set(item.fixturenames):
            item.add_marker(TIER_FIXTURES[fixture])
        if any(item.get_closest_marker(tier) for tier in SLOW_TIERS):
            item.add_marker("slow")


@pytest.fixture(scope="session")
def carnet_wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Carnet's wheel, built from a copy of the sources (setuptools writes build/ and *.egg-info beside them)."""
    folder = tmp_path_factory.mktemp("wheel")
    source = folder / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPO / name, source / name)
    shutil.copytree(
        REPO / "extensions", source / "extensions", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info")
    )
    wheels = folder / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(wheels), str(source)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    [wheel] = wheels.glob("carnet-*.whl")
    return wheel


def fresh_environment(folder: Path, *requirements: str) -> Path:
    """A new virtual environment in ``folder`` with ``requirements`` as pip resolves them; its ``bin``."""
    subprocess.run([sys.executable, "-m", "venv", str(folder)], check=True, timeout=300)
    installed = subprocess.run(
        [folder / "bin/python", "-m", "pip", "install", "--quiet", *requirements],
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert installed.returncode == 0, installed.stderr[-3000:]
    return folder / "bin"


def environment_of(bin_folder: Path) -> dict[str, str]:
    """This process's environment for commands of the environment ``bin_folder`` (not of this one's venv)."""
    env = {key: value for key, value in os.environ.items() if key not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env.update({"LANG": "C.UTF-8", "NO_COLOR": "1", "PATH": f"{bin_folder}:{env.get('PATH', '')}"})
    return env


@pytest.fixture(scope="session")
def browser():
    """A headless Chromium driven by Playwright, shared by the session's browser tests."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def offline_context(browser):
    """A browser context that may only reach 127.0.0.1; every other request is aborted and recorded."""
    context = browser.new_context()
    context.blocked = []

    def route(route_request):
        url = route_request.request.url
        if url.startswith(("http://127.0.0.1", "data:", "blob:")):
            route_request.continue_()
        else:
            context.blocked.append(url)
            route_request.abort()

    context.route("**/*", route)
    yield context
    context.close()
