"""Accounts on the wire."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from server.accounts.models import SENTINEL_KINDS, UNITS
from server.core.roles import Role
from server.core.validation import StrictSchema, not_blank_length, one_of, phone_number


class LoginIn(StrictSchema):
    username = fields.String(required=True, validate=not_blank_length(64))
    password = fields.String(required=True, validate=validate.Length(min=1, max=200))
    device_id = fields.String(validate=validate.Length(max=64), allow_none=True)


class UserOut(ma.Schema):
    id = fields.Integer()
    username = fields.String()
    display_name = fields.String()
    role = fields.String()
    unit = fields.String(allow_none=True)
    sentinel_kind = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    area_ids = fields.List(fields.Integer())
    active = fields.Boolean()


class LoginOut(ma.Schema):
    access_token = fields.String()
    refresh_token = fields.String()
    user = fields.Nested(UserOut)


class RefreshOut(ma.Schema):
    access_token = fields.String(required=True)
    refresh_token = fields.String(
        required=True, metadata={"description": "The session's next refresh token; the one sent is retired."}
    )


class AreaRef(fields.Field):
    """An area by id (a number) or by code (a short text)."""

    default_error_messages = {"invalid": "区域应为编号或编码 / An area is given by its id or its code."}

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**31:
            return value
        if isinstance(value, str) and 0 < len(value.strip()) <= 40:
            return value.strip()
        raise self.make_error("invalid")


class UserCreate(StrictSchema):
    username = fields.String(required=True, validate=[not_blank_length(64), validate.Regexp(r"^[\w.-]+$")])
    password = fields.String(required=True, validate=validate.Length(min=10, max=200), load_only=True)
    display_name = fields.String(validate=not_blank_length(100))
    role = fields.String(required=True, validate=one_of([r.value for r in Role]))
    areas = fields.List(AreaRef(), load_default=list, validate=validate.Length(max=200))
    unit = fields.String(allow_none=True, validate=one_of(UNITS))
    sentinel_kind = fields.String(allow_none=True, validate=one_of(SENTINEL_KINDS))
    phone = fields.String(allow_none=True, validate=phone_number)


class UserPatch(StrictSchema):
    password = fields.String(validate=validate.Length(min=10, max=200), load_only=True)
    display_name = fields.String(validate=not_blank_length(100))
    role = fields.String(validate=one_of([r.value for r in Role]))
    areas = fields.List(AreaRef(), validate=validate.Length(max=200))
    unit = fields.String(allow_none=True, validate=one_of(UNITS))
    sentinel_kind = fields.String(allow_none=True, validate=one_of(SENTINEL_KINDS))
    phone = fields.String(allow_none=True, validate=phone_number)
    active = fields.Boolean()
