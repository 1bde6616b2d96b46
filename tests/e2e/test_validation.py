"""Mistakes caught on the phone with the server's own words, and the rare one only the server
can catch: shown to the worker, opened at its field, synced once she fixed it."""

from __future__ import annotations

from datetime import date, timedelta
from uuid import uuid4

import pytest
from playwright.sync_api import expect

from server.registry.idnumber import check_char
from tests.e2e.phone import Phone, years_ago

pytestmark = pytest.mark.e2e


def _id_number(birth: str, *, valid: bool = True) -> str:
    first17 = f"520102{birth.replace('-', '')}{uuid4().int % 1000:03d}"
    right = check_char(first17)
    return first17 + (right if valid else "X0"[right == "X"])


def _chinese(message: str) -> str:
    """The server says it in Chinese, then in English; the phone says the Chinese part, word for word."""
    return message.split(" / ")[0]


def _household(rest, tag: str) -> dict:
    grid = rest.get("/api/auth/me", "worker1")["area_ids"][0]
    return rest.post(
        "/api/households",
        "worker1",
        {"grid_id": grid, "address": f"校验村{tag}号", "head_name": f"户主{tag}"},
    )


def test_the_phone_rejects_what_the_server_rejects_with_its_words_and_saves_nothing(phone, rest, results_dir):
    tag = uuid4().hex[:6]
    household = _household(rest, tag)
    tomorrow = (date.today() + timedelta(days=2)).isoformat()
    wrong_id = _id_number(years_ago(8), valid=False)
    child = {"household_id": household["id"], "name": f"校验{tag}", "gender": "male"}
    status, answer = rest.call(
        "POST", "/api/minors", "worker1", {**child, "birth_date": tomorrow, "id_number": wrong_id}
    )
    assert status == 422
    server = {field: _chinese(messages[0]) for field, messages in answer["errors"]["json"].items()}
    assert server["id_number"].startswith("身份证号码校验位错误")
    assert server["birth_date"].startswith("日期不能晚于今天")

    worker = Phone.open(phone())
    page = worker.page
    worker.login("worker1")
    worker.go(f"#/household/{household['id']}/minor/new")
    worker.fill_minor(name=f"校验{tag}", gender="男", birth_date=tomorrow, id_number=wrong_id)
    worker.action("保存")
    worker.toast_says("请先修正标红的项目")
    expect(page.locator("#field-id_number .hm-error")).to_have_text(server["id_number"])
    expect(page.locator("#field-birth_date .hm-error")).to_have_text(server["birth_date"])
    expect(page.locator("#in-birth_date")).to_be_focused()
    page.screenshot(path=results_dir / "validation-errors.png")
    # The toast neither blocks the next tap nor covers the field errors.
    expect(page.locator(".hm-toast")).to_be_visible()
    assert not page.locator(".weui-mask_transparent").count()
    page.locator("#in-name").tap()
    expect(page.locator("#in-name")).to_be_focused()
    toast = page.locator(".hm-toast").bounding_box()
    for field in ("id_number", "birth_date"):
        error = page.locator(f"#field-{field} .hm-error").bounding_box()
        if error and toast:
            overlap = min(toast["y"] + toast["height"], error["y"] + error["height"]) - max(
                toast["y"], error["y"]
            )
            assert overlap <= 0, f"the toast hides the error of {field}"

    # Half fixed is still not saved.
    page.fill("#in-id_number", _id_number(years_ago(8)))
    worker.action("保存")
    expect(page.locator("#field-birth_date .hm-error")).to_have_text(server["birth_date"])
    expect(page.locator("#field-id_number .hm-error")).to_have_count(0)

    worker.expect_pending(0)
    assert worker.outbox() == []
    assert [m for m in worker.idb("minors") if m["name"] == f"校验{tag}"] == []
    assert rest.get(f"/api/minors?household_id={household['id']}", "worker1") == []


def test_a_rejected_edit_opens_the_form_at_its_field_and_syncs_once_fixed(phone, rest, results_dir):
    """The phone cannot check a birth date against an ID number it never sees in full (the
    number is write-only): the server rejects, the worker fixes it on the phone."""
    tag = uuid4().hex[:6]
    household = _household(rest, tag)
    born = years_ago(9)
    minor = rest.post(
        "/api/minors",
        "worker1",
        {
            "household_id": household["id"],
            "name": f"退回{tag}",
            "gender": "female",
            "birth_date": born,
            "school": "红旗村小学",
        },
    )
    worker = Phone.open(phone())
    page = worker.page
    worker.login("worker1")

    worker.context.set_offline(True)
    worker.go(f"#/minor/{minor['id']}/edit")
    wrong = (date.fromisoformat(born) + timedelta(days=1)).isoformat()
    worker.fill_minor(birth_date=wrong, school=f"镇中心小学{tag}")
    worker.action("保存")
    expect(page.locator(".hm-header h1")).to_have_text(f"退回{tag}")
    worker.expect_pending(1)
    # Meanwhile the village's child director enters the ID number from the hukou book.
    rest.patch(f"/api/minors/{minor['id']}", "village1", {"id_number": _id_number(born)})

    worker.context.set_offline(False)
    worker.sync()
    worker.expect_pending(0)
    expect(page.locator(".hm-status__rejected")).to_have_text("1 条需修正")
    banner = page.locator(".hm-content a.hm-banner--error")
    expect(banner).to_contain_text("这条修改未被接受")
    expect(banner).to_contain_text("出生日期：出生日期与身份证号码不一致")
    assert rest.get(f"/api/minors/{minor['id']}", "worker1")["school"] == "红旗村小学", "nothing half applied"
    page.screenshot(path=results_dir / "rejected-banner.png")

    banner.get_by_text("去修正").click()
    expect(page.locator("#in-birth_date")).to_be_focused()
    expect(page.locator("#field-birth_date .hm-error")).to_contain_text("出生日期与身份证号码不一致")
    expect(page.locator(".hm-live ~ .hm-banner--error")).to_contain_text("出生日期与身份证号码不一致")
    page.screenshot(path=results_dir / "rejected-form.png")
    page.fill("#in-birth_date", born)
    worker.action("保存")
    expect(page.locator(".hm-status__rejected")).to_have_count(0)
    worker.expect_pending(1)
    worker.sync()
    worker.expect_pending(0)
    expect(page.locator(".hm-content .hm-banner--error")).to_have_count(0)

    on_server = rest.get(f"/api/minors/{minor['id']}", "worker1")
    assert (on_server["birth_date"], on_server["school"]) == (born, f"镇中心小学{tag}")
    assert on_server["id_number_masked"].startswith("5201")
