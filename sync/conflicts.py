"""Conflict records (冲突记录): every value a merge discards, kept for a supervisor to review."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

__all__ = ["CONFLICT_KINDS", "Conflict", "ConflictKind"]

ConflictKind = Literal["field", "stale_delete", "edit_deleted"]
CONFLICT_KINDS: tuple[ConflictKind, ...] = ("field", "stale_delete", "edit_deleted")


@dataclass
class Conflict:
    """One discarded value.

    ``kind``:
    - ``field``: both sides changed ``field``; policy kept one value and discarded the other
      (which may be the incoming value or the server's).
    - ``stale_delete``: a delete whose base was stale was not applied (``field`` is None,
      ``discarded_value`` describes the delete).
    - ``edit_deleted``: an edit of a deleted record was not applied, one record per field.

    ``discarded_hlc`` is None only for a server value changed without a recorded HLC.
    ``mid`` is the mutation whose arrival produced the conflict.
    """

    entity: str
    record_id: str
    field: str | None
    kind: ConflictKind
    kept_value: Any
    discarded_value: Any
    discarded_hlc: str | None
    discarded_author: str | None = None
    discarded_client_id: str | None = None
    kept_hlc: str | None = None
    mid: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in CONFLICT_KINDS:
            raise ValueError(f"Unknown conflict kind {self.kind!r}.")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Conflict:
        return cls(**data)
