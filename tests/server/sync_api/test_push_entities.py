"""Push of each entity's own rules: moves, grades, visits' reviews, reports, ID numbers."""

from __future__ import annotations

import json

import sqlalchemy as sa

from server.registry.models import Minor
from server.sync_api.models import SyncMutation
from server.visits.models import Visit
from tests.factories import make_household, make_minor, make_visit
from tests.server.sync_api.wire import error_keys, new_id


def test_a_supervisor_moves_a_household_to_another_grid_of_the_village(device, grid, session):
    household = make_household()
    minor = make_minor(household)
    session.commit()
    officer = device("village1")
    result = officer.push_one(
        officer.mutation("household", household.id, {"grid_id": grid("V1G1W2")}, base=1)
    )
    assert (result["status"], result["version"]) == ("applied", 2), result
    session.expire_all()
    assert session.get(Minor, minor.id).area_path == "/S1/V1/V1G1/V1G1W2/"


def test_a_supervisor_may_correct_the_grade_reason_alone(device, session):
    minor = make_minor(make_household())
    session.commit()
    officer = device("village1")
    officer.push_one(
        officer.mutation("minor", minor.id, {"grade": "orange", "grade_reason": "父母均外出"}, base=1)
    )
    result = officer.push_one(
        officer.mutation("minor", minor.id, {"grade_reason": "父母均外出务工，祖父年迈"}, base=2)
    )
    assert (result["status"], result["version"]) == ("applied", 3), result
    session.expire_all()
    stored = session.get(Minor, minor.id)
    assert (stored.grade, stored.grade_reason) == ("orange", "父母均外出务工，祖父年迈")


def test_a_grade_set_through_sync_is_kept_in_the_grade_history(device, session):
    from server.registry.models import GradeChange

    minor = make_minor(make_household())
    session.commit()
    officer = device("village1")
    officer.push_one(
        officer.mutation("minor", minor.id, {"grade": "red", "grade_reason": "疑似遭受虐待"}, base=1)
    )
    history = session.scalars(sa.select(GradeChange).where(GradeChange.minor_id == minor.id)).all()
    assert [(h.from_grade, h.to_grade, h.reason) for h in history] == [(None, "red", "疑似遭受虐待")]


def test_a_report_filed_offline_by_a_grid_worker_reaches_the_village_officer(device, grid, session):
    minor = make_minor(make_household())
    session.commit()
    phone = device("worker1")
    report_id = new_id()
    fields = {
        "source": "grid_worker",
        "area_id": grid("V1G1W1"),
        "minor_id": minor.id,
        "kind": "injury_malnutrition_abuse",
        "description": "孩子手臂多处淤青，邻居反映常被打骂",
    }
    result = phone.push_one(phone.mutation("report", report_id, fields))
    assert (result["status"], result["version"]) == ("applied", 1), result
    officer = device("village1")
    pulled = {c["id"]: c for c in officer.pull_all() if c["entity"] == "report"}
    assert pulled[report_id]["data"]["mandatory"] is True
    assert pulled[report_id]["data"]["status"] == "new"
    # Handling the report is the supervisor's: a worker may not move its status.
    step = phone.push_one(phone.mutation("report", report_id, {"status": "acknowledged"}, base=1))
    assert step["status"] == "rejected" and "status" in error_keys(step["errors"])


def test_a_supervisors_review_through_sync_returns_to_the_workers_device(device, session):
    visit = make_visit(make_minor(make_household()))
    session.commit()
    worker, officer = device("worker1"), device("village1")
    worker.pull_all()
    review = {"review_status": "returned", "review_comment": "请补充孩子的学习情况"}
    result = officer.push_one(officer.mutation("visit", visit.id, review, base=1))
    assert (result["status"], result["version"]) == ("applied", 2), result
    pulled = {c["id"]: c for c in worker.pull_all() if c["entity"] == "visit"}
    assert pulled[visit.id]["data"]["review_status"] == "returned"
    assert pulled[visit.id]["data"]["review_comment"] == "请补充孩子的学习情况"
    # Returned: the author may now amend it, which sends it back for review.
    amend = worker.push_one(worker.mutation("visit", visit.id, {"summary": "孩子成绩中等，数学较弱"}, base=2))
    assert amend["status"] == "applied", amend
    session.expire_all()
    stored = session.get(Visit, visit.id)
    assert (stored.summary, stored.review_status) == ("孩子成绩中等，数学较弱", "submitted")


def test_a_worker_may_not_change_a_submitted_visit(device, session):
    visit = make_visit(make_minor(make_household()))
    session.commit()
    worker = device("worker1")
    result = worker.push_one(worker.mutation("visit", visit.id, {"summary": "改一下"}, base=1))
    assert result["status"] == "rejected" and "summary" in error_keys(result["errors"])


def test_an_id_number_pushed_is_stored_encrypted_and_pulled_masked(device, session):
    from datetime import date

    from tests.factories import valid_id_number

    minor = make_minor(make_household(), birth_date=date(2013, 9, 9))
    session.commit()
    number = valid_id_number(date(2013, 9, 9))
    phone = device("worker1")
    response = phone.push_raw(
        {
            "client_id": phone.client_id,
            "mutations": [phone.mutation("minor", minor.id, {"id_number": number}, base=1)],
        }
    )
    assert response.json["results"][0]["status"] == "applied", response.json
    assert number not in response.get_data(as_text=True)
    session.expire_all()
    stored = session.get(Minor, minor.id)
    assert stored.id_number_masked == number[:4] + "*" * 12 + number[-2:]
    assert number not in (stored.id_number_enc or "")
    pulled = phone.pull_raw(limit=1000)
    assert number not in pulled.get_data(as_text=True)
    quarantine_and_log = json.dumps(
        [
            r.result
            for r in session.scalars(sa.select(SyncMutation).where(SyncMutation.client_id == phone.client_id))
        ],
        ensure_ascii=False,
    )
    assert number not in quarantine_and_log
