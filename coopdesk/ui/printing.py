"""One print path for labels and documents: the PDF the documents layer wrote is previewed page by page and
printed by rasterising each page at the printer's own resolution and painting it at 100%.

Why not hand the PDF to the driver: drivers scale "to fit" and shift; a label shrunk to a third or moved
half off the roll is what users of other tools report. An image made at the printer's dpi lands dot for dot.
The printer chosen for each kind of job (``key``, e.g. "labels/50x30") is remembered on this PC.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QLocale, QMarginsF, QRect, QSettings, QSizeF, Qt
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPainter, QPixmap
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QProgressDialog,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from coopdesk.documents.raster import page_count, page_size_pt, pdf_pages_to_images
from coopdesk.domain.errors import CoopDeskError
from coopdesk.i18n import _

if TYPE_CHECKING:
    from PIL.Image import Image
    from PySide6.QtPrintSupport import QPrinter

MAX_PRINT_DPI = 600  # an A4 page at 1200 dpi is 140 megapixels; no office printer needs more than 600


def rasterise(pdf: bytes | Path, dpi: float) -> Iterator[Image]:
    """Each page of ``pdf`` as an image at ``dpi``."""
    return pdf_pages_to_images(pdf, dpi)


def _qimage(image: Image) -> QImage:
    """A PIL image as a QImage that owns its pixels."""
    rgb = image.convert("RGB")
    data = rgb.tobytes("raw", "RGB")
    return QImage(data, rgb.width, rgb.height, rgb.width * 3, QImage.Format.Format_RGB888).copy()


def ui_locale() -> QLocale:
    """The locale of the UI language, for numbers typed and shown in the window (Vietnamese: 0,50)."""
    from coopdesk.i18n import language

    if language().startswith("vi"):
        locale = QLocale(QLocale.Language.Vietnamese, QLocale.Country.Vietnam)
    else:
        locale = QLocale(QLocale.Language.English, QLocale.Country.UnitedStates)
    locale.setNumberOptions(QLocale.NumberOption.OmitGroupSeparator)
    return locale


class PdfPreview(QWidget):
    """The PDF exactly as it will print, one page at a time (a 5,000-slip file opens at once), with warnings
    such as "text cut on label 3" shown above it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._pdf: bytes | Path | None = None
        self._pages = 0
        self.zoom = 1.0
        self.warnings = QLabel()
        self.warnings.setObjectName("previewWarnings")
        self.warnings.setWordWrap(True)
        self.warnings.setStyleSheet("color: #a61b1b;")
        self.warnings.hide()
        self.image = QLabel(_("Nothing to preview yet."))
        self.image.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.scroll = QScrollArea()
        self.scroll.setWidget(self.image)
        self.scroll.setWidgetResizable(True)
        self.scroll.setStyleSheet("QScrollArea { background: #8a8a8a; }")
        self.page = QSpinBox()
        self.page.setMinimum(1)
        self.page.setPrefix(_("Page "))
        self.page.valueChanged.connect(self._show)
        self.of = QLabel()
        self.page.hide()
        self.of.hide()
        zoom_out = QPushButton("−")
        zoom_in = QPushButton("+")
        zoom_out.setToolTip(_("Zoom out"))
        zoom_in.setToolTip(_("Zoom in"))
        for button in (zoom_out, zoom_in):
            button.setFixedWidth(32)
        zoom_out.clicked.connect(lambda: self.set_zoom(self.zoom / 1.25))
        zoom_in.clicked.connect(lambda: self.set_zoom(self.zoom * 1.25))
        bar = QHBoxLayout()
        bar.addWidget(self.page)
        bar.addWidget(self.of)
        bar.addStretch(1)
        bar.addWidget(zoom_out)
        bar.addWidget(zoom_in)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.warnings)
        layout.addLayout(bar)
        layout.addWidget(self.scroll, 1)

    @property
    def page_count(self) -> int:
        return self._pages

    def set_pdf(self, data: bytes | Path | None) -> None:
        """Show ``data`` (PDF bytes or a file), keeping the page being looked at where it still exists."""
        self._pdf = data
        self._pages = page_count(data) if data is not None else 0
        self.page.blockSignals(True)
        self.page.setMaximum(max(1, self._pages))
        self.page.blockSignals(False)
        self.of.setText(_("of {n}").format(n=self._pages))
        # Nothing to page through: no "Page 1 of 0", only the note that there is nothing to preview.
        self.page.setVisible(self._pages > 0)
        self.of.setVisible(self._pages > 0)
        self._show()

    def set_warnings(self, warnings: list[str]) -> None:
        self.warnings.setText("\n".join(f"⚠ {w}" for w in warnings))
        self.warnings.setVisible(bool(warnings))

    def set_zoom(self, zoom: float) -> None:
        self.zoom = min(8.0, max(0.25, zoom))
        self._show()

    def current_image(self) -> QImage | None:
        pixmap = self.image.pixmap()
        return None if pixmap is None or pixmap.isNull() else pixmap.toImage()

    def _show(self) -> None:
        if self._pdf is None or self._pages == 0:
            self.image.setPixmap(QPixmap())
            self.image.setText(_("Nothing to preview yet."))
            return
        index = self.page.value() - 1
        width_pt, _height = page_size_pt(self._pdf, index)
        # Fit the page's width to the view at zoom 1, sharp on high-dpi screens.
        view = max(200, self.scroll.viewport().width() - 24)
        dpi = max(36.0, min(600.0, view / width_pt * 72.0 * self.zoom))
        ratio = self.devicePixelRatioF()
        image = next(pdf_pages_to_images(self._pdf, dpi * ratio, first=index, last=index))
        qimage = _qimage(image)
        qimage.setDevicePixelRatio(ratio)
        self.image.setPixmap(QPixmap.fromImage(qimage))


def _settings() -> QSettings:
    return QSettings()


def remembered_printer(key: str) -> str:
    """The printer last used for ``key`` on this PC ('' when none)."""
    return str(_settings().value(f"printers/{key}", "") or "")


def remember_printer(key: str, name: str) -> None:
    _settings().setValue(f"printers/{key}", name)


def _page_size_mm(pdf: bytes | Path, page_size_mm: tuple[float, float] | None) -> tuple[float, float]:
    if page_size_mm is not None:
        return page_size_mm
    w, h = page_size_pt(pdf)
    return w * 25.4 / 72, h * 25.4 / 72


_STANDARD = (QPageSize.PageSizeId.A4, QPageSize.PageSizeId.A5, QPageSize.PageSizeId.A6)


def _prepare(printer: QPrinter, pdf: bytes | Path, page_size_mm: tuple[float, float] | None) -> None:
    """The page exactly as the PDF's: a standard sheet (A4, A5, A6) by its name, turned as the PDF is; a label
    as its own width × height, upright. (A label given as a turned portrait page came out of CUPS rotated.)"""
    w, h = _page_size_mm(pdf, page_size_mm)
    layout = None
    for page_id in _STANDARD:
        size = QPageSize(page_id).size(QPageSize.Unit.Millimeter)
        for sw, sh, orientation in ((size.width(), size.height(), QPageLayout.Orientation.Portrait),
                                    (size.height(), size.width(), QPageLayout.Orientation.Landscape)):
            if abs(sw - w) < 1 and abs(sh - h) < 1:
                layout = QPageLayout(QPageSize(page_id), orientation, QMarginsF(0, 0, 0, 0),
                                     QPageLayout.Unit.Millimeter)
    if layout is None:
        custom = QPageSize(QSizeF(w, h), QPageSize.Unit.Millimeter, "", QPageSize.SizeMatchPolicy.ExactMatch)
        layout = QPageLayout(custom, QPageLayout.Orientation.Portrait, QMarginsF(0, 0, 0, 0),
                             QPageLayout.Unit.Millimeter)
    printer.setFullPage(True)
    printer.setPageLayout(layout)


def print_pdf_to_printer(printer: QPrinter, pdf: bytes | Path, page_size_mm: tuple[float, float] | None = None,
                         progress: QProgressDialog | None = None) -> bool:
    """Print every page of ``pdf`` on ``printer`` at 100%: rasterised at the printer's resolution without
    anti-aliasing, painted from the paper's corner, never scaled to fit. Returns False when cancelled through
    ``progress``.

    Raises CoopDeskError when the printer cannot start or stops taking pages (unplugged, deleted queue).
    """
    _prepare(printer, pdf, page_size_mm)
    dpi = min(printer.resolution(), MAX_PRINT_DPI)
    if printer.resolution() > MAX_PRINT_DPI:
        printer.setResolution(MAX_PRINT_DPI)
    pages = page_count(pdf)
    painter = QPainter()
    if not painter.begin(printer):
        raise CoopDeskError(_("The printer “{name}” did not accept the job. Check that it is on and connected, "
                              "then try again.").format(name=printer.printerName() or printer.outputFileName()))
    try:
        # Crisp: at the printer's own resolution an anti-aliased edge is only grey that a thermal head dithers.
        for i, image in enumerate(pdf_pages_to_images(pdf, dpi, crisp=True)):
            if progress is not None:
                progress.setValue(i)
                if progress.wasCanceled():
                    printer.abort()
                    return False
            if i > 0 and not printer.newPage():
                raise CoopDeskError(_("The printer stopped taking pages after page {n} of {total}. Nothing more was "
                                      "sent; check the printer and print the rest again.").format(n=i, total=pages))
            qimage = _qimage(image)
            painter.drawImage(QRect(0, 0, qimage.width(), qimage.height()), qimage)
    finally:
        painter.end()
    if progress is not None:
        progress.setValue(pages)
    return True


def print_pdf(parent: QWidget, pdf: bytes | Path, key: str, page_size_mm: tuple[float, float] | None = None) -> bool:
    """Ask for a printer (the one remembered for ``key`` first), then print ``pdf`` at 100%.

    Returns False when the user cancels; a printer failure is raised as CoopDeskError for the caller to show.
    """
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrinterInfo

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    name = remembered_printer(key)
    if name and any(p.printerName() == name for p in QPrinterInfo.availablePrinters()):
        printer.setPrinterName(name)
    _prepare(printer, pdf, page_size_mm)
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle(_("Print"))
    if dialog.exec() != QPrintDialog.DialogCode.Accepted:
        return False
    remember_printer(key, printer.printerName())
    pages = page_count(pdf)
    progress = QProgressDialog(_("Printing…"), _("Cancel"), 0, pages, parent)
    progress.setWindowModality(Qt.WindowModality.WindowModal)
    progress.setMinimumDuration(400)
    try:
        return print_pdf_to_printer(printer, pdf, page_size_mm, progress)
    finally:
        progress.close()


class PartPrinter:
    """One print job fed part by part, on the GUI thread, while the later parts are still being made.

    Each part (a complete PDF) is rasterised page by page at the printer's resolution and painted at 100%, as
    ``print_pdf_to_printer`` does; events are processed between pages, so the progress, the Cancel button and
    the next part's arrival are handled as the pages go out. A part that arrives while another is printing
    waits in order. QPainter and QPrinter stay on the GUI thread: only the PDF parts come from the worker.
    ``on_page(n)`` is told every page sent; ``on_done()`` once the job is closed after ``finish()``.
    """

    def __init__(self, printer: QPrinter, page_size_mm: tuple[float, float] | None = None) -> None:
        self.printer = printer
        self.page_size_mm = page_size_mm
        self.painter: QPainter | None = None
        self.pages = 0
        self.parts = 0
        self.cancelled = False
        self.closed = False
        self._queue: list[Path] = []
        self._busy = False
        self._finishing = False
        self.on_page = lambda n: None
        self.on_done = lambda: None

    def _begin(self, pdf: Path) -> None:
        _prepare(self.printer, pdf, self.page_size_mm)
        if self.printer.resolution() > MAX_PRINT_DPI:
            self.printer.setResolution(MAX_PRINT_DPI)
        painter = QPainter()
        if not painter.begin(self.printer):
            raise CoopDeskError(_("The printer “{name}” did not accept the job. Check that it is on and connected, "
                                  "then try again.").format(name=self.printer.printerName()
                                                            or self.printer.outputFileName()))
        self.painter = painter

    def add(self, pdf: Path) -> None:
        """Print ``pdf`` after the parts before it. Raises CoopDeskError when the printer stops taking pages."""
        if self.cancelled or self.closed:
            return
        self._queue.append(Path(pdf))
        if self._busy:  # called from the event processing between two pages: printed when the current one ends
            return
        self._busy = True
        try:
            while self._queue and not self.cancelled:
                self._print(self._queue.pop(0))
        finally:
            self._busy = False
        if self._finishing and not self.cancelled:
            self._close()

    def _print(self, pdf: Path) -> None:
        from PySide6.QtWidgets import QApplication

        if self.painter is None:
            self._begin(pdf)
        assert self.painter is not None
        dpi = self.printer.resolution()
        self.parts += 1
        for image in pdf_pages_to_images(pdf, dpi, crisp=True):
            if self.cancelled:
                return
            if self.pages > 0 and not self.printer.newPage():
                self.abort()
                raise CoopDeskError(_("The printer stopped taking pages after page {n}. Nothing more was sent; "
                                      "check the printer and print the rest again.").format(n=self.pages))
            qimage = _qimage(image)
            self.painter.drawImage(QRect(0, 0, qimage.width(), qimage.height()), qimage)
            self.pages += 1
            self.on_page(self.pages)
            QApplication.processEvents()  # progress, Cancel, the next part arriving

    def finish(self) -> None:
        """No more parts: close the job once what is queued is printed."""
        self._finishing = True
        if not self._busy and not self.cancelled:
            self._close()

    def _close(self) -> None:
        if self.closed:
            return
        self.closed = True
        if self.painter is not None:
            self.painter.end()
        self.on_done()

    def abort(self) -> None:
        """Stop: nothing more is sent, and the job is withdrawn where the printer allows it."""
        if self.cancelled or self.closed:
            return
        self.cancelled = True
        self._queue.clear()
        if self.painter is not None and self.painter.isActive():
            self.printer.abort()
            self.painter.end()


def ask_printer(parent: QWidget, key: str, page_size_mm: tuple[float, float]) -> QPrinter | None:
    """The system print dialog, once, for a job whose pages are not made yet: the printer remembered for
    ``key`` first, the page set to ``page_size_mm``. None when the person cancels."""
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrinterInfo

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    name = remembered_printer(key)
    if name and any(p.printerName() == name for p in QPrinterInfo.availablePrinters()):
        printer.setPrinterName(name)
    _prepare(printer, b"", page_size_mm)
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle(_("Print"))
    if dialog.exec() != QPrintDialog.DialogCode.Accepted:
        return None
    remember_printer(key, printer.printerName())
    return printer
