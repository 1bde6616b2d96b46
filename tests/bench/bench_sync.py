"""Sync benchmark (DESIGN §5, §8): run on demand, never by pytest.

    python tests/bench/bench_sync.py [--sqlite-only] [--households 500 --minors 400 --visits 5000]

For SQLite (a fresh file) and PostgreSQL (BENCH_DATABASE_URL, by default a ``humiao_bench``
database on the local server, created if missing and emptied), it builds one realistic grid
(tests/bench/generate.py) and measures, through the Flask test client in-process:

- a first full pull of the grid, page by page;
- an empty pull;
- a pull after 50 edits;
- a push of 1,000 mutations (and the same batch replayed).

Times are wall-clock around the request and the server's own ``Server-Timing`` figure; bytes
are the body as sent with ``Accept-Encoding: gzip``. Results go to tests/bench/results.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from argon2 import PasswordHasher  # noqa: E402

from server import create_app  # noqa: E402
from server.accounts import service as accounts_service  # noqa: E402
from server.config import TestConfig  # noqa: E402
from server.core.extensions import db  # noqa: E402
from server.migrate import upgrade  # noqa: E402
from tests.bench.generate import populate_grid  # noqa: E402
from tests.factories import PASSWORD, area, build_world  # noqa: E402

PG_URL = "postgresql+psycopg://humiao:humiao@127.0.0.1:5432/humiao_bench"
RESULTS = Path(__file__).with_name("results.md")
TARGETS = {
    "empty pull": (10.0, 500),  # ms, bytes
    "first full pull": (1000.0, None),
    "push of 1,000 mutations": (2000.0, None),
}
GZIP = {"Accept-Encoding": "gzip"}


@dataclass
class Measure:
    name: str
    wall_ms: float
    server_ms: float | None
    records: int
    bytes_: int
    requests: int = 1
    note: str = ""
    samples: list[float] = field(default_factory=list)

    @property
    def per_record(self) -> str:
        return f"{self.bytes_ / self.records:.0f}" if self.records else "-"


def _server_ms(response) -> float | None:
    header = response.headers.get("Server-Timing", "")
    for part in header.split(","):
        for item in part.split(";"):
            if item.strip().startswith("dur="):
                return float(item.strip()[4:])
    return None


def _timed(call):
    started = time.perf_counter()
    response = call()
    return response, (time.perf_counter() - started) * 1000


def _prepare_postgres(url: str) -> bool:
    admin_url = sa.engine.make_url(url).set(database="postgres")
    name = sa.engine.make_url(url).database
    try:
        engine = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            exists = conn.execute(
                sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}
            ).first()
            if not exists:
                conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        engine.dispose()
        engine = sa.create_engine(url)
        with engine.begin() as conn:
            conn.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        engine.dispose()
        return True
    except sa.exc.OperationalError as exc:
        print(f"PostgreSQL not reachable ({exc.orig}); skipping it.", file=sys.stderr)
        return False


def _app(url: str, instance: Path):
    upgrade(url)
    app = create_app(TestConfig(database_url=url, instance=instance))
    app.config["RATELIMIT_ENABLED"] = False
    return app


def _login(client, username: str, device_id: str) -> dict:
    response = client.post(
        "/api/auth/login", json={"username": username, "password": PASSWORD, "device_id": device_id}
    )
    assert response.status_code == 200, response.get_json()
    return {"Authorization": f"Bearer {response.json['access_token']}"}


def _pull_all(client, headers: dict, cursor: str | None, limit: int) -> tuple[Measure, str, list[dict]]:
    wall = server = 0.0
    total_bytes = requests = 0
    changes: list[dict] = []
    while True:
        params = {"limit": limit, **({"cursor": cursor} if cursor else {})}
        response, ms = _timed(
            lambda p=params: client.get("/api/sync/pull", query_string=p, headers={**headers, **GZIP})
        )
        assert response.status_code == 200, response.status_code
        wall += ms
        server += _server_ms(response) or 0.0
        total_bytes += len(response.get_data())
        requests += 1
        body = (
            response.get_json() if response.headers.get("Content-Encoding") != "gzip" else _gunzip(response)
        )
        changes += body["changes"]
        cursor = body["cursor"]
        if not body["has_more"]:
            break
    return Measure("pull", wall, server, len(changes), total_bytes, requests), cursor, changes


def _gunzip(response) -> dict:
    import gzip
    import json

    return json.loads(gzip.decompress(response.get_data()))


def _hlc(client_id: str, n: int) -> str:
    return f"{int(time.time() * 1000)}:{n}:{client_id}"


def _push(client, headers: dict, client_id: str, mutations: list[dict]):
    body = {"client_id": client_id, "mutations": mutations}
    response, ms = _timed(lambda: client.post("/api/sync/push", json=body, headers={**headers, **GZIP}))
    if response.status_code != 200:
        return response, ms, {f"HTTP {response.status_code}": len(mutations)}
    results = response.get_json() if response.headers.get("Content-Encoding") != "gzip" else _gunzip(response)
    statuses = {}
    for result in results["results"]:
        statuses[result["status"]] = statuses.get(result["status"], 0) + 1
    return response, ms, statuses


def _edits(changes: list[dict], client_id: str, count: int, start: int = 0) -> list[dict]:
    """``count`` realistic offline edits of pulled records, each record at most once.

    Four in ten change a household's notes and phone, three a minor's school and risk flags,
    three are new visits; ``start`` skips records an earlier call already edited.
    """
    households = [c for c in changes if c["entity"] == "household"]
    minors = [c for c in changes if c["entity"] == "minor"]
    mutations = []
    made = {"household": start, "minor": start, "visit": start}
    for n in range(count):
        kind = ("household",) * 4 + ("minor",) * 3 + ("visit",) * 3
        entity = kind[n % 10]
        i = made[entity]
        made[entity] += 1
        if entity == "household":
            record = households[i % len(households)]
            fields = {"notes": f"第{i}次走访后更新：家中情况稳定", "phone": f"139{i:08d}"}
        elif entity == "minor":
            record = minors[i % len(minors)]
            fields = {"school": "红旗小学", "risk_flags": {"add": ["neglect"], "remove": ["bullying"]}}
        else:
            record = {"id": str(uuid.uuid4()), "version": 0}
            fields = {
                "minor_id": minors[i % len(minors)]["id"],
                "visited_at": datetime.now(UTC).isoformat(),
                "kind": "home",
                "findings": {"living": {"status": "ok", "note": "生活正常"}},
                "measures": {"add": ["guardian_education"], "remove": []},
                "summary": "入户走访，孩子在家写作业，奶奶身体尚可。",
            }
        mutations.append(
            {
                "mid": str(uuid.uuid4()),
                "entity": entity,
                "id": record["id"],
                "op": "upsert",
                "base_version": record["version"],
                "hlc": _hlc(client_id, n),
                "fields": fields,
            }
        )
    return mutations


def run_backend(label: str, url: str, sizes: dict) -> list[Measure]:
    accounts_service.hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    instance = Path(tempfile.mkdtemp(prefix="humiao-bench-"))
    app = _app(url, instance)
    with app.app_context():
        build_world()
        db.session.commit()
        started = time.perf_counter()
        populate_grid(**sizes)
        print(f"[{label}] generated the grid in {time.perf_counter() - started:.1f} s")
        grid_id = area("V1G1W1").id
        db.session.remove()
    assert grid_id

    client = app.test_client()
    measures: list[Measure] = []
    phone = "bench-phone"
    headers = _login(client, "worker1", phone)

    for limit in (500, 1000):
        first, cursor, changes = _pull_all(client, headers, None, limit)
        first.name, first.note = "first full pull", f"limit={limit}, {first.requests} pages"
        measures.append(first)

    samples, server_samples, sizes_ = [], [], []
    for _ in range(30):
        response, ms = _timed(
            lambda: client.get("/api/sync/pull", query_string={"cursor": cursor}, headers={**headers, **GZIP})
        )
        body = (
            response.get_json() if response.headers.get("Content-Encoding") != "gzip" else _gunzip(response)
        )
        assert body["changes"] == [], "the empty pull was not empty"
        samples.append(ms)
        server_samples.append(_server_ms(response) or 0.0)
        sizes_.append(len(response.get_data()))
    measures.append(
        Measure(
            "empty pull",
            statistics.median(samples),
            statistics.median(server_samples),
            0,
            int(statistics.median(sizes_)),
            note=f"median of 30 (min {min(samples):.1f}, max {max(samples):.1f} ms)",
        )
    )

    editor = "bench-editor"
    editor_headers = _login(client, "worker1", editor)
    _, ms, statuses = _push(client, editor_headers, editor, _edits(changes, editor, 50))
    after, cursor, _ = _pull_all(client, headers, cursor, 500)
    after.name, after.note = "pull after 50 edits", f"edits pushed in {ms:.0f} ms: {statuses}"
    measures.append(after)

    big = _edits(changes, phone, 1000, start=20)
    response, ms, statuses = _push(client, headers, phone, big)
    measures.append(
        Measure(
            "push of 1,000 mutations",
            ms,
            _server_ms(response),
            1000,
            len(response.get_data()),
            note=str(statuses),
        )
    )
    response, ms, statuses = _push(client, headers, phone, big)
    measures.append(
        Measure(
            "the same 1,000 replayed",
            ms,
            _server_ms(response),
            1000,
            len(response.get_data()),
            note=str(statuses),
        )
    )
    after_push, _, _ = _pull_all(client, headers, cursor, 500)
    after_push.name, after_push.note = "pull after the 1,000", f"{after_push.requests} pages"
    measures.append(after_push)
    return measures


def _verdict(m: Measure) -> str:
    target = TARGETS.get(m.name)
    if not target:
        return ""
    ms, max_bytes = target
    ok = m.wall_ms < ms and (max_bytes is None or m.bytes_ < max_bytes) and "HTTP" not in m.note
    limit = f"< {ms:g} ms" + (f", < {max_bytes} B" if max_bytes else "")
    return f"{'✅' if ok else '❌'} {limit}"


def _commit() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        )
    except OSError:
        return "unknown"
    return out.stdout.strip() or "unknown"


def write_results(runs: dict[str, list[Measure]], sizes: dict) -> str:
    lines = [
        "# Sync benchmark results",
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC at commit {_commit()} with `python tests/bench/bench_sync.py` on "
        f"{platform.platform()}, Python {platform.python_version()}, {os.cpu_count()} cores, "
        f"load average {os.getloadavg()[0]:.1f} at the end (other work on the machine inflates the times).",
        f"One grid: {sizes['households']} households, {sizes['minors']} minors, {sizes['visit_count']} visits "
        "(tests/bench/generate.py), pulled by its grid worker. In-process through the Flask test "
        "client: no network, so wall time = server time + the test client's overhead. Bytes are "
        "the response body with `Accept-Encoding: gzip`.",
        "",
    ]
    for label, measures in runs.items():
        lines += [
            f"## {label}",
            "",
            "| measure | wall ms | Server-Timing ms | records | bytes | bytes/record | target | notes |",
            "|---|---:|---:|---:|---:|---:|---|---|",
        ]
        for m in measures:
            server = f"{m.server_ms:.1f}" if m.server_ms is not None else "-"
            lines.append(
                f"| {m.name} | {m.wall_ms:.1f} | {server} | {m.records} | {m.bytes_} | {m.per_record} "
                f"| {_verdict(m)} | {m.note} |"
            )
        lines.append("")
    text = "\n".join(lines)
    RESULTS.write_text(text)
    return text


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sqlite-only", action="store_true")
    parser.add_argument("--households", type=int, default=500)
    parser.add_argument("--minors", type=int, default=400)
    parser.add_argument("--visits", type=int, default=5000)
    args = parser.parse_args()
    sizes = {"households": args.households, "minors": args.minors, "visit_count": args.visits}

    runs: dict[str, list[Measure]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        runs["SQLite"] = run_backend("SQLite", f"sqlite:///{Path(tmp) / 'bench.sqlite3'}", sizes)
    pg_url = os.environ.get("BENCH_DATABASE_URL", PG_URL)
    if not args.sqlite_only and _prepare_postgres(pg_url):
        runs["PostgreSQL"] = run_backend("PostgreSQL", pg_url, sizes)
    print(write_results(runs, sizes))


if __name__ == "__main__":
    main()
