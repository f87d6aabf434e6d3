"""Check that Binder's environment provides every module the book's pages import.

After each HTML build Carnet reads the imports of every executed notebook and warns
(``carnet.binder``) about modules Binder's environment would not have (see
:mod:`carnet.core.requirements`). ``suppress_warnings: [carnet.binder]`` silences the warning and
the ``carnet check`` gate alike.
"""

from __future__ import annotations

import json
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging
from sphinx.util.logging import is_suppressed_warning

from ...core.i18n import translate
from ...core.requirements import declared_distributions, imported_modules, provided_distributions, undeclared
from ..book.config import author_language
from ..book.envdata import env_data
from ..book.pages import notebook_pages

LOGGER = logging.getLogger(__name__)

#: Where Binder looks for an environment, in its order of preference.
ENVIRONMENT_FILES = ("binder/environment.yml", "binder/requirements.txt", "environment.yml", "requirements.txt")


def notebook_imports(path: Path) -> set[str]:
    """Every module imported by the code cells of a notebook file."""
    cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
    modules: set[str] = set()
    for cell in cells:
        if cell.get("cell_type") == "code":
            source = cell.get("source", "")
            modules |= imported_modules("".join(source) if isinstance(source, list) else source)
    return modules


def local_modules(*folders: Path) -> set[str]:
    """Modules a page can import from the book's folders: ``name.py`` files and packages.

    A package is a folder with ``__init__.py`` or, since Python 3.3, any folder holding Python
    files (a namespace package: ``outils/graphes.py`` is ``import outils.graphes``).
    """
    names = set()
    for folder in folders:
        for path in folder.iterdir() if folder.is_dir() else []:
            if path.name.startswith("."):
                continue
            if path.suffix == ".py" or (path.is_dir() and any(path.glob("*.py"))):
                names.add(path.stem if path.is_file() else path.name)
    return names


def page_folders(srcdir: Path, docname: str) -> list[Path]:
    """The page's folder and each folder above it up to the book's: where its imports may come from.

    A page in ``chapitre/`` that adds ``..`` to ``sys.path`` imports the book's own modules.
    """
    folder = srcdir / Path(docname).parent
    return [folder, *[parent for parent in folder.parents if parent.is_relative_to(srcdir)]]


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
    """Pages importing modules Binder's environment does not provide, found by the last check."""
    return env_data(env).binder_problems


def check_binder_environment(app: Sphinx, exception: Exception | None) -> None:
    """Warn about each page importing a module Binder's environment does not provide."""
    if exception is not None or app.builder.format != "html":
        return
    env_data(app.env).binder_problems = {}
    env_file = environment_file(Path(app.srcdir))
    if env_file is None or is_suppressed_warning("carnet", "binder", app.config.suppress_warnings):
        return
    provided = provided_distributions(declared_distributions(env_file.read_text(encoding="utf-8"), env_file.name))
    executed = Path(app.env.mystnb_config.output_folder)
    srcdir = Path(app.srcdir)
    problems = binder_problems(app.env)
    for docname in notebook_pages(app.env):
        notebook = executed / f"{docname}.ipynb"
        if not notebook.is_file():
            continue
        local = local_modules(*page_folders(srcdir, docname))
        missing = undeclared(notebook_imports(notebook), provided, local)
        if missing:
            problems[docname] = missing
            LOGGER.warning(
                translate(
                    author_language(app),
                    "binder.undeclared",
                    modules=", ".join(missing),
                    file=env_file.name,
                )
                + " [carnet.binder]",
                location=docname,
                type="carnet",
                subtype="binder",
            )


def setup_binder(app: Sphinx) -> None:
    """Check Binder's environment after each HTML build."""
    app.connect("build-finished", check_binder_environment)
