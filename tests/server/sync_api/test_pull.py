"""GET /api/sync/pull: pages, scope, removals, resets, cursors and compression (DESIGN §5)."""

from __future__ import annotations

import gzip
import json
from collections import Counter
from datetime import date

import pytest

from tests.factories import make_household, make_minor, make_visit, user, valid_id_number
from tests.server.sync_api.wire import PULL, by_key

GRIDS = ("V1G1W1", "V1G1W2", "V2G1W1")
OWNER = {"V1G1W1": "worker1", "V1G1W2": "worker2", "V2G1W1": "worker3"}


@pytest.fixture
def street(session) -> dict[str, set[tuple[str, str]]]:
    """Four households, each with a minor and a visit, in each grid: (entity, id) by grid."""
    made: dict[str, set[tuple[str, str]]] = {g: set() for g in GRIDS}
    for grid in GRIDS:
        for i in range(4):
            household = make_household(OWNER[grid], grid=grid, address=f"{grid}-{i}号")
            minor = make_minor(household, OWNER[grid], name=f"{grid}儿童{i}")
            visit = make_visit(minor, OWNER[grid])
            made[grid] |= {("household", household.id), ("minor", minor.id), ("visit", visit.id)}
    session.commit()
    return made


def _records(changes: list[dict]) -> list[tuple[str, str]]:
    return [(c["entity"], str(c["id"])) for c in changes if c["entity"] != "area"]


def test_a_first_pull_pages_through_every_record_in_scope_exactly_once(device, street):
    phone = device("worker1")
    changes, cursor, pages = [], None, 0
    while True:
        page = phone.pull_page(cursor, limit=5)
        assert len(page["changes"]) <= 5
        assert page["reset"] is False
        changes += page["changes"]
        cursor, pages = page["cursor"], pages + 1
        if not page["has_more"]:
            break
        assert pages < 100, "has_more never became false"
    assert pages >= 3

    counts = Counter((c["entity"], str(c["id"])) for c in changes)
    assert [key for key, n in counts.items() if n > 1] == []
    records = set(_records(changes))
    assert records == street["V1G1W1"]
    for change in changes:
        assert set(change) >= {"entity", "id", "version", "deleted", "data"}
        assert change["deleted"] is False


def test_a_grid_worker_never_sees_another_grid(device, street):
    changes = device("worker1").pull_all(limit=1000)
    seen = set(_records(changes))
    assert not seen & (street["V1G1W2"] | street["V2G1W1"])
    areas = {c["data"]["code"] for c in changes if c["entity"] == "area"}
    assert "V1G1W1" in areas
    assert not areas & {"V1G1W2", "V2G1W1", "V2", "V2G1"}


def test_a_village_officer_pulls_the_whole_village(device, street):
    seen = set(_records(device("village1").pull_all()))
    assert seen == street["V1G1W1"] | street["V1G1W2"]


def test_pulled_areas_carry_their_place_in_the_hierarchy(device, street):
    changes = device("worker1").pull_all()
    [grid] = [c for c in changes if c["entity"] == "area" and c["data"]["code"] == "V1G1W1"]
    assert set(grid["data"]) >= {"id", "code", "name", "level", "parent_id", "path"}
    assert (grid["data"]["level"], grid["data"]["name"]) == ("grid", "红旗村一组一网格")
    assert grid["data"]["path"] == "/S1/V1/V1G1/V1G1W1/"


def test_a_pulled_minor_has_the_masked_id_number_and_never_the_whole_one(device, session):
    number = valid_id_number(date(2013, 9, 9))
    minor = make_minor(make_household(), birth_date=date(2013, 9, 9), id_number=number)
    session.commit()
    response = device("worker1").pull_raw(limit=1000)
    assert number not in response.get_data(as_text=True)
    change = by_key(response.json["changes"])[("minor", minor.id)]
    assert "id_number" not in change["data"]
    assert change["data"]["id_number_masked"] == number[:4] + "*" * 12 + number[-2:]


def test_an_empty_pull_returns_nothing_and_a_cursor_that_stays_empty(device, street):
    phone = device("worker1")
    phone.pull_all()
    page = phone.pull_page(phone.cursor)
    assert (page["changes"], page["has_more"], page["reset"]) == ([], False, False)
    assert page["cursor"]
    again = phone.pull_page(page["cursor"])
    assert (again["changes"], again["has_more"]) == ([], False)


def test_a_pull_after_edits_returns_only_the_edited_records_once(device, street, session):
    phone = device("worker1")
    pulled = by_key(phone.pull_all())
    household_id = next(i for e, i in street["V1G1W1"] if e == "household")
    minor_id = next(i for e, i in street["V1G1W1"] if e == "minor")
    for note in ("一", "二", "三"):
        version = pulled[("household", household_id)]["version"]
        result = phone.push_one(phone.mutation("household", household_id, {"notes": note}, base=version))
        pulled[("household", household_id)]["version"] = result["version"]
    response = phone.client.patch(
        f"/api/minors/{minor_id}", json={"school": "红旗小学"}, headers=phone.headers
    )
    assert response.status_code == 200
    # Edits outside the scope must not show up either.
    other = next(i for e, i in street["V1G1W2"] if e == "household")
    officer = device("village1")
    officer.client.patch(f"/api/households/{other}", json={"notes": "别的网格"}, headers=officer.headers)

    changes = phone.pull_all()

    assert sorted(_records(changes)) == sorted([("household", household_id), ("minor", minor_id)])
    latest = by_key(changes)
    assert latest[("household", household_id)]["data"]["notes"] == "三"
    assert latest[("household", household_id)]["version"] == pulled[("household", household_id)]["version"]
    assert latest[("minor", minor_id)]["data"]["school"] == "红旗小学"


def test_a_deleted_record_arrives_as_a_tombstone(device, session):
    household = make_household()
    session.commit()
    phone = device("worker1")
    phone.pull_all()
    officer = device("village1")
    assert (
        officer.client.delete(f"/api/households/{household.id}", headers=officer.headers).status_code == 204
    )
    change = by_key(phone.pull_all())[("household", household.id)]
    assert change["deleted"] is True


def test_a_household_moved_to_another_grid_leaves_the_old_device(device, grid, session):
    household = make_household(address="搬走的那户")
    minor = make_minor(household)
    visit = make_visit(minor)
    session.commit()
    old, new = device("worker1"), device("worker2")
    old.pull_all()
    new.pull_all()
    officer = device("village1")

    response = officer.client.patch(
        f"/api/households/{household.id}", json={"grid_id": grid("V1G1W2")}, headers=officer.headers
    )
    assert response.status_code == 200, response.get_json()

    gone = by_key(old.pull_all())
    for key in (("household", household.id), ("minor", minor.id), ("visit", visit.id)):
        assert key in gone, f"{key} never reached the old grid's device"
        assert gone[key]["deleted"] is True
    assert "搬走的那户" not in json.dumps([c for c in gone.values()], ensure_ascii=False)
    arrived = by_key(new.pull_all())
    for key in (("household", household.id), ("minor", minor.id), ("visit", visit.id)):
        assert arrived[key]["deleted"] is False
    assert arrived[("household", household.id)]["data"]["grid_id"] == grid("V1G1W2")


def test_a_changed_scope_answers_reset_and_the_device_rebuilds_from_empty(device, street, session):
    phone = device("worker1")
    phone.pull_all()
    admin = device("admin")
    response = admin.client.patch(
        f"/api/users/{user('worker1').id}", json={"areas": ["V1G1W2"]}, headers=admin.headers
    )
    assert response.status_code == 200, response.get_json()

    page = phone.pull_page(phone.cursor, limit=1000)

    assert page["reset"] is True
    changes = page["changes"]
    cursor = page["cursor"]
    while page["has_more"]:
        page = phone.pull_page(cursor, limit=1000)
        assert page["reset"] is False
        changes, cursor = changes + page["changes"], page["cursor"]
    assert set(_records(changes)) == street["V1G1W2"]
    assert phone.pull_page(cursor)["reset"] is False


@pytest.mark.parametrize(
    "tamper",
    [
        lambda c: c[:-2] + ("AA" if c[-2:] != "AA" else "BB"),
        lambda c: "A" + c[1:] if c[0] != "A" else "B" + c[1:],
        lambda c: "not-a-cursor",
        lambda c: c + "=",
        lambda c: "%%%",
    ],
    ids=["tail", "head", "garbage", "padding", "not base64"],
)
def test_a_tampered_cursor_is_refused_with_a_clear_message(device, street, tamper):
    phone = device("worker1")
    phone.pull_all()
    response = phone.pull_raw(tamper(phone.cursor))
    assert response.status_code == 400, (response.status_code, response.get_json())
    assert "cursor" in response.json["message"].lower() or "游标" in response.json["message"]


def test_another_users_cursor_does_not_leak_their_scope(device, street):
    officer = device("village1")
    officer.pull_page(limit=1)
    response = device("worker1").pull_raw(officer.pull_page(limit=1)["cursor"])
    if response.status_code == 200:
        assert response.json["reset"] is True
        assert not set(_records(response.json["changes"])) & street["V1G1W2"]
    else:
        assert response.status_code == 400


@pytest.mark.parametrize("limit", [0, 1001, -1, "many"])
def test_a_limit_outside_1_to_1000_is_refused(device, limit):
    response = device("worker1").pull_raw(limit=limit)
    assert response.status_code in (400, 422), response.status_code


def test_the_limit_defaults_to_500(device, session):
    for i in range(170):  # with a minor and a visit each: 510 records
        make_visit(make_minor(make_household(address=f"{i}号")))
    session.commit()
    page = device("worker1").pull_page()
    assert len(page["changes"]) == 500 and page["has_more"] is True


def test_a_large_pull_is_gzip_compressed_for_a_client_that_accepts_it(device, street):
    phone = device("worker1")
    plain = phone.pull_raw(limit=1000)
    zipped = phone.pull_raw(limit=1000, headers={"Accept-Encoding": "gzip"})
    assert plain.headers.get("Content-Encoding") is None
    assert zipped.headers.get("Content-Encoding") == "gzip"
    assert "Accept-Encoding" in zipped.headers.get("Vary", "")
    body = json.loads(gzip.decompress(zipped.get_data()))
    assert body["changes"] == plain.json["changes"]
    assert len(zipped.get_data()) < len(plain.get_data())


def test_a_sentinel_pulls_no_registry_record(device, street):
    response = device("sentinel1").pull_raw()
    if response.status_code == 200:
        assert _records(response.json["changes"]) == []
    else:
        assert response.status_code == 403


def test_a_pull_without_a_token_is_refused(client):
    assert client.get(PULL).status_code == 401


def test_removals_are_not_skipped_when_paging_with_a_small_limit(device, grid, session):
    # Households that left and came back leave removal notes the pull must look past.
    returned = [make_household(address=f"回来的{i}号") for i in range(3)]
    gone = make_household(address="搬走的那户")
    session.commit()
    phone = device("worker1")
    phone.pull_all()
    officer = device("village1")

    def move(household, code):
        response = officer.client.patch(
            f"/api/households/{household.id}", json={"grid_id": grid(code)}, headers=officer.headers
        )
        assert response.status_code == 200, response.get_json()

    for household in returned:
        move(household, "V1G1W2")
    move(gone, "V1G1W2")
    for household in returned:
        move(household, "V1G1W1")

    latest = by_key(phone.pull_all(limit=1))

    assert latest[("household", gone.id)]["deleted"] is True
    for household in returned:
        assert latest[("household", household.id)]["deleted"] is False


def test_a_household_that_left_twice_is_one_removal_and_none_for_a_new_device(device, grid, session):
    household = make_household(address="搬了又搬的那户")
    session.commit()
    phone = device("worker1")
    phone.pull_all()
    officer = device("village1")
    for code in ("V1G1W2", "V1G1W1", "V1G1W2"):
        response = officer.client.patch(
            f"/api/households/{household.id}", json={"grid_id": grid(code)}, headers=officer.headers
        )
        assert response.status_code == 200, response.get_json()

    assert Counter(_records(phone.pull_all()))[("household", household.id)] == 1
    assert ("household", household.id) not in _records(device("worker1").pull_all())
