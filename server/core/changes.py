"""The change feed every synced record takes part in.

Each flush that writes synced records takes numbers from the one-row ``sync_clock`` table.
The UPDATE locks that row until the transaction ends, so writers receive numbers in the
order they commit: a reader that sees number N has already been able to see every number
below it. This is what lets the pull cursor never skip a change (DESIGN §5); the price is
that writers of synced records are serialised at the counter, which a street's write rate
allows easily.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime
from itertools import chain

import sqlalchemy as sa
from sqlalchemy import orm as so

from server.core.db import Base, JSONType, UTCDateTime, utcnow


class SyncClock(Base):
    __tablename__ = "sync_clock"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    value: so.Mapped[int] = so.mapped_column(sa.BigInteger, default=0)


class ScopeExit(Base):
    """A record moved out of an area: devices of that area must hear of it as a removal."""

    __tablename__ = "scope_exit"
    # A pull sends only a record's latest exit from a scope: found by this index.
    __table_args__ = (
        sa.Index("ix_scope_exit_record", "entity", "record_id", "change_seq"),
        # The exits from one scope, in feed order (see Synced.__table_args__).
        sa.Index(
            "ix_scope_exit_scope_feed",
            "old_path",
            "change_seq",
            postgresql_ops={"old_path": "text_pattern_ops"},
        ),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    entity: so.Mapped[str] = so.mapped_column(sa.String(20))
    record_id: so.Mapped[str] = so.mapped_column(sa.String(36))
    old_path: so.Mapped[str] = so.mapped_column(sa.String(255))
    change_seq: so.Mapped[int] = so.mapped_column(sa.BigInteger, index=True)
    at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)


class Synced:
    """Columns of a record that devices replicate: versions per field and a feed position."""

    __entity__: str = ""

    version: so.Mapped[int] = so.mapped_column(default=1)
    # field -> record version at which it last changed; the base of the three-way merge.
    field_versions: so.Mapped[dict] = so.mapped_column(JSONType, default=dict)
    field_hlcs: so.Mapped[dict] = so.mapped_column(JSONType, default=dict)
    # field -> id of the user who wrote it last: a conflict names both authors.
    field_authors: so.Mapped[dict] = so.mapped_column(JSONType, default=dict)
    change_seq: so.Mapped[int] = so.mapped_column(sa.BigInteger, default=0, index=True)
    area_path: so.Mapped[str] = so.mapped_column(sa.String(255), index=True)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    # Who made the latest change (also in field_authors, but readable without parsing JSON).
    updated_by: so.Mapped[int | None] = so.mapped_column(sa.Integer)
    deleted_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    @so.declared_attr.directive
    def __table_args__(cls) -> tuple:
        # A pull reads one scope's changes in feed order: this index holds a scope's rows
        # together (a path prefix, text_pattern_ops whatever the collation), so the pull reads
        # those and not the rest of the county's changes since its cursor.
        return (
            sa.Index(
                f"ix_{cls.__tablename__}_scope_feed",
                "area_path",
                "change_seq",
                postgresql_ops={"area_path": "text_pattern_ops"},
            ),
        )

    @property
    def deleted(self) -> bool:
        return self.deleted_at is not None


def _acting_user_id() -> int | None:
    from flask import has_request_context
    from flask_jwt_extended import get_current_user

    if not has_request_context():
        return None
    try:
        user = get_current_user()
    except RuntimeError:
        return None
    return user.id if user else None


def record_change(
    record: Synced, changes: dict, hlc: str, *, created: bool = False, author: int | None = None
) -> None:
    """Write ``changes`` onto ``record`` as one new version, field by field."""
    if not changes and not created:
        return
    author = author if author is not None else _acting_user_id()
    version = 1 if created else record.version + 1
    for field, value in changes.items():
        setattr(record, field, value)
    record.version = version
    record.field_versions = {**(record.field_versions or {}), **dict.fromkeys(changes, version)}
    record.field_hlcs = {**(record.field_hlcs or {}), **dict.fromkeys(changes, hlc)}
    record.field_authors = {**(record.field_authors or {}), **dict.fromkeys(changes, author)}
    record.updated_by = author
    record.updated_at = utcnow()


def record_delete(record: Synced, author: int | None = None) -> None:
    """A tombstone: the record stays, marked deleted, and the deletion syncs like an edit.

    Its author is kept as that of ``deleted_at``, so that a conflict with the deletion can name
    who deleted (a tombstone from before this was kept names nobody)."""
    author = author if author is not None else _acting_user_id()
    record.deleted_at = utcnow()
    record.version += 1
    record.field_authors = {**(record.field_authors or {}), "deleted_at": author}
    record.updated_by = author
    record.updated_at = record.deleted_at


def _stamp_changes(session: so.Session, flush_context, instances) -> None:
    new = session.new  # a set built anew on each access: once per flush, not once per record
    pending = [
        obj
        for obj in chain(new, session.dirty)
        if isinstance(obj, Synced) and (obj in new or session.is_modified(obj, include_collections=False))
    ]
    if not pending:
        return
    exits = []
    for obj in pending:
        old = sa.inspect(obj).attrs.area_path.history.deleted
        if obj not in new and old and old[0] and old[0] != obj.area_path:
            exits.append(ScopeExit(entity=obj.__entity__, record_id=str(obj.id), old_path=old[0]))
    session.add_all(exits)
    pending += exits
    count = len(pending)
    if HELD in session.info:  # numbers from memory: the batch already holds the counter row
        first = session.info[HELD]
        session.info[HELD] += count
    else:
        first = _bump(session.connection(), count) - count + 1
    for seq, obj in enumerate(pending, start=first):
        obj.change_seq = seq


def _bump(connection, count: int) -> int:
    """Add ``count`` to the counter (locking its row until commit) and return the new value."""
    table = SyncClock.__table__
    stmt = (
        sa.update(table).where(table.c.id == 1).values(value=table.c.value + count).returning(table.c.value)
    )
    return connection.execute(stmt).scalar_one()


HELD = "humiao.feed_next"


@contextmanager
def feed_held(session: so.Session):
    """Hold the counter for a whole batch: one UPDATE at each end instead of one per flush.

    The opening UPDATE takes the row lock (and SQLite's write lock) before any other write, so
    a batch waits its turn up front instead of failing half-way; numbers a rolled-back
    savepoint used are simply skipped.
    """
    start = _bump(session.connection(), 0)
    session.info[HELD] = start + 1
    try:
        yield
        session.flush()
        used = session.info[HELD] - start - 1
        if used:
            _bump(session.connection(), used)
    finally:
        session.info.pop(HELD, None)


sa.event.listen(so.Session, "before_flush", _stamp_changes)


def high_water_mark(session: so.Session) -> int:
    """The last number handed to a committed transaction (an uncommitted one holds the lock)."""
    return session.execute(sa.select(SyncClock.value).where(SyncClock.id == 1)).scalar_one()
