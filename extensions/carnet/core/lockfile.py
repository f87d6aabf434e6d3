"""Rewrite Pyodide's ``pyodide-lock.json`` for a runtime served by the book.

The ``pyodide-lock`` package would be the library for this, but its newest release on PyPI (0.1.2)
refuses the lock files of Pyodide 314 (``info.version`` is now absent), so the format is handled here:
a plain mapping, changed in the three fields that matter (``file_name``, ``sha256`` and, for wheels
Pyodide does not list, a whole entry).
"""

from __future__ import annotations

import copy
import difflib
from dataclasses import dataclass

from packaging.utils import canonicalize_name


@dataclass(frozen=True)
class Wheel:
    """A pure-Python wheel from PyPI, pinned by version and sha256."""

    name: str
    version: str
    sha256: str
    #: Importable top-level names, for packages Pyodide's lock file does not list.
    imports: tuple[str, ...] = ()
    #: Lock-file names of the packages it needs (loaded with it).
    depends: tuple[str, ...] = ()


def rewrite_lock(official: dict, hosted: dict[str, tuple[str, str]], base: str, extra: tuple[Wheel, ...]) -> dict:
    """The lock file of the self-hosted runtime (``official`` is left unchanged).

    ``hosted`` maps normalised names to ``(file name, sha256)`` of wheels served beside the lock;
    every other package keeps Pyodide's sha256 and is fetched from ``base`` (the pinned CDN).
    ``extra`` are hosted wheels Pyodide's lock does not list; they get an entry of their own.
    """
    lock = copy.deepcopy(official)
    packages = lock["packages"]
    for package in packages.values():
        name = canonicalize_name(package["name"])
        if name in hosted:
            package["file_name"], package["sha256"] = hosted[name]
        elif "://" not in package["file_name"]:
            package["file_name"] = base + package["file_name"]
    known = {canonicalize_name(p["name"]) for p in packages.values()}
    for wheel in extra:
        key = canonicalize_name(wheel.name)
        if key in known or key not in hosted:
            continue
        file_name, sha256 = hosted[key]
        packages[key] = {
            "name": wheel.name,
            "version": wheel.version,
            "file_name": file_name,
            "sha256": sha256,
            "package_type": "package",
            "install_dir": "site",
            "imports": list(wheel.imports),
            "depends": list(wheel.depends),
            "unvendored_tests": False,
        }
    return lock


def package_closure(lock: dict, names: tuple[str, ...]) -> list[str]:
    """The lock-file keys of ``names`` and of everything they depend on, sorted.

    Raises ``LookupError`` naming an unknown package (with the closest names the lock file has).
    """
    packages = lock["packages"]
    wanted: set[str] = set()
    pending = []
    for name in names:
        key = canonicalize_name(name)
        if key not in packages:
            close = difflib.get_close_matches(key, list(packages), n=3)
            hint = f" (did you mean {', '.join(close)}?)" if close else ""
            raise LookupError(f"{name!r} is not a package of Pyodide's lock file{hint}")
        pending.append(key)
    while pending:
        key = pending.pop()
        if key not in wanted:
            wanted.add(key)
            pending.extend(canonicalize_name(dep) for dep in packages[key].get("depends", ()))
    return sorted(wanted)
