"""The Pyodide runtime, served from the book's own origin.

Pyodide's npm package holds the interpreter and the standard library, but none of the packages
of its distribution. Carnet assembles a runtime folder from registry packages only:

- the npm ``pyodide`` package (pinned in ``package.json``, checked by ``npm ci``);
- the pure-Python wheels the runtimes load at start (micropip, and the IPython stack the
  JupyterLite kernel installs), downloaded from PyPI by exact version with ``pip --require-hashes``;
- a regenerated ``pyodide-lock.json`` (:mod:`carnet.core.lockfile`): hosted wheels point to the
  book's copy with their own sha256 (PyPI's builds differ from Pyodide's), every other package
  (numpy, matplotlib…) to the official CDN at exactly the pinned version, with Pyodide's own sha256.

An author may instead host a full Pyodide distribution (``carnet.runtime.distribution``), or send
readers to the CDN for everything (``carnet.runtime.source: cdn``).
"""

from __future__ import annotations

import functools
import hashlib
import json
import shutil
import sys
import tarfile
import tempfile
from pathlib import Path

from packaging.utils import canonicalize_name

from ..activities.turtle.assets import BASTHON_TURTLE, CARNET_TURTLE, build_carnet_turtle, extract_renderer, turtle_key
from ..core.lockfile import Wheel, package_closure, rewrite_lock
from ..core.settings import RuntimeConfig
from ..core.urls import RUNTIME_PATH, cdn_base
from .npm import AssetError, cache_root, install_locked, locked_version, move_into_cache, run_tool
from .packages import file_sha256, host_packages

#: The Pyodide version of the npm pins (the one jupyterlite-pyodide-kernel expects).
PYODIDE_VERSION = locked_version("pyodide")
#: Python version of that Pyodide, for downloading wheels that claim to need it.
PYODIDE_PYTHON = "3.14"
#: Files of the npm package a browser needs (no source maps, no TypeScript declarations).
CORE_FILES = ("pyodide.mjs", "pyodide.js", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip")

HOSTED_WHEELS = (
    Wheel("micropip", "0.11.1", "768de165adb8e66906039d8fec4127a57f522dfdf8e6fbff877a4616941ecfd3"),
    Wheel("ipython", "9.12.0", "0f2701e8ee86e117e37f50563205d36feaa259d2e08d4a6bc6b6d74b18ce128d"),
    Wheel("jedi", "0.19.2", "a8ef22bde8490f57fe5c7681a3c83cb58874daf72b4784de3cce5b6ef6edb5b9"),
    Wheel("parso", "0.8.6", "2c549f800b70a5c4952197248825584cb00f033b29c692671d3bf08bf380baff"),
    Wheel("asttokens", "3.0.1", "15a3ebc0f43c2d0a50eeafea25e19046c68398e487b9f1f5b517f7c0f40f976a"),
    Wheel("decorator", "5.2.1", "d316bb415a2d9e2d2b3abcc4084c6502fc09240e292cd76a76afc106a1c8e04a"),
    Wheel("executing", "2.2.1", "760643d3452b4d777d295bb167ccc74c64a81df23fb5e08eff250c425a4b2017"),
    Wheel("matplotlib-inline", "0.2.1", "d56ce5156ba6085e00a9d54fead6ed29a9c47e215cd1bba2e976ef39f5710a76"),
    Wheel("prompt-toolkit", "3.0.52", "9aac639a3bbd33284347de5ad8d68ecc044b91a762dc39b7c21095fcd6a19955"),
    Wheel("pure-eval", "0.2.3", "1db8e35b67b3d218d818ae653e27f06c3aa420901fa7b081ca98cbedc874e0d0"),
    Wheel("pygments", "2.20.0", "81a9e26dd42fd28a23a2d169d86d7ac03b46e2f8b59ed4698fb4785f946d0176"),
    Wheel("six", "1.17.0", "4721f391ed90541fddacab5acf947aa0d3dc7d27b2e1e8eda2be8970586c3274"),
    Wheel("stack-data", "0.6.3", "d5558e0c25a4cb0853cddad3d77da9891a08cb85dd9f9f91b9f8cd66e511e695"),
    Wheel("traitlets", "5.14.3", "b74e89e397b1ed28cc831db7aea759ba6640cb3de13090ca145426688ff1ac4f"),
    Wheel("wcwidth", "0.6.0", "1a3a1e510b553315f8e146c54764f4fb6264ffad731b3d78088cdb1478ffbdad"),
    Wheel("comm", "0.2.3", "c615d91d75f7f04f095b30d1c1711babd43bdc6419c1be9886a85f2f4e489417", ("comm",)),
)


def pyodide_cdn(settings: RuntimeConfig) -> str:
    """The CDN folder of the pinned Pyodide version (ends with ``/``)."""
    return cdn_base(settings.cdn_url, PYODIDE_VERSION)


def runtime_key(settings: RuntimeConfig) -> str:
    """A hash of what the runtime folder depends on."""
    inputs = {
        "pyodide": PYODIDE_VERSION,
        "wheels": [(w.name, w.version, w.sha256) for w in HOSTED_WHEELS],
        "cdn": pyodide_cdn(settings),
        "distribution": settings.distribution,
        "packages": sorted(settings.packages),
        "turtle": turtle_key(),
        "format": 2,
    }
    return hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()[:16]


def runtime_root(settings: RuntimeConfig) -> Path:
    """The folder added to ``html_static_path`` (it holds ``carnet/pyodide/``); known before fetching."""
    return cache_root() / "runtime" / f"pyodide-{PYODIDE_VERSION}-{runtime_key(settings)}"


def download_wheels(wheels: tuple[Wheel, ...], folder: Path) -> dict[str, Path]:
    """Download the wheels with pip, refusing any whose sha256 differs; return them by normalised name."""
    folder.mkdir(parents=True, exist_ok=True)
    requirements = folder / "requirements.txt"
    requirements.write_text("".join(f"{w.name}=={w.version} --hash=sha256:{w.sha256}\n" for w in wheels))
    command = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:"]
    command += ["--python-version", PYODIDE_PYTHON, "--platform", "any", "--implementation", "py", "--abi", "none"]
    command += ["--require-hashes", "-r", str(requirements), "-d", str(folder)]
    proc = run_tool(command, "pip download")
    if proc.returncode != 0:
        raise AssetError(f"could not download the runtime's wheels from PyPI:\n{proc.stderr.strip()[-2000:]}")
    found = {}
    for path in folder.glob("*.whl"):
        found[canonicalize_name(path.name.split("-")[0])] = path
    missing = [w.name for w in wheels if canonicalize_name(w.name) not in found]
    if missing:
        raise AssetError(f"pip did not download: {', '.join(missing)}")
    return found


def _names(wheels: tuple[Wheel, ...]) -> set[str]:
    return {canonicalize_name(wheel.name) for wheel in wheels}


def _host_wheels(wheels: tuple[Wheel, ...], target: Path) -> dict[str, tuple[str, str]]:
    """Download ``wheels`` into ``target`` with the turtle's files; return the hosted wheels by name.

    Every runtime the book hosts gets ``import turtle`` (see :mod:`carnet.activities.turtle.assets`).
    """
    downloaded = download_wheels((*wheels, BASTHON_TURTLE), target.parent / "wheels")
    extract_renderer(downloaded[canonicalize_name(BASTHON_TURTLE.name)], target)
    paths = [*downloaded.values(), build_carnet_turtle(target.parent)]
    hosted = {}
    for path in paths:
        shutil.move(str(path), target / path.name)
        hosted[canonicalize_name(path.name.split("-")[0])] = (path.name, file_sha256(target / path.name))
    return hosted


def _assemble_from_registries(settings: RuntimeConfig, target: Path) -> None:
    """Fill ``target`` with the npm core, the PyPI wheels and the rewritten lock file."""
    core = install_locked() / "pyodide"
    target.mkdir(parents=True)
    for name in CORE_FILES:
        shutil.copy2(core / name, target / name)
    official = json.loads((core / "pyodide-lock.json").read_text())
    hosted = host_packages(official, settings.packages, pyodide_cdn(settings), target, _names(HOSTED_WHEELS))
    hosted.update(_host_wheels(HOSTED_WHEELS, target))
    extra = (*HOSTED_WHEELS, BASTHON_TURTLE, CARNET_TURTLE)
    lock = rewrite_lock(official, hosted, pyodide_cdn(settings), extra)
    (target / "pyodide-lock.json").write_text(json.dumps(lock, indent=1, sort_keys=True))


#: What makes a folder a Pyodide distribution: the files every page loads, and the lock file.
DISTRIBUTION_FILES = ("pyodide-lock.json", "pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip")


def _host_distribution(folder: Path, target: Path, settings: RuntimeConfig, name: Path) -> None:
    """Copy from a Pyodide distribution only what readers load: the core files and the lock's packages.

    Anything else in the folder (notes, solutions…) is never published. Packages the lock lists but
    the folder lacks (a "core" release) are fetched from the pinned CDN instead.
    """
    missing = [file for file in DISTRIBUTION_FILES if not (folder / file).is_file()]
    if missing:
        raise AssetError(f"carnet.runtime.distribution: {name} is not a Pyodide distribution (no {', '.join(missing)})")
    lock = json.loads((folder / "pyodide-lock.json").read_text(encoding="utf-8"))
    target.mkdir(parents=True)
    for file in CORE_FILES:
        if (folder / file).is_file():
            shutil.copy2(folder / file, target / file)
    hosted = {}
    for package in lock.get("packages", {}).values():
        file = str(package.get("file_name", ""))
        if "://" not in file and "/" not in file and (folder / file).is_file():
            shutil.copy2(folder / file, target / file)
            hosted[canonicalize_name(package["name"])] = (file, package.get("sha256", ""))
    # What pages load at start (IPython…), when the distribution lacks it, comes from PyPI as by default.
    own = tuple(wheel for wheel in HOSTED_WHEELS if canonicalize_name(wheel.name) not in hosted)
    hosted.update(host_packages(lock, settings.packages, pyodide_cdn(settings), target, {*hosted, *_names(own)}))
    hosted.update(_host_wheels(own, target))
    rewritten = rewrite_lock(lock, hosted, pyodide_cdn(settings), (*own, BASTHON_TURTLE, CARNET_TURTLE))
    (target / "pyodide-lock.json").write_text(json.dumps(rewritten, indent=1, sort_keys=True))


def _assemble_from_distribution(settings: RuntimeConfig, distribution: Path, target: Path) -> None:
    """Fill ``target`` from a Pyodide distribution (a folder, or a release archive)."""
    if distribution.is_dir():
        _host_distribution(distribution, target, settings, distribution)
        return
    if not distribution.is_file() or not tarfile.is_tarfile(distribution):
        raise AssetError(f"carnet.runtime.distribution: {distribution} is neither a folder nor an archive")
    with tempfile.TemporaryDirectory() as tmp, tarfile.open(distribution) as archive:
        archive.extractall(tmp, filter="data")
        locks = list(Path(tmp).rglob("pyodide-lock.json"))
        folder = locks[0].parent if locks else Path(tmp)
        _host_distribution(folder, target, settings, distribution)


def prepare_runtime(settings: RuntimeConfig, srcdir: Path) -> Path:
    """The runtime folder for these settings, assembled in the cache on first use."""
    root = runtime_root(settings)
    final = root / RUNTIME_PATH
    if (final / "pyodide-lock.json").is_file():
        return root
    root.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=root.parent) as tmp:
        staged = Path(tmp) / "pyodide"
        if settings.distribution:
            _assemble_from_distribution(settings, (srcdir / settings.distribution).resolve(), staged)
        else:
            _assemble_from_registries(settings, staged)
        final.parent.mkdir(parents=True, exist_ok=True)
        move_into_cache(staged, final, lambda folder: (folder / "pyodide-lock.json").is_file())
    return root


#: What a page's Python downloads to start, beside IPython's wheels (pyodide*.mjs load as modules).
STARTUP_FILES = ("pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json")


@functools.cache
def startup_bytes(root: Path) -> int:
    """Bytes a page downloads to start Python from the runtime folder ``root``: the page's progress total.

    Pyodide's own files and the IPython wheels cells run with (their closure in the lock file);
    0 when the folder is not there (a runtime from a CDN). Cached: the folder's name is its inputs' hash.
    """
    folder = root / RUNTIME_PATH
    try:
        lock = json.loads((folder / "pyodide-lock.json").read_text())
        wheels = [lock["packages"][key]["file_name"] for key in package_closure(lock, ("ipython",))]
    except (OSError, ValueError, LookupError):
        return 0
    return sum((folder / name).stat().st_size for name in [*STARTUP_FILES, *wheels] if (folder / name).is_file())
