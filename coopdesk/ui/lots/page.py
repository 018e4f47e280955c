"""The Lô sản xuất screen: the lot list with filters, and the selected lot's page with its timeline and QR."""

from __future__ import annotations

import html
from datetime import date
from pathlib import Path

from PySide6.QtCore import QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from coopdesk.domain.dates import DateError, format_date, format_iso, parse_date
from coopdesk.domain.lots import STATUS_LABELS, event_label
from coopdesk.i18n import _, language
from coopdesk.services import catalog, cooperative, diary, publishing
from coopdesk.services import traceability as trace
from coopdesk.services.changes import Changes
from coopdesk.ui.lots.dialogs import NewLotDialog, RegistersDialog
from coopdesk.ui.lots.event_dialog import EventDialog
from coopdesk.ui.lots.table_model import (
    COL_EXPIRY,
    COL_HARVESTED,
    COL_PLANTED,
    COL_PRODUCT,
    COL_SOURCE,
    SORT_ROLE,
    VIEW_ROLE,
    LotsTableModel,
    stock_text,
)
from coopdesk.ui.operations import BackgroundTask
from coopdesk.ui.widgets.actions import page_action, toolbar_menu
from coopdesk.ui.widgets.dialogs import ask, inform, warn
from coopdesk.ui.widgets.fields import DateEdit
from coopdesk.ui.widgets.file_dialogs import open_path, save_path


class LotsPage(QWidget):
    """Connects the lot list, the lot page and the dialogs to the traceability services."""

    changed = Signal(object)  # Changes

    def __init__(self, window: QWidget) -> None:
        super().__init__()
        self.window_ = window
        self._views: list[trace.LotView] = []
        self._task = None
        layout = QVBoxLayout(self)
        title = QLabel(_("Production lots"))
        title.setObjectName("pageTitle")
        layout.addWidget(title)
        self.toolbar = QToolBar()
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.new_action = self._action(_("New lot"), QKeySequence.StandardKey.New, self.new_lot)
        self.event_action = self._action(_("Add to diary"), QKeySequence("Ctrl+E"), self.add_event)
        self.toolbar.addSeparator()
        diary = toolbar_menu(self.toolbar, _("Diary files"))
        self.pdf_action = page_action(self, diary, _("Diary PDF…"), QKeySequence.StandardKey.Print, self.diary_pdf)
        self.xlsx_action = page_action(self, diary, _("Diary xlsx…"), QKeySequence("Ctrl+Shift+P"), self.diary_xlsx)
        self.import_action = page_action(self, diary, _("Import diary…"), QKeySequence("Ctrl+I"), self.import_diary)
        self.template_action = page_action(self, diary, _("Diary template…"), None, self.diary_template)
        self.labels_action = self._action(_("Print labels…"), QKeySequence("Ctrl+Shift+L"), self.print_labels)
        self.toolbar.addSeparator()
        self.site_action = self._action(_("Export trace site…"), QKeySequence("Ctrl+Shift+E"), self.export_site)
        self.registers_action = self._action(_("Households, areas && inputs…"), QKeySequence("Ctrl+R"),
                                             self.open_registers)
        self.correct_action = self._action(_("Correct an entry…"), None, self.correct_event)
        self.recall_action = self._action(_("Recall…"), None, self.recall)
        self.who_got_action = self._action(_("Who got this lot?"), QKeySequence("Ctrl+G"), self.who_got)
        layout.addWidget(self.toolbar)

        filters = QHBoxLayout()
        self.product_filter = QComboBox()
        self.status_filter = QComboBox()
        self.status_filter.addItem(_("All statuses"), "")
        for key, label in STATUS_LABELS.items():
            self.status_filter.addItem(_(label), key)
        self.since, self.until = DateEdit(), DateEdit()
        self.since.setPlaceholderText(_("from dd/mm/yyyy"))
        self.until.setPlaceholderText(_("to dd/mm/yyyy"))
        self.search = QLineEdit()
        self.search.setPlaceholderText(_("Search lot, product, area — no need for diacritics (Ctrl+F)"))
        self.search.setClearButtonEnabled(True)
        for w in (self.product_filter, self.status_filter, self.since, self.until):
            filters.addWidget(w)
        filters.addWidget(self.search, 1)
        layout.addLayout(filters)
        self.product_filter.currentIndexChanged.connect(self.apply_filters)
        self.status_filter.currentIndexChanged.connect(self.apply_filters)
        self.search.textChanged.connect(self.apply_filters)
        self.since.editingFinished.connect(self.apply_filters)
        self.until.editingFinished.connect(self.apply_filters)
        find = QAction(_("Find"), self)
        find.setShortcut(QKeySequence.StandardKey.Find)
        find.triggered.connect(lambda: (self.search.setFocus(), self.search.selectAll()))
        self.addAction(find)

        split = QSplitter()
        self.model = LotsTableModel()
        self.proxy = QSortFilterProxyModel()
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        for col in (COL_PLANTED, COL_HARVESTED, COL_EXPIRY):  # on the lot's page; the list keeps to what staff scan
            self.table.setColumnHidden(col, True)
        for col, width in ((COL_PRODUCT, 190), (COL_SOURCE, 150)):  # full text in the tooltip and the lot's page
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
            self.table.setColumnWidth(col, width)
        header.setStretchLastSection(True)
        self.table.selectionModel().currentRowChanged.connect(lambda *_a: self.show_selected())
        self.table.activated.connect(lambda _i: self.add_event())
        split.addWidget(self.table)

        detail = QWidget()
        d = QVBoxLayout(detail)
        d.setContentsMargins(8, 0, 0, 0)
        top = QHBoxLayout()
        self.qr = QLabel()
        self.qr.setFixedSize(132, 132)
        self.qr.setScaledContents(True)
        top.addWidget(self.qr)
        self.url = QLabel()
        self.url.setWordWrap(True)
        self.url.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        right = QVBoxLayout()
        right.addWidget(self.url)
        self.copy_button = QPushButton(_("&Copy the trace address"))
        self.copy_button.clicked.connect(self.copy_url)
        right.addWidget(self.copy_button)
        # One click from a lot to its buyers, always in sight (the toolbar may overflow on a 1366-pixel screen).
        self.who_got_button = QPushButton(_("Who got this lot?"))
        self.who_got_button.setStyleSheet("color: #b71c1c; font-weight: bold")
        self.who_got_button.clicked.connect(self.who_got)
        right.addWidget(self.who_got_button)
        right.addStretch(1)
        top.addLayout(right, 1)
        d.addLayout(top)
        self.detail = QTextBrowser()
        self.detail.setOpenLinks(False)
        self.detail.anchorClicked.connect(lambda url: self.select_code(url.toString()))
        d.addWidget(self.detail, 1)
        split.addWidget(detail)
        split.setSizes([720, 380])
        layout.addWidget(split, 1)

    def _action(self, text: str, shortcut, slot) -> QAction:  # noqa: ANN001
        return page_action(self, self.toolbar, text, shortcut, slot)

    @property
    def database(self):  # noqa: ANN201
        return self.window_.database

    # --- data ---
    def refresh(self) -> None:
        current = self.selected().code if self.selected() else None
        self._views = trace.views(self.database)
        sku = self.product_filter.currentData()
        self.product_filter.blockSignals(True)
        self.product_filter.clear()
        self.product_filter.addItem(_("All products"), "")
        for p in catalog.list_products(self.database):
            self.product_filter.addItem(f"{p.sku} — {p.name}", p.sku)
        self.product_filter.setCurrentIndex(max(self.product_filter.findData(sku or ""), 0))
        self.product_filter.blockSignals(False)
        read_only = self.database.read_only
        for a in (self.new_action, self.event_action, self.import_action, self.registers_action, self.recall_action,
                  self.correct_action):
            a.setEnabled(not read_only)
        self.apply_filters()
        if current:
            self.select_code(current)

    def on_changes(self, changes: Changes, initiator: object | None = None) -> None:
        """Update the lots a write names, in place; reload for changes that name no lots."""
        ids = changes.rows_only("lots")
        if changes.products or changes.cooperative or (changes.lots and ids is None):
            self.refresh()
            return
        if not ids:
            return
        fresh = {v.state.lot.id: v for v in trace.views_of(self.database, sorted(ids))}
        known = {v.state.lot.id for v in self._views}
        self._views = [fresh.get(v.state.lot.id, v) for v in self._views]
        self._views[:0] = [v for i, v in fresh.items() if i not in known]  # newest first, as views() lists them
        shown = self.selected()
        still = trace.filter_views(list(fresh.values()), sku=self.product_filter.currentData() or "",
                                   status=self.status_filter.currentData() or "", text=self.search.text())
        if len(still) != len(fresh) or not self.model.replace(list(fresh.values())):
            self.apply_filters()  # a lot came into or left the filtered list
            if shown is not None:
                self.select_code(shown.code)
        elif shown is not None and shown.state.lot.id in fresh:
            self.show_selected()

    def apply_filters(self) -> None:
        def day(edit: DateEdit) -> date | None:
            try:
                return parse_date(edit.text())
            except DateError:
                return None

        rows = trace.filter_views(self._views, sku=self.product_filter.currentData() or "",
                                  status=self.status_filter.currentData() or "", since=day(self.since),
                                  until=day(self.until), text=self.search.text())
        self.model.set_rows(rows)
        if self.proxy.rowCount() and not self.table.currentIndex().isValid():
            self.table.setCurrentIndex(self.proxy.index(0, 0))
        self.show_selected()

    def selected(self) -> trace.LotView | None:
        index = self.table.currentIndex()
        return index.data(VIEW_ROLE) if index.isValid() else None

    def select_code(self, code: str) -> None:
        for r in range(self.proxy.rowCount()):
            if self.proxy.index(r, 0).data() == code:
                self.table.setCurrentIndex(self.proxy.index(r, 0))
                return

    # --- the lot page ---
    def show_selected(self) -> None:
        v = self.selected()
        if v is None:
            self.detail.setHtml(f"<p>{html.escape(_('No lot yet. Press Ctrl+N to start one.'))}</p>")
            self.qr.clear()
            self.url.clear()
            self.copy_button.setEnabled(False)
            self.who_got_button.setEnabled(False)
            return
        url = trace.lot_url(cooperative.get_profile(self.database), v)
        self.url.setText(url)
        self._render_qr()
        self.copy_button.setEnabled(True)
        self.who_got_button.setEnabled(True)
        self.detail.setHtml(self._lot_html(v))

    def _render_qr(self) -> None:
        # The QR library loads only once the page is on screen, so start-up stays fast.
        if not self.isVisible() or not self.url.text():
            return
        from coopdesk.documents.qr import qr_png_bytes

        pix = QPixmap()
        pix.loadFromData(qr_png_bytes(self.url.text(), 4))
        self.qr.setPixmap(pix)

    def showEvent(self, event) -> None:  # noqa: ANN001 - Qt override
        super().showEvent(event)
        self._render_qr()

    def _lot_html(self, v: trace.LotView) -> str:
        e = html.escape
        st = v.state
        registry = trace.inputs(self.database)
        areas = trace.areas(self.database)
        parts = []
        if v.recall:
            parts.append(f'<p style="background:#b71c1c;color:white;padding:6px"><b>{e(_("RECALLED"))}</b> '
                         f'{e(format_iso(v.recall["day"]))}: {e(v.recall["reason"])}</p>')
        parts.append(f'<h2 style="color:#1b5e20">{e(v.code)}</h2><p><b>{e(v.product.sku)} — {e(v.product.name)}</b>'
                     f"<br>{e(_('Status'))}: {e(_(STATUS_LABELS[st.status]))} · {e(_('On hand'))}: "
                     f"{e(stock_text(v))}</p>")
        facts = []
        if v.areas:
            facts.append((_("Growing areas"), ", ".join(a.name + (f" ({a.code})" if a.code else "") for a in v.areas)))
        if v.made_from:
            facts.append((_("Made from lots"), None, v.made_from))
        if v.used_in:
            facts.append((_("Used in lots"), None, v.used_in))
        if v.expiry:
            facts.append((_("Best before"), format_date(v.expiry)))
        rows = []
        for fact in facts:
            if len(fact) == 3:
                links = ", ".join(f'<a href="{e(c)}">{e(c)}</a>' for c in fact[2])
                rows.append(f"<tr><td>{e(fact[0])}</td><td>{links}</td></tr>")
            else:
                rows.append(f"<tr><td>{e(fact[0])}</td><td>{e(fact[1])}</td></tr>")
        parts.append(f'<table cellpadding="2">{"".join(rows)}</table>{self._labels_html(v)}'
                     f'<h3>{e(_("Diary"))}</h3>')
        items = []
        for ev in reversed(st.events):
            bits = publishing.event_details(ev, registry, language())
            where = areas[ev.area_id].name if ev.area_id in areas else ev.place
            private = f' <i>({e(_("private"))})</i>' if ev.private else ""
            photos = ""
            for name in ev.photos:
                path = catalog.media_path(self.database, name)
                if path:
                    photos += f'<img src="{e(path.as_uri())}" width="64" height="64"> '
            who = " · ".join(x for x in (ev.person, where) if x)
            items.append(f"<li><b>{e(format_date(ev.day))} · {e(event_label(ev.kind))}</b>{private}<br>"
                         f"{e(' · '.join(bits))}<br><span style='color:#555'>{e(who)}</span>"
                         f"{'<br>' + photos if photos else ''}</li>")
        parts.append(f"<ul>{''.join(items)}</ul>" if items else f"<p>{e(_('Nothing recorded yet (Ctrl+E).'))}</p>")
        fixes = trace.corrections(self.database, v.code)
        if fixes:
            note = _("{n} corrections kept in the audit trail").format(n=len(fixes))
            parts.append(f"<p style='color:#8d5300'>{e(note)}</p>")
        return "".join(parts)

    def _labels_html(self, v: trace.LotView) -> str:
        """The lot's label print log: how many, when, by whom, on which template; reprints marked."""
        from coopdesk.services import labels as label_service

        e = html.escape
        log = label_service.print_log_for(self.database, v.state.lot.id)
        if not log:
            return ""
        total = sum(r["count"] for r in log)

        def when(at: str) -> str:
            day, _sep, clock = str(at).partition(" ")
            return f"{format_date(date.fromisoformat(day))} {clock[:5]}" if len(day) == 10 else str(at)

        items = "".join(
            f"<li>{e(when(r['at']))} · {e(_('{n} labels').format(n=r['count']))} · {e(r['template'])} · "
            f"{e(label_service.output_label(r['output']))}{' · ' + e(r['who']) if r['who'] else ''}"
            f"{' · <i>' + e(_('reprint')) + '</i>' if r['reprint'] else ''}</li>" for r in log[:5])
        more = f"<li>{e(_('… and {n} earlier prints').format(n=len(log) - 5))}</li>" if len(log) > 5 else ""
        return f"<h3>{e(_('Labels printed'))}: {total}</h3><ul>{items}{more}</ul>"

    def print_labels(self) -> None:
        """Open the labels page with the selected lot in the job."""
        v = self.selected()
        if v is None:
            return
        if v.recall or not v.state.is_packed:
            from coopdesk.services import labels as label_service

            if not self.window_.ops.run(self, lambda db: label_service.lot_content(db, v.code, date.today(), view=v),
                                        title=_("Labels not printed")):
                return
        if hasattr(self.window_, "open_labels"):
            self.window_.open_labels(v.code)

    def copy_url(self) -> None:
        QGuiApplication.clipboard().setText(self.url.text())
        self.window_.statusBar().showMessage(_("Copied: {url}").format(url=self.url.text()), 5000)

    # --- actions ---
    def _emit(self, *codes: str) -> None:
        """Hand on a change of these lots (by code) — or of lots in general when none is named."""
        ids = {i for i in (trace.lot_id(self.database, c) for c in codes) if i is not None}
        self.changed.emit(Changes(lot_ids=ids) if ids else Changes(lots=True))

    def new_lot(self) -> NewLotDialog:
        def created(lot) -> None:  # noqa: ANN001 - its parents' kg left changed too
            self._emit(lot.code, *(c for c, _g in lot.parents))
            self.select_code(lot.code)

        dialog = NewLotDialog(self, self.database, created)
        dialog.open()
        return dialog

    def add_event(self, kind: str | None = None) -> EventDialog | None:
        v = self.selected()
        if v is None:
            return None
        members = [m["name"].removeprefix("Hộ ").strip() for m in trace.members(self.database)]
        last = v.state.events[-1].kind if v.state.events else "planting"
        dialog = EventDialog(self, v.code, v.state.is_packed, trace.inputs(self.database),
                             v.areas or list(trace.areas(self.database).values()), members, v.product.net_weight_g,
                             lambda draft, reason: self._save_event(v.code, draft, reason), kind or last)
        dialog.open()
        return dialog

    def choose_event(self, v: trace.LotView):  # noqa: ANN201
        """Ask which diary entry of the lot to correct; None when cancelled."""
        from PySide6.QtWidgets import QInputDialog

        if not v.state.events:
            return None
        registry = trace.inputs(self.database)
        labels = [f"{format_date(e.day)} · {event_label(e.kind)} · "
                  f"{' · '.join(publishing.event_details(e, registry, language()))}"[:120] for e in v.state.events]
        choice, ok = QInputDialog.getItem(self, _("Correct an entry"), _("Which entry of lot {code}?").format(
            code=v.code), labels, len(labels) - 1, False)
        return v.state.events[labels.index(choice)] if ok else None

    def correct_event(self, event=None) -> EventDialog | None:  # noqa: ANN001
        """Open a recorded entry to change it; the change and its reason go into the lot's correction trail."""
        v = self.selected()
        if v is None:
            return None
        event = event if event is not None and not isinstance(event, bool) else self.choose_event(v)
        if event is None:
            return None
        members = [m["name"].removeprefix("Hộ ").strip() for m in trace.members(self.database)]

        def save(draft, reason: str):  # noqa: ANN001, ANN202
            fixed = trace.correct_event(self.database, v.code, event.id, draft, reason)
            self._emit(v.code)
            return fixed

        dialog = EventDialog(self, v.code, True, trace.inputs(self.database),
                             list(trace.areas(self.database).values()), members, v.product.net_weight_g, save,
                             event.kind)
        dialog.setWindowTitle(_("Correct an entry of lot {code}").format(code=v.code))
        dialog.set_event(event)
        dialog.open()
        return dialog

    def _save_event(self, code: str, draft, reason: str):  # noqa: ANN001, ANN202
        event = trace.add_event(self.database, code, draft, reason)
        self._emit(code)
        return event

    def _save_file(self, title: str, name: str, pattern: str) -> Path | None:
        path = save_path(self, title, name, pattern)
        return Path(path) if path else None

    def diary_pdf(self, target: Path | None = None) -> BackgroundTask | None:
        v = self.selected()
        if v is None:
            return None
        target = target or self._save_file(_("Save the farming diary"), f"nhat-ky-{v.code}.pdf", "PDF (*.pdf)")
        return self._write_diary(v.code, target)

    def diary_xlsx(self, target: Path | None = None) -> BackgroundTask | None:
        v = self.selected()
        if v is None:
            return None
        target = target or self._save_file(_("Save the farming diary"), f"nhat-ky-{v.code}.xlsx",
                                           _("Excel workbook (*.xlsx)"))
        return self._write_diary(v.code, target)

    def _write_diary(self, code: str, target: Path | None) -> BackgroundTask | None:
        """Typesetting a long diary takes seconds: it runs off the GUI thread, on a read connection of its own."""
        if target is None:
            return None

        def done(made: Path) -> None:
            self.last_diary = made
            self.window_.statusBar().showMessage(_("Written: {file}").format(file=made), 8000)

        return self.window_.ops.start(self, _("Writing the farming diary of {code}…").format(code=code),
                                      lambda reader: diary.write_diary(reader, code, target), title=_("Not written"),
                                      success=done)

    def diary_template(self, target: Path | None = None) -> Path | None:
        target = target or self._save_file(_("Save an empty diary"), "mau-nhat-ky.xlsx", _("Excel workbook (*.xlsx)"))
        if target is None:
            return None
        made: list[Path] = []
        self.window_.ops.run(self, lambda db: diary.write_template(db, target), title=_("Not written"),
                             success=made.append)
        return made[0] if made else None

    def import_diary(self, source: str | None = None, reason: str = "") -> None:
        v = self.selected()
        if v is None:
            return
        if not source:
            source = open_path(self, _("Import a filled diary into lot {code}").format(code=v.code),
                               _("Excel workbook (*.xlsx)"))
        if not source:
            return
        previews: list = []
        if not self.window_.ops.run(self, lambda db: diary.preview_diary(db, v.code, Path(source), reason=reason),
                                    title=_("Not imported"), success=previews.append):
            return
        preview = previews[0]
        if not preview.ok:
            warn(self, _("Not imported"), _("Nothing was imported. Fix these rows and import again:") + "\n\n" +
                 "\n".join(str(x) for x in preview.errors[:30]))
            return
        lines = "\n".join(f"• {format_date(ev.day)} {event_label(ev.kind)}" for _r, ev in preview.events[:20])
        if not ask(self, _("Import diary"), _("Add {n} entries to lot {code}?").format(
                n=len(preview.events), code=v.code) + "\n\n" + lines, yes=_("Import")):
            return
        if self.window_.ops.run(self, lambda db: diary.commit_diary(db, preview, reason), title=_("Not imported")):
            self._emit(v.code)

    def export_site(self, folder: str | None = None) -> None:
        from coopdesk.ui.site_folder import choose_site_folder, may_write_site

        if not folder:
            chosen = choose_site_folder(self)  # a named folder of its own, which may be new
            folder = str(chosen) if chosen else ""
        if not folder or not may_write_site(self, Path(folder)):
            return

        def done(report) -> None:  # noqa: ANN001
            self.last_site_report = report
            if ask(self, _("Trace site written"), _(
                    "{pages} files in {folder}: {written} written, {unchanged} unchanged.\nCopy the folder to the web "
                    "host (or a USB stick); each lot's QR points to its page.").format(
                    pages=report.pages, folder=folder, written=len(report.written),
                    unchanged=len(report.unchanged)), yes=_("Open the folder"), no=_("Close")):
                from PySide6.QtCore import QUrl
                from PySide6.QtGui import QDesktopServices

                QDesktopServices.openUrl(QUrl.fromLocalFile(folder))

        # The site is written from a read-only connection of its own: the data file is only read.
        self._task = self.window_.ops.start(self, _("Writing the trace pages…"),
                                            lambda reader: publishing.export_site_job(reader, Path(folder)),
                                            title=_("Not written"), success=done)

    def open_registers(self) -> RegistersDialog:
        dialog = RegistersDialog(self, self.database)
        dialog.finished.connect(lambda _r: self._emit())
        dialog.open()
        return dialog

    def who_got(self) -> None:
        """One click from a lot to every buyer who got it (the Truy xuất/Thu hồi page)."""
        v = self.selected()
        if v is not None:
            self.window_.show_who_got(v.code)

    def recall(self) -> None:
        v = self.selected()
        if v is None:
            return
        from PySide6.QtWidgets import QInputDialog

        reason, ok = QInputDialog.getText(self, _("Recall lot {code}").format(code=v.code), _(
            "Why is this lot recalled? Every lot made from it is recalled too, and its trace page shows a "
            "THU HỒI / RECALLED banner after the next export."))
        if not ok:
            return
        got: list[list[str]] = []
        if not self.window_.ops.run(self, lambda db: trace.recall_lot(db, v.code, reason), title=_("Not recalled"),
                                    success=got.append):
            return
        reached = got[0]
        self._emit()
        inform(self, _("Recalled"), _("Recalled: {lots}").format(lots=", ".join(reached)))
        self.window_.show_who_got(v.code)  # straight to the buyers to hold and to call
