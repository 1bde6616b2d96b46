"""Daily: tell the worker and the village officer of every red or orange minor whose visit is overdue."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from server.core.extensions import db
from server.core.roles import Role
from server.notifications import labels
from server.notifications.models import Notification
from server.notifications.service import Subject, notify, users_covering
from server.registry.models import Minor

PRESSING = ("red", "orange")


def _recipients(minor: Minor, cache: dict) -> list[int]:
    """The assigned worker (or, when none, the grid's workers) and the village officer(s)."""

    def covering(role: str) -> list[int]:
        key = (minor.area_path, role)
        if key not in cache:
            cache[key] = users_covering(minor.area_path, [role])
        return cache[key]

    workers = [minor.assigned_worker_id] if minor.assigned_worker_id else covering(Role.grid_worker)
    return list(dict.fromkeys([*workers, *covering(Role.village_officer)]))


def notify_overdue(today: date, path_prefix: str = "/", batch: int = 500) -> int:
    """Notices for overdue red and orange visits; once per user, minor and due date. Returns how many."""
    grade = sa.func.coalesce(Minor.grade, Minor.grade_suggested)
    made, last_id, cache = 0, "", {}
    while True:
        minors = db.session.scalars(
            sa.select(Minor)
            .where(Minor.area_path.startswith(path_prefix, autoescape=True), grade.in_(PRESSING))
            .where(Minor.deleted_at.is_(None), Minor.archived_at.is_(None))
            .where(Minor.next_visit_due < today, Minor.id > last_id)
            .order_by(Minor.id)
            .limit(batch)
        ).all()
        if not minors:
            return made
        keys = {m.id: f"visit_overdue:{m.id}:{m.next_visit_due.isoformat()}" for m in minors}
        recipients = {m.id: _recipients(m, cache) for m in minors}
        candidates = [f"{keys[m]}:{u}" for m, users in recipients.items() for u in users]
        sent = set(
            db.session.scalars(
                sa.select(Notification.dedupe_key).where(Notification.dedupe_key.in_(candidates))
            )
        )
        for minor in minors:
            users = [u for u in recipients[minor.id] if f"{keys[minor.id]}:{u}" not in sent]
            made += len(_notice(minor, users, today, keys[minor.id]))
        db.session.flush()
        last_id = minors[-1].id


def _notice(minor: Minor, users: list[int], today: date, key: str) -> list:
    if not users:
        return []
    grade = minor.grade or minor.grade_suggested
    days = (today - minor.next_visit_due).days
    return notify(
        users,
        "visit_overdue",
        f"走访逾期：{minor.name}（{labels.zh(labels.GRADES, grade)}）/ Visit overdue ({labels.en(labels.GRADES, grade)})",
        f"应于 {minor.next_visit_due.isoformat()} 走访，已逾期 {days} 天 / "
        f"Due {minor.next_visit_due.isoformat()}, {days} days overdue.",
        f"#/minors/{minor.id}",
        about=Subject(minor.area_path, minor_id=minor.id),
        dedupe_key=key,
    )
