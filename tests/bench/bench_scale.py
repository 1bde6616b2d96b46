"""Push and pull at county scale (issue 13): run on demand, never by pytest.

    python tests/bench/bench_scale.py [--rounds 3]

- **Push**: 1,000 new households in one batch, its replay, and 1,000 mixed edits (four in ten a
  household's notes, three a minor's school and risk flags, three new visits), on SQLite (a fresh
  file) and PostgreSQL (BENCH_DATABASE_URL, by default ``humiao_bench``, emptied first).
- **Pull** (PostgreSQL): worker1's catch-up pull after 1, 10,000 and 100,000 households written
  since her cursor in other streets' grids, with and without the scope feed indexes, median of
  15, and the SQL time inside one pull.

Through the Flask test client in-process, on a grid of 500 households, 400 minors and 2,000
visits. Results are printed; the figures of a run go to tests/bench/results.md by hand.
"""

from __future__ import annotations

import argparse
import collections
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from argon2 import PasswordHasher  # noqa: E402

from server.accounts import service as accounts_service  # noqa: E402
from server.core.changes import high_water_mark  # noqa: E402
from server.core.extensions import db  # noqa: E402
from tests.bench import bench_sync as bench  # noqa: E402
from tests.bench.generate import populate_grid  # noqa: E402
from tests.factories import area, build_world  # noqa: E402

SYNCED = ("household", "minor", "visit", "report", "measure", "referral")


def _app(url: str):
    accounts_service.hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    app = bench._app(url, Path(tempfile.mkdtemp(prefix="humiao-scale-")))
    with app.app_context():
        build_world()
        db.session.commit()
        populate_grid(households=500, minors=400, visit_count=2000)
        db.session.remove()
    return app


def _new_households(n: int, client_id: str, grid_id: int) -> list[dict]:
    return [
        {
            "mid": str(uuid.uuid4()),
            "entity": "household",
            "id": str(uuid.uuid4()),
            "op": "upsert",
            "base_version": 0,
            "hlc": bench._hlc(client_id, i),
            "fields": {
                "grid_id": grid_id,
                "address": f"幸福路{i}号",
                "head_name": "王建国",
                "phone": f"139{i:08d}",
                "notes": "家中三口人，父母外出务工，奶奶照看。",
            },
        }
        for i in range(n)
    ]


def push_rounds(label: str, url: str, rounds: int) -> None:
    app = _app(url)
    with app.app_context():
        grid_id = area("V1G1W1").id
    client = app.test_client()
    headers = bench._login(client, "worker1", "reader")
    _, _, changes = bench._pull_all(client, headers, None, 1000)
    for r in range(rounds):
        client_id = f"phone{r}"
        headers = bench._login(client, "worker1", client_id)
        batch = _new_households(1000, client_id, grid_id)
        _, new_ms, statuses = bench._push(client, headers, client_id, batch)
        _, replay_ms, _ = bench._push(client, headers, client_id, batch)
        edits = bench._edits(changes, client_id, 1000, start=20 + r)
        _, edits_ms, edit_statuses = bench._push(client, headers, client_id, edits)
        print(
            f"[{label}] round {r}: 1,000 new households {new_ms:.0f} ms {statuses}; replay {replay_ms:.0f} ms; "
            f"1,000 mixed edits {edits_ms:.0f} ms {edit_statuses}",
            flush=True,
        )


def pull_scale(url: str) -> None:
    app = _app(url)
    with app.app_context():
        other_grid = area("V1G1W2").id
        engine = db.engine
    client = app.test_client()
    headers = bench._login(client, "worker1", "phone")
    _, cursor, _ = bench._pull_all(client, headers, None, 1000)
    sql_ms: collections.Counter = collections.Counter()
    started: dict = {}
    sa.event.listen(engine, "before_cursor_execute", lambda *a: started.__setitem__("t", time.perf_counter()))
    sa.event.listen(
        engine,
        "after_cursor_execute",
        lambda *a: sql_ms.update({"sql": (time.perf_counter() - started["t"]) * 1000}),
    )

    def foreign(n: int) -> None:
        with app.app_context():
            seq = high_water_mark(db.session)
            db.session.execute(
                sa.text(
                    """INSERT INTO household (id, grid_id, address, head_name, version, field_versions,
                       field_hlcs, field_authors, change_seq, area_path, created_at, updated_at)
                       SELECT gen_random_uuid()::text, :grid, '外街', '某', 1, '{}', '{}', '{}', :seq + g,
                              '/S9/V' || (g % 40) || '/G/W' || (g % 7) || '/', now(), now()
                       FROM generate_series(1, :n) g"""
                ),
                {"grid": other_grid, "seq": seq, "n": n},
            )
            db.session.execute(sa.text("UPDATE sync_clock SET value = value + :n"), {"n": n})
            db.session.commit()
            db.session.execute(sa.text("ANALYZE"))
            db.session.commit()

    def indexes(present: bool) -> None:
        with app.app_context():
            for table in SYNCED:
                db.session.execute(
                    sa.text(
                        f"CREATE INDEX IF NOT EXISTS ix_{table}_scope_feed ON {table} (area_path text_pattern_ops, change_seq)"
                        if present
                        else f"DROP INDEX IF EXISTS ix_{table}_scope_feed"
                    )
                )
            db.session.commit()

    def catch_up() -> tuple[float, float]:
        times, sqls = [], []
        for _ in range(15):
            sql_ms.clear()
            t = time.perf_counter()
            response = client.get("/api/sync/pull", query_string={"cursor": cursor}, headers=headers)
            times.append((time.perf_counter() - t) * 1000)
            sqls.append(sql_ms["sql"])
            assert response.status_code == 200 and response.json["changes"] == []
        return statistics.median(times), statistics.median(sqls)

    written = 0
    # At least one: with nothing new since the cursor a pull answers at once, without a query.
    for total in (1, 10_000, 100_000):
        foreign(total - written)
        written = total
        indexes(False)
        without, without_sql = catch_up()
        indexes(True)
        with_, with_sql = catch_up()
        print(
            f"[pull] {total:>7,} foreign writes since the cursor: catch-up {without:6.1f} ms (SQL {without_sql:5.1f}) "
            f"without the scope indexes, {with_:6.1f} ms (SQL {with_sql:5.1f}) with them",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--pull-only", action="store_true", help="only the pull at scale")
    args = parser.parse_args()
    pg = os.environ.get("BENCH_DATABASE_URL", bench.PG_URL)
    if not args.pull_only:
        push_rounds("SQLite", f"sqlite:///{tempfile.mkdtemp()}/scale.db", args.rounds)
    if bench._prepare_postgres(pg):
        if not args.pull_only:
            push_rounds("PostgreSQL", pg, args.rounds)
        bench._prepare_postgres(pg)
        pull_scale(pg)


if __name__ == "__main__":
    main()
