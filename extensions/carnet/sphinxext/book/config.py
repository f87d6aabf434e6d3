"""Declare the ``carnet`` setting and validate it when Sphinx reads the configuration.

The schema lives in :mod:`carnet.core.settings`; here it meets Sphinx: a problem stops the build
with its key path (``carnet.launch.try_it: expected true or false, got 'oui'``) before any page is
read, and every feature reads the parsed settings through :func:`carnet_config`.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.errors import ConfigError

from ...core.i18n import language_code, translate
from ...core.settings import CarnetConfig, SettingError, missing_book_path, parse_config
from .state import Languages, build_state


def author_language(app: Sphinx) -> str:
    """The language Carnet speaks to the author in (resolved once, see :func:`resolve_languages`)."""
    state = build_state(app)
    if state.languages is None:
        resolve_languages(app, app.config)
    return state.languages.author


def resolve_languages(app: Sphinx, config: Config) -> None:
    """The author's language and the readers', once per build.

    Readers get the book's ``language``. The author gets the language ``carnet_author_language``
    names (the ``carnet`` command passes the run's, so that its lines and the build's never mix),
    else the book's.
    """
    reader = language_code(config.language)
    build_state(app).languages = Languages(language_code(config.carnet_author_language or reader), reader)


def carnet_config(app: Sphinx) -> CarnetConfig:
    """The validated settings of this build (read them only through here)."""
    return app.config.carnet_settings


def validate(app: Sphinx, config: Config) -> None:
    """Parse ``carnet`` once, early; any error stops the build with its file and key path."""
    resolve_languages(app, config)
    language = author_language(app)
    try:
        settings = parse_config(config.carnet)
        if missing := missing_book_path(settings, Path(app.srcdir)):
            raise missing
    except SettingError as err:
        problem = err.text(language)
        raise ConfigError(translate(language, "config.in_file", file="_config.yml", problem=problem)) from None
    if config.carnet_edition:  # `carnet build --edition …`
        settings = replace(settings, exercises=replace(settings.exercises, edition=config.carnet_edition))
    if settings.exercises.edition == "teacher" and Path(app.outdir).name == "html":
        # `jupyter-book build .` writes into _build/html, which the workflow and carnet publish push.
        raise ConfigError(translate(language, "student.teacher_in_html", outdir=app.outdir))
    config.carnet_settings = settings


def setup_config(app: Sphinx) -> None:
    """Declare the ``carnet`` setting and validate it before anything else of Carnet runs."""
    app.add_config_value("carnet", {}, "env", types=[dict])
    app.add_config_value("carnet_edition", "", "env", types=[str])
    app.add_config_value("carnet_author_language", "", "", types=[str])
    app.add_config_value("carnet_settings", CarnetConfig(), "", types=[CarnetConfig])
    app.connect("config-inited", validate, priority=100)
