"""REST endpoints of the statistics (village officers and street admins, within their scope)."""

from __future__ import annotations

import re

import sqlalchemy as sa
from flask import Response, send_file
from flask_smorest import Blueprint
from marshmallow import RAISE, ValidationError, fields, validate, validates_schema

from server.core.extensions import db
from server.core.roles import STATS_ROLES
from server.core.scope import current_scope, roles_required
from server.core.validation import StrictSchema
from server.stats import casework, monthly, monthly_page, schemas, scoreboard, service
from server.stats.periods import Period, local_today
from server.stats.target import Target, resolve

blp = Blueprint("stats", __name__, url_prefix="/api/stats", description="统计分析 Statistics")
supervisors = roles_required(STATS_ROLES)


@blp.before_request
def _no_jit() -> None:
    """PostgreSQL's JIT compiles these one-off aggregates for longer than it saves: a county's
    twelve-month trend took 1.0 s with it and 0.65 s without (tests/bench/results-stats.md)."""
    if db.engine.dialect.name == "postgresql":
        db.session.execute(sa.text("SET LOCAL jit = off"))


MAX_PERIOD_DAYS = 3 * 366
MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class AreaQuery(StrictSchema):
    area_id = fields.Integer(metadata={"description": "an area of my scope; default: my whole scope"})


class PeriodQuery(AreaQuery):
    date_from = fields.Date(
        data_key="from", metadata={"description": "first day (default: 1st of this month)"}
    )
    date_to = fields.Date(
        data_key="to", metadata={"description": "last day, inclusive (default: end of month)"}
    )

    @validates_schema
    def _order(self, data: dict, **_kwargs) -> None:
        period = Period.of(data.get("date_from"), data.get("date_to"))
        if period.first > period.last:
            raise ValidationError("开始日期不能晚于结束日期 / 'from' must not be after 'to'.", "from")
        if (period.last - period.first).days > MAX_PERIOD_DAYS:
            raise ValidationError("统计期间最长三年 / A period spans at most three years.", "to")


class TrendsQuery(AreaQuery):
    months = fields.Integer(load_default=12, validate=validate.Range(1, 36))
    date_to = fields.Date(data_key="to", metadata={"description": "a day in the last month (default: today)"})


def month_text(value: str) -> None:
    if not MONTH.match(value or ""):
        raise ValidationError("月份格式应为 YYYY-MM / A month is written YYYY-MM.")


class MonthlyQuery(AreaQuery):
    month = fields.String(validate=month_text, metadata={"description": "YYYY-MM (default: this month)"})


def _target(args: dict) -> Target:
    return resolve(current_scope(), args.get("area_id"))


def _period(args: dict) -> Period:
    return Period.of(args.get("date_from"), args.get("date_to"))


@blp.route("/overview")
@supervisors
@blp.arguments(PeriodQuery, location="query", unknown=RAISE)
@blp.response(200, schemas.StatsOverview)
def overview(args):
    """Minors by grade and category, visits due/done/overdue, reports (DESIGN §7)."""
    return service.overview(_target(args), _period(args))


@blp.route("/areas")
@supervisors
@blp.arguments(PeriodQuery, location="query", unknown=RAISE)
@blp.response(200, schemas.StatsAreas)
def areas(args):
    """Drill-down: each child area (street > village > group > grid) with its figures."""
    return service.areas(_target(args), _period(args))


@blp.route("/workers")
@supervisors
@blp.arguments(PeriodQuery, location="query", unknown=RAISE)
@blp.response(200, schemas.StatsWorkers)
def workers(args):
    """Per grid worker: minors assigned, visits due, done and overdue, completion rate."""
    return service.workers(_target(args), _period(args))


@blp.route("/reports")
@supervisors
@blp.arguments(PeriodQuery, location="query", unknown=RAISE)
@blp.response(200, schemas.StatsReportFigures)
def reports(args):
    """Reports of the period by status, kind and source; first-response times; urgent ones."""
    return casework.report_stats(_target(args), _period(args))


@blp.route("/referrals")
@supervisors
@blp.arguments(PeriodQuery, location="query", unknown=RAISE)
@blp.response(200, schemas.StatsReferralFigures)
def referrals(args):
    """Referrals of the period by member unit and status, with handling times."""
    return casework.referral_stats(_target(args), _period(args))


@blp.route("/trends")
@supervisors
@blp.arguments(TrendsQuery, location="query", unknown=RAISE)
@blp.response(200, schemas.StatsTrends)
def trends(args):
    """By month: minors registered, visits done, reports (the last ``months`` months)."""
    last = args.get("date_to") or local_today()
    return service.trends(_target(args), args["months"], (last.year, last.month))


@blp.route("/scoreboard")
@supervisors
@blp.arguments(PeriodQuery, location="query", unknown=RAISE)
@blp.response(200, schemas.Scoreboard)
def assessment(args):
    """督导考核: villages and member units scored and ranked (weights in the answer)."""
    return scoreboard.scoreboard(_target(args), _period(args))


def _monthly(args: dict) -> dict:
    target = _target(args)
    period = Period.month(args["month"]) if args.get("month") else Period.of(None, None)
    if target.area is not None:
        name = target.area.name
    else:
        name = "、".join(area.name for area in target.roots) or "本辖区"
    return monthly.monthly(target, period, name)


@blp.route("/monthly")
@supervisors
@blp.arguments(MonthlyQuery, location="query", unknown=RAISE)
@blp.response(200, schemas.MonthlyReport)
def monthly_json(args):
    """The monthly report as JSON (the page and the workbook render the same document)."""
    return _monthly(args)


@blp.route("/monthly.html")
@supervisors
@blp.arguments(MonthlyQuery, location="query", unknown=RAISE)
@blp.doc(responses={"200": {"description": "a printable A4 page", "content": {"text/html": {}}}})
def monthly_html(args):
    """The monthly report as a printable page (A4, Chinese)."""
    return Response(monthly_page.render(_monthly(args)), mimetype="text/html")


@blp.route("/monthly.xlsx")
@supervisors
@blp.arguments(MonthlyQuery, location="query", unknown=RAISE)
@blp.doc(responses={"200": {"description": "the monthly report workbook", "content": {XLSX: {}}}})
def monthly_xlsx(args):
    """The monthly report as an Excel workbook."""
    report = _monthly(args)
    name = f"{report['area_name']}{report['month']}月报.xlsx"
    return send_file(monthly.workbook(report), mimetype=XLSX, as_attachment=True, download_name=name)
