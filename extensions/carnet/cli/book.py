"""A book folder on disk, checked before anything runs: its two YAML files must be readable.

Jupyter Book reads ``_config.yml`` and ``_toc.yml`` before Sphinx starts, and answers a YAML
mistake with a Python traceback. ``carnet`` reads them first and names the file, line and problem.
"""

from __future__ import annotations

import difflib
import importlib
from pathlib import Path
from types import ModuleType
from typing import Any

import yaml

from ..core.errors import CarnetError
from ..core.i18n import said, translate
from ..core.notebooks import timeout_problem
from ..core.paths import BookPaths
from ..core.settings import EDITIONS
from ..core.toc import toc_problem
from ..core.urls import site_path
from .language import cli_language, say


def read_yaml(path: Path) -> Any:
    """Parse a YAML file, turning any syntax error into a message naming the file and line."""
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark
        if mark is None:
            raise CarnetError(say("yaml_invalid", file=path.name, problem=err.problem)) from err
        where = say("yaml_where", line=mark.line + 1, column=mark.column + 1)
        raise CarnetError(say("yaml_invalid_at", file=path.name, where=where, problem=err.problem)) from err
    except yaml.YAMLError as err:
        raise CarnetError(say("yaml_invalid", file=path.name, problem=err)) from err


def book_settings(paths: BookPaths) -> dict[str, Any]:
    """The book's ``_config.yml`` as a mapping (checked), for the few settings the command needs."""
    config = read_yaml(paths.config)
    if config is None:
        return {}
    if not isinstance(config, dict):
        raise CarnetError(say("config_not_mapping", kind=type(config).__name__))
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


def language_at(folder: Path) -> str | None:
    """The language of the book in ``folder``, if it has a readable ``_config.yml`` that sets one."""
    try:
        config = yaml.safe_load((folder / "_config.yml").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None
    return book_language(config) if isinstance(config, dict) else None


def read_toc_shape(paths: BookPaths, language: str | None) -> None:
    """``_toc.yml`` must be what sphinx-external-toc accepts; its entries' pages are checked by the build.

    Carnet's own check names the line and the fix of every mistake sphinx-external-toc refuses; should
    a later version refuse something more, its parser is run too, so that the author still gets one
    line naming the file instead of Sphinx's extension error.
    """
    data = read_yaml(paths.toc)  # a YAML mistake is named first, with its line
    problem = toc_problem(paths.toc.read_text(encoding="utf-8"))
    if problem:
        key, values = problem
        raise CarnetError(said(key, toc=paths.toc.name, **values).text(cli_language()))
    parsing = jupyter_book_module("sphinx_external_toc.parsing")  # Jupyter Book's: only a _toc.yml needs it
    try:
        parsing.parse_toc_data(data)
    except Exception as err:  # anything it raises is about the author's file (it knows nothing else)
        raise CarnetError(translate(cli_language(), "toc.refused", toc=paths.toc.name, problem=err)) from err


def jupyter_book_module(name: str) -> ModuleType:
    """A module of Jupyter Book 1 or of what it brings; a plain error where the ``book`` extra is missing.

    Carnet's Sphinx side runs without Jupyter Book (``sphinx-build`` on a ``conf.py`` project, on the
    newest Sphinx); its command builds books with it, so it names the install line instead of failing
    on an import.
    """
    try:
        return importlib.import_module(name)
    except ImportError as err:
        raise CarnetError(say("needs_book", module=name.split(".")[0])) from err


def book_edition(config: dict[str, Any], edition: str | None) -> str:
    """The edition to build: the one asked for (``--edition``), else ``_config.yml``'s, else ``student``.

    Read before Sphinx starts (each edition has its own build folders); Sphinx validates the setting.
    """
    carnet = ((config.get("sphinx") or {}).get("config") or {}).get("carnet") or {}
    exercises = carnet.get("exercises") if isinstance(carnet, dict) else None
    chosen = edition or (exercises.get("edition") if isinstance(exercises, dict) else None)
    return chosen if chosen in EDITIONS else "student"


def book_paths(source: Path, edition: str | None = None, shard: tuple[int, int] | None = None) -> BookPaths:
    """Check that ``source`` is a readable book folder and return its paths (for the edition built)."""
    paths = BookPaths(source.resolve())
    if not paths.source.is_dir():
        raise CarnetError(say("no_folder", dir=source))
    if not paths.config.is_file() and (paths.source / "conf.py").is_file():
        raise CarnetError(say("plain_sphinx", file=paths.source / "conf.py"))
    for required in (paths.config, paths.toc):
        if not required.is_file():
            raise CarnetError(say("not_a_book", file=required))
    config = book_settings(paths)
    check_carnet_loaded(config)
    check_execute_settings(config)
    read_toc_shape(paths, book_language(config))
    return BookPaths(paths.source, book_edition(config, edition), shard)


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
        hint = say("carnet_missing_key", key=close[0]) if close else ""
    elif isinstance(extensions, list):
        close = difflib.get_close_matches("carnet", [str(name) for name in extensions], n=1)
        hint = say("carnet_missing_name", name=repr(close[0])) if close else ""
    raise CarnetError(say("carnet_missing", hint=f" ({hint})" if hint else ""))


def check_execute_settings(config: dict[str, Any]) -> None:
    """``execute.timeout`` must be a number: Sphinx would ignore a text with a mere warning."""
    execute = config.get("execute") or {}
    if isinstance(execute, dict) and "timeout" in execute and (problem := timeout_problem(execute["timeout"])):
        raise CarnetError(f"_config.yml: execute.timeout: {problem.text(cli_language())}")
