"""The product catalog: save with the domain's rules, search without diacritics, xlsx (or CSV) in and out."""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass, field, fields, replace
from datetime import date
from pathlib import Path

from coopdesk import paths
from coopdesk.documents import order_files, spreadsheets
from coopdesk.documents.output import write_bytes
from coopdesk.domain import addresses
from coopdesk.domain.dates import DateError, format_date, parse_date
from coopdesk.domain.errors import CoopDeskError, FieldError, ValidationError
from coopdesk.domain.products import (
    CertStatus,
    Product,
    ProductDraft,
    draft_from_product,
    format_weight,
    parse_weight_g,
    validate_product,
)
from coopdesk.domain.text import clean, fold
from coopdesk.domain.tiktok import PLATFORM as TIKTOK
from coopdesk.i18n import _
from coopdesk.services.changes import Changes
from coopdesk.services.unit_of_work import atomic
from coopdesk.storage import audit
from coopdesk.storage import orders as order_store
from coopdesk.storage import products as store
from coopdesk.storage.database import Database

# (draft field, Vietnamese header, English header)
COLUMNS = (
    ("sku", "Mã SKU", "SKU"),
    ("name", "Tên sản phẩm", "Name"),
    ("name_en", "Tên tiếng Anh", "English name"),
    ("unit", "Đơn vị", "Unit"),
    ("net_weight", "Khối lượng tịnh", "Net weight"),
    ("shipping_weight", "Khối lượng giao hàng", "Shipping weight"),
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
    ("tiktok_sku_ids", "Mã SKU TikTok", "TikTok SKU ID"),
)
# Other names a column goes by in product lists from elsewhere (a spreadsheet's snake_case export, TikTok Seller
# Center): each maps to the field it means. A header that says kg ('weight_kg') holds kilograms.
ALIASES = {
    "price": ("price_vnd", "Giá bán", "Giá", "Price"),
    "ocop_cert_no": ("ocop_certificate_no", "ocop_cert_no"),
    "ocop_issued": ("ocop_certified_on", "ocop_issued_on"),
    "ocop_expires": ("ocop_expires_on",),
    "shipping_weight": ("weight_kg", "Weight(kg)", "Weight (kg)", "shipping_weight_kg", "Khối lượng giao hàng (kg)"),
    "net_weight": ("net_weight_g", "net_weight_kg"),
    "tiktok_sku_ids": ("tiktok_sku_id", "SKU ID"),
}
REQUIRED = ("sku", "name", "price")
MAX_CSV_BYTES = 20 * 1024 * 1024
_DRAFT_FIELDS = {f.name for f in fields(ProductDraft)}
# 'gói 500g' in a unit column is a unit and a net weight: split when the row has no net weight of its own.
_UNIT_AND_WEIGHT = re.compile(r"(\S.*?)\s+([0-9]{1,6}(?:[.,][0-9]{1,3})?\s*(?:kg|g|gr|gam))", re.IGNORECASE)
_SKU_ID = re.compile(r"[0-9]{6,25}")
_NUMBER = re.compile(r"[0-9]{1,9}(?:[.,][0-9]{1,6})?")
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
    lines = store.order_line_count(database, product_id)
    if lines:
        raise CoopDeskError(_("This product is sold on {n} order lines, so it cannot be deleted: those orders "
                              "need it.").format(n=lines))
    with database.transaction() as db:
        store.delete(db, product_id)
        audit.record(db, "delete", "product", product_id, {})
    return Changes(product_ids={product_id})


# --- xlsx ---------------------------------------------------------------------------------------

def _draft_row(p: Product, sku_ids: list[str]) -> list[object]:
    return [p.sku, p.name, p.name_en, p.unit, format_weight(p.net_weight_g), format_weight(p.shipping_weight_g),
            p.price_vnd, p.gtin, p.ocop_stars, p.ocop_cert_no, p.ocop_authority, format_date(p.ocop_issued),
            format_date(p.ocop_expires), addresses.province_name(p.origin_province),
            addresses.commune_name(p.origin_commune), p.shelf_life_days, p.storage, p.storage_place,
            ", ".join(sku_ids)]


def tiktok_sku_ids(database: Database) -> dict[int, list[str]]:
    """Product id -> the TikTok SKU IDs remembered for it (from a catalog file), in order."""
    out: dict[int, list[str]] = {}
    for sku_id, (product_id, action) in sorted(order_store.sku_map(database, TIKTOK, "sku_id").items()):
        if action == "map" and product_id is not None:
            out.setdefault(product_id, []).append(sku_id)
    return out


def export_xlsx(database: Database, target: Path) -> int:
    """Write the catalog (and its certifications on a second sheet) to ``target``; return the product count."""
    products = store.list_all(database)
    ids = tiktok_sku_ids(database)
    certs = [[p.sku, c.kind, c.number, c.issuer, format_date(c.issued), format_date(c.expires)]
             for p in products for c in p.certifications]
    data = spreadsheets.write_xlsx([
        (PRODUCT_SHEET, [vi for _k, vi, _en in COLUMNS], [_draft_row(p, ids.get(p.id or 0, [])) for p in products]),
        (CERT_SHEET, [vi for _k, vi, _en in CERT_COLUMNS], certs),
    ])
    write_bytes(Path(target), data)
    return len(products)


@dataclass
class RowError:
    """A rejected row: its number as Excel shows it, and why. ``sheet`` is the file's name for a CSV file."""

    sheet: str
    row: int
    message: str
    text_file: bool = False

    def __str__(self) -> str:
        if self.text_file:
            return _("{file}, row {row}: {message}").format(file=self.sheet, row=self.row, message=self.message)
        return _("Sheet “{sheet}”, row {row}: {message}").format(sheet=self.sheet, row=self.row, message=self.message)


@dataclass
class CatalogImport:
    """The preview of a catalog file: what would be created or updated, and each row's error.

    ``sku_ids``: TikTok SKU ID -> the product SKU the file gives it (remembered for later order imports);
    ``ignored_columns``: the file's columns CoopDesk has no field for, named so nothing is dropped unsaid.
    """

    file: str
    new: list[Product] = field(default_factory=list)
    updated: list[Product] = field(default_factory=list)
    unchanged: list[Product] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    sku_ids: dict[str, str] = field(default_factory=dict)
    sku_ids_new: int = 0  # of sku_ids, how many are not remembered for that product yet
    notes: list[str] = field(default_factory=list)  # what changes besides the products (an ID moved)
    lines_to_map: int = 0  # order lines imported earlier without a product that these products will take

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def has_work(self) -> bool:
        """Whether committing would store anything."""
        return bool(self.new or self.updated or self.sku_ids_new or self.lines_to_map)


def _read_sheets(source: Path) -> tuple[list[spreadsheets.Sheet], bool]:
    """The file's sheets, and whether it is a CSV text file (one sheet, named after the file).

    What a file is comes from its first bytes, never its name: an xlsx is a zip; anything else is read as CSV
    by the order import's reader, which names the file when it is not text.
    """
    try:
        with open(source, "rb") as fh:
            head = fh.read(8)
    except OSError:
        head = b""  # the xlsx reader names the file and the reason
    if not head or head.startswith(b"PK"):
        return spreadsheets.read_xlsx(source), False
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise CoopDeskError(_("{file} is an old Excel file (.xls). Open it in Excel and save it as an Excel workbook "
                              "(.xlsx) or as “CSV UTF-8”.").format(file=source.name))
    spreadsheets.check_size(source, MAX_CSV_BYTES, _("{file} is too large ({mb} MB) for a catalog."))
    try:
        table = order_files.read_csv(source, source.read_bytes(), _(
            "{file} is not UTF-8 text (byte {pos}). In Excel choose Save As, “CSV UTF-8 (Comma delimited)”, or "
            "save it as an Excel workbook (.xlsx)."))
    except CoopDeskError:
        raise
    except Exception as e:  # noqa: BLE001 - whatever the parser trips on, the person sees the file named
        raise CoopDeskError(_("{file} cannot be read as a product list ({detail}).").format(
            file=source.name, detail=type(e).__name__)) from e
    return [spreadsheets.Sheet(source.name, [h for h in table.headers if h], table.rows)], True


def _kilograms(header: str, value: str) -> str:
    """A bare number under a header that says kg is kilograms ('0.15' under weight_kg is 150 g)."""
    raw = value.strip()
    if raw and _NUMBER.fullmatch(raw) and re.search(r"\bkg\b", fold(header).replace("_", " ")):
        return f"{raw} kg"
    return value


def _split_unit(draft: ProductDraft) -> bool:
    """'gói 500g' with no net weight: the unit is 'gói' and the net weight 500 g (as the form keeps them).

    Returns whether it split."""
    if draft.net_weight.strip():
        return False
    m = _UNIT_AND_WEIGHT.fullmatch(clean(draft.unit))
    if not m:
        return False
    try:
        parse_weight_g(m.group(2))
    except ValueError:
        return False
    draft.unit, draft.net_weight = m.group(1), m.group(2)
    return True


def _sku_ids(text: str) -> list[str] | None:
    """The TikTok SKU IDs of a cell (several separated by commas or spaces); None when a piece is not one."""
    pieces = [p for p in re.split(r"[,;\s]+", text.strip()) if p]
    return pieces if all(_SKU_ID.fullmatch(p) for p in pieces) else None


def _keep_absent(draft: ProductDraft, old: Product, cols: set[str]) -> None:
    """A column the file does not have keeps what the product has: a short list (sku, name, price) updates
    those and never wipes the GTIN, the storage advice or the place on the shelf."""
    kept = draft_from_product(old)
    for name in _DRAFT_FIELDS - {"certifications", "photo", "ocop_expires"}:
        if name not in cols:
            setattr(draft, name, getattr(kept, name))
    if "ocop_expires" not in cols:
        try:
            same_issue = "ocop_issued" not in cols or parse_date(draft.ocop_issued) == old.ocop_issued
        except DateError:
            same_issue = False
        if same_issue:  # a new issue date brings its own expiry, 36 months on
            draft.ocop_expires = kept.ocop_expires


def preview_import(database: Database, source: Path) -> CatalogImport:
    """Read and check a catalog file (xlsx, or CSV in UTF-8 with ',' or ';') without writing anything."""
    source = Path(source)
    sheets, text_file = _read_sheets(source)
    result = CatalogImport(source.name)
    if text_file:
        product_sheet = sheets[0]
        cols = spreadsheets.columns_of(product_sheet, COLUMNS, ALIASES)
        missing = [vi for key, vi, _en in COLUMNS if key in REQUIRED and key not in cols]
        if missing:
            hint = (_(" It is an order export: import it on the Orders page.")
                    if "Order ID" in product_sheet.headers else "")
            raise CoopDeskError(_("{file} has no column {columns}.").format(
                file=source.name, columns=", ".join(f"“{m}”" for m in missing)) + hint)
        if not product_sheet.rows:
            raise CoopDeskError(_("{file} is empty: it has column headers but no rows.").format(file=source.name))
    else:
        product_sheet, cols = spreadsheets.sheet_with_columns(sheets, result.file, PRODUCT_SHEET, COLUMNS, REQUIRED,
                                                              _("{file} has no sheet of products."), ALIASES)
    used = set(cols.values())
    result.ignored_columns = [h for h in product_sheet.headers if h not in used]
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
    remembered = order_store.sku_map(database, TIKTOK, "sku_id")
    by_id = {p.id: p for p in existing.values()}
    seen: dict[str, int] = {}
    id_rows: dict[str, int] = {}

    def reject(number: int, message: str) -> None:
        result.errors.append(RowError(product_sheet.name, number, message, text_file))

    for number, row in product_sheet.rows:
        values = {key: row.get(header, "") for key, header in cols.items()}
        id_text = values.pop("tiktok_sku_ids", "")
        for key in ("net_weight", "shipping_weight"):
            if key in values:
                values[key] = _kilograms(cols[key], values[key])
        draft = ProductDraft(**values)
        sku = draft.sku.strip().upper()
        if sku in seen:
            reject(number, _("SKU: {sku} is also on row {other}").format(sku=sku, other=seen[sku]))
            continue
        seen[sku] = number
        old = existing.get(sku)
        present = set(cols)
        if "unit" in cols and _split_unit(draft):
            present.add("net_weight")
        if old:
            _keep_absent(draft, old, present)
        draft.certifications = cert_rows.get(sku, []) if cert_sheet or not old else draft_from_product(
            old).certifications
        if old and old.photo:
            draft.photo = old.photo
        ids = _sku_ids(id_text)
        problems = []
        if ids is None:
            ids = []
            problems.append(_("TikTok SKU ID: “{text}” is not a TikTok SKU ID (6 to 25 digits; if Excel shows "
                              "it as 1,73E+18, format the column as Text and type it again)").format(
                text=clean(id_text)))
        for sku_id in ids:
            if sku_id in id_rows and id_rows[sku_id] != number:
                problems.append(_("TikTok SKU ID: {id} is also on row {other}").format(id=sku_id,
                                                                                      other=id_rows[sku_id]))
            id_rows.setdefault(sku_id, number)
        try:
            product = validate_product(draft, None, old.id if old else None)
        except ValidationError as e:
            for err in e.errors:
                reject(number, err.message)
            for problem in problems:
                reject(number, problem)
            continue
        if problems:
            for problem in problems:
                reject(number, problem)
            continue
        for sku_id in ids:
            result.sku_ids[sku_id] = product.sku
            before = remembered.get(sku_id)
            if before and before[1] == "map" and old is not None and before[0] == old.id:
                continue
            result.sku_ids_new += 1
            if before and before[1] == "map" and before[0] in by_id:
                result.notes.append(_("TikTok SKU ID {id} pointed at {old}; it will point at {sku}").format(
                    id=sku_id, old=by_id[before[0]].sku, sku=product.sku))
        if old is None:
            result.new.append(product)
        elif replace(product, photo=old.photo) == old:
            result.unchanged.append(old)
        else:
            result.updated.append(product)
    if result.ok:
        skus = [p.sku.upper() for p in (*result.new, *result.updated, *result.unchanged)]
        by_sku, by_sku_id = order_store.unmapped_line_counts(database, skus, list(result.sku_ids))
        result.lines_to_map = by_sku + by_sku_id
    return result


@atomic
def commit_import(database: Database, preview: CatalogImport) -> Changes:
    """Store a previewed import, all or nothing; refused while any row has an error.

    The TikTok SKU IDs the file names are remembered for later order imports, and order lines imported earlier
    without a product (their SKU or SKU ID now in the catalog) point at their product, in the same transaction.
    """
    if not preview.ok:
        raise CoopDeskError(_("{file} has {n} rows with errors: nothing was imported.").format(
            file=preview.file, n=len(preview.errors)))
    skus = store.by_sku(database)
    if any(p.sku.upper() in skus for p in preview.new) or any(
            skus.get(p.sku.upper()) != p.id for p in (*preview.updated, *preview.unchanged)):
        raise CoopDeskError(_("The catalog changed since {file} was read: read it again. Nothing was imported.").format(
            file=preview.file))
    mapped = 0
    with database.transaction() as db:
        saved = preview.new + preview.updated
        ids = dict(zip((p.sku for p in saved), store.save_many(db, saved, addresses.ADDRESS_SCHEME), strict=True))
        ids.update({p.sku: p.id for p in preview.unchanged if p.id is not None})
        for sku_id, sku in preview.sku_ids.items():
            order_store.remember_sku(db, TIKTOK, sku_id, ids[sku], "map", kind="sku_id")
            mapped += order_store.map_unmapped_sku_id(db, sku_id, ids[sku])
        if preview.lines_to_map:
            for sku, product_id in ids.items():
                mapped += order_store.map_unmapped_lines(db, sku, product_id)
        audit.record(db, "import", "product", None, {"file": preview.file, "new": len(preview.new),
                                                     "updated": len(preview.updated),
                                                     "sku_ids": len(preview.sku_ids), "lines_mapped": mapped})
    return Changes(products=True, orders=bool(mapped))


def expiring(database: Database, today: date | None = None) -> list[Product]:
    """Products with a certificate expired or expiring within 60 days."""
    today = today or date.today()
    return [p for p in store.list_all(database)
            if p.worst_cert_status(today)[0] in (CertStatus.EXPIRED, CertStatus.EXPIRING)]
