"""Qt's own texts (file dialogs, context menus, standard buttons) in the UI language.

PySide6 ships no Vietnamese catalog of Qt, so CoopDesk carries one: locale/qt/qtbase_vi.ts, compiled to
qtbase_vi.qm by scripts/update-translations.sh. Native dialogs (Windows) already follow the OS language.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QTranslator

QT_LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale" / "qt"
_installed: QTranslator | None = None


def install_qt_language(language: str) -> bool:
    """Swap Qt's translation to ``language`` ('vi' or 'en'); True when a catalog was loaded."""
    global _installed
    app = QCoreApplication.instance()
    if app is None:
        return False
    if _installed is not None:
        app.removeTranslator(_installed)
        _installed = None
    if language == "en":
        return False
    translator = QTranslator(app)
    if not translator.load(f"qtbase_{language}", str(QT_LOCALE_DIR)):
        return False
    app.installTranslator(translator)
    _installed = translator
    return True
