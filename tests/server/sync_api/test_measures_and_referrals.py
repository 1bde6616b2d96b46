"""Measures (帮扶措施) and referrals (转介) on the phones (issue 14): a worker records a measure
offline and it is pushed like a visit; the pull carries both, in scope, with only what the role
may see."""

from __future__ import annotations

import sqlalchemy as sa

from server.core.scope import Scope
from server.measures.models import Measure
from server.referrals import service as referrals
from server.sync_api.models import QuarantinedMutation, SyncMutation
from tests.factories import make_household, make_measure, make_minor, make_referral, make_report, user
from tests.server.sync_api.wire import by_key, error_keys, error_text, new_id


def measure_fields(minor_id: str, **extra) -> dict:
    return {
        "minor_id": minor_id,
        "kind": "living_aid",
        "description": "申请临时救助，送米面油",
        "responsible_unit": "civil_affairs",
        "due_date": "2026-12-20",
        **extra,
    }


def _quarantined(session, client_id: str) -> list[QuarantinedMutation]:
    return session.scalars(
        sa.select(QuarantinedMutation).where(QuarantinedMutation.client_id == client_id)
    ).all()


def test_a_measure_planned_offline_is_applied_and_a_replay_changes_nothing(device, session):
    minor = make_minor(make_household())
    session.commit()
    phone = device("worker1")
    measure_id = new_id()
    plan = phone.mutation("measure", measure_id, measure_fields(minor.id))
    result = phone.push_one(plan)
    assert (result["status"], result["version"]) == ("applied", 1), result
    session.expire_all()
    stored = session.get(Measure, measure_id)
    assert (stored.minor_id, stored.status, stored.kind, stored.area_path) == (
        minor.id,
        "planned",
        "living_aid",
        minor.area_path,
    )
    assert stored.created_by == user("worker1").id and stored.change_seq > 0

    done = phone.mutation("measure", measure_id, {"status": "done", "notes": "已送到"}, base=1)
    assert phone.push_one(done)["status"] == "applied"
    session.expire_all()
    assert (stored.status, stored.version) == ("done", 2) and stored.done_at is not None

    # The answer was lost: the phone sends the same batch again and gets the same answers.
    again = phone.push(plan, done)
    assert [r["status"] for r in again] == ["applied", "applied"]
    assert [r["version"] for r in again] == [1, 2]
    session.expire_all()
    assert (stored.status, stored.version) == ("done", 2)
    assert (
        session.scalar(sa.select(sa.func.count()).select_from(Measure).where(Measure.id == measure_id)) == 1
    )
    logged = session.scalar(
        sa.select(sa.func.count()).select_from(SyncMutation).where(SyncMutation.client_id == phone.client_id)
    )
    assert logged == 2


def test_a_measure_planned_and_done_before_the_phone_synced_arrives_done(device, session):
    minor = make_minor(make_household())
    session.commit()
    phone = device("worker1")
    measure_id = new_id()
    fields = measure_fields(minor.id, status="done", responsible_user_id=user("worker1").id)
    result = phone.push_one(phone.mutation("measure", measure_id, fields))
    assert result["status"] == "applied", result
    session.expire_all()
    stored = session.get(Measure, measure_id)
    assert stored.status == "done" and stored.done_at is not None
    assert stored.responsible_user_id == user("worker1").id


def test_a_measure_for_a_child_out_of_scope_is_rejected_and_quarantined(device, session):
    elsewhere = make_minor(make_household("worker2", grid="V1G1W2"), "worker2")
    session.commit()
    phone = device("worker1")
    measure_id = new_id()
    result = phone.push_one(phone.mutation("measure", measure_id, measure_fields(elsewhere.id)))
    assert result["status"] == "rejected" and "minor_id" in error_keys(result["errors"]), result
    assert session.get(Measure, measure_id) is None
    [kept] = _quarantined(session, phone.client_id)
    assert kept.mutation["id"] == measure_id and kept.mutation["fields"]["minor_id"] == elsewhere.id

    # Nor can she change a measure of another grid's child: as if it did not exist.
    other = make_measure(elsewhere, "village1")
    session.commit()
    step = phone.push_one(phone.mutation("measure", other.id, {"status": "done"}, base=1))
    assert step["status"] == "rejected" and "id" in error_keys(step["errors"]), step
    session.expire_all()
    assert session.get(Measure, other.id).status == "planned"
    assert len(_quarantined(session, phone.client_id)) == 2


def test_an_invalid_step_of_a_measure_is_rejected_and_quarantined(device, session):
    minor = make_minor(make_household())
    measure = make_measure(minor, "worker1")
    session.commit()
    phone = device("worker1")
    assert phone.push_one(phone.mutation("measure", measure.id, {"status": "cancelled"}, base=1))[
        "status"
    ] == ("applied")
    reopen = phone.push_one(phone.mutation("measure", measure.id, {"status": "in_progress"}, base=2))
    assert reopen["status"] == "rejected" and "status" in error_keys(reopen["errors"]), reopen
    moved = phone.push_one(phone.mutation("measure", measure.id, {"minor_id": new_id()}, base=2))
    assert moved["status"] == "rejected", moved
    assert len(_quarantined(session, phone.client_id)) == 2


def test_two_phones_edit_one_measure_and_the_later_edit_wins_with_a_conflict_record(device, session):
    minor = make_minor(make_household())
    measure = make_measure(minor, "worker1")
    session.commit()
    worker, officer = device("worker1"), device("village1")
    first = officer.push_one(officer.mutation("measure", measure.id, {"notes": "民政已受理"}, base=1))
    second = worker.push_one(worker.mutation("measure", measure.id, {"notes": "米面油已送到"}, base=1))
    assert first["status"] == "applied" and second["status"] == "conflict", (first, second)
    assert len(second["conflict_ids"]) == 1
    session.expire_all()
    assert session.get(Measure, measure.id).notes == "米面油已送到"


def test_a_referral_cannot_be_written_from_a_phone(device, session):
    minor = make_minor(make_household())
    referral = make_referral(minor)
    session.commit()
    officer = device("village1")
    result = officer.push_one(officer.mutation("referral", referral.id, {"status": "done"}, base=1))
    assert result["status"] == "rejected" and "entity" in error_keys(result["errors"]), result
    assert "may not change these records" in error_text(result["errors"])  # known, but read-only
    assert len(_quarantined(session, officer.client_id)) == 1


def test_the_pull_carries_measures_and_referrals_in_scope_only(device, session):
    mine = make_minor(make_household())
    theirs = make_minor(make_household("worker2", grid="V1G1W2"), "worker2")
    my_measure, their_measure = make_measure(mine), make_measure(theirs)
    report = make_report(minor_id=mine.id, urgent=True)
    my_referral = make_referral(mine, "police", report_id=report.id)
    their_referral = make_referral(theirs)
    session.commit()

    pulled = by_key(device("worker1").pull_all())
    assert ("measure", my_measure.id) in pulled and ("measure", their_measure.id) not in pulled
    assert ("referral", my_referral.id) in pulled and ("referral", their_referral.id) not in pulled
    measure = pulled[("measure", my_measure.id)]["data"]
    assert (measure["minor_id"], measure["kind"], measure["status"]) == (mine.id, "living_aid", "planned")
    referral = pulled[("referral", my_referral.id)]["data"]
    assert (referral["minor_id"], referral["report_id"], referral["to_unit"], referral["status"]) == (
        mine.id,
        report.id,
        "police",
        "sent",
    )

    officer = by_key(device("village1").pull_all())
    assert {("measure", my_measure.id), ("measure", their_measure.id)} <= set(officer)
    assert {("referral", my_referral.id), ("referral", their_referral.id)} <= set(officer)
    # Neither reaches another village, a sentinel or anyone without a phone replica.
    assert not {k for k in by_key(device("worker3").pull_all()) if k[0] in ("measure", "referral")}
    assert not {k for k in by_key(device("sentinel1").pull_all()) if k[0] in ("measure", "referral")}


def test_a_grid_worker_sees_where_a_referral_stands_but_not_the_units_answer(device, session):
    minor = make_minor(make_household())
    referral = make_referral(minor, "police")
    session.commit()
    referrals.respond(Scope.of(user("police1")), referral, "accepted", "已受理，民警张三负责，电话138xxxx")
    session.commit()

    worker = by_key(device("worker1").pull_all())[("referral", referral.id)]["data"]
    assert worker["status"] == "accepted" and worker["accepted_at"]
    assert "response" not in worker and "response" not in worker.get("changed_by", {})
    # Never, for any role: the sender, the place, the merge bookkeeping.
    for name in ("sent_by", "area_path", "field_versions", "field_hlcs", "field_authors"):
        assert name not in worker
    officer = by_key(device("village1").pull_all())[("referral", referral.id)]["data"]
    assert officer["response"] == "已受理，民警张三负责，电话138xxxx"
    assert officer["changed_by"]["response"] == "城关派出所"


def test_a_unit_s_answer_and_a_rest_edit_reach_the_phone_at_its_next_pull(device, session, client, login):
    minor = make_minor(make_household())
    measure, referral = make_measure(minor), make_referral(minor, "police")
    session.commit()
    phone = device("worker1")
    phone.pull_all()
    referrals.respond(Scope.of(user("police1")), referral, "accepted", None)
    session.commit()
    answer = client.patch(
        f"/api/minors/{minor.id}/measures/{measure.id}",
        json={"status": "in_progress"},
        headers=login("village1"),
    )
    assert answer.status_code == 200, answer.get_json()
    later = by_key(phone.pull_all())
    assert later[("referral", referral.id)]["data"]["status"] == "accepted"
    assert later[("measure", measure.id)]["data"]["status"] == "in_progress"
    assert later[("measure", measure.id)]["version"] == 2


def test_measures_and_referrals_follow_their_child_to_another_grid(device, grid, session):
    household = make_household()
    minor = make_minor(household)
    measure, referral = make_measure(minor), make_referral(minor)
    session.commit()
    old, new = device("worker1"), device("worker2")
    old.pull_all()
    new.pull_all()
    officer = device("village1")
    moved = officer.push_one(officer.mutation("household", household.id, {"grid_id": grid("V1G1W2")}, base=1))
    assert moved["status"] == "applied", moved

    gone = by_key(old.pull_all())
    for key in (("measure", measure.id), ("referral", referral.id)):
        assert gone[key]["deleted"] is True and gone[key]["data"] == {"left_scope": True}
    arrived = by_key(new.pull_all())
    assert arrived[("measure", measure.id)]["data"]["status"] == "planned"
    assert arrived[("referral", referral.id)]["deleted"] is False
