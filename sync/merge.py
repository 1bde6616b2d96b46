"""Field-level three-way merge (字段级三方合并) of one mutation into one record (§5).

Pure functions, no I/O: the server loads the record, calls ``merge`` and writes the outcome.
Nothing is ever lost: every value a resolution discards becomes a ``Conflict``.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from copy import deepcopy
from typing import Any

from sync.conflicts import Conflict
from sync.hlc import HLC
from sync.records import (
    OPS,
    MergeError,
    MergeOutcome,
    MergeStatus,
    Mutation,
    RecordState,
    apply_outcome,
)
from sync.specs import EntitySpec
from sync.values import apply_set_op, same_value, set_op_problem

__all__ = [
    "MergeError",
    "MergeOutcome",
    "MergeStatus",
    "Mutation",
    "RecordState",
    "apply_outcome",
    "apply_set_op",
    "merge",
]


def merge(
    spec: EntitySpec,
    state: RecordState | None,
    mutation: Mutation,
    *,
    allow_fields: Collection[str] | None = None,
) -> MergeOutcome:
    """Merge ``mutation`` into ``state`` (None when the server has no such record).

    Status: ``applied`` when the base was current (or the record new), ``merged`` when it
    was stale but nothing was discarded, ``conflict`` when a value was kept as a conflict.
    ``allow_fields`` names the fields of an append-only entity that stay editable (a visit's
    review fields, say). Raises MergeError for a mutation that must be rejected.
    """
    _check_envelope(spec, state, mutation)
    if mutation.op == "delete":
        return _merge_delete(spec, state, mutation)
    _check_fields(spec, mutation.fields)
    if state is None:
        return _create(spec, mutation)
    if spec.append_only:
        _check_append_only(spec, state, mutation, frozenset(allow_fields or ()))
    if state.deleted:
        return _edit_deleted(spec, state, mutation)
    return _merge_fields(spec, state, mutation)


def _check_envelope(spec: EntitySpec, state: RecordState | None, mutation: Mutation) -> None:
    errors: dict[str, list[str]] = {}
    if mutation.entity != spec.name:
        errors["entity"] = [f"Expected {spec.name!r}, got {mutation.entity!r}."]
    if mutation.op not in OPS:
        errors["op"] = ["Must be 'upsert' or 'delete'."]
    base = mutation.base_version
    if isinstance(base, bool) or not isinstance(base, int) or base < 0:
        errors["base_version"] = ["Must be a non-negative integer (0 for a new record)."]
    elif state is None and mutation.op == "delete":
        errors["id"] = ["No such record to delete."]
    elif state is None and base != 0:
        errors["base_version"] = ["The server has no such record; a new record has 0."]
    elif state is not None and base > state.version:
        errors["base_version"] = [f"Ahead of the server's version {state.version}."]
    if not isinstance(mutation.fields, Mapping):
        errors["fields"] = ["Must be an object of changed fields."]
    elif mutation.op == "delete" and mutation.fields:
        errors["fields"] = ["A delete carries no fields."]
    if errors:
        raise MergeError(errors)


def _check_fields(spec: EntitySpec, fields: Mapping[str, Any]) -> None:
    errors: dict[str, list[str]] = {}
    for name, value in fields.items():
        if name not in spec.fields:
            errors[name] = ["Unknown field."]
        elif name in spec.set_fields:
            problem = set_op_problem(value)
            if problem:
                errors[name] = [problem]
        elif name in spec.severity_fields and value not in spec.severity_fields[name]:
            choices = ", ".join("null" if v is None else str(v) for v in spec.severity_fields[name])
            errors[name] = [f"Must be one of: {choices}."]
    if errors:
        raise MergeError(errors)


def _unchanged(spec: EntitySpec, name: str, incoming: Any, current: Any) -> bool:
    if name in spec.set_fields:
        return same_value(apply_set_op(current, incoming), apply_set_op(current, {}))
    return same_value(incoming, current)


def _outcome(mutation: Mutation, status: MergeStatus, changes: dict[str, Any], **kwargs: Any) -> MergeOutcome:
    hlc = str(mutation.hlc)
    return MergeOutcome(
        status=status,
        changes=changes,
        field_hlcs=dict.fromkeys(changes, hlc),
        field_authors=dict.fromkeys(changes, mutation.author),
        **kwargs,
    )


def _create(spec: EntitySpec, mutation: Mutation) -> MergeOutcome:
    changes = {
        name: apply_set_op((), value) if name in spec.set_fields else deepcopy(value)
        for name, value in mutation.fields.items()
    }
    return _outcome(mutation, "applied", changes, created=True)


def _check_append_only(
    spec: EntitySpec, state: RecordState, mutation: Mutation, allowed: frozenset[str]
) -> None:
    # A resent create with the values the server already has changes nothing: not an edit.
    errors = {
        name: ["Append-only: this field cannot be changed once the record exists."]
        for name, value in mutation.fields.items()
        if name not in allowed and not _unchanged(spec, name, value, state.values.get(name))
    }
    if errors:
        raise MergeError(errors)


def _merge_fields(spec: EntitySpec, state: RecordState, mutation: Mutation) -> MergeOutcome:
    changes: dict[str, Any] = {}
    conflicts: list[Conflict] = []
    for name, incoming in mutation.fields.items():
        current = state.values.get(name)
        leader = spec.follows.get(name)
        if leader is not None and leader in mutation.fields:
            continue  # decided with its leader, below
        if _unchanged(spec, name, incoming, current):
            continue
        if name in spec.set_fields:
            # Sets merge add/remove against whatever the server has now: never a conflict.
            changes[name] = apply_set_op(current, incoming)
        elif state.field_versions.get(name, 0) <= mutation.base_version:
            changes[name] = deepcopy(incoming)
        else:
            incoming_wins, conflict = _resolve(spec, state, mutation, name, incoming, current)
            if incoming_wins:
                changes[name] = deepcopy(incoming)
            conflicts.append(conflict)
    for name, leader in spec.follows.items():
        if name in mutation.fields and leader in mutation.fields:
            _follow(spec, state, mutation, name, leader, changes, conflicts)
    if conflicts:
        status: MergeStatus = "conflict"
    elif mutation.base_version < state.version:
        status = "merged"
    else:
        status = "applied"
    return _outcome(mutation, status, changes, conflicts=conflicts)


def _resolve(
    spec: EntitySpec,
    state: RecordState,
    mutation: Mutation,
    name: str,
    incoming: Any,
    current: Any,
) -> tuple[bool, Conflict]:
    """Both sides changed ``name`` to different values: keep one by policy, record the other.

    Returns whether the incoming value wins, and the conflict holding the discarded one.
    """
    if name in spec.severity_fields:
        order = spec.severity_fields[name]
        # A stored value outside the order (legacy data) ranks below every known value.
        current_rank = order.index(current) if current in order else -1
        incoming_wins = order.index(incoming) > current_rank
    else:
        # A server change with no recorded HLC counts as the oldest possible.
        server_hlc = state.field_hlcs.get(name)
        incoming_wins = server_hlc is None or mutation.hlc > HLC.parse(server_hlc)
    return incoming_wins, _field_conflict(spec, state, mutation, name, incoming, incoming_wins)


def _follow(
    spec: EntitySpec,
    state: RecordState,
    mutation: Mutation,
    name: str,
    leader: str,
    changes: dict[str, Any],
    conflicts: list[Conflict],
) -> None:
    """Keep or discard ``name`` with its leader, whatever its own versions say.

    The leader is kept when the mutation's value was written or was already there. A kept
    follower that replaces a value the device had not seen, and a discarded follower, are
    conflicts like any other.
    """
    incoming, current = mutation.fields[name], state.values.get(name)
    if same_value(incoming, current):
        return
    leader_kept = leader in changes or same_value(mutation.fields[leader], state.values.get(leader))
    if leader_kept:
        changes[name] = deepcopy(incoming)
        if state.field_versions.get(name, 0) > mutation.base_version:
            conflicts.append(_field_conflict(spec, state, mutation, name, incoming, incoming_wins=True))
    else:
        conflicts.append(_field_conflict(spec, state, mutation, name, incoming, incoming_wins=False))


def _field_conflict(
    spec: EntitySpec, state: RecordState, mutation: Mutation, name: str, incoming: Any, incoming_wins: bool
) -> Conflict:
    current = state.values.get(name)
    server_hlc_text = state.field_hlcs.get(name)
    server_hlc = HLC.parse(server_hlc_text) if server_hlc_text else None
    common = {"entity": spec.name, "record_id": mutation.id, "field": name, "kind": "field"}
    if incoming_wins:
        return Conflict(
            **common,
            kept_value=deepcopy(incoming),
            discarded_value=deepcopy(current),
            discarded_hlc=server_hlc_text,
            discarded_author=state.field_authors.get(name),
            discarded_client_id=server_hlc.node if server_hlc else None,
            kept_hlc=str(mutation.hlc),
            mid=mutation.mid,
        )
    return Conflict(
        **common,
        kept_value=deepcopy(current),
        discarded_value=deepcopy(incoming),
        discarded_hlc=str(mutation.hlc),
        discarded_author=mutation.author,
        discarded_client_id=mutation.client_id,
        kept_hlc=server_hlc_text,
        mid=mutation.mid,
    )


def _edit_deleted(spec: EntitySpec, state: RecordState, mutation: Mutation) -> MergeOutcome:
    # Not applied: the tombstone stays, every value the edit would have changed is kept.
    conflicts = [
        Conflict(
            entity=spec.name,
            record_id=mutation.id,
            field=name,
            kind="edit_deleted",
            kept_value=deepcopy(state.values.get(name)),
            discarded_value=deepcopy(incoming),
            discarded_hlc=str(mutation.hlc),
            discarded_author=mutation.author,
            discarded_client_id=mutation.client_id,
            kept_hlc=state.field_hlcs.get(name),
            mid=mutation.mid,
        )
        for name, incoming in mutation.fields.items()
        if not _unchanged(spec, name, incoming, state.values.get(name))
    ]
    return _outcome(mutation, "conflict" if conflicts else "applied", {}, conflicts=conflicts)


def _merge_delete(spec: EntitySpec, state: RecordState | None, mutation: Mutation) -> MergeOutcome:
    assert state is not None  # _check_envelope rejects a delete of a missing record
    if spec.append_only:
        raise MergeError({"op": ["Append-only records cannot be deleted."]})
    if state.deleted:
        return _outcome(mutation, "applied", {})
    if mutation.base_version == state.version:
        return _outcome(mutation, "applied", {}, delete=True)
    # The device deleted a version older than the server's: the newer edits it never saw
    # stay, and the delete waits for a supervisor.
    unseen = [
        HLC.parse(text)
        for name, text in state.field_hlcs.items()
        if state.field_versions.get(name, 0) > mutation.base_version
    ]
    conflict = Conflict(
        entity=spec.name,
        record_id=mutation.id,
        field=None,
        kind="stale_delete",
        kept_value=None,
        discarded_value={"op": "delete", "base_version": mutation.base_version},
        discarded_hlc=str(mutation.hlc),
        discarded_author=mutation.author,
        discarded_client_id=mutation.client_id,
        kept_hlc=str(max(unseen)) if unseen else None,
        mid=mutation.mid,
    )
    return _outcome(mutation, "conflict", {}, conflicts=[conflict])
