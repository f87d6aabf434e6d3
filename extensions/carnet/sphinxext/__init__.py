"""The Sphinx side of Carnet: one module per feature, each wired by a thin ``setup_<feature>(app)``.

In the order a page travels through a build:

- :mod:`.config` validates ``carnet`` settings (:mod:`carnet.core.settings`) before anything runs;
- :mod:`.toc` refuses a ``_toc.yml`` that names missing pages;
- :mod:`.sources` turns a malformed ``.ipynb`` into a failed page instead of a crashed book;
- :mod:`.execution` executes every notebook page with Carnet's executor and reports all failures;
- :mod:`.pages` knows which pages are executable and validates their ``carnet:`` metadata;
- :mod:`.exercises` shows exercises as pupils start them; :mod:`.student` builds the student edition;
- :mod:`.status` fills the ``{carnet-status}`` table;
- :mod:`.mathjax`, :mod:`.live` serve MathJax, the editor and Pyodide from ``_static/``
  (files prepared by :mod:`carnet.assets`) and give code cells their Run controls;
- :mod:`.launch` adds the "try it" button; :mod:`.lite` writes the JupyterLite site;
- :mod:`.binder` checks Binder's environment; :mod:`.site` writes GitHub Pages' files;
- :mod:`.symlinks` publishes nothing reached through a symbolic link leading out of the book;
- :mod:`.sidebar` writes the navigation sidebar once per build instead of once per page;
- :mod:`.report` writes ``_build/carnet-build.json``, which the command line reads.
"""

from __future__ import annotations

from sphinx.application import Sphinx

from .binder import setup_binder
from .browsercheck import setup_browsercheck
from .config import setup_config
from .envdata import setup_envdata
from .execution import setup_execution
from .exercises import setup_exercises
from .launch import setup_launch
from .lite import setup_lite
from .live import setup_live
from .mathjax import setup_mathjax
from .pagefiles import setup_pagefiles
from .pages import setup_pages
from .parallel import setup_parallel
from .proofs import setup_proofs
from .report import setup_report
from .shard import setup_shard
from .sidebar import setup_sidebar
from .site import setup_site
from .sources import setup_sources
from .status import setup_status
from .student import setup_student
from .symlinks import setup_symlinks
from .toc import setup_toc


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
    setup_exercises(app)
    setup_student(app)
    setup_status(app)
    setup_mathjax(app)
    setup_launch(app)
    setup_lite(app)
    setup_binder(app)
    setup_live(app)
    setup_browsercheck(app)
    setup_proofs(app)
    setup_site(app)
    setup_symlinks(app)
    setup_sidebar(app)
    setup_report(app)
