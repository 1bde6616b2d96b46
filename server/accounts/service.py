"""Accounts: password hashing, log-in, tokens and user management, without request globals."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from server.accounts import sessions
from server.accounts.models import SENTINEL_KINDS, UNITS, User, user_area
from server.areas.models import Area
from server.core.errors import FieldErrors, NotFound
from server.core.extensions import db
from server.core.roles import Role
from server.core.scope import Scope

hasher = PasswordHasher()
_dummy_hash: str | None = None


def _timing_guard_hash() -> str:
    """A real hash to verify against when the user is unknown, so timing does not reveal it."""
    global _dummy_hash
    if _dummy_hash is None:
        _dummy_hash = hasher.hash("humiao-timing-guard")
    return _dummy_hash


class AccountError(FieldErrors):
    pass


def hash_password(password: str) -> str:
    return hasher.hash(password)


def authenticate(username: str, password: str) -> User | None:
    user = db.session.scalar(sa.select(User).where(User.username == username.strip()))
    try:
        hasher.verify(user.password_hash if user else _timing_guard_hash(), password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or not user.active:
        return None
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hasher.hash(password)
    return user


def issue_tokens(user: User, device_id: str | None) -> dict:
    # One login on one device is one session: both tokens carry its id, so logout ends both.
    return sessions.start(user, device_id) | {"user": user_to_wire(user)}


def revoke_all(user: User) -> None:
    # One second back so a token issued in this same second is also dead.
    user.tokens_valid_after = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=1)


def user_to_wire(user: User) -> dict:
    return {
        "id": user.id,
        "username": user.username,
        "display_name": user.display_name,
        "role": user.role,
        "unit": user.unit,
        "sentinel_kind": user.sentinel_kind,
        "area_ids": user.area_ids,
        "active": user.active,
    }


def _areas_for(role: str, area_codes_or_ids: list, errors: dict) -> list[Area]:
    areas = []
    for ref in area_codes_or_ids:
        column = Area.id if isinstance(ref, int) else Area.code
        area = db.session.scalar(sa.select(Area).where(column == ref))
        if area is None:
            errors.setdefault("areas", []).append(f"未知区域 / Unknown area: {ref}")
        else:
            areas.append(area)
    if role == Role.grid_worker and any(a.level != "grid" for a in areas):
        errors.setdefault("areas", []).append("网格员只能分配到网格 / A grid worker is assigned grids.")
    if role == Role.village_officer and any(a.level != "village" for a in areas):
        errors.setdefault("areas", []).append(
            "儿童主任只能分配到村/社区 / A village officer is assigned a village."
        )
    if role == Role.county_viewer and any(a.level != "street" for a in areas):
        errors.setdefault("areas", []).append("县级查看账号分配到街道 / A county viewer is assigned streets.")
    if role == Role.street_admin and any(a.level != "street" for a in areas):
        errors.setdefault("areas", []).append(
            "街道管理员只能分配到街道 / A street admin is assigned the street."
        )
    if not areas and "areas" not in errors:
        # Every account belongs somewhere: a liaison reads its unit's referrals there, a sentinel reports there.
        errors["areas"] = ["每个账号都需要指定区域 / Every account needs an area (--area CODE)."]
    return areas


def managed_users(scope: Scope) -> sa.Select:
    """The users a street admin manages: those whose areas all lie inside its scope.

    An account with an area elsewhere (a county viewer over several streets) is managed from the
    command line or from above the street; one with no area at all, only from the command line.
    """
    outside = (
        sa.select(user_area.c.user_id)
        .join(Area, Area.id == user_area.c.area_id)
        .where(user_area.c.user_id == User.id, sa.not_(scope.filter(Area.path)))
        .exists()
    )
    has_area = sa.select(user_area.c.user_id).where(user_area.c.user_id == User.id).exists()
    return sa.select(User).where(has_area, ~outside)


def managed_user(scope: Scope, user_id: int) -> User:
    user = db.session.scalar(managed_users(scope).where(User.id == user_id))
    if user is None:
        raise NotFound()
    return user


def check_areas_within(scope: Scope, refs: list) -> None:
    """Areas a street admin gives must be its own: it never hands out another street."""
    outside = []
    for ref in refs:
        column = Area.id if isinstance(ref, int) else Area.code
        area = db.session.scalar(sa.select(Area).where(column == ref))
        if area is not None and not scope.covers(area.path):
            outside.append(f"不在您的辖区 / Not in your street: {ref}")
    if outside:
        raise AccountError({"areas": outside})


def create_user(
    *,
    username: str,
    password: str,
    role: str,
    areas: list,
    display_name: str | None = None,
    unit: str | None = None,
    sentinel_kind: str | None = None,
    phone: str | None = None,
) -> User:
    errors: dict[str, list[str]] = {}
    if role not in Role.__members__:
        errors["role"] = [f"未知角色 / Unknown role; one of {', '.join(Role)}"]
    if db.session.scalar(sa.select(User.id).where(User.username == username)):
        errors["username"] = ["用户名已存在 / This username is taken."]
    if len(password) < 10:
        errors["password"] = ["密码至少10位 / A password has at least 10 characters."]
    if role == Role.unit_liaison and unit not in UNITS:
        errors["unit"] = [f"联络员需要成员单位 / A liaison needs a unit: one of {', '.join(UNITS)}"]
    if role == Role.sentinel and sentinel_kind not in SENTINEL_KINDS:
        errors["sentinel_kind"] = [f"哨点类型 / One of {', '.join(SENTINEL_KINDS)}"]
    area_rows = _areas_for(role, areas, errors) if role in Role.__members__ else []
    if errors:
        raise AccountError(errors)
    user = User(
        username=username,
        display_name=display_name or username,
        password_hash=hash_password(password),
        role=role,
        unit=unit if role == Role.unit_liaison else None,
        sentinel_kind=sentinel_kind if role == Role.sentinel else None,
        phone=phone,
        areas=area_rows,
    )
    db.session.add(user)
    db.session.flush()
    return user


def update_user(user: User, changes: dict) -> User:
    errors: dict[str, list[str]] = {}
    role = changes.get("role", user.role)
    if "areas" in changes or "role" in changes:
        refs = changes.get("areas", user.area_ids)
        areas = _areas_for(role, refs, errors)
        if not errors:
            user.areas = areas
            user.role = role
    if "password" in changes:
        if len(changes["password"]) < 10:
            errors["password"] = ["密码至少10位 / A password has at least 10 characters."]
        else:
            user.password_hash = hash_password(changes["password"])
            revoke_all(user)
    if errors:
        raise AccountError(errors)
    for key in ("display_name", "phone", "unit", "sentinel_kind"):
        if key in changes:
            setattr(user, key, changes[key])
    if "active" in changes:
        user.active = changes["active"]
        if not user.active:
            revoke_all(user)
    return user
