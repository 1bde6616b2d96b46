"""Writing the accepted rows of an import: households found or created, minors created.

Each record is made exactly as ``registry.service.create_household`` / ``create_minor`` make
it (scope, versions, author, encrypted ID number, derived categories and schedule, audit),
but every record is built first and all are flushed together at the end. The reason is the
change-feed counter (server/changes.py): a transaction holds its row lock from its first
flush of a synced record until commit, so the services' flush per record would stop every
phone's sync for the minutes a 20,000-row import takes; built first, the lock is held only
while the INSERTs run. tests/server/ledger/test_ledger_import.py checks that an imported
minor equals one created through the service.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa

from server.audit.service import audit
from server.core.changes import record_change
from server.core.clock import server_hlc
from server.core.db import new_uuid, utcnow
from server.core.extensions import db
from server.core.scope import Scope
from server.ledger.rows import Candidate, normalise_address
from server.registry import idnumber
from server.registry.models import Household, Minor
from server.registry.service import cipher, derive

FLUSH_BATCH = 2000


def existing_households(grid_ids: set[int]) -> dict[tuple[int, str], str]:
    """(grid id, normalised address) -> household id, for the grids an import touches."""
    rows = db.session.execute(
        sa.select(Household.grid_id, Household.address, Household.id)
        .where(Household.grid_id.in_(grid_ids), Household.deleted_at.is_(None))
        .order_by(Household.created_at)
    )
    found: dict[tuple[int, str], str] = {}
    for grid_id, address, household_id in rows:
        found.setdefault((grid_id, normalise_address(address)), household_id)
    return found


def _household(scope: Scope, candidate: Candidate) -> Household:
    household = Household(id=new_uuid(), area_path=candidate.grid.path, surveyed_by=scope.user.id)
    changes = {**candidate.household, "grid_id": candidate.grid.id, "surveyed_at": utcnow()}
    record_change(household, changes, server_hlc(), created=True, author=scope.user.id)
    return household


def _minor(scope: Scope, candidate: Candidate, household_id: str, area_path: str) -> tuple[Minor, list[str]]:
    data = dict(candidate.minor)
    id_number = data.pop("id_number", None)
    data["household_id"] = household_id
    if candidate.worker_id is not None:
        data["assigned_worker_id"] = candidate.worker_id
    minor = Minor(id=new_uuid(), area_path=area_path, created_by=scope.user.id)
    fields = list(data)
    if id_number:
        minor.id_number_enc = cipher().encrypt(id_number)
        minor.id_number_hash = candidate.id_hash
        minor.id_tail_hash = cipher().tail_hash(id_number)
        minor.id_number_masked = idnumber.mask(id_number)
        fields += ["id_number_masked", "id_number"]
    record_change(minor, data, server_hlc(), created=True, author=scope.user.id)
    derive(minor)
    return minor, fields


def write(scope: Scope, candidates: list[Candidate], progress: Callable[[int], None] | None = None) -> int:
    """Create the records of ``candidates`` in the current transaction; the caller commits.

    Returns the number of households created.
    """
    households = existing_households({c.grid.id for c in candidates})
    records: list = []
    audits: list[tuple[str, str, list[str]]] = []
    created = 0
    for index, candidate in enumerate(candidates, start=1):
        key = candidate.address_key
        if key not in households:
            household = _household(scope, candidate)
            households[key] = household.id
            records.append(household)
            audits.append(("household", household.id, sorted(household.field_versions)))
            created += 1
        minor, fields = _minor(scope, candidate, households[key], candidate.grid.path)
        records.append(minor)
        audits.append(("minor", minor.id, fields))
        if progress and index % 1000 == 0:
            progress(index)
    for start in range(0, len(records), FLUSH_BATCH):
        db.session.add_all(records[start : start + FLUSH_BATCH])
        db.session.flush()
    for entity, record_id, fields in audits:
        audit(
            "create", entity, record_id, fields=fields, user_id=scope.user.id, extra={"via": "ledger_import"}
        )
    db.session.flush()
    return created
