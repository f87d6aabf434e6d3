"""The Sphinx side of Carnet, grouped by the stage of the build each part belongs to.

- :mod:`.book`: the book as Sphinx reads it: settings (:mod:`.book.config`), build state
  (:mod:`.book.state`, :mod:`.book.envdata`), the table of contents, page facts and files, shards;
- :mod:`.execution`: every notebook page executed with Carnet's executor, in parallel, all
  failures reported; malformed sources turned into failed pages;
- :mod:`.page`: what each HTML page gets: the "try it" button, MathJax, the sidebar, the static
  files, the ``{carnet-status}`` table;
- :mod:`.site`: what the build writes beside the pages: JupyterLite, GitHub Pages' files, Binder's
  environment check, the symlink guard, ``_build/carnet-build.json``;
- :mod:`.checks`: the checks that run in the background while pages are written (the browser check).

The kinds of activity (code cells, exercises, turtle …) live in :mod:`carnet.activities`;
:mod:`.extension` wires the stages and the kinds. Nothing is imported here: a kind may import a
stage's module without loading the whole extension.
"""
