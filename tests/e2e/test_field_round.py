"""Issue 14, the field round: what grid workers, officers and the police hit on their first day.

Each test walks one journey at the size its user holds it (a phone at 390x844, a desk at
1280x800) and fails on the behaviour the round found broken or confusing.
"""

from __future__ import annotations

import re
import time
from datetime import date, timedelta
from uuid import uuid4

import pytest
from playwright.sync_api import expect

from server.core.extensions import db
from server.reports.models import Report
from tests.e2e.desk import Desk, logged_visit, push, registered_again, registered_child
from tests.e2e.phone import LEFT_BEHIND, Phone, years_ago

pytestmark = pytest.mark.e2e


def _backdate_report(app, report_id: str, hours: float) -> None:
    """As if the report had been filed ``hours`` earlier (the API stamps the server's time)."""
    with app.app_context():
        report = db.session.get(Report, report_id)
        report.reported_at -= timedelta(hours=hours)
        db.session.commit()


def _sentinel_report(rest, tag: str, **fields) -> dict:
    village = next(a for a in rest.get("/api/reports/areas", "sentinel1") if a["level"] == "village")
    body = {
        "area_id": village["id"],
        "kind": "runaway",
        "urgent": True,
        "description": f"学生两天未到校{tag}",
    }
    return rest.post("/api/reports", "sentinel1", {**body, **fields})


def _household(rest, address: str, head: str, children: tuple[str, ...] = ()) -> dict:
    grid = rest.get("/api/auth/me", "worker1")["area_ids"][0]
    household = rest.post(
        "/api/households", "worker1", {"grid_id": grid, "address": address, "head_name": head}
    )
    for name in children:
        rest.post(
            "/api/minors",
            "worker1",
            {
                "household_id": household["id"],
                "name": name,
                "gender": "female",
                "birth_date": years_ago(9),
            },
        )
    return household


def test_household_search_is_tappable_and_finds_pinyin_initials_addresses_and_names(phone, rest):
    tag = uuid4().hex[:6]
    _household(rest, f"搜索村{tag}巷3号", f"王建国{tag}", ("王小雨",))
    _household(rest, f"搜索村{tag}巷12号", f"李四{tag}")
    worker = Phone.open(phone())
    worker.login("worker1")
    worker.go("#/households")
    search = worker.page.get_by_role("searchbox")
    expect(search).to_be_visible()
    search.click()
    search.press_sequentially(f"搜索村{tag}")
    rows = worker.page.locator(".hm-content .weui-cell", has_text=f"搜索村{tag}")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("巷3号")  # natural order: 3号 before 12号
    search.fill(f"wxy {tag}")  # the child's pinyin initials, narrowed by the address
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(f"王建国{tag}")
    search.fill(f"{tag} ls")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(f"李四{tag}")
    worker.page.get_by_role("button", name="清除").click()
    expect(search).to_have_value("")


def test_statistics_call_an_unanswered_report_past_its_limit_overdue_and_show_it_at_1280(app, desk, rest):
    tag = uuid4().hex[:6]
    late = _sentinel_report(rest, tag)
    _backdate_report(app, late["id"], 29)
    admin = Desk.open(desk())
    admin.login("admin")
    admin.open_route("#/stats", ".hm-kpis")
    expect(admin.page.locator(".hm-periods .hm-month")).not_to_have_value("")  # no "--------- ----"
    link = admin.page.locator(f'a[href="#/reports/{late["id"]}"]')
    row = admin.page.locator("#stats-reports tr", has=link)
    expect(row).to_be_visible()
    cells = row.locator("td")
    expect(cells.nth(3)).to_have_text("未响应")
    expect(cells.nth(4)).to_have_text("超时")
    # The SLA column is on screen, not behind a sideways scroll.
    wrap = admin.page.locator("#stats-reports .hm-table-wrap", has=link)
    assert wrap.evaluate("(el) => el.scrollWidth <= el.clientWidth"), (
        "the urgent reports' table scrolls sideways"
    )
    box = cells.nth(4).bounding_box()
    assert box and box["x"] + box["width"] <= 1280


def test_the_police_get_a_referral_they_can_act_on_and_no_second_copy(desk, phone, rest):
    tag = uuid4().hex[:6]
    report = _sentinel_report(
        rest,
        tag,
        kind="injury_malnutrition_abuse",
        description=f"学生手臂多处淤青{tag}",
        child_name=f"周小雨{tag}",
        child_class="四年级二班",
        child_age=10,
        place=f"红旗村一组{tag}号",
        reporter_name="王老师",
        reporter_phone="13900000001",
    )
    police = Desk.open(phone())
    police.page.goto("/")
    police.page.fill("#username", "police1")
    police.page.fill("#password", "demo-password-1")
    police.page.click("button[type=submit]")
    police.set_pin()
    police.page.locator("a.weui-cell", has_text=f"周小雨{tag}").click()
    case = police.page.locator(".hm-case")
    expect(case).to_contain_text(f"周小雨{tag} · 10岁 · 四年级二班")
    expect(case).to_contain_text(f"红旗村一组{tag}号")
    expect(case).to_contain_text("红旗小学")
    expect(case).to_contain_text("王老师")
    expect(case.locator('a[href="tel:13900000001"]')).to_be_visible()
    expect(police.page.locator(".hm-timeline li").first).to_contain_text("报告时间")
    police.page.get_by_role("button", name="接收").click()
    police.toast_says("已接收")

    admin = Desk.open(desk())
    admin.login("admin")
    admin.open_route(f"#/reports/{report['id']}", ".hm-steps--report")
    card = admin.page.locator(".hm-referral")
    expect(card).to_have_count(1)
    expect(card.get_by_text("强制报告：", exact=False)).to_have_count(1)  # the reason, printed once
    admin.page.get_by_role("button", name="转介成员单位").click()
    options = admin.page.locator("#in-to_unit option")
    expect(options.filter(has_text="学校")).to_have_count(1)
    expect(options.filter(has_text="派出所")).to_have_count(0)  # the police have it already


def test_a_sentinel_names_the_child_and_a_contact_and_the_admin_links_the_file(desk, phone, rest):
    tag = uuid4().hex[:6]
    child = registered_child(rest, tag)  # 童{tag}, already on file in worker1's grid
    sentinel = Phone.open(phone())
    sentinel.login("sentinel1")
    sentinel.go("#/report/new")
    page = sentinel.page
    page.locator("label.hm-kind", has_text="离家出走").click()
    # The sentinel's own village (a sentinel files only into its areas), fetched for the form.
    expect(page.locator("#in-area_id option")).not_to_have_count(1)
    page.select_option("#in-area_id", index=1)
    # No registry on a sentinel's phone: no empty picker, the child by name instead.
    expect(page.locator("#in-minor_id")).to_have_count(0)
    page.fill("#in-child_name", child["name"])
    page.fill("#in-child_class", "四年级二班")
    page.fill("#in-child_age", "9")
    page.fill("#in-place", f"审核路{tag}号")
    page.fill("#in-reporter_name", "王老师")
    page.fill("#in-reporter_phone", "13900000001")
    page.fill("#in-description", f"学生两天未到校{tag}")
    sentinel.action("提交上报")
    expect(page.locator(".hm-content")).to_contain_text(f"学生两天未到校{tag}")
    sentinel.sync()
    assert not sentinel.outbox(), sentinel.outbox()
    [filed] = [r for r in rest.get("/api/reports?page_size=100", "admin") if tag in r["description"]]
    assert (filed["child_name"], filed["child_class"], filed["child_age"]) == (child["name"], "四年级二班", 9)
    assert (filed["reporter_name"], filed["reporter_phone"], filed["place"]) == (
        "王老师",
        "13900000001",
        f"审核路{tag}号",
    )

    admin = Desk.open(desk())
    admin.login("admin")
    # Found in the list by the name the sentinel gave, which its row shows.
    admin.open_route("#/cases", "#search-reports")
    admin.page.locator("#search-reports").fill(child["name"])
    row = admin.page.locator(f'.hm-report-row[data-report="{filed["id"]}"]')
    expect(row).to_contain_text(f"{child['name']} · ")
    admin.open_route(f"#/reports/{filed['id']}", ".hm-steps--report")
    expect(admin.page.locator(".hm-content")).to_contain_text(f"{child['name']} · 9岁 · 四年级二班")
    found = admin.page.locator(".hm-link-child .weui-cell", has_text=child["name"])
    expect(found).to_have_count(1)  # searched by the reported name, on the server
    found.get_by_role("button", name="关联").click()
    admin.toast_says("已关联")
    expect(admin.page.locator(f'a[href="#/minor/{child["id"]}"]')).to_be_visible()
    assert rest.get(f"/api/reports/{filed['id']}", "admin")["minor_id"] == child["id"]


def test_a_date_of_another_year_shows_its_year(phone, rest):
    tag = uuid4().hex[:6]
    child = registered_child(rest, tag)
    last_year = date.today().replace(month=12, day=14, year=date.today().year - 1)
    rest.post(
        "/api/visits",
        "worker1",
        {
            "minor_id": child["id"],
            "visited_at": f"{last_year.isoformat()}T02:00:00+00:00",
            "kind": "home",
            "summary": "去年的走访, 家中一切正常",
        },
    )
    worker = Phone.open(phone())
    worker.login("worker1")
    worker.go(f"#/minor/{child['id']}")
    expect(worker.page.locator(".hm-content")).to_contain_text(f"{last_year.year}年12月14日")


def test_a_visit_must_say_something_and_a_concern_offers_its_measures(phone, rest):
    tag = uuid4().hex[:6]
    child = registered_child(rest, tag)
    worker = Phone.open(phone())
    worker.login("worker1")
    page = worker.page
    worker.go(f"#/minor/{child['id']}/visit/new")
    expect(page.locator('.hm-finding [role="radio"][aria-checked="true"]')).to_have_count(
        0
    )  # nothing pre-marked
    worker.action("保存走访")
    expect(page.locator("#field-summary .hm-error")).to_have_text(
        "请至少标记一项走访发现，或写不少于10个字的小结"
    )
    assert not worker.outbox()
    mental = page.locator('[id="field-findings.mental"]')
    mental.get_by_role("radio", name="有问题").click()
    mental.locator("input").fill("情绪低落, 不愿说话")
    expect(page.locator("label.hm-check").first).to_have_text("心理干预（建议）")
    page.locator("label.hm-check").first.click()
    worker.action("保存走访")
    worker.toast_says("已保存")
    [entry] = worker.outbox()
    assert entry["fields"]["findings"] == {"mental": {"status": "concern", "note": "情绪低落, 不愿说话"}}
    assert entry["fields"]["measures"]["add"] == ["psych_intervention"]


def test_every_record_says_whether_it_is_synced_and_the_pending_list_names_them(phone):
    tag = uuid4().hex[:6]
    worker = Phone.open(phone())
    page = worker.page
    worker.login("worker1")
    worker.wait_controlled()
    worker.context.set_offline(True)
    expect(worker.net).to_have_text("离线")
    household_id = worker.survey_household(f"同步村{tag}号", f"户主{tag}")
    worker.add_member(f"童{tag}", **LEFT_BEHIND)
    members = page.locator(".hm-content .weui-cells a.weui-cell")
    expect(members.filter(has_text=f"童{tag}").locator(".hm-sync-tag")).to_have_text("未同步")
    minor_id = next(m["id"] for m in worker.idb("minors") if m["name"] == f"童{tag}")
    worker.go(f"#/minor/{minor_id}/visit/new")
    page.locator('[id="field-findings.health"]').get_by_role("radio", name="正常").click()
    worker.action("保存走访")
    visit_row = page.locator("a.weui-cell", has_text="入户")
    expect(visit_row.locator(".hm-sync-tag")).to_have_text(
        "未同步"
    )  # not 待审核: the officer has nothing yet
    expect(visit_row).not_to_contain_text("待审核")
    expect(page.locator(".hm-profile .hm-sync-tag")).to_have_text("未同步")
    # Offline the page agrees with itself: the categories are the live assessment's.
    expect(page.locator(".hm-live__cats")).to_have_text("农村留守儿童")
    expect(page.locator(".hm-chips .hm-chip").first).to_have_text("农村留守儿童")
    expect(page.locator(".weui-cell", has_text="下次走访")).not_to_contain_text("—")
    worker.go("#/households")
    expect(page.locator("a.weui-cell", has_text=f"户主{tag}").locator(".hm-sync-tag")).to_have_text("未同步")

    worker.go("#/me")
    outbox = page.locator(".hm-outbox .hm-row-title")
    expect(outbox.filter(has_text=f"家庭 · 户主{tag}（同步村{tag}号）")).to_have_count(1)
    expect(outbox.filter(has_text=f"未成年人 · 童{tag}")).to_have_count(1)
    expect(outbox.filter(has_text=f"走访 · 童{tag}")).to_have_count(1)

    worker.context.set_offline(False)
    expect(worker.net).to_have_text("在线")
    worker.sync()
    worker.go(f"#/household/{household_id}")
    expect(page.locator(".hm-content .hm-sync-tag").first).to_have_text("已同步")
    worker.go(f"#/minor/{minor_id}")
    expect(page.locator(".hm-profile .hm-sync-tag")).to_have_text("已同步")
    expect(page.locator("a.weui-cell", has_text="入户")).to_contain_text("待审核")


def test_a_conflict_between_my_own_two_phones_names_the_child_and_not_me_as_someone_else(phone, rest):
    tag = uuid4().hex[:6]
    child = registered_child(rest, tag, school="红旗村小学")
    worker = Phone.open(phone())
    worker.login("worker1")
    worker.context.set_offline(True)
    worker.go(f"#/minor/{child['id']}/edit")
    worker.fill_minor(school=f"甲校{tag}")
    worker.action("保存")
    worker.expect_pending(1)
    # Her other phone changes the same field later, and syncs first.
    push(
        rest,
        "worker1",
        f"other-phone-{tag}",
        child,
        {"school": f"乙校{tag}"},
        int(time.time() * 1000) + 60_000,
    )
    worker.context.set_offline(False)
    worker.sync()
    worker.go("#/me")
    notice = worker.page.locator(".hm-notice", has_text=child["name"])
    expect(notice.locator(".hm-notice__record")).to_have_text(f"未成年人 · {child['name']}")
    expect(notice.locator(".hm-notice__text")).to_contain_text(
        "你在另一台设备上对 学校 的修改替代了这里的修改"
    )
    expect(notice).not_to_contain_text("王建国")


def test_a_blank_answer_that_keeps_a_rule_from_deciding_is_named(phone, rest):
    tag = uuid4().hex[:6]
    household = _household(rest, f"留守村{tag}号", f"户主{tag}")
    worker = Phone.open(phone())
    worker.login("worker1")
    page = worker.page
    worker.go(f"#/household/{household['id']}/minor/new")
    without_hukou = {k: v for k, v in LEFT_BEHIND.items() if k != "hukou"}
    worker.fill_minor(name=f"留守{tag}", **without_hukou)
    missing = page.locator(".hm-live__missing")
    expect(missing).to_have_text("缺少户籍类型，无法判断是否为农村留守儿童")
    worker.action("保存")
    expect(page.locator(".hm-header h1")).to_have_text(f"留守{tag}")  # saved: on the child's page
    worker.go(f"#/household/{household['id']}")
    row = page.locator("a.weui-cell", has_text=f"留守{tag}")
    expect(row.locator(".hm-missing")).to_have_text("缺少户籍类型，无法判断是否为农村留守儿童")
    worker.go(f"#/minor/{next(m['id'] for m in worker.idb('minors') if m['name'] == f'留守{tag}')}/edit")
    expect(page.locator("select#in-hukou")).to_be_visible()
    worker.fill_minor(hukou="农村")
    expect(missing).to_have_count(0)
    expect(page.locator(".hm-live__cats")).to_have_text("农村留守儿童")


def test_the_second_child_copies_the_family_answers_of_the_first(phone):
    tag = uuid4().hex[:6]
    worker = Phone.open(phone())
    worker.login("worker1")
    page = worker.page
    worker.survey_household(f"兄妹村{tag}号", f"户主{tag}")
    worker.add_member(f"姐姐{tag}", **LEFT_BEHIND)
    page.get_by_role("link", name="＋ 添加成员").click()
    page.get_by_role("button", name=f"沿用姐姐{tag}的家庭情况（户籍、父母、照料人）").click()
    worker.fill_minor(name=f"弟弟{tag}", gender="男", birth_date=years_ago(7))
    assert worker.live_assessment() == ("黄", "农村留守儿童")
    for field, label in (("hukou", "农村"), ("father_status", "外出务工"), ("caregiver", "祖辈")):
        assert page.locator(f"#in-{field} option:checked").inner_text() == label
    worker.action("保存")
    expect(page.locator(".hm-content")).to_contain_text(f"弟弟{tag}")


class Taps:
    """Drives a phone by touch only and counts the touches: a tap on a button or a field (then
    typing), two for a choice from a list (open it, pick)."""

    def __init__(self, page):
        self.page, self.count = page, 0

    def tap(self, locator) -> None:
        locator.click()
        self.count += 1

    def type(self, selector: str, text: str) -> None:
        self.tap(self.page.locator(selector))
        self.page.keyboard.type(text)

    def choose(self, selector: str, label: str) -> None:
        self.page.select_option(selector, label=label)
        self.count += 2


# Written in the README beside the screens: change both together.
TAPS_HOUSEHOLD_WITH_TWO_CHILDREN = 30
TAPS_LOG_A_VISIT = 9


def test_tap_counts_of_the_two_commonest_journeys(phone, rest):
    tag = uuid4().hex[:6]
    due = registered_child(rest, tag, risk_flags=["abuse_suspected"])  # red: due at once
    worker = Phone.open(phone())
    worker.login("worker1")
    page = worker.page
    taps = Taps(page)
    action = page.locator(".hm-action:not(.hm-action--inline) button")

    taps.tap(page.locator(".hm-tabbar a, .weui-tabbar a", has_text="户籍").first)
    taps.tap(action)  # 摸排新家庭
    taps.type("#in-address", f"计数村{tag}号")
    taps.type("#in-head_name", f"户主{tag}")
    taps.tap(action)  # 保存，下一步
    taps.tap(page.get_by_role("link", name="＋ 添加成员"))
    taps.type("#in-name", f"姐姐{tag}")
    taps.choose("#in-gender", "女")
    taps.type("#in-birth_date", "")
    page.fill("#in-birth_date", years_ago(10))  # the date picker's own taps are the phone's, not ours
    for field, label in (
        ("hukou", "农村"),
        ("lives_with_parents", "不与父母同住"),
        ("father_status", "外出务工"),
        ("mother_status", "外出务工"),
        ("caregiver", "祖辈"),
    ):
        taps.choose(f"#in-{field}", label)
    taps.tap(action)  # 保存
    taps.tap(page.get_by_role("link", name="＋ 添加成员"))
    taps.tap(page.locator(".hm-copy-family button"))
    taps.type("#in-name", f"弟弟{tag}")
    taps.choose("#in-gender", "男")
    taps.type("#in-birth_date", "")
    page.fill("#in-birth_date", years_ago(7))
    taps.tap(action)  # 保存
    expect(page.locator(".hm-content")).to_contain_text(f"弟弟{tag}")
    taps.tap(action)  # 下一步
    taps.tap(action)  # 完成摸排
    expect(page.locator(".hm-header h1")).to_have_text(f"户主{tag}")
    members = worker.idb("minors")
    assert {m["name"] for m in members} >= {f"姐姐{tag}", f"弟弟{tag}"}
    assert taps.count == TAPS_HOUSEHOLD_WITH_TWO_CHILDREN, taps.count

    visit = Taps(page)
    worker.go("#/today")  # her home screen
    visit.tap(page.locator("a.weui-cell", has_text=due["name"]))
    visit.tap(action)  # 记录走访
    for area in ("living", "health", "study", "safety", "mental"):
        visit.tap(page.locator(f'[id="field-findings.{area}"]').get_by_role("radio", name="正常"))
    visit.type("#in-summary", "孩子在家写作业，奶奶身体尚可")
    visit.tap(action)  # 保存走访
    worker.toast_says("已保存")
    assert visit.count == TAPS_LOG_A_VISIT, visit.count


def _overlap(a: dict, b: dict) -> bool:
    return not (
        a["x"] + a["width"] <= b["x"]
        or b["x"] + b["width"] <= a["x"]
        or a["y"] + a["height"] <= b["y"]
        or b["y"] + b["height"] <= a["y"]
    )


def test_finishing_touches_on_the_phone(phone, rest):
    tag = uuid4().hex[:6]
    infant = registered_child(rest, f"婴{tag}", birth_date=(date.today() - timedelta(days=150)).isoformat())
    graded = registered_child(rest, f"定{tag}", risk_flags=["neglect"])
    reason = f"入户核实后确认为橙色{tag}"
    rest.post(f"/api/minors/{graded['id']}/grade", "admin", {"grade": "orange", "reason": reason})
    worker = Phone.open(phone())
    worker.login("worker1")
    page = worker.page
    worker.go(f"#/minor/{infant['id']}")
    expect(page.locator(".hm-profile")).to_contain_text("4个月")  # 月龄, not 0岁
    expect(page.locator(".hm-profile")).not_to_contain_text("0岁")
    worker.go(f"#/minor/{graded['id']}")
    expect(page.get_by_text(reason)).to_have_count(1)  # in the grade history only

    worker.go("#/me")
    expect(page.locator(".weui-cell", has_text="王建国").locator(".hm-info-label")).to_have_text(
        "姓名"
    )  # not 用户名
    worker.go(f"#/minor/{graded['id']}/edit")
    expect(page.locator("#in-name")).to_be_visible()
    page.fill("#in-name", "")
    worker.action("保存")
    toast = page.locator(".hm-toast--error")
    expect(toast).to_be_visible()
    assert not _overlap(toast.bounding_box(), page.locator(".hm-live").bounding_box()), (
        "the toast hides the assessment"
    )


def test_a_sentinel_is_told_what_happens_after_a_mandatory_report(phone):
    tag = uuid4().hex[:6]
    sentinel = Phone.open(phone())
    sentinel.login("sentinel1")
    page = sentinel.page
    sentinel.go("#/report/new")
    page.locator("label.hm-kind", has_text="被组织乞讨").click()
    call = page.locator("a.hm-call").first
    expect(call.locator("svg")).to_have_count(1)
    expect(call).not_to_contain_text("📞")
    expect(page.locator("#in-area_id option")).not_to_have_count(1)
    page.select_option("#in-area_id", index=1)
    page.fill("#in-description", f"路口有成年人带儿童乞讨{tag}")
    sentinel.action("提交上报")
    steps = page.locator(".hm-next-steps")
    expect(steps).to_contain_text("系统自动转交派出所")
    expect(steps.locator('a[href="tel:110"]')).to_be_visible()


def test_supervisors_search_reports_and_referrals_on_the_server(desk, rest):
    tag = uuid4().hex[:6]
    mine = _sentinel_report(
        rest, tag, kind="bullying", urgent=False, child_name=f"搜{tag}", place=f"搜索路{tag}号"
    )
    other = _sentinel_report(rest, f"{tag}x", kind="bullying", urgent=False)
    admin = Desk.open(desk())
    admin.login("admin")
    page = admin.page
    admin.open_route("#/cases?tab=reports&scope=all", "#search-reports")
    rows = page.locator(".hm-content a.weui-cell")
    expect(rows.first).to_be_visible()
    page.locator("#search-reports").fill(f"搜索路{tag}")
    expect(rows).to_have_count(1)
    expect(page.locator(f'a[href="#/reports/{mine["id"]}"]')).to_be_visible()
    expect(page.locator(f'a[href="#/reports/{other["id"]}"]')).to_have_count(0)
    rest.post(
        "/api/referrals",
        "admin",
        {"report_id": mine["id"], "to_unit": "school", "reason": f"请学校关注{tag}"},
    )
    admin.open_route("#/cases?tab=referrals", "#search-referrals")
    page.locator("#search-referrals").fill(f"搜{tag}")
    expect(page.locator(".hm-content a.weui-cell")).to_have_count(1)


def test_the_review_queue_counts_what_waits_beyond_its_first_100(desk, rest):
    tag = uuid4().hex[:6]
    child = registered_child(rest, tag)
    visits = [logged_visit(rest, child, f"第{i}次走访，一切正常{tag}") for i in range(101)]
    admin = Desk.open(desk())
    admin.login("admin")
    admin.open_route("#/review", ".hm-content .weui-cells__title")
    title = admin.page.locator(".hm-content .weui-cells__title").first
    expect(title).to_contain_text("先显示100条")
    waiting = int(re.search(r"待审核 (\d+) 条", title.inner_text()).group(1))
    assert waiting >= 101, title.inner_text()
    # They leave the queue again: the other browser tests share this database.
    for visit in visits:
        rest.patch(f"/api/visits/{visit['id']}", "admin", {"review_status": "approved"})


def test_an_admin_changes_an_accounts_role_and_areas(desk, rest):
    tag = uuid4().hex[:6]
    grid = rest.get("/api/auth/me", "worker1")["area_ids"][0]
    user = rest.post(
        "/api/users",
        "admin",
        {
            "username": f"mover{tag}",
            "display_name": f"调岗{tag}",
            "role": "grid_worker",
            "areas": [grid],
            "password": "a-long-password-1",
        },
    )
    admin = Desk.open(desk())
    admin.login("admin")
    page = admin.page
    admin.open_route(f"#/users/{user['id']}", "#in-edit-role")
    page.select_option("#in-edit-role", label="村（社）儿童主任")
    expect(page.locator("#field-areas label").first).to_be_visible(timeout=20_000)
    page.locator("#field-areas label").first.click()
    page.get_by_role("button", name="保存角色和区域").click()
    admin.toast_says("已保存")
    after = rest.get(f"/api/users/{user['id']}", "admin")
    assert after["role"] == "village_officer" and len(after["area_ids"]) == 1 and after["area_ids"][0] != grid
    expect(page.locator(".weui-cell:not(.hm-field)", has_text="角色")).to_contain_text("村（社）儿童主任")


def test_a_pair_that_is_not_one_child_is_dismissed_with_a_reason(desk, rest):
    tag = uuid4().hex[:6]
    first = registered_child(rest, tag)
    second = registered_again(rest, first)
    officer = Desk.open(desk())
    officer.login("village1")
    page = officer.page
    officer.open_route("#/duplicates", ".hm-hint")
    pair = page.locator(".hm-dup").filter(has_text=f"童{tag}")
    pair.get_by_role("button", name="不是同一人").click()
    expect(pair.locator(".hm-error")).to_have_text("请写明为什么不是同一人")
    pair.locator("textarea").fill(f"双胞胎姐妹，同名登记{tag}")
    pair.get_by_role("button", name="不是同一人").click()
    officer.toast_says("已标记为不是同一人")
    expect(page.locator(".hm-dup").filter(has_text=f"童{tag}")).to_have_count(0)
    pairs = rest.get("/api/minors/duplicates", "village1")
    assert not [p for p in pairs if {r["id"] for r in p["records"]} == {first["id"], second["id"]}]
