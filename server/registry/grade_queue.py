"""Grade confirmation queue (等级确认): minors whose grade awaits a supervisor's word."""

from __future__ import annotations

import sqlalchemy as sa

from server.core.scope import Scope
from server.registry.models import Minor, awaiting_grade_decision

SEVERITY = {"red": 0, "orange": 1, "yellow": 2, "blue": 3}


def grade_queue(scope: Scope, grade_suggested: str | None = None) -> sa.Select:
    """Active minors of my area never graded, or graded otherwise than the rules now suggest:
    red suggestions first, then the longest registered."""
    stmt = sa.select(Minor).where(
        scope.filter(Minor.area_path),
        Minor.deleted_at.is_(None),
        Minor.archived_at.is_(None),
        awaiting_grade_decision(),
    )
    if grade_suggested:
        stmt = stmt.where(Minor.grade_suggested == grade_suggested)
    severity = sa.case(SEVERITY, value=Minor.grade_suggested, else_=len(SEVERITY))
    return stmt.order_by(severity, Minor.created_at, Minor.id)
