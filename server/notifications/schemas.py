"""Notifications on the wire: the inbox query, one notification, the badge and mark-all answers."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields

from server.core.validation import BoundedSchema


class NotificationQuery(BoundedSchema):
    class Meta:
        unknown = ma.EXCLUDE

    unread = fields.Boolean(load_default=False)


class NotificationOut(ma.Schema):
    id = fields.Integer()
    kind = fields.String()
    title = fields.String()
    body = fields.String(allow_none=True)
    link = fields.String(allow_none=True)
    created_at = fields.DateTime()
    read_at = fields.DateTime(allow_none=True)
    read = fields.Function(lambda n: n.read_at is not None)


class UnreadCount(ma.Schema):
    unread = fields.Integer(metadata={"description": "my unread notifications (the badge)"})


class MarkedRead(ma.Schema):
    marked = fields.Integer(metadata={"description": "how many were unread and are now read"})
