"""Files Carnet writes into a folder of the site, recorded so that Carnet deletes only those.

A folder of the built site may also hold files Carnet did not write (a chapter of the book that
happens to live there, a file the author added by hand): Carnet never removes a file by pattern or
by emptying a folder. Each folder it fills has a manifest of what Carnet wrote there last time,
kept outside the site (nothing of Carnet's bookkeeping is published); a file leaves only when that
manifest lists it and the new build no longer writes it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any


def read_manifest(manifest: Path) -> dict[str, Any]:
    """What Carnet recorded in the manifest last time (empty when it never wrote there)."""
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def write_manifest(manifest: Path, data: dict[str, Any]) -> None:
    """Record what Carnet wrote (``data["files"]``: paths relative to the folder the manifest describes)."""
    manifest.parent.mkdir(parents=True, exist_ok=True)
    manifest.write_text(json.dumps(data, indent=1, sort_keys=True), encoding="utf-8")


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` unless it already holds exactly that; return whether it wrote."""
    if path.is_file() and path.stat().st_size == len(data) and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return True


def remove_unlisted(folder: Path, before: Iterable[str], now: set[str]) -> bool:
    """Delete the files Carnet wrote ``before`` and no longer writes, and the folders they leave empty.

    Only paths recorded in a manifest are candidates, and only inside ``folder``; a folder is removed
    only when it is empty once they are gone. Return whether anything was removed.
    """
    root = folder.resolve()
    removed = False
    for relative in sorted(set(before) - now, reverse=True):
        path = (folder / relative).resolve()
        if not path.is_relative_to(root) or path == root or not path.is_file():
            continue
        path.unlink()
        removed = True
        parent = path.parent
        while parent != root and parent.is_relative_to(root) and not any(parent.iterdir()):
            parent.rmdir()
            parent = parent.parent
    return removed
