"""Refresh tokens rotate; a retired one that comes back ends the session (issue 11)."""

from datetime import timedelta

import sqlalchemy as sa
from flask_jwt_extended import decode_token

from server.accounts.models import LoginSession
from server.audit.models import AuditEvent


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def refresh(client, token: str):
    return client.post("/api/auth/refresh", headers=bearer(token))


def test_every_refresh_gives_a_new_refresh_token_and_retires_the_one_sent(app, client, tokens):
    first = tokens("worker1")["refresh_token"]
    answer = refresh(client, first)
    assert answer.status_code == 200
    second = answer.json["refresh_token"]
    with app.app_context():
        assert decode_token(second)["jti"] != decode_token(first)["jti"]
        assert decode_token(second)["sid"] == decode_token(first)["sid"]
    third = refresh(client, second)
    assert third.status_code == 200
    assert client.get("/api/households", headers=bearer(third.json["access_token"])).status_code == 200


def test_a_lost_answer_is_forgiven_once_with_the_same_successor(app, client, tokens):
    first = tokens("worker1")["refresh_token"]
    lost = refresh(client, first).json["refresh_token"]  # the phone never received this
    again = refresh(client, first)
    assert again.status_code == 200
    with app.app_context():
        assert decode_token(again.json["refresh_token"])["jti"] == decode_token(lost)["jti"]
    # The phone goes on with what it received; the session lives.
    onwards = refresh(client, again.json["refresh_token"])
    assert onwards.status_code == 200


def test_a_retired_token_used_twice_ends_the_session_for_both_holders(client, tokens, session):
    issued = tokens("worker1", device_id="phone-1")
    first = issued["refresh_token"]
    current = refresh(client, first).json
    assert refresh(client, first).status_code == 200  # once: maybe a lost answer
    reused = refresh(client, first)  # twice: two holders of one session
    assert reused.status_code == 401
    assert reused.json["reason"] == "token_reused"
    assert "重新登录" in reused.json["message"]
    for token in (current["access_token"], issued["access_token"]):
        assert client.get("/api/households", headers=bearer(token)).status_code == 401
    assert refresh(client, current["refresh_token"]).status_code == 401
    ended = session.scalars(sa.select(LoginSession)).one()
    assert ended.ended_why == "reused"
    assert session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "refresh_reused")) is not None


def test_a_token_two_generations_old_is_reuse(client, tokens):
    first = tokens("worker1")["refresh_token"]
    second = refresh(client, first).json["refresh_token"]
    refresh(client, second)
    assert refresh(client, first).json["reason"] == "token_reused"


def test_the_grace_for_a_lost_answer_is_short(client, tokens, session):
    first = tokens("worker1")["refresh_token"]
    refresh(client, first)
    live = session.scalars(sa.select(LoginSession)).one()
    live.rotated_at -= timedelta(minutes=11)
    session.commit()
    assert refresh(client, first).json["reason"] == "token_reused"


def test_reuse_in_one_session_leaves_the_users_other_devices_alone(client, tokens):
    phone = tokens("worker1", device_id="phone")["refresh_token"]
    other = tokens("worker1", device_id="other")
    refresh(client, phone)
    refresh(client, phone)
    assert refresh(client, phone).status_code == 401
    assert client.get("/api/households", headers=bearer(other["access_token"])).status_code == 200
    assert refresh(client, other["refresh_token"]).status_code == 200


def test_a_token_from_before_sessions_were_kept_is_adopted(app, client, session):
    """Phones that logged in before the upgrade keep working: their token starts a session."""
    from flask_jwt_extended import create_refresh_token

    from tests.factories import user

    worker = user("worker1")
    with app.test_request_context():
        old = create_refresh_token(identity=worker, additional_claims={"role": worker.role, "sid": "old-sid"})
        old_jti = decode_token(old)["jti"]
    answer = refresh(client, old)
    assert answer.status_code == 200
    assert session.get(LoginSession, "old-sid").refresh_jti != old_jti
    assert refresh(client, answer.json["refresh_token"]).status_code == 200


def test_purge_forgets_sessions_that_can_no_longer_refresh(app, client, tokens, session):
    from server.accounts import sessions

    tokens("worker1")
    live = session.scalars(sa.select(LoginSession)).one()
    live.refresh_expires_at -= timedelta(days=61)
    session.commit()
    with app.app_context():
        assert sessions.purge() == 1
        session.commit()
    assert session.scalar(sa.select(sa.func.count()).select_from(LoginSession)) == 0
