"""My notifications (消息): newest first, unread count, mark read."""

from __future__ import annotations

from flask.views import MethodView
from flask_jwt_extended import get_current_user
from flask_smorest import Blueprint

from server.core.extensions import db
from server.core.pagination import PAGE_PARAMS, SelectPage
from server.core.roles import Role
from server.core.scope import roles_required
from server.notifications import service
from server.notifications.schemas import MarkedRead, NotificationOut, NotificationQuery, UnreadCount
from server.notifications.webhook import deliver_committed

blp = Blueprint("notifications", __name__, url_prefix="/api/notifications", description="消息 Notifications")
blp.after_app_request(deliver_committed)

any_role = roles_required(list(Role))


@blp.route("")
class Notifications(MethodView):
    decorators = [any_role]

    @blp.arguments(NotificationQuery, location="query")
    @blp.response(200, NotificationOut(many=True))
    @blp.paginate(SelectPage, **PAGE_PARAMS)
    def get(self, args):
        """My notifications, newest first (?unread=true for the unread ones only)."""
        return service.inbox_query(get_current_user(), args["unread"])


@blp.route("/unread-count", methods=["GET"])
@any_role
@blp.response(200, UnreadCount)
def unread_count():
    """How many of my notifications are unread: {"unread": n} (the badge)."""
    return {"unread": service.unread_count(get_current_user())}


@blp.route("/<int:notification_id>/read", methods=["POST"])
@any_role
@blp.response(200, NotificationOut)
def read(notification_id):
    """Mark one of my notifications read."""
    notice = service.mark_read(get_current_user(), notification_id)
    db.session.commit()
    return notice


@blp.route("/read-all", methods=["POST"])
@any_role
@blp.response(200, MarkedRead)
def read_all():
    """Mark all my notifications read: {"marked": n}."""
    marked = service.mark_all_read(get_current_user())
    db.session.commit()
    return {"marked": marked}
