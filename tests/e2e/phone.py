"""Driving the app the way a grid worker does, and reading what she sees.

Waits are on UI states or on the app's own IndexedDB, never on fixed sleeps.
"""

from __future__ import annotations

import re
import time
from datetime import date, timedelta

from playwright.sync_api import BrowserContext, Page, expect

from tests.e2e.rest import PASSWORD

# The app lock's PIN of every test phone (pwa/src/lock): six digits, not a simple run.
PIN = "135790"

# Reads one IndexedDB store of the app (or one key of it) as the app reads it: through its own
# database object, which opens what the app lock sealed (pwa/src/lock/sealed.js). The page's
# module map holds the app's modules, so this import is the running app's state.
IDB_READ = """async ([store, key]) => {
  const { getState } = await import('/src/state.js');
  const db = getState().db;
  const value = key === null ? await db.getAll(store) : await db.get(store, key);
  return value ?? null;
}"""

# Every value of every store as it lies on disk, sealed values as "<sealed N bytes>": what a
# copied browser profile would hold.
IDB_DUMP = """async () => {
  const db = await new Promise((resolve, reject) => {
    const open = indexedDB.open('humiao');
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
  });
  try {
    const out = {};
    for (const name of db.objectStoreNames) {
      out[name] = await new Promise((resolve, reject) => {
        const q = db.transaction(name).objectStore(name).getAll();
        q.onsuccess = () => resolve(q.result);
        q.onerror = () => reject(q.error);
      });
    }
    return JSON.stringify(out, (k, v) => (v instanceof Uint8Array ? `<sealed ${v.length} bytes>` : v));
  } finally {
    db.close();
  }
}"""

# navigator.serviceWorker.ready never settles when the install fails (a shell file that does
# not match its hash): bounded, so that a broken install fails the test instead of hanging it.
SW_READY = """(ms) => Promise.race([
  navigator.serviceWorker.ready.then(() => true),
  new Promise((resolve) => setTimeout(() => resolve(false), ms)),
])"""

IDB_COUNTS = """async () => {
  const db = await new Promise((resolve, reject) => {
    const open = indexedDB.open('humiao');
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
  });
  try {
    const counts = {};
    for (const name of db.objectStoreNames) {
      counts[name] = await new Promise((resolve) => {
        const q = db.transaction(name).objectStore(name).count();
        q.onsuccess = () => resolve(q.result);
      });
    }
    const keys = await new Promise((resolve) => {
      const q = db.transaction('meta').objectStore('meta').getAllKeys();
      q.onsuccess = () => resolve(q.result);
    });
    return { counts, metaKeys: keys };
  } finally {
    db.close();
  }
}"""


def years_ago(years: int, days: int = 30) -> str:
    """A birth date ``years`` full years and ``days`` more ago (ISO): age ``years`` today."""
    start = date.today() - timedelta(days=days)
    try:
        return start.replace(year=start.year - years).isoformat()
    except ValueError:  # 29 February
        return start.replace(year=start.year - years, day=28).isoformat()


# A left-behind child (农村留守儿童) as the minor form's labels say it.
LEFT_BEHIND = {
    "gender": "女",
    "birth_date": years_ago(10),
    "hukou": "农村",
    "lives_with_parents": "不与父母同住",
    "father_status": "外出务工",
    "mother_status": "外出务工",
    "caregiver": "祖辈",
}


class Phone:
    """One page of the app on one phone (browser context)."""

    def __init__(self, page: Page):
        self.page = page

    @classmethod
    def open(cls, context: BrowserContext) -> Phone:
        return cls(context.new_page())

    @property
    def context(self) -> BrowserContext:
        return self.page.context

    # --- session -------------------------------------------------------------------------

    def login(self, username: str, password: str = PASSWORD, pin: str = PIN) -> None:
        """Log in online; a phone without its app lock sets the PIN that seals its data."""
        self.page.goto("/")
        self.page.fill("#username", username)
        self.page.fill("#password", password)
        self.page.click("button[type=submit]")
        self.page.locator(".hm-status, [data-lock=setup]").first.wait_for()
        if self.page.locator("[data-lock=setup]").count():
            self.set_pin(pin)
        expect(self.page.locator(".hm-status")).to_be_visible()
        self.wait_until(lambda: self.meta("last_sync"), "the first sync")

    def set_pin(self, pin: str = PIN) -> None:
        self.page.fill("#pin", pin)
        self.page.fill("#pin-again", pin)
        self.page.click("[data-lock=setup] button[type=submit]")

    def unlock(self, pin: str = PIN) -> None:
        """The lock screen of a cold start (a reload): the PIN, and the app as it was."""
        self.page.fill("[data-lock=unlock] #pin", pin)
        self.page.click("[data-lock=unlock] button[type=submit]")
        expect(self.page.locator(".hm-status")).to_be_visible()

    def reload(self):
        """A cold start: the page again, locked, and unlocked with the PIN."""
        response = self.page.reload()
        self.unlock()
        return response

    def dump_disk(self) -> str:
        return self.page.evaluate(IDB_DUMP)

    def wait_controlled(self) -> None:
        """Until the service worker controls the page: from then on it opens offline."""
        ready = self.page.evaluate(SW_READY, 20_000)
        assert ready, "no service worker after 20 s: is pwa/precache-manifest.js stale?"
        self.reload()
        assert self.page.evaluate("Boolean(navigator.serviceWorker.controller)")

    # --- what the status bar says ----------------------------------------------------------

    @property
    def net(self):
        return self.page.locator(".hm-status__net")

    @property
    def pending(self):
        return self.page.locator(".hm-status__pending")

    @property
    def sync_button(self):
        return self.page.locator(".hm-status__sync")

    def expect_pending(self, n: int) -> None:
        expect(self.pending).to_have_text(f"待同步 {n} 条")

    def sync(self) -> None:
        """Tap the status bar's sync button and wait until that sync has finished."""
        before = self.meta("last_sync")
        expect(self.sync_button).to_be_enabled()
        self.sync_button.click()
        self.wait_until(lambda: self.meta("last_sync") != before, "a sync")
        expect(self.sync_button).to_be_enabled()

    # --- the app's IndexedDB ---------------------------------------------------------------

    def idb(self, store: str, key=None):
        return self.page.evaluate(IDB_READ, [store, key])

    def meta(self, key: str):
        return self.idb("meta", key)

    def idb_counts(self) -> dict:
        return self.page.evaluate(IDB_COUNTS)

    def outbox(self) -> list[dict]:
        return self.idb("outbox")

    def wait_until(self, predicate, what: str, timeout: float = 15) -> None:
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what}")
            self.page.wait_for_timeout(50)

    # --- screens ---------------------------------------------------------------------------

    def go(self, route: str) -> None:
        """Follow an in-app link (hash route), as a tap on it would."""
        self.page.evaluate("(hash) => { location.hash = hash; }", route)

    def action(self, label: str) -> None:
        """The screen's one primary action, at the bottom."""
        button = self.page.locator(".hm-action:not(.hm-action--inline) button")
        expect(button).to_have_text(label)
        button.click()

    def toast_says(self, text: str) -> None:
        expect(self.page.locator(".hm-toast")).to_contain_text(text)

    def fill_minor(self, **fields) -> None:
        """Fill the minor form: text and dates by value, selects by the label shown, sets by ticking."""
        for name, value in fields.items():
            if name in ("risk_flags", "misbehavior"):
                for label in value:
                    self.page.locator("label.hm-check", has_text=re.compile(f"^{label}$")).click()
            elif self.page.locator(f"select#in-{name}").count():
                self.page.select_option(f"#in-{name}", label=value)
            else:
                self.page.fill(f"#in-{name}", value)

    def survey_household(self, address: str, head_name: str, phone: str | None = None) -> str:
        """Step 1 of the survey; returns the new household's id from the route."""
        self.go("#/households")
        self.action("摸排新家庭")
        expect(self.page.locator(".hm-steps__on")).to_contain_text("家庭信息")
        self.page.fill("#in-address", address)
        self.page.fill("#in-head_name", head_name)
        if phone:
            self.page.fill("#in-phone", phone)
        self.action("保存，下一步")
        expect(self.page.locator(".hm-steps__on")).to_contain_text("家庭成员")
        return re.search(r"#/survey/([^?]+)", self.page.url).group(1)

    def add_member(self, name: str, screenshot=None, **fields) -> tuple[str, str]:
        """From step 2 of the survey: register one child; returns the live (grade, categories)
        the form showed just before saving."""
        self.page.get_by_role("link", name="＋ 添加成员").click()
        expect(self.page.locator(".hm-live")).to_be_visible()
        self.fill_minor(name=name, **fields)
        live = self.live_assessment()
        if screenshot:
            self.page.locator(".hm-live__head").click()  # the reasons, as a curious worker would
            self.page.screenshot(path=screenshot)
        self.action("保存")
        expect(self.page.locator(".hm-steps__on")).to_contain_text("家庭成员")
        expect(self.page.locator(".hm-content")).to_contain_text(name)
        return live

    def live_assessment(self) -> tuple[str, str]:
        """(suggested grade word, categories) as the minor form shows them while filling."""
        live = self.page.locator(".hm-live")
        return live.locator(".hm-grade").inner_text(), live.locator(".hm-live__cats").inner_text()

    def scroll_width(self) -> int:
        return self.page.evaluate("document.documentElement.scrollWidth")
