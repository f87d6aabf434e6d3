"""Carnet's data kept in the Sphinx environment (pickled between builds, merged from parallel readers)."""

from __future__ import annotations

from typing import Any

from sphinx.environment import BuildEnvironment


def env_dict(env: BuildEnvironment, name: str) -> dict[str, Any]:
    """The mapping stored in ``env`` under ``name``, created empty on first use (e.g. after an upgrade)."""
    if not hasattr(env, name):
        setattr(env, name, {})
    return getattr(env, name)
