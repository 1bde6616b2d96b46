"""Where a record lives (one rule, docs/architecture.md): a household in its grid, a minor in its
household's place, and everything that belongs to a child or a household where its owner is now.

A move rewrites the place of the owner and sends ``minors_moved``; each domain above moves what
is its own in the same transaction. Every synced row whose place changes leaves a removal note
for the devices of the old place and takes a new feed number, so the next pull of every
affected device reflects the move (server/core/changes.py).
"""

from __future__ import annotations

import sqlalchemy as sa

from server.accounts.models import User
from server.areas.models import Area
from server.audit.service import audit
from server.core.changes import record_change
from server.core.clock import server_hlc
from server.core.events import minors_moved
from server.core.extensions import db
from server.core.scope import Scope
from server.registry.models import Household, Minor


def place_minors(minors: list[Minor], area_path: str, user_id: int | None = None) -> None:
    """Put ``minors`` at ``area_path``, and all that is theirs with them; each move is audited."""
    for minor in minors:
        if minor.area_path != area_path:
            audit(
                "move", "minor", minor.id, user_id=user_id, extra={"from": minor.area_path, "to": area_path}
            )
            minor.area_path = area_path
            _release_worker(minor, user_id)
    if minors:
        minors_moved.send(None, minor_ids=[minor.id for minor in minors], area_path=area_path)


def _release_worker(minor: Minor, user_id: int | None) -> None:
    """A worker assigned to the child in its old grid no longer is: the new grid's workers take it."""
    if minor.assigned_worker_id is None:
        return
    worker = db.session.get(User, minor.assigned_worker_id)
    if worker is None or not Scope.of(worker).covers(minor.area_path):
        record_change(minor, {"assigned_worker_id": None}, server_hlc(), author=user_id)


def move_household(household: Household, grid: Area, user_id: int | None = None) -> None:
    """A household that changes grid takes its minors along, and with them all that is theirs."""
    if household.area_path != grid.path:
        audit(
            "move",
            "household",
            household.id,
            user_id=user_id,
            extra={"from": household.area_path, "to": grid.path},
        )
    household.area_path = grid.path
    minors = db.session.scalars(sa.select(Minor).where(Minor.household_id == household.id)).all()
    place_minors(list(minors), grid.path, user_id)


def realign(batch: int = 500) -> int:
    """Apply the rule to the whole registry; returns how many households and minors were out of place.

    For a registry written before the rule held everywhere (visits left behind by a minor's
    move, reports and referrals that kept the place they were made in): what moves takes new
    feed numbers and removal notes like any move, so phones catch up at their next pull.
    """
    fixed = 0
    grids = sa.select(Area.path).where(Area.id == Household.grid_id).scalar_subquery()
    for household in db.session.scalars(sa.select(Household).where(Household.area_path != grids)):
        move_household(household, db.session.get(Area, household.grid_id))
        fixed += 1
    homes = sa.select(Household.area_path).where(Household.id == Minor.household_id).scalar_subquery()
    for minor in db.session.scalars(sa.select(Minor).where(Minor.area_path != homes)):
        place_minors([minor], db.session.get(Household, minor.household_id).area_path)
        fixed += 1
    db.session.flush()
    last_id = ""
    while True:
        rows = db.session.execute(
            sa.select(Minor.id, Minor.area_path).where(Minor.id > last_id).order_by(Minor.id).limit(batch)
        ).all()
        if not rows:
            return fixed
        by_place: dict[str, list[str]] = {}
        for minor_id, path in rows:
            by_place.setdefault(path, []).append(minor_id)
        for path, ids in by_place.items():
            minors_moved.send(None, minor_ids=ids, area_path=path)
        db.session.flush()
        last_id = rows[-1][0]
