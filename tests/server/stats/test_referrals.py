"""Referral statistics: empty until server/referrals exists, then by unit and status."""

from __future__ import annotations

from datetime import timedelta

import pytest

from server.stats import casework
from tests.factories import area, make_referral
from tests.server.stats.conftest import local_noon, period_query


def test_without_the_referral_model_the_counts_are_empty(client, login, street, monkeypatch):
    monkeypatch.setattr(casework, "referral_model", lambda: None)
    headers = login("admin")
    body = client.get(f"/api/stats/referrals?{period_query()}", headers=headers).json
    assert body["available"] is False and body["total"] == 0
    assert set(body["by_unit"]) == {
        "police",
        "civil_affairs",
        "school",
        "health",
        "justice",
        "youth_league",
        "womens_federation",
    }
    assert all(row["total"] == 0 for row in body["by_unit"].values())
    board = client.get(f"/api/stats/scoreboard?{period_query()}", headers=headers).json
    assert board["referrals_available"] is False and board["units"] == []


@pytest.fixture
def referrals(session, street):
    if casework.referral_model() is None:
        pytest.skip("server/referrals is not migrated yet")
    grid, other = area("V1G1W1"), area("V2G1W1")

    def make(unit, status, where, sent_days, answered_hours=None, done_hours=None):
        sent = local_noon(sent_days)
        make_referral(
            street["minors"]["m1"],
            unit,
            reason="测试",
            status=status,
            area_path=where.path,
            sent_at=sent,
            accepted_at=None if answered_hours is None else sent + timedelta(hours=answered_hours),
            done_at=None if done_hours is None else sent + timedelta(hours=done_hours),
        )

    make("police", "done", grid, -5, answered_hours=1, done_hours=48)
    make("police", "accepted", grid, -3, answered_hours=100)
    make("civil_affairs", "sent", other, -2)
    make("school", "done", grid, -40, answered_hours=1, done_hours=10)  # before the period
    session.commit()


def test_referrals_by_unit_and_status(client, login, referrals):
    body = client.get(f"/api/stats/referrals?{period_query()}", headers=login("admin")).json
    assert body["available"] is True
    assert body["total"] == 3
    assert body["by_status"] == {"sent": 1, "accepted": 1, "in_progress": 0, "done": 1, "declined": 0}
    assert body["by_unit"]["police"] | {} == {
        "total": 2,
        "sent": 0,
        "accepted": 1,
        "in_progress": 0,
        "done": 1,
        "declined": 0,
    }
    assert body["by_unit"]["school"]["total"] == 0
    assert body["median_hours_to_answer"] == 50.5  # 1 and 100
    assert body["median_hours_to_done"] == 48.0


def test_referrals_in_the_scoreboard(client, login, referrals):
    body = client.get(f"/api/stats/scoreboard?{period_query()}", headers=login("admin")).json
    v1 = body["villages"][0]
    assert v1["referrals"] == {"total": 2, "answered_in_time": 1, "median_handling_hours": 48.0}
    assert v1["components"]["referrals"] == 0.5
    units = {row["unit"]: row for row in body["units"]}
    assert units["police"]["received"] == 2 and units["police"]["answered_in_time"] == 1
    assert units["police"]["score"] == round(100 * (0.6 * 0.5 + 0.4 * 0.5), 1)
    assert units["school"]["score"] is None and units["school"]["rank"] is None


def test_a_village_officer_sees_only_the_village_referrals(client, login, referrals):
    body = client.get(f"/api/stats/referrals?{period_query()}", headers=login("village1")).json
    assert body["total"] == 2 and body["by_unit"]["civil_affairs"]["total"] == 0
