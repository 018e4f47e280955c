"""One operation, one transaction: the decorator that makes a service's reads and writes a single unit of work."""

from __future__ import annotations

import functools
from collections.abc import Callable

from coopdesk.storage.database import Database


def atomic[**P, R](fn: Callable[P, R]) -> Callable[P, R]:
    """Run the service inside ``database.unit_of_work()`` (its first argument is the Database).

    BEGIN IMMEDIATE comes before the first read, so what the service checks is still true when it
    writes (Cosmic Python's unit of work); a service called from another joins it as a savepoint.
    """

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        database = args[0] if args else kwargs["database"]
        assert isinstance(database, Database), fn.__name__
        with database.unit_of_work():
            return fn(*args, **kwargs)

    wrapper.atomic = True  # type: ignore[attr-defined]  # tests list the writers that are units of work
    return wrapper
