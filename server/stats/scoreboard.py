"""The assessment scoreboard (督导考核, plan 四(一)5): villages and member units, scored and ranked.

Each village gets five components, each a share between 0 and 1:

=================  ======  ==================================================================
component          weight  share
=================  ======  ==================================================================
visits             35      completion rate: done / (done + overdue)
high_risk          25      red and orange minors not overdue today / red and orange minors
reports            15      reports of the period first answered within the SLA / reports
referrals          10      referrals of the period answered (accepted or declined) within 72 h
sync               15      grid workers whose devices pushed in the last 7 days / workers
=================  ======  ==================================================================

A component without a denominator (no reports this month, no grid workers) is left out and
the other weights are scaled up, so a quiet village is neither rewarded nor punished for it.
score = 100 * sum(weight * share) / sum(weight of the components present), one decimal.
Rank 1 is the best; equal scores share a rank (1, 2, 2, 4); villages with no component at all
have no score and come last.

Member units (成员单位) are scored on the referrals they received in the period:
score = 100 * (0.6 * answered within 72 h / received + 0.4 * done / received).
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from server.accounts.models import UNITS, User, user_area
from server.areas.models import Area
from server.core.db import utcnow
from server.core.extensions import db
from server.core.roles import Role
from server.reports.models import Report
from server.stats import casework, figures
from server.stats.periods import Period
from server.stats.sql import count_if, median_by, path_at_depth
from server.stats.target import Target, area_wire
from server.sync_api.models import Device

VILLAGE_DEPTH = 2
WEIGHTS = {"visits": 35, "high_risk": 25, "reports": 15, "referrals": 10, "sync": 15}
SYNC_RECENT_DAYS = 7
UNIT_WEIGHTS = {"answered_in_time": 0.6, "done": 0.4}


def villages(target: Target) -> list[Area]:
    """Villages under the target, or the village the target is, ordered by path."""
    stmt = sa.select(Area).where(Area.level == "village", target.filter(Area.path)).order_by(Area.path)
    return list(db.session.scalars(stmt))


def share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def composite(components: dict[str, float | None], weights: dict[str, float]) -> float | None:
    present = {k: v for k, v in components.items() if v is not None}
    if not present:
        return None
    weight = sum(weights[k] for k in present)
    return round(100 * sum(weights[k] * v for k, v in present.items()) / weight, 1)


def rank(rows: list[dict]) -> list[dict]:
    """Best first; equal scores share a rank; rows without a score last, unranked."""
    rows.sort(key=lambda r: (r["score"] is None, -(r["score"] or 0)))  # stable: ties keep their order
    previous, place = None, 0
    for index, row in enumerate(rows, start=1):
        if row["score"] is None:
            row["rank"] = None
            continue
        if row["score"] != previous:
            place, previous = index, row["score"]
        row["rank"] = place
    return rows


def report_timing(target: Target, period: Period, sla: int) -> dict[str, dict]:
    village = path_at_depth(Report.area_path, VILLAGE_DEPTH)
    where = sa.and_(
        target.filter(Report.area_path),
        Report.deleted_at.is_(None),
        period.contains_instant(Report.reported_at),
    )
    seconds = casework.response_seconds()
    rows = db.session.execute(
        sa.select(village, sa.func.count(), count_if(seconds <= sla * 3600)).where(where).group_by(village)
    )
    out = {
        path: {"total": n, "within_sla": within, "median_response_hours": None} for path, n, within in rows
    }
    for path, median, _n in db.session.execute(median_by(village, seconds, where)):
        if path in out:
            out[path]["median_response_hours"] = casework.hours(median)
    return out


def referral_timing(target: Target, period: Period) -> dict[str, dict]:
    columns = casework.referral_columns()
    if columns is None or columns.answer_seconds() is None:
        return {}
    village = path_at_depth(columns.path, VILLAGE_DEPTH)
    where = columns.where(target, period)
    answer = columns.answer_seconds()
    in_time = count_if(answer <= casework.REFERRAL_ANSWER_HOURS * 3600)
    rows = db.session.execute(sa.select(village, sa.func.count(), in_time).where(where).group_by(village))
    out = {path: {"total": n, "answered_in_time": k, "median_handling_hours": None} for path, n, k in rows}
    handling = columns.done_seconds()
    if handling is not None:
        for path, median, _n in db.session.execute(median_by(village, handling, where)):
            if path in out:
                out[path]["median_handling_hours"] = casework.hours(median)
    return out


def sync_recency(target: Target, now: datetime) -> dict[str, dict]:
    """Per village: its grid workers, how many pushed lately, and the longest silence in days."""
    village = path_at_depth(Area.path, VILLAGE_DEPTH)
    last_push = (
        sa.select(Device.user_id, sa.func.max(Device.last_push_at).label("at"))
        .group_by(Device.user_id)
        .subquery()
    )
    rows = db.session.execute(
        sa.select(village, User.id, last_push.c.at)
        .join(user_area, user_area.c.area_id == Area.id)
        .join(User, User.id == user_area.c.user_id)
        .outerjoin(last_push, last_push.c.user_id == User.id)
        .where(User.role == Role.grid_worker, User.active.is_(True), target.filter(Area.path))
        .distinct()
    )
    out: dict[str, dict] = {}
    for path, _user_id, at in rows:
        row = out.setdefault(path, {"workers": 0, "recent": 0, "never": 0, "max_days_since_push": None})
        row["workers"] += 1
        if at is None:
            row["never"] += 1
            continue
        days = (now - at).days
        row["recent"] += days < SYNC_RECENT_DAYS
        row["max_days_since_push"] = max(row["max_days_since_push"] or 0, days)
    return out


def village_rows(target: Target, period: Period, now: datetime) -> list[dict]:
    def cut(column):
        return path_at_depth(column, VILLAGE_DEPTH)

    minor_rows = figures.minors(target, period, cut, categories=False)
    visit_rows = figures.visits(target, period, cut)
    sla = casework.sla_hours(target)
    reports = report_timing(target, period, sla)
    referrals = referral_timing(target, period)
    sync = sync_recency(target, now)
    rows = []
    for village in villages(target):
        m = minor_rows.get(village.path) or figures.empty_minors()
        v = visit_rows.get(village.path) or figures.empty_visits()
        r = reports.get(village.path, {"total": 0, "within_sla": 0, "median_response_hours": None})
        f = referrals.get(village.path, {"total": 0, "answered_in_time": 0, "median_handling_hours": None})
        s = sync.get(village.path, {"workers": 0, "recent": 0, "never": 0, "max_days_since_push": None})
        high_risk = m["minors_by_grade"]["red"] + m["minors_by_grade"]["orange"]
        overdue_high = m["overdue_by_grade"]["red"] + m["overdue_by_grade"]["orange"]
        components = {
            "visits": figures.completion_rate(v["done"], m["overdue"]),
            "high_risk": share(high_risk - overdue_high, high_risk),
            "reports": share(r["within_sla"], r["total"]),
            "referrals": share(f["answered_in_time"], f["total"]),
            "sync": share(s["recent"], s["workers"]),
        }
        rows.append(
            {
                "area": area_wire(village),
                "score": composite(components, WEIGHTS),
                "components": components,
                "visits": {
                    "due": m["due"],
                    "done": v["done"],
                    "overdue": m["overdue"],
                    "completion_rate": components["visits"],
                },
                "overdue_red": m["overdue_by_grade"]["red"],
                "overdue_orange": m["overdue_by_grade"]["orange"],
                "red_orange_total": high_risk,
                "reports": {**r, "sla_hours": sla},
                "referrals": f,
                "sync": s,
            }
        )
    return rank(rows)


def unit_rows(target: Target, period: Period) -> list[dict]:
    columns = casework.referral_columns()
    if columns is None:
        return []
    where = columns.where(target, period)
    answer = columns.answer_seconds()
    done_status = columns.status == "done"
    in_time = (
        count_if(answer <= casework.REFERRAL_ANSWER_HOURS * 3600) if answer is not None else sa.literal(0)
    )
    counts = db.session.execute(
        sa.select(columns.unit, sa.func.count(), in_time, count_if(done_status))
        .where(where)
        .group_by(columns.unit)
    )
    found = {unit: (n, k, d) for unit, n, k, d in counts}
    medians = {}
    if columns.done_seconds() is not None:
        medians = {
            u: m for u, m, _n in db.session.execute(median_by(columns.unit, columns.done_seconds(), where))
        }
    rows = []
    for unit in UNITS:
        received, answered_in_time, done = found.get(unit, (0, 0, 0))
        components = {"answered_in_time": share(answered_in_time, received), "done": share(done, received)}
        rows.append(
            {
                "unit": unit,
                "score": composite(components, UNIT_WEIGHTS),
                "components": components,
                "received": received,
                "answered_in_time": answered_in_time,
                "done": done,
                "median_handling_hours": casework.hours(medians.get(unit)),
            }
        )
    return rank(rows)


def scoreboard(target: Target, period: Period, now: datetime | None = None) -> dict:
    now = now or utcnow()
    return {
        "area": target.to_wire(),
        "period": period.to_wire(),
        "weights": WEIGHTS,
        "unit_weights": UNIT_WEIGHTS,
        "sync_recent_days": SYNC_RECENT_DAYS,
        "referrals_available": casework.referral_columns() is not None,
        "villages": village_rows(target, period, now),
        "units": unit_rows(target, period),
    }
