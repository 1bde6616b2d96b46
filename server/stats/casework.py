"""Reports (强制报告/预警) and their first-response times; referrals (转介) by unit and status.

First response = the first step a supervisor took on the report: acknowledged, else referred,
resolved or closed (a step may be skipped). Response time = first response - reported_at.
The SLA is the street's ``red_first_response_hours`` setting (24 h by default).
"""

from __future__ import annotations

import importlib
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from server.accounts.models import UNITS
from server.areas.models import Area
from server.core.db import utcnow
from server.core.extensions import db
from server.referrals.models import REFERRAL_STATUSES
from server.registry.settings import settings_for
from server.reports.models import REPORT_KINDS, REPORT_SOURCES, REPORT_STATUSES, Report
from server.stats.periods import Period
from server.stats.sql import count_if, median_by, seconds_between
from server.stats.target import Target

URGENT_LIST_LIMIT = 100
# A member unit should answer a referral (accept or decline) within three days.
REFERRAL_ANSWER_HOURS = 72


def first_response_at():
    return sa.func.coalesce(Report.acknowledged_at, Report.referred_at, Report.resolved_at, Report.closed_at)


def response_seconds():
    return seconds_between(first_response_at(), Report.reported_at)


def sla_hours(target: Target) -> int:
    return int(settings_for(target.first_path)["red_first_response_hours"])


def hours(seconds: float | None) -> float | None:
    return None if seconds is None else round(float(seconds) / 3600, 2)


def _response_block(answered: int, within: int, unanswered: int, late_unanswered: int, median) -> dict:
    return {
        "answered": answered,
        "unanswered": unanswered,
        "median_hours": hours(median),
        "within_sla": within,
        "over_sla": answered - within,
        "unanswered_over_sla": late_unanswered,
    }


def report_stats(target: Target, period: Period, now: datetime | None = None) -> dict:
    """Reports filed in the period: counts by status, kind and source; first-response times."""
    now = now or utcnow()
    sla = sla_hours(target)
    where = sa.and_(
        target.filter(Report.area_path),
        Report.deleted_at.is_(None),
        period.contains_instant(Report.reported_at),
    )
    by_status = dict.fromkeys(REPORT_STATUSES, 0)
    urgent_by_status = dict.fromkeys(REPORT_STATUSES, 0)
    by_kind = dict.fromkeys(REPORT_KINDS, 0)
    by_source = dict.fromkeys(REPORT_SOURCES, 0)
    total = urgent = mandatory = 0
    counts = db.session.execute(
        sa.select(Report.status, Report.kind, Report.source, Report.urgent, Report.mandatory, sa.func.count())
        .where(where)
        .group_by(Report.status, Report.kind, Report.source, Report.urgent, Report.mandatory)
    )
    for status, kind, source, is_urgent, is_mandatory, n in counts:
        total += n
        urgent += n if is_urgent else 0
        mandatory += n if is_mandatory else 0
        by_status[status] = by_status.get(status, 0) + n
        by_kind[kind] = by_kind.get(kind, 0) + n
        by_source[source] = by_source.get(source, 0) + n
        if is_urgent:
            urgent_by_status[status] = urgent_by_status.get(status, 0) + n

    seconds = response_seconds()
    answered = first_response_at().is_not(None)
    timing = db.session.execute(
        sa.select(
            Report.urgent,
            count_if(answered),
            count_if(answered & (seconds <= sla * 3600)),
            count_if(~answered),
            count_if(~answered & (Report.reported_at < now - timedelta(hours=sla))),
        )
        .where(where)
        .group_by(Report.urgent)
    ).all()
    medians = {row[0]: row[1] for row in db.session.execute(median_by(Report.urgent, seconds, where))}
    overall_median = db.session.execute(median_by(sa.literal_column("1"), seconds, where)).first()
    blocks = {flag: [0, 0, 0, 0] for flag in (True, False)}
    for flag, *values in timing:
        blocks[bool(flag)] = values
    everything = [a + b for a, b in zip(blocks[True], blocks[False], strict=True)]
    return {
        "area": target.to_wire(),
        "period": period.to_wire(),
        "sla_hours": sla,
        "total": total,
        "urgent": urgent,
        "mandatory": mandatory,
        "by_status": by_status,
        "urgent_by_status": urgent_by_status,
        "by_kind": by_kind,
        "by_source": by_source,
        "first_response": _response_block(*everything, overall_median[1] if overall_median else None),
        "urgent_first_response": _response_block(*blocks[True], medians.get(True)),
        "urgent_reports": urgent_reports(where, sla, now),
    }


def urgent_reports(where, sla: int, now: datetime) -> list[dict]:
    """The latest urgent reports of the period with their response times (no names, no text).

    A report still waiting for its first response is over its SLA once the limit has passed,
    as the workbench says."""
    seconds = response_seconds()
    rows = db.session.execute(
        sa.select(Report, Area.name, first_response_at(), seconds)
        .join(Area, Area.id == Report.area_id)
        .where(where, Report.urgent.is_(True))
        .order_by(Report.reported_at.desc(), Report.id)
        .limit(URGENT_LIST_LIMIT)
    ).all()
    return [
        {
            "id": report.id,
            "kind": report.kind,
            "source": report.source,
            "mandatory": report.mandatory,
            "status": report.status,
            "area": {"id": report.area_id, "name": area_name},
            "reported_at": report.reported_at.isoformat(),
            "first_response_at": first.isoformat() if first else None,
            "response_hours": hours(spent),
            "first_response_due": (report.reported_at + timedelta(hours=sla)).isoformat(),
            "over_sla": spent > sla * 3600
            if spent is not None
            else report.reported_at + timedelta(hours=sla) < now,
        }
        for report, area_name, first, spent in rows
    ]


def referral_model():
    """The Referral model once server/referrals exists and its table is migrated; else None."""
    try:
        module = importlib.import_module("server.referrals.models")
    except ImportError:
        return None
    model = getattr(module, "Referral", None)
    if model is None:
        return None
    known = current_app.extensions.setdefault("humiao.stats.tables", {})
    if model.__tablename__ not in known:
        known[model.__tablename__] = sa.inspect(db.session.connection()).has_table(model.__tablename__)
    return model if known[model.__tablename__] else None


def _column(model, *names):
    for name in names:
        column = getattr(model, name, None)
        if column is not None:
            return column
    return None


class ReferralColumns:
    """Where a referral keeps its unit, status, timestamps and place."""

    def __init__(self, model) -> None:
        self.model = model
        self.unit = _column(model, "to_unit", "unit")
        self.status = _column(model, "status")
        self.sent = _column(model, "sent_at", "created_at")
        self.accepted = _column(model, "accepted_at")
        self.declined = _column(model, "declined_at")
        self.done = _column(model, "done_at", "completed_at")
        self.deleted = _column(model, "deleted_at")
        self.path = _column(model, "area_path")

    @property
    def usable(self) -> bool:
        return all(c is not None for c in (self.unit, self.status, self.sent, self.path))

    def where(self, target: Target, period: Period):
        clauses = [target.filter(self.path), period.contains_instant(self.sent)]
        if self.deleted is not None:
            clauses.append(self.deleted.is_(None))
        return sa.and_(*clauses)

    def answer_seconds(self):
        """Sent to the unit's first answer: accepted, or declined."""
        answers = [c for c in (self.accepted, self.declined) if c is not None]
        if not answers:
            return None
        answered = sa.func.coalesce(*answers) if len(answers) > 1 else answers[0]
        return seconds_between(answered, self.sent)

    def done_seconds(self):
        return seconds_between(self.done, self.sent) if self.done is not None else None


def referral_columns() -> ReferralColumns | None:
    model = referral_model()
    if model is None:
        return None
    columns = ReferralColumns(model)
    return columns if columns.usable else None


def empty_unit() -> dict:
    return {"total": 0, **dict.fromkeys(REFERRAL_STATUSES, 0)}


def referral_stats(target: Target, period: Period) -> dict:
    """Referrals sent in the period, by member unit and status, with handling times."""
    by_unit = {unit: empty_unit() for unit in UNITS}
    result = {
        "area": target.to_wire(),
        "period": period.to_wire(),
        "available": False,
        "total": 0,
        "by_status": dict.fromkeys(REFERRAL_STATUSES, 0),
        "by_unit": by_unit,
        "median_hours_to_answer": None,
        "median_hours_to_done": None,
        "answer_sla_hours": REFERRAL_ANSWER_HOURS,
    }
    columns = referral_columns()
    if columns is None:
        return result
    where = columns.where(target, period)
    rows = db.session.execute(
        sa.select(columns.unit, columns.status, sa.func.count())
        .where(where)
        .group_by(columns.unit, columns.status)
    )
    for unit, status, n in rows:
        row = by_unit.setdefault(unit, empty_unit())
        row["total"] += n
        row[status] = row.get(status, 0) + n
        result["by_status"][status] = result["by_status"].get(status, 0) + n
        result["total"] += n
    for key, seconds in (
        ("median_hours_to_answer", columns.answer_seconds()),
        ("median_hours_to_done", columns.done_seconds()),
    ):
        if seconds is not None:
            median = db.session.execute(median_by(sa.literal_column("1"), seconds, where)).first()
            result[key] = hours(median[1]) if median else None
    result["available"] = True
    return result
