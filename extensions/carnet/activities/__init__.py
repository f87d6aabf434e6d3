"""The kinds of activity a page can hold, each a package of its own.

A kind's package holds side by side what the kind needs (its directive or transform, its page
assets, its build-time proof, what the student edition strips, what ``carnet grade`` runs, what
the browser check runs) and declares itself in its ``__init__`` with one :class:`ActivityKind`
named ``KIND``. Adding a kind is one new folder here plus its name in :data:`KINDS`.

This module imports no Sphinx: the command line and the build kernels read the registry too (the
kernel set-up is the kinds' :attr:`ActivityKind.kernel_setup`, joined in :mod:`carnet.run.notebooks`).
"""

from __future__ import annotations

import functools
import importlib
from dataclasses import dataclass

#: Every kind, in the order their Sphinx parts are set up (that order breaks ties between handlers
#: of one event at one priority).
KINDS = ("exercise", "code", "turtle")


@dataclass(frozen=True)
class ActivityKind:
    """What Carnet needs to know of a kind of activity, without importing it."""

    #: The package's name under ``carnet.activities``.
    name: str
    #: Its Sphinx set-up functions, as ``"module:function"`` of the kind's package, called in order.
    setup: tuple[str, ...] = ()
    #: Python code run silently in every build kernel before a page's cells (``import turtle`` …).
    kernel_setup: str = ""


@functools.cache
def activity_kinds() -> tuple[ActivityKind, ...]:
    """The registered kinds, read from their packages' ``KIND`` once per process."""
    kinds = []
    for name in KINDS:
        kind = importlib.import_module(f"{__name__}.{name}").KIND
        if kind.name != name:
            raise RuntimeError(f"carnet.activities.{name} declares the kind {kind.name!r}")
        kinds.append(kind)
    return tuple(kinds)
