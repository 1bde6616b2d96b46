"""A child's measures (帮扶措施) and referrals (转介) on the phone with no connection (issue 14):
the worker sees them from her replica, plans one measure and finishes another offline, and
the supervisor finds both on the server once the phone has synced."""

from __future__ import annotations

from uuid import uuid4

import pytest
from playwright.sync_api import expect

from tests.e2e.desk import registered_child
from tests.e2e.phone import Phone
from tests.e2e.rest import Rest

pytestmark = pytest.mark.e2e


def test_offline_a_worker_sees_the_referral_and_measures_and_records_a_measure(
    phone, rest: Rest, results_dir
):
    tag = uuid4().hex[:6]
    child = registered_child(rest, tag)
    rest.post(
        "/api/referrals",
        "village1",
        {"minor_id": child["id"], "to_unit": "civil_affairs", "reason": f"家庭困难申请救助{tag}"},
    )
    planned = rest.post(
        f"/api/minors/{child['id']}/measures",
        "village1",
        {"kind": "living_aid", "description": f"送米面油{tag}", "responsible_unit": "civil_affairs"},
    )

    worker = Phone.open(phone())
    page = worker.page
    worker.login("worker1")
    worker.wait_controlled()
    worker.context.set_offline(True)
    expect(worker.net).to_have_text("离线")

    worker.go(f"#/minor/{child['id']}")
    referrals = page.locator("#referrals")
    expect(referrals).to_contain_text("民政")
    expect(referrals).to_contain_text("已发送")
    expect(referrals).to_contain_text(f"家庭困难申请救助{tag}")
    measures = page.locator("#measures")
    existing = measures.locator(f'[data-measure="{planned["id"]}"]')
    expect(existing).to_contain_text("生活救助")
    expect(existing).to_contain_text("计划中")

    # She delivered it: marked done offline.
    existing.get_by_role("button", name="已完成").click()
    expect(existing).to_contain_text("已完成")
    expect(existing).to_contain_text("未同步")

    # And plans a new one, for which she answers herself.
    page.get_by_role("button", name="新增措施").click()
    worker.page.select_option("#in-kind", label="心理干预")
    page.fill("#in-description", f"联系学校心理老师每周谈话{tag}")
    worker.action("保存措施")
    expect(page.locator(".hm-header h1")).to_have_text(child["name"])
    new = measures.locator(".hm-measure", has_text=f"联系学校心理老师每周谈话{tag}")
    expect(new).to_contain_text("心理干预")
    expect(new).to_contain_text("计划中")
    expect(new).to_contain_text("本人负责")
    expect(new).to_contain_text("未同步")
    worker.expect_pending(2)
    page.screenshot(path=results_dir / "minor-measures-offline.png", full_page=True)

    response = worker.reload()
    assert response.from_service_worker, "the app shell comes from the service worker"
    expect(worker.net).to_have_text("离线")
    worker.expect_pending(2)
    expect(referrals).to_contain_text(f"家庭困难申请救助{tag}")
    expect(existing).to_contain_text("已完成")
    expect(new).to_contain_text("计划中")

    worker.context.set_offline(False)
    expect(worker.net).to_have_text("在线")
    worker.sync()
    worker.expect_pending(0)
    expect(new).not_to_contain_text("未同步")

    on_server = {m["description"]: m for m in rest.get(f"/api/minors/{child['id']}/measures", "village1")}
    assert on_server[f"送米面油{tag}"]["status"] == "done"
    assert on_server[f"送米面油{tag}"]["done_at"]
    mine = on_server[f"联系学校心理老师每周谈话{tag}"]
    me = rest.get("/api/auth/me", "worker1")
    assert (mine["kind"], mine["status"]) == ("psych_intervention", "planned")
    assert mine["created_by"] == me["id"] and mine["responsible_user_id"] == me["id"]
