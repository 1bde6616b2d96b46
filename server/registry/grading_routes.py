"""Under /api/minors: grades and their queue, hand corrections to categories, the visit schedule."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields

from server.core.extensions import db
from server.core.localtime import local_today
from server.core.pagination import PAGE_PARAMS, SelectPage
from server.core.roles import REGISTRY_ROLES, SUPERVISOR_ROLES
from server.core.scope import current_scope, roles_required
from server.core.validation import BoundedSchema, StrictSchema, not_blank_length, one_of
from server.registry import schemas, service
from server.registry.grade_queue import grade_queue
from server.registry.models import CATEGORIES, GRADES
from server.registry.routes import minors_blp
from server.registry.rules import age_on

registry_roles = roles_required(REGISTRY_ROLES)
supervisors = roles_required(SUPERVISOR_ROLES)


class CategoryDecision(StrictSchema):
    action = fields.String(required=True, validate=one_of(("add", "remove")))
    category = fields.String(required=True, validate=one_of(CATEGORIES))
    reason = fields.String(required=True, validate=not_blank_length(500))


class DueQuery(BoundedSchema):
    class Meta:
        unknown = ma.EXCLUDE

    within = fields.Integer(load_default=7, validate=ma.validate.Range(0, 365))


class DueOut(schemas.MinorOut):
    days_overdue = fields.Method("_days_overdue")
    household_address = fields.Function(lambda m: m.household.address if m.household else None)

    def _days_overdue(self, minor) -> int:
        return (local_today() - minor.next_visit_due).days


@minors_blp.route("/<uuid:minor_id>/grade", methods=["POST"])
@registry_roles
@minors_blp.arguments(schemas.GradeDecision)
@minors_blp.response(200, schemas.MinorOut)
def confirm_grade(data, minor_id):
    """Confirm or override a minor's grade, with a reason (village officers and street admins)."""
    scope = current_scope()
    minor = service.get_minor(scope, str(minor_id))
    service.set_grade(scope, minor, data["grade"], data["reason"])
    db.session.commit()
    return minor


@minors_blp.route("/<uuid:minor_id>/categories", methods=["POST"])
@registry_roles
@minors_blp.arguments(CategoryDecision)
@minors_blp.response(200, schemas.MinorOut)
def change_category(data, minor_id):
    """Add or remove a category by hand, with a reason; the rules' result stays visible in the reasons."""
    scope = current_scope()
    minor = service.get_minor(scope, str(minor_id))
    service.change_category(scope, minor, data["action"], data["category"], data["reason"])
    db.session.commit()
    return minor


@minors_blp.route("/due", methods=["GET"])
@registry_roles
@minors_blp.arguments(DueQuery, location="query")
@minors_blp.response(200, DueOut(many=True))
@minors_blp.paginate(SelectPage, **PAGE_PARAMS)
def due(args):
    """My due and overdue visits: red first, then the most overdue (?within= days ahead, default 7)."""
    return service.due_query(current_scope(), local_today(), args["within"])


@minors_blp.route("/counts", methods=["GET"])
@registry_roles
@minors_blp.response(200, schemas.MinorCounts)
def counts():
    """Active minors of my area by grade, and how many await grade confirmation."""
    return service.grade_counts(current_scope())


class GradeQueueQuery(BoundedSchema):
    class Meta:
        unknown = ma.EXCLUDE

    grade_suggested = fields.String(validate=one_of(GRADES))


class GradeQueueItem(schemas.MinorOut):
    age = fields.Function(lambda m: age_on(m.birth_date, local_today()))
    household_address = fields.Function(lambda m: m.household.address if m.household else None)


@minors_blp.route("/grade-queue", methods=["GET"])
@supervisors
@minors_blp.arguments(GradeQueueQuery, location="query")
@minors_blp.response(200, GradeQueueItem(many=True))
@minors_blp.paginate(SelectPage, **PAGE_PARAMS)
def grade_queue_view(args):
    """Minors of my area whose grade awaits confirmation, red suggestions first, with the rules' reasons."""
    return grade_queue(current_scope(), args.get("grade_suggested"))
