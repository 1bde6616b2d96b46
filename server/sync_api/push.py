"""POST /api/sync/push: each mutation merged field by field, idempotent, nothing lost (DESIGN §5)."""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass, field

import marshmallow as ma
import sqlalchemy as sa
from sqlalchemy import exc as sa_exc

from server.accounts.models import User
from server.core import clock
from server.core.changes import feed_held
from server.core.db import known_free, new_uuid, utcnow
from server.core.errors import DomainError, NotFound, refusal_message
from server.core.extensions import db
from server.core.scope import Scope
from server.core.validation import uuid_string
from server.sync_api.entities import ADAPTERS, Adapter
from server.sync_api.models import ConflictRecord, Device, QuarantinedMutation, SyncMutation
from server.sync_api.sealed import seal_payload, seal_value
from sync import Conflict, MergeError, Mutation, clamp, merge

NOT_IN_SCOPE = ["您的辖区内没有该记录 / No such record in your area."]


@dataclass
class PushReport:
    results: list[dict] = field(default_factory=list)
    # The mutation log and quarantine rows, written together at the end of the batch.
    log: list = field(default_factory=list)
    applied: int = 0
    rejected: int = 0
    conflicts: int = 0
    clamped: int = 0


# What the database refuses of one mutation; the batch goes on without it.
DATABASE_REFUSALS = (sa_exc.IntegrityError, sa_exc.DataError, OverflowError, UnicodeError)


class _WriteFailed(Exception):
    """A write of the unguarded pass failed: do the batch again, a savepoint per mutation."""


class Rejected(Exception):
    def __init__(self, errors: dict) -> None:
        super().__init__(errors)
        self.errors = errors


def _result(mid, status: str, version: int | None = None, conflict_ids=(), errors=None) -> dict:
    return {
        "mid": mid,
        "status": status,
        "version": version,
        "conflict_ids": list(conflict_ids),
        "errors": errors or {},
    }


def push(user: User, client_id: str, mutations: list, max_skew_ms: int) -> PushReport:
    """Apply a batch in the caller's transaction; the caller commits, then answers."""
    with feed_held(db.session):  # writers queue here first: the feed lock before any row lock
        return _push(user, client_id, mutations, max_skew_ms)


def _push(user: User, client_id: str, mutations: list, max_skew_ms: int) -> PushReport:
    scope = Scope.of(user)
    mids = {raw.get("mid") for raw in mutations if isinstance(raw, dict) and isinstance(raw.get("mid"), str)}
    answered: dict = {}
    if mids:
        logged = sa.select(SyncMutation).where(
            SyncMutation.client_id == client_id, SyncMutation.mid.in_(mids)
        )
        answered = {row.mid: row.result for row in db.session.scalars(logged)}
    found = _find_records(mutations)
    # The whole batch at once, written in one flush; only when a write fails (the database or a
    # service refuses it) is the batch done again with a savepoint per mutation, so that the
    # failing one alone is rejected.
    try:
        with db.session.begin_nested():
            report = _apply_all(scope, client_id, mutations, max_skew_ms, answered, found, guarded=False)
            db.session.flush()
    except (_WriteFailed, *DATABASE_REFUSALS):
        report = _apply_all(scope, client_id, mutations, max_skew_ms, answered, found, guarded=True)
    db.session.add_all(report.log)
    _touch_device(user, client_id, report)
    return report


def _apply_all(
    scope: Scope,
    client_id: str,
    mutations: list,
    max_skew_ms: int,
    answered: dict,
    found: dict,
    *,
    guarded: bool,
) -> PushReport:
    report = PushReport()
    answered, found = dict(answered), dict(found)  # each pass starts from what was stored
    # The services' check that a new record's id is free is answered from this lookup.
    with known_free(db.session) as free:
        free.update((ADAPTERS[entity].model, i) for (entity, i), r in found.items() if r is None)
        for raw in mutations:
            mid = raw.get("mid") if isinstance(raw, dict) else None
            if isinstance(mid, str) and mid in answered:
                report.results.append(answered[mid])  # a replay: same answer, nothing changes
                continue
            result = _apply_one(scope, client_id, raw, max_skew_ms, report, found, guarded)
            report.results.append(result)
            if _storable_mid(mid):
                answered[mid] = result  # the same mid twice in one batch is still applied once
    return report


def _find_records(mutations: list) -> dict:
    """The batch's records, one locked SELECT per entity: (entity, id) -> record, or None
    for an id the server does not hold. Ids that are not UUIDs are left to be refused."""
    ids: dict[str, set[str]] = {}
    for raw in mutations:
        if (
            not isinstance(raw, dict)
            or raw.get("entity") not in ADAPTERS
            or not isinstance(raw.get("id"), str)
        ):
            continue
        try:
            uuid_string(raw["id"])
        except ma.ValidationError:
            continue
        ids.setdefault(raw["entity"], set()).add(raw["id"])
    found: dict = {}
    for entity, wanted in ids.items():
        model = ADAPTERS[entity].model
        # Lock the records' own rows only: PostgreSQL refuses FOR UPDATE across a joined household.
        stmt = sa.select(model).where(model.id.in_(wanted)).with_for_update(of=model)
        held = {record.id: record for record in db.session.scalars(stmt).unique()}
        found.update(((entity, record_id), held.get(record_id)) for record_id in wanted)
    return found


def _apply_one(
    scope: Scope, client_id: str, raw, max_skew_ms: int, report: PushReport, found: dict, guarded: bool
) -> dict:
    mid = raw.get("mid") if isinstance(raw, dict) else None
    clamped_from = None
    try:
        mutation = Mutation.from_dict(raw, client_id=client_id, author=str(scope.user.id))
        if not _storable_mid(mutation.mid):
            raise Rejected(
                {"mid": ["mid 最长64个字符，不含空字符 / A mid has at most 64 characters, no NUL."]}
            )
        adapter = ADAPTERS.get(mutation.entity)
        if adapter is None:
            raise Rejected({"entity": [f"未知实体 / Unknown entity; one of {', '.join(ADAPTERS)}."]})
        hlc, was_clamped = clamp(mutation.hlc, int(time.time() * 1000), max_skew_ms)
        if was_clamped:
            clamped_from, report.clamped = str(mutation.hlc), report.clamped + 1
            mutation = dataclasses.replace(mutation, hlc=hlc)
        clock.observe(hlc.wall_ms, hlc.counter)
        if guarded:
            with db.session.begin_nested():
                result = _merge_and_write(scope, adapter, mutation, found, guarded)
        else:
            result = _merge_and_write(scope, adapter, mutation, found, guarded)
    except MergeError as exc:
        result = _result(mid, "rejected", errors=exc.errors)
    except NotFound:  # a record out of reach is answered as if it did not exist
        result = _result(mid, "rejected", errors={"id": NOT_IN_SCOPE})
    except (Rejected, DomainError) as exc:
        result = _result(mid, "rejected", errors=exc.errors)
    except ma.ValidationError as exc:
        result = _result(mid, "rejected", errors=exc.normalized_messages())
    except DATABASE_REFUSALS as exc:
        if not guarded:  # unflushed writes of earlier mutations may be what failed
            raise _WriteFailed from exc
        # What the database refused is this mutation's fault alone: its savepoint is gone, the batch goes on.
        result = _result(mid, "rejected", errors={"_schema": [refusal_message(exc)]})
    if result["status"] == "rejected":
        report.rejected += 1
        report.log.append(
            QuarantinedMutation(
                client_id=client_id,
                mid=mid[:64].replace("\x00", "") if isinstance(mid, str) else None,
                user_id=scope.user.id,
                mutation=seal_payload(_storable(raw)),
                errors=result["errors"],
            )
        )
    else:
        report.applied += 1
        report.conflicts += len(result["conflict_ids"])
    if _storable_mid(mid):
        report.log.append(
            SyncMutation(
                client_id=client_id,
                mid=mid,
                user_id=scope.user.id,
                status=result["status"],
                result=result,
                entity=raw.get("entity") if isinstance(raw.get("entity"), str) else None,
                record_id=str(raw.get("id"))[:64] if raw.get("id") else None,
                hlc=str(raw.get("hlc"))[:120] if raw.get("hlc") else None,
                clamped_from=clamped_from,
            )
        )
    return result


def _merge_and_write(scope: Scope, adapter: Adapter, mutation: Mutation, found: dict, guarded: bool) -> dict:
    if scope.role not in adapter.writers:
        raise Rejected({"entity": ["您的角色不能修改此类记录 / Your role may not change these records."]})
    try:
        uuid_string(mutation.id)
    except ma.ValidationError as exc:
        raise Rejected({"id": exc.messages}) from exc
    record = found[(adapter.name, mutation.id)]
    # A record out of scope and one that does not exist get the same answer: no existence leak.
    hidden = record is not None and not adapter.readable(scope, record)
    if hidden or (record is None and (mutation.op == "delete" or mutation.base_version > 0)):
        errors = {"id": NOT_IN_SCOPE}
        if mutation.base_version > 0:
            errors["base_version"] = [
                "服务器上没有该记录 / The server has no such record; a new record has 0."
            ]
        raise Rejected(errors)
    state = adapter.state(record) if record is not None else None
    sent, parsed = None, None
    if mutation.op == "upsert":  # types and values, before any merge
        sent = _plain_values(adapter, mutation.fields)
        parsed = adapter.parse(sent)
    outcome = merge(adapter.spec, state, mutation)

    def parse_changes() -> dict:  # most merges keep what was sent: parsed once
        return parsed if outcome.changes == sent else adapter.parse(outcome.changes)

    data = None
    if outcome.created:
        if missing := adapter.missing(outcome.changes):
            raise Rejected(missing)
        data = {**parse_changes(), "id": mutation.id}
    elif outcome.delete:
        if adapter.delete is None:
            raise Rejected({"op": ["此类记录不能删除 / These records cannot be deleted."]})
    elif outcome.changes:
        data = parse_changes()
    # Nothing is written above this line; below it a failure may leave half a mutation behind.
    try:
        record = _write(scope, adapter, record, outcome, data, str(mutation.hlc))
        conflict_ids = [_keep_conflict(record, c, state, mutation) for c in outcome.conflicts]
        if guarded:
            db.session.flush()
    except Exception as exc:
        if guarded:
            raise
        raise _WriteFailed from exc  # the unguarded pass cannot undo half a mutation
    found[(adapter.name, mutation.id)] = record
    return _result(mutation.mid, outcome.status, record.version, conflict_ids)


def _write(scope: Scope, adapter: Adapter, record, outcome, data: dict | None, hlc: str):
    """The merge's outcome through the entity's services; returns the record."""
    if outcome.created:
        return adapter.create(scope, data, hlc)
    if outcome.delete:
        adapter.delete(scope, record)
    elif outcome.changes:
        adapter.update(scope, record, data, hlc)
    return record


def _storable_mid(mid) -> bool:
    return isinstance(mid, str) and 0 < len(mid) <= 64 and "\x00" not in mid


def _storable(raw):
    """The raw mutation as JSON the database accepts: NUL (refused by PostgreSQL) kept as its escape text."""
    if isinstance(raw, str):
        return raw.replace("\x00", "\\u0000")
    if isinstance(raw, dict):
        return {_storable(k): _storable(v) for k, v in raw.items()}
    if isinstance(raw, list):
        return [_storable(v) for v in raw]
    return raw


def _plain_values(adapter: Adapter, fields: dict) -> dict:
    """Set operations are checked item by item: {"add": [...], "remove": [...]} -> the items."""
    plain = {}
    for name, value in fields.items():
        if name in adapter.spec.set_fields and isinstance(value, dict):
            plain[name] = [*value.get("add", []), *value.get("remove", [])]
        elif name in adapter.spec.fields:
            plain[name] = value
    return plain


def _kept_author(record, conflict: Conflict, state, mutation: Mutation) -> str | None:
    """Who wrote the side that was kept: for a stale delete, the one author of the edits the
    deleting phone had not seen (none when several wrote them); for an edit of a deleted
    record, the deleter; otherwise the field's last writer, or the incoming mutation's."""
    if conflict.kind == "stale_delete":
        authors = {
            state.field_authors.get(name)
            for name, version in state.field_versions.items()
            if version > mutation.base_version
        }
        return authors.pop() if len(authors) == 1 else None
    if conflict.kind == "edit_deleted":
        author = (record.field_authors or {}).get("deleted_at")
        return None if author is None else str(author)
    if conflict.discarded_hlc != str(mutation.hlc):  # the incoming value won
        return mutation.author
    return state.field_authors.get(conflict.field) if (conflict.field and state) else None


def _keep_conflict(record, conflict: Conflict, state, mutation: Mutation) -> str:
    def user_id(author: str | None) -> int | None:
        return int(author) if author and author.isdigit() else None

    kept_author = _kept_author(record, conflict, state, mutation)
    row = ConflictRecord(
        id=new_uuid(),  # known now, so the answer needs no flush per conflict
        entity=conflict.entity,
        record_id=conflict.record_id,
        field=conflict.field,
        kind=conflict.kind,
        kept_value=seal_value(conflict.field, conflict.kept_value),
        discarded_value=seal_value(conflict.field, conflict.discarded_value),
        discarded_hlc=conflict.discarded_hlc,
        discarded_client_id=conflict.discarded_client_id,
        discarded_author_id=user_id(conflict.discarded_author),
        kept_hlc=conflict.kept_hlc,
        kept_author_id=user_id(kept_author),
        mid=conflict.mid,
        area_path=record.area_path,
    )
    db.session.add(row)
    return row.id


def _touch_device(user: User, client_id: str, report: PushReport) -> None:
    device = db.session.get(Device, client_id) or Device(client_id=client_id, user_id=user.id)
    device.user_id = user.id
    device.last_push_at = utcnow()
    device.pushes = (device.pushes or 0) + 1
    device.mutations_applied = (device.mutations_applied or 0) + report.applied
    device.mutations_rejected = (device.mutations_rejected or 0) + report.rejected
    device.conflicts = (device.conflicts or 0) + report.conflicts
    device.clamped = (device.clamped or 0) + report.clamped
    if report.rejected:
        errors = [r for r in report.results if r["status"] == "rejected"]
        device.last_error = f"{len(errors)} rejected: {str(errors[0]['errors'])[:400]}"
        device.last_error_at = device.last_push_at
    db.session.add(device)
