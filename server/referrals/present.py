"""What each reader sees of a referral. A liaison gets the minimum of the case it needs to act
and nothing more: the child's name, gender, age and class, where (area and address), who
reported it and how to reach them, the reason, the report's kind, description and times;
never the resident ID, the family's other details, the visits or the registry's ids."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from server.accounts.models import User
from server.areas.models import Area
from server.core.extensions import db
from server.core.pagination import by_id
from server.core.roles import Role
from server.core.scope import Scope
from server.notifications.service import path_and_ancestors
from server.referrals.models import Referral, ReferralEvent
from server.registry.models import Household, Minor
from server.registry.rules import age_on
from server.reports.models import Report

LIAISON_FIELDS = (
    "id",
    "to_unit",
    "reason",
    "status",
    "response",
    "automatic",
    "sent_at",
    "accepted_at",
    "started_at",
    "done_at",
    "declined_at",
    "updated_at",
)
SUPERVISOR_FIELDS = (*LIAISON_FIELDS, "report_id", "minor_id", "sent_by", "area_path")


def village_path(path: str) -> str | None:
    levels = path_and_ancestors(path)
    return levels[1] if len(levels) > 1 else None


def _area_names(paths: set[str]) -> dict[str, str]:
    wanted = {p for path in paths for p in path_and_ancestors(path)}
    if not wanted:
        return {}
    return dict(db.session.execute(sa.select(Area.path, Area.name).where(Area.path.in_(wanted))).all())


def _area_line(path: str, names: dict[str, str]) -> str | None:
    """Village › group › grid (the street is the unit's own): where to go."""
    levels = [names[p] for p in path_and_ancestors(path)[1:] if p in names]
    return " › ".join(levels) or None


def _child(report: Report | None, minor: Minor | None, today: date) -> dict | None:
    if minor is not None and not minor.deleted:
        return {
            "name": minor.name,
            "gender": minor.gender,
            "age": age_on(minor.birth_date, today),
            "school_class": (report.child_class if report else None) or minor.school,
            "registered": True,
        }
    if report is not None and (report.child_name or report.child_age is not None or report.child_class):
        return {
            "name": report.child_name,
            "gender": None,
            "age": report.child_age,
            "school_class": report.child_class,
            "registered": False,
        }
    return None


def _reporter(report: Report, user: User | None) -> dict:
    return {
        "source": report.source,
        "name": user.display_name if user else None,
        "organisation": user.unit or user.sentinel_kind if user else None,
        "contact_name": report.reporter_name,
        "phone": report.reporter_phone or (user.phone if user else None),
    }


def _address(report: Report | None, household: Household | None) -> str | None:
    place = report.place if report else None
    if household is None:
        return place
    return household.address if not place or place == household.address else f"{household.address}（{place}）"


def present(scope: Scope, referrals: list[Referral], today: date) -> list[dict]:
    reports = by_id(Report, (r.report_id for r in referrals))
    # A report linked to the child's file after it was referred brings the file along.
    minor_of = {r.id: r.minor_id or getattr(reports.get(r.report_id), "minor_id", None) for r in referrals}
    minors = by_id(Minor, minor_of.values())
    households = by_id(Household, (m.household_id for m in minors.values()))
    users = by_id(User, [r.sent_by for r in referrals] + [r.reporter_id for r in reports.values()])
    names = _area_names({r.area_path for r in referrals})
    fields = LIAISON_FIELDS if scope.role == Role.unit_liaison else SUPERVISOR_FIELDS
    items = []
    for referral in referrals:
        report, minor, sender = (
            reports.get(referral.report_id),
            minors.get(minor_of[referral.id]),
            users.get(referral.sent_by),
        )
        item = {name: getattr(referral, name) for name in fields}
        item["sent_by_name"] = sender.display_name if sender else "系统自动转介 / Sent automatically"
        household = households.get(minor.household_id) if minor and not minor.deleted else None
        item["case"] = {
            "minor": _child(report, minor, today),
            "village": names.get(village_path(referral.area_path) or ""),
            "area": _area_line(referral.area_path, names),
            "address": _address(report, household),
            "report": {
                "kind": report.kind,
                "mandatory": report.mandatory,
                "urgent": report.urgent,
                "description": report.description,
                "reported_at": report.reported_at,
                "acknowledged_at": report.acknowledged_at,
                "reporter": _reporter(report, users.get(report.reporter_id)),
            }
            if report
            else None,
        }
        items.append(item)
    return items


def present_events(events: list[ReferralEvent]) -> list[dict]:
    users = by_id(User, (e.by for e in events))
    return [
        {
            "id": e.id,
            "from_status": e.from_status,
            "to_status": e.to_status,
            "note": e.note,
            "by": e.by,
            "by_name": users[e.by].display_name if e.by in users else None,
            "at": e.at,
        }
        for e in events
    ]
