"""`python -m glassnet.cli ARGS`: the `glassnet` command."""

import sys

from glassnet.cli import main

sys.exit(main())
