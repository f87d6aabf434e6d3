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
from pathlib import Path

#: Every kind, in the order their Sphinx parts are set up (that order breaks ties between handlers
#: of one event at one priority).
KINDS = ("exercise", "code", "turtle")
#: The folder of a kind's package holding what runs in the reader's browser.
BROWSER = "browser"
#: Where the pages find the kinds' browser folders, relative to ``_static/`` (``carnet/code/browser/…``).
BROWSER_URL = "carnet/{kind}/browser/"


@dataclass(frozen=True)
class ActivityKind:
    """What Carnet needs to know of a kind of activity, without importing it."""

    #: The package's name under ``carnet.activities``.
    name: str
    #: Its Sphinx set-up functions, as ``"module:function"`` of the kind's package, called in order.
    setup: tuple[str, ...] = ()
    #: Python code run silently in every build kernel before a page's cells (``import turtle`` …).
    kernel_setup: str = ""
    #: The kind's module in the page (a file of its ``browser/`` folder), which the live-cell script
    #: imports: at once when :attr:`selector` finds something in the page, calling its ``setUp(page,
    #: found, context)`` with the elements found; or with the first output area when the kind draws
    #: :attr:`outputs`, calling its ``outputDrawer(context)`` once per page.
    page_module: str = ""
    #: A CSS selector: the page uses the kind when it finds an element.
    selector: str = ""
    #: The kinds of output the worker sends that this kind draws (``turtle`` …).
    outputs: tuple[str, ...] = ()


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


def page_modules() -> list[dict[str, object]]:
    """What the live-cell script loads of the kinds (``data-kinds``): module URL, selector, outputs."""
    return [
        {
            "name": kind.name,
            "module": browser_url(kind.name, kind.page_module),
            "selector": kind.selector,
            "outputs": list(kind.outputs),
        }
        for kind in activity_kinds()
        if kind.page_module
    ]


def browser_folder(kind: str) -> Path:
    """The folder of ``kind``'s browser files, published at :data:`BROWSER_URL` (it may not exist)."""
    return Path(__file__).parent / kind / BROWSER


def browser_url(kind: str, name: str) -> str:
    """Where the pages find ``kind``'s browser file ``name``, relative to ``_static/``."""
    return BROWSER_URL.format(kind=kind) + name
