"""The users screen's area picker gets its choices even when the list screen's request answers
between the picker's first render and its effects (issue 12's flaky test, made certain)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.desk import DESK, Desk

pytestmark = pytest.mark.e2e

# A loaded machine, made exact: animation frames come late (Preact runs effects after the next
# frame, or 100 ms), and the list screen's /api/areas answer is held until the form has opened
# and rendered, then delivered before the form's effects run.
SLOW_DEVICE = """
(() => {
  const raf = window.requestAnimationFrame.bind(window);
  window.requestAnimationFrame = (cb) => raf(() => setTimeout(() => cb(performance.now()), 250));
  const realFetch = window.fetch.bind(window);
  window.fetch = async (input, init) => {
    const res = await realFetch(input, init);
    const url = typeof input === 'string' ? input : input.url;
    if (/\\/api\\/areas(\\?|$)/.test(url) && !location.hash.startsWith('#/users/new')) {
      window.__areasHeld = true;
      await new Promise((r) => addEventListener('hashchange', r, { once: true }));
      await new Promise((r) => setTimeout(r, 20));
      window.__areasLate = true;
    }
    return res;
  };
})();
"""


def test_the_area_picker_fills_when_the_list_answers_between_its_render_and_effects(browser, live_server):
    context = browser.new_context(base_url=live_server, **DESK)
    context.set_default_timeout(10_000)
    try:
        admin = Desk.open(context)
        admin.login("admin")
        page = admin.page
        page.add_init_script(SLOW_DEVICE)
        admin.reload()
        admin.go("#/users")
        expect(page.locator(".hm-filters")).to_be_visible(timeout=15_000)  # frames are slow here
        admin.wait_until(lambda: page.evaluate("window.__areasHeld === true"), "the list's answer")
        admin.action("新建用户")
        expect(page.locator("#field-areas label").first).to_be_visible()
        assert page.evaluate("window.__areasLate === true")
    finally:
        context.close()


# The tap lands in the same task as the app's first render: its hashchange fires before Preact
# runs the router's effect (a frame, or 100 ms, later).
TAP_AT_FIRST_RENDER = """
new MutationObserver((records, observer) => {
  if (!document.querySelector('#app > .hm-app')) return;
  observer.disconnect();
  location.hash = '#/users';
}).observe(document, { childList: true, subtree: true });
"""


def test_a_link_followed_before_the_router_listens_is_still_followed(browser, live_server):
    """A hashchange between the app's first render and the router's effect used to be lost,
    leaving the old screen under the new address (a slow phone, a quick tap)."""
    context = browser.new_context(base_url=live_server, **DESK)
    try:
        admin = Desk.open(context)
        admin.login("admin")
        page = admin.page
        page.add_init_script(TAP_AT_FIRST_RENDER)
        admin.reload()
        expect(page.locator(".hm-filters")).to_be_visible()
        assert page.evaluate("location.hash") == "#/users"
    finally:
        context.close()
