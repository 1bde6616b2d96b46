"""Conflict records for supervisors: list, restore the discarded value, or dismiss.

A conflict is about a record, and is read and restored where that record lives now, never where
it was when the conflict arose: a household that moved village takes its conflicts along.
"""

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


def record_place() -> sa.ColumnElement[str]:
    """Where the record a conflict is about lives now."""
    return sa.case(
        *(
            (
                ConflictRecord.entity == name,
                sa.select(adapter.model.area_path)
                .where(adapter.model.id == ConflictRecord.record_id)
                .scalar_subquery(),
            )
            for name, adapter in ADAPTERS.items()
        ),
        else_=sa.null(),
    )


def between_others() -> sa.ColumnElement[bool]:
    """Not one account against itself: a worker's two phones, or her phone and her own REST edit.

    Such a conflict is hers alone (``/api/conflicts/mine`` tells her and names the child, and her
    phone offers her other value again); it is not a disagreement for a supervisor to settle.
    The same holds for the delete conflicts when she both deleted and edited (push.py records
    the deleter, or the one author of the edits a stale delete had not seen). A side whose
    author is unknown (a server-side change, edits by several people, a tombstone older than
    its deleter's record) still counts as someone else.
    """
    return sa.or_(
        ConflictRecord.kept_author_id.is_(None),
        ConflictRecord.discarded_author_id.is_(None),
        ConflictRecord.kept_author_id != ConflictRecord.discarded_author_id,
    )


def conflict_query(scope: Scope, status: str | None = "open") -> sa.Select:
    """The supervisors' queue: conflicts of records in scope now, between two different people."""
    stmt = sa.select(ConflictRecord).where(scope.filter(record_place()), between_others())
    if status:
        stmt = stmt.where(ConflictRecord.status == status)
    return stmt.order_by(ConflictRecord.created_at.desc(), ConflictRecord.id)


def mine(scope: Scope, status: str | None = "open") -> sa.Select:
    stmt = sa.select(ConflictRecord).where(ConflictRecord.discarded_author_id == scope.user.id)
    if status:
        stmt = stmt.where(ConflictRecord.status == status)
    return stmt.order_by(ConflictRecord.created_at.desc(), ConflictRecord.id)


def _record_of(conflict: ConflictRecord):
    adapter = ADAPTERS.get(conflict.entity)
    return db.session.get(adapter.model, conflict.record_id) if adapter else None


def _readable(scope: Scope, conflict: ConflictRecord) -> bool:
    record = _record_of(conflict)
    return record is not None and ADAPTERS[conflict.entity].readable(scope, record)


def get_conflict(scope: Scope, conflict_id: str) -> ConflictRecord:
    """One conflict whose record is in the caller's scope now (else 404, as if there were none)."""
    conflict = db.session.get(ConflictRecord, conflict_id)
    if conflict is None or not _readable(scope, conflict):
        raise NotFound()
    return conflict


def _record_label(record, entity: str) -> str | None:
    """What the record is, in words a supervisor recognises without the phone's replica."""
    if record is None:
        return None
    if entity == "minor":
        return record.name
    if entity == "household":
        return f"{record.head_name} · {record.address}"
    if entity == "visit":
        from server.registry.models import Minor

        minor = db.session.get(Minor, record.minor_id)
        return f"{minor.name if minor else ''} · {record.visited_at:%Y-%m-%d}"
    return record.kind


# What an author still sees of her conflict once its record has left her scope: what she wrote.
HERS = (
    "id",
    "entity",
    "record_id",
    "field",
    "kind",
    "discarded_value",
    "discarded_hlc",
    "discarded_author_id",
    "discarded_author_name",
    "discarded_client_id",
    "created_at",
    "status",
)


def present(scope: Scope, conflicts: list[ConflictRecord]) -> list[dict]:
    """Conflicts as their reader sees them: in full where the record is in scope now, else only
    what the reader herself wrote (``in_scope`` false) - never the record's current state."""
    names = dict(
        db.session.execute(
            sa.select(User.id, User.display_name).where(
                User.id.in_({u for c in conflicts for u in (c.kept_author_id, c.discarded_author_id) if u})
            )
        ).all()
    )
    items = []
    for conflict in conflicts:
        record = _record_of(conflict)
        in_scope = record is not None and ADAPTERS[conflict.entity].readable(scope, record)
        item = {
            **{name: getattr(conflict, name, None) for name in HERS},
            "discarded_value": masked(conflict.discarded_value),
            "discarded_author_name": names.get(conflict.discarded_author_id),
            "record_label": _record_label(record, conflict.entity),
            "kept_value": masked(conflict.kept_value),
            "kept_hlc": conflict.kept_hlc,
            "kept_author_id": conflict.kept_author_id,
            "kept_author_name": names.get(conflict.kept_author_id),
            "resolved_by": conflict.resolved_by,
            "resolved_at": conflict.resolved_at,
            "in_scope": in_scope,
        }
        if not in_scope:
            item = {name: (item[name] if name in HERS else None) for name in item} | {"in_scope": False}
        items.append(item)
    return items


class ConflictOut(ma.Schema):
    id = ma.fields.String()
    entity = ma.fields.String()
    record_id = ma.fields.String()
    record_label = ma.fields.String(allow_none=True)
    field = ma.fields.String(allow_none=True)
    kind = ma.fields.String()
    kept_value = ma.fields.Raw(allow_none=True)
    discarded_value = ma.fields.Raw(allow_none=True)
    discarded_hlc = ma.fields.String(allow_none=True)
    discarded_author_id = ma.fields.Integer(allow_none=True)
    discarded_author_name = ma.fields.String(allow_none=True)
    discarded_client_id = ma.fields.String(allow_none=True)
    kept_hlc = ma.fields.String(allow_none=True)
    kept_author_id = ma.fields.Integer(allow_none=True)
    kept_author_name = ma.fields.String(allow_none=True)
    created_at = ma.fields.DateTime()
    status = ma.fields.String()
    resolved_by = ma.fields.Integer(allow_none=True)
    resolved_at = ma.fields.DateTime(allow_none=True)
    in_scope = ma.fields.Boolean(
        metadata={"description": "false: the record has left my scope; only what I wrote is shown"}
    )


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
    if record is None or not adapter.readable(scope, record):
        raise NotFound()  # restored only where the record lives now
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
