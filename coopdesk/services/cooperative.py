"""The cooperative profile and its member households."""

from __future__ import annotations

from dataclasses import replace

from coopdesk.domain import addresses
from coopdesk.domain.cooperative import Cooperative, CooperativeDraft, validate_cooperative
from coopdesk.domain.lots import pattern_for
from coopdesk.services.catalog import copy_media
from coopdesk.services.changes import Changes
from coopdesk.services.unit_of_work import atomic
from coopdesk.storage import audit, settings
from coopdesk.storage import cooperative as store
from coopdesk.storage.database import Database


def get_profile(database: Database) -> Cooperative | None:
    """The profile, or None before the cooperative is set up."""
    return store.get(database)


@atomic
def save_profile(database: Database, draft: CooperativeDraft) -> tuple[Cooperative, Changes]:
    """Validate and save the profile; nothing is written when a field is wrong."""
    coop = validate_cooperative(draft)
    coop = replace(coop, logo=copy_media(database, coop.logo, "logo"))
    with database.transaction() as db:
        store.save(db, coop, addresses.ADDRESS_SCHEME)
        audit.record(db, "update", "cooperative", 1, {"name": coop.name})
        if not settings.stored(db, "lot_code_pattern") and not settings.lot_codes_given(db):
            # a new cooperative's lots carry its own initials; an existing one's codes never change unasked
            settings.put(db, "lot_code_pattern", pattern_for(coop.name))
    return coop, Changes(cooperative=True)


def members(database: Database) -> list[dict]:
    return store.members(database)


def is_set_up(database: Database) -> bool:
    """False on a new, empty file: the window then shows the welcome."""
    return store.get(database) is not None
