"""Translations: our .qm files plus Qt's own, following the system locale unless chosen."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from hems_desktop.gui.resources import resource_path

_installed: list[QTranslator] = []


def language_for(choice: str) -> str:
    if choice in ("ja", "en"):
        return choice
    return "ja" if QLocale.system().language() == QLocale.Language.Japanese else "en"


def install(choice: str) -> str:
    """Install the translators for a language choice (system, ja, en); returns the language used."""
    app = QCoreApplication.instance()
    for translator in _installed:
        QCoreApplication.removeTranslator(translator)
    _installed.clear()
    language = language_for(choice)
    if language == "en" or app is None:
        return language
    ours = QTranslator()
    if ours.load(str(resource_path("translations", f"hems_desktop_{language}.qm"))):
        QCoreApplication.installTranslator(ours)
        _installed.append(ours)
    qt = QTranslator()
    if qt.load(f"qtbase_{language}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        QCoreApplication.installTranslator(qt)
        _installed.append(qt)
    return language
