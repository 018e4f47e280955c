"""Importing TikTok Shop order exports: preview first, then all or nothing in one transaction.

Idempotent: an order already stored (by its TikTok Order ID) is updated only where the export moves it
forward (status, tracking, carrier); what staff changed in CoopDesk is never overwritten silently.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from coopdesk.documents import spreadsheets
from coopdesk.documents.order_files import Table, read_table
from coopdesk.documents.output import write_bytes
from coopdesk.domain import addresses
from coopdesk.domain.errors import CoopDeskError
from coopdesk.domain.money import MoneyError, parse_vnd
from coopdesk.domain.orders import LotStock, allocate
from coopdesk.domain.text import fold
from coopdesk.domain.tiktok import (
    PLATFORM,
    RANK,
    TEMPLATE,
    TEMPLATE_HEADERS,
    ImportedOrder,
    Rejected,
    missing_columns,
    parse_rows,
)
from coopdesk.i18n import _
from coopdesk.services.changes import Changes
from coopdesk.services.lots import recalled_lot_ids
from coopdesk.services.progress import Progress
from coopdesk.services.stock import packed_lots
from coopdesk.storage import imports as bulk
from coopdesk.storage import orders as store
from coopdesk.storage import products as product_store
from coopdesk.storage.database import Database

CHUNK = 500  # orders written between two checks of the cancel button
REASON_COLUMN = "CoopDesk"  # the held-back file's last column: why the row was held back (ignored on import)


class ImportCancelled(CoopDeskError):
    """Staff pressed Cancel: the transaction was rolled back and nothing was stored."""


@dataclass
class Update:
    order_id: int
    imported: ImportedOrder
    status: str
    tracking: str
    carrier: str
    changes: dict


@dataclass
class ImportPlan:
    """What an export would do, computed without writing: the preview."""

    file: str
    platform: str = PLATFORM
    new: list[ImportedOrder] = field(default_factory=list)
    updates: list[Update] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    unknown_skus: dict[str, str] = field(default_factory=dict)  # platform SKU -> product name
    unknown_prices: dict[str, int] = field(default_factory=dict)  # platform SKU -> its unit price in the file
    sku_to_product: dict[str, int | None] = field(default_factory=dict)  # upper SKU -> product id (None: unmapped)
    # TikTok SKU ID -> product id, for the IDs a catalog file named: they map a line before its seller SKU does
    # (a seller SKU may be renamed or left empty in Seller Center; the SKU ID stays).
    sku_id_to_product: dict[str, int] = field(default_factory=dict)
    lines: int = 0
    cancelled: int = 0
    cod_orders: int = 0
    cod_total_vnd: int = 0
    # Held back: every row of each order with a rejected row, as the file had it, to fix and import later.
    source: Path | None = None
    held_headers: list[str] = field(default_factory=list)
    held_rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    held_orders: int = 0
    hold_back: bool = False  # set to import the good orders while rows are rejected (never set by a preview)

    def report(self) -> dict:
        return {"file": self.file, "orders_new": len(self.new), "orders_updated": len(self.updates),
                "orders_unchanged": len(self.unchanged), "lines": self.lines, "cancelled": self.cancelled,
                "cod_orders": self.cod_orders, "cod_total_vnd": self.cod_total_vnd,
                "conflicts": self.conflicts, "unknown_skus": sorted(self.unknown_skus),
                "warnings": self.warnings, "rejected": [{"row": r.row, "reason": r.reason} for r in self.rejected],
                "orders_held_back": self.held_orders, "rows_held_back": len(self.held_rows)}


def _state(status: str, tracking: str, carrier: str) -> str:
    return json.dumps({"status": status, "tracking": tracking, "carrier": carrier}, ensure_ascii=False)


def preview_import(database: Database, source: Path) -> ImportPlan:
    """Read and check a whole export and decide what each order would do; store nothing."""
    table = read_table(Path(source))
    original = table  # the rows as the file wrote them, for the held-back file
    platform = PLATFORM
    if "Mã đơn" in table.headers:
        platform = TEMPLATE
        original = Table(table.file, list(table.headers), [(n, dict(r)) for n, r in table.rows])
        _from_template(table)
    missing = missing_columns(table.headers)
    if missing:
        if "Order ID" in missing:
            raise CoopDeskError(_("{file} is not a TikTok Shop order export: it has no “Order ID” column.").format(
                file=table.file))
        raise CoopDeskError(_("{file} is missing the column(s) {columns}.").format(
            file=table.file, columns=", ".join(f"“{c}”" for c in missing)))
    if not table.rows:
        raise CoopDeskError(_("{file} has no orders: only the example row.").format(file=table.file))
    orders, rejected = parse_rows(table.rows, platform_ids=platform == PLATFORM)
    plan = ImportPlan(table.file, rejected=rejected, platform=platform, source=Path(source).absolute())
    _hold_back(plan, table, original)
    catalog = {r["sku"].upper(): r["id"] for r in product_store.catalog_rows(database)}
    remembered = store.sku_map(database, platform)
    by_sku_id = {k: v[0] for k, v in store.sku_map(database, platform, "sku_id").items()
                 if v[1] == "map" and v[0] is not None}
    existing = store.platform_orders(database, platform, [o.order_id for o in orders])
    for o in orders:
        for line in o.lines:
            if line.sku_id and line.sku_id in by_sku_id:
                plan.sku_id_to_product[line.sku_id] = by_sku_id[line.sku_id]
                continue
            key = line.seller_sku.upper()
            if key in plan.sku_to_product:
                continue
            if key in catalog:
                plan.sku_to_product[key] = catalog[key]
            elif key in remembered and remembered[key][1] == "map":
                plan.sku_to_product[key] = remembered[key][0]
            else:
                plan.sku_to_product[key] = None
                if key not in remembered:
                    plan.unknown_skus[line.seller_sku] = line.name
                    plan.unknown_prices[line.seller_sku] = line.unit_price
        plan.lines += len(o.lines)
        plan.cancelled += o.status == "cancelled"
        if o.is_cod:
            plan.cod_orders += 1
            plan.cod_total_vnd += o.amount
        for flag in o.flags:
            plan.warnings.append(_("Order {id} (row {row}): {flag}").format(id=o.order_id, row=o.first_row,
                                                                             flag=flag))
        stored = existing.get(o.order_id)
        if stored is None:
            plan.new.append(o)
            continue
        _plan_update(plan, stored, o)
    for sku, name in sorted(plan.unknown_skus.items()):
        plan.warnings.append(_("SKU {sku} ({name}) is not in the catalog: its lines are kept unmapped until it is "
                               "mapped").format(sku=sku, name=name))
    return plan


def _hold_back(plan: ImportPlan, table: Table, original: Table) -> None:
    """Every row of each order that has a rejected row (never half an order), as the file wrote it."""
    if not plan.rejected:
        return
    held_ids = {r.order_id for r in plan.rejected if r.order_id}
    reasons = {r.row: r.reason for r in plan.rejected}
    numbers = {n for n, row in table.rows if (row.get("Order ID") or "").strip() in held_ids} | set(reasons)
    plan.held_orders = len(held_ids) + sum(1 for r in plan.rejected if not r.order_id)
    plan.held_headers = [h for h in original.headers if h != REASON_COLUMN]  # a held-back file imported again
    plan.held_rows = [(n, {**row, REASON_COLUMN: reasons.get(n, "")}) for n, row in original.rows if n in numbers]


def held_back_path(plan: ImportPlan) -> Path:
    """Beside the imported file, never over another file: 'export - held back.xlsx', then '(2)', …"""
    source = plan.source or Path(plan.file)
    stem = _("{name} - held back").format(name=source.stem)
    target = source.with_name(f"{stem}.xlsx")
    n = 2
    while target.exists():
        target = source.with_name(f"{stem} ({n}).xlsx")
        n += 1
    return target


def write_held_back(plan: ImportPlan, target: Path | None = None) -> Path:
    """The held-back rows as an xlsx of text cells (18-digit IDs and leading zeros intact), to fix and import.

    Its columns are the file's own, so the fixed file imports like the original; the last column says why.
    """
    headers = [*plan.held_headers, REASON_COLUMN]
    rows = [[row.get(h, "") for h in headers] for _n, row in plan.held_rows]
    data = spreadsheets.write_xlsx([(_("Held back"), headers, rows)], text_only=True)
    return write_bytes(Path(target or held_back_path(plan)), data)


def _from_template(table: Table) -> None:
    """CoopDesk's order sheet: Vietnamese headers, and sensible defaults for what staff leave empty."""
    table.headers = [TEMPLATE_HEADERS.get(h, h) for h in table.headers]
    table.rows = [(n, r) for n, r in table.rows if "dòng mẫu" not in r.get("Ghi chú", "")]
    for _number, row in table.rows:
        for vi, en in TEMPLATE_HEADERS.items():
            if vi in row:
                row[en] = row.pop(vi)
        row["Order Status"] = row.get("Order Status") or "Chờ vận chuyển"
        row["Payment Method"] = row.get("Payment Method") or "Thanh toán khi giao hàng"
    by_order: dict[str, int] = {}
    for _number, row in table.rows:  # an empty order total is the sum of its lines plus shipping
        try:
            line = parse_vnd(row.get("SKU Subtotal After Discount") or "0") or (
                parse_vnd(row.get("SKU Unit Original Price") or "0") * int(row.get("Quantity") or 0))
        except (MoneyError, ValueError):
            line = 0
        row.setdefault("SKU Subtotal After Discount", str(line))
        by_order[row.get("Order ID", "")] = by_order.get(row.get("Order ID", ""), 0) + line
    for _number, row in table.rows:
        if not row.get("Order Amount"):
            try:
                shipping = parse_vnd(row.get("Shipping Fee After Discount") or "0")
            except MoneyError:
                shipping = 0
            row["Order Amount"] = str(by_order.get(row.get("Order ID", ""), 0) + shipping)


def write_template(target: Path) -> Path:
    """CoopDesk's order sheet, for orders gathered on Facebook, Zalo or the phone."""
    headers = list(TEMPLATE_HEADERS)
    example = ["FB-0001", "", "YDI-BUN-500", "Bún sắn khô", "2", "40000", "", "30000", "", "20/11/2026 20:15",
               "Nguyễn Thị Hồng", "0912 345 678", "Điện Biên", "Xã Nà Tấu", "Bản Nà Tấu 2", "",
               "Cho xem hàng (dòng mẫu — xóa trước khi nhập)", "Facebook"]
    guide = [["Mã đơn", "Tự đặt, không trùng (ví dụ FB-0001, ZL-0002). Đơn nhiều sản phẩm: mỗi sản phẩm một dòng, "
                        "cùng mã đơn."],
             ["Trạng thái", "Để trống = chờ vận chuyển"], ["Thanh toán", "Để trống = thanh toán khi giao hàng (COD)"],
             ["Tổng tiền đơn", "Để trống = tổng các dòng + phí giao hàng"],
             ["Điện thoại", "Ghi dạng chữ để Excel không mất số 0 ở đầu"]]
    data = spreadsheets.write_xlsx([("Đơn hàng", headers, [example]), ("Hướng dẫn", ["Cột", "Cách điền"], guide)])
    return write_bytes(Path(target), data)


def _plan_update(plan: ImportPlan, stored: dict, o: ImportedOrder) -> None:
    """Forward only: an older export changes nothing, and a field staff changed in CoopDesk is kept (listed)."""
    last = json.loads(stored["import_state"] or "{}")
    current = {"status": stored["status"], "tracking": stored["tracking"], "carrier": stored["carrier"]}
    incoming = {"status": o.status, "tracking": o.tracking or current["tracking"],
                "carrier": o.carrier or current["carrier"]}
    if incoming == last or incoming == current:
        plan.unchanged.append(o.order_id)
        return
    local = {k for k in current if last and current[k] != last.get(k)}
    news = {k for k in incoming if incoming[k] != (last.get(k) if last else current[k])}
    clashes = sorted(local & news)
    for key in clashes:
        plan.conflicts.append(_("Order {id}: {field} was changed in CoopDesk to “{local}”; the export says “{file}” "
                                "— kept as in CoopDesk").format(id=o.order_id, field=key, local=current[key],
                                                                file=incoming[key]))
    if RANK[o.status] < RANK[current["status"]] and "status" not in local:
        plan.unchanged.append(o.order_id)  # an export older than what is stored
        return
    changes = {k: (current[k], incoming[k]) for k in news - local if incoming[k] != current[k]}
    if "status" in changes and RANK[incoming["status"]] <= RANK[current["status"]]:
        del changes["status"]
    if not changes:
        if not clashes:
            plan.unchanged.append(o.order_id)
        return
    new = {k: changes[k][1] if k in changes else current[k] for k in current}
    plan.updates.append(Update(stored["id"], o, new["status"], new["tracking"], new["carrier"], changes))


def _customer_key(o: ImportedOrder) -> str:
    if o.phone is not None:
        return o.phone.e164
    # A masked or missing phone never loses the order: the buyer is kept apart by their TikTok name.
    return f"tiktok:{o.buyer_username or o.order_id}"


def commit_steps(database: Database, plan: ImportPlan, mapping: dict[str, int | None] | None = None,
                 cancel: threading.Event | None = None, create: list[str] | tuple[str, ...] = ()
                 ) -> Iterator[tuple[int, int]]:
    """Write the plan in one transaction, yielding (done, total) between chunks; cancel rolls all of it back.

    ``mapping`` answers the unknown SKUs: a product id, or None to keep (skip) the lines unmapped; answers are
    remembered for the next import. ``create`` names unknown SKUs to add to the catalog: they are created in
    the same transaction, so a cancelled or failed import leaves no product behind either.
    """
    if plan.rejected and not plan.hold_back:
        raise CoopDeskError(_("{file} has {n} rejected rows: fix them and import again; nothing was stored.").format(
            file=plan.file, n=len(plan.rejected)))
    mapping = dict(mapping or {})
    total = len(plan.new) + len(plan.updates)
    done = 0
    with database.unit_of_work():
        db = database.db
        mapping.update(create_products_for(database, plan, list(create)))  # a savepoint inside this transaction
        sku_to_product = dict(plan.sku_to_product)
        for sku, product_id in mapping.items():
            sku_to_product[sku.upper()] = product_id
        products = {r["id"]: r for r in product_store.catalog_rows(database)}
        recalled = recalled_lot_ids(database)
        for sku, product_id in mapping.items():
            store.remember_sku(db, plan.platform, sku, product_id, "map" if product_id else "skip")
            if product_id:
                store.map_unmapped_lines(db, sku, product_id)
        keys = sorted({_customer_key(o) for o in plan.new})
        known = bulk.existing_customers(db, keys)
        fresh = []
        for o in plan.new:
            key = _customer_key(o)
            if key not in known:
                known[key] = -1  # placeholder: the real id is read back after the insert
                fresh.append((key, ",".join(o.other_phones), o.recipient, o.street, o.province, o.commune,
                              o.raw_address, addresses.ADDRESS_SCHEME if o.commune else ""))
        bulk.insert_customers(db, fresh)
        known = bulk.existing_customers(db, keys)
        stock: dict[int, list[tuple[int, LotStock]]] = {}
        order_id = bulk.next_id(db, "orders")
        line_id = bulk.next_id(db, "order_lines")
        for start in range(0, len(plan.new), CHUNK):
            if cancel is not None and cancel.is_set():
                raise ImportCancelled(_("Import cancelled: nothing was stored."))
            order_rows, line_rows, alloc_rows, history = [], [], [], []
            for o in plan.new[start:start + CHUNK]:
                cod = o.amount if o.is_cod else 0
                created = o.created.strftime("%Y-%m-%d %H:%M:%S") if o.created else None
                search = fold(" ".join([o.recipient, o.phone_raw.replace(" ", ""), o.order_id, o.raw_address,
                                        o.buyer_username, *(x.seller_sku for x in o.lines)]))
                order_rows.append((order_id, None, known[_customer_key(o)], o.phone.e164 if o.phone else o.phone_raw,
                                   o.recipient, o.street, o.province, o.commune, o.raw_address, o.shipping_fee,
                                   o.amount - cod, o.amount, cod, o.buyer_message, "", o.status, o.carrier,
                                   o.tracking, search, created or date.today().isoformat(), plan.platform, o.order_id,
                                   o.payment_method, o.buyer_username, o.buyer_message, o.package_id,
                                   _state(o.status, o.tracking, o.carrier), "; ".join(o.flags)))
                for x in o.lines:
                    product_id = plan.sku_id_to_product.get(x.sku_id) or sku_to_product.get(x.seller_sku.upper())
                    discount = max(x.unit_price * x.qty - x.subtotal_after_discount, 0)
                    cancelled = o.status == "cancelled" or fold(x.cancel_type) == "cancel"
                    line_rows.append((line_id, order_id, product_id, x.seller_sku, x.name, x.qty, x.unit_price,
                                      discount, int(cancelled), x.sku_id, x.variation, int(product_id is None),
                                      x.weight_g))
                    if product_id is not None and not cancelled:
                        alloc_rows += _allocate(db, stock, product_id, products, recalled, line_id, x.qty)
                    line_id += 1
                history.append((order_id, "import", "import", json.dumps({"file": plan.file, "row": o.first_row},
                                                                         ensure_ascii=False)))
                order_id += 1
            bulk.insert_orders(db, order_rows)
            bulk.insert_lines(db, line_rows)
            bulk.insert_allocations(db, alloc_rows)
            bulk.insert_history(db, history)
            done += len(order_rows)
            yield done, total
        if plan.updates:
            # The import state records what the file said, so a field kept local stays a visible conflict.
            bulk.update_orders(db, [(u.status, u.tracking, u.carrier,
                                     _state(u.imported.status, u.imported.tracking or u.tracking,
                                            u.imported.carrier or u.carrier), u.order_id) for u in plan.updates])
            bulk.release_orders(db, [u.order_id for u in plan.updates if u.status == "cancelled"])
            bulk.insert_history(db, [(u.order_id, "import", "import_update",
                                      json.dumps({"file": plan.file, **u.changes}, ensure_ascii=False))
                                     for u in plan.updates])
            done += len(plan.updates)
            yield done, total
        if cancel is not None and cancel.is_set():
            raise ImportCancelled(_("Import cancelled: nothing was stored."))


def _allocate(db, stock: dict, product_id: int, products: dict, recalled: set[int], line_id: int,  # noqa: ANN001
              qty: int) -> list[tuple[int, int, int]]:
    if product_id not in stock:
        shelf = (products.get(product_id) or {}).get("shelf_life_days")
        stock[product_id] = packed_lots(db, product_id, shelf, recalled)  # the one stock and use-by rule
    lots = stock[product_id]
    takes, _short = allocate(qty, [s for _i, s in lots])
    by_code = {s.code: i for i, (_lot_id, s) in enumerate(lots)}
    rows = []
    for code, n in takes:
        i = by_code[code]
        lot_id, s = lots[i]
        lots[i] = (lot_id, LotStock(s.code, s.expiry, s.on_hand - n, s.recalled))
        rows.append((line_id, lot_id, n))
    return rows


def commit_import(database: Database, plan: ImportPlan, mapping: dict[str, int | None] | None = None,
                  cancel: threading.Event | None = None,
                  progress: Callable[[int, int], None] | None = None,
                  create: list[str] | tuple[str, ...] = ()) -> Changes:
    """The whole import as one operation: products for ``create``, SKU answers, orders; all or nothing."""
    for done, total in commit_steps(database, plan, mapping, cancel, create):
        if progress:
            progress(done, total)
    return Changes(orders=True, lots=True, products=bool(create))


def commit_job(database: Database, plan: ImportPlan, mapping: dict[str, int | None] | None = None,
               create: list[str] | tuple[str, ...] = ()) -> Generator[Progress, None, tuple[dict, Changes]]:
    """The import as a long job for the background runner: yields Progress, returns (report, Changes).

    Closing the generator (Cancel) rolls the whole import back, new products included.
    """
    total = len(plan.new) + len(plan.updates)
    yield Progress(0, total, _("Importing {n} orders…").format(n=total))
    for done, total in commit_steps(database, plan, mapping, None, create):
        yield Progress(done, total)
    return plan.report(), Changes(orders=True, lots=True, products=bool(create))


def create_products_for(database: Database, plan: ImportPlan, skus: list[str]) -> dict[str, int]:
    """Add unknown platform SKUs to the catalog (name and price from the export); returns SKU -> product id.

    Called by ``commit_steps`` inside the import's transaction; on its own it commits each product.
    """
    from coopdesk.domain.products import ProductDraft
    from coopdesk.services.catalog import save_product

    made = {}
    for sku in skus:
        product, _changes = save_product(database, ProductDraft(sku=sku, name=plan.unknown_skus.get(sku, sku),
                                                                price=str(plan.unknown_prices.get(sku, 0))))
        made[sku] = product.id
    return made


def import_orders(database: Database, source: Path, dry_run: bool = False, skip_rejected: bool = False) -> dict:
    """The headless import: preview, and unless it is a dry run or rows were rejected, commit.

    ``skip_rejected``: import the good orders and write the held-back ones beside the file (the dry run
    names that file without writing it). Without it a file with a rejected row is refused whole.
    """
    plan = preview_import(database, source)
    report = plan.report()
    report["committed"] = False
    report["held_back_file"] = None
    if plan.rejected and not skip_rejected:
        return report
    if plan.rejected:
        plan.hold_back = True
        report["held_back_file"] = str(held_back_path(plan))
    if not dry_run:
        if plan.rejected:
            write_held_back(plan, Path(report["held_back_file"]))  # first: a failed write imports nothing
        commit_import(database, plan)
        report["committed"] = True
    return report
