"""Write the navigation sidebar once per build instead of once per page.

The theme (sphinx-book-theme, through pydata-sphinx-theme's ``generate_toctree_html``) resolves
the whole table of contents and reworks it with BeautifulSoup for every page: in a 500-page
course that was two thirds of the build, and what made its time per page grow with the course.
Carnet asks the theme for one sidebar, for the root folder with no page marked, moves its links to
each folder and marks each page's entry itself (:class:`carnet.core.sidebar.MarkableSidebar`).
The theme renders the sidebar in two of its handlers of ``html-page-context``; Carnet's template
function is put in place within the first (:func:`with_shared_sidebar`).

The theme stays the judge: once per build, the page deepest in the table of contents gets both
sidebars, and any difference (another theme version, another layout) hands every page back to
the theme. Pages whose sidebar can depend on them in ways not copied here keep the theme's
(folding navigation, a page linked twice, a page deeper than the sidebar shows), and so do
builders other than ``html``, whose links are not relative to a page's folder.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from functools import cache
from typing import Any

from markupsafe import Markup
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.osutil import relative_uri

from ...core.i18n import translate
from ...core.sidebar import MarkableSidebar
from ..book.config import author_language
from ..book.state import build_state

LOGGER = logging.getLogger(__name__)

#: The page the unmarked sidebar is written for, and links moved from: in the root folder (or
#: another), and no page of the book (a file name cannot hold a NUL character).
UNMARKED = "\0carnet-sidebar"

Key = tuple[str, str, int, int, tuple[tuple[str, Any], ...]]


def theme_sidebar(app: Sphinx, pagename: str, templatename: str, **options: Any) -> str:
    """The sidebar the theme writes for ``pagename``, as it would in that page's template."""
    from pydata_sphinx_theme.toctree import add_toctree_functions

    context: dict[str, Any] = {"toctree": lambda **kwargs: app.builder._get_local_toctree(pagename, **kwargs)}
    add_toctree_functions(app, pagename, templatename, context, None)
    return str(context["generate_toctree_html"](**options))


def toctree_depths(app: Sphinx) -> dict[str, int]:
    """How deep each page in the table of contents sits (the root page: 0)."""
    depths = {app.config.root_doc: 0}
    queue = [app.config.root_doc]
    for docname in queue:
        for child in app.env.toctree_includes.get(docname, []):
            if child not in depths:
                depths[child] = depths[docname] + 1
                queue.append(child)
    return depths


class SharedSidebars:
    """One build's unmarked sidebars, by folder and by the options the template asked for."""

    def __init__(self) -> None:
        self.sidebars: dict[Key, MarkableSidebar] = {}
        #: None until the theme's and Carnet's sidebars are compared, then whether they agree.
        self.agrees: bool | None = None
        self._included: set[str] | None = None

    def included(self, app: Sphinx) -> set[str]:
        """Pages some table of contents includes (their sidebar marks them even when too deep to show)."""
        if self._included is None:
            self._included = {child for children in app.env.toctree_includes.values() for child in children}
        return self._included

    def sidebar(self, app: Sphinx, folder: str, templatename: str, options: dict[str, Any]) -> MarkableSidebar:
        """The unmarked sidebar of ``folder``: the theme's for the root folder, its links moved for others."""
        key: Key = (folder, options["kind"], options["startdepth"], options["show_nav_level"], options["rest"])
        if key not in self.sidebars:
            if folder:
                start = app.builder.get_target_uri(posixpath.join(folder, UNMARKED))
                root = self.sidebar(app, "", templatename, options)
                self.sidebars[key] = root.moved(lambda href: relocated(start, href))
            else:
                self.sidebars[key] = MarkableSidebar(theme_sidebar(app, UNMARKED, templatename, **call(options)))
        return self.sidebars[key]

    def marked(self, app: Sphinx, pagename: str, templatename: str, options: dict[str, Any]) -> str | None:
        """``pagename``'s sidebar, or None when the theme must write it."""
        sidebar = self.sidebar(app, posixpath.dirname(pagename), templatename, options)
        href = app.builder.get_target_uri(pagename)
        links = sidebar.links_to(href)
        if links > 1 or (links == 0 and pagename in self.included(app)):
            return None
        return sidebar.marked(href)

    def check(self, app: Sphinx, templatename: str, options: dict[str, Any]) -> bool:
        """Whether the theme and Carnet write the same sidebar for the deepest page both can write."""
        if self.agrees is None:
            self.agrees = True
            depths = toctree_depths(app)
            for docname in sorted(depths, key=lambda name: (-depths[name], name)):
                ours = self.marked(app, docname, templatename, options)
                if ours is not None and ours != theme_sidebar(app, docname, templatename, **call(options)):
                    self.agrees = False
                    language = author_language(app)
                    LOGGER.verbose(translate(language, "sidebar.theme_differs", page=docname))
                if ours is not None:
                    break
        return self.agrees


def relocated(start: str, href: str) -> str:
    """``href``, a link from the root folder, as a link from the page at ``start`` (a target URI)."""
    path, hash, fragment = href.partition("#")
    return relative_uri(start, path) + hash + fragment


def call(options: dict[str, Any]) -> dict[str, Any]:
    """The keyword arguments of the theme's ``generate_toctree_html`` from :func:`template_options`."""
    return {
        "kind": options["kind"],
        "startdepth": options["startdepth"],
        "show_nav_level": options["show_nav_level"],
        **dict(options["rest"]),
    }


def template_options(kind: str, startdepth: int = 1, show_nav_level: int = 1, **kwargs: Any) -> dict[str, Any]:
    """What a template asked ``generate_toctree_html`` for, in a form that can key a cache."""
    return {
        "kind": kind,
        "startdepth": startdepth,
        "show_nav_level": show_nav_level,
        "rest": tuple(sorted(kwargs.items())),
    }


def share_sidebar(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any]) -> None:
    """Give the page's template a ``generate_toctree_html`` that reuses its folder's sidebar."""
    theme: Callable[..., Any] | None = context.get("generate_toctree_html")
    shared = build_state(app).sidebars
    if theme is None or shared is None or app.builder.name != "html":
        return

    @cache  # as the theme's: the theme renders the sidebar twice (first to see whether it is empty)
    def generate_toctree_html(*args: Any, **kwargs: Any) -> Any:
        options = template_options(*args, **kwargs)
        folding = dict(options["rest"]).get("collapse", True)
        if options["kind"] != "sidebar" or options["startdepth"] != 0 or folding:
            return theme(*args, **kwargs)
        if not shared.check(app, templatename, options):
            return theme(*args, **kwargs)
        html = shared.marked(app, pagename, templatename, options)
        return theme(*args, **kwargs) if html is None else Markup(html)

    context["generate_toctree_html"] = generate_toctree_html


def with_shared_sidebar(theme_handler: Callable[..., None]) -> Callable[..., None]:
    """The theme's handler that defines the template functions, then :func:`share_sidebar`.

    The theme's next handler, at the same priority, renders the sidebar templates to drop the empty
    ones: sharing must start right after the functions are defined, before that.
    """

    def handler(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
        theme_handler(app, pagename, templatename, context, doctree)
        share_sidebar(app, pagename, templatename, context)

    return handler


def start_sharing(app: Sphinx) -> None:
    """A fresh set of sidebars for each build, shared from within the theme's page handler.

    Only under a theme built on pydata-sphinx-theme (sphinx-book-theme's): another theme writes
    its own sidebar, and a project without that theme installed shares nothing.
    """
    try:
        from pydata_sphinx_theme.toctree import add_toctree_functions
    except ImportError:
        return
    build_state(app).sidebars = SharedSidebars()
    listeners = app.events.listeners.get("html-page-context", [])
    for index, listener in enumerate(listeners):
        if listener.handler is add_toctree_functions:
            listeners[index] = listener._replace(handler=with_shared_sidebar(listener.handler))


def setup_sidebar(app: Sphinx) -> None:
    """Share the sidebar between pages once the theme has loaded (it registers its handlers then)."""
    app.connect("builder-inited", start_sharing)
