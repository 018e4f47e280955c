"""The project's bad-input corpus (tests/corpus): every file and value through the same doors staff use.

Each case must end as cases.json expects. Counted: cases, refused with a message (the file or value refused,
or its rows named), tracebacks (any exception other than CoopDeskError: must be 0) and silent changes (a
case stored differently from what its file says, or accepted when it should be refused: must be 0). The
figures go to artifacts/bad-input-corpus.json and are printed with -s.
"""

from __future__ import annotations

import json
import shutil
import traceback
from datetime import date
from pathlib import Path

import pytest

from coopdesk.domain.errors import CoopDeskError
from tests.conftest import ARTIFACTS

CORPUS = Path(__file__).resolve().parent / "corpus"
CASES = json.loads((CORPUS / "cases.json").read_text(encoding="utf-8"))
TODAY = date(2026, 11, 23)


def _counts(db) -> tuple[int, ...]:  # noqa: ANN001
    return tuple(db.query(f"SELECT count(*) AS n FROM {t}")[0]["n"] for t in
                 ("orders", "order_lines", "customers", "allocations", "products", "events", "members"))


def _orders(db, case: dict, path: Path) -> tuple[str, str]:  # noqa: ANN001
    from coopdesk.services import order_import as oi

    dry = oi.import_orders(db, path, dry_run=True, skip_rejected=case["expect"] == "held")
    report = oi.import_orders(db, path, skip_rejected=case["expect"] == "held")
    assert dry["rejected"] == report["rejected"], "the dry run checks less than the commit"
    if report["rejected"] and not report["committed"]:
        rows = [r["row"] for r in report["rejected"]]
        named = all(case.get("field", "") in r["reason"] or _label(case.get("field", "")) in r["reason"]
                    for r in report["rejected"])
        return "rejected", f"rows {rows}" + ("" if rows == case.get("rows") and named else " (unexpected)")
    if report["held_back_file"]:
        got = (report["orders_new"], report["orders_held_back"], report["rows_held_back"])
        ok = got == (case["orders"], case["held"], case["held_rows"]) and Path(report["held_back_file"]).exists()
        return "held", "" if ok else f"silent: {got}"
    if case["expect"] not in ("imported", "held"):
        return "imported", f"silent: stored {report['orders_new']} orders from a file that should be {case['expect']}"
    problems = []
    if (report["orders_new"], report["lines"]) != (case["orders"], case["lines"]):
        problems.append(f"{report['orders_new']} orders, {report['lines']} lines")
    if case.get("warning") and not any(case["warning"] in w.lower() or case["warning"] in w
                                       for w in report["warnings"]):
        problems.append(f"no warning with {case['warning']!r}")
    for column, order_id, expected in case.get("stored", []):
        got = db.query(f"SELECT {column} AS v FROM orders WHERE platform_order_id = ?", (order_id,))[0]["v"]
        if got != expected:
            problems.append(f"{column} = {got!r}, the file says {expected!r}")
    return "imported", "silent: " + "; ".join(problems) if problems else ""


def _label(field: str) -> str:
    """The column as the Vietnamese message names it."""
    return {"Quantity": "Số lượng", "Order ID": "Mã đơn", "Order Status": "Trạng thái đơn",
            "Seller SKU": "SKU"}.get(field, field)


def _catalog(db, case: dict, path: Path) -> tuple[str, str]:  # noqa: ANN001
    from coopdesk.services import catalog

    preview = catalog.preview_import(db, path)
    if preview.errors:
        rows = sorted({e.row for e in preview.errors})
        named = all(case.get("field", "") in e.message for e in preview.errors)
        return "rejected", f"rows {rows}" + ("" if rows == case.get("rows") and named else " (unexpected)")
    catalog.commit_import(db, preview)
    if case["expect"] != "imported":
        return "imported", f"silent: stored a file that should be {case['expect']}"
    problems = []
    for column, sku, expected in case.get("stored", []):
        got = db.query(f"SELECT {column} AS v FROM products WHERE sku = ?", (sku,))[0]["v"]
        if got != expected:
            problems.append(f"{column} = {got!r}, the file says {expected!r}")
    return "imported", "silent: " + "; ".join(problems) if problems else ""


def _diary(db, case: dict, path: Path) -> tuple[str, str]:  # noqa: ANN001
    from coopdesk.services import diary
    from coopdesk.services import traceability as trace

    lot = trace.create_lot(db, "NL-SAN-TUOI", area_ids=[1], day=date(2026, 3, 1)).code
    preview = diary.preview_diary(db, lot, path, TODAY)
    if preview.errors:
        rows = sorted({e.row for e in preview.errors})
        named = all(case.get("field", "") in e.message for e in preview.errors)
        return "rejected", f"rows {rows}" + ("" if rows == case.get("rows") and named else " (unexpected)")
    diary.commit_diary(db, preview)
    if case["expect"] != "imported":
        return "imported", f"silent: stored a file that should be {case['expect']}"
    notes = [e.note for e in trace.view(db, lot).state.events]
    ok = len(notes) == case.get("events") and case.get("note") in notes
    return "imported", "" if ok else f"silent: {notes}"


def _backup(db, case: dict, path: Path) -> tuple[str, str]:  # noqa: ANN001
    from coopdesk.services import datafile

    datafile.restore(db, path)
    return "imported", "silent: restored a file that is not a CoopDesk backup"


def _value(db, case: dict) -> tuple[str, str]:  # noqa: ANN001
    from coopdesk.domain.cooperative import CooperativeDraft, validate_cooperative
    from coopdesk.domain.lots import EventDraft, check_lot_pattern, validate_event
    from coopdesk.domain.money import MoneyError, parse_vnd
    from coopdesk.domain.orders import LineDraft, OrderDraft, check_order
    from coopdesk.domain.phones import find_phones
    from coopdesk.domain.products import ProductDraft, validate_product
    from coopdesk.services import order_entry
    from coopdesk.services import traceability as trace

    text = case["value"]
    try:
        if case["kind"] == "money":
            result = parse_vnd(text)
        elif case["kind"] == "phone":
            result = [p.e164 for p in find_phones(text)]
            if not result:
                raise CoopDeskError("no phone")
        elif case["kind"] == "gtin":
            result = validate_product(ProductDraft(sku="X-1", name="Xôi", price="1000", gtin=text)).gtin
        elif case["kind"] == "lot_pattern":
            result = check_lot_pattern(text)
        elif case["kind"] == "trace_url":
            result = validate_cooperative(CooperativeDraft(name="HTX", trace_base_url=text)).trace_base_url
        elif case["kind"] == "order_shipping":
            result = check_order(OrderDraft(phone="0912345678", province="Điện Biên", commune="Xã Nà Tấu",
                                            lines=[LineDraft("YDI-BUN-500", "1")], shipping=text),
                                 order_entry.catalog_items(db)).shipping
        elif case["kind"] == "diary_kg":
            result = validate_event(EventDraft(kind="harvest", day="01/06/2026", person="Lê Văn Thắng",
                                               quantity_kg=text), trace.inputs(db), TODAY).quantity_g
        else:
            raise AssertionError(case["kind"])
    except (CoopDeskError, MoneyError) as e:
        return "refused", str(e)
    if case["expect"] == "refused":
        return "accepted", f"silent: read as {result!r}"
    return "accepted", "" if result == case["result"] else f"silent: read as {result!r}"


def run_case(db, case: dict, tmp: Path) -> tuple[str, str]:  # noqa: ANN001
    """(outcome, note); outcome is refused, rejected, held, imported, accepted or traceback."""
    if "value" in case:
        return _value(db, case)
    path = tmp / case["file"]
    shutil.copy(CORPUS / "files" / case["file"], path)
    reader = {"orders": _orders, "catalog": _catalog, "diary": _diary, "backup": _backup}[case["kind"]]
    try:
        return reader(db, case, path)
    except CoopDeskError as e:
        named = case["file"] in e.message or case["kind"] == "diary"
        needle = case.get("needle", "")
        return "refused", e.message if named and needle in e.message else f"(unexpected message) {e.message}"


def test_bad_input_corpus(demo_path, tmp_path):
    from coopdesk.services import datafile

    results = []
    work = tmp_path / "work"
    work.mkdir()
    for case in CASES:
        db_file = work / "case.db"
        shutil.copy(demo_path, db_file)
        db = datafile.open_data(db_file)
        before = _counts(db)
        try:
            outcome, note = run_case(db, case, work)
        except Exception as e:  # noqa: BLE001
            outcome, note = "traceback", "".join(traceback.format_exception_only(e)).strip()
        after = _counts(db)
        db.close()
        for p in work.iterdir():
            shutil.rmtree(p) if p.is_dir() else p.unlink()
        if outcome in ("refused", "rejected") and after != before:
            note = f"silent: refused but the data file changed {before} -> {after}"
        results.append({"id": case["id"], "expect": case["expect"], "outcome": outcome, "note": note})
    figures = {
        "cases": len(results),
        "refused_with_a_message": sum(r["outcome"] in ("refused", "rejected") and "unexpected" not in r["note"]
                                      for r in results),
        "held_back_as_asked": sum(r["outcome"] == "held" for r in results),
        "imported_as_written": sum(r["outcome"] in ("imported", "accepted") and not r["note"].startswith("silent")
                                   for r in results),
        "tracebacks": sum(r["outcome"] == "traceback" for r in results),
        "silent_changes": sum(r["note"].startswith("silent") for r in results),
    }
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "bad-input-corpus.json").write_text(json.dumps({"figures": figures, "cases": results},
                                                                ensure_ascii=False, indent=1), encoding="utf-8")
    print("\nbad-input corpus:", json.dumps(figures))
    wrong = [r for r in results if r["outcome"] != r["expect"] or r["note"].startswith("silent")
             or "unexpected" in r["note"]]
    assert figures["tracebacks"] == 0 and figures["silent_changes"] == 0 and not wrong, wrong


@pytest.mark.parametrize("name", sorted({c["file"] for c in CASES if "file" in c}))
def test_every_corpus_file_has_a_case(name):
    assert (CORPUS / "files" / name).exists()
