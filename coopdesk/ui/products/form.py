"""The product form: every field of an OCOP product, usable by keyboard alone."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from coopdesk.domain.dates import DateError, add_months, format_date, parse_date
from coopdesk.domain.errors import ValidationError
from coopdesk.domain.products import CERTIFICATION_KINDS, OCOP_VALIDITY_MONTHS, UNITS, ProductDraft
from coopdesk.i18n import _
from coopdesk.ui.widgets.dialogs import GuardedDialog
from coopdesk.ui.widgets.errors import ErrorBanner
from coopdesk.ui.widgets.fields import DateEdit, MoneyEdit, PlacePicker

CERT_FIELDS = ("kind", "number", "issuer", "issued", "expires")


class ProductForm(GuardedDialog):
    """Collects a ProductDraft; the domain checks it and the page saves it through the catalog service."""

    def __init__(self, parent: QWidget | None = None, media_dir: str = "",
                 on_save: Callable[[ProductDraft], object] | None = None) -> None:
        super().__init__(parent)
        self._on_save = on_save
        self.saved: object = None
        self.setWindowTitle(_("Product"))
        self.setMinimumSize(860, 480)  # the groups scroll; Save and Cancel stay visible on a 768-pixel screen
        self.resize(1000, 660)
        self._media_dir = media_dir
        self.photo_path = ""
        outer = QVBoxLayout(self)
        self.errors = ErrorBanner()
        outer.addWidget(self.errors)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        body = QWidget()
        grid = QGridLayout(body)
        scroll.setWidget(body)
        outer.addWidget(scroll, 1)

        general = QGroupBox(_("Product"))
        f = QFormLayout(general)
        self.sku = QLineEdit()
        self.sku.setPlaceholderText(_("e.g. YDI-MIEN-500"))
        self.name = QLineEdit()
        self.name_en = QLineEdit()
        self.unit = QComboBox()
        self.unit.setEditable(True)
        self.unit.addItems(UNITS)
        self.net_weight = QLineEdit()
        self.net_weight.setPlaceholderText(_("e.g. 500 g or 1,2 kg"))
        self.shipping_weight = QLineEdit()
        self.shipping_weight.setPlaceholderText(_("e.g. 550 g (empty: the net weight)"))
        self.shipping_weight.setToolTip(_("What one unit weighs in its box or bag, as the carrier weighs it. The "
                                          "handover sheet adds it up per parcel; left empty, the net weight is used."))
        self.price = MoneyEdit()
        self.gtin = QLineEdit()
        self.gtin.setPlaceholderText(_("13 digits, optional (Vietnamese codes start 893)"))
        self.gtin.setMaxLength(13)
        self.shelf_life = QLineEdit()
        self.shelf_life.setPlaceholderText(_("days"))
        f.addRow(_("&SKU *"), self.sku)
        f.addRow(_("&Name (Vietnamese) *"), self.name)
        f.addRow(_("English name"), self.name_en)
        f.addRow(_("&Unit"), self.unit)
        f.addRow(_("Net &weight"), self.net_weight)
        f.addRow(_("Shipping w&eight"), self.shipping_weight)
        f.addRow(_("&Price (đồng) *"), self.price)
        f.addRow(_("&GTIN"), self.gtin)
        f.addRow(_("Shelf &life (days)"), self.shelf_life)
        grid.addWidget(general, 0, 0)

        ocop = QGroupBox(_("OCOP certificate"))
        o = QFormLayout(ocop)
        self.ocop_stars = QComboBox()
        self.ocop_stars.addItem(_("Not OCOP"), "")
        for n in (3, 4, 5):
            self.ocop_stars.addItem("★" * n + f"  ({n})", str(n))
        self.ocop_cert_no = QLineEdit()
        self.ocop_cert_no.setPlaceholderText(_("e.g. 2317/QĐ-UBND"))
        self.ocop_authority = QLineEdit()
        self.ocop_authority.setPlaceholderText(_("e.g. UBND tỉnh Thanh Hóa"))
        self.ocop_issued = DateEdit()
        self.ocop_expires = DateEdit()
        self.ocop_hint = QLabel()
        self.ocop_hint.setStyleSheet("color: #555;")
        self.ocop_issued.textChanged.connect(self._on_issued_changed)
        o.addRow(_("Star le&vel"), self.ocop_stars)
        o.addRow(_("Cert&ificate number"), self.ocop_cert_no)
        o.addRow(_("Issued &by"), self.ocop_authority)
        o.addRow(_("Issue &date"), self.ocop_issued)
        o.addRow(_("E&xpiry date"), self.ocop_expires)
        o.addRow("", self.ocop_hint)
        grid.addWidget(ocop, 0, 1)

        origin = QGroupBox(_("Origin and storage"))
        g = QFormLayout(origin)
        g.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        self.place = PlacePicker(vertical=True)
        self.storage = QPlainTextEdit()
        self.storage.setTabChangesFocus(True)
        self.storage.setFixedHeight(44)
        self.storage_place = QLineEdit()
        self.storage_place.setPlaceholderText(_("e.g. Kệ A-3 (the picking list follows this order)"))
        photo_row = QHBoxLayout()
        self.photo_label = QLabel(_("No photo"))
        self.photo_label.setFixedSize(64, 64)
        self.photo_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.photo_label.setStyleSheet("border: 1px dashed #aaa; color: #777;")
        self.photo_label.setWordWrap(True)
        self.photo_button = QPushButton(_("C&hoose photo…"))
        self.photo_button.clicked.connect(self._on_photo_clicked)
        photo_row.addWidget(self.photo_label)
        photo_row.addWidget(self.photo_button)
        photo_row.addStretch(1)
        g.addRow(_("&Origin (province, commune)"), self.place)
        g.addRow(_("S&torage"), self.storage)
        g.addRow(_("Storage pla&ce"), self.storage_place)
        g.addRow(_("Photo"), photo_row)
        grid.addWidget(origin, 1, 0)

        certs = QGroupBox(_("Other certifications (VietGAP, organic, HACCP, ISO 22000 …)"))
        c = QVBoxLayout(certs)
        self.certs = QTableWidget(0, len(CERT_FIELDS))
        self.certs.setHorizontalHeaderLabels([_("Kind"), _("Number"), _("Issued by"), _("Issue date"),
                                              _("Expiry date")])
        self.certs.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.certs.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.certs.verticalHeader().hide()
        self.certs.setMinimumHeight(90)
        self.certs.setTabKeyNavigation(True)
        buttons = QHBoxLayout()
        self.add_cert = QPushButton(_("&Add certification"))
        self.add_cert.clicked.connect(lambda: self._add_cert_row({}))
        self.remove_cert = QPushButton(_("&Remove selected"))
        self.remove_cert.clicked.connect(self._on_remove_cert)
        buttons.addWidget(self.add_cert)
        buttons.addWidget(self.remove_cert)
        buttons.addStretch(1)
        c.addWidget(self.certs)
        c.addLayout(buttons)
        grid.addWidget(certs, 1, 1)
        grid.setRowStretch(2, 1)  # spare height goes below the groups, not into them

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save |
                                        QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText(_("Save (Ctrl+S)"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        outer.addWidget(self.buttons)
        QShortcut(QKeySequence.StandardKey.Save, self, activated=self.accept)

        self.fields: dict[str, QWidget] = {
            "sku": self.sku, "name": self.name, "name_en": self.name_en, "unit": self.unit,
            "net_weight": self.net_weight, "shipping_weight": self.shipping_weight, "price": self.price,
            "gtin": self.gtin,
            "shelf_life_days": self.shelf_life, "ocop_stars": self.ocop_stars, "ocop_cert_no": self.ocop_cert_no,
            "ocop_authority": self.ocop_authority, "ocop_issued": self.ocop_issued,
            "ocop_expires": self.ocop_expires, "origin_province": self.place.province,
            "origin_commune": self.place.commune, "storage": self.storage, "photo": self.photo_button,
            "storage_place": self.storage_place,
            "certifications": self.certs,
        }
        self.sku.setFocus()

    # --- certifications table ---
    def _add_cert_row(self, values: dict[str, str]) -> None:
        row = self.certs.rowCount()
        self.certs.insertRow(row)
        kind = QComboBox()
        kind.setEditable(True)
        kind.addItems([_(k) for k in CERTIFICATION_KINDS])
        kind.setCurrentText(values.get("kind", "VietGAP"))
        self.certs.setCellWidget(row, 0, kind)
        for col, key in enumerate(CERT_FIELDS[1:], start=1):
            self.certs.setItem(row, col, QTableWidgetItem(values.get(key, "")))
        self.certs.setCurrentCell(row, 1)

    def _on_remove_cert(self) -> None:
        rows = sorted({i.row() for i in self.certs.selectedIndexes()} | {self.certs.currentRow()}, reverse=True)
        for r in rows:
            if r >= 0:
                self.certs.removeRow(r)

    def _cert_values(self) -> list[dict[str, str]]:
        out = []
        for r in range(self.certs.rowCount()):
            kind = self.certs.cellWidget(r, 0)
            row = {"kind": kind.currentText() if isinstance(kind, QComboBox) else ""}
            for col, key in enumerate(CERT_FIELDS[1:], start=1):
                item = self.certs.item(r, col)
                row[key] = item.text() if item else ""
            out.append(row)
        return out

    # --- photo ---
    def _on_photo_clicked(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(self, _("Choose a photo of the product"), "",
                                                    _("Images (*.png *.jpg *.jpeg *.webp)"))
        if path:
            self.set_photo(path)

    def set_photo(self, path: str) -> None:
        self.photo_path = path
        full = path if not self._media_dir or "/" in path or "\\" in path else f"{self._media_dir}/{path}"
        pix = QPixmap(full)
        if pix.isNull():
            self.photo_label.setText(_("No photo") if not path else _("(photo)"))
        else:
            self.photo_label.setPixmap(pix.scaled(64, 64, Qt.AspectRatioMode.KeepAspectRatio,
                                                  Qt.TransformationMode.SmoothTransformation))

    def _on_issued_changed(self, text: str) -> None:
        try:
            d = parse_date(text)
        except DateError:
            d = None
        if d:
            self.ocop_expires.setPlaceholderText(format_date(add_months(d, OCOP_VALIDITY_MONTHS)))
            self.ocop_hint.setText(_("Left empty, the expiry is {months} months after the issue date.").format(
                months=OCOP_VALIDITY_MONTHS))
        else:
            self.ocop_expires.setPlaceholderText(_("dd/mm/yyyy"))
            self.ocop_hint.setText("")

    # --- value ---
    def value(self) -> ProductDraft:
        province, commune = self.place.values()
        return ProductDraft(
            sku=self.sku.text(), name=self.name.text(), name_en=self.name_en.text(), unit=self.unit.currentText(),
            net_weight=self.net_weight.text(), price=self.price.text(), gtin=self.gtin.text(),
            ocop_stars=self.ocop_stars.currentData() or "", ocop_cert_no=self.ocop_cert_no.text(),
            ocop_authority=self.ocop_authority.text(), ocop_issued=self.ocop_issued.text(),
            ocop_expires=self.ocop_expires.text(), origin_province=province, origin_commune=commune,
            shelf_life_days=self.shelf_life.text(), storage=self.storage.toPlainText(), photo=self.photo_path,
            certifications=self._cert_values(), storage_place=self.storage_place.text(),
            shipping_weight=self.shipping_weight.text())

    def set_value(self, d: ProductDraft) -> None:
        self.sku.setText(d.sku)
        self.name.setText(d.name)
        self.name_en.setText(d.name_en)
        self.unit.setCurrentText(d.unit)
        self.net_weight.setText(d.net_weight)
        self.shipping_weight.setText(d.shipping_weight)
        self.price.setText(d.price)
        self.gtin.setText(d.gtin)
        self.shelf_life.setText(d.shelf_life_days)
        self.ocop_stars.setCurrentIndex(max(self.ocop_stars.findData(d.ocop_stars), 0))
        self.ocop_cert_no.setText(d.ocop_cert_no)
        self.ocop_authority.setText(d.ocop_authority)
        self.ocop_issued.setText(d.ocop_issued)
        self.ocop_expires.setText(d.ocop_expires)
        self.place.set_values(d.origin_province, d.origin_commune)
        self.storage.setPlainText(d.storage)
        self.storage_place.setText(d.storage_place)
        self.set_photo(d.photo)
        self.certs.setRowCount(0)
        for row in d.certifications:
            self._add_cert_row(row)

    def accept(self) -> None:
        """Save through the service; stay open with the wrong fields named when the domain refuses."""
        if self._on_save is not None:
            from coopdesk.ui.operations import run_save

            draft = self.value()
            ok, self.saved = run_save(self, lambda: self._on_save(draft), title=_("Not saved"), invalid=self.show_error)
            if not ok:
                return
        self.show_error(None)
        super().accept()

    def show_error(self, error: ValidationError | None) -> None:
        """Name the wrong fields; certification rows map to the certifications table."""
        fields = dict(self.fields)
        if error is not None:
            for e in error.errors:
                if e.field.startswith("cert"):
                    fields[e.field] = self.certs
        self.errors.show_error(error, fields)
