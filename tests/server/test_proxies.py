"""HUMIAO_PROXIES: behind Caddy or nginx the app sees the phone's address and HTTPS; without
it, forwarded headers are ignored (a client cannot claim an address or a scheme)."""

from __future__ import annotations

import pytest

from server import config as server_config
from server import create_app

# The proxy settings: no database in them.
pytestmark = pytest.mark.db_independent

FORWARDED = {
    "X-Forwarded-For": "10.1.2.3",
    "X-Forwarded-Proto": "https",
    "X-Forwarded-Host": "humiao.jiedao.lan",
}


@pytest.fixture
def app_behind(database_url, tmp_path):
    def _app(proxies: int):
        config = server_config.TestConfig(database_url=database_url, instance=tmp_path / f"instance{proxies}")
        config.HUMIAO_PROXIES = proxies
        app = create_app(config)
        seen = {}

        @app.after_request
        def _remember(response):
            from flask import request

            seen.update(address=request.remote_addr, secure=request.is_secure, host=request.host)
            return response

        return app, seen

    return _app


def test_one_proxy_is_trusted_for_address_scheme_and_host(app_behind):
    app, seen = app_behind(1)
    response = app.test_client().get("/healthz", headers=FORWARDED)
    assert response.status_code == 200
    assert seen == {"address": "10.1.2.3", "secure": True, "host": "humiao.jiedao.lan"}
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"


def test_without_proxies_forwarded_headers_are_ignored(app_behind):
    app, seen = app_behind(0)
    response = app.test_client().get("/healthz", headers=FORWARDED)
    assert seen == {"address": "127.0.0.1", "secure": False, "host": "localhost"}
    assert "Strict-Transport-Security" not in response.headers
