"""The Python evaluator of the category and grade rules against the shared case table."""

import itertools
import json
import re
from datetime import date, datetime
from pathlib import Path

import pytest

from server.registry.rules import (
    DEFAULT_SETTINGS,
    GRADES,
    RULES_PATH,
    age_on,
    apply_manual,
    evaluate,
    load_rules,
    next_visit_due,
)

# The rules evaluator alone, no database: the PostgreSQL run skips it.
pytestmark = pytest.mark.db_independent

CASES_PATH = Path(__file__).parents[2] / "cases" / "classification.json"
CASES = json.loads(CASES_PATH.read_text(encoding="utf-8"))["cases"]
RULES = load_rules()

MINOR_FIELDS = {
    "birth_date",
    "hukou",
    "lives_with_parents",
    "school_status",
    "out_of_school_since",
    "health",
    "disability_grade",
    "father_status",
    "mother_status",
    "caregiver",
    "caregiver_capable",
    "poverty",
    "misbehavior",
    "crime_victim",
    "risk_flags",
}
S = RULES["sets"]["S"]
D = RULES["sets"]["D"]
HOME = {"birth_date": "2015-03-01", "hukou": "rural", "lives_with_parents": "neither"}


def outcome(result, expect):
    """The parts of an evaluation that a case states."""
    got = {"categories": result["categories"], "grade_suggested": result["grade_suggested"]}
    if "sub_tags" in expect:
        got["sub_tags"] = result["sub_tags"]
    if "age" in expect:
        got["age"] = result["age"]
    if "reason_codes" in expect:
        got["reason_codes"] = [r["code"] for r in result["reasons"]]
    return got


def test_case_table_is_large_and_names_are_unique():
    names = [c["name"] for c in CASES]
    assert len(names) >= 60
    assert len(set(names)) == len(names)
    for c in CASES:
        assert set(c["minor"]) <= MINOR_FIELDS, c["name"]


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_case_table(case):
    result = evaluate(case["minor"], date.fromisoformat(case["today"]), case.get("settings"))
    assert outcome(result.to_dict(), case["expect"]) == case["expect"]


def _walk(node):
    yield node
    if isinstance(node, dict):
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def test_rules_json_references_only_what_it_declares():
    categories = [rule["code"] for rule in RULES["categories"]]
    assert categories == [
        "left_behind",
        "de_facto_unsupported",
        "orphan",
        "in_difficulty",
        "idle",
        "child_of_prisoner",
        "serious_misbehavior",
        "divorced_family",
        "crime_victim",
        "disabled",
    ]
    assert tuple(g["code"] for g in RULES["grades"]) == GRADES
    for node in _walk({"c": RULES["categories"], "g": RULES["grades"]}):
        if isinstance(node, str) and node.startswith("set:"):
            assert node[4:] in RULES["sets"]
        if isinstance(node, str) and node.startswith("setting:"):
            assert node[8:] in RULES["settings"]
        if isinstance(node, dict) and "field" in node:
            assert node["field"] in MINOR_FIELDS
        if isinstance(node, dict) and "category" in node:
            assert node["category"] in categories
        if isinstance(node, dict) and {"zh", "en"} <= set(node):
            assert re.search(r"[\u4e00-\u9fff]", node["zh"]), node
            for expr in re.findall(r"\{([^{}]+)\}", node["zh"] + node["en"]):
                name = expr.split(":", 1)[-1].split("|")[0]
                assert expr == "age" or name in MINOR_FIELDS | set(RULES["settings"]), expr


def test_default_settings():
    assert RULES_PATH.name == "rules.json"
    assert DEFAULT_SETTINGS["left_behind_max_age"] == 16
    assert DEFAULT_SETTINGS["adult_age"] == 18
    assert DEFAULT_SETTINGS["idle_min_age"] == 6
    assert DEFAULT_SETTINGS["idle_working_age"] == 16
    assert DEFAULT_SETTINGS["out_of_school_months"] == 6
    assert DEFAULT_SETTINGS["left_behind_requires_rural_hukou"] is True
    assert DEFAULT_SETTINGS["visit_interval_days"] == {"red": 3, "orange": 7, "yellow": 30, "blue": 90}


@pytest.mark.parametrize(("father", "mother"), itertools.product(S, S))
def test_every_s_by_s_pair_is_de_facto_unsupported(father, mother):
    result = evaluate({**HOME, "father_status": father, "mother_status": mother}, date(2025, 6, 15))
    assert "de_facto_unsupported" in result.categories
    assert "orphan" not in result.categories
    assert result.grade_suggested == "orange"


@pytest.mark.parametrize(("dead", "other"), itertools.product(D, S))
def test_every_d_by_s_pair_is_de_facto_unsupported_either_way_round(dead, other):
    for father, mother in ((dead, other), (other, dead)):
        minor = {**HOME, "father_status": father, "mother_status": mother}
        result = evaluate(minor, date(2025, 6, 15))
        assert "de_facto_unsupported" in result.categories
        assert "orphan" not in result.categories


@pytest.mark.parametrize(("father", "mother"), itertools.product(D, D))
def test_every_d_by_d_pair_is_an_orphan_only(father, mother):
    result = evaluate({**HOME, "father_status": father, "mother_status": mother}, date(2025, 6, 15))
    assert result.categories == ["orphan"]


@pytest.mark.parametrize("other", ["at_home", "migrant_away", "divorced_away", "unknown", None])
def test_one_parent_in_s_with_a_present_or_unknown_other_is_not_de_facto_unsupported(other):
    for status in S:
        minor = {**HOME, "father_status": status, "mother_status": other}
        assert "de_facto_unsupported" not in evaluate(minor, date(2025, 6, 15)).categories


def test_reason_reads_as_plain_language():
    minor = {**HOME, "father_status": "incarcerated", "mother_status": "lost_contact"}
    reasons = {r["code"]: r for r in evaluate(minor, date(2025, 6, 15)).reasons}
    assert reasons["de_facto_unsupported"] == {
        "code": "de_facto_unsupported",
        "zh": "父亲服刑在押 + 母亲失联 → 事实无人抚养儿童",
        "en": "father incarcerated + mother lost contact -> de facto unsupported child",
    }


def test_reason_lists_only_the_serious_acts_and_the_idle_months():
    minor = {
        "birth_date": "2011-01-10",
        "misbehavior": ["truancy", "drugs", "theft_robbery", "drugs"],  # law order: theft first
        "school_status": "dropped_out",
        "out_of_school_since": "2024-11-01",
    }
    reasons = {r["code"]: r for r in evaluate(minor, date(2025, 6, 15)).reasons}
    assert reasons["serious_misbehavior"]["zh"] == "盗窃抢夺、吸毒或提供毒品 → 有严重不良行为未成年人"
    assert reasons["idle"]["zh"] == "辍学已7个月，14岁 → 闲散未成年人"
    assert reasons["idle"]["en"] == "dropped out for 7 months, aged 14 -> idle minor"


def test_settings_override_only_what_it_names():
    minor = {**HOME, "birth_date": "2010-01-10", "father_status": "migrant_away"}
    minor["mother_status"] = "migrant_away"
    assert evaluate(minor, date(2025, 6, 15)).categories == ["left_behind"]
    assert evaluate(minor, date(2025, 6, 15), {"left_behind_max_age": 14}).categories == []
    assert evaluate(minor, date(2025, 6, 15), {"adult_age": 15}).grade_suggested is None


def test_today_may_be_a_date_or_an_iso_string_and_nothing_else():
    minor = {"birth_date": "2015-03-01"}
    assert evaluate(minor, "2025-06-15") == evaluate(minor, date(2025, 6, 15))
    with pytest.raises(ValueError, match="today"):
        evaluate(minor, "15/06/2025")


def test_python_values_from_the_database_are_understood():
    minor = {"birth_date": date(2015, 3, 1), "risk_flags": {"runaway", "self_harm"}}
    result = evaluate(minor, date(2025, 6, 15))
    assert result.age == 10
    assert result.grade_suggested == "red"


@pytest.mark.parametrize(
    "minor",
    [
        {},
        {"birth_date": 20150301},
        {"birth_date": "2015-3-1"},
        {"birth_date": "2015-03-01\n"},
        {"birth_date": "2015-03-01", "risk_flags": "abuse_suspected", "misbehavior": {"drugs": 1}},
        {"birth_date": "2015-03-01", "disability_grade": True, "crime_victim": 1},
        {"birth_date": "2015-03-01", "father_status": ["deceased"], "mother_status": 3},
        {"birth_date": "2015-03-01", "school_status": "dropped_out", "out_of_school_since": "x"},
    ],
)
def test_missing_or_ill_typed_fields_never_raise_and_never_match(minor):
    result = evaluate(minor, date(2025, 6, 15))
    assert result.categories == []
    assert result.grade_suggested == "blue"


def test_malformed_rule_is_an_error_not_a_silent_false():
    rules = json.loads(json.dumps(RULES))
    rules["categories"][0]["when"] = {"feild": "hukou", "eq": "rural"}
    with pytest.raises(ValueError, match="unknown condition"):
        evaluate({"birth_date": "2015-03-01"}, date(2025, 6, 15), rules=rules)
    rules["categories"][0]["when"] = {"field": "hukou", "equals": "rural"}
    with pytest.raises(ValueError, match="unexpected"):
        evaluate({"birth_date": "2015-03-01"}, date(2025, 6, 15), rules=rules)


def test_load_rules_from_a_path(tmp_path):
    path = tmp_path / "rules.json"
    rules = json.loads(json.dumps(RULES))
    rules["settings"]["left_behind_max_age"] = 14
    path.write_text(json.dumps(rules), encoding="utf-8")
    assert load_rules(path)["settings"]["left_behind_max_age"] == 14
    assert load_rules() is load_rules()


@pytest.mark.parametrize(
    ("birth", "today", "age"),
    [
        (date(2009, 6, 15), date(2025, 6, 14), 15),
        (date(2009, 6, 15), date(2025, 6, 15), 16),
        (date(2007, 12, 31), date(2025, 12, 30), 17),
        (date(2007, 12, 31), date(2025, 12, 31), 18),
        (date(2008, 2, 29), date(2026, 2, 28), 17),
        (date(2008, 2, 29), date(2026, 3, 1), 18),
        (date(2008, 2, 29), date(2028, 2, 28), 19),
        (date(2008, 2, 29), date(2028, 2, 29), 20),
        (date(2025, 6, 15), date(2025, 6, 15), 0),
    ],
)
def test_age_on_is_birthday_exact(birth, today, age):
    assert age_on(birth, today) == age


@pytest.mark.parametrize(
    ("grade", "last_visit", "registered", "due"),
    [
        ("red", date(2025, 1, 30), None, date(2025, 2, 2)),
        ("orange", date(2025, 1, 28), None, date(2025, 2, 4)),
        ("yellow", date(2025, 1, 31), None, date(2025, 3, 2)),
        ("yellow", date(2024, 1, 31), None, date(2024, 3, 1)),
        ("red", date(2025, 12, 30), None, date(2026, 1, 2)),
        ("blue", date(2025, 11, 15), None, date(2026, 2, 13)),
        ("red", date(2028, 2, 26), None, date(2028, 2, 29)),
        ("red", date(2028, 2, 27), None, date(2028, 3, 1)),
        ("blue", date(2028, 2, 29), None, date(2028, 5, 29)),
        ("yellow", date(2028, 2, 29), None, date(2028, 3, 30)),
        ("orange", None, date(2025, 6, 1), date(2025, 6, 8)),
        ("blue", date(2025, 6, 10), date(2025, 1, 1), date(2025, 9, 8)),
        (None, date(2025, 6, 10), date(2025, 1, 1), None),
        ("purple", date(2025, 6, 10), None, None),
        ("red", None, None, None),
    ],
)
def test_next_visit_due(grade, last_visit, registered, due):
    assert next_visit_due(grade, last_visit, registered) == due


def test_next_visit_due_follows_a_grade_change():
    last = date(2025, 1, 10)
    assert next_visit_due("yellow", last, None) == date(2025, 2, 9)
    # Upgraded to red after that visit: due three days after it, so already overdue today.
    assert next_visit_due("red", last, None) == date(2025, 1, 13)
    assert next_visit_due("blue", last, None) == date(2025, 4, 10)


def test_next_visit_due_with_street_settings():
    settings = {"visit_interval_days": {"red": 2}}
    assert next_visit_due("red", date(2025, 2, 27), None, settings) == date(2025, 3, 1)
    assert next_visit_due("yellow", date(2025, 2, 27), None, settings) == date(2025, 3, 29)
    assert next_visit_due("red", datetime(2025, 2, 27, 23, 30), None) == date(2025, 3, 2)
    assert next_visit_due("red", date(2025, 2, 27), None, {"visit_interval_days": {"red": 1.5}}) is None


def test_apply_manual():
    derived = ["left_behind", "idle"]
    assert apply_manual(derived, None) == derived
    assert apply_manual(derived, {}) == derived
    manual = {"add": {"crime_victim": "派出所通报"}, "remove": {"idle": "已复学,系统未更新"}}
    assert apply_manual(derived, manual) == ["left_behind", "crime_victim"]
    assert apply_manual(["idle"], {"add": {"orphan": "民政认定"}}, RULES) == ["orphan", "idle"]
    both = {"add": {"idle": "a"}, "remove": {"idle": "b"}}
    assert apply_manual(derived, both) == ["left_behind", "idle"]
    assert apply_manual(derived, {"add": {"other_local": "x"}}, RULES) == [
        "left_behind",
        "idle",
        "other_local",
    ]
    assert derived == ["left_behind", "idle"]
