"""The grade confirmation queue: ungraded minors and those graded otherwise than the rules suggest."""

from __future__ import annotations

from datetime import date

from server.core.db import utcnow
from server.core.scope import Scope
from server.registry.service import set_grade, update_minor
from tests.factories import make_household, make_minor, user

QUEUE = "/api/minors/grade-queue"
LEFT_BEHIND = dict(
    hukou="rural",
    lives_with_parents="neither",
    father_status="migrant_away",
    mother_status="migrant_away",
    caregiver="grandparents",
    caregiver_capable=True,
    birth_date=date(2016, 3, 1),
)


def test_queue_red_first_with_reasons(client, login, session):
    officer = Scope.of(user("village1"))
    yellow = make_minor(make_household(), name="待确认黄", **LEFT_BEHIND)
    red = make_minor(make_household(), name="待确认红", risk_flags=["self_harm"])
    confirmed = make_minor(make_household(), name="已确认", **LEFT_BEHIND)
    set_grade(officer, confirmed, "yellow", "属实")
    overridden = make_minor(make_household(), name="已调整", **LEFT_BEHIND)
    set_grade(officer, overridden, "orange", "祖父病重")
    archived = make_minor(make_household(), name="已归档", risk_flags=["runaway"])
    archived.archived_at = utcnow()
    make_minor(make_household("worker3", grid="V2G1W1"), "worker3", name="外村", risk_flags=["runaway"])
    session.commit()

    response = client.get(QUEUE, headers=login("village1"))
    assert response.status_code == 200
    names = [m["name"] for m in response.json]
    assert names[0] == "待确认红"
    # A deliberate override, with its reason, is a decision: it leaves the queue.
    assert set(names) == {"待确认红", "待确认黄"}
    item = response.json[0]
    assert item["grade"] is None and item["grade_suggested"] == "red" and item["id"] == red.id
    assert item["category_reasons"] and "age" in item and item["household_address"]
    only_yellow = client.get(
        QUEUE, query_string={"grade_suggested": "yellow"}, headers=login("village1")
    ).json
    assert {m["id"] for m in only_yellow} == {yellow.id}
    # ...until the rules suggest something new, which a supervisor has not ruled on yet.
    update_minor(Scope.of(user("worker1")), overridden, {"risk_flags": ["runaway"]})
    session.commit()
    again = client.get(QUEUE, headers=login("village1")).json
    assert next(m for m in again if m["id"] == overridden.id)["grade_suggested"] == "red"


def test_queue_roles_and_scope(client, login, session):
    make_minor(make_household(), name="待确认", risk_flags=["runaway"])
    session.commit()
    assert client.get(QUEUE, headers=login("worker1")).status_code == 403
    assert client.get(QUEUE, headers=login("police1")).status_code == 403
    assert client.get(QUEUE, headers=login("village2")).json == []
    assert [m["name"] for m in client.get(QUEUE, headers=login("admin")).json] == ["待确认"]


def test_confirming_takes_a_minor_off_the_queue(client, login, session):
    minor = make_minor(make_household(), name="待确认", risk_flags=["runaway"])
    session.commit()
    headers = login("village1")
    client.post(
        f"/api/minors/{minor.id}/grade", json={"grade": "red", "reason": "核实离家出走"}, headers=headers
    )
    assert client.get(QUEUE, headers=headers).json == []
