import sys

from hems_desktop.gui.app import main

sys.exit(main())
