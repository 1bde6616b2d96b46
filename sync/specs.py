"""What the merge needs to know about an entity: its fields and their merge policies."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

__all__ = ["GRADE_SEVERITY", "EntitySpec"]

# 红橙黄蓝, least to most severe; no grade yet is the least severe of all.
GRADE_SEVERITY: tuple[str | None, ...] = (None, "blue", "yellow", "orange", "red")


@dataclass(frozen=True)
class EntitySpec:
    """Merge policies of one entity.

    - ``set_fields`` travel as ``{"add": [...], "remove": [...]}`` and never conflict.
    - ``severity_fields`` map a field to its values ordered least to most severe; a
      conflict keeps the more severe value, so a merge never lowers a grade.
    - ``follows`` maps a field to the field it explains (``grade_reason`` to ``grade``): when
      a mutation carries both, the follower is kept or discarded together with its leader,
      so a kept grade never stands beside the reason for the one that lost.
    - every other field: the later HLC wins a conflict.
    - ``append_only`` records cannot be edited or deleted once created, except the fields
      the caller passes to ``merge(..., allow_fields=...)``.
    """

    name: str
    fields: frozenset[str]
    set_fields: frozenset[str] = frozenset()
    severity_fields: Mapping[str, Sequence[str | None]] = field(default_factory=dict, hash=False)
    follows: Mapping[str, str] = field(default_factory=dict, hash=False)
    append_only: bool = False

    def __post_init__(self) -> None:
        # Accept any iterable of names, but store frozensets so a spec is immutable.
        object.__setattr__(self, "fields", frozenset(self.fields))
        object.__setattr__(self, "set_fields", frozenset(self.set_fields))
        severity = {name: tuple(order) for name, order in self.severity_fields.items()}
        object.__setattr__(self, "severity_fields", MappingProxyType(severity))
        object.__setattr__(self, "follows", MappingProxyType(dict(self.follows)))

        if not self.name:
            raise ValueError("EntitySpec needs a name.")
        named = self.set_fields | severity.keys() | self.follows.keys() | set(self.follows.values())
        unknown = named - self.fields
        if unknown:
            raise ValueError(f"{self.name}: policy for unknown fields {sorted(unknown)}.")
        both = self.set_fields & severity.keys()
        if both:
            raise ValueError(f"{self.name}: {sorted(both)} cannot be both set and severity.")
        for name, order in severity.items():
            if len(set(order)) != len(order):
                raise ValueError(f"{self.name}.{name}: severity values must be distinct.")
        for follower, leader in self.follows.items():
            # A set never conflicts, so it has no side to take; a chain would make the order matter.
            if {follower, leader} & self.set_fields or follower in severity:
                raise ValueError(f"{self.name}.{follower}: only a plain field follows, and not a set.")
            if leader == follower or leader in self.follows:
                raise ValueError(f"{self.name}.{follower}: follows {leader!r}, which itself follows.")

    def severity(self, field_name: str, value: Any) -> int:
        """Rank of ``value`` in its severity order (0 = least severe)."""
        return self.severity_fields[field_name].index(value)
