"""Load: many phones syncing at once against gunicorn + PostgreSQL (issue 13). On demand only.

    python tests/bench/load.py [--devices 200] [--rounds 10] [--web-workers 3]

Builds the demo street in a PostgreSQL database (BENCH_DATABASE_URL, by default ``humiao_load``,
emptied first), starts the Procfile's web command (gunicorn, ``WEB_CONCURRENCY`` workers, four
threads each) on 127.0.0.1, and runs ``--devices`` simulated phones at once, each a thread
spread over the street's grid workers. Each phone logs in (Argon2 at its production cost),
makes its first sync (every page of its scope), then does ``--rounds`` rounds of a push (a
household's notes edited and a new visit) and a pull. Printed: errors, each call's p50/p95/max,
and the share of the machine's CPU the server used (its processes' CPU time over wall time
times cores). Bounded: every request has a timeout, the run stops at ``--deadline`` seconds.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

import requests
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.bench.bench_sync import _prepare_postgres  # noqa: E402

URL = "postgresql+psycopg://humiao:humiao@127.0.0.1:5432/humiao_load"
PASSWORD = "demo-password-1"
TIMEOUT = 120


class Tally:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.rejected = 0

    def call(self, kind: str, send) -> requests.Response | None:
        started = time.perf_counter()
        try:
            response = send()
        except requests.RequestException as exc:
            with self.lock:
                self.errors[f"{kind}: {type(exc).__name__}"] += 1
            return None
        elapsed = (time.perf_counter() - started) * 1000
        with self.lock:
            self.times[kind].append(elapsed)
            if response.status_code != 200:
                self.errors[f"{kind}: HTTP {response.status_code}"] += 1
        return response if response.status_code == 200 else None


def _cli(env: dict, *args: str) -> str:
    command = [sys.executable, "-c", "from server.cli import main; main()", *args]
    done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, check=True)
    return done.stdout


def _grid_workers(url: str) -> list[str]:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        names = conn.execute(
            sa.text(
                "SELECT username FROM user_account WHERE role = 'grid_worker' AND active ORDER BY username"
            )
        ).scalars()
        found = list(names)
    engine.dispose()
    return found


def _cpu_seconds(pids: list[int]) -> float:
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
    return total


def _server_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    return [master, *(int(p) for p in children.read_text().split())] if children.exists() else [master]


def _phone(n: int, base: str, username: str, rounds: int, tally: Tally, deadline: float) -> None:
    http = requests.Session()
    client_id = f"load-{n}-{uuid.uuid4().hex[:8]}"
    response = tally.call(
        "login",
        lambda: http.post(
            f"{base}/api/auth/login",
            json={"username": username, "password": PASSWORD, "device_id": client_id},
            timeout=TIMEOUT,
        ),
    )
    if response is None:
        return
    http.headers["Authorization"] = f"Bearer {response.json()['access_token']}"
    records: dict[tuple[str, str], dict] = {}
    cursor = None

    def pull(kind: str) -> bool:
        nonlocal cursor
        while True:
            params = {"limit": 500, **({"cursor": cursor} if cursor else {})}
            page = tally.call(
                kind, lambda p=params: http.get(f"{base}/api/sync/pull", params=p, timeout=TIMEOUT)
            )
            if page is None:
                return False
            body = page.json()
            for change in body["changes"]:
                records[(change["entity"], change["id"])] = change
            cursor = body["cursor"]
            if not body["has_more"]:
                return True

    if not pull("first sync (a page)"):
        return
    households = [c for (entity, _), c in records.items() if entity == "household" and not c["deleted"]]
    minors = [c for (entity, _), c in records.items() if entity == "minor" and not c["deleted"]]
    hlc = 0
    for r in range(rounds):
        if time.monotonic() > deadline or not households or not minors:
            return
        household = households[(n + r) % len(households)]
        hlc += 1
        now_ms = int(time.time() * 1000)
        mutations = [
            {
                "mid": str(uuid.uuid4()),
                "entity": "household",
                "id": household["id"],
                "op": "upsert",
                "base_version": household["version"],
                "hlc": f"{now_ms}:{hlc}:{client_id}",
                "fields": {"notes": f"第{r}轮走访：家中情况稳定"},
            },
            {
                "mid": str(uuid.uuid4()),
                "entity": "visit",
                "id": str(uuid.uuid4()),
                "op": "upsert",
                "base_version": 0,
                "hlc": f"{now_ms}:{hlc + 1}:{client_id}",
                "fields": {
                    "minor_id": minors[(n + r) % len(minors)]["id"],
                    "visited_at": datetime.now(UTC).isoformat(),
                    "kind": "home",
                    "findings": {"living": {"status": "ok", "note": "生活正常"}},
                    "summary": "入户走访，孩子在家写作业。",
                },
            },
        ]
        hlc += 1
        pushed = tally.call(
            "push",
            lambda m=mutations: http.post(
                f"{base}/api/sync/push", json={"client_id": client_id, "mutations": m}, timeout=TIMEOUT
            ),
        )
        if pushed is not None:
            rejected = [x for x in pushed.json()["results"] if x["status"] == "rejected"]
            with tally.lock:
                tally.rejected += len(rejected)
        if not pull("pull"):
            return
        household = records.get(("household", household["id"]), household)
        households[(n + r) % len(households)] = household


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devices", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--web-workers", type=int, default=3)
    parser.add_argument("--deadline", type=float, default=1800, help="seconds before the phones stop")
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL", URL)
    if not _prepare_postgres(url):
        sys.exit("PostgreSQL is needed")
    instance = Path(tempfile.mkdtemp(prefix="humiao-load-"))
    # The Procfile's gunicorn is this Python's, the one that has the app's packages.
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    env = {**os.environ, "PATH": path, "DATABASE_URL": url, "HUMIAO_INSTANCE": str(instance)}
    _cli(env, "db", "upgrade")
    print(_cli(env, "seed-demo").splitlines()[0], flush=True)
    users = _grid_workers(url)

    port = 18000 + os.getpid() % 1000
    web = subprocess.Popen(
        ["bash", "-c", "exec " + (ROOT / "Procfile").read_text().split("web:", 1)[1].splitlines()[0].strip()],
        env={**env, "PORT": str(port), "WEB_CONCURRENCY": str(args.web_workers)},
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=(instance / "gunicorn.log").open("wb"),
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if requests.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.2)
        else:
            sys.exit(f"gunicorn did not start: {(instance / 'gunicorn.log').read_text()[-2000:]}")
        tally = Tally()
        pids = _server_pids(web.pid)
        cpu_before, started = _cpu_seconds(pids), time.monotonic()
        deadline = started + args.deadline
        phones = [
            threading.Thread(
                target=_phone, args=(n, base, users[n % len(users)], args.rounds, tally, deadline)
            )
            for n in range(args.devices)
        ]
        for phone in phones:
            phone.start()
        for phone in phones:
            phone.join()
        wall = time.monotonic() - started
        server_cpu = _cpu_seconds(pids) - cpu_before
    finally:
        web.terminate()
        web.wait(timeout=30)

    print(
        f"{args.devices} phones ({len(users)} grid workers' accounts), {args.rounds} rounds, gunicorn "
        f"{args.web_workers} workers x 4 threads, PostgreSQL, {os.cpu_count()} cores: {wall:.1f} s"
    )
    print(f"errors: {dict(tally.errors) or 'none'}; rejected mutations: {tally.rejected}")
    print("| call | n | p50 ms | p95 ms | max ms |\n|---|---:|---:|---:|---:|")
    for kind, times in tally.times.items():
        times.sort()
        p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
        print(f"| {kind} | {len(times)} | {statistics.median(times):.0f} | {p95:.0f} | {times[-1]:.0f} |")
    print(
        f"server CPU: {server_cpu:.1f} s of {wall * os.cpu_count():.1f} core-seconds "
        f"({100 * server_cpu / (wall * os.cpu_count()):.0f}%); the rest is the phones, PostgreSQL and the machine"
    )


if __name__ == "__main__":
    main()
