"""Assistance measures (帮扶措施) of a minor, and red children without one 24 hours after turning red."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from server.core.scope import Scope
from server.measures import service
from server.measures.models import Measure
from server.registry.models import GradeChange
from server.registry.service import set_grade
from tests.factories import make_household, make_minor, user

NOW = datetime.now(UTC)


def _url(minor_id: str) -> str:
    return f"/api/minors/{minor_id}/measures"


@pytest.fixture
def minor(session):
    made = make_minor(make_household("worker1"), "worker1", name="刘小军")
    session.commit()
    return made


def _plan(client, headers, minor_id, **extra):
    body = {
        "kind": "psych_intervention",
        "description": "联系学校心理老师每周辅导一次",
        "responsible_unit": "school",
        "due_date": "2026-04-01",
        **extra,
    }
    return client.post(_url(minor_id), json=body, headers=headers)


def test_registry_roles_in_scope_plan_and_follow_measures(client, login, minor):
    created = _plan(client, login("worker1"), minor.id, responsible_user_id=user("worker1").id)
    assert created.status_code == 201, created.json
    measure = created.json
    assert (measure["status"], measure["responsible_unit"], measure["due_date"]) == (
        "planned",
        "school",
        "2026-04-01",
    )
    url = f"{_url(minor.id)}/{measure['id']}"
    started = client.patch(
        url, json={"status": "in_progress", "notes": "已辅导一次"}, headers=login("village1")
    )
    assert started.status_code == 200 and started.json["started_at"]
    done = client.patch(url, json={"status": "done"}, headers=login("admin")).json
    assert done["done_at"] and done["notes"] == "已辅导一次"
    back = client.patch(url, json={"status": "planned"}, headers=login("admin"))
    assert back.status_code == 422 and "status" in back.json["errors"]["json"]
    assert client.patch(url, json={"description": "改"}, headers=login("admin")).status_code == 422
    assert client.patch(url, json={"notes": "三个月后回访"}, headers=login("admin")).status_code == 200
    listing = client.get(_url(minor.id), headers=login("worker1")).json
    assert [m["id"] for m in listing] == [measure["id"]]
    assert client.get(url, headers=login("worker1")).json["notes"] == "三个月后回访"


def test_measures_are_scoped_and_need_someone_responsible(client, login, minor):
    assert _plan(client, login("worker2"), minor.id).status_code == 404
    assert _plan(client, login("village2"), minor.id).status_code == 404
    assert _plan(client, login("sentinel1"), minor.id).status_code == 403
    assert client.get(_url(minor.id), headers=login("police1")).status_code == 403
    nobody = _plan(client, login("worker1"), minor.id, responsible_unit=None)
    assert nobody.status_code == 422 and "responsible_user_id" in nobody.json["errors"]["json"]
    stranger = _plan(client, login("worker1"), minor.id, responsible_user_id=user("worker3").id)
    assert stranger.status_code == 422 and "responsible_user_id" in stranger.json["errors"]["json"]
    assert _plan(client, login("worker1"), minor.id, kind="magic").status_code == 422
    measure = _plan(client, login("worker1"), minor.id).json["id"]
    other = make_minor(make_household("worker1"), "worker1", name="别人")
    assert client.get(f"{_url(other.id)}/{measure}", headers=login("worker1")).status_code == 404


def _red(session, hours_ago: float, **fields):
    minor = make_minor(
        make_household("worker1"),
        "worker1",
        name=fields.pop("name", "红色儿童"),
        risk_flags=["abuse_suspected"],
        **fields,
    )
    minor.created_at = NOW - timedelta(hours=hours_ago)
    session.commit()
    return minor


def _flagged(scope_user: str, include_upcoming: bool = False) -> dict[str, dict]:
    return {f["minor_id"]: f for f in service.flags(Scope.of(user(scope_user)), NOW, include_upcoming)}


def test_red_without_a_measure_after_24_hours_is_flagged(session):
    late = _red(session, 25, name="超时")
    fresh = _red(session, 2, name="刚变红")
    plain = make_minor(make_household("worker1"), "worker1", name="蓝色")
    plain.created_at = NOW - timedelta(days=30)
    session.commit()
    flagged = _flagged("village1")
    assert set(flagged) == {late.id}
    assert flagged[late.id]["overdue"] and flagged[late.id]["hours_without_measure"] == 25
    assert flagged[late.id]["measure_due"] == NOW - timedelta(hours=1)
    upcoming = _flagged("village1", include_upcoming=True)
    assert set(upcoming) == {late.id, fresh.id} and upcoming[fresh.id]["overdue"] is False
    assert _flagged("village2") == {}


def test_a_measure_clears_the_flag_a_cancelled_one_does_not(client, login, session):
    minor = _red(session, 30)
    measure = _plan(client, login("worker1"), minor.id).json["id"]
    assert minor.id not in _flagged("admin")
    client.patch(f"{_url(minor.id)}/{measure}", json={"status": "cancelled"}, headers=login("worker1"))
    assert minor.id in _flagged("admin")


def test_a_measure_done_before_turning_red_does_not_count(client, login, session):
    minor = make_minor(make_household("worker1"), "worker1", name="后来变红")
    minor.created_at = NOW - timedelta(days=20)
    old = _plan(client, login("worker1"), minor.id).json["id"]
    client.patch(f"{_url(minor.id)}/{old}", json={"status": "done"}, headers=login("worker1"))
    session.get(Measure, old).created_at = NOW - timedelta(days=10)
    officer = Scope.of(user("village1"))
    set_grade(officer, minor, "yellow", "核实")
    set_grade(officer, minor, "red", "发现遭受家暴")
    session.flush()
    raised = session.scalars(sa.select(GradeChange).filter_by(minor_id=minor.id, to_grade="red")).one()
    raised.changed_at = NOW - timedelta(hours=30)
    session.commit()
    flagged = _flagged("village1")
    assert flagged[minor.id]["red_since"] == NOW - timedelta(hours=30)
    assert flagged[minor.id]["hours_without_measure"] == 30
    again = _plan(client, login("worker1"), minor.id).json["id"]
    client.patch(f"{_url(minor.id)}/{again}", json={"status": "done"}, headers=login("worker1"))
    assert minor.id not in _flagged("village1"), "a measure done after turning red counts"


def test_flags_over_http(client, login, session):
    late = _red(session, 24 * 3)
    response = client.get("/api/measures/flags", headers=login("village1"))
    assert response.status_code == 200
    assert [f["minor_id"] for f in response.json] == [late.id]
    assert response.json[0]["overdue"] is True and response.json[0]["grade_suggested"] == "red"
    assert client.get("/api/measures/flags", headers=login("village2")).json == []
    assert client.get("/api/measures/flags", headers=login("sentinel1")).status_code == 403
