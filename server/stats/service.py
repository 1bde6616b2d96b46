"""Overview, drill-down by area, per grid worker, and monthly trends (see the package docstring)."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from server.accounts.models import Role, User, user_area
from server.areas.models import Area
from server.extensions import db
from server.registry.models import Minor
from server.reports.models import Report
from server.stats import figures
from server.stats.periods import Period, local_midnight_utc, month_bounds, shift_month
from server.stats.sql import count_if, month_of, path_at_depth
from server.stats.target import Target, area_wire, by_depth
from server.visits.models import Visit


def overview(target: Target, period: Period) -> dict:
    """DESIGN §7's fixed shape, plus totals a dashboard needs."""
    minor_row = figures.minors(target, period).get(None) or figures.empty_minors()
    visit_row = figures.visits(target, period).get(None) or figures.empty_visits()
    report_row = figures.reports(target, period).get(None) or figures.empty_reports()
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


def grouped(target: Target, period: Period, depth: int) -> tuple[dict, dict, dict]:
    """Minors, visits and reports grouped by the area path cut at ``depth``."""

    def cut(column):
        return path_at_depth(column, depth)

    return (
        figures.minors(target, period, cut),
        figures.visits(target, period, cut),
        figures.reports(target, period, cut),
    )


def areas(target: Target, period: Period) -> dict:
    """The children of the area (street > village > group > grid), each with its figures."""
    children = target.children()
    rows = []
    for depth, level_areas in by_depth(children).items():
        minor_rows, visit_rows, report_rows = grouped(target, period, depth)
        for area in level_areas:
            rows.append(
                {
                    "area": area_wire(area),
                    **area_row(
                        minor_rows.get(area.path) or figures.empty_minors(),
                        visit_rows.get(area.path) or figures.empty_visits(),
                        report_rows.get(area.path) or figures.empty_reports(),
                    ),
                }
            )
    rows.sort(key=lambda r: r["area"]["path"])
    total = area_row(
        figures.minors(target, period).get(None) or figures.empty_minors(),
        figures.visits(target, period).get(None) or figures.empty_visits(),
        figures.reports(target, period).get(None) or figures.empty_reports(),
    )
    return {"area": target.to_wire(), "period": period.to_wire(), "total": total, "children": rows}


def grid_workers(target: Target) -> list[tuple[User, list[Area]]]:
    """Active grid workers with a grid under the target, each with those grids."""
    rows = db.session.execute(
        sa.select(User, Area)
        .join(user_area, user_area.c.user_id == User.id)
        .join(Area, Area.id == user_area.c.area_id)
        .where(User.role == Role.grid_worker, User.active.is_(True), target.filter(Area.path))
        .order_by(Area.path, User.id)
    ).all()
    workers: dict[int, tuple[User, list[Area]]] = {}
    for user, area in rows:
        workers.setdefault(user.id, (user, []))[1].append(area)
    return list(workers.values())


def workers(target: Target, period: Period) -> dict:
    """Per grid worker: minors assigned (包保), visits due, done (by the worker) and overdue."""
    minor_rows = figures.minors(target, period, column=Minor.assigned_worker_id)
    visit_rows = figures.visits(target, period, column=Visit.visitor_id)
    out = []
    for user, grids in grid_workers(target):
        minor_row = minor_rows.get(user.id) or figures.empty_minors()
        visit_row = visit_rows.get(user.id) or figures.empty_visits()
        out.append(
            {
                "user": {"id": user.id, "username": user.username, "display_name": user.display_name},
                "grids": [{"id": g.id, "code": g.code, "name": g.name} for g in grids],
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
    first = shift_month(*last_month, -(months - 1))
    start = local_midnight_utc(month_bounds(*first)[0])
    end = local_midnight_utc(month_bounds(*last_month)[1] + timedelta(days=1))
    labels = [f"{y:04d}-{m:02d}" for y, m in (shift_month(*first, i) for i in range(months))]
    series = {label: {"month": label, "minors_registered": 0, "visits_done": 0, "reports": 0, "urgent_reports": 0}
              for label in labels}  # fmt: skip

    def by_month(column, where, *extra):
        month = month_of(column).label("m")
        stmt = (
            sa.select(month, sa.func.count(), *extra)
            .where(where, column >= start, column < end)
            .group_by(month)
        )
        return db.session.execute(stmt).all()

    for month, n in by_month(Minor.created_at, target.filter(Minor.area_path) & Minor.deleted_at.is_(None)):
        if month in series:
            series[month]["minors_registered"] = n
    for month, n in by_month(Visit.visited_at, target.filter(Visit.area_path) & Visit.deleted_at.is_(None)):
        if month in series:
            series[month]["visits_done"] = n
    report_where = target.filter(Report.area_path) & Report.deleted_at.is_(None)
    for month, n, urgent in by_month(Report.reported_at, report_where, count_if(Report.urgent)):
        if month in series:
            series[month]["reports"] = n
            series[month]["urgent_reports"] = urgent
    return {"area": target.to_wire(), "months": list(series.values())}
