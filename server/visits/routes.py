"""REST endpoints for visits (走访)."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from server.core.extensions import db
from server.core.localtime import local_today
from server.core.pagination import PAGE_PARAMS, PresentedPage, SelectPage
from server.core.roles import REGISTRY_ROLES, SUPERVISOR_ROLES
from server.core.scope import current_scope, roles_required
from server.visits import review, schemas, service

blp = Blueprint("visits", __name__, url_prefix="/api/visits", description="走访 Visits")


@blp.route("")
class Visits(MethodView):
    decorators = [roles_required(REGISTRY_ROLES)]

    @blp.arguments(schemas.VisitQuery, location="query")
    @blp.response(200, schemas.VisitOut(many=True))
    @blp.paginate(SelectPage, **PAGE_PARAMS)
    def get(self, args):
        """Visits in my area, newest first; ?minor_id= for one minor, ?review_status= for a queue."""
        return service.visit_query(current_scope(), **args)

    @blp.arguments(schemas.VisitCreate)
    @blp.response(201, schemas.VisitOut)
    def post(self, data):
        """Log a visit; the minor's next due date moves on."""
        visit = service.create_visit(current_scope(), data)
        db.session.commit()
        return visit


@blp.route("/<uuid:visit_id>")
class VisitItem(MethodView):
    decorators = [roles_required(REGISTRY_ROLES)]

    @blp.response(200, schemas.VisitOut)
    def get(self, visit_id):
        """One visit."""
        return service.get_visit(current_scope(), str(visit_id))

    @blp.arguments(schemas.VisitPatch)
    @blp.response(200, schemas.VisitOut)
    def patch(self, changes, visit_id):
        """Review a visit (approve / return with a comment), or amend a returned one."""
        scope = current_scope()
        visit = service.get_visit(scope, str(visit_id))
        service.update_visit(scope, visit, changes)
        db.session.commit()
        return visit


@blp.route("/review-queue", methods=["GET"])
@roles_required(SUPERVISOR_ROLES)
@blp.arguments(schemas.ReviewQueueQuery, location="query")
@blp.response(200, schemas.ReviewQueueItem(many=True))
@blp.paginate(PresentedPage, **PAGE_PARAMS)
def review_queue(args):
    """Submitted visits awaiting review in my area: red children first, then the longest waiting."""
    return review.review_queue(current_scope(), local_today(), **args)


@blp.route("/<uuid:visit_id>/reviews", methods=["GET"])
@roles_required(REGISTRY_ROLES)
@blp.response(200, schemas.ReviewDecisionOut(many=True))
def reviews(visit_id):
    """The review history of a visit, oldest first: approvals, returns with why, resubmissions."""
    return review.decisions(service.get_visit(current_scope(), str(visit_id)))
