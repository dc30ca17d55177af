"""The dashboard's geometry, chart range and tab, remembered between runs.

Kept in its own small file beside the settings (window-state.json), not in the settings file
the CLI shares: moving a window must not rewrite the user's settings.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger("hems_desktop.gui")


@dataclass(frozen=True)
class WindowState:
    geometry: str = ""  # QWidget.saveGeometry() as hex
    range_index: int = 0
    tab_index: int = 0

    @classmethod
    def load(cls, path: Path) -> WindowState:
        try:
            data: Any = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls()
        if not isinstance(data, dict):
            return cls()
        geometry = data.get("geometry")
        range_index, tab_index = data.get("range_index"), data.get("tab_index")
        return cls(
            geometry=geometry if isinstance(geometry, str) else "",
            range_index=range_index if isinstance(range_index, int) and not isinstance(range_index, bool) else 0,
            tab_index=tab_index if isinstance(tab_index, int) and not isinstance(tab_index, bool) else 0,
        )

    def save(self, path: Path) -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            scratch = path.with_suffix(".tmp")
            scratch.write_text(json.dumps(asdict(self)), encoding="utf-8")
            os.replace(scratch, path)
        except OSError as exc:
            log.debug("window state not saved: %s", exc)
            with contextlib.suppress(OSError):
                path.with_suffix(".tmp").unlink()
