"""Save and open dialogs start in the folder used last (seen in a walk: every one opened in the home folder)."""

from PySide6.QtWidgets import QFileDialog

from coopdesk.ui.widgets import file_dialogs


def test_the_next_dialog_starts_where_the_last_file_went(app, tmp_path, monkeypatch):
    usb = tmp_path / "usb"
    usb.mkdir()
    starts = []

    def fake_save(parent, title, start, pattern):
        starts.append(start)
        return str(usb / "phieu.pdf"), pattern

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(fake_save))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda p, t, start, pat: (starts.append(start)
                                                                                           or "", pat)))
    assert file_dialogs.save_path(None, "Lưu", "phieu.pdf", "PDF (*.pdf)") == str(usb / "phieu.pdf")
    file_dialogs.save_path(None, "Lưu", "nhan.pdf", "PDF (*.pdf)")
    assert file_dialogs.open_path(None, "Mở", "*.csv") == ""  # cancelled: the remembered folder stays
    assert starts[1] == str(usb / "nhan.pdf") and starts[2] == str(usb)
    usb.rmdir()
    assert file_dialogs.last_folder() != usb  # a folder that is gone (a stick pulled out): home again
