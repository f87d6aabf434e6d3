"""Carnet's settings: declared once, typed, validated when Sphinx reads the configuration.

Authors write them in ``_config.yml`` under ``sphinx: config: carnet:``. Every problem is
reported with the key path (``carnet.launch.try_it``) and stops the build before anything runs,
so a typo never silently falls back to a default.
"""

from __future__ import annotations

import dataclasses
import typing
from dataclasses import dataclass, field
from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.errors import ConfigError


@dataclass(frozen=True)
class LaunchConfig:
    """``carnet.launch``: the "try it" (JupyterLite) button and the JupyterLite site."""

    #: Show the try-it button on executable pages (a page may opt out with ``carnet: {try_it: false}``).
    try_it: bool = True
    #: Folder of the JupyterLite site inside the built book.
    lite_dir: str = "lite"
    #: JupyterLite interface the button opens: ``notebooks`` (one notebook) or ``lab``.
    interface: str = "notebooks"
    #: Glob patterns (relative to the book) never copied into the JupyterLite site.
    private: tuple[str, ...] = ("**/private", "**/private/**", "**/_private", "**/_private/**")
    #: Keep JupyterLite's JavaScript source maps (about 49 MB; only useful to debug JupyterLite).
    sourcemaps: bool = False


@dataclass(frozen=True)
class LiveConfig:
    """``carnet.live``: running and editing code cells in the page."""

    #: Give code cells Run controls and an editor on executable pages.
    enabled: bool = True
    #: Where cells run: ``pyodide`` (in the reader's browser) or ``binder`` (a remote Jupyter server,
    #: through sphinx-thebe). A page may choose with ``carnet: {backend: …}``.
    backend: str = "pyodide"
    #: When the runtime starts: ``intent`` (the reader hovers or focuses a code cell), ``idle``
    #: (in the background once the page is idle), or ``run`` (only when a cell is run).
    prewarm: str = "intent"


@dataclass(frozen=True)
class RuntimeConfig:
    """``carnet.runtime``: where the browser gets Pyodide and its packages."""

    #: ``self``: Pyodide is served by the book; ``cdn``: everything comes from ``cdn_url``.
    source: str = "self"
    #: Where compiled packages (numpy, matplotlib…) come from when the book does not host them.
    cdn_url: str = "https://cdn.jsdelivr.net/pyodide/v{version}/full/"
    #: A full Pyodide distribution (folder or ``.tar.bz2`` archive, e.g. from a release) to host
    #: whole, compiled packages included; empty: host the core and pure-Python packages only.
    distribution: str = ""


@dataclass(frozen=True)
class CarnetConfig:
    """``carnet``: every Carnet setting."""

    launch: LaunchConfig = field(default_factory=LaunchConfig)
    live: LiveConfig = field(default_factory=LiveConfig)
    runtime: RuntimeConfig = field(default_factory=RuntimeConfig)


CHOICES: dict[str, tuple[str, ...]] = {
    "carnet.launch.interface": ("notebooks", "lab"),
    "carnet.live.backend": ("pyodide", "binder"),
    "carnet.live.prewarm": ("intent", "idle", "run"),
    "carnet.runtime.source": ("self", "cdn"),
}


def _describe(kind: Any) -> str:
    if kind is bool:
        return "true or false"
    if typing.get_origin(kind) is tuple:
        return "a list of strings"
    return {str: "a string", int: "an integer"}.get(kind, str(kind))


def _parse(kind: Any, value: Any, path: str) -> Any:
    """Check ``value`` against the field type ``kind``; return it in that type."""
    if dataclasses.is_dataclass(kind):
        return parse_section(kind, value, path)
    if kind is bool:
        ok = isinstance(value, bool)
    elif typing.get_origin(kind) is tuple:
        ok = isinstance(value, list | tuple) and all(isinstance(item, str) for item in value)
        value = tuple(value) if ok else value
    else:
        ok = isinstance(value, kind) and not isinstance(value, bool)
    if not ok:
        raise ConfigError(f"{path}: expected {_describe(kind)}, got {value!r}")
    if path in CHOICES and value not in CHOICES[path]:
        raise ConfigError(f"{path}: expected one of {', '.join(CHOICES[path])}, got {value!r}")
    return value


def parse_section(cls: type, data: Any, path: str) -> Any:
    """Build the dataclass ``cls`` from a mapping, naming the key path of any problem."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping of settings, got {data!r}")
    hints = typing.get_type_hints(cls)
    known = {f.name for f in dataclasses.fields(cls)}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ConfigError(f"{path}.{unknown[0]}: unknown setting (known: {', '.join(sorted(known))})")
    return cls(**{name: _parse(hints[name], value, f"{path}.{name}") for name, value in data.items()})


def carnet_config(app: Sphinx) -> CarnetConfig:
    """The validated settings of this build (read them only through here)."""
    return app.config.carnet_settings


def validate(app: Sphinx, config: Config) -> None:
    """Parse ``carnet`` once, early; any error stops the build with its key path."""
    config.carnet_settings = parse_section(CarnetConfig, config.carnet, "carnet")


def setup_config(app: Sphinx) -> None:
    """Declare the ``carnet`` setting and validate it before anything else of Carnet runs."""
    app.add_config_value("carnet", {}, "env", types=[dict])
    app.add_config_value("carnet_settings", CarnetConfig(), "", types=[CarnetConfig])
    app.connect("config-inited", validate, priority=100)
