"""Sync soak: the lossy-network state machine run long (issue 19). On demand, never by pytest.

    python tests/bench/soak_sync.py --database sqlite --schedules 2000 --steps 40 --seed 0
    python tests/bench/soak_sync.py --database postgres --schedules 2000 --steps 40 --seed 1000

The schedules run in chunks of ``--chunk``, one hypothesis seed each (``--seed``, ``--seed`` + 1,
...), so a soak can be split over processes and continued later: every chunk is a line in
``--log`` (JSON), and ``--total LOG...`` adds up the logs. A chunk that fails is reported with
the schedule hypothesis printed (shrunk unless ``--no-shrink``) and the soak goes on with the
next seed. PostgreSQL: ``--url``, else SOAK_DATABASE_URL or TEST_DATABASE_URL; its public schema
is emptied first, so give it a database of its own. Run it with ``nice``: it keeps a core busy.

The state machine and its oracle are tests/server/sync_api/convergence.py; paste a schedule
that fails into tests/server/sync_api/test_convergence.py as a regression test.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from argon2 import PasswordHasher  # noqa: E402
from hypothesis import HealthCheck, Phase, seed, settings  # noqa: E402
from hypothesis.stateful import get_state_machine_test  # noqa: E402

from server import create_app  # noqa: E402
from server.accounts import service as accounts_service  # noqa: E402
from server.config import TestConfig  # noqa: E402
from server.core.extensions import db  # noqa: E402
from server.migrate import upgrade  # noqa: E402
from tests.factories import build_world  # noqa: E402
from tests.server.sync_api.convergence import Convergence  # noqa: E402


def make_app(url: str | None):
    accounts_service.hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    instance = Path(tempfile.mkdtemp(prefix="humiao-soak-"))
    if url is None:
        url = f"sqlite:///{instance / 'soak.sqlite3'}"
    else:
        engine = sa.create_engine(url)
        with engine.begin() as conn:
            conn.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        engine.dispose()
    upgrade(url)
    app = create_app(TestConfig(database_url=url, instance=instance))
    with app.app_context():
        build_world()
        db.session.commit()
    return app


def run_chunk(examples: int, steps: int, chunk_seed: int, shrink: bool) -> BaseException | None:
    phases = [Phase.generate, Phase.shrink] if shrink else [Phase.generate]
    test = get_state_machine_test(
        Convergence,
        settings=settings(
            max_examples=examples,
            stateful_step_count=steps,
            deadline=None,
            database=None,
            phases=phases,
            print_blob=False,
            suppress_health_check=list(HealthCheck),
        ),
    )
    try:
        seed(chunk_seed)(test)()
    except Exception as exc:
        return exc
    return None


def describe(exc: BaseException) -> str:
    return "".join(traceback.format_exception_only(exc)).strip()


def soak(args) -> int:
    url = None
    if args.database == "postgres":
        url = args.url or os.environ.get("SOAK_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL")
        if not (url or "").startswith("postgresql"):
            sys.exit(
                "PostgreSQL: give --url, SOAK_DATABASE_URL or TEST_DATABASE_URL (postgresql+psycopg://...)."
            )
    Convergence.app = make_app(url)
    log = open(args.log, "a", encoding="utf-8") if args.log else None  # noqa: SIM115
    chunks = -(-args.schedules // args.chunk)
    ran = failed = 0
    started = time.monotonic()
    for chunk_seed in range(args.seed, args.seed + chunks):
        examples = min(args.chunk, args.schedules - ran)
        Convergence.started = 0
        chunk_started = time.monotonic()
        error = run_chunk(examples, args.steps, chunk_seed, shrink=False)
        schedules = Convergence.started  # the failing schedule is the last one started
        line = {
            "database": args.database,
            "seed": chunk_seed,
            "steps": args.steps,
            "schedules": schedules,
            "seconds": round(time.monotonic() - chunk_started, 1),
            "failure": None,
        }
        ran += schedules
        if error is not None:
            failed += 1
            if args.shrink:
                # The same seed draws the same schedules again; this time hypothesis shrinks the failure.
                error = run_chunk(examples, args.steps, chunk_seed, shrink=True) or error
            line["failure"] = describe(error)
            print(f"\nseed {chunk_seed}: FAILED\n{line['failure']}\n", flush=True)
        print(
            f"{args.database}: seed {chunk_seed}: {schedules} schedules x {args.steps} steps in "
            f"{line['seconds']} s{' (failed)' if error else ''}; total {ran} schedules, {failed} failed, "
            f"{time.monotonic() - started:.0f} s",
            flush=True,
        )
        if log:
            log.write(json.dumps(line, ensure_ascii=False) + "\n")
            log.flush()
    print(
        f"\n{args.database}: {ran} schedules of {args.steps} steps (seeds {args.seed}-{args.seed + chunks - 1}), "
        f"{failed} failed chunk(s). Continue with --seed {args.seed + chunks}."
    )
    return 1 if failed else 0


def total(paths: list[str]) -> int:
    """Add up soak logs: schedules and failures per database and step count."""
    rows = [
        json.loads(line)
        for path in paths
        for line in Path(path).read_text(encoding="utf-8").splitlines()
        if line
    ]
    seen: dict[tuple, dict] = {}
    for row in rows:
        seen[(row["database"], row["steps"], row["seed"])] = row  # a seed run twice counts once
    groups: dict[tuple, list[dict]] = {}
    for (database, steps, _), row in sorted(seen.items()):
        groups.setdefault((database, steps), []).append(row)
    for (database, steps), group in groups.items():
        seeds = sorted(r["seed"] for r in group)
        failures = [r for r in group if r["failure"]]
        print(
            f"{database}: {sum(r['schedules'] for r in group)} schedules x {steps} steps, "
            f"{len(seeds)} seeds ({seeds[0]}-{seeds[-1]}), {sum(r['seconds'] for r in group) / 60:.0f} min, "
            f"{len(failures)} failed"
            + "".join(f"\n  seed {r['seed']}: {r['failure'].splitlines()[0]}" for r in failures)
        )
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--url", help="PostgreSQL URL (its public schema is emptied)")
    parser.add_argument("--schedules", type=int, default=1000, help="how many schedules to run")
    parser.add_argument("--steps", type=int, default=40, help="steps per schedule")
    parser.add_argument("--seed", type=int, default=0, help="seed of the first chunk")
    parser.add_argument("--chunk", type=int, default=50, help="schedules per seed")
    parser.add_argument("--no-shrink", dest="shrink", action="store_false", help="report failures unshrunk")
    parser.add_argument("--log", help="append one JSON line per chunk to this file")
    parser.add_argument("--total", nargs="+", metavar="LOG", help="add up soak logs and exit")
    args = parser.parse_args()
    if args.total:
        return total(args.total)
    return soak(args)


if __name__ == "__main__":
    sys.exit(main())
