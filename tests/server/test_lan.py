"""The URLs ``humiao serve`` prints: every LAN address for a wildcard host, never loopback twice."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from server import lan
from server.cli import main

# `serve` runs on SQLite in its instance folder, whatever the run's database.
pytestmark = pytest.mark.db_independent


def test_a_wildcard_host_lists_localhost_then_each_lan_address_once(monkeypatch):
    monkeypatch.setattr(lan, "_interface_addresses", lambda: {"127.0.0.1", "192.168.1.20", "10.8.0.3"})
    monkeypatch.setattr(lan, "_route_address", lambda: {"192.168.1.20"})
    monkeypatch.setattr(lan, "_host_name_addresses", lambda: {"127.0.1.1", "192.168.1.20", "172.17.0.2"})
    assert lan.urls("0.0.0.0", 5000) == [
        "http://127.0.0.1:5000/",
        "http://10.8.0.3:5000/",
        "http://172.17.0.2:5000/",
        "http://192.168.1.20:5000/",
    ]
    assert lan.urls("192.168.1.20", 8080) == ["http://192.168.1.20:8080/"]
    assert lan.urls("::1", 5000) == ["http://[::1]:5000/"]


def test_this_machines_lan_addresses_leave_loopback_out():
    assert all(not a.startswith("127.") for a in lan.lan_addresses())
    assert lan.urls("0.0.0.0", 1)[0] == "http://127.0.0.1:1/"
    assert lan.is_local_only("127.0.0.1") and lan.is_local_only("localhost") and lan.is_local_only("::1")
    assert not lan.is_local_only("0.0.0.0") and not lan.is_local_only("192.168.1.20")


def test_serve_on_every_interface_prints_each_url_and_why_phones_need_https(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setattr("server.config.Config.INSTANCE_PATH", tmp_path / "instance")
    monkeypatch.setattr(lan, "lan_addresses", lambda: ["192.168.1.20", "10.8.0.3"])
    ran = {}
    monkeypatch.setattr("flask.Flask.run", lambda app, **kwargs: ran.update(kwargs))
    out = CliRunner().invoke(main, ["serve", "--host", "0.0.0.0", "--port", "5055"], catch_exceptions=False)
    assert out.exit_code == 0, out.output
    assert ran["host"] == "0.0.0.0" and ran["port"] == 5055
    for url in ("http://127.0.0.1:5055/", "http://192.168.1.20:5055/", "http://10.8.0.3:5055/"):
        assert f"  {url}\n" in out.output
    assert "HTTPS" in out.output and "docs/deploy.md" in out.output
    local = CliRunner().invoke(main, ["serve", "--port", "5056"], catch_exceptions=False)
    assert "  http://127.0.0.1:5056/\n" in local.output and "HTTPS" not in local.output
