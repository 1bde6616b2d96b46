"""A handful of reports (强制报告/预警) about the demo street's children at risk, in every status."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from server.accounts.models import User
from server.core.scope import Scope
from server.demo.names import record_id
from server.reports.models import REPORT_STATUSES, Report
from server.reports.schemas import ReportCreate
from server.reports.service import create_report, update_report


@dataclass(frozen=True)
class ReportSpec:
    tag: str | None  # the child trait the report is about; None: a child not yet registered
    source: str
    reporter: str | None  # username of the reporter; None: the grid's worker, or the office
    kind: str
    urgent: bool
    status: str
    days_ago: int
    description: str


REPORTS = (
    ReportSpec(
        "abuse_suspected",
        "school",
        "sentinel1",
        "injury_malnutrition_abuse",
        True,
        "referred",
        20,
        "班主任发现该生手臂、背部有多处新旧淤青，询问时孩子称是继父所打，情绪紧张。",
    ),
    ReportSpec(
        "abuse_suspected",
        "grid_worker",
        None,
        "injury_malnutrition_abuse",
        True,
        "acknowledged",
        3,
        "入户走访时发现孩子面部红肿，奶奶称孩子被父亲酒后殴打。",
    ),
    ReportSpec(
        "no_guardian",
        "community",
        "sentinel3",
        "abandoned_no_care",
        True,
        "new",
        1,
        "邻居反映孩子独自在家已一月有余，爷爷去世后无人照料，经常吃不上饭。",
    ),
    ReportSpec(
        "self_harm",
        "hotline",
        None,
        "other",
        True,
        "resolved",
        45,
        "12355青少年服务热线转来：孩子在社交平台发布自伤图片，家长求助，已联系心理老师干预。",
    ),
    ReportSpec(
        "runaway",
        "family",
        "sentinel2",
        "runaway",
        True,
        "resolved",
        60,
        "孩子与家人争吵后离家出走两天，家属报警，已由派出所找回。",
    ),
    ReportSpec(
        "bullying",
        "school",
        "sentinel1",
        "bullying",
        False,
        "closed",
        120,
        "该生多次被高年级学生索要零花钱并推搡，学校已约谈双方家长。",
    ),
    ReportSpec(
        "neglect",
        "social_org",
        "sentinel4",
        "neglect",
        False,
        "acknowledged",
        9,
        "社工走访发现孩子衣着单薄、头发长期未清洗，监护人经常外出打牌。",
    ),
    ReportSpec(
        None,
        "hotline",
        None,
        "organised_begging",
        True,
        "referred",
        6,
        "群众来电反映：城关集市连续几天有成年人带两名约七八岁的儿童乞讨，疑似组织乞讨。",
    ),
)

# Hours from one step to the next: acknowledged, referred, resolved, closed.
STEP_HOURS = {"acknowledged": 2, "referred": 20, "resolved": 24 * 10, "closed": 24 * 3}


def add_reports(
    rng: random.Random, minors_by_tag: dict, users: dict, area_rows: dict, scope_of: Callable[[User], Scope]
) -> list[Report]:
    """File the reports and take each through its steps, as reporters and the office did.

    ``minors_by_tag`` maps a child trait to [(minor, grid area, grid worker)]. A sentinel sees
    nothing of the registry and reports into its own area, so its report names the child only
    in words; the office links the registered minor when it acknowledges the report, and the
    report then lives where the child does.
    """
    now = datetime.now(UTC)
    admin = users["admin"]
    schema = ReportCreate()
    used: dict[str, int] = {}
    reports = []
    for spec in REPORTS:
        if spec.tag:
            candidates = minors_by_tag.get(spec.tag, [])
            if not candidates:
                continue
            minor, area, worker = candidates[used.get(spec.tag, 0) % len(candidates)]
            used[spec.tag] = used.get(spec.tag, 0) + 1
        else:
            minor, area, worker = None, area_rows["V3"], None  # the market is in the community
        # A hotline call is written down by the street office.
        reporter = (
            users[spec.reporter] if spec.reporter else worker if spec.source == "grid_worker" else admin
        )
        if reporter.role == "sentinel":
            area = reporter.areas[0]  # where the school or centre is; the child's place comes with the link
        data = {
            "id": record_id(rng),
            "source": spec.source,
            "area_id": area.id,
            "kind": spec.kind,
            "urgent": spec.urgent,
            "description": spec.description,
            "reporter_name": "匿名来电" if spec.source == "hotline" else reporter.display_name,
            "reporter_phone": None if spec.source == "hotline" else reporter.phone,
        }
        if minor and reporter.role != "sentinel":
            data["minor_id"] = minor.id
        report = create_report(scope_of(reporter), schema.load(data))
        report.reported_at = report.created_at = now - timedelta(days=spec.days_ago, hours=rng.randint(1, 8))
        at = report.reported_at
        for step in REPORT_STATUSES[1 : REPORT_STATUSES.index(spec.status) + 1]:
            changes = {"status": step}
            if step == "acknowledged" and minor and not report.minor_id:
                changes["minor_id"] = minor.id
            update_report(scope_of(admin), report, changes)
            at = min(at + timedelta(hours=STEP_HOURS[step] * rng.uniform(0.5, 1.5)), now)
            setattr(report, f"{step}_at", at)
        reports.append(report)
    return reports
