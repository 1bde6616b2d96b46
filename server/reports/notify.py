"""An urgent report is heard at once: the village officer(s) and street admins in the app, and the
webhook (SMS gateway, duty phone). The police referral of a mandatory report is the referrals
domain's, on the ``report_mandatory`` event."""

from __future__ import annotations

from flask import current_app

from server.areas.models import Area
from server.core.extensions import db
from server.notifications import labels, webhook
from server.notifications.service import Subject, notify, supervisors_of
from server.reports.models import Report
from server.reports.sla import first_response_due


def link_to(report: Report) -> str:
    base = (current_app.config.get("HUMIAO_PUBLIC_URL") or "").rstrip("/")
    return f"{base}/#/reports/{report.id}" if base else f"#/reports/{report.id}"


def webhook_payload(report: Report, area: Area | None) -> dict:
    """What leaves the system: no child's name, no description, only enough to make someone look."""
    kind_zh, kind_en = (
        labels.zh(labels.REPORT_KINDS, report.kind),
        labels.en(labels.REPORT_KINDS, report.kind),
    )
    place = area.name if area else ""
    return {
        "event": "urgent_report",
        "id": report.id,
        "kind": report.kind,
        "kind_label": f"{kind_zh} / {kind_en}",
        "mandatory": report.mandatory,
        "urgency": "urgent",
        "area": {"id": area.id, "code": area.code, "name": area.name, "level": area.level} if area else None,
        "reported_at": report.reported_at.isoformat(),
        "first_response_due": first_response_due(report).isoformat(),
        "link": link_to(report),
        "text": f"【护苗】{place}收到紧急报告：{kind_zh}，请立即处置。",
    }


def on_urgent(report: Report) -> None:
    area = db.session.get(Area, report.area_id)
    kind_zh, kind_en = (
        labels.zh(labels.REPORT_KINDS, report.kind),
        labels.en(labels.REPORT_KINDS, report.kind),
    )
    notify(
        supervisors_of(report.area_path),
        "urgent_report",
        f"紧急报告：{kind_zh}（{area.name if area else ''}）/ Urgent report: {kind_en}",
        report.description[:300],
        f"#/reports/{report.id}",
        about=Subject(report.area_path, minor_id=report.minor_id, report_id=report.id),
    )
    webhook.queue("urgent_report", report.id, webhook_payload(report, area))
