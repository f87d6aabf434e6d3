"""Start-up time of the command: defer one import that costs seconds and is almost never used.

``jsonschema`` (which nbformat, and so Sphinx's notebook reading, imports) imports
``rfc3987_syntax`` when it is installed — ``jupyter_events`` requires it — and that module compiles
38 grammars when imported: 2.5 s of every ``carnet`` command on a 2-core machine, half of a
no-change rebuild. jsonschema uses one function of it, to check the ``iri`` formats no notebook
schema has. Carnet puts a stand-in module first: its ``is_valid_syntax`` imports the real module
on its first call, so any check that needs it behaves exactly as before.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types

DEFERRED = "rfc3987_syntax"


class _Deferred(types.ModuleType):
    """A stand-in for ``rfc3987_syntax`` until something really uses it."""

    def is_valid_syntax(self, *args: object, **kwargs: object) -> bool:
        """The real ``rfc3987_syntax.is_valid_syntax``, imported now."""
        if sys.modules.get(DEFERRED) is self:
            del sys.modules[DEFERRED]
        return importlib.import_module(DEFERRED).is_valid_syntax(*args, **kwargs)


def defer_slow_imports() -> None:
    """Put the stand-in in place, unless the real module is already imported or absent."""
    if DEFERRED in sys.modules or importlib.util.find_spec(DEFERRED) is None:
        return
    sys.modules[DEFERRED] = _Deferred(DEFERRED)
