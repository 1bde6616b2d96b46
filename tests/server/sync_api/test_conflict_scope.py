"""Conflicts are read and restored where their record lives now, not where the conflict arose."""

from __future__ import annotations

import json

import pytest

from tests.factories import make_household
from tests.server.sync_api.wire import CONFLICTS, Device, hlc_at, new_id, now_ms


@pytest.fixture
def conflict(client, login, session) -> tuple[str, str]:
    """worker1's note on a household of V1 lost to village1's later one; then the family moves village."""
    household = make_household(head_name="冲突户主", address="红旗村一组66号")
    session.commit()
    wall = now_ms()
    for username, notes, at in (("worker1", "她的备注", wall), ("village1", "后来的备注", wall + 1000)):
        client_id = new_id()
        phone = Device(client, login(username, device_id=client_id), client_id, username)
        result = phone.push_one(
            phone.mutation("household", household.id, {"notes": notes}, base=1, hlc=hlc_at(at, client_id))
        )
    [conflict_id] = result["conflict_ids"]
    return household.id, conflict_id


def _move(client, login, household_id: str, grid: str, by: str = "admin") -> None:
    from tests.factories import area

    response = client.patch(
        f"/api/households/{household_id}", json={"grid_id": area(grid).id}, headers=login(by)
    )
    assert response.status_code == 200, response.get_json()


def test_after_the_household_moves_village_the_old_officer_loses_its_conflicts(client, login, conflict):
    household_id, conflict_id = conflict
    old = login("village1")
    assert client.get(f"{CONFLICTS}/{conflict_id}", headers=old).status_code == 200

    _move(client, login, household_id, "V2G1W1")

    assert client.get(f"{CONFLICTS}/{conflict_id}", headers=old).status_code == 404
    assert client.get(f"{CONFLICTS}?status=all", headers=old).json == []
    restore = client.post(f"{CONFLICTS}/{conflict_id}/restore", headers=old)
    assert restore.status_code == 404 and "冲突户主" not in json.dumps(restore.json, ensure_ascii=False)
    assert client.post(f"{CONFLICTS}/{conflict_id}/dismiss", headers=old).status_code == 404
    assert (
        client.get(f"/api/households/{household_id}", headers=login("village2")).json["notes"] == "后来的备注"
    )

    new = login("village2")
    listed = client.get(f"{CONFLICTS}?status=all", headers=new).json
    assert [(c["id"], c["record_label"]) for c in listed] == [(conflict_id, "冲突户主 · 红旗村一组66号")]
    assert client.post(f"{CONFLICTS}/{conflict_id}/restore", headers=new).status_code == 200
    assert client.get(f"/api/households/{household_id}", headers=new).json["notes"] == "她的备注"


def test_the_author_still_hears_of_her_value_but_sees_nothing_of_a_record_that_left(client, login, conflict):
    household_id, conflict_id = conflict
    worker = login("worker1")
    [before] = client.get(f"{CONFLICTS}/mine", headers=worker).json
    assert before["in_scope"] is True and before["record_label"] == "冲突户主 · 红旗村一组66号"

    _move(client, login, household_id, "V1G1W2", by="village1")

    [after] = client.get(f"{CONFLICTS}/mine", headers=worker).json
    assert after["id"] == conflict_id and after["discarded_value"] == "她的备注"
    assert after["in_scope"] is False
    assert {
        k: after[k] for k in ("record_label", "kept_value", "kept_author_id", "kept_author_name", "kept_hlc")
    } == (dict.fromkeys(("record_label", "kept_value", "kept_author_id", "kept_author_name", "kept_hlc")))
    shown = json.dumps(after, ensure_ascii=False)
    assert "冲突户主" not in shown and "红旗村一组66号" not in shown and "后来的备注" not in shown
