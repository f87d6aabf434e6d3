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

from ..core.i18n import author_language, translate
from ..core.settings import CarnetConfig, SettingError, missing_book_path, parse_config


def carnet_config(app: Sphinx) -> CarnetConfig:
    """The validated settings of this build (read them only through here)."""
    return app.config.carnet_settings


def validate(app: Sphinx, config: Config) -> None:
    """Parse ``carnet`` once, early; any error stops the build with its file and key path."""
    language = author_language(config.language)
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
    app.add_config_value("carnet_settings", CarnetConfig(), "", types=[CarnetConfig])
    app.connect("config-inited", validate, priority=100)
