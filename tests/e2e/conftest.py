"""Fixtures for the end-to-end tests: Debian's Chromium as a phone, the app on a live server.

Two servers: the session's test app (its migrated database with the shared street of
tests/factories.py) in a thread, and, for the outage test, a real ``humiao serve --demo`` in a
subprocess that a test can stop and start again on the same port. What these tests write
is committed for real, so they name their records uniquely and run after every other test
(``_run_order`` in tests/conftest.py), where nothing counts on an empty street any more.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest
import sqlalchemy as sa
from werkzeug.serving import WSGIRequestHandler, make_server

from server.accounts.models import LoginFailure
from server.core.extensions import db
from tests.e2e.desk import DESK
from tests.e2e.rest import Rest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# Chromium keeps the last --disable-features it is given, so ours repeats Playwright's own
# (playwright-core's chromiumSwitches.ts) before adding what the tests do not need and two busy
# cores pay for: a process per site (the app is one origin), and the omnibox popups that new
# headless Chromium renders as a WebUI page in every new window (0.8 CPU-s per browser context).
PLAYWRIGHTS_DISABLED_FEATURES = [
    "AvoidUnnecessaryBeforeUnloadCheckSync",
    "DestroyProfileOnBrowserClose",
    "HttpsUpgrades",
    "HttpsFirstBalancedModeAutoEnable",
    "LensOverlay",
    "MediaRouter",
    "PaintHolding",
    "ThirdPartyStoragePartitioning",
    "AvoidCorsURLLoaderRestartOnRedirect",
    "OptimizationHints",
    "NetworkTimeServiceQuerying",
    "AimEnabled",
    "PreconnectToSearch",
]
UNNEEDED_FEATURES = ["IsolateOrigins", "site-per-process", "WebUIOmniboxPopup", "WebUIOmniboxAimPopup"]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # V8's optimizing compiler: a test's pages live seconds, never long enough to repay it.
    "--js-flags=--no-opt",
    f"--disable-features={','.join(PLAYWRIGHTS_DISABLED_FEATURES + UNNEEDED_FEATURES)}",
]
# A mid-range Android phone in a village: what the grid workers carry.
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 3,
    "is_mobile": True,
    "has_touch": True,
    "locale": "zh-CN",
    "timezone_id": "Asia/Shanghai",
}
ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "test-results"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, **PHONE}


@pytest.fixture(scope="session")
def results_dir() -> Path:
    RESULTS.mkdir(exist_ok=True)
    return RESULTS


class _QuietHandler(WSGIRequestHandler):
    """No access log: a page load is some forty requests, and a failure's output should show
    the test, not them."""

    def log_request(self, *args, **kwargs) -> None:
        pass


@pytest.fixture(scope="session")
def live_server(app):
    """The test app over real HTTP, for the browser and for the REST checks."""
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(autouse=True)
def _fresh_login_limits(app):
    """Wrong passwords of one test do not slow the logins of the next."""
    with app.app_context():
        db.session.execute(sa.delete(LoginFailure))
        db.session.commit()


@pytest.fixture
def desk(browser, live_server):
    """A supervisor's desk: a 1280x800 window of its own (fresh storage, no service worker shared)."""
    contexts = []

    def _desk():
        context = browser.new_context(base_url=live_server, **DESK)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context

    yield _desk
    for context in contexts:
        context.close()


@pytest.fixture
def rest(live_server) -> Rest:
    return Rest(live_server)


@pytest.fixture
def phone(new_context, live_server):
    """A new phone: fresh IndexedDB and service worker, nothing shared with other tests."""

    def _phone(base_url: str = live_server):
        context = new_context(base_url=base_url)
        context.set_default_timeout(10_000)
        return context

    return _phone


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class DemoServer:
    """``humiao serve --demo`` on its own SQLite instance; stop() and start() keep the port."""

    def __init__(self, instance: Path, log: Path):
        self.instance, self.log = instance, log
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def launch(self) -> None:
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "TEST_DATABASE_URL")}
        env["HUMIAO_INSTANCE"] = str(self.instance)
        # The `humiao` console script's entry point, run from this tree (not whichever
        # checkout the installed script points at).
        command = [sys.executable, "-c", "from server.cli import main; main()"]
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [*command, "serve", "--demo", "--port", str(self.port)],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )

    def wait_ready(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"humiao serve exited: {self.log.read_text(errors='replace')[-2000:]}")
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=1) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.1)
        raise TimeoutError(f"humiao serve not ready after {timeout} s")

    def start(self) -> None:
        self.launch()
        self.wait_ready()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture(scope="session")
def _demo_server_booting(tmp_path_factory):
    """Launched, not awaited: see ``_boot_demo_server_early``."""
    instance = tmp_path_factory.mktemp("demo-instance")
    server = DemoServer(instance, instance / "serve.log")
    server.launch()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def _boot_demo_server_early(request):
    """Seeding the demo street takes ~10 s: started with the first browser test when an
    outage test is selected, it overlaps with the others instead of adding to the run. Under
    pytest-xdist a worker cannot know whether the outage test will be its own, and every
    worker seeding a street would cost more than it saves: there it starts when first needed,
    and the outage test is among the first handed out (``_run_order`` in tests/conftest.py)."""
    if os.environ.get("PYTEST_XDIST_WORKER"):
        return
    if any("demo_server" in getattr(item, "fixturenames", ()) for item in request.session.items):
        request.getfixturevalue("_demo_server_booting")


@pytest.fixture
def demo_server(_demo_server_booting) -> DemoServer:
    """A real ``humiao serve --demo`` (seeded street, SQLite) that the test may stop and restart."""
    _demo_server_booting.wait_ready()
    return _demo_server_booting
