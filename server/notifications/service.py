"""Notifications: who is told what, the inbox of one user, and marking notices read."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa

from server.accounts.models import User, user_area
from server.areas.models import Area
from server.core.db import utcnow
from server.core.errors import NotFound
from server.core.extensions import db
from server.core.roles import Role
from server.notifications.models import Notification


def path_and_ancestors(path: str) -> list[str]:
    """ "/S1/V1/G1/" -> ["/S1/", "/S1/V1/", "/S1/V1/G1/"]: the areas whose users cover ``path``."""
    codes = [c for c in (path or "").split("/") if c]
    return ["/" + "/".join(codes[:i]) + "/" for i in range(1, len(codes) + 1)]


def users_covering(path: str, roles: Iterable[str]) -> list[int]:
    """Active users of these roles whose area is ``path`` or one above it."""
    stmt = (
        sa.select(User.id)
        .join(user_area, user_area.c.user_id == User.id)
        .join(Area, Area.id == user_area.c.area_id)
        .where(User.active.is_(True), User.role.in_(list(roles)), Area.path.in_(path_and_ancestors(path)))
        .distinct()
        .order_by(User.id)
    )
    return list(db.session.scalars(stmt))


def supervisors_of(path: str) -> list[int]:
    """The village officer(s) of the place and the street admins: who must hear of an urgent case."""
    return users_covering(path, (Role.village_officer, Role.street_admin))


def liaisons_of(unit: str) -> list[int]:
    stmt = sa.select(User.id).where(User.active.is_(True), User.role == Role.unit_liaison, User.unit == unit)
    return list(db.session.scalars(stmt.order_by(User.id)))


def notify(
    user_ids: Iterable[int | None],
    kind: str,
    title: str,
    body: str | None = None,
    link: str | None = None,
    *,
    dedupe_key: str | None = None,
) -> list[Notification]:
    """One notice per user (duplicates and None dropped); the caller's transaction commits them."""
    made = []
    for user_id in dict.fromkeys(u for u in user_ids if u is not None):
        key = f"{dedupe_key}:{user_id}" if dedupe_key else None
        notice = Notification(
            user_id=user_id, kind=kind, title=title[:200], body=body, link=link, dedupe_key=key
        )
        db.session.add(notice)
        made.append(notice)
    return made


def inbox_query(user: User, unread_only: bool = False) -> sa.Select:
    stmt = sa.select(Notification).where(Notification.user_id == user.id)
    if unread_only:
        stmt = stmt.where(Notification.read_at.is_(None))
    return stmt.order_by(Notification.id.desc())


def unread_count(user: User) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    )


def mark_read(user: User, notification_id: int) -> Notification:
    notice = db.session.get(Notification, notification_id)
    if notice is None or notice.user_id != user.id:
        raise NotFound()
    if notice.read_at is None:
        notice.read_at = utcnow()
    return notice


def mark_all_read(user: User) -> int:
    result = db.session.execute(
        sa.update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    return result.rowcount
