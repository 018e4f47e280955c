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
