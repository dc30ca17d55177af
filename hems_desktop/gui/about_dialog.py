"""About: the version, links, the versions of what the app runs on, its folders (each openable), and the
third-party notices (Qt and PySide6 are LGPL-3.0: the app says it uses them and shows their notices)."""

from __future__ import annotations

import platform
from collections.abc import Callable
from pathlib import Path

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import QEvent, Qt, qVersion
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from hems_desktop import __version__
from hems_desktop.gui.resources import resource_path
from hems_desktop.gui.retranslate import Texts, is_language_change

HOMEPAGE = "https://github.com/hems-desktop/hems-desktop"  # as packaging/linux/build-deb.sh declares it


def notices_path() -> Path:
    """The bundle's THIRD-PARTY-NOTICES.txt (packaging/release/notices.py writes it at build time)."""
    return resource_path("licenses", "THIRD-PARTY-NOTICES.txt")


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
        lgpl = QLabel()
        lgpl.setWordWrap(True)
        lgpl.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        lgpl.setOpenExternalLinks(True)
        self.texts.bind(lgpl.setText, lambda: self.tr(
            'Uses Qt %1 and PySide6 %2 under the <a href="https://www.gnu.org/licenses/lgpl-3.0.html">LGPL-3.0</a>, '
            "unmodified, as shared libraries you may replace.").replace("%1", qVersion()).replace("%2", pyside_version))
        layout.addWidget(lgpl)
        self.lgpl_label = lgpl
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
        self.notices_button = QPushButton()
        self.texts.bind(self.notices_button.setText, lambda: self.tr("Third-party &notices…"))
        self.notices_button.clicked.connect(self.show_notices)
        buttons.addButton(self.notices_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.notices_button.setVisible(notices_path().is_file())  # a source checkout has none until built
        self.notices_dialog: QDialog | None = None
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(520, self.sizeHint().height())

    def show_notices(self) -> None:
        """The notices file in a read-only view: no text editor or browser needed."""
        if self.notices_dialog is None:
            dialog = QDialog(self)
            dialog.setWindowTitle(self.tr("Third-party notices"))
            view = QPlainTextEdit(dialog)
            view.setReadOnly(True)
            view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
            view.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))  # the list is in columns
            try:
                view.setPlainText(notices_path().read_text(encoding="utf-8", errors="replace"))
            except OSError as exc:
                view.setPlainText(f"{notices_path()}: {exc.strerror or exc}")
            box = QVBoxLayout(dialog)
            box.addWidget(view)
            dialog.resize(780, 520)
            self.notices_dialog = dialog
        self.notices_dialog.show()
        self.notices_dialog.raise_()

    @staticmethod
    def _plain(text: str) -> Callable[[], str]:
        return lambda: text

    def changeEvent(self, event: QEvent) -> None:  # Qt's name
        if is_language_change(event):
            self.texts.refresh()
        super().changeEvent(event)
