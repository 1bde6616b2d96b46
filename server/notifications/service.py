"""Notifications: who is told what, the inbox of one user, and marking notices read."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa

from server.accounts.models import User, user_area
from server.areas.models import Area
from server.core.db import utcnow
from server.core.errors import NotFound
from server.core.events import minors_moved, reports_moved
from server.core.extensions import db
from server.core.roles import Role
from server.core.scope import Scope
from server.notifications.models import Notification


@dataclass(frozen=True)
class Subject:
    """What a notice is about: a child and/or a report, and where it lives now (None: nothing in a place)."""

    area_path: str | None = None
    minor_id: str | None = None
    report_id: str | None = None


def path_and_ancestors(path: str) -> list[str]:
    """ "/S1/V1/G1/" -> ["/S1/", "/S1/V1/", "/S1/V1/G1/"]: the areas whose users cover ``path``."""
    codes = [c for c in (path or "").split("/") if c]
    return ["/" + "/".join(codes[:i]) + "/" for i in range(1, len(codes) + 1)]


def _covering(path: str, roles: Iterable[str]) -> sa.Select:
    return (
        sa.select(User.id)
        .join(user_area, user_area.c.user_id == User.id)
        .join(Area, Area.id == user_area.c.area_id)
        .where(User.active.is_(True), User.role.in_(list(roles)), Area.path.in_(path_and_ancestors(path)))
        .distinct()
        .order_by(User.id)
    )


def users_covering(path: str, roles: Iterable[str]) -> list[int]:
    """Active users of these roles whose area is ``path`` or one above it."""
    return list(db.session.scalars(_covering(path, roles)))


def supervisors_of(path: str) -> list[int]:
    """The village officer(s) of the place and the street admins: who must hear of an urgent case."""
    return users_covering(path, (Role.village_officer, Role.street_admin))


def liaisons_of(unit: str, path: str) -> list[int]:
    """The unit's liaisons whose areas cover ``path``: another street's police station hears nothing."""
    return list(db.session.scalars(_covering(path, (Role.unit_liaison,)).where(User.unit == unit)))


def notify(
    user_ids: Iterable[int | None],
    kind: str,
    title: str,
    body: str | None = None,
    link: str | None = None,
    *,
    about: Subject | None = None,
    dedupe_key: str | None = None,
) -> list[Notification]:
    """One notice per user (duplicates and None dropped); the caller's transaction commits them.

    ``about`` names the child or report the notice is about and where it lives: the notice is
    read only while the reader's scope covers that place, which follows every move.
    """
    about = about or Subject()
    made = []
    for user_id in dict.fromkeys(u for u in user_ids if u is not None):
        key = f"{dedupe_key}:{user_id}" if dedupe_key else None
        notice = Notification(
            user_id=user_id,
            kind=kind,
            title=title[:200],
            body=body,
            link=link,
            dedupe_key=key,
            minor_id=about.minor_id,
            report_id=about.report_id,
            area_path=about.area_path,
        )
        db.session.add(notice)
        made.append(notice)
    return made


@minors_moved.connect
def follow_minors(_sender, minor_ids: list[str], area_path: str) -> None:
    if minor_ids:
        db.session.execute(
            sa.update(Notification)
            .where(Notification.minor_id.in_(minor_ids), Notification.area_path.is_distinct_from(area_path))
            .values(area_path=area_path)
            .execution_options(synchronize_session=False)
        )


@reports_moved.connect
def follow_reports(_sender, report_ids: list[str], area_path: str) -> None:
    if report_ids:
        db.session.execute(
            sa.update(Notification)
            .where(Notification.report_id.in_(report_ids), Notification.area_path.is_distinct_from(area_path))
            .values(area_path=area_path)
            .execution_options(synchronize_session=False)
        )


def _mine(user: User) -> sa.ColumnElement[bool]:
    """My notices, but those about a record that has left my scope."""
    return sa.and_(
        Notification.user_id == user.id,
        sa.or_(Notification.area_path.is_(None), Scope.of(user).filter(Notification.area_path)),
    )


def inbox_query(user: User, unread_only: bool = False) -> sa.Select:
    stmt = sa.select(Notification).where(_mine(user))
    if unread_only:
        stmt = stmt.where(Notification.read_at.is_(None))
    return stmt.order_by(Notification.id.desc())


def unread_count(user: User) -> int:
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Notification)
        .where(_mine(user), Notification.read_at.is_(None))
    )


def mark_read(user: User, notification_id: int) -> Notification:
    notice = db.session.scalar(sa.select(Notification).where(Notification.id == notification_id, _mine(user)))
    if notice is None:
        raise NotFound()
    if notice.read_at is None:
        notice.read_at = utcnow()
    return notice


def mark_all_read(user: User) -> int:
    result = db.session.execute(
        sa.update(Notification)
        .where(_mine(user), Notification.read_at.is_(None))
        .values(read_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount
