"""Issue 14, the field round, the supervisors' leftovers: a worker's own two phones out of the
conflict queue, the long lists searched on the server (pinyin initials, address, ID tail), and a
report that links the child registered from it.

As in test_field_round.py, each test walks one journey at a desk (1280x800) and fails on the
behaviour the round found missing.
"""

from __future__ import annotations

import re
import time
from datetime import date
from urllib.parse import quote
from uuid import uuid4

import pytest
from playwright.sync_api import expect

from tests.e2e.desk import Desk, logged_visit, push, registered_child
from tests.e2e.phone import years_ago
from tests.factories import valid_id_number

pytestmark = pytest.mark.e2e


def test_a_workers_own_two_phones_stay_out_of_the_supervisors_conflicts(desk, rest):
    tag = uuid4().hex[:6]
    hers = registered_child(rest, f"己{tag}", school="红旗村小学")
    theirs = registered_child(rest, f"他{tag}", school="红旗村小学")
    now = int(time.time() * 1000)
    # worker1's two phones edit the same field; the later one wins over her earlier one.
    assert push(rest, "worker1", f"phone-a-{tag}", hers, {"school": f"甲校{tag}"}, now)["status"] == "applied"
    assert push(rest, "worker1", f"phone-b-{tag}", hers, {"school": f"乙校{tag}"}, now - 60_000)[
        "status"
    ] == ("conflict")
    # A worker against her officer: a disagreement for the queue.
    assert (
        push(rest, "village1", f"officer-{tag}", theirs, {"school": f"丙校{tag}"}, now)["status"] == "applied"
    )
    assert push(rest, "worker1", f"phone-a-{tag}", theirs, {"school": f"丁校{tag}"}, now - 60_000)[
        "status"
    ] == ("conflict")

    officer = Desk.open(desk())
    officer.login("village1")
    page = officer.page
    officer.open_route("#/conflicts", ".hm-hint")
    expect(page.locator(".hm-conflict", has_text=f"丁校{tag}")).to_be_visible()
    expect(page.locator(".hm-conflict", has_text=f"乙校{tag}")).to_have_count(0)
    listed = len(rest.get("/api/conflicts?status=open&page_size=100", "village1"))
    officer.open_route("#/work", ".hm-tile--conflicts")
    expect(page.locator(".hm-tile--conflicts")).to_contain_text(str(listed))
    # She still hears of her replaced value, naming the child.
    mine = rest.get("/api/conflicts/mine?page_size=100", "worker1")
    assert [c["record_label"] for c in mine if c["discarded_value"] == f"乙校{tag}"] == [hers["name"]]


def test_supervisors_find_children_households_and_visits_by_pinyin_address_and_id_tail(desk, rest):
    tag = uuid4().hex[:6]
    born = date(date.today().year - 9, 3, 1)
    number = valid_id_number(born)
    child = registered_child(rest, tag, name="王小雨", birth_date=born.isoformat(), id_number=number)
    registered_child(rest, f"{tag}b")  # another child, elsewhere
    visit = logged_visit(rest, child, f"孩子在家写作业{tag}")
    wrong_tail = f"{(int(number[-4:-1]) + 1) % 1000:03d}{number[-1]}"

    admin = Desk.open(desk())
    admin.login("admin")
    page = admin.page

    admin.open_route("#/review", "#search-review")
    rows = page.locator(".hm-content a.weui-cell")
    page.locator("#search-review").fill(f"wxy {tag}")  # pinyin initials, narrowed by the address
    expect(rows).to_have_count(1)
    expect(rows.first).to_have_attribute("href", f"#/review/{visit['id']}")
    expect(page.locator(".hm-content .weui-cells__title").first).to_contain_text("待审核 1 条")

    admin.open_route("#/registry", "#search-registry")
    search = page.locator("#search-registry")
    search.fill(f"wangxiaoyu {tag}")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("王小雨")
    search.fill(f"{number[-4:]} {tag}")  # 身份证后四位
    expect(rows).to_have_count(1)
    expect(rows.first).to_have_attribute("href", f"#/minors/{child['id']}")
    search.fill(f"{wrong_tail} {tag}")
    expect(page.locator(".hm-empty")).to_be_visible()
    expect(rows).to_have_count(0)
    page.get_by_role("tab", name="家庭").click()
    search = page.locator("#search-registry")
    search.fill(f"wxy {tag}")  # the household (审核路{tag}号) where 王小雨 lives
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(f"户主{tag}")
    search.fill(f"huzhu{tag}")  # the head 户主{tag}, spelt
    expect(rows).to_have_count(1)

    rest.patch(f"/api/visits/{visit['id']}", "admin", {"review_status": "approved"})  # shared queue


def test_a_child_registered_from_a_report_is_linked_to_it_in_the_same_step(desk, rest):
    tag = uuid4().hex[:6]
    village = next(a for a in rest.get("/api/reports/areas", "sentinel1") if a["level"] == "village")
    report = rest.post(
        "/api/reports",
        "sentinel1",
        {
            "area_id": village["id"],
            "kind": "abandoned_no_care",
            "urgent": True,
            "description": f"学生长期无人照看{tag}",
            "child_name": f"新童{tag}",
            "child_class": "三年级一班",
            "child_age": 8,
            "place": f"登记村{tag}号",
        },
    )

    admin = Desk.open(desk())
    admin.login("admin")
    page = admin.page
    admin.open_route(f"#/reports/{report['id']}", ".hm-steps--report")
    page.get_by_role("button", name="登记新档案").click()
    expect(page.locator("#in-address")).to_have_value(f"登记村{tag}号")
    page.select_option("#in-grid_id", index=1)
    page.fill("#in-head_name", f"户主{tag}")
    admin.action("保存，下一步")
    page.get_by_role("link", name="＋ 添加成员").click()
    expect(page.locator("#in-name")).to_have_value(f"新童{tag}")
    expect(page.locator(".hm-banner--warn")).to_contain_text("此档案即与报告关联")
    admin.fill_minor(gender="女", birth_date=years_ago(8))
    admin.action("保存")
    expect(page.locator(".hm-content")).to_contain_text(f"新童{tag}")
    admin.sync()
    assert not admin.outbox(), admin.outbox()

    [child] = rest.get(f"/api/minors?q={quote(f'新童{tag}')}", "admin")
    assert rest.get(f"/api/reports/{report['id']}", "admin")["minor_id"] == child["id"]
    admin.open_route(f"#/reports/{report['id']}", ".hm-steps--report")
    expect(page.locator(f'a[href="#/minor/{child["id"]}"]')).to_be_visible()
    expect(page.locator(".hm-link-child")).to_have_count(0)  # nothing left to link by hand
    expect(page.locator(".hm-content")).not_to_contain_text(re.compile("关联儿童档案"))
