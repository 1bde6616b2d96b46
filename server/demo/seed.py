"""The demo street behind ``humiao seed-demo`` and ``humiao serve --demo`` (DESIGN §7).

Everything is written through the real services (areas, accounts, registry, visits, reports), so ID
numbers are encrypted, categories and suggested grades come from the rules, and every
record has its versions and its place in the change feed, exactly as if the street's
workers had typed it in over the past year. The same seed gives the same street.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache

import click
import sqlalchemy as sa

from server.accounts import service as accounts
from server.accounts.models import SENTINEL_KINDS, UNITS, User
from server.areas.models import Area
from server.areas.service import create_area
from server.core.changes import feed_held
from server.core.db import FREE_IDS, known_free
from server.core.extensions import db
from server.core.scope import Scope
from server.demo import names
from server.demo.families import Child, Family, plan_families
from server.demo.measures import add_measures
from server.demo.reports import add_reports
from server.demo.street import STREET, VILLAGES, HouseholdPlan, areas, grids, local_moment, plan_households
from server.demo.visits import Subject, plan_visits
from server.registry.models import GradeChange, Household, Minor
from server.registry.schemas import HouseholdCreate, MinorCreate
from server.registry.service import create_household, create_minor, derive, set_grade
from server.visits.models import Visit
from server.visits.schemas import VisitCreate
from server.visits.service import create_visit, update_visit

DEMO_PASSWORD = "demo-password-1"
DEFAULT_SEED = 20261129
# Families registered this recently still wait for a supervisor to confirm the grade.
UNCONFIRMED_DAYS = 25
# A correction comes weeks after the first confirmation, once the child is known better.
OVERRIDE_AFTER_DAYS = 130

# Supervisors' corrections of the suggested grade: (suggested, tag, confirmed grade, reason).
OVERRIDES = (
    ("blue", "prisoner", "yellow", "父亲服刑，母亲独自抚养，家庭经济压力大，提高走访频次"),
    ("yellow", "left_behind", "orange", "爷爷奶奶年迈多病，照料能力明显不足，安排一对一结对帮扶"),
    ("orange", "serious_misbehavior", "yellow", "已完成帮教，近半年表现稳定，经研判调整为黄色"),
    ("blue", "chronic_illness", "yellow", "哮喘反复发作，家庭照护压力大，纳入每月走访"),
    ("blue", "ordinary_misbehavior", "yellow", "沉迷网络、多次旷课，有发展为严重不良行为的风险"),
)


class AlreadySeeded(click.ClickException):
    """The database already holds areas: the demo street is only written into an empty one.

    A ClickException, so that ``humiao seed-demo`` run twice says so in one line, not a traceback.
    """


@dataclass
class Registered:
    """A minor as written, with what the plan knew about it."""

    minor: Minor
    grid: Area
    worker: User
    officer: User
    registered: date
    tags: set[str]


def is_seeded() -> bool:
    """True once the database holds any area: the demo street, or a real street's."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(Area)) > 0


def seed_street(seed: int = DEFAULT_SEED) -> str:
    """Fill an empty database with the demo street; commit; return a printable summary."""
    if is_seeded():
        raise AlreadySeeded(
            "数据库中已有区域，演示数据只能写入空数据库 / "
            "The database already holds areas: the demo street is only seeded into an empty database."
        )
    started = time.perf_counter()
    rng = random.Random(seed)
    today = date.today()
    # One transaction, its feed numbers taken from memory: thousands of flushes, one counter UPDATE;
    # the ids of its own records known free, so that no create looks its id up (and flushes first).
    with feed_held(db.session), known_free(db.session):
        area_rows = {a.code: create_area(a.code, a.name, a.level, a.parent) for a in areas()}
        users = _create_users(rng)
        households = plan_households(rng, plan_families(rng, today), today)
        scope_of = cache(Scope.of)
        registered = _register(rng, households, area_rows, users, scope_of)
        _confirm_grades(rng, registered, users["admin"], scope_of, today)
        visits = _log_visits(rng, registered, users, scope_of, today)
        by_tag: dict[str, list] = {}
        for r in registered:
            for tag in r.tags:
                by_tag.setdefault(tag, []).append((r.minor, r.grid, r.worker))
        reports = add_reports(rng, by_tag, users, area_rows, scope_of)
        measures = add_measures(rng, registered, scope_of, today)
    db.session.commit()
    grades = Counter(r.minor.grade or "unconfirmed" for r in registered)
    levels = Counter(a.level for a in area_rows.values())
    return "\n".join(
        (
            f"demo street {STREET[1]} (seed {seed}) written in {time.perf_counter() - started:.1f} s:",
            f"  areas: {levels['street']} street, {levels['village']} villages/communities, "
            f"{levels['group']} groups, {levels['grid']} grids",
            f"  households: {len(households)}, minors: {len(registered)} ("
            + ", ".join(f"{g} {grades[g]}" for g in ("red", "orange", "yellow", "blue", "unconfirmed"))
            + ")",
            f"  visits: {visits}, reports: {len(reports)}, measures: {measures}, users: {len(users)}",
        )
    )


def _free(model: type, record_id: str) -> str:
    """A new record's id, random and the seed's own in an empty database: known free."""
    db.session.info[FREE_IDS].add((model, record_id))
    return record_id


@contextmanager
def _one_hash_for_the_demo_password() -> Iterator[None]:
    """Every demo user has the same published password; hash it once, not once per user.

    create_user hashes with argon2, deliberately slow (~0.2 s): the 28 demo users would spend
    over five seconds on the same hash. Any other password still gets its own hash.
    """
    original = accounts.hash_password
    hashed = original(DEMO_PASSWORD)
    accounts.hash_password = lambda password: hashed if password == DEMO_PASSWORD else original(password)
    try:
        yield
    finally:
        accounts.hash_password = original


def _user_specs() -> list[dict]:
    """The demo logins of DESIGN §7 first, then a user of every role, unit and sentinel kind."""
    specs = [{"username": "admin", "role": "street_admin", "areas": [STREET[0]]}]
    specs += [
        {"username": f"village{i}", "role": "village_officer", "areas": [code]}
        for i, (code, _) in enumerate(VILLAGES, start=1)
    ]
    # worker1 and worker2 get the two grids of V1's first group (grids() lists them first).
    specs += [
        {"username": f"worker{i}", "role": "grid_worker", "areas": [grid.code]}
        for i, grid in enumerate(grids(), start=1)
    ]
    sentinel_areas = {"school": "V1", "family": "V2", "community": "V3"}
    specs += [
        {
            "username": f"sentinel{i}",
            "role": "sentinel",
            "sentinel_kind": kind,
            "areas": [sentinel_areas.get(kind, STREET[0])],
        }
        for i, kind in enumerate(SENTINEL_KINDS, start=1)
    ]
    specs += [
        {"username": f"{unit}1", "role": "unit_liaison", "unit": unit, "areas": [STREET[0]]} for unit in UNITS
    ]
    specs.append({"username": "county1", "role": "county_viewer", "areas": [STREET[0]]})
    return specs


def _create_users(rng: random.Random) -> dict[str, User]:
    users = {}
    with _one_hash_for_the_demo_password():
        for spec in _user_specs():
            gender = rng.choice(("male", "female"))
            users[spec["username"]] = accounts.create_user(
                password=DEMO_PASSWORD,
                display_name=names.person_name(rng, "young", gender),
                phone=names.mobile_phone(rng),
                **spec,
            )
    return users


def _register(
    rng: random.Random,
    households: list[HouseholdPlan],
    area_rows: dict[str, Area],
    users: dict[str, User],
    scope_of: Callable[[User], Scope],
) -> list[Registered]:
    """Survey the households and register the minors, each as its grid's worker would."""
    workers = {u.areas[0].code: u for u in users.values() if u.role == "grid_worker"}
    officers = {u.areas[0].code: u for u in users.values() if u.role == "village_officer"}
    household_schema, minor_schema = HouseholdCreate(), MinorCreate()
    registered = []
    for plan in households:
        grid = area_rows[plan.grid]
        data = household_schema.load({**plan.fields, "id": _free(Household, plan.id), "grid_id": grid.id})
        household = create_household(scope_of(workers[plan.grid]), data)
        household.created_at = data["surveyed_at"]
        family: Family | None = plan.family
        for child in family.children if family else ():
            minor = _register_minor(
                rng, minor_schema, scope_of(workers[plan.grid]), household.id, child, family
            )
            registered.append(
                Registered(
                    minor=minor,
                    grid=grid,
                    worker=workers[plan.grid],
                    officer=officers[plan.grid[:2]],
                    registered=family.registered,
                    tags={family.situation, *child.traits},
                )
            )
    return registered


def _register_minor(
    rng: random.Random, schema: MinorCreate, scope: Scope, household_id: str, child: Child, family: Family
) -> Minor:
    # Through the API's own schema: the demo data passes the same validation as a worker's.
    data = schema.load(
        {**child.fields, "id": _free(Minor, names.record_id(rng)), "household_id": household_id}
    )
    minor = create_minor(scope, data)
    minor.created_at = local_moment(family.registered, rng.uniform(9, 17))
    return minor


def _confirm_grades(
    rng: random.Random,
    registered: list[Registered],
    admin: User,
    scope_of: Callable[[User], Scope],
    today: date,
) -> None:
    """Supervisors confirm most suggested grades, correct a few, and leave the newest waiting."""
    overrides: dict[int, tuple[str, str]] = {}
    for suggested, tag, grade, reason in OVERRIDES:
        fitting = [
            i
            for i, r in enumerate(registered)
            if r.minor.grade_suggested == suggested
            and tag in r.tags
            and i not in overrides
            and (today - r.registered).days > OVERRIDE_AFTER_DAYS
        ]
        if fitting:
            overrides[rng.choice(fitting)] = (grade, reason)
    history: list[datetime] = []  # when each decision was made, in the order made
    for i, r in enumerate(registered):
        minor = r.minor
        recent = (today - r.registered).days <= UNCONFIRMED_DAYS
        if recent and minor.grade_suggested != "red" and i not in overrides:
            derive(minor, today)  # registered earlier than created: the due date follows
            continue
        confirmed_on = min(r.registered + timedelta(days=rng.randint(1, 7)), today)
        by = r.officer if rng.random() < 0.8 else admin
        set_grade(scope_of(by), minor, minor.grade_suggested, _confirm_reason(minor))
        history.append(local_moment(confirmed_on, rng.uniform(9, 17)))
        if i in overrides:
            grade, reason = overrides[i]
            later = confirmed_on + timedelta(days=rng.randint(20, OVERRIDE_AFTER_DAYS - 10))
            set_grade(scope_of(rng.choice((r.officer, admin))), minor, grade, reason)
            history.append(local_moment(later, rng.uniform(9, 17)))
    # set_grade dates its history row now; date each one back to when it was decided.
    rows = db.session.scalars(sa.select(GradeChange).order_by(GradeChange.id)).all()
    for row, decided in zip(rows, history, strict=True):
        row.changed_at = decided


def _confirm_reason(minor: Minor) -> str:
    trigger = next(
        (x["zh"] for x in minor.category_reasons if x["code"].startswith(f"grade.{minor.grade_suggested}.")),
        None,
    )
    return f"入户核实后确认：{trigger}" if trigger else "入户核实后确认系统建议等级"


def _log_visits(
    rng: random.Random,
    registered: list[Registered],
    users: dict[str, User],
    scope_of: Callable[[User], Scope],
    today: date,
) -> int:
    """A year of visits through create_visit; supervisors review them as they would have."""
    subjects = [
        Subject(
            minor_id=r.minor.id,
            # Until a supervisor confirms a grade, the schedule follows the suggested one.
            grade=r.minor.grade or r.minor.grade_suggested,
            registered=r.registered,
            tags=r.tags,
            school_status=r.minor.school_status,
            caregiver=r.minor.caregiver,
        )
        for r in registered
    ]
    by_minor = {r.minor.id: r for r in registered}
    schema = VisitCreate()
    now = datetime.now(UTC)
    plans = plan_visits(rng, subjects, today)
    for plan in plans:
        r = by_minor[plan.minor_id]
        visitor = r.officer if plan.by_officer else r.worker
        visit = create_visit(
            scope_of(visitor), schema.load({**plan.fields, "id": _free(Visit, names.record_id(rng))})
        )
        # Synced the same evening or, from a village without signal, within two days.
        visit.created_at = min(visit.visited_at + timedelta(hours=rng.uniform(2, 48)), now)
        if plan.review == "submitted":
            continue
        reviewer = r.officer if rng.random() < 0.85 else users["admin"]
        update_visit(
            scope_of(reviewer), visit, {"review_status": plan.review, "review_comment": plan.comment}
        )
        visit.reviewed_at = min(visit.created_at + timedelta(days=rng.uniform(0.2, 5)), now)
    return len(plans)
