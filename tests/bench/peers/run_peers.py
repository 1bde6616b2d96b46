"""Humiao beside two peers that sync JSON records, the same work through all three (issue 13).

    python tests/bench/peers/run_peers.py [--rounds 5] [--scratch /tmp/humiao-peers]

Installs into ``--scratch`` (once): Kinto in a virtualenv of its own (memory backend, basic
auth) and PouchDB Server from npm (LevelDB in the scratch folder). Each round starts all three
fresh, on 127.0.0.1, and runs, interleaved, the same work over HTTP:

- **write 1,000**: 1,000 household-sized records in one request (Humiao: one push; Kinto: one
  batch; PouchDB Server: one ``_bulk_docs``);
- **fresh full pull**: everything a new device receives (Humiao: every page of worker1's scope,
  which also holds the demo street's records of her grid);
- **empty pull**: nothing new since the last pull, median of 10;
- **pull after 50 edits**: 50 of the records edited by another device, then the delta.

Humiao runs as ``humiao serve --demo`` (SQLite). Printed: min / median per system, and each
median as a ratio to PouchDB Server's.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[3]
RECORDS, EDITS = 1000, 50
KINTO_AUTH = ("bench", "bench-secret")
RECORDS_PATH = "/v1/buckets/bench/collections/households/records"


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _household(i: int) -> dict:
    return {
        "address": f"幸福路{i}号",
        "head_name": "王建国",
        "phone": f"139{i:08d}",
        "notes": "家中三口人，父母外出务工，奶奶照看。",
    }


def _timed(call) -> tuple[float, requests.Response]:
    started = time.perf_counter()
    response = call()
    response.raise_for_status()
    return (time.perf_counter() - started) * 1000, response


def _wait(url: str, process: subprocess.Popen, what: str) -> None:
    for _ in range(600):
        if process.poll() is not None:
            sys.exit(f"{what} exited")
        try:
            requests.get(url, timeout=1)
            return
        except requests.RequestException:
            time.sleep(0.1)
    sys.exit(f"{what} did not start")


def install(scratch: Path) -> tuple[Path, Path]:
    scratch.mkdir(parents=True, exist_ok=True)
    kinto = scratch / "kinto-venv" / "bin" / "kinto"
    if not kinto.exists():
        subprocess.run([sys.executable, "-m", "venv", str(scratch / "kinto-venv")], check=True)
        subprocess.run([str(scratch / "kinto-venv/bin/pip"), "install", "-q", "kinto"], check=True)
    pouchdb = scratch / "node_modules" / ".bin" / "pouchdb-server"
    if not pouchdb.exists():
        subprocess.run(
            ["npm", "install", "--silent", "--no-audit", "--no-fund", "pouchdb-server"],
            cwd=scratch,
            check=True,
        )
    return kinto, pouchdb


class Humiao:
    name = "Humiao (SQLite)"

    def start(self, folder: Path) -> None:
        self.port = _port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "TEST_DATABASE_URL")}
        env["HUMIAO_INSTANCE"] = str(folder / "humiao")
        command = [
            sys.executable,
            "-c",
            "from server.cli import main; main()",
            "serve",
            "--demo",
            "--port",
            str(self.port),
        ]
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        _wait(f"{self.base}/healthz", self.process, "humiao serve")
        self.writer = self._device("bench-writer")
        self.grid = next(
            c["data"]["id"]
            for c in self._pull_all(self.writer, None)[1]
            if c["entity"] == "area" and c["data"].get("level") == "grid"
        )
        self.ids: list[tuple[str, int]] = []

    def _device(self, client_id: str) -> requests.Session:
        http = requests.Session()
        token = http.post(
            f"{self.base}/api/auth/login",
            json={"username": "worker1", "password": "demo-password-1", "device_id": client_id},
            timeout=60,
        ).json()["access_token"]
        http.headers["Authorization"] = f"Bearer {token}"
        http.client_id = client_id
        return http

    def _pull_all(self, http, cursor) -> tuple[str, list]:
        changes = []
        while True:
            params = {"limit": 500, **({"cursor": cursor} if cursor else {})}
            body = http.get(f"{self.base}/api/sync/pull", params=params, timeout=60).json()
            changes += body["changes"]
            cursor = body["cursor"]
            if not body["has_more"]:
                return cursor, changes

    def _push(self, http, mutations) -> requests.Response:
        return http.post(
            f"{self.base}/api/sync/push",
            json={"client_id": http.client_id, "mutations": mutations},
            timeout=120,
        )

    def write(self) -> float:
        now = int(time.time() * 1000)
        mutations = []
        for i in range(RECORDS):
            record_id = str(uuid.uuid4())
            self.ids.append((record_id, 1))
            mutations.append(
                {
                    "mid": str(uuid.uuid4()),
                    "entity": "household",
                    "id": record_id,
                    "op": "upsert",
                    "base_version": 0,
                    "hlc": f"{now}:{i}:{self.writer.client_id}",
                    "fields": {"grid_id": self.grid, **_household(i)},
                }
            )
        ms, response = _timed(lambda: self._push(self.writer, mutations))
        assert {r["status"] for r in response.json()["results"]} == {"applied"}
        return ms

    def full_pull(self) -> tuple[float, int]:
        self.reader = self._device("bench-reader")
        started = time.perf_counter()
        self.cursor, changes = self._pull_all(self.reader, None)
        return (time.perf_counter() - started) * 1000, len(changes)

    def empty_pull(self) -> float:
        ms, response = _timed(
            lambda: self.reader.get(f"{self.base}/api/sync/pull", params={"cursor": self.cursor}, timeout=60)
        )
        assert response.json()["changes"] == []
        return ms

    def edit(self) -> None:
        now = int(time.time() * 1000)
        mutations = [
            {
                "mid": str(uuid.uuid4()),
                "entity": "household",
                "id": record_id,
                "op": "upsert",
                "base_version": version,
                "hlc": f"{now}:{i}:{self.writer.client_id}",
                "fields": {"notes": f"第{i}次走访后更新"},
            }
            for i, (record_id, version) in enumerate(self.ids[:EDITS])
        ]
        self._push(self.writer, mutations).raise_for_status()

    def delta_pull(self) -> tuple[float, int]:
        started = time.perf_counter()
        self.cursor, changes = self._pull_all(self.reader, self.cursor)
        return (time.perf_counter() - started) * 1000, len(changes)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


class Kinto:
    name = "Kinto (memory)"

    def __init__(self, kinto: Path) -> None:
        self.kinto = kinto

    def start(self, folder: Path) -> None:
        self.port = _port()
        self.base = f"http://127.0.0.1:{self.port}"
        ini = folder / "kinto.ini"
        subprocess.run(
            [str(self.kinto), "init", "--ini", str(ini), "--backend", "memory", "--cache-backend", "memory"],
            check=True,
            capture_output=True,
        )
        text = ini.read_text()
        text = text.replace("multiauth.policies = account", "multiauth.policies = basicauth")
        text = text.replace(
            "kinto.bucket_create_principals = account:admin",
            "kinto.bucket_create_principals = system.Authenticated",
        )
        text = text.replace("# kinto.batch_max_requests = 25", f"kinto.batch_max_requests = {RECORDS}")
        ini.write_text(text)
        self.process = subprocess.Popen(
            [str(self.kinto), "start", "--ini", str(ini), "--port", str(self.port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _wait(f"{self.base}/v1/", self.process, "kinto")
        self.http = requests.Session()
        self.http.auth = KINTO_AUTH
        self.http.put(f"{self.base}/v1/buckets/bench", timeout=30).raise_for_status()
        self.http.put(f"{self.base}/v1/buckets/bench/collections/households", timeout=30).raise_for_status()

    def _batch(self, method: str, bodies: list[tuple[str, dict]]) -> requests.Response:
        requests_ = [
            {"method": method, "path": f"{RECORDS_PATH[3:]}/{rid}", "body": {"data": data}}
            for rid, data in bodies
        ]
        return self.http.post(f"{self.base}/v1/batch", json={"requests": requests_}, timeout=120)

    def write(self) -> float:
        self.ids = [str(uuid.uuid4()) for _ in range(RECORDS)]
        ms, response = _timed(
            lambda: self._batch("PUT", [(rid, _household(i)) for i, rid in enumerate(self.ids)])
        )
        assert {r["status"] for r in response.json()["responses"]} == {201}
        return ms

    def full_pull(self) -> tuple[float, int]:
        ms, response = _timed(lambda: self.http.get(f"{self.base}{RECORDS_PATH}", timeout=60))
        self.since = response.headers["ETag"].strip('"')
        return ms, len(response.json()["data"])

    def empty_pull(self) -> float:
        ms, response = _timed(
            lambda: self.http.get(f"{self.base}{RECORDS_PATH}", params={"_since": self.since}, timeout=60)
        )
        assert response.json()["data"] == []
        return ms

    def edit(self) -> None:
        self._batch(
            "PATCH", [(rid, {"notes": f"第{i}次走访后更新"}) for i, rid in enumerate(self.ids[:EDITS])]
        ).raise_for_status()

    def delta_pull(self) -> tuple[float, int]:
        ms, response = _timed(
            lambda: self.http.get(f"{self.base}{RECORDS_PATH}", params={"_since": self.since}, timeout=60)
        )
        self.since = response.headers["ETag"].strip('"')
        return ms, len(response.json()["data"])

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


class PouchDB:
    name = "PouchDB Server (LevelDB)"

    def __init__(self, pouchdb: Path) -> None:
        self.pouchdb = pouchdb

    def start(self, folder: Path) -> None:
        self.port = _port()
        self.base = f"http://127.0.0.1:{self.port}"
        data = folder / "pouchdb"
        data.mkdir()
        self.process = subprocess.Popen(
            [str(self.pouchdb), "--port", str(self.port), "--dir", str(data), "--no-stdout-logs"],
            cwd=data,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _wait(f"{self.base}/", self.process, "pouchdb-server")
        self.http = requests.Session()
        self.http.put(f"{self.base}/households", timeout=30).raise_for_status()

    def write(self) -> float:
        docs = [{"_id": str(uuid.uuid4()), **_household(i)} for i in range(RECORDS)]
        ms, response = _timed(
            lambda: self.http.post(f"{self.base}/households/_bulk_docs", json={"docs": docs}, timeout=120)
        )
        self.revs = [(r["id"], r["rev"]) for r in response.json()]
        assert all(r.get("ok") for r in response.json())
        return ms

    def full_pull(self) -> tuple[float, int]:
        ms, response = _timed(
            lambda: self.http.get(
                f"{self.base}/households/_changes", params={"include_docs": "true"}, timeout=60
            )
        )
        body = response.json()
        self.since = body["last_seq"]
        return ms, len(body["results"])

    def empty_pull(self) -> float:
        ms, response = _timed(
            lambda: self.http.get(
                f"{self.base}/households/_changes",
                params={"include_docs": "true", "since": self.since},
                timeout=60,
            )
        )
        assert response.json()["results"] == []
        return ms

    def edit(self) -> None:
        docs = [
            {"_id": doc_id, "_rev": rev, **_household(i), "notes": f"第{i}次走访后更新"}
            for i, (doc_id, rev) in enumerate(self.revs[:EDITS])
        ]
        self.http.post(
            f"{self.base}/households/_bulk_docs", json={"docs": docs}, timeout=60
        ).raise_for_status()

    def delta_pull(self) -> tuple[float, int]:
        ms, response = _timed(
            lambda: self.http.get(
                f"{self.base}/households/_changes",
                params={"include_docs": "true", "since": self.since},
                timeout=60,
            )
        )
        body = response.json()
        self.since = body["last_seq"]
        return ms, len(body["results"])

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--scratch", type=Path, default=Path(tempfile.gettempdir()) / "humiao-peers")
    args = parser.parse_args()
    kinto, pouchdb = install(args.scratch)
    systems = [Humiao(), Kinto(kinto), PouchDB(pouchdb)]
    results: dict[tuple[str, str], list[float]] = defaultdict(list)
    counts: dict[tuple[str, str], int] = {}
    for r in range(args.rounds):
        for system in systems[r % 3 :] + systems[: r % 3]:  # a different one first each round
            folder = Path(tempfile.mkdtemp(prefix="peer-", dir=args.scratch))
            system.start(folder)
            try:
                results[(system.name, "write 1,000")].append(system.write())
                ms, counts[(system.name, "fresh full pull")] = system.full_pull()
                results[(system.name, "fresh full pull")].append(ms)
                results[(system.name, "empty pull")].append(
                    statistics.median(system.empty_pull() for _ in range(10))
                )
                system.edit()
                ms, counts[(system.name, "pull after 50 edits")] = system.delta_pull()
                results[(system.name, "pull after 50 edits")].append(ms)
            finally:
                system.stop()
                shutil.rmtree(folder, ignore_errors=True)
        print(f"round {r + 1} of {args.rounds} done", flush=True)

    work = ["write 1,000", "fresh full pull", "empty pull", "pull after 50 edits"]
    reference = PouchDB.name
    print(
        f"\n{args.rounds} rounds, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores; min / median ms (median ÷ PouchDB Server's)"
    )
    print("| work | " + " | ".join(s.name for s in systems) + " |")
    print("|---|" + "---:|" * len(systems))
    for item in work:
        cells = []
        for system in systems:
            times = results[(system.name, item)]
            ratio = statistics.median(times) / statistics.median(results[(reference, item)])
            count = counts.get((system.name, item))
            cells.append(
                f"{min(times):.1f} / {statistics.median(times):.1f} ({ratio:.1f}×)"
                + (f", {count} rec" if count is not None else "")
            )
        print(f"| {item} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
