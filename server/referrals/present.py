"""What each reader sees of a referral. A liaison gets the minimum of the case and nothing more:
the child's name, gender, age and village, the reason, and the report's kind and description;
never the resident ID, the household, other visits or the registry's ids."""

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
from server.registry.models import Minor
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


def present(scope: Scope, referrals: list[Referral], today: date) -> list[dict]:
    reports = by_id(Report, (r.report_id for r in referrals))
    minors = by_id(Minor, (r.minor_id for r in referrals))
    senders = by_id(User, (r.sent_by for r in referrals))
    villages = {village_path(r.area_path) for r in referrals} - {None}
    names = (
        dict(db.session.execute(sa.select(Area.path, Area.name).where(Area.path.in_(villages))).all())
        if villages
        else {}
    )
    fields = LIAISON_FIELDS if scope.role == Role.unit_liaison else SUPERVISOR_FIELDS
    items = []
    for referral in referrals:
        report, minor, sender = (
            reports.get(referral.report_id),
            minors.get(referral.minor_id),
            senders.get(referral.sent_by),
        )
        item = {name: getattr(referral, name) for name in fields}
        item["sent_by_name"] = sender.display_name if sender else "系统自动转介 / Sent automatically"
        item["case"] = {
            "minor": {"name": minor.name, "gender": minor.gender, "age": age_on(minor.birth_date, today)}
            if minor and not minor.deleted
            else None,
            "village": names.get(village_path(referral.area_path)),
            "report": {
                "kind": report.kind,
                "mandatory": report.mandatory,
                "urgent": report.urgent,
                "description": report.description,
                "reported_at": report.reported_at,
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
