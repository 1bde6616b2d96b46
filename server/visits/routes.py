"""REST endpoints for visits (走访)."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint, abort

from server.accounts.models import REGISTRY_ROLES, SUPERVISOR_ROLES
from server.extensions import db
from server.localtime import local_today
from server.pagination import PAGE_PARAMS, SelectPage
from server.registry.routes import unprocessable
from server.registry.service import FieldErrors
from server.scope import current_scope, roles_required
from server.visits import review, schemas, service
from server.visits.paging import PresentedPage

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
        try:
            visit = service.create_visit(current_scope(), data)
        except FieldErrors as exc:
            unprocessable(exc)
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
        try:
            service.update_visit(scope, visit, changes)
        except FieldErrors as exc:
            unprocessable(exc)
        db.session.commit()
        return visit


@blp.route("/review-queue", methods=["GET"])
@roles_required(SUPERVISOR_ROLES)
@blp.arguments(schemas.ReviewQueueQuery, location="query")
@blp.response(200, schemas.ReviewQueueItem(many=True))
@blp.paginate(PresentedPage, **PAGE_PARAMS)
def review_queue(args):
    """Submitted visits awaiting review in my area: red children first, then the longest waiting."""
    try:
        return review.review_queue(current_scope(), local_today(), **args)
    except FieldErrors as exc:
        abort(422, errors={"query": exc.errors})


@blp.route("/<uuid:visit_id>/reviews", methods=["GET"])
@roles_required(REGISTRY_ROLES)
@blp.response(200, schemas.ReviewDecisionOut(many=True))
def reviews(visit_id):
    """The review history of a visit, oldest first: approvals, returns with why, resubmissions."""
    return review.decisions(service.get_visit(current_scope(), str(visit_id)))
