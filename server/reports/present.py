"""What each reader sees of a report: its SLA always; registry roles the names behind the ids,
supervisors the referrals made of it; a sentinel only what it filed and how far it has gone."""

from __future__ import annotations

from datetime import datetime

from server.accounts.models import User
from server.areas.models import Area
from server.core.events import presenting_reports
from server.core.pagination import as_dict, by_id
from server.core.roles import REGISTRY_ROLES
from server.core.scope import Scope
from server.registry.models import Minor
from server.reports.models import Report
from server.reports.schemas import ReportOut
from server.reports.sla import sla


def present(scope: Scope, reports: list[Report], now: datetime | None = None) -> list[dict]:
    registry = scope.role in REGISTRY_ROLES
    areas = by_id(Area, (r.area_id for r in reports))
    minors = by_id(Minor, (r.minor_id for r in reports)) if registry else {}
    reporters = by_id(User, (r.reporter_id for r in reports)) if registry else {}
    extras = [answer for _listener, answer in presenting_reports.send(scope, reports=reports)]
    items = []
    for report in reports:
        item = {**as_dict(report, ReportOut), **sla(report, now)}
        area = areas.get(report.area_id)
        item["area_name"] = area.name if area else None
        if registry:
            minor, reporter = minors.get(report.minor_id), reporters.get(report.reporter_id)
            item["minor_name"] = minor.name if minor and not minor.deleted else None
            item["reporter_display_name"] = reporter.display_name if reporter else None
        else:
            del item["minor_id"]  # the registry's link is not the sentinel's to follow
        for extra in extras:
            item.update(extra.get(report.id, {}))
        items.append(item)
    return items
