"""Assistance measures (帮扶措施) of a minor, and red children left without one."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from server.accounts.models import User
from server.audit.service import audit
from server.core.changes import record_change
from server.core.clock import server_hlc
from server.core.db import id_taken, utcnow
from server.core.errors import FieldErrors, NotFound
from server.core.events import minors_moved
from server.core.extensions import db
from server.core.localtime import local_date
from server.core.roles import REGISTRY_ROLES
from server.core.scope import Scope
from server.measures.models import NEXT_STATUSES, STEP_TIMESTAMPS, Measure
from server.registry.models import GradeChange, Minor
from server.registry.rules import age_on

# 红色等级: intervention measures within this time of a child becoming red (DESIGN §4).
MEASURE_WINDOW = timedelta(hours=24)
FLAG_SCAN_LIMIT = 2000


@minors_moved.connect
def follow_minors(_sender, minor_ids: list[str], area_path: str) -> None:
    """A measure lives where its child lives."""
    if minor_ids:
        stmt = sa.select(Measure).where(Measure.minor_id.in_(minor_ids), Measure.area_path != area_path)
        for measure in db.session.scalars(stmt):
            measure.area_path = area_path


def measures_of(minor: Minor) -> list[Measure]:
    stmt = sa.select(Measure).where(Measure.minor_id == minor.id).order_by(Measure.created_at, Measure.id)
    return list(db.session.scalars(stmt))


def get_measure(minor: Minor, measure_id: str) -> Measure:
    measure = db.session.get(Measure, measure_id)
    if measure is None or measure.minor_id != minor.id:
        raise NotFound()
    return measure


def _check_responsible(minor: Minor, user_id: int | None) -> None:
    if user_id is None:
        return
    user = db.session.get(User, user_id)
    if (
        user is None
        or not user.active
        or user.role not in REGISTRY_ROLES
        or not Scope.of(user).covers(minor.area_path)
    ):
        raise FieldErrors(
            {
                "responsible_user_id": [
                    "该用户不负责此未成年人所在区域 / This user does not work in the minor's area."
                ]
            }
        )


def create_measure(scope: Scope, minor: Minor, data: dict, hlc: str | None = None) -> Measure:
    """Plan a measure; ``data["id"]`` when a phone made it (the sync push)."""
    data = dict(data)
    record_id = data.pop("id", None)
    if not data.get("responsible_user_id") and not data.get("responsible_unit"):
        raise FieldErrors(
            {"responsible_user_id": ["请指定负责人或负责单位 / Name who is responsible: a user or a unit."]}
        )
    _check_responsible(minor, data.get("responsible_user_id"))
    if record_id and id_taken(db.session, Measure, record_id):
        raise FieldErrors({"id": ["该编号已存在 / A record with this id exists."]})
    measure = Measure(id=record_id, minor_id=minor.id, created_by=scope.user.id, area_path=minor.area_path)
    record_change(
        measure,
        {**data, "minor_id": minor.id, "status": "planned"},
        hlc or server_hlc(),
        created=True,
        author=scope.user.id,
    )
    db.session.add(measure)
    db.session.flush()
    audit("create", "measure", measure.id, fields=data, user_id=scope.user.id, extra={"minor_id": minor.id})
    return measure


def update_measure(
    scope: Scope, minor: Minor, measure: Measure, changes: dict, hlc: str | None = None
) -> Measure:
    changes = {k: v for k, v in changes.items() if getattr(measure, k) != v}
    if measure.status in ("done", "cancelled") and set(changes) - {"notes"}:
        raise FieldErrors(
            {"status": ["已完成或已取消的措施只能补充备注 / A finished measure takes notes only."]}
        )
    if "responsible_user_id" in changes:
        _check_responsible(minor, changes["responsible_user_id"])
    if not changes.get("responsible_user_id", measure.responsible_user_id) and not changes.get(
        "responsible_unit", measure.responsible_unit
    ):
        raise FieldErrors(
            {"responsible_user_id": ["请指定负责人或负责单位 / Name who is responsible: a user or a unit."]}
        )
    status = changes.get("status")
    if status and status not in NEXT_STATUSES[measure.status]:
        raise FieldErrors(
            {
                "status": [
                    f"措施不能从 {measure.status} 改为 {status} / "
                    f"A {measure.status} measure cannot become {status}."
                ]
            }
        )
    stamps = {STEP_TIMESTAMPS[status]: utcnow()} if status else {}
    record_change(measure, {**changes, **stamps}, hlc or server_hlc(), author=scope.user.id)
    audit(
        "update", "measure", measure.id, fields=changes, user_id=scope.user.id, extra={"minor_id": minor.id}
    )
    return measure


def red_since(minor: Minor, changes: list[GradeChange]) -> datetime:
    """When the child became red: the confirmation that raised it to red, or else its registration
    (a suggestion's history is not kept, so a suggested red counts from the start)."""
    raised = [c for c in changes if c.to_grade == "red" and c.from_grade not in (None, "red")]
    if minor.grade == "red" and raised:
        return raised[-1].changed_at
    return minor.created_at


def flags(scope: Scope, now: datetime, include_upcoming: bool = False) -> list[dict]:
    """Red children (confirmed, or suggested until confirmed) with no measure 24 hours after turning red."""
    grade = sa.func.coalesce(Minor.grade, Minor.grade_suggested)
    ongoing = sa.exists().where(Measure.minor_id == Minor.id, Measure.status.in_(("planned", "in_progress")))
    minors = db.session.scalars(
        sa.select(Minor)
        .where(scope.filter(Minor.area_path), Minor.deleted_at.is_(None), Minor.archived_at.is_(None))
        .where(grade == "red", ~ongoing)
        .order_by(Minor.id)
        .limit(FLAG_SCAN_LIMIT)
    ).all()
    ids = [m.id for m in minors]
    history: dict[str, list[GradeChange]] = {}
    done: dict[str, list[datetime]] = {}
    if ids:
        for change in db.session.scalars(
            sa.select(GradeChange)
            .where(GradeChange.minor_id.in_(ids))
            .order_by(GradeChange.changed_at, GradeChange.id)
        ):
            history.setdefault(change.minor_id, []).append(change)
        for minor_id, created in db.session.execute(
            sa.select(Measure.minor_id, Measure.created_at).where(
                Measure.minor_id.in_(ids), Measure.status == "done"
            )
        ):
            done.setdefault(minor_id, []).append(created)
    items = []
    for minor in minors:
        since = red_since(minor, history.get(minor.id, []))
        if any(created >= since for created in done.get(minor.id, [])):
            continue
        due = since + MEASURE_WINDOW
        if now > due or include_upcoming:
            items.append(_flag(minor, since, due, now))
    return sorted(items, key=lambda item: item["measure_due"])


def _flag(minor: Minor, since: datetime, due: datetime, now: datetime) -> dict:
    return {
        "minor_id": minor.id,
        "name": minor.name,
        "gender": minor.gender,
        "age": age_on(minor.birth_date, local_date(now)),
        "grade": minor.grade,
        "grade_suggested": minor.grade_suggested,
        "assigned_worker_id": minor.assigned_worker_id,
        "red_since": since,
        "measure_due": due,
        "overdue": now > due,
        "hours_without_measure": int((now - since).total_seconds() // 3600),
    }
