"""A village with no signal, simulated the hard way: the real server process is stopped while
the worker surveys, and started again before she syncs."""

from __future__ import annotations

import re
from uuid import uuid4

import pytest
from playwright.sync_api import expect

from tests.e2e.phone import LEFT_BEHIND, Phone
from tests.e2e.rest import Rest

pytestmark = pytest.mark.e2e

GAVE_UP = "同步未完成，稍后自动重试"


def _until_the_sync_gives_up(worker: Phone) -> None:
    """Skip through the sync's retries (1 s, 2 s, 4 s ... with jitter) on the page's fake clock,
    until the status bar says the sync did not get through."""
    for _ in range(10):
        if worker.sync_button.inner_text() == GAVE_UP:
            break
        worker.page.clock.fast_forward(20_000)  # less than the 3 min of the automatic sync
        worker.page.wait_for_timeout(100)
    expect(worker.sync_button).to_have_text(GAVE_UP)


def test_survey_while_the_server_is_down_arrives_after_it_restarts(phone, demo_server, results_dir):
    tag = uuid4().hex[:6]
    context = phone(demo_server.url)
    worker = Phone.open(context)
    page = worker.page
    # The retry back-off runs on the page's timers: a fake clock (that otherwise runs as
    # usual) lets the test skip the waiting instead of sleeping through it.
    page.clock.install()
    worker.login("worker1")
    worker.wait_controlled()

    demo_server.stop()
    response = worker.reload()
    assert response.from_service_worker, "the app opens with the server gone"
    # Opening the app starts a sync: with the server gone the status bar says so at once (not
    # 在线) and counts down to the next try, then says the sync did not get through.
    expect(worker.net).to_have_text("无法连接服务器")
    expect(worker.sync_button).to_have_text(
        re.compile(r"^(\d+ 秒后重试|正在同步…|同步未完成，稍后自动重试)$")
    )
    _until_the_sync_gives_up(worker)

    household_id = worker.survey_household(f"断网村{tag}号", f"户主{tag}")
    assert worker.add_member(f"留守{tag}", **LEFT_BEHIND) == ("黄", "农村留守儿童")
    worker.expect_pending(2)
    page.screenshot(path=results_dir / "server-down.png")
    worker.sync_button.click()  # still down: the edits stay on the phone
    expect(worker.sync_button).to_have_text(re.compile(r"^(\d+ 秒后重试|正在同步…)$"))
    _until_the_sync_gives_up(worker)
    worker.expect_pending(2)

    demo_server.start()
    worker.sync()
    worker.expect_pending(0)
    expect(worker.net).to_have_text("在线")
    rest = Rest(demo_server.url)
    assert rest.get(f"/api/households/{household_id}", "worker1")["address"] == f"断网村{tag}号"
    [child] = rest.get(f"/api/minors?household_id={household_id}", "worker1")
    assert (child["name"], child["categories"], child["grade_suggested"]) == (
        f"留守{tag}",
        ["left_behind"],
        "yellow",
    )
