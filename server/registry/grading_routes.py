"""Grades, hand corrections to categories, the visit schedule and the street's rule settings."""

from __future__ import annotations

import marshmallow as ma
from flask.views import MethodView
from flask_jwt_extended import get_current_user, verify_jwt_in_request
from flask_smorest import Blueprint, abort
from marshmallow import fields

from server.accounts.models import REGISTRY_ROLES, Role
from server.extensions import db
from server.localtime import local_today
from server.pagination import PAGE_PARAMS, SelectPage
from server.registry import rules, schemas, service
from server.registry.models import CATEGORIES
from server.registry.routes import unprocessable
from server.registry.service import FieldErrors
from server.registry.settings import SettingsPatch, settings_for, street_path_of, update_settings
from server.scope import current_scope, roles_required
from server.validation import StrictSchema, not_blank_length, one_of

blp = Blueprint("grading", __name__, url_prefix="/api", description="分级与走访计划 Grades and schedule")
registry_roles = roles_required(REGISTRY_ROLES)


class CategoryDecision(StrictSchema):
    action = fields.String(required=True, validate=one_of(("add", "remove")))
    category = fields.String(required=True, validate=one_of(CATEGORIES))
    reason = fields.String(required=True, validate=not_blank_length(500))


class DueQuery(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE

    within = fields.Integer(load_default=7, validate=ma.validate.Range(0, 365))


class DueOut(schemas.MinorOut):
    days_overdue = fields.Method("_days_overdue")
    household_address = fields.Function(lambda m: m.household.address if m.household else None)

    def _days_overdue(self, minor) -> int:
        return (local_today() - minor.next_visit_due).days


@blp.route("/minors/<uuid:minor_id>/grade", methods=["POST"])
@registry_roles
@blp.arguments(schemas.GradeDecision)
@blp.response(200, schemas.MinorOut)
def confirm_grade(data, minor_id):
    """Confirm or override a minor's grade, with a reason (village officers and street admins)."""
    scope = current_scope()
    minor = service.get_minor(scope, str(minor_id))
    try:
        service.set_grade(scope, minor, data["grade"], data["reason"])
    except FieldErrors as exc:
        unprocessable(exc)
    db.session.commit()
    return minor


@blp.route("/minors/<uuid:minor_id>/categories", methods=["POST"])
@registry_roles
@blp.arguments(CategoryDecision)
@blp.response(200, schemas.MinorOut)
def change_category(data, minor_id):
    """Add or remove a category by hand, with a reason; the rules' result stays visible in the reasons."""
    scope = current_scope()
    minor = service.get_minor(scope, str(minor_id))
    service.change_category(scope, minor, data["action"], data["category"], data["reason"])
    db.session.commit()
    return minor


@blp.route("/minors/due", methods=["GET"])
@registry_roles
@blp.arguments(DueQuery, location="query")
@blp.response(200, DueOut(many=True))
@blp.paginate(SelectPage, **PAGE_PARAMS)
def due(args):
    """My due and overdue visits: red first, then the most overdue (?within= days ahead, default 7)."""
    return service.due_query(current_scope(), local_today(), args["within"])


@blp.route("/minors/counts", methods=["GET"])
@registry_roles
@blp.response(200)
def counts():
    """Active minors of my area by grade, and how many await grade confirmation."""
    return service.grade_counts(current_scope())


def _street_of_caller() -> str:
    scope = current_scope()
    if not scope.paths:
        abort(403)
    return street_path_of(scope.paths[0])


@blp.route("/settings")
class Settings(MethodView):
    decorators = [registry_roles]

    @blp.response(200)
    def get(self):
        """The rule settings of my street (defaults from rules.json, with the street's changes)."""
        return settings_for(_street_of_caller())

    @blp.arguments(SettingsPatch)
    @blp.response(200)
    def patch(self, changes):
        """Change the street's thresholds (street admins); every active minor is re-derived."""
        if get_current_user().role != Role.street_admin:
            abort(403)
        from server.audit.service import audit
        from server.registry.derive import refresh_all

        street = _street_of_caller()
        settings = update_settings(street, changes, get_current_user().id)
        changed = refresh_all(street)
        audit("settings", "street", street, fields=changes, extra={"minors_changed": changed})
        db.session.commit()
        return settings


@blp.route("/rules", methods=["GET"])
@blp.response(200)
def rules_view():
    """The category and grade rules and the caller's street settings, for the phone's evaluator."""
    verify_jwt_in_request(optional=True)
    user = get_current_user()
    path = user.area_paths[0] if user and user.area_paths else None
    return {"rules": rules.load_rules(), "settings": settings_for(path)}
