"""Field-level three-way merge through HTTP, conflict records and their review (DESIGN §5)."""

from __future__ import annotations

import pytest

from server.registry.models import Household, Minor
from tests.factories import make_household, make_minor, user
from tests.server.sync_api.wire import CONFLICTS, by_key, hlc_at, new_id, now_ms

CONFLICT_KEYS = {
    "id",
    "entity",
    "record_id",
    "field",
    "kind",
    "kept_value",
    "discarded_value",
    "discarded_hlc",
    "discarded_author_id",
    "discarded_author_name",
    "discarded_client_id",
    "kept_hlc",
    "created_at",
    "status",
}


def _conflicts(supervisor, record_id: str | None = None, status: str = "open") -> list[dict]:
    response = supervisor.client.get(CONFLICTS, query_string={"status": status}, headers=supervisor.headers)
    assert response.status_code == 200, response.get_json()
    assert isinstance(response.json, list)
    return [c for c in response.json if record_id is None or c["record_id"] == record_id]


def _household(session, household_id: str) -> Household:
    session.expire_all()
    return session.get(Household, household_id)


@pytest.fixture
def household(session):
    made = make_household(notes="原备注", phone="13800000000")
    session.commit()
    return made


def test_two_devices_editing_different_fields_from_one_base_are_both_applied(device, household, session):
    a, b = device("worker1"), device("worker1")
    first = a.push_one(a.mutation("household", household.id, {"address": "红旗村一组20号"}, base=1))
    second = b.push_one(b.mutation("household", household.id, {"phone": "13912345678"}, base=1))
    assert (first["status"], first["version"]) == ("applied", 2)
    assert (second["status"], second["version"], second["conflict_ids"]) == ("merged", 3, [])
    stored = _household(session, household.id)
    assert (stored.address, stored.phone, stored.version) == ("红旗村一组20号", "13912345678", 3)


@pytest.mark.parametrize("later_arrives", ["first", "second"])
def test_the_same_field_edited_on_two_devices_keeps_the_later_hlc(device, household, session, later_arrives):
    # Two people: a worker's own two phones are hers alone (test_conflict_queue.py).
    early, late = device("worker1"), device("village1")
    t = now_ms()
    early_edit = early.mutation(
        "household", household.id, {"notes": "早"}, base=1, hlc=hlc_at(t - 2000, early.client_id)
    )
    late_edit = late.mutation(
        "household", household.id, {"notes": "晚"}, base=1, hlc=hlc_at(t - 1000, late.client_id)
    )
    order = [late, early] if later_arrives == "first" else [early, late]
    edits = {early: early_edit, late: late_edit}
    first, second = (phone.push_one(edits[phone]) for phone in order)

    assert first["status"] == "applied"
    assert second["status"] == "conflict" and len(second["conflict_ids"]) == 1, second
    assert _household(session, household.id).notes == "晚"

    [conflict] = _conflicts(device("village1"), household.id)
    assert set(conflict) >= CONFLICT_KEYS
    assert conflict["id"] == second["conflict_ids"][0]
    assert (conflict["entity"], conflict["field"], conflict["kind"], conflict["status"]) == (
        "household",
        "notes",
        "field",
        "open",
    )
    assert (conflict["kept_value"], conflict["discarded_value"]) == ("晚", "早")
    assert conflict["discarded_hlc"] == early_edit["hlc"]
    assert conflict["kept_hlc"] == late_edit["hlc"]
    assert conflict["discarded_client_id"] == early.client_id
    assert conflict["discarded_author_id"] == user("worker1").id
    assert conflict["discarded_author_name"] == "王建国"
    assert conflict["created_at"]


def test_grid_workers_may_not_read_conflicts(device, client):
    worker = device("worker1")
    assert client.get(CONFLICTS, query_string={"status": "open"}, headers=worker.headers).status_code == 403


def test_conflicts_are_listed_only_in_the_supervisors_area(device, household, session):
    a, b = device("worker1"), device("village1")
    a.push_one(a.mutation("household", household.id, {"notes": "甲"}, base=1))
    [conflict_id] = b.push_one(b.mutation("household", household.id, {"notes": "乙"}, base=1))["conflict_ids"]
    assert [c["id"] for c in _conflicts(device("village1"), household.id)] == [conflict_id]
    assert [c["id"] for c in _conflicts(device("admin"), household.id)] == [conflict_id]
    other = device("village2")
    assert _conflicts(other, household.id) == []
    for action in ("restore", "dismiss"):
        response = other.client.post(f"{CONFLICTS}/{conflict_id}/{action}", headers=other.headers)
        assert response.status_code == 404, (action, response.status_code)


def test_a_merge_never_lowers_a_grade(device, session):
    minor = make_minor(make_household())
    session.commit()
    officer, admin = device("village1"), device("admin")
    t = now_ms()
    red = officer.mutation(
        "minor",
        minor.id,
        {"grade": "red", "grade_reason": "疑似遭受虐待"},
        base=1,
        hlc=hlc_at(t - 5000, officer.client_id),
    )
    assert officer.push_one(red)["status"] == "applied"
    # A stale offline edit, later by the clock, would lower the grade: severity wins over time.
    blue = admin.mutation(
        "minor",
        minor.id,
        {"grade": "blue", "grade_reason": "情况稳定"},
        base=1,
        hlc=hlc_at(t - 1000, admin.client_id),
    )
    result = admin.push_one(blue)
    assert result["status"] == "conflict" and result["conflict_ids"]
    session.expire_all()
    stored = session.get(Minor, minor.id)
    assert (stored.grade, stored.grade_reason) == ("red", "疑似遭受虐待")
    conflicts = _conflicts(officer, minor.id)
    grade_conflicts = [c for c in conflicts if c["field"] == "grade"]
    assert [(c["kept_value"], c["discarded_value"]) for c in grade_conflicts] == [("red", "blue")]
    # A conflict record must never claim the server kept a value it does not hold.
    for conflict in conflicts:
        assert conflict["kept_value"] == getattr(stored, conflict["field"]), conflict


def test_set_fields_edited_on_two_devices_merge_without_conflict(device, session):
    minor = make_minor(make_household(), risk_flags=["neglect"])
    session.commit()
    a, b = device("worker1"), device("worker1")
    first = a.push_one(
        a.mutation("minor", minor.id, {"risk_flags": {"add": ["bullying"], "remove": []}}, base=1)
    )
    second = b.push_one(
        b.mutation("minor", minor.id, {"risk_flags": {"add": ["runaway"], "remove": ["neglect"]}}, base=1)
    )
    assert first["status"] == "applied"
    assert (second["status"], second["conflict_ids"]) == ("merged", [])
    session.expire_all()
    assert sorted(session.get(Minor, minor.id).risk_flags) == ["bullying", "runaway"]
    assert _conflicts(device("village1"), minor.id) == []


def test_a_stale_delete_is_a_conflict_and_the_record_stays(device, household, session):
    # Two people: a worker's delete against her own other phone's edit is hers alone
    # (test_conflict_queue.py).
    editor, deleter = device("village1"), device("worker1")
    assert (
        editor.push_one(editor.mutation("household", household.id, {"notes": "新情况"}, base=1))["version"]
        == 2
    )
    result = deleter.push_one(deleter.delete("household", household.id, base=1))
    assert result["status"] == "conflict" and result["conflict_ids"]
    stored = _household(session, household.id)
    assert stored.deleted_at is None and stored.notes == "新情况"
    [conflict] = _conflicts(device("village1"), household.id)
    assert (conflict["kind"], conflict["discarded_client_id"]) == ("stale_delete", deleter.client_id)
    change = by_key(editor.pull_all())[("household", household.id)]
    assert change["deleted"] is False


def test_an_edit_of_a_deleted_record_is_a_conflict_and_not_applied(device, household, session):
    deleter, editor = device("village1"), device("worker1")
    assert deleter.push_one(deleter.delete("household", household.id, base=1))["status"] == "applied"
    result = editor.push_one(editor.mutation("household", household.id, {"notes": "还在这里住"}, base=1))
    assert result["status"] == "conflict" and result["conflict_ids"]
    stored = _household(session, household.id)
    assert stored.deleted_at is not None and stored.notes == "原备注"
    [conflict] = _conflicts(device("village1"), household.id)
    assert (conflict["kind"], conflict["field"], conflict["discarded_value"]) == (
        "edit_deleted",
        "notes",
        "还在这里住",
    )


def test_a_delete_on_the_current_version_is_soft_and_syncs_as_a_tombstone(device, household, session):
    phone = device("worker1")
    phone.pull_all()
    result = phone.push_one(phone.delete("household", household.id, base=1))
    assert (result["status"], result["version"]) == ("applied", 2)
    stored = _household(session, household.id)
    assert stored is not None and stored.deleted_at is not None
    change = by_key(phone.pull_all())[("household", household.id)]
    assert (change["deleted"], change["version"]) == (True, 2)


def _lost_edit(device, household) -> tuple[dict, object]:
    """worker1 and her officer edit the notes; the earlier value, hers, is discarded."""
    a, b = device("village1"), device("worker1")
    t = now_ms()
    a.push_one(
        a.mutation("household", household.id, {"notes": "后改的"}, base=1, hlc=hlc_at(t - 1000, a.client_id))
    )
    result = b.push_one(
        b.mutation("household", household.id, {"notes": "先改的"}, base=1, hlc=hlc_at(t - 2000, b.client_id))
    )
    [conflict_id] = result["conflict_ids"]
    return conflict_id, b  # the worker's phone


def test_restoring_a_conflict_brings_the_discarded_value_back_and_syncs_it(device, household, session):
    conflict_id, phone = _lost_edit(device, household)
    phone.pull_all()
    version_before = _household(session, household.id).version
    officer = device("village1")

    response = officer.client.post(f"{CONFLICTS}/{conflict_id}/restore", headers=officer.headers)

    assert response.status_code == 200, response.get_json()
    assert response.json["status"] == "restored"
    stored = _household(session, household.id)
    assert stored.notes == "先改的"
    assert stored.version == version_before + 1
    change = by_key(phone.pull_all())[("household", household.id)]
    assert (change["data"]["notes"], change["version"]) == ("先改的", version_before + 1)
    assert _conflicts(officer, household.id) == []
    assert [c["id"] for c in _conflicts(officer, household.id, status="restored")] == [conflict_id]


def test_dismissing_a_conflict_keeps_the_value_and_closes_it(device, household, session):
    conflict_id, _ = _lost_edit(device, household)
    version_before = _household(session, household.id).version
    officer = device("village1")

    response = officer.client.post(f"{CONFLICTS}/{conflict_id}/dismiss", headers=officer.headers)

    assert response.status_code == 200, response.get_json()
    assert response.json["status"] == "dismissed"
    stored = _household(session, household.id)
    assert (stored.notes, stored.version) == ("后改的", version_before)
    assert _conflicts(officer, household.id) == []


def test_grid_workers_may_not_restore_or_dismiss(device, household):
    conflict_id, worker = _lost_edit(device, household)
    for action in ("restore", "dismiss"):
        response = worker.client.post(f"{CONFLICTS}/{conflict_id}/{action}", headers=worker.headers)
        assert response.status_code == 403, (action, response.status_code)


def test_an_unknown_conflict_is_404(device):
    officer = device("village1")
    response = officer.client.post(f"{CONFLICTS}/{new_id()}/restore", headers=officer.headers)
    assert response.status_code == 404


def test_a_more_severe_grade_arriving_late_wins_with_its_own_reason(device, session):
    minor = make_minor(make_household())
    session.commit()
    officer, admin = device("village1"), device("admin")
    t = now_ms()
    red = officer.mutation(
        "minor",
        minor.id,
        {"grade": "red", "grade_reason": "发现身上有伤"},
        base=1,
        hlc=hlc_at(t - 5000, officer.client_id),
    )
    orange = admin.mutation(
        "minor",
        minor.id,
        {"grade": "orange", "grade_reason": "一对一帮扶"},
        base=1,
        hlc=hlc_at(t - 1000, admin.client_id),
    )
    assert admin.push_one(orange)["status"] == "applied"
    # The officer's phone was offline: its red grade is older by the clock but more severe.
    result = officer.push_one(red)
    assert result["status"] == "conflict", result
    session.expire_all()
    stored = session.get(Minor, minor.id)
    assert (stored.grade, stored.grade_reason) == ("red", "发现身上有伤")
    [grade_conflict] = [c for c in _conflicts(officer, minor.id) if c["field"] == "grade"]
    assert (grade_conflict["kept_value"], grade_conflict["discarded_value"]) == ("red", "orange")


def test_a_grade_sent_to_a_deleted_minor_changes_not_even_its_reason(device, session):
    minor = make_minor(make_household())
    session.commit()
    officer = device("village1")
    officer.push_one(
        officer.mutation("minor", minor.id, {"grade": "red", "grade_reason": "发现身上有伤"}, base=1)
    )
    admin = device("admin")
    assert admin.push_one(admin.delete("minor", minor.id, base=2))["status"] == "applied"

    # The same grade again, with a new reason, from a phone that has not heard of the delete.
    late = officer.mutation("minor", minor.id, {"grade": "red", "grade_reason": "复查仍有伤"}, base=2)
    result = officer.push_one(late)

    session.expire_all()
    stored = session.get(Minor, minor.id)
    assert (stored.grade_reason, stored.version) == ("发现身上有伤", 3)
    [conflict] = [c for c in _conflicts(officer, minor.id) if c["id"] in result["conflict_ids"]]
    assert (conflict["kind"], conflict["field"], conflict["discarded_value"]) == (
        "edit_deleted",
        "grade_reason",
        "复查仍有伤",
    )


def test_restoring_a_stale_delete_deletes_the_record_everywhere(device, household, session):
    editor, deleter = device("worker1"), device("worker1")
    editor.push_one(editor.mutation("household", household.id, {"notes": "新情况"}, base=1))
    [conflict_id] = deleter.push_one(deleter.delete("household", household.id, base=1))["conflict_ids"]
    editor.pull_all()
    officer = device("village1")

    response = officer.client.post(f"{CONFLICTS}/{conflict_id}/restore", headers=officer.headers)

    assert response.status_code == 200, response.get_json()
    assert _household(session, household.id).deleted_at is not None
    assert by_key(editor.pull_all())[("household", household.id)]["deleted"] is True


def test_restoring_an_edit_of_a_deleted_record_brings_it_back_with_the_edit(device, household, session):
    deleter, editor = device("worker1"), device("worker1")
    deleter.pull_all()
    deleter.push_one(deleter.delete("household", household.id, base=1))
    [conflict_id] = editor.push_one(
        editor.mutation("household", household.id, {"notes": "还在这里住"}, base=1)
    )["conflict_ids"]
    assert by_key(deleter.pull_all())[("household", household.id)]["deleted"] is True
    officer = device("village1")

    response = officer.client.post(f"{CONFLICTS}/{conflict_id}/restore", headers=officer.headers)

    assert response.status_code == 200, response.get_json()
    back = by_key(deleter.pull_all())[("household", household.id)]
    assert (back["deleted"], back["data"]["notes"]) == (False, "还在这里住")


def test_a_conflict_is_restored_or_dismissed_once(device, household):
    conflict_id, _ = _lost_edit(device, household)
    officer = device("village1")
    assert (
        officer.client.post(f"{CONFLICTS}/{conflict_id}/dismiss", headers=officer.headers).status_code == 200
    )
    again = officer.client.post(f"{CONFLICTS}/{conflict_id}/restore", headers=officer.headers)
    assert again.status_code == 409
    assert again.json["message"]
