"""The first-response time limit of a report (首次响应时限), from the street's settings."""

from __future__ import annotations

from datetime import datetime, timedelta

from server.core.db import utcnow
from server.registry.settings import settings_for
from server.reports.models import Report


def response_hours(path: str | None) -> int:
    return settings_for(path)["red_first_response_hours"]


def first_response_due(report: Report) -> datetime:
    return report.reported_at + timedelta(hours=response_hours(report.area_path))


def sla(report: Report, now: datetime | None = None) -> dict:
    """When a first response is due, how long it took, and whether the limit was (or is being) missed."""
    now = now or utcnow()
    due = first_response_due(report)
    answered = report.acknowledged_at
    return {
        "first_response_due": due,
        "response_seconds": int((answered - report.reported_at).total_seconds()) if answered else None,
        "overdue": (answered or now) > due,
    }
