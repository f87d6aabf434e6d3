"""Browser files from npm: pinned in ``package.json``, verified by ``npm ci`` against ``package-lock.json``.

Carnet never commits a third-party blob and never makes readers fetch one from a CDN by default. The
npm packages the browser needs (Pyodide, CodeMirror, MathJax) are listed once, in this folder's
``package.json``, with the registry's integrity hash of each tarball in ``package-lock.json``.
``npm ci`` installs exactly that lock (and refuses a tarball whose hash differs) into a per-user
cache (``$CARNET_CACHE`` or ``~/.cache/carnet``), keyed by the lock's own hash; books serve copies
of the few files they need from ``_static/``.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from functools import cache
from pathlib import Path

from ..core.errors import CarnetError

#: ``package.json`` and ``package-lock.json``: the npm pins.
PINS = Path(__file__).parent


class AssetError(CarnetError):
    """A browser asset could not be fetched or failed its integrity check."""


#: Told the name of each tool that fetches or builds files as it starts (the cache missed them): the
#: build's progress then says at once what it downloads, however fast the download turns out.
TOOL_STARTED: list[Callable[[str], None]] = []


def run_tool(command: list[str], what: str, **kwargs: object) -> subprocess.CompletedProcess:
    """Run a command that fetches or builds browser files; a time-out or a missing tool is an AssetError."""
    for listener in TOOL_STARTED:
        listener(what)
    try:
        return subprocess.run(command, capture_output=True, text=True, timeout=900, **kwargs)
    except subprocess.TimeoutExpired as err:
        raise AssetError(f"{what}: still running after {err.timeout:.0f} s (is the network very slow?)") from None
    except OSError as err:
        raise AssetError(f"{what}: could not run {command[0]} ({err.strerror or err})") from None


def move_into_cache(staged: Path, target: Path, complete: Callable[[Path], bool]) -> None:
    """Put a finished folder into the cache; if another build put a complete one there first, keep it.

    Two builds may fill the cache at once (``carnet serve`` and a manual build, parallel tests): a
    finished copy is never removed, only an incomplete leftover.
    """
    try:
        staged.rename(target)
    except OSError:
        if complete(target):
            return
        shutil.rmtree(target, ignore_errors=True)
        staged.rename(target)


def cache_root() -> Path:
    """Where fetched packages are kept between builds (never inside the repository)."""
    if os.environ.get("CARNET_CACHE"):
        return Path(os.environ["CARNET_CACHE"])
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "carnet"


@cache
def _lock(pins: Path) -> dict:
    return json.loads((pins / "package-lock.json").read_text(encoding="utf-8"))


def locked_version(name: str, pins: Path = PINS) -> str:
    """The exact version of an npm package in the lock (known before anything is downloaded)."""
    try:
        return _lock(pins)["packages"][f"node_modules/{name}"]["version"]
    except KeyError as err:
        raise AssetError(f"{pins / 'package-lock.json'} does not pin {name}") from err


def install_locked(pins: Path = PINS) -> Path:
    """The ``node_modules`` folder of the lock in ``pins``, installed into the cache on first use.

    ``npm ci`` checks every tarball against the lock's integrity hash and fails on a mismatch;
    nothing is kept from a failed install.
    """
    key = hashlib.sha256((pins / "package-lock.json").read_bytes()).hexdigest()[:16]
    target = cache_root() / "npm" / f"modules-{key}"
    if (target / "node_modules").is_dir():
        return target / "node_modules"
    npm = shutil.which("npm")
    if npm is None:
        raise AssetError("npm is needed to fetch the browser's files (install Node.js and npm)")
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
        work = Path(tmp) / "modules"
        work.mkdir()
        for name in ("package.json", "package-lock.json"):
            shutil.copy2(pins / name, work / name)
        command = [npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--omit=dev", "--loglevel=error"]
        proc = run_tool(command, "npm ci", cwd=work)
        if proc.returncode != 0:
            detail = "\n".join(proc.stderr.strip().splitlines()[-15:])
            raise AssetError(f"npm could not install the pinned browser packages:\n{detail}")
        move_into_cache(work, target, lambda folder: (folder / "node_modules").is_dir())
    return target / "node_modules"


def static_folder(name: str, paths: list[str]) -> Path:
    """Where :func:`prepare_static` puts a package's files; known before anything is fetched."""
    key = hashlib.sha256("\n".join(paths).encode()).hexdigest()[:8]
    return cache_root() / "static" / f"{name}-{locked_version(name)}-{key}"


def prepare_static(name: str, paths: list[str]) -> Path:
    """Fill :func:`static_folder` with ``<name>/<path>`` for each of ``paths`` of the npm package.

    The folder is meant for ``html_static_path``: Sphinx copies its contents into ``_static/``,
    so the files are served at ``_static/<name>/<path>``.
    """
    root = static_folder(name, paths)
    if (root / name).is_dir():
        return root
    source = install_locked() / name
    root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=root) as tmp:
        staged = Path(tmp) / name
        for path in paths:
            origin = source / path
            if origin.is_dir():
                shutil.copytree(origin, staged / path)
            elif origin.is_file():
                (staged / path).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(origin, staged / path)
            else:
                raise AssetError(f"npm package {name} has no {path}")
        move_into_cache(staged, root / name, Path.is_dir)
    return root
