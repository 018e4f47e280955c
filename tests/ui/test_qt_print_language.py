"""Qt's print, page-setup and preview dialogs speak Vietnamese with the UI (locale/qt/qtbase_vi.ts).

On Linux QPrintDialog is Qt's own widget dialog, so its texts come from our catalog, not from the OS.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QAbstractButton, QComboBox, QGroupBox, QLabel, QTabWidget

from coopdesk.ui.qt_language import QT_LOCALE_DIR, install_qt_language

TS = QT_LOCALE_DIR / "qtbase_vi.ts"
PRINT_CONTEXTS = {
    "QPrintDialog", "QPrintWidget", "QPrintSettingsOutput", "QPrintPropertiesDialog", "QPrintPropertiesWidget",
    "QPageSetupWidget", "QCupsJobWidget", "QCupsPrinterSupport", "QPrintPreviewDialog", "QPageSize",
}


@pytest.fixture
def vietnamese_qt(app):
    assert install_qt_language("vi")
    yield
    install_qt_language("en")


def _mnemonic(text: str) -> str | None:
    """The letter after a single '&' (Alt+letter), None when the text has none."""
    m = re.search(r"(?<!&)&([^&])", text.replace("&&", ""))
    return m.group(1) if m else None


def _texts(dialog) -> list[str]:
    texts = [w.text() for w in dialog.findChildren(QLabel) + dialog.findChildren(QAbstractButton)]
    return texts + [g.title() for g in dialog.findChildren(QGroupBox)]


def test_the_print_dialog_speaks_vietnamese(vietnamese_qt, qtbot):
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter

    printer = QPrinter()
    dialog = QPrintDialog(printer)
    qtbot.addWidget(dialog)
    dialog.show()
    texts = _texts(dialog)
    assert {"&Tên:", "Vị trí:", "Loại:", "Tệp đầu &ra:", "Thuộc tín&h", "&In", "Tùy &chọn >>"} <= set(texts)
    assert {"Máy in", "Phạm vi in", "Tất cả", "Trang từ", "đến", "Số bản:", "Xếp theo bộ", "In hai mặt"} <= set(texts)
    assert dialog.windowTitle() == "In"
    tabs = dialog.findChild(QTabWidget)
    assert [tabs.tabText(i) for i in range(tabs.count())] == ["Số bản", "Tùy chọn"]
    printers = dialog.findChild(QComboBox, "printers")
    assert "In ra tệp (PDF)" in [printers.itemText(i) for i in range(printers.count())]
    page_set = dialog.findChild(QComboBox, "pageSetCombo")
    assert [page_set.itemText(i) for i in range(page_set.count())] == ["Tất cả các trang", "Trang lẻ", "Trang chẵn"]
    # Alt+letter: one letter per control on this dialog, and a letter the keyboard can type.
    letters = [m.lower() for m in map(_mnemonic, texts) if m]
    assert len(letters) >= 5
    assert all(c.isascii() and c.isalpha() for c in letters), letters
    assert [c for c, n in Counter(letters).items() if n > 1] == []


# With no CUPS printer (CI, a new PC) QPrinter() is Qt's PDF printer and the dialog says so; it is still built.
@pytest.mark.qt_log_ignore("QPageSetupDialog: Cannot be used on non-native printers")
def test_page_setup_and_preview_speak_vietnamese(vietnamese_qt, qtbot):
    from PySide6.QtPrintSupport import QPageSetupDialog, QPrinter, QPrintPreviewDialog

    printer = QPrinter()
    setup = QPageSetupDialog(printer)
    qtbot.addWidget(setup)
    setup.show()
    texts = set(_texts(setup))
    assert {"Khổ giấy:", "Hướng giấy", "Dọc", "Ngang", "Lề", "Rộng:", "Cao:", "Số trang &mỗi tờ:"} <= texts
    assert setup.windowTitle() == "Thiết lập trang"
    units = setup.findChild(QComboBox, "unitCombo")
    assert units.itemText(0) == "Milimét (mm)"

    preview = QPrintPreviewDialog(printer)
    qtbot.addWidget(preview)
    actions = {a.text() for a in preview.findChildren(QAction)}
    assert {"Phóng to", "Thu nhỏ", "Trang sau", "Trang trước", "In", "Thiết lập trang"} <= actions
    assert preview.windowTitle() == "Xem trước khi in"


def test_cups_properties_texts_are_vietnamese(vietnamese_qt):
    """The printer's Properties dialog (opened with exec, so read through the catalog with its own contexts)."""
    tr = QCoreApplication.translate
    assert tr("QPrintPropertiesDialog", "Printer Properties") == "Thuộc tính máy in"
    assert tr("QPrintPropertiesWidget", "Page") == "Trang"
    assert tr("QCupsJobWidget", "Scheduled &printing:") == "&Hẹn giờ in:"
    assert tr("QCupsJobWidget", "Job &priority:") == "Độ ưu &tiên:"
    assert tr("QCupsPrinterSupport", "Password:") == "Mật khẩu:"
    assert tr("QPageSize", "Custom (%1mm x %2mm)") == "Tùy chỉnh (%1mm x %2mm)"


def test_english_again_after_switching_back(app, qtbot):
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter

    assert install_qt_language("vi")
    install_qt_language("en")
    dialog = QPrintDialog(QPrinter())
    qtbot.addWidget(dialog)
    assert "&Name:" in _texts(dialog)


def _messages():
    for context in ET.parse(TS).getroot().iter("context"):
        name = context.findtext("name")
        for message in context.iter("message"):
            yield name, message.findtext("source"), message.findtext("translation")


def test_the_qt_catalog_keeps_placeholders_and_mnemonics():
    seen = Counter()
    for context, source, translation in _messages():
        seen[context] += 1
        assert translation, (context, source)
        assert sorted(re.findall(r"%\d", source)) == sorted(re.findall(r"%\d", translation)), (context, source)
        src_m, tr_m = _mnemonic(source), _mnemonic(translation)
        if context in PRINT_CONTEXTS:
            assert (src_m is None) == (tr_m is None), (context, source, translation)
        if tr_m:
            assert tr_m.isascii() and tr_m.isalpha(), (context, translation)
    assert PRINT_CONTEXTS <= set(seen)
    assert seen["QPrintDialog"] >= 30 and seen["QPageSetupWidget"] >= 30 and seen["QCupsJobWidget"] >= 20


def test_the_compiled_qt_catalog_is_current(tmp_path: Path):
    lrelease = Path(sys.executable).parent / "pyside6-lrelease"
    if not lrelease.exists():
        lrelease = Path(shutil.which("pyside6-lrelease") or "")
    if not lrelease.is_file():
        pytest.skip("pyside6-lrelease not installed")
    out = tmp_path / "qtbase_vi.qm"
    subprocess.run([str(lrelease), "-silent", str(TS), "-qm", str(out)], check=True)
    assert out.read_bytes() == (QT_LOCALE_DIR / "qtbase_vi.qm").read_bytes(), "run scripts/update-translations.sh"
