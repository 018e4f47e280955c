"""The cooperative profile form, shared by the settings screen and the first-run welcome."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QFileDialog, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QWidget

from coopdesk.domain.cooperative import Cooperative, CooperativeDraft
from coopdesk.domain.errors import ValidationError
from coopdesk.domain.phones import display_phone
from coopdesk.i18n import _
from coopdesk.ui.widgets.errors import ErrorBanner
from coopdesk.ui.widgets.fields import PlacePicker


class ProfileForm(QWidget):
    """Collects a CooperativeDraft; the domain checks it."""

    def __init__(self, parent: QWidget | None = None, media_dir: str = "") -> None:
        super().__init__(parent)
        self._media_dir = media_dir
        self.logo_path = ""
        form = QFormLayout(self)
        self.errors = ErrorBanner()
        form.addRow(self.errors)
        self.name = QLineEdit()
        self.name.setPlaceholderText(_("e.g. Hợp tác xã Nông nghiệp Hồng Phước"))
        self.tax_code = QLineEdit()
        self.tax_code.setPlaceholderText(_("10 digits, or 10-3 for a branch"))
        self.place = PlacePicker()
        self.street = QLineEdit()
        self.street.setPlaceholderText(_("house number, street, village (thôn, bản, ấp)"))
        self.phone = QLineEdit()
        self.phone.setPlaceholderText(_("e.g. 0912 345 678"))
        self.email = QLineEdit()
        self.representative = QLineEdit()
        self.trace_base_url = QLineEdit()
        self.trace_base_url.setPlaceholderText("https://truyxuat.htx.vn")
        logo_row = QHBoxLayout()
        self.logo_label = QLabel(_("No logo"))
        self.logo_label.setFixedSize(64, 64)
        self.logo_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.logo_label.setStyleSheet("border: 1px dashed #aaa; color: #777;")
        self.logo_label.setWordWrap(True)
        self.logo_button = QPushButton(_("Choose &logo…"))
        self.logo_button.clicked.connect(self._on_logo_clicked)
        logo_row.addWidget(self.logo_label)
        logo_row.addWidget(self.logo_button)
        logo_row.addStretch(1)
        form.addRow(_("Cooperative &name *"), self.name)
        form.addRow(_("&Tax code"), self.tax_code)
        form.addRow(_("Province, &commune"), self.place)
        form.addRow(_("&Street address"), self.street)
        form.addRow(_("&Phone"), self.phone)
        form.addRow(_("&Email"), self.email)
        form.addRow(_("&Representative"), self.representative)
        form.addRow(_("Trace page a&ddress"), self.trace_base_url)
        form.addRow(_("Logo"), logo_row)
        self.fields: dict[str, QWidget] = {
            "name": self.name, "tax_code": self.tax_code, "province": self.place.province,
            "commune": self.place.commune, "street": self.street, "phone": self.phone, "email": self.email,
            "representative": self.representative, "trace_base_url": self.trace_base_url, "logo": self.logo_button}

    def _on_logo_clicked(self) -> None:
        path, _f = QFileDialog.getOpenFileName(self, _("Choose the cooperative's logo"), "",
                                               _("Images (*.png *.jpg *.jpeg *.webp)"))
        if path:
            self.set_logo(path)

    def set_logo(self, path: str) -> None:
        self.logo_path = path
        full = path if "/" in path or "\\" in path or not self._media_dir else f"{self._media_dir}/{path}"
        pix = QPixmap(full)
        if not pix.isNull():
            self.logo_label.setPixmap(pix.scaled(64, 64, Qt.AspectRatioMode.KeepAspectRatio,
                                                 Qt.TransformationMode.SmoothTransformation))

    def value(self) -> CooperativeDraft:
        province, commune = self.place.values()
        return CooperativeDraft(name=self.name.text(), tax_code=self.tax_code.text(), province=province,
                                commune=commune, street=self.street.text(), phone=self.phone.text(),
                                email=self.email.text(), representative=self.representative.text(),
                                logo=self.logo_path, trace_base_url=self.trace_base_url.text())

    def set_value(self, coop: Cooperative | None) -> None:
        if coop is None:
            return
        self.name.setText(coop.name)
        self.tax_code.setText(coop.tax_code)
        self.place.set_values(coop.province, coop.commune)
        self.street.setText(coop.street)
        self.phone.setText(display_phone(coop.phone) if coop.phone else "")
        self.email.setText(coop.email)
        self.representative.setText(coop.representative)
        self.trace_base_url.setText(coop.trace_base_url)
        self.set_logo(coop.logo)

    def show_error(self, error: ValidationError | None) -> None:
        self.errors.show_error(error, self.fields)
