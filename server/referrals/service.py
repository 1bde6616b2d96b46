"""Referrals (转介): supervisors send a case to a member unit; the unit's liaison answers step by step.

A liaison sees only the minimum of the case (present.py); supervisors see their area's referrals.
"""

from __future__ import annotations

import sqlalchemy as sa

from server.audit.service import audit
from server.core.changes import record_change
from server.core.clock import server_hlc
from server.core.db import utcnow
from server.core.errors import FieldErrors, NotFound, NotPermitted
from server.core.events import minors_moved, presenting_reports, report_mandatory, reports_moved
from server.core.extensions import db
from server.core.roles import SUPERVISOR_ROLES, Role
from server.core.scope import Scope
from server.core.search import search
from server.notifications import labels
from server.notifications.service import Subject, liaisons_of, notify, supervisors_of
from server.referrals.models import NEXT_STATUSES, STEP_TIMESTAMPS, Referral, ReferralEvent
from server.registry.models import Minor
from server.reports.models import Report
from server.reports.service import update_report

NOTE_REQUIRED = {
    "in_progress": "请填写进展情况 / Say what has been done so far.",
    "done": "请填写办理结果 / Say what the outcome is.",
    "declined": "请说明退回原因 / Say why the unit declines.",
}
OPEN = ("sent", "accepted", "in_progress")


def may_read(scope: Scope, referral: Referral) -> bool:
    """Supervisors: the referrals of their area; a liaison: those to its unit, within its areas."""
    if scope.role == Role.unit_liaison:
        return (
            bool(scope.user.unit) and referral.to_unit == scope.user.unit and scope.covers(referral.area_path)
        )
    return scope.role in SUPERVISOR_ROLES and scope.covers(referral.area_path)


def get_referral(scope: Scope, referral_id: str) -> Referral:
    referral = db.session.get(Referral, referral_id)
    if referral is None or not may_read(scope, referral):
        raise NotFound()
    return referral


def referral_query(scope: Scope, **filters) -> sa.Select:
    stmt = sa.select(Referral).where(scope.filter(Referral.area_path))
    if scope.role == Role.unit_liaison:
        stmt = stmt.where(Referral.to_unit == (scope.user.unit or ""))
    for name in ("status", "to_unit", "report_id", "minor_id"):
        if filters.get(name):
            stmt = stmt.where(getattr(Referral, name) == filters[name])
    if filters.get("q"):
        stmt = stmt.outerjoin(Report, Report.id == Referral.report_id).outerjoin(
            Minor, Minor.id == Referral.minor_id
        )
        stmt = search(
            stmt,
            filters["q"],
            Minor.name,
            Minor.name_pinyin,
            Report.child_name,
            Report.child_name_pinyin,
            Report.place,
            Referral.reason,
            Report.description,
        )
    waiting = sa.case((Referral.status.in_(OPEN), 0), else_=1)
    return stmt.order_by(waiting, Referral.sent_at.desc(), Referral.id)


def _report_for(scope: Scope, report_id: str) -> Report:
    report = db.session.get(Report, report_id)
    if report is None or report.deleted or not scope.covers(report.area_path):
        raise FieldErrors({"report_id": ["您的辖区内没有该报告 / No such report in your area."]})
    return report


def _minor_for(scope: Scope, minor_id: str) -> Minor:
    minor = db.session.get(Minor, minor_id)
    if minor is None or minor.deleted or not scope.covers(minor.area_path):
        raise FieldErrors({"minor_id": ["您的辖区内没有该未成年人 / No such minor in your area."]})
    return minor


def send_referral(scope: Scope, data: dict) -> Referral:
    """A supervisor refers a report or a minor of the area; a report moves on to "referred"."""
    if scope.role not in SUPERVISOR_ROLES:
        raise NotPermitted({"_schema": ["只有村(社)或街道可以转介 / Only a supervisor refers cases."]})
    report = _report_for(scope, data["report_id"]) if data.get("report_id") else None
    minor_id = data.get("minor_id") or (report.minor_id if report else None)
    if report and report.minor_id and minor_id != report.minor_id:
        raise FieldErrors({"minor_id": ["与报告所涉未成年人不一致 / Not the minor of the report."]})
    minor = _minor_for(scope, minor_id) if minor_id else None
    _not_twice(report, minor, data["to_unit"])
    referral = _create(
        report,
        minor,
        data["to_unit"],
        data["reason"].strip(),
        sent_by=scope.user.id,
        area_path=report.area_path if report else minor.area_path,
    )
    if report is not None and report.status in ("new", "acknowledged"):
        update_report(scope, report, {"status": "referred"})
    return referral


def _not_twice(report: Report | None, minor: Minor | None, unit: str) -> None:
    """One case goes to one unit once: a report's referral that the unit has not declined (the
    automatic one to the police included), or a minor's open referral without a report."""
    stmt = sa.select(Referral.id).where(Referral.to_unit == unit)
    if report is not None:
        stmt = stmt.where(Referral.report_id == report.id, Referral.status != "declined")
    else:
        stmt = stmt.where(
            Referral.report_id.is_(None), Referral.minor_id == minor.id, Referral.status.in_(OPEN)
        )
    if db.session.scalar(stmt.limit(1)) is not None:
        unit_zh, unit_en = labels.zh(labels.UNITS, unit), labels.en(labels.UNITS, unit)
        raise FieldErrors(
            {
                "to_unit": [
                    f"已转介给{unit_zh}，请在原转介中跟进 / Already referred to the {unit_en}: follow that referral."
                ]
            }
        )


@minors_moved.connect
def follow_minors(_sender, minor_ids: list[str], area_path: str) -> None:
    """A referral lives where the child it is about lives."""
    if minor_ids:
        _follow(Referral.minor_id.in_(minor_ids), area_path)


@reports_moved.connect
def follow_reports(_sender, report_ids: list[str], area_path: str) -> None:
    """A referral of a report that names no child lives where the report lives."""
    if report_ids:
        _follow(sa.and_(Referral.minor_id.is_(None), Referral.report_id.in_(report_ids)), area_path)


def _follow(which: sa.ColumnElement[bool], area_path: str) -> None:
    for referral in db.session.scalars(sa.select(Referral).where(which, Referral.area_path != area_path)):
        referral.area_path = area_path


@report_mandatory.connect
def refer_to_police(report: Report) -> None:
    """Once per report: the police get it as a referral, whoever files it and however it arrives."""
    sent = db.session.scalar(
        sa.select(Referral.id).where(Referral.report_id == report.id, Referral.to_unit == "police").limit(1)
    )
    if sent is None:
        kind_zh, kind_en = (
            labels.zh(labels.REPORT_KINDS, report.kind),
            labels.en(labels.REPORT_KINDS, report.kind),
        )
        refer_automatically(report, f"强制报告：{kind_zh} / Mandatory report: {kind_en}")


@presenting_reports.connect
def referrals_of_reports(scope: Scope, reports: list[Report]) -> dict[str, dict]:
    """Supervisors see the referrals made of each report they read."""
    if scope.role not in SUPERVISOR_ROLES or not reports:
        return {}
    made: dict[str, list[dict]] = {report.id: [] for report in reports}
    rows = db.session.scalars(
        sa.select(Referral).where(Referral.report_id.in_(list(made))).order_by(Referral.sent_at)
    )
    for row in rows:
        made[row.report_id].append(
            {"id": row.id, "to_unit": row.to_unit, "status": row.status, "automatic": row.automatic}
        )
    return {report_id: {"referrals": items} for report_id, items in made.items()}


def refer_automatically(report: Report, reason: str) -> Referral:
    """A mandatory report goes to the police at once (未成年人保护法 第11条), sent by the system."""
    return _create(report, None, "police", reason, sent_by=None, area_path=report.area_path, automatic=True)


def _create(
    report: Report | None,
    minor: Minor | None,
    unit: str,
    reason: str,
    *,
    sent_by: int | None,
    area_path: str,
    automatic: bool = False,
) -> Referral:
    referral = Referral(
        report_id=report.id if report else None,
        minor_id=minor.id if minor else (report.minor_id if report else None),
        to_unit=unit,
        reason=reason,
        status="sent",
        sent_by=sent_by,
        area_path=area_path,
        automatic=automatic,
    )
    db.session.add(referral)
    db.session.flush()
    db.session.add(
        ReferralEvent(referral_id=referral.id, from_status=None, to_status="sent", note=reason, by=sent_by)
    )
    notify(
        liaisons_of(unit, area_path),
        "referral_received",
        f"新的转介案件（{labels.zh(labels.UNITS, unit)}）/ New referral to the {labels.en(labels.UNITS, unit)}",
        reason,
        f"#/referrals/{referral.id}",
        about=_subject(referral),
    )
    audit(
        "create",
        "referral",
        referral.id,
        fields=["to_unit", "reason"],
        user_id=sent_by,
        extra={"report_id": referral.report_id, "automatic": automatic},
    )
    return referral


def respond(scope: Scope, referral: Referral, status: str, note: str | None) -> Referral:
    """The unit's liaison takes the next step; each step is kept and its sender told."""
    if scope.role != Role.unit_liaison:
        raise NotPermitted(
            {"status": ["只有接收单位可以办理转介 / Only the receiving unit answers a referral."]}
        )
    note = (note or "").strip() or None
    if status not in NEXT_STATUSES[referral.status]:
        raise FieldErrors(
            {
                "status": [
                    f"当前状态为 {referral.status}，不能改为 {status} / "
                    f"A referral that is {referral.status} cannot become {status}."
                ]
            }
        )
    if status in NOTE_REQUIRED and not note:
        raise FieldErrors({"response": [NOTE_REQUIRED[status]]})
    now = utcnow()
    stamp = STEP_TIMESTAMPS[status]
    changes = {"status": status}
    if getattr(referral, stamp) is None:
        changes[stamp] = now
    if note:
        changes["response"] = note
    db.session.add(
        ReferralEvent(
            referral_id=referral.id,
            from_status=referral.status,
            to_status=status,
            note=note,
            by=scope.user.id,
            at=now,
        )
    )
    record_change(referral, changes, server_hlc(), author=scope.user.id)  # phones of its place hear of it
    status_zh, status_en = (
        labels.zh(labels.REFERRAL_STATUSES, status),
        labels.en(labels.REFERRAL_STATUSES, status),
    )
    unit_zh, unit_en = labels.zh(labels.UNITS, referral.to_unit), labels.en(labels.UNITS, referral.to_unit)
    notify(
        [referral.sent_by] if referral.sent_by else supervisors_of(referral.area_path),
        "referral_updated",
        f"转介进展：{unit_zh}{status_zh} / Referral {status_en} by the {unit_en}",
        note,
        f"#/referrals/{referral.id}",
        about=_subject(referral),
    )
    audit(
        "respond",
        "referral",
        referral.id,
        fields=["status", "response"],
        user_id=scope.user.id,
        extra={"status": status},
    )
    return referral


def _subject(referral: Referral) -> Subject:
    return Subject(referral.area_path, minor_id=referral.minor_id, report_id=referral.report_id)


def events(referral: Referral) -> list[ReferralEvent]:
    return list(
        db.session.scalars(
            sa.select(ReferralEvent)
            .where(ReferralEvent.referral_id == referral.id)
            .order_by(ReferralEvent.id)
        )
    )
