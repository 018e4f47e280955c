"""The headless door: `coopdesk <command>` runs the same services as the window."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path

from coopdesk import __version__, paths
from coopdesk.domain.errors import CoopDeskError, ValidationError
from coopdesk.i18n import _


def _print_json(obj: object) -> None:
    print(json.dumps(obj, ensure_ascii=False, indent=2, default=str))


def _data_path(args: argparse.Namespace) -> Path:
    return Path(args.data) if args.data else paths.default_data_file()


def cmd_demo(args: argparse.Namespace) -> int:
    from coopdesk.services import datafile, demo

    database = datafile.open_data(_data_path(args))
    try:
        demo.write_demo(database)
        from coopdesk.services import catalog

        n = len(catalog.list_products(database))
    finally:
        database.close()
    if args.json:
        _print_json({"data": str(database.path), "products": n})
    else:
        print(_("Demo cooperative written to {path} ({n} products).").format(path=database.path, n=n))
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    from coopdesk.services import datafile

    path = _data_path(args)
    if not path.exists():
        raise CoopDeskError(_("{path} does not exist.").format(path=path))
    # Read-only: a backup must also work while the window has the file open.
    database = datafile.open_reader(path)
    try:
        made = datafile.backup_now(database, Path(args.to))
        info = datafile.describe_backup(made)
    finally:
        database.close()
    if args.json:
        _print_json({"backup": str(made), "counts": info.counts})
    else:
        print(_("Backup written: {path}").format(path=made))
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from coopdesk.services import datafile

    path = _data_path(args)
    result = datafile.check(path, full=args.full)
    if args.json:
        _print_json({"data": str(path), "ok": result.ok, "problems": result.problems,
                     "schema_version": result.schema_version})
    elif result.ok:
        print(_("{path}: ok").format(path=path))
    else:
        print(_("{path} is damaged:").format(path=path), file=sys.stderr)
        for p in result.problems:
            print(f"  {p}", file=sys.stderr)
        latest = datafile.latest_backup(path)
        if latest:
            print(_("Latest backup: {path}").format(path=latest), file=sys.stderr)
    return 0 if result.ok else 1


def cmd_products(args: argparse.Namespace) -> int:
    from coopdesk.domain.products import format_weight
    from coopdesk.services import catalog, datafile

    database = datafile.open_data(_data_path(args), allow_read_only=True)
    try:
        items = catalog.search(database, args.search) if args.search else catalog.list_products(database)
    finally:
        database.close()
    if args.json:
        _print_json([{"id": p.id, "sku": p.sku, "name": p.name, "unit": p.unit, "price_vnd": p.price_vnd,
                      "net_weight_g": p.net_weight_g, "gtin": p.gtin, "ocop_stars": p.ocop_stars,
                      "ocop_expires": p.ocop_expires, "origin_province": p.origin_province,
                      "origin_commune": p.origin_commune} for p in items])
    else:
        from coopdesk.domain.money import format_vnd

        for p in items:
            print(f"{p.sku:<16} {p.name:<40} {format_weight(p.net_weight_g):>8} {format_vnd(p.price_vnd):>12}")
    return 0


def cmd_import_catalog(args: argparse.Namespace) -> int:
    from coopdesk.services import catalog, datafile

    database = datafile.open_data(_data_path(args))
    try:
        preview = catalog.preview_import(database, Path(args.file))
        if preview.ok and not args.dry_run:
            catalog.commit_import(database, preview)
    finally:
        database.close()
    report = {"new": len(preview.new), "updated": len(preview.updated), "unchanged": len(preview.unchanged),
              "rejected": [{"sheet": e.sheet, "row": e.row, "reason": e.message} for e in preview.errors],
              "committed": preview.ok and not args.dry_run}
    if args.json:
        _print_json(report)
    else:
        print(_("New: {new}, updated: {updated}, unchanged: {unchanged}").format(**report))
        for e in preview.errors:
            print(f"  {e}", file=sys.stderr)
    return 0 if preview.ok else 1


def cmd_export_catalog(args: argparse.Namespace) -> int:
    from coopdesk.services import catalog, datafile

    database = datafile.open_data(_data_path(args), allow_read_only=True)
    try:
        n = catalog.export_xlsx(database, Path(args.out))
    finally:
        database.close()
    print(_("{n} products written to {file}").format(n=n, file=args.out))
    return 0


def _lot_json(v) -> dict:  # noqa: ANN001 - a LotView
    amount, unit = v.state.on_hand()
    return {"code": v.code, "sku": v.product.sku, "product": v.product.name, "status": v.state.status,
            "on_hand": amount, "on_hand_unit": unit, "made_from": v.made_from, "used_in": v.used_in,
            "created": v.state.lot.created, "planted": v.state.first("planting"),
            "harvested": v.state.first("harvest"), "packed": v.state.first("packing"), "expiry": v.expiry,
            "events": len(v.state.events), "recalled": bool(v.recall),
            "areas": [a.name for a in v.areas]}


def cmd_lots(args: argparse.Namespace) -> int:
    from coopdesk.services import datafile, traceability

    database = datafile.open_data(_data_path(args), allow_read_only=True)
    try:
        items = traceability.filter_views(traceability.views(database), sku=args.sku or "",
                                          status=args.status or "", text=args.search or "")
    finally:
        database.close()
    if args.json:
        _print_json([_lot_json(v) for v in items])
    else:
        from coopdesk.domain.lots import status_label

        for v in items:
            amount, unit = v.state.on_hand()
            shown = f"{amount} {_('packs')}" if unit == "packs" else f"{amount / 1000:g} kg"
            print(f"{v.code:<16} {v.product.sku:<16} {status_label(v.state.status):<12} {shown:>12}  "
                  f"{', '.join(v.made_from)}")
    return 0


def cmd_lot_qr(args: argparse.Namespace) -> int:
    from coopdesk.services import datafile, publishing

    database = datafile.open_data(_data_path(args), allow_read_only=True)
    try:
        url, path = publishing.lot_qr(database, args.lot, Path(args.out))
    finally:
        database.close()
    if args.json:
        _print_json({"lot": args.lot, "url": url, "file": str(path)})
    else:
        print(url)
    return 0


def cmd_trace_site(args: argparse.Namespace) -> int:
    from coopdesk.services import datafile, publishing

    database = datafile.open_data(_data_path(args), allow_read_only=True)
    try:
        report = publishing.export_site(database, Path(args.out))
    finally:
        database.close()
    if args.json:
        _print_json({"out": args.out, "written": report.written, "unchanged": len(report.unchanged),
                     "removed": report.removed})
    else:
        print(_("Trace site in {folder}: {written} files written, {unchanged} unchanged, {removed} removed.").format(
            folder=args.out, written=len(report.written), unchanged=len(report.unchanged),
            removed=len(report.removed)))
    return 0


def cmd_diary(args: argparse.Namespace) -> int:
    from coopdesk.services import datafile, diary

    database = datafile.open_data(_data_path(args), allow_read_only=True)
    try:
        path = diary.write_diary(database, args.lot, Path(args.out))
    finally:
        database.close()
    print(path)
    return 0


def cmd_diary_template(args: argparse.Namespace) -> int:
    from coopdesk.services import datafile, diary

    database = datafile.open_data(_data_path(args), allow_read_only=True)
    try:
        print(diary.write_template(database, Path(args.out)))
    finally:
        database.close()
    return 0


def cmd_import_diary(args: argparse.Namespace) -> int:
    from coopdesk.services import datafile, diary

    database = datafile.open_data(_data_path(args))
    try:
        preview = diary.preview_diary(database, args.lot, Path(args.file), reason=args.reason or "")
        added = 0
        if preview.ok and not args.dry_run:
            added = diary.commit_diary(database, preview, args.reason or "")
    finally:
        database.close()
    report = {"lot": preview.lot, "events": len(preview.events), "added": added,
              "rejected": [{"row": e.row, "reason": e.message} for e in preview.errors]}
    if args.json:
        _print_json(report)
    else:
        print(_("Lot {lot}: {events} events read, {added} added.").format(**report))
        for e in preview.errors:
            print(f"  {e}", file=sys.stderr)
    return 0 if preview.ok else 1


def cmd_adjust_stock(args: argparse.Namespace) -> int:
    from coopdesk.services import datafile, traceability

    database = datafile.open_data(_data_path(args))
    try:
        left = traceability.adjust_stock(database, args.lot, args.packs, args.reason)
    finally:
        database.close()
    _print_json({"lot": args.lot, "on_hand": left}) if args.json else print(
        _("Lot {lot}: {n} packs on hand.").format(lot=args.lot, n=left))
    return 0


def cmd_recall(args: argparse.Namespace) -> int:
    from coopdesk.services import datafile, traceability

    database = datafile.open_data(_data_path(args))
    try:
        reached = traceability.recall_lot(database, args.lot, args.reason)
    finally:
        database.close()
    if args.json:
        _print_json({"recalled": reached})
    else:
        print(_("Recalled: {lots}").format(lots=", ".join(reached)))
    return 0


def cmd_add_order(args: argparse.Namespace) -> int:
    from coopdesk.domain.orders import LineDraft, OrderDraft, split_item
    from coopdesk.services import datafile, order_entry

    lines = []
    for spec in args.item or []:
        item, sep, qty = spec.rpartition(":")
        if not sep:
            item, qty = split_item(spec)
        lines.append(LineDraft(item=item, qty=qty, lot=args.lot or ""))
    draft = OrderDraft(phone=args.phone, name=args.name or "", street=args.address or "",
                       province=args.province or "", commune=args.commune or "", raw_address=args.address or "",
                       lines=lines, shipping=args.shipping or "", prepaid=args.prepaid or "",
                       delivery_note=args.note or "")
    database = datafile.open_data(_data_path(args))
    try:
        session = args.session
        if session is None:
            current = order_entry.current_session(database)
            session = current["id"] if current else None
        saved = order_entry.save_order(database, draft, session, who="cli")
    finally:
        database.close()
    if args.json:
        _print_json(saved.as_json())
    else:
        print(_("Order {id} saved: {total} đồng, COD {cod} đồng.").format(id=saved.order_id, total=saved.total_vnd,
                                                                        cod=saved.cod_vnd))
    for w in saved.warnings:
        print(_("Warning: {message}").format(message=w), file=sys.stderr)
    return 0


def cmd_orders(args: argparse.Namespace) -> int:
    from coopdesk.services import datafile, order_entry

    database = datafile.open_data(_data_path(args), allow_read_only=True)
    try:
        items = order_entry.orders_json(database, args.session)
    finally:
        database.close()
    if args.json:
        _print_json(items)
    else:
        for o in items:
            print(f"{o['order_id']:>6}  {o['created_at']}  {o['phone_display']:<14} {o['name']:<28} "
                  f"{o['total_vnd']:>10}  {o['status']}")
    return 0


def cmd_session(args: argparse.Namespace) -> int:
    from coopdesk.services import datafile, order_entry

    database = datafile.open_data(_data_path(args))
    try:
        if args.end:
            current = order_entry.current_session(database)
            if current is None:
                raise CoopDeskError(_("No live session is open."))
            order_entry.end_session(database, current["id"])
            result = {"ended": current["id"], **order_entry.tally(database, current["id"])}
        else:
            sid = order_entry.start_session(database, args.name or _("Live session"), args.channel or "",
                                            args.host or "")
            result = {"started": sid}
    finally:
        database.close()
    _print_json(result) if args.json else print(result)
    return 0


def cmd_import_orders(args: argparse.Namespace) -> int:
    from coopdesk.services import datafile, order_import

    database = datafile.open_data(_data_path(args))
    try:
        report = order_import.import_orders(database, Path(args.file), dry_run=args.dry_run,
                                            skip_rejected=args.skip_rejected)
    finally:
        database.close()
    if args.json:
        _print_json(report)
    else:
        print(_("{file}: {new} new, {updated} updated, {unchanged} unchanged orders; {lines} lines; "
                "{cancelled} cancelled; COD {cod_orders} orders = {cod_total} đồng.").format(
            file=report["file"], new=report["orders_new"], updated=report["orders_updated"],
            unchanged=report["orders_unchanged"], lines=report["lines"], cancelled=report["cancelled"],
            cod_orders=report["cod_orders"], cod_total=report["cod_total_vnd"]))
        for r in report["rejected"]:
            print(_("Row {row}: {reason}").format(**r), file=sys.stderr)
        for w in report["warnings"][:50]:
            print(_("Warning: {message}").format(message=w), file=sys.stderr)
        if report["held_back_file"]:
            message = (_("{n} orders held back ({rows} rows), to fix and import later: {path}") if not args.dry_run
                       else _("{n} orders would be held back ({rows} rows) in {path}"))
            print(message.format(n=report["orders_held_back"], rows=report["rows_held_back"],
                                 path=report["held_back_file"]), file=sys.stderr)
        elif report["rejected"] and not args.dry_run:
            print(_("Nothing was imported. To import the good orders and hold back the rejected ones, run again "
                    "with --skip-rejected."), file=sys.stderr)
        elif not report["committed"] and not args.dry_run:
            print(_("Nothing was imported."), file=sys.stderr)
    return 0 if not report["rejected"] or report["held_back_file"] else 1


def cmd_order_template(args: argparse.Namespace) -> int:
    from coopdesk.services import order_import

    print(order_import.write_template(Path(args.out)))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="coopdesk", description=_(
        "CoopDesk: catalog, traceability and livestream orders for OCOP cooperatives. "
        "Without a command it opens the window."))
    parser.add_argument("--version", action="version", version=f"CoopDesk {__version__}")
    parser.add_argument("--data", metavar="FILE", help=_("the data file (default: the user data folder)"))
    parser.add_argument("--data-dir", metavar="DIR", help=_("keep all CoopDesk files in DIR"))
    parser.add_argument("--lang", choices=["vi", "en"], help=_("language of the interface"))
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def add(name: str, help_text: str, func: Callable[[argparse.Namespace], int]) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.add_argument("--data", metavar="FILE", default=argparse.SUPPRESS, help=_("the data file"))
        p.add_argument("--json", action="store_true", help=_("print the result as JSON"))
        p.set_defaults(func=func)
        return p

    add("demo", _("write the demo cooperative into FILE"), cmd_demo)
    p = add("backup", _("write a verified backup of FILE into DIR"), cmd_backup)
    p.add_argument("--to", metavar="DIR", required=True, help=_("the folder, e.g. a USB stick"))
    p = add("check", _("check FILE; exit 1 when it is damaged"), cmd_check)
    p.add_argument("--full", action="store_true", help=_("run the full integrity check"))
    p = add("products", _("list the product catalog"), cmd_products)
    p.add_argument("--search", metavar="TEXT", help=_("only products matching TEXT (diacritics ignored)"))
    p = add("import-catalog", _("import products from an xlsx file"), cmd_import_catalog)
    p.add_argument("file", metavar="XLSX")
    p.add_argument("--dry-run", action="store_true", help=_("check and count, store nothing"))
    p = add("export-catalog", _("export the product catalog to an xlsx file"), cmd_export_catalog)
    p.add_argument("--out", metavar="XLSX", required=True)
    p = add("lots", _("list production lots with their status, stock and genealogy"), cmd_lots)
    p.add_argument("--sku", help=_("only lots of this product"))
    p.add_argument("--status", choices=["planned", "growing", "harvested", "processed", "packed", "recalled"])
    p.add_argument("--search", metavar="TEXT", help=_("only lots matching TEXT (diacritics ignored)"))
    p = add("lot-qr", _("write the QR code of a lot's trace page"), cmd_lot_qr)
    p.add_argument("lot", metavar="LOT")
    p.add_argument("--out", metavar="FILE.png|svg", required=True)
    p = add("trace-site", _("write the public trace site (one page per lot) into DIR"), cmd_trace_site)
    p.add_argument("--out", metavar="DIR", required=True)
    p = add("diary", _("write the farming diary of a lot as PDF or xlsx"), cmd_diary)
    p.add_argument("lot", metavar="LOT")
    p.add_argument("--out", metavar="FILE.pdf|xlsx", required=True)
    p = add("diary-template", _("write an empty diary (xlsx) for members to fill"), cmd_diary_template)
    p.add_argument("--out", metavar="XLSX", required=True)
    p = add("import-diary", _("import a filled diary (xlsx) as events of a lot"), cmd_import_diary)
    p.add_argument("file", metavar="XLSX")
    p.add_argument("--lot", metavar="LOT", required=True)
    p.add_argument("--reason", help=_("needed when the lot is already packed"))
    p.add_argument("--dry-run", action="store_true", help=_("check and count, store nothing"))
    p = add("add-order", _("save one order through the same rules as the order desk"), cmd_add_order)
    p.add_argument("--phone", required=True)
    p.add_argument("--name")
    p.add_argument("--address", help=_("street part, or the whole address as the buyer wrote it"))
    p.add_argument("--province")
    p.add_argument("--commune")
    p.add_argument("--item", action="append", metavar="SKU:QTY", help=_("a product and its quantity (repeat)"))
    p.add_argument("--lot", help=_("take the packs from this lot"))
    p.add_argument("--shipping", metavar="VND")
    p.add_argument("--prepaid", metavar="VND")
    p.add_argument("--note", help=_("delivery note (cho xem hàng …)"))
    p.add_argument("--session", type=int, help=_("live session id (default: the open one)"))
    p = add("orders", _("list orders"), cmd_orders)
    p.add_argument("--session", type=int)
    p = add("session", _("start a live session, or end the open one"), cmd_session)
    p.add_argument("--name")
    p.add_argument("--channel")
    p.add_argument("--host")
    p.add_argument("--end", action="store_true")
    p = add("import-orders", _("import a TikTok Shop order export (CSV or XLSX) or CoopDesk's order sheet"),
            cmd_import_orders)
    p.add_argument("file", metavar="FILE")
    p.add_argument("--dry-run", action="store_true", help=_("check and count, store nothing"))
    p.add_argument("--skip-rejected", action="store_true",
                   help=_("import the good orders and write the orders with rejected rows to an xlsx beside the "
                          "file, to fix and import later"))
    p = add("order-template", _("write CoopDesk's order sheet (xlsx) for Facebook, Zalo and phone orders"),
            cmd_order_template)
    p.add_argument("--out", metavar="XLSX", required=True)
    p = add("adjust-stock", _("put packs back on a packed lot (returned parcels) or take them off"),
            cmd_adjust_stock)
    p.add_argument("lot", metavar="LOT")
    p.add_argument("--packs", type=int, required=True, help=_("packs to add (negative to take off)"))
    p.add_argument("--reason", required=True)
    p = add("recall", _("recall a lot (and every lot made from it)"), cmd_recall)
    p.add_argument("lot", metavar="LOT")
    p.add_argument("--reason", required=True)
    return parser


def run_command(args: argparse.Namespace) -> int:
    """Run one subcommand; known errors print a plain message and exit 2, never a traceback."""
    try:
        return args.func(args)
    except ValidationError as e:
        for err in e.errors:
            print(_("Error: {message}").format(message=err.message), file=sys.stderr)
        return 2
    except CoopDeskError as e:
        print(_("Error: {message}").format(message=e.message), file=sys.stderr)
        return 2
