"""A child that moves takes its visits along: the old grid loses them, the new grid gets them."""

from __future__ import annotations

import sqlalchemy as sa

from server.audit.models import AuditEvent
from server.core.extensions import db
from server.registry.places import realign
from server.visits.models import Visit
from tests.factories import area, make_household, make_minor, make_visit, user
from tests.server.streets import WORKER_OF, phone, replica


def _move_child(client, login, minor, grid: str = "V1G1W2", by: str = "village1") -> str:
    home = make_household(WORKER_OF[grid], grid=grid, address="姑姑家")
    db.session.commit()
    response = client.patch(f"/api/minors/{minor.id}", json={"household_id": home.id}, headers=login(by))
    assert response.status_code == 200, response.get_json()
    return home.id


def test_a_child_moved_to_another_grid_takes_its_visits_along(client, login, session):
    minor = make_minor(make_household(), name="小芳")
    visit = make_visit(minor, summary="手臂有自伤划痕")
    session.commit()
    old, new = phone(client, login, "worker1"), phone(client, login, "worker2")
    assert ("visit", visit.id) in replica(old) and ("visit", visit.id) not in replica(new)

    _move_child(client, login, minor)

    assert client.get(f"/api/visits/{visit.id}", headers=login("worker1")).status_code == 404
    assert client.get(f"/api/visits?minor_id={minor.id}", headers=login("worker1")).json == []
    assert client.get(f"/api/visits/{visit.id}", headers=login("worker2")).json["summary"] == "手臂有自伤划痕"
    gone = {(c["entity"], c["id"]): c for c in old.pull_all()}
    for key in (("minor", minor.id), ("visit", visit.id)):
        assert gone[key]["deleted"] is True and gone[key]["data"] == {"left_scope": True}
    arrived = replica(new)
    assert arrived[("visit", visit.id)]["data"]["summary"] == "手臂有自伤划痕"
    assert arrived[("minor", minor.id)]["data"]["name"] == "小芳"


def test_the_move_is_kept_in_the_history_and_the_old_worker_lets_go(client, login, session):
    minor = make_minor(make_household())
    session.commit()
    assert minor.assigned_worker_id == user("worker1").id
    _move_child(client, login, minor)
    session.expire_all()
    assert minor.assigned_worker_id is None  # worker2's grid now: the old worker no longer has it
    moves = session.scalars(
        sa.select(AuditEvent).where(AuditEvent.entity == "minor", AuditEvent.action == "move")
    ).all()
    assert [(m.record_id, m.detail["from"], m.detail["to"], m.user_id) for m in moves] == [
        (minor.id, "/S1/V1/V1G1/V1G1W1/", "/S1/V1/V1G1/V1G1W2/", user("village1").id)
    ]


def test_a_move_inside_the_workers_own_scope_keeps_her_assignment(client, login, session):
    minor = make_minor(make_household(), "village1")
    minor.assigned_worker_id = user("worker1").id
    session.commit()
    home = make_household("worker1", address="同网格的亲戚家")
    session.commit()
    client.patch(f"/api/minors/{minor.id}", json={"household_id": home.id}, headers=login("worker1"))
    session.expire_all()
    assert minor.assigned_worker_id == user("worker1").id


def test_notices_about_a_child_that_moved_are_no_longer_read_by_the_old_grid(client, login, session):
    minor = make_minor(make_household(), name="小芳")
    visit = make_visit(minor)
    session.commit()
    returned = client.patch(
        f"/api/visits/{visit.id}",
        json={"review_status": "returned", "review_comment": "请补充小芳的情况"},
        headers=login("village1"),
    )
    assert returned.status_code == 200
    worker = login("worker1")
    assert client.get("/api/notifications/unread-count", headers=worker).json == {"unread": 1}
    notice = client.get("/api/notifications", headers=worker).json[0]

    _move_child(client, login, minor, grid="V2G1W1", by="admin")

    assert client.get("/api/notifications", headers=worker).json == []
    assert client.get("/api/notifications/unread-count", headers=worker).json == {"unread": 0}
    assert client.post(f"/api/notifications/{notice['id']}/read", headers=worker).status_code == 404


def test_realign_puts_visits_an_older_version_left_behind_where_their_child_is(client, login, session):
    minor = make_minor(make_household())
    visit = make_visit(minor)
    session.commit()
    old = phone(client, login, "worker1")
    replica(old)
    _move_child(client, login, minor)
    # As the bug left it: the visit still where the child used to live.
    session.execute(sa.update(Visit).where(Visit.id == visit.id).values(area_path=area("V1G1W1").path))
    session.commit()
    assert client.get(f"/api/visits/{visit.id}", headers=login("worker1")).status_code == 200

    assert realign() == 0  # households and minors were in place; the visit alone was not
    session.commit()

    assert client.get(f"/api/visits/{visit.id}", headers=login("worker1")).status_code == 404
    assert client.get(f"/api/visits/{visit.id}", headers=login("worker2")).status_code == 200
    assert ("visit", visit.id) not in replica(old)
