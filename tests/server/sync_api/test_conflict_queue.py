"""The supervisors' conflict queue holds disagreements between people (issue 14): a worker's
own two phones, or her phone against her own REST edit, are hers to see, not the queue's."""

from __future__ import annotations

import json

from tests.factories import make_household
from tests.server.sync_api.wire import CONFLICTS, Device, hlc_at, new_id, now_ms


def _push_notes(client, login, username: str, household_id: str, notes: str, wall: int) -> dict:
    client_id = new_id()
    phone = Device(client, login(username, device_id=client_id), client_id, username)
    return phone.push_one(
        phone.mutation("household", household_id, {"notes": notes}, base=1, hlc=hlc_at(wall, client_id))
    )


def _queue(client, headers) -> tuple[set[str], int]:
    answer = client.get(f"{CONFLICTS}?status=open", headers=headers)
    assert answer.status_code == 200, answer.json
    return {c["id"] for c in answer.json}, json.loads(answer.headers["X-Pagination"])["total"]


def test_a_workers_own_two_phones_stay_out_of_the_supervisors_queue(client, login, session):
    own, others = make_household(), make_household()
    session.commit()
    wall = now_ms()
    _push_notes(client, login, "worker1", own.id, "手机甲的备注", wall)
    [hers] = _push_notes(client, login, "worker1", own.id, "手机乙的备注", wall + 1000)["conflict_ids"]
    _push_notes(client, login, "worker1", others.id, "她的备注", wall)
    [theirs] = _push_notes(client, login, "village1", others.id, "主任的备注", wall + 1000)["conflict_ids"]

    for supervisor in ("village1", "admin"):
        ids, total = _queue(client, login(supervisor))
        assert theirs in ids and hers not in ids, supervisor
        assert total == len(ids)  # the workbench's count is the queue's
    mine = client.get(f"{CONFLICTS}/mine", headers=login("worker1")).json
    assert {c["id"]: c["discarded_value"] for c in mine}[hers] == "手机甲的备注"
    assert next(c for c in mine if c["id"] == hers)["record_label"].startswith(own.head_name)


def test_a_phone_against_the_same_workers_rest_edit_stays_out_too(client, login, session):
    household = make_household()
    session.commit()
    worker = login("worker1")
    edited = client.patch(f"/api/households/{household.id}", json={"notes": "网页上的备注"}, headers=worker)
    assert edited.status_code == 200, edited.json
    # Her phone's older edit, from before the REST one, loses to it.
    [hers] = _push_notes(client, login, "worker1", household.id, "手机上的备注", now_ms() - 60_000)[
        "conflict_ids"
    ]
    ids, _ = _queue(client, login("village1"))
    assert hers not in ids
    [mine] = [c for c in client.get(f"{CONFLICTS}/mine", headers=worker).json if c["id"] == hers]
    assert (mine["discarded_value"], mine["kept_value"]) == ("手机上的备注", "网页上的备注")


def test_a_delete_against_her_edit_reaches_the_queue_even_when_she_wrote_the_field_last(
    client, login, session
):
    """An edit of a deleted record keeps, as its kept author, the field's last writer, not the
    deleter: such conflicts are never taken for one account against itself."""
    household = make_household(notes="她写的备注")  # worker1 wrote the notes last
    session.commit()
    officer_id = new_id()
    officer = Device(client, login("village1", device_id=officer_id), officer_id, "village1")
    assert officer.push_one(officer.delete("household", household.id, base=1))["status"] == "applied"
    [conflict_id] = _push_notes(client, login, "worker1", household.id, "还在这里住", now_ms())[
        "conflict_ids"
    ]
    ids, _ = _queue(client, login("village1"))
    assert conflict_id in ids


def _phone(client, login, username: str) -> Device:
    client_id = new_id()
    return Device(client, login(username, device_id=client_id), client_id, username)


def _mine(client, login, username: str) -> set[str]:
    return {c["id"] for c in client.get(f"{CONFLICTS}/mine", headers=login(username)).json}


def test_her_delete_on_one_phone_against_her_edit_on_the_other_stays_hers(client, login, session):
    """Both delete conflicts, between a worker's own two phones: neither reaches the queue,
    both are in her own list."""
    deleted_first, edited_first = make_household(), make_household()
    session.commit()
    one, other = _phone(client, login, "worker1"), _phone(client, login, "worker1")
    # An edit of a record her other phone deleted (edit_deleted).
    assert one.push_one(one.delete("household", deleted_first.id, base=1))["status"] == "applied"
    edit = other.mutation("household", deleted_first.id, {"notes": "还在这里住"}, base=1)
    [edit_of_deleted] = other.push_one(edit)["conflict_ids"]
    # A delete on a version older than her other phone's edit (stale_delete).
    edited = other.push_one(other.mutation("household", edited_first.id, {"notes": "新备注"}, base=1))
    assert edited["status"] == "applied"
    [stale_delete] = one.push_one(one.delete("household", edited_first.id, base=1))["conflict_ids"]

    for supervisor in ("village1", "admin"):
        ids, _ = _queue(client, login(supervisor))
        assert edit_of_deleted not in ids and stale_delete not in ids, supervisor
    assert {edit_of_deleted, stale_delete} <= _mine(client, login, "worker1")


def test_a_stale_delete_over_someone_elses_edit_reaches_the_queue(client, login, session):
    household = make_household()
    session.commit()
    officer, worker = _phone(client, login, "village1"), _phone(client, login, "worker1")
    edit = officer.mutation("household", household.id, {"notes": "主任核实过"}, base=1)
    assert officer.push_one(edit)["status"] == "applied"
    [conflict_id] = worker.push_one(worker.delete("household", household.id, base=1))["conflict_ids"]
    ids, _ = _queue(client, login("village1"))
    assert conflict_id in ids
