"""The ledger import on the wire: the upload, its options, its result and a background job."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields

from server.core.validation import BoundedSchema
from server.ledger.importer import LIST_LIMIT
from server.ledger.models import JOB_STATES


class ImportFile(BoundedSchema):
    file = fields.Raw(required=True, metadata={"type": "string", "format": "binary"})


class ImportQuery(BoundedSchema):
    dry_run = fields.Boolean(load_default=False, metadata={"description": "only check, write nothing"})
    all_or_nothing = fields.Boolean(
        load_default=False, metadata={"description": "write nothing if any row is rejected"}
    )


class RejectedRow(ma.Schema):
    row = fields.Integer(metadata={"description": "the row number in the sheet"})
    errors = fields.Dict(metadata={"description": "{column header: [messages]}"})


class DuplicateRow(ma.Schema):
    row = fields.Integer()
    reason = fields.String(metadata={"enum": ["id_number", "name_birth_address"]})
    existing = fields.String(metadata={"enum": ["database", "file"]})
    minor_id = fields.String(metadata={"description": "the registered minor (existing: database)"})
    first_row = fields.Integer(metadata={"description": "the earlier row of the file (existing: file)"})
    message = fields.String()


class ImportResult(ma.Schema):
    total = fields.Integer(metadata={"description": "rows read"})
    accepted = fields.Integer(metadata={"description": "rows written, or that would be (dry run)"})
    valid = fields.Integer(metadata={"description": "rows neither rejected nor duplicates"})
    rejected_count = fields.Integer()
    duplicates_count = fields.Integer()
    households_created = fields.Integer()
    written = fields.Boolean()
    dry_run = fields.Boolean()
    all_or_nothing = fields.Boolean()
    rejected = fields.List(fields.Nested(RejectedRow), metadata={"description": f"the first {LIST_LIMIT}"})
    duplicates = fields.List(fields.Nested(DuplicateRow), metadata={"description": f"the first {LIST_LIMIT}"})
    truncated = fields.Boolean(metadata={"description": "more were rejected or duplicates than listed"})


class ImportJobOut(ma.Schema):
    """A background import; ``result`` once it is done, ``error`` if it failed."""

    job_id = fields.String()
    state = fields.String(metadata={"enum": list(JOB_STATES)})
    total = fields.Integer()
    processed = fields.Integer()
    accepted = fields.Integer()
    rejected = fields.Integer()
    duplicates = fields.Integer()
    filename = fields.String(allow_none=True)
    created_at = fields.String(allow_none=True, metadata={"format": "date-time"})
    finished_at = fields.String(allow_none=True, metadata={"format": "date-time"})
    error = fields.String(metadata={"description": "state failed only"})
    result = fields.Nested(ImportResult, metadata={"description": "state done only"})
