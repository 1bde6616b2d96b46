"""Registry logic: households and minors in a scope, with derived categories and grades."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import current_app

from server.areas.models import Area
from server.audit.service import audit
from server.core.changes import record_change, record_delete
from server.core.clock import server_hlc
from server.core.db import id_taken, new_uuid, utcnow
from server.core.errors import Conflict, FieldErrors, NotFound, NotPermitted
from server.core.extensions import db
from server.core.localtime import local_today
from server.core.scope import Scope
from server.core.search import contains, search
from server.registry import idnumber
from server.registry.models import GRADES, Household, Minor, awaiting_grade_decision
from server.registry.places import move_household, place_minors
from server.registry.schemas import minor_consistency


def cipher() -> idnumber.FieldCipher:
    return current_app.extensions["humiao.cipher"]


def grid_in_scope(scope: Scope, grid_id: int) -> Area:
    grid = db.session.get(Area, grid_id)
    if grid is None or grid.level != "grid" or not scope.covers(grid.path):
        raise FieldErrors({"grid_id": ["您的辖区内没有该网格 / No such grid in your area."]})
    return grid


def id_tail_match(word: str) -> sa.ColumnElement[bool] | None:
    """A query word shaped like an ID number's last four characters finds the child by them."""
    if not idnumber.TAIL_SHAPE.match(word):
        return None
    return Minor.id_tail_hash == cipher().tail_hash(word)


def minor_match(word: str) -> sa.ColumnElement[bool] | None:
    """A word that is (part of) a child's name, in characters or pinyin, or her ID tail."""
    matches = [contains(Minor.name, word), contains(Minor.name_pinyin, word)]
    tail = id_tail_match(word)
    if tail is not None:
        matches.append(tail)
    return sa.or_(*matches)


def household_query(scope: Scope, q: str | None = None, grid_id: int | None = None) -> sa.Select:
    """Households of my area; ?q= finds them by address, the head's name (or its pinyin), and the
    children living there (name, pinyin, ID tail), as the phone's own search does."""
    stmt = sa.select(Household).where(scope.filter(Household.area_path), Household.deleted_at.is_(None))
    if grid_id is not None:
        stmt = stmt.where(Household.grid_id == grid_id)

    def member(word: str) -> sa.ColumnElement[bool]:
        return (
            sa.select(Minor.id)
            .where(Minor.household_id == Household.id, Minor.deleted_at.is_(None), minor_match(word))
            .exists()
        )

    stmt = search(stmt, q, Household.address, Household.head_name, Household.head_pinyin, also=member)
    return stmt.order_by(Household.address, Household.id)


def get_household(scope: Scope, household_id: str) -> Household:
    household = db.session.get(Household, household_id)
    if household is None or household.deleted or not scope.covers(household.area_path):
        raise NotFound()
    return household


def create_household(scope: Scope, data: dict, hlc: str | None = None) -> Household:
    grid = grid_in_scope(scope, data["grid_id"])
    if "id" in data and id_taken(db.session, Household, data["id"]):
        raise FieldErrors({"id": ["该编号已存在 / A record with this id exists."]})
    # The id known now, the audit row needs no flush: a batch of creates is written in one.
    household = Household(id=data.get("id") or new_uuid(), area_path=grid.path, surveyed_by=scope.user.id)
    changes = {k: v for k, v in data.items() if k != "id"}
    changes.setdefault("surveyed_at", utcnow())
    record_change(household, changes, hlc or server_hlc(), created=True, author=scope.user.id)
    db.session.add(household)
    audit("create", "household", household.id, fields=changes, user_id=scope.user.id)
    return household


def update_household(scope: Scope, household: Household, changes: dict, hlc: str | None = None) -> Household:
    changes = {k: v for k, v in changes.items() if getattr(household, k) != v}
    if "grid_id" in changes:
        move_household(household, grid_in_scope(scope, changes["grid_id"]), scope.user.id)
    record_change(household, changes, hlc or server_hlc(), author=scope.user.id)
    audit("update", "household", household.id, fields=changes, user_id=scope.user.id)
    return household


def delete_household(scope: Scope, household: Household) -> None:
    members = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Minor)
        .where(Minor.household_id == household.id, Minor.deleted_at.is_(None))
    )
    if members:
        raise Conflict("该户仍有登记的未成年人，请先移除 / Remove or move its minors first.")
    record_delete(household, scope.user.id)
    audit("delete", "household", household.id, user_id=scope.user.id)


def minor_query(scope: Scope, q: str | None = None, **filters) -> sa.Select:
    stmt = sa.select(Minor).where(scope.filter(Minor.area_path), Minor.deleted_at.is_(None))
    if not filters.get("include_archived"):
        stmt = stmt.where(Minor.archived_at.is_(None))
    if filters.get("household_id"):
        stmt = stmt.where(Minor.household_id == filters["household_id"])
    if filters.get("grade"):
        stmt = stmt.where(Minor.grade == filters["grade"])
    if filters.get("category"):
        # JSON arrays are searched as text: portable across SQLite and PostgreSQL.
        stmt = stmt.where(sa.cast(Minor.categories, sa.Text).contains(f'"{filters["category"]}"'))
    if q:
        stmt = stmt.join(Household, Minor.household_id == Household.id)
        # The mask keeps the last two characters; the last four are found by their keyed hash.
        stmt = search(
            stmt,
            q,
            Minor.name,
            Minor.name_pinyin,
            Household.address,
            Minor.school,
            Minor.id_number_masked,
            also=id_tail_match,
        )
    return stmt.order_by(Minor.name, Minor.id)


def fill_id_tails(batch: int = 500) -> int:
    """Give the ID tail's hash to children whose number was stored before it existed (the
    migration has no field key): run by ``humiao refresh``; returns how many were filled."""
    c, filled = cipher(), 0
    while True:
        rows = db.session.execute(
            sa.select(Minor.id, Minor.id_number_enc)
            .where(Minor.id_number_enc.is_not(None), Minor.id_tail_hash.is_(None))
            .limit(batch)
        ).all()
        if not rows:
            return filled
        db.session.execute(
            sa.update(Minor),
            [{"id": minor_id, "id_tail_hash": c.tail_hash(c.decrypt(token))} for minor_id, token in rows],
        )
        filled += len(rows)


def get_minor(scope: Scope, minor_id: str) -> Minor:
    minor = db.session.get(Minor, minor_id)
    if minor is None or minor.deleted or not scope.covers(minor.area_path):
        raise NotFound()
    return minor


def read_minor_in_full(scope: Scope, minor: Minor) -> dict:
    """The detail read: the only place the whole ID number leaves the server, always audited."""
    from server.registry.models import GradeChange

    audit("read", "minor", minor.id, user_id=scope.user.id)
    history = db.session.scalars(
        sa.select(GradeChange).where(GradeChange.minor_id == minor.id).order_by(GradeChange.changed_at)
    ).all()
    minor.id_number = cipher().decrypt(minor.id_number_enc) if minor.id_number_enc else None
    minor.grade_history = history
    return minor


def _set_id_number(minor: Minor, value: str | None) -> list[str]:
    if not value:
        minor.id_number_enc = minor.id_number_hash = minor.id_number_masked = minor.id_tail_hash = None
        return ["id_number_enc", "id_number_hash", "id_number_masked"]
    c = cipher()
    minor.id_number_enc = c.encrypt(value)
    minor.id_number_hash = c.keyed_hash(value)
    minor.id_tail_hash = c.tail_hash(value)
    minor.id_number_masked = idnumber.mask(value)
    return ["id_number_masked"]


def duplicate_of(id_number: str | None, exclude_id: str | None = None) -> Minor | None:
    if not id_number:
        return None
    stmt = sa.select(Minor).where(
        Minor.id_number_hash == cipher().keyed_hash(id_number), Minor.deleted_at.is_(None)
    )
    if exclude_id:
        stmt = stmt.where(Minor.id != exclude_id)
    return db.session.scalars(stmt.limit(1)).first()


def _household_for(scope: Scope, household_id: str) -> Household:
    household = db.session.get(Household, household_id)
    if household is None or household.deleted or not scope.covers(household.area_path):
        raise FieldErrors({"household_id": ["您的辖区内没有该户 / No such household in your area."]})
    return household


def create_minor(scope: Scope, data: dict, hlc: str | None = None) -> Minor:
    household = _household_for(scope, data["household_id"])
    if "id" in data and id_taken(db.session, Minor, data["id"]):
        raise FieldErrors({"id": ["该编号已存在 / A record with this id exists."]})
    data = dict(data)
    id_number = data.pop("id_number", None)
    minor = Minor(
        id=data.pop("id", None) or new_uuid(),
        area_path=household.area_path,
        created_by=scope.user.id,
        assigned_worker_id=scope.user.id if scope.role == "grid_worker" else None,
    )
    fields = list(data)
    if id_number:
        fields += _set_id_number(minor, id_number)
    record_change(minor, data, hlc or server_hlc(), created=True, author=scope.user.id)
    derive(minor)
    db.session.add(minor)
    audit(
        "create",
        "minor",
        minor.id,
        fields=fields if not id_number else [*fields, "id_number"],
        user_id=scope.user.id,
    )
    return minor


def merged_problems(minor: Minor, changes: dict) -> dict:
    """Cross-field errors of the state the record would have after ``changes``."""
    merged = {
        f: getattr(minor, f) for f in ("birth_date", "out_of_school_since", "health", "disability_grade")
    }
    merged.update(changes)
    # The stored ID matters only against a new birth date: decrypt it only then.
    if "birth_date" in changes and "id_number" not in changes and minor.id_number_enc:
        merged["id_number"] = cipher().decrypt(minor.id_number_enc)
    return minor_consistency(merged)


def update_minor(scope: Scope, minor: Minor, changes: dict, hlc: str | None = None) -> Minor:
    problems = merged_problems(minor, changes)
    if problems:
        raise FieldErrors(problems)
    changes = dict(changes)
    audit_fields = []
    if "id_number" in changes:
        _set_id_number(minor, changes.pop("id_number"))
        audit_fields.append("id_number")
    if "household_id" in changes and changes["household_id"] != minor.household_id:
        household = _household_for(scope, changes["household_id"])
        place_minors([minor], household.area_path, scope.user.id)
    changes = {k: v for k, v in changes.items() if getattr(minor, k) != v}
    record_change(minor, changes, hlc or server_hlc(), author=scope.user.id)
    if audit_fields and not changes:
        minor.version += 1
    derive(minor)
    audit("update", "minor", minor.id, fields=[*changes, *audit_fields], user_id=scope.user.id)
    return minor


def delete_minor(scope: Scope, minor: Minor) -> None:
    record_delete(minor, scope.user.id)
    audit("delete", "minor", minor.id, user_id=scope.user.id)


def derive(minor: Minor, today: date | None = None) -> None:
    from server.registry.derive import refresh

    refresh(minor, today or local_today())


def set_grade(
    scope: Scope, minor: Minor, grade: str | None, reason: str, hlc: str | None = None, source: str = "api"
):
    """Confirm or override the grade (supervisors only); every change kept as history."""
    from server.core.roles import SUPERVISOR_ROLES
    from server.registry.models import GradeChange

    if scope.role not in SUPERVISOR_ROLES:
        raise NotPermitted(
            {"grade": ["只有村(社)儿童主任或街道可以确定等级 / Only a supervisor sets the grade."]}
        )
    if not (reason or "").strip():
        raise FieldErrors({"grade_reason": ["确定或调整等级必须说明理由 / A grade needs a reason."]})
    db.session.add(
        GradeChange(
            minor_id=minor.id,
            from_grade=minor.grade,
            to_grade=grade,
            reason=reason.strip(),
            changed_by=scope.user.id,
            source=source,
        )
    )
    record_change(
        minor, {"grade": grade, "grade_reason": reason.strip()}, hlc or server_hlc(), author=scope.user.id
    )
    derive(minor)
    minor.grade_decided_for = minor.grade_suggested
    audit("grade", "minor", minor.id, fields=["grade", "grade_reason"], user_id=scope.user.id)
    return minor


def change_category(scope: Scope, minor: Minor, action: str, category: str, reason: str) -> Minor:
    """A hand correction to the rules' categories, with its reason, kept as history."""
    from server.registry.models import CategoryChange

    manual = {
        "add": dict((minor.categories_manual or {}).get("add", {})),
        "remove": dict((minor.categories_manual or {}).get("remove", {})),
    }
    other = "remove" if action == "add" else "add"
    manual[other].pop(category, None)
    manual[action][category] = reason.strip()
    db.session.add(
        CategoryChange(
            minor_id=minor.id,
            category=category,
            action=action,
            reason=reason.strip(),
            changed_by=scope.user.id,
        )
    )
    record_change(minor, {"categories_manual": manual}, server_hlc(), author=scope.user.id)
    derive(minor)
    audit("categories", "minor", minor.id, fields=["categories_manual"], user_id=scope.user.id)
    return minor


def due_query(scope: Scope, today: date, within_days: int) -> sa.Select:
    """Due and overdue visits of my area: red first, then the most overdue.

    The grade is the confirmed one or, until then, the suggestion (as derive.schedule_grade).
    """
    from datetime import timedelta

    grade = sa.func.coalesce(Minor.grade, Minor.grade_suggested)
    severity = sa.case({"red": 0, "orange": 1, "yellow": 2, "blue": 3}, value=grade, else_=4)
    return (
        sa.select(Minor)
        .where(scope.filter(Minor.area_path), Minor.deleted_at.is_(None), Minor.archived_at.is_(None))
        .where(Minor.next_visit_due.is_not(None), Minor.next_visit_due <= today + timedelta(days=within_days))
        .order_by(severity, Minor.next_visit_due, Minor.name, Minor.id)
    )


def grade_counts(scope: Scope) -> dict:
    grade = sa.func.coalesce(Minor.grade, Minor.grade_suggested)
    active = sa.and_(scope.filter(Minor.area_path), Minor.deleted_at.is_(None), Minor.archived_at.is_(None))
    rows = db.session.execute(sa.select(grade, sa.func.count()).where(active).group_by(grade)).all()
    counts = dict.fromkeys(GRADES, 0)
    counts.update({g: n for g, n in rows if g})
    unconfirmed = db.session.scalar(sa.select(sa.func.count()).where(active, awaiting_grade_decision()))
    return {"by_grade": counts, "unconfirmed": unconfirmed}
