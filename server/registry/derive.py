"""Derived fields of a minor: categories, suggested grade, reasons, visit due date, archiving."""

from __future__ import annotations

from datetime import date

from server.registry import rules
from server.registry.models import Minor

FACT_FIELDS = (
    "birth_date", "hukou", "lives_with_parents", "school_status", "out_of_school_since",
    "health", "disability_grade", "father_status", "mother_status", "caregiver",
    "caregiver_capable", "poverty", "misbehavior", "crime_victim", "risk_flags",
)  # fmt: skip


def facts_of(minor: Minor) -> dict:
    facts = {}
    for name in FACT_FIELDS:
        value = getattr(minor, name)
        facts[name] = value.isoformat() if isinstance(value, date) else value
    return facts


def refresh(minor: Minor, today: date, settings: dict | None = None) -> None:
    evaluation = rules.evaluate(facts_of(minor), today, settings)
    categories = rules.apply_manual(evaluation.categories, minor.categories_manual or {})
    if categories != (minor.categories or []):
        minor.categories = categories
    minor.grade_suggested = evaluation.grade_suggested
    minor.category_reasons = evaluation.reasons
    registered = minor.created_at.date() if minor.created_at else today
    due = rules.next_visit_due(minor.grade, minor.last_visit_at, registered, settings)
    if due != minor.next_visit_due:
        minor.next_visit_due = due
    if evaluation.age >= 18 and minor.archived_at is None:
        from server.db import utcnow

        minor.archived_at = utcnow()
