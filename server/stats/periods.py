"""Periods of the statistics: the street's calendar days, turned into UTC instants for SQL."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from server.core.localtime import local_today, timezone

__all__ = ["Period", "local_midnight_utc", "local_today", "month_bounds", "shift_month"]


def local_midnight_utc(day: date) -> datetime:
    """The UTC instant at which ``day`` begins locally (bound as UTC: SQLite keeps no offset)."""
    return datetime.combine(day, time(), timezone()).astimezone(UTC)


def month_bounds(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def shift_month(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


@dataclass(frozen=True)
class Period:
    """The days ``first`` to ``last`` inclusive; ``today`` is when the snapshot figures are taken."""

    first: date
    last: date
    today: date

    @classmethod
    def of(cls, first: date | None, last: date | None, today: date | None = None) -> Period:
        """Missing ends default to the current calendar month."""
        today = today or local_today()
        month_first, month_last = month_bounds(today.year, today.month)
        return cls(first or month_first, last or month_last, today)

    @classmethod
    def month(cls, text: str, today: date | None = None) -> Period:
        year, month = (int(part) for part in text.split("-"))
        first, last = month_bounds(year, month)
        return cls(first, last, today or local_today())

    @property
    def start(self) -> datetime:
        return local_midnight_utc(self.first)

    @property
    def end(self) -> datetime:
        """Exclusive: the first instant after the period."""
        return local_midnight_utc(self.last + timedelta(days=1))

    def contains_instant(self, column):
        return (column >= self.start) & (column < self.end)

    def contains_day(self, column):
        return column.between(self.first, self.last)

    def to_wire(self) -> dict:
        return {"from": self.first.isoformat(), "to": self.last.isoformat(), "today": self.today.isoformat()}
