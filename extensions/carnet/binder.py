"""Check that Binder's environment declares every third-party module the book's pages import.

A page that runs in the build (where everything is installed) can still fail on Binder, whose
environment is built only from ``binder/requirements.txt`` (or ``environment.yml``). After each
HTML build Carnet reads the imports of every executed notebook and warns (``carnet.binder``)
about modules whose distribution the environment file does not name.
"""

from __future__ import annotations

import ast
import json
import re
import sys
from collections.abc import Iterable
from functools import cache
from importlib import metadata
from pathlib import Path

from packaging.utils import canonicalize_name
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging

from .pages import notebook_pages

LOGGER = logging.getLogger(__name__)

#: Where Binder looks for an environment, in its order of preference.
ENVIRONMENT_FILES = ("binder/environment.yml", "binder/requirements.txt", "environment.yml", "requirements.txt")
_NAME = re.compile(r"^\s*-?\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def declared_distributions(text: str) -> set[str]:
    """Distribution names listed in a requirements.txt or a conda environment.yml (pip and conda lines)."""
    names = set()
    for line in text.splitlines():
        line = line.split("#", 1)[0]
        if not line.strip() or line.rstrip().endswith(":") or line.strip().startswith(("name:", "channels")):
            continue
        match = _NAME.match(line)
        if match and not line.strip().startswith("-r"):
            names.add(canonicalize_name(match.group(1)))
    return names


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


def undeclared(modules: Iterable[str], declared: set[str]) -> list[str]:
    """Modules none of whose distributions is declared, sorted."""
    return sorted(m for m in set(modules) if (dists := distributions_of(m)) and not dists & declared)


def notebook_imports(path: Path) -> set[str]:
    """Every module imported by the code cells of a notebook file."""
    cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
    modules: set[str] = set()
    for cell in cells:
        if cell.get("cell_type") == "code":
            source = cell.get("source", "")
            modules |= imported_modules("".join(source) if isinstance(source, list) else source)
    return modules


def environment_file(srcdir: Path) -> Path | None:
    """Binder's environment file for a book, searched in the book folder and its parents."""
    for folder in (srcdir, *srcdir.parents):
        for name in ENVIRONMENT_FILES:
            if (folder / name).is_file():
                return folder / name
        if (folder / ".git").exists():
            break
    return None


def binder_problems(env: BuildEnvironment) -> dict[str, list[str]]:
    """Pages importing modules Binder's environment does not declare, found by the last check."""
    if not hasattr(env, "carnet_binder_problems"):
        env.carnet_binder_problems = {}
    return env.carnet_binder_problems


def check_binder_environment(app: Sphinx, exception: Exception | None) -> None:
    """Warn about each page importing a module Binder's environment does not declare."""
    if exception is not None or app.builder.format != "html":
        return
    app.env.carnet_binder_problems = {}
    env_file = environment_file(Path(app.srcdir))
    if env_file is None:
        return
    declared = declared_distributions(env_file.read_text(encoding="utf-8"))
    executed = Path(app.env.mystnb_config.output_folder)
    problems = binder_problems(app.env)
    for docname in notebook_pages(app.env):
        notebook = executed / f"{docname}.ipynb"
        missing = undeclared(notebook_imports(notebook), declared) if notebook.is_file() else []
        if missing:
            problems[docname] = missing
            LOGGER.warning(
                f"imports {', '.join(missing)}, which {env_file.name} does not declare: "
                f"this page would fail on Binder [carnet.binder]",
                location=docname,
                type="carnet",
                subtype="binder",
            )


def setup_binder(app: Sphinx) -> None:
    """Check Binder's environment after each HTML build."""
    app.connect("build-finished", check_binder_environment)
