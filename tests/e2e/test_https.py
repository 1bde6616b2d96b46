"""The intranet deployment of docs/deploy.md, for real: Caddy from Debian runs the shipped
deploy/Caddyfile.intranet (its own CA, ``tls internal``) in front of the app with
HUMIAO_PROXIES=1; a phone downloads the CA's root over plain HTTP, trusts it (an NSS database,
as a user's installed certificate), opens the app over HTTPS, gets its service worker, and
keeps working with the network gone."""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
import time
import urllib.request
from pathlib import Path
from uuid import uuid4

import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server

from server import config as server_config
from server import create_app
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, PHONE, _free_port, _QuietHandler
from tests.e2e.phone import Phone

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("https")]

ROOT = Path(__file__).resolve().parents[2]
SITE = "humiao.test"


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is not installed (scripts/test.sh installs caddy and libnss3-tools)")
    return path


@pytest.fixture(scope="module")
def proxied_app(database_url, tmp_path_factory):
    """The test registry served as in production: behind one proxy (HUMIAO_PROXIES=1)."""
    config = server_config.TestConfig(
        database_url=database_url, instance=tmp_path_factory.mktemp("https-instance")
    )
    config.HUMIAO_PROXIES = 1
    server = make_server("127.0.0.1", 0, create_app(config), threaded=True, request_handler=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="https-upstream", daemon=True)
    thread.start()
    yield f"127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="module")
def caddy(proxied_app, tmp_path_factory):
    """Caddy running deploy/Caddyfile.intranet on free ports, its data in a folder of its own."""
    binary = _tool("caddy")
    home = tmp_path_factory.mktemp("caddy")
    https_port, http_port = _free_port(), _free_port()
    ca_dir = home / "data" / "caddy" / "pki" / "authorities" / "local"
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CONFIG_HOME": str(home / "config"),
        "HUMIAO_SITE": SITE,
        "HUMIAO_UPSTREAM": proxied_app,
        "HUMIAO_HTTPS_PORT": str(https_port),
        "HUMIAO_HTTP_PORT": str(http_port),
        "HUMIAO_CADDY_ADMIN": "off",
        "HUMIAO_CA_DIR": str(ca_dir),
    }
    log = home / "caddy.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                binary,
                "run",
                "--adapter",
                "caddyfile",
                "--config",
                str(ROOT / "deploy" / "Caddyfile.intranet"),
            ],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 30
    while not (ca_dir / "root.crt").exists():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"caddy did not start:\n{log.read_text(errors='replace')[-3000:]}")
        time.sleep(0.2)
    yield {"https": https_port, "http": http_port, "root": ca_dir / "root.crt", "log": log}
    process.terminate()
    process.wait(timeout=10)


def _download_root(caddy) -> bytes:
    """What a phone gets at http://<name>/humiao-root.crt (docs/deploy.md)."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{caddy['http']}/humiao-root.crt", headers={"Host": SITE}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.headers["Content-Type"] == "application/x-x509-ca-cert"
        return response.read()


@pytest.fixture(scope="module")
def trusting_browser(playwright, caddy, tmp_path_factory):
    """Chromium whose user trusts the street's CA root, as a phone after installing it."""
    certutil = _tool("certutil")
    home = tmp_path_factory.mktemp("phone-home")
    root = home / "humiao-root.crt"
    root.write_bytes(_download_root(caddy))
    nssdb = home / ".pki" / "nssdb"
    nssdb.mkdir(parents=True)
    subprocess.run(
        [certutil, "-N", "-d", f"sql:{nssdb}", "--empty-password"], check=True, capture_output=True
    )
    subprocess.run(
        [certutil, "-A", "-d", f"sql:{nssdb}", "-t", "C,,", "-n", "humiao-street-ca", "-i", str(root)],
        check=True,
        capture_output=True,
    )
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM,
        args=[*CHROMIUM_ARGS, f"--host-resolver-rules=MAP {SITE} 127.0.0.1"],
        env={**os.environ, "HOME": str(home)},
    )
    yield browser
    browser.close()


def test_the_root_a_phone_downloads_is_caddys_own(caddy):
    assert _download_root(caddy) == caddy["root"].read_bytes()
    # Everything else on plain HTTP is sent to HTTPS.
    request = urllib.request.Request(f"http://127.0.0.1:{caddy['http']}/", headers={"Host": SITE})
    opener = urllib.request.build_opener(NoRedirect)
    with pytest.raises(urllib.error.HTTPError) as redirect:
        opener.open(request, timeout=10)
    assert redirect.value.code == 301 and redirect.value.headers["Location"].startswith(f"https://{SITE}")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_over_https_the_service_worker_installs_and_the_app_works_offline(trusting_browser, caddy, rest):
    origin = f"https://{SITE}:{caddy['https']}"
    context = trusting_browser.new_context(base_url=origin, **PHONE)
    context.set_default_timeout(15_000)
    try:
        worker = Phone.open(context)
        page = worker.page
        first = page.goto("/")
        assert first.ok and first.url.startswith("https://")
        assert "Caddy Local Authority" in (first.security_details() or {}).get("issuer", "")
        # The app saw HTTPS through the proxy (X-Forwarded-Proto), so it asks for HSTS.
        assert first.headers.get("strict-transport-security") == "max-age=31536000"
        assert page.evaluate("window.isSecureContext")

        worker.login("worker1")
        worker.wait_controlled()

        tag = uuid4().hex[:6]
        context.set_offline(True)
        offline = worker.reload()
        assert offline.from_service_worker, "the app shell comes from the service worker"
        expect(worker.net).to_have_text("离线")
        household_id = worker.survey_household(f"加密村{tag}号", f"户主{tag}")
        worker.expect_pending(1)

        context.set_offline(False)
        expect(worker.net).to_have_text("在线")
        worker.sync()
        worker.expect_pending(0)
        assert rest.get(f"/api/households/{household_id}", "worker1")["address"] == f"加密村{tag}号"
    finally:
        context.close()
