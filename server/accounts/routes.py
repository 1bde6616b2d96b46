"""Log-in, refresh, log-out, and user management for street admins."""

from __future__ import annotations

from flask import request
from flask.views import MethodView
from flask_jwt_extended import get_current_user, get_jwt, jwt_required
from flask_smorest import Blueprint, abort

from server.accounts import schemas, service, sessions, throttle, tokens
from server.accounts.models import User
from server.audit.service import audit
from server.core.errors import DeviceLost, TooManyTries
from server.core.extensions import db
from server.core.pagination import PAGE_PARAMS, SelectPage
from server.core.roles import Role
from server.core.scope import current_scope, roles_required

auth_blp = Blueprint("auth", __name__, url_prefix="/api/auth", description="登录 Authentication")
users_blp = Blueprint("users", __name__, url_prefix="/api/users", description="用户 Users")


@auth_blp.route("/login", methods=["POST"])
@auth_blp.arguments(schemas.LoginIn)
@auth_blp.response(200, schemas.LoginOut)
@auth_blp.alt_response(403, description="This device was marked lost (reason device_lost): wipe it")
@auth_blp.alt_response(429, description="Too many wrong passwords: wait Retry-After seconds")
def login(data):
    """Log in with username and password; the device id travels in the tokens.

    Wrong passwords slow further tries of the account (429 with Retry-After), counted per
    account and address and per account, never locking it. A device marked lost is refused
    (403, reason ``device_lost``) before the password is looked at, until the mark is cleared."""
    account, address = throttle.account_key(data["username"]), request.remote_addr or "-"
    wait = throttle.wait_seconds(account, address)
    if wait:
        raise TooManyTries(wait)
    if sessions.refused(data.get("device_id")):
        audit(
            "login_refused", "user", None, device=data["device_id"], extra={"username": data["username"][:64]}
        )
        db.session.commit()
        raise DeviceLost()
    user = service.authenticate(data["username"], data["password"])
    if user is None:
        throttle.failed(account, address)
        audit("login_failed", "user", None, extra={"username": data["username"][:64]})
        db.session.commit()
        abort(401, message="用户名或密码错误 / Wrong username or password.")
    throttle.succeeded(account, address)
    tokens = service.issue_tokens(user, data.get("device_id"))
    audit("login", "user", user.id, user_id=user.id, device=data.get("device_id"))
    db.session.commit()
    return tokens


@auth_blp.route("/refresh", methods=["POST"])
@jwt_required(refresh=True)
@auth_blp.response(200, schemas.RefreshOut)
def refresh():
    """New tokens for the refresh token sent as bearer; the token sent is retired (rotation).

    A retired token sent again ends the session (401, reason ``token_reused``), except the
    one just retired, honoured once within a short grace in case its answer was lost."""
    user = get_current_user()
    renewal = sessions.renew(user, get_jwt())
    if renewal.reused:
        audit("refresh_reused", "user", user.id, user_id=user.id)
    db.session.commit()
    return tokens.reused_answer() if renewal.reused else renewal.tokens


@auth_blp.route("/logout", methods=["POST"])
@jwt_required(verify_type=False)
@auth_blp.response(204)
def logout():
    """End the session of the token sent: it and every other token of that login (access and refresh)."""
    sessions.end_for(get_jwt())
    audit("logout", "user", get_current_user().id)
    db.session.commit()


@auth_blp.route("/me", methods=["GET"])
@jwt_required()
@auth_blp.response(200, schemas.UserOut)
def me():
    """The logged-in user."""
    return get_current_user()


street_admin_only = roles_required({Role.street_admin})


@users_blp.route("")
class Users(MethodView):
    decorators = [street_admin_only]

    @users_blp.response(200, schemas.UserOut(many=True))
    @users_blp.paginate(SelectPage, **PAGE_PARAMS)
    def get(self):
        """Users of my street: those whose areas all lie in it (liaisons and sentinels included)."""
        return service.managed_users(current_scope()).order_by(User.username)

    @users_blp.arguments(schemas.UserCreate)
    @users_blp.response(201, schemas.UserOut)
    def post(self, data):
        """Create a user with areas of my street (every role needs one)."""
        service.check_areas_within(current_scope(), data.get("areas", []))
        user = service.create_user(**data)
        audit("create", "user", user.id, fields=[k for k in data if k != "password"])
        db.session.commit()
        return user


@users_blp.route("/<int:user_id>")
class UserItem(MethodView):
    decorators = [street_admin_only]

    @users_blp.response(200, schemas.UserOut)
    def get(self, user_id):
        """One user of my street."""
        return service.managed_user(current_scope(), user_id)

    @users_blp.arguments(schemas.UserPatch)
    @users_blp.response(200, schemas.UserOut)
    def patch(self, changes, user_id):
        """Change a user: role, areas, password (revokes its tokens), active (revokes when off)."""
        scope = current_scope()
        user = service.managed_user(scope, user_id)
        service.check_areas_within(scope, changes.get("areas", []))
        service.update_user(user, changes)
        audit("update", "user", user.id, fields=changes)
        db.session.commit()
        return user
