"""Writing the audit trail. Field names are kept, never values."""

from __future__ import annotations

from collections.abc import Iterable

from flask import has_request_context, request
from flask_jwt_extended import get_current_user

from server.audit.models import AuditEvent
from server.core.extensions import db
from server.core.scope import device_id


def audit(
    action: str,
    entity: str,
    record_id: str | int | None,
    *,
    fields: Iterable[str] = (),
    user_id: int | None = None,
    device: str | None = None,
    extra: dict | None = None,
) -> AuditEvent:
    """Record who did ``action`` to which record; the request supplies user, device and address."""
    address = None
    if has_request_context():
        address = request.remote_addr
        if user_id is None:
            try:
                user = get_current_user()
            except RuntimeError:
                user = None
            user_id = user.id if user else None
        device = device or device_id()
    detail = {"fields": sorted(fields)} if fields else {}
    if extra:
        detail.update(extra)
    event = AuditEvent(
        user_id=user_id,
        device_id=device,
        action=action,
        entity=entity,
        record_id=None if record_id is None else str(record_id),
        detail=detail,
        address=address,
    )
    db.session.add(event)
    return event
