"""Fixtures of the supervisor workspace tests: phones, a fake webhook and a controllable clock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from tests.factories import area
from tests.server.sync_api.wire import Device, new_id


@pytest.fixture
def device(client, login) -> Callable[..., Device]:
    """device("worker1") -> a new phone of that user, logged in with its own client id."""

    def _device(username: str = "worker1") -> Device:
        client_id = new_id()
        return Device(client, login(username, device_id=client_id), client_id, username)

    return _device


@pytest.fixture
def grid(session) -> Callable[[str], int]:
    """grid("V1G1W1") -> that area's id (any level: "V1", "S1" too)."""
    return lambda code: area(code).id


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
