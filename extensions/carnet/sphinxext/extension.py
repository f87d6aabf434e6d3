"""Carnet's Sphinx extension wired: the book's stages, then each kind of activity.

The stages' set-ups are called in the order a page travels through a build; the kinds' (from
:mod:`carnet.activities`) where the exercises' used to be, after the page settings are read. Ties
between handlers of one event at one priority follow this order, so it is kept.
"""

from __future__ import annotations

import importlib

from sphinx.application import Sphinx

from ..activities import activity_kinds
from .book.config import setup_config
from .book.envdata import setup_envdata
from .book.pagefiles import setup_pagefiles
from .book.pages import setup_pages
from .book.shard import setup_shard
from .book.toc import setup_toc
from .checks.browser import setup_browsercheck
from .execution.parallel import setup_parallel
from .execution.run import setup_execution
from .execution.sources import setup_sources
from .page.launch import setup_launch
from .page.mathjax import setup_mathjax
from .page.sidebar import setup_sidebar
from .page.status import setup_status
from .site.binder import setup_binder
from .site.ghpages import setup_site
from .site.lite import setup_lite
from .site.report import setup_report
from .site.symlinks import setup_symlinks


def setup_activities(app: Sphinx) -> None:
    """Set up every registered kind of activity, each through the functions its ``KIND`` names."""
    for kind in activity_kinds():
        for target in kind.setup:
            module, function = target.split(":")
            getattr(importlib.import_module(f"carnet.activities.{kind.name}.{module}"), function)(app)


def setup_extension(app: Sphinx) -> None:
    """Carnet needs myst-nb for notebooks; load it first so its events run before ours."""
    app.setup_extension("myst_nb")
    setup_config(app)
    setup_envdata(app)
    setup_pagefiles(app)
    setup_toc(app)
    setup_sources(app)
    setup_execution(app)
    setup_parallel(app)
    setup_shard(app)
    setup_pages(app)
    setup_activities(app)
    setup_status(app)
    setup_mathjax(app)
    setup_launch(app)
    setup_lite(app)
    setup_binder(app)
    setup_browsercheck(app)
    setup_site(app)
    setup_symlinks(app)
    setup_sidebar(app)
    setup_report(app)
