"""A sentinel reports only into its own areas, through REST and through sync alike."""

from __future__ import annotations

import pytest

from tests.factories import area
from tests.server.streets import add_second_street, phone

REPORT = {"kind": "bullying", "description": "操场上高年级学生多次推搡低年级学生"}


@pytest.fixture
def county(session):
    add_second_street()
    session.commit()


@pytest.mark.parametrize(
    ("code", "status"), [("V1", 201), ("V1G1W1", 201), ("V2", 422), ("S1", 422), ("S2V1", 422)]
)
def test_a_sentinel_files_only_into_its_areas(client, login, county, code, status):
    response = client.post(
        "/api/reports", json={**REPORT, "area_id": area(code).id}, headers=login("sentinel1")
    )
    assert response.status_code == status, response.get_json()
    if status == 422:
        assert "area_id" in response.json["errors"]["json"]


def test_a_sentinels_phone_files_only_into_its_areas(client, login, county):
    device = phone(client, login, "sentinel1")
    inside, outside = (
        device.mutation("report", device_id, {**REPORT, "source": "school", "area_id": area(code).id})
        for device_id, code in (
            ("6b0f0d4e-0000-4000-8000-000000000001", "V1"),
            ("6b0f0d4e-0000-4000-8000-000000000002", "S2V1"),
        )
    )
    results = device.push(inside, outside)
    assert [r["status"] for r in results] == ["applied", "rejected"]
    assert "area_id" in results[1]["errors"]


def test_a_sentinel_is_offered_only_its_own_places(client, login, county):
    offered = client.get("/api/reports/areas", headers=login("sentinel2")).json
    assert [a["name"] for a in offered] == ["河西村"]


def test_a_sentinels_report_is_still_its_own_after_the_office_links_a_child_elsewhere(
    client, login, session, county
):
    from tests.factories import make_household, make_minor

    minor = make_minor(make_household("worker3", grid="V2G1W1"), "worker3")
    session.commit()
    filed = client.post("/api/reports", json={**REPORT, "area_id": area("V1").id}, headers=login("sentinel1"))
    report = filed.json["id"]
    linked = client.patch(f"/api/reports/{report}", json={"minor_id": minor.id}, headers=login("admin"))
    assert linked.status_code == 200
    # It now lives with the child, in V2: V1's officer no longer reads it, V2's does.
    assert client.get(f"/api/reports/{report}", headers=login("village1")).status_code == 404
    assert client.get(f"/api/reports/{report}", headers=login("village2")).status_code == 200
    mine = client.get(f"/api/reports/{report}", headers=login("sentinel1"))
    assert mine.status_code == 200 and "minor_id" not in mine.json
    pulled = phone(client, login, "sentinel1").pull_all()
    [change] = [c for c in pulled if c["id"] == report]
    assert "minor_id" not in change["data"]
