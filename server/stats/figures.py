"""The aggregate queries behind every statistic: minors, visits and reports, optionally grouped.

Each function runs one GROUP BY over one table, filtered by the target's path prefixes, and
returns ``{key: figures}``; ``key`` is None when ungrouped, else the value of ``group`` (an
area path cut at some depth, a worker id). Definitions are in the package docstring.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa

from server.core.extensions import db
from server.registry.models import CATEGORIES, GRADES, Minor, awaiting_grade_decision
from server.reports.models import REPORT_STATUSES, Report
from server.stats.periods import Period
from server.stats.sql import count_if, json_array_has
from server.stats.target import Target
from server.visits.models import REVIEW_STATUSES, Visit

GRADE_KEYS = (*GRADES, "ungraded")
OPEN_REPORT_STATUSES = ("new", "acknowledged", "referred")

Grouping = Callable[[sa.ColumnElement], sa.ColumnElement] | None


def _key(group: Grouping, column, path_column) -> list:
    """The GROUP BY key as a list of zero or one expression (no key: one row per grade)."""
    if column is not None:
        return [column.label("k")]
    if group is not None:
        return [group(path_column).label("k")]
    return []


def _split(row, keys: list) -> tuple:
    return (row[0], row[1:]) if keys else (None, row)


def schedule_grade():
    """The confirmed grade, else the suggestion (as the visit schedule uses)."""
    return sa.func.coalesce(Minor.grade, Minor.grade_suggested)


def completion_rate(done: int, overdue: int) -> float | None:
    return round(done / (done + overdue), 4) if done + overdue else None


def empty_minors() -> dict:
    return {
        "minors_total": 0,
        "minors_by_grade": dict.fromkeys(GRADE_KEYS, 0),
        "minors_by_category": dict.fromkeys(CATEGORIES, 0),
        "minors_registered": 0,
        "grades_unconfirmed": 0,
        "due": 0,
        "overdue": 0,
        "overdue_by_grade": dict.fromkeys(GRADE_KEYS, 0),
    }


def minors(
    target: Target, period: Period, group: Grouping = None, column=None, *, categories: bool = True
) -> dict:
    """Per key: active minors by grade and category, visits due in the period, overdue today.

    ``column`` groups by a plain column (``Minor.assigned_worker_id``) instead of a path cut;
    ``categories=False`` spares ten JSON tests per row where they are not shown (counts 0).
    """
    counted = CATEGORIES if categories else ()
    keys = _key(group, column, Minor.area_path)
    grade = schedule_grade()
    active = Minor.archived_at.is_(None)
    stmt = (
        sa.select(
            *keys,
            grade.label("grade"),
            count_if(active),
            count_if(period.contains_instant(Minor.created_at)),
            count_if(active & awaiting_grade_decision()),
            count_if(active & period.contains_day(Minor.next_visit_due)),
            count_if(active & (Minor.next_visit_due < period.today)),
            *(count_if(active & json_array_has(Minor.categories, c)) for c in counted),
        )
        .where(target.filter(Minor.area_path), Minor.deleted_at.is_(None))
        .group_by(*keys, grade)
    )
    result: dict = {}
    for row_values in db.session.execute(stmt):
        k, (grade_value, total, registered, unconfirmed, due, overdue, *by_category) = _split(
            row_values, keys
        )
        row = result.setdefault(k, empty_minors())
        grade_key = grade_value if grade_value in GRADES else "ungraded"
        row["minors_total"] += total
        row["minors_by_grade"][grade_key] += total
        row["minors_registered"] += registered
        row["grades_unconfirmed"] += unconfirmed
        row["due"] += due
        row["overdue"] += overdue
        row["overdue_by_grade"][grade_key] += overdue
        for category, n in zip(counted, by_category, strict=True):
            row["minors_by_category"][category] += n
    return result


def empty_visits() -> dict:
    return {"done": 0, "by_review_status": dict.fromkeys(REVIEW_STATUSES, 0)}


def visits(target: Target, period: Period, group: Grouping = None, column=None) -> dict:
    """Per key: visits logged in the period, by review status (``column``: e.g. the visitor)."""
    keys = _key(group, column, Visit.area_path)
    stmt = (
        sa.select(*keys, Visit.review_status, sa.func.count())
        .where(target.filter(Visit.area_path), Visit.deleted_at.is_(None))
        .where(period.contains_instant(Visit.visited_at))
        .group_by(*keys, Visit.review_status)
    )
    result: dict = {}
    for row_values in db.session.execute(stmt):
        k, (status, n) = _split(row_values, keys)
        row = result.setdefault(k, empty_visits())
        row["done"] += n
        if status in row["by_review_status"]:
            row["by_review_status"][status] += n
    return result


def empty_reports() -> dict:
    return {
        "total": 0,
        "urgent": 0,
        "mandatory": 0,
        "by_status": dict.fromkeys(REPORT_STATUSES, 0),
        "open": 0,
        "open_urgent": 0,
    }


def reports(target: Target, period: Period, group: Grouping = None) -> dict:
    """Per key: reports filed in the period (by status, urgent, mandatory) and those open now."""
    keys = _key(group, None, Report.area_path)
    in_period = period.contains_instant(Report.reported_at)
    is_open = Report.status.in_(OPEN_REPORT_STATUSES)
    stmt = (
        sa.select(
            *keys,
            Report.status,
            count_if(in_period),
            count_if(in_period & Report.urgent),
            count_if(in_period & Report.mandatory),
            count_if(is_open),
            count_if(is_open & Report.urgent),
        )
        .where(target.filter(Report.area_path), Report.deleted_at.is_(None))
        .where(in_period | is_open)
        .group_by(*keys, Report.status)
    )
    result: dict = {}
    for row_values in db.session.execute(stmt):
        k, (status, total, urgent, mandatory, open_, open_urgent) = _split(row_values, keys)
        row = result.setdefault(k, empty_reports())
        row["total"] += total
        row["urgent"] += urgent
        row["mandatory"] += mandatory
        row["open"] += open_
        row["open_urgent"] += open_urgent
        if status in row["by_status"]:
            row["by_status"][status] += total
    return result


def add_into(total: dict, row: dict) -> dict:
    """Add the counts of ``row`` into ``total``, nested dicts included."""
    for key, value in row.items():
        if isinstance(value, dict):
            add_into(total[key], value)
        else:
            total[key] += value
    return total


def visit_block(minor_row: dict, visit_row: dict) -> dict:
    """The fixed ``visits`` object: due, done, overdue and the completion rate."""
    done, overdue = visit_row["done"], minor_row["overdue"]
    return {
        "due": minor_row["due"],
        "done": done,
        "overdue": overdue,
        "completion_rate": completion_rate(done, overdue),
        "overdue_by_grade": minor_row["overdue_by_grade"],
        "by_review_status": visit_row["by_review_status"],
    }
