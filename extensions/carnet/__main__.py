"""``python -m carnet``: the same as the ``carnet`` command."""

import sys

from .cli import main

sys.exit(main())
