"""Conflict records for supervisors: list, restore the discarded value, or dismiss."""

from __future__ import annotations

import marshmallow as ma
import sqlalchemy as sa

from server.accounts.models import User
from server.audit.service import audit
from server.core.clock import server_hlc
from server.core.db import utcnow
from server.core.errors import Conflict, NotFound
from server.core.extensions import db
from server.core.scope import Scope
from server.sync_api.entities import ADAPTERS
from server.sync_api.models import ConflictRecord
from server.sync_api.sealed import masked, unseal


def conflict_query(scope: Scope, status: str | None = "open") -> sa.Select:
    stmt = sa.select(ConflictRecord).where(scope.filter(ConflictRecord.area_path))
    if status:
        stmt = stmt.where(ConflictRecord.status == status)
    return stmt.order_by(ConflictRecord.created_at.desc(), ConflictRecord.id)


def mine(scope: Scope, status: str | None = "open") -> sa.Select:
    stmt = sa.select(ConflictRecord).where(ConflictRecord.discarded_author_id == scope.user.id)
    if status:
        stmt = stmt.where(ConflictRecord.status == status)
    return stmt.order_by(ConflictRecord.created_at.desc(), ConflictRecord.id)


def get_conflict(scope: Scope, conflict_id: str) -> ConflictRecord:
    conflict = db.session.get(ConflictRecord, conflict_id)
    if conflict is None or not scope.covers(conflict.area_path):
        raise NotFound()
    return conflict


def _name(user_id: int | None) -> str | None:
    user = db.session.get(User, user_id) if user_id else None
    return user.display_name if user else None


def _record_label(conflict: ConflictRecord) -> str | None:
    """What the record is, in words a supervisor recognises without the phone's replica."""
    adapter = ADAPTERS.get(conflict.entity)
    record = db.session.get(adapter.model, conflict.record_id) if adapter else None
    if record is None:
        return None
    if conflict.entity == "minor":
        return record.name
    if conflict.entity == "household":
        return f"{record.head_name} · {record.address}"
    if conflict.entity == "visit":
        from server.registry.models import Minor

        minor = db.session.get(Minor, record.minor_id)
        return f"{minor.name if minor else ''} · {record.visited_at:%Y-%m-%d}"
    return record.kind


class ConflictOut(ma.Schema):
    id = ma.fields.String()
    entity = ma.fields.String()
    record_id = ma.fields.String()
    record_label = ma.fields.Function(_record_label)
    field = ma.fields.String(allow_none=True)
    kind = ma.fields.String()
    kept_value = ma.fields.Function(lambda c: masked(c.kept_value), allow_none=True)
    discarded_value = ma.fields.Function(lambda c: masked(c.discarded_value), allow_none=True)
    discarded_hlc = ma.fields.String(allow_none=True)
    discarded_author_id = ma.fields.Integer(allow_none=True)
    discarded_author_name = ma.fields.Function(lambda c: _name(c.discarded_author_id))
    discarded_client_id = ma.fields.String(allow_none=True)
    kept_hlc = ma.fields.String(allow_none=True)
    kept_author_id = ma.fields.Integer(allow_none=True)
    kept_author_name = ma.fields.Function(lambda c: _name(c.kept_author_id))
    created_at = ma.fields.DateTime()
    status = ma.fields.String()
    resolved_by = ma.fields.Integer(allow_none=True)
    resolved_at = ma.fields.DateTime(allow_none=True)


def _close(scope: Scope, conflict: ConflictRecord, status: str) -> None:
    if conflict.status != "open":
        raise Conflict("该冲突已处理 / This conflict was already handled.")
    conflict.status = status
    conflict.resolved_by = scope.user.id
    conflict.resolved_at = utcnow()


def restore(scope: Scope, conflict: ConflictRecord) -> ConflictRecord:
    """Apply the discarded value as a new change, through the entity's own service and rules."""
    adapter = ADAPTERS[conflict.entity]
    record = db.session.get(adapter.model, conflict.record_id)
    if record is None:
        raise NotFound()
    _close(scope, conflict, "restored")
    hlc = server_hlc()
    if conflict.kind == "stale_delete":
        if adapter.delete is None:
            raise Conflict("此类记录不能删除 / These records cannot be deleted.")
        adapter.delete(scope, record)
    elif conflict.kind == "edit_deleted":
        record.deleted_at = None  # the edit outranks the delete it arrived after
        record.version += 1
        if conflict.field:
            adapter.update(
                scope, record, adapter.parse({conflict.field: unseal(conflict.discarded_value)}), hlc
            )
    else:
        value = unseal(conflict.discarded_value)
        if conflict.field in adapter.spec.set_fields and isinstance(value, dict):
            from sync import apply_set_op

            value = apply_set_op(getattr(record, conflict.field), value)
        changes = adapter.parse({conflict.field: value})
        if conflict.field == "grade":
            changes["grade_reason"] = f"恢复冲突中被替代的等级 / Restored from conflict {conflict.id}"
        adapter.update(scope, record, changes, hlc)
    audit(
        "restore",
        "conflict",
        conflict.id,
        extra={"entity": conflict.entity, "record": conflict.record_id},
        user_id=scope.user.id,
    )
    return conflict


def dismiss(scope: Scope, conflict: ConflictRecord) -> ConflictRecord:
    _close(scope, conflict, "dismissed")
    audit("dismiss", "conflict", conflict.id, user_id=scope.user.id)
    return conflict
