"""Compiled Pyodide packages hosted with the book (``carnet.runtime.packages``).

By default the reader's browser fetches numpy, matplotlib… from the pinned Pyodide CDN. An author who
lists them in ``carnet.runtime.packages`` gets them, with everything they depend on, downloaded once
at build time from that same pinned release, checked against the sha256 Pyodide's lock file gives,
kept in Carnet's cache (outside the repository) and served with the book: a reader then makes no
third-party request at all.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

from ..core.lockfile import package_closure
from .npm import AssetError, cache_root

#: Seconds to wait for the CDN before giving up on a package.
TIMEOUT = 120


def file_sha256(path: Path) -> str:
    """The sha256 of a file, read in blocks (compiled wheels weigh megabytes)."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _download(name: str, url: str, sha256: str, destination: Path) -> None:
    """Download ``url`` to ``destination`` only if its sha256 is the lock file's."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=destination.parent, suffix=".part", delete=False) as part:
        partial = Path(part.name)
        try:
            with urllib.request.urlopen(url, timeout=TIMEOUT) as response:
                shutil.copyfileobj(response, part)
        except (urllib.error.URLError, OSError) as err:
            partial.unlink(missing_ok=True)
            reason = getattr(err, "reason", err)
            raise AssetError(f"carnet.runtime.packages: could not download {name} from {url}: {reason}") from err
    got = file_sha256(partial)
    if got != sha256:
        partial.unlink()
        raise AssetError(
            f"carnet.runtime.packages: {name} from {url} is not the file Pyodide's lock file names "
            f"(sha256 {got}, expected {sha256}); nothing was hosted"
        )
    partial.replace(destination)


def host_packages(
    lock: dict, names: tuple[str, ...], base: str, target: Path, already: set[str]
) -> dict[str, tuple[str, str]]:
    """Copy ``names`` and their dependencies into ``target``; return them as ``{key: (file, sha256)}``.

    ``lock`` is the runtime's lock file (Pyodide's, unchanged), ``base`` the CDN folder of its
    release; packages in ``already`` are hosted by other means (the runtime's own wheels).
    """
    try:
        keys = package_closure(lock, names)
    except LookupError as err:
        raise AssetError(f"carnet.runtime.packages: {err}") from err
    cache = cache_root() / "packages"
    hosted = {}
    for key in keys:
        if key in already:
            continue
        entry = lock["packages"][key]
        file_name, sha256 = entry["file_name"], entry["sha256"]
        if "/" in file_name:  # already a URL (or a path): the lock does not describe a release file
            raise AssetError(f"carnet.runtime.packages: {key} has no file of its own in the lock ({file_name})")
        cached = cache / sha256[:16] / file_name
        if not (cached.is_file() and file_sha256(cached) == sha256):
            _download(key, base + file_name, sha256, cached)
        shutil.copy2(cached, target / file_name)
        hosted[key] = (file_name, sha256)
    return hosted
