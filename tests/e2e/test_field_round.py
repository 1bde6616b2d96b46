"""Issue 14, the field round: what grid workers, officers and the police hit on their first day.

Each test walks one journey at the size its user holds it (a phone at 390x844, a desk at
1280x800) and fails on the behaviour the round found broken or confusing.
"""

from __future__ import annotations

from uuid import uuid4

import pytest
from playwright.sync_api import expect

from tests.e2e.phone import Phone, years_ago

pytestmark = pytest.mark.e2e


def _household(rest, address: str, head: str, children: tuple[str, ...] = ()) -> dict:
    grid = rest.get("/api/auth/me", "worker1")["area_ids"][0]
    household = rest.post("/api/households", "worker1", {"grid_id": grid, "address": address, "head_name": head})
    for name in children:
        rest.post("/api/minors", "worker1", {
            "household_id": household["id"], "name": name, "gender": "female", "birth_date": years_ago(9),
        })  # fmt: skip
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
    search.fill(f"wxy {tag}")  # the child's pinyin initials, narrowed by the address
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(f"王建国{tag}")
    search.fill(f"{tag} ls")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(f"李四{tag}")
    worker.page.get_by_role("button", name="清除").click()
    expect(search).to_have_value("")
