"""The code lists (server/core/codes.py): well formed, the one source, and spelled nowhere else.

The spelling tests read every whole string literal of ``server/**/*.py`` and
``pwa/src/**/*.js`` (tests/server/core/literals.py) except the source and the module generated
from it, and fail on:

- a label of a list written out (离异不在身边, "migrant worker away"): a second spelling that
  would drift from the first. English labels that read like identifiers ("deceased") are not
  checked, being indistinguishable from code; words that a list shares with text naming
  something else (the field 学校, the tab 报告) are listed in HOMONYMS with why;
- a hand-written code -> label map (dict or object literal): keys from one list, label-like
  values (Chinese, or "Capitalised" / spaced English, or a (zh, en) pair);
- a whole list spelled again (every code of a list of three or more in one literal), which
  should be ``codes.of(...)`` or ``codesOf(...)``.

rules.json, tests/cases/classification.json and the demo keep codes as data: the tests below
check that each code they use is in the lists. rules.json's reason vocabulary (its ``labels``:
父亲外出务工, 低保或低收入家庭) is phrasing of the rules' reasons, read by both evaluators, and is
not a code list's label.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path

import pytest

from server.core import codes
from server.registry.rules import GRADES, RULES_PATH, load_rules
from tests.server.core.literals import js_source, python_source

# Reads the sources, not the database: the PostgreSQL run skips it.
pytestmark = pytest.mark.db_independent

ROOT = Path(__file__).parents[3]
SOURCE = "server/core/codes.py"
GENERATED = "pwa/src/codes.js"
REGENERATE = "python -m server.core.codes > pwa/src/codes.js && python3 pwa/build_manifest.py"

# The minor's fields that hold codes, and the list of each.
MINOR_FIELDS = {
    "gender": "gender",
    "hukou": "hukou",
    "lives_with_parents": "lives_with_parents",
    "school_status": "school_status",
    "health": "health",
    "father_status": "parent_status",
    "mother_status": "parent_status",
    "caregiver": "caregiver",
    "poverty": "poverty",
    "misbehavior": "misbehavior",
    "risk_flags": "risk_flags",
    "categories": "categories",
}

# Words a list shares with text that names something else. Per file: the catalogue key
# (i18n catalogues) or the literal itself (elsewhere).
HOMONYMS = {
    "pwa/src/i18n/zh-CN.js": {
        # Field names: the question, not an answer (与父母同住 asks; "both" answers 与父母同住).
        "grid_id",
        "area_id",
        "school",
        "crime_victim",
        "lives_with_parents",
        # Tabs, navigation, section and column headings.
        "tab.cases",
        "tab.referrals",
        "nav.areas",
        "cases.tab_reports",
        "cases.tab_referrals",
        "cases.referrals",
        "referrals.village",
        "minor.section.health",
        "stats.visits",
        "stats.area",
        "stats.worker",
        "stats.grids",
        "stats.trend_visits_done",
        "stats.trend_reports",
        "stats.comp_visits",
        "stats.kpi_red",
        # A child's measures and referrals: headings and the visit's field, named as the records are.
        "measures",
        "minor.measures",
        "visit.measures",
        "measure.view",
        "minor.referrals",
        # The registry search's tabs, named as the records they list.
        "registry.tab_households",
        # Buttons, and the toast after each action.
        "referrals.do_declined",
        "measures.do_done",
        "review.done_approved",
        "cases.done_acknowledged",
        "cases.done_closed",
        "referrals.done_accepted",
        "referrals.done_done",
        "referrals.done_declined",
        # The review table's columns are the review statuses in Chinese, but English heads them
        # "Waiting / Approved / Returned" where the statuses read "submitted / approved / returned".
        "review.pending",
        "review.approved",
        "review.returned",
    },
    "pwa/src/i18n/en.js": {"minor.section.health", "health", "notice.dismiss", "common.ok", "stats.kpi_red"},
    # Column headers (the field, the village, the grid) and the 父亲/母亲 an import strips.
    "server/ledger/columns.py": {"与父母同住", "学校", "刑事案件受害人", "网格", "父亲", "母亲"},
    "server/ledger/routes.py": {"未成年人"},  # the export's file name
    "server/stats/monthly.py": {"转介", "区域"},  # column headers: referrals sent, the area
    "server/demo/families.py": {"父亲", "母亲"},  # a demo note: 孩子随父亲生活
}
# Maps keyed by codes whose values are not labels.
NOT_LABEL_MAPS = {
    ("server/demo/visits.py", "OK_NOTES"): "a demo visit's note per finding area",
    ("server/demo/visits.py", "MEASURE_PHRASES"): "a demo visit's summary phrase per measure taken",
    ("server/referrals/service.py", "NOTE_REQUIRED"): "the error when a step comes without its note",
}
HOTLINE_SOURCES = ("hotline", "community", "family", "school", "social_org", "legal_unit", "grid_worker")
# Lists spelled whole outside the source, and why.
SPELLED_WHOLE = {
    ("pwa/src/rules.js", GRADES): "the rules engine's own module imports nothing",
    ("pwa/src/views/sup/reports.js", HOTLINE_SOURCES): "the hotline form's order: the hotline first",
}


def sources():
    for path in sorted([*ROOT.glob("server/**/*.py"), *ROOT.glob("pwa/src/**/*.js")]):
        name = path.relative_to(ROOT).as_posix()
        if name not in (SOURCE, GENERATED):
            yield (python_source if path.suffix == ".py" else js_source)(path, ROOT)


@pytest.fixture(scope="module")
def found():
    literals, mappings, sequences = [], [], []
    for lits, maps, seqs in sources():
        literals += lits
        mappings += maps
        sequences += seqs
    return literals, mappings, sequences


def label_texts() -> dict[str, set[str]]:
    """Every label (app and written, zh and en) -> the list.code entries it names."""
    texts = defaultdict(set)
    for name, entries in codes.CODE_LISTS.items():
        for code, entry in entries.items():
            for lang in codes.LANGS:
                for text in (entry[lang], entry.get("written", {}).get(lang)):
                    if text:
                        texts[text].add(f"{name}.{code}")
    return texts


ALL_CODES = {code for entries in codes.CODE_LISTS.values() for code in entries}
IDENTIFIER = re.compile(r"[a-z_]+")
CJK = re.compile(r"[\u4e00-\u9fff]")


def test_the_pwa_module_is_what_the_generator_writes():
    assert (ROOT / GENERATED).read_text(encoding="utf-8") == codes.module_js(), f"stale: run {REGENERATE}"


def test_every_entry_has_both_labels_and_only_written_variants():
    for name, entries in codes.CODE_LISTS.items():
        assert entries, name
        for code, entry in entries.items():
            where = f"{name}.{code}"
            assert re.fullmatch(r"[a-z][a-z0-9_]*", code), where
            assert set(entry) <= {"zh", "en", "written"}, where
            assert CJK.search(entry["zh"]) and entry["en"].strip() and not CJK.search(entry["en"]), where
            written = entry.get("written", {})
            assert set(written) <= {"zh", "en"} and (written or "written" not in entry), where
            for lang, text in written.items():
                assert text != entry[lang], f"{where}: a written word equal to the app's is redundant"


def test_lists_made_of_others_keep_their_order():
    assert codes.of("misbehavior") == codes.of("misbehavior_ordinary") + codes.of("misbehavior_serious")
    assert codes.of("report_kind") == codes.of("report_kind_mandatory") + codes.of("report_kind_other")
    assert codes.of("sentinel_kind") == codes.of("report_source", without=("hotline", "grid_worker"))
    assert (*codes.of("visit_measures"), "other") == codes.of("measures")
    assert codes.label("parent_status", "incarcerated") == "服刑"
    assert codes.label("parent_status", "incarcerated", written=True) == "服刑在押"
    assert codes.label("parent_status", "deceased", "en", written=True) == "deceased"  # the app's word


def test_the_servers_enumerations_are_the_lists():
    import server.models  # noqa: F401 - every synced model, for their entity names
    from server.accounts.models import SENTINEL_KINDS, UNITS
    from server.areas.models import AreaLevel
    from server.core.changes import Synced
    from server.core.roles import Role
    from sync import CONFLICT_KINDS

    assert [role.value for role in Role] == list(codes.of("role"))
    assert [level.value for level in AreaLevel] == list(codes.of("level"))
    assert codes.of("unit") == UNITS
    assert codes.of("sentinel_kind") == SENTINEL_KINDS
    assert GRADES == ("red", "orange", "yellow", "blue")
    # sync/ imports nothing from the server: its copy of the codes must agree.
    assert codes.of("conflict_kind") == CONFLICT_KINDS
    entities = {cls.__entity__ for cls in _subclasses(Synced) if "__entity__" in vars(cls)}
    assert entities == set(codes.of("entity"))


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def _walk(node):
    yield node
    children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
    for child in children:
        yield from _walk(child)


def test_rules_json_uses_only_listed_codes():
    raw = json.loads(RULES_PATH.read_text(encoding="utf-8"))
    assert [rule["code"] for rule in raw["categories"]] == list(codes.of("categories"))
    assert tuple(grade["code"] for grade in raw["grades"]) == GRADES
    for name, members in raw["sets"].items():
        assert set(members) <= ALL_CODES, name
    for field, labels in raw["labels"].items():
        if field in MINOR_FIELDS:
            assert set(labels) <= set(codes.of(MINOR_FIELDS[field])), field
    for node in _walk(raw):
        if isinstance(node, dict) and node.get("field") in MINOR_FIELDS:
            listed = codes.of(MINOR_FIELDS[node["field"]])
            for op in ("eq", "in", "has_any"):
                value = node.get(op, [])
                values = [value] if isinstance(value, str) and not value.startswith("set:") else value
                assert isinstance(values, str) or set(values) <= set(listed), node
        if isinstance(node, dict) and "category" in node:
            assert node["category"] in codes.of("categories"), node


def test_rules_json_spells_no_category_or_grade_name_and_the_loader_adds_them():
    raw = json.loads(RULES_PATH.read_text(encoding="utf-8"))
    for rule in [*raw["categories"], *raw["grades"]]:
        assert "zh" not in rule and "en" not in rule, rule["code"]
    rules = load_rules()
    named = {rule["code"]: (rule["zh"], rule["en"]) for rule in [*rules["categories"], *rules["grades"]]}
    assert named["divorced_family"] == ("离异家庭未成年人", "child of a divorced family")
    assert named["red"] == ("红色", "red")


def test_the_classification_cases_use_only_listed_codes():
    notices = json.loads(RULES_PATH.read_text(encoding="utf-8"))["notices"]
    cases = json.loads((ROOT / "tests/cases/classification.json").read_text(encoding="utf-8"))["cases"]
    for case in cases:
        for field, value in case["minor"].items():
            if field in MINOR_FIELDS and value is not None:
                values = value if isinstance(value, list) else [value]
                assert set(values) <= set(codes.of(MINOR_FIELDS[field])), (case["name"], field)
        expect = case["expect"]
        assert set(expect.get("categories", [])) <= set(codes.of("categories")), case["name"]
        assert expect.get("grade_suggested") in (None, *GRADES), case["name"]
        for reason in expect.get("reason_codes", []):
            head, *rest = reason.split(".")
            assert head in (*codes.of("categories"), *notices) or (head == "grade" and rest[0] in GRADES), (
                reason
            )


def test_no_label_is_spelled_outside_the_lists(found):
    literals, _, _ = found
    texts = label_texts()
    checked = {t for t in texts if t not in ALL_CODES and not IDENTIFIER.fullmatch(t)}
    spelled, used = [], set()
    for lit in literals:
        if lit.text not in checked:
            continue
        name = lit.key if lit.key is not None and lit.path.startswith("pwa/src/i18n/") else lit.text
        if name in HOMONYMS.get(lit.path, ()):
            used.add((lit.path, name))
        else:
            spelled.append(f"{lit.path}:{lit.line} {lit.text!r} is the label of {sorted(texts[lit.text])}")
    assert not spelled, "use the code lists (server/core/codes.py, pwa/src/codes.js):\n" + "\n".join(spelled)
    stale = {(path, name) for path, names in HOMONYMS.items() for name in names} - used
    assert not stale, f"HOMONYMS lists what is no longer there: {sorted(stale)}"


def _label_like(value: str | tuple[str, ...]) -> bool:
    if isinstance(value, tuple):  # a (zh, en) pair; longer tuples are phrases to choose from
        return len(value) == 2 and bool(CJK.search(value[0])) and not CJK.search(value[1])
    english = re.search(r"[a-z]", value) and (" " in value or value[0].isupper())
    return bool(CJK.search(value) or english) and not value.startswith("#")


def test_no_code_to_label_map_outside_the_lists(found):
    _, mappings, _ = found
    maps, used = [], set()
    for mapping in mappings:
        for name, entries in codes.CODE_LISTS.items():
            labelled = [key for key, value in mapping.pairs if key in entries and _label_like(value)]
            if len(labelled) >= min(3, len(entries)):
                if (mapping.path, mapping.owner) in NOT_LABEL_MAPS:
                    used.add((mapping.path, mapping.owner))
                else:
                    maps.append(
                        f"{mapping.path}:{mapping.line} {mapping.owner or ''} labels {name}: {labelled}"
                    )
                break
    assert not maps, "a code -> label map belongs in server/core/codes.py:\n" + "\n".join(maps)
    assert set(NOT_LABEL_MAPS) == used, (
        f"NOT_LABEL_MAPS lists what is no longer there: {set(NOT_LABEL_MAPS) - used}"
    )


def test_no_code_list_is_spelled_again(found):
    _, _, sequences = found
    whole = {frozenset(entries): name for name, entries in codes.CODE_LISTS.items() if len(entries) >= 3}
    whole[frozenset(GRADES)] = "grade"  # the grades a minor can have: less "ungraded"
    again, used = [], set()
    for seq in sequences:
        name = whole.get(frozenset(seq.items))
        if name is None or len(set(seq.items)) != len(seq.items):
            continue
        if (seq.path, seq.items) in SPELLED_WHOLE:
            used.add((seq.path, seq.items))
        else:
            again.append(f"{seq.path}:{seq.line} spells the list {name}: use codes.of / codesOf")
    assert not again, "\n".join(again)
    assert set(SPELLED_WHOLE) == used, (
        f"SPELLED_WHOLE lists what is no longer there: {set(SPELLED_WHOLE) - used}"
    )
