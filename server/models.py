"""Every model, imported once so that the metadata (and alembic) sees the whole schema."""

from server.accounts.models import RevokedToken, User, user_area
from server.areas.models import Area
from server.audit.models import AuditEvent
from server.core.changes import ScopeExit, SyncClock
from server.duplicates.models import DuplicateDismissal
from server.ledger.models import ImportJob
from server.measures.models import Measure
from server.notifications.models import Notification, WebhookDelivery
from server.referrals.models import Referral, ReferralEvent
from server.registry.models import CategoryChange, GradeChange, Household, Minor
from server.registry.settings import StreetSettings
from server.reports.models import Report
from server.stats.models import STATS_INDEXES
from server.sync_api.models import ConflictRecord, Device, QuarantinedMutation, SyncMutation
from server.visits.models import ReviewDecision, Visit

__all__ = [
    "STATS_INDEXES",
    "Area",
    "AuditEvent",
    "CategoryChange",
    "ConflictRecord",
    "Device",
    "DuplicateDismissal",
    "GradeChange",
    "Household",
    "ImportJob",
    "Measure",
    "Minor",
    "Notification",
    "QuarantinedMutation",
    "Referral",
    "ReferralEvent",
    "Report",
    "ReviewDecision",
    "RevokedToken",
    "ScopeExit",
    "StreetSettings",
    "SyncClock",
    "SyncMutation",
    "User",
    "Visit",
    "WebhookDelivery",
    "user_area",
]
