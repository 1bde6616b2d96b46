"""Every screen of the grid worker at 390x844, photographed for review (test-results/screens/).

Each screen must render its heading and need no sideways scroll; the pictures are the test's
artifacts, for a person to look at after a change of layout.
"""

from __future__ import annotations

from uuid import uuid4

import pytest
from playwright.sync_api import expect

from tests.e2e.phone import Phone, years_ago

pytestmark = pytest.mark.e2e


def _household_with_a_child(rest, tag: str) -> tuple[dict, dict]:
    grid = rest.get("/api/auth/me", "worker1")["area_ids"][0]
    household = rest.post(
        "/api/households",
        "worker1",
        {"grid_id": grid, "address": f"截图村{tag}号", "head_name": f"户主{tag}", "phone": "13800138000"},
    )
    minor = rest.post(
        "/api/minors",
        "worker1",
        {
            "household_id": household["id"],
            "name": f"截图{tag}",
            "gender": "female",
            "birth_date": years_ago(10),
            "hukou": "rural",
            "risk_flags": ["abuse_suspected"],
        },
    )
    return household, minor


def test_every_worker_screen_at_390(phone, rest, results_dir):
    tag = uuid4().hex[:6]
    household, minor = _household_with_a_child(rest, tag)
    shots = results_dir / "screens"
    shots.mkdir(parents=True, exist_ok=True)

    worker = Phone.open(phone())
    worker.login("worker1")
    page = worker.page
    screens = [
        ("today", "#/today", "今日", ".hm-grade-counts"),
        ("households", "#/households", "户籍", ".hm-search"),
        ("household", f"#/household/{household['id']}", f"户主{tag}", f"text=截图{tag}"),
        ("survey-1", "#/survey", "家庭摸排", "#in-address"),
        ("survey-1-saved", f"#/survey/{household['id']}?step=1", "家庭摸排", "#in-address"),
        ("survey-2", f"#/survey/{household['id']}?step=2", "家庭摸排", f"text=截图{tag}"),
        ("survey-3", f"#/survey/{household['id']}?step=3", "家庭摸排", ".hm-para"),
        ("minor-new", f"#/household/{household['id']}/minor/new?from=survey", "登记未成年人", ".hm-live"),
        ("minor", f"#/minor/{minor['id']}", f"截图{tag}", ".hm-profile"),
        ("minor-edit", f"#/minor/{minor['id']}/edit", "修改档案", ".hm-live"),
        ("visit-new", f"#/minor/{minor['id']}/visit/new", "记录走访", ".hm-finding"),
        ("reports", "#/reports", "上报", ".hm-action"),
        ("report-new", "#/report/new", "强制报告 / 预警上报", ".hm-action"),
        ("me", "#/me", "我的", ".hm-lang"),
    ]
    for name, route, heading, ready in screens:
        worker.go(route)
        expect(page.locator(".hm-header h1")).to_have_text(heading)
        expect(page.locator(ready).first).to_be_visible()
        assert worker.scroll_width() <= 390, f"{name} ({route}) overflows: {worker.scroll_width()} px"
        # What the phone shows (a full-page capture would paint the fixed bars mid-page).
        page.screenshot(path=shots / f"{name}.png")
