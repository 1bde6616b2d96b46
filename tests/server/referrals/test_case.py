"""A referral a member unit can act on (issue 14): where, who reported it and how to reach
them, the child as reported or as registered, and the times; one referral per unit and
report; the unit's answer named ``response`` as DESIGN §3 has it (``note`` still accepted)."""

from __future__ import annotations

from datetime import date

import pytest

from tests.factories import make_household, make_minor

REFERRALS = "/api/referrals"


@pytest.fixture
def village(client, login, session) -> int:
    return next(
        a["id"]
        for a in client.get("/api/reports/areas", headers=login("sentinel1")).json
        if a["level"] == "village"
    )


def _file(client, login, village: int, **fields) -> dict:
    body = {
        "area_id": village,
        "kind": "injury_malnutrition_abuse",
        "description": "学生手臂多处淤青，称被继父打",
        "child_name": "周小雨",
        "child_class": "四年级二班",
        "child_age": 10,
        "place": "红旗村一组7号",
        "reporter_name": "王老师",
        "reporter_phone": "13900000001",
        **fields,
    }
    filed = client.post("/api/reports", json=body, headers=login("sentinel1"))
    assert filed.status_code == 201, filed.json
    return filed.json


def test_the_police_see_where_who_and_how_to_reach_the_reporter(client, login, village):
    report = _file(client, login, village)
    police = login("police1")
    [referral] = client.get(REFERRALS, headers=police).json[:1]
    case = client.get(f"{REFERRALS}/{referral['id']}", headers=police).json["case"]
    assert case["minor"] == {
        "name": "周小雨",
        "gender": None,
        "age": 10,
        "school_class": "四年级二班",
        "registered": False,
    }
    assert case["address"] == "红旗村一组7号"
    assert case["area"].startswith("红旗村")
    reporter = case["report"]["reporter"]
    assert reporter == {
        "source": "school",
        "name": "红旗小学",
        "organisation": "school",
        "contact_name": "王老师",
        "phone": "13900000001",
    }
    assert case["report"]["reported_at"] == report["reported_at"]


def test_a_registered_child_is_shown_with_the_household_address_and_no_id(client, login, village, session):
    household = make_household("worker1", address="红旗村一组9号", head_name="周大山", phone="13800000000")
    minor = make_minor(household, "worker1", name="周小月", gender="female", birth_date=date(2016, 5, 1))
    session.commit()
    report = _file(client, login, village, child_name=None, child_class="三年级", child_age=None, place=None)
    assert (
        client.patch(
            f"/api/reports/{report['id']}", json={"minor_id": minor.id}, headers=login("admin")
        ).status_code
        == 200
    )
    police = login("police1")
    referral = next(
        r for r in client.get(REFERRALS, headers=police).json if r["case"]["minor"]["name"] == "周小月"
    )
    case = referral["case"]
    assert case["minor"]["registered"] and case["minor"]["school_class"] == "三年级"
    assert case["address"] == "红旗村一组9号"
    assert "周大山" not in str(referral) and "13800000000" not in str(referral)


def test_a_report_is_referred_to_one_unit_once(client, login, village):
    report = _file(client, login, village)  # mandatory: the police have it already
    admin = login("admin")
    again = client.post(
        REFERRALS,
        json={"report_id": report["id"], "to_unit": "police", "reason": "请派出所处理"},
        headers=admin,
    )
    assert again.status_code == 422 and "to_unit" in again.json["errors"]["json"]
    school = client.post(
        REFERRALS,
        json={"report_id": report["id"], "to_unit": "school", "reason": "请学校关注"},
        headers=admin,
    )
    assert school.status_code == 201
    twice = client.post(
        REFERRALS, json={"report_id": report["id"], "to_unit": "school", "reason": "再次"}, headers=admin
    )
    assert twice.status_code == 422
    declined = client.patch(
        f"{REFERRALS}/{school.json['id']}",
        json={"status": "declined", "response": "非本校学生"},
        headers=login("school1"),
    )
    assert declined.status_code == 200 and declined.json["response"] == "非本校学生"
    after_decline = client.post(
        REFERRALS,
        json={"report_id": report["id"], "to_unit": "school", "reason": "已核实为本校学生"},
        headers=admin,
    )
    assert after_decline.status_code == 201


def test_the_unit_answers_in_response_and_old_clients_in_note(client, login, village):
    _file(client, login, village)
    police = login("police1")
    referral = client.get(REFERRALS, headers=police).json[0]["id"]
    assert (
        client.patch(f"{REFERRALS}/{referral}", json={"status": "accepted"}, headers=police).status_code
        == 200
    )
    missing = client.patch(f"{REFERRALS}/{referral}", json={"status": "in_progress"}, headers=police)
    assert missing.status_code == 422 and "response" in missing.json["errors"]["json"]
    progress = client.patch(
        f"{REFERRALS}/{referral}", json={"status": "in_progress", "response": "已出警"}, headers=police
    )
    assert progress.status_code == 200 and progress.json["response"] == "已出警"
    old = client.patch(f"{REFERRALS}/{referral}", json={"status": "done", "note": "已告诫"}, headers=police)
    assert old.status_code == 200 and old.json["response"] == "已告诫"
    events = client.get(f"{REFERRALS}/{referral}/events", headers=login("admin")).json
    assert [e["note"] for e in events][-2:] == ["已出警", "已告诫"]
