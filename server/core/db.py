"""Declarative base with a naming convention, and the column types every domain shares."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy import orm as so
from sqlalchemy.dialects import postgresql
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(so.DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_uuid() -> str:
    return str(uuid.uuid4())


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on SQLite and PostgreSQL alike."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


JSONType = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
UUIDStr = sa.String(36)


def written_after(target: str) -> so.Relationship:
    """A many-to-one that nothing reads, declared for the unit of work: in one flush it writes
    the ``target`` row before the rows that point at it, so a new record's history (a grade
    change, a review, a measure) can follow it without a flush of its own."""
    return so.relationship(target, lazy="raise")


# (model, id) pairs a caller has found free, see known_free.
FREE_IDS = "humiao.free_ids"


@contextmanager
def known_free(session: so.Session) -> Iterator[set]:
    """Within it, ids the caller knows no row holds, added to the set it yields as (model, id),
    are answered by id_taken from memory: the sync push looks its whole batch up in one query,
    the demo seeder writes into an empty database."""
    free = session.info[FREE_IDS] = set()
    try:
        yield free
    finally:
        session.info.pop(FREE_IDS, None)


def id_taken(session: so.Session, model: type, record_id: str) -> bool:
    """Whether a row of ``model`` already holds ``record_id``: a phone's new record must not
    overwrite another. An id known free (known_free) is answered from memory, once, as it is
    about to be taken."""
    free = session.info.get(FREE_IDS)
    if free is not None and (model, record_id) in free:
        free.discard((model, record_id))
        return False
    return session.get(model, record_id) is not None
