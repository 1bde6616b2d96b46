"""Alembic is the only way the schema is made: upgrade gives the models, downgrade empties."""

from __future__ import annotations

import os
import uuid

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

import server.models  # noqa: F401 - the full metadata
from server.core.db import Base
from server.migrate import downgrade, upgrade


@pytest.fixture
def empty_database(tmp_path):
    """A fresh, empty database of the same kind the suite runs on."""
    pg_url = os.environ.get("TEST_DATABASE_URL")
    if not pg_url:
        yield f"sqlite:///{tmp_path / 'migrations.sqlite3'}"
        return
    name = f"humiao_mig_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(pg_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    yield sa.engine.make_url(pg_url).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE "{name}" WITH (FORCE)')
    admin.dispose()


def _diff(url: str) -> list:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, Base.metadata)
    engine.dispose()
    return diff


def _tables(url: str) -> set[str]:
    engine = sa.create_engine(url)
    names = set(sa.inspect(engine).get_table_names())
    engine.dispose()
    return names


def test_upgrade_head_gives_exactly_the_models(empty_database):
    upgrade(empty_database)
    assert _diff(empty_database) == []
    engine = sa.create_engine(empty_database)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT value FROM sync_clock WHERE id = 1")).scalar_one() == 0
    engine.dispose()


def test_downgrade_base_and_upgrade_again(empty_database):
    upgrade(empty_database)
    downgrade(empty_database, "base")
    assert _tables(empty_database) <= {"alembic_version"}
    upgrade(empty_database)
    assert _diff(empty_database) == []


@pytest.mark.parametrize("streets", [1, 2])
def test_accounts_without_an_area_are_given_the_street_when_there_is_one(empty_database, streets):
    upgrade(empty_database, "ca0a00378ac5")
    engine = sa.create_engine(empty_database)
    now = "2026-11-30 00:00:00+00:00"
    with engine.begin() as conn:
        for number in range(1, streets + 1):
            conn.execute(
                sa.text(
                    "INSERT INTO area (id, code, name, level, path, area_path, version, field_versions, field_hlcs,"
                    " field_authors, change_seq, created_at, updated_at)"
                    " VALUES (:id, :code, :code, 'street', :path, :path, 1, '{}', '{}', '{}', 0, :now, :now)"
                ),
                {"id": number, "code": f"S{number}", "path": f"/S{number}/", "now": now},
            )
        for number, (name, role) in enumerate((("police1", "unit_liaison"), ("admin", "street_admin")), 1):
            conn.execute(
                sa.text(
                    "INSERT INTO user_account (id, username, display_name, password_hash, role, active, created_at)"
                    " VALUES (:id, :name, :name, 'x', :role, true, :now)"
                ),
                {"id": number, "name": name, "role": role, "now": now},
            )
        conn.execute(sa.text("INSERT INTO user_area (user_id, area_id) VALUES (2, 1)"))
    upgrade(empty_database)
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT user_id, area_id FROM user_area ORDER BY user_id")).all()
    engine.dispose()
    assert [tuple(r) for r in rows] == ([(1, 1), (2, 1)] if streets == 1 else [(2, 1)])


def _insert(conn, table: str, **values) -> None:
    """A row of ``table`` as the schema is at this revision: every required column not given
    gets a plain value of its type."""
    for column in sa.inspect(conn).get_columns(table):
        if column["name"] in values or column["nullable"] or column.get("autoincrement") is True:
            continue
        kind = column["type"]
        if isinstance(kind, sa.JSON) or "JSON" in type(kind).__name__.upper():
            values[column["name"]] = "{}"
        elif isinstance(kind, sa.Boolean):
            values[column["name"]] = False
        elif isinstance(kind, sa.Integer | sa.Numeric):
            values[column["name"]] = 0
        elif isinstance(kind, sa.DateTime) or "TIME" in type(kind).__name__.upper():
            values[column["name"]] = "2026-11-30 00:00:00+00:00"
        elif isinstance(kind, sa.Date):
            values[column["name"]] = "2015-06-01"
        else:
            values[column["name"]] = "x"
    names = ", ".join(values)
    conn.execute(
        sa.text(f"INSERT INTO {table} ({names}) VALUES ({', '.join(':' + n for n in values)})"), values
    )


def test_existing_measures_and_referrals_are_placed_and_numbered_into_the_feed(empty_database):
    upgrade(empty_database, "e0ff256d323b")
    engine = sa.create_engine(empty_database)
    grid = "/S1/V1/V1G1/V1G1W1/"
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE sync_clock SET value = 40 WHERE id = 1"))
        _insert(conn, "area", id=1, code="S1", name="S1", level="street", path="/S1/", area_path="/S1/")
        _insert(conn, "household", id="h1", grid_id=1, area_path=grid)
        _insert(conn, "minor", id="m1", household_id="h1", area_path=grid)
        for number, created in (("2", "2026-11-02 00:00:00+00:00"), ("1", "2026-11-01 00:00:00+00:00")):
            _insert(conn, "measure", id=f"me{number}", minor_id="m1", status="planned", created_at=created)
        _insert(conn, "referral", id="r1", minor_id="m1", area_path=grid, sent_at="2026-11-03 00:00:00+00:00")
    upgrade(empty_database)
    with engine.connect() as conn:
        measures = conn.execute(
            sa.text("SELECT id, area_path, version, change_seq FROM measure ORDER BY change_seq")
        ).all()
        referral = conn.execute(
            sa.text("SELECT version, change_seq, created_at, sent_at FROM referral")
        ).one()
        clock = conn.execute(sa.text("SELECT value FROM sync_clock")).scalar_one()
    engine.dispose()
    assert [tuple(m) for m in measures] == [("me1", grid, 1, 41), ("me2", grid, 1, 42)]
    assert (referral.version, referral.change_seq, referral.created_at) == (1, 43, referral.sent_at)
    assert clock == 43
