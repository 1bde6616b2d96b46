"""Reports (强制报告/预警): who may file them, and their status steps with timestamps."""

from __future__ import annotations

from flask_smorest import abort

from server.accounts.models import REGISTRY_ROLES, SUPERVISOR_ROLES, Role
from server.areas.models import Area
from server.audit.service import audit
from server.changes import record_change
from server.clock import server_hlc
from server.db import utcnow
from server.extensions import db
from server.registry.models import Minor
from server.registry.service import FieldErrors, NotPermitted
from server.reports.models import MANDATORY_KINDS, REPORT_STATUSES, Report
from server.scope import Scope

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
        abort(404)
    return report


def _area_for(scope: Scope, area_id: int) -> Area:
    area = db.session.get(Area, area_id)
    reachable = area is not None and (scope.role == Role.sentinel or scope.covers(area.path))
    if not reachable:
        raise FieldErrors({"area_id": ["您的辖区内没有该区域 / No such area in your reach."]})
    return area


def create_report(scope: Scope, data: dict, hlc: str | None = None) -> Report:
    if scope.role not in (*REGISTRY_ROLES, Role.sentinel):
        raise NotPermitted({"_schema": ["您的角色不能上报 / Your role cannot file reports."]})
    area = _area_for(scope, data["area_id"])
    if data.get("minor_id"):
        minor = db.session.get(Minor, data["minor_id"])
        if minor is None or not scope.covers(minor.area_path):
            raise FieldErrors({"minor_id": ["您的辖区内没有该未成年人 / No such minor in your area."]})
    if "status" in data and data["status"] != "new":
        raise NotPermitted({"status": ["新报告的状态只能是 new / A new report starts as new."]})
    if "id" in data and db.session.get(Report, data["id"]) is not None:
        raise FieldErrors({"id": ["该编号已存在 / A record with this id exists."]})
    mandatory = data["kind"] in MANDATORY_KINDS
    report = Report(id=data.get("id"), reporter_id=scope.user.id, area_path=area.path, reported_at=utcnow())
    changes = {k: v for k, v in data.items() if k != "id"}
    changes.update(mandatory=mandatory, urgent=bool(data.get("urgent")) or mandatory, status="new")
    record_change(report, changes, hlc or server_hlc(), created=True, author=scope.user.id)
    db.session.add(report)
    db.session.flush()
    audit("create", "report", report.id, fields=changes, user_id=scope.user.id)
    return report


def update_report(scope: Scope, report: Report, changes: dict, hlc: str | None = None) -> Report:
    if scope.role not in SUPERVISOR_ROLES:
        raise NotPermitted({key: ["只有审核人可以处理报告 / Only a supervisor handles reports."] for key in changes})
    changes = {k: v for k, v in changes.items() if getattr(report, k) != v}
    if "area_id" in changes:
        report.area_path = _area_for(scope, changes["area_id"]).path
    if "kind" in changes:
        changes["mandatory"] = changes["kind"] in MANDATORY_KINDS
        changes["urgent"] = changes.get("urgent", report.urgent) or changes["mandatory"]
    status = changes.get("status")
    if status:
        if REPORT_STATUSES.index(status) < REPORT_STATUSES.index(report.status):
            raise FieldErrors({"status": ["报告状态不能倒退 / A report's status does not go back."]})
        stamp = STEP_TIMESTAMPS.get(status)
        if stamp and getattr(report, stamp) is None:
            setattr(report, stamp, utcnow())
    record_change(report, changes, hlc or server_hlc(), author=scope.user.id)
    audit("update", "report", report.id, fields=changes, user_id=scope.user.id)
    return report
