"""The values a merge reads and returns: record state, mutation, outcome."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from sync.conflicts import Conflict
from sync.hlc import HLC, InvalidHLC

__all__ = [
    "OPS",
    "MergeError",
    "MergeOutcome",
    "MergeStatus",
    "Mutation",
    "RecordState",
    "apply_outcome",
]

MergeStatus = Literal["applied", "merged", "conflict"]
OPS = ("upsert", "delete")


class MergeError(ValueError):
    """A mutation that cannot be merged; the server answers it as ``rejected``.

    ``errors`` has marshmallow's per-field shape: ``{"grade": ["Unknown field."]}``.
    """

    def __init__(self, errors: dict[str, list[str]]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{key}: {' '.join(msgs)}" for key, msgs in errors.items()))


@dataclass(frozen=True)
class RecordState:
    """The server's copy of one record.

    ``values`` are in wire (JSON) form. ``field_versions[f]`` is the record version at which
    ``f`` last changed and ``field_hlcs[f]`` the HLC of that change. ``field_authors`` is
    optional; when given, a conflict that discards the server's value names its author.
    """

    version: int
    values: Mapping[str, Any]
    field_versions: Mapping[str, int]
    field_hlcs: Mapping[str, str]
    deleted: bool = False
    field_authors: Mapping[str, str | None] = field(default_factory=dict)


@dataclass(frozen=True)
class Mutation:
    """One outbox entry of a device (§5). ``fields`` carries only the changed fields."""

    mid: str
    entity: str
    id: str
    op: str
    base_version: int
    hlc: HLC
    fields: Mapping[str, Any] = field(default_factory=dict)
    client_id: str | None = None
    author: str | None = None

    def __post_init__(self) -> None:
        if isinstance(self.hlc, str):
            object.__setattr__(self, "hlc", HLC.parse(self.hlc))

    @classmethod
    def from_dict(
        cls, data: Mapping[str, Any], *, client_id: str | None, author: str | None = None
    ) -> Mutation:
        """Build a mutation from its wire form, or raise MergeError naming each bad key."""
        if not isinstance(data, Mapping):
            raise MergeError({"_schema": ["A mutation must be an object."]})
        errors: dict[str, list[str]] = {}
        for key in ("mid", "entity", "id"):
            if not isinstance(data.get(key), str) or not data.get(key):
                errors[key] = ["Must be a non-empty string."]
        if data.get("op") not in OPS:
            errors["op"] = ["Must be 'upsert' or 'delete'."]
        base = data.get("base_version")
        if isinstance(base, bool) or not isinstance(base, int) or base < 0:
            errors["base_version"] = ["Must be a non-negative integer (0 for a new record)."]
        hlc = None
        try:
            hlc = HLC.parse(data.get("hlc"))
        except InvalidHLC as exc:
            errors["hlc"] = [str(exc)]
        fields = data.get("fields")
        if fields is None:  # a delete may send null or leave it out
            fields = {}
        if not isinstance(fields, Mapping):
            errors["fields"] = ["Must be an object of changed fields."]
        unknown = sorted(set(data) - {"mid", "entity", "id", "op", "base_version", "hlc", "fields"})
        for key in unknown:
            errors[key] = ["Unknown key."]
        if errors:
            raise MergeError(errors)
        return cls(
            mid=data["mid"],
            entity=data["entity"],
            id=data["id"],
            op=data["op"],
            base_version=base,
            hlc=hlc,
            fields=dict(fields),
            client_id=client_id,
            author=author,
        )


@dataclass
class MergeOutcome:
    """What to write for one merged mutation.

    For every field in ``changes`` the server sets the value, ``field_versions[f]`` to the
    new record version, ``field_hlcs[f]`` and ``field_authors[f]`` from the two maps here.
    ``delete`` turns the record into a tombstone; ``created`` means there was no record.
    ``conflicts`` must be stored even when the outcome is a no-op.
    """

    status: MergeStatus
    changes: dict[str, Any] = field(default_factory=dict)
    conflicts: list[Conflict] = field(default_factory=list)
    delete: bool = False
    created: bool = False
    field_hlcs: dict[str, str] = field(default_factory=dict)
    field_authors: dict[str, str | None] = field(default_factory=dict)

    @property
    def noop(self) -> bool:
        """Nothing to write to the record, so its version stays as it is."""
        return not (self.changes or self.delete or self.created)


def apply_outcome(
    state: RecordState | None, outcome: MergeOutcome, *, version: int | None = None
) -> RecordState:
    """The record after ``outcome``; ``version`` defaults to the old version + 1."""
    if outcome.noop:
        if state is None:
            raise ValueError("A no-op outcome needs an existing record.")
        return state
    if version is None:
        version = state.version + 1 if state else 1
    values = dict(state.values) if state else {}
    field_versions = dict(state.field_versions) if state else {}
    field_hlcs = dict(state.field_hlcs) if state else {}
    field_authors = dict(state.field_authors) if state else {}
    values.update(outcome.changes)
    field_versions.update(dict.fromkeys(outcome.changes, version))
    field_hlcs.update(outcome.field_hlcs)
    field_authors.update(outcome.field_authors)
    return RecordState(
        version=version,
        values=values,
        field_versions=field_versions,
        field_hlcs=field_hlcs,
        deleted=bool(state and state.deleted) or outcome.delete,
        field_authors=field_authors,
    )
