"""Statistics at county scale on PostgreSQL: build a county, time every endpoint, write the figures.

Run on demand (pytest never collects it):

    python tests/bench/bench_stats.py                # build humiao_bench afresh, then time
    python tests/bench/bench_stats.py --reuse        # time against the county already built

The database (``humiao_bench_stats``, or BENCH_STATS_DATABASE_URL / --url) is created with
the humiao role through an AUTOCOMMIT connection. It is not the ``humiao_bench`` of
bench_sync.py, which drops and recreates that one: the two may run at the same time. The
county is described in tests/bench/county.py; figures go to tests/bench/results-stats.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from server import create_app  # noqa: E402
from server.config import TestConfig  # noqa: E402
from server.migrate import upgrade  # noqa: E402
from tests.bench.county import MINORS, PASSWORD, REPORTS, VISITS, County, generate  # noqa: E402

URL = "postgresql+psycopg://humiao:humiao@127.0.0.1:5432/humiao_bench_stats"
RESULTS = Path(__file__).with_name("results-stats.md")
RUNS = 5
TARGET_MS = 1000


def recreate(url: str) -> None:
    parsed = sa.engine.make_url(url)
    admin = sa.create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(sa.text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
        c.execute(sa.text(f'CREATE DATABASE "{parsed.database}" OWNER humiao'))
    admin.dispose()


def endpoints(month: str) -> list[tuple[str, str]]:
    return [
        ("overview", "/api/stats/overview"),
        ("areas", "/api/stats/areas"),
        ("workers", "/api/stats/workers"),
        ("reports", "/api/stats/reports"),
        ("referrals", "/api/stats/referrals"),
        ("trends (12 months)", "/api/stats/trends?months=12"),
        ("scoreboard", "/api/stats/scoreboard"),
        ("monthly (JSON)", f"/api/stats/monthly?month={month}"),
        ("monthly.html", f"/api/stats/monthly.html?month={month}"),
        ("monthly.xlsx", f"/api/stats/monthly.xlsx?month={month}"),
        ("overview, a whole year", "/api/stats/overview?from={year_start}&to={today}"),
    ]


def timed(client, url: str, headers: dict) -> tuple[float, list[float]]:
    """(first run, warm runs) in milliseconds."""
    samples = []
    for _ in range(RUNS + 1):
        started = time.perf_counter()
        response = client.get(url, headers=headers)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code, response.get_data(as_text=True)[:300])
    return samples[0], samples[1:]


def login(client, username: str) -> dict:
    response = client.post(
        "/api/auth/login", json={"username": username, "password": PASSWORD, "device_id": "bench"}
    )
    assert response.status_code == 200, response.json
    return {"Authorization": f"Bearer {response.json['access_token']}"}


def area_id(engine, code: str) -> int:
    with engine.connect() as c:
        return c.execute(sa.text("SELECT id FROM area WHERE code = :code"), {"code": code}).scalar_one()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=os.environ.get("BENCH_STATS_DATABASE_URL", URL))
    parser.add_argument("--reuse", action="store_true", help="time the county already in the database")
    args = parser.parse_args()

    began = time.monotonic()
    load_before = os.getloadavg()[0]
    county = County(grids=0)
    if not args.reuse:
        print("building the county ...", flush=True)
        recreate(args.url)
        upgrade(args.url)
        county = generate(args.url)
    built = time.monotonic() - began

    app = create_app(TestConfig(database_url=args.url, instance=Path(tempfile.mkdtemp())))
    engine = sa.create_engine(args.url)
    village = area_id(engine, county.village_code)
    street = area_id(engine, county.street_code)
    with engine.connect() as c:
        counts = {
            t: c.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar_one()
            for t in ("area", "household", "minor", "visit", "report")
        }
        server_version = c.execute(sa.text("SHOW server_version")).scalar_one()
    today = date.today()
    month = today.strftime("%Y-%m")
    fill = {"year_start": today.replace(month=1, day=1).isoformat(), "today": today.isoformat()}
    rows = []
    with app.test_client() as client:
        scopes = [
            ("county (20 streets)", login(client, county.county_user), ""),
            ("one street", login(client, county.street_user), f"area_id={street}"),
            ("one village", login(client, county.village_user), f"area_id={village}"),
        ]
        for label, path in endpoints(month):
            path = path.format(**fill)
            for scope, headers, query in scopes:
                url = path + (("&" if "?" in path else "?") + query if query else "")
                first, warm = timed(client, url, headers)
                rows.append((label, scope, first, statistics.median(warm), max(warm)))
                print(
                    f"  {label:<24} {scope:<20} first {first:7.0f} ms  median {statistics.median(warm):7.0f} ms",
                    flush=True,
                )
        ledger = f"/api/ledger.xlsx?area_id={village}"
        first, warm = timed(client, ledger, scopes[2][1])
        rows.append(("ledger.xlsx (export)", "one village", first, statistics.median(warm), max(warm)))
    total = time.monotonic() - began
    loads = (load_before, os.getloadavg()[0])
    write_results(rows, counts, server_version, built, total, args.reuse, loads)
    slow = [r for r in rows if r[3] > TARGET_MS and not r[0].startswith("ledger")]
    print(f"done in {total:.0f} s; {len(slow)} statistics over {TARGET_MS} ms")


def write_results(rows, counts, server_version, built, total, reused, loads) -> None:
    lines = [
        "# Statistics benchmark (county scale)",
        "",
        f"Run {date.today().isoformat()} with `python tests/bench/bench_stats.py`: PostgreSQL {server_version}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}, in-process Flask test client "
        f"(JSON serialisation included, no network). Load average before / after: {loads[0]:.1f} / "
        f"{loads[1]:.1f} (the machine is shared: figures are upper bounds).",
        "",
        f"Data: {counts['area']:,} areas, {counts['household']:,} households, {counts['minor']:,} minors "
        f"(target {MINORS:,}), {counts['visit']:,} visits (target {VISITS:,}) over the last year, "
        f"{counts['report']:,} reports (target {REPORTS:,}). "
        + (
            "Reused an existing county."
            if reused
            else f"Built in {built:.0f} s (set-based INSERT ... SELECT generate_series, then VACUUM ANALYZE)."
        ),
        "",
        f"Each endpoint: one first call, then {RUNS} timed calls; milliseconds. Period: the current month "
        "unless said otherwise. Target: under 1,000 ms.",
        "",
        "| endpoint | scope | first | median | max |",
        "|---|---|---:|---:|---:|",
    ]
    for label, scope, first, median, worst in rows:
        flag = " ⚠" if median > TARGET_MS and not label.startswith("ledger") else ""
        lines.append(f"| {label} | {scope} | {first:,.0f} | {median:,.0f}{flag} | {worst:,.0f} |")
    lines += [
        "",
        f"Whole run: {total:.0f} s. What the plans showed and the indexes added: docs/statistics.md.",
        "",
    ]
    RESULTS.write_text("\n".join(lines))
    print(f"wrote {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
