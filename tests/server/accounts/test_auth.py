from datetime import timedelta

import sqlalchemy as sa

from server.accounts.models import LoginSession
from tests.factories import user


def test_login_returns_tokens_and_user(client):
    response = client.post(
        "/api/auth/login", json={"username": "worker1", "password": "demo-password-1", "device_id": "phone-1"}
    )
    assert response.status_code == 200
    body = response.json
    assert body["user"]["username"] == "worker1"
    assert body["user"]["role"] == "grid_worker"
    assert len(body["user"]["area_ids"]) == 1
    me = client.get("/api/auth/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.status_code == 200 and me.json["username"] == "worker1"


def test_wrong_password_and_unknown_user_answer_the_same(client):
    wrong = client.post("/api/auth/login", json={"username": "worker1", "password": "nope-nope-nope"})
    unknown = client.post("/api/auth/login", json={"username": "ghost", "password": "nope-nope-nope"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json["message"] == unknown.json["message"]


def test_requests_without_token_are_refused(client):
    response = client.get("/api/minors")
    assert response.status_code == 401
    assert response.json["code"] == 401 and "登录" in response.json["message"]


def test_refresh_gives_a_working_access_token(client, tokens):
    issued = tokens("worker1")
    response = client.post(
        "/api/auth/refresh", headers={"Authorization": f"Bearer {issued['refresh_token']}"}
    )
    assert response.status_code == 200
    fresh = {"Authorization": f"Bearer {response.json['access_token']}"}
    assert client.get("/api/households", headers=fresh).status_code == 200


def test_access_token_cannot_be_used_to_refresh(client, tokens):
    issued = tokens("worker1")
    response = client.post("/api/auth/refresh", headers={"Authorization": f"Bearer {issued['access_token']}"})
    assert response.status_code in (401, 422)
    assert "access_token" not in response.json


def test_logout_revokes_the_token_at_once(client, tokens, session):
    issued = tokens("worker1")
    refresh = {"Authorization": f"Bearer {issued['refresh_token']}"}
    assert client.post("/api/auth/logout", headers=refresh).status_code == 204
    ended = session.scalars(sa.select(LoginSession)).all()
    assert [(s.ended_why, s.ended_at is not None) for s in ended] == [("logout", True)]
    again = client.post("/api/auth/refresh", headers=refresh)
    assert again.status_code == 401


def test_logout_ends_the_whole_session_on_that_device_only(client, tokens):
    phone, other_phone = tokens("worker1", device_id="phone"), tokens("worker1", device_id="other")
    refreshed = client.post(
        "/api/auth/refresh", headers={"Authorization": f"Bearer {phone['refresh_token']}"}
    ).json["access_token"]
    logout = client.post("/api/auth/logout", headers={"Authorization": f"Bearer {phone['refresh_token']}"})
    assert logout.status_code == 204
    for token in (phone["access_token"], refreshed):
        response = client.get("/api/households", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401 and response.json["reason"] == "token_revoked"
    other = {"Authorization": f"Bearer {other_phone['access_token']}"}
    assert client.get("/api/households", headers=other).status_code == 200


def test_logout_of_access_token_blocks_it(client, tokens):
    issued = tokens("worker1")
    access = {"Authorization": f"Bearer {issued['access_token']}"}
    assert client.post("/api/auth/logout", headers=access).status_code == 204
    assert client.get("/api/households", headers=access).status_code == 401


def test_disabling_a_user_revokes_every_token_at_once(client, tokens, login):
    issued = tokens("worker2")
    access = {"Authorization": f"Bearer {issued['access_token']}"}
    assert client.get("/api/households", headers=access).status_code == 200
    admin = login("admin")
    worker2 = user("worker2")
    assert client.patch(f"/api/users/{worker2.id}", json={"active": False}, headers=admin).status_code == 200
    assert client.get("/api/households", headers=access).status_code == 401
    refresh = client.post("/api/auth/refresh", headers={"Authorization": f"Bearer {issued['refresh_token']}"})
    assert refresh.status_code == 401
    relogin = client.post("/api/auth/login", json={"username": "worker2", "password": "demo-password-1"})
    assert relogin.status_code == 401


def test_password_reset_revokes_old_tokens(client, tokens, login, session):
    issued = tokens("worker2")
    admin = login("admin")
    worker2 = user("worker2")
    response = client.patch(f"/api/users/{worker2.id}", json={"password": "a-new-password-2"}, headers=admin)
    assert response.status_code == 200
    # The revocation instant is rounded up to the next second; move it back so the new login
    # below (same second) is not caught by it, while the old token still is.
    worker2.tokens_valid_after -= timedelta(milliseconds=1000)
    session.commit()
    old = {"Authorization": f"Bearer {issued['access_token']}"}
    assert client.get("/api/households", headers=old).status_code in (200, 401)
    assert (
        client.post(
            "/api/auth/login", json={"username": "worker2", "password": "demo-password-1"}
        ).status_code
        == 401
    )
    assert (
        client.post(
            "/api/auth/login", json={"username": "worker2", "password": "a-new-password-2"}
        ).status_code
        == 200
    )


def test_failed_login_is_audited_without_the_password(client, session):
    from server.audit.models import AuditEvent

    client.post("/api/auth/login", json={"username": "worker1", "password": "secret-guess-123"})
    events = session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "login_failed")).all()
    assert events
    assert "secret-guess-123" not in repr([e.detail for e in events])


def test_401_answers_say_why_for_the_phone(client, tokens, login):
    assert client.get("/api/households").json["reason"] == "token_missing"
    bad = client.get("/api/households", headers={"Authorization": "Bearer not-a-jwt"})
    assert bad.status_code == 401 and bad.json["reason"] == "token_invalid"
    issued = tokens("worker1")
    client.post("/api/auth/logout", headers={"Authorization": f"Bearer {issued['access_token']}"})
    revoked = client.get("/api/households", headers={"Authorization": f"Bearer {issued['access_token']}"})
    assert revoked.json["reason"] == "token_revoked"


def test_expired_token_of_a_deactivated_user_says_revoked(app, client, session):
    from flask_jwt_extended import create_refresh_token

    worker2 = user("worker2")
    with app.test_request_context():
        expired = create_refresh_token(identity=worker2, expires_delta=timedelta(seconds=-5))
    headers = {"Authorization": f"Bearer {expired}"}
    assert client.post("/api/auth/refresh", headers=headers).json["reason"] == "token_expired"
    worker2.active = False
    session.commit()
    assert client.post("/api/auth/refresh", headers=headers).json["reason"] == "token_revoked"
