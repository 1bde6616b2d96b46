"""Visits: logging one moves the minor's schedule; review belongs to supervisors."""

from __future__ import annotations

import sqlalchemy as sa

from server.audit.service import audit
from server.core.changes import record_change
from server.core.clock import server_hlc
from server.core.db import id_taken, new_uuid, utcnow
from server.core.errors import FieldErrors, NotFound, NotPermitted
from server.core.events import minors_moved
from server.core.extensions import db
from server.core.localtime import local_date
from server.core.roles import SUPERVISOR_ROLES
from server.core.scope import Scope
from server.registry.models import Minor
from server.registry.service import derive
from server.visits.models import REVIEW_FIELDS, Visit
from server.visits.review import record_review


@minors_moved.connect
def follow_minors(_sender, minor_ids: list[str], area_path: str) -> None:
    """A visit lives where its child lives."""
    if minor_ids:
        stmt = sa.select(Visit).where(Visit.minor_id.in_(minor_ids), Visit.area_path != area_path)
        for visit in db.session.scalars(stmt):
            visit.area_path = area_path


def visit_query(scope: Scope, minor_id: str | None = None, review_status: str | None = None) -> sa.Select:
    stmt = sa.select(Visit).where(scope.filter(Visit.area_path), Visit.deleted_at.is_(None))
    if minor_id:
        stmt = stmt.where(Visit.minor_id == minor_id)
    if review_status:
        stmt = stmt.where(Visit.review_status == review_status)
    return stmt.order_by(Visit.visited_at.desc(), Visit.id)


def get_visit(scope: Scope, visit_id: str) -> Visit:
    visit = db.session.get(Visit, visit_id)
    if visit is None or visit.deleted or not scope.covers(visit.area_path):
        raise NotFound()
    return visit


def note_visit(minor: Minor) -> None:
    """Recompute the minor's last visit and next due date from its visits."""
    last = db.session.scalar(
        sa.select(sa.func.max(Visit.visited_at)).where(Visit.minor_id == minor.id, Visit.deleted_at.is_(None))
    )
    minor.last_visit_at = local_date(last) if last else None
    derive(minor)


def create_visit(scope: Scope, data: dict, hlc: str | None = None) -> Visit:
    minor = db.session.get(Minor, data["minor_id"])
    if minor is None or minor.deleted or not scope.covers(minor.area_path):
        raise FieldErrors({"minor_id": ["您的辖区内没有该未成年人 / No such minor in your area."]})
    if "id" in data and id_taken(db.session, Visit, data["id"]):
        raise FieldErrors({"id": ["该编号已存在 / A record with this id exists."]})
    visit = Visit(id=data.get("id") or new_uuid(), visitor_id=scope.user.id, area_path=minor.area_path)
    changes = {k: v for k, v in data.items() if k != "id"}
    changes["review_status"] = "submitted"
    record_change(visit, changes, hlc or server_hlc(), created=True, author=scope.user.id)
    db.session.add(visit)
    # A new visit can only move the last visit later: no need to ask the database.
    visit_day = local_date(visit.visited_at)
    if minor.last_visit_at is None or visit_day > minor.last_visit_at:
        minor.last_visit_at = visit_day
        derive(minor)
    audit("create", "visit", visit.id, fields=changes, user_id=scope.user.id)
    return visit


def permitted_visit_changes(scope: Scope, visit: Visit, changes: dict) -> dict[str, list[str]]:
    """Who may change what: review fields are the supervisors', content the author's."""
    errors: dict[str, list[str]] = {}
    review = set(changes) & set(REVIEW_FIELDS)
    content = set(changes) - set(REVIEW_FIELDS)
    if review and scope.role not in SUPERVISOR_ROLES:
        for field in review:
            errors[field] = ["只有审核人可以审核 / Only a supervisor reviews visits."]
    if content:
        if visit.visitor_id != scope.user.id:
            for field in content:
                errors[field] = ["只有走访人可以修改走访内容 / Only the visitor edits a visit."]
        elif visit.review_status != "returned":
            for field in content:
                errors[field] = ["走访被退回后才能修改 / A visit is edited only after it is returned."]
    return errors


def update_visit(scope: Scope, visit: Visit, changes: dict, hlc: str | None = None) -> Visit:
    errors = permitted_visit_changes(scope, visit, changes)
    if errors:
        raise NotPermitted(errors)
    changes = {k: v for k, v in changes.items() if getattr(visit, k) != v}
    status_before = visit.review_status
    content_changed = bool(set(changes) - set(REVIEW_FIELDS))
    if content_changed:
        changes["review_status"] = "submitted"  # amended: back to the review queue
    if "review_status" in changes and not content_changed:
        visit.reviewed_by = scope.user.id
        visit.reviewed_at = utcnow()
    record_change(visit, changes, hlc or server_hlc(), author=scope.user.id)
    if set(changes) & set(REVIEW_FIELDS):
        record_review(scope, visit, status_before, content_changed, "sync" if hlc else "api")
    if "visited_at" in changes:
        note_visit(db.session.get(Minor, visit.minor_id))
    audit(
        "review" if not content_changed else "update",
        "visit",
        visit.id,
        fields=changes,
        user_id=scope.user.id,
    )
    return visit
