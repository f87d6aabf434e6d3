"""Which files a page's execution wrote: by-products, never published as the author's files.

A page may write files while it runs (``corrige-genere.txt``, a saved figure…). They are not the
author's: Carnet snapshots the page's folder before executing it and records the files that
appeared or changed, so the JupyterLite contents (and the in-page runtime's files) leave them out.
"""

from __future__ import annotations

from pathlib import Path

#: Path (relative to the folder) → (modification time in ns, size).
FolderState = dict[str, tuple[int, int]]


def folder_state(folder: Path) -> FolderState:
    """The files under ``folder`` (hidden ones and ``_build`` left out) with their time and size."""
    state: FolderState = {}
    if not folder.is_dir():
        return state
    for path in folder.rglob("*"):
        relative = path.relative_to(folder)
        if relative.parts[0] == "_build" or any(part.startswith(".") for part in relative.parts):
            continue
        if path.is_file():
            info = path.stat()
            state[relative.as_posix()] = (info.st_mtime_ns, info.st_size)
    return state


def written_since(before: FolderState, after: FolderState) -> list[str]:
    """Files that appeared or changed between two states of a folder, sorted."""
    return sorted(name for name, stamp in after.items() if before.get(name) != stamp)
