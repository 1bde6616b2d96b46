"""A phone marked lost by a street admin: its tokens stop at once and it is wiped at its next
contact; no one logs in from it until the mark is cleared (issue 17)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask_jwt_extended import create_access_token, decode_token

from server.accounts.models import LoginSession
from server.audit.models import AuditEvent
from server.sync_api.models import Device
from tests.conftest import DEMO_PASSWORD
from tests.factories import make_device, user
from tests.server.streets import add_second_street
from tests.server.sync_api.wire import DEVICES, PULL, device_row


def lost(client_id: str) -> str:
    return f"{DEVICES}/{client_id}/lost"


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def log_in(client, username: str, device_id: str):
    return client.post(
        "/api/auth/login", json={"username": username, "password": DEMO_PASSWORD, "device_id": device_id}
    )


def assert_device_lost(response, status: int = 401) -> None:
    assert response.status_code == status, response.get_json()
    assert response.json["reason"] == "device_lost"
    assert "丢失" in response.json["message"] and "lost" in response.json["message"]


def test_marking_a_phone_lost_stops_its_tokens_at_once_and_no_other(client, tokens, login, session):
    phone = tokens("worker1", device_id="lost-phone")
    other = tokens("worker1", device_id="other-phone")
    assert client.get(PULL, headers=bearer(phone["access_token"])).status_code == 200

    answer = client.post(lost("lost-phone"), headers=login("admin"))

    assert answer.status_code == 200, answer.json
    assert answer.json["client_id"] == "lost-phone" and answer.json["username"] == "worker1"
    assert answer.json["lost_at"] and answer.json["lost_by"] == user("admin").id
    assert answer.json["lost_by_name"] == "街道管理员"
    # The very next request of either token, not when the access token runs out.
    assert_device_lost(client.get(PULL, headers=bearer(phone["access_token"])))
    assert_device_lost(client.post("/api/auth/refresh", headers=bearer(phone["refresh_token"])))
    # The same user's other phone goes on.
    assert client.get(PULL, headers=bearer(other["access_token"])).status_code == 200
    assert client.post("/api/auth/refresh", headers=bearer(other["refresh_token"])).status_code == 200
    ended = session.scalars(sa.select(LoginSession).where(LoginSession.device == "lost-phone")).one()
    assert ended.ended_why == "device_lost"


def test_a_phone_back_after_its_access_token_expired_is_still_told_it_was_lost(app, client, tokens, login):
    """The usual case: the phone was off for hours, so its access token has expired as well."""
    phone = tokens("worker1", device_id="lost-phone")
    client.get(PULL, headers=bearer(phone["access_token"]))
    assert client.post(lost("lost-phone"), headers=login("admin")).status_code == 200
    claims = decode_token(phone["access_token"])
    stale = create_access_token(
        identity=user("worker1"),
        additional_claims={k: claims[k] for k in ("role", "device", "sid")},
        expires_delta=timedelta(seconds=-1),
    )
    assert_device_lost(client.get(PULL, headers=bearer(stale)))


def test_every_login_on_the_phone_ends_whoever_made_it(client, tokens, login):
    first = tokens("worker1", device_id="shared-phone")
    second = tokens("worker2", device_id="shared-phone")
    client.get(PULL, headers=bearer(second["access_token"]))
    assert client.post(lost("shared-phone"), headers=login("admin")).json["username"] == "worker2"
    for held in (first, second):
        assert_device_lost(client.get(PULL, headers=bearer(held["access_token"])))


def test_no_one_logs_in_from_a_lost_phone_until_the_mark_is_cleared(client, device, login, session):
    phone = device("worker1")
    phone.pull_all()
    admin = login("admin")
    client.post(lost(phone.client_id), headers=admin)

    assert_device_lost(log_in(client, "worker1", phone.client_id), 403)
    assert_device_lost(log_in(client, "worker2", phone.client_id), 403)
    # Refused before the password is looked at: a wrong one tells the phone nothing more.
    wrong = client.post(
        "/api/auth/login",
        json={"username": "worker1", "password": "not-it-at-all", "device_id": phone.client_id},
    )
    assert_device_lost(wrong, 403)
    assert log_in(client, "worker1", "her-new-phone").status_code == 200
    refused = session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "login_refused")).all()
    assert {e.device_id for e in refused} == {phone.client_id} and len(refused) == 3

    cleared = client.delete(lost(phone.client_id), headers=admin)
    assert cleared.status_code == 200, cleared.json
    assert (cleared.json["lost_at"], cleared.json["lost_by"], cleared.json["lost_by_name"]) == (
        None,
        None,
        None,
    )
    again = log_in(client, "worker1", phone.client_id)
    assert again.status_code == 200, again.json
    assert client.get(PULL, headers=bearer(again.json["access_token"])).status_code == 200
    # What the mark ended stays ended: the phone was wiped, it starts from a new login.
    assert_device_lost(phone.pull_raw())


def test_the_device_list_shows_when_and_by_whom(client, device, login):
    phone = device("worker1")
    phone.pull_all()
    assert device_row(device("village1"), phone.client_id)["lost_at"] is None
    client.post(lost(phone.client_id), headers=login("admin"))
    row = device_row(device("village1"), phone.client_id)
    assert row["lost_at"] and row["lost_by_name"] == "街道管理员"


def test_marking_again_keeps_the_first_mark(client, device, login, session):
    phone = device("worker1")
    phone.pull_all()
    admin = login("admin")
    first = client.post(lost(phone.client_id), headers=admin).json
    second = client.post(lost(phone.client_id), headers=admin)
    assert second.status_code == 200
    assert second.json["lost_at"] == first["lost_at"]


def test_the_mark_and_its_clearing_are_audited(client, tokens, login, session):
    tokens("worker1", device_id="lost-phone")
    tokens("worker1", device_id="lost-phone")
    make_device("worker1", client_id="lost-phone")
    session.commit()
    admin = login("admin")
    client.post(lost("lost-phone"), headers=admin)
    client.delete(lost("lost-phone"), headers=admin)
    events = session.scalars(
        sa.select(AuditEvent).where(AuditEvent.entity == "device").order_by(AuditEvent.id)
    ).all()
    assert [(e.action, e.record_id, e.user_id) for e in events] == [
        ("mark_lost", "lost-phone", user("admin").id),
        ("clear_lost", "lost-phone", user("admin").id),
    ]
    assert events[0].detail == {
        "client_id": "lost-phone",
        "owner_id": user("worker1").id,
        "sessions_ended": 2,
    }


def test_only_street_admins_mark_phones_lost(client, device, login, session):
    phone = device("worker1")
    phone.pull_all()
    for username in ("worker1", "village1", "police1", "sentinel1"):
        answer = client.post(lost(phone.client_id), headers=login(username))
        assert answer.status_code == 403, (username, answer.json)
        assert client.delete(lost(phone.client_id), headers=login(username)).status_code == 403
    assert session.get(Device, phone.client_id).lost_at is None
    assert phone.pull_raw().status_code == 200


def test_a_phone_outside_my_street_is_not_found(client, device, login, session):
    add_second_street()
    session.commit()
    phone = device("worker1")
    phone.pull_all()
    spanning = device("mover")  # an account over two streets is no single street's
    spanning.pull_all()
    for username, client_id in (("admin2", phone.client_id), ("admin", spanning.client_id)):
        answer = client.post(lost(client_id), headers=login(username))
        assert answer.status_code == 404, (username, answer.json)
        assert client.delete(lost(client_id), headers=login(username)).status_code == 404
        assert session.get(Device, client_id).lost_at is None
    assert phone.pull_raw().status_code == 200 and spanning.pull_raw().status_code == 200


@pytest.mark.parametrize("client_id", ["never-synced", "x" * 64, "a%00b"])
def test_an_unknown_device_is_not_found(client, login, client_id):
    admin = login("admin")
    for method in (client.post, client.delete):
        assert method(lost(client_id), headers=admin).status_code == 404


@pytest.mark.parametrize("client_id", ["x" * 65, "x" * 5000])
def test_an_over_long_device_id_is_refused_before_any_query(client, login, client_id):
    """No route takes it: like any path parameter that does not fit, it meets the shell's GET-only
    route (405)."""
    admin = login("admin")
    for method in (client.post, client.delete):
        answer = method(lost(client_id), headers=admin)
        assert answer.status_code == 405 and answer.is_json, answer.status_code
