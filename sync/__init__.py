"""Humiao's framework-free sync engine: HLC, field-level merge, conflict records, cursors.

It knows nothing of Flask or the database; ``server/sync_api`` adapts it (DESIGN §5).
"""

from sync.conflicts import CONFLICT_KINDS, Conflict, ConflictKind
from sync.cursor import Cursor, InvalidCursor, decode_cursor, encode_cursor
from sync.hlc import HLC, Clock, InvalidHLC, clamp
from sync.merge import apply_set_op, merge
from sync.records import (
    OPS,
    MergeError,
    MergeOutcome,
    MergeStatus,
    Mutation,
    RecordState,
    apply_outcome,
)
from sync.specs import GRADE_SEVERITY, EntitySpec

__all__ = [
    "CONFLICT_KINDS",
    "GRADE_SEVERITY",
    "HLC",
    "OPS",
    "Clock",
    "Conflict",
    "ConflictKind",
    "Cursor",
    "EntitySpec",
    "InvalidCursor",
    "InvalidHLC",
    "MergeError",
    "MergeOutcome",
    "MergeStatus",
    "Mutation",
    "RecordState",
    "apply_outcome",
    "apply_set_op",
    "clamp",
    "decode_cursor",
    "encode_cursor",
    "merge",
]
