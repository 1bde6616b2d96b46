"""Areas on the wire: one area, the tree of a scope, and a new area."""

from __future__ import annotations

import marshmallow as ma

from server.core import codes
from server.core.validation import StrictSchema, not_blank_length, one_of


class AreaOut(ma.Schema):
    id = ma.fields.Integer()
    code = ma.fields.String()
    name = ma.fields.String()
    level = ma.fields.String()
    parent_id = ma.fields.Integer(allow_none=True)
    path = ma.fields.String()


class AreaNode(AreaOut):
    children = ma.fields.List(
        ma.fields.Nested(lambda: AreaNode()), metadata={"description": "ordered by path"}
    )


class AreaCreate(StrictSchema):
    code = ma.fields.String(required=True, validate=not_blank_length(40))
    name = ma.fields.String(required=True, validate=not_blank_length(100))
    level = ma.fields.String(required=True, validate=one_of(codes.of("level")))
    parent_code = ma.fields.String(allow_none=True, validate=not_blank_length(40))
