"""`python -m hems_desktop`: the collector (the desktop app takes over once it exists)."""

import sys

from hems_desktop.cli import main

sys.exit(main())
