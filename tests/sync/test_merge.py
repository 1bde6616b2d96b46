import copy
from dataclasses import replace

import pytest

from sync import (
    GRADE_SEVERITY,
    HLC,
    Conflict,
    EntitySpec,
    MergeError,
    Mutation,
    RecordState,
    apply_outcome,
    merge,
)

MINOR = EntitySpec(
    "minor",
    fields=frozenset({"name", "school_status", "grade", "risk_flags", "notes", "caregiver_capable"}),
    set_fields=frozenset({"risk_flags"}),
    severity_fields={"grade": GRADE_SEVERITY},
)
VISIT = EntitySpec(
    "visit",
    fields=frozenset({"minor_id", "summary", "measures", "review_status", "review_comment"}),
    set_fields=frozenset({"measures"}),
    append_only=True,
)
REVIEW_FIELDS = {"review_status", "review_comment"}


def mutation(fields=None, *, base=0, wall=100, node="dev-a", op="upsert", spec=MINOR, mid=None):
    return Mutation(
        mid=mid or f"{node}-{wall}",
        entity=spec.name,
        id="rec-1",
        op=op,
        base_version=base,
        hlc=HLC(wall, 0, node),
        fields=fields or {},
        client_id=node,
        author=f"user-{node}",
    )


def push(state, mut, spec=MINOR, **kwargs):
    """Merge one mutation and return (outcome, state after writing it)."""
    outcome = merge(spec, state, mut, **kwargs)
    return outcome, apply_outcome(state, outcome)


@pytest.fixture
def minor_v1():
    """A minor created at version 1 by dev-a at HLC 100."""
    fields = {"name": "李小明", "school_status": "in_school", "grade": "yellow"}
    fields["risk_flags"] = {"add": ["neglect"], "remove": []}
    _, state = push(None, mutation(fields))
    return state


def test_create_is_applied(minor_v1):
    assert minor_v1.version == 1
    assert minor_v1.values == {
        "name": "李小明",
        "school_status": "in_school",
        "grade": "yellow",
        "risk_flags": ["neglect"],
    }
    assert set(minor_v1.field_versions.values()) == {1}
    assert set(minor_v1.field_hlcs.values()) == {"100:0:dev-a"}
    assert set(minor_v1.field_authors.values()) == {"user-dev-a"}


def test_create_outcome():
    outcome = merge(MINOR, None, mutation({"risk_flags": {"add": ["runaway", "begging"]}}))
    assert outcome.status == "applied"
    assert outcome.created and not outcome.noop and not outcome.conflicts
    assert outcome.changes == {"risk_flags": ["begging", "runaway"]}


def test_create_without_fields_still_creates():
    outcome = merge(MINOR, None, mutation({}))
    assert outcome.created and not outcome.noop


def test_edit_from_current_base_is_applied(minor_v1):
    outcome, state = push(minor_v1, mutation({"school_status": "dropped_out"}, base=1, wall=200))
    assert outcome.status == "applied"
    assert outcome.changes == {"school_status": "dropped_out"}
    assert outcome.field_hlcs == {"school_status": "200:0:dev-a"}
    assert state.version == 2
    assert state.field_versions["school_status"] == 2
    assert state.field_versions["name"] == 1


def test_sending_the_current_value_is_a_noop(minor_v1):
    outcome = merge(MINOR, minor_v1, mutation({"name": "李小明"}, base=1, wall=200))
    assert outcome.status == "applied"
    assert outcome.noop and outcome.changes == {}


def test_stale_base_on_other_fields_is_merged(minor_v1):
    _, state = push(minor_v1, mutation({"name": "李晓明"}, base=1, wall=200, node="dev-b"))
    outcome, state = push(state, mutation({"school_status": "dropped_out"}, base=1, wall=150))
    assert outcome.status == "merged"
    assert not outcome.conflicts
    assert state.values["name"] == "李晓明"
    assert state.values["school_status"] == "dropped_out"


def test_equal_concurrent_values_do_not_conflict(minor_v1):
    _, state = push(minor_v1, mutation({"notes": "父母外出"}, base=1, wall=200, node="dev-b"))
    outcome = merge(MINOR, state, mutation({"notes": "父母外出"}, base=1, wall=150))
    assert outcome.status == "merged"
    assert outcome.noop and not outcome.conflicts


def test_a_resent_value_leaves_the_field_version_so_a_later_edit_on_that_base_applies(minor_v1):
    # Issue 19: blue, blue again (a no-op, answered at a later version), then orange, all on base 2.
    _, state = push(minor_v1, mutation({"grade": "blue"}, base=1, wall=200, node="dev-b"))
    _, state = push(state, mutation({"notes": "别的字段"}, base=1, wall=210))
    resent, state = push(state, mutation({"grade": "blue"}, base=2, wall=220, node="dev-b"))
    assert resent.noop and state.version == 3 and state.field_versions["grade"] == 2

    orange, state = push(state, mutation({"grade": "orange"}, base=2, wall=230, node="dev-b"))

    assert (orange.status, orange.conflicts, state.values["grade"]) == ("merged", [], "orange")


def test_later_hlc_wins_and_the_servers_value_is_kept_as_a_conflict(minor_v1):
    _, state = push(minor_v1, mutation({"notes": "server"}, base=1, wall=200, node="dev-b"))
    outcome, state = push(state, mutation({"notes": "late"}, base=1, wall=300, mid="m-late"))
    assert outcome.status == "conflict"
    assert state.values["notes"] == "late"
    assert outcome.conflicts == [
        Conflict(
            entity="minor",
            record_id="rec-1",
            field="notes",
            kind="field",
            kept_value="late",
            discarded_value="server",
            discarded_hlc="200:0:dev-b",
            discarded_author="user-dev-b",
            discarded_client_id="dev-b",
            kept_hlc="300:0:dev-a",
            mid="m-late",
        )
    ]


def test_earlier_hlc_loses_and_is_kept_as_a_conflict(minor_v1):
    _, state = push(minor_v1, mutation({"notes": "server"}, base=1, wall=200, node="dev-b"))
    outcome = merge(MINOR, state, mutation({"notes": "early"}, base=1, wall=150))
    assert outcome.status == "conflict"
    assert outcome.noop
    [conflict] = outcome.conflicts
    assert (conflict.kept_value, conflict.discarded_value) == ("server", "early")
    assert conflict.discarded_hlc == "150:0:dev-a"
    assert conflict.discarded_author == "user-dev-a"
    assert conflict.discarded_client_id == "dev-a"
    assert conflict.kept_hlc == "200:0:dev-b"


@pytest.mark.parametrize(("incoming_node", "incoming_wins"), [("dev-c", True), ("dev-a", False)])
def test_equal_wall_times_break_ties_by_the_hlc_tuple(minor_v1, incoming_node, incoming_wins):
    _, state = push(minor_v1, mutation({"notes": "server"}, base=1, wall=200, node="dev-b"))
    outcome = merge(MINOR, state, mutation({"notes": "x"}, base=1, wall=200, node=incoming_node))
    assert ("notes" in outcome.changes) is incoming_wins
    assert len(outcome.conflicts) == 1


def test_a_server_change_without_an_hlc_counts_as_oldest():
    state = RecordState(3, {"notes": "old"}, {"notes": 3}, {}, False)
    outcome = merge(MINOR, state, mutation({"notes": "new"}, base=1, wall=1))
    assert outcome.changes == {"notes": "new"}
    [conflict] = outcome.conflicts
    assert conflict.discarded_value == "old"
    assert conflict.discarded_hlc is None and conflict.discarded_client_id is None


@pytest.mark.parametrize("red_first", [True, False])
def test_a_merge_never_lowers_a_grade(minor_v1, red_first):
    # Both devices edit from version 1; the blue edit has the later HLC.
    red = mutation({"grade": "red"}, base=1, wall=200, node="dev-a")
    blue = mutation({"grade": "blue"}, base=1, wall=300, node="dev-b")
    first, second = (red, blue) if red_first else (blue, red)
    _, state = push(minor_v1, first)
    outcome, state = push(state, second)
    assert state.values["grade"] == "red"
    assert outcome.status == "conflict"
    [conflict] = outcome.conflicts
    assert (conflict.kept_value, conflict.discarded_value) == ("red", "blue")
    assert conflict.discarded_client_id == "dev-b"
    assert conflict.discarded_hlc == "300:0:dev-b"


def test_clearing_a_grade_concurrently_does_not_lower_it(minor_v1):
    _, state = push(minor_v1, mutation({"grade": "orange"}, base=1, wall=200, node="dev-b"))
    outcome, state = push(state, mutation({"grade": None}, base=1, wall=300))
    assert state.values["grade"] == "orange"
    assert outcome.conflicts[0].discarded_value is None


def test_a_grade_may_be_lowered_from_a_current_base(minor_v1):
    # A supervisor who has seen the current grade may downgrade it: that is not a merge.
    _, state = push(minor_v1, mutation({"grade": "red"}, base=1, wall=200))
    outcome, state = push(state, mutation({"grade": "blue"}, base=2, wall=300, node="dev-b"))
    assert outcome.status == "applied"
    assert state.values["grade"] == "blue"


def test_an_unknown_grade_is_rejected(minor_v1):
    with pytest.raises(MergeError) as info:
        merge(MINOR, minor_v1, mutation({"grade": "purple"}, base=1))
    assert info.value.errors == {"grade": ["Must be one of: null, blue, yellow, orange, red."]}


def test_sets_merge_adds_and_removes_without_conflict(minor_v1):
    add = mutation({"risk_flags": {"add": ["bullying"], "remove": []}}, base=1, wall=300)
    remove = mutation({"risk_flags": {"add": [], "remove": ["neglect"]}}, base=1, wall=200, node="b")
    outcome_a, state = push(minor_v1, add)
    outcome_b, state = push(state, remove)
    assert (outcome_a.status, outcome_b.status) == ("applied", "merged")
    assert not outcome_b.conflicts
    assert state.values["risk_flags"] == ["bullying"]


def test_set_removes_apply_before_adds_and_results_are_sorted(minor_v1):
    op = {"add": ["self_harm", "abuse_suspected", "neglect"], "remove": ["neglect", "runaway"]}
    outcome = merge(MINOR, minor_v1, mutation({"risk_flags": op}, base=1, wall=200))
    assert outcome.changes == {"risk_flags": ["abuse_suspected", "neglect", "self_harm"]}


def test_a_set_op_that_changes_nothing_is_a_noop(minor_v1):
    op = {"add": ["neglect"], "remove": ["runaway"]}
    assert merge(MINOR, minor_v1, mutation({"risk_flags": op}, base=1, wall=200)).noop


def test_unknown_fields_are_rejected_each_by_name(minor_v1):
    fields = {"name": "ok", "bogus": 1, "grade_colour": "red"}
    with pytest.raises(MergeError) as info:
        merge(MINOR, minor_v1, mutation(fields, base=1))
    assert info.value.errors == {"bogus": ["Unknown field."], "grade_colour": ["Unknown field."]}
    assert "bogus: Unknown field." in str(info.value)


@pytest.mark.parametrize(
    "value",
    [
        ["neglect"],
        "neglect",
        None,
        {"add": ["neglect"], "replace": []},
        {"add": "neglect"},
        {"remove": {"neglect": True}},
        {"add": [{"nested": 1}]},
        {"add": [None]},
    ],
)
def test_a_badly_shaped_set_is_rejected(minor_v1, value):
    with pytest.raises(MergeError) as info:
        merge(MINOR, minor_v1, mutation({"risk_flags": value}, base=1))
    assert list(info.value.errors) == ["risk_flags"]


@pytest.fixture
def visit_v1():
    fields = {"minor_id": "m-1", "summary": "家中无人", "review_status": "submitted"}
    _, state = push(None, mutation(fields, spec=VISIT), VISIT)
    return state


def test_append_only_create_is_applied(visit_v1):
    assert visit_v1.version == 1 and visit_v1.values["summary"] == "家中无人"


def test_append_only_edit_is_rejected(visit_v1):
    with pytest.raises(MergeError, match="Append-only") as info:
        merge(VISIT, visit_v1, mutation({"summary": "改"}, base=1, spec=VISIT))
    assert list(info.value.errors) == ["summary"]


def test_append_only_allows_the_fields_the_server_names(visit_v1):
    mut = mutation({"review_status": "approved"}, base=1, wall=300, spec=VISIT, node="sup")
    outcome = merge(VISIT, visit_v1, mut, allow_fields=REVIEW_FIELDS)
    assert outcome.status == "applied"
    assert outcome.changes == {"review_status": "approved"}
    with pytest.raises(MergeError):
        merge(VISIT, visit_v1, mut)


def test_append_only_resend_of_the_same_values_is_a_noop(visit_v1):
    mut = mutation({"minor_id": "m-1", "summary": "家中无人"}, spec=VISIT, wall=500)
    outcome = merge(VISIT, visit_v1, mut)
    assert outcome.noop and not outcome.conflicts


def test_append_only_records_cannot_be_deleted(visit_v1):
    with pytest.raises(MergeError, match="cannot be deleted"):
        merge(VISIT, visit_v1, mutation(op="delete", base=1, spec=VISIT))


def test_delete_from_current_base_makes_a_tombstone(minor_v1):
    outcome, state = push(minor_v1, mutation(op="delete", base=1, wall=200))
    assert outcome.status == "applied" and outcome.delete and not outcome.conflicts
    assert state.deleted and state.version == 2
    assert state.values == minor_v1.values  # soft: the values stay


def test_a_stale_delete_is_kept_for_review_not_applied(minor_v1):
    _, state = push(minor_v1, mutation({"notes": "新情况"}, base=1, wall=200, node="dev-b"))
    outcome = merge(MINOR, state, mutation(op="delete", base=1, wall=300, mid="del-1"))
    assert outcome.status == "conflict"
    assert not outcome.delete and outcome.noop
    assert outcome.conflicts == [
        Conflict(
            entity="minor",
            record_id="rec-1",
            field=None,
            kind="stale_delete",
            kept_value=None,
            discarded_value={"op": "delete", "base_version": 1},
            discarded_hlc="300:0:dev-a",
            discarded_author="user-dev-a",
            discarded_client_id="dev-a",
            kept_hlc="200:0:dev-b",
            mid="del-1",
        )
    ]


def test_an_edit_of_a_deleted_record_is_kept_for_review(minor_v1):
    _, state = push(minor_v1, mutation(op="delete", base=1, wall=200, node="dev-b"))
    fields = {"notes": "new", "name": "李小明", "risk_flags": {"add": ["runaway"]}}
    outcome, after = push(state, mutation(fields, base=1, wall=300))
    assert outcome.status == "conflict"
    assert outcome.noop and after == state
    by_field = {c.field: c for c in outcome.conflicts}
    # The name was not changed by the edit, so nothing of it is discarded.
    assert set(by_field) == {"notes", "risk_flags"}
    assert {c.kind for c in outcome.conflicts} == {"edit_deleted"}
    assert by_field["notes"].discarded_value == "new"
    assert by_field["notes"].kept_value is None
    assert by_field["risk_flags"].discarded_value == {"add": ["runaway"]}
    assert by_field["risk_flags"].kept_value == ["neglect"]


@pytest.mark.parametrize("base", [1, 2])
def test_deleting_a_deleted_record_is_a_noop(minor_v1, base):
    _, state = push(minor_v1, mutation(op="delete", base=1, wall=200, node="dev-b"))
    outcome = merge(MINOR, state, mutation(op="delete", base=base, wall=300))
    assert outcome.status == "applied"
    assert outcome.noop and not outcome.conflicts


def test_deleting_a_missing_record_is_rejected():
    with pytest.raises(MergeError) as info:
        merge(MINOR, None, mutation(op="delete"))
    assert info.value.errors == {"id": ["No such record to delete."]}


def test_create_on_an_existing_id_merges_against_version_zero(minor_v1):
    _, state = push(minor_v1, mutation({"notes": "x"}, base=1, wall=150))
    fields = {
        "name": "李小明",  # equal: nothing to do
        "school_status": "dropped_out",  # later HLC: wins
        "grade": "blue",  # less severe: loses
        "caregiver_capable": True,  # never set on the server: applied
        "risk_flags": {"add": ["runaway"]},
    }
    outcome, after = push(state, mutation(fields, wall=400, node="dev-b"))
    assert outcome.status == "conflict"
    assert not outcome.created
    assert outcome.changes == {
        "school_status": "dropped_out",
        "caregiver_capable": True,
        "risk_flags": ["neglect", "runaway"],
    }
    discarded = {c.field: c.discarded_value for c in outcome.conflicts}
    assert discarded == {"school_status": "in_school", "grade": "blue"}
    assert after.values["grade"] == "yellow"


def test_true_and_one_are_different_values():
    state = RecordState(2, {"caregiver_capable": 1}, {"caregiver_capable": 2}, {}, False)
    outcome = merge(MINOR, state, mutation({"caregiver_capable": True}, base=2))
    assert outcome.changes == {"caregiver_capable": True}


@pytest.mark.parametrize(
    ("kwargs", "key"),
    [
        ({"spec": VISIT}, "entity"),
        ({"op": "merge"}, "op"),
        ({"base": -1}, "base_version"),
        ({"base": 5}, "base_version"),
        ({"op": "delete", "base": 1, "fields": {"name": "x"}}, "fields"),
    ],
)
def test_malformed_envelopes_are_rejected(minor_v1, kwargs, key):
    fields = kwargs.pop("fields", None)
    mut = mutation(fields, **kwargs)
    with pytest.raises(MergeError) as info:
        merge(MINOR, minor_v1, mut)
    assert key in info.value.errors


def test_fields_must_be_an_object(minor_v1):
    mut = replace(mutation(base=1), fields=["name"])
    with pytest.raises(MergeError) as info:
        merge(MINOR, minor_v1, mut)
    assert info.value.errors == {"fields": ["Must be an object of changed fields."]}


def test_an_edit_of_a_record_the_server_never_had_is_rejected():
    with pytest.raises(MergeError, match="no such record"):
        merge(MINOR, None, mutation({"name": "x"}, base=3))


def test_merge_does_not_modify_its_inputs(minor_v1):
    _, state = push(minor_v1, mutation({"notes": "a", "grade": "red"}, base=1, wall=200, node="b"))
    fields = {"notes": "b", "grade": "orange", "risk_flags": {"add": ["x"], "remove": ["neglect"]}}
    mut = mutation(fields, base=1, wall=300)
    before_state, before_mut = copy.deepcopy(state), copy.deepcopy(mut)
    merge(MINOR, state, mut)
    assert state == before_state and mut == before_mut


def test_mutation_from_dict():
    wire = {
        "mid": "m1",
        "entity": "minor",
        "id": "r1",
        "op": "upsert",
        "base_version": 3,
        "hlc": "1764430000000:0:dev",
        "fields": {"school_status": "dropped_out"},
    }
    mut = Mutation.from_dict(wire, client_id="dev", author="worker1")
    assert mut.hlc == HLC(1764430000000, 0, "dev")
    assert (mut.base_version, mut.client_id, mut.author) == (3, "dev", "worker1")
    delete = Mutation.from_dict({**wire, "op": "delete", "fields": None}, client_id="d")
    assert delete.op == "delete"


def test_mutation_from_dict_names_every_bad_key():
    bad = {"mid": "", "entity": 3, "op": "patch", "base_version": True, "hlc": "1:x:d", "x": 1}
    with pytest.raises(MergeError) as info:
        Mutation.from_dict(bad, client_id="dev")
    assert set(info.value.errors) == {"mid", "entity", "id", "op", "base_version", "hlc", "x"}


def test_mutation_accepts_an_hlc_string():
    assert Mutation("m", "minor", "r", "upsert", 0, "5:1:d").hlc == HLC(5, 1, "d")


def test_conflict_to_dict_round_trips():
    conflict = Conflict("minor", "r1", "grade", "field", "red", "blue", "1:0:d", "u", "d", "2:0:e")
    data = conflict.to_dict()
    assert data["discarded_value"] == "blue" and data["mid"] is None
    assert Conflict.from_dict(data) == conflict
    with pytest.raises(ValueError):
        Conflict("minor", "r1", None, "lost", None, None, "1:0:d")


def test_entity_spec_checks_its_policies():
    with pytest.raises(ValueError, match="unknown fields"):
        EntitySpec("x", frozenset({"a"}), set_fields=frozenset({"b"}))
    with pytest.raises(ValueError, match="distinct"):
        EntitySpec("x", frozenset({"a"}), severity_fields={"a": ["low", "low"]})
    with pytest.raises(ValueError, match="both"):
        EntitySpec("x", frozenset({"a"}), set_fields={"a"}, severity_fields={"a": ["l", "h"]})
    assert MINOR.severity("grade", "red") > MINOR.severity("grade", "orange")
    assert hash(MINOR) == hash(MINOR)


def test_another_devices_edit_on_an_old_base_still_conflicts():
    spec = EntitySpec("minor", frozenset({"school"}))
    state = RecordState(
        version=2,
        values={"school": "一中"},
        field_versions={"school": 2},
        field_hlcs={"school": "1000:0:phone-a"},
    )
    other = Mutation(
        mid="m3",
        entity="minor",
        id="r1",
        op="upsert",
        base_version=1,
        hlc="2000:0:phone-b",
        fields={"school": "三中"},
        client_id="phone-b",
    )
    outcome = merge(spec, state, other)
    assert outcome.status == "conflict" and len(outcome.conflicts) == 1
