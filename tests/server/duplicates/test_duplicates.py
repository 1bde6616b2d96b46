"""Duplicate records of one child: found by resident ID or by name + birth date + address, and merged
with every piece of history kept, the grade never lowered, and phones told through sync."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from server.audit.models import AuditEvent
from server.core.scope import Scope
from server.measures.models import Measure
from server.referrals.models import Referral
from server.registry.models import CategoryChange, GradeChange, Minor
from server.registry.service import change_category, set_grade
from server.reports.models import Report
from server.visits.models import Visit
from tests.factories import (
    make_household,
    make_measure,
    make_minor,
    make_referral,
    make_report,
    make_visit,
    user,
    valid_id_number,
)
from tests.server.sync_api.wire import by_key

BIRTH = date(2014, 6, 1)


@pytest.fixture
def pair(session):
    """worker1 and worker2 each registered 马小兰 offline, in two households at the same address."""
    number = valid_id_number(BIRTH)
    kept = make_minor(
        make_household("worker1", address="红旗村一组9号"),
        "worker1",
        name="马小兰",
        gender="female",
        birth_date=BIRTH,
    )
    dropped = make_minor(
        make_household("worker2", grid="V1G1W2", address=" 红旗村一组 9号"),
        "worker2",
        name="马小兰",
        gender="female",
        birth_date=BIRTH,
        id_number=number,
        school="红旗小学",
        risk_flags=["neglect"],
        caregiver="grandparents",
    )
    session.commit()
    return kept, dropped, number


def test_duplicates_are_found_by_name_birth_and_address(client, login, pair):
    kept, dropped, _ = pair
    response = client.get("/api/minors/duplicates", headers=login("village1"))
    assert response.status_code == 200
    [found] = response.json
    assert found["matched_on"] == ["name", "birth_date", "address"]
    assert {r["id"] for r in found["records"]} == {kept.id, dropped.id}
    by_id = {r["id"]: r for r in found["records"]}
    assert by_id[dropped.id]["created_by_name"] == "陈芳" and by_id[kept.id]["visit_count"] == 0
    assert client.get("/api/minors/duplicates", headers=login("village2")).json == []
    assert client.get("/api/minors/duplicates", headers=login("worker1")).status_code == 403


def test_duplicates_are_found_by_resident_id(client, login, session, pair):
    _, dropped, number = pair
    third = make_minor(
        make_household("worker1", address="别处1号"),
        "worker1",
        name="马兰",
        gender="female",
        birth_date=BIRTH,
        id_number=number,
    )
    session.commit()
    found = client.get("/api/minors/duplicates", headers=login("admin")).json
    by_number = [p for p in found if p["matched_on"] == ["id_number"]]
    assert [{r["id"] for r in p["records"]} for p in by_number] == [{dropped.id, third.id}]
    assert "id_number" not in str(found).replace("id_number_masked", "").replace("'id_number'", "")


def _history(session, dropped):
    """Visits, a report, a referral, a measure, a grade and a category change on the dropped record."""
    worker2, officer = Scope.of(user("worker2")), Scope.of(user("village1"))
    visits = [make_visit(dropped, "worker2").id, make_visit(dropped, "worker2").id]
    report = make_report(
        "V1G1W2",
        dropped.created_at,
        source="grid_worker",
        reporter_id=worker2.user.id,
        minor_id=dropped.id,
        kind="neglect",
        description="常独自在家",
        area_path=dropped.area_path,
    )
    make_referral(dropped)
    make_measure(dropped)
    set_grade(officer, dropped, "orange", "祖父母年迈，照护能力弱")
    change_category(officer, dropped, "add", "in_difficulty", "家庭困难")
    session.commit()
    return visits, report.id


def test_merge_moves_all_history_and_fills_what_the_kept_record_lacks(client, login, session, pair, device):
    kept, dropped, _ = pair
    phone = device("village1")
    phone.pull_all()
    visits, report_id = _history(session, dropped)
    officer = phone.headers
    response = client.post(
        "/api/minors/merge",
        json={"keep": kept.id, "drop": dropped.id, "reason": "同一儿童，两名网格员离线重复登记"},
        headers=officer,
    )
    assert response.status_code == 200, response.json
    merged = response.json
    assert (
        merged["id"] == kept.id and merged["school"] == "红旗小学" and merged["caregiver"] == "grandparents"
    )
    assert merged["risk_flags"] == ["neglect"] and merged["id_number_masked"] == dropped.id_number_masked
    assert merged["grade"] == "orange", "a merge never lowers the grade"
    assert merged["last_visit_at"] is not None

    session.expire_all()
    assert set(session.scalars(sa.select(Visit.id).where(Visit.minor_id == kept.id))) == set(visits)
    assert all(session.get(Visit, v).area_path == kept.area_path for v in visits)
    assert session.get(Report, report_id).minor_id == kept.id
    for model in (Referral, Measure, CategoryChange):
        assert session.scalars(sa.select(model.minor_id)).all() == [kept.id]
    grades = session.scalars(
        sa.select(GradeChange).where(GradeChange.minor_id == kept.id).order_by(GradeChange.id)
    ).all()
    assert [g.to_grade for g in grades] == ["orange", "orange"]
    assert grades[-1].reason.startswith("合并重复记录")
    assert session.scalar(sa.select(sa.func.count()).where(GradeChange.minor_id == dropped.id)) == 0
    gone = session.get(Minor, dropped.id)
    assert gone.deleted and client.get(f"/api/minors/{dropped.id}", headers=officer).status_code == 404
    assert session.get(Minor, kept.id).id_number_hash == gone.id_number_hash

    note = session.scalars(
        sa.select(AuditEvent).where(AuditEvent.record_id == dropped.id, AuditEvent.action == "merge")
    ).one()
    assert note.detail["merged_into"] == kept.id and note.detail["moved"]["visits"] == 2

    for record in (kept.id, dropped.id):
        [history] = client.get(f"/api/minors/{record}/merges", headers=officer).json
        assert (history["kept"]["id"], history["dropped"]["id"]) == (kept.id, dropped.id)
        assert (
            history["dropped"]["deleted"] is True and history["reason"] == "同一儿童，两名网格员离线重复登记"
        )
        assert history["moved"]["grade_changes"] == 1 and history["by_name"] == "李秀英"
    assert client.get(f"/api/minors/{dropped.id}/merges", headers=login("village2")).status_code == 404

    changes = by_key(phone.pull_all())
    assert changes[("minor", dropped.id)]["deleted"] is True
    assert changes[("minor", kept.id)]["data"]["school"] == "红旗小学"
    assert all(changes[("visit", v)]["data"]["minor_id"] == kept.id for v in visits)
    assert changes[("report", report_id)]["data"]["minor_id"] == kept.id
    assert client.get("/api/minors/duplicates", headers=officer).json == []


def test_merge_keeps_the_more_severe_grade_of_the_kept_record(client, login, session, pair):
    kept, dropped, _ = pair
    officer = Scope.of(user("village1"))
    set_grade(officer, kept, "red", "疑似遭受虐待")
    set_grade(officer, dropped, "yellow", "留守")
    session.commit()
    merged = client.post(
        "/api/minors/merge",
        json={"keep": kept.id, "drop": dropped.id, "reason": "重复"},
        headers=login("admin"),
    ).json
    assert merged["grade"] == "red"
    assert [
        g.to_grade for g in session.scalars(sa.select(GradeChange).where(GradeChange.minor_id == kept.id))
    ] == ["red", "yellow"]


def test_merge_refusals(client, login, session, pair):
    kept, dropped, _ = pair
    other = make_minor(make_household("worker3", grid="V2G1W1"), "worker3", name="马小兰", birth_date=BIRTH)
    session.commit()

    def merge(username, **body):
        return client.post(
            "/api/minors/merge",
            json={"keep": kept.id, "drop": dropped.id, "reason": "重复", **body},
            headers=login(username),
        )

    assert merge("worker1").status_code == 403
    assert merge("police1").status_code == 403
    assert merge("village1", drop=kept.id).status_code == 422
    assert merge("village1", reason="").status_code == 422
    assert merge("village1", drop=other.id).status_code == 404
    assert merge("village2").status_code == 404
    assert not session.get(Minor, dropped.id).deleted


def test_a_pair_judged_not_one_child_leaves_the_list_with_its_reason(client, login, session, pair):
    kept, dropped, _ = pair
    officer = login("village1")
    body = {"first": dropped.id, "second": kept.id, "reason": "双胞胎姐妹，不是同一人"}
    assert (
        client.post(
            "/api/minors/duplicates/dismissals", json={**body, "reason": " "}, headers=officer
        ).status_code
        == 422
    )
    assert (
        client.post("/api/minors/duplicates/dismissals", json=body, headers=login("worker1")).status_code
        == 403
    )
    assert (
        client.post("/api/minors/duplicates/dismissals", json=body, headers=login("village2")).status_code
        == 404
    )
    dismissed = client.post("/api/minors/duplicates/dismissals", json=body, headers=officer)
    assert dismissed.status_code == 201, dismissed.json
    assert (dismissed.json["minor_a"], dismissed.json["minor_b"]) == tuple(sorted((kept.id, dropped.id)))
    assert client.get("/api/minors/duplicates", headers=officer).json == []
    again = client.post("/api/minors/duplicates/dismissals", json=body, headers=officer)
    assert again.status_code == 201 and again.json["dismissed_at"] == dismissed.json["dismissed_at"]
    assert session.scalar(sa.select(AuditEvent).where(AuditEvent.entity == "duplicate")) is not None
