"""The wheel is the product: built from a copy of the tree, installed into a fresh virtualenv
outside the checkout, ``humiao db upgrade``, ``seed-demo`` and ``serve`` work from another
folder, and gunicorn serves ``server.wsgi:app`` as the Procfile does."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOT_SOURCE = shutil.ignore_patterns(
    ".git",
    ".venv",
    "node_modules",
    "build",
    "dist",
    "instance",
    "test-results",
    "*.egg-info",
    "__pycache__",
    ".pytest_cache",
    ".ruff_cache",
    ".hypothesis",
)

pytestmark = [pytest.mark.wheel, pytest.mark.xdist_group("wheel")]


def _run(*argv, cwd: Path, env: dict, timeout: float = 300) -> str:
    done = subprocess.run(
        argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    assert done.returncode == 0, f"{' '.join(map(str, argv))}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done.stdout


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str, body: dict | None = None) -> tuple[int, bytes]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, response.read()


def _serving(argv, port: int, cwd: Path, env: dict, log: Path):
    """Start a server, wait for /healthz, and hand back the process (the caller stops it)."""
    with log.open("wb") as out:
        process = subprocess.Popen(argv, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"{argv[0]} exited:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            if _get(f"http://127.0.0.1:{port}/healthz")[0] == 200:
                return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise AssertionError(f"{argv[0]} not ready:\n{log.read_text(errors='replace')[-3000:]}")


def _stop(process) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> dict:
    """A wheel built from a copy of this tree, installed with its dependencies into a new venv."""
    base = tmp_path_factory.mktemp("wheel")
    source, dist, venv, elsewhere = base / "source", base / "dist", base / "venv", base / "elsewhere"
    shutil.copytree(ROOT, source, ignore=NOT_SOURCE)
    elsewhere.mkdir()
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "TEST_DATABASE_URL", "HUMIAO_INSTANCE")
    }
    env.pop("PYTHONPATH", None)
    env.pop("VIRTUAL_ENV", None)
    # The build backend is the test environment's (setuptools is in the test extras): no download.
    pip = [sys.executable, "-m", "pip"]
    _run(*pip, "wheel", "--no-build-isolation", "--no-deps", "-q", "-w", dist, source, cwd=base, env=env)
    (wheel,) = dist.glob("humiao-*.whl")
    # A bare venv, filled by this pip: the wheel and every dependency it declares, nothing else.
    # Not compiled to bytecode ahead: the commands below import a fraction of it.
    _run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=base, env=env)
    _run(*pip, "--python", venv / "bin" / "python", "install", "-q", "--no-compile", wheel, cwd=base, env=env)
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    return {"venv": venv, "cwd": elsewhere, "env": env, "wheel": wheel}


def test_the_wheel_carries_the_app_and_is_found_without_a_checkout(installed):
    out = _run(
        installed["venv"] / "bin" / "python",
        "-c",
        "from server import paths; print(paths.in_checkout(), paths.PWA_DIR, paths.MIGRATIONS_DIR, paths.ALEMBIC_INI,"
        " paths.default_instance())",
        cwd=installed["cwd"],
        env=installed["env"],
    ).split()
    site = str(installed["venv"] / "lib")
    assert out[0] == "False"
    for found in out[1:4]:
        assert found.startswith(site) and "/server/bundled/" in found and Path(found).exists(), found
    assert out[4] == str(installed["venv"] / "var" / "humiao-instance")
    assert not (Path(out[1]) / "tests").exists() and (Path(out[1]) / "sw.js").exists()


def test_upgrade_seed_and_serve_from_any_folder(installed):
    venv, cwd, env = installed["venv"], installed["cwd"], installed["env"]
    assert "is at head" in _run(venv / "bin" / "humiao", "db", "upgrade", cwd=cwd, env=env)
    assert "demo logins" in _run(venv / "bin" / "humiao", "seed-demo", cwd=cwd, env=env)
    assert (venv / "var" / "humiao-instance" / "humiao.sqlite3").exists()

    port = _free_port()
    server = _serving(
        [venv / "bin" / "humiao", "serve", "--port", str(port)], port, cwd, env, cwd / "serve.log"
    )
    try:
        status, page = _get(f"http://127.0.0.1:{port}/")
        assert status == 200 and "护苗" in page.decode()
        assert _get(f"http://127.0.0.1:{port}/sw.js")[0] == 200
        assert _get(f"http://127.0.0.1:{port}/src/app.js")[0] == 200
        status, body = _get(
            f"http://127.0.0.1:{port}/api/auth/login",
            {"username": "admin", "password": "demo-password-1", "device_id": "wheel-test"},
        )
        assert status == 200 and json.loads(body)["user"]["role"] == "street_admin"
    finally:
        _stop(server)
    assert f"http://127.0.0.1:{port}/" in (cwd / "serve.log").read_text()


def test_gunicorn_serves_the_wsgi_app_as_the_procfile_says(installed):
    venv, cwd, env = installed["venv"], installed["cwd"], installed["env"]
    _run(venv / "bin" / "humiao", "db", "upgrade", cwd=cwd, env=env)
    port = _free_port()
    server = _serving(
        [venv / "bin" / "gunicorn", "--bind", f"127.0.0.1:{port}", "server.wsgi:app"],
        port,
        cwd,
        {**env, "WEB_CONCURRENCY": "2"},
        cwd / "gunicorn.log",
    )
    try:
        status, page = _get(f"http://127.0.0.1:{port}/")
        assert status == 200 and "护苗" in page.decode()
    finally:
        _stop(server)
    assert (cwd / "gunicorn.log").read_text().count("Booting worker") == 2
