"""Working with no connection: a household surveyed and a visit logged offline, kept across a
reload, and synced once the phone reaches the server again (DESIGN §5, §6)."""

from __future__ import annotations

import re
from uuid import uuid4

import pytest
from playwright.sync_api import expect

from tests.e2e.phone import LEFT_BEHIND, Phone, years_ago
from tests.e2e.rest import Rest

pytestmark = pytest.mark.e2e


def _server_minors(rest: Rest, household_id: str) -> dict[str, dict]:
    return {m["name"]: m for m in rest.get(f"/api/minors?household_id={household_id}", "worker1")}


def test_offline_survey_and_visit_survive_a_reload_and_sync(phone, rest, results_dir):
    tag = uuid4().hex[:6]
    worker = Phone.open(phone())
    page = worker.page
    worker.login("worker1")
    worker.wait_controlled()

    worker.context.set_offline(True)
    expect(worker.net).to_have_text("离线")
    household_id = worker.survey_household(f"离线村{tag}号", f"户主{tag}", phone="13800138000")
    live = worker.add_member(f"留守{tag}", screenshot=results_dir / "minor-form-live.png", **LEFT_BEHIND)
    assert live == ("黄", "农村留守儿童")
    grade, _ = worker.add_member(
        f"危险{tag}", gender="男", birth_date=years_ago(7), risk_flags=["疑似受虐待"]
    )
    assert grade == "红"
    members = page.locator(".hm-content .weui-cells a.weui-cell")
    expect(members.filter(has_text=f"留守{tag}").locator(".hm-grade")).to_have_text("黄")
    expect(members.filter(has_text=f"危险{tag}").locator(".hm-grade")).to_have_text("红")
    worker.action("保存，下一步")
    review = page.locator(".weui-cell", has_text="家庭成员")
    expect(review).to_contain_text(f"留守{tag}")
    expect(review).to_contain_text(f"危险{tag}")
    worker.action("完成摸排")
    expect(page.locator(".hm-header h1")).to_have_text(f"户主{tag}")

    page.locator("a.weui-cell", has_text=f"危险{tag}").click()
    worker.action("记录走访")
    safety = page.locator('[id="field-findings.safety"]')
    safety.get_by_role("radio", name="有问题").click()
    safety.locator("input").fill("手臂有淤青, 已报告派出所")
    page.locator("label.hm-check", has_text="心理干预").click()
    page.fill("#in-summary", f"离线走访{tag}")
    worker.action("保存走访")
    expect(page.locator(".hm-content")).to_contain_text(f"离线走访{tag}")
    # household (one mutation for all its steps), two children, one visit
    worker.expect_pending(4)
    expect(worker.net).to_have_text("离线")

    response = worker.reload()
    assert response.from_service_worker, "the app shell comes from the service worker"
    expect(worker.net).to_have_text("离线")
    worker.expect_pending(4)
    expect(page.locator(".hm-content")).to_contain_text(f"离线走访{tag}")
    worker.go(f"#/household/{household_id}")
    expect(page.locator(".hm-content")).to_contain_text(f"留守{tag}")
    expect(page.locator(".hm-content")).to_contain_text(f"离线村{tag}号")

    worker.context.set_offline(False)
    expect(worker.net).to_have_text("在线")
    worker.sync()
    worker.expect_pending(0)
    expect(worker.sync_button).to_have_text(re.compile(r"^上次同步 \d{2}:\d{2}$"))

    household = rest.get(f"/api/households/{household_id}", "worker1")
    assert (household["address"], household["phone"]) == (f"离线村{tag}号", "13800138000")
    assert household["surveyed_at"]
    minors = _server_minors(rest, household_id)
    left, red = minors[f"留守{tag}"], minors[f"危险{tag}"]
    assert (left["categories"], left["grade_suggested"]) == (["left_behind"], "yellow")
    assert red["grade_suggested"] == "red" and red["risk_flags"] == ["abuse_suspected"]
    [visit] = rest.get(f"/api/visits?minor_id={red['id']}", "worker1")
    assert visit["summary"] == f"离线走访{tag}" and visit["measures"] == ["psych_intervention"]
    assert visit["findings"]["safety"] == {"status": "concern", "note": "手臂有淤青, 已报告派出所"}
