"""GET /api/sync/pull: the caller's scope changed since the cursor, each record once (DESIGN §5).

Every synced row carries the feed number of its last change (server/changes.py). A pull reads
the committed high-water mark first and only ever returns numbers at or below it: all of those
are committed, so the next cursor can never step over a change that commits later.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy import orm as so

from server.accounts.models import User
from server.areas.models import Area
from server.core.changes import ScopeExit, high_water_mark
from server.core.db import utcnow
from server.core.extensions import db
from server.core.roles import REGISTRY_ROLES, Role
from server.core.scope import Scope
from server.registry.models import GradeChange
from server.reports.models import Report
from server.sync_api.entities import ADAPTERS
from server.sync_api.models import Device
from sync import decode_cursor, encode_cursor


@dataclass
class PullPage:
    changes: list[dict]
    cursor: str
    has_more: bool
    reset: bool
    remaining: int = 0


def _ancestors(paths: tuple[str, ...]) -> set[str]:
    found = set()
    for path in paths:
        codes = [c for c in path.split("/") if c]
        found.update("/" + "/".join(codes[:i]) + "/" for i in range(1, len(codes)))
    return found


def _sources(scope: Scope):
    """(entity, model, scope filter) for everything this role may replicate."""
    if scope.role in REGISTRY_ROLES:
        area_filter = sa.or_(scope.filter(Area.path), Area.path.in_(_ancestors(scope.paths)))
        yield "area", Area, area_filter
        for name in ("household", "minor", "visit", "report", "measure", "referral"):
            model = ADAPTERS[name].model
            yield name, model, scope.filter(model.area_path)
    elif scope.role == Role.sentinel:
        yield "report", Report, Report.reporter_id == scope.user.id


def _wire(entity: str, record) -> dict:
    if entity == "area":
        return record.to_wire()
    return ADAPTERS[entity].wire(record)


def _change(entity: str, record, names: dict[int, str], histories: dict[str, list]) -> dict:
    deleted = getattr(record, "deleted", False)
    data = {} if deleted else _wire(entity, record)
    if data and entity != "area":
        data["updated_by_name"] = names.get(record.updated_by)
        # Who wrote each field last: "your change of 学校 was replaced by 李老师's".
        data["changed_by"] = {f: names[a] for f, a in (record.field_authors or {}).items() if a in names}
    if data and entity == "minor":
        data["grade_history"] = histories.get(record.id, [])
    return {
        "entity": entity,
        "id": str(record.id),
        "version": record.version,
        "deleted": deleted,
        "data": data,
    }


def _context(page: list) -> tuple[dict[int, str], dict[str, list]]:
    """Author names and grade histories for a whole page, in two queries."""
    records = [item for _, kind, item in page if kind not in ("exit", "area") and item is not None]
    author_ids = {a for r in records for a in (r.field_authors or {}).values() if a}
    minor_ids = [r.id for _, kind, r in page if kind == "minor"]
    changes = []
    if minor_ids:
        changes = db.session.scalars(
            sa.select(GradeChange).where(GradeChange.minor_id.in_(minor_ids)).order_by(GradeChange.changed_at)
        ).all()
    author_ids |= {c.changed_by for c in changes if c.changed_by}
    names = {}
    if author_ids:
        names = dict(
            db.session.execute(sa.select(User.id, User.display_name).where(User.id.in_(author_ids))).all()
        )
    histories: dict[str, list] = {}
    for change in changes:
        histories.setdefault(change.minor_id, []).append(
            {
                "from_grade": change.from_grade,
                "to_grade": change.to_grade,
                "reason": change.reason,
                "changed_at": change.changed_at.isoformat(),
                "changed_by_name": names.get(change.changed_by),
            }
        )
    return names, histories


def _exits(scope: Scope, after: int, upto: int, limit: int):
    """Records that left an area of this scope: the device must drop them, once.

    Only a record's latest exit from this scope counts, however often it moved; a device that
    starts from empty has nothing to drop. An exit of a record that is back in scope yields
    None: it still holds its place in the feed, so a short page cannot step over a later exit.
    """
    if after == 0 or scope.role not in REGISTRY_ROLES:  # a sentinel's reports are its own, not a place's
        return []
    stmt = exits_after(scope, after, upto, limit)
    found = []
    for exit_ in db.session.scalars(stmt):
        model = Area if exit_.entity == "area" else ADAPTERS[exit_.entity].model
        record = db.session.get(model, exit_.record_id)
        current = getattr(record, "area_path", None) if record is not None else None
        removal = None
        if not scope.covers(current):
            removal = {
                "entity": exit_.entity,
                "id": exit_.record_id,
                "version": getattr(record, "version", 0),
                "deleted": True,
                # Not deleted but gone elsewhere: the phone can say so (a child that moved away).
                "data": {"left_scope": True},
            }
        found.append((exit_.change_seq, removal))
    return found


def exits_after(scope: Scope, after: int, upto: int, limit: int) -> sa.Select:
    """The scope's exits after the cursor, each record's latest only: read through
    ``ix_scope_exit_scope_feed`` (the scope's exits in feed order), whatever else moved."""
    later = so.aliased(ScopeExit)
    left_again = (
        sa.select(later.id)
        .where(
            later.entity == ScopeExit.entity,
            later.record_id == ScopeExit.record_id,
            later.change_seq > ScopeExit.change_seq,
            later.change_seq <= upto,
            scope.filter(later.old_path),
        )
        .exists()
    )
    return (
        sa.select(ScopeExit)
        .where(feed_range(ScopeExit.change_seq, after, upto), scope.filter(ScopeExit.old_path))
        .where(~left_again)
        .order_by(ScopeExit.change_seq)
        .limit(limit)
    )


def pull(scope: Scope, client_id: str | None, token: str | None, limit: int, secret: str) -> PullPage:
    cursor = decode_cursor(token, secret)
    reset = bool(token) and cursor.scope_key != scope.key
    after = 0 if reset else cursor.position
    upto = high_water_mark(db.session)
    _touch_device(scope, client_id)
    if after >= upto:  # nothing was committed since this cursor: one small round trip
        return PullPage([], encode_cursor(upto, scope.key, secret), False, reset)
    streams = []
    for entity, model, visible in _sources(scope):
        stmt = changes_after(model, visible, after, upto, limit + 1)
        streams.append([(row.change_seq, entity, row) for row in db.session.scalars(stmt)])
    exits = [(seq, "exit", removal) for seq, removal in _exits(scope, after, upto, limit + 1)]
    merged = list(heapq.merge(*streams, exits, key=lambda item: item[0]))
    page, has_more = merged[:limit], len(merged) > limit
    names, histories = _context(page)
    changes = [
        item if kind == "exit" else _change(kind, item, names, histories)
        for _, kind, item in page
        if item is not None
    ]
    for change in changes:
        if change["data"] and change["entity"] in ADAPTERS:
            ADAPTERS[change["entity"]].withhold(scope, change["data"])
    if scope.role == Role.sentinel:
        for change in changes:  # the registry's link is not the sentinel's to follow (as in REST)
            change["data"].pop("minor_id", None)
    position = page[-1][0] if has_more else upto
    remaining = _remaining(scope, position, upto) if has_more else 0
    return PullPage(changes, encode_cursor(position, scope.key, secret), has_more, reset, remaining)


def feed_range(column: sa.ColumnElement, after: int, upto: int) -> sa.ColumnElement[bool]:
    """after < column <= upto, the numbers written into the SQL like the scope's paths
    (core.scope.path_prefix) and the page's limit: a generic plan (PostgreSQL's choice for a
    statement prepared after its fifth run), not knowing how far behind a cursor is or how many
    rows are wanted, walks the whole feed since the cursor instead of the scope's own rows."""
    return sa.and_(
        column > sa.literal(after, literal_execute=True), column <= sa.literal(upto, literal_execute=True)
    )


def changes_after(model, visible: sa.ColumnElement[bool], after: int, upto: int, limit: int) -> sa.Select:
    """One entity's records of a scope changed after the cursor, in feed order: read through
    the table's scope feed index (server/core/changes.py), whatever the rest of the county wrote."""
    return (
        sa.select(model)
        .where(feed_range(model.change_seq, after, upto), visible)
        # A device starting from empty has nothing to delete: skip the tombstones.
        .where(model.deleted_at.is_(None) if after == 0 else sa.true())
        .order_by(model.change_seq)
        .limit(sa.literal(limit, literal_execute=True))
        # The merge bookkeeping is not sent to phones: skip parsing it.
        .options(so.defer(model.field_versions), so.defer(model.field_hlcs))
    )


def _remaining(scope: Scope, after: int, upto: int) -> int:
    """Roughly how many changes are still to come: lets the phone show real first-sync progress."""
    return sum(
        db.session.scalar(count_after(model, visible, after, upto))
        for _entity, model, visible in _sources(scope)
    )


def count_after(model, visible: sa.ColumnElement[bool], after: int, upto: int) -> sa.Select:
    """How many of one entity's records of a scope changed after the cursor: the scope feed
    index again, not a count over everything the county changed since."""
    return sa.select(sa.func.count()).where(feed_range(model.change_seq, after, upto), visible)


def _touch_device(scope: Scope, client_id: str | None) -> None:
    """Note the pull; at most once a minute, so an idle phone's polling costs no write."""
    if not client_id:
        return
    device = db.session.get(Device, client_id) or Device(client_id=client_id, user_id=scope.user.id)
    now = utcnow()
    if (
        device.last_pull_at
        and device.user_id == scope.user.id
        and (now - device.last_pull_at).total_seconds() < 60
    ):
        return
    device.user_id = scope.user.id
    device.last_pull_at = now
    device.pulls = (device.pulls or 0) + 1
    db.session.add(device)
