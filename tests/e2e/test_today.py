"""今日: the first screen after logging in, on a 390 px phone and on a narrow 360 px one."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from uuid import uuid4
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.e2e.phone import Phone, years_ago

pytestmark = pytest.mark.e2e

BEIJING = ZoneInfo("Asia/Shanghai")
RANK = {"红": 0, "橙": 1, "黄": 2, "蓝": 3}


def _due_children(rest, tag: str) -> tuple[dict, dict]:
    """A red child just registered (due within days) and a blue one whose visit is overdue."""
    grid = rest.get("/api/auth/me", "worker1")["area_ids"][0]
    household = rest.post(
        "/api/households",
        "worker1",
        {"grid_id": grid, "address": f"今日测试{tag}号", "head_name": f"户主{tag}"},
    )
    red = rest.post(
        "/api/minors",
        "worker1",
        {
            "household_id": household["id"],
            "name": f"红{tag}",
            "gender": "female",
            "birth_date": years_ago(9),
            "risk_flags": ["abuse_suspected"],
        },
    )
    blue = rest.post(
        "/api/minors",
        "worker1",
        {
            "household_id": household["id"],
            "name": f"蓝{tag}",
            "gender": "male",
            "birth_date": years_ago(12),
        },
    )
    visited = datetime.now(UTC) - timedelta(days=100)
    rest.post(
        "/api/visits", "worker1", {"minor_id": blue["id"], "visited_at": visited.isoformat(), "kind": "home"}
    )
    return red, rest.get(f"/api/minors/{blue['id']}", "worker1")


def test_today_shows_the_sync_state_and_the_due_list_overdue_and_red_first(phone, rest, results_dir):
    tag = uuid4().hex[:6]
    red, blue = _due_children(rest, tag)
    assert red["grade_suggested"] == "red" and blue["grade_suggested"] == "blue"
    overdue_days = (datetime.now(BEIJING).date() - datetime.fromisoformat(blue["next_visit_due"]).date()).days
    assert overdue_days > 0

    worker = Phone.open(phone())
    worker.login("worker1")
    page = worker.page

    expect(worker.net).to_have_text("在线")
    worker.expect_pending(0)
    expect(worker.sync_button).to_have_text(re.compile(r"^上次同步 \d{2}:\d{2}$"))
    shown = worker.sync_button.inner_text().removeprefix("上次同步 ")
    now = datetime.now(BEIJING)
    assert shown in {f"{now:%H:%M}", f"{now - timedelta(minutes=1):%H:%M}"}, "the phone's local time"

    rows = page.locator(".hm-content .weui-cells a.weui-cell")
    red_row = rows.filter(has_text=f"红{tag}")
    blue_row = rows.filter(has_text=f"蓝{tag}")
    expect(red_row).to_contain_text("到期")
    expect(red_row.locator(".hm-grade")).to_have_text("红")
    expect(blue_row).to_contain_text(f"逾期 {overdue_days} 天")
    expect(blue_row.locator(".hm-grade")).to_have_text("蓝")
    expect(blue_row).to_contain_text(f"今日测试{tag}号")
    # Overdue first (issue 14: a blue child 14 days late above yellow ones not yet due), red
    # first within the overdue and within the rest.
    texts = rows.all_inner_texts()
    late = [("逾期" in text) for text in texts]
    assert late == sorted(late, reverse=True), f"overdue first: {texts}"
    grades = rows.locator(".hm-grade").all_inner_texts()
    for band in (True, False):
        part = [g for g, is_late in zip(grades, late, strict=True) if is_late is band]
        assert part == sorted(part, key=lambda g: RANK.get(g, 9)), f"red first: {grades}"
    expect(page.locator(".hm-grade-count").first).to_contain_text("红")
    page.screenshot(path=results_dir / "today-390.png", full_page=True)

    # The narrowest phones in use: nothing may need a sideways scroll.
    page.set_viewport_size({"width": 360, "height": 740})
    for route, ready in [
        ("#/today", ".hm-grade-counts"),
        ("#/households", ".hm-search"),
        (f"#/minor/{red['id']}", ".hm-profile"),
        (f"#/minor/{red['id']}/edit", ".hm-live"),
        (f"#/minor/{red['id']}/visit/new", ".hm-finding"),
        ("#/survey", ".hm-steps"),
        ("#/report/new", ".hm-action"),
        ("#/me", ".hm-outbox, .hm-lang"),
    ]:
        worker.go(route)
        expect(page.locator(ready).first).to_be_visible()
        assert worker.scroll_width() <= 360, f"{route} overflows: {worker.scroll_width()} px"
    worker.go("#/today")
    expect(red_row).to_be_visible()
    page.screenshot(path=results_dir / "today-360.png", full_page=True)
