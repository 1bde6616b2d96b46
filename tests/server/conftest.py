"""Fixtures of the server tests: phones of the shared test street that speak the wire contract."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.factories import area
from tests.server.sync_api.wire import Device, new_id


@pytest.fixture
def device(client, login) -> Callable[..., Device]:
    """device("worker1") -> a new phone of that user, logged in with its own client id."""

    def _device(username: str = "worker1", client_id: str | None = None) -> Device:
        client_id = client_id or new_id()
        return Device(client, login(username, device_id=client_id), client_id, username)

    return _device


@pytest.fixture
def grid(session) -> Callable[[str], int]:
    """grid("V1G1W1") -> that area's id (any level: "V1", "S1" too)."""
    return lambda code: area(code).id
