"""What a pull adds for the phone: who changed a record, a minor's grade history, progress."""

from __future__ import annotations

from tests.factories import make_household, make_minor


def _pull_all(client, headers, limit=500):
    cursor, pages = None, []
    while True:
        url = f"/api/sync/pull?limit={limit}" + (f"&cursor={cursor}" if cursor else "")
        page = client.get(url, headers=headers).json
        pages.append(page)
        cursor = page["cursor"]
        if not page["has_more"]:
            return pages


def test_pulled_minor_names_its_last_author_and_carries_grade_history(client, login, session):
    minor = make_minor(make_household())
    session.commit()
    officer = login("village1")
    client.post(
        f"/api/minors/{minor.id}/grade", json={"grade": "orange", "reason": "父亲服刑"}, headers=officer
    )
    pages = _pull_all(client, login("worker1"))
    pulled = next(c for p in pages for c in p["changes"] if c["id"] == minor.id)
    assert pulled["data"]["updated_by_name"] == "李秀英"
    assert [(h["to_grade"], h["reason"], h["changed_by_name"]) for h in pulled["data"]["grade_history"]] == [
        ("orange", "父亲服刑", "李秀英")
    ]
    assert "id_number" not in pulled["data"]


def test_remaining_counts_down_to_zero(client, login, session):
    for _ in range(5):
        make_household()
    session.commit()
    pages = _pull_all(client, login("worker1"), limit=2)
    remaining = [p["remaining"] for p in pages]
    assert remaining[-1] == 0
    assert remaining[0] > 0 and remaining == sorted(remaining, reverse=True)
    received = sum(len(p["changes"]) for p in pages)
    assert remaining[0] == received - len(pages[0]["changes"])


def test_pulled_records_name_the_author_of_each_field(client, login, session):
    household = make_household()
    session.commit()
    client.patch(f"/api/households/{household.id}", json={"notes": "村干部补充"}, headers=login("village1"))
    pages = _pull_all(client, login("worker1"))
    pulled = next(c for p in pages for c in p["changes"] if c["id"] == household.id)
    assert pulled["data"]["changed_by"]["notes"] == "李秀英"
    assert pulled["data"]["changed_by"]["address"] == "王建国"


def test_the_earlier_editor_hears_that_her_value_was_replaced(client, login, session):
    household = make_household()
    session.commit()
    worker = login("worker1", device_id="phone-w")
    officer = login("village1", device_id="phone-v")

    def push(headers, client_id, notes, wall):
        mutation = {
            "mid": f"{client_id}-{wall}",
            "entity": "household",
            "id": household.id,
            "op": "upsert",
            "base_version": 1,
            "hlc": f"{wall}:0:{client_id}",
            "fields": {"notes": notes},
        }
        return client.post(
            "/api/sync/push", json={"client_id": client_id, "mutations": [mutation]}, headers=headers
        )

    assert push(worker, "phone-w", "她先同步", 1_700_000_000_000).json["results"][0]["status"] == "applied"
    assert push(officer, "phone-v", "后来居上", 1_700_000_005_000).json["results"][0]["status"] == "conflict"
    mine = client.get("/api/conflicts/mine", headers=worker).json
    assert [(c["field"], c["discarded_value"], c["kept_value"], c["kept_author_name"]) for c in mine] == [
        ("notes", "她先同步", "后来居上", "李秀英")
    ]
    assert client.get("/api/conflicts/mine", headers=officer).json == []


def test_a_conflict_names_its_record_for_the_supervisor(client, login, session):
    household = make_household(head_name="冲突户主", address="红旗村一组99号")
    session.commit()
    for client_id, notes, wall, username in (
        ("phone-a", "甲", 1_700_000_000_000, "worker1"),
        ("phone-b", "乙", 1_700_000_001_000, "village1"),  # another person: the queue's business
    ):
        mutation = {
            "mid": client_id,
            "entity": "household",
            "id": household.id,
            "op": "upsert",
            "base_version": 1,
            "hlc": f"{wall}:0:{client_id}",
            "fields": {"notes": notes},
        }
        client.post(
            "/api/sync/push", json={"client_id": client_id, "mutations": [mutation]}, headers=login(username)
        )
    listed = client.get("/api/conflicts", headers=login("village1")).json
    assert [c["record_label"] for c in listed if c["record_id"] == household.id] == [
        "冲突户主 · 红旗村一组99号"
    ]
