"""Scope (辖区): which areas a user's reads, writes and syncs reach. Enforced server-side."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import wraps
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_jwt_extended import get_current_user, get_jwt, verify_jwt_in_request

from server.core.errors import Forbidden

if TYPE_CHECKING:
    from server.accounts.models import User


@dataclass(frozen=True)
class Scope:
    """Where a user's work lies: the areas it is bound to, every role alike.

    What a role may do there is each domain's rule (a liaison reads referrals to its unit within
    its areas, a sentinel files reports into them); the areas only ever narrow it.
    """

    user: User
    paths: tuple[str, ...]

    @classmethod
    def of(cls, user: User) -> Scope:
        return cls(user=user, paths=tuple(user.area_paths))

    @property
    def role(self) -> str:
        return self.user.role

    def covers(self, path: str | None) -> bool:
        return bool(path) and any(path.startswith(p) for p in self.paths)

    def covers_all(self, paths: Iterable[str]) -> bool:
        """Every one of ``paths`` is inside the scope, and there is at least one."""
        paths = list(paths)
        return bool(paths) and all(self.covers(p) for p in paths)

    def filter(self, column: sa.ColumnElement) -> sa.ColumnElement[bool]:
        if not self.paths:
            return sa.false()
        return sa.or_(*(path_prefix(column, p) for p in self.paths))

    @property
    def key(self) -> str:
        """Changes whenever what this user may see changes: the device must then rebuild."""
        text = "|".join([str(self.user.id), self.user.role, *self.paths])
        return hashlib.sha256(text.encode()).hexdigest()[:16]


def path_prefix(column: sa.ColumnElement, path: str) -> sa.ColumnElement[bool]:
    """``column`` starts with ``path``. The pattern is written into the SQL, not bound: PostgreSQL
    turns a known prefix into a range of the scope feed index, which it cannot do for a parameter
    in the generic plan it switches to after a statement's fifth run."""
    pattern = path.replace("/", "//").replace("%", "/%").replace("_", "/_") + "%"
    return column.like(sa.literal(pattern, literal_execute=True), escape="/")


def current_scope() -> Scope:
    return Scope.of(get_current_user())


def device_id() -> str | None:
    try:
        return get_jwt().get("device")
    except RuntimeError:
        return None


def roles_required(roles: Iterable[str]):
    """Authenticate, then answer 403 to any role not named."""
    allowed = frozenset(roles)

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            verify_jwt_in_request()
            if get_current_user().role not in allowed:
                raise Forbidden()
            return view(*args, **kwargs)

        return wrapper

    return decorator
