"""Visits on the wire."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import ValidationError, fields, validates_schema

from server.validation import StrictSchema, not_future_datetime, one_of, set_of, text, uuid_string
from server.visits.models import FINDING_AREAS, MEASURES, REVIEW_STATUSES, VISIT_KINDS


class Finding(StrictSchema):
    status = fields.String(required=True, validate=one_of(("ok", "concern")))
    note = text(500, allow_none=True)


class VisitContent(StrictSchema):
    visited_at = fields.AwareDateTime(required=True, default_timezone=None, validate=not_future_datetime)
    kind = fields.String(required=True, validate=one_of(VISIT_KINDS))
    findings = fields.Dict(
        keys=fields.String(validate=one_of(FINDING_AREAS)),
        values=fields.Nested(Finding),
        load_default=dict,
    )
    measures = set_of(MEASURES, load_default=list)
    summary = text(4000, allow_none=True)


class VisitCreate(VisitContent):
    id = fields.String(validate=uuid_string)
    minor_id = fields.String(required=True, validate=uuid_string)


class VisitPatch(StrictSchema):
    """The author amends content while the visit is returned; a supervisor sets the review."""

    visited_at = fields.AwareDateTime(default_timezone=None, validate=not_future_datetime)
    kind = fields.String(validate=one_of(VISIT_KINDS))
    findings = fields.Dict(keys=fields.String(validate=one_of(FINDING_AREAS)), values=fields.Nested(Finding))
    measures = set_of(MEASURES)
    summary = text(4000, allow_none=True)
    review_status = fields.String(validate=one_of(REVIEW_STATUSES))
    review_comment = text(1000, allow_none=True)

    @validates_schema
    def _returned_needs_comment(self, data: dict, **_kwargs) -> None:
        if data.get("review_status") == "returned" and not (data.get("review_comment") or "").strip():
            raise ValidationError("退回时请说明原因 / Say why the visit is returned.", "review_comment")


class VisitSyncFields(VisitCreate):
    """What a device may send for a visit: content, and the review for supervisors."""

    review_status = fields.String(validate=one_of(REVIEW_STATUSES))
    review_comment = text(1000, allow_none=True)


class VisitQuery(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE

    minor_id = fields.String(validate=uuid_string)
    review_status = fields.String(validate=one_of(REVIEW_STATUSES))


class VisitOut(ma.Schema):
    id = fields.String()
    minor_id = fields.String()
    visitor_id = fields.Integer()
    visited_at = fields.DateTime()
    kind = fields.String()
    findings = fields.Dict()
    measures = fields.List(fields.String())
    summary = fields.String(allow_none=True)
    review_status = fields.String()
    review_comment = fields.String(allow_none=True)
    reviewed_by = fields.Integer(allow_none=True)
    reviewed_at = fields.DateTime(allow_none=True)
    version = fields.Integer()
    updated_at = fields.DateTime()
