"""The product catalog: save with the domain's rules, search without diacritics, xlsx in and out."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from coopdesk import paths
from coopdesk.documents import spreadsheets
from coopdesk.documents.output import write_bytes
from coopdesk.domain import addresses
from coopdesk.domain.dates import format_date
from coopdesk.domain.errors import CoopDeskError, FieldError, ValidationError
from coopdesk.domain.products import CertStatus, Product, ProductDraft, format_weight, validate_product
from coopdesk.domain.text import fold
from coopdesk.i18n import _
from coopdesk.services.changes import Changes
from coopdesk.services.unit_of_work import atomic
from coopdesk.storage import audit
from coopdesk.storage import products as store
from coopdesk.storage.database import Database

# (draft field, Vietnamese header, English header)
COLUMNS = (
    ("sku", "Mã SKU", "SKU"),
    ("name", "Tên sản phẩm", "Name"),
    ("name_en", "Tên tiếng Anh", "English name"),
    ("unit", "Đơn vị", "Unit"),
    ("net_weight", "Khối lượng tịnh", "Net weight"),
    ("price", "Giá bán (đồng)", "Price (VND)"),
    ("gtin", "Mã GTIN", "GTIN"),
    ("ocop_stars", "Sao OCOP", "OCOP stars"),
    ("ocop_cert_no", "Số chứng nhận OCOP", "OCOP certificate no."),
    ("ocop_authority", "Cơ quan cấp OCOP", "OCOP issued by"),
    ("ocop_issued", "Ngày cấp OCOP", "OCOP issue date"),
    ("ocop_expires", "Ngày hết hạn OCOP", "OCOP expiry date"),
    ("origin_province", "Tỉnh/thành xuất xứ", "Origin province"),
    ("origin_commune", "Xã/phường xuất xứ", "Origin commune"),
    ("shelf_life_days", "Hạn sử dụng (ngày)", "Shelf life (days)"),
    ("storage", "Bảo quản", "Storage"),
    ("storage_place", "Vị trí trong kho", "Storage place"),
)
CERT_COLUMNS = (
    ("sku", "Mã SKU", "SKU"),
    ("kind", "Loại chứng nhận", "Certification"),
    ("number", "Số", "Number"),
    ("issuer", "Nơi cấp", "Issued by"),
    ("issued", "Ngày cấp", "Issue date"),
    ("expires", "Ngày hết hạn", "Expiry date"),
)
PRODUCT_SHEET, CERT_SHEET = "Sản phẩm", "Chứng nhận"


def list_products(database: Database) -> list[Product]:
    return store.list_all(database)


def get_product(database: Database, product_id: int) -> Product | None:
    return store.get(database, product_id)


def search(database: Database, query: str) -> list[Product]:
    """Products matching every word of ``query``, diacritics ignored ('bun kho' finds 'Bún khô')."""
    return store.get_many(database, store.search_ids(database, fold(query).split()))


def copy_media(database: Database, photo: str, field_key: str = "photo") -> str:
    """Copy a chosen photo or logo into the data folder so the file travels with the data."""
    if not photo:
        return ""
    source = Path(photo)
    media = paths.media_dir_for(database.path)
    if not source.is_absolute():
        return photo  # already inside the media folder
    if not source.is_file():
        raise ValidationError([FieldError(field_key, _("Photo: the file {file} does not exist").format(
            file=photo))])
    try:
        media.mkdir(parents=True, exist_ok=True)
        target = media / source.name
        n = 1
        while target.exists() and target.read_bytes() != source.read_bytes():
            target = media / f"{source.stem}-{n}{source.suffix}"
            n += 1
        if not target.exists():
            shutil.copy2(source, target)
    except OSError as e:
        raise CoopDeskError(_("Cannot copy the photo into {folder}: {detail}").format(
            folder=media, detail=e.strerror)) from e
    return target.name


def media_path(database: Database, name: str) -> Path | None:
    """Where a stored photo or logo file is, or None."""
    if not name:
        return None
    p = paths.media_dir_for(database.path) / name
    return p if p.exists() else None


@atomic
def save_product(database: Database, draft: ProductDraft, product_id: int | None = None) -> tuple[Product, Changes]:
    """Validate and save one product in one transaction; nothing is written when a field is wrong."""
    skus = store.by_sku(database)
    others = {s for s, i in skus.items() if i != product_id}
    product = validate_product(draft, others, product_id)
    product = replace(product, photo=copy_media(database, product.photo))
    with database.transaction() as db:
        new_id = store.save(db, product, addresses.ADDRESS_SCHEME)
        audit.record(db, "update" if product_id else "create", "product", new_id, {"sku": product.sku})
    return replace(product, id=new_id), Changes(product_ids={new_id})


@atomic
def delete_product(database: Database, product_id: int) -> Changes:
    """Delete a product that no lot refers to; a product with lots stays, for traceability."""
    lots = store.lot_count(database, product_id)
    if lots:
        raise CoopDeskError(_("This product has {n} production lots, so it cannot be deleted: their trace pages "
                              "and diaries need it.").format(n=lots))
    with database.transaction() as db:
        store.delete(db, product_id)
        audit.record(db, "delete", "product", product_id, {})
    return Changes(product_ids={product_id})


# --- xlsx ---------------------------------------------------------------------------------------

def _draft_row(p: Product) -> list[object]:
    return [p.sku, p.name, p.name_en, p.unit, format_weight(p.net_weight_g), p.price_vnd, p.gtin,
            p.ocop_stars, p.ocop_cert_no, p.ocop_authority, format_date(p.ocop_issued), format_date(p.ocop_expires),
            addresses.province_name(p.origin_province), addresses.commune_name(p.origin_commune),
            p.shelf_life_days, p.storage, p.storage_place]


def export_xlsx(database: Database, target: Path) -> int:
    """Write the catalog (and its certifications on a second sheet) to ``target``; return the product count."""
    products = store.list_all(database)
    certs = [[p.sku, c.kind, c.number, c.issuer, format_date(c.issued), format_date(c.expires)]
             for p in products for c in p.certifications]
    data = spreadsheets.write_xlsx([
        (PRODUCT_SHEET, [vi for _k, vi, _en in COLUMNS], [_draft_row(p) for p in products]),
        (CERT_SHEET, [vi for _k, vi, _en in CERT_COLUMNS], certs),
    ])
    write_bytes(Path(target), data)
    return len(products)


@dataclass
class RowError:
    """A rejected spreadsheet row: its number as Excel shows it, and why."""

    sheet: str
    row: int
    message: str

    def __str__(self) -> str:
        return _("Sheet “{sheet}”, row {row}: {message}").format(sheet=self.sheet, row=self.row, message=self.message)


@dataclass
class CatalogImport:
    """The preview of a catalog file: what would be created or updated, and each row's error."""

    file: str
    new: list[Product] = field(default_factory=list)
    updated: list[Product] = field(default_factory=list)
    unchanged: list[Product] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def preview_import(database: Database, source: Path) -> CatalogImport:
    """Read and check a catalog xlsx without writing anything."""
    sheets = spreadsheets.read_xlsx(Path(source))
    result = CatalogImport(Path(source).name)
    product_sheet, cols = spreadsheets.sheet_with_columns(sheets, result.file, PRODUCT_SHEET, COLUMNS,
                                                          ("sku", "name", "price"),
                                                          _("{file} has no sheet of products."))
    cert_rows: dict[str, list[dict[str, str]]] = {}
    cert_sheet = next((s for s in sheets if s is not product_sheet and
                       spreadsheets.header_key(s.name) == spreadsheets.header_key(CERT_SHEET)), None)
    if cert_sheet:
        ccols = spreadsheets.columns_of(cert_sheet, CERT_COLUMNS)
        for number, row in cert_sheet.rows:
            sku = row.get(ccols.get("sku", ""), "").upper()
            if not sku:
                result.errors.append(RowError(cert_sheet.name, number, _("SKU: required")))
                continue
            cert_rows.setdefault(sku, []).append({k: row.get(ccols[k], "") for k in ccols if k != "sku"})
    existing = {p.sku.upper(): p for p in store.list_all(database)}
    seen: dict[str, int] = {}
    for number, row in product_sheet.rows:
        values = {key: row.get(header, "") for key, header in cols.items()}
        draft = ProductDraft(**{k: v for k, v in values.items()})
        sku = draft.sku.strip().upper()
        if sku in seen:
            result.errors.append(RowError(product_sheet.name, number, _(
                "SKU: {sku} is also on row {other}").format(sku=sku, other=seen[sku])))
            continue
        seen[sku] = number
        old = existing.get(sku)
        draft.certifications = cert_rows.get(sku, [])
        if old and old.photo:
            draft.photo = old.photo
        if old and "storage_place" not in cols:  # a sheet from before the column keeps what was set
            draft.storage_place = old.storage_place
        try:
            product = validate_product(draft, None, old.id if old else None)
        except ValidationError as e:
            for err in e.errors:
                result.errors.append(RowError(product_sheet.name, number, err.message))
            continue
        if old is None:
            result.new.append(product)
        elif replace(product, photo=old.photo) == old:
            result.unchanged.append(old)
        else:
            result.updated.append(product)
    return result


@atomic
def commit_import(database: Database, preview: CatalogImport) -> Changes:
    """Store a previewed import, all or nothing; refused while any row has an error."""
    if not preview.ok:
        raise CoopDeskError(_("{file} has {n} rows with errors: nothing was imported.").format(
            file=preview.file, n=len(preview.errors)))
    with database.transaction() as db:
        store.save_many(db, preview.new + preview.updated, addresses.ADDRESS_SCHEME)
        audit.record(db, "import", "product", None, {"file": preview.file, "new": len(preview.new),
                                                     "updated": len(preview.updated)})
    return Changes(products=True)


def expiring(database: Database, today: date | None = None) -> list[Product]:
    """Products with a certificate expired or expiring within 60 days."""
    today = today or date.today()
    return [p for p in store.list_all(database)
            if p.worst_cert_status(today)[0] in (CertStatus.EXPIRED, CertStatus.EXPIRING)]
