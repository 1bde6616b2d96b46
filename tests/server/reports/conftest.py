"""Fixtures of the report tests: a fake webhook and a controllable clock."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest


@pytest.fixture
def webhook(app, monkeypatch) -> list[tuple[str, dict]]:
    """A configured webhook whose sender records each POST instead of sending it."""
    sent: list[tuple[str, dict]] = []
    monkeypatch.setitem(app.config, "HUMIAO_WEBHOOK_URL", "https://sms.example.test/hook")
    monkeypatch.setattr(
        "server.notifications.webhook.send", lambda url, payload, timeout: sent.append((url, payload))
    )
    return sent


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock(monkeypatch) -> Clock:
    """Frozen time for report SLAs: clock.now = ... moves it."""
    frozen = Clock(datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    for module in ("server.reports.service", "server.reports.sla"):
        monkeypatch.setattr(f"{module}.utcnow", frozen)
    return frozen
