"""A child that moves away leaves the old grid's phone with a notice that names it; the new grid's
worker gets the child with its whole history at her next sync (issue 10)."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import uuid4

import pytest
from playwright.sync_api import expect

from tests.e2e.phone import Phone, years_ago

pytestmark = pytest.mark.e2e


def test_a_child_moved_to_another_grid_leaves_the_old_phone_and_reaches_the_new_one(phone, rest, results_dir):
    tag = uuid4().hex[:6]
    name = f"小芳{tag}"
    old_grid = rest.get("/api/auth/me", "worker1")["area_ids"][0]
    new_grid = rest.get("/api/auth/me", "worker2")["area_ids"][0]
    household = rest.post(
        "/api/households",
        "worker1",
        {"grid_id": old_grid, "address": f"搬家测试{tag}号", "head_name": "户主"},
    )
    minor = rest.post(
        "/api/minors",
        "worker1",
        {"household_id": household["id"], "name": name, "gender": "female", "birth_date": years_ago(9)},
    )
    rest.post(f"/api/minors/{minor['id']}/grade", "village1", {"grade": "red", "reason": "手臂有自伤划痕"})
    visit = rest.post(
        "/api/visits",
        "worker1",
        {
            "minor_id": minor["id"],
            "visited_at": datetime.now(UTC).isoformat(),
            "kind": "home",
            "summary": "划痕已结痂",
        },
    )

    old, new = Phone.open(phone()), Phone.open(phone())
    old.login("worker1")
    new.login("worker2")
    assert old.idb("minors", minor["id"])["name"] == name
    assert new.idb("minors", minor["id"]) is None

    rest.patch(f"/api/households/{household['id']}", "village1", {"grid_id": new_grid})

    old.sync()
    assert old.idb("minors", minor["id"]) is None
    assert old.idb("visits", visit["id"]) is None
    assert old.idb("households", household["id"]) is None
    old.go("#/today")
    notice = old.page.locator(".hm-moved", has_text=name)
    expect(notice).to_contain_text(f"{name} 已转至其他网格")
    old.page.screenshot(path=results_dir / "moved-away-notice.png")
    notice.get_by_role("button", name="知道了").click()
    expect(old.page.locator(".hm-moved")).to_have_count(0)

    new.sync()
    arrived = new.idb("minors", minor["id"])
    assert arrived["name"] == name
    assert [h["to_grade"] for h in arrived["grade_history"]] == ["red"]
    assert new.idb("visits", visit["id"])["summary"] == "划痕已结痂"
    new.go(f"#/minor/{minor['id']}")
    expect(new.page.locator(".hm-content")).to_contain_text(name)
