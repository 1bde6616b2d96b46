"""The app lock (issue 17): a PIN set at login seals what the phone keeps; every cold start and
every idle spell locks the app; the PIN opens it offline; five wrong PINs wipe the phone."""

from __future__ import annotations

from uuid import uuid4

import pytest
from playwright.sync_api import expect

from tests.e2e.phone import LEFT_BEHIND, PIN, Phone

pytestmark = pytest.mark.e2e

WRONG_PIN = "246813"


def test_a_copied_profile_names_no_child_and_the_pin_opens_the_app_offline(phone, results_dir):
    tag = uuid4().hex[:6]
    worker = Phone.open(phone())
    page = worker.page
    worker.login("worker1")
    worker.wait_controlled()  # a reload: locked, and opened with the PIN

    worker.context.set_offline(True)
    worker.survey_household(f"锁村{tag}号", f"户主{tag}")
    worker.add_member(f"锁童{tag}", **LEFT_BEHIND)
    worker.expect_pending(2)

    # What a copied browser profile holds: no name of any child of the grid, of the worker or
    # of what she typed offline, no address and no token. Only ids stay clear, for the indexes.
    minors, households = worker.idb("minors"), worker.idb("households")
    assert f"锁童{tag}" in {m["name"] for m in minors}
    user, tokens = worker.meta("user"), worker.meta("tokens")
    disk = worker.dump_disk()
    assert "<sealed" in disk
    secrets = [m["name"] for m in minors] + [h.get("head_name") for h in households]
    secrets += [h.get("address") for h in households] + [user["display_name"]]
    secrets += [tokens["refresh_token"], tokens["access_token"]]
    readable = [s for s in secrets if s and s in disk]
    assert not readable, f"readable on disk: {readable[:5]}"
    assert minors[0]["id"] in disk, "record ids stay clear for the indexes"

    # A cold start offline: locked; a wrong PIN says how many tries are left; the right one
    # opens the app with the unsent work where it was.
    response = page.reload()
    assert response.from_service_worker
    unlock = page.locator("[data-lock=unlock]")
    expect(unlock).to_be_visible()
    expect(page.locator(".hm-status")).to_have_count(0)
    page.fill("#pin", WRONG_PIN)
    page.click("[data-lock=unlock] button[type=submit]")
    expect(page.locator(".hm-error")).to_have_text("密码错误，还可以再试 4 次")
    page.screenshot(path=results_dir / "lock-screen.png")
    worker.unlock()
    worker.expect_pending(2)
    expect(worker.net).to_have_text("离线")
    worker.go("#/households")
    page.fill("input[type=search]", f"锁童{tag}")
    expect(page.locator(".hm-content")).to_contain_text(f"户主{tag}")  # found by the child's name

    worker.context.set_offline(False)
    worker.sync()
    worker.expect_pending(0)


def test_idle_time_locks_the_app_five_wrong_pins_or_a_forgotten_one_wipe_the_phone(phone):
    worker = Phone.open(phone())
    page = worker.page
    page.clock.install()
    worker.login("worker1")

    # Five minutes without a touch (the default): locked, and nothing of the grid on screen.
    page.clock.fast_forward(5 * 60_000 + 11_000)
    expect(page.locator("[data-lock=unlock]")).to_be_visible()
    expect(page.locator(".hm-status")).to_have_count(0)
    worker.unlock()

    worker.go("#/me")
    page.get_by_role("button", name="立即锁定").click()
    expect(page.locator("[data-lock=unlock]")).to_be_visible()
    for left in (4, 3, 2, 1):
        page.fill("#pin", WRONG_PIN)
        page.click("[data-lock=unlock] button[type=submit]")
        expect(page.locator(".hm-error")).to_have_text(f"密码错误，还可以再试 {left} 次")
    page.fill("#pin", WRONG_PIN)
    page.click("[data-lock=unlock] button[type=submit]")

    expect(page.locator("#username")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("连续 5 次密码错误，本机数据已清除")
    counts = worker.idb_counts()
    assert counts["metaKeys"] == ["device_id"], counts
    assert not any(n for store, n in counts["counts"].items() if store != "meta"), counts

    # A forgotten PIN: after a warning naming the unsent work, the phone is wiped for a new login.
    worker.login("worker1", pin="864209")
    worker.context.set_offline(True)
    worker.survey_household(f"忘记村{uuid4().hex[:6]}号", "户主")
    worker.go("#/me")
    page.get_by_role("button", name="立即锁定").click()
    page.get_by_role("button", name="忘记密码").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("本机有 1 条修改尚未同步")
    dialog.get_by_role("button", name="清除并重新登录").click()
    expect(page.get_by_role("alert")).to_contain_text("本机数据已清除，请联网登录并设置新密码")
    assert worker.idb_counts()["metaKeys"] == ["device_id"]


def test_a_phone_marked_lost_is_wiped_at_its_next_contact(phone, rest):
    tag = uuid4().hex[:6]
    worker = Phone.open(phone())
    page = worker.page
    worker.login("worker1")
    worker.survey_household(f"失机村{tag}号", f"户主{tag}")
    worker.expect_pending(1)
    device = worker.meta("device_id")

    marked = rest.post(f"/api/sync/devices/{device}/lost", "admin", None)
    assert marked["lost_at"] and marked["client_id"] == device

    # Its next contact: the server refuses its token, the phone wipes itself and says why.
    worker.sync_button.click()
    expect(page.locator("#username")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("此设备已被街道标记为丢失，本机数据已清除")
    assert worker.idb_counts()["metaKeys"] == ["device_id"]

    # No login from it until the mark is cleared; then it starts afresh with a new PIN.
    page.fill("#username", "worker1")
    page.fill("#password", "demo-password-1")
    page.click("button[type=submit]")
    expect(page.locator(".hm-login__error")).to_contain_text("标记为丢失")
    status, _ = rest.call("DELETE", f"/api/sync/devices/{device}/lost", "admin")
    assert status == 200
    worker.login("worker1")
    worker.expect_pending(0)


def test_a_fingerprint_opens_the_app_offline_and_a_refused_one_leaves_the_pin(phone, live_server):
    # WebAuthn wants a domain name (not 127.0.0.1). The phone's authenticator is Chromium's
    # virtual one, with user verification and the PRF extension, as on a recent Android phone.
    worker = Phone.open(phone(live_server.replace("127.0.0.1", "localhost")))
    page = worker.page
    cdp = worker.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable", {"enableUI": False})
    options = {
        "protocol": "ctap2",
        "ctap2Version": "ctap2_1",
        "transport": "internal",
        "hasResidentKey": True,
    }
    options |= {
        "hasUserVerification": True,
        "isUserVerified": True,
        "hasPrf": True,
        "automaticPresenceSimulation": True,
    }
    authenticator = cdp.send("WebAuthn.addVirtualAuthenticator", {"options": options})["authenticatorId"]
    worker.login("worker1")
    worker.wait_controlled()

    worker.go("#/me")
    page.get_by_role("button", name="开启指纹/面容解锁").click()
    page.fill("#pin-passkey", WRONG_PIN)
    page.click("[data-lock=passkey] button[type=submit]")
    expect(page.locator("[data-lock=passkey] .hm-error")).to_have_text("密码错误，还可以再试 4 次")
    page.fill("#pin-passkey", PIN)
    page.click("[data-lock=passkey] button[type=submit]")
    expect(page.locator(".hm-lock__passkey-state")).to_have_text("已开启")
    assert cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})["credentials"]

    # A cold start offline: the fingerprint alone opens the sealed replica.
    worker.context.set_offline(True)
    page.reload()
    page.get_by_role("button", name="使用指纹/面容解锁").click()
    expect(page.locator(".hm-status")).to_be_visible()
    expect(worker.net).not_to_have_text("在线")  # no server: the fingerprint needed none

    # Not verified (a wet finger, a cancelled sheet): said so, and the PIN still opens it.
    page.get_by_role("button", name="立即锁定").click()
    cdp.send("WebAuthn.setUserVerified", {"authenticatorId": authenticator, "isUserVerified": False})
    page.get_by_role("button", name="使用指纹/面容解锁").click()
    expect(page.locator(".hm-lock .hm-error")).to_have_text("未通过指纹/面容验证，请再试一次或输入密码")
    expect(page.locator(".hm-status")).to_have_count(0)
    worker.unlock()

    # Turned off: the lock screen offers the PIN only.
    worker.go("#/me")
    page.get_by_role("button", name="关闭指纹/面容解锁").click()
    expect(page.locator(".hm-lock__passkey-state")).to_have_text("未开启")
    page.get_by_role("button", name="立即锁定").click()
    expect(page.locator("[data-lock=unlock]")).to_be_visible()
    expect(page.get_by_role("button", name="使用指纹/面容解锁")).to_have_count(0)
