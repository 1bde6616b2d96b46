"""Referrals on the wire."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import ValidationError, fields, validates_schema

from server.accounts.models import UNITS
from server.core import codes
from server.core.validation import (
    BoundedSchema,
    StrictSchema,
    not_blank_length,
    one_of,
    query_field,
    text,
    uuid_string,
)
from server.referrals.models import REFERRAL_STATUSES


class ReferralCreate(StrictSchema):
    report_id = fields.String(validate=uuid_string)
    minor_id = fields.String(validate=uuid_string)
    to_unit = fields.String(required=True, validate=one_of(UNITS))
    reason = fields.String(required=True, validate=not_blank_length(2000))

    @validates_schema
    def _what(self, data: dict, **_kwargs) -> None:
        if not data.get("report_id") and not data.get("minor_id"):
            raise ValidationError("请指定报告或未成年人 / Name a report or a minor.", "report_id")


class ReferralStep(StrictSchema):
    """The unit's answer is ``response`` (DESIGN §3); ``note`` is its older name, still accepted."""

    status = fields.String(required=True, validate=one_of(codes.of("referral_status", without=("sent",))))
    response = text(2000, allow_none=True)
    note = text(2000, allow_none=True, metadata={"deprecated": True, "description": "old name of response"})

    @validates_schema
    def _one_answer(self, data: dict, **_kwargs) -> None:
        if data.get("response") and data.get("note") and data["response"] != data["note"]:
            raise ValidationError("请只填写 response / Send the answer once, as response.", "note")


class ReferralQuery(BoundedSchema):
    class Meta:
        unknown = ma.EXCLUDE

    q = query_field(
        "every word matches the child's name (with its pinyin: wxy finds 王小雨), the place, the "
        "reason or the report's text"
    )
    status = fields.String(validate=one_of(REFERRAL_STATUSES))
    to_unit = fields.String(validate=one_of(UNITS))
    report_id = fields.String(validate=uuid_string)
    minor_id = fields.String(validate=uuid_string)


class CaseMinor(ma.Schema):
    """The minimum a unit needs to find the child: no ID number, no registry ids."""

    name = fields.String(allow_none=True)
    gender = fields.String(allow_none=True)
    age = fields.Integer(allow_none=True)
    school_class = fields.String(allow_none=True, metadata={"description": "school and class, as reported"})
    registered = fields.Boolean(metadata={"description": "the child has a file in the registry"})


class CaseReporter(ma.Schema):
    source = fields.String()
    name = fields.String(allow_none=True, metadata={"description": "who filed it (account) or who called"})
    organisation = fields.String(allow_none=True)
    contact_name = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)


class CaseReport(ma.Schema):
    kind = fields.String()
    mandatory = fields.Boolean()
    urgent = fields.Boolean()
    description = fields.String()
    reported_at = fields.DateTime()
    acknowledged_at = fields.DateTime(allow_none=True)
    reporter = fields.Nested(CaseReporter)


class Case(ma.Schema):
    minor = fields.Nested(CaseMinor, allow_none=True)
    village = fields.String(allow_none=True)
    area = fields.String(allow_none=True, metadata={"description": "street › village › … of the case"})
    address = fields.String(
        allow_none=True, metadata={"description": "the household's address, or the place reported"}
    )
    report = fields.Nested(CaseReport, allow_none=True)


class ReferralOut(ma.Schema):
    """A liaison's copy has no report_id, minor_id, sent_by or area_path."""

    id = fields.String()
    report_id = fields.String(allow_none=True)
    minor_id = fields.String(allow_none=True)
    to_unit = fields.String()
    reason = fields.String()
    status = fields.String()
    response = fields.String(allow_none=True)
    automatic = fields.Boolean()
    sent_by = fields.Integer(allow_none=True)
    sent_by_name = fields.String()
    area_path = fields.String()
    sent_at = fields.DateTime()
    accepted_at = fields.DateTime(allow_none=True)
    started_at = fields.DateTime(allow_none=True)
    done_at = fields.DateTime(allow_none=True)
    declined_at = fields.DateTime(allow_none=True)
    updated_at = fields.DateTime()
    case = fields.Nested(Case)


class ReferralEventOut(ma.Schema):
    id = fields.Integer()
    from_status = fields.String(allow_none=True)
    to_status = fields.String()
    note = fields.String(allow_none=True)
    by = fields.Integer(allow_none=True)
    by_name = fields.String(allow_none=True)
    at = fields.DateTime()


class ReferralOnPhone(ReferralOut):
    """A referral as the phones of its place hold it (read-only there): which unit has the case and
    where it stands. The unit's answer (``response``) only for supervisors' phones, see
    ``server/sync_api/entities.py``; never the sender, the case or the place."""

    class Meta:
        exclude = ("sent_by", "sent_by_name", "area_path", "case")
