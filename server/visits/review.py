"""The review of visits (审核): the queue of submitted visits and the append-only decision history."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from server.accounts.models import User
from server.areas.models import Area
from server.core.errors import FieldErrors
from server.core.extensions import db
from server.core.pagination import Presented, as_dict, by_id
from server.core.scope import Scope
from server.core.search import search
from server.notifications.service import Subject, notify
from server.registry.models import Household, Minor
from server.registry.rules import age_on
from server.registry.service import minor_match
from server.visits.models import ReviewDecision, Visit
from server.visits.schemas import VisitOut

SEVERITY = {"red": 0, "orange": 1, "yellow": 2, "blue": 3}


def record_review(scope: Scope, visit: Visit, before: str, content_changed: bool, source: str) -> None:
    """Keep the step just taken on ``visit``, and tell its author when it comes back to them."""
    if content_changed:
        if before != "returned":
            return
        decision, comment = "resubmitted", None
    elif visit.review_status == before == "submitted":
        return  # a note on a visit still waiting is not a decision
    else:
        decision = {"submitted": "reopened"}.get(visit.review_status, visit.review_status)
        comment = visit.review_comment
    db.session.add(
        ReviewDecision(
            visit_id=visit.id, decision=decision, comment=comment, decided_by=scope.user.id, source=source
        )
    )
    if decision == "returned" and visit.visitor_id != scope.user.id:
        notify(
            [visit.visitor_id],
            "visit_returned",
            "走访记录被退回，请修改后重新提交 / A visit was returned: amend and resubmit it",
            comment,
            f"#/visits/{visit.id}",
            about=Subject(visit.area_path, minor_id=visit.minor_id),
        )


def decisions(visit: Visit) -> list[dict]:
    rows = db.session.scalars(
        sa.select(ReviewDecision).where(ReviewDecision.visit_id == visit.id).order_by(ReviewDecision.id)
    ).all()
    users = by_id(User, (r.decided_by for r in rows))
    return [
        {
            "id": r.id,
            "visit_id": r.visit_id,
            "decision": r.decision,
            "comment": r.comment,
            "decided_by": r.decided_by,
            "decided_by_name": _name(users.get(r.decided_by)),
            "decided_at": r.decided_at,
            "source": r.source,
        }
        for r in rows
    ]


def _name(user: User | None) -> str | None:
    return user.display_name if user else None


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def area_in_scope(scope: Scope, area_id: int, field: str = "area_id") -> Area:
    """An area filter of a query (``?area_id=``) that must lie in the scope."""
    area = db.session.get(Area, area_id)
    if area is None or not scope.covers(area.path):
        raise FieldErrors({field: ["您的辖区内没有该区域 / No such area in your area."]}, location="query")
    return area


def review_queue(scope: Scope, today: date, **filters) -> Presented:
    """Submitted visits of my area: red children first, then the longest waiting."""
    grade = sa.func.coalesce(Minor.grade, Minor.grade_suggested)
    stmt = (
        sa.select(Visit)
        .join(Minor, Minor.id == Visit.minor_id)
        .where(scope.filter(Visit.area_path), Visit.deleted_at.is_(None), Visit.review_status == "submitted")
    )
    if filters.get("area_id") is not None:
        area = area_in_scope(scope, filters["area_id"])
        stmt = stmt.where(Visit.area_path.startswith(area.path, autoescape=True))
    if filters.get("visitor_id") is not None:
        stmt = stmt.where(Visit.visitor_id == filters["visitor_id"])
    if filters.get("grade"):
        stmt = stmt.where(grade == filters["grade"])
    if filters.get("min_age") is not None:
        stmt = stmt.where(Minor.birth_date <= years_before(today, filters["min_age"]))
    if filters.get("max_age") is not None:
        stmt = stmt.where(Minor.birth_date > years_before(today, filters["max_age"] + 1))
    if filters.get("q"):
        stmt = stmt.join(Household, Household.id == Minor.household_id)
        stmt = search(stmt, filters["q"], Household.address, also=minor_match)
    severity = sa.case(SEVERITY, value=grade, else_=len(SEVERITY))
    stmt = stmt.order_by(severity, Visit.updated_at, Visit.id)
    return Presented(stmt, lambda visits: present_queue(visits, today))


def present_queue(visits: list[Visit], today: date) -> list[dict]:
    minors = by_id(Minor, (v.minor_id for v in visits))
    users = by_id(User, (v.visitor_id for v in visits))
    paths = {v.area_path for v in visits}
    areas = (
        {a.path: a for a in db.session.scalars(sa.select(Area).where(Area.path.in_(paths)))} if paths else {}
    )
    items = []
    for visit in visits:
        minor, visitor, area = (
            minors.get(visit.minor_id),
            users.get(visit.visitor_id),
            areas.get(visit.area_path),
        )
        items.append(
            {
                **as_dict(visit, VisitOut),
                "waiting_since": visit.updated_at,
                "minor": {
                    "id": minor.id,
                    "name": minor.name,
                    "gender": minor.gender,
                    "age": age_on(minor.birth_date, today),
                    "grade": minor.grade,
                    "grade_suggested": minor.grade_suggested,
                }
                if minor
                else None,
                "visitor": {"id": visitor.id, "display_name": visitor.display_name} if visitor else None,
                "area": {"id": area.id, "name": area.name, "level": area.level} if area else None,
            }
        )
    return items
