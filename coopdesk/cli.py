"""The headless door: `coopdesk <command>` runs the same services as the window."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path

from coopdesk import __version__, paths
from coopdesk.domain.errors import CoopDeskError, ValidationError
from coopdesk.i18n import N_, _


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
        good = datafile.newest_good_backup(path)
        if good:
            print(_("Latest backup: {path}").format(path=good.path), file=sys.stderr)
            print(_("To put it back: coopdesk restore --data {path} --from latest").format(path=path),
                  file=sys.stderr)
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
              "columns_not_imported": preview.ignored_columns, "tiktok_sku_ids": len(preview.sku_ids),
              "tiktok_sku_ids_new": preview.sku_ids_new, "order_lines_mapped": preview.lines_to_map,
              "notes": preview.notes, "committed": preview.ok and not args.dry_run}
    if args.json:
        _print_json(report)
    else:
        print(_("New: {new}, updated: {updated}, unchanged: {unchanged}").format(**report))
        if preview.sku_ids:
            print(_("TikTok SKU IDs: {n} ({new} new), remembered for TikTok order imports").format(
                n=len(preview.sku_ids), new=preview.sku_ids_new))
        if preview.lines_to_map:
            print(_("Order lines imported earlier without a product that now get one: {n}").format(
                n=preview.lines_to_map))
        if preview.ignored_columns:
            print(_("Columns not imported (CoopDesk has no field for them): {columns}").format(
                columns=", ".join(preview.ignored_columns)))
        for note in preview.notes:
            print(f"  {note}")
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


def _who_got_text(answer) -> None:  # noqa: ANN001 - a recall.WhoGot
    from coopdesk.domain.recall import GROUPS, group_label
    from coopdesk.domain.shipping import order_code

    print(_("{start}: {lots} lots, {orders} orders, {customers} customers, {qty} packs").format(
        start=answer.start_label, lots=len(answer.lots), orders=len(answer.order_ids),
        customers=len(answer.customers), qty=answer.quantity()))
    print("  " + _("Lots included: {lots}").format(lots=", ".join(f.code for f in answer.lots) or "—"))
    for f in answer.lots:
        print("  " + _("{lot}: on hand {amount}").format(lot=f.code, amount=f.on_hand_text))
    for group in GROUPS:
        lines = answer.in_group(group)
        if not lines:
            continue
        print(f"{group_label(group)} ({len(lines)})")
        for x in lines:
            print(f"  {order_code(x.order_id):<8} {x.order_date[:10]}  {x.name:<24} {x.phone_display:<13} {x.lot:<14} "
                  f"x{x.qty:<4} {x.carrier} {x.tracking}".rstrip())


def _recall_exports(args: argparse.Namespace, database, answer, view=None) -> dict:  # noqa: ANN001
    written: dict = {}
    if not any(getattr(args, k, None) for k in ("xlsx", "csv", "pdf", "summary")):
        return written
    from coopdesk.services import recall_documents

    if getattr(args, "xlsx", None):
        written["xlsx"] = str(recall_documents.write_buyers(database, answer, Path(args.xlsx), view))
    if getattr(args, "csv", None):
        written["csv"] = str(recall_documents.write_buyers(database, answer, Path(args.csv), view))
    if getattr(args, "pdf", None):
        written["pdf"] = str(recall_documents.write_call_list(database, answer, Path(args.pdf), view))
    if getattr(args, "summary", None):
        if view is None:
            raise CoopDeskError(_("The recall summary is made from a recall record: use --show ID --summary FILE."))
        written["summary"] = str(recall_documents.write_summary(database, view, Path(args.summary)))
    return written


def cmd_who_got(args: argparse.Namespace) -> int:
    from coopdesk.services import datafile, recall

    path = _data_path(args)
    if not path.exists():
        raise CoopDeskError(_("{path} does not exist.").format(path=path))
    # Read-only: answering "who got it" never changes the data file, even while the window has it open.
    database = datafile.open_reader(path)
    try:
        answer = recall.who_got(database, lot=args.lot or "", input=args.input or "", area=args.area or "",
                                member=args.member or "")
        written = _recall_exports(args, database, answer)
    finally:
        database.close()
    if args.json:
        _print_json({**answer.as_json(), **({"written": written} if written else {})})
    else:
        _who_got_text(answer)
        for file in written.values():
            print(_("Written: {file}").format(file=file))
    return 0


def _order_number(text: str) -> int:
    """--order takes the number as printed on slips (DH000123) or typed (123)."""
    from coopdesk.domain.shipping import order_id_from_code

    number = order_id_from_code(text)
    if number is None:
        raise argparse.ArgumentTypeError(_("“{text}” is not an order number (e.g. DH000123 or 123)").format(
            text=text))
    return number


def cmd_received(args: argparse.Namespace) -> int:
    from coopdesk.services import datafile, recall

    if args.order is None and not args.phone:
        raise CoopDeskError(_("Say which order (--order ID) or which customer (--phone PHONE)."))
    path = _data_path(args)
    if not path.exists():
        raise CoopDeskError(_("{path} does not exist.").format(path=path))
    database = datafile.open_reader(path)
    try:
        got = recall.what_they_got(database, order_id=args.order, phone=args.phone or "")
    finally:
        database.close()
    if args.json:
        _print_json(got.as_json())
    else:
        print(got.label)
        print("  " + _("Lots: {lots}").format(lots=", ".join(f.code for f in got.lots) or "—"))
        print("  " + _("Made from: {lots}").format(lots=", ".join(got.made_from) or "—"))
        print("  " + _("Inputs: {names}").format(names=", ".join(i["name"] for i in got.inputs) or "—"))
        print("  " + _("Growing areas: {names}").format(names=", ".join(a["name"] for a in got.areas) or "—"))
    return 0


def cmd_recall(args: argparse.Namespace) -> int:
    from coopdesk.domain.shipping import order_code
    from coopdesk.services import datafile, recall

    ends = [x for x in (args.close, args.withdraw, args.hold, args.show) if x is not None]
    if len(ends) > 1:
        raise CoopDeskError(_("Use one of --close, --withdraw, --hold and --show at a time."))
    if not ends and not args.list and not (args.lot or args.input or args.area or args.member):
        raise CoopDeskError(_("Say what to recall (a lot, --input, --area or --member), or use --close ID, "
                              "--withdraw ID, --hold ID, --show ID or --list."))
    path = _data_path(args)
    reading = args.show is not None or args.list
    if reading and not path.exists():
        raise CoopDeskError(_("{path} does not exist.").format(path=path))
    database = datafile.open_reader(path) if reading else datafile.open_data(path)
    try:
        written: dict = {}
        if args.list:
            items = recall.list_recalls(database)
            if args.json:
                _print_json(items)
            else:
                for r in items:
                    print(f"#{r['id']:<4} {r['day']}  {r['status']:<10} {r['source_label']:<24} {r['reason']}")
            return 0
        if args.close is not None:
            view = recall.close_recall(database, args.close, args.by or "", args.reason or "")
        elif args.withdraw is not None:
            view = recall.withdraw_recall(database, args.withdraw, args.reason or "", args.by or "")
        elif args.hold is not None:
            held = recall.hold_orders(database, args.hold, args.by or "")
            view = recall.recall_view(database, args.hold)
            written["held"] = held
        elif args.show is not None:
            view = recall.recall_view(database, args.show)
        else:
            if not (args.reason or "").strip():
                raise CoopDeskError(_("A recall needs a reason: --reason TEXT."))
            view = recall.open_recall(database, args.reason, lot=args.lot or "", input=args.input or "",
                                      area=args.area or "", member=args.member or "", by=args.by or "",
                                      public_reason=args.public_reason or "")
        written.update(_recall_exports(args, database, view.answer, view))
    finally:
        database.close()
    if args.json:
        _print_json({**view.as_json(), **written})
    else:
        print(_("Recall #{id} ({status}): {lots}").format(id=view.id, status=view.status_text,
                                                         lots=", ".join(f.code for f in view.answer.lots)))
        if "held" in written:
            print(_("Orders held: {ids}").format(ids=", ".join(order_code(i) for i in written["held"]) or "—"))
        owed = [(c, h) for c in view.answer.customers for h in c.held_orders if h.refund]
        if owed:
            from coopdesk.domain.money import format_vnd

            print(_("To refund (paid ahead on held orders): {list}").format(list="; ".join(
                f"{order_code(h.order_id)} {c.name} {format_vnd(h.refund)}" for c, h in owed)))
        if view.not_reached and view.status == "open":
            print(_("Customers not reached yet: {n}").format(n=len(view.not_reached)))
        for kind, file in written.items():
            if kind != "held":
                print(_("Written: {file}").format(file=file))
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
    from coopdesk.domain.dates import format_iso
    from coopdesk.domain.money import format_vnd
    from coopdesk.services import datafile, order_entry

    starting = args.name is not None or args.channel is not None or args.host is not None
    if args.end and starting:
        raise CoopDeskError(_("Either start a session (--name …) or end the open one (--end), not both."))
    if not args.end and not starting:  # only asked: say what is open, change nothing
        database = datafile.open_data(_data_path(args), allow_read_only=True)
        try:
            current = order_entry.current_session(database)
            tally = order_entry.tally(database, current["id"]) if current else None
        finally:
            database.close()
        if args.json:
            _print_json({"open": {"id": current["id"], "name": current["name"], "channel": current["channel"],
                                  "started_at": current["started_at"], **tally} if current else None})
        elif current is None:
            print(_("No live session is open. Start one with: coopdesk session --name NAME [--channel C]"))
        else:
            print(_("Open: #{id} {name} ({channel}) since {since}: {orders} orders, COD {cod}").format(
                id=current["id"], name=current["name"], channel=current["channel"] or "-",
                since=format_iso(current["started_at"]), orders=tally["orders"], cod=format_vnd(tally["cod"])))
        return 0
    database = datafile.open_data(_data_path(args))
    try:
        current = order_entry.current_session(database)
        if args.end:
            if current is None:
                raise CoopDeskError(_("No live session is open."))
            order_entry.end_session(database, current["id"])
            result = {"ended": current["id"], **order_entry.tally(database, current["id"])}
        else:
            if current is not None:
                raise CoopDeskError(_("Live session “{name}” (#{id}) is still open: end it first (--end).").format(
                    name=current["name"], id=current["id"]))
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


def cmd_documents(args: argparse.Namespace) -> int:
    """Issue 14: slips, picking list, handover sheets or the after-live report for chosen orders, headless."""
    from datetime import date

    from coopdesk.domain.shipping import SLIPS, Selection, parse_order_ids
    from coopdesk.services import datafile, shipping_documents

    def day(text: str | None, flag: str) -> date | None:
        if not text:
            return None
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise CoopDeskError(_("{flag}: “{text}” is not a date (YYYY-MM-DD)").format(flag=flag, text=text)) from None

    ids: tuple[int, ...] = ()
    if args.orders:
        try:
            ids = parse_order_ids(args.orders)
        except ValueError as e:
            raise CoopDeskError(_("--orders: “{part}” is not an order number or range").format(part=e)) from None
    sel = Selection(session_id=args.session, since=day(args.since, "--from"), until=day(args.until, "--to"),
                    statuses=tuple(args.status or ()), carrier=args.carrier, channel=args.channel or "",
                    order_ids=ids)
    if sel.is_empty():
        raise CoopDeskError(_("Choose the orders: --session ID, --from/--to days, or --orders 1,2,3."))
    out = Path(args.out)
    database = datafile.open_data(_data_path(args))
    try:
        made = shipping_documents.run(shipping_documents.make(database, sel, args.kind, out, args.size,
                                                              per_carrier=args.per_carrier,
                                                              part_size=args.part_size))
        shipping_documents.record(database, made, "cli", str(out))
        packed: list[int] = []
        if args.mark_packed and args.kind == SLIPS:
            packed, _changes = shipping_documents.mark_packed(database, made.order_ids, "cli")
    finally:
        database.close()
    report = {"kind": made.kind, "files": [str(f) for f in made.files], "orders": made.totals.orders,
              "parcels": made.totals.parcels, "items": made.totals.items, "cod_vnd": made.totals.cod,
              "sheets": [{"carrier": c, "number": n, "orders": len(i), "cod_vnd": cod} for c, n, i, cod in made.sheets],
              "refused": [{"order_id": i, "reason": r} for i, r in made.refused], "packed": packed}
    if args.json:
        _print_json(report)
    else:
        from coopdesk.domain.money import format_vnd

        print(_("{files}: {orders} orders, {parcels} parcels, COD {cod}.").format(
            files=", ".join(report["files"]), orders=made.totals.orders, parcels=made.totals.parcels,
            cod=format_vnd(made.totals.cod)))
        for _i, reason in made.refused:
            print(_("Refused: {reason}").format(reason=reason), file=sys.stderr)
    return 0


# --- backups and restore (issue 9) ---------------------------------------------------------------------

def _wait_for_other_writers() -> None:
    """A command that writes waits a few seconds for another CoopDesk's write instead of failing at once."""
    from coopdesk.services import datafile

    def say(holder: str) -> None:
        print(_("Waiting for {holder} to finish with the data file…").format(holder=holder), file=sys.stderr,
              flush=True)

    datafile.set_session("command", datafile.CLI_LOCK_WAIT_S, say)


def cmd_backups(args: argparse.Namespace) -> int:
    from coopdesk.services import datafile

    path = _data_path(args)
    found = datafile.check_backups(path)
    if args.json:
        _print_json({"data": str(path), "folder": str(paths.backup_dir_for(path)),
                     "backups": [b.as_json() for b in found]})
        return 0
    if not found:
        print(_("No automatic backups of {path} in {folder}.").format(path=path, folder=paths.backup_dir_for(path)))
        return 0
    for b in found:
        when = f"{b.made_at:%d/%m/%Y %H:%M:%S}" if b.made_at else "?"
        state = _("verified") if b.ok else _("DAMAGED: {problem}").format(problem="; ".join(b.problems[:1]))
        counts = _("{orders} orders, {products} products, {lots} lots").format(
            orders=b.counts.get("orders", 0), products=b.counts.get("products", 0), lots=b.counts.get("lots", 0))
        print(f"{when}  {b.size / 1_000_000:>8.1f} MB  {counts:<40}  {state}  {b.path}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from coopdesk.services import datafile

    path = _data_path(args)
    if args.source == "latest":
        good = datafile.newest_good_backup(path)
        if good is None:
            raise CoopDeskError(_("No good backup of {path} was found.").format(path=path))
        source = good.path
    else:
        source = Path(args.source)
    info = datafile.describe_backup(source)
    moved = datafile.restore_backup_file(path, source)
    if args.json:
        _print_json({"data": str(path), "restored_from": str(source), "made_at": info.made_at.isoformat(),
                     "counts": info.counts, "previous_file_kept_as": str(moved) if moved else None})
    else:
        print(_("Restored {backup} ({when}) into {path}.").format(
            backup=source, when=f"{info.made_at:%d/%m/%Y %H:%M}", path=path))
        if moved:
            print(_("The file that was there is kept as {moved}.").format(moved=moved))
    return 0


# --- QR labels (issue 13) ---------------------------------------------------------------------------------------

def _label_lots(specs: list[str], count: int | None) -> list[tuple[str, int]]:
    """'HP-2026-0003' (takes --count) or 'HP-2026-0003:50' (its own count)."""
    out = []
    for spec in specs:
        code, sep, n = spec.rpartition(":")
        if sep and n.strip().lstrip("-").isdigit():
            out.append((code, int(n)))
        else:
            out.append((spec, count if count is not None else 1))
    return out


def cmd_labels(args: argparse.Namespace) -> int:
    from coopdesk.domain.labels import parse_offset
    from coopdesk.services import datafile
    from coopdesk.services import labels as service

    if args.list_templates:
        database = datafile.open_data(_data_path(args), allow_read_only=True) if (
            args.data or _data_path(args).exists()) else None
        try:
            found = service.templates(database)
        finally:
            if database is not None:
                database.close()
        if args.json:
            _print_json([{**t.as_dict(), "custom": t.custom, "size": t.size_text} for t in found.values()])
        else:
            for t in found.values():
                mark = _(" (custom)") if t.custom else ""
                print(f"{t.name:<12} {t.size_text:<40} {t.dpi} dpi{mark}")
        return 0
    outputs = [o for o in (args.out, args.tspl, args.zpl, args.send, args.lp) if o]
    if args.test_page:
        if not args.out:
            raise CoopDeskError(_("A test page is a PDF: give --out FILE.pdf"))
    elif not args.lot:
        raise CoopDeskError(_("Name at least one lot (e.g. coopdesk labels HP-2026-0003 --template 50x30 --out "
                              "nhan.pdf), or use --list-templates."))
    if len(outputs) != 1:
        raise CoopDeskError(_("Choose one output: --out FILE.pdf, --tspl FILE, --zpl FILE, --send HOST:9100 or "
                              "--lp QUEUE."))
    printer = f"tcp:{args.send}" if args.send else f"lp:{args.lp}" if args.lp else ""
    database = datafile.open_data(_data_path(args))
    try:
        template = service.template(database, args.template, args.dpi)
        offset = parse_offset(args.offset) if args.offset is not None else \
            service.offset_for(database, printer, template.name)
        if args.test_page:
            from coopdesk.documents.typeset import atomic_write

            with atomic_write(Path(args.out)) as temp:
                temp.write_bytes(service.calibration_page(template, offset))
            print(args.out)
            return 0
        job = service.prepare_job(database, template, _label_lots(args.lot, args.count), start=args.start,
                                  offset=offset, with_price=args.price)
        if args.out:
            for _p in service.write_pdf(job, Path(args.out)):
                pass
            output, target = "pdf", args.out
        elif args.tspl or args.zpl:
            kind, target = ("tspl", args.tspl) if args.tspl else ("zpl", args.zpl)
            for _p in service.write_thermal(job, kind, Path(target)):
                pass
            output = kind
        else:
            kind = args.format
            data = service.thermal_bytes(job, kind)
            if args.send:
                service.send_tcp(data, args.send)
                target = args.send
            else:
                service.send_lp(data, args.lp)
                target = args.lp
            output = kind
        reprints = service.record_print(database, job, output, str(target), args.who or "")
    finally:
        database.close()
    for w in job.warnings:
        print(_("Warning: {message}").format(message=w), file=sys.stderr)
    report = {"lots": job.codes, "labels": job.total, "pages": len(job.pages()), "template": template.name,
              "dpi": template.dpi, "offset_mm": list(offset), "output": output, "target": str(target),
              "reprints": reprints, "warnings": job.warnings}
    if args.json:
        _print_json(report)
    else:
        print(_("{n} labels of {lots} on {template}: {target}").format(
            n=job.total, lots=", ".join(job.codes), template=template.name, target=target))
    return 0


def add_labels_command(add: Callable[..., argparse.ArgumentParser]) -> None:
    p = add("labels", _("print QR traceability labels of packed lots (PDF, TSPL, ZPL or straight to a printer)"),
            cmd_labels)
    p.add_argument("lot", metavar="LOT", nargs="*", help=_("lot codes; LOT:N gives that lot its own count"))
    p.add_argument("--template", default="50x30", help=_("label template (see --list-templates)"))
    p.add_argument("--list-templates", action="store_true", help=_("list the label templates with their sizes"))
    p.add_argument("--count", type=int, help=_("labels per lot (default 1)"))
    p.add_argument("--start", type=int, default=1, help=_("start at label N of a partly used sheet"))
    p.add_argument("--offset", metavar="X,Y", help=_("move the content X mm right and Y mm down (calibration)"))
    p.add_argument("--dpi", type=int, choices=[203, 300, 600], help=_("printer resolution (default: the template's)"))
    p.add_argument("--price", action="store_true", help=_("print the catalog price on the label"))
    p.add_argument("--who", help=_("name in the print log (default: the computer's user)"))
    p.add_argument("--test-page", action="store_true", help=_("write a test page with outlines and a ruler"))
    p.add_argument("--format", choices=["tspl", "zpl"], default="tspl", help=_("printer language for --send/--lp"))
    p.add_argument("--out", metavar="FILE.pdf", help=_("write a PDF"))
    p.add_argument("--tspl", metavar="FILE", help=_("write TSPL commands (Xprinter, TSC) to FILE"))
    p.add_argument("--zpl", metavar="FILE", help=_("write ZPL commands (Zebra) to FILE"))
    p.add_argument("--send", metavar="HOST:9100", help=_("send to a network label printer"))
    p.add_argument("--lp", metavar="QUEUE", help=_("send to a raw CUPS queue (lp -o raw)"))


# argparse's own words (usage, options, its errors), marked here so they are extracted and translated: the
# command line speaks the interface's language too, not English headings around Vietnamese help.
_ARGPARSE_TEXTS = (N_("usage: "), N_("positional arguments"), N_("options"), N_("show this help message and exit"),
                   N_("the following arguments are required: %s"), N_("unrecognized arguments: %s"),
                   N_("invalid choice: %(value)r (choose from %(choices)s)"), N_("%(prog)s: error: %(message)s\n"),
                   N_("argument %(argument_name)s: %(message)s"), N_("expected one argument"),
                   N_("invalid %(type)s value: %(value)r"), N_("ambiguous option: %(option)s could match %(matches)s"))


def build_parser() -> argparse.ArgumentParser:
    argparse._ = _  # argparse looks its words up through this name at the moment it prints them
    parser = argparse.ArgumentParser(prog="coopdesk", description=_(
        "CoopDesk: catalog, traceability and livestream orders for OCOP cooperatives. "
        "Without a command it opens the window."))
    parser.add_argument("--version", action="version", version=f"CoopDesk {__version__}",
                        help=_("show the version and exit"))
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
    add("backups", _("list the automatic backups of FILE: date, size, counts, and whether each verifies"),
        cmd_backups)
    p = add("restore", _("put a backup in place of FILE; the file that was there is kept beside it, renamed"),
            cmd_restore)
    p.add_argument("--from", dest="source", metavar="BACKUP", required=True,
                   help=_("the backup file, or 'latest' for the newest one that verifies"))
    p = add("products", _("list the product catalog"), cmd_products)
    p.add_argument("--search", metavar="TEXT", help=_("only products matching TEXT (diacritics ignored)"))
    p = add("import-catalog", _("import products from an xlsx or CSV file"), cmd_import_catalog)
    p.add_argument("file", metavar="FILE")
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
    p = add("session", _("show the open live session; start one (--name), or end it (--end)"), cmd_session)
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
    p = add("documents", _("packing slips, picking list, carrier handover sheets or the after-live report as PDF"),
            cmd_documents)
    p.add_argument("--session", type=int, metavar="ID", help=_("the orders of this live session"))
    p.add_argument("--from", dest="since", metavar="YYYY-MM-DD", help=_("orders created on or after this day"))
    p.add_argument("--to", dest="until", metavar="YYYY-MM-DD", help=_("orders created on or before this day"))
    p.add_argument("--orders", metavar="1,2,3", help=_("these order numbers (ranges like 5-9 allowed)"))
    p.add_argument("--kind", choices=["slips", "picking", "handover", "report"], required=True)
    p.add_argument("--size", choices=["a6", "100x150", "a5"], default="a6", help=_("packing slip size"))
    p.add_argument("--carrier", metavar="NAME", help=_("only the orders of this carrier"))
    p.add_argument("--channel", metavar="NAME", help=_("only this channel (TikTok, Facebook, Zalo …)"))
    p.add_argument("--status", action="append", choices=["new", "packed", "handed", "delivered", "returned",
                                                         "cancelled"],
                   help=_("only orders in this status (repeat; default: new and packed)"))
    p.add_argument("--per-carrier", action="store_true", help=_("handover: one file per carrier"))
    p.add_argument("--part-size", type=int, metavar="N",
                   help=_("slips: files of N slips each (FILE-01.pdf …), each ready while the next is made"))
    p.add_argument("--mark-packed", action="store_true", help=_("slips: move the printed orders from new to packed"))
    p.add_argument("--out", metavar="FILE.pdf", required=True, help=_("the PDF (the report may also be .xlsx)"))
    p = add("who-got", _("who got a lot (or what an input, a growing area or a household went into): every "
                         "order line and buyer; changes nothing"), cmd_who_got)
    p.add_argument("lot", metavar="LOT", nargs="?")
    p.add_argument("--input", metavar="NAME", help=_("start from an input of the register (a pesticide batch …)"))
    p.add_argument("--area", metavar="CODE", help=_("start from a growing area (its code or name)"))
    p.add_argument("--member", metavar="NAME", help=_("start from a member household"))
    p.add_argument("--xlsx", metavar="FILE", help=_("write the buyers as xlsx (for a bulk-SMS service)"))
    p.add_argument("--csv", metavar="FILE", help=_("write the buyers as CSV"))
    p.add_argument("--pdf", metavar="FILE", help=_("write the call list (A4 PDF)"))
    p = add("received", _("what an order or a customer received: every lot, raw lot, input and growing area"),
            cmd_received)
    p.add_argument("--order", type=_order_number, metavar="DH000123",
                   help=_("the order, as on its packing slip (DH000123) or its number"))
    p.add_argument("--phone", metavar="PHONE", help=_("the customer's phone"))
    p = add("recall", _("open a recall of a lot (and every lot made from it), or close, withdraw or show one"),
            cmd_recall)
    p.add_argument("lot", metavar="LOT", nargs="?")
    p.add_argument("--reason", help=_("why (required to open, to withdraw, and to close with customers not reached)"))
    p.add_argument("--public-reason", metavar="TEXT", help=_("the reason shown on the public trace page "
                                                              "(default: the reason)"))
    p.add_argument("--by", metavar="NAME", help=_("who decided"))
    p.add_argument("--input", metavar="NAME", help=_("recall every lot made with this input"))
    p.add_argument("--area", metavar="CODE", help=_("recall every lot of this growing area"))
    p.add_argument("--member", metavar="NAME", help=_("recall every lot of this household's areas"))
    p.add_argument("--close", type=int, metavar="ID", help=_("close recall ID"))
    p.add_argument("--withdraw", type=int, metavar="ID", help=_("withdraw recall ID (opened by mistake)"))
    p.add_argument("--hold", type=int, metavar="ID", help=_("cancel the orders of recall ID not yet handed to a "
                                                             "carrier"))
    p.add_argument("--show", type=int, metavar="ID", help=_("show recall ID"))
    p.add_argument("--list", action="store_true", help=_("list every recall"))
    p.add_argument("--xlsx", metavar="FILE", help=_("write the buyers as xlsx"))
    p.add_argument("--csv", metavar="FILE", help=_("write the buyers as CSV"))
    p.add_argument("--pdf", metavar="FILE", help=_("write the call list (A4 PDF)"))
    p.add_argument("--summary", metavar="FILE", help=_("write the recall summary for the authorities (A4 PDF)"))
    add_labels_command(add)
    return parser


def run_command(args: argparse.Namespace) -> int:
    """Run one subcommand; known errors print a plain message and exit 2, never a traceback."""
    _wait_for_other_writers()
    try:
        return args.func(args)
    except ValidationError as e:
        for err in e.errors:
            print(_("Error: {message}").format(message=err.message), file=sys.stderr)
        return 2
    except CoopDeskError as e:
        print(_("Error: {message}").format(message=e.message), file=sys.stderr)
        return 2
    finally:
        from coopdesk.services import datafile

        datafile.mark_closed_files()  # the next command skips the whole-file check of a file closed cleanly
