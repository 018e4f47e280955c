"""The Truy xuất/Thu hồi screen: who got it, in one click, and the recall carried through to the last buyer."""

from __future__ import annotations

import html
from datetime import date
from pathlib import Path

from PySide6.QtCore import QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QTextBrowser,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from coopdesk.domain.dates import format_date, format_iso
from coopdesk.domain.errors import CoopDeskError
from coopdesk.domain.money import format_vnd
from coopdesk.domain.recall import CHECK_NOTICE, GROUPS, HELD, OPEN, group_label, outcome_label
from coopdesk.domain.shipping import order_code, order_id_from_code
from coopdesk.i18n import N_, _
from coopdesk.services import recall, recall_documents
from coopdesk.services.changes import Changes
from coopdesk.services.lots import choices as lot_choices
from coopdesk.ui.recall.dialogs import EndRecallDialog, OpenRecallDialog, OutcomeDialog
from coopdesk.ui.recall.table_model import DATA_ROLE, SORT_ROLE, RowsModel
from coopdesk.ui.widgets.actions import page_action
from coopdesk.ui.widgets.dialogs import ask, inform
from coopdesk.ui.widgets.file_dialogs import save_path
from coopdesk.ui.workers import read_in_background

KINDS = (("lot", N_("Lot")), ("input", N_("Input (pesticide, fertiliser …)")), ("area", N_("Growing area")),
         ("member", N_("Household")), ("order", N_("Order (what it received)")),
         ("phone", N_("Customer phone (what they got)")))
GROUP_COLOURS = {"to_hold": "#8d5300", "held": "#4a148c", "in_transit": "#0d47a1", "delivered": "#b71c1c",
                 "returned": "#1b5e20"}
CUSTOMER_COLUMNS = (N_("Customer"), N_("Phone"), N_("Orders"), N_("Packs"), N_("Where it is"),
                    N_("Carrier · tracking"), N_("Outcome"), N_("Who · when"))
LINE_COLUMNS = (N_("Order"), N_("Date"), N_("Customer"), N_("Phone"), N_("Lot"), N_("Product"), N_("Packs"),
                N_("Status"), N_("Carrier"), N_("Tracking"), N_("Address"))
LOT_COLUMNS = (N_("Lot"), N_("Product"), N_("Role"), N_("Made"), N_("Sent out"), N_("Held"),
               N_("On hand (quarantined)"), N_("Recall"))


def _where(c: recall.CustomerEntry) -> str:
    """Where the buyer's product is; for an order the recall held, what is owed back."""
    text = ", ".join(group_label(g) for g in GROUPS if g in c.groups)
    if HELD in c.groups and c.refund:
        text += " · " + _("refund {amount}").format(amount=format_vnd(c.refund))
    return text


def message_kind(c: recall.CustomerEntry) -> tuple[str, str]:
    """(what the message below is, its colour): a person must see before pasting whether it tells the buyer
    of a recall, is only a precaution while the lot is checked, or tells them their order was cancelled."""
    if c.notice == CHECK_NOTICE:
        return _("Precautionary notice — no recall is open for this lot: it asks the buyer to keep the product "
                 "aside while it is checked."), "#8d5300"
    if c.held_orders:
        held = ", ".join(order_code(h.order_id) for h in c.held_orders)
        owed = (_("refund {amount}").format(amount=format_vnd(c.refund)) if c.refund
                else _("nothing was paid ahead"))
        return _("Recall notice — order {orders} cancelled by the recall ({owed}).").format(
            orders=held, owed=owed), "#4a148c"
    return _("Recall notice — ready to paste into Zalo or SMS."), "#b71c1c"


class RecallTable(QTableView):
    """A sortable view over a RowsModel, with the few helpers the page and its tests need."""

    def __init__(self, columns: tuple[str, ...], coloured: int = -1) -> None:
        super().__init__()
        self.model_ = RowsModel(columns, coloured)
        self.proxy = QSortFilterProxyModel()
        self.proxy.setSourceModel(self.model_)
        self.proxy.setSortRole(SORT_ROLE)
        self.setModel(self.proxy)
        self.setSortingEnabled(True)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(24)
        self.setAlternatingRowColors(True)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.horizontalHeader().setStretchLastSection(True)

    def fill(self, rows: list[list[str]], colours: list[str | None] | None = None,
             objects: list[object] | None = None) -> None:
        self.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # the service's order (who to call first)
        self.model_.set_rows(rows, colours, objects)
        # Column widths from the first rows only: measuring 10,000 rows would cost more than showing them.
        metrics, bold = self.fontMetrics(), self.horizontalHeader().fontMetrics()
        for c in range(self.model_.columnCount()):
            longest = max([bold.horizontalAdvance(_(self.model_.headers[c])) + 8]
                          + [metrics.horizontalAdvance(r[c]) for r in rows[:200]])
            self.setColumnWidth(c, min(max(longest + 16, 48), 260))

    def rowCount(self) -> int:  # noqa: N802
        return self.proxy.rowCount()

    def text(self, row: int, column: int) -> str:
        return self.proxy.index(row, column).data() or ""

    def current_object(self) -> object:
        index = self.currentIndex()
        return index.siblingAtColumn(0).data(DATA_ROLE) if index.isValid() else None

    def select_row(self, row: int) -> None:
        self.setCurrentIndex(self.proxy.index(row, 0))


class RecallPage(QWidget):
    """Start from anything suspect, see every buyer split by what can still be done, and run the recall."""

    changed = Signal(object)  # Changes

    def __init__(self, window: QWidget) -> None:
        super().__init__()
        self.window_ = window
        self.answer: recall.WhoGot | None = None
        self.view: recall.RecallView | None = None
        self.received: recall.Received | None = None
        self.last_who = ""
        self._task = None
        self._shown_seq = 0  # counts what was shown, so a late background answer does not replace a newer one
        layout = QVBoxLayout(self)
        title = QLabel(_("Trace & recall"))
        title.setObjectName("pageTitle")
        layout.addWidget(title)

        self.toolbar = QToolBar()
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.open_action = self._action(_("Open a recall…"), None, self.open_recall)
        self.hold_action = self._action(_("Hold unshipped orders"), None, self.hold_orders)
        self.outcome_action = self._action(_("Record outcome…"), QKeySequence("Ctrl+D"), self.record_outcome)
        self.copy_action = QAction(_("Copy message"), self)  # also the button beside the message
        self.copy_action.setShortcut(QKeySequence("Ctrl+Shift+C"))
        self.copy_action.triggered.connect(lambda _c=False: self.copy_message())
        self.addAction(self.copy_action)
        self.toolbar.addSeparator()
        self.pdf_action = self._action(_("Call list PDF…"), QKeySequence.StandardKey.Print, self.call_list_pdf)
        self.export_action = self._action(_("Buyers xlsx/CSV…"), None, self.export_buyers)
        self.summary_action = self._action(_("Summary for the authorities…"), None, self.summary_pdf)
        self.toolbar.addSeparator()
        self.close_action = self._action(_("Close the recall…"), None, self.close_recall)
        self.withdraw_action = self._action(_("Withdraw…"), None, self.withdraw_recall)
        layout.addWidget(self.toolbar)

        row = QHBoxLayout()
        row.addWidget(QLabel(_("Who got:")))
        self.kind = QComboBox()
        for key, label in KINDS:
            self.kind.addItem(_(label), key)
        self.kind.currentIndexChanged.connect(lambda _i: (self.value.setEditText(""), self._fill_values()))
        row.addWidget(self.kind)
        self.value = QComboBox()
        self.value.setEditable(True)
        self.value.setMinimumContentsLength(28)
        self.value.lineEdit().returnPressed.connect(self.search)
        row.addWidget(self.value, 2)
        self.find_button = QPushButton(_("Fi&nd"))
        self.find_button.clicked.connect(self.search)
        row.addWidget(self.find_button)
        row.addSpacing(16)
        row.addWidget(QLabel(_("Recalls:")))
        self.recalls = QComboBox()
        self.recalls.setMinimumContentsLength(30)
        self.recalls.activated.connect(lambda _i: self.show_recall(self.recalls.currentData()))
        row.addWidget(self.recalls, 2)
        layout.addLayout(row)

        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet("background:#b71c1c;color:white;padding:6px 10px;font-weight:bold")
        self.banner.hide()
        layout.addWidget(self.banner)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.linkActivated.connect(self.show_lot)
        layout.addWidget(self.summary)

        split = QSplitter(Qt.Orientation.Vertical)
        self.tabs = QTabWidget()
        self.customers = RecallTable(CUSTOMER_COLUMNS, coloured=4)
        self.customers.selectionModel().currentRowChanged.connect(lambda *_a: self._show_message())
        self.customers.doubleClicked.connect(lambda _i: self.record_outcome())
        self.lines = RecallTable(LINE_COLUMNS, coloured=7)
        self.lots = RecallTable(LOT_COLUMNS)
        self.origin = QTextBrowser()
        self.origin.setOpenLinks(False)
        self.origin.anchorClicked.connect(lambda url: self.show_lot(url.toString()))
        self.tabs.addTab(self.customers, _("Buyers"))
        self.tabs.addTab(self.lines, _("Order lines"))
        self.tabs.addTab(self.lots, _("Lots and stock"))
        self.tabs.addTab(self.origin, _("One step back"))
        split.addWidget(self.tabs)
        bottom = QWidget()
        b = QHBoxLayout(bottom)
        b.setContentsMargins(0, 4, 0, 0)
        said = QVBoxLayout()
        said.setContentsMargins(0, 0, 0, 0)
        said.setSpacing(2)
        # Which message this is: a recall notice, a precautionary one (no recall yet), or a cancelled order's.
        self.message_kind = QLabel()
        self.message_kind.setWordWrap(True)
        said.addWidget(self.message_kind)
        self.message = QPlainTextEdit()
        self.message.setReadOnly(True)
        self.message.setPlaceholderText(_("Select a buyer: the message to send them by Zalo or SMS shows here."))
        said.addWidget(self.message, 1)
        b.addLayout(said, 1)
        self.copy_button = QPushButton(_("Copy for Zalo/SMS"))
        self.copy_button.clicked.connect(self.copy_message)
        b.addWidget(self.copy_button, 0, Qt.AlignmentFlag.AlignTop)
        split.addWidget(bottom)
        split.setSizes([360, 150])  # a message of five lines shows whole, without scrolling
        layout.addWidget(split, 1)
        self._render()  # the pickers are filled when the page is first shown (refresh)

    def _action(self, text: str, shortcut, slot):  # noqa: ANN001, ANN202
        return page_action(self, self.toolbar, text, shortcut, slot)

    @property
    def database(self):  # noqa: ANN201
        return self.window_.database

    # --- data ---
    def refresh(self) -> None:
        """Reload the pickers and the recall list, and the answer on screen (its figures may have moved)."""
        self._fill_values()
        self.refresh_recall_list()
        self._reload()

    def refresh_recall_list(self) -> None:
        """The recall picker, with the recall on screen chosen."""
        from coopdesk.domain.recall import recall_status_label

        self.recalls.clear()
        for r in recall.list_recalls(self.database):
            self.recalls.addItem(f"#{r['id']} · {r['source_label']} · {recall_status_label(r['status'])}", r["id"])
        self.recalls.setCurrentIndex(self.recalls.findData(self.view.id) if self.view else -1)

    def on_changes(self, changes: Changes, initiator: object | None = None) -> None:
        if changes.lots or changes.orders or changes.products:
            self.refresh()

    def _fill_values(self) -> None:
        kind = self.kind.currentData()
        typed = self.value.currentText()
        self.value.blockSignals(True)
        self.value.clear()
        if kind == "lot":
            for code, name in lot_choices(self.database):
                self.value.addItem(f"{code} — {name}", code)
        elif kind in ("input", "area", "member"):
            for value, shown in recall.starting_points(self.database)[kind]:
                self.value.addItem(shown, value)
        self.value.setCurrentIndex(-1)
        self.value.setEditText(typed)
        self.value.blockSignals(False)

    def _value(self) -> str:
        text = self.value.currentText().strip()
        index = self.value.findText(text)
        if index >= 0 and self.value.itemData(index) is not None:
            return str(self.value.itemData(index))
        return text.split(" — ")[0].strip()

    # --- searching ---
    def show_lot(self, code: str) -> None:
        """Who got this lot (the lots page's "Who got this lot?")."""
        self.kind.setCurrentIndex(self.kind.findData("lot"))
        self.value.setEditText(code)
        self.search()

    def show_order(self, order_id: int) -> None:
        """What this order received (the order desk's "Lots in this order")."""
        self.kind.setCurrentIndex(self.kind.findData("order"))
        self.value.setEditText(order_code(order_id))
        self.search()

    def search(self) -> None:
        kind, value = self.kind.currentData(), self._value()
        if not value:
            return

        def find(db) -> None:  # noqa: ANN001 - the window's Database
            if kind == "order":
                # The number as printed on the slip (DH000002), or the bare number.
                order_id = order_id_from_code(value) if not value.lstrip("#").isdigit() else int(value.lstrip("#"))
                if order_id is None:
                    raise CoopDeskError(_("Type an order number."))
                self._set(received=recall.what_they_got(db, order_id=order_id))
            elif kind == "phone":
                self._set(received=recall.what_they_got(db, phone=value))
            elif kind != "lot":
                # An input, an area or a household can reach thousands of buyers: read off the GUI thread.
                asked = self._shown_seq

                def found(got: recall.WhoGot) -> None:
                    if self._shown_seq == asked:  # nothing else was shown meanwhile (e.g. a recall just opened)
                        self._set(answer=got)

                self._task = read_in_background(
                    self, _("Finding who got it…"), db.path,
                    lambda reader: recall.who_got(reader, **{kind: value}), found, _("Not found"))
            else:
                answer = recall.who_got(db, **{kind: value})
                standing = next((f.recall_id for f in answer.lots if f.role == "source" and f.recall_id), None)
                if standing is not None and kind == "lot":
                    self._set(view=recall.recall_view(db, standing))
                else:
                    self._set(answer=answer)

        self.window_.ops.run(self, find, title=_("Not found"))

    def show_recall(self, recall_id: int | None) -> None:
        if recall_id is None:
            return
        self.window_.ops.run(self, lambda db: recall.recall_view(db, recall_id), title=_("Not found"),
                             success=lambda view: self._set(view=view))

    def _set(self, answer: recall.WhoGot | None = None, view: recall.RecallView | None = None,
             received: recall.Received | None = None) -> None:
        self._shown_seq += 1
        self.view, self.received = view, received
        self.answer = view.answer if view else answer
        self.recalls.setCurrentIndex(self.recalls.findData(view.id) if view else -1)
        self._render()

    def _reload(self) -> None:
        """Read the answer on screen again after a write (cost: one answer, not the history)."""
        if self.view is not None:
            shown = self.view.id
            self.window_.ops.run(self, lambda db: recall.recall_view(db, shown), title=_("Not found"),
                                 success=lambda view: self._set(view=view),
                                 failed=lambda _e: self._set())  # gone (withdrawn elsewhere): clear, don't ask
        elif self.answer is not None:
            self.search()  # its own errors are its own

    # --- showing ---
    def _render(self) -> None:
        a, v = self.answer, self.view
        read_only = self.database.read_only
        is_open = v is not None and v.status == OPEN
        self.open_action.setEnabled(a is not None and v is None and bool(a.lots) and not read_only)
        self.hold_action.setEnabled(is_open and bool(a.in_group("to_hold")) and not read_only)
        self.outcome_action.setEnabled(is_open and not read_only)
        self.close_action.setEnabled(is_open and not read_only)
        self.withdraw_action.setEnabled(is_open and not read_only)
        self.summary_action.setEnabled(v is not None)
        for act in (self.pdf_action, self.export_action):
            act.setEnabled(a is not None and bool(a.customers))
        if self.received is not None:
            self._render_received()
            return
        if a is None:
            self.banner.hide()
            self.summary.setText(html.escape(_("Choose what is suspect — a lot, an input, a growing area or a "
                                               "household — and press Enter. Or pick a recall on the right.")))
            for t in (self.customers, self.lines, self.lots):
                t.fill([])
            self.origin.clear()
            self.message.clear()
            return
        e = html.escape
        if v is not None:
            state = _("Recall #{id} · {status} · decided {day}{by}").format(
                id=v.id, status=v.status_text, day=format_date(date.fromisoformat(v.day)),
                by=f" · {v.decided_by}" if v.decided_by else "")
            # The window speaks the UI's language only (the public trace page keeps both).
            self.banner.setText(f"{_('RECALLED')} — {state}\n{_('Reason')}: {v.reason}"
                                + (f"\n{_('Ended')}: {format_iso(v.ended_at)} {v.ended_by} {v.end_reason}"
                                   if v.ended_at else ""))
            self.banner.setStyleSheet("background:%s;color:white;padding:6px 10px;font-weight:bold" % (
                "#b71c1c" if v.status == OPEN else "#616161"))
            self.banner.show()
        else:
            self.banner.hide()
        counts = " · ".join(f'<span style="color:{GROUP_COLOURS[g]}">{e(group_label(g))}: '
                            f"<b>{len({x.order_id for x in a.in_group(g)})}</b> "
                            f"{e(_('orders'))} ({a.quantity(g)})</span>" for g in GROUPS if a.in_group(g))
        to_call = [c for c in a.customers if c.needs_call]
        to_tell = [c for c in a.customers if c.needs_contact and not c.needs_call]  # their order was held
        left = [c for c in a.customers if not c.reached]
        head = _("<b>{start}</b>: {lots} lots, {orders} orders, {customers} buyers, {calls} to call "
                 "({left} not reached yet)").format(start=e(a.start_label), lots=len(a.lots),
                                                    orders=len(a.order_ids), customers=len(a.customers),
                                                    calls=len(to_call), left=len(left))
        if to_tell:
            head = _("<b>{start}</b>: {lots} lots, {orders} orders, {customers} buyers, {calls} to call and "
                     "{tell} to tell their order was cancelled ({left} not reached yet)").format(
                start=e(a.start_label), lots=len(a.lots), orders=len(a.order_ids), customers=len(a.customers),
                calls=len(to_call), tell=len(to_tell), left=len(left))
        if v is None and a.customers and not any(f.recall_id for f in a.lots):
            head += "<br>" + e(_("No recall is open: the buyers' messages are a precautionary notice (keep the "
                                 "product aside while it is checked). Open a recall to tell them it is recalled."))
        lots = ", ".join(e(f.code) for f in a.lots) or "—"
        self.summary.setText(f"{head}<br>{e(_('Lots'))}: {lots}<br>"
                             + (counts or e(_("No order received any of it: nothing to call, only stock to "
                                              "quarantine."))))
        self.customers.fill([[c.name, c.phone_display, ", ".join(order_code(n) for n in c.orders), str(c.quantity),
                                _where(c),
                                " ".join([*c.carriers, *c.tracking]), outcome_label(c.outcome),
                                f"{c.outcome_who} {format_iso(c.outcome_at)}" if c.outcome_who else ""]
                             for c in a.customers],
              [GROUP_COLOURS[next(g for g in GROUPS if g in c.groups)] for c in a.customers],
              [c.customer_id for c in a.customers])
        self.tabs.setTabText(0, _("Buyers ({n})").format(n=len(a.customers)))
        self.lines.fill([[order_code(x.order_id), format_iso(x.order_date[:16]), x.name, x.phone_display, x.lot,
                            x.product, str(x.qty), group_label(x.group), x.carrier, x.tracking, x.address]
                           for x in a.lines],
              [GROUP_COLOURS[x.group] for x in a.lines])
        self.tabs.setTabText(1, _("Order lines ({n})").format(n=len(a.lines)))
        self.lots.fill([[f.code, f"{f.sku} — {f.product}",
                           _("suspect") if f.role == "source" else _("made from it"), f.produced_text,
                           str(sum(n for g, n in f.given.items() if g in ("in_transit", "delivered", "returned"))),
                           str(sum(n for g, n in f.given.items() if g in ("to_hold", "held"))), f.on_hand_text,
                           f"#{f.recall_id}" if f.recall_id else ""] for f in a.lots])
        self.tabs.setTabText(2, _("Lots and stock ({n})").format(n=len(a.lots)))
        self._render_origin(a.made_from, a.inputs, a.areas)
        if a.customers:
            self.customers.select_row(0)
        self._show_message()

    def _render_origin(self, made_from: list[str], inputs: list[dict], areas: list[dict]) -> None:
        e = html.escape
        parts = [f"<h3>{e(_('Made from lots'))}</h3><p>"
                 + (", ".join(f'<a href="{e(c)}">{e(c)}</a>' for c in made_from) or "—") + "</p>",
                 f"<h3>{e(_('Inputs'))}</h3><ul>"
                 + "".join(f"<li><b>{e(i['name'])}</b> {e(i.get('registration_no') or '')} — "
                           f"{e(', '.join(i['lots']))}</li>" for i in inputs) + "</ul>",
                 f"<h3>{e(_('Growing areas'))}</h3><ul>"
                 + "".join(f"<li><b>{e(g['name'])}</b> {e(g['code'] or '')} — {e(', '.join(g['lots']))}</li>"
                           for g in areas) + "</ul>"]
        self.origin.setHtml("".join(parts))

    def _render_received(self) -> None:
        r = self.received
        e = html.escape
        self.banner.hide()
        lots = ", ".join(f'<a href="{e(f.code)}">{e(f.code)}</a>' for f in r.lots)
        self.summary.setText(_("<b>{who}</b> received lots: {lots}").format(who=e(r.label), lots=lots or "—")
                             + "<br>" + e(_("Orders: {ids}").format(ids=", ".join(order_code(n) for n in r.orders))))
        for t in (self.customers, self.lines):
            t.fill([])
        self.tabs.setTabText(0, _("Buyers"))
        self.tabs.setTabText(1, _("Order lines"))
        self.lots.fill([[f.code, f"{f.sku} — {f.product}", _("received"), f.produced_text, "", "", f.on_hand_text,
                           f"#{f.recall_id}" if f.recall_id else ""] for f in r.lots])
        self.tabs.setTabText(2, _("Lots and stock ({n})").format(n=len(r.lots)))
        self._render_origin(r.made_from, r.inputs, r.areas)
        self.tabs.setCurrentWidget(self.origin)
        self.message.clear()

    def selected_customer(self) -> recall.CustomerEntry | None:
        if self.answer is None:
            return None
        cid = self.customers.current_object()
        return next((c for c in self.answer.customers if c.customer_id == cid), None)

    def select_customer(self, phone_display: str) -> None:
        for r in range(self.customers.rowCount()):
            if self.customers.text(r, 1) == phone_display:
                self.customers.select_row(r)
                return

    def _show_message(self) -> None:
        c = self.selected_customer()
        self.message.setPlainText(c.message if c else "")
        self.copy_button.setEnabled(c is not None)
        text, colour = message_kind(c) if c else ("", "")
        self.message_kind.setText(text)
        self.message_kind.setStyleSheet(f"color:{colour};font-weight:bold" if colour else "")
        self.message_kind.setVisible(bool(text))

    def copy_message(self) -> None:
        c = self.selected_customer()
        if c is None:
            return
        QGuiApplication.clipboard().setText(c.message)
        self.window_.statusBar().showMessage(_("Message for {name} copied: paste it into Zalo or SMS "
                                               "({phone}).").format(name=c.name, phone=c.phone_display), 8000)

    # --- the recall ---
    def _emit(self) -> None:
        self.changed.emit(recall.changes())

    def open_recall(self) -> OpenRecallDialog | None:
        a = self.answer
        if a is None or not a.lots:
            return None
        kind, value = self.kind.currentData(), self._value()

        def save(reason: str, public: str, by: str, day: date) -> recall.RecallView:
            view = recall.open_recall(self.database, reason, by=by, public_reason=public, day=day,
                                      **{kind: value})
            self.last_who = by.strip() or self.last_who
            return view

        dialog = OpenRecallDialog(self, a.start_label, [f.code for f in a.lots], save, self.last_who)

        def opened() -> None:
            # The new recall first, then the other screens: the refresh reads this recall again rather than
            # searching anew (a search read off the GUI thread would come back and replace it).
            self._set(view=dialog.result_value)
            self._emit()
            self.refresh_recall_list()

        dialog.accepted.connect(opened)
        dialog.open()
        return dialog

    def hold_orders(self, confirm: bool = True) -> list[int]:
        v = self.view
        if v is None:
            return []
        orders = sorted({x.order_id for x in v.answer.in_group("to_hold")})
        if confirm and not ask(self, _("Hold unshipped orders"), _(
                "Cancel these {n} orders, not yet handed to a carrier: {ids}?\nThe recalled packs stay aside "
                "(nothing goes back on sale); other items of those orders go back to stock.").format(
                n=len(orders), ids=", ".join(order_code(i) for i in orders)), yes=_("Hold them"), no=_("Not now")):
            return []
        got: list[list] = []
        who = self.last_who
        if not self.window_.ops.run(self, lambda db: recall.hold_orders(db, v.id, who), title=_("Not held"),
                                    success=got.append):
            return []
        held = got[0]
        self._emit()
        self.window_.statusBar().showMessage(_("{n} orders held by recall #{id}.").format(n=len(held), id=v.id), 8000)
        return held

    def record_outcome(self) -> OutcomeDialog | None:
        v, c = self.view, self.selected_customer()
        if v is None or c is None or v.status != OPEN:
            return None

        def save(outcome: str, who: str, note: str) -> recall.CustomerEntry:
            entry = recall.record_outcome(self.database, v.id, c.customer_id, outcome, who, note)
            self.last_who = who.strip()
            return entry

        dialog = OutcomeDialog(self, f"{c.name} · {c.phone_display}", c.outcome, save, self.last_who)

        def saved() -> None:
            phone = c.phone_display
            self._reload()
            self.select_customer(phone)

        dialog.accepted.connect(saved)
        dialog.open()
        return dialog

    def close_recall(self) -> EndRecallDialog | None:
        v = self.view
        if v is None:
            return None
        left = len(v.not_reached)
        intro = _("Close recall #{id}: the buyers were told. The lots stay recalled.").format(id=v.id)
        if left:
            intro += "\n" + _("{n} buyers were not reached yet (not called or no answer): say why it closes "
                              "anyway.").format(n=left)
        dialog = EndRecallDialog(self, _("Close the recall"), intro, _("Close the recall"),
                                 lambda reason, who: recall.close_recall(self.database, v.id, who, reason),
                                 self.last_who)
        dialog.accepted.connect(lambda: (self._emit(), self.show_recall(v.id)))
        dialog.open()
        return dialog

    def withdraw_recall(self) -> EndRecallDialog | None:
        v = self.view
        if v is None:
            return None
        dialog = EndRecallDialog(self, _("Withdraw the recall"), _(
            "Withdraw recall #{id}, opened by mistake: its lots are no longer recalled and the trace pages lose the "
            "banner at the next export. The record stays, with your reason.").format(id=v.id), _("Withdraw"),
            lambda reason, who: recall.withdraw_recall(self.database, v.id, reason, who), self.last_who)
        dialog.accepted.connect(lambda: (self._emit(), self.show_recall(v.id)))
        dialog.open()
        return dialog

    # --- documents ---
    def _target(self, title: str, name: str, pattern: str, target: Path | None) -> Path | None:
        if target is not None:
            return Path(target)
        path = save_path(self, title, name, pattern)
        return Path(path) if path else None

    def _in_background(self, label: str, work, target: Path) -> None:  # noqa: ANN001
        """Write a document from a read-only connection of its own, off the GUI thread."""
        recall_id = self.view.id if self.view else None
        kind, value = self.kind.currentData(), self._value()

        def read(reader):  # noqa: ANN001, ANN202
            view = recall.recall_view(reader, recall_id) if recall_id else None
            answer = view.answer if view else recall.who_got(reader, **{kind: value})
            return work(reader, answer, view)

        def done(path) -> None:  # noqa: ANN001
            self.last_written = path
            inform(self, _("Written"), _("Written: {file}").format(file=path))

        self._task = read_in_background(self, label, self.database.path, read, done, _("Not written"))

    def call_list_pdf(self, target: Path | None = None) -> None:
        name = f"goi-khach-thu-hoi-{self.view.id}.pdf" if self.view else "goi-khach.pdf"
        target = self._target(_("Save the call list"), name, "PDF (*.pdf)", target)
        if target:
            self._in_background(_("Writing the call list…"), lambda r, a, v: recall_documents.write_call_list(
                r, a, target, v), target)

    def export_buyers(self, target: Path | None = None) -> None:
        target = self._target(_("Save the buyers"), "khach-thu-hoi.xlsx",
                              _("Excel workbook (*.xlsx);;CSV (*.csv)"), target)
        if target:
            self._in_background(_("Writing the buyers…"), lambda r, a, v: recall_documents.write_buyers(
                r, a, target, v), target)

    def summary_pdf(self, target: Path | None = None) -> None:
        if self.view is None:
            return
        target = self._target(_("Save the recall summary"), f"bao-cao-thu-hoi-{self.view.id}.pdf", "PDF (*.pdf)",
                              target)
        if target:
            self._in_background(_("Writing the summary…"), lambda r, a, v: recall_documents.write_summary(
                r, v, target), target)
