"""The assessment scoreboard (督导考核): components, weights, score and rank, by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from server.stats import scoreboard
from tests.factories import make_device
from tests.server.stats.conftest import period_query


@pytest.fixture
def devices(session, street):
    now = datetime.now(UTC)
    make_device("worker1", "w1-phone", last_push_at=now - timedelta(days=2))
    make_device("worker1", "w1-old", last_push_at=now - timedelta(days=40))
    make_device("worker2", "w2-phone", last_push_at=now - timedelta(days=10))
    session.commit()


def test_villages_scored_and_ranked(client, login, street, devices):
    body = client.get(f"/api/stats/scoreboard?{period_query()}", headers=login("admin")).json
    assert body["weights"] == {"visits": 35, "high_risk": 25, "reports": 15, "referrals": 10, "sync": 15}
    v1, v2 = body["villages"]
    assert v1["area"]["code"] == "V1" and v1["rank"] == 1
    assert v1["components"] == {
        "visits": 0.6,
        "high_risk": 0.5,
        "reports": 0.5,
        "referrals": None,
        "sync": 0.5,
    }
    assert v1["score"] == round(100 * (35 * 0.6 + 25 * 0.5 + 15 * 0.5 + 15 * 0.5) / 90, 1)  # 53.9
    assert (v1["overdue_red"], v1["overdue_orange"], v1["red_orange_total"]) == (1, 0, 2)
    assert v1["reports"]["median_response_hours"] == 5.0
    # worker1's latest device counts (2 days); worker2 has been silent for 10 days.
    assert v1["sync"] == {"workers": 2, "recent": 1, "never": 0, "max_days_since_push": 10}
    assert v2["area"]["code"] == "V2" and v2["rank"] == 2
    assert v2["components"] == {
        "visits": 0.5,
        "high_risk": 0.0,
        "reports": 0.0,
        "referrals": None,
        "sync": 0.0,
    }
    assert v2["score"] == round(100 * 35 * 0.5 / 90, 1)  # 19.4
    assert v2["sync"]["never"] == 1


def test_rank_shares_places_and_puts_the_unscored_last():
    rows = [{"score": 50.0}, {"score": None}, {"score": 80.0}, {"score": 50.0}, {"score": 10.0}]
    ranked = scoreboard.rank(rows)
    assert [(r["score"], r["rank"]) for r in ranked] == [
        (80.0, 1),
        (50.0, 2),
        (50.0, 2),
        (10.0, 4),
        (None, None),
    ]


def test_missing_components_scale_the_other_weights():
    weights = {"a": 30, "b": 10}
    assert scoreboard.composite({"a": 1.0, "b": None}, weights) == 100.0
    assert scoreboard.composite({"a": 0.5, "b": 1.0}, weights) == 62.5
    assert scoreboard.composite({"a": None, "b": None}, weights) is None
