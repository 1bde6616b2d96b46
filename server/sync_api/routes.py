"""The sync endpoints (DESIGN §5), conflicts for supervisors, device sync status and lost devices."""

from __future__ import annotations

import time
from functools import partial

import marshmallow as ma
from flask import current_app, g, jsonify
from flask.views import MethodView
from flask_smorest import Blueprint, abort

from server.core.extensions import db
from server.core.pagination import PAGE_PARAMS, Presented, PresentedPage
from server.core.roles import REGISTRY_ROLES, SUPERVISOR_ROLES, Role
from server.core.scope import current_scope, device_id, roles_required
from server.core.validation import BoundedSchema, one_of
from server.sync_api import conflicts as conflict_service
from server.sync_api import devices as device_service
from server.sync_api.conflicts import ConflictOut
from server.sync_api.pull import pull
from server.sync_api.push import push
from server.sync_api.schemas import PULLED_DATA, PullArgs, PullOut, PushIn, PushOut
from sync import InvalidCursor

sync_blp = Blueprint("sync", __name__, url_prefix="/api/sync", description="同步 Sync (DESIGN §5)")
conflicts_blp = Blueprint("conflicts", __name__, url_prefix="/api/conflicts", description="冲突 Conflicts")

SYNC_ROLES = {*REGISTRY_ROLES, Role.sentinel}


@sync_blp.before_request
def _start_timer():
    g.sync_started = time.perf_counter()


@sync_blp.after_request
def _server_timing(response):
    started = g.get("sync_started")
    if started is not None:
        response.headers["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.1f}"
    return response


@sync_blp.route("/push", methods=["POST"])
@roles_required(SYNC_ROLES)
@sync_blp.arguments(PushIn)
@sync_blp.response(200, PushOut)
def push_view(body):
    """Apply a batch of mutations in one transaction; answered after commit."""
    limit = current_app.config["SYNC_MAX_BATCH"]
    if len(body["mutations"]) > limit:
        abort(
            422, errors={"json": {"mutations": [f"每批最多 {limit} 条 / At most {limit} mutations a batch."]}}
        )
    from flask_jwt_extended import get_current_user

    report = push(
        get_current_user(),
        body["client_id"],
        body["mutations"],
        current_app.config["SYNC_MAX_FUTURE_SKEW_MS"],
    )
    db.session.commit()
    return {"results": report.results}


@sync_blp.route("/pull", methods=["GET"])
@roles_required(SYNC_ROLES)
@sync_blp.arguments(PullArgs, location="query")
@sync_blp.response(200, PullOut)
def pull_view(args):
    """The changes in my scope since the cursor, current state once per record."""
    try:
        page = pull(
            current_scope(), device_id(), args["cursor"], args["limit"], current_app.config["SECRET_KEY"]
        )
    except InvalidCursor as exc:
        abort(400, message=f"同步游标无效，请重新同步 / Invalid cursor: {exc}")
    db.session.commit()
    # Encoded here, not dumped through PullOut, which only documents it: a dump of a 1,000-change
    # page costs as much as encoding it, and the first full pull has a 1 s budget (README).
    return jsonify(
        {
            "changes": page.changes,
            "cursor": page.cursor,
            "has_more": page.has_more,
            "reset": page.reset,
            "remaining": page.remaining,
        }
    )


class DeviceOut(ma.Schema):
    client_id = ma.fields.String()
    user_id = ma.fields.Integer()
    username = ma.fields.Function(lambda d: d.user.username)
    display_name = ma.fields.Function(lambda d: d.user.display_name)
    last_push_at = ma.fields.DateTime(allow_none=True)
    last_pull_at = ma.fields.DateTime(allow_none=True)
    pushes = ma.fields.Integer()
    pulls = ma.fields.Integer()
    mutations_applied = ma.fields.Integer()
    mutations_rejected = ma.fields.Integer()
    conflicts = ma.fields.Integer()
    clamped = ma.fields.Integer()
    last_error = ma.fields.String(allow_none=True)
    last_error_at = ma.fields.DateTime(allow_none=True)
    lost_at = ma.fields.DateTime(
        allow_none=True, metadata={"description": "marked lost (丢失) then; null if not"}
    )
    lost_by = ma.fields.Integer(allow_none=True, metadata={"description": "the street admin who marked it"})
    lost_by_name = ma.fields.Function(
        lambda d: d.lost_by_user.display_name if d.lost_by_user else None,
        allow_none=True,
        metadata={"type": "string"},
    )


@sync_blp.route("/devices", methods=["GET"])
@roles_required(SUPERVISOR_ROLES)
@sync_blp.response(200, DeviceOut(many=True))
def devices_view():
    """Devices of the users wholly inside my area, the longest silent first: who has not synced
    for days. An account that spans streets (a county viewer) is no street's to watch."""
    return device_service.listed(current_scope())


@sync_blp.route("/devices/<string(maxlength=64):client_id>/lost")
class LostDevice(MethodView):
    decorators = [roles_required({Role.street_admin})]

    @sync_blp.response(200, DeviceOut)
    def post(self, client_id):
        """Mark a phone of my street lost (标记丢失).

        Every login on it ends now: its access and refresh tokens are refused (401, reason
        ``device_lost``) and the phone wipes itself at its next contact. No one logs in from it
        (403, reason ``device_lost``) until the mark is cleared."""
        scope = current_scope()
        device = device_service.watched_device(scope, client_id)
        device_service.mark_lost(scope, device)
        db.session.commit()
        return device

    @sync_blp.response(200, DeviceOut)
    def delete(self, client_id):
        """Clear the lost mark (found again): logins from the phone are taken again."""
        device = device_service.watched_device(current_scope(), client_id)
        device_service.clear_lost(device)
        db.session.commit()
        return device


class ConflictQuery(BoundedSchema):
    class Meta:
        unknown = ma.EXCLUDE

    status = ma.fields.String(load_default="open", validate=one_of(("open", "restored", "dismissed", "all")))


@conflicts_blp.route("")
class Conflicts(MethodView):
    decorators = [roles_required(SUPERVISOR_ROLES)]

    @conflicts_blp.arguments(ConflictQuery, location="query")
    @conflicts_blp.response(200, ConflictOut(many=True))
    @conflicts_blp.paginate(PresentedPage, **PAGE_PARAMS)
    def get(self, args):
        """Conflict records of records in my area now (open by default): both values, who wrote them, when."""
        scope = current_scope()
        status = None if args["status"] == "all" else args["status"]
        return Presented(
            conflict_service.conflict_query(scope, status), partial(conflict_service.present, scope)
        )


@conflicts_blp.route("/mine", methods=["GET"])
@roles_required(SYNC_ROLES)
@conflicts_blp.arguments(ConflictQuery, location="query")
@conflicts_blp.response(200, ConflictOut(many=True))
@conflicts_blp.paginate(PresentedPage, **PAGE_PARAMS)
def my_conflicts(args):
    """Values of mine that a merge replaced, wherever I synced from: the phone tells the worker.
    Of a record that has left my scope, only what I wrote."""
    scope = current_scope()
    stmt = conflict_service.mine(scope, None if args["status"] == "all" else args["status"])
    return Presented(stmt, partial(conflict_service.present, scope))


@conflicts_blp.route("/<uuid:conflict_id>")
class ConflictItem(MethodView):
    decorators = [roles_required(SUPERVISOR_ROLES)]

    @conflicts_blp.response(200, ConflictOut)
    def get(self, conflict_id):
        """One conflict record."""
        scope = current_scope()
        return _one(scope, conflict_service.get_conflict(scope, str(conflict_id)))


@conflicts_blp.route("/<uuid:conflict_id>/restore", methods=["POST"])
@roles_required(SUPERVISOR_ROLES)
@conflicts_blp.response(200, ConflictOut)
def restore_view(conflict_id):
    """Restore the discarded value: a new change that syncs out to every device."""
    scope = current_scope()
    conflict = conflict_service.get_conflict(scope, str(conflict_id))
    conflict_service.restore(scope, conflict)
    db.session.commit()
    return _one(scope, conflict)


@conflicts_blp.route("/<uuid:conflict_id>/dismiss", methods=["POST"])
@roles_required(SUPERVISOR_ROLES)
@conflicts_blp.response(200, ConflictOut)
def dismiss_view(conflict_id):
    """Dismiss: the kept value stays; the record of the discarded one is closed."""
    scope = current_scope()
    conflict = conflict_service.dismiss(scope, conflict_service.get_conflict(scope, str(conflict_id)))
    db.session.commit()
    return _one(scope, conflict)


def _one(scope, conflict) -> dict:
    return conflict_service.present(scope, [conflict])[0]


def register(api) -> None:
    api.register_blueprint(sync_blp)
    api.register_blueprint(conflicts_blp)
    # A pulled record's data refers to these; no response uses them directly.
    for schema in PULLED_DATA.values():
        api.spec.components.schema(schema.__name__, schema=schema)
