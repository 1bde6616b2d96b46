"""Overview, drill-down by area, per grid worker, and monthly trends (see the package docstring)."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from server.accounts.models import User, user_area
from server.areas.models import Area
from server.core.extensions import db
from server.core.roles import Role
from server.registry.models import Minor
from server.reports.models import Report
from server.stats import figures
from server.stats.periods import Period, local_midnight_utc, month_bounds, shift_month
from server.stats.sql import count_if, path_at_depth
from server.stats.target import Target, area_wire, by_depth
from server.visits.models import Visit


def overview(target: Target, period: Period) -> dict:
    """DESIGN §7's fixed shape, plus totals a dashboard needs."""
    return overview_of(
        target,
        period,
        figures.minors(target, period).get(None) or figures.empty_minors(),
        figures.visits(target, period).get(None) or figures.empty_visits(),
        figures.reports(target, period).get(None) or figures.empty_reports(),
    )


def overview_of(target: Target, period: Period, minor_row: dict, visit_row: dict, report_row: dict) -> dict:
    return {
        "area": target.to_wire(),
        "period": period.to_wire(),
        "minors_by_grade": minor_row["minors_by_grade"],
        "minors_by_category": minor_row["minors_by_category"],
        "visits": figures.visit_block(minor_row, visit_row),
        "reports": report_row,
        "minors_total": minor_row["minors_total"],
        "minors_registered": minor_row["minors_registered"],
        "grades_unconfirmed": minor_row["grades_unconfirmed"],
    }


def area_row(minor_row: dict, visit_row: dict, report_row: dict) -> dict:
    return {
        "minors_total": minor_row["minors_total"],
        "minors_by_grade": minor_row["minors_by_grade"],
        "minors_by_category": minor_row["minors_by_category"],
        "minors_registered": minor_row["minors_registered"],
        "visits": figures.visit_block(minor_row, visit_row),
        "reports": {k: report_row[k] for k in ("total", "urgent", "mandatory", "open", "open_urgent")},
    }


def drill(target: Target, period: Period) -> tuple[list[dict], tuple[dict, dict, dict]]:
    """The children's rows, and the target's own (minors, visits, reports) figures.

    Minors and visits always lie at grid level, so the target's figures are the sum of its
    children's (no second scan); reports may be filed for a village or the street itself, so
    theirs are counted once more, ungrouped (a small table).
    """
    children = target.children()
    rows, minor_total, visit_total = [], figures.empty_minors(), figures.empty_visits()
    for depth, level_areas in by_depth(children).items():

        def cut(column, depth=depth):
            return path_at_depth(column, depth)

        minor_rows = figures.minors(target, period, cut)
        visit_rows = figures.visits(target, period, cut)
        report_rows = figures.reports(target, period, cut)
        for area in level_areas:
            minor_row = minor_rows.get(area.path) or figures.empty_minors()
            visit_row = visit_rows.get(area.path) or figures.empty_visits()
            figures.add_into(minor_total, minor_row)
            figures.add_into(visit_total, visit_row)
            report_row = report_rows.get(area.path) or figures.empty_reports()
            rows.append({"area": area_wire(area), **area_row(minor_row, visit_row, report_row)})
    if not children:
        minor_total = figures.minors(target, period).get(None) or figures.empty_minors()
        visit_total = figures.visits(target, period).get(None) or figures.empty_visits()
    report_total = figures.reports(target, period).get(None) or figures.empty_reports()
    rows.sort(key=lambda r: r["area"]["path"])
    return rows, (minor_total, visit_total, report_total)


def areas(target: Target, period: Period) -> dict:
    """The children of the area (street > village > group > grid), each with its figures."""
    rows, totals = drill(target, period)
    return {
        "area": target.to_wire(),
        "period": period.to_wire(),
        "total": area_row(*totals),
        "children": rows,
    }


def grid_workers(target: Target) -> list[dict]:
    """Active grid workers with a grid under the target, each with those grids (plain columns:
    a county has a thousand of them)."""
    rows = db.session.execute(
        sa.select(User.id, User.username, User.display_name, Area.id, Area.code, Area.name)
        .join(user_area, user_area.c.user_id == User.id)
        .join(Area, Area.id == user_area.c.area_id)
        .where(User.role == Role.grid_worker, User.active.is_(True), target.filter(Area.path))
        .order_by(Area.path, User.id)
    )
    workers: dict[int, dict] = {}
    for user_id, username, display_name, area_id, code, name in rows:
        worker = workers.setdefault(
            user_id,
            {"user": {"id": user_id, "username": username, "display_name": display_name}, "grids": []},
        )
        worker["grids"].append({"id": area_id, "code": code, "name": name})
    return list(workers.values())


def workers(target: Target, period: Period) -> dict:
    """Per grid worker: minors assigned (包保), visits due, done (by the worker) and overdue."""
    minor_rows = figures.minors(target, period, column=Minor.assigned_worker_id, categories=False)
    visit_rows = figures.visits(target, period, column=Visit.visitor_id)
    out = []
    for worker in grid_workers(target):
        minor_row = minor_rows.get(worker["user"]["id"]) or figures.empty_minors()
        visit_row = visit_rows.get(worker["user"]["id"]) or figures.empty_visits()
        out.append(
            {
                **worker,
                "minors_assigned": minor_row["minors_total"],
                "minors_by_grade": minor_row["minors_by_grade"],
                "visits": figures.visit_block(minor_row, visit_row),
            }
        )
    unassigned = minor_rows.get(None) or figures.empty_minors()
    return {
        "area": target.to_wire(),
        "period": period.to_wire(),
        "workers": out,
        "unassigned": {
            "minors": unassigned["minors_total"],
            "due": unassigned["due"],
            "overdue": unassigned["overdue"],
        },
    }


def trends(target: Target, months: int, last_month: tuple[int, int]) -> dict:
    """By local month, the ``months`` months ending with ``last_month``: registrations, visits, reports."""
    firsts = [shift_month(*last_month, i - (months - 1)) for i in range(months)]
    starts = [local_midnight_utc(month_bounds(y, m)[0]) for y, m in firsts]
    end = local_midnight_utc(month_bounds(*last_month)[1] + timedelta(days=1))
    series = [
        {
            "month": f"{y:04d}-{m:02d}",
            "minors_registered": 0,
            "visits_done": 0,
            "reports": 0,
            "urgent_reports": 0,
        }
        for y, m in firsts
    ]

    def by_month(column, where, flag=None) -> list[tuple[int, int]]:
        """(count, count where ``flag``) per month, as one row of conditional counts: a single
        aggregate that PostgreSQL runs in parallel, with no GROUP BY to estimate."""
        bounds = [*starts, end]
        months_of = [(column >= bounds[i]) & (column < bounds[i + 1]) for i in range(months)]
        columns = [count_if(m) for m in months_of]
        if flag is not None:
            columns += [count_if(m & flag) for m in months_of]
        row = db.session.execute(sa.select(*columns).where(where, column >= starts[0], column < end)).one()
        flagged = row[months:] if flag is not None else [0] * months
        return list(zip(row[:months], flagged, strict=True))

    minor_where = target.filter(Minor.area_path) & Minor.deleted_at.is_(None)
    for row, (n, _) in zip(series, by_month(Minor.created_at, minor_where), strict=True):
        row["minors_registered"] = n
    visit_where = target.filter(Visit.area_path) & Visit.deleted_at.is_(None)
    for row, (n, _) in zip(series, by_month(Visit.visited_at, visit_where), strict=True):
        row["visits_done"] = n
    report_where = target.filter(Report.area_path) & Report.deleted_at.is_(None)
    for row, (n, urgent) in zip(
        series, by_month(Report.reported_at, report_where, Report.urgent), strict=True
    ):
        row["reports"], row["urgent_reports"] = n, urgent
    return {"area": target.to_wire(), "months": series}
