"""Every model, imported once so that the metadata (and alembic) sees the whole schema."""

import contextlib

from server.accounts.models import RevokedToken, User, user_area
from server.areas.models import Area
from server.audit.models import AuditEvent
from server.changes import ScopeExit, SyncClock
from server.registry.models import CategoryChange, GradeChange, Household, Minor
from server.reports.models import Report
from server.visits.models import Visit

__all__ = [
    "Area", "AuditEvent", "CategoryChange", "GradeChange", "Household", "Minor", "Report",
    "RevokedToken", "ScopeExit", "SyncClock", "User", "Visit", "user_area",
]  # fmt: skip

with contextlib.suppress(ImportError):  # the sync API's own tables, once they exist
    from server.sync_api import models as _sync_models  # noqa: F401
