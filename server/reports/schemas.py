"""Reports on the wire."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields

from server.core.validation import StrictSchema, not_blank_length, one_of, phone_number, text, uuid_string
from server.reports.models import REPORT_KINDS, REPORT_SOURCES, REPORT_STATUSES


class ReportFields(StrictSchema):
    source = fields.String(required=True, validate=one_of(REPORT_SOURCES))
    area_id = fields.Integer(required=True, strict=True)
    minor_id = fields.String(allow_none=True, validate=uuid_string)
    kind = fields.String(required=True, validate=one_of(REPORT_KINDS))
    urgent = fields.Boolean()
    description = fields.String(required=True, validate=not_blank_length(4000))
    reporter_name = text(50, allow_none=True)
    reporter_phone = fields.String(allow_none=True, validate=phone_number)
    child_name = text(50, allow_none=True)
    child_class = text(50, allow_none=True)
    child_age = fields.Integer(allow_none=True, strict=True, validate=ma.validate.Range(0, 17))
    place = text(200, allow_none=True)
    status = fields.String(validate=one_of(REPORT_STATUSES))


class ReportCreate(ReportFields):
    id = fields.String(validate=uuid_string)


class ReportOut(ma.Schema):
    id = fields.String()
    source = fields.String()
    reporter_id = fields.Integer(allow_none=True)
    reporter_name = fields.String(allow_none=True)
    reporter_phone = fields.String(allow_none=True)
    area_id = fields.Integer()
    minor_id = fields.String(allow_none=True)
    kind = fields.String()
    mandatory = fields.Boolean()
    urgent = fields.Boolean()
    description = fields.String()
    child_name = fields.String(allow_none=True)
    child_class = fields.String(allow_none=True)
    child_age = fields.Integer(allow_none=True)
    place = fields.String(allow_none=True)
    status = fields.String()
    reported_at = fields.DateTime()
    acknowledged_at = fields.DateTime(allow_none=True)
    referred_at = fields.DateTime(allow_none=True)
    resolved_at = fields.DateTime(allow_none=True)
    closed_at = fields.DateTime(allow_none=True)
    version = fields.Integer()
    updated_at = fields.DateTime()
