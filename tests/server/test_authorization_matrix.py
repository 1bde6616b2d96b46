"""Every role x every endpoint x in scope / out of scope -> the expected status, and no leak.

Records live in three grids: V1G1W1 (worker1's), V1G1W2 (worker2's, same village) and V2G1W1
(another village). Each role sees exactly the grids under its area.
"""

from __future__ import annotations

import json

import pytest

from tests.factories import area, make_household, make_minor, make_visit

# Who may call what: the same SQL on any database (the scope property test and test_streets.py
# check the scope filters on PostgreSQL too); the SQLite run covers it.
pytestmark = pytest.mark.db_independent

ROLES = ["worker1", "village1", "admin", "police1", "sentinel1"]
GRIDS = ["V1G1W1", "V1G1W2", "V2G1W1"]
VISIBLE = {
    "worker1": {"V1G1W1"},
    "village1": {"V1G1W1", "V1G1W2"},
    "admin": set(GRIDS),
    "police1": set(),
    "sentinel1": set(),
}
REGISTRY_USERS = {"worker1", "village1", "admin"}
OWNER = {"V1G1W1": "worker1", "V1G1W2": "worker2", "V2G1W1": "worker3"}


@pytest.fixture
def records(session):
    made = {}
    for grid in GRIDS:
        household = make_household(OWNER[grid], grid=grid, address=f"{grid} 测试地址")
        minor = make_minor(household, OWNER[grid], name=f"{grid}儿童")
        visit = make_visit(minor, OWNER[grid])
        made[grid] = {"household": household.id, "minor": minor.id, "visit": visit.id}
    session.commit()
    return made


def _all_ids(records) -> set[str]:
    return {value for grid in records.values() for value in grid.values()}


@pytest.mark.parametrize("username", ROLES)
@pytest.mark.parametrize("collection", ["households", "minors", "visits"])
def test_lists_show_only_the_scope(client, login, records, username, collection):
    response = client.get(f"/api/{collection}?page_size=100", headers=login(username))
    if username not in REGISTRY_USERS:
        assert response.status_code == 403
        return
    assert response.status_code == 200
    kind = collection[:-1]
    expected = {records[g][kind] for g in VISIBLE[username]}
    assert {item["id"] for item in response.json} == expected
    leaked = _all_ids(records) - {records[g][k] for g in VISIBLE[username] for k in records[g]}
    assert not any(i in response.get_data(as_text=True) for i in leaked)


@pytest.mark.parametrize("username", ROLES)
@pytest.mark.parametrize("grid", GRIDS)
@pytest.mark.parametrize("kind", ["household", "minor", "visit"])
def test_item_reads(client, login, records, username, grid, kind):
    record_id = records[grid][kind]
    response = client.get(f"/api/{kind}s/{record_id}", headers=login(username))
    if username not in REGISTRY_USERS:
        assert response.status_code == 403
    elif grid in VISIBLE[username]:
        assert response.status_code == 200
        assert response.json["id"] == record_id
    else:
        assert response.status_code == 404
        assert record_id not in response.get_data(as_text=True)
        assert set(response.json) <= {"code", "status", "message"}


PATCHES = {
    "household": {"notes": "矩阵测试"},
    "minor": {"school": "矩阵测试小学"},
    "visit": {"review_status": "approved"},
}


@pytest.mark.parametrize("username", ROLES)
@pytest.mark.parametrize("grid", GRIDS)
@pytest.mark.parametrize("kind", ["household", "minor", "visit"])
def test_item_writes(client, login, records, username, grid, kind):
    record_id = records[grid][kind]
    response = client.patch(f"/api/{kind}s/{record_id}", json=PATCHES[kind], headers=login(username))
    if username not in REGISTRY_USERS:
        assert response.status_code == 403
    elif grid not in VISIBLE[username]:
        assert response.status_code == 404
    elif kind == "visit" and username == "worker1":
        assert response.status_code == 403  # grid workers never review
    else:
        assert response.status_code == 200, response.json


@pytest.mark.parametrize("username", ROLES)
@pytest.mark.parametrize("grid", GRIDS)
def test_deletes(client, login, records, username, grid):
    headers = login(username)
    minor_id = records[grid]["minor"]
    response = client.delete(f"/api/minors/{minor_id}", headers=headers)
    if username not in REGISTRY_USERS:
        assert response.status_code == 403
    elif grid not in VISIBLE[username]:
        assert response.status_code == 404
    else:
        assert response.status_code == 204
        assert client.get(f"/api/minors/{minor_id}", headers=headers).status_code == 404


@pytest.mark.parametrize("username", ROLES)
@pytest.mark.parametrize("grid", GRIDS)
def test_creates(client, login, records, username, grid):
    headers = login(username)
    household = client.post(
        "/api/households",
        json={"grid_id": area(grid).id, "address": "新地址1号", "head_name": "孙强"},
        headers=headers,
    )
    minor = client.post(
        "/api/minors",
        json={
            "household_id": records[grid]["household"],
            "name": "孙小红",
            "gender": "female",
            "birth_date": "2016-01-01",
        },
        headers=headers,
    )
    visit = client.post(
        "/api/visits",
        json={"minor_id": records[grid]["minor"], "visited_at": "2026-01-05T10:00:00+08:00", "kind": "home"},
        headers=headers,
    )
    for response, field in ((household, "grid_id"), (minor, "household_id"), (visit, "minor_id")):
        if username not in REGISTRY_USERS:
            assert response.status_code == 403
        elif grid in VISIBLE[username]:
            assert response.status_code == 201, response.json
        else:
            assert response.status_code == 422
            assert field in response.json["errors"]["json"]
            assert records[grid]["minor"] not in json.dumps(response.json)


@pytest.mark.parametrize("username", ROLES)
def test_areas(client, login, world, username):
    headers = login(username)
    response = client.get("/api/areas", headers=headers)
    if username not in REGISTRY_USERS:
        assert response.status_code == 403
        return
    codes = {a["code"] for a in response.json}
    grids = {c for c in codes if "W" in c}
    assert grids == VISIBLE[username]
    other_village = world["areas"]["V2G1W1"]
    status = client.get(f"/api/areas/{other_village}", headers=headers).status_code
    assert status == (200 if "V2G1W1" in VISIBLE[username] else 404)


@pytest.mark.parametrize("username", ROLES)
def test_user_management_is_for_street_admins(client, login, username):
    headers = login(username)
    listing = client.get("/api/users", headers=headers)
    create = client.post(
        "/api/users",
        json={
            "username": f"new_{username}",
            "password": "long-password-9",
            "role": "grid_worker",
            "areas": ["V1G1W1"],
        },
        headers=headers,
    )
    if username == "admin":
        assert listing.status_code == 200 and create.status_code == 201
    else:
        assert listing.status_code == 403 and create.status_code == 403
