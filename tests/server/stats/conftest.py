"""A small street with hand-counted figures (see ``street``), shared by the statistics tests.

Period P = today-10 .. today+10 (local days). Grids: W1 = V1G1W1 (worker1), W2 = V1G1W2
(worker2), X1 = V2G1W1 (worker3).

minor  grid  grade (confirmed/suggested)  categories               next due    note
m1     W1    red / -                      left_behind              today-2     overdue, due in P
m2     W1    - / orange                   orphan, in_difficulty    today+5     due in P
m3     W1    yellow / blue                -                        today-3     archived: not counted
m4     W2    blue / blue                  idle                     today-20    overdue
m5     W2    - / -                        -                        none        ungraded
m6     X1    orange / orange              left_behind              today-1     overdue, due in P
m7     X1    red / red                    orphan                   today-1     deleted: not counted

visit  minor  by        when                   in P
v1     m1     worker1   today-3                yes
v2     m1     worker1   today-30               no
v3     m4     worker2   today-1 (approved)     yes
v4     m6     worker3   today-2                yes
v5     m2     village1  today-5                yes

report area  urgent  reported   first response   status
r1     W1    yes     today-2    +5 h             acknowledged
r2     V1    no      today-4    none             new
r3     X1    yes     today-1    +30 h            acknowledged
r4     S1    no      today-40   none             new (open, outside P)
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from server.core.localtime import local_today, timezone
from server.registry.models import Minor
from tests.factories import make_household, make_minor, make_report, make_visit, user


def local_noon(days_from_today: int) -> datetime:
    day = local_today() + timedelta(days=days_from_today)
    return datetime.combine(day, time(12), timezone()).astimezone(UTC)


def period_query(**extra) -> str:
    today = local_today()
    params = {
        "from": (today - timedelta(days=10)).isoformat(),
        "to": (today + timedelta(days=10)).isoformat(),
    }
    params.update({k: str(v) for k, v in extra.items()})
    return "&".join(f"{k}={v}" for k, v in params.items())


def _set(minor: Minor, *, grade=None, suggested=None, categories=(), due_in=None, **extra) -> Minor:
    minor.grade = grade
    minor.grade_suggested = suggested
    minor.categories = list(categories)
    minor.next_visit_due = None if due_in is None else local_today() + timedelta(days=due_in)
    for key, value in extra.items():
        setattr(minor, key, value)
    return minor


@pytest.fixture
def street(session):
    h1 = make_household("worker1", grid="V1G1W1", address="红旗村一组1号")
    h2 = make_household("worker2", grid="V1G1W2", address="红旗村一组2号")
    h3 = make_household("worker3", grid="V2G1W1", address="龙泉村一组1号")
    m = {
        "m1": make_minor(h1, "worker1", name="甲"),
        "m2": make_minor(h1, "worker1", name="乙"),
        "m3": make_minor(h1, "worker1", name="丙"),
        "m4": make_minor(h2, "worker2", name="丁"),
        "m5": make_minor(h2, "worker2", name="戊"),
        "m6": make_minor(h3, "worker3", name="己"),
        "m7": make_minor(h3, "worker3", name="庚"),
    }
    make_visit(m["m1"], "worker1", visited_at=local_noon(-3))
    make_visit(m["m1"], "worker1", visited_at=local_noon(-30))
    v3 = make_visit(m["m4"], "worker2", visited_at=local_noon(-1))
    v3.review_status = "approved"
    make_visit(m["m6"], "worker3", visited_at=local_noon(-2))
    make_visit(m["m2"], "village1", visited_at=local_noon(-5))
    # Figures fixed by hand after the visits, which move the schedule.
    _set(m["m1"], grade="red", categories=["left_behind"], due_in=-2)
    _set(m["m2"], suggested="orange", categories=["orphan", "in_difficulty"], due_in=5)
    _set(m["m3"], grade="yellow", suggested="blue", due_in=-3, archived_at=datetime.now(UTC))
    _set(m["m4"], grade="blue", suggested="blue", categories=["idle"], due_in=-20)
    _set(m["m5"])
    _set(m["m6"], grade="orange", suggested="orange", categories=["left_behind"], due_in=-1)
    _set(
        m["m7"], grade="red", suggested="red", categories=["orphan"], due_in=-1, deleted_at=datetime.now(UTC)
    )
    r = {
        "r1": make_report("V1G1W1", local_noon(-2), urgent=True, first_response_hours=5),
        "r2": make_report("V1", local_noon(-4), urgent=False),
        "r3": make_report("V2G1W1", local_noon(-1), urgent=True, first_response_hours=30),
        "r4": make_report("S1", local_noon(-40), urgent=False),
    }
    session.flush()
    session.commit()
    return {"minors": m, "reports": r, "user": user}
