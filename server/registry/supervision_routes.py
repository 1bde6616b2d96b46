"""Supervisor workspace on the registry: the grade confirmation queue, duplicates and merging them."""

from __future__ import annotations

import marshmallow as ma
from flask_smorest import Blueprint
from marshmallow import fields

from server.accounts.models import SUPERVISOR_ROLES
from server.extensions import db
from server.localtime import local_today
from server.pagination import PAGE_PARAMS, SelectPage
from server.registry import duplicates, schemas
from server.registry.grade_queue import grade_queue
from server.registry.models import GRADES
from server.registry.routes import unprocessable
from server.registry.rules import age_on
from server.registry.service import FieldErrors
from server.scope import current_scope, roles_required
from server.validation import StrictSchema, not_blank_length, one_of, uuid_string

blp = Blueprint(
    "supervision", __name__, url_prefix="/api/minors", description="审核工作台 Supervisor workspace"
)
supervisors = roles_required(SUPERVISOR_ROLES)


class GradeQueueQuery(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE

    grade_suggested = fields.String(validate=one_of(GRADES))


class GradeQueueItem(schemas.MinorOut):
    age = fields.Function(lambda m: age_on(m.birth_date, local_today()))
    household_address = fields.Function(lambda m: m.household.address if m.household else None)


class MergeIn(StrictSchema):
    keep = fields.String(required=True, validate=uuid_string)
    drop = fields.String(required=True, validate=uuid_string)
    reason = fields.String(required=True, validate=not_blank_length(500))


class DuplicateRecord(ma.Schema):
    id = fields.String()
    name = fields.String()
    gender = fields.String()
    birth_date = fields.Date()
    id_number_masked = fields.String(allow_none=True)
    household_id = fields.String()
    household_address = fields.String(allow_none=True)
    grade = fields.String(allow_none=True)
    grade_suggested = fields.String(allow_none=True)
    categories = fields.List(fields.String())
    created_by = fields.Integer(allow_none=True)
    created_by_name = fields.String(allow_none=True)
    created_at = fields.DateTime()
    visit_count = fields.Integer()
    deleted = fields.Boolean()


class DuplicatePair(ma.Schema):
    matched_on = fields.List(fields.String())
    records = fields.List(fields.Nested(DuplicateRecord))


class MergeOut(ma.Schema):
    kept = fields.Nested(DuplicateRecord, allow_none=True)
    dropped = fields.Nested(DuplicateRecord, allow_none=True)
    reason = fields.String(allow_none=True)
    moved = fields.Dict(keys=fields.String(), values=fields.Integer())
    filled = fields.List(fields.String())
    by = fields.Integer(allow_none=True)
    by_name = fields.String(allow_none=True)
    at = fields.DateTime()


@blp.route("/grade-queue", methods=["GET"])
@supervisors
@blp.arguments(GradeQueueQuery, location="query")
@blp.response(200, GradeQueueItem(many=True))
@blp.paginate(SelectPage, **PAGE_PARAMS)
def grade_queue_view(args):
    """Minors of my area whose grade awaits confirmation, red suggestions first, with the rules' reasons."""
    return grade_queue(current_scope(), args.get("grade_suggested"))


@blp.route("/duplicates", methods=["GET"])
@supervisors
@blp.response(200, DuplicatePair(many=True))
def duplicates_view():
    """Pairs of records of my area that look like one child: same resident ID, or same name, birth date and address."""
    return duplicates.candidate_pairs(current_scope())


@blp.route("/merge", methods=["POST"])
@supervisors
@blp.arguments(MergeIn)
@blp.response(200, schemas.MinorOut)
def merge_view(data):
    """Merge a duplicate into the record kept: all its history moves, the dropped one becomes a tombstone."""
    try:
        kept = duplicates.merge(current_scope(), data["keep"], data["drop"], data["reason"])
    except FieldErrors as exc:
        unprocessable(exc)
    db.session.commit()
    return kept


@blp.route("/<uuid:minor_id>/merges", methods=["GET"])
@supervisors
@blp.response(200, MergeOut(many=True))
def merges_view(minor_id):
    """The merges a record took part in, kept or dropped (a dropped record's stays readable here)."""
    return duplicates.merge_history(current_scope(), str(minor_id))
