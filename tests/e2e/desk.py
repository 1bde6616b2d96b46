"""Driving the supervisors' screens: a desk (1280x800) or a phone, and what the canvas of a chart holds.

The supervisor logs in like anyone else (``Phone.login``: a village officer and a street admin
keep a replica too); these helpers add what the online screens need.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta

from playwright.sync_api import Page, expect

from tests.e2e.phone import Phone, years_ago

DESK = {
    "viewport": {"width": 1280, "height": 800},
    "device_scale_factor": 1,
    "is_mobile": False,
    "has_touch": False,
    "locale": "zh-CN",
    "timezone_id": "Asia/Shanghai",
}

# For every canvas on the page: its size and how many distinct colours it holds (an empty or
# blank canvas has one or none).
CANVAS_COLOURS = """() => [...document.querySelectorAll('canvas')].map((c) => {
  const ctx = c.getContext('2d');
  const { data } = ctx.getImageData(0, 0, c.width, c.height);
  const seen = new Set();
  for (let i = 0; i < data.length && seen.size < 50; i += 4 * 97) {
    if (data[i + 3]) seen.add(`${data[i]},${data[i + 1]},${data[i + 2]}`);
  }
  return { width: c.width, height: c.height, colours: seen.size };
})"""


class Desk(Phone):
    """A supervisor's browser (desk or phone) on the app."""

    def open_route(self, route: str, ready: str) -> None:
        self.go(route)
        expect(self.page.locator(ready).first).to_be_visible()

    def dialog_ok(self, label: str) -> None:
        """Confirm the one question a destructive or irreversible action asks."""
        dialog = self.page.get_by_role("dialog")
        # The dialog element itself has no box: its mask and panel are fixed-position children.
        expect(dialog.locator(".weui-dialog")).to_be_visible()
        dialog.get_by_role("button", name=label).click()
        expect(dialog).to_have_count(0)

    @property
    def bell_count(self):
        return self.page.locator(".hm-bell__count")

    def canvases(self) -> list[dict]:
        return self.page.evaluate(CANVAS_COLOURS)


def registered_child(rest, tag: str, **fields) -> dict:
    """A child of worker1's grid, registered by worker1 through the API."""
    grid = rest.get("/api/auth/me", "worker1")["area_ids"][0]
    household = rest.post(
        "/api/households",
        "worker1",
        {"grid_id": grid, "address": f"审核路{tag}号", "head_name": f"户主{tag}"},
    )
    body = {
        "household_id": household["id"],
        "name": f"童{tag}",
        "gender": "female",
        "birth_date": years_ago(9),
    }
    return rest.post("/api/minors", "worker1", {**body, **fields})


def registered_again(rest, child: dict, **fields) -> dict:
    """The same child registered a second time in her household: a pair of duplicates."""
    body = {
        "household_id": child["household_id"],
        "name": child["name"],
        "gender": "female",
        "birth_date": child["birth_date"],
    }
    return rest.post("/api/minors", "worker1", {**body, **fields})


def logged_visit(rest, minor: dict, summary: str) -> dict:
    visited = (datetime.now(UTC) - timedelta(hours=3)).isoformat()
    return rest.post(
        "/api/visits",
        "worker1",
        {
            "minor_id": minor["id"],
            "visited_at": visited,
            "kind": "home",
            "summary": summary,
            "findings": {"study": {"status": "concern", "note": "成绩下滑"}},
            "measures": ["guardian_education"],
        },
    )


def push(rest, user: str, client: str, minor: dict, fields: dict, wall_ms: int) -> dict:
    """One upsert through the sync API, as a device that last saw ``minor`` at its version."""
    mutation = {
        "mid": str(uuid.uuid4()),
        "entity": "minor",
        "id": minor["id"],
        "op": "upsert",
        "base_version": minor["version"],
        "hlc": f"{wall_ms}:0:{client}",
        "fields": fields,
    }
    [result] = rest.post("/api/sync/push", user, {"client_id": client, "mutations": [mutation]})["results"]
    return result


def timer_seconds(text: str) -> int:
    """Seconds shown by a countdown 'h:mm:ss'."""
    h, m, s = (int(x) for x in re.search(r"(\d+):(\d\d):(\d\d)", text).groups())
    return h * 3600 + m * 60 + s


def no_sideways_scroll(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
