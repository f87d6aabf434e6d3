"""The one exception Carnet's command line turns into a plain message instead of a traceback."""


class CarnetError(Exception):
    """A problem with the author's input, worded for the author."""
