"""Referrals (转介): supervisors send, the unit's liaison answers step by step, the sender sees every step,
and a liaison never reads beyond the minimum of the cases sent to its own unit."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from server.audit.models import AuditEvent
from tests.factories import make_household, make_minor, make_visit, valid_id_number

REFERRALS = "/api/referrals"
FORBIDDEN_KEYS = {
    "id_number",
    "id_number_masked",
    "household_id",
    "household",
    "household_address",
    "head_name",
    "phone",
    "visits",
    "minor_id",
    "report_id",
    "area_path",
    "reporter_name",
    "reporter_phone",
}


@pytest.fixture
def case(session):
    """A minor of V1 with a resident ID, a household, a visit and a (non-mandatory) report."""
    household = make_household("worker1", address="红旗村一组7号", head_name="周大山", phone="13800000000")
    minor = make_minor(
        household,
        "worker1",
        name="周小雨",
        gender="female",
        birth_date=date(2015, 4, 1),
        id_number=valid_id_number(date(2015, 4, 1)),
    )
    make_visit(minor, "worker1", summary="家中无人照看")
    session.commit()
    return minor


def _keys(value) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _keys(v)}
    return set()


def _send(client, headers, **body):
    return client.post(
        REFERRALS, json={"to_unit": "police", "reason": "疑似遭受家暴，请派出所介入", **body}, headers=headers
    )


def test_supervisors_send_workers_and_sentinels_cannot(client, login, case):
    for username in ("worker1", "sentinel1", "police1"):
        assert _send(client, login(username), minor_id=case.id).status_code == 403
    sent = _send(client, login("village1"), minor_id=case.id)
    assert sent.status_code == 201, sent.json
    assert sent.json["status"] == "sent" and sent.json["sent_by_name"] == "李秀英"
    assert sent.json["case"]["minor"] == {
        "name": "周小雨",
        "gender": "female",
        "age": sent.json["case"]["minor"]["age"],
        "school_class": None,
        "registered": True,
    }
    assert sent.json["case"]["village"] == "红旗村"


def test_out_of_scope_and_bad_input(client, login, case):
    other = _send(client, login("village2"), minor_id=case.id)
    assert other.status_code == 422 and "minor_id" in other.json["errors"]["json"]
    assert case.name not in other.get_data(as_text=True)
    assert _send(client, login("village1")).status_code == 422
    assert _send(client, login("village1"), minor_id=case.id, to_unit="army").status_code == 422
    assert _send(client, login("village1"), minor_id=case.id, reason="").status_code == 422


def test_a_liaison_sees_the_minimum_of_its_units_cases_only(client, login, case):
    officer = login("village1")
    police = _send(client, officer, minor_id=case.id).json["id"]
    school = _send(client, officer, minor_id=case.id, to_unit="school", reason="长期旷课").json["id"]
    headers = login("police1")
    listing = client.get(REFERRALS, headers=headers)
    assert [r["id"] for r in listing.json] == [police]
    item = client.get(f"{REFERRALS}/{police}", headers=headers).json
    assert item["case"]["minor"]["name"] == "周小雨" and item["case"]["village"] == "红旗村"
    assert item["reason"] == "疑似遭受家暴，请派出所介入"
    for payload in (listing.json, item):
        assert not (_keys(payload) & FORBIDDEN_KEYS), _keys(payload) & FORBIDDEN_KEYS
    text = listing.get_data(as_text=True) + str(item)
    for secret in (
        case.id_number_masked[:6],
        "周大山",
        "13800000000",
        "家中无人照看",
        case.id,
    ):
        assert secret not in text
    hidden = client.get(f"{REFERRALS}/{school}", headers=headers)
    assert hidden.status_code == 404 and "长期旷课" not in hidden.get_data(as_text=True)
    assert client.get(f"{REFERRALS}/{school}/events", headers=headers).status_code == 404
    assert (
        client.patch(f"{REFERRALS}/{school}", json={"status": "accepted"}, headers=headers).status_code == 404
    )
    assert client.get(f"/api/minors/{case.id}", headers=headers).status_code == 403
    assert client.get("/api/visits", headers=headers).status_code == 403


def test_a_liaison_answers_step_by_step_and_the_sender_sees_each(client, login, case):
    referral = _send(client, login("village1"), minor_id=case.id).json["id"]
    police = login("police1")
    no_note = client.patch(f"{REFERRALS}/{referral}", json={"status": "in_progress"}, headers=police)
    assert no_note.status_code == 422  # sent -> in_progress skips accepting
    accepted = client.patch(f"{REFERRALS}/{referral}", json={"status": "accepted"}, headers=police)
    assert accepted.status_code == 200 and accepted.json["accepted_at"]
    silent = client.patch(f"{REFERRALS}/{referral}", json={"status": "in_progress"}, headers=police)
    assert silent.status_code == 422 and "response" in silent.json["errors"]["json"]
    progress = client.patch(
        f"{REFERRALS}/{referral}",
        json={"status": "in_progress", "note": "已出警，约谈监护人"},
        headers=police,
    )
    assert progress.json["started_at"] and progress.json["response"] == "已出警，约谈监护人"
    done = client.patch(
        f"{REFERRALS}/{referral}", json={"status": "done", "note": "已训诫继父并出具告诫书"}, headers=police
    )
    assert done.json["status"] == "done" and done.json["done_at"]
    again = client.patch(f"{REFERRALS}/{referral}", json={"status": "declined", "note": "x"}, headers=police)
    assert again.status_code == 422

    events = client.get(f"{REFERRALS}/{referral}/events", headers=login("village1")).json
    assert [(e["from_status"], e["to_status"]) for e in events] == [
        (None, "sent"),
        ("sent", "accepted"),
        ("accepted", "in_progress"),
        ("in_progress", "done"),
    ]
    assert events[-1]["note"] == "已训诫继父并出具告诫书" and events[-1]["by_name"] == "城关派出所"
    notices = client.get("/api/notifications", headers=login("village1")).json
    assert [n["kind"] for n in notices] == ["referral_updated"] * 3
    assert all(n["link"] == f"#/referrals/{referral}" for n in notices)
    received = client.get("/api/notifications", headers=login("police1")).json
    assert [n["kind"] for n in received] == ["referral_received"]
    assert client.get("/api/notifications", headers=login("school1")).json == []


def test_a_decline_needs_a_reason(client, login, case):
    referral = _send(client, login("admin"), minor_id=case.id, to_unit="school").json["id"]
    headers = login("school1")
    assert (
        client.patch(f"{REFERRALS}/{referral}", json={"status": "declined"}, headers=headers).status_code
        == 422
    )
    declined = client.patch(
        f"{REFERRALS}/{referral}", json={"status": "declined", "note": "该生不在本校就读"}, headers=headers
    )
    assert declined.json["status"] == "declined" and declined.json["declined_at"]


def test_only_the_unit_answers(client, login, case):
    referral = _send(client, login("village1"), minor_id=case.id).json["id"]
    response = client.patch(f"{REFERRALS}/{referral}", json={"status": "accepted"}, headers=login("village1"))
    assert response.status_code == 403


def test_supervisors_read_their_area(client, login, case, session):
    referral = _send(client, login("village1"), minor_id=case.id).json["id"]
    assert [r["id"] for r in client.get(REFERRALS, headers=login("admin")).json] == [referral]
    assert client.get(REFERRALS, headers=login("village2")).json == []
    assert client.get(f"{REFERRALS}/{referral}", headers=login("village2")).status_code == 404
    assert client.get(REFERRALS, headers=login("worker1")).status_code == 403
    assert client.get(REFERRALS, headers=login("sentinel1")).status_code == 403
    full = client.get(f"{REFERRALS}/{referral}", headers=login("admin")).json
    assert full["minor_id"] == case.id and full["area_path"]
    assert session.scalar(sa.select(sa.func.count()).where(AuditEvent.entity == "referral")) == 1


def test_referring_a_report_moves_it_to_referred(client, login, grid, case, session):
    report = client.post(
        "/api/reports",
        json={
            "area_id": grid("V1G1W1"),
            "kind": "neglect",
            "minor_id": case.id,
            "description": "孩子常独自在家",
        },
        headers=login("worker1"),
    ).json
    sent = _send(
        client, login("village1"), report_id=report["id"], to_unit="civil_affairs", reason="申请临时救助"
    )
    assert sent.status_code == 201 and sent.json["minor_id"] == case.id
    after = client.get(f"/api/reports/{report['id']}", headers=login("village1")).json
    assert after["status"] == "referred" and after["acknowledged_at"] and after["referred_at"]
    assert [r["to_unit"] for r in after["referrals"]] == ["civil_affairs"]
    other = make_minor(make_household("worker1"), "worker1", name="别的孩子")
    session.commit()
    mismatch = _send(client, login("village1"), report_id=report["id"], minor_id=other.id)
    assert mismatch.status_code == 422 and "minor_id" in mismatch.json["errors"]["json"]
