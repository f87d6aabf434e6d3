"""Files the reader's browser needs, prepared at build time from the package registries only.

Pyodide, CodeMirror and MathJax come from npm (pinned in ``package.json``, checked against the
integrity hashes of ``package-lock.json``), pure-Python wheels from PyPI (pinned by sha256), and the
JupyterLite app from ``jupyter lite build``. Everything is cached outside the book
(``$CARNET_CACHE`` or ``~/.cache/carnet``) and served from the book's own ``_static/``. Nothing here
imports Sphinx: failures are :class:`~carnet.assets.npm.AssetError` with a message for the author.
"""
