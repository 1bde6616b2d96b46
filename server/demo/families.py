"""The demo street's families: who the children are, who cares for them, why they are registered.

Nothing here touches the database. Each family situation (留守, 事实无人抚养, 孤儿 ...) takes a
fixed share of the 300 children and each child trait (残疾, 辍学, 严重不良行为, red flags ...)
a fixed count, so every category and every grade appears whatever the random seed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from server.demo import names

MINORS = 300

# Children per family situation; "ordinary" (父母在家, 正常上学) takes the rest.
SITUATIONS = {
    "left_behind": 45,  # both parents working away: 农村留守儿童
    "left_behind_ill_parent": 4,  # one away, the other too ill to care: still 留守
    "alone": 1,  # left behind and nobody at home any more: no guardian (red)
    "one_migrant": 18,
    "divorced": 22,
    "poor": 22,  # 低保/特困: 困境儿童
    "prisoner": 5,  # a parent in prison, the other at home: 服刑人员子女
    "prisoner_no_care": 3,  # ... with nobody capable at home: orange
    "de_facto": 10,  # 事实无人抚养儿童
    "orphan": 5,
}
# Situations that only occur with rural hukou: these families live in the villages.
RURAL_ONLY = {"left_behind", "left_behind_ill_parent", "alone"}

# (trait, children, youngest, oldest, situations preferred for it); one trait per child at most.
TRAITS = (
    ("abuse_suspected", 2, 4, 12, ("divorced", "poor", "ordinary")),
    ("self_harm", 2, 12, 17, ("left_behind", "divorced")),
    ("runaway", 2, 12, 15, ("divorced", "one_migrant", "left_behind")),
    ("neglect", 3, 2, 10, ("left_behind", "poor", "prisoner")),
    ("bullying", 3, 8, 15, ()),
    ("serious_misbehavior", 6, 13, 17, ("left_behind", "divorced", "one_migrant", "ordinary")),
    ("idle", 8, 14, 17, ("poor", "divorced", "left_behind", "ordinary")),
    ("working", 2, 16, 17, ("poor", "ordinary")),
    ("disability", 10, 2, 17, ()),
    ("serious_illness", 3, 1, 17, ()),
    ("chronic_illness", 8, 1, 17, ()),
    ("crime_victim", 5, 6, 17, ()),
    ("ordinary_misbehavior", 10, 10, 17, ()),
)

DISABILITY_KINDS = ("视力残疾", "听力残疾", "言语残疾", "肢体残疾", "智力残疾", "精神残疾", "多重残疾")
SERIOUS_ACTS = ("theft_robbery", "affray", "assault_intimidation", "controlled_weapons", "large_gambling")
ORDINARY_ACTS = ("internet_addiction", "truancy", "smoking_drinking", "staying_out", "bad_company")

# How long ago (days) each status can have begun: (earliest, latest); None = the youngest's birth.
SINCE_WINDOW = {
    "migrant_away": (None, 60),
    "incarcerated": (6 * 365, 60),
    "compulsory_rehab": (700, 60),
    "lost_contact": (None, 120),
    "missing": (None, 120),
    "deceased": (None, 60),
    "severe_illness": (5 * 365, 90),
    "severe_disability": (8 * 365, 90),
    "divorced_away": (None, 60),
}


@dataclass
class Child:
    fields: dict  # MinorCreate wire fields, household and school still to come
    birth: date
    school_level: str | None = None  # kindergarten, primary, middle, high, special
    traits: set[str] = field(default_factory=set)


@dataclass
class Family:
    situation: str
    surname: str
    head_name: str
    note: str | None
    registered: date
    children: list[Child]
    shared: dict  # parents, caregiver and poverty: the same for every child of the family

    @property
    def rural_only(self) -> bool:
        return self.situation in RURAL_ONLY


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _day_between(rng: random.Random, earliest: date, latest: date) -> date:
    if latest <= earliest:
        return latest
    return earliest + timedelta(days=rng.randrange((latest - earliest).days + 1))


def plan_families(rng: random.Random, today: date) -> list[Family]:
    """About 190 families holding exactly ``MINORS`` children, every situation and trait present."""
    quotas = dict(SITUATIONS, ordinary=MINORS - sum(SITUATIONS.values()))
    families = []
    for situation, quota in quotas.items():
        while quota > 0:
            size = 1 if situation == "alone" else min(quota, rng.choices((1, 2, 3), (55, 35, 10))[0])
            family = _family(rng, situation, size, today)
            quota -= len(family.children)
            families.append(family)
    _special_birthdays(rng, families, today)
    children = [c for f in families for c in f.children]
    for trait, count, youngest, oldest, preferred in TRAITS:
        _give_trait(rng, families, trait, count, youngest, oldest, preferred, today)
    for child in children:
        _complete(rng, child, today)
    taken: set[str] = set()
    for family in families:
        for child in family.children:
            child.fields.update(family.shared, birth_date=child.birth.isoformat())
            # A few records still lack the ID number: the worker has not seen the 户口本 yet.
            if rng.random() < 0.95:
                child.fields["id_number"] = names.resident_id(rng, child.birth, child.fields["gender"], taken)
    return families


def _ages(rng: random.Random, size: int, oldest_max: int) -> list[int]:
    ages = [rng.randint(0 if size == 1 else min(oldest_max, 2 * size), oldest_max)]
    while len(ages) < size and ages[-1] >= 2:
        ages.append(max(0, ages[-1] - rng.randint(2, 6)))
    return ages


def _birth(rng: random.Random, age: int, today: date) -> date:
    # At least two months old: a newborn is registered once the hukou is settled.
    return years_before(today, age) - timedelta(days=rng.randint(60 if age == 0 else 1, 360))


def _family(rng: random.Random, situation: str, size: int, today: date) -> Family:
    family_name = names.surname(rng)
    oldest_max = 15 if situation in RURAL_ONLY else 17
    ages = [rng.randint(11, 15)] if situation == "alone" else _ages(rng, size, oldest_max)
    children: list[Child] = []
    for age in ages:
        gender = rng.choice(("male", "female"))
        name = names.person_name(rng, "child", gender, family_name)
        while name in (c.fields["name"] for c in children):  # siblings have different names
            name = names.person_name(rng, "child", gender, family_name)
        children.append(Child(fields={"name": name, "gender": gender}, birth=_birth(rng, age, today)))
    if situation == "alone":
        children[0].fields["risk_flags"] = ["no_guardian"]
        children[0].traits.add("no_guardian")
    youngest = max(c.birth for c in children)
    shared, head, note = _situation(rng, situation, family_name, youngest, today)
    return Family(
        situation=situation,
        surname=family_name,
        head_name=head,
        note=note,
        registered=_registered(rng, youngest, today),
        children=children,
        shared=shared,
    )


def _registered(rng: random.Random, youngest: date, today: date) -> date:
    """Most families were registered in last year's survey (摸排), some since, a few this month."""
    roll = rng.random()
    if roll < 0.75:
        day = today - timedelta(days=rng.randint(350, 400))
    elif roll < 0.9:
        day = today - timedelta(days=rng.randint(30, 345))
    else:
        day = today - timedelta(days=rng.randint(2, 25))
    return min(max(day, youngest + timedelta(days=rng.randint(14, 45))), today - timedelta(days=1))


def _parent(rng: random.Random, status: str, youngest: date, today: date) -> dict:
    """``*_status``, ``*_status_since`` and the evidence note of one parent (no prefix yet)."""
    if status == "at_home":
        return {"status": status, "status_since": None, "evidence": None}
    earliest_days, latest_days = SINCE_WINDOW[status]
    earliest = (
        youngest + timedelta(days=180) if earliest_days is None else today - timedelta(days=earliest_days)
    )
    since = _day_between(rng, earliest, today - timedelta(days=latest_days))
    term = max(3, today.year - since.year + rng.randint(1, 5))
    evidence = rng.choice(names.PARENT_EVIDENCE[status]).format(
        year=since.year, place=rng.choice(names.WORK_PLACES), term=names.numeral(term)
    )
    return {"status": status, "status_since": since.isoformat(), "evidence": evidence}


def _situation(
    rng: random.Random, situation: str, family_name: str, youngest: date, today: date
) -> tuple[dict, str, str | None]:
    """The family's shared fields, the head of household's name and a note on the household."""
    father, mother = "at_home", "at_home"
    lives, caregiver, capable, poverty = "both", "parents", True, "none"
    head = names.person_name(rng, "young", "male", family_name)
    grandfather = names.person_name(rng, "old", "male", family_name)
    note = None
    place = rng.choice(names.WORK_PLACES)
    if situation in ("left_behind", "alone"):
        father = mother = "migrant_away"
        lives, caregiver, head = "neither", "grandparents", grandfather
        capable = rng.random() < 0.8
        note = f"父母在{place}务工，孩子由爷爷奶奶照看"
        if not capable:
            note += "；老人年过七旬，体弱多病，照料力不从心"
        if situation == "alone":
            caregiver, capable = "none", False
            note = f"父母在{place}务工，爷爷{today.year - 1}年去世后孩子独自在家"
    elif situation == "left_behind_ill_parent":
        father, mother = "migrant_away", "severe_illness"
        lives, caregiver, head = "mother", "grandparents", grandfather
        note = "父亲在外务工，母亲重病在家，孩子主要由奶奶照看"
    elif situation == "one_migrant":
        father, lives, caregiver = "migrant_away", "mother", "mother"
        note = f"父亲常年在{place}务工，母亲在家务农"
    elif situation == "divorced":
        mother_left = rng.random() < 0.65
        father, mother = ("at_home", "divorced_away") if mother_left else ("divorced_away", "at_home")
        lives = "father" if mother_left else "mother"
        caregiver = rng.choice((lives, lives, "grandparents"))
        if not mother_left:
            head = names.person_name(rng, "young", "female")
        poverty = "low_income" if rng.random() < 0.25 else "none"
        note = f"父母离异，孩子随{'父亲' if mother_left else '母亲'}生活"
    elif situation == "poor":
        poverty = "extreme_poverty" if rng.random() < 0.3 else "low_income"
        note = rng.choice(
            (f"{today.year - rng.randint(1, 5)}年纳入农村低保", "家中有重病老人，因病致贫", "特困供养家庭")
        )
    elif situation == "prisoner":
        father, lives, caregiver = "incarcerated", "mother", "mother"
        head = names.person_name(rng, "young", "female")
        note = "父亲服刑中，母亲在家务农，独自抚养孩子"
    elif situation == "prisoner_no_care":
        father, mother = "compulsory_rehab", "divorced_away"
        lives, caregiver, capable = "neither", "grandparents", False
        head = names.person_name(rng, "old", "female")
        note = "父亲强制隔离戒毒，母亲离婚后外出，奶奶年迈多病"
    elif situation == "de_facto":
        father, mother = rng.choice(
            (
                ("incarcerated", "lost_contact"),
                ("deceased", "severe_illness"),
                ("severe_disability", "lost_contact"),
                ("lost_contact", "deceased"),
                ("incarcerated", "severe_illness"),
            )
        )
        lives = "mother" if mother == "severe_illness" else "neither"
        caregiver, head = rng.choice(("grandparents", "grandparents", "other_relative")), grandfather
        capable = rng.random() < 0.5
        poverty = "low_income" if rng.random() < 0.6 else "none"
        note = "事实无人抚养儿童，已申请基本生活补贴"
    elif situation == "orphan":
        father, mother = rng.choice((("deceased", "deceased"),) * 4 + (("deceased", "missing"),))
        lives = "neither"
        caregiver = rng.choice(("grandparents", "grandparents", "other_relative"))
        head = (
            grandfather
            if caregiver == "grandparents"
            else names.person_name(rng, "young", "male", family_name)
        )
        poverty = "extreme_poverty" if rng.random() < 0.5 else "low_income"
        raised_by = "祖父母" if caregiver == "grandparents" else "叔叔"
        note = f"父母双亡，由{raised_by}抚养，享受孤儿基本生活保障"
    elif rng.random() < 0.15:
        head, note = grandfather, "三代同住"
    shared = {
        "lives_with_parents": lives,
        "caregiver": caregiver,
        "caregiver_capable": capable,
        "poverty": poverty,
    }
    for prefix, status in (("father", father), ("mother", mother)):
        for key, value in _parent(rng, status, youngest, today).items():
            shared[f"{prefix}_{key}"] = value
    return shared, head, note


def _special_birthdays(rng: random.Random, families: list[Family], today: date) -> None:
    """A few children turn 16 (leaving 留守) or 18 (leaving the registry) within weeks."""
    for situations, age in ((("left_behind",), 16), (("ordinary",), 18), (("de_facto", "orphan"), 18)):
        oldest = [f.children[0] for f in families if f.situation in situations]
        for child in rng.sample(oldest, 1 if age == 18 else 2):
            child.birth = years_before(today, age) + timedelta(days=rng.randint(5, 40))


def _give_trait(
    rng: random.Random,
    families: list[Family],
    trait: str,
    count: int,
    youngest: int,
    oldest: int,
    preferred: tuple[str, ...],
    today: date,
) -> None:
    def fits(family: Family, child: Child, situations) -> bool:
        age = age_on(child.birth, today)
        return (
            not child.traits
            and youngest <= age <= oldest
            and (not situations or family.situation in situations)
        )

    candidates = [c for f in families for c in f.children if fits(f, c, preferred)]
    if len(candidates) < count:
        candidates = [c for f in families for c in f.children if fits(f, c, ())]
    for child in rng.sample(candidates, count):
        child.traits.add(trait)
        _apply_trait(rng, child, trait, today)


def _apply_trait(rng: random.Random, child: Child, trait: str, today: date) -> None:
    f = child.fields
    if trait in ("abuse_suspected", "self_harm", "runaway", "neglect", "bullying"):
        f["risk_flags"] = [trait]
        if trait == "runaway":
            f["misbehavior"] = ["staying_out"]
    elif trait == "serious_misbehavior":
        f["misbehavior"] = [rng.choice(SERIOUS_ACTS), *rng.sample(ORDINARY_ACTS, rng.randint(0, 2))]
    elif trait == "ordinary_misbehavior":
        f["misbehavior"] = rng.sample(ORDINARY_ACTS, rng.randint(1, 2))
    elif trait == "crime_victim":
        f["crime_victim"] = True
    elif trait in ("idle", "working"):
        age = age_on(child.birth, today)
        left_after = years_before(today, age - 12)  # not before finishing primary school
        since = _day_between(rng, max(left_after, today - timedelta(days=900)), today - timedelta(days=210))
        if trait == "working":
            f["school_status"] = "working"
        else:
            f["school_status"] = "graduated" if age >= 16 and rng.random() < 0.5 else "dropped_out"
            child.school_level = "middle"
        f["out_of_school_since"] = since.isoformat()
    elif trait == "disability":
        grade = rng.randint(1, 4)
        f.update(health="disability", disability_grade=grade, disability_kind=rng.choice(DISABILITY_KINDS))
        if grade <= 2 and age_on(child.birth, today) >= 6:
            child.school_level = "special"
    elif trait in ("serious_illness", "chronic_illness"):
        f["health"] = trait


def _complete(rng: random.Random, child: Child, today: date) -> None:
    """Defaults for what no trait set, and the school that goes with the child's age."""
    f = child.fields
    defaults = {
        "health": "healthy",
        "disability_grade": None,
        "disability_kind": None,
        "misbehavior": [],
        "risk_flags": [],
        "crime_victim": False,
        "out_of_school_since": None,
    }
    for key, value in defaults.items():
        f.setdefault(key, value)
    if "school_status" in f:  # out of school: set by the trait
        return
    age = age_on(child.birth, today)
    if age < 6:
        f["school_status"] = "preschool"
        level = "kindergarten" if age >= 3 else None
    else:
        f["school_status"] = "in_school"
        if age < 12:
            level = "primary"
        elif age < 15 or (age == 15 and rng.random() < 0.5):
            level = "middle"
        else:
            level = "high"
    child.school_level = child.school_level or level


def school_name(rng: random.Random, level: str | None, village: str) -> str | None:
    if level == "kindergarten":
        return names.KINDERGARTENS[village]
    if level == "primary":
        return names.PRIMARY_SCHOOLS[village]
    if level == "middle":
        return rng.choice(names.MIDDLE_SCHOOLS)
    if level == "high":
        return rng.choice(names.HIGH_SCHOOLS)
    if level == "special":
        return "县特殊教育学校"
    return None
