"""A realistic grid for the sync benchmark: ~500 households, 400 minors, 5,000 visits.

Written through the registry and visit services (the same code the REST API and the push
use), so every record carries the versions, HLCs and feed numbers a real one has. Seeded, so
two runs build the same grid.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

from server.core.extensions import db
from server.core.scope import Scope
from server.registry import service as registry
from server.visits import service as visits
from tests.factories import area, user

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = "小明华芳丽军伟强磊洋艳勇杰娟涛超秀霞平刚桂英建国文静"
PARENT_STATUSES = (
    ["at_home"] * 5 + ["migrant_away"] * 6 + ["divorced_away", "deceased", "incarcerated", "severe_illness"]
)
FLAGS = ["neglect", "bullying", "runaway", "abuse_suspected", "self_harm"]
MEASURES = ["living_aid", "psych_intervention", "guardian_education", "school_transfer", "referral"]
FINDINGS = (
    "孩子在校表现良好，按时完成作业",
    "爷爷身体欠佳，照料有些吃力",
    "家中卫生较差，已提醒监护人",
    "孩子情绪低落，说想念外出打工的父母",
    "学校反映近期有迟到现象",
)
SUMMARIES = (
    "入户走访，孩子和奶奶在家。孩子身体健康，饮食起居正常，与父亲每周视频一次。",
    "电话回访监护人，了解孩子近期学习和生活情况，叮嘱注意假期安全，防溺水。",
    "到校走访，与班主任交流。孩子成绩中等，与同学相处融洽，无欺凌情况。",
    "入户走访，孩子母亲外出务工，由外婆照料。家中经济困难，已申请临时救助。",
)


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _household(rng: random.Random, grid_id: int, n: int) -> dict:
    return {
        "grid_id": grid_id,
        "address": f"红旗村一组{n + 1}号",
        "head_name": _name(rng),
        "phone": f"13{rng.randrange(10**9):09d}",
        "lat": 26.5 + rng.random() / 100,
        "lng": 106.7 + rng.random() / 100,
        "notes": rng.choice((None, "老人独居", "外出务工户", "低保户")),
    }


def _minor(rng: random.Random, household_id: str, today: date) -> dict:
    birth = today - timedelta(days=rng.randrange(365, 17 * 365))
    return {
        "household_id": household_id,
        "name": _name(rng),
        "gender": rng.choice(("male", "female")),
        "birth_date": birth,
        "hukou": rng.choice(("rural", "rural", "urban")),
        "lives_with_parents": rng.choice(("both", "father", "mother", "neither")),
        "school_status": rng.choice(("preschool", "in_school", "in_school", "in_school", "dropped_out")),
        "father_status": rng.choice(PARENT_STATUSES),
        "mother_status": rng.choice(PARENT_STATUSES),
        "caregiver": rng.choice(("parents", "grandparents", "grandparents", "other_relative")),
        "caregiver_capable": rng.random() > 0.2,
        "poverty": rng.choice(("none", "none", "low_income", "extreme_poverty")),
        "risk_flags": rng.sample(FLAGS, rng.choice((0, 0, 0, 1, 2))),
    }


def _visit(rng: random.Random, minor_id: str, now: datetime) -> dict:
    findings = {
        area_: {"status": "concern" if rng.random() < 0.2 else "ok", "note": rng.choice(FINDINGS)}
        for area_ in rng.sample(["living", "health", "study", "safety", "mental"], 3)
    }
    return {
        "minor_id": minor_id,
        "visited_at": now - timedelta(days=rng.randrange(1, 365), minutes=rng.randrange(600)),
        "kind": rng.choice(("home", "home", "home", "phone", "school")),
        "findings": findings,
        "measures": rng.sample(MEASURES, rng.choice((0, 0, 1, 2))),
        "summary": rng.choice(SUMMARIES),
    }


def populate_grid(
    grid: str = "V1G1W1",
    username: str = "worker1",
    households: int = 500,
    minors: int = 400,
    visit_count: int = 5000,
    seed: int = 20261129,
) -> dict[str, list[str]]:
    """Fill ``grid`` as ``username`` would have; returns the ids made, by entity."""
    rng = random.Random(seed)
    scope = Scope.of(user(username))
    grid_id = area(grid).id
    today, now = date.today(), datetime.now(UTC)
    made: dict[str, list[str]] = {"household": [], "minor": [], "visit": []}
    for n in range(households):
        made["household"].append(registry.create_household(scope, _household(rng, grid_id, n)).id)
    db.session.commit()
    for n in range(minors):
        household_id = made["household"][n % households] if n < households else rng.choice(made["household"])
        made["minor"].append(registry.create_minor(scope, _minor(rng, household_id, today)).id)
    db.session.commit()
    for n in range(visit_count):
        made["visit"].append(visits.create_visit(scope, _visit(rng, rng.choice(made["minor"]), now)).id)
        if n % 500 == 499:
            db.session.commit()
    db.session.commit()
    return made
