"""``python -m sweepwalk``: the ``sweepwalk`` command line."""

import sys

from .cli import main

sys.exit(main())
