"""Code cells run and edited in the page: Run controls, the editor, Pyodide in a Web Worker.

:mod:`.page` gives each executable page its script and each code cell its controls.
"""

from .. import ActivityKind

KIND = ActivityKind("code", setup=("page:setup_live",))
