"""The demo street's areas and households, and which family lives in which household."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone

from server.demo import names
from server.demo.families import RURAL_ONLY, Family, school_name
from server.registry import rules

STREET = ("S1", "城关街道")
VILLAGES = (("V1", "红旗村"), ("V2", "龙泉村"), ("V3", "新华社区"))
GROUPS_PER_VILLAGE = 2
GRIDS_PER_GROUP = 2
COMMUNITIES = {"V3"}  # a 社区: street addresses and mostly urban hukou

BEIJING = timezone(timedelta(hours=8))

# Households surveyed (摸排) with nobody to register: what the worker wrote down, if anything.
EMPTY_HOUSEHOLD_NOTES = (
    "常住人口2人，均为60岁以上老人",
    "子女均已成年，在外工作",
    "房屋出租，租户为外地务工人员",
    "户主在外务工，房屋常年空置",
    "孤寡老人，已纳入特困供养",
)


@dataclass(frozen=True)
class Area:
    code: str
    name: str
    level: str
    parent: str | None

    @property
    def village(self) -> str:
        return self.code[:2]

    @property
    def position(self) -> tuple[int, int]:
        """(group, grid within the group) of a grid code such as V1G2W1."""
        group, cell = self.code[3:].split("W")
        return int(group), int(cell)


@dataclass
class HouseholdPlan:
    id: str
    grid: str
    fields: dict  # HouseholdCreate wire fields except grid_id
    surveyed: date
    family: Family | None


def areas() -> list[Area]:
    """Street, villages, groups and grids, parents first; codes are unique in the street."""
    out = [Area(STREET[0], STREET[1], "street", None)]
    for v_code, v_name in VILLAGES:
        out.append(Area(v_code, v_name, "village", STREET[0]))
        for g in range(1, GROUPS_PER_VILLAGE + 1):
            g_code = f"{v_code}G{g}"
            out.append(Area(g_code, f"{v_name}{names.numeral(g)}组", "group", v_code))
            for w in range(1, GRIDS_PER_GROUP + 1):
                number = (g - 1) * GRIDS_PER_GROUP + w
                out.append(Area(f"{g_code}W{w}", f"{v_name}第{number}网格", "grid", g_code))
    return out


def grids() -> list[Area]:
    return [a for a in areas() if a.level == "grid"]


def local_moment(day: date, hour: float) -> datetime:
    """``hour`` o'clock Beijing time on ``day``, as an aware UTC datetime (the workers' local day)."""
    return datetime.combine(day, time(int(hour), int(hour % 1 * 60)), BEIJING).astimezone(UTC)


def local_datetime(day: date, hour: float) -> str:
    """The same moment in the wire form: ISO 8601 with its offset."""
    return local_moment(day, hour).isoformat()


def plan_households(rng: random.Random, families: list[Family], today: date) -> list[HouseholdPlan]:
    """About 600 households over the 12 grids; the families with minors live in some of them.

    Families with a child the rules grade red are placed first, one per grid starting with
    the demo workers' grids, so that worker1 and worker2 each have a red case to show.
    """
    grid_list = grids()
    slots = {g.code: rng.randint(44, 56) for g in grid_list}
    order = [g.code for g in grid_list[:2]] + rng.sample([g.code for g in grid_list[2:]], len(grid_list) - 2)
    urgent = [f for f in families if any(_red(c.fields, today) for c in f.children)]
    others = [f for f in families if f not in urgent]
    rng.shuffle(others)
    placed: dict[str, list[Family]] = {code: [] for code in slots}
    cursor = 0
    for family in urgent + others:
        for step in range(len(order)):
            code = order[(cursor + step) % len(order)]
            rural_ok = not (family.rural_only and code[:2] in COMMUNITIES)
            if rural_ok and len(placed[code]) < slots[code]:
                placed[code].append(family)
                cursor = (cursor + step + 1) % len(order)
                break
    plans = []
    for grid in grid_list:
        residents = placed[grid.code] + [None] * (slots[grid.code] - len(placed[grid.code]))
        rng.shuffle(residents)
        numbers = sorted(rng.sample(range(1, 160), len(residents)))
        for number, family in zip(numbers, residents, strict=True):
            plans.append(_household(rng, grid, number, family, today))
    return plans


def _red(fields: dict, today: date) -> bool:
    return rules.evaluate(fields, today).grade_suggested == "red"


def _address(rng: random.Random, grid: Area, number: int) -> str:
    village_name = dict(VILLAGES)[grid.village]
    if grid.village in COMMUNITIES:
        group, cell = grid.position
        road = names.COMMUNITY_ROADS[(group - 1) * GRIDS_PER_GROUP + cell - 1]
        return f"{village_name}{road}{number}号"
    return f"{village_name}{names.numeral(grid.position[0])}组{number}号"


def _household(
    rng: random.Random, grid: Area, number: int, family: Family | None, today: date
) -> HouseholdPlan:
    if family:
        head, note, surveyed = family.head_name, family.note, family.registered
        _settle(rng, family, grid)
    else:
        head = names.person_name(
            rng, rng.choice(("old", "young")), "male" if rng.random() < 0.8 else "female"
        )
        note = rng.choice(EMPTY_HOUSEHOLD_NOTES) if rng.random() < 0.25 else None
        surveyed = today - timedelta(days=rng.randint(350, 400))
    lat, lng = names.VILLAGE_CENTRES[grid.village]
    group, cell = grid.position
    fields = {
        "address": _address(rng, grid, number),
        "head_name": head,
        "phone": names.mobile_phone(rng) if rng.random() < 0.92 else None,
        # Groups and grids sit a few hundred metres apart; houses scatter around them.
        "lat": round(lat + (group - 1.5) * 0.006 + rng.gauss(0, 0.0015), 6),
        "lng": round(lng + (cell - 1.5) * 0.006 + rng.gauss(0, 0.0015), 6),
        "notes": note,
        "surveyed_at": local_datetime(surveyed, rng.uniform(9, 17)),
    }
    return HouseholdPlan(
        id=names.record_id(rng), grid=grid.code, fields=fields, surveyed=surveyed, family=family
    )


def _settle(rng: random.Random, family: Family, grid: Area) -> None:
    """What depends on where the family lives: hukou and the schools nearby."""
    community = grid.village in COMMUNITIES
    rural = family.situation in RURAL_ONLY or rng.random() < (0.25 if community else 0.95)
    for child in family.children:
        child.fields["hukou"] = "rural" if rural else "urban"
        child.fields["school"] = school_name(rng, child.school_level, grid.village)
