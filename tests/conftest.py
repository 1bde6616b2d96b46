"""Shared fixtures: one migrated test database per session, each test rolled back.

The database is SQLite unless TEST_DATABASE_URL names a PostgreSQL one; the test command
runs the suite once on each.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher

from server import create_app
from server.accounts import service as accounts_service
from server.config import TestConfig
from server.core.extensions import db
from server.migrate import upgrade
from tests.db import rolled_back

DEMO_PASSWORD = "demo-password-1"
ON_POSTGRES = (os.environ.get("TEST_DATABASE_URL") or "").startswith("postgresql")


def _worker_database(url: str, worker: str) -> str:
    """``<db>_<worker>`` beside ``<db>`` (made if missing): each xdist worker its own registry."""
    parsed = sa.engine.make_url(url)
    name = f"{parsed.database}_{worker}"
    admin = sa.create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if conn.exec_driver_sql("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).first() is None:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    admin.dispose()
    return parsed.set(database=name).render_as_string(hide_password=False)


def pytest_configure(config):
    # Under pytest-xdist every worker runs its own session: SQLite files live in each worker's
    # tmp folder already; on PostgreSQL each worker gets a database of its own, and
    # TEST_DATABASE_URL is pointed at it, so every test that reads it agrees.
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if ON_POSTGRES and worker:
        os.environ["TEST_DATABASE_URL"] = _worker_database(os.environ["TEST_DATABASE_URL"], worker)


def _empty_postgres(url: str) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    engine.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        _empty_postgres(url)
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    # Argon2 at production cost would dominate the suite's time; its strength is not under test.
    accounts_service.hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    upgrade(database_url)
    application = create_app(
        TestConfig(database_url=database_url, instance=tmp_path_factory.mktemp("instance"))
    )
    with application.app_context():
        from tests.factories import build_world

        build_world()
        db.session.commit()
    return application


@pytest.fixture(scope="session")
def world(app) -> dict:
    """Codes and ids of the shared test street (see tests/factories.py)."""
    from tests.factories import world_index

    with app.app_context():
        return world_index()


@pytest.fixture
def session(app):
    """Everything a test writes is rolled back; services may commit (they release a savepoint)."""
    with rolled_back(app) as db_session:
        yield db_session


@pytest.fixture
def client(app, session):
    return app.test_client()


@pytest.fixture
def login(client) -> Callable[..., dict]:
    """login("worker1") -> Authorization headers for that user."""

    def _login(username: str, device_id: str = "test-device") -> dict:
        response = client.post(
            "/api/auth/login", json={"username": username, "password": DEMO_PASSWORD, "device_id": device_id}
        )
        assert response.status_code == 200, response.json
        return {"Authorization": f"Bearer {response.json['access_token']}"}

    return _login


@pytest.fixture
def tokens(client) -> Callable[..., dict]:
    def _tokens(username: str, device_id: str = "test-device") -> dict:
        response = client.post(
            "/api/auth/login", json={"username": username, "password": DEMO_PASSWORD, "device_id": device_id}
        )
        assert response.status_code == 200, response.json
        return response.json

    return _tokens


# xdist groups that take a minute or more: started first, so the run does not wait on them.
LONG_GROUPS = {"wheel", "demo_seed"}


def _run_order(item) -> int:
    """The long units first: the long groups, and the outage test (it seeds a demo server of
    its own, and writes nothing to the shared test database). Then the rest, and the other
    browser tests last, as they commit to the shared test database (of their xdist worker)
    where nothing may count on an empty street any more. Under xdist (scripts/test.sh passes
    --no-loadscope-reorder) the work is handed out in this order."""
    groups = {
        mark.args[0] if mark.args else mark.kwargs.get("name") for mark in item.iter_markers("xdist_group")
    }
    if groups & LONG_GROUPS or "demo_server" in getattr(item, "fixturenames", ()):
        return 0
    return 2 if item.get_closest_marker("e2e") else 1


def pytest_collection_modifyitems(config, items):
    items.sort(key=_run_order)  # stable: the order within each kind stays
    skip_pg = pytest.mark.skip(reason="needs TEST_DATABASE_URL pointing at PostgreSQL")
    skip_own = pytest.mark.skip(reason="the same on any database: the SQLite run covers it")
    for item in items:
        if "postgres" in item.keywords and not ON_POSTGRES:
            item.add_marker(skip_pg)
        if "db_independent" in item.keywords and ON_POSTGRES:
            item.add_marker(skip_own)


ROOT = Path(__file__).resolve().parent.parent
