"""Folders of browser files added to Sphinx's ``_static/``, only once they are really there.

Sphinx checks ``html_static_path`` at ``config-inited`` and silently drops (with a warning) an entry
that does not exist yet: a folder registered there before its files are fetched makes the first
build on a fresh machine publish a site without them. Carnet prepares each folder first, at
``builder-inited`` of an HTML build, checks that the file pages load is in it, and only then
registers it; a missing file stops the build.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.util import logging

from ...activities import KINDS, browser_folder, browser_url
from ...assets.npm import TOOL_STARTED, AssetError, cache_root
from ...core.i18n import translate
from ...core.progress import Ticker
from ..book.config import author_language

LOGGER = logging.getLogger(__name__)


def serve_static(app: Sphinx, what: str, prepare: Callable[[], Path], required: str) -> None:
    """Prepare a folder with ``prepare()`` and serve its contents from ``_static/``.

    ``required`` is a file the pages load, relative to the folder; ``what`` (a catalog key,
    ``assets.<name>``) names the feature in the progress line and the error message.
    """
    language = author_language(app)
    what = translate(language, what)
    try:
        with downloading(what, language):
            folder = prepare()
    except AssetError as err:
        raise ExtensionError(translate(language, "assets.failed", what=what, problem=err)) from err
    if not (folder / required).is_file():
        problem = translate(language, "assets.missing", file=folder / required)
        raise ExtensionError(translate(language, "assets.failed", what=what, problem=problem))
    app.config.html_static_path = [*app.config.html_static_path, str(folder)]


@contextlib.contextmanager
def downloading(what: str, language: str) -> Iterator[None]:
    """While a first build fetches ``what`` into Carnet's cache, say so as it starts, then every 5 s with its megabytes.

    A cached asset is ready at once and says nothing. The megabytes are what the cache's disk gained
    (read in constant time: walking the cache at every build would slow every rebuild).
    """
    cache = cache_root()
    cache.mkdir(parents=True, exist_ok=True)
    before = shutil.disk_usage(cache).used
    told = False

    def started(tool: str) -> None:
        nonlocal told
        if not told:  # one line for what is fetched, whichever tools fetch it
            told = True
            LOGGER.info(f"[carnet] download: {what}")

    def say(step: object, seconds: float) -> None:
        grown = max(shutil.disk_usage(cache).used - before, 0) / 1e6
        progress = translate(language, "assets.downloaded", what=what, size=f"{grown:.1f}", seconds=f"{seconds:.0f}")
        LOGGER.info(f"[carnet] download: {progress}")

    TOOL_STARTED.append(started)
    try:
        with Ticker(say, first=2, every=5) as ticker:
            ticker.start(what)
            yield
    finally:
        TOOL_STARTED.remove(started)


def browser_files() -> list[tuple[str, Path]]:
    """Every kind's browser files, as (path under ``_static/``, source), sorted."""
    files = []
    for kind in KINDS:
        folder = browser_folder(kind)
        for path in sorted(folder.rglob("*")) if folder.is_dir() else ():
            if path.is_file() and "__pycache__" not in path.parts:
                files.append((browser_url(kind, path.relative_to(folder).as_posix()), path))
    return files


@functools.cache
def static_fingerprint() -> str:
    """A hash of Carnet's own browser files.

    Registered as a setting that rebuilds HTML: when an upgrade of Carnet changes its scripts (or
    how pages load them), every page is written again instead of keeping an old script tag.
    """
    digest = hashlib.sha256()
    for name, path in browser_files():
        digest.update(name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def activity_static() -> Path:
    """A folder holding every kind's browser files at their place under ``_static/``, for ``html_static_path``.

    The kinds keep their browser files in their own packages (``activities/<kind>/browser/``), beside
    their Python; a static path entry is copied whole into ``_static/``, so the files are gathered
    once per version of them into Carnet's cache (written aside, then renamed: builds running at
    the same time never see half a folder).
    """
    target = cache_root() / "static" / f"activities-{static_fingerprint()}"
    if target.is_dir():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".activities-", dir=target.parent))
    for name, path in browser_files():
        (staging / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, staging / name)
    try:
        staging.rename(target)
    except OSError:  # another build gathered the same files first
        shutil.rmtree(staging)
    return target
