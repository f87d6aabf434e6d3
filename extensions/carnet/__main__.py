"""``python -m carnet``: the same as the ``carnet`` command."""

from .cli.main import command

command()
