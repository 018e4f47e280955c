"""The order screen's dialogs: starting a live session, and one order with its lots, history and next statuses."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from coopdesk.domain import addresses
from coopdesk.domain.money import format_vnd
from coopdesk.domain.orders import CHANNELS, NEXT, STATUS_LABELS, order_status_label
from coopdesk.domain.phones import display_phone
from coopdesk.i18n import _
from coopdesk.services import order_entry
from coopdesk.ui.widgets.dialogs import GuardedDialog, ask


class SessionDialog(GuardedDialog):
    """Start a live session: name, channel, host. Esc or Cancel asks before dropping what was typed."""

    def __init__(self, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Start a live session"))
        self.setMinimumWidth(440)  # the example name in the field reads in full
        f = QFormLayout(self)
        self.name = QLineEdit()
        self.name.setPlaceholderText(_("e.g. Live tối thứ Sáu — bún & nem"))
        self.channel = QComboBox()
        self.channel.setEditable(True)
        self.channel.addItems([_(c) for c in CHANNELS])
        self.host = QLineEdit()
        f.addRow(_("&Name *"), self.name)
        f.addRow(_("&Channel"), self.channel)
        f.addRow(_("&Host"), self.host)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Start"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        f.addRow(buttons)


def history_text(action: str, detail: str) -> str:
    """One line of an order's history in words, not JSON."""
    import json

    try:
        d = json.loads(detail or "{}")
    except ValueError:
        d = {}
    if action == "create":
        return _("created: total {total}, COD {cod}").format(total=format_vnd(d.get("total", 0)),
                                                             cod=format_vnd(d.get("cod", 0)))
    if action == "status":
        why = _(" (no lot for {lines}: {reason})").format(lines=", ".join(d["unallocated"]), reason=d.get(
            "reason", "")) if d.get("unallocated") else ""
        return f"{order_status_label(d.get('from', ''))} → {order_status_label(d.get('to', ''))}{why}"
    if action == "edit":
        return _("edited: total {old} → {new}").format(old=format_vnd(d.get("before", {}).get("total", 0)),
                                                       new=format_vnd(d.get("after", {}).get("total", 0)))
    if action == "cancel_line":
        return _("line cancelled: {sku} × {qty}").format(sku=d.get("sku", ""), qty=d.get("qty", ""))
    if action in ("import", "import_update"):
        changes = ", ".join(f"{k}: {v[0]} → {v[1]}" for k, v in d.items() if isinstance(v, list))
        return _("imported from {file}").format(file=d.get("file", "")) + (f" ({changes})" if changes else "")
    return f"{action} {detail}"


class OrderDialog(QDialog):
    """One order: its lines and lots, its history, and the next statuses it can take."""

    def __init__(self, parent: QWidget | None, database, order_id: int, on_change, on_edit=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.database, self.order_id, self._on_change, self._on_edit = database, order_id, on_change, on_edit
        self.setWindowTitle(_("Order {id}").format(id=order_id))
        self.resize(640, 520)
        layout = QVBoxLayout(self)
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        layout.addWidget(self.text, 1)
        self.buttons = QHBoxLayout()
        layout.addLayout(self.buttons)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.button(QDialogButtonBox.StandardButton.Close).setText(_("Close"))
        close.rejected.connect(self.reject)
        layout.addWidget(close)
        self.refresh()

    def refresh(self) -> None:
        o = order_entry.get_order(self.database, self.order_id)
        place = ", ".join(x for x in (o["street"], addresses.commune_name(o["commune"]),
                                      addresses.province_name(o["province"])) if x)
        lines = [_("Order {id} · {status}").format(id=o["id"], status=order_status_label(o["status"])),
                 f"{o['name']} · {display_phone(o['phone'])}", place or o["raw_address"]]
        if o["raw_address"] and o["raw_address"] != place:
            lines.append(_("As written: {text}").format(text=o["raw_address"]))
        lines.append("")
        for x in o["lines"]:
            lots = ", ".join(f"{a['code']} ×{a['qty']}" for a in x["lots"]) or _("no lot (oversold)")
            state = _(" (cancelled)") if x["cancelled"] else ""
            lines.append(f"{x['sku']} × {x['qty']} @ {format_vnd(x['unit_price'])}{state} — {_('lots')}: {lots}")
        for label, note in ((_("Delivery note: {text}"), o.get("delivery_note")),
                            (_("Internal note: {text}"), o.get("internal_note"))):
            if note:
                lines.append(label.format(text=note))  # a backorder's CHỜ HÀNG is read here
        lines += ["", _("Total {total} · COD to collect {cod}").format(total=format_vnd(o["total"]),
                                                                       cod=format_vnd(o["cod"])), "", _("History:")]
        for h in order_entry.history(self.database, self.order_id):
            lines.append(f"{h['at'][8:10]}/{h['at'][5:7]}/{h['at'][:4]} {h['at'][11:16]}  {h['who'] or '-'}  "
                         f"{history_text(h['action'], h['detail'])}")
        self.text.setPlainText("\n".join(lines))
        while self.buttons.count():
            w = self.buttons.takeAt(0).widget()
            if w:
                w.hide()  # gone at once; Qt frees it on the next turn of the event loop
                w.deleteLater()
        if self._on_edit is not None and o["status"] in ("new", "packed") and not self.database.read_only:
            edit = QPushButton(_("&Edit order"))
            edit.clicked.connect(lambda: (self._on_edit(self.order_id), self.accept()))
            self.buttons.addWidget(edit)
        for status in sorted(NEXT.get(o["status"], ())):
            b = QPushButton("→ " + _(STATUS_LABELS[status]))
            b.clicked.connect(lambda _c=False, s=status: self.move(s))
            b.setEnabled(not self.database.read_only)
            self.buttons.addWidget(b)

    def move(self, status: str) -> None:
        carrier = reason = ""
        missing = order_entry.unallocated_lines(order_entry.get_order(self.database, self.order_id))
        if status == "packed" and missing:
            reason, ok = QInputDialog.getText(self, _("Pack without stock?"), _(
                "These lines have no packs from a lot: {lines}.\nWhy pack the order anyway (e.g. packed from "
                "stock not yet entered)?").format(lines=", ".join(missing)))
            if not ok or not reason.strip():
                return
        if status == "handed":
            carrier, ok = QInputDialog.getText(self, _("Handed to carrier"), _("Carrier (GHTK, GHN, Viettel Post…)"))
            if not ok:
                return
        if status == "cancelled" and not ask(self, _("Cancel order"), _(
                "Cancel order {id}? Its packs go back to their lots.").format(id=self.order_id), yes=_("Cancel order"),
                no=_("Keep it")):
            return
        ops = getattr(self.parent(), "window_", None)
        ops = getattr(ops, "ops", None)
        if ops is None:  # a dialog opened without the window (tests of the dialog alone)
            self._on_change(order_entry.set_status(self.database, self.order_id, status, _("staff"), carrier,
                                                   reason=reason))
        elif not ops.run(self, lambda db: order_entry.set_status(db, self.order_id, status, _("staff"), carrier,
                                                                 reason=reason),
                         title=_("Not changed")):
            return
        self.refresh()
