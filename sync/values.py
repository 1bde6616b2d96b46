"""JSON values as the merge compares them, and set operations on them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["apply_set_op", "same_value", "set_op_problem"]

_SET_KEYS = frozenset({"add", "remove"})
_SET_SHAPE = 'Send a set field as {"add": [...], "remove": [...]}.'


def apply_set_op(current: Any, op: Mapping[str, Any]) -> list[Any]:
    """Apply removes, then adds, to the current set; the result is a sorted list."""
    items = set(current or ())
    items.difference_update(op.get("remove", ()))
    items.update(op.get("add", ()))
    return sorted(items, key=_sort_key)


def _sort_key(item: Any) -> tuple[str, Any]:
    # Mixed types cannot be compared directly; group them by type name first.
    return type(item).__name__, item


def set_op_problem(value: Any) -> str | None:
    """Why ``value`` is not a valid set operation, or None when it is."""
    if not isinstance(value, Mapping):
        return _SET_SHAPE
    extra = set(value) - _SET_KEYS
    if extra:
        return f"{_SET_SHAPE} Unexpected keys: {', '.join(sorted(map(str, extra)))}."
    for key in ("add", "remove"):
        items = value.get(key, [])
        if not isinstance(items, list | tuple):
            return f"'{key}' must be a list."
        if not all(isinstance(item, str | int | float) for item in items):
            return f"'{key}' may only hold strings and numbers."
    return None


def same_value(a: Any, b: Any) -> bool:
    """JSON equality: True is not 1, but 1 is 1.0."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        return a.keys() == b.keys() and all(same_value(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(same_value(x, y) for x, y in zip(a, b, strict=True))
    if a is None or b is None:
        return a is b
    return a == b
