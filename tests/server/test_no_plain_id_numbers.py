"""No plain resident ID number at rest anywhere (issue 11): the whole database file, its
write-ahead log and the log output are scanned after every write path that takes one.

The paths: a household and child registered over REST, the number changed, the full record
read (audited), children created and edited by a phone's push, a push rejected into
quarantine, an edit of a deleted child kept as a conflict, a ledger imported from Excel, and
two files of one child merged.
"""

from __future__ import annotations

import logging
import time
from datetime import date
from pathlib import Path

import pytest

from server import create_app
from server.audit.models import AuditEvent
from server.config import TestConfig
from server.core.extensions import db
from server.migrate import upgrade
from tests.conftest import DEMO_PASSWORD
from tests.factories import build_world, valid_id_number
from tests.server.ledger.ledger_files import good_row, upload, workbook
from tests.server.sync_api.wire import Device, household_fields, minor_fields, new_id

BIRTH = date(2014, 5, 6)


@pytest.fixture
def fresh(app, tmp_path):
    """An app of its own on a SQLite file, so the file itself can be read afterwards."""
    database = tmp_path / "registry.sqlite3"
    url = f"sqlite:///{database}"
    upgrade(url)
    application = create_app(TestConfig(database_url=url, instance=tmp_path / "instance"))
    with application.app_context():
        build_world()
        db.session.commit()
    yield application, database
    with application.app_context():
        db.engine.dispose()


def bearer(client, username: str, device: str = "desk") -> dict:
    answer = client.post(
        "/api/auth/login", json={"username": username, "password": DEMO_PASSWORD, "device_id": device}
    )
    assert answer.status_code == 200, answer.json
    return {"Authorization": f"Bearer {answer.json['access_token']}"}


def grid_id(client, headers: dict) -> int:
    areas = client.get("/api/areas", headers=headers).json
    return next(a["id"] for a in areas if a["code"] == "V1G1W1")


def register(client, headers: dict, number: str) -> dict:
    household = client.post(
        "/api/households",
        json={"grid_id": grid_id(client, headers), "address": "红旗村一组9号", "head_name": "张三"},
        headers=headers,
    ).json
    minor = client.post(
        "/api/minors",
        json={
            "household_id": household["id"],
            "name": "张小明",
            "gender": "male",
            "birth_date": BIRTH.isoformat(),
            "id_number": number,
        },
        headers=headers,
    )
    assert minor.status_code == 201, minor.json
    return minor.json


def test_every_write_path_leaves_no_plain_id_number(fresh, caplog):
    application, database = fresh
    caplog.set_level(logging.DEBUG)
    client = application.test_client()
    worker, admin = bearer(client, "worker1"), bearer(client, "admin")
    numbers = [valid_id_number(BIRTH) for _ in range(8)]

    # REST: register, change the number, read the full record.
    minor = register(client, worker, numbers[0])
    changed = client.patch(f"/api/minors/{minor['id']}", json={"id_number": numbers[1]}, headers=worker)
    assert changed.status_code == 200, changed.json
    assert client.get(f"/api/minors/{minor['id']}", headers=admin).json["id_number"] == numbers[1]

    # A phone: a household and a child created, a child edited, a rejected edit.
    phone = Device(client, bearer(client, "worker1", "phone-1"), "phone-1", "worker1")
    household_id, child_id = new_id(), new_id()
    gid = grid_id(client, worker)
    results = phone.push(
        phone.mutation("household", household_id, household_fields(gid)),
        phone.mutation(
            "minor",
            child_id,
            minor_fields(household_id, birth_date=BIRTH.isoformat(), id_number=numbers[2]),
        ),
    )
    assert [r["status"] for r in results] == ["applied", "applied"], results
    edited = phone.push_one(phone.mutation("minor", child_id, {"id_number": numbers[3]}, base=1))
    assert edited["status"] == "applied", edited
    rejected = phone.mutation("minor", child_id, {"id_number": numbers[4], "no_such_field": 1}, base=2)
    assert phone.push_one(rejected)["status"] == "rejected"

    # A child deleted at the desk while the phone, offline, edits its number: a conflict.
    doomed = register(client, worker, numbers[5])
    assert client.delete(f"/api/minors/{doomed['id']}", headers=admin).status_code == 204
    late = phone.push_one(phone.mutation("minor", doomed["id"], {"id_number": numbers[6]}, base=1))
    assert late["status"] == "conflict", late

    # An Excel ledger imported as a job, one row refused (job rows keep what each row said).
    application.config["HUMIAO_LEDGER_SYNC_ROWS"] = 1
    rows = [good_row(n=777), good_row(n=778), good_row(n=779)]
    rows[2][5] = "不男不女"
    numbers += [row[7] for row in rows]
    started = upload(client, admin, workbook(rows))
    assert started.status_code == 202, started.json
    job = started.json
    for _ in range(400):
        if job["state"] in ("done", "failed"):
            break
        time.sleep(0.05)
        job = client.get(f"/api/ledger/import/{job['job_id']}", headers=admin).json
    assert (job["state"], job["accepted"], job["rejected"]) == ("done", 2, 1), job

    # Two files of one child, merged.
    twin = register(client, worker, numbers[7])
    pairs = client.get("/api/minors/duplicates", headers=admin).json
    pair = next(p for p in pairs if twin["id"] in {r["id"] for r in p["records"]})
    keep, drop = (r["id"] for r in pair["records"])
    merged = client.post(
        "/api/minors/merge", json={"keep": keep, "drop": drop, "reason": "同一儿童"}, headers=admin
    )
    assert merged.status_code == 200, merged.json

    with application.app_context():
        db.session.remove()
        db.engine.dispose()  # checkpoint: what is at rest is in the file and its WAL
    stored = b"".join(
        path.read_bytes() for path in database.parent.glob(database.name + "*") if path.is_file()
    )
    logged = "\n".join(record.getMessage() for record in caplog.records)
    for number in numbers:
        assert number.encode() not in stored, number
        assert number[:17].encode() not in stored, number
        assert number not in logged, number


def test_the_scan_would_see_a_plain_number(fresh):
    """The scan itself: a number written in plain text is found in the file."""
    application, database = fresh
    number = valid_id_number(BIRTH)
    with application.app_context():
        db.session.add(AuditEvent(action="test", entity="minor", detail={"note": number}))
        db.session.commit()
        db.engine.dispose()
    stored = b"".join(path.read_bytes() for path in Path(database).parent.glob(database.name + "*"))
    assert number.encode() in stored
