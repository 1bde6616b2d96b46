"""Measures on the wire."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields

from server.accounts.models import UNITS
from server.core.validation import BoundedSchema, StrictSchema, not_blank_length, one_of, text, uuid_string
from server.measures.models import MEASURE_KINDS, MEASURE_STATUSES


class MeasureFields(StrictSchema):
    kind = fields.String(required=True, validate=one_of(MEASURE_KINDS))
    description = fields.String(required=True, validate=not_blank_length(2000))
    responsible_user_id = fields.Integer(allow_none=True, strict=True)
    responsible_unit = fields.String(allow_none=True, validate=one_of(UNITS))
    due_date = fields.Date(allow_none=True)
    notes = text(4000, allow_none=True)


class MeasurePatch(MeasureFields):
    status = fields.String(validate=one_of(MEASURE_STATUSES))


class MeasureSyncFields(MeasurePatch):
    """What a phone may send for a measure: the REST fields and the child it is for (fixed once made)."""

    minor_id = fields.String(validate=uuid_string)


class MeasureOut(ma.Schema):
    id = fields.String()
    minor_id = fields.String()
    kind = fields.String()
    description = fields.String()
    responsible_user_id = fields.Integer(allow_none=True)
    responsible_unit = fields.String(allow_none=True)
    due_date = fields.Date(allow_none=True)
    status = fields.String()
    notes = fields.String(allow_none=True)
    created_by = fields.Integer(allow_none=True)
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    started_at = fields.DateTime(allow_none=True)
    done_at = fields.DateTime(allow_none=True)
    cancelled_at = fields.DateTime(allow_none=True)


class FlagQuery(BoundedSchema):
    class Meta:
        unknown = ma.EXCLUDE

    include_upcoming = fields.Boolean(load_default=False)


class FlagOut(ma.Schema):
    minor_id = fields.String()
    name = fields.String()
    gender = fields.String()
    age = fields.Integer()
    grade = fields.String(allow_none=True)
    grade_suggested = fields.String(allow_none=True)
    assigned_worker_id = fields.Integer(allow_none=True)
    red_since = fields.DateTime()
    measure_due = fields.DateTime()
    overdue = fields.Boolean()
    hours_without_measure = fields.Integer()
