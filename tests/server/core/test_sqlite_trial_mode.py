"""The trial mode holds under light load: SQLite writers wait for each other instead of failing.

A full read of a minor writes an audit row, so every reader is also a writer; with SQLite's
deferred transactions two of them could not both upgrade to writing, and one got "database
is locked" (a 500) at once, whatever the busy timeout.
"""

from __future__ import annotations

import stat
import threading
import uuid
from collections import Counter

import pytest
import sqlalchemy as sa

from server import create_app
from server.config import Config
from server.config import TestConfig as AppConfig
from server.core.extensions import db
from server.migrate import upgrade
from tests.conftest import DEMO_PASSWORD, ON_POSTGRES
from tests.factories import build_world, make_household, make_minor

pytestmark = pytest.mark.skipif(ON_POSTGRES, reason="SQLite's trial mode; PostgreSQL locks rows")

READERS, READS = 8, 25


@pytest.fixture(scope="module")
def trial(app, tmp_path_factory):
    """An app on its own SQLite file, as `humiao serve` runs it (``app`` sets the fast hasher)."""
    folder = tmp_path_factory.mktemp("trial")
    url = f"sqlite:///{folder / 'trial.sqlite3'}"
    upgrade(url)
    application = create_app(AppConfig(database_url=url, instance=folder))
    application.config["RATELIMIT_ENABLED"] = False
    with application.app_context():
        build_world()
        minor = make_minor(make_household("worker1"), "worker1")
        db.session.commit()
        minor_id = minor.id
    return application, minor_id


def _token(application, username: str, device: str) -> str:
    body = {"username": username, "password": DEMO_PASSWORD, "device_id": device}
    response = application.test_client().post("/api/auth/login", json=body)
    assert response.status_code == 200, response.json
    return response.json["access_token"]


def _together(work, count: int) -> Counter:
    statuses: Counter = Counter()
    lock = threading.Lock()
    start = threading.Barrier(count)

    def run(index: int) -> None:
        start.wait()
        for status in work(index):
            with lock:
                statuses[status] += 1

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return statuses


def test_eight_readers_of_a_minor_at_once_all_get_it(trial):
    application, minor_id = trial
    headers = {"Authorization": f"Bearer {_token(application, 'worker1', 'reader')}"}

    def read(_index):
        client = application.test_client()
        return [client.get(f"/api/minors/{minor_id}", headers=headers).status_code for _ in range(READS)]

    assert _together(read, READERS) == Counter({200: READERS * READS})


def test_two_phones_pushing_at_once_are_both_applied(trial):
    application, minor_id = trial
    tokens = [_token(application, "worker1", f"phone-{i}") for i in range(2)]

    def push(index):
        client = application.test_client()
        headers = {"Authorization": f"Bearer {tokens[index]}"}
        statuses = []
        for round_ in range(15):
            mutation = {
                "mid": str(uuid.uuid4()),
                "entity": "minor",
                "id": minor_id,
                "op": "upsert",
                "base_version": 1,
                "hlc": f"{1_700_000_000_000 + round_}:0:phone-{index}",
                "fields": {"school": f"第{index}小学{round_}"},
            }
            body = {"client_id": f"phone-{index}", "mutations": [mutation]}
            statuses.append(client.post("/api/sync/push", json=body, headers=headers).status_code)
        return statuses

    assert _together(push, 2) == Counter({200: 30})


def test_the_keys_and_the_trial_database_are_the_owners_alone(app, tmp_path, monkeypatch):
    for name in ("SECRET_KEY", "JWT_SECRET_KEY", "HUMIAO_FIELD_KEY", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    instance = tmp_path / "instance"

    class Fresh(Config):
        INSTANCE_PATH = instance

    config = Fresh()
    upgrade(config.SQLALCHEMY_DATABASE_URI)
    application = create_app(config)
    with application.app_context():
        db.session.execute(sa.text("SELECT 1"))
    assert stat.S_IMODE(instance.stat().st_mode) == 0o700
    assert stat.S_IMODE((instance / "keys.json").stat().st_mode) == 0o600
    assert stat.S_IMODE((instance / "humiao.sqlite3").stat().st_mode) == 0o600
