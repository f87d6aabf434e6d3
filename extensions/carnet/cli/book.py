"""A book folder on disk, checked before anything runs: its two YAML files must be readable.

Jupyter Book reads ``_config.yml`` and ``_toc.yml`` before Sphinx starts, and answers a YAML
mistake with a Python traceback. ``carnet`` reads them first and names the file, line and problem.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

import yaml

from ..core.errors import CarnetError
from ..core.i18n import translate
from ..core.notebooks import timeout_problem
from ..core.paths import BookPaths
from ..core.toc import toc_problem
from ..core.urls import site_path


def read_yaml(path: Path) -> Any:
    """Parse a YAML file, turning any syntax error into a message naming the file and line."""
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "somewhere"
        raise CarnetError(f"{path.name}: not valid YAML at {where}: {err.problem}") from err
    except yaml.YAMLError as err:
        raise CarnetError(f"{path.name}: not valid YAML: {err}") from err


def book_settings(paths: BookPaths) -> dict[str, Any]:
    """The book's ``_config.yml`` as a mapping (checked), for the few settings the command needs."""
    config = read_yaml(paths.config)
    if config is None:
        return {}
    if not isinstance(config, dict):
        raise CarnetError(f"_config.yml: expected a mapping of settings (key: value), got {type(config).__name__}")
    return config


def published_path(paths: BookPaths) -> str:
    """The URL path the book will be served under (``/REPO/``), from its ``_config.yml``."""
    config = book_settings(paths)
    return site_path((config.get("html") or {}).get("baseurl", ""), (config.get("repository") or {}).get("url", ""))


def book_language(config: dict[str, Any]) -> str | None:
    """The book's language (``sphinx.config.language``), for the messages about the book."""
    sphinx = config.get("sphinx")
    settings = sphinx.get("config") if isinstance(sphinx, dict) else None
    language = settings.get("language") if isinstance(settings, dict) else None
    return language if isinstance(language, str) else None


def read_toc_shape(paths: BookPaths, language: str | None) -> None:
    """``_toc.yml`` must have Jupyter Book 1's shape; its entries' pages are checked by the build."""
    read_yaml(paths.toc)  # a YAML mistake is named first, with its line
    problem = toc_problem(paths.toc.read_text(encoding="utf-8"))
    if problem:
        key, values = problem
        raise CarnetError(translate(language, key, toc=paths.toc.name, **values))


def book_edition(config: dict[str, Any], student: bool) -> str:
    """The edition to build: ``student`` when asked (``--student``) or set in ``_config.yml``, else ``teacher``.

    Read before Sphinx starts (each edition has its own build folders); Sphinx validates the setting.
    """
    carnet = ((config.get("sphinx") or {}).get("config") or {}).get("carnet") or {}
    exercises = carnet.get("exercises") if isinstance(carnet, dict) else None
    edition = exercises.get("edition") if isinstance(exercises, dict) else None
    return "student" if student or edition == "student" else "teacher"


def book_paths(source: Path, student: bool = False) -> BookPaths:
    """Check that ``source`` is a readable book folder and return its paths (for the edition built)."""
    paths = BookPaths(source.resolve())
    if not paths.source.is_dir():
        raise CarnetError(f"{source}: no such folder")
    for required in (paths.config, paths.toc):
        if not required.is_file():
            raise CarnetError(f"{required}: not found; a Carnet book needs _config.yml and _toc.yml")
    config = book_settings(paths)
    check_carnet_loaded(config)
    check_execute_settings(config)
    read_toc_shape(paths, book_language(config))
    return BookPaths(paths.source, book_edition(config, student))


def check_carnet_loaded(config: dict[str, Any]) -> None:
    """The book must load Carnet, or it would build "successfully" without any of Carnet's checks."""
    sphinx = config.get("sphinx") or {}
    extensions = sphinx.get("extra_extensions") if isinstance(sphinx, dict) else None
    if isinstance(extensions, list) and "carnet" in extensions:
        return
    if isinstance(sphinx, dict):  # the other ways Jupyter Book loads an extension
        local = sphinx.get("local_extensions")
        listed = (sphinx.get("config") or {}).get("extensions") if isinstance(sphinx.get("config"), dict) else None
        if (isinstance(local, dict) and "carnet" in local) or (isinstance(listed, list) and "carnet" in listed):
            return
    hint = ""
    if isinstance(sphinx, dict) and extensions is None:
        close = difflib.get_close_matches("extra_extensions", [str(key) for key in sphinx], n=1)
        hint = f" (_config.yml has sphinx.{close[0]}: did you mean sphinx.extra_extensions?)" if close else ""
    elif isinstance(extensions, list):
        close = difflib.get_close_matches("carnet", [str(name) for name in extensions], n=1)
        hint = f" ({close[0]!r}: did you mean 'carnet'?)" if close else ""
    raise CarnetError(
        f"_config.yml: sphinx.extra_extensions does not list carnet{hint}; without it the book would be built "
        "with no execution check, no Run buttons and no JupyterLite. Add:\n  sphinx:\n    extra_extensions: [carnet]"
    )


def check_execute_settings(config: dict[str, Any]) -> None:
    """``execute.timeout`` must be a number: Sphinx would ignore a text with a mere warning."""
    execute = config.get("execute") or {}
    if isinstance(execute, dict) and "timeout" in execute and (problem := timeout_problem(execute["timeout"])):
        raise CarnetError(f"_config.yml: execute.timeout: {problem}")
