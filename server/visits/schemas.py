"""Visits on the wire."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import ValidationError, fields, validates_schema

from server.core.validation import (
    BoundedSchema,
    StrictSchema,
    not_future_datetime,
    one_of,
    query_field,
    set_of,
    text,
    uuid_string,
)
from server.registry.models import GRADES
from server.visits.models import FINDING_AREAS, FINDING_STATUSES, MEASURES, REVIEW_STATUSES, VISIT_KINDS


class Finding(StrictSchema):
    status = fields.String(required=True, validate=one_of(FINDING_STATUSES))
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


class VisitQuery(BoundedSchema):
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


class ReviewQueueQuery(BoundedSchema):
    class Meta:
        unknown = ma.EXCLUDE

    q = query_field(
        "every word matches the child's name or its pinyin (wxy: 王小雨), the address, or the ID "
        "number's last four characters"
    )
    area_id = fields.Integer(validate=ma.validate.Range(min=1))
    visitor_id = fields.Integer(validate=ma.validate.Range(min=1))
    grade = fields.String(validate=one_of(GRADES))
    min_age = fields.Integer(validate=ma.validate.Range(0, 25))
    max_age = fields.Integer(validate=ma.validate.Range(0, 25))

    @validates_schema
    def _age_range(self, data: dict, **_kwargs) -> None:
        if (
            data.get("min_age") is not None
            and data.get("max_age") is not None
            and data["min_age"] > data["max_age"]
        ):
            raise ValidationError("最小年龄不能大于最大年龄 / min_age cannot exceed max_age.", "min_age")


class QueueMinor(ma.Schema):
    id = fields.String()
    name = fields.String()
    gender = fields.String()
    age = fields.Integer()
    grade = fields.String(allow_none=True)
    grade_suggested = fields.String(allow_none=True)


class QueueVisitor(ma.Schema):
    id = fields.Integer()
    display_name = fields.String()


class QueueArea(ma.Schema):
    id = fields.Integer()
    name = fields.String()
    level = fields.String()


class ReviewQueueItem(VisitOut):
    waiting_since = fields.DateTime()
    minor = fields.Nested(QueueMinor, allow_none=True)
    visitor = fields.Nested(QueueVisitor, allow_none=True)
    area = fields.Nested(QueueArea, allow_none=True)


class ReviewDecisionOut(ma.Schema):
    id = fields.Integer()
    visit_id = fields.String()
    decision = fields.String()
    comment = fields.String(allow_none=True)
    decided_by = fields.Integer(allow_none=True)
    decided_by_name = fields.String(allow_none=True)
    decided_at = fields.DateTime()
    source = fields.String()
