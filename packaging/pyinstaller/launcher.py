"""Entry point of the frozen bundle: one program, two names.

`hems-collector` (the console build, or a link with that name) runs the headless collector;
anything else runs the tray app.
"""

import os
import sys


def main() -> int:
    name = os.path.basename(sys.argv[0] or sys.executable).lower()
    if name.startswith("hems-collector"):
        from hems_desktop.cli import main as collector_main

        return collector_main()
    from hems_desktop.gui.app import main as desktop_main

    return desktop_main()


if __name__ == "__main__":
    sys.exit(main())
