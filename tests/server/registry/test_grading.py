"""Grades confirmed by supervisors with reasons, hand-made categories, the due list, street settings."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

from server.registry.models import CategoryChange, GradeChange, Minor
from tests.factories import make_household, make_minor, make_visit

LEFT_BEHIND = dict(
    hukou="rural",
    lives_with_parents="neither",
    father_status="migrant_away",
    mother_status="migrant_away",
    caregiver="grandparents",
    caregiver_capable=True,
)


def _minor(session, **fields) -> Minor:
    minor = make_minor(make_household(), **fields)
    session.commit()
    return minor


def test_grid_worker_sees_the_suggestion_but_cannot_set_a_grade(client, login, session):
    minor = _minor(session, birth_date=date(2016, 3, 1), **LEFT_BEHIND)
    headers = login("worker1")
    detail = client.get(f"/api/minors/{minor.id}", headers=headers).json
    assert detail["grade_suggested"] == "yellow" and detail["grade"] is None
    response = client.post(
        f"/api/minors/{minor.id}/grade", json={"grade": "blue", "reason": "我觉得不严重"}, headers=headers
    )
    assert response.status_code == 403
    assert session.scalar(sa.select(sa.func.count()).where(GradeChange.minor_id == minor.id)) == 0


def test_supervisor_confirms_and_overrides_with_reasons_kept_as_history(client, login, session):
    minor = _minor(session, birth_date=date(2016, 3, 1), **LEFT_BEHIND)
    headers = login("village1")
    confirmed = client.post(
        f"/api/minors/{minor.id}/grade",
        json={"grade": "yellow", "reason": "核实属实，确认黄色"},
        headers=headers,
    )
    assert confirmed.status_code == 200 and confirmed.json["grade"] == "yellow"
    overridden = client.post(
        f"/api/minors/{minor.id}/grade",
        json={"grade": "orange", "reason": "祖父病重，无人照看"},
        headers=headers,
    )
    assert overridden.json["grade"] == "orange"
    assert overridden.json["grade_reason"] == "祖父病重，无人照看"
    history = client.get(f"/api/minors/{minor.id}", headers=headers).json["grade_history"]
    assert [(h["from_grade"], h["to_grade"], h["reason"]) for h in history] == [
        (None, "yellow", "核实属实，确认黄色"),
        ("yellow", "orange", "祖父病重，无人照看"),
    ]
    assert all(h["changed_by"] == history[0]["changed_by"] and h["changed_at"] for h in history)


def test_every_override_needs_a_reason(client, login, session):
    minor = _minor(session)
    headers = login("village1")
    for body in ({"grade": "red"}, {"grade": "red", "reason": ""}, {"grade": "purple", "reason": "x"}):
        response = client.post(f"/api/minors/{minor.id}/grade", json=body, headers=headers)
        assert response.status_code == 422, body
    assert client.get(f"/api/minors/{minor.id}", headers=headers).json["grade"] is None


def test_manual_category_needs_a_reason_and_is_kept(client, login, session):
    minor = _minor(session, birth_date=date(2016, 3, 1), **LEFT_BEHIND)
    headers = login("worker1")
    missing = client.post(
        f"/api/minors/{minor.id}/categories",
        json={"action": "add", "category": "crime_victim"},
        headers=headers,
    )
    assert missing.status_code == 422 and "reason" in missing.json["errors"]["json"]
    added = client.post(
        f"/api/minors/{minor.id}/categories",
        json={"action": "add", "category": "crime_victim", "reason": "派出所通报的案件受害人"},
        headers=headers,
    )
    assert "crime_victim" in added.json["categories"]
    removed = client.post(
        f"/api/minors/{minor.id}/categories",
        json={"action": "remove", "category": "left_behind", "reason": "母亲已返乡，核实中"},
        headers=headers,
    )
    assert "left_behind" not in removed.json["categories"]
    kept = session.scalars(sa.select(CategoryChange).where(CategoryChange.minor_id == minor.id)).all()
    assert [(c.action, c.category) for c in kept] == [("add", "crime_victim"), ("remove", "left_behind")]


def test_logging_a_visit_moves_the_due_date_by_the_grade_interval(client, login, session):
    minor = _minor(session, risk_flags=["self_harm"])
    headers = login("worker1")
    visited = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    created = client.post(
        "/api/visits",
        json={"minor_id": minor.id, "visited_at": visited.isoformat(), "kind": "home", "summary": "情绪低落"},
        headers=headers,
    )
    assert created.status_code == 201
    detail = client.get(f"/api/minors/{minor.id}", headers=headers).json
    assert detail["grade_suggested"] == "red"
    assert detail["next_visit_due"] == "2026-11-23"  # red: every 3 days, until confirmed lower


def test_due_list_is_red_first_then_most_overdue(client, login, session):
    today = datetime.now(UTC)
    blue_old = make_minor(make_household(), name="蓝很久")
    make_visit(blue_old, visited_at=today - timedelta(days=200))
    yellow = make_minor(make_household(), name="黄到期", birth_date=date(2016, 3, 1), **LEFT_BEHIND)
    make_visit(yellow, visited_at=today - timedelta(days=40))
    red = make_minor(make_household(), name="红到期", risk_flags=["abuse_suspected"])
    make_visit(red, visited_at=today - timedelta(days=4))
    fresh = make_minor(make_household(), name="刚走访")
    make_visit(fresh, visited_at=today)
    session.commit()
    response = client.get("/api/minors/due?within=0", headers=login("worker1"))
    names = [m["name"] for m in response.json]
    assert names == ["红到期", "黄到期", "蓝很久"]
    overdue = {m["name"]: m["days_overdue"] for m in response.json}
    assert overdue == {"红到期": 1, "黄到期": 10, "蓝很久": 110}
    counts = client.get("/api/minors/counts", headers=login("worker1")).json
    assert counts["by_grade"]["red"] >= 1 and counts["unconfirmed"] >= 4


def test_due_list_is_scoped(client, login, session):
    other = make_minor(make_household("worker3"), "worker3", name="外村儿童", risk_flags=["runaway"])
    make_visit(other, "worker3", visited_at=datetime.now(UTC) - timedelta(days=30))
    session.commit()
    assert "外村儿童" not in {m["name"] for m in client.get("/api/minors/due", headers=login("worker1")).json}
    assert "外村儿童" in {m["name"] for m in client.get("/api/minors/due", headers=login("admin")).json}


def test_street_setting_change_recomputes_every_minor(client, login, session):
    minor = _minor(
        session,
        birth_date=date.today().replace(year=date.today().year - 15) - timedelta(days=10),
        **LEFT_BEHIND,
    )
    assert "left_behind" in minor.categories
    admin = login("admin")
    refused = client.patch("/api/settings", json={"left_behind_max_age": 14}, headers=login("village1"))
    assert refused.status_code == 403
    response = client.patch("/api/settings", json={"left_behind_max_age": 14}, headers=admin)
    assert response.status_code == 200 and response.json["left_behind_max_age"] == 14
    detail = client.get(f"/api/minors/{minor.id}", headers=admin).json
    assert "left_behind" not in detail["categories"]
    rules = client.get("/api/rules", headers=login("worker1")).json
    assert rules["settings"]["left_behind_max_age"] == 14 and "categories" in rules["rules"]


def test_settings_are_validated(client, login):
    admin = login("admin")
    for body in ({"left_behind_max_age": "16"}, {"unknown_knob": 1}, {"visit_interval_days": {"red": 40}}):
        assert client.patch("/api/settings", json=body, headers=admin).status_code == 422, body
    assert client.get("/api/settings", headers=admin).json["left_behind_max_age"] == 16


def test_interval_change_moves_due_dates(client, login, session):
    minor = _minor(session, risk_flags=["runaway"])
    make_visit(minor, visited_at=datetime(2026, 11, 1, tzinfo=UTC))
    session.commit()
    admin = login("admin")
    assert client.get(f"/api/minors/{minor.id}", headers=admin).json["next_visit_due"] == "2026-11-04"
    client.patch("/api/settings", json={"visit_interval_days": {"red": 2}}, headers=admin)
    assert client.get(f"/api/minors/{minor.id}", headers=admin).json["next_visit_due"] == "2026-11-03"


def test_a_minor_turning_18_is_archived_by_the_daily_refresh_and_kept(client, login, session):
    from server.registry.derive import refresh_all

    birthday = date(2009, 6, 15)
    minor = _minor(session, birth_date=birthday, **LEFT_BEHIND)
    make_visit(minor)
    session.commit()
    refresh_all("/", today=date(2027, 6, 14))
    assert minor.archived_at is None
    refresh_all("/", today=date(2027, 6, 15))
    session.commit()
    headers = login("worker1")
    assert minor.id not in {m["id"] for m in client.get("/api/minors?page_size=100", headers=headers).json}
    kept = client.get(f"/api/minors/{minor.id}", headers=headers)
    assert kept.status_code == 200 and kept.json["archived"] is True
    assert client.get(f"/api/visits?minor_id={minor.id}", headers=headers).json


def test_visit_days_are_the_streets_calendar_days(client, login, session):
    minor = _minor(session, risk_flags=["runaway"])
    early_morning_beijing = "2026-11-20T07:00:00+08:00"  # still the 19th in UTC
    created = client.post(
        "/api/visits",
        json={"minor_id": minor.id, "visited_at": early_morning_beijing, "kind": "home"},
        headers=login("worker1"),
    )
    assert created.status_code == 201
    session.refresh(minor)
    assert minor.last_visit_at == date(2026, 11, 20)
    assert minor.next_visit_due == date(2026, 11, 23)


def test_service_writes_name_their_author_without_a_request(session):
    from server.audit.models import AuditEvent
    from tests.factories import user

    minor = make_minor(make_household())
    session.commit()
    worker = user("worker1")
    assert set(minor.field_authors.values()) == {worker.id}
    event = session.scalars(sa.select(AuditEvent).where(AuditEvent.record_id == minor.id)).one()
    assert event.user_id == worker.id


def test_a_red_child_never_visited_is_due_within_the_first_response_time(session):
    from server.core.localtime import local_today

    minor = _minor(session, risk_flags=["abuse_suspected"])
    assert minor.grade_suggested == "red"
    assert minor.next_visit_due == local_today() + timedelta(days=1)
