"""Two phones edit the same child offline (DESIGN §5): the later edit wins the field, the
other worker is told and can re-apply hers, and the supervisor sees the conflict."""

from __future__ import annotations

import re
from uuid import uuid4

import pytest
from playwright.sync_api import expect

from tests.e2e.phone import Phone, years_ago

pytestmark = pytest.mark.e2e


def test_concurrent_offline_edits_later_wins_and_the_loser_can_reapply(phone, rest, results_dir):
    tag = uuid4().hex[:6]
    grid = rest.get("/api/auth/me", "worker1")["area_ids"][0]
    household = rest.post(
        "/api/households",
        "worker1",
        {"grid_id": grid, "address": f"冲突村{tag}号", "head_name": f"户主{tag}"},
    )
    minor = rest.post(
        "/api/minors",
        "worker1",
        {
            "household_id": household["id"],
            "name": f"冲突{tag}",
            "gender": "male",
            "birth_date": years_ago(11),
            "school": "红旗村小学",
        },
    )
    worker = Phone.open(phone())  # 王建国, grid worker
    officer = Phone.open(phone())  # 李秀英, the village's child director, on her own phone
    worker.login("worker1")
    officer.login("village1")
    mine, theirs = f"甲校{tag}", f"乙校{tag}"

    for who, school in ((worker, mine), (officer, theirs)):  # the officer's edit comes later
        who.context.set_offline(True)
        who.go(f"#/minor/{minor['id']}/edit")
        who.fill_minor(school=school)
        who.action("保存")
        expect(who.page.locator(".hm-header h1")).to_have_text(f"冲突{tag}")
        who.expect_pending(1)

    officer.context.set_offline(False)
    officer.sync()
    officer.expect_pending(0)
    worker.context.set_offline(False)
    worker.sync()
    worker.expect_pending(0)

    assert rest.get(f"/api/minors/{minor['id']}", "worker1")["school"] == theirs, "the later edit wins"
    conflicts = rest.get("/api/conflicts?page_size=100", "village1")
    [conflict] = [c for c in conflicts if c["record_id"] == minor["id"]]
    assert (conflict["field"], conflict["kept_value"], conflict["discarded_value"]) == (
        "school",
        theirs,
        mine,
    )
    assert conflict["discarded_author_name"] == "王建国"

    notice = worker.page.locator(".hm-notice")
    expect(notice.locator(".hm-notice__text")).to_have_text(
        re.compile(r"^你对 学校 的修改已被 李秀英 的修改替代，\d+月\d+日$")
    )
    expect(notice).to_contain_text(f"我的：{mine}")
    expect(notice).to_contain_text(f"现在：{theirs}")
    expect(worker.page.locator(".hm-tabbar .hm-tab-dot")).to_be_visible()
    worker.page.screenshot(path=results_dir / "conflict-notice.png")
    expect(officer.page.locator(".hm-notice")).to_have_count(0)

    notice.get_by_role("button", name="重新应用我的修改").click()
    expect(notice).to_have_count(0)
    worker.expect_pending(1)
    worker.sync()
    worker.expect_pending(0)
    assert rest.get(f"/api/minors/{minor['id']}", "worker1")["school"] == mine
    officer.sync()
    officer.go(f"#/minor/{minor['id']}/edit")
    expect(officer.page.locator("#in-school")).to_have_value(mine)
