"""A pull reads its own scope's changes, not the county's: the query plans on PostgreSQL.

Thirty thousand households of other streets are written (and as many records moved out of
other streets' areas) after a grid worker's cursor; her catch-up pull must still read only her
grid's rows, through the scope feed indexes (``ix_household_scope_feed``,
``ix_scope_exit_scope_feed``), never a scan of everything changed since the cursor: for the
page itself, for the count of what remains (the progress bar) and for the exits.
"""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from server.core.changes import high_water_mark
from server.core.scope import Scope
from server.registry.models import Household
from server.sync_api.pull import changes_after, count_after, exits_after
from tests.factories import area, make_household, user

pytestmark = pytest.mark.postgres

FOREIGN = 30_000


def _plan(session, stmt) -> str:
    # As the pull sends it: the scope's paths, the cursor and the limit written into the SQL.
    compiled = stmt.compile(dialect=session.bind.dialect, compile_kwargs={"render_postcompile": True})
    rows = session.connection().exec_driver_sql("EXPLAIN (FORMAT JSON) " + compiled.string, compiled.params)
    return json.dumps(rows.scalar())


def _county_writes_after(session, seq: int) -> None:
    """FOREIGN households in another street's grids, all changed after ``seq``."""
    session.execute(
        sa.text(
            """
            INSERT INTO household (id, grid_id, address, head_name, version, field_versions,
                                   field_hlcs, field_authors, change_seq, area_path, created_at, updated_at)
            SELECT md5(g::text)::uuid::text, :grid, '外街' || g, '某', 1, '{}', '{}', '{}',
                   :seq + g, '/S9/V' || (g % 40) || '/G/W' || (g % 7) || '/', now(), now()
            FROM generate_series(1, :n) AS g
            """
        ),
        {"grid": area("V1G1W2").id, "seq": seq, "n": FOREIGN},
    )
    session.execute(sa.text("ANALYZE household"))


@pytest.mark.parametrize("username", ["worker1", "village1"])
def test_a_catch_up_pull_reads_its_scope_through_the_scope_index(session, username):
    for n in range(20):
        make_household(address=f"本网格{n}号")
    session.flush()
    cursor = high_water_mark(session)
    _county_writes_after(session, cursor + 1000)
    scope = Scope.of(user(username))
    stmt = changes_after(Household, scope.filter(Household.area_path), cursor, cursor + 1000 + FOREIGN, 501)

    plan = _plan(session, stmt)

    assert "ix_household_scope_feed" in plan, plan
    assert "Seq Scan" not in plan and "ix_household_change_seq" not in plan, plan


def _scope_catching_up(session, username: str):
    for n in range(20):
        make_household(address=f"本网格{n}号")
    session.flush()
    cursor = high_water_mark(session)
    _county_writes_after(session, cursor + 1000)
    return Scope.of(user(username)), cursor, cursor + 1000 + FOREIGN


@pytest.mark.parametrize("username", ["worker1", "village1"])
def test_the_count_of_what_remains_reads_the_scope_index(session, username):
    scope, cursor, upto = _scope_catching_up(session, username)

    plan = _plan(session, count_after(Household, scope.filter(Household.area_path), cursor, upto))

    assert "ix_household_scope_feed" in plan, plan
    assert "Seq Scan" not in plan and "ix_household_change_seq" not in plan, plan


@pytest.mark.parametrize("username", ["worker1", "village1"])
def test_the_exits_are_read_through_the_scope_exit_index(session, username):
    scope, cursor, upto = _scope_catching_up(session, username)
    session.execute(
        sa.text(
            """
            INSERT INTO scope_exit (entity, record_id, old_path, change_seq, at)
            SELECT 'household', md5(g::text)::uuid::text, '/S9/V' || (g % 40) || '/G/W' || (g % 7) || '/',
                   :seq + g, now()
            FROM generate_series(1, :n) AS g
            """
        ),
        {"seq": cursor + 1000, "n": FOREIGN},
    )
    session.execute(sa.text("ANALYZE scope_exit"))

    plan = _plan(session, exits_after(scope, cursor, upto, 501))

    assert "ix_scope_exit_scope_feed" in plan, plan
    assert "Seq Scan" not in plan, plan
