"""The shared test street and factory helpers that build records through the real services.

Street S1 > villages V1, V2 > groups V1G1, V2G1 > grids V1G1W1, V1G1W2, V2G1W1.
Users (password demo-password-1): admin (street), village1 (V1), village2 (V2), worker1 (V1G1W1),
worker2 (V1G1W2), worker3 (V2G1W1), sentinel1, police1, school1.
"""

from __future__ import annotations

import itertools
from datetime import date

import sqlalchemy as sa

from server.accounts.models import User
from server.accounts.service import create_user
from server.areas.models import Area
from server.areas.service import create_area
from server.core.extensions import db
from server.core.scope import Scope
from server.registry import service as registry
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
    dict(username="sentinel1", role="sentinel", areas=[], sentinel_kind="school", display_name="红旗小学"),
    dict(username="police1", role="unit_liaison", areas=[], unit="police", display_name="城关派出所"),
    dict(username="school1", role="unit_liaison", areas=[], unit="school", display_name="城关二中"),
]


def build_world() -> None:
    for code, name, level, parent in AREAS:
        create_area(code, name, level, parent)
    for spec in USERS:
        create_user(password=PASSWORD, **spec)


def world_index() -> dict:
    areas = {a.code: a.id for a in db.session.scalars(sa.select(Area))}
    users = {u.username: u.id for u in db.session.scalars(sa.select(User))}
    return {"areas": areas, "users": users}


def user(username: str) -> User:
    return db.session.scalar(sa.select(User).where(User.username == username))


def area(code: str) -> Area:
    return db.session.scalar(sa.select(Area).where(Area.code == code))


_numbers = itertools.count(1)


def valid_id_number(birth: date, region: str = "520102") -> str:
    from server.registry.idnumber import check_char

    first17 = f"{region}{birth:%Y%m%d}{next(_numbers) % 1000:03d}"
    return first17 + check_char(first17)


def make_household(username: str = "worker1", grid: str | None = None, **fields):
    owner = user(username)
    grid_id = area(grid).id if grid else owner.areas[0].id
    data = {"grid_id": grid_id, "address": f"红旗村一组{next(_numbers)}号", "head_name": "张大山", **fields}
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
    from datetime import UTC, datetime

    data = {"minor_id": minor.id, "visited_at": datetime.now(UTC), "kind": "home", **fields}
    return visits.create_visit(Scope.of(user(username)), data)
