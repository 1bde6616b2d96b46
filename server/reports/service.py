"""Reports (强制报告/预警): who may file them, and their status steps with timestamps."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from server.accounts.models import SENTINEL_KINDS
from server.areas.models import Area
from server.audit.service import audit
from server.core.changes import record_change
from server.core.clock import server_hlc
from server.core.db import id_taken, utcnow
from server.core.errors import FieldErrors, NotFound, NotPermitted
from server.core.events import minors_moved, report_mandatory, reports_moved
from server.core.extensions import db
from server.core.roles import REGISTRY_ROLES, SUPERVISOR_ROLES, Role
from server.core.scope import Scope
from server.core.search import search
from server.registry.models import Minor
from server.reports import notify
from server.reports.models import MANDATORY_KINDS, REPORT_STATUSES, Report
from server.reports.sla import response_hours

OPEN_STATUSES = ("new", "acknowledged", "referred")
HOTLINE_BY_STREET = {"source": ["12345热线报告由街道录入 / Hotline reports are entered by the street."]}
STEP_TIMESTAMPS = {
    "acknowledged": "acknowledged_at",
    "referred": "referred_at",
    "resolved": "resolved_at",
    "closed": "closed_at",
}


def may_read(scope: Scope, report: Report) -> bool:
    if scope.role == Role.sentinel:
        return report.reporter_id == scope.user.id  # a sentinel follows its own reports only
    return scope.role in REGISTRY_ROLES and scope.covers(report.area_path)


def get_report(scope: Scope, report_id: str) -> Report:
    report = db.session.get(Report, report_id)
    if report is None or report.deleted or not may_read(scope, report):
        raise NotFound()
    return report


def _area_for(scope: Scope, area_id: int, location: str = "json") -> Area:
    """An area of the caller's own (a sentinel's too: it reports only into its areas)."""
    area = db.session.get(Area, area_id)
    if area is None or not scope.covers(area.path):
        raise FieldErrors({"area_id": ["您的辖区内没有该区域 / No such area in your reach."]}, location)
    return area


def _minor_in_scope(scope: Scope, minor_id: str) -> None:
    minor = db.session.get(Minor, minor_id)
    if minor is None or minor.deleted or not scope.covers(minor.area_path):
        raise FieldErrors({"minor_id": ["您的辖区内没有该未成年人 / No such minor in your area."]})


def place_of(report: Report) -> str:
    """Where a report lives: with the child it names, wherever the child is now; else where it was filed."""
    minor = db.session.get(Minor, report.minor_id) if report.minor_id else None
    if minor is not None:
        return minor.area_path
    return db.session.get(Area, report.area_id).path


def _relocate(report: Report) -> None:
    place = place_of(report)
    if report.area_path != place:
        report.area_path = place
        reports_moved.send(None, report_ids=[report.id], area_path=place)


@minors_moved.connect
def follow_minors(_sender, minor_ids: list[str], area_path: str) -> None:
    """A report that names a child lives where the child lives."""
    if not minor_ids:
        return
    reports = db.session.scalars(sa.select(Report).where(Report.minor_id.in_(minor_ids))).all()
    for report in reports:
        if report.area_path != area_path:
            report.area_path = area_path
    if reports:
        reports_moved.send(None, report_ids=[report.id for report in reports], area_path=area_path)


def source_for(scope: Scope, source: str | None) -> str:
    """Who may say where a report comes from: sentinels their kind of place, the street the hotline."""
    if scope.role == Role.sentinel:
        source = source or scope.user.sentinel_kind or "community"
        if source not in SENTINEL_KINDS:
            raise FieldErrors(
                {"source": ["哨点只能以哨点类型上报 / A sentinel reports as its kind of place."]}
            )
    source = source or "grid_worker"
    if source == "hotline" and scope.role != Role.street_admin:
        raise NotPermitted(HOTLINE_BY_STREET)
    return source


def create_report(scope: Scope, data: dict, hlc: str | None = None) -> Report:
    if scope.role not in (*REGISTRY_ROLES, Role.sentinel):
        raise NotPermitted({"_schema": ["您的角色不能上报 / Your role cannot file reports."]})
    area = _area_for(scope, data["area_id"])
    data = {**data, "source": source_for(scope, data.get("source"))}
    if data.get("minor_id"):
        _minor_in_scope(scope, data["minor_id"])
    if "status" in data and data["status"] != "new":
        raise NotPermitted({"status": ["新报告的状态只能是 new / A new report starts as new."]})
    if "id" in data and id_taken(db.session, Report, data["id"]):
        raise FieldErrors({"id": ["该编号已存在 / A record with this id exists."]})
    mandatory = data["kind"] in MANDATORY_KINDS
    report = Report(id=data.get("id"), reporter_id=scope.user.id, area_path=area.path, reported_at=utcnow())
    changes = {k: v for k, v in data.items() if k != "id"}
    changes.update(mandatory=mandatory, urgent=bool(data.get("urgent")) or mandatory, status="new")
    record_change(report, changes, hlc or server_hlc(), created=True, author=scope.user.id)
    report.area_path = place_of(report)
    db.session.add(report)
    db.session.flush()
    audit("create", "report", report.id, fields=changes, user_id=scope.user.id)
    if report.urgent:
        notify.on_urgent(report)
    if report.mandatory:
        report_mandatory.send(report)
    return report


def update_report(scope: Scope, report: Report, changes: dict, hlc: str | None = None) -> Report:
    if scope.role not in SUPERVISOR_ROLES:
        raise NotPermitted(
            {key: ["只有审核人可以处理报告 / Only a supervisor handles reports."] for key in changes}
        )
    changes = {k: v for k, v in changes.items() if getattr(report, k) != v}
    was_urgent, was_mandatory = report.urgent, report.mandatory
    if "area_id" in changes:
        _area_for(scope, changes["area_id"])
    if changes.get("minor_id"):
        _minor_in_scope(scope, changes["minor_id"])
    if "source" in changes and changes["source"] == "hotline" and scope.role != Role.street_admin:
        raise NotPermitted(HOTLINE_BY_STREET)
    mandatory = changes.get("kind", report.kind) in MANDATORY_KINDS
    if "kind" in changes:
        changes["mandatory"] = mandatory
        changes["urgent"] = changes.get("urgent", report.urgent) or mandatory
    if changes.get("urgent") is False and mandatory:
        raise FieldErrors({"urgent": ["强制报告情形始终为紧急 / A mandatory report is always urgent."]})
    if changes.get("status"):
        _step(report, changes["status"])
    record_change(report, changes, hlc or server_hlc(), author=scope.user.id)
    _relocate(report)
    audit("update", "report", report.id, fields=changes, user_id=scope.user.id)
    if report.urgent and not was_urgent:
        notify.on_urgent(report)
    if report.mandatory and not was_mandatory:
        report_mandatory.send(report)
    return report


def _step(report: Report, status: str) -> None:
    """Forward only; a step taken past others stamps them too (acknowledging is the first response)."""
    target = REPORT_STATUSES.index(status)
    if target < REPORT_STATUSES.index(report.status):
        raise FieldErrors({"status": ["报告状态不能倒退 / A report's status does not go back."]})
    now = utcnow()
    for step in REPORT_STATUSES[1 : target + 1]:
        stamp = STEP_TIMESTAMPS[step]
        if getattr(report, stamp) is None:
            setattr(report, stamp, now)


def report_query(scope: Scope, now: datetime | None = None, **filters) -> sa.Select:
    """My reports (sentinels) or my area's (registry roles): new ones first, urgent first, newest first."""
    if scope.role == Role.sentinel:
        stmt = sa.select(Report).where(Report.reporter_id == scope.user.id)
    else:
        stmt = sa.select(Report).where(scope.filter(Report.area_path))
    stmt = stmt.where(Report.deleted_at.is_(None))
    for name in ("status", "kind", "source", "minor_id", "urgent", "mandatory"):
        if filters.get(name) is not None:
            stmt = stmt.where(getattr(Report, name) == filters[name])
    if filters.get("area_id") is not None and scope.role != Role.sentinel:
        area = _area_for(scope, filters["area_id"], location="query")
        stmt = stmt.where(Report.area_path.startswith(area.path, autoescape=True))
    if filters.get("open"):
        stmt = stmt.where(Report.status.in_(OPEN_STATUSES))
    if filters.get("q") and scope.role != Role.sentinel:
        stmt = stmt.outerjoin(Minor, Minor.id == Report.minor_id)
        stmt = search(
            stmt,
            filters["q"],
            Report.child_name,
            Report.child_name_pinyin,
            Minor.name,
            Minor.name_pinyin,
            Report.place,
            Report.reporter_name,
            Report.description,
        )
    if filters.get("overdue"):
        hours = response_hours(scope.paths[0] if scope.paths else None)
        stmt = stmt.where(
            Report.acknowledged_at.is_(None), Report.reported_at < (now or utcnow()) - timedelta(hours=hours)
        )
    waiting = sa.case((Report.status == "new", 0), else_=1)
    return stmt.order_by(waiting, Report.urgent.desc(), Report.reported_at.desc(), Report.id)
