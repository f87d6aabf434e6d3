"""Wire every Carnet feature into a Sphinx application, one ``setup_<feature>`` each."""

from __future__ import annotations

from sphinx.application import Sphinx

from .binder import setup_binder
from .config import setup_config
from .execution import setup_execution
from .launch import setup_launch
from .live import setup_live
from .mathjax import setup_mathjax
from .report import setup_report
from .site import setup_site
from .sources import setup_sources
from .status import setup_status
from .toc import setup_toc


def setup_extension(app: Sphinx) -> None:
    """Carnet needs myst-nb for notebooks; load it first so its events run before ours."""
    app.setup_extension("myst_nb")
    setup_config(app)
    setup_toc(app)
    setup_sources(app)
    setup_execution(app)
    setup_status(app)
    setup_mathjax(app)
    setup_launch(app)
    setup_binder(app)
    setup_live(app)
    setup_site(app)
    setup_report(app)
