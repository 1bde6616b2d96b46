"""User management stays inside the street admin's street."""

from __future__ import annotations

import pytest

from server.accounts.service import create_user
from server.areas.service import create_area


@pytest.fixture
def other_street_user(session):
    create_area("S2", "河西街道", "street", None)
    create_area("S2V1", "河西村", "village", "S2")
    other = create_user(
        username="other_admin", password="long-password-1", role="village_officer", areas=["S2V1"]
    )
    session.commit()
    return other


def test_a_street_admin_sees_and_manages_only_its_street(client, login, other_street_user):
    admin = login("admin")
    listed = {u["username"] for u in client.get("/api/users?page_size=100", headers=admin).json}
    assert "village1" in listed and "police1" in listed
    assert "other_admin" not in listed
    assert client.get(f"/api/users/{other_street_user.id}", headers=admin).status_code == 404
    patch = client.patch(f"/api/users/{other_street_user.id}", json={"active": False}, headers=admin)
    assert patch.status_code == 404
    assert (
        client.post(
            "/api/auth/login", json={"username": "other_admin", "password": "long-password-1"}
        ).status_code
        == 200
    )


def test_settings_errors_are_chinese_first(client, login):
    response = client.patch(
        "/api/settings", json={"visit_interval_days": {"red": 99}}, headers=login("admin")
    )
    assert response.status_code == 422
    assert "应在1到30之间" in str(response.json["errors"])
