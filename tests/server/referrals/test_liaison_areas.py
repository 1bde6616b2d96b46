"""A unit's liaison reads and answers the referrals to its unit within its own areas, nowhere else."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from server.notifications.models import Notification
from tests.factories import user
from tests.server.streets import add_second_street, make_case


@pytest.fixture
def other_street_case(session):
    """A sexual-assault case of street S2, referred to the police automatically."""
    add_second_street()
    session.commit()
    return make_case("S2V1G1W1", name="小雪")


def test_a_liaison_does_not_read_or_accept_another_streets_referral(client, login, other_street_case):
    case = other_street_case
    police1 = login("police1")
    assert client.get("/api/referrals", headers=police1).json == []
    assert client.get(f"/api/referrals/{case.referral}", headers=police1).status_code == 404
    assert client.get(f"/api/referrals/{case.referral}/events", headers=police1).status_code == 404
    accept = client.patch(
        f"/api/referrals/{case.referral}", json={"status": "accepted", "note": "已受理"}, headers=police1
    )
    assert accept.status_code == 404
    police2 = login("police2")
    assert [r["id"] for r in client.get("/api/referrals", headers=police2).json] == [case.referral]
    accepted = client.patch(
        f"/api/referrals/{case.referral}", json={"status": "accepted", "note": "已受理"}, headers=police2
    )
    assert accepted.status_code == 200, accepted.get_json()


def test_only_the_liaisons_of_the_place_hear_of_a_referral(client, login, other_street_case, session):
    told = set(
        session.scalars(
            sa.select(Notification.user_id).where(
                Notification.kind == "referral_received",
                Notification.link == f"#/referrals/{other_street_case.referral}",
            )
        )
    )
    assert told == {user("police2").id}
    assert client.get("/api/notifications", headers=login("police1")).json == []


def test_a_referral_follows_its_child_to_another_street(client, login, session):
    add_second_street()
    session.commit()
    case = make_case("V1G1W1", name="小雪")
    assert client.get(f"/api/referrals/{case.referral}", headers=login("police1")).status_code == 200
    moved = client.patch(
        f"/api/households/{case.household}",
        json={"grid_id": user("worker21").areas[0].id},
        headers=login("mover"),
    )
    assert moved.status_code == 200
    assert client.get(f"/api/referrals/{case.referral}", headers=login("police1")).status_code == 404
    assert client.get(f"/api/referrals/{case.referral}", headers=login("police2")).status_code == 200
    assert client.get(f"/api/referrals/{case.referral}", headers=login("village1")).status_code == 404
    assert client.get(f"/api/referrals/{case.referral}", headers=login("village21")).status_code == 200
