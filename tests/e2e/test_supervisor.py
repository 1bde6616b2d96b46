"""The supervisors' screens in headless Chromium: review and return a visit and see it come back
amended, confirm a grade, restore a conflict, an urgent report on the street admin's workbench
with its timer and the bell, a referral answered by the unit, and the statistics dashboard on a
desk and on a phone."""

from __future__ import annotations

import re
import time
from uuid import uuid4

import pytest
from playwright.sync_api import expect

from tests.e2e.desk import (
    Desk,
    logged_visit,
    no_sideways_scroll,
    push,
    registered_again,
    registered_child,
    timer_seconds,
)
from tests.e2e.phone import Phone

pytestmark = pytest.mark.e2e


def test_a_returned_visit_goes_back_to_the_worker_and_comes_back_amended(desk, phone, rest):
    tag = uuid4().hex[:6]
    child = registered_child(rest, tag)
    visit = logged_visit(rest, child, f"第一次走访{tag}")
    worker = Phone.open(phone())
    worker.login("worker1")
    officer = Desk.open(desk())
    officer.login("village1")
    page = officer.page
    expect(page).to_have_url(re.compile(r"#/work$"), timeout=5000)
    expect(page.locator(".hm-tile--review .hm-count")).to_be_visible()

    officer.open_route("#/review", ".hm-filters")
    row = page.locator(f'a[href="#/review/{visit["id"]}"]')
    expect(row).to_contain_text(f"童{tag}")
    expect(row).to_contain_text("王建国")
    expect(row).to_contain_text(re.compile(r"已等待 \d"))
    expect(row.locator(".hm-grade")).to_be_visible()
    row.click()
    expect(page.locator(".hm-profile h2")).to_have_text(f"童{tag}")
    expect(page.locator(".hm-content")).to_contain_text("成绩下滑")
    expect(page.locator(".hm-chip", has_text="监护人教育")).to_be_visible()
    expect(page.locator(".hm-content")).to_contain_text(f"第一次走访{tag}")

    page.get_by_role("button", name="退回修改").click()  # a return needs a comment
    expect(page.locator("#field-comment .hm-error")).to_have_text("退回时请写明原因，网格员会看到")
    assert rest.get(f"/api/visits/{visit['id']}", "village1")["review_status"] == "submitted"
    comment = f"请补充学习情况{tag}"
    page.fill("#in-comment", comment)
    page.get_by_role("button", name="退回修改").click()
    officer.toast_says("已退回")
    expect(page).to_have_url(re.compile(r"#/review$"))
    expect(page.locator(f'a[href="#/review/{visit["id"]}"]')).to_have_count(0)
    server = rest.get(f"/api/visits/{visit['id']}", "village1")
    assert (server["review_status"], server["review_comment"]) == ("returned", comment)

    # The worker's phone: returned on Today after a sync; she amends it and syncs.
    worker.sync()
    worker.go("#/today")
    returned = worker.page.locator(".hm-returned a", has_text=f"童{tag}")
    expect(returned).to_contain_text(comment)
    returned.click()
    expect(worker.page.locator(".hm-banner--warn")).to_contain_text(comment)
    worker.page.fill("#in-summary", f"补充: 数学成绩下滑, 已联系班主任{tag}")
    worker.action("保存走访")
    worker.expect_pending(1)
    worker.sync()
    worker.expect_pending(0)
    worker.go("#/today")
    expect(worker.page.locator(".hm-returned a", has_text=f"童{tag}")).to_have_count(0)

    server = rest.get(f"/api/visits/{visit['id']}", "village1")
    assert server["review_status"] == "submitted" and server["summary"].startswith("补充")
    officer.reload()
    officer.open_route("#/review", ".hm-filters")
    row = page.locator(f'a[href="#/review/{visit["id"]}"]')
    expect(row).to_be_visible()
    row.click()
    history = page.locator(".hm-timeline")
    expect(history.locator("li")).to_have_count(2)
    expect(history.locator("li").first).to_contain_text("退回")
    expect(history.locator("li").first).to_contain_text(comment)
    expect(history.locator("li").last).to_contain_text("修改后重新提交")
    officer.action("审核通过")
    officer.toast_says("已通过")
    assert rest.get(f"/api/visits/{visit['id']}", "village1")["review_status"] == "approved"


def test_a_grade_is_confirmed_or_overridden_only_with_a_reason(desk, rest):
    tag = uuid4().hex[:6]
    child = registered_child(rest, tag, risk_flags=["abuse_suspected"])
    assert (child["grade"], child["grade_suggested"]) == (None, "red")
    officer = Desk.open(desk())
    officer.login("village1")
    page = officer.page
    officer.open_route("#/grades?grade=red", ".hm-filters")
    card = page.locator(f'[data-minor="{child["id"]}"]')
    expect(card.locator(".hm-versus .hm-grade").first).to_have_text("红")
    expect(card.locator(".hm-versus .hm-grade").last).to_have_text("未定级")
    expect(card.locator(".hm-reasons")).to_contain_text("红色")

    card.get_by_role("button", name="确认或调整等级").click()
    card.get_by_role("radio", name=re.compile("橙")).click()
    override = card.get_by_role("button", name="改定为橙")
    override.click()
    expect(card.locator(".hm-error")).to_have_text("请写明定级理由")
    assert rest.get(f"/api/minors/{child['id']}", "village1")["grade"] is None
    reason = f"已入户核实, 有亲属照料{tag}"
    card.locator("textarea").fill(reason)
    override.click()
    officer.toast_says(f"童{tag} 定为橙")
    minor = rest.get(f"/api/minors/{child['id']}", "village1")
    assert minor["grade"] == "orange"
    assert minor["grade_history"][-1]["reason"] == reason
    # A deliberate override with its reason is a decision: the child leaves the queue.
    expect(card).to_have_count(0)

    second = registered_child(rest, f"{tag}b", risk_flags=["abuse_suspected"])
    officer.reload()  # the queue as the server has it now
    card = page.locator(f'[data-minor="{second["id"]}"]')
    card.get_by_role("button", name="确认或调整等级").click()
    card.get_by_role("radio", name=re.compile("红")).click()
    card.locator("textarea").fill(f"复核: 确有受虐迹象{tag}")
    card.get_by_role("button", name="确认建议等级").click()
    officer.toast_says(f"童{tag}b 定为红")
    expect(card).to_have_count(0)
    assert rest.get(f"/api/minors/{second['id']}", "village1")["grade"] == "red"


def test_a_conflict_is_shown_with_both_values_and_restored(desk, rest):
    tag = uuid4().hex[:6]
    child = registered_child(rest, tag, school="红旗村小学")
    now = int(time.time() * 1000)
    # The officer's edit is later (it wins); the worker's arrives after it on a stale base.
    assert (
        push(rest, "village1", f"e2e-officer-{tag}", child, {"school": f"乙校{tag}"}, now)["status"]
        == "applied"
    )
    assert (
        push(rest, "worker1", f"e2e-worker-{tag}", child, {"school": f"甲校{tag}"}, now - 60_000)["status"]
        == "conflict"
    )

    officer = Desk.open(desk())
    officer.login("village1")
    page = officer.page
    officer.open_route("#/conflicts", ".hm-hint")
    card = page.locator(".hm-conflict", has_text=f"甲校{tag}")
    expect(card).to_contain_text(f"童{tag}")  # the record, named from the officer's replica
    expect(card.locator(".hm-conflict__field")).to_have_text("学校")
    expect(card.locator(".hm-side-value--kept")).to_contain_text(f"乙校{tag}")
    expect(card.locator(".hm-side-value--kept")).to_contain_text("李秀英")
    expect(card.locator(".hm-side-value--lost")).to_contain_text(f"甲校{tag}")
    expect(card.locator(".hm-side-value--lost")).to_contain_text("王建国")
    expect(card.locator(".hm-side-value--lost")).to_contain_text(re.compile(r"\d+月\d+日 \d\d:\d\d"))

    card.get_by_role("button", name="恢复被替代的值").click()
    expect(page.get_by_role("dialog")).to_contain_text("学校")
    officer.dialog_ok("恢复被替代的值")
    officer.toast_says("已恢复")
    expect(card).to_have_count(0)
    assert rest.get(f"/api/minors/{child['id']}", "village1")["school"] == f"甲校{tag}"
    [closed] = [
        c
        for c in rest.get("/api/conflicts?status=restored&page_size=100", "village1")
        if c["record_id"] == child["id"]
    ]
    assert closed["status"] == "restored"


def test_an_urgent_report_from_a_sentinel_reaches_the_admin_workbench_with_its_timer_and_the_bell(desk, rest):
    tag = uuid4().hex[:6]
    admin = Desk.open(desk())
    admin.context.clock.install()  # the bell polls every minute: the test moves the clock on
    admin.login("admin")
    page = admin.page
    expect(page).to_have_url(re.compile(r"#/work$"))
    before = rest.get("/api/notifications/unread-count", "admin")["unread"]
    if before:
        expect(admin.bell_count).to_have_text(str(before))

    village = next(a for a in rest.get("/api/reports/areas", "sentinel1") if a["level"] == "village")
    report = rest.post(
        "/api/reports",
        "sentinel1",
        {
            "area_id": village["id"],
            "kind": "runaway",
            "urgent": True,
            "description": f"学生连续两天未到校, 家长联系不上{tag}",
        },
    )
    assert report["urgent"] and report["source"] == "school"

    page.clock.fast_forward(61_000)
    expect(admin.bell_count).to_have_text(str(before + 1))
    row = page.locator(f'.hm-urgent [data-report="{report["id"]}"]')
    expect(row).to_contain_text("离家出走")
    expect(row).to_contain_text(village["name"])
    timer = row.locator(".hm-timer")
    expect(timer).to_have_class(re.compile("hm-timer--running"))
    expect(timer).to_have_text(re.compile(r"^距首次响应时限 \d+:\d\d:\d\d$"))
    first = timer_seconds(timer.inner_text())
    assert 22 * 3600 < first <= 24 * 3600, first
    page.clock.fast_forward(5_000)
    expect(timer).not_to_have_text(timer.inner_text())  # live: it counts down
    assert timer_seconds(timer.inner_text()) < first

    admin.page.locator(".hm-bell").click()
    item = page.locator(".hm-notify", has_text="紧急报告")
    expect(item.first).to_be_visible()
    expect(page.locator(".hm-notify").first).not_to_contain_text("/ Urgent report")  # Chinese half only
    page.locator(".hm-notify", has_text=village["name"]).first.click()
    expect(page).to_have_url(re.compile(f"#/reports/{report['id']}$"))
    if before:
        expect(admin.bell_count).to_have_text(str(before))
    else:
        expect(admin.bell_count).to_have_count(0)
    expect(page.locator(".hm-steps__on")).to_contain_text("已提交")
    admin.action("受理")
    admin.toast_says("已受理")
    expect(page.locator(".hm-steps__on")).to_contain_text("已受理")
    expect(page.locator(".hm-timer")).to_have_text(re.compile(r"^已响应，用时"))
    assert rest.get(f"/api/reports/{report['id']}", "admin")["status"] == "acknowledged"


def test_a_referral_is_answered_step_by_step_by_the_unit(desk, phone, rest):
    tag = uuid4().hex[:6]
    village = next(a for a in rest.get("/api/reports/areas", "sentinel1") if a["level"] == "village")
    report = rest.post(
        "/api/reports",
        "sentinel1",
        {
            "area_id": village["id"],
            "kind": "bullying",
            "description": f"校外人员多次拦截勒索学生{tag}",
        },
    )
    admin = Desk.open(desk())
    admin.login("admin")
    page = admin.page
    admin.open_route(f"#/reports/{report['id']}", ".hm-steps--report")
    page.get_by_role("button", name="转介成员单位").click()
    page.select_option("#in-to_unit", label="学校")
    page.get_by_role("button", name="发送转介").click()
    expect(page.locator("#field-refer-reason .hm-error")).to_have_text("请写明转介理由")
    page.fill("#in-refer-reason", f"请学校加强上下学安全{tag}")
    page.get_by_role("button", name="发送转介").click()
    admin.toast_says("已转介给学校")
    expect(page.locator(".hm-steps__on")).to_contain_text("已转介")
    card = page.locator(".hm-referral")
    expect(card).to_contain_text("已发送")

    liaison = Desk.open(phone())
    liaison.page.goto("/")
    liaison.page.fill("#username", "school1")
    liaison.page.fill("#password", "demo-password-1")
    liaison.page.click("button[type=submit]")
    liaison.set_pin()
    expect(liaison.page).to_have_url(re.compile(r"#/referrals$"))
    expect(liaison.page.locator(".hm-status__sync")).to_have_count(0)  # a liaison keeps no replica
    row = liaison.page.locator(".weui-cell", has_text=f"请学校加强上下学安全{tag}").or_(
        liaison.page.locator(".weui-cell", has_text="校园欺凌")
    )
    expect(row.first).to_be_visible()
    liaison.page.locator("a.weui-cell", has_text="校园欺凌").first.click()
    expect(liaison.page.locator(".hm-content")).to_contain_text(f"校外人员多次拦截勒索学生{tag}")
    liaison.page.get_by_role("button", name="接收").click()
    liaison.toast_says("已接收")
    liaison.page.get_by_role("button", name="办结").click()
    liaison.page.get_by_role("button", name="提交：办结").click()
    expect(liaison.page.locator(".hm-error")).to_have_text("请填写后再提交")
    liaison.page.fill("#in-referral-note", f"已安排护学岗, 联系家长{tag}")
    liaison.page.get_by_role("button", name="提交：办结").click()
    liaison.toast_says("已办结")

    admin.reload()
    card = page.locator(".hm-referral")
    expect(card.locator(".hm-status-tag")).to_have_text("已办结")
    steps = card.locator(".hm-timeline li")
    expect(steps).to_have_count(3)
    expect(steps.last).to_contain_text(f"已安排护学岗, 联系家长{tag}")


def _dashboard_ready(desk: Desk) -> None:
    page = desk.page
    desk.open_route("#/stats", ".hm-kpis")
    charts = page.locator(".hm-chart")
    expect(charts).to_have_count(9)
    expect(page.locator(".hm-chart canvas")).to_have_count(9, timeout=20_000)


@pytest.mark.parametrize("size", ["desk", "phone"])
def test_the_statistics_dashboard_draws_every_chart_with_its_table(size, desk, phone, rest, results_dir):
    tag = uuid4().hex[:6]
    registered_child(rest, tag, risk_flags=["neglect"])  # some figures to draw whatever ran before
    admin = Desk.open(desk() if size == "desk" else phone())
    admin.login("admin")
    page = admin.page
    _dashboard_ready(admin)
    for canvas in admin.canvases():
        assert canvas["width"] > 100 and canvas["height"] > 100, canvas
        assert canvas["colours"] > 2, f"a blank chart: {canvas}"
    for card in page.locator(".hm-card:has(.hm-chart)").all():
        # the chart's own table comes right after it
        assert (
            card.locator(".hm-chart-box + .hm-table-wrap, .hm-chart-box + p + .hm-table-wrap").count() == 1
        ), card.inner_text()[:60]
    expect(page.locator("#stats-grades tbody tr").first).to_contain_text("红")
    expect(page.locator("#stats-areas tbody tr")).not_to_have_count(0)
    expect(page.locator("#stats-scoreboard tbody tr").first).to_contain_text("1")
    expect(page.locator("#stats-ledger").get_by_role("button", name="导出台账（Excel）")).to_be_visible()
    assert no_sideways_scroll(page)
    page.screenshot(path=results_dir / f"stats-{'1280' if size == 'desk' else '390'}.png", full_page=True)

    # Drill down: a village, then its first group; the breadcrumb follows.
    page.locator("#stats-areas tbody tr button").first.click()
    expect(page.locator(".hm-crumbs button")).to_have_count(3)
    expect(page.locator("#stats-areas tbody tr")).not_to_have_count(0)
    expect(page.locator(".hm-chart canvas")).to_have_count(9)
    if size == "desk":
        with page.expect_download() as download:
            page.locator("#stats-ledger").get_by_role("button", name="下载导入模板").click()
        assert download.value.suggested_filename.endswith(".xlsx")


def test_the_online_screens_say_so_offline_and_the_workers_screens_keep_working(desk, rest):
    officer = Desk.open(desk())
    officer.login("village1")
    page = officer.page
    officer.wait_controlled()
    officer.context.set_offline(True)
    expect(officer.net).to_have_text("离线")
    for route in ("#/review", "#/stats", "#/conflicts"):
        officer.go(route)
        expect(page.locator(".hm-offline")).to_contain_text("没有网络")
        expect(page.locator(".hm-offline")).to_contain_text("这一页需要联网")
    officer.go("#/households")  # the replica still answers
    expect(page.locator(".hm-search")).to_be_visible()
    officer.go("#/today")
    expect(page.locator(".hm-grade-counts")).to_be_visible()
    officer.context.set_offline(False)
    officer.go("#/review")
    expect(page.locator(".hm-offline")).to_have_count(0)
    expect(page.locator(".weui-cells__title", has_text="待审核")).to_be_visible()


def test_a_street_admin_creates_resets_and_deactivates_an_account(desk, rest):
    tag = uuid4().hex[:6]
    admin = Desk.open(desk())
    admin.login("admin")
    page = admin.page
    admin.open_route("#/users", ".hm-filters")
    admin.action("新建用户")
    admin.action("保存")
    expect(page.locator("#field-username .hm-error")).to_have_text("请填写此项")
    page.fill("#in-username", f"grid{tag}")
    page.fill("#in-display_name", f"新网格员{tag}")
    page.select_option("#in-role", label="网格员")
    admin.action("保存")
    expect(page.locator("#field-areas + .hm-error, .hm-error", has_text="请填写此项")).to_be_visible()
    expect(page.locator("#field-areas label").first).to_be_visible()
    page.locator("#field-areas label").first.click()
    password = page.input_value("#in-password")
    assert len(password) >= 10
    admin.action("保存")
    admin.toast_says("用户已创建")
    expect(page.locator(".hm-password")).to_have_text(password)  # shown once, to hand over
    user_id = int(re.search(r"#/users/(\d+)$", page.url).group(1))
    status, _ = rest.call("POST", "/api/auth/login", body={"username": f"grid{tag}", "password": password})
    assert status == 200

    page.get_by_role("button", name="重置密码").click()
    admin.dialog_ok("重置密码")
    admin.toast_says("密码已重置")
    fresh = page.locator(".hm-password").inner_text()
    assert fresh != password
    assert (
        rest.call("POST", "/api/auth/login", body={"username": f"grid{tag}", "password": password})[0] == 401
    )

    page.get_by_role("button", name="停用账号").click()
    admin.dialog_ok("停用账号")
    admin.toast_says("已停用")
    expect(page.get_by_role("button", name="重新启用")).to_be_visible()
    assert rest.get(f"/api/users/{user_id}", "admin")["active"] is False


def test_ledger_import_reports_rows_and_the_monthly_report_opens_for_print(desk, rest, tmp_path):
    admin = Desk.open(desk())
    admin.login("admin")
    page = admin.page
    admin.open_route("#/stats", "#stats-ledger")
    ledger = page.locator("#stats-ledger")
    with page.expect_download() as download:
        ledger.get_by_role("button", name="导出台账（Excel）").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    with page.expect_download() as download:
        ledger.get_by_role("button", name="下载导入模板").click()
    template = tmp_path / "template.xlsx"
    download.value.save_as(template)

    ledger.get_by_role("button", name="开始导入").click()
    expect(ledger.locator(".hm-error")).to_have_text("请先选择文件")
    ledger.locator(".hm-file input").set_input_files(template)
    ledger.get_by_label("只检查，不写入").check()
    ledger.get_by_role("button", name="开始导入").click()
    expect(ledger.locator(".hm-import-result")).to_contain_text("检查完成（未写入）：可导入 0 行")

    with page.expect_popup() as popup:
        ledger.get_by_role("button", name="打开可打印月报").click()
    report = popup.value
    report.wait_for_url(re.compile(r"^blob:"))  # fetched with the token, shown from a blob
    expect(report.locator("body")).to_contain_text("未成年人保护工作统计")


def test_a_red_child_without_a_measure_is_flagged_until_one_is_planned(desk, rest):
    tag = uuid4().hex[:6]
    child = registered_child(rest, tag, risk_flags=["no_guardian"])
    assert child["grade_suggested"] == "red"
    officer = Desk.open(desk())
    officer.login("village1")
    page = officer.page
    officer.open_route("#/cases?tab=flags", ".hm-seg--tabs")
    flag = page.locator(f'[data-flag="{child["id"]}"]')
    expect(flag).to_contain_text(re.compile(r"距措施时限 \d+小时"))
    flag.click()
    expect(page.locator(".hm-profile h2")).to_have_text(f"童{tag}")
    measures = page.locator(".hm-measures")
    expect(measures).to_contain_text("还没有帮扶措施")
    page.get_by_role("button", name="新增措施").click()
    page.get_by_role("button", name="保存措施").click()
    expect(page.locator("#field-kind .hm-error")).to_have_text("请填写此项")
    page.select_option("#in-kind", label="生活救助")
    page.fill("#in-description", f"申请临时救助, 安排亲属照料{tag}")
    page.select_option("#in-responsible_unit", label="民政")
    page.get_by_role("button", name="保存措施").click()
    officer.toast_says("措施已保存")
    expect(measures).to_contain_text(f"申请临时救助, 安排亲属照料{tag}")
    expect(measures).to_contain_text("计划中")
    measures.get_by_role("button", name="开始实施").click()
    expect(measures).to_contain_text("实施中")
    # Saved on her device first (the same measures a village officer records offline), and sent
    # at once while online.
    expect(measures.locator(".hm-sync-tag")).to_have_count(0)
    [measure] = rest.get(f"/api/minors/{child['id']}/measures", "village1")
    assert (measure["kind"], measure["status"], measure["responsible_unit"]) == (
        "living_aid",
        "in_progress",
        "civil_affairs",
    )

    officer.open_route("#/cases?tab=flags", ".hm-seg--tabs")
    expect(page.locator(".hm-hint", has_text="24小时")).to_be_visible()
    expect(page.locator(f'[data-flag="{child["id"]}"]')).to_have_count(0)


def test_duplicate_records_are_merged_side_by_side_with_a_reason(desk, rest):
    tag = uuid4().hex[:6]
    first = registered_child(rest, tag)
    second = registered_again(rest, first, school="红旗村小学")
    rest.post(
        "/api/visits",
        "worker1",
        {"minor_id": second["id"], "visited_at": first["updated_at"], "kind": "phone"},
    )
    officer = Desk.open(desk())
    officer.login("village1")
    page = officer.page
    officer.open_route("#/duplicates", ".hm-hint")
    pair = page.locator(".hm-dup").filter(has_text=f"童{tag}")
    expect(pair).to_contain_text("相同：姓名、出生日期、地址")
    expect(pair.locator(".hm-dup__row", has_text="走访次数")).to_contain_text("1")
    # The record with the visit is kept by default.
    expect(pair.locator(".hm-dup__pick--on")).to_contain_text("保留")
    pair.get_by_role("button", name="合并档案").click()
    expect(pair.locator(".hm-error")).to_have_text("请写明合并理由")
    pair.locator("textarea").fill(f"同一儿童被两名网格员重复登记{tag}")
    pair.get_by_role("button", name="合并档案").click()
    officer.dialog_ok("合并档案")
    officer.toast_says("已合并")
    expect(page.locator(".hm-dup").filter(has_text=f"童{tag}")).to_have_count(0)
    status, _ = rest.call("GET", f"/api/minors/{first['id']}", "village1")
    assert status == 404, "the record without visits was merged away"
    kept = rest.get(f"/api/minors/{second['id']}", "village1")
    assert kept["school"] == "红旗村小学"
