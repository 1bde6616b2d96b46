"""The lossy-network state machine (tests/server/sync_api/convergence.py): a short random run on
every test run, and the schedules a long run once found, replayed step by step.

The long runs live in ``tests/bench/soak_sync.py``; paste a schedule it prints here.
"""

from __future__ import annotations

import pytest
from hypothesis import settings
from hypothesis.stateful import run_state_machine_as_test

from tests.server.sync_api.convergence import Convergence


@pytest.fixture
def machine(app):
    Convergence.app = app
    state = Convergence()
    yield state
    state.stack.close()  # the example's rollback, also when a step failed before teardown


def test_phones_converge_through_a_lossy_network(app):
    Convergence.app = app
    run_state_machine_as_test(
        Convergence,
        settings=settings(max_examples=25, stateful_step_count=25, deadline=None),
    )


def test_a_resent_grade_then_the_same_phones_new_grade_on_one_old_base(machine):
    """Issue 19: phone b grades a child blue twice, then orange, all on base 2 (a pull answer
    was lost). The second blue reaches the server as a no-op, so the grade still last changed
    at version 2; orange, sent on base 2, replaces a value its base held and is applied without
    a conflict record (DESIGN §5). Nothing a person meant is lost, and the oracle agrees."""
    state = machine
    state.start_from_a_surveyed_grid()
    state.pull(limit=2, loss=None, phone="a")
    state.supervisor_grades_a_minor(grade="blue", phone="b", which=0)
    state.supervisor_grades_a_minor(grade="blue", phone="b", which=0)
    state.create_household(address="甲", phone="b")
    state.pull(limit=2, loss=None, phone="a")
    state.flag_a_minor(add=False, flag="neglect", phone="a", which=0)
    state.supervisor_grades_a_minor(grade="orange", phone="b", which=0)
    state.push(count=1, loss=None, phone="b")
    state.pull(limit=500, loss="response", phone="b")
    state.push(count=1, loss=None, phone="a")
    state.push(count=20, loss="response", phone="b")
    state.teardown()


def test_a_move_to_the_grid_a_household_is_in_then_away_in_one_batch(machine):
    """Soak, seed 9002: the first move is a no-op that arrives after another edit raised the
    record's version; the second, on the same old base, replaces a grid its base already held."""
    state = machine
    state.start_from_a_surveyed_grid()
    state.edit_a_field(entity="household", name=1, phone="b", value=2, which=0)
    state.supervisor_moves_a_household(grid="V1G1W1", phone="c", which=0)
    state.supervisor_moves_a_household(grid="V1G1W2", phone="c", which=0)
    state.push(count=20, loss=None, phone="b")
    state.push(count=20, loss=None, phone="c")
    state.teardown()


def test_a_phone_that_pushed_a_child_still_knows_its_household_is_not_empty(machine):
    """Soak, SQLite seed 53: phone d registers a household and a child in it, pushes both,
    then deletes "an empty household" and the child in one later batch. The model of the phone
    forgot, once a push was applied, which household its own child lived in (a real phone
    keeps the record it wrote), so it deleted a household that was not empty and the server
    rightly refused. The phone now keeps what it wrote until a pull replaces it."""
    state = machine
    state.start_from_a_surveyed_grid()
    state.create_minor(flags=set(), phone="a", which=0)
    state.create_household(address="甲", phone="d")
    state.create_household(address="甲", phone="a")
    state.delete_a_household(phone="a", which=0)
    state.create_household(address="甲", phone="a")
    state.create_household(address="甲", phone="a")
    state.create_household(address="甲", phone="a")
    state.create_household(address="甲", phone="a")
    state.create_household(address="甲", phone="a")
    state.create_minor(flags=set(), phone="d", which=0)
    state.create_household(address="甲", phone="a")
    state.create_household(address="甲", phone="a")
    state.create_household(address="甲", phone="a")
    state.create_household(address="甲", phone="a")
    state.create_household(address="甲", phone="a")
    state.create_household(address="甲", phone="a")
    state.create_household(address="甲", phone="a")
    state.create_household(address="甲", phone="a")
    state.create_household(address="甲", phone="a")
    state.create_household(address="甲", phone="a")
    state.create_household(address="甲", phone="a")
    state.push(count=19, loss=None, phone="d")
    state.create_household(address="甲", phone="a")
    state.create_household(address="甲", phone="a")
    state.create_household(address="甲", phone="a")
    state.create_household(address="甲", phone="a")
    state.delete_a_household(phone="d", which=0)
    state.create_household(address="甲", phone="a")
    state.create_household(address="甲", phone="a")
    state.create_household(address="甲", phone="a")
    state.create_household(address="甲", phone="a")
    state.create_household(address="甲", phone="a")
    state.create_household(address="甲", phone="a")
    state.create_household(address="甲", phone="a")
    state.create_household(address="甲", phone="b")
    state.create_household(address="乙", phone="d")
    state.pull(limit=500, loss="response", phone="a")
    state.delete_a_minor(phone="d", which=3)
    state.create_household(address="甲", phone="d")
    state.teardown()


def test_an_edit_on_base_0_after_the_creates_answer_was_lost(machine):
    """Soak SQLite seed 326. Phone b creates a child, the push's answer is lost, then b flags it
    and renames it: the edit goes on base 0 to a record that exists, so the name is a conflict
    (the later one wins, the earlier is kept for review) while the flag merges as sets do. The
    oracle used to count a "conflict" answer's set operations as not applied."""
    state = machine
    state.start_from_a_surveyed_grid()
    state.create_household(address="甲", phone="a")
    state.create_minor(flags=set(), phone="b", which=0)
    state.push(count=1, loss="response", phone="b")
    state.flag_a_minor(add=True, flag="neglect", phone="b", which=0)
    state.edit_a_field(entity="minor", name=0, phone="b", value=0, which=0)
    state.teardown()
