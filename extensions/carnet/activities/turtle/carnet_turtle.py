"""Python's ``turtle`` in a Carnet book: basthon-turtle, shown the same way everywhere.

Tkinter exists neither on a build server nor in a browser. basthon-turtle (GPL-3.0, the turtle of
Basthon and Capytale; Carnet installs it as a separate package and never copies its code) draws in
SVG instead. This module makes ``import turtle`` give it, with one rule wherever the cell runs:

    each cell that drew shows, under itself, the screen as it stands when the cell ends.

- In an IPython kernel (the book's build, and JupyterLite's "Essayer"), the screen is displayed as a
  static SVG after each cell that drew (animated SVG renders blank in an ``<img>``, which is how
  myst-nb and JupyterLab show SVG).
- In the page's own runtime (Carnet's worker, no IPython shell), basthon-turtle's Pyodide transport
  sends each drawing command to the page, which animates it under the running cell.

It is sent as source to every Python kernel of the build, and packaged by Carnet in a small wheel
(with a ``turtle`` package that loads it) for the browser runtimes.
"""

import sys


class CellDrawings:
    """basthon-turtle's session in an IPython kernel: after each cell that drew, display the screen."""

    def __init__(self, shell, snapshot):
        self.shell = shell
        self.snapshot = snapshot
        self.drawn = False
        self.started = False

    def emit(self, command):
        """A drawing command: the cell drew; show the screen when it ends."""
        if not self.started:
            self.shell.events.register("post_run_cell", self.after_cell)
            self.started = True
        self.drawn = True

    def after_cell(self, result=None):
        """Display the screen under the cell that just ran, if it drew."""
        if self.drawn:
            from IPython.display import SVG, display

            self.drawn = False
            display(SVG(self.snapshot()))

    def set_event_handler(self, handler):
        """Mouse and key events need a live page; a kernel has none."""

    def flush(self):
        """Nothing waits: the screen is displayed at the end of the cell."""
        return True

    def close(self):
        """Stop displaying after cells."""
        if self.started:
            self.shell.events.unregister("post_run_cell", self.after_cell)
            self.started = False


def _kernel_shell():
    """The IPython shell of a Jupyter kernel, or None (plain Python, Carnet's in-page runtime)."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    return shell if getattr(shell, "kernel", None) is not None else None


def load():
    """basthon-turtle, set up for where it runs, installed as the ``turtle`` module."""
    from basthon import turtle
    from basthon.turtle import _notebook

    shell = _kernel_shell()
    if shell is not None:
        turtle.jupyter_renderer("svg")  # static scenes, no SMIL animation
        # basthon-turtle 0.4.1 (pinned) asks this function for its notebook session.
        _notebook.create_session = lambda svg_snapshot=None: CellDrawings(shell, svg_snapshot)
    sys.modules["turtle"] = turtle
    return turtle


def setup_kernel():
    """In a build kernel: make ``import turtle`` draw in the book when basthon-turtle is installed."""
    try:
        load()
    except ImportError:  # no basthon-turtle in this kernel's environment: Python's own turtle stays
        pass
