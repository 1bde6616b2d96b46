from __future__ import annotations

import json
import logging
from datetime import date

import sqlalchemy as sa

from server.audit.models import AuditEvent
from server.registry.models import Minor
from tests.factories import area, make_household, valid_id_number


def _create_minor(client, headers, household_id, **fields):
    body = {
        "household_id": household_id,
        "name": "刘小军",
        "gender": "male",
        "birth_date": "2013-09-09",
        **fields,
    }
    response = client.post("/api/minors", json=body, headers=headers)
    assert response.status_code == 201, response.json
    return response.json


def test_household_crud_and_search(client, login):
    headers = login("worker1")
    grid = area("V1G1W1").id
    created = client.post(
        "/api/households",
        json={"grid_id": grid, "address": "红旗村一组8号", "head_name": "周大明", "phone": "13812345678"},
        headers=headers,
    )
    assert created.status_code == 201
    hid = created.json["id"]
    assert created.json["version"] == 1
    patched = client.patch(f"/api/households/{hid}", json={"notes": "爷爷奶奶照看"}, headers=headers)
    assert patched.status_code == 200 and patched.json["version"] == 2
    found = client.get("/api/households?q=周大", headers=headers)
    assert [h["id"] for h in found.json] == [hid]
    assert client.get("/api/households?q=不存在的人", headers=headers).json == []
    assert client.delete(f"/api/households/{hid}", headers=headers).status_code == 204
    assert client.get(f"/api/households/{hid}", headers=headers).status_code == 404


def test_household_with_minors_is_not_deleted(client, login):
    headers = login("worker1")
    household = client.post(
        "/api/households",
        json={"grid_id": area("V1G1W1").id, "address": "一组9号", "head_name": "吴刚"},
        headers=headers,
    ).json
    _create_minor(client, headers, household["id"])
    response = client.delete(f"/api/households/{household['id']}", headers=headers)
    assert response.status_code == 409
    assert "未成年人" in response.json["message"]


def test_pagination_header_and_pages(client, login, session):
    headers = login("worker1")
    for i in range(25):
        make_household(address=f"分页村{i:02d}号")
    session.commit()
    first = client.get("/api/households?page=1&page_size=10&q=分页村", headers=headers)
    last = client.get("/api/households?page=3&page_size=10&q=分页村", headers=headers)
    meta = json.loads(first.headers["X-Pagination"])
    assert meta["total"] == 25 and meta["total_pages"] == 3
    assert len(first.json) == 10 and len(last.json) == 5
    assert not {h["id"] for h in first.json} & {h["id"] for h in last.json}


def test_minor_is_classified_on_create(client, login, session):
    headers = login("worker1")
    household = make_household()
    session.commit()
    minor = _create_minor(
        client,
        headers,
        household.id,
        hukou="rural",
        lives_with_parents="neither",
        father_status="migrant_away",
        mother_status="migrant_away",
        caregiver="grandparents",
        caregiver_capable=True,
        birth_date="2016-04-01",
    )
    assert "left_behind" in minor["categories"]
    assert minor["grade_suggested"] == "yellow"
    assert minor["grade"] is None
    assert any("留守" in r["zh"] for r in minor["category_reasons"])


def test_id_number_masked_in_lists_whole_in_audited_detail(client, login, session):
    headers = login("worker1")
    household = make_household()
    session.commit()
    number = valid_id_number(date(2013, 9, 9))
    minor = _create_minor(client, headers, household.id, id_number=number)
    assert "id_number" not in minor
    assert minor["id_number_masked"] == number[:4] + "*" * 12 + number[-2:]
    listing = client.get("/api/minors", headers=headers)
    assert number not in listing.get_data(as_text=True)
    before = session.scalar(sa.select(sa.func.count()).where(AuditEvent.action == "read"))
    detail = client.get(f"/api/minors/{minor['id']}", headers=headers)
    assert detail.json["id_number"] == number
    reads = session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "read", AuditEvent.record_id == minor["id"])
    ).all()
    assert len(reads) == before + 1
    assert reads[-1].device_id == "test-device"
    assert reads[-1].user_id is not None


def test_resident_id_never_stored_or_logged_in_plain_text(client, login, session, caplog):
    caplog.set_level(logging.DEBUG)
    headers = login("worker1")
    household = make_household()
    session.commit()
    number = valid_id_number(date(2013, 9, 9))
    minor = _create_minor(client, headers, household.id, id_number=number)
    client.patch(f"/api/minors/{minor['id']}", json={"school": "红旗小学"}, headers=headers)
    client.get(f"/api/minors/{minor['id']}", headers=headers)
    row = session.execute(sa.select(Minor.__table__).where(Minor.id == minor["id"])).mappings().one()
    assert number not in json.dumps({k: str(v) for k, v in row.items()})
    assert row["id_number_hash"] and len(row["id_number_hash"]) == 64
    audit_rows = session.execute(sa.select(AuditEvent.__table__)).mappings().all()
    assert number not in json.dumps([{k: str(v) for k, v in r.items()} for r in audit_rows])
    assert number not in caplog.text


def test_audit_trail_for_writes(client, login, session):
    headers = login("worker1", device_id="phone-42")
    household = client.post(
        "/api/households",
        json={"grid_id": area("V1G1W1").id, "address": "一组1号", "head_name": "郑强"},
        headers=headers,
    ).json
    minor = _create_minor(client, headers, household["id"])
    client.patch(f"/api/minors/{minor['id']}", json={"school": "红旗小学"}, headers=headers)
    client.delete(f"/api/minors/{minor['id']}", headers=headers)
    events = session.scalars(
        sa.select(AuditEvent)
        .where(AuditEvent.record_id.in_([household["id"], minor["id"]]))
        .order_by(AuditEvent.id)
    ).all()
    assert [(e.entity, e.action) for e in events] == [
        ("household", "create"),
        ("minor", "create"),
        ("minor", "update"),
        ("minor", "delete"),
    ]
    assert {e.device_id for e in events} == {"phone-42"}
    assert events[2].detail == {"fields": ["school"]}


def test_search_minors_by_name_and_address(client, login, session):
    headers = login("worker1")
    household = make_household(address="红旗村三组77号")
    session.commit()
    _create_minor(client, headers, household.id, name="欧阳娜娜")
    by_name = client.get("/api/minors?q=欧阳", headers=headers).json
    by_address = client.get("/api/minors?q=三组77", headers=headers).json
    assert [m["name"] for m in by_name] == ["欧阳娜娜"]
    assert [m["name"] for m in by_address] == ["欧阳娜娜"]


def test_minor_turning_adult_is_archived_not_listed(client, login, session):
    headers = login("worker1")
    household = make_household()
    session.commit()
    minor = _create_minor(client, headers, household.id, birth_date="2007-01-01")
    assert minor["archived"] is True
    assert minor["id"] not in {m["id"] for m in client.get("/api/minors", headers=headers).json}
    archived = client.get("/api/minors?include_archived=true", headers=headers).json
    assert minor["id"] in {m["id"] for m in archived}


def test_openapi_and_health(client):
    spec = client.get("/api/openapi.json")
    assert spec.status_code == 200
    assert "/api/minors" in spec.json["paths"] and "/api/auth/login" in spec.json["paths"]
    assert client.get("/api/docs").status_code == 200
    health = client.get("/healthz")
    assert health.status_code == 200 and health.json["status"] == "ok"
