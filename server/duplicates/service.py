"""Duplicate minors (重复登记): two workers who registered the same child offline made two records.

Candidates match on the resident ID (its keyed hash) or on name + birth date + household address.
A merge moves every visit, grade and category change, report, referral and measure to the kept
record, fills what it lacks from the dropped one, never lowers its grade, and leaves the dropped
one a tombstone; every synced write goes through record_change so phones hear of it.
"""

from __future__ import annotations

from collections import Counter

import sqlalchemy as sa
from sqlalchemy import orm as so

from server.accounts.models import User
from server.audit.models import AuditEvent
from server.audit.service import audit
from server.core.changes import record_change, record_delete
from server.core.clock import server_hlc
from server.core.errors import FieldErrors, NotFound
from server.core.extensions import db
from server.core.pagination import by_id
from server.core.scope import Scope
from server.duplicates.models import DuplicateDismissal
from server.measures.models import Measure
from server.notifications.models import Notification
from server.referrals.models import Referral
from server.registry import schemas
from server.registry.models import CategoryChange, GradeChange, Household, Minor
from server.registry.places import place_minors
from server.registry.service import get_minor, set_grade
from server.reports.models import Report
from server.visits.models import Visit
from server.visits.service import note_visit

SEVERITY = [None, "blue", "yellow", "orange", "red"]
SET_FIELDS = ("misbehavior", "risk_flags")
# Identity and place stay the kept record's; everything else it lacks comes from the dropped one.
FILLABLE = tuple(
    name
    for name in schemas.MinorFields._declared_fields
    if name not in ("household_id", "name", "gender", "birth_date", "id_number")
)
PAIR_LIMIT = 200


def _address(household: type[Household]) -> sa.ColumnElement:
    return sa.func.replace(sa.func.trim(household.address), " ", "")


def candidate_pairs(scope: Scope, limit: int = PAIR_LIMIT) -> list[dict]:
    """Pairs of live records of my area that look like one child, with what matched."""
    a, b = so.aliased(Minor), so.aliased(Minor)
    ha, hb = so.aliased(Household), so.aliased(Household)
    judged = (
        sa.select(DuplicateDismissal.id)
        .where(DuplicateDismissal.minor_a == a.id, DuplicateDismissal.minor_b == b.id)
        .exists()
    )
    live = sa.and_(
        a.id < b.id,
        a.deleted_at.is_(None),
        b.deleted_at.is_(None),
        scope.filter(a.area_path),
        scope.filter(b.area_path),
        ~judged,
    )
    by_id_number = sa.select(a.id, b.id).where(
        live, a.id_number_hash.is_not(None), a.id_number_hash == b.id_number_hash
    )
    by_identity = sa.select(a.id, b.id).where(
        live,
        ha.id == a.household_id,
        hb.id == b.household_id,
        a.name == b.name,
        a.birth_date == b.birth_date,
        _address(ha) == _address(hb),
    )
    matched: dict[tuple[str, str], list[str]] = {}
    for stmt, reason in ((by_id_number, ["id_number"]), (by_identity, ["name", "birth_date", "address"])):
        for pair in db.session.execute(stmt.order_by(a.id, b.id).limit(limit)):
            matched.setdefault(tuple(pair), []).extend(reason)
    pairs = sorted(matched.items())[:limit]
    records = summaries({i for pair, _ in pairs for i in pair})
    return [{"matched_on": on, "records": [records[x], records[y]]} for (x, y), on in pairs]


def dismiss(scope: Scope, first_id: str, second_id: str, reason: str) -> DuplicateDismissal:
    """A supervisor judges two records of her area not to be one child; the pair leaves the list."""
    if first_id == second_id:
        raise FieldErrors({"second": ["请选择两条不同的档案 / Choose two different records."]})
    if not reason.strip():
        raise FieldErrors({"reason": ["请说明为什么不是同一人 / Say why they are not one child."]})
    minor_a, minor_b = sorted((get_minor(scope, first_id).id, get_minor(scope, second_id).id))
    known = db.session.scalar(
        sa.select(DuplicateDismissal).where(
            DuplicateDismissal.minor_a == minor_a, DuplicateDismissal.minor_b == minor_b
        )
    )
    if known is not None:
        return known
    dismissal = DuplicateDismissal(
        minor_a=minor_a, minor_b=minor_b, reason=reason.strip(), dismissed_by=scope.user.id
    )
    db.session.add(dismissal)
    db.session.flush()
    # The audit names one record: the dismissal, with the pair beside it.
    audit(
        "dismiss",
        "duplicate",
        str(dismissal.id),
        fields=["reason"],
        user_id=scope.user.id,
        extra={"minors": [minor_a, minor_b]},
    )
    return dismissal


def summaries(ids) -> dict[str, dict]:
    """What a supervisor needs to choose which record to keep (tombstones included, for history)."""
    minors = by_id(Minor, ids)
    households = by_id(Household, (m.household_id for m in minors.values()))
    users = by_id(User, (m.created_by for m in minors.values()))
    visits = (
        Counter(
            dict(
                db.session.execute(
                    sa.select(Visit.minor_id, sa.func.count())
                    .where(Visit.minor_id.in_(list(minors)), Visit.deleted_at.is_(None))
                    .group_by(Visit.minor_id)
                ).all()
            )
        )
        if minors
        else Counter()
    )
    out = {}
    for minor in minors.values():
        household = households.get(minor.household_id)
        creator = users.get(minor.created_by)
        out[minor.id] = {
            "id": minor.id,
            "name": minor.name,
            "gender": minor.gender,
            "birth_date": minor.birth_date,
            "id_number_masked": minor.id_number_masked,
            "household_id": minor.household_id,
            "household_address": household.address if household else None,
            "grade": minor.grade,
            "grade_suggested": minor.grade_suggested,
            "categories": minor.categories or [],
            "created_by": minor.created_by,
            "created_by_name": creator.display_name if creator else None,
            "created_at": minor.created_at,
            "visit_count": visits[minor.id],
            "deleted": minor.deleted,
        }
    return out


def _lacks(value) -> bool:
    return value is None or value == "" or value == []


def _filled_fields(keep: Minor, drop: Minor) -> dict:
    changes = {}
    for name in FILLABLE:
        mine, theirs = getattr(keep, name), getattr(drop, name)
        if name in SET_FIELDS:
            union = [*(mine or []), *(v for v in theirs or [] if v not in (mine or []))]
            if union != (mine or []):
                changes[name] = union
        elif name == "crime_victim":
            if theirs and not mine:
                changes[name] = True
        elif _lacks(mine) and not _lacks(theirs):
            changes[name] = theirs
    manual_keep, manual_drop = keep.categories_manual or {}, drop.categories_manual or {}
    merged = {k: {**manual_drop.get(k, {}), **manual_keep.get(k, {})} for k in ("add", "remove")}
    for category in merged["add"].keys() & merged["remove"].keys():  # the kept record's word wins
        merged["remove" if category in manual_keep.get("add", {}) else "add"].pop(category)
    if {k: v for k, v in merged.items() if v} != {k: v for k, v in manual_keep.items() if v}:
        changes["categories_manual"] = merged
    return changes


def merge(scope: Scope, keep_id: str, drop_id: str, reason: str) -> Minor:
    if keep_id == drop_id:
        raise FieldErrors({"drop": ["不能与自身合并 / A record cannot be merged into itself."]})
    if not (reason or "").strip():
        raise FieldErrors({"reason": ["请说明合并理由 / Say why the records are one child."]})
    keep, drop = get_minor(scope, keep_id), get_minor(scope, drop_id)
    hlc, author = server_hlc(), scope.user.id
    moved = Counter()
    for visit in db.session.scalars(sa.select(Visit).where(Visit.minor_id == drop.id)):
        record_change(visit, {"minor_id": keep.id}, hlc, author=author)
        moved["visits"] += 1
    for synced, key in ((Report, "reports"), (Referral, "referrals"), (Measure, "measures")):
        moved[key] += 0
        for record in db.session.scalars(sa.select(synced).where(synced.minor_id == drop.id)):
            record_change(record, {"minor_id": keep.id}, hlc, author=author)  # phones hear of it
            moved[key] += 1
    for model, key in ((GradeChange, "grade_changes"), (CategoryChange, "category_changes")):
        result = db.session.execute(
            sa.update(model).where(model.minor_id == drop.id).values(minor_id=keep.id)
        )
        moved[key] += result.rowcount
    db.session.execute(
        sa.update(Notification)
        .where(Notification.minor_id == drop.id)
        .values(minor_id=keep.id)
        .execution_options(synchronize_session=False)
    )
    place_minors([keep], keep.area_path, author)  # all that was the dropped child's now lives with the kept
    changes = _filled_fields(keep, drop)
    if drop.id_number_enc and not keep.id_number_enc:
        keep.id_number_enc, keep.id_number_hash = drop.id_number_enc, drop.id_number_hash
        keep.id_tail_hash = drop.id_tail_hash
        changes["id_number_masked"] = drop.id_number_masked
    record_change(keep, changes, hlc, author=author)
    if SEVERITY.index(drop.grade) > SEVERITY.index(keep.grade):
        set_grade(
            scope,
            keep,
            drop.grade,
            f"合并重复记录，保留较高等级 / Merged a duplicate; the higher grade is kept: {reason.strip()}",
        )
    record_delete(drop, author)
    note_visit(keep)
    detail = {"reason": reason.strip(), "moved": dict(moved)}
    audit("merge", "minor", drop.id, user_id=author, extra={"merged_into": keep.id, **detail})
    audit("merge", "minor", keep.id, fields=changes, user_id=author, extra={"merged_from": drop.id, **detail})
    return keep


def merge_history(scope: Scope, minor_id: str) -> list[dict]:
    """The merges a record took part in, kept or dropped: readable after the tombstone."""

    minor = db.session.get(Minor, minor_id)
    if minor is None or not scope.covers(minor.area_path):
        raise NotFound()
    events = db.session.scalars(
        sa.select(AuditEvent)
        .where(AuditEvent.entity == "minor", AuditEvent.action == "merge", AuditEvent.record_id == minor.id)
        .order_by(AuditEvent.at, AuditEvent.id)
    ).all()
    pairs = [
        (e, e.detail.get("merged_into") or minor.id, e.detail.get("merged_from") or minor.id) for e in events
    ]
    records = summaries({i for _, kept, dropped in pairs for i in (kept, dropped)})
    users = by_id(User, (e.user_id for e in events))
    return [
        {
            "kept": records.get(kept),
            "dropped": records.get(dropped),
            "reason": e.detail.get("reason"),
            "moved": e.detail.get("moved", {}),
            "filled": e.detail.get("fields", []),
            "by": e.user_id,
            "by_name": users[e.user_id].display_name if e.user_id in users else None,
            "at": e.at,
        }
        for e, kept, dropped in pairs
    ]
