"""What Binder's environment provides, and which imports of a page it does not.

Binder builds its environment only from ``binder/requirements.txt`` (or ``environment.yml``): a
page that runs in the build, where everything is installed, can still fail there. A module is
provided when it is in the standard library, next to the page (a local module), or installed by
a declared distribution or by one of its own requirements (``myst_nb`` comes with
``jupyter-book``); Binder always installs the kernel (``ipykernel``, hence ``IPython``).
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterable
from functools import cache
from importlib import metadata

import yaml
from packaging.markers import default_environment
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

#: Distributions every Binder environment has: the Jupyter kernel and what it requires.
BINDER_BASE = ("ipykernel",)


def requirement_name(line: str) -> str | None:
    """The distribution a requirements.txt line installs, or ``None`` (options, paths, comments).

    ``-e .`` and local paths install the repository's own code (local modules are not flagged
    anyway); a VCS or URL line names its distribution only through ``#egg=``.
    """
    line = line.split(" #", 1)[0].strip()
    if not line or line.startswith("#"):
        return None
    if "#egg=" in line:
        return canonicalize_name(line.split("#egg=", 1)[1].split("&")[0].split("[")[0])
    if line.startswith(("-", ".", "/")) or "://" in line:
        return None
    try:
        return canonicalize_name(Requirement(line).name)
    except InvalidRequirement:
        return None


def conda_name(spec: str) -> str | None:
    """The package a conda dependency (``numpy=1.26``, ``conda-forge::pandas>=2``) installs."""
    name = spec.split("::")[-1].strip()
    for separator in ("=", "<", ">", "!", " ", "["):
        name = name.split(separator)[0]
    return canonicalize_name(name) if name and name != "python" else None


def declared_distributions(text: str, filename: str) -> set[str]:
    """Distribution names a ``requirements.txt`` or a conda ``environment.yml`` declares."""
    if not filename.endswith((".yml", ".yaml")):
        return {name for line in text.splitlines() if (name := requirement_name(line))}
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError:
        return set()
    dependencies = data.get("dependencies") if isinstance(data, dict) else None
    names: set[str] = set()
    for item in dependencies or []:
        if isinstance(item, str) and (name := conda_name(item)):
            names.add(name)
        elif isinstance(item, dict):
            names |= {name for line in item.get("pip") or [] if (name := requirement_name(str(line)))}
    return names


@cache
def _requires(distribution: str) -> tuple[str, ...]:
    """The distributions ``distribution`` requires (installed metadata, markers evaluated, no extras)."""
    try:
        lines = metadata.requires(distribution) or []
    except metadata.PackageNotFoundError:
        return ()
    environment = default_environment()
    names = []
    for line in lines:
        try:
            requirement = Requirement(line)
        except InvalidRequirement:
            continue
        if requirement.marker is None or requirement.marker.evaluate({**environment, "extra": ""}):
            names.append(canonicalize_name(requirement.name))
    return tuple(names)


def provided_distributions(declared: Iterable[str]) -> set[str]:
    """The declared distributions, Binder's base, and everything they require, recursively."""
    seen: set[str] = set()
    todo = [canonicalize_name(name) for name in (*declared, *BINDER_BASE)]
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo.extend(_requires(name))
    return seen


def imported_modules(source: str) -> set[str]:
    """Top-level modules imported by a cell (IPython magics and shell lines are skipped)."""
    lines = [line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))]
    try:
        tree = ast.parse("\n".join(lines))
    except SyntaxError:
        return set()
    modules = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules.add(node.module.split(".")[0])
    return modules


@cache
def _module_distributions() -> dict[str, list[str]]:
    return metadata.packages_distributions()


def distributions_of(module: str) -> set[str]:
    """Distributions providing ``module`` in this environment; empty for the standard library."""
    if module in sys.stdlib_module_names:
        return set()
    return {canonicalize_name(name) for name in _module_distributions().get(module, [module])}


def undeclared(modules: Iterable[str], provided: set[str], local: set[str]) -> list[str]:
    """Modules that are neither local nor installed by any ``provided`` distribution, sorted."""
    return sorted(
        module for module in set(modules) - local if (dists := distributions_of(module)) and not dists & provided
    )
