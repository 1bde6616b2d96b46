"""Reports on the REST API: filing, handling, the list's filters, and what a reader sees."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields

from server.accounts.models import UNITS
from server.core.validation import BoundedSchema, StrictSchema, one_of, query_field, uuid_string
from server.reports.models import REPORT_KINDS, REPORT_SOURCES, REPORT_STATUSES
from server.reports.schemas import ReportCreate, ReportOut


class ReportFile(ReportCreate):
    """A new report; the source defaults from the role (a sentinel's kind of place, or grid_worker)."""

    source = fields.String(validate=one_of(REPORT_SOURCES))


class ReportPatch(StrictSchema):
    """Handling a report (supervisors): the next status, and corrections to what was filed."""

    status = fields.String(validate=one_of(REPORT_STATUSES))
    urgent = fields.Boolean()
    kind = fields.String(validate=one_of(REPORT_KINDS))
    minor_id = fields.String(allow_none=True, validate=uuid_string)
    area_id = fields.Integer(strict=True)


class ReportQuery(BoundedSchema):
    class Meta:
        unknown = ma.EXCLUDE

    q = query_field(
        "every word matches the child's name (as reported, or on file with its pinyin: wxy finds "
        "王小雨), the place, the reporter or the text"
    )
    status = fields.String(validate=one_of(REPORT_STATUSES))
    kind = fields.String(validate=one_of(REPORT_KINDS))
    source = fields.String(validate=one_of(REPORT_SOURCES))
    minor_id = fields.String(validate=uuid_string)
    area_id = fields.Integer()
    urgent = fields.Boolean()
    mandatory = fields.Boolean()
    open = fields.Boolean(metadata={"description": "new, acknowledged or referred"})
    overdue = fields.Boolean(metadata={"description": "not yet acknowledged, past the first-response limit"})


class ReportReferral(ma.Schema):
    id = fields.String()
    to_unit = fields.String(validate=one_of(UNITS))
    status = fields.String()
    automatic = fields.Boolean()


class ReportView(ReportOut):
    """Keys a reader may not see are absent (a sentinel gets no minor_id, names or referrals)."""

    area_name = fields.String(allow_none=True)
    minor_name = fields.String(allow_none=True)
    reporter_display_name = fields.String(allow_none=True)
    first_response_due = fields.DateTime()
    response_seconds = fields.Integer(allow_none=True)
    overdue = fields.Boolean()
    referrals = fields.List(fields.Nested(ReportReferral))


class AreaChoice(ma.Schema):
    id = fields.Integer()
    code = fields.String()
    name = fields.String()
    level = fields.String()
