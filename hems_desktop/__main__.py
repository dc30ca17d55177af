"""`python -m hems_desktop`: the desktop app (`python -m hems_desktop.cli` is the collector)."""

import sys

from hems_desktop.gui.app import main

sys.exit(main())
