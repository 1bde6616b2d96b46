"""flask-jwt-extended wiring: who a token belongs to, and whether it is still alive."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from flask import jsonify
from flask_jwt_extended import JWTManager

from server.accounts import sessions
from server.accounts.models import RevokedToken, User
from server.core.errors import DeviceLost, error_payload
from server.core.extensions import db


def reused_answer():
    """A retired refresh token came back: the session has ended, the phone keeps its work."""
    return _unauthorized(
        "登录已在别处续期，为安全起见已退出，请重新登录 / This login was renewed elsewhere; "
        "for safety it has ended: log in again.",
        "token_reused",
    )


def _unauthorized(message: str, reason: str):
    """``reason`` is for programs (the phone wipes itself on token_revoked and device_lost, not
    on token_expired)."""
    payload = error_payload(401, "Unauthorized", message)
    payload["reason"] = reason
    return jsonify(payload), 401


def register(jwt: JWTManager) -> None:
    @jwt.user_identity_loader
    def identity(user: User) -> str:
        return str(user.id)

    @jwt.user_lookup_loader
    def lookup(_header, payload) -> User | None:
        return db.session.get(User, int(payload["sub"]))

    @jwt.token_in_blocklist_loader
    def revoked(_header, payload) -> bool:
        """Checked on every request, so a revocation or a disabled user takes effect at once.

        One statement, not one per table: this runs before every API call."""
        row = db.session.execute(
            sa.select(
                User.active,
                User.tokens_valid_after,
                sa.exists().where(RevokedToken.jti == str(payload["jti"])),
                sessions.ended(payload),
            ).where(User.id == int(payload["sub"]))
        ).first()
        if row is None:
            return True
        active, valid_after, token_revoked, session_ended = row
        issued = datetime.fromtimestamp(payload["iat"], UTC)
        return (
            not active
            or bool(valid_after and issued < valid_after)
            or bool(token_revoked)
            or bool(session_ended)
        )

    @jwt.revoked_token_loader
    def on_revoked(_header, payload):
        if sessions.ended_why(payload) == sessions.DEVICE_LOST:
            return _unauthorized(DeviceLost.MESSAGE, DeviceLost.reason)
        return _unauthorized(
            "登录已失效，请重新登录 / This login was revoked: log in again.", "token_revoked"
        )

    @jwt.expired_token_loader
    def on_expired(header, payload):
        # An expired token of a revoked user still means "wipe the phone", not "log in again".
        if revoked(header, payload):
            return on_revoked(header, payload)
        return _unauthorized(
            "登录已过期 / The token has expired: refresh it or log in again.", "token_expired"
        )

    @jwt.invalid_token_loader
    def on_invalid(reason: str):
        return _unauthorized(f"令牌无效 / Invalid token: {reason}", "token_invalid")

    @jwt.unauthorized_loader
    def on_missing(reason: str):
        return _unauthorized(f"请先登录 / Log in first: {reason}", "token_missing")

    @jwt.user_lookup_error_loader
    def on_unknown_user(_header, _payload):
        return _unauthorized("账号不存在 / This account no longer exists.", "token_revoked")

    @jwt.needs_fresh_token_loader
    def on_not_fresh(_header, _payload):
        return _unauthorized("请重新输入密码 / Log in again to do this.", "token_not_fresh")
