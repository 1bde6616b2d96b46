"""The app works under its Content-Security-Policy: no screen needs what the policy forbids."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.desk import DESK, Desk

pytestmark = pytest.mark.e2e


def test_the_shell_and_the_charts_run_with_no_policy_violation(browser, live_server):
    context = browser.new_context(base_url=live_server, **DESK)
    context.set_default_timeout(10_000)
    violations: list[str] = []
    context.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    admin = Desk.open(context)
    admin.page.on("pageerror", lambda error: violations.append(str(error)))
    admin.login("admin")
    admin.open_route("#/stats", ".hm-kpis")
    expect(admin.page.locator(".hm-chart canvas")).to_have_count(9, timeout=20_000)
    admin.open_route("#/today", ".hm-title, h1, h2")
    assert violations == []
    context.close()
