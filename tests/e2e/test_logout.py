"""Leaving the phone clean (DESIGN §6): logging out wipes it after a warning about unsynced
work, and a user deactivated on the server is wiped at the phone's next contact."""

from __future__ import annotations

from uuid import uuid4

import pytest
from playwright.sync_api import expect

from tests.e2e.phone import Phone
from tests.e2e.rest import PASSWORD

pytestmark = pytest.mark.e2e


def _assert_wiped(worker: Phone) -> None:
    """Every store empty; only the phone's own device id survives (it names the phone)."""
    state = worker.idb_counts()
    assert state["metaKeys"] == ["device_id"], state
    assert {name: n for name, n in state["counts"].items() if n and name != "meta"} == {}, state


def test_logout_warns_about_unsynced_work_then_wipes_the_phone(phone):
    tag = uuid4().hex[:6]
    worker = Phone.open(phone())
    page = worker.page
    worker.login("worker1")
    assert worker.idb("minors") or worker.idb("areas"), "the first sync filled the phone"
    worker.context.set_offline(True)
    worker.survey_household(f"退出村{tag}号", f"户主{tag}")
    worker.expect_pending(1)

    worker.go("#/me")
    worker.action("退出登录")
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("还有 1 条修改未同步，退出会永久丢失它们")
    dialog.get_by_role("button", name="取消").click()
    expect(dialog).to_have_count(0)
    worker.expect_pending(1)

    worker.action("退出登录")
    dialog.get_by_role("button", name="退出登录").click()
    expect(page.locator("#username")).to_be_visible()
    _assert_wiped(worker)
    worker.context.set_offline(False)
    page.reload()
    expect(page.locator("#username")).to_be_visible()


def test_a_deactivated_user_is_wiped_at_the_next_sync(phone, rest):
    tag = uuid4().hex[:6]
    grid = rest.get("/api/auth/me", "worker1")["area_ids"][0]
    user = rest.post(
        "/api/users",
        "admin",
        {
            "username": f"e2e-{tag}",
            "password": PASSWORD,
            "display_name": f"临时网格员{tag}",
            "role": "grid_worker",
            "areas": [grid],
        },
    )
    worker = Phone.open(phone())
    page = worker.page
    worker.login(f"e2e-{tag}")
    worker.survey_household(f"停用村{tag}号", f"户主{tag}")
    worker.expect_pending(1)

    rest.patch(f"/api/users/{user['id']}", "admin", {"active": False})
    worker.sync_button.click()
    expect(page.locator("#username")).to_be_visible()
    expect(page.get_by_role("alert")).to_have_text("账号已被停用，本机数据已清除（含 1 条未同步的修改）。")
    _assert_wiped(worker)
    households = rest.get(f"/api/households?q={tag}", "worker1")
    assert households == [], "nothing reached the server after the deactivation"
