"""Alembic environment: the URL and metadata come from the app, never from alembic.ini."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context

from server.core.db import Base


def _url() -> str:
    url = context.config.attributes.get("url")
    if url:
        return url
    from server.config import Config

    return Config().SQLALCHEMY_DATABASE_URI


def render_item(type_, obj, autogen_context):
    """Write our shared column types by name, so migrations read like the models."""
    from server.core.db import UTCDateTime

    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "server.core.db.UTCDateTime()"
    if type_ == "type" and isinstance(obj, sa.JSON) and obj._variant_mapping:
        return "server.core.db.JSONType"
    return False


def run_migrations() -> None:
    import server.models  # noqa: F401 - registers every table on Base.metadata

    connection = context.config.attributes.get("connection")
    options = {
        "target_metadata": Base.metadata,
        "compare_type": True,
        "render_as_batch": True,
        "render_item": render_item,
    }
    if connection is not None:
        context.configure(connection=connection, **options)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = sa.create_engine(_url())
    with engine.connect() as conn:
        context.configure(connection=conn, **options)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    context.configure(url=_url(), target_metadata=Base.metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    run_migrations()
