"""The Python and JavaScript evaluators give the same answer for every minor.

Random minors (every field, with nulls, missing keys and ill-typed values), days and street
settings go through server/registry/rules.py and, via one long-lived node process
(pwa/tests/eval_cli.mjs), through pwa/src/rules.js; the outputs must be equal.
"""

import calendar
import json
import shutil
import subprocess
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from server.registry.rules import GRADES, apply_manual, evaluate, load_rules, next_visit_due

ROOT = Path(__file__).parents[3]
CLI = ROOT / "pwa" / "tests" / "eval_cli.mjs"
CASES = json.loads((ROOT / "tests" / "cases" / "classification.json").read_text(encoding="utf-8"))["cases"]
RULES = load_rules()
CATEGORIES = [rule["code"] for rule in RULES["categories"]]

PARENT = list(RULES["labels"]["father_status"])
ENUMS = {
    "hukou": ["rural", "urban"],
    "lives_with_parents": ["both", "father", "mother", "neither"],
    "school_status": list(RULES["labels"]["school_status"]),
    "health": list(RULES["labels"]["health"]),
    "father_status": PARENT,
    "mother_status": PARENT,
    "caregiver": ["parents", "father", "mother", "grandparents", "other_relative", "none", "institution"],
    "poverty": ["none", "low_income", "extreme_poverty"],
}
ACTS = list(RULES["labels"]["misbehavior"])
FLAGS = list(RULES["labels"]["risk_flags"])

# Python and JavaScript evaluators, no database: the PostgreSQL run skips it.
pytestmark = [
    pytest.mark.skipif(shutil.which("node") is None, reason="node is not on PATH"),
    pytest.mark.db_independent,
]

junk = st.one_of(
    st.booleans(),
    st.integers(-3, 30),
    st.sampled_from([2.0, 2.5, "", "2", "2020-02-30", "2020-1-1", "constructor", "__proto__"]),
    st.text(max_size=4),
    st.lists(st.sampled_from(["deceased", "drugs", "runaway"]), max_size=2),
    st.just({"x": 1}),
)


def usually(valid):
    """Mostly valid values, sometimes null, now and then junk."""
    # one_of would flatten junk's branches and make junk the common case.
    return st.integers(0, 9).flatmap(lambda k: valid if k < 7 else st.none() if k == 7 else junk)


def iso(day):
    return day.isoformat()


def months_before(day, months, days):
    """``months`` calendar months before ``day`` (day of month clamped), then ``days`` back."""
    y, m = divmod(day.year * 12 + day.month - 1 - months, 12)
    d = min(day.day, calendar.monthrange(y, m + 1)[1])
    return iso(date(y, m + 1, d) - timedelta(days=days))


# Days where whole years and months are easy to get wrong: leap days and month ends.
EDGE_DAYS = [date(y, m, d) for y in (2024, 2025, 2027, 2028) for m, d in ((2, 28), (3, 1), (12, 31))]
EDGE_DAYS += [date(2024, 2, 29), date(2028, 2, 29), date(2025, 6, 30), date(2025, 7, 1)]


@st.composite
def requests(draw):
    today = draw(st.one_of(st.dates(date(2000, 1, 1), date(2040, 12, 31)), st.sampled_from(EDGE_DAYS)))
    near = st.integers(-40, 20 * 366).map(lambda n: iso(today - timedelta(days=n)))
    # Exactly k years (or months) before today, give or take a day: the birthday edges.
    years_ago = st.builds(
        lambda k, d: months_before(today, 12 * k, d), st.integers(0, 19), st.integers(-1, 1)
    )
    leap = st.sampled_from(["2004-02-29", "2008-02-29", "2012-02-29", "2016-02-29", "2020-02-29"])
    since = st.one_of(
        st.integers(-40, 3 * 366).map(lambda n: iso(today - timedelta(days=n))),
        st.builds(lambda k, d: months_before(today, k, d), st.integers(0, 13), st.integers(-1, 1)),
    )
    # Uniform draws almost never hit two-field rules (both parents migrant), so weight the
    # values that the rules look at.
    parent = st.one_of(
        st.sampled_from(["migrant_away", "deceased", "incarcerated", "at_home"]), st.sampled_from(PARENT)
    )
    fields = {name: usually(st.sampled_from(values)) for name, values in ENUMS.items()}
    fields |= {
        "birth_date": usually(st.one_of(near, years_ago, leap)),
        "hukou": usually(st.sampled_from(["rural", "rural", "urban"])),
        "father_status": usually(parent),
        "mother_status": usually(parent),
        "out_of_school_since": usually(since),
        "disability_grade": usually(st.integers(0, 5)),
        "caregiver_capable": usually(st.booleans()),
        "crime_victim": usually(st.booleans()),
        "misbehavior": usually(st.lists(st.sampled_from(ACTS), max_size=4)),
        "risk_flags": usually(st.lists(st.sampled_from(FLAGS), max_size=3)),
    }
    minor = {name: draw(strategy) for name, strategy in fields.items()}
    for name in draw(st.sets(st.sampled_from(sorted(fields)), max_size=5)):
        del minor[name]
    if draw(st.booleans()):
        minor["risk_flags"] = []
    overrides = draw(
        st.none()
        | st.fixed_dictionaries(
            {},
            optional={
                "adult_age": st.integers(14, 20),
                "left_behind_max_age": st.integers(10, 18),
                "left_behind_requires_rural_hukou": st.booleans(),
                "idle_min_age": st.integers(4, 8),
                "idle_working_age": st.integers(14, 18),
                "out_of_school_months": st.integers(0, 12),
                "in_difficulty_max_disability_grade": st.integers(1, 4),
                "in_difficulty_serious_illness": st.booleans(),
            },
        )
    )
    return {"op": "evaluate", "minor": minor, "today": iso(today), "settings": overrides}


@pytest.fixture(scope="module")
def js():
    proc = subprocess.Popen(
        ["node", str(CLI)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        bufsize=1,
    )

    def call(request):
        proc.stdin.write(json.dumps(request) + "\n")
        proc.stdin.flush()
        line = proc.stdout.readline()
        assert line, "the node evaluator exited"
        answer = json.loads(line)
        assert "error" not in answer, answer["error"]
        return answer["ok"]

    yield call
    proc.stdin.close()
    proc.wait(timeout=10)


def python_evaluate(request):
    return evaluate(request["minor"], date.fromisoformat(request["today"]), request["settings"]).to_dict()


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_case_table_gives_identical_output(js, case):
    request = {"op": "evaluate", "minor": case["minor"], "today": case["today"]}
    request["settings"] = case.get("settings")
    assert js(request) == python_evaluate(request)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(request=requests())
def test_random_minors_give_identical_output(js, request):
    assert js(request) == python_evaluate(request)


days = st.one_of(st.none(), st.dates(date(1990, 1, 1), date(2100, 12, 31)))


@settings(max_examples=300, deadline=None)
@given(
    grade=st.sampled_from([*GRADES, None, "purple"]),
    last_visit=days,
    registered=days,
    intervals=st.none() | st.dictionaries(st.sampled_from(GRADES), st.integers(-1, 400)),
)
def test_next_visit_due_agrees(js, grade, last_visit, registered, intervals):
    overrides = None if intervals is None else {"visit_interval_days": intervals}
    expected = next_visit_due(grade, last_visit, registered, overrides)
    request = {
        "op": "next_visit_due",
        "grade": grade,
        "last_visit": last_visit and iso(last_visit),
        "registered": registered and iso(registered),
        "settings": overrides,
    }
    assert js(request) == (expected and iso(expected))


reasons = st.dictionaries(st.sampled_from([*CATEGORIES, "local_extra"]), st.just("原因"), max_size=3)


@settings(max_examples=300, deadline=None)
@given(
    categories=st.lists(st.sampled_from(CATEGORIES), unique=True),
    manual=st.none() | st.fixed_dictionaries({}, optional={"add": reasons, "remove": reasons}),
    ordered=st.booleans(),
)
def test_apply_manual_agrees(js, categories, manual, ordered):
    expected = apply_manual(categories, manual, RULES if ordered else None)
    request = {"op": "apply_manual", "categories": categories, "manual": manual, "rules": ordered}
    assert js(request) == expected
