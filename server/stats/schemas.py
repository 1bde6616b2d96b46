"""The answers of the statistics endpoints (docs/statistics.md), as the dashboard, the printable
page and the workbook read them.

The services build plain dicts; these schemas dump them unchanged. Values arrive already in
their wire form (dates and instants as ISO text), so they are declared as strings, and a
count stays an ``Integer`` (a ``Float`` would turn 3 into 3.0).
"""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields

from server.accounts.models import UNITS
from server.core.validation import counts_of
from server.registry.models import CATEGORIES
from server.reports.models import REPORT_KINDS, REPORT_SOURCES, REPORT_STATUSES
from server.stats.casework import REFERRAL_STATUSES
from server.stats.figures import GRADE_KEYS
from server.stats.scoreboard import UNIT_WEIGHTS, WEIGHTS
from server.visits.models import REVIEW_STATUSES

GradeCounts = counts_of(GRADE_KEYS, "GradeCounts")
CategoryCounts = counts_of(CATEGORIES, "CategoryCounts")
ReviewStatusCounts = counts_of(REVIEW_STATUSES, "ReviewStatusCounts")
ReportStatusCounts = counts_of(REPORT_STATUSES, "ReportStatusCounts")
ReportKindCounts = counts_of(REPORT_KINDS, "ReportKindCounts")
ReportSourceCounts = counts_of(REPORT_SOURCES, "ReportSourceCounts")
ReferralStatusCounts = counts_of(REFERRAL_STATUSES, "ReferralStatusCounts")
UnitReferralCounts = counts_of(("total", *REFERRAL_STATUSES), "UnitReferralCounts")
ReferralsByUnit = ma.Schema.from_dict(
    {unit: fields.Nested(UnitReferralCounts) for unit in UNITS}, name="ReferralsByUnit"
)
# "from" is a Python keyword: the period's keys are given as a dict.
StatsPeriod = ma.Schema.from_dict(
    {
        "from": fields.String(metadata={"format": "date", "description": "first day"}),
        "to": fields.String(metadata={"format": "date", "description": "last day, inclusive"}),
        "today": fields.String(metadata={"format": "date", "description": "the day of the snapshot figures"}),
    },
    name="StatsPeriod",
)


def rate(description: str) -> fields.Float:
    """A share between 0 and 1, or null when there is nothing to divide by."""
    return fields.Float(allow_none=True, metadata={"description": description})


def hours(description: str) -> fields.Float:
    return fields.Float(allow_none=True, metadata={"description": f"{description} (hours; null: none yet)"})


class StatsArea(ma.Schema):
    id = fields.Integer()
    code = fields.String()
    name = fields.String()
    level = fields.String()
    path = fields.String()


def target_area() -> fields.Nested:
    return fields.Nested(
        StatsArea,
        allow_none=True,
        metadata={"description": "the area asked for; null: the caller's whole scope"},
    )


class StatsVisits(ma.Schema):
    due = fields.Integer(metadata={"description": "active minors whose next visit falls in the period"})
    done = fields.Integer(metadata={"description": "visits logged in the period"})
    overdue = fields.Integer(metadata={"description": "active minors overdue today"})
    completion_rate = rate("done / (done + overdue)")
    overdue_by_grade = fields.Nested(GradeCounts)
    by_review_status = fields.Nested(ReviewStatusCounts)


class StatsReports(ma.Schema):
    total = fields.Integer(metadata={"description": "reports filed in the period"})
    urgent = fields.Integer()
    mandatory = fields.Integer()
    by_status = fields.Nested(ReportStatusCounts)
    open = fields.Integer(
        metadata={"description": "reports still new, acknowledged or referred, whenever filed"}
    )
    open_urgent = fields.Integer()


class StatsOverview(ma.Schema):
    area = target_area()
    period = fields.Nested(StatsPeriod)
    minors_by_grade = fields.Nested(GradeCounts)
    minors_by_category = fields.Nested(CategoryCounts)
    visits = fields.Nested(StatsVisits)
    reports = fields.Nested(StatsReports)
    minors_total = fields.Integer(metadata={"description": "active minors"})
    minors_registered = fields.Integer(metadata={"description": "minors registered in the period"})
    grades_unconfirmed = fields.Integer()


class StatsAreaReports(ma.Schema):
    total = fields.Integer()
    urgent = fields.Integer()
    mandatory = fields.Integer()
    open = fields.Integer()
    open_urgent = fields.Integer()


class StatsAreaFigures(ma.Schema):
    minors_total = fields.Integer()
    minors_by_grade = fields.Nested(GradeCounts)
    minors_by_category = fields.Nested(CategoryCounts)
    minors_registered = fields.Integer()
    visits = fields.Nested(StatsVisits)
    reports = fields.Nested(StatsAreaReports)


class StatsChildArea(StatsAreaFigures):
    area = fields.Nested(StatsArea)


class StatsAreas(ma.Schema):
    area = target_area()
    period = fields.Nested(StatsPeriod)
    total = fields.Nested(StatsAreaFigures)
    children = fields.List(fields.Nested(StatsChildArea), metadata={"description": "ordered by path"})


class StatsWorkerUser(ma.Schema):
    id = fields.Integer()
    username = fields.String()
    display_name = fields.String(allow_none=True)


class StatsWorkerGrid(ma.Schema):
    id = fields.Integer()
    code = fields.String()
    name = fields.String()


class StatsWorker(ma.Schema):
    user = fields.Nested(StatsWorkerUser)
    grids = fields.List(fields.Nested(StatsWorkerGrid))
    minors_assigned = fields.Integer(metadata={"description": "active minors assigned to the worker (包保)"})
    minors_by_grade = fields.Nested(GradeCounts)
    visits = fields.Nested(StatsVisits)


class StatsUnassigned(ma.Schema):
    minors = fields.Integer()
    due = fields.Integer()
    overdue = fields.Integer()


class StatsWorkers(ma.Schema):
    area = target_area()
    period = fields.Nested(StatsPeriod)
    workers = fields.List(fields.Nested(StatsWorker))
    unassigned = fields.Nested(StatsUnassigned)


class StatsFirstResponse(ma.Schema):
    answered = fields.Integer()
    unanswered = fields.Integer()
    median_hours = hours("median time to the first response")
    within_sla = fields.Integer()
    over_sla = fields.Integer()
    unanswered_over_sla = fields.Integer()


class StatsReportArea(ma.Schema):
    id = fields.Integer()
    name = fields.String()


class StatsUrgentReport(ma.Schema):
    """No names and no description: only what the timing needs."""

    id = fields.String()
    kind = fields.String()
    source = fields.String()
    mandatory = fields.Boolean()
    status = fields.String()
    area = fields.Nested(StatsReportArea)
    reported_at = fields.String(metadata={"format": "date-time"})
    first_response_at = fields.String(allow_none=True, metadata={"format": "date-time"})
    response_hours = hours("time to the first response")
    first_response_due = fields.String(metadata={"format": "date-time"})
    over_sla = fields.Boolean(metadata={"description": "answered after the limit, or unanswered and past it"})


class StatsReportFigures(ma.Schema):
    area = target_area()
    period = fields.Nested(StatsPeriod)
    sla_hours = fields.Integer(metadata={"description": "the street's red_first_response_hours"})
    total = fields.Integer()
    urgent = fields.Integer()
    mandatory = fields.Integer()
    by_status = fields.Nested(ReportStatusCounts)
    urgent_by_status = fields.Nested(ReportStatusCounts)
    by_kind = fields.Nested(ReportKindCounts)
    by_source = fields.Nested(ReportSourceCounts)
    first_response = fields.Nested(StatsFirstResponse)
    urgent_first_response = fields.Nested(StatsFirstResponse)
    urgent_reports = fields.List(
        fields.Nested(StatsUrgentReport),
        metadata={"description": "the latest 100 of the period, newest first"},
    )


class StatsReferralFigures(ma.Schema):
    area = target_area()
    period = fields.Nested(StatsPeriod)
    available = fields.Boolean(
        metadata={"description": "false (and every count 0) without a referrals table"}
    )
    total = fields.Integer()
    by_status = fields.Nested(ReferralStatusCounts)
    by_unit = fields.Nested(ReferralsByUnit)
    median_hours_to_answer = hours("median time from sent to accepted or declined")
    median_hours_to_done = hours("median time from sent to done")
    answer_sla_hours = fields.Integer()


class StatsMonth(ma.Schema):
    month = fields.String(metadata={"description": "YYYY-MM"})
    minors_registered = fields.Integer()
    visits_done = fields.Integer()
    reports = fields.Integer()
    urgent_reports = fields.Integer()


class StatsTrends(ma.Schema):
    area = target_area()
    months = fields.List(fields.Nested(StatsMonth), metadata={"description": "oldest first"})


ScoreWeights = ma.Schema.from_dict({name: fields.Integer() for name in WEIGHTS}, name="ScoreWeights")
UnitScoreWeights = ma.Schema.from_dict(
    {name: fields.Float() for name in UNIT_WEIGHTS}, name="UnitScoreWeights"
)
VillageComponents = ma.Schema.from_dict(
    {name: rate("this component's share; null: left out") for name in WEIGHTS}, name="VillageComponents"
)
UnitComponents = ma.Schema.from_dict(
    {name: rate("this component's share; null: nothing received") for name in UNIT_WEIGHTS},
    name="UnitComponents",
)


class VillageVisits(ma.Schema):
    due = fields.Integer()
    done = fields.Integer()
    overdue = fields.Integer()
    completion_rate = rate("done / (done + overdue)")


class VillageReports(ma.Schema):
    total = fields.Integer()
    within_sla = fields.Integer()
    median_response_hours = hours("median time to the first response")
    sla_hours = fields.Integer()


class VillageReferrals(ma.Schema):
    total = fields.Integer()
    answered_in_time = fields.Integer()
    median_handling_hours = hours("median time from sent to done")


class VillageSync(ma.Schema):
    workers = fields.Integer(metadata={"description": "the village's active grid workers"})
    recent = fields.Integer(metadata={"description": "of them, with a device that pushed in the last days"})
    never = fields.Integer()
    max_days_since_push = fields.Integer(allow_none=True)


class VillageScore(ma.Schema):
    area = fields.Nested(StatsArea)
    score = fields.Float(allow_none=True, metadata={"description": "0-100; null: no component at all"})
    rank = fields.Integer(allow_none=True, metadata={"description": "1 is the best; equal scores share one"})
    components = fields.Nested(VillageComponents)
    visits = fields.Nested(VillageVisits)
    overdue_red = fields.Integer()
    overdue_orange = fields.Integer()
    red_orange_total = fields.Integer()
    reports = fields.Nested(VillageReports)
    referrals = fields.Nested(VillageReferrals)
    sync = fields.Nested(VillageSync)


class UnitScore(ma.Schema):
    unit = fields.String()
    score = fields.Float(allow_none=True, metadata={"description": "0-100; null: nothing received"})
    rank = fields.Integer(allow_none=True)
    components = fields.Nested(UnitComponents)
    received = fields.Integer()
    answered_in_time = fields.Integer()
    done = fields.Integer()
    median_handling_hours = hours("median time from sent to done")


class Scoreboard(ma.Schema):
    area = target_area()
    period = fields.Nested(StatsPeriod)
    weights = fields.Nested(ScoreWeights)
    unit_weights = fields.Nested(UnitScoreWeights)
    sync_recent_days = fields.Integer()
    referrals_available = fields.Boolean()
    villages = fields.List(fields.Nested(VillageScore), metadata={"description": "best first"})
    units = fields.List(fields.Nested(UnitScore), metadata={"description": "best first"})


class MonthlyReport(ma.Schema):
    """One document; the printable page and the workbook are renderings of it."""

    month = fields.String(metadata={"description": "YYYY-MM"})
    title = fields.String()
    area = target_area()
    area_name = fields.String()
    period = fields.Nested(StatsPeriod)
    generated_at = fields.String(metadata={"format": "date-time"})
    overview = fields.Nested(StatsOverview)
    areas = fields.List(fields.Nested(StatsChildArea))
    reports = fields.Nested(StatsReportFigures)
    referrals = fields.Nested(StatsReferralFigures)
