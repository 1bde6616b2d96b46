"""The street's calendar: visit days, due dates and birthdays are local dates, not UTC ones."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

DEFAULT_TIMEZONE = "Asia/Shanghai"


def timezone() -> ZoneInfo:
    name = current_app.config.get("HUMIAO_TIMEZONE") if has_app_context() else None
    return ZoneInfo(name or DEFAULT_TIMEZONE)


def local_date(moment: datetime) -> date:
    """The street's calendar day of an instant (a visit at 07:00 Beijing is that day, not the day before)."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(timezone()).date()


def local_today() -> date:
    return datetime.now(timezone()).date()
