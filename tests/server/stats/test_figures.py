"""Every figure of the statistics API against the hand-counted street of conftest.py."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

from server.core.localtime import local_today
from tests.factories import area
from tests.server.stats.conftest import period_query

CATEGORY_ZERO = dict.fromkeys(
    (
        "left_behind",
        "de_facto_unsupported",
        "orphan",
        "in_difficulty",
        "idle",
        "child_of_prisoner",
        "serious_misbehavior",
        "divorced_family",
        "crime_victim",
        "disabled",
    ),
    0,
)


def test_overview_of_the_street(client, login, street):
    body = client.get(f"/api/stats/overview?{period_query()}", headers=login("admin")).json
    assert set(body) >= {"minors_by_grade", "minors_by_category", "visits", "reports"}
    assert body["minors_total"] == 5  # m3 archived, m7 deleted
    assert body["minors_by_grade"] == {"red": 1, "orange": 2, "yellow": 0, "blue": 1, "ungraded": 1}
    assert body["minors_by_category"] == {
        **CATEGORY_ZERO,
        "left_behind": 2,
        "orphan": 1,
        "in_difficulty": 1,
        "idle": 1,
    }
    visits = body["visits"]
    assert (visits["due"], visits["done"], visits["overdue"]) == (3, 4, 3)
    assert visits["completion_rate"] == round(4 / 7, 4)
    assert visits["overdue_by_grade"] == {"red": 1, "orange": 1, "yellow": 0, "blue": 1, "ungraded": 0}
    assert visits["by_review_status"] == {"submitted": 3, "approved": 1, "returned": 0}
    reports = body["reports"]
    assert (reports["total"], reports["urgent"], reports["mandatory"]) == (3, 2, 2)
    assert reports["by_status"] == {"new": 1, "acknowledged": 2, "referred": 0, "resolved": 0, "closed": 0}
    assert (reports["open"], reports["open_urgent"]) == (4, 2)  # r4 is open though filed before the period
    assert body["grades_unconfirmed"] == 2  # m2 and m5 have no confirmed grade
    assert body["minors_registered"] == 6  # registered in the period: every one but the deleted m7


def test_overview_of_one_village_and_one_grid(client, login, street, world):
    headers = login("admin")
    village = client.get(
        f"/api/stats/overview?{period_query(area_id=world['areas']['V1'])}", headers=headers
    ).json
    assert village["area"]["code"] == "V1"
    assert village["minors_total"] == 4
    assert village["minors_by_grade"] == {"red": 1, "orange": 1, "yellow": 0, "blue": 1, "ungraded": 1}
    assert (village["visits"]["due"], village["visits"]["done"], village["visits"]["overdue"]) == (2, 3, 2)
    assert village["reports"]["total"] == 2
    grid = client.get(
        f"/api/stats/overview?{period_query(area_id=world['areas']['V1G1W2'])}", headers=headers
    ).json
    assert grid["minors_total"] == 2
    assert (grid["visits"]["due"], grid["visits"]["done"], grid["visits"]["overdue"]) == (0, 1, 1)
    assert grid["visits"]["completion_rate"] == 0.5
    assert grid["reports"]["total"] == 0


def test_default_period_is_this_month(client, login, street):
    body = client.get("/api/stats/overview", headers=login("admin")).json
    today = local_today()
    assert body["period"]["from"] == today.replace(day=1).isoformat()
    assert body["period"]["today"] == today.isoformat()
    assert body["period"]["to"] >= today.isoformat()


def test_drill_down_street_village_group_grid(client, login, street, world):
    headers = login("admin")
    street_level = client.get(f"/api/stats/areas?{period_query()}", headers=headers).json
    rows = {row["area"]["code"]: row for row in street_level["children"]}
    assert list(rows) == ["V1", "V2"]
    assert rows["V1"]["minors_total"] == 4 and rows["V2"]["minors_total"] == 1
    assert rows["V2"]["minors_by_grade"]["orange"] == 1
    assert rows["V2"]["minors_by_category"]["left_behind"] == 1
    assert rows["V1"]["visits"] | {"overdue_by_grade": None, "by_review_status": None} == {
        "due": 2,
        "done": 3,
        "overdue": 2,
        "completion_rate": 0.6,
        "overdue_by_grade": None,
        "by_review_status": None,
    }
    assert (rows["V1"]["reports"]["total"], rows["V2"]["reports"]["urgent"]) == (2, 1)
    assert street_level["total"]["minors_total"] == 5
    assert street_level["total"]["reports"]["total"] == 3  # r4 lies at street level, outside the period

    group = client.get(f"/api/stats/areas?{period_query(area_id=world['areas']['V1'])}", headers=headers).json
    assert [row["area"]["code"] for row in group["children"]] == ["V1G1"]
    grids = client.get(
        f"/api/stats/areas?{period_query(area_id=world['areas']['V1G1'])}", headers=headers
    ).json
    by_grid = {row["area"]["code"]: row for row in grids["children"]}
    assert by_grid["V1G1W1"]["minors_total"] == 2 and by_grid["V1G1W2"]["minors_total"] == 2
    assert by_grid["V1G1W1"]["visits"]["done"] == 2  # v1 by worker1 and v5 by village1
    assert by_grid["V1G1W1"]["reports"]["total"] == 1
    leaf = client.get(
        f"/api/stats/areas?{period_query(area_id=world['areas']['V1G1W1'])}", headers=headers
    ).json
    assert leaf["children"] == [] and leaf["total"]["minors_total"] == 2


def test_workers(client, login, street):
    body = client.get(f"/api/stats/workers?{period_query()}", headers=login("admin")).json
    rows = {row["user"]["username"]: row for row in body["workers"]}
    assert list(rows) == ["worker1", "worker2", "worker3"]
    figures = {
        name: (r["minors_assigned"], r["visits"]["due"], r["visits"]["done"], r["visits"]["overdue"])
        for name, r in rows.items()
    }
    assert figures == {"worker1": (2, 2, 1, 1), "worker2": (2, 0, 1, 1), "worker3": (1, 1, 1, 1)}
    assert rows["worker1"]["visits"]["completion_rate"] == 0.5
    assert rows["worker1"]["grids"][0]["code"] == "V1G1W1"
    assert body["unassigned"] == {"minors": 0, "due": 0, "overdue": 0}


def test_reports_and_first_response_times(client, login, street):
    body = client.get(f"/api/stats/reports?{period_query()}", headers=login("admin")).json
    assert (body["total"], body["urgent"], body["mandatory"], body["sla_hours"]) == (3, 2, 2, 24)
    assert body["urgent_by_status"]["acknowledged"] == 2
    assert body["by_kind"]["bullying"] == 1 and body["by_source"]["school"] == 3
    assert body["first_response"] == {
        "answered": 2,
        "unanswered": 1,
        "median_hours": 17.5,
        "within_sla": 1,
        "over_sla": 1,
        "unanswered_over_sla": 1,
    }
    assert body["urgent_first_response"]["median_hours"] == 17.5
    urgent = body["urgent_reports"]
    assert [r["id"] for r in urgent] == [street["reports"]["r3"].id, street["reports"]["r1"].id]
    assert [r["response_hours"] for r in urgent] == [30.0, 5.0]
    assert [r["over_sla"] for r in urgent] == [True, False]
    assert "description" not in urgent[0]


def test_median_of_an_odd_count(client, login, street):
    from tests.factories import make_report
    from tests.server.stats.conftest import local_noon

    make_report("V2G1W1", local_noon(-3), urgent=True, first_response_hours=2)
    body = client.get(f"/api/stats/reports?{period_query()}", headers=login("admin")).json
    assert body["first_response"]["median_hours"] == 5.0  # 2, 5, 30


def test_trends_by_month(client, login, street):
    minors = street["minors"]
    today = local_today()
    first_of_month = today.replace(day=1)
    previous = (first_of_month - timedelta(days=1)).replace(day=1)
    before = (previous - timedelta(days=1)).replace(day=15)
    from tests.server.stats.conftest import local_noon

    minors["m4"].created_at = local_noon((previous - today).days)
    minors["m6"].created_at = local_noon((before - today).days)
    body = client.get("/api/stats/trends?months=3", headers=login("admin")).json
    months = [row["month"] for row in body["months"]]
    assert months == [f"{d:%Y-%m}" for d in (before, previous, first_of_month)]
    by_month = {row["month"]: row for row in body["months"]}
    assert by_month[months[0]]["minors_registered"] == 1
    assert by_month[months[1]]["minors_registered"] == 1
    assert by_month[months[2]]["minors_registered"] == 4  # m1, m2, m3 (archived since), m5

    def month_of(delta: int) -> str:
        return f"{today + timedelta(days=delta):%Y-%m}"

    visits = Counter(month_of(d) for d in (-3, -30, -1, -2, -5))
    reports = Counter(month_of(d) for d in (-2, -4, -1, -40))
    urgent = Counter(month_of(d) for d in (-2, -1))
    for month in months:
        assert by_month[month]["visits_done"] == visits.get(month, 0), month
        assert by_month[month]["reports"] == reports.get(month, 0), month
        assert by_month[month]["urgent_reports"] == urgent.get(month, 0), month


def test_trends_months_bounds(client, login, street):
    headers = login("admin")
    assert len(client.get("/api/stats/trends", headers=headers).json["months"]) == 12
    assert client.get("/api/stats/trends?months=0", headers=headers).status_code == 422
    assert client.get("/api/stats/trends?months=37", headers=headers).status_code == 422


def test_bad_periods_are_422(client, login, street):
    headers = login("admin")
    assert client.get("/api/stats/overview?from=2026-05-01&to=2026-04-01", headers=headers).status_code == 422
    assert client.get("/api/stats/overview?from=2020-01-01&to=2026-04-01", headers=headers).status_code == 422
    assert client.get("/api/stats/overview?from=yesterday", headers=headers).status_code == 422
    response = client.get("/api/stats/overview?form=2026-05-01", headers=headers)
    assert response.status_code == 422 and "form" in response.json["errors"]["query"]


def test_an_empty_area_has_zeros(client, login, session):
    grid = area("V2G1W1")
    body = client.get(f"/api/stats/overview?area_id={grid.id}", headers=login("admin")).json
    assert body["minors_total"] == 0
    assert body["visits"] == {
        "due": 0,
        "done": 0,
        "overdue": 0,
        "completion_rate": None,
        "overdue_by_grade": {"red": 0, "orange": 0, "yellow": 0, "blue": 0, "ungraded": 0},
        "by_review_status": {"submitted": 0, "approved": 0, "returned": 0},
    }


def test_trend_months_split_at_local_midnight(client, login, session):
    from datetime import UTC, datetime, time

    from server.core.localtime import timezone
    from tests.factories import make_household, make_minor, make_visit

    first = local_today().replace(day=1)
    minor = make_minor(make_household("worker1"), "worker1")
    for clock, day in ((time(23, 30), first - timedelta(days=1)), (time(0, 30), first)):
        make_visit(minor, "worker1", visited_at=datetime.combine(day, clock, timezone()).astimezone(UTC))
    session.commit()
    months = client.get("/api/stats/trends?months=2", headers=login("admin")).json["months"]
    assert [m["visits_done"] for m in months] == [1, 1]  # in UTC both fall on the earlier day


def test_an_unanswered_urgent_report_past_its_limit_is_over_the_sla(client, login, street):
    from tests.server.stats.conftest import make_report

    now = datetime.now(UTC)
    late = make_report("V1G1W1", now - timedelta(hours=29), urgent=True)
    waiting = make_report("V1G1W1", now - timedelta(hours=1), urgent=True)
    body = client.get(f"/api/stats/reports?{period_query()}", headers=login("admin")).json
    rows = {r["id"]: r for r in body["urgent_reports"]}
    assert rows[late.id]["response_hours"] is None and rows[late.id]["over_sla"] is True
    assert rows[waiting.id]["over_sla"] is False
    due = datetime.fromisoformat(rows[waiting.id]["first_response_due"])
    assert abs((due - (now + timedelta(hours=23))).total_seconds()) < 5
