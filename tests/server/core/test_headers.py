"""Every answer carries the headers that keep the browser on our side (docs/security.md)."""

from __future__ import annotations

import pytest

from server.pwa import PWA_DIR
from server.security import inline_script_hashes
from tests.factories import make_household, make_minor

# HTTP headers: no database in them.
pytestmark = pytest.mark.db_independent


def _directives(response) -> dict[str, str]:
    policy = response.headers["Content-Security-Policy"]
    return {part.split(" ", 1)[0]: part.split(" ", 1)[1] for part in policy.split("; ")}


@pytest.mark.parametrize("path", ["/", "/sw.js", "/src/app.js", "/api/rules", "/api/nothing-here"])
def test_every_answer_forbids_sniffing_framing_and_referrers(client, path):
    response = client.get(path)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    csp = _directives(response)
    assert csp["frame-ancestors"] == "'none'" and csp["object-src"] == "'none'"
    assert csp["default-src"] == "'self'"


def test_the_shell_runs_no_inline_script_but_its_import_map(client):
    csp = _directives(client.get("/"))
    sources = csp["script-src"].split()
    assert "'unsafe-inline'" not in sources and "'unsafe-eval'" not in sources
    shell = (PWA_DIR / "index.html").read_text(encoding="utf-8")
    hashes = inline_script_hashes(shell)
    assert len(hashes) == 1, "index.html should hold one inline script, the import map"
    assert sources == ["'self'", *hashes]


def test_a_changed_inline_script_gets_another_hash():
    assert inline_script_hashes("<script>a()</script>") != inline_script_hashes("<script>b()</script>")
    assert inline_script_hashes('<script type="module" src="x.js"></script>') == []


def test_personal_data_is_never_cached(client, login, session):
    minor = make_minor(make_household())
    session.commit()
    response = client.get(f"/api/minors/{minor.id}", headers=login("worker1"))
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert client.get("/api/sync/pull", headers=login("worker1")).headers["Cache-Control"] == "no-store"


def test_hsts_only_over_https(client):
    assert "Strict-Transport-Security" not in client.get("/").headers
    secure = client.get("/", base_url="https://humiao.example")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=")
