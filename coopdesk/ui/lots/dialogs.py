"""Dialogs of the lots screen: a new lot, and the registers of households, growing areas and inputs."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from coopdesk.domain import addresses
from coopdesk.domain.lots import INPUT_KINDS, INPUT_LABELS, format_kg
from coopdesk.domain.phones import display_phone
from coopdesk.i18n import _
from coopdesk.services import traceability as trace
from coopdesk.services.catalog import list_products
from coopdesk.ui.operations import run_save
from coopdesk.ui.widgets.dialogs import GuardedDialog
from coopdesk.ui.widgets.errors import ErrorBanner
from coopdesk.ui.widgets.fields import PlacePicker


class NewLotDialog(GuardedDialog):
    """Product, planned quantity, growing areas, and the lots it is made from (for a processed product)."""

    def __init__(self, parent: QWidget | None, database, on_created: Callable[[object], None]) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.setWindowTitle(_("New production lot"))
        self.resize(720, 560)
        self.database, self._on_created, self.created = database, on_created, None
        outer = QVBoxLayout(self)
        self.errors = ErrorBanner()
        outer.addWidget(self.errors)
        form = QFormLayout()
        outer.addLayout(form)
        self.product = QComboBox()
        self.product.setEditable(True)
        self.product.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        for p in list_products(database):
            self.product.addItem(f"{p.sku} — {p.name}", p.sku)
        self.product.completer().setFilterMode(Qt.MatchFlag.MatchContains)
        self.planned = QLineEdit()
        self.planned.setPlaceholderText(_("kg, optional"))
        self.note = QLineEdit()
        self.areas = QListWidget()
        self.areas.setMaximumHeight(110)
        for a in trace.areas(database).values():
            item = QListWidgetItem(a.name + (f" ({a.code})" if a.code else ""))
            item.setData(Qt.ItemDataRole.UserRole, a.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.areas.addItem(item)
        self.parents = QTableWidget(0, 3)
        self.parents.setHorizontalHeaderLabels([_("Lot"), _("Left"), _("Kg taken")])
        self.parents.horizontalHeaderItem(2).setToolTip(_("Empty: this lot is not used"))
        header = self.parents.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)  # the code and product name take the room
        self.parents.verticalHeader().hide()
        for v in trace.views(database):
            amount, unit = v.state.on_hand()
            if unit != "g" or amount <= 0 or v.recall:
                continue
            r = self.parents.rowCount()
            self.parents.insertRow(r)
            code = QTableWidgetItem(f"{v.code} — {v.product.name}")
            code.setData(Qt.ItemDataRole.UserRole, v.code)
            code.setFlags(code.flags() & ~Qt.ItemFlag.ItemIsEditable)
            left = QTableWidgetItem(format_kg(amount))
            left.setFlags(left.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.parents.setItem(r, 0, code)
            self.parents.setItem(r, 1, left)
            self.parents.setItem(r, 2, QTableWidgetItem(""))
        form.addRow(_("&Product *"), self.product)
        form.addRow(_("P&lanned quantity (kg)"), self.planned)
        form.addRow(_("Growing &areas"), self.areas)
        form.addRow(_("Made &from lots"), self.parents)
        form.addRow(_("&Note"), self.note)
        hint = QLabel(_("The lot code comes from the pattern set under Settings → Lot codes."))
        hint.setStyleSheet("color:#555")
        outer.addWidget(hint)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Create the lot"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        outer.addWidget(buttons)
        self.fields = {"product": self.product, "planned": self.planned, "areas": self.areas,
                       "parents": self.parents}

    def accept(self) -> None:
        area_ids = [self.areas.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.areas.count())
                    if self.areas.item(i).checkState() == Qt.CheckState.Checked]
        parents = []
        for r in range(self.parents.rowCount()):
            kg = self.parents.item(r, 2).text().strip()
            if kg:
                parents.append((self.parents.item(r, 0).data(Qt.ItemDataRole.UserRole), kg))
        sku = self.product.currentData() or self.product.currentText().split(" — ")[0]
        planned, note = self.planned.text(), self.note.text()
        ok, created = run_save(self, lambda: trace.create_lot(self.database, sku, planned, area_ids, parents, note),
                               title=_("Not saved"), invalid=lambda e: self.errors.show_error(e, self.fields))
        if not ok:
            return
        self.created = created
        self._on_created(self.created)
        super().accept()


class _RegisterTab(QWidget):
    """A table of what is registered and a small form below it to add one more."""

    def __init__(self, headers: list[str]) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        self.table = QTableWidget(0, len(headers))
        self.table.setHorizontalHeaderLabels(headers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        layout.addWidget(self.table, 1)
        self.errors = ErrorBanner()
        layout.addWidget(self.errors)
        self.form = QFormLayout()
        layout.addLayout(self.form)
        row = QHBoxLayout()
        row.addStretch(1)
        self.add_button = QPushButton(_("&Add"))
        row.addWidget(self.add_button)
        layout.addLayout(row)

    def fill(self, rows: list[list[str]]) -> None:
        self.table.setRowCount(len(rows))
        for r, values in enumerate(rows):
            for c, v in enumerate(values):
                self.table.setItem(r, c, QTableWidgetItem(v))


class RegistersDialog(GuardedDialog):
    """Member households, growing areas and the inputs register."""

    def __init__(self, parent: QWidget | None, database) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.database = database
        self.setWindowTitle(_("Households, growing areas and inputs"))
        self.resize(820, 600)
        layout = QVBoxLayout(self)
        self.tabs = QTabWidget()
        layout.addWidget(self.tabs)

        self.members = _RegisterTab([_("Household"), _("Phone"), _("Note"), _("Private")])
        self.m_name, self.m_phone, self.m_note = QLineEdit(), QLineEdit(), QLineEdit()
        self.m_private = QCheckBox(_("Keep this household's name off the public trace pages"))
        for label, w in ((_("&Name *"), self.m_name), (_("&Phone"), self.m_phone), (_("N&ote"), self.m_note),
                         ("", self.m_private)):
            self.members.form.addRow(label, w)
        self.members.add_button.clicked.connect(self._add_member)
        self.tabs.addTab(self.members, _("Member households"))

        self.areas = _RegisterTab([_("Area"), _("Code"), _("m²"), _("Commune"), _("Household"), _("GPS")])
        self.a_name, self.a_size, self.a_code, self.a_gps = QLineEdit(), QLineEdit(), QLineEdit(), QLineEdit()
        self.a_gps.setPlaceholderText("19.9906, 105.6522")
        self.a_place = PlacePicker()
        self.a_member = QComboBox()
        for label, w in ((_("&Name *"), self.a_name), (_("A&rea (m²)"), self.a_size),
                         (_("Province, &commune"), self.a_place), (_("Growing-area co&de"), self.a_code),
                         (_("&GPS point"), self.a_gps), (_("&Household"), self.a_member)):
            self.areas.form.addRow(label, w)
        self.areas.add_button.clicked.connect(self._add_area)
        self.tabs.addTab(self.areas, _("Growing areas"))

        self.inputs = _RegisterTab([_("Kind"), _("Name"), _("Active ingredient"), _("Reg. no."),
                                    _("Pre-harvest interval (days)"), _("Unit")])
        self.i_kind = QComboBox()
        for k in INPUT_KINDS:
            self.i_kind.addItem(_(INPUT_LABELS[k]), k)
        self.i_name, self.i_ai, self.i_reg, self.i_phi, self.i_unit = (QLineEdit() for _i in range(5))
        self.i_phi.setPlaceholderText(_("days, from the pesticide's label"))
        for label, w in ((_("&Kind"), self.i_kind), (_("&Name *"), self.i_name),
                         (_("Active &ingredient"), self.i_ai), (_("&Registration no."), self.i_reg),
                         (_("Pre-&harvest interval (days)"), self.i_phi), (_("&Unit"), self.i_unit)):
            self.inputs.form.addRow(label, w)
        self.inputs.add_button.clicked.connect(self._add_input)
        self.tabs.addTab(self.inputs, _("Inputs register"))
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.button(QDialogButtonBox.StandardButton.Close).setText(_("Close"))
        close.rejected.connect(self.reject)
        layout.addWidget(close)
        self.refresh()

    def refresh(self) -> None:
        members = trace.members(self.database)
        self.members.fill([[m["name"], display_phone(m["phone"]) if m["phone"] else "", m["note"],
                            _("yes") if m["private"] else ""] for m in members])
        names = {m["id"]: m["name"] for m in members}
        self.a_member.clear()
        self.a_member.addItem(_("— none —"), None)
        for m in members:
            self.a_member.addItem(m["name"], m["id"])
        areas = trace.areas(self.database).values()
        self.areas.fill([[a.name, a.code, f"{a.area_m2:,}".replace(",", ".") if a.area_m2 else "",
                          addresses.commune_name(a.commune), names.get(a.member_id, ""),
                          f"{a.lat}, {a.lon}" if a.lat is not None else ""] for a in areas])
        inputs = trace.inputs(self.database).values()
        self.inputs.fill([[_(INPUT_LABELS[i.kind]), i.name, i.active_ingredient, i.registration_no,
                           str(i.phi_days) if i.phi_days else "", i.unit] for i in inputs])

    def _run(self, tab: _RegisterTab, fields: dict, action: Callable[[], object], clear: list[QLineEdit]) -> bool:
        ok, _result = run_save(self, action, title=_("Not saved"), invalid=lambda e: tab.errors.show_error(e, fields))
        if not ok:
            return False
        tab.errors.show_error(None, fields)
        for w in clear:
            w.clear()
        self.refresh()
        return True

    def _add_member(self) -> bool:
        return self._run(self.members, {"name": self.m_name, "phone": self.m_phone},
                         lambda: trace.add_member(self.database, self.m_name.text(), self.m_phone.text(),
                                                  note=self.m_note.text(), private=self.m_private.isChecked()),
                         [self.m_name, self.m_phone, self.m_note])

    def _add_area(self) -> bool:
        province, commune = self.a_place.values()
        return self._run(self.areas, {"name": self.a_name, "area_m2": self.a_size, "province": self.a_place.province,
                                      "commune": self.a_place.commune, "gps": self.a_gps},
                         lambda: trace.save_area(self.database, self.a_name.text(), self.a_size.text(), province,
                                                 commune, self.a_code.text(), self.a_gps.text(),
                                                 self.a_member.currentData()),
                         [self.a_name, self.a_size, self.a_code, self.a_gps])

    def _add_input(self) -> bool:
        return self._run(self.inputs, {"kind": self.i_kind, "name": self.i_name, "active_ingredient": self.i_ai,
                                       "phi_days": self.i_phi},
                         lambda: trace.save_input(self.database, self.i_kind.currentData(), self.i_name.text(),
                                                  self.i_ai.text(), self.i_reg.text(), self.i_phi.text(),
                                                  self.i_unit.text()),
                         [self.i_name, self.i_ai, self.i_reg, self.i_phi, self.i_unit])
