"""The product list as a Qt model: one row per product, sortable the Vietnamese way."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QBrush, QColor

from coopdesk.domain import addresses
from coopdesk.domain.dates import format_date
from coopdesk.domain.money import format_vnd
from coopdesk.domain.products import CertStatus, Product, format_weight
from coopdesk.domain.text import fold, sort_key
from coopdesk.i18n import _

COL_SKU, COL_NAME, COL_PACK, COL_PRICE, COL_OCOP, COL_ORIGIN, COL_CERTS = range(7)
SORT_ROLE = Qt.ItemDataRole.UserRole + 10
PRODUCT_ROLE = Qt.ItemDataRole.UserRole + 11
SEARCH_ROLE = Qt.ItemDataRole.UserRole + 12

_BADGE_COLOURS = {CertStatus.EXPIRED: ("#b71c1c", "#ffebee"), CertStatus.EXPIRING: ("#8d5300", "#fff4d6")}


def _headers() -> list[str]:
    return [_("SKU"), _("Product name"), _("Pack"), _("Price"), _("OCOP"), _("Origin"), _("Certificates")]


class ProductsTableModel(QAbstractTableModel):
    """Holds the products and what each cell shows; no widget per cell."""

    def __init__(self, today: date | None = None) -> None:
        super().__init__()
        self._rows: list[tuple[Product, str, tuple[CertStatus, str, date | None], str]] = []
        self._keys: list[tuple | None] = []  # each row's sort keys, made once when first compared
        self._today = today
        self._headers = _headers()

    def _row(self, p: Product) -> tuple[Product, str, tuple[CertStatus, str, date | None], str]:
        origin = ", ".join(x for x in (addresses.commune_name(p.origin_commune),
                                       addresses.short_province_name(p.origin_province)) if x)
        return (p, p.search_text, p.worst_cert_status(self._today or date.today()), origin)

    def set_rows(self, products: list[Product]) -> None:
        self.beginResetModel()
        self._rows = [self._row(p) for p in products]
        self._keys = [None] * len(self._rows)
        self.endResetModel()

    def upsert(self, product_id: int, product: Product | None) -> None:
        """Put one saved product in place, add a new one, or take a deleted one (None) out: no reset."""
        i = next((n for n, r in enumerate(self._rows) if r[0].id == product_id), None)
        if product is None:
            if i is not None:
                self.beginRemoveRows(QModelIndex(), i, i)
                del self._rows[i]
                del self._keys[i]
                self.endRemoveRows()
        elif i is None:
            self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows))
            self._rows.append(self._row(product))
            self._keys.append(None)
            self.endInsertRows()
        else:
            self._rows[i] = self._row(product)
            self._keys[i] = None
            self.dataChanged.emit(self.index(i, 0), self.index(i, self.columnCount() - 1))

    def product(self, row: int) -> Product:
        return self._rows[row][0]

    def sort_value(self, row: int, col: int) -> object:
        """The key a column sorts by (Vietnamese order for text), made once per row rather than per comparison."""
        keys = self._keys[row]
        if keys is None:
            p, _search, status, origin = self._rows[row]
            keys = self._keys[row] = (
                p.sku, sort_key(p.name), (sort_key(p.unit), p.net_weight_g or 0), p.price_vnd, p.ocop_stars or 0,
                sort_key(origin), (status[0] != CertStatus.EXPIRED, status[0] != CertStatus.EXPIRING))
        return keys[col]

    def search_text(self, row: int) -> str:
        """The folded text a filter matches (read directly: no QVariant per row per keystroke)."""
        return self._rows[row][1]

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._headers)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: ANN201
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        return None

    def _stars(self, p: Product) -> str:
        """Stars only while the OCOP certificate is in force; a lapsed one shows no stars (README)."""
        if not p.ocop_stars:
            return ""
        if not p.ocop_valid_on(self._today or date.today()):
            return _("lapsed")
        return "★" * p.ocop_stars

    def _badge(self, status: tuple[CertStatus, str, date | None]) -> str:
        state, name, expires = status
        if state == CertStatus.EXPIRED:
            return _("⚠ {name} expired {date}").format(name=name, date=format_date(expires))
        if state == CertStatus.EXPIRING:
            return _("⚠ {name} expires {date}").format(name=name, date=format_date(expires))
        if state == CertStatus.VALID:
            return _("✓ valid")
        return ""

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: ANN201
        if not index.isValid():
            return None
        p, search, status, origin = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            pack = f"{p.unit} {format_weight(p.net_weight_g)}".strip()
            return (p.sku, p.name, pack, format_vnd(p.price_vnd), self._stars(p), origin,
                    self._badge(status))[col]
        if role == SORT_ROLE:
            return self.sort_value(index.row(), col)
        if role == Qt.ItemDataRole.TextAlignmentRole and col == COL_PRICE:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole:
            if col == COL_CERTS and status[0] in _BADGE_COLOURS:
                return QBrush(QColor(_BADGE_COLOURS[status[0]][0]))
            if col == COL_OCOP:
                return QBrush(QColor("#c77700" if p.ocop_valid_on(self._today or date.today()) else "#9e9e9e"))
        if role == Qt.ItemDataRole.BackgroundRole and col == COL_CERTS and status[0] in _BADGE_COLOURS:
            return QBrush(QColor(_BADGE_COLOURS[status[0]][1]))
        if role == Qt.ItemDataRole.ToolTipRole and col in (COL_NAME, COL_ORIGIN, COL_CERTS):
            return (p.name, origin, self._badge(status))[(COL_NAME, COL_ORIGIN, COL_CERTS).index(col)] or None
        if role == Qt.ItemDataRole.ToolTipRole and col == COL_OCOP and p.ocop_stars and not p.ocop_valid_on(
                self._today or date.today()):
            return _("OCOP {stars} stars, certificate {no} lapsed on {date}: no stars may be shown").format(
                stars=p.ocop_stars, no=p.ocop_cert_no, date=format_date(p.ocop_expires))
        if role == Qt.ItemDataRole.ToolTipRole and col == COL_OCOP and p.ocop_stars:
            return _("OCOP {stars} stars, certificate {no}, valid until {date}").format(
                stars=p.ocop_stars, no=p.ocop_cert_no, date=format_date(p.ocop_expires))
        if role == PRODUCT_ROLE:
            return p
        if role == SEARCH_ROLE:
            return search
        return None


class ProductFilterProxy(QSortFilterProxyModel):
    """Filters by the search box without diacritics and sorts by the model's sort keys."""

    def __init__(self) -> None:
        super().__init__()
        self._words: list[str] = []
        self.setSortRole(SORT_ROLE)

    def set_query(self, text: str) -> None:
        self.beginFilterChange()
        self._words = fold(text).split()
        self.endFilterChange()

    def filterAcceptsRow(self, row: int, parent: QModelIndex | QPersistentModelIndex) -> bool:
        if not self._words:
            return True
        search = self.sourceModel().search_text(row)
        return all(w in search for w in self._words)

    def lessThan(self, left: QModelIndex | QPersistentModelIndex, right: QModelIndex | QPersistentModelIndex) -> bool:
        model = self.sourceModel()  # read directly: no QVariant, no key made again, per comparison
        return model.sort_value(left.row(), left.column()) < model.sort_value(right.row(), right.column())
