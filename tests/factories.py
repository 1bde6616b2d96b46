"""The shared test street and one factory per kind of record.

Areas, users, households, minors, visits, measures and notifications are made through the real
services. Reports, referrals, devices and conflicts are built as rows: the tests that need them
set timestamps and states the services would stamp themselves (a report filed 40 days ago, a
referral answered after 100 hours) and want none of the services' side effects (alerts,
automatic referrals).

Street S1 > villages V1, V2 > groups V1G1, V2G1 > grids V1G1W1, V1G1W2, V2G1W1.
Users (password demo-password-1): admin (street), village1 (V1), village2 (V2), worker1 (V1G1W1),
worker2 (V1G1W2), worker3 (V2G1W1), sentinel1 (a school in V1), police1 and school1 (liaisons of S1).
"""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

from server.accounts.models import User
from server.accounts.service import create_user
from server.areas.models import Area
from server.areas.service import create_area
from server.core.extensions import db
from server.core.scope import Scope
from server.measures import service as measures
from server.notifications.models import Notification
from server.notifications.service import notify
from server.referrals.models import Referral
from server.registry import service as registry
from server.registry.models import Minor
from server.reports.models import MANDATORY_KINDS, Report
from server.sync_api.models import ConflictRecord, Device
from server.visits import service as visits

PASSWORD = "demo-password-1"

AREAS = [
    ("S1", "城关街道", "street", None),
    ("V1", "红旗村", "village", "S1"),
    ("V1G1", "红旗村一组", "group", "V1"),
    ("V1G1W1", "红旗村一组一网格", "grid", "V1G1"),
    ("V1G1W2", "红旗村一组二网格", "grid", "V1G1"),
    ("V2", "龙泉村", "village", "S1"),
    ("V2G1", "龙泉村一组", "group", "V2"),
    ("V2G1W1", "龙泉村一组一网格", "grid", "V2G1"),
]

USERS = [
    dict(username="admin", role="street_admin", areas=["S1"], display_name="街道管理员"),
    dict(username="village1", role="village_officer", areas=["V1"], display_name="李秀英"),
    dict(username="village2", role="village_officer", areas=["V2"], display_name="赵丽"),
    dict(username="worker1", role="grid_worker", areas=["V1G1W1"], display_name="王建国"),
    dict(username="worker2", role="grid_worker", areas=["V1G1W2"], display_name="陈芳"),
    dict(username="worker3", role="grid_worker", areas=["V2G1W1"], display_name="刘洋"),
    dict(
        username="sentinel1", role="sentinel", areas=["V1"], sentinel_kind="school", display_name="红旗小学"
    ),
    dict(username="police1", role="unit_liaison", areas=["S1"], unit="police", display_name="城关派出所"),
    dict(username="school1", role="unit_liaison", areas=["S1"], unit="school", display_name="城关二中"),
]


def build_world() -> None:
    for code, name, level, parent in AREAS:
        make_area(code, name, level, parent)
    for spec in USERS:
        make_user(**spec)


def world_index() -> dict:
    areas = {a.code: a.id for a in db.session.scalars(sa.select(Area))}
    users = {u.username: u.id for u in db.session.scalars(sa.select(User))}
    return {"areas": areas, "users": users}


def user(username: str) -> User:
    return db.session.scalar(sa.select(User).where(User.username == username))


def area(code: str) -> Area:
    return db.session.scalar(sa.select(Area).where(Area.code == code))


# Numbers for what must be unique (addresses, ID numbers). The addresses are on 工厂路, a road no
# test writes, so that no edit a test makes ever equals a value already there.
_numbers = itertools.count(1)


def make_area(code: str, name: str | None = None, level: str = "grid", parent: str | None = "V1G1") -> Area:
    return create_area(code, name or code, level, parent)


def make_user(username: str, role: str = "grid_worker", areas=("V1G1W1",), **fields) -> User:
    return create_user(username=username, password=PASSWORD, role=role, areas=list(areas), **fields)


def valid_id_number(birth: date, region: str = "520102") -> str:
    from server.registry.idnumber import check_char

    first17 = f"{region}{birth:%Y%m%d}{next(_numbers) % 1000:03d}"
    return first17 + check_char(first17)


def make_household(username: str = "worker1", grid: str | None = None, **fields):
    owner = user(username)
    grid_id = area(grid).id if grid else owner.areas[0].id
    data = {"grid_id": grid_id, "address": f"工厂路{next(_numbers)}号", "head_name": "张大山", **fields}
    return registry.create_household(Scope.of(owner), data)


def make_minor(household, username: str = "worker1", **fields):
    data = {
        "household_id": household.id,
        "name": "张小明",
        "gender": "male",
        "birth_date": date(2014, 5, 20),
        **fields,
    }
    return registry.create_minor(Scope.of(user(username)), data)


def make_visit(minor, username: str = "worker1", **fields):
    data = {"minor_id": minor.id, "visited_at": datetime.now(UTC), "kind": "home", **fields}
    return visits.create_visit(Scope.of(user(username)), data)


def make_report(
    area_code: str = "V1G1W1",
    reported_at: datetime | None = None,
    *,
    urgent: bool = False,
    first_response_hours: float | None = None,
    **fields,
) -> Report:
    """A report of that area (or, naming a child, of the child's); with first_response_hours,
    acknowledged that long after it came in."""
    target = area(area_code)
    kind = fields.pop("kind", MANDATORY_KINDS[0] if urgent else "bullying")
    reported_at = reported_at or datetime.now(UTC)
    named = db.session.get(Minor, fields["minor_id"]) if fields.get("minor_id") else None
    data = {
        "source": "school",
        "area_id": target.id,
        "area_path": named.area_path if named else target.path,  # a report lives with the child it names
        "kind": kind,
        "mandatory": kind in MANDATORY_KINDS,
        "urgent": urgent,
        "description": "测试报告",
        "status": "new",
        "reported_at": reported_at,
        **fields,
    }
    report = Report(**data)
    if first_response_hours is not None:
        report.status = "acknowledged"
        report.acknowledged_at = reported_at + timedelta(hours=first_response_hours)
    db.session.add(report)
    db.session.flush()
    return report


def make_referral(minor: Minor, to_unit: str = "civil_affairs", **fields) -> Referral:
    data = {"reason": "申请救助", "area_path": minor.area_path, **fields}
    referral = Referral(minor_id=minor.id, to_unit=to_unit, **data)
    db.session.add(referral)
    db.session.flush()
    return referral


def make_measure(minor: Minor, username: str = "village1", **fields):
    data = {"kind": "living_aid", "description": "临时救助", "responsible_unit": "civil_affairs", **fields}
    return measures.create_measure(Scope.of(user(username)), minor, data)


def make_notification(username: str = "worker1", kind: str = "visit_returned", **fields) -> Notification:
    data = {"title": "测试通知", "body": None, "link": None, **fields}
    [notice] = notify(
        [user(username).id], kind, data.pop("title"), data.pop("body"), data.pop("link"), **data
    )
    db.session.flush()
    return notice


def make_device(username: str = "worker1", client_id: str | None = None, **fields) -> Device:
    device = Device(client_id=client_id or f"device-{next(_numbers)}", user_id=user(username).id, **fields)
    db.session.add(device)
    db.session.flush()
    return device


def make_conflict(
    minor: Minor, field: str = "name", kept="张小明", discarded="张晓明", **fields
) -> ConflictRecord:
    """A value of the minor's that a merge discarded, waiting for a supervisor."""
    data = {
        "entity": "minor",
        "record_id": minor.id,
        "field": field,
        "kind": "field",
        "kept_value": kept,
        "discarded_value": discarded,
        "area_path": minor.area_path,
        **fields,
    }
    conflict = ConflictRecord(**data)
    db.session.add(conflict)
    db.session.flush()
    return conflict
