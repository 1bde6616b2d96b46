"""The one rollback: a test's (or a state machine example's) writes, undone after it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask
from flask_sqlalchemy.session import _app_ctx_id
from sqlalchemy import orm as so

from server.core.extensions import db


@contextmanager
def rolled_back(app: Flask) -> Iterator[so.scoped_session]:
    """Everything written inside is rolled back; services may commit (they release a savepoint)."""
    with app.app_context():
        connection = db.engine.connect()
        outer = connection.begin()
        original = db.session
        # A plain Session: flask-sqlalchemy's own would route mapped queries to the engine.
        factory = so.sessionmaker(bind=connection, join_transaction_mode="create_savepoint")
        db.session = so.scoped_session(factory, scopefunc=_app_ctx_id)
        try:
            yield db.session
        finally:
            db.session.remove()
            db.session = original
            outer.rollback()
            connection.close()
