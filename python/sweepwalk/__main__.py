"""``python -m sweepwalk``: the ``sweepwalk`` command line."""

import sys

from .cli.app import main

sys.exit(main())
