"""Login throttling slows guessing, never lets a stranger lock a worker out, and holds across
the web workers of the Procfile (issue 11)."""

from __future__ import annotations

import os
import shlex
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from server.accounts.models import LoginFailure
from server.migrate import upgrade
from tests.conftest import DEMO_PASSWORD

ROOT = Path(__file__).resolve().parents[3]
WRONG = "wrong-password-1"


def attempt(client, username: str, password: str, address: str = "10.0.0.1"):
    return client.post(
        "/api/auth/login",
        json={"username": username, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def age_failures(session, seconds: int) -> None:
    """As if ``seconds`` had passed since every failure."""
    for failure in session.scalars(sa.select(LoginFailure)):
        failure.at -= timedelta(seconds=seconds)
    session.commit()


def test_wrong_passwords_slow_the_account_on_that_address(client):
    statuses = [attempt(client, "worker3", WRONG).status_code for _ in range(7)]
    assert statuses == [401] * 5 + [429] * 2
    blocked = attempt(client, "worker3", DEMO_PASSWORD)
    assert blocked.status_code == 429
    assert "秒后再试" in blocked.json["message"]
    assert 1 <= int(blocked.headers["Retry-After"]) <= 30


def test_a_stranger_cannot_lock_a_worker_out(client):
    for _ in range(8):
        attempt(client, "worker3", WRONG, address="203.0.113.9")
    # The worker, from her own address, logs in at once.
    assert attempt(client, "worker3", DEMO_PASSWORD, address="10.0.0.7").status_code == 200


def test_guessing_from_many_addresses_slows_the_account_but_never_locks_it(client, session):
    for i in range(40):
        attempt(client, "worker3", WRONG, address=f"198.51.100.{i}")
    slowed = attempt(client, "worker3", DEMO_PASSWORD, address="10.0.0.7")
    assert slowed.status_code == 429
    assert int(slowed.headers["Retry-After"]) <= 60  # at worst a minute, however many guesses
    age_failures(session, seconds=61)
    assert attempt(client, "worker3", DEMO_PASSWORD, address="10.0.0.7").status_code == 200


def test_the_wait_doubles_and_ends(client, session):
    for _ in range(5):
        attempt(client, "worker3", WRONG)
    assert int(attempt(client, "worker3", WRONG).headers["Retry-After"]) <= 30
    age_failures(session, seconds=31)
    assert attempt(client, "worker3", WRONG).status_code == 401  # the sixth failure, after the wait
    assert 30 < int(attempt(client, "worker3", WRONG).headers["Retry-After"]) <= 60


def test_one_address_trying_many_accounts_is_stopped(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_TRIES_PER_ADDRESS", 3)
    statuses = [attempt(client, f"nobody{i}", WRONG).status_code for i in range(4)]
    assert statuses == [401, 401, 401, 429]
    assert attempt(client, "worker1", DEMO_PASSWORD, address="10.0.0.8").status_code == 200


def test_a_success_clears_its_own_count(client):
    for _ in range(4):
        attempt(client, "worker3", WRONG)
    assert attempt(client, "worker3", DEMO_PASSWORD).status_code == 200
    assert [attempt(client, "worker3", WRONG).status_code for _ in range(5)] == [401] * 5


def test_usernames_are_counted_whatever_their_case_or_spaces(client):
    for name in ("Worker3", " worker3", "WORKER3 ", "worker3", "wOrker3"):
        attempt(client, name, WRONG)
    assert attempt(client, "worker3", WRONG).status_code == 429


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _post_login(base: str) -> int:
    body = b'{"username": "worker1", "password": "wrong-password-1"}'
    request = urllib.request.Request(
        f"{base}/api/auth/login", data=body, headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.mark.db_independent  # its own SQLite database, whatever the run's
def test_the_procfiles_web_workers_count_together(tmp_path):
    """Under gunicorn with several workers, as the Procfile ships, 20 wrong passwords get five
    answers of 401, not five per worker."""
    web = next(line for line in (ROOT / "Procfile").read_text().splitlines() if line.startswith("web:"))
    command = shlex.split(web.removeprefix("web:").strip())
    assert command[0] == "gunicorn"
    port = _free_port()
    command = [sys.executable, "-m", *[part.replace("${PORT:-8000}", str(port)) for part in command]]
    command[3:3] = ["--config", f"file:{Path(__file__).parent / 'gunicorn_cheap_hashes.py'}"]
    database = f"sqlite:///{tmp_path / 'web.sqlite3'}"
    upgrade(database)
    env = os.environ | {
        "DATABASE_URL": database,
        "HUMIAO_INSTANCE": str(tmp_path / "instance"),
        "PORT": str(port),
        "WEB_CONCURRENCY": "3",
    }
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=2).close()
                break
            except OSError:
                assert server.poll() is None, server.stderr.read().decode()
                time.sleep(0.1)
        statuses = [_post_login(base) for _ in range(20)]
    finally:
        server.terminate()
        server.wait(timeout=30)
    workers = server.stderr.read().decode().count("Booting worker")
    assert workers >= 2
    assert statuses.count(401) == 5, statuses
    assert statuses.count(429) == 15
