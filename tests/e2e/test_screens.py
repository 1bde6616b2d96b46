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
        ("measure-new", f"#/minor/{minor['id']}/measure/new", "新增措施", "select"),
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


def _settled(page) -> None:
    """The screen has its heading and nothing still loading."""
    expect(page.locator(".hm-header h1")).to_be_visible()
    expect(page.locator(".hm-loading")).to_have_count(0, timeout=15_000)


def test_every_supervisor_screen_at_1280_and_the_units_and_sentinels_at_390(
    browser, live_server, phone, rest, results_dir
):
    from tests.e2e.desk import DESK, Desk

    tag = uuid4().hex[:6]
    _household, minor = _household_with_a_child(rest, tag)
    village = next(a for a in rest.get("/api/reports/areas", "sentinel1") if a["level"] == "village")
    report = rest.post(
        "/api/reports",
        "sentinel1",
        {
            "area_id": village["id"],
            "kind": "injury_malnutrition_abuse",
            "description": f"学生手臂多处淤青{tag}",
            "child_name": f"截图{tag}",
            "child_class": "四年级二班",
            "child_age": 10,
            "place": f"截图村{tag}号",
            "reporter_name": "王老师",
            "reporter_phone": "13900000001",
        },
    )
    referral = next(r for r in rest.get(f"/api/referrals?report_id={report['id']}", "admin"))
    shots = results_dir / "screens"
    shots.mkdir(parents=True, exist_ok=True)

    context = browser.new_context(base_url=live_server, **DESK)
    context.set_default_timeout(10_000)
    admin = Desk.open(context)
    admin.login("admin")
    for name, route in (
        ("sup-work", "#/work"),
        ("sup-review", "#/review"),
        ("sup-registry", "#/registry"),
        ("sup-grades", "#/grades"),
        ("sup-conflicts", "#/conflicts"),
        ("sup-cases", "#/cases"),
        ("sup-report", f"#/reports/{report['id']}"),
        ("sup-referral", f"#/referrals/{referral['id']}"),
        ("sup-flags", "#/flags"),
        ("sup-duplicates", "#/duplicates"),
        ("sup-devices", "#/devices"),
        ("sup-stats", "#/stats"),
        ("sup-users", "#/users"),
        ("sup-areas", "#/areas"),
        ("sup-settings", "#/settings"),
        ("sup-households", "#/households"),
        ("sup-minor", f"#/minor/{minor['id']}"),
        ("sup-notifications", "#/notifications"),
    ):
        admin.go(route)
        _settled(admin.page)
        admin.page.screenshot(path=shots / f"{name}.png")
    context.close()

    for username, screens in (
        (
            "police1",
            (("police-referrals", "#/referrals"), ("police-referral", f"#/referrals/{referral['id']}")),
        ),
        ("sentinel1", (("sentinel-reports", "#/reports"), ("sentinel-report-new", "#/report/new"))),
    ):
        user = Desk.open(phone())
        user.page.goto("/")
        user.page.fill("#username", username)
        user.page.fill("#password", "demo-password-1")
        user.page.click("button[type=submit]")
        user.set_pin()
        expect(user.page.locator(".hm-header h1")).to_be_visible()
        for name, route in screens:
            user.go(route)
            _settled(user.page)
            assert user.scroll_width() <= 390, f"{name} ({route}) overflows"
            user.page.screenshot(path=shots / f"{name}.png", full_page=name.endswith("referral"))
