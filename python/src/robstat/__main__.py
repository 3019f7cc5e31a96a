"""``python -m robstat``: the ``robstat`` command line (robstat.cli)."""

import sys

from .cli import main

sys.exit(main())
