"""The demo street: counts, coverage of every category and grade, logins, encryption, the CLI.

The street is seeded once into its own database: the shared test database already holds
areas, and the seeder refuses any database that does.
"""

from __future__ import annotations

import json
import os
import random
import re
import subprocess
import sys
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from server import create_app
from server.accounts.models import User
from server.areas.models import Area
from server.config import TestConfig as DemoConfig  # aliased: pytest would collect Test*
from server.core.extensions import db
from server.core.roles import Role
from server.demo.families import plan_families
from server.demo.seed import DEMO_PASSWORD, AlreadySeeded, is_seeded, seed_street
from server.registry import idnumber
from server.registry.models import CATEGORIES, GRADES, GradeChange, Household, Minor
from server.reports.models import REPORT_STATUSES, Report
from server.visits.models import Visit

DEMO_LOGINS = {
    "admin": "street_admin",
    "village1": "village_officer",
    "worker1": "grid_worker",
    "worker2": "grid_worker",
    "sentinel1": "sentinel",
    "police1": "unit_liaison",
}
ID_LIKE = re.compile(r"\d{17}[\dXx]")

# One seeded street for the module, so one xdist worker; it is SQLite whatever the run's database.
pytestmark = [pytest.mark.xdist_group("demo_seed"), pytest.mark.db_independent]


def _humiao(instance: Path, *args: str) -> subprocess.CompletedProcess:
    """The command line, as an operator runs it, on its own instance folder."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "SECRET_KEY", "JWT_SECRET_KEY", "HUMIAO_FIELD_KEY")
    }
    env["HUMIAO_INSTANCE"] = str(instance)
    command = [sys.executable, "-c", "from server.cli import main; main()", *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=180)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The street as `humiao seed-demo` leaves it (seeded once: it is the suite's costliest setup),
    opened with the instance's own field key; and what the command printed."""
    instance = tmp_path_factory.mktemp("demo")
    assert _humiao(instance, "db", "upgrade").returncode == 0
    seeded = _humiao(instance, "seed-demo")
    assert seeded.returncode == 0, seeded.stderr
    config = DemoConfig(database_url=f"sqlite:///{instance / 'humiao.sqlite3'}", instance=instance)
    config.HUMIAO_FIELD_KEY = json.loads((instance / "keys.json").read_text())["HUMIAO_FIELD_KEY"]
    app = create_app(config)
    with app.app_context():
        assert is_seeded()
    return app, seeded.stdout, instance


@pytest.fixture
def ctx(demo):
    app = demo[0]
    with app.app_context():
        yield db.session


def count(model, *where) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def test_counts(demo, ctx):
    levels = Counter(db.session.scalars(sa.select(Area.level)))
    assert levels == {"street": 1, "village": 3, "group": 6, "grid": 12}
    assert 550 <= count(Household) <= 650
    assert count(Minor) == 300
    assert 1900 <= count(Visit) <= 2100
    assert {role.value for role in Role} == set(db.session.scalars(sa.select(User.role)))
    assert "minors: 300" in demo[1]


def test_areas_have_paths_and_every_grid_a_worker(ctx):
    grids = db.session.scalars(sa.select(Area).where(Area.level == "grid")).all()
    assert {g.path for g in grids} >= {"/S1/V1/V1G1/V1G1W1/", "/S1/V3/V3G2/V3G2W2/"}
    workers = db.session.scalars(sa.select(User).where(User.role == "grid_worker")).all()
    assert sorted(a.code for w in workers for a in w.areas) == sorted(g.code for g in grids)


def test_demo_workers_are_two_grids_of_the_first_village(ctx):
    users = {u.username: u for u in db.session.scalars(sa.select(User))}
    assert [a.code for a in users["village1"].areas] == ["V1"]
    w1, w2 = users["worker1"].areas[0], users["worker2"].areas[0]
    assert w1.level == w2.level == "grid" and w1.code != w2.code
    assert w1.path.startswith("/S1/V1/") and w2.path.startswith("/S1/V1/")
    assert users["sentinel1"].sentinel_kind == "school"
    assert users["police1"].unit == "police"
    for worker in (users["worker1"], users["worker2"]):
        grades = set(db.session.scalars(sa.select(Minor.grade).where(Minor.assigned_worker_id == worker.id)))
        assert "red" in grades, f"{worker.username} should have a red case to show"


def test_every_category_and_grade_is_present(ctx):
    minors = db.session.scalars(sa.select(Minor)).all()
    assert {c for m in minors for c in m.categories} == set(CATEGORIES)
    assert {m.grade for m in minors} == {*GRADES, None}  # some still wait for confirmation
    assert {m.grade_suggested for m in minors} == set(GRADES)
    assert all(m.assigned_worker_id for m in minors)
    red = [m for m in minors if m.grade_suggested == "red"]
    assert {f for m in red for f in m.risk_flags} >= {
        "abuse_suspected",
        "self_harm",
        "runaway",
        "no_guardian",
    }


def test_confirmed_grades_have_history_and_some_were_overridden(ctx):
    confirmed = db.session.scalars(sa.select(Minor).where(Minor.grade.is_not(None))).all()
    assert len(confirmed) >= 240
    with_history = set(db.session.scalars(sa.select(GradeChange.minor_id)))
    assert {m.id for m in confirmed} <= with_history
    overridden = [m for m in confirmed if m.grade != m.grade_suggested]
    assert overridden and all(m.grade_reason for m in overridden)
    assert count(GradeChange, GradeChange.from_grade.is_not(None)) == len(overridden)


def test_ages_and_ids(demo, ctx):
    app = demo[0]
    cipher = app.extensions["humiao.cipher"]
    today = date.today()
    minors = db.session.scalars(sa.select(Minor)).all()
    ages = [
        today.year - m.birth_date.year - ((today.month, today.day) < (m.birth_date.month, m.birth_date.day))
        for m in minors
    ]
    assert min(ages) == 0 and max(ages) == 17
    turning_18 = [
        m for m in minors if m.birth_date.replace(year=m.birth_date.year + 18) - today < timedelta(days=60)
    ]
    assert turning_18
    with_ids = [m for m in minors if m.id_number_enc]
    assert len(with_ids) >= 270
    numbers = set()
    for minor in with_ids:
        number = cipher.decrypt(minor.id_number_enc)
        assert idnumber.problem(number) is None, number
        assert idnumber.birth_date_of(number) == minor.birth_date
        assert int(number[16]) % 2 == (1 if minor.gender == "male" else 0)
        assert minor.id_number_masked == idnumber.mask(number)
        assert minor.id_number_hash == cipher.keyed_hash(number)
        numbers.add(number)
    assert len(numbers) == len(with_ids)


def test_no_plain_id_number_in_the_database(demo, ctx):
    app = demo[0]
    cipher = app.extensions["humiao.cipher"]
    table = Minor.__table__
    # Keyed hashes (of the number, of its last four) are hex: 18 decimal digits in a row happen.
    text_columns = [
        c for c in table.columns if isinstance(c.type, sa.String | sa.Text) and not c.name.endswith("_hash")
    ]
    for row in db.session.execute(sa.select(*text_columns)):
        for value in row:
            assert not (value and ID_LIKE.search(value)), value
    numbers = {cipher.decrypt(t) for t in db.session.scalars(sa.select(Minor.id_number_enc)) if t}
    raw = db.session.connection().connection.driver_connection
    dump = "\n".join(raw.iterdump())
    assert not [n for n in numbers if n in dump]


def test_demo_logins_work(demo):
    app = demo[0]
    client = app.test_client()
    for username, role in DEMO_LOGINS.items():
        response = client.post(
            "/api/auth/login", json={"username": username, "password": DEMO_PASSWORD, "device_id": "t"}
        )
        assert response.status_code == 200, (username, response.json)
        assert response.json["user"]["role"] == role


def test_visits_follow_the_schedule(ctx):
    today = date.today()
    last = dict(
        db.session.execute(
            sa.select(Visit.minor_id, sa.func.max(Visit.visited_at)).group_by(Visit.minor_id)
        ).all()
    )
    minors = db.session.scalars(sa.select(Minor)).all()
    for minor in minors:
        assert minor.last_visit_at == (last[minor.id].date() if minor.id in last else None)
    dues = [m.next_visit_due for m in minors if m.grade and m.next_visit_due]
    assert sum(d < today for d in dues) >= 10, "some minors are overdue"
    assert sum(today <= d <= today + timedelta(days=7) for d in dues) >= 10, "some fall due this week"
    by_grade = Counter(db.session.scalars(sa.select(Minor.grade).join(Visit, Visit.minor_id == Minor.id)))
    per_minor = {g: by_grade[g] / count(Minor, Minor.grade == g) for g in GRADES}
    assert per_minor["red"] > per_minor["orange"] > per_minor["yellow"] > per_minor["blue"]
    oldest = db.session.scalar(sa.select(sa.func.min(Visit.visited_at)))
    assert today - timedelta(days=400) <= oldest.date() <= today - timedelta(days=300)


def test_visits_are_reviewed_like_a_real_street(ctx):
    statuses = Counter(db.session.scalars(sa.select(Visit.review_status)))
    assert statuses["approved"] > 0.8 * statuses.total()
    assert statuses["submitted"] > 0 and statuses["returned"] > 0
    assert count(Visit, Visit.review_status == "returned", Visit.review_comment.is_(None)) == 0
    assert count(Visit, Visit.review_status == "approved", Visit.reviewed_by.is_(None)) == 0
    concerns = db.session.scalars(sa.select(Visit.findings)).all()
    assert any(f.get("safety", {}).get("status") == "concern" for f in concerns)


def test_reports(ctx):
    reports = db.session.scalars(sa.select(Report)).all()
    assert len(reports) >= 5
    assert any(r.mandatory and r.urgent and r.kind == "injury_malnutrition_abuse" for r in reports)
    assert any(r.source == "hotline" for r in reports)
    assert len({r.status for r in reports}) >= 4
    assert any(r.minor_id and r.source == "school" for r in reports), "the office linked the sentinel's child"
    for report in reports:
        # A report lives with the child it names, else where it was filed.
        home = (
            db.session.get(Minor, report.minor_id)
            if report.minor_id
            else db.session.get(Area, report.area_id)
        )
        assert report.area_path == home.area_path
        steps = REPORT_STATUSES[: REPORT_STATUSES.index(report.status) + 1]
        assert report.change_seq > 0 and report.version == len(steps)
        times = [report.reported_at] + [getattr(report, f"{step}_at") for step in steps[1:]]
        assert times == sorted(times) and times[-1] <= datetime.now(UTC)


def test_every_code_the_demo_stores_is_in_the_code_lists(ctx):
    from server.core import codes
    from server.measures.models import Measure
    from server.referrals.models import Referral
    from server.visits.models import ReviewDecision

    columns = {
        "gender": [Minor.gender],
        "hukou": [Minor.hukou],
        "lives_with_parents": [Minor.lives_with_parents],
        "school_status": [Minor.school_status],
        "health": [Minor.health],
        "caregiver": [Minor.caregiver],
        "parent_status": [Minor.father_status, Minor.mother_status],
        "poverty": [Minor.poverty],
        "grade": [Minor.grade, Minor.grade_suggested],
        "visit_kind": [Visit.kind],
        "review_status": [Visit.review_status],
        "decision": [ReviewDecision.decision],
        "report_source": [Report.source],
        "report_kind": [Report.kind],
        "report_status": [Report.status],
        "unit": [Referral.to_unit, Measure.responsible_unit, User.unit],
        "referral_status": [Referral.status],
        "measures": [Measure.kind],
        "measure_status": [Measure.status],
        "role": [User.role],
        "sentinel_kind": [User.sentinel_kind],
        "level": [Area.level],
    }
    for name, cols in columns.items():
        for col in cols:
            stored = set(db.session.scalars(sa.select(col).distinct())) - {None}
            assert stored and stored <= set(codes.of(name)), (col, stored - set(codes.of(name)))
    lists = {
        "misbehavior": Minor.misbehavior,
        "risk_flags": Minor.risk_flags,
        "categories": Minor.categories,
        "visit_measures": Visit.measures,
    }
    for name, col in lists.items():
        stored = {code for values in db.session.scalars(sa.select(col)) for code in values or ()}
        assert stored and stored <= set(codes.of(name)), (name, stored - set(codes.of(name)))
    for findings in db.session.scalars(sa.select(Visit.findings)):
        assert set(findings) <= set(codes.of("finding_area"))
        assert {f["status"] for f in findings.values()} <= set(codes.of("finding_status"))


def test_seeding_twice_refuses(ctx):
    with pytest.raises(AlreadySeeded):
        seed_street()


def test_same_seed_same_street():
    today = date.today()
    first = plan_families(random.Random(7), today)
    again = plan_families(random.Random(7), today)
    other = plan_families(random.Random(8), today)
    fields = [[c.fields for c in f.children] for f in first]
    assert fields == [[c.fields for c in f.children] for f in again]
    assert fields != [[c.fields for c in f.children] for f in other]


def test_cli_seed_demo_prints_the_logins(demo):
    _, printed, instance = demo
    assert "minors: 300" in printed
    assert "admin, village1, worker1, worker2, sentinel1, police1" in printed
    assert DEMO_PASSWORD in printed
    again = _humiao(instance, "seed-demo")
    assert again.returncode != 0
    assert "already holds areas" in again.stderr and "Traceback" not in again.stderr


def test_most_high_risk_children_have_a_measure_and_a_few_red_are_flagged(ctx):
    from server.core.scope import Scope
    from server.measures.models import Measure
    from server.measures.service import flags

    admin = db.session.scalar(sa.select(User).where(User.username == "admin"))
    high_risk = db.session.scalars(
        sa.select(Minor).where(sa.func.coalesce(Minor.grade, Minor.grade_suggested).in_(["red", "orange"]))
    ).all()
    planned = set(db.session.scalars(sa.select(Measure.minor_id)))
    assert len(planned & {m.id for m in high_risk}) >= len(high_risk) - 2
    flagged = flags(Scope.of(admin), datetime.now(UTC))
    assert 1 <= len(flagged) <= 2
