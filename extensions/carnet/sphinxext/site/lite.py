"""The book's JupyterLite site: the cached app, the book's notebooks and the Contents API listings.

At the end of each successful HTML build, ``<site>/<lite_dir>/`` is brought up to date:

- the **app** (:mod:`carnet.assets.lite_app`) is copied in only when its build or its settings
  (the kernel's Pyodide, the interface language) changed;
- the **contents** (each "try it" page as its executed notebook, as the pupil gets it: starters,
  public tests, no written solution; with the files of the folders of
  those pages and of the pages with live cells, see :func:`carnet.sphinxext.page.launch.lite_contents`) are written
  file by file into ``files/``, with the listings
  JupyterLite reads (``api/contents/**/all.json``).

Every file Carnet writes there is recorded in the folder's manifest (:mod:`carnet.core.manifest`);
a later build deletes only files that manifest lists and that it no longer writes.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import nbformat
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.errors import ExtensionError
from sphinx.util import logging

from ...activities.code.page import live_pages
from ...activities.exercise.pupil import pupil_notebook
from ...assets.lite_app import LITE_JSON, build_app
from ...assets.npm import AssetError
from ...assets.runtime import pyodide_cdn
from ...core.i18n import language_code, translate
from ...core.manifest import read_manifest, remove_unlisted, write_if_changed, write_manifest
from ...core.urls import lite_kernel_settings
from ..book.config import author_language, carnet_config
from ..book.pages import page_problems
from ..page.launch import lite_contents, lite_pages
from ..page.statics import downloading

LOGGER = logging.getLogger(__name__)

#: JupyterLab locales Carnet ships a language pack for, by book language (English is built in).
LOCALES = {"fr": "fr_FR"}
#: JupyterLite's plugin id of the Pyodide kernel, whose settings Carnet sets.
KERNEL_PLUGIN = "@jupyterlite/pyodide-kernel-extension:kernel"


def lite_config(app_dir: Path, kernel: dict[str, object], locale: str | None) -> bytes:
    """The app's ``jupyter-lite.json`` with Carnet's settings: the book's Pyodide, its language, every cell shown."""
    config = json.loads((app_dir / LITE_JSON).read_text(encoding="utf-8"))
    data = config.setdefault("jupyter-config-data", {})
    data["contentsAllJsonFile"] = "all.json"
    # Course notebooks are short: render every cell, so the browser's find-in-page sees them all.
    overrides = data.setdefault("settingsOverrides", {})
    overrides.setdefault("@jupyterlab/notebook-extension:tracker", {})["windowingMode"] = "none"
    if locale:  # the interface in the book's language
        overrides.setdefault("@jupyterlab/translation-extension:plugin", {})["locale"] = locale
    data.setdefault("litePluginSettings", {}).setdefault(KERNEL_PLUGIN, {}).update(kernel)
    return json.dumps(config, indent=2, sort_keys=True).encode()


def install_app(app_dir: Path, site: Path, config: bytes, installed: str | None) -> tuple[list[str], str, bool]:
    """Copy the app into the site unless it already holds this build with this configuration.

    Return the app's files (relative to the site), the stamp of what is installed, and whether it copied.
    """
    stamp = app_dir.name + ":" + hashlib.sha256(config).hexdigest()[:16]
    files = sorted(p.relative_to(app_dir).as_posix() for p in app_dir.rglob("*") if p.is_file())
    if installed == stamp and all((site / name).is_file() for name in files):
        return files, stamp, False
    for name in files:
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(app_dir / name, site / name)
    (site / LITE_JSON).write_bytes(config)
    return files, stamp, True


def _isoformat(value: Any) -> str:
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    raise TypeError(f"not JSON serialisable: {value!r}")


def listings(files_dir: Path) -> dict[str, bytes]:
    """The Contents API listing of every folder of ``files/``, as ``jupyter lite build`` writes them."""
    from jupyter_server.services.contents.filemanager import FileContentsManager

    manager = FileContentsManager(root_dir=str(files_dir))
    result = {}
    for folder in [files_dir, *sorted(p for p in files_dir.rglob("*") if p.is_dir())]:
        relative = folder.relative_to(files_dir).as_posix()
        path = "" if relative == "." else relative
        listing = manager.get(path)
        target = "/".join(part for part in ("api/contents", path, "all.json") if part)
        result[target] = json.dumps(listing, default=_isoformat, indent=2, sort_keys=True).encode()
    return result


def update_lite_site(
    site: Path,
    manifest_path: Path,
    app_dir: Path,
    contents: dict[str, Path | bytes],
    kernel: dict[str, object],
    language: str | None,
) -> dict[str, bool]:
    """Bring the JupyterLite folder ``site`` up to date; say what had to be redone."""
    manifest = read_manifest(manifest_path)
    before = set(manifest.get("files", []))
    # Where the site was, relative to the manifest's folder (the build folder): it moves with the book.
    folder = site.relative_to(manifest_path.parent).as_posix()
    previous = manifest_path.parent / manifest["folder"] if "folder" in manifest else site
    if previous != site:  # the author moved the JupyterLite site (carnet.launch.lite_dir): empty the old one
        remove_unlisted(previous, before, set())
        before = set()
    elif not manifest and (site / "files").is_dir():
        # A site written before Carnet kept manifests: its contents and listings were all Carnet's.
        before = {p.relative_to(site).as_posix() for top in ("files", "api/contents") for p in (site / top).rglob("*")}
    config = lite_config(app_dir, kernel, LOCALES.get(language_code(language)))
    app_files, stamp, app_copied = install_app(app_dir, site, config, manifest.get("app"))
    written = {*app_files, LITE_JSON}

    files_changed = False
    for relative, source in contents.items():
        data = source if isinstance(source, bytes) else source.read_bytes()
        files_changed |= write_if_changed(site / "files" / relative, data)
        written.add(f"files/{relative}")
    files_changed |= remove_unlisted(site, {name for name in before if name.startswith("files/")}, written)
    (site / "files").mkdir(parents=True, exist_ok=True)
    for relative, data in listings(site / "files").items():
        write_if_changed(site / relative, data)
        written.add(relative)
    remove_unlisted(site, before, written)
    write_manifest(manifest_path, {"app": stamp, "folder": folder, "files": sorted(written)})
    return {"app": app_copied, "files": files_changed}


def pupil_notebook_file(executed: Path, page: str, todo: str) -> bytes:
    """The "try it" notebook of a page: its executed notebook as the pupil gets it, naming its page.

    ``carnet grade`` finds a hand-in's page by ``carnet.page`` in its metadata. Texts are written
    whole, not as lists of lines: JupyterLite shows a list as its items joined by commas.
    """
    notebook = pupil_notebook(nbformat.reads(executed.read_text(encoding="utf-8"), as_version=4), todo)
    metadata = notebook.setdefault("metadata", {})
    metadata["carnet"] = {**(metadata.get("carnet") or {}), "page": page}
    return (json.dumps(notebook, ensure_ascii=False, indent=1) + "\n").encode()


def write_lite_site(app: Sphinx, exception: Exception | None) -> None:
    """After a successful HTML build, bring the JupyterLite site up to date."""
    if exception is not None or app.builder.format != "html":
        return
    settings = carnet_config(app)
    start = time.perf_counter()
    pages = lite_pages(app.env)
    contents: dict[str, Path | bytes] = {**lite_contents(app, pages, [*pages, *live_pages(app)])}
    todo = translate(app.config.language, "exercise.todo")
    for name in pages:
        if name in page_problems(app.env):  # a mistake in its exercises fails the build: no pupil's copy of it
            contents.pop(f"{name}.ipynb", None)
        elif f"{name}.ipynb" in contents:
            contents[f"{name}.ipynb"] = pupil_notebook_file(contents[f"{name}.ipynb"], name, todo)
    cdn = pyodide_cdn(settings.runtime) if settings.runtime.source == "cdn" else None
    kernel = lite_kernel_settings(cdn, settings.launch.lite_dir)
    try:
        language = author_language(app)
        with downloading(translate(language, "assets.jupyterlite"), language):
            app_dir = build_app(settings.launch)
    except AssetError as err:
        raise ExtensionError(str(err)) from err
    outdir = Path(app.outdir)
    # Beside the site, named after it: `carnet build` and `jupyter-book build` write different sites.
    manifest = outdir.parent / f".carnet-manifest-{outdir.name}-lite.json"
    done = update_lite_site(outdir / settings.launch.lite_dir, manifest, app_dir, contents, kernel, app.config.language)
    summary = translate(
        language,
        "lite.summary",
        files=len(contents),
        app=translate(language, "lite.app_copied" if done["app"] else "lite.app_unchanged"),
        contents=translate(language, "lite.contents_updated" if done["files"] else "lite.contents_unchanged"),
        seconds=f"{time.perf_counter() - start:.2f}",
    )
    LOGGER.info(f"[carnet] JupyterLite site: {summary}")


def refuse_a_lite_dir_over_pages(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """The JupyterLite site must not share its folder with pages of the book (it would overwrite them)."""
    lite_dir = carnet_config(app).launch.lite_dir
    clash = sorted(name for name in env.found_docs if name == lite_dir or name.startswith(f"{lite_dir}/"))
    if clash:
        raise ExtensionError(translate(author_language(app), "config.lite_dir", folder=repr(lite_dir), page=clash[0]))


def setup_lite(app: Sphinx) -> None:
    """Write the JupyterLite site after each successful HTML build."""
    app.connect("env-before-read-docs", refuse_a_lite_dir_over_pages)
    app.connect("build-finished", write_lite_site)
