"""What the duplicate and merge endpoints take and answer."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields

from server.core.validation import StrictSchema, not_blank_length, uuid_string


class MergeIn(StrictSchema):
    keep = fields.String(required=True, validate=uuid_string)
    drop = fields.String(required=True, validate=uuid_string)
    reason = fields.String(required=True, validate=not_blank_length(500))


class DismissIn(StrictSchema):
    first = fields.String(required=True, validate=uuid_string)
    second = fields.String(required=True, validate=uuid_string)
    reason = fields.String(required=True, validate=not_blank_length(500))


class DismissalOut(ma.Schema):
    minor_a = fields.String()
    minor_b = fields.String()
    reason = fields.String()
    dismissed_by = fields.Integer(allow_none=True)
    dismissed_at = fields.DateTime()


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
