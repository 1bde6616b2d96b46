"""POST /api/sync/push: batches, versions, idempotent replays and clamped clocks (DESIGN §5)."""

from __future__ import annotations

import sqlalchemy as sa

from server.audit.models import AuditEvent
from server.registry.models import Household, Minor
from server.visits.models import Visit
from tests.factories import make_household, user
from tests.server.sync_api.wire import (
    device_row,
    hlc_at,
    household_fields,
    minor_fields,
    new_id,
    now_ms,
    record_versions,
    visit_fields,
)

MINUTE_MS = 60_000
DAY_MS = 24 * 60 * MINUTE_MS


def test_a_household_minor_and_visit_created_in_one_batch_are_applied_at_version_1(device, grid, session):
    phone = device("worker1")
    household_id, minor_id, visit_id = new_id(), new_id(), new_id()
    results = phone.push(
        phone.mutation("household", household_id, household_fields(grid("V1G1W1"))),
        phone.mutation(
            "minor", minor_id, minor_fields(household_id, risk_flags={"add": ["neglect"], "remove": []})
        ),
        phone.mutation(
            "visit", visit_id, visit_fields(minor_id, measures={"add": ["living_aid"], "remove": []})
        ),
    )
    assert [(r["status"], r["version"], r["conflict_ids"], r["errors"]) for r in results] == [
        ("applied", 1, [], {})
    ] * 3
    session.expire_all()
    household = session.get(Household, household_id)
    minor = session.get(Minor, minor_id)
    visit = session.get(Visit, visit_id)
    assert (household.address, household.head_name, household.version) == ("红旗村一组18号", "周大明", 1)
    assert (minor.name, minor.risk_flags, minor.version) == ("周小花", ["neglect"], 1)
    assert minor.area_path == household.area_path
    assert (visit.measures, visit.review_status, visit.version) == (["living_aid"], "submitted", 1)
    assert visit.visitor_id == user("worker1").id


def test_an_edit_on_the_current_version_is_applied_as_the_next_version(device, session):
    household = make_household(notes="旧备注")
    session.commit()
    phone = device("worker1")
    result = phone.push_one(
        phone.mutation("household", household.id, {"notes": "爷爷奶奶照看"}, base=household.version)
    )
    assert (result["status"], result["version"], result["conflict_ids"]) == ("applied", 2, [])
    session.expire_all()
    stored = session.get(Household, household.id)
    assert (stored.notes, stored.version, stored.head_name) == ("爷爷奶奶照看", 2, "张大山")


def test_a_batch_sent_three_times_changes_the_database_once(device, grid, session):
    existing = make_household()
    session.commit()
    phone = device("worker1")
    household_id, minor_id = new_id(), new_id()
    batch = [
        phone.mutation("household", household_id, household_fields(grid("V1G1W1"))),
        phone.mutation(
            "minor", minor_id, minor_fields(household_id, risk_flags={"add": ["bullying"], "remove": []})
        ),
        phone.mutation("household", existing.id, {"notes": "第一次"}, base=1),
        phone.mutation("minor", minor_id, {"risk_flags": {"add": ["runaway"], "remove": []}}, base=1),
        phone.mutation("household", existing.id, {"no_such_field": 1}, base=2),
    ]
    first = phone.push(*batch)
    assert [r["status"] for r in first] == ["applied", "applied", "applied", "applied", "rejected"]
    versions, audit_rows = (
        record_versions(session),
        session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)),
    )
    flags = session.get(Minor, minor_id).risk_flags

    for _ in range(2):
        assert phone.push(*batch) == first
        assert record_versions(session) == versions
        assert session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == audit_rows
        assert session.get(Minor, minor_id).risk_flags == flags == ["bullying", "runaway"]
    count = session.scalar(
        sa.select(sa.func.count()).select_from(Household).where(Household.id == household_id)
    )
    assert count == 1


def test_a_replayed_mutation_answers_its_first_result_whatever_batch_it_comes_in(device, session):
    household = make_household()
    session.commit()
    phone = device("worker1")
    edit = phone.mutation("household", household.id, {"notes": "一"}, base=1)
    first = phone.push_one(edit)
    other = phone.mutation("household", household.id, {"phone": "13812345678"}, base=2)
    again = phone.push(other, edit)
    assert again[1] == first
    assert again[0]["status"] == "applied"
    # A device that lost the answer and then changed the payload still gets the stored result.
    tampered = {**edit, "fields": {"notes": "二"}}
    assert phone.push_one(tampered) == first
    session.expire_all()
    assert session.get(Household, household.id).notes == "一"


def test_the_same_mid_from_another_device_is_another_mutation(device, session):
    household = make_household()
    session.commit()
    a, b = device("worker1"), device("worker1")
    shared_mid = new_id()
    assert (
        a.push_one(a.mutation("household", household.id, {"notes": "甲"}, base=1, mid=shared_mid))["version"]
        == 2
    )
    second = b.push_one(
        b.mutation("household", household.id, {"phone": "13812345678"}, base=2, mid=shared_mid)
    )
    assert (second["status"], second["version"]) == ("applied", 3)
    session.expire_all()
    assert session.get(Household, household.id).phone == "13812345678"


def test_an_hlc_far_in_the_future_is_clamped_and_recorded(device, session):
    household = make_household()
    session.commit()
    ahead = device("worker1")  # a phone whose date is a day ahead
    on_time = device("worker1")
    first = ahead.push_one(
        ahead.mutation(
            "household",
            household.id,
            {"notes": "日期错的手机"},
            base=1,
            hlc=hlc_at(now_ms() + DAY_MS, ahead.client_id),
        )
    )
    assert first["status"] == "applied"
    session.expire_all()
    stored_wall = int(session.get(Household, household.id).field_hlcs["notes"].split(":")[0])
    assert stored_wall <= now_ms() + 5 * MINUTE_MS

    # Truly later, though a day "earlier" than the wrong clock: it must win.
    second = on_time.push_one(
        on_time.mutation(
            "household",
            household.id,
            {"notes": "后来的修改"},
            base=1,
            hlc=hlc_at(now_ms() + 1000, on_time.client_id),
        )
    )
    assert second["status"] in ("merged", "conflict") and second["conflict_ids"], second
    session.expire_all()
    assert session.get(Household, household.id).notes == "后来的修改"
    supervisor = device("village1")
    assert device_row(supervisor, ahead.client_id)["clamped"] == 1
    assert device_row(supervisor, on_time.client_id)["clamped"] == 0


def test_an_hlc_a_little_ahead_is_not_clamped(device, session):
    household = make_household()
    session.commit()
    phone = device("worker1")
    hlc = hlc_at(now_ms() + 4 * MINUTE_MS, phone.client_id)
    assert (
        phone.push_one(phone.mutation("household", household.id, {"notes": "x"}, base=1, hlc=hlc))["status"]
        == "applied"
    )
    session.expire_all()
    assert session.get(Household, household.id).field_hlcs["notes"] == hlc
    assert device_row(device("village1"), phone.client_id)["clamped"] == 0


def test_the_same_mutation_twice_in_one_batch_is_applied_once(device, session):
    household = make_household()
    session.commit()
    phone = device("worker1")
    create = phone.mutation(
        "minor", new_id(), minor_fields(household.id, risk_flags={"add": ["neglect"], "remove": []})
    )
    first, second = phone.push(create, create)
    assert first == second
    assert first["status"] == "applied"
    count = session.scalar(sa.select(sa.func.count()).select_from(Minor).where(Minor.id == create["id"]))
    assert count == 1


def test_a_long_mid_is_either_refused_or_idempotent(device, grid, session):
    # The contract sets no length for a mid; whatever the server does, a replay must not apply twice.
    phone = device("worker1")
    create = phone.mutation("household", new_id(), household_fields(grid("V1G1W1")), mid="m" * 100)
    first = phone.push_one(create)
    again = phone.push_one(create)
    assert again == first, "a replayed mutation got another answer"
