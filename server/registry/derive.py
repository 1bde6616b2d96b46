"""Derived fields of a minor: categories, suggested grade, reasons, visit due date, archiving."""

from __future__ import annotations

import math
from datetime import date, timedelta

import sqlalchemy as sa

from server.core.db import utcnow
from server.core.extensions import db
from server.core.localtime import local_date, local_today
from server.registry import rules
from server.registry.models import Minor
from server.registry.settings import settings_for

FACT_FIELDS = (
    "birth_date",
    "hukou",
    "lives_with_parents",
    "school_status",
    "out_of_school_since",
    "health",
    "disability_grade",
    "father_status",
    "mother_status",
    "caregiver",
    "caregiver_capable",
    "poverty",
    "misbehavior",
    "crime_victim",
    "risk_flags",
)
DERIVED_FIELDS = ("categories", "grade_suggested", "category_reasons", "next_visit_due", "archived_at")


def facts_of(minor: Minor) -> dict:
    facts = {}
    for name in FACT_FIELDS:
        value = getattr(minor, name)
        facts[name] = value.isoformat() if isinstance(value, date) else value
    return facts


def schedule_grade(minor: Minor) -> str | None:
    """The confirmed grade; until one is confirmed, the suggestion, so a red child is not left waiting."""
    return minor.grade or minor.grade_suggested


def refresh(minor: Minor, today: date, settings: dict | None = None) -> bool:
    """Recompute the derived fields; True when any of them changed."""
    settings = settings if settings is not None else settings_for(minor.area_path)
    before = {name: getattr(minor, name) for name in DERIVED_FIELDS}
    evaluation = rules.evaluate(facts_of(minor), today, settings)
    minor.categories = rules.apply_manual(
        evaluation.categories, minor.categories_manual or {}, rules.load_rules()
    )
    minor.grade_suggested = evaluation.grade_suggested
    minor.category_reasons = evaluation.reasons
    registered = local_date(minor.created_at) if minor.created_at else today
    grade = schedule_grade(minor)
    due = rules.next_visit_due(grade, minor.last_visit_at, registered, settings)
    if grade == "red" and minor.last_visit_at is None and due is not None:
        # A red child never visited gets the first response within red_first_response_hours.
        first = registered + timedelta(days=max(1, math.ceil(settings["red_first_response_hours"] / 24)))
        due = min(due, first)
    minor.next_visit_due = due
    adult = evaluation.age is not None and evaluation.age >= settings["adult_age"]
    if adult and minor.archived_at is None:
        minor.archived_at = utcnow()  # kept, with its history, out of the active lists
    return any(getattr(minor, name) != value for name, value in before.items())


def refresh_all(path_prefix: str, today: date | None = None, batch: int = 500) -> int:
    """Re-derive every active minor under ``path_prefix`` (a settings change, a new day)."""
    today = today or local_today()
    changed, last_id = 0, ""
    while True:
        minors = db.session.scalars(
            sa.select(Minor)
            .where(
                Minor.area_path.startswith(path_prefix),
                Minor.deleted_at.is_(None),
                Minor.archived_at.is_(None),
            )
            .where(Minor.id > last_id)
            .order_by(Minor.id)
            .limit(batch)
        ).all()
        if not minors:
            return changed
        for minor in minors:
            if refresh(minor, today):
                minor.version += 1  # devices see the new derived values like any change
                changed += 1
        last_id = minors[-1].id
        db.session.flush()
