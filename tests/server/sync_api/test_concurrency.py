"""The pull cursor never skips a change that commits late (DESIGN §5), on a real PostgreSQL.

With a plain sequence, writer A takes number 100, writer B takes 101 and commits first; a
reader then pulls, sees 101 and moves its cursor past it; when A commits, 100 is behind the
cursor and lost forever. These tests play exactly that schedule with committed transactions
on their own connections, so they cannot use the rolled-back ``session`` fixture: they make
their own data and delete it afterwards.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from flask_jwt_extended import create_access_token
from sqlalchemy import orm as so

from server.areas.models import Area
from server.audit.models import AuditEvent
from server.core.changes import record_change
from server.core.extensions import db
from server.registry.models import Household
from server.sync_api.models import ConflictRecord, Device, QuarantinedMutation, SyncMutation
from tests.factories import user
from tests.server.sync_api.wire import PULL, PUSH, household_fields, new_id, now_ms

pytestmark = pytest.mark.postgres


@pytest.fixture
def engine():
    engine = sa.create_engine(os.environ["TEST_DATABASE_URL"])
    yield engine
    engine.dispose()


@pytest.fixture
def made(engine) -> Iterator[dict[str, set[str]]]:
    """Ids of what a test committed, deleted afterwards so later tests see a clean street."""
    ids: dict[str, set[str]] = {"records": set(), "clients": set()}
    yield ids
    with engine.begin() as conn:
        for model, column, key in (
            (SyncMutation, "client_id", "clients"),
            (QuarantinedMutation, "client_id", "clients"),
            (Device, "client_id", "clients"),
            (AuditEvent, "record_id", "records"),
            (ConflictRecord, "record_id", "records"),
            (Household, "id", "records"),
        ):
            table = model.__table__
            if ids[key]:
                conn.execute(sa.delete(table).where(table.c[column].in_(ids[key])))


def _headers(app, username: str, client_id: str) -> dict:
    with app.app_context():
        account = user(username)
        token = create_access_token(
            identity=account, additional_claims={"role": account.role, "device": client_id}
        )
        db.session.remove()
    return {"Authorization": f"Bearer {token}"}


def _pull(app, headers: dict, cursor: str | None) -> dict:
    response = app.test_client().get(PULL, query_string={"cursor": cursor} if cursor else {}, headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.json


def _pull_ids(app, headers: dict, cursor: str | None) -> tuple[set[str], str]:
    ids = set()
    while True:
        page = _pull(app, headers, cursor)
        ids |= {c["id"] for c in page["changes"] if c["entity"] == "household"}
        cursor = page["cursor"]
        if not page["has_more"]:
            return ids, cursor


def _open_writer(engine, grid_code: str, address: str) -> tuple[so.Session, str]:
    """Writer A: a household flushed (its change number taken) but not committed."""
    writer = so.Session(engine)
    grid = writer.scalar(sa.select(Area).where(Area.code == grid_code))
    household = Household(id=new_id(), area_path=grid.path, grid_id=grid.id)
    fields = {"address": address, "head_name": "甲", "grid_id": grid.id}
    record_change(household, fields, f"{now_ms()}:0:writer-a", created=True)
    writer.add(household)
    writer.flush()
    return writer, household.id


def _wait_until_blocked(engine, timeout: float = 3.0) -> bool:
    """True once some backend of this database waits on a lock (writer B queued behind A)."""
    deadline = time.monotonic() + timeout
    with engine.connect() as monitor:
        while time.monotonic() < deadline:
            waiting = monitor.execute(
                sa.text(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND wait_event_type = 'Lock'"
                )
            ).scalar_one()
            if waiting:
                return True
            time.sleep(0.05)
    return False


def test_a_change_committed_after_a_pull_is_in_the_next_pull(app, engine, made):
    reader_id = new_id()
    made["clients"].add(reader_id)
    reader = _headers(app, "worker1", reader_id)
    _, cursor = _pull_ids(app, reader, None)

    writer, household_id = _open_writer(engine, "V1G1W1", "未提交的那户")
    made["records"].add(household_id)
    try:
        during, cursor = _pull_ids(app, reader, cursor)
        assert household_id not in during, "a pull returned an uncommitted change"
        writer.commit()
    finally:
        writer.close()

    after, _ = _pull_ids(app, reader, cursor)
    assert household_id in after


def test_two_writers_committing_out_of_order_are_both_pulled(app, engine, made):
    """A takes its number first, B second; B tries to commit first; the reader pulls between."""
    reader_id, pusher_id = new_id(), new_id()
    made["clients"] |= {reader_id, pusher_id}
    reader = _headers(app, "worker1", reader_id)
    pusher = _headers(app, "worker1", pusher_id)
    _, cursor = _pull_ids(app, reader, None)
    with app.app_context():
        grid_id = db.session.scalar(sa.select(Area.id).where(Area.code == "V1G1W1"))
        db.session.remove()
    b_id = new_id()
    made["records"].add(b_id)
    b_body = {
        "client_id": pusher_id,
        "mutations": [
            {
                "mid": new_id(),
                "entity": "household",
                "id": b_id,
                "op": "upsert",
                "base_version": 0,
                "hlc": f"{now_ms()}:0:{pusher_id}",
                "fields": household_fields(grid_id, address="后开始先提交的那户"),
            }
        ],
    }
    b_answer: dict = {}

    def writer_b():
        response = app.test_client().post(PUSH, json=b_body, headers=pusher)
        b_answer.update(status=response.status_code, body=response.get_json())

    writer_a, a_id = _open_writer(engine, "V1G1W1", "先开始后提交的那户")
    made["records"].add(a_id)
    thread = threading.Thread(target=writer_b, daemon=True)
    try:
        thread.start()
        # B either queues behind A (a counter locked until commit) or, with a plain
        # sequence, commits at once with the higher number: both are fine up to here.
        _wait_until_blocked(engine)
        seen_between, cursor = _pull_ids(app, reader, cursor)
        assert a_id not in seen_between
        writer_a.commit()
    finally:
        writer_a.close()
        thread.join(timeout=30)
    assert not thread.is_alive(), "writer B never finished"
    assert b_answer["status"] == 200, b_answer
    assert b_answer["body"]["results"][0]["status"] == "applied"

    seen_after, _ = _pull_ids(app, reader, cursor)

    assert a_id in seen_after, "the change that committed last, with the lower number, was skipped"
    assert b_id in seen_between | seen_after


def test_many_concurrent_pushes_and_pulls_lose_nothing(app, engine, made):
    """Eight phones push while another pulls in a loop: the puller ends with every household."""
    reader_id = new_id()
    made["clients"].add(reader_id)
    reader = _headers(app, "worker1", reader_id)
    _, cursor = _pull_ids(app, reader, None)
    with app.app_context():
        grid_id = db.session.scalar(sa.select(Area.id).where(Area.code == "V1G1W1"))
        db.session.remove()
    pushed: list[str] = []
    errors: list = []

    def phone(n: int):
        client_id = new_id()
        made["clients"].add(client_id)
        headers = _headers(app, "worker1", client_id)
        test_client = app.test_client()
        for i in range(5):
            record_id = new_id()
            made["records"].add(record_id)
            body = {
                "client_id": client_id,
                "mutations": [
                    {
                        "mid": new_id(),
                        "entity": "household",
                        "id": record_id,
                        "op": "upsert",
                        "base_version": 0,
                        "hlc": f"{now_ms()}:0:{client_id}",
                        "fields": household_fields(grid_id, address=f"并发{n}-{i}号"),
                    }
                ],
            }
            response = test_client.post(PUSH, json=body, headers=headers)
            if response.status_code != 200 or response.json["results"][0]["status"] != "applied":
                errors.append(response.get_json())
            else:
                pushed.append(record_id)

    threads = [threading.Thread(target=phone, args=(n,), daemon=True) for n in range(8)]
    for thread in threads:
        thread.start()
    seen: set[str] = set()
    while any(t.is_alive() for t in threads):
        ids, cursor = _pull_ids(app, reader, cursor)
        seen |= ids
    for thread in threads:
        thread.join(timeout=60)
    ids, _ = _pull_ids(app, reader, cursor)
    seen |= ids

    assert errors == []
    assert len(pushed) == 40
    assert set(pushed) <= seen, f"{len(set(pushed) - seen)} pushed households never pulled"
