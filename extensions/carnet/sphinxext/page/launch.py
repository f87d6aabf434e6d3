"""Open any executable page as a live notebook: a "try it" button to the book's own JupyterLite site.

sphinx-book-theme builds the Binder / JupyterHub / Colab entries of the launch menu; Carnet adds
its "try it" entry to the same menu (creating the menu when no other launcher is configured), with
a URL relative to the page so the book works at a domain root and under a project subpath alike.
Which pages and files the JupyterLite site holds is decided here too; :mod:`carnet.sphinxext.site.lite` writes them.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from ...core.i18n import translate
from ...core.urls import try_it_url
from ..book.config import carnet_config
from ..book.pagefiles import folder_files, page_folder
from ..book.pages import notebook_pages, page_facts


def lite_pages(env: BuildEnvironment) -> list[str]:
    """Docnames that get a try-it button, for the JupyterLite site.

    The book default, unless the page's metadata says ``carnet: {try_it: …}``; never for a page in
    another language than Python: JupyterLite's only kernel here is Pyodide's, and it would open a
    kernel-choice dialog (see :class:`carnet.sphinxext.book.pages.PageFacts`).
    """
    return [name for name in notebook_pages(env) if page_facts(env, name).try_it]


def lite_contents(app: Sphinx, pages: list[str], file_pages: list[str]) -> dict[str, Path]:
    """What the JupyterLite site holds, by path relative to the book.

    Each "try it" page as its executed notebook, and the files of the folder of each page in
    ``file_pages`` (see :mod:`carnet.sphinxext.book.pagefiles`), at the same relative paths, so that
    ``open("data/notes.csv")`` works in JupyterLite and in the page as in the build.
    """
    executed = Path(app.env.mystnb_config.output_folder)
    contents: dict[str, Path] = {f"{name}.ipynb": executed / f"{name}.ipynb" for name in pages}
    for name in file_pages:
        contents.update(folder_files(app, page_folder(name)))
    return {name: path for name, path in contents.items() if path.is_file()}


def add_try_it_button(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    """Add the try-it entry to the page's launch menu."""
    settings = carnet_config(app).launch
    if doctree is None or not page_facts(app.env, pagename).try_it:
        return
    button = {
        "type": "link",
        "text": translate(app.config.language, "launch.try_it"),
        "tooltip": translate(app.config.language, "launch.try_it_tooltip"),
        "icon": "_static/images/logo_jupyterlite.svg",
        "url": try_it_url(pagename, settings.lite_dir, settings.interface, f"{pagename}.ipynb"),
        "label": "carnet-try-it",
    }
    buttons = context.setdefault("header_buttons", [])
    group = next((b for b in buttons if b.get("label") == "launch-buttons"), None)
    if group is not None:  # the theme's own menu (Binder…) is labelled in English
        group["tooltip"] = translate(app.config.language, "launch.menu")
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


def add_visible_try_it(app: Sphinx, doctree: nodes.document) -> None:
    """Under the page's title, a visible, labelled "Essayer" link: the header menu is only an icon."""
    settings = carnet_config(app).launch
    docname = app.env.docname
    if not page_facts(app.env, docname).try_it:
        return
    language = app.config.language
    url = try_it_url(docname, settings.lite_dir, settings.interface, f"{docname}.ipynb")
    markup = (
        f'<p class="carnet-try-it-bar"><a class="carnet-button carnet-try-it-visible" href="{html.escape(url)}" '
        f'title="{html.escape(translate(language, "launch.try_it_tooltip"))}">'
        f"{html.escape(translate(language, 'launch.try_it_visible'))}</a></p>"
    )
    link = nodes.raw("", markup, format="html")
    section = next(iter(doctree.findall(nodes.section)), None)
    if section is not None and section.children and isinstance(section[0], nodes.title):
        section.insert(1, link)
    else:
        doctree.insert(0, link)


def setup_launch(app: Sphinx) -> None:
    """Register the try-it button."""
    # After .pages.read_page_settings (doctree-read, priority 500) has read the page's try_it.
    app.connect("doctree-read", add_visible_try_it, priority=600)
    # After sphinx-book-theme's own launch buttons (default priority 500).
    app.connect("html-page-context", add_try_it_button, priority=600)
