"""Login sessions: the tokens of one login, a refresh token that rotates, and reuse detection.

Every refresh answers a new refresh token and retires the one sent. A retired token that comes
back means two holders of one session: the session ends, both must log in again. One
exception keeps a phone on a poor network from being logged out for nothing: the token just
retired is honoured once more, within a short grace, with a copy of its successor, because
the answer that carried the successor may have been lost on the way.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from flask import current_app
from flask_jwt_extended import create_access_token, create_refresh_token

from server.accounts.models import LoginSession, RevokedToken, User
from server.core.events import device_refused
from server.core.extensions import db

# Why a session ended when a street admin marked its phone lost: its tokens are then refused
# with this reason, and the phone wipes itself (server/sync_api/devices.py).
DEVICE_LOST = "device_lost"


@dataclass(frozen=True)
class Renewal:
    """What a refresh gives: new tokens, or ``None`` when the token sent was a reused one."""

    tokens: dict | None

    @property
    def reused(self) -> bool:
        return self.tokens is None


def start(user: User, device_id: str | None) -> dict:
    """A new session for a login: an access and a refresh token that name it."""
    now = datetime.now(UTC)
    session = LoginSession(
        sid=str(uuid.uuid4()),
        user_id=user.id,
        device=device_id,
        refresh_jti=_new_jti(),
        refresh_expires_at=now + current_app.config["JWT_REFRESH_TOKEN_EXPIRES"],
        rotated_at=now,
        created_at=now,
    )
    db.session.add(session)
    db.session.flush()
    return {
        "access_token": _access_token(user, session),
        "refresh_token": _refresh_token(user, session),
    }


def renew(user: User, claims: dict) -> Renewal:
    """Rotate the session's refresh token; claims are those of the refresh token sent."""
    session = _session_for(user, claims)
    jti, now = claims["jti"], datetime.now(UTC)
    if jti == session.refresh_jti:
        session.previous_jti, session.previous_replayed = jti, False
        session.refresh_jti = _new_jti()
        session.refresh_expires_at = now + current_app.config["JWT_REFRESH_TOKEN_EXPIRES"]
        session.rotated_at = now
    elif jti == session.previous_jti and _within_grace(session, now):
        # The successor's answer was lost (or two tabs refreshed together): send it again.
        session.previous_replayed = True
    else:
        end(session, "reused")
        return Renewal(None)
    return Renewal(
        {"access_token": _access_token(user, session), "refresh_token": _refresh_token(user, session)}
    )


def refused(device_id: str | None) -> bool:
    """Whether no one may log in from this device now (it was marked lost)."""
    return bool(device_id) and any(
        answer for _receiver, answer in device_refused.send(None, device_id=device_id)
    )


def end(session: LoginSession, why: str) -> None:
    if session.ended_at is None:
        session.ended_at, session.ended_why = datetime.now(UTC), why


def end_for(claims: dict) -> None:
    """Log out: end the token's whole session (access and refresh), or the lone token if it
    names none."""
    user_id = int(claims["sub"])
    if claims.get("sid"):
        session = db.session.get(LoginSession, str(claims["sid"])[:40])
        if session is None:  # a token issued before sessions were kept
            session = _adopt(user_id, claims)
        end(session, "logout")
        return
    if db.session.get(RevokedToken, claims["jti"]) is None:
        expires = datetime.fromtimestamp(claims["exp"], UTC)
        db.session.add(RevokedToken(jti=claims["jti"], user_id=user_id, expires_at=expires))


def ended(claims: dict) -> sa.ScalarSelect:
    """Whether the token's session has ended, as a column for the one query of a token check
    (``tokens.revoked``): true only for a session that exists and has ended."""
    sid = str(claims.get("sid") or "")[:40]
    return sa.select(LoginSession.ended_at.is_not(None)).where(LoginSession.sid == sid).scalar_subquery()


def ended_why(claims: dict) -> str | None:
    """Why the token's session ended (``None`` if it has not, or the token names none). Read
    only for a refused token, to tell the phone why."""
    sid = str(claims.get("sid") or "")[:40]
    if not sid:
        return None
    return db.session.scalar(sa.select(LoginSession.ended_why).where(LoginSession.sid == sid))


def purge(now: datetime | None = None) -> int:
    """Forget sessions whose refresh token can no longer be used; run daily."""
    now = now or datetime.now(UTC)
    result = db.session.execute(sa.delete(LoginSession).where(LoginSession.refresh_expires_at < now))
    db.session.execute(sa.delete(RevokedToken).where(RevokedToken.expires_at < now))
    return result.rowcount or 0


def _session_for(user: User, claims: dict) -> LoginSession:
    sid = str(claims.get("sid") or "")[:40]
    session = (
        db.session.scalar(sa.select(LoginSession).where(LoginSession.sid == sid).with_for_update())
        if sid
        else None
    )
    if session is None:
        session = _adopt(user.id, claims)
    return session


def _adopt(user_id: int, claims: dict) -> LoginSession:
    """A token from before sessions were kept (or without a session id) starts one as it is."""
    issued = datetime.fromtimestamp(claims["iat"], UTC)
    session = LoginSession(
        sid=str(claims.get("sid") or uuid.uuid4())[:40],
        user_id=user_id,
        device=(claims.get("device") or None) and str(claims["device"])[:64],
        refresh_jti=claims["jti"],
        refresh_expires_at=datetime.fromtimestamp(claims["exp"], UTC),
        rotated_at=issued,
        created_at=issued,
    )
    db.session.add(session)
    db.session.flush()
    return session


def _within_grace(session: LoginSession, now: datetime) -> bool:
    grace = current_app.config["REFRESH_REPLAY_GRACE"]
    return not session.previous_replayed and now - session.rotated_at <= grace


def _claims(user: User, session: LoginSession) -> dict:
    return {"role": user.role, "device": session.device, "sid": session.sid}


def _access_token(user: User, session: LoginSession) -> str:
    return create_access_token(identity=user, additional_claims=_claims(user, session))


def _refresh_token(user: User, session: LoginSession) -> str:
    # The jti and expiry are the session's, so a token sent again is the same token.
    claims = _claims(user, session) | {"jti": session.refresh_jti, "exp": session.refresh_expires_at}
    return create_refresh_token(identity=user, additional_claims=claims)


def _new_jti() -> str:
    return str(uuid.uuid4())
