"""Every account belongs somewhere, and a street admin manages only the accounts wholly in its street."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from server.accounts.models import User, user_area
from server.accounts.service import AccountError, create_user
from tests.factories import user
from tests.server.streets import add_second_street

PASSWORD = "demo-password-1"


@pytest.fixture
def county(session):
    add_second_street()
    # A grid worker who works one grid in each street (a family's two homes): no street admin's alone.
    create_user(username="straddler", password=PASSWORD, role="grid_worker", areas=["V1G1W1", "S2V1G1W1"])
    session.commit()


def _without_areas(session, username: str) -> User:
    """An account as an older version let one be made: no area at all."""
    account = user(username)
    session.execute(sa.delete(user_area).where(user_area.c.user_id == account.id))
    session.commit()
    session.expire_all()
    return user(username)


def test_an_account_spanning_two_streets_is_managed_by_neither_street_admin(client, login, county):
    straddler = user("straddler").id
    for admin in ("admin", "admin2"):
        headers = login(admin)
        assert straddler not in {
            u["id"] for u in client.get("/api/users?page_size=100", headers=headers).json
        }
        assert client.get(f"/api/users/{straddler}", headers=headers).status_code == 404
        reset = client.patch(f"/api/users/{straddler}", json={"password": "taken-over-99"}, headers=headers)
        assert reset.status_code == 404
    login("straddler")  # its password is still its own
    assert (
        client.post(
            "/api/auth/login", json={"username": "straddler", "password": "taken-over-99"}
        ).status_code
        == 401
    )
    # From above both streets it is managed.
    assert client.get(f"/api/users/{straddler}", headers=login("mover")).status_code == 200


def test_a_county_viewer_is_no_street_admins_account(client, login, county):
    viewer = user("county").id
    for admin in ("admin", "admin2"):
        assert client.get(f"/api/users/{viewer}", headers=login(admin)).status_code == 404


def test_accounts_without_an_area_are_listed_and_editable_by_nobody(client, login, county, session):
    liaison = _without_areas(session, "police1")
    headers = login("admin")
    assert liaison.id not in {u["id"] for u in client.get("/api/users?page_size=100", headers=headers).json}
    promote = client.patch(
        f"/api/users/{liaison.id}", json={"role": "street_admin", "areas": ["S2"]}, headers=headers
    )
    assert promote.status_code == 404
    assert (
        client.patch(f"/api/users/{liaison.id}", json={"active": False}, headers=headers).status_code == 404
    )
    # Without an area an account reads nothing: no referral reaches it.
    assert client.get("/api/referrals", headers=login("police1")).json == []


def test_a_street_admin_cannot_make_an_admin_of_another_street(client, login, county):
    headers = login("admin")
    worker = user("worker1").id
    promote = client.patch(
        f"/api/users/{worker}", json={"role": "street_admin", "areas": ["S2"]}, headers=headers
    )
    assert promote.status_code == 422 and "areas" in promote.json["errors"]["json"]
    spread = client.patch(f"/api/users/{worker}", json={"areas": ["V1G1W1", "S2V1G1W1"]}, headers=headers)
    assert spread.status_code == 422
    create = client.post(
        "/api/users",
        json={
            "username": "spy",
            "password": "long-password-9",
            "role": "sentinel",
            "sentinel_kind": "school",
            "areas": ["S2V1"],
        },
        headers=headers,
    )
    assert create.status_code == 422
    assert user("worker1").role == "grid_worker" and [a.code for a in user("worker1").areas] == ["V1G1W1"]


@pytest.mark.parametrize(
    "spec",
    [
        dict(role="unit_liaison", unit="police"),
        dict(role="sentinel", sentinel_kind="school"),
        dict(role="grid_worker"),
        dict(role="county_viewer"),
    ],
    ids=lambda spec: spec["role"],
)
def test_every_role_needs_an_area(session, spec):
    with pytest.raises(AccountError) as refused:
        create_user(username="nowhere", password=PASSWORD, areas=[], **spec)
    assert "areas" in refused.value.errors


def test_a_street_admin_gives_its_liaisons_and_sentinels_areas_of_its_street(client, login, county):
    headers = login("admin")
    for body in (
        {"username": "police9", "role": "unit_liaison", "unit": "police", "areas": ["S1"]},
        {"username": "school9", "role": "sentinel", "sentinel_kind": "school", "areas": ["V2"]},
    ):
        made = client.post("/api/users", json={**body, "password": "long-password-9"}, headers=headers)
        assert made.status_code == 201, made.json
        assert made.json["area_ids"]
    missing = client.post(
        "/api/users",
        json={"username": "police8", "role": "unit_liaison", "unit": "police", "password": "long-password-9"},
        headers=headers,
    )
    assert missing.status_code == 422 and "areas" in missing.json["errors"]["json"]
