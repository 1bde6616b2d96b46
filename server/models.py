"""Every model, imported once so that the metadata (and alembic) sees the whole schema."""

from server.accounts.models import RevokedToken, User, user_area
from server.areas.models import Area
from server.audit.models import AuditEvent
from server.changes import ScopeExit, SyncClock
from server.ledger.models import ImportJob
from server.registry.models import CategoryChange, GradeChange, Household, Minor
from server.registry.settings import StreetSettings
from server.reports.models import Report
from server.sync_api.models import ConflictRecord, Device, QuarantinedMutation, SyncMutation
from server.visits.models import Visit

__all__ = [
    "Area", "AuditEvent", "CategoryChange", "ConflictRecord", "Device", "GradeChange", "Household",
    "ImportJob", "Minor", "QuarantinedMutation", "Report", "RevokedToken", "ScopeExit", "StreetSettings",
    "SyncClock", "SyncMutation", "User", "Visit", "user_area",
]  # fmt: skip
