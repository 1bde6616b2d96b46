"""A field that explains another (``grade_reason`` for ``grade``) is kept or discarded with it."""

import pytest

from sync import GRADE_SEVERITY, HLC, EntitySpec, Mutation, apply_outcome, merge

MINOR = EntitySpec(
    "minor",
    fields=frozenset({"name", "grade", "grade_reason", "risk_flags"}),
    set_fields=frozenset({"risk_flags"}),
    severity_fields={"grade": GRADE_SEVERITY},
    follows={"grade_reason": "grade"},
)


def mutation(fields, *, base, wall, node="dev-a"):
    return Mutation(
        mid=f"{node}-{wall}",
        entity="minor",
        id="rec-1",
        op="upsert",
        base_version=base,
        hlc=HLC(wall, 0, node),
        fields=fields,
        client_id=node,
        author=f"user-{node}",
    )


def push(state, mut):
    outcome = merge(MINOR, state, mut)
    return outcome, apply_outcome(state, outcome)


def discarded(outcome) -> dict:
    return {c.field: c.discarded_value for c in outcome.conflicts}


@pytest.fixture
def graded():
    """Created at version 1, then graded yellow at version 2 by dev-b at HLC 200."""
    _, state = push(None, mutation({"name": "李小明"}, base=0, wall=100))
    _, state = push(
        state, mutation({"grade": "yellow", "grade_reason": "留守"}, base=1, wall=200, node="dev-b")
    )
    return state


def test_a_more_severe_grade_brings_its_reason_even_with_an_earlier_clock(graded):
    outcome, state = push(graded, mutation({"grade": "red", "grade_reason": "有伤"}, base=1, wall=150))

    assert outcome.status == "conflict"
    assert (state.values["grade"], state.values["grade_reason"]) == ("red", "有伤")
    assert discarded(outcome) == {"grade": "yellow", "grade_reason": "留守"}
    reason = next(c for c in outcome.conflicts if c.field == "grade_reason")
    assert (reason.discarded_hlc, reason.discarded_client_id, reason.discarded_author) == (
        "200:0:dev-b",
        "dev-b",
        "user-dev-b",
    )


def test_a_grade_that_loses_takes_its_reason_along_even_with_a_later_clock(graded):
    outcome, state = push(graded, mutation({"grade": "blue", "grade_reason": "稳定"}, base=1, wall=300))

    assert outcome.status == "conflict"
    assert (state.values["grade"], state.values["grade_reason"]) == ("yellow", "留守")
    assert discarded(outcome) == {"grade": "blue", "grade_reason": "稳定"}
    assert all(c.discarded_client_id == "dev-a" for c in outcome.conflicts)


def test_the_same_grade_with_another_reason_keeps_the_arriving_reason(graded):
    # The grade stands either way; the reason that arrives explains it, the other is recorded.
    outcome, state = push(graded, mutation({"grade": "yellow", "grade_reason": "父母外出"}, base=1, wall=150))

    assert outcome.status == "conflict"
    assert state.values["grade_reason"] == "父母外出"
    assert discarded(outcome) == {"grade_reason": "留守"}


def test_a_grade_lowered_from_the_current_base_brings_its_reason_without_conflict(graded):
    outcome, state = push(graded, mutation({"grade": "blue", "grade_reason": "稳定"}, base=2, wall=300))

    assert (outcome.status, outcome.conflicts) == ("applied", [])
    assert (state.values["grade"], state.values["grade_reason"]) == ("blue", "稳定")
    assert state.field_versions["grade_reason"] == 3


def test_a_resent_grade_and_reason_change_nothing(graded):
    outcome = merge(MINOR, graded, mutation({"grade": "yellow", "grade_reason": "留守"}, base=1, wall=300))

    assert outcome.noop and not outcome.conflicts


def test_a_reason_alone_follows_the_ordinary_policy(graded):
    earlier = merge(MINOR, graded, mutation({"grade_reason": "旧理由"}, base=1, wall=150))
    later = merge(MINOR, graded, mutation({"grade_reason": "新理由"}, base=1, wall=300))

    assert earlier.changes == {} and discarded(earlier) == {"grade_reason": "旧理由"}
    assert later.changes == {"grade_reason": "新理由"} and discarded(later) == {"grade_reason": "留守"}


def test_an_edit_of_a_deleted_record_writes_no_reason(graded):
    deletion = Mutation(
        mid="del", entity="minor", id="rec-1", op="delete", base_version=2, hlc=HLC(250, 0, "dev-b")
    )
    _, deleted = push(graded, deletion)

    outcome = merge(MINOR, deleted, mutation({"grade": "yellow", "grade_reason": "新理由"}, base=2, wall=300))

    assert outcome.noop
    assert [(c.kind, c.field, c.discarded_value) for c in outcome.conflicts] == [
        ("edit_deleted", "grade_reason", "新理由")
    ]


def test_a_follower_is_written_on_create():
    outcome = merge(MINOR, None, mutation({"grade": "red", "grade_reason": "有伤"}, base=0, wall=100))

    assert outcome.changes == {"grade": "red", "grade_reason": "有伤"}


@pytest.mark.parametrize(
    ("follows", "message"),
    [
        ({"why": "grade"}, "unknown fields"),
        ({"flags": "grade"}, "plain field"),
        ({"grade": "name"}, "plain field"),
        ({"reason": "flags"}, "plain field"),
        ({"reason": "reason"}, "itself follows"),
        ({"reason": "name", "name": "grade"}, "itself follows"),
    ],
)
def test_a_spec_refuses_followers_it_cannot_honour(follows, message):
    with pytest.raises(ValueError, match=message):
        EntitySpec(
            "x",
            frozenset({"name", "grade", "reason", "flags"}),
            set_fields=frozenset({"flags"}),
            severity_fields={"grade": GRADE_SEVERITY},
            follows=follows,
        )
