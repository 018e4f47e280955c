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

from coopdesk.i18n import N_, _

MAX_PROBLEMS = 50


def _lenient(raw: bytes) -> str:
    return raw.decode("utf-8", "replace")


def _tables(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    return [(n, s or "") for n, s in conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]


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
    old_factory = conn.text_factory
    conn.text_factory = bytes  # read the raw bytes, and decode them here where the row is known
    try:
        for table, cols, key_sql in plans:
            select = ", ".join(f"{_quote(c)}, typeof({_quote(c)})" for c, _d in cols)
            kinds = [_expected_kinds(d) for _c, d in cols]
            for row in conn.execute(f"SELECT {key_sql}, {select} FROM {_quote(table)}"):
                key = row[0].decode("utf-8", "replace") if isinstance(row[0], bytes) else row[0]
                for i, (col, _decl) in enumerate(cols):
                    value, kind = row[1 + 2 * i], row[2 + 2 * i]
                    kind = kind.decode() if isinstance(kind, bytes) else kind
                    if kind == "text":
                        try:
                            value.decode("utf-8")
                        except UnicodeDecodeError as e:
                            problems.append(_("{table} row {row}: the text in {column} cannot be read "
                                              "(byte {pos} is not UTF-8)").format(
                                table=table, row=key, column=col, pos=e.start))
                    if kind != "null" and kinds[i] is not None and kind not in kinds[i]:
                        problems.append(_("{table} row {row}: {column} holds {kind}, not {expected}").format(
                            table=table, row=key, column=col, kind=kind, expected="/".join(sorted(kinds[i]))))
                    if len(problems) >= limit:
                        return problems
    finally:
        conn.text_factory = old_factory
    return problems


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
     """SELECT l.id, l.qty, sum(a.qty) FROM order_lines l JOIN allocations a ON a.line_id = l.id
        GROUP BY l.id HAVING sum(a.qty) > l.qty""",
     N_("order_lines row {0}: {2} packs taken from lots for a line of {1}")),
    (("order_lines", "allocations"),
     """SELECT l.id, sum(a.qty) FROM order_lines l JOIN allocations a ON a.line_id = l.id
        WHERE l.cancelled = 1 GROUP BY l.id""",
     N_("order_lines row {0}: cancelled, yet still holds {1} packs of stock")),
    (("order_lines", "allocations", "lots"),
     """SELECT a.id, a.line_id, lot.code FROM allocations a JOIN order_lines l ON l.id = a.line_id
        JOIN lots lot ON lot.id = a.lot_id WHERE l.product_id IS NOT lot.product_id""",
     N_("allocations row {0}: line {1} takes packs from lot {2}, which is another product")),
    (("lots", "events", "allocations", "stock_adjustments"),
     """SELECT lot.id, lot.code, packed, taken FROM (
            SELECT l.id, l.code,
                   coalesce((SELECT sum(e.packs) FROM events e WHERE e.lot_id = l.id AND e.kind = 'packing'), 0)
                       AS packed,
                   coalesce((SELECT sum(a.qty) FROM allocations a WHERE a.lot_id = l.id), 0)
                   - coalesce((SELECT sum(s.qty) FROM stock_adjustments s WHERE s.lot_id = l.id), 0) AS taken
            FROM lots l) AS lot
        WHERE taken > packed""",
     N_("lots row {0} ({1}): {3} packs taken by orders, but only {2} were packed")),
    # The kept stock of each lot (lot_stock, kept by triggers) equals what its events, allocations and
    # adjustments add up to: the packs allocated are the packs the lot's stock says were taken.
    (("lot_stock", "lots", "events", "allocations", "stock_adjustments"),
     """SELECT s.lot_id, l.code, s.packed, packed_sum, s.taken, taken_sum, s.adjusted, adjusted_sum FROM (
            SELECT s.*,
                   coalesce((SELECT sum(coalesce(e.packs, 0)) FROM events e
                             WHERE e.lot_id = s.lot_id AND e.kind = 'packing'), 0) AS packed_sum,
                   coalesce((SELECT sum(a.qty) FROM allocations a WHERE a.lot_id = s.lot_id), 0) AS taken_sum,
                   coalesce((SELECT sum(x.qty) FROM stock_adjustments x WHERE x.lot_id = s.lot_id), 0)
                       AS adjusted_sum
            FROM lot_stock s) AS s JOIN lots l ON l.id = s.lot_id
        WHERE s.packed <> packed_sum OR s.taken <> taken_sum OR s.adjusted <> adjusted_sum""",
     N_("lot_stock row {0} ({1}): kept packed {2}, taken {4}, adjusted {6}, but the lot's events, allocations "
        "and adjustments add up to {3}, {5} and {7}")),
    (("lot_stock", "lots"),
     "SELECT l.id, l.code FROM lots l WHERE NOT EXISTS (SELECT 1 FROM lot_stock s WHERE s.lot_id = l.id)",
     N_("lots row {0} ({1}): no kept stock row")),
]


def rule_problems(conn: sqlite3.Connection, limit: int = MAX_PROBLEMS) -> list[str]:
    """The money and stock rules the services keep, each broken row named."""
    names = {n for n, _s in _tables(conn)}
    problems: list[str] = []
    for needs, sql, message in _RULES:
        if not set(needs) <= names:
            continue
        for row in conn.execute(sql + f" LIMIT {int(limit)}"):
            problems.append(_(message).format(*row))
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
