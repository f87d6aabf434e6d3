"""Addresses in the built site, as pure functions of a page name and the settings.

Links are relative to the page, so a book works at a domain root and under a GitHub Pages project
subpath (``https://USER.github.io/REPO/``) alike.
"""

from __future__ import annotations

from pathlib import PurePosixPath
from urllib.parse import quote, urlsplit

#: Where the Pyodide runtime is served, relative to ``_static/``.
RUNTIME_PATH = "carnet/pyodide/"


#: The repository Jupyter Book's default configuration gives a book whose ``_config.yml`` names none.
JUPYTER_BOOK_REPOSITORY = "https://github.com/executablebooks/jupyter-book"


def site_path(baseurl: str, repository_url: str) -> str:
    """The URL path the site is served under (``/REPO/``, or ``/`` for a user or custom site).

    Jupyter Book's default repository is not the book's: a book that names none is served at ``/``,
    the same path whether it is asked from Sphinx's settings (``404.html``'s home link) or from
    ``_config.yml`` (``carnet check``, ``carnet serve``).
    """
    if repository_url.rstrip("/").removesuffix(".git") == JUPYTER_BOOK_REPOSITORY:
        repository_url = ""
    if baseurl:
        path = urlsplit(baseurl).path or "/"
        return path if path.endswith("/") else path + "/"
    parts = [part for part in urlsplit(repository_url).path.split("/") if part]
    if "github.com" in repository_url and len(parts) >= 2 and not parts[1].endswith(".github.io"):
        return f"/{parts[1].removesuffix('.git')}/"
    return "/"


def root_prefix(pagename: str) -> str:
    """The relative prefix from a page to the site root (``../../`` for ``a/b/page``)."""
    return "../" * pagename.count("/")


def try_it_url(pagename: str, lite_dir: str, interface: str, notebook: str) -> str:
    """The try-it URL of ``notebook`` (a path in the JupyterLite contents), relative to the page."""
    return f"{root_prefix(pagename)}{lite_dir}/{interface}/index.html?path={quote(notebook)}"


def cdn_base(cdn_url: str, version: str) -> str:
    """The CDN folder of one Pyodide version (ends with ``/``)."""
    return cdn_url.format(version=version).rstrip("/") + "/"


def lite_kernel_settings(pyodide_cdn: str | None, lite_dir: str) -> dict[str, object]:
    """Settings of JupyterLite's Pyodide kernel, so that it runs on the same runtime as the pages.

    ``pyodide_cdn`` is the CDN folder when the author chose the CDN, ``None`` when the book hosts
    Pyodide. JupyterLite resolves ``pyodideUrl`` against the app page (``<lite_dir>/<app>/index.html``).
    """
    if pyodide_cdn is not None:
        return {"pyodideUrl": pyodide_cdn + "pyodide.mjs"}
    to_root = "../" * (len(PurePosixPath(lite_dir).parts) + 1)
    return {"pyodideUrl": f"{to_root}_static/{RUNTIME_PATH}pyodide.mjs", "disablePyPIFallback": True}
