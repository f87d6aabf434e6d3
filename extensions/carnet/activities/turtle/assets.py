"""Python's ``turtle`` for the browser runtimes: two wheels and a renderer beside Pyodide.

- basthon-turtle (GPL-3.0), downloaded from PyPI by exact version and sha256, hosted as its own
  file: it draws in SVG. Pyodide's loader does not install the ``turtle.py`` alias the wheel
  ships in its data folder, so ``import turtle`` would still fail with it alone.
- ``carnet-turtle``, a small wheel Carnet builds from its own ``carnet_turtle.py``: a ``turtle``
  package that loads basthon-turtle set up for the page or for JupyterLite. Its lock-file entry
  maps ``import turtle`` to it, so both runtimes load the two wheels on first ``import turtle``.
- basthon-turtle's SVG renderer (``notebook.mjs``), taken from the checked wheel, which the page
  uses to animate the drawing commands the worker sends.
"""

from __future__ import annotations

import base64
import hashlib
import zipfile
from pathlib import Path

from ... import __version__
from ...assets.npm import AssetError
from ...core.lockfile import Wheel
from . import SOURCE

BASTHON_TURTLE = Wheel(
    "basthon-turtle", "0.4.1", "0d6d97f7e3ba39428efa700e55e29c06a7a5003108991087a6d3c98569535af6", ("basthon",)
)
#: Carnet's wheel: ``import turtle`` loads it, and it loads basthon-turtle.
CARNET_TURTLE = Wheel("carnet-turtle", __version__, "", ("turtle", "carnet_turtle"), (BASTHON_TURTLE.name,))
#: Where the page finds the renderer, relative to the runtime folder.
RENDERER_PATH = "basthon-turtle/notebook.mjs"
#: The package that turns ``import turtle`` into basthon-turtle (the module replaces itself).
PACKAGE_INIT = (
    '"""Python\'s turtle, drawn in SVG by basthon-turtle (see carnet_turtle)."""\n\n'
    "import carnet_turtle\n\ncarnet_turtle.load()\n"
)
#: Fixed timestamps: the same sources give the same wheel, byte for byte.
EPOCH = (1980, 1, 1, 0, 0, 0)


def turtle_key() -> str:
    """A hash of what the turtle files depend on, for the runtime's cache key."""
    digest = hashlib.sha256(SOURCE.read_bytes() + PACKAGE_INIT.encode())
    digest.update(f"{BASTHON_TURTLE}{CARNET_TURTLE}".encode())
    return digest.hexdigest()[:16]


def _record_line(name: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}\n"


def build_carnet_turtle(folder: Path) -> Path:
    """Write Carnet's ``turtle`` wheel into ``folder``; return its path."""
    name, version = CARNET_TURTLE.name.replace("-", "_"), CARNET_TURTLE.version
    info = f"{name}-{version}.dist-info"
    files = {
        "carnet_turtle.py": SOURCE.read_bytes(),
        "turtle/__init__.py": PACKAGE_INIT.encode(),
        f"{info}/METADATA": (
            f"Metadata-Version: 2.1\nName: {CARNET_TURTLE.name}\nVersion: {version}\n"
            f"Summary: Python's turtle in Carnet books (needs basthon-turtle)\n"
            f"Requires-Dist: {BASTHON_TURTLE.name}=={BASTHON_TURTLE.version}\n"
        ).encode(),
        f"{info}/WHEEL": b"Wheel-Version: 1.0\nGenerator: carnet\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    }
    record = "".join(_record_line(path, data) for path, data in files.items()) + f"{info}/RECORD,,\n"
    files[f"{info}/RECORD"] = record.encode()
    path = folder / f"{name}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as wheel:
        for member, data in files.items():
            entry = zipfile.ZipInfo(member, EPOCH)
            entry.external_attr = 0o644 << 16
            wheel.writestr(entry, data, zipfile.ZIP_DEFLATED)
    return path


def extract_renderer(basthon_wheel: Path, target: Path) -> None:
    """Copy basthon-turtle's SVG renderer out of its (already hash-checked) wheel."""
    with zipfile.ZipFile(basthon_wheel) as wheel:
        try:
            data = wheel.read("basthon/turtle/notebook.mjs")
        except KeyError as err:
            raise AssetError(f"{basthon_wheel.name} has no basthon/turtle/notebook.mjs") from err
    destination = target / RENDERER_PATH
    destination.parent.mkdir(parents=True, exist_ok=True)
    destination.write_bytes(data)
