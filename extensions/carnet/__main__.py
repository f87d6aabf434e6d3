"""``python -m carnet``: the same as the ``carnet`` command."""

import sys

from .cli.main import main

sys.exit(main())
