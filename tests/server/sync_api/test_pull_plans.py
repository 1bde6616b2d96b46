"""A pull reads its own scope's changes, not the county's: the query plans on PostgreSQL.

Thirty thousand households of other streets are written after a grid worker's cursor; her
catch-up pull must still read only her grid's rows, through the scope feed index
(``ix_household_scope_feed``), never a scan of everything changed since the cursor.
"""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from server.core.changes import high_water_mark
from server.core.scope import Scope
from server.registry.models import Household
from server.sync_api.pull import changes_after
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
