"""The sync contract on the wire (DESIGN §5): push in and out, pull in and out.

A pulled record's ``data`` is its wire form, the REST dump of its kind, plus who wrote it.
It is dumped as a plain mapping, untouched; the ``Pulled*`` schemas only document it, one
per entity, and are added to the OpenAPI document by ``server/sync_api/routes.py``.
"""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields

from server.areas.schemas import AreaOut
from server.core.validation import BoundedSchema
from server.measures.schemas import MeasureOut
from server.referrals.schemas import ReferralOnPhone
from server.registry.schemas import HouseholdOut, MinorOut
from server.reports.schemas import ReportOut
from server.visits.schemas import VisitOut

PUSH_STATUSES = ("applied", "merged", "conflict", "rejected")


class PushIn(BoundedSchema):
    class Meta:
        unknown = ma.RAISE

    client_id = fields.String(
        required=True,
        validate=[
            ma.validate.Length(min=1, max=64),
            ma.validate.Regexp(r"^[^\x00]*$", error="不能包含空字符 / No NUL."),
        ],
    )
    # Each mutation is checked on its own, so one bad entry is rejected and the rest applied.
    mutations = fields.List(
        fields.Raw(),
        required=True,
        validate=ma.validate.Length(max=1000, error="每批最多 {max} 条 / At most {max} mutations a batch."),
    )


class PushResult(ma.Schema):
    # Echoed as sent: a malformed mutation's mid may be anything, or null when it had none.
    mid = fields.Raw(metadata={"description": "the mutation's mid, as sent"})
    status = fields.String(metadata={"enum": list(PUSH_STATUSES)})
    version = fields.Integer(allow_none=True, metadata={"description": "the record's version after it"})
    conflict_ids = fields.List(fields.String(), metadata={"description": "conflict records it made"})
    errors = fields.Dict(metadata={"description": "rejected: per-field messages in marshmallow's shape"})


class PushOut(ma.Schema):
    results = fields.List(fields.Nested(PushResult), metadata={"description": "one per mutation, in order"})


class PullArgs(BoundedSchema):
    class Meta:
        unknown = ma.EXCLUDE

    cursor = fields.String(load_default=None, validate=ma.validate.Length(max=500))
    limit = fields.Integer(load_default=500, validate=ma.validate.Range(1, 1000))


class PulledAuthors(ma.Schema):
    updated_by_name = fields.String(allow_none=True, metadata={"description": "who changed the record last"})
    changed_by = fields.Dict(
        keys=fields.String(), values=fields.String(), metadata={"description": "{field: who wrote it last}"}
    )


class PulledGradeChange(ma.Schema):
    from_grade = fields.String(allow_none=True)
    to_grade = fields.String(allow_none=True)
    reason = fields.String()
    changed_at = fields.String(metadata={"format": "date-time"})
    changed_by_name = fields.String(allow_none=True)


class PulledArea(AreaOut):
    pass


class PulledHousehold(HouseholdOut, PulledAuthors):
    pass


class PulledMinor(MinorOut, PulledAuthors):
    grade_history = fields.List(fields.Nested(PulledGradeChange), metadata={"description": "oldest first"})


class PulledVisit(VisitOut, PulledAuthors):
    pass


class PulledReport(ReportOut, PulledAuthors):
    pass


class PulledMeasure(MeasureOut, PulledAuthors):
    pass


class PulledReferral(ReferralOnPhone, PulledAuthors):
    """Read-only on phones; ``response`` is withheld from grid workers."""


PULLED_DATA = {
    "area": PulledArea,
    "household": PulledHousehold,
    "minor": PulledMinor,
    "visit": PulledVisit,
    "report": PulledReport,
    "measure": PulledMeasure,
    "referral": PulledReferral,
}


class PulledChange(ma.Schema):
    entity = fields.String(metadata={"enum": list(PULLED_DATA)})
    id = fields.String()
    version = fields.Integer()
    deleted = fields.Boolean(metadata={"description": "deleted, or out of my scope now: drop it"})
    data = fields.Dict(
        metadata={
            "description": "the record as it is now, per entity (Pulled<Entity>); {} when deleted",
            "anyOf": [{"$ref": f"#/components/schemas/{schema.__name__}"} for schema in PULLED_DATA.values()],
        }
    )


class PullOut(ma.Schema):
    changes = fields.List(
        fields.Nested(PulledChange), metadata={"description": "each changed record once, oldest change first"}
    )
    cursor = fields.String(metadata={"description": "opaque: send it with the next pull"})
    has_more = fields.Boolean(metadata={"description": "pull again at once"})
    reset = fields.Boolean(metadata={"description": "my scope changed: rebuild the replica from empty"})
    remaining = fields.Integer(metadata={"description": "about how many changes are still to come"})
