"""Browser-side files from registry packages: pinned by version, verified by hash, cached outside the book.

Carnet never commits a third-party blob and never makes readers fetch one from a CDN by default.
A package is downloaded once with the ordinary npm client (``npm pack``), its tarball checked
against the integrity hash pinned here, unpacked into a per-user cache
(``$CARNET_CACHE`` or ``~/.cache/carnet``), and served from the book's own ``_static/``.
"""

from __future__ import annotations

import base64
import hashlib
import os
import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .errors import CarnetError


@dataclass(frozen=True)
class NpmPackage:
    """An npm package at an exact version, with the registry's ``dist.integrity`` (sha512)."""

    name: str
    version: str
    integrity: str

    @property
    def spec(self) -> str:
        """``name@version``, as npm writes it."""
        return f"{self.name}@{self.version}"


class AssetError(CarnetError):
    """A browser asset could not be fetched or failed its integrity check."""


def cache_root() -> Path:
    """Where fetched packages are kept between builds (never inside the repository)."""
    if os.environ.get("CARNET_CACHE"):
        return Path(os.environ["CARNET_CACHE"])
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "carnet"


def integrity_of(path: Path) -> str:
    """The npm-style ``sha512-<base64>`` integrity string of a file."""
    digest = hashlib.sha512(path.read_bytes()).digest()
    return "sha512-" + base64.b64encode(digest).decode("ascii")


def _download(package: NpmPackage, folder: Path) -> Path:
    """Download the package tarball into ``folder`` with ``npm pack``; return its path."""
    npm = shutil.which("npm")
    if npm is None:
        raise AssetError(f"npm is needed to fetch {package.spec} (install Node.js and npm)")
    proc = subprocess.run(
        [npm, "pack", package.spec, "--pack-destination", str(folder), "--silent"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    tarballs = list(folder.glob("*.tgz"))
    if proc.returncode != 0 or len(tarballs) != 1:
        raise AssetError(f"could not fetch {package.spec} from the npm registry:\n{proc.stderr.strip()}")
    return tarballs[0]


def fetch_npm(package: NpmPackage) -> Path:
    """The unpacked ``package/`` folder of an npm package, fetched and verified on first use."""
    target = cache_root() / "npm" / f"{package.name.replace('/', '+')}-{package.version}"
    if (target / "package").is_dir():
        return target / "package"
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
        tarball = _download(package, Path(tmp))
        found = integrity_of(tarball)
        if found != package.integrity:
            raise AssetError(f"{package.spec}: integrity mismatch (expected {package.integrity}, got {found})")
        unpacked = Path(tmp) / "unpacked"
        with tarfile.open(tarball) as archive:
            archive.extractall(unpacked, filter="data")
        shutil.rmtree(target, ignore_errors=True)
        unpacked.rename(target)
    return target / "package"


def static_folder(package: NpmPackage, name: str) -> Path:
    """Where :func:`prepare_static` puts a package's files; known before anything is fetched."""
    return cache_root() / "static" / f"{name}-{package.version}"


def prepare_static(package: NpmPackage, name: str, paths: list[str]) -> Path:
    """Fill :func:`static_folder` with ``<name>/<path>`` for each of ``paths`` of the package.

    The folder is meant for ``html_static_path``: Sphinx copies its contents into ``_static/``,
    so the files are served at ``_static/<name>/<path>``.
    """
    root = static_folder(package, name)
    if (root / name).is_dir():
        return root
    source = fetch_npm(package)
    root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=root) as tmp:
        staged = Path(tmp) / name
        for path in paths:
            origin = source / path
            if origin.is_dir():
                shutil.copytree(origin, staged / path)
            else:
                (staged / path).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(origin, staged / path)
        staged.rename(root / name)
    return root
