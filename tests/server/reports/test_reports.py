"""Reports over REST: who files, who reads what, the status steps, the first-response SLA, and the
urgent path (notifications, webhook, automatic police referral)."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
import sqlalchemy as sa

from server.accounts.models import User
from server.notifications.models import Notification, WebhookDelivery
from server.referrals.models import Referral
from server.reports.models import Report
from tests.factories import make_household, make_minor
from tests.server.sync_api.wire import new_id

REPORTS = "/api/reports"


def _file(client, headers, area_id, kind="bullying", **extra):
    body = {"area_id": area_id, "kind": kind, "description": "放学路上被高年级学生推搡索要钱财", **extra}
    return client.post(REPORTS, json=body, headers=headers)


def _patch(client, report_id: str, headers: dict, body: dict):
    return client.patch(f"{REPORTS}/{report_id}", json=body, headers=headers)


def _notified(session, kind: str) -> set[str]:
    """Usernames that received a notification of this kind."""
    stmt = (
        sa.select(User.username)
        .join(Notification, Notification.user_id == User.id)
        .where(Notification.kind == kind)
    )
    return set(session.scalars(stmt))


@pytest.mark.parametrize(
    ("username", "body", "status", "source"),
    [
        ("sentinel1", {}, 201, "school"),
        ("worker1", {}, 201, "grid_worker"),
        ("village1", {"source": "community"}, 201, "community"),
        (
            "admin",
            {"source": "hotline", "reporter_name": "匿名群众", "reporter_phone": "12345"},
            201,
            "hotline",
        ),
        ("worker1", {"source": "hotline"}, 403, None),
        ("sentinel1", {"source": "grid_worker"}, 422, None),
        ("police1", {}, 403, None),
    ],
)
def test_who_files_what(client, login, grid, username, body, status, source):
    area = grid("V1G1W1") if username != "admin" else grid("V1")
    response = _file(client, login(username), area, **body)
    assert response.status_code == status, response.json
    if source:
        assert response.json["source"] == source and response.json["status"] == "new"


def test_a_sentinel_reads_only_its_own_reports(client, login, grid):
    mine = _file(client, login("sentinel1"), grid("V1")).json["id"]
    theirs = _file(client, login("worker1"), grid("V1G1W1")).json["id"]
    headers = login("sentinel1")
    assert [r["id"] for r in client.get(REPORTS, headers=headers).json] == [mine]
    assert client.get(f"{REPORTS}/{mine}", headers=headers).status_code == 200
    hidden = client.get(f"{REPORTS}/{theirs}", headers=headers)
    assert hidden.status_code == 404 and theirs not in hidden.get_data(as_text=True)
    assert _patch(client, mine, headers, {"status": "acknowledged"}).status_code == 403


def test_a_sentinel_sees_no_registry_link(client, login, grid, session):
    minor = make_minor(make_household())
    session.commit()
    report = _file(client, login("sentinel1"), grid("V1G1W1")).json["id"]
    linked = _patch(client, report, login("village1"), {"minor_id": minor.id})
    assert linked.status_code == 200 and linked.json["minor_name"] == "张小明"
    mine = client.get(f"{REPORTS}/{report}", headers=login("sentinel1")).json
    assert "minor_id" not in mine and "minor_name" not in mine and "referrals" not in mine
    assert minor.id not in client.get(REPORTS, headers=login("sentinel1")).get_data(as_text=True)
    assert mine["status"] == "new" and mine["area_name"] == "红旗村一组一网格"


def test_liaisons_have_no_report_list(client, login, grid):
    report = _file(client, login("worker1"), grid("V1G1W1")).json["id"]
    headers = login("police1")
    assert client.get(REPORTS, headers=headers).status_code == 403
    assert client.get(f"{REPORTS}/{report}", headers=headers).status_code == 403


def test_registry_roles_read_their_area(client, login, grid):
    v1 = _file(client, login("worker1"), grid("V1G1W1")).json["id"]
    v2 = _file(client, login("worker3"), grid("V2G1W1")).json["id"]
    assert {r["id"] for r in client.get(REPORTS, headers=login("admin")).json} >= {v1, v2}
    village1 = [r["id"] for r in client.get(REPORTS, headers=login("village1")).json]
    assert v1 in village1 and v2 not in village1
    assert client.get(f"{REPORTS}/{v2}", headers=login("village1")).status_code == 404
    assert client.get(f"{REPORTS}/{v1}", headers=login("worker2")).status_code == 404
    assert _patch(client, v2, login("village1"), {"status": "acknowledged"}).status_code == 404
    area_filter = client.get(REPORTS, query_string={"area_id": grid("V2")}, headers=login("village1"))
    assert area_filter.status_code == 422


def test_status_steps_forward_only_each_timestamped(client, login, grid, clock):
    report = _file(client, login("worker1"), grid("V1G1W1")).json["id"]
    headers = login("village1")
    assert _patch(client, report, login("worker1"), {"status": "acknowledged"}).status_code == 403
    start = clock.now
    clock.now = start + timedelta(hours=2)
    acknowledged = _patch(client, report, headers, {"status": "acknowledged"}).json
    clock.now = start + timedelta(hours=5)
    resolved = _patch(client, report, headers, {"status": "resolved"}).json
    assert acknowledged["acknowledged_at"].startswith("2026-03-02T10:00")
    assert resolved["referred_at"] == resolved["resolved_at"] and resolved["resolved_at"].startswith(
        "2026-03-02T13:00"
    )
    back = _patch(client, report, headers, {"status": "acknowledged"})
    assert back.status_code == 422 and "status" in back.json["errors"]["json"]
    closed = _patch(client, report, login("admin"), {"status": "closed"})
    assert closed.json["closed_at"] and closed.json["status"] == "closed"


def test_first_response_sla(client, login, grid, clock, session):
    headers = login("village1")
    start = clock.now
    fast = _file(client, login("worker1"), grid("V1G1W1")).json
    slow = _file(client, login("worker1"), grid("V1G1W1")).json
    assert fast["first_response_due"].startswith("2026-03-03T08:00")
    assert (fast["response_seconds"], fast["overdue"]) == (None, False)

    clock.now = start + timedelta(hours=23)
    answered = _patch(client, fast["id"], headers, {"status": "acknowledged"}).json
    assert (answered["response_seconds"], answered["overdue"]) == (23 * 3600, False)

    clock.now = start + timedelta(hours=25)
    waiting = client.get(f"{REPORTS}/{slow['id']}", headers=headers).json
    assert (waiting["response_seconds"], waiting["overdue"]) == (None, True)
    overdue = [r["id"] for r in client.get(REPORTS, query_string={"overdue": "true"}, headers=headers).json]
    assert overdue == [slow["id"]]
    late = _patch(client, slow["id"], headers, {"status": "acknowledged"}).json
    assert (late["response_seconds"], late["overdue"]) == (25 * 3600, True)
    assert client.get(f"{REPORTS}/{fast['id']}", headers=headers).json["overdue"] is False


def test_the_sla_follows_the_street_setting(client, login, grid, clock):
    assert (
        client.patch(
            "/api/settings", json={"red_first_response_hours": 48}, headers=login("admin")
        ).status_code
        == 200
    )
    report = _file(client, login("worker1"), grid("V1G1W1")).json
    assert report["first_response_due"].startswith("2026-03-04T08:00")


def test_a_mandatory_report_alerts_the_village_the_street_and_the_police(
    client, login, grid, session, webhook
):
    response = _file(
        client,
        login("worker1"),
        grid("V1G1W1"),
        kind="injury_malnutrition_abuse",
        description="孩子手臂多处淤青，自述被继父殴打",
    )
    assert response.status_code == 201
    report = response.json
    assert report["mandatory"] is True and report["urgent"] is True
    assert _notified(session, "urgent_report") == {"village1", "admin"}
    notice = client.get("/api/notifications", headers=login("village1")).json[0]
    assert notice["kind"] == "urgent_report" and notice["link"] == f"#/reports/{report['id']}"
    assert notice["title"].startswith("紧急报告") and "红旗村一组一网格" in notice["title"]
    assert client.get("/api/notifications", headers=login("village2")).json == []

    assert len(webhook) == 1
    url, payload = webhook[0]
    assert url == "https://sms.example.test/hook"
    assert payload["kind"] == "injury_malnutrition_abuse" and payload["urgency"] == "urgent"
    assert payload["area"]["name"] == "红旗村一组一网格" and payload["link"].endswith(
        f"#/reports/{report['id']}"
    )
    assert "继父" not in str(payload), "no description leaves the system"
    delivery = session.scalars(
        sa.select(WebhookDelivery).where(WebhookDelivery.record_id == report["id"])
    ).one()
    assert (delivery.status, delivery.attempts) == ("sent", 1)

    referrals = client.get("/api/referrals", headers=login("police1")).json
    assert [(r["to_unit"], r["automatic"], r["status"]) for r in referrals] == [("police", True, "sent")]
    assert referrals[0]["case"]["report"]["kind"] == "injury_malnutrition_abuse"
    assert _notified(session, "referral_received") == {"police1"}
    assert (
        client.get(f"{REPORTS}/{report['id']}", headers=login("admin")).json["referrals"][0]["to_unit"]
        == "police"
    )


def test_an_ordinary_report_alerts_nobody(client, login, grid, session, webhook):
    _file(client, login("sentinel1"), grid("V1"), kind="bullying")
    assert webhook == []
    assert session.scalar(sa.select(sa.func.count()).select_from(Notification)) == 0
    assert session.scalar(sa.select(sa.func.count()).select_from(Referral)) == 0


def test_an_urgent_ordinary_report_alerts_but_is_not_referred(client, login, grid, session, webhook):
    _file(client, login("sentinel1"), grid("V1"), kind="runaway", urgent=True)
    assert len(webhook) == 1 and _notified(session, "urgent_report") == {"village1", "admin"}
    assert session.scalar(sa.select(sa.func.count()).select_from(Referral)) == 0


def test_a_street_level_hotline_report_alerts_the_street_only(client, login, grid, session, webhook):
    response = _file(client, login("admin"), grid("S1"), kind="organised_begging", source="hotline")
    assert response.status_code == 201
    assert _notified(session, "urgent_report") == {"admin"}


def test_a_webhook_failure_is_recorded_and_never_breaks_the_filing(
    client, login, grid, session, app, monkeypatch, caplog
):
    monkeypatch.setitem(app.config, "HUMIAO_WEBHOOK_URL", "https://sms.example.test/hook")

    def refuse(url, payload, timeout):
        raise OSError("connection refused")

    monkeypatch.setattr("server.notifications.webhook.send", refuse)
    with caplog.at_level(logging.WARNING, logger="server.notifications.webhook"):
        response = _file(client, login("worker1"), grid("V1G1W1"), kind="abandoned_no_care")
    assert response.status_code == 201
    assert session.get(Report, response.json["id"]) is not None
    delivery = session.scalars(sa.select(WebhookDelivery)).one()
    assert delivery.status == "failed" and "connection refused" in delivery.last_error
    assert "connection refused" in caplog.text
    assert _notified(session, "urgent_report") == {"village1", "admin"}


def test_no_webhook_configured_sends_nothing(client, login, grid, session, monkeypatch):
    calls = []
    monkeypatch.setattr("server.notifications.webhook.send", lambda *a: calls.append(a))
    _file(client, login("worker1"), grid("V1G1W1"), kind="missing_trafficked")
    assert calls == [] and session.scalar(sa.select(sa.func.count()).select_from(WebhookDelivery)) == 0


def test_a_mandatory_report_synced_from_a_phone_alerts_too(device, grid, session, webhook):
    phone = device("worker1")
    report_id = new_id()
    fields = {
        "source": "grid_worker",
        "area_id": grid("V1G1W1"),
        "kind": "self_harm_death",
        "description": "孩子服药自伤，已送卫生院",
    }
    assert phone.push_one(phone.mutation("report", report_id, fields))["status"] == "applied"
    assert [p["id"] for _, p in webhook] == [report_id]
    assert _notified(session, "urgent_report") == {"village1", "admin"}
    police = session.scalars(sa.select(Referral).where(Referral.report_id == report_id)).one()
    assert (police.to_unit, police.automatic, police.sent_by) == ("police", True, None)


def test_a_report_reclassified_as_mandatory_goes_to_the_police(client, login, grid, session, webhook):
    report = _file(client, login("sentinel1"), grid("V1"), kind="neglect").json["id"]
    assert webhook == []
    changed = _patch(client, report, login("village1"), {"kind": "abandoned_no_care"})
    assert changed.json["mandatory"] is True and changed.json["urgent"] is True
    assert len(webhook) == 1
    assert [r["to_unit"] for r in changed.json["referrals"]] == ["police"]
    lowered = _patch(client, report, login("village1"), {"urgent": False})
    assert lowered.status_code == 422 and "urgent" in lowered.json["errors"]["json"]


def test_a_sentinel_can_name_the_place_it_reports_from(client, login):
    areas = client.get(f"{REPORTS}/areas", headers=login("sentinel1")).json
    assert {(a["level"], a["name"]) for a in areas} == {("village", "红旗村")}  # its own area, no other
    assert client.get(f"{REPORTS}/areas", headers=login("police1")).status_code == 403
