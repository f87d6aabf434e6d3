"""The book's JupyterLite site: the app built once per set of inputs, the notebooks refreshed each build.

jupyterlite-sphinx rebuilds the whole JupyterLite site on every Sphinx build (seconds, even when
nothing changed) and ships its source maps. Carnet splits the work:

- the **app** (JupyterLite's static files, with the Pyodide kernel) depends only on the installed
  versions and a few settings; it is built with ``jupyter lite build`` into the user cache under a
  hash of those inputs, and copied into the site only when that hash changes;
- the **contents** (the book's executable pages as notebooks, with their build outputs, and their
  data files) are synced file by file into ``<lite>/files/``, with the Contents API listings that
  JupyterLite reads (``<lite>/api/contents/**/all.json``) written by Carnet.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from datetime import datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from sphinx.errors import ExtensionError
from sphinx.util import logging

from .assets import cache_root
from .config import LaunchConfig
from .i18n import language_code

LOGGER = logging.getLogger(__name__)

#: Files in the site that record which app build they hold.
APP_STAMP = ".carnet-lite-app"
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
)
#: JupyterLab locales Carnet ships a language pack for, by book language (English is built in).
LOCALES = {"fr": "fr_FR"}


def app_key(settings: LaunchConfig) -> str:
    """A hash of everything the JupyterLite app depends on (versions and settings)."""
    versions = {}
    for name in APP_INPUTS:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    labextensions = sorted(
        str(path.relative_to(Path(sys.prefix)))
        for path in Path(sys.prefix, "share/jupyter/labextensions").glob("**/package.json")
    )
    inputs = {
        "versions": versions,
        "labextensions": labextensions,
        "apps": APPS,
        "sourcemaps": settings.sourcemaps,
        "format": 2,  # bump when install_app changes what it writes
    }
    return hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()[:16]


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
        proc = subprocess.run(command, cwd=tmp, env=env, capture_output=True, text=True, timeout=900)
        if proc.returncode != 0 or not (output / LITE_JSON).is_file():
            tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-30:])
            raise ExtensionError(f"the JupyterLite build failed (exit {proc.returncode}):\n{tail}")
        shutil.rmtree(output / "api" / "contents", ignore_errors=True)
        shutil.rmtree(target, ignore_errors=True)
        output.rename(target)
    LOGGER.info(f"[carnet] JupyterLite app built in the cache ({key})")
    return target


#: JupyterLite's plugin id of the Pyodide kernel, whose settings Carnet sets.
KERNEL_PLUGIN = "@jupyterlite/pyodide-kernel-extension:kernel"


def install_app(app_dir: Path, site: Path, kernel: dict[str, object], language: str | None = None) -> bool:
    """Copy the app into the site unless it already holds this build; return whether it copied."""
    locale = LOCALES.get(language_code(language))
    patch = json.dumps({"kernel": kernel, "locale": locale}, sort_keys=True)
    key = app_dir.name + ":" + hashlib.sha256(patch.encode()).hexdigest()[:16]
    stamp = site / APP_STAMP
    if stamp.is_file() and stamp.read_text() == key:
        return False
    keep = {"files", "api"}
    if site.exists():
        for entry in site.iterdir():
            if entry.name not in keep:
                shutil.rmtree(entry) if entry.is_dir() and not entry.is_symlink() else entry.unlink()
    shutil.copytree(app_dir, site, dirs_exist_ok=True)
    config = json.loads((site / LITE_JSON).read_text())
    data = config.setdefault("jupyter-config-data", {})
    data["contentsAllJsonFile"] = "all.json"
    # Course notebooks are short: render every cell, so the browser's find-in-page sees them all.
    overrides = data.setdefault("settingsOverrides", {})
    overrides.setdefault("@jupyterlab/notebook-extension:tracker", {})["windowingMode"] = "none"
    if locale:  # the interface in the book's language
        overrides.setdefault("@jupyterlab/translation-extension:plugin", {})["locale"] = locale
    data.setdefault("litePluginSettings", {}).setdefault(KERNEL_PLUGIN, {}).update(kernel)
    (site / LITE_JSON).write_text(json.dumps(config, indent=2, sort_keys=True))
    stamp.write_text(key)
    return True


def sync_files(wanted: dict[str, Path], files_dir: Path) -> bool:
    """Make ``files_dir`` hold exactly ``wanted`` (relative path → source); return whether it changed."""
    changed = False
    for relative, source in wanted.items():
        target = files_dir / relative
        data = source.read_bytes()
        if not target.is_file() or target.read_bytes() != data:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            changed = True
    if files_dir.exists():
        for path in sorted(files_dir.rglob("*"), reverse=True):
            relative = path.relative_to(files_dir).as_posix()
            if path.is_file() and relative not in wanted:
                path.unlink()
                changed = True
            elif path.is_dir() and not any(path.iterdir()):
                path.rmdir()
                changed = True
    return changed


def _isoformat(value: Any) -> str:
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    raise TypeError(f"not JSON serialisable: {value!r}")


def write_listings(site: Path) -> None:
    """Write the Contents API listing of every folder of ``files/``, as ``jupyter lite build`` does."""
    from jupyter_server.services.contents.filemanager import FileContentsManager

    files_dir = site / "files"
    files_dir.mkdir(parents=True, exist_ok=True)
    api = site / "api" / "contents"
    shutil.rmtree(api, ignore_errors=True)
    manager = FileContentsManager(root_dir=str(files_dir))
    for folder in [files_dir, *sorted(p for p in files_dir.rglob("*") if p.is_dir())]:
        relative = folder.relative_to(files_dir).as_posix()
        listing = manager.get("" if relative == "." else relative)
        target = api / ("" if relative == "." else relative) / "all.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(listing, default=_isoformat, indent=2, sort_keys=True))


def publish_lite(
    site: Path, settings: LaunchConfig, contents: dict[str, Path], kernel: dict[str, object], language: str | None
) -> dict[str, bool]:
    """Bring the site's JupyterLite folder up to date; say what had to be redone."""
    app_copied = install_app(build_app(settings), site, kernel, language)
    files_changed = sync_files(contents, site / "files")
    if app_copied or files_changed or not (site / "api" / "contents" / "all.json").is_file():
        write_listings(site)
    return {"app": app_copied, "files": files_changed}
