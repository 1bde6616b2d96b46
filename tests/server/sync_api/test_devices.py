"""GET /api/sync/devices: who synced when, for supervisors."""

from __future__ import annotations

from tests.server.sync_api.wire import DEVICES, device_row


def test_devices_are_listed_for_supervisors_only(device, client):
    phone = device("worker1")
    phone.pull_all()
    assert client.get(DEVICES, headers=phone.headers).status_code == 403
    row = device_row(device("village1"), phone.client_id)
    assert (row["username"], row["display_name"], row["pulls"], row["pushes"]) == ("worker1", "王建国", 1, 0)
    assert row["last_pull_at"] and row["last_push_at"] is None
    assert not [
        r
        for r in client.get(DEVICES, headers=device("village2").headers).json
        if r["client_id"] == phone.client_id
    ]
