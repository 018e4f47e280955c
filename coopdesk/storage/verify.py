"""The logical pass of `check --full`: every row of every table read back, and the money and stock rules.

integrity_check proves the b-trees are sound; it does not read every value as the program does. A flipped
bit inside a name passes it and then breaks `coopdesk orders`; a flipped bit inside an amount passes it and
prints a wrong COD. This pass decodes every text value (strict UTF-8, as sqlite3 does when it reads a row),
checks each value's storage class against its column, and checks the rules the services keep:
an order typed at the desk costs its lines plus shipping, COD lies between 0 and the total, a line never
takes more packs than it holds, and a lot never gives more packs than were packed. Every problem names the
table and the row.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from coopdesk.domain.money import format_vnd
from coopdesk.i18n import N_, _

MAX_PROBLEMS = 50
_CHUNK = 20_000  # rows whose text is decoded at once


def _lenient(raw: bytes) -> str:
    return raw.decode("utf-8", "replace")


FTS_SHADOWS = ("_data", "_idx", "_content", "_docsize", "_config")


def _tables(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    """The tables that hold data: not SQLite's own, nor a full-text index and its shadow tables (derived from
    the orders, their row numbers are packed segment ids; the trigram index is rebuilt from the orders)."""
    rows = [(n, s or "") for n, s in conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    virtual = [n for n, s in rows if s.upper().startswith("CREATE VIRTUAL TABLE")]
    derived = set(virtual) | {v + suffix for v in virtual for suffix in FTS_SHADOWS}
    return [(n, s) for n, s in rows if n not in derived]


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _expected_kinds(declared: str) -> set[str] | None:
    """Storage classes a column of this declared type may hold (besides NULL); None: anything."""
    d = declared.upper()
    if "INT" in d:
        return {"integer"}
    if "CHAR" in d or "CLOB" in d or "TEXT" in d:
        return {"text"}
    if "REAL" in d or "FLOA" in d or "DOUB" in d:
        return {"real", "integer"}
    return None


def decode_problems(conn: sqlite3.Connection, limit: int = MAX_PROBLEMS) -> list[str]:
    """Every value of every row: text that is not UTF-8, or a value of the wrong kind for its column."""
    problems: list[str] = []
    plans = []
    for table, sql in _tables(conn):
        info = list(conn.execute(f"PRAGMA table_info({_quote(table)})"))
        cols = [(r[1], r[2] or "") for r in info]
        if not cols:
            continue
        if "WITHOUT ROWID" in " ".join(sql.upper().split()):
            pk = [r[1] for r in info if r[5]]
            key_sql = " || ',' || ".join(f"quote({_quote(c)})" for c in pk) or "NULL"
        else:
            key_sql = "rowid"
        plans.append((table, cols, key_sql))
    for table, cols, key_sql in plans:
        # Wrong kinds are found by SQLite itself, one query per table.
        for col, decl in cols:
            kinds = _expected_kinds(decl)
            if kinds is None:
                continue
            allowed = ", ".join(f"'{k}'" for k in sorted(kinds | {"null"}))
            for key, kind in conn.execute(f"SELECT {key_sql}, typeof({_quote(col)}) FROM {_quote(table)} "
                                          f"WHERE typeof({_quote(col)}) NOT IN ({allowed}) LIMIT {int(limit)}"):
                problems.append(_("{table} row {row}: {column} holds {kind}, not {expected}").format(
                    table=table, row=key, column=col, kind=kind, expected="/".join(sorted(kinds))))
                if len(problems) >= limit:
                    return problems
    old_factory = conn.text_factory
    conn.text_factory = bytes  # read the raw bytes, and decode them here where the row is known
    try:
        for table, cols, key_sql in plans:
            texts = [c for c, d in cols if _expected_kinds(d) in (None, {"text"})]
            if not texts:
                continue
            select = ", ".join(f"CASE WHEN typeof({_quote(c)}) = 'text' THEN {_quote(c)} END" for c in texts)
            if key_sql == "rowid":
                # SQLite joins the text of 20,000 rows into one value; only a range that fails is read row by row.
                joined = " || char(0) || ".join(f"coalesce(CASE WHEN typeof({_quote(c)}) = 'text' THEN {_quote(c)} "
                                                f"END, '')" for c in texts)
                lo, hi = conn.execute(f"SELECT min(rowid), max(rowid) FROM {_quote(table)}").fetchone()
                ranges = []
                for start in range(lo or 0, (hi or -1) + 1, _CHUNK):
                    (blob,) = conn.execute(f"SELECT group_concat({joined}, char(0)) FROM {_quote(table)} "
                                           "WHERE rowid >= ? AND rowid < ?", (start, start + _CHUNK)).fetchone()
                    try:
                        (blob or b"").decode("utf-8")
                    except UnicodeDecodeError:
                        ranges.append((start, start + _CHUNK))
                queries = [(f"SELECT rowid, {select} FROM {_quote(table)} WHERE rowid >= ? AND rowid < ?", r)
                           for r in ranges]
            else:
                queries = [(f"SELECT {key_sql}, {select} FROM {_quote(table)}", ())]
            for sql, params in queries:
                for row in conn.execute(sql, params):
                    key = row[0].decode("utf-8", "replace") if isinstance(row[0], bytes) else row[0]
                    for col, value in zip(texts, row[1:], strict=True):
                        if value is None:
                            continue
                        try:
                            value.decode("utf-8")
                        except UnicodeDecodeError as e:
                            problems.append(_("{table} row {row}: the text in {column} cannot be read "
                                              "(byte {pos} is not UTF-8)").format(
                                table=table, row=key, column=col, pos=e.start))
                            if len(problems) >= limit:
                                return problems
    finally:
        conn.text_factory = old_factory
    return problems


# Per-lot sums in one pass over each table (NOT INDEXED: scanning allocations in row order and grouping is
# five times faster than visiting a million rows through the lot index).
_LOT_SUMS = """WITH p AS (SELECT lot_id, sum(coalesce(packs, 0)) AS n FROM events NOT INDEXED
                          WHERE kind = 'packing' GROUP BY lot_id),
     a AS (SELECT lot_id, sum(qty) AS n FROM allocations NOT INDEXED GROUP BY lot_id),
     x AS (SELECT lot_id, sum(qty) AS n FROM stock_adjustments NOT INDEXED GROUP BY lot_id)
"""

# (table that must exist, SQL giving (row id, detail values...), message)
_RULES: list[tuple[tuple[str, ...], str, str]] = [
    (("orders", "order_lines"),
     """SELECT o.id, o.total, o.shipping,
               coalesce((SELECT sum(l.qty * l.unit_price - l.discount) FROM order_lines l
                         WHERE l.order_id = o.id AND l.cancelled = 0), 0) AS lines
        FROM orders o WHERE coalesce(o.platform, '') = ''
          AND o.total <> o.shipping + coalesce((SELECT sum(l.qty * l.unit_price - l.discount) FROM order_lines l
                                                WHERE l.order_id = o.id AND l.cancelled = 0), 0)""",
     N_("orders row {0}: the total {1} is not its lines {3} plus shipping {2}")),
    (("orders",),
     "SELECT id, cod, total FROM orders WHERE cod < 0 OR cod > total OR total < 0",
     N_("orders row {0}: the COD {1} is not between 0 and the total {2}")),
    (("orders",),
     "SELECT id, shipping, prepaid FROM orders WHERE shipping < 0 OR prepaid < 0",
     N_("orders row {0}: shipping {1} or prepaid {2} is negative")),
    (("order_lines",),
     """SELECT id, qty, unit_price, discount FROM order_lines
        WHERE qty <= 0 OR unit_price < 0 OR discount < 0 OR discount > qty * unit_price""",
     N_("order_lines row {0}: quantity {1}, price {2} and discount {3} do not make a line")),
    (("order_lines", "allocations"),
     """SELECT l.id, l.qty, s.n FROM (SELECT line_id, sum(qty) AS n FROM allocations NOT INDEXED GROUP BY line_id) s
        JOIN order_lines l ON l.id = s.line_id WHERE s.n > l.qty""",
     N_("order_lines row {0}: {2} packs taken from lots for a line of {1}")),
    (("order_lines", "allocations"),
     """SELECT l.id, sum(a.qty) FROM order_lines l JOIN allocations a ON a.line_id = l.id
        WHERE l.cancelled = 1 GROUP BY l.id""",
     N_("order_lines row {0}: cancelled, yet still holds {1} packs of stock")),
    (("order_lines", "allocations", "lots"),
     """SELECT a.id, a.line_id, lot.code FROM allocations a CROSS JOIN order_lines l ON l.id = a.line_id
        CROSS JOIN lots lot ON lot.id = a.lot_id WHERE l.product_id IS NOT lot.product_id""",
     N_("allocations row {0}: line {1} takes packs from lot {2}, which is another product")),
    (("lots", "events", "allocations", "stock_adjustments"),
     _LOT_SUMS + """SELECT l.id, l.code, coalesce(p.n, 0), coalesce(a.n, 0) - coalesce(x.n, 0) FROM lots l
        LEFT JOIN p ON p.lot_id = l.id LEFT JOIN a ON a.lot_id = l.id LEFT JOIN x ON x.lot_id = l.id
        WHERE coalesce(a.n, 0) - coalesce(x.n, 0) > coalesce(p.n, 0)""",
     N_("lots row {0} ({1}): {3} packs taken by orders, but only {2} were packed")),
    # The kept stock of each lot (lot_stock, kept by triggers) equals what its events, allocations and
    # adjustments add up to: the packs allocated are the packs the lot's stock says were taken.
    (("lot_stock", "lots", "events", "allocations", "stock_adjustments"),
     _LOT_SUMS + """SELECT s.lot_id, l.code, s.packed, coalesce(p.n, 0), s.taken, coalesce(a.n, 0), s.adjusted,
               coalesce(x.n, 0)
        FROM lot_stock s JOIN lots l ON l.id = s.lot_id LEFT JOIN p ON p.lot_id = s.lot_id
        LEFT JOIN a ON a.lot_id = s.lot_id LEFT JOIN x ON x.lot_id = s.lot_id
        WHERE s.packed <> coalesce(p.n, 0) OR s.taken <> coalesce(a.n, 0) OR s.adjusted <> coalesce(x.n, 0)""",
     N_("lot_stock row {0} ({1}): kept packed {2}, taken {4}, adjusted {6}, but the lot's events, allocations "
        "and adjustments add up to {3}, {5} and {7}")),
    (("lot_stock", "lots"),
     "SELECT l.id, l.code FROM lots l WHERE NOT EXISTS (SELECT 1 FROM lot_stock s WHERE s.lot_id = l.id)",
     N_("lots row {0} ({1}): no kept stock row")),
]


# Which values of a rule's row are amounts of money (shown as 1.250.000 ₫).
_MONEY = {
    "orders row {0}: the total {1} is not its lines {3} plus shipping {2}": (1, 2, 3),
    "orders row {0}: the COD {1} is not between 0 and the total {2}": (1, 2),
    "orders row {0}: shipping {1} or prepaid {2} is negative": (1, 2),
}


def rule_problems(conn: sqlite3.Connection, limit: int = MAX_PROBLEMS) -> list[str]:
    """The money and stock rules the services keep, each broken row named."""
    names = {n for n, _s in _tables(conn)}
    problems: list[str] = []
    for needs, sql, message in _RULES:
        if not set(needs) <= names:
            continue
        money = _MONEY.get(message, ())
        for row in conn.execute(sql + f" LIMIT {int(limit)}"):
            shown = [format_vnd(v) if i in money and isinstance(v, int) else v for i, v in enumerate(row)]
            problems.append(_(message).format(*shown))
            if len(problems) >= limit:
                return problems
    return problems


def schema_problems(path: Path) -> list[str]:
    """The schema as a writer loads it. A read-only connection skips the CHECK constraints, so a flipped bit
    inside one passes every read-only check and only fails when the program opens the file to write."""
    try:
        conn = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=rw", uri=True)
        conn.text_factory = _lenient
        try:
            conn.execute("PRAGMA query_only = ON")  # never writes, even by mistake
            for (table,) in conn.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").fetchall():
                conn.execute(f"SELECT * FROM {_quote(table)} LIMIT 0").fetchall()
        finally:
            conn.close()
    except (sqlite3.Error, UnicodeError) as e:
        detail = str(e)
        if "readonly" in detail.lower() or "unable to open" in detail.lower():
            return []  # a write-protected USB stick: the read-only passes are all that can run
        return [_("The schema cannot be loaded for writing: {detail}").format(detail=detail)]
    return []


def logical_problems(path: Path, limit: int = MAX_PROBLEMS) -> list[str]:
    """Both passes over a file, read-only; a file SQLite cannot read at all gives that error."""
    schema = schema_problems(path)
    if schema:
        return schema
    try:
        conn = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
        conn.text_factory = _lenient
        try:
            problems = decode_problems(conn, limit)
            if len(problems) < limit:
                problems += rule_problems(conn, limit - len(problems))
            return problems
        finally:
            conn.close()
    except (sqlite3.Error, UnicodeError) as e:
        return [str(e)]
