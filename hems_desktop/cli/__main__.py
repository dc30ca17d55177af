"""`python -m hems_desktop.cli`: the collector, as `hems-collector`."""

import sys

from hems_desktop.cli.collector import main

sys.exit(main())
