"""About: the version, links, the versions of what the app runs on, and its folders, each openable."""

from __future__ import annotations

import platform
from collections.abc import Callable
from pathlib import Path

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import QEvent, Qt, qVersion
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from hems_desktop import __version__
from hems_desktop.gui.retranslate import Texts, is_language_change

HOMEPAGE = "https://github.com/hems-desktop/hems-desktop"  # as packaging/linux/build-deb.sh declares it


def runtime_versions() -> dict[str, str]:
    import pyqtgraph

    return {"Python": platform.python_version(), "Qt": qVersion(), "PySide6": pyside_version,
            "pyqtgraph": str(pyqtgraph.__version__), "OS": f"{platform.system()} {platform.release()}"}


class AboutDialog(QDialog):
    def __init__(self, folders: dict[str, Path], open_folder: Callable[[Path], None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModal(False)
        self.texts = Texts()
        self.folders = folders
        self.texts.bind(self.setWindowTitle, lambda: self.tr("About HEMS Desktop"))
        layout = QVBoxLayout(self)
        title = QLabel(f"<h2>HEMS Desktop {__version__}</h2>")
        layout.addWidget(title)
        blurb = QLabel()
        blurb.setWordWrap(True)
        self.texts.bind(blurb.setText, lambda: self.tr("Your smart meter over the Wi-SUN B-route. MIT License."))
        layout.addWidget(blurb)
        links = QLabel()
        links.setOpenExternalLinks(True)
        links.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.texts.bind(links.setText, lambda: self.tr('<a href="%1">Project page and help</a> · '
                                                       '<a href="%1/issues">Report a problem</a>')
                        .replace("%1", HOMEPAGE))
        layout.addWidget(links)
        self.links_label = links
        versions = QFormLayout()
        for name, version in runtime_versions().items():
            versions.addRow(f"{name}:", QLabel(version))
        layout.addLayout(versions)
        folders_form = QFormLayout()
        captions = {"settings": lambda: self.tr("Settings"), "data": lambda: self.tr("Data"),
                    "log": lambda: self.tr("Log")}
        self.open_buttons: dict[str, QPushButton] = {}
        for key, folder in folders.items():
            row = QWidget()
            line = QHBoxLayout(row)
            line.setContentsMargins(0, 0, 0, 0)
            path = QLabel(str(folder))
            path.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            path.setWordWrap(True)
            path.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            button = QPushButton()
            self.texts.bind(button.setText, lambda: self.tr("Open"))
            button.clicked.connect(lambda _=False, f=folder: open_folder(f))
            self.open_buttons[key] = button
            line.addWidget(path, 1)
            line.addWidget(button)
            caption = QLabel()
            self.texts.bind(caption.setText, captions.get(key, self._plain(key)))
            folders_form.addRow(caption, row)
        layout.addLayout(folders_form)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        self.texts.bind(close.setText, lambda: self.tr("Close"))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(520, 0)

    @staticmethod
    def _plain(text: str) -> Callable[[], str]:
        return lambda: text

    def changeEvent(self, event: QEvent) -> None:  # Qt's name
        if is_language_change(event):
            self.texts.refresh()
        super().changeEvent(event)
