"""The JupyterLite app (its static files, with the Pyodide kernel), built once per set of inputs.

jupyterlite-sphinx rebuilds the whole JupyterLite site on every Sphinx build (seconds, even when
nothing changed) and ships its source maps. The app depends only on the installed versions and a
few settings: Carnet builds it with ``jupyter lite build`` into the user cache under a hash of those
inputs; the book's notebooks are added to the site by :mod:`carnet.sphinxext.site.lite`.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import tempfile
from importlib import metadata
from pathlib import Path

from ..core.settings import LaunchConfig
from .npm import AssetError, cache_root, move_into_cache, run_tool

#: JupyterLite's configuration file, at the site root.
LITE_JSON = "jupyter-lite.json"
#: The apps Carnet ships: one-notebook view (default) and JupyterLab.
APPS = ("notebooks", "lab")
#: The module run as ``python -m`` to build the app (JupyterLite's command line).
LITE_MODULE = "jupyterlite_core"
#: Distributions whose versions decide what ``jupyter lite build`` produces.
APP_INPUTS = (
    "jupyterlite-core",
    "jupyterlite-pyodide-kernel",
    "jupytext",
    "jupyterlab-pygments",
    "jupyterlab-language-pack-fr-FR",
    "jupyterlab-server",
)
#: The interface languages Carnet installs, by the file ``jupyter lite build`` must write for each.
LANGUAGE_PACKS = {"jupyterlab-language-pack-fr-FR": "api/translations/fr_FR.json"}


def app_key(settings: LaunchConfig) -> str:
    """A hash of everything the JupyterLite app depends on (versions and settings)."""
    versions = {name: _installed(name) for name in APP_INPUTS}
    labextensions = sorted(
        str(path.relative_to(Path(sys.prefix)))
        for path in Path(sys.prefix, "share/jupyter/labextensions").glob("**/package.json")
    )
    inputs = {
        "versions": versions,
        "labextensions": labextensions,
        "apps": APPS,
        "sourcemaps": settings.sourcemaps,
        "format": 2,  # bump when build_app changes what it writes
    }
    return hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()[:16]


def _installed(distribution: str) -> str | None:
    """The installed version of ``distribution``, or None."""
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


def build_app(settings: LaunchConfig) -> Path:
    """The JupyterLite app for these settings, built into the cache on first use."""
    key = app_key(settings)
    target = cache_root() / "lite-app" / key
    if (target / LITE_JSON).is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
        output = Path(tmp) / "app"
        command = [sys.executable, "-m", LITE_MODULE, "build", "--output-dir", str(output)]
        command += [arg for app in APPS for arg in ("--apps", app)]
        command += ["--no-unused-shared-packages"] + ([] if settings.sourcemaps else ["--no-sourcemaps"])
        # An empty working folder: no stray jupyter_lite_config.json or files/ of the author's is picked up.
        # Carnet points the kernel at the book's Pyodide itself: no second copy from this variable.
        env = {key: value for key, value in os.environ.items() if key != "JUPYTERLITE_PYODIDE_URL"}
        proc = run_tool(command, "jupyter lite build", cwd=tmp, env=env)
        if proc.returncode != 0 or not (output / LITE_JSON).is_file():
            tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-30:])
            raise AssetError(f"the JupyterLite build failed (exit {proc.returncode}):\n{tail}")
        for pack, written in LANGUAGE_PACKS.items():
            if _installed(pack) and not (output / written).is_file():  # JupyterLite skips packs without a word
                raise AssetError(f"the JupyterLite build left out {pack} ({written}): is jupyterlab-server installed?")
        shutil.rmtree(output / "api" / "contents", ignore_errors=True)
        shutil.rmtree(output / "files", ignore_errors=True)
        move_into_cache(output, target, lambda folder: (folder / LITE_JSON).is_file())
    return target
