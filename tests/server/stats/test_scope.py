"""Statistics stay inside the caller's scope: other villages are 404, never numbers."""

from __future__ import annotations

import pytest

from tests.factories import make_area, make_household, make_minor, make_user
from tests.server.stats.conftest import period_query

ENDPOINTS = [
    "overview",
    "areas",
    "workers",
    "reports",
    "referrals",
    "scoreboard",
    "trends",
    "monthly",
    "monthly.html",
    "monthly.xlsx",
]


def _query(endpoint: str, **params) -> str:
    if endpoint == "trends":
        return "&".join(f"{k}={v}" for k, v in {"months": 3, **params}.items())
    if endpoint.startswith("monthly"):
        return "&".join(f"{k}={v}" for k, v in params.items())
    return period_query(**params)


@pytest.mark.parametrize("username", ["worker1", "police1", "sentinel1"])
def test_only_supervisors_read_statistics(client, login, street, username):
    headers = login(username)
    for endpoint in ENDPOINTS:
        assert client.get(f"/api/stats/{endpoint}?{_query(endpoint)}", headers=headers).status_code == 403


def test_anonymous_is_401(client, street):
    assert client.get("/api/stats/overview").status_code == 401


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("code", ["V2", "V2G1W1", "S1"])
def test_a_village_officer_asking_outside_gets_404(client, login, street, world, endpoint, code):
    response = client.get(
        f"/api/stats/{endpoint}?{_query(endpoint, area_id=world['areas'][code])}", headers=login("village1")
    )
    assert response.status_code == 404
    assert set(response.json) <= {"code", "status", "message"}


def test_an_unknown_area_is_404_like_a_foreign_one(client, login, street):
    assert client.get("/api/stats/overview?area_id=999999", headers=login("admin")).status_code == 404


def test_a_village_officer_sees_only_the_village(client, login, street, world):
    headers = login("village1")
    overview = client.get(f"/api/stats/overview?{period_query()}", headers=headers).json
    assert overview["minors_total"] == 4
    assert overview["visits"]["overdue"] == 2
    assert overview["reports"]["open"] == 2  # r1, r2; r3 (V2) and r4 (street level) stay hidden
    areas = client.get(f"/api/stats/areas?{period_query()}", headers=headers).json
    assert [row["area"]["code"] for row in areas["children"]] == ["V1G1"]
    workers = client.get(f"/api/stats/workers?{period_query()}", headers=headers).json
    assert [row["user"]["username"] for row in workers["workers"]] == ["worker1", "worker2"]
    reports = client.get(f"/api/stats/reports?{period_query()}", headers=headers)
    assert reports.json["total"] == 2
    assert street["reports"]["r3"].id not in reports.get_data(as_text=True)
    scoreboard = client.get(f"/api/stats/scoreboard?{period_query()}", headers=headers).json
    assert [row["area"]["code"] for row in scoreboard["villages"]] == ["V1"]
    for endpoint in ENDPOINTS[:-2]:
        text = client.get(f"/api/stats/{endpoint}?{_query(endpoint)}", headers=headers).get_data(as_text=True)
        assert "龙泉村" not in text and "刘洋" not in text, endpoint


def test_a_county_user_over_two_streets(client, login, street, session):
    make_area("S2", "新城街道", "street", None)
    make_area("S2V1", "新城社区", "village", "S2")
    make_area("S2V1G1", "新城社区一组", "group", "S2V1")
    make_area("S2V1G1W1", "新城社区一网格", "grid", "S2V1G1")
    make_user("county1", "street_admin", ["S1", "S2"])
    make_user("worker9", "grid_worker", ["S2V1G1W1"])
    make_minor(make_household("worker9", grid="S2V1G1W1"), "worker9")
    session.commit()
    county = login("county1")
    overview = client.get(f"/api/stats/overview?{period_query()}", headers=county).json
    assert overview["minors_total"] == 6
    areas = client.get(f"/api/stats/areas?{period_query()}", headers=county).json
    assert {row["area"]["code"]: row["minors_total"] for row in areas["children"]} == {"S1": 5, "S2": 1}
    scoreboard = client.get(f"/api/stats/scoreboard?{period_query()}", headers=county).json
    assert [row["area"]["code"] for row in scoreboard["villages"]] == ["V1", "V2", "S2V1"]
    # The admin of S1 alone sees neither S2 nor its minor.
    assert (
        client.get(f"/api/stats/overview?{period_query()}", headers=login("admin")).json["minors_total"] == 5
    )


def test_a_scope_over_every_street_needs_no_path_test(session):
    from server.core.scope import Scope
    from server.stats.target import resolve
    from tests.factories import user

    assert resolve(Scope.of(user("admin")), None).everything is True
    assert resolve(Scope.of(user("village1")), None).everything is False
    make_area("S3", "另一街道", "street", None)
    assert resolve(Scope.of(user("admin")), None).everything is False


def test_a_county_viewer_reads_statistics_only(client, login, street, session):
    make_user("county_view", "county_viewer", ["S1"])
    session.commit()
    headers = login("county_view")
    assert client.get("/api/stats/overview", headers=headers).status_code == 200
    assert client.get("/api/stats/areas", headers=headers).status_code == 200
    for path in (
        "/api/minors",
        "/api/households",
        "/api/visits",
        "/api/ledger.xlsx",
        "/api/reports",
        "/api/sync/pull",
    ):
        assert client.get(path, headers=headers).status_code == 403, path
