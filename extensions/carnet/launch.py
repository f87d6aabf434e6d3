"""Open any executable page as a live notebook: a "try it" button to the book's own JupyterLite site.

sphinx-book-theme builds the Binder / JupyterHub / Colab entries of the launch menu; Carnet adds
its "try it" entry to the same menu (creating the menu when no other launcher is configured), with
a URL relative to the page so the book works at a domain root and under a project subpath alike.
At the end of the build the JupyterLite site is brought up to date (see :mod:`carnet.lite`).
"""

from __future__ import annotations

import time
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging
from sphinx.util.matching import Matcher

from .config import LaunchConfig, carnet_config
from .i18n import translate
from .lite import publish_lite
from .pages import is_executable_page, notebook_pages, page_settings
from .runtime import lite_kernel_settings

LOGGER = logging.getLogger(__name__)

#: Book files never copied into the JupyterLite site, whatever their folder.
BOOK_FILES = {"_config.yml", "_toc.yml", "conf.py", "requirements.txt", "environment.yml"}


def try_it_enabled(env: BuildEnvironment, docname: str, settings: LaunchConfig) -> bool:
    """The book default, unless the page's metadata says ``carnet: {try_it: …}``."""
    return bool(page_settings(env, docname).get("try_it", settings.try_it))


def has_try_it(env: BuildEnvironment, docname: str, settings: LaunchConfig) -> bool:
    """Whether a page gets a try-it button (and a notebook in the JupyterLite site)."""
    return is_executable_page(env, docname) and try_it_enabled(env, docname, settings)


def lite_pages(env: BuildEnvironment, settings: LaunchConfig) -> list[str]:
    """Docnames that get a try-it button, for the JupyterLite site."""
    return [name for name in notebook_pages(env) if try_it_enabled(env, name, settings)]


def try_it_url(root: str, settings: LaunchConfig, notebook: str) -> str:
    """The try-it URL of ``notebook`` (a path in the JupyterLite contents), from the page's root prefix."""
    return f"{root}{settings.lite_dir}/{settings.interface}/index.html?path={quote(notebook)}"


def private_matcher(app: Sphinx, settings: LaunchConfig) -> Matcher:
    """Paths (relative to the book) that must never reach the JupyterLite site."""
    return Matcher([*app.config.exclude_patterns, *settings.private, "_build", "_build/**"])


def is_publishable(relative: PurePosixPath, excluded: Matcher, source_suffixes: list[str]) -> bool:
    """A data file a notebook may read: not hidden, not excluded or private, not a page or book file."""
    path = relative.as_posix()
    if any(part.startswith(".") for part in relative.parts) or excluded(path):
        return False
    return relative.name not in BOOK_FILES and relative.suffix not in source_suffixes


def lite_contents(app: Sphinx, settings: LaunchConfig, pages: list[str]) -> dict[str, Path]:
    """What the JupyterLite site holds, by path relative to the book.

    Each page as its executed notebook, and the data files in its folder (recursively), at the
    same relative paths, so ``open("data/notes.csv")`` works in JupyterLite as in the build.
    """
    srcdir = Path(app.srcdir)
    executed = Path(app.env.mystnb_config.output_folder)
    contents: dict[str, Path] = {f"{name}.ipynb": executed / f"{name}.ipynb" for name in pages}
    excluded = private_matcher(app, settings)
    suffixes = list(app.config.source_suffix)
    for folder in sorted({(srcdir / name).parent for name in pages}):
        for path in folder.rglob("*"):
            relative = PurePosixPath(path.relative_to(srcdir).as_posix())
            if path.is_file() and is_publishable(relative, excluded, suffixes):
                contents.setdefault(relative.as_posix(), path)
    return {name: path for name, path in contents.items() if path.is_file()}


def add_try_it_button(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    """Add the try-it entry to the page's launch menu."""
    settings = carnet_config(app).launch
    if doctree is None or not has_try_it(app.env, pagename, settings):
        return
    root = _root_prefix(pagename)
    button = {
        "type": "link",
        "text": translate(app.config.language, "launch.try_it"),
        "tooltip": translate(app.config.language, "launch.try_it_tooltip"),
        "icon": "_static/images/logo_jupyterlite.svg",
        "url": try_it_url(root, settings, f"{pagename}.ipynb"),
        "label": "carnet-try-it",
    }
    buttons = context.setdefault("header_buttons", [])
    group = next((b for b in buttons if b.get("label") == "launch-buttons"), None)
    if group is None:
        group = {
            "type": "group",
            "tooltip": translate(app.config.language, "launch.menu"),
            "icon": "fas fa-rocket",
            "buttons": [],
            "label": "launch-buttons",
        }
        buttons.insert(0, group)
    group["buttons"].insert(0, button)


def _root_prefix(pagename: str) -> str:
    """The relative prefix from a page to the site root (``../../`` for ``a/b/page``)."""
    return "../" * pagename.count("/")


def publish_lite_site(app: Sphinx, exception: Exception | None) -> None:
    """After a successful HTML build, bring the JupyterLite site up to date."""
    if exception is not None or app.builder.format != "html":
        return
    settings = carnet_config(app).launch
    start = time.perf_counter()
    contents = lite_contents(app, settings, lite_pages(app.env, settings))
    kernel = lite_kernel_settings(carnet_config(app).runtime, settings.lite_dir)
    done = publish_lite(Path(app.outdir) / settings.lite_dir, settings, contents, kernel, app.config.language)
    LOGGER.info(
        f"[carnet] JupyterLite site: {len(contents)} files, app {'copied' if done['app'] else 'unchanged'}, "
        f"contents {'updated' if done['files'] else 'unchanged'} ({time.perf_counter() - start:.2f} s)"
    )


def setup_launch(app: Sphinx) -> None:
    """Register the try-it button and the JupyterLite site."""
    # After sphinx-book-theme's own launch buttons (default priority 500).
    app.connect("html-page-context", add_try_it_button, priority=600)
    app.connect("build-finished", publish_lite_site)
