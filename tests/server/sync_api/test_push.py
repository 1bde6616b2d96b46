"""POST /api/sync/push: batches, idempotent replays, per-mutation rejections (DESIGN §5)."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from server.audit.models import AuditEvent
from server.registry.models import Household, Minor
from server.sync_api.models import SyncMutation
from server.visits.models import Visit
from tests.factories import make_household, make_minor, make_visit, user
from tests.server.sync_api.wire import (
    DEVICES,
    PUSH,
    error_keys,
    error_text,
    hlc_at,
    household_fields,
    minor_fields,
    new_id,
    now_ms,
    visit_fields,
)

MINUTE_MS = 60_000
DAY_MS = 24 * 60 * MINUTE_MS


def _versions(session) -> dict[str, int]:
    """Every synced record's version, by id: what a push may or may not have changed."""
    session.expire_all()
    rows = {}
    for model in (Household, Minor, Visit):
        rows.update(dict(session.execute(sa.select(model.id, model.version)).all()))
    return rows


def _audit_rows(session) -> int:
    return session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))


def _device_row(supervisor, client_id: str) -> dict:
    response = supervisor.client.get(DEVICES, headers=supervisor.headers)
    assert response.status_code == 200, response.get_json()
    rows = [row for row in response.json if row["client_id"] == client_id]
    assert len(rows) == 1, f"device {client_id} listed {len(rows)} times"
    return rows[0]


def test_a_household_minor_and_visit_created_in_one_batch_are_applied_at_version_1(device, grid, session):
    phone = device("worker1")
    household_id, minor_id, visit_id = new_id(), new_id(), new_id()
    results = phone.push(
        phone.mutation("household", household_id, household_fields(grid("V1G1W1"))),
        phone.mutation(
            "minor", minor_id, minor_fields(household_id, risk_flags={"add": ["neglect"], "remove": []})
        ),
        phone.mutation(
            "visit", visit_id, visit_fields(minor_id, measures={"add": ["living_aid"], "remove": []})
        ),
    )
    assert [(r["status"], r["version"], r["conflict_ids"], r["errors"]) for r in results] == [
        ("applied", 1, [], {})
    ] * 3
    session.expire_all()
    household = session.get(Household, household_id)
    minor = session.get(Minor, minor_id)
    visit = session.get(Visit, visit_id)
    assert (household.address, household.head_name, household.version) == ("红旗村一组18号", "周大明", 1)
    assert (minor.name, minor.risk_flags, minor.version) == ("周小花", ["neglect"], 1)
    assert minor.area_path == household.area_path
    assert (visit.measures, visit.review_status, visit.version) == (["living_aid"], "submitted", 1)
    assert visit.visitor_id == user("worker1").id


def test_an_edit_on_the_current_version_is_applied_as_the_next_version(device, session):
    household = make_household(notes="旧备注")
    session.commit()
    phone = device("worker1")
    result = phone.push_one(
        phone.mutation("household", household.id, {"notes": "爷爷奶奶照看"}, base=household.version)
    )
    assert (result["status"], result["version"], result["conflict_ids"]) == ("applied", 2, [])
    session.expire_all()
    stored = session.get(Household, household.id)
    assert (stored.notes, stored.version, stored.head_name) == ("爷爷奶奶照看", 2, "张大山")


def test_a_batch_sent_three_times_changes_the_database_once(device, grid, session):
    existing = make_household()
    session.commit()
    phone = device("worker1")
    household_id, minor_id = new_id(), new_id()
    batch = [
        phone.mutation("household", household_id, household_fields(grid("V1G1W1"))),
        phone.mutation(
            "minor", minor_id, minor_fields(household_id, risk_flags={"add": ["bullying"], "remove": []})
        ),
        phone.mutation("household", existing.id, {"notes": "第一次"}, base=1),
        phone.mutation("minor", minor_id, {"risk_flags": {"add": ["runaway"], "remove": []}}, base=1),
        phone.mutation("household", existing.id, {"no_such_field": 1}, base=2),
    ]
    first = phone.push(*batch)
    assert [r["status"] for r in first] == ["applied", "applied", "applied", "applied", "rejected"]
    versions, audit_rows = _versions(session), _audit_rows(session)
    flags = session.get(Minor, minor_id).risk_flags

    for _ in range(2):
        assert phone.push(*batch) == first
        assert _versions(session) == versions
        assert _audit_rows(session) == audit_rows
        assert session.get(Minor, minor_id).risk_flags == flags == ["bullying", "runaway"]
    count = session.scalar(
        sa.select(sa.func.count()).select_from(Household).where(Household.id == household_id)
    )
    assert count == 1


def test_a_replayed_mutation_answers_its_first_result_whatever_batch_it_comes_in(device, session):
    household = make_household()
    session.commit()
    phone = device("worker1")
    edit = phone.mutation("household", household.id, {"notes": "一"}, base=1)
    first = phone.push_one(edit)
    other = phone.mutation("household", household.id, {"phone": "13812345678"}, base=2)
    again = phone.push(other, edit)
    assert again[1] == first
    assert again[0]["status"] == "applied"
    # A device that lost the answer and then changed the payload still gets the stored result.
    tampered = {**edit, "fields": {"notes": "二"}}
    assert phone.push_one(tampered) == first
    session.expire_all()
    assert session.get(Household, household.id).notes == "一"


def test_the_same_mid_from_another_device_is_another_mutation(device, session):
    household = make_household()
    session.commit()
    a, b = device("worker1"), device("worker1")
    shared_mid = new_id()
    assert (
        a.push_one(a.mutation("household", household.id, {"notes": "甲"}, base=1, mid=shared_mid))["version"]
        == 2
    )
    second = b.push_one(
        b.mutation("household", household.id, {"phone": "13812345678"}, base=2, mid=shared_mid)
    )
    assert (second["status"], second["version"]) == ("applied", 3)
    session.expire_all()
    assert session.get(Household, household.id).phone == "13812345678"


def test_a_rejected_mutation_is_quarantined_and_the_rest_of_its_batch_applied(device, grid, session):
    phone = device("worker1")
    household_id, minor_id = new_id(), new_id()
    bad_id = new_id()
    results = phone.push(
        phone.mutation("household", household_id, household_fields(grid("V1G1W1"))),
        phone.mutation("household", bad_id, household_fields(grid("V1G1W1"), favourite_colour="red")),
        phone.mutation("minor", minor_id, minor_fields(household_id)),
    )
    assert [r["status"] for r in results] == ["applied", "rejected", "applied"]
    assert "favourite_colour" in error_keys(results[1]["errors"])
    assert results[1]["conflict_ids"] == []
    session.expire_all()
    assert session.get(Household, bad_id) is None
    assert session.get(Minor, minor_id) is not None
    row = _device_row(device("village1"), phone.client_id)
    assert (row["mutations_applied"], row["mutations_rejected"]) == (2, 1)
    assert row["last_error"] and row["last_error_at"]


def test_a_rejected_mutation_is_kept_raw_in_quarantine(device, grid, session):
    phone = device("worker1")
    bad = phone.mutation("household", new_id(), household_fields(grid("V1G1W1"), favourite_colour="red"))
    assert phone.push_one(bad)["status"] == "rejected"
    session.expire_all()
    # The quarantine table is the server's business; find it by name and look for the raw mutation.
    tables = [
        t for t in sa.inspect(session.connection()).get_table_names() if "quarantin" in t or "rejected" in t
    ]
    assert tables, "no quarantine table: DESIGN §5 says the server stores the raw rejected mutation"
    stored = []
    for table in tables:
        rows = session.execute(sa.text(f"SELECT * FROM {table}")).mappings().all()
        stored += [json.dumps({k: str(v) for k, v in row.items()}, ensure_ascii=False) for row in rows]
    assert any(bad["mid"] in text and "favourite_colour" in text for text in stored)


def _setup(session):
    household = make_household(notes="原备注")
    other_grid = make_household("worker2", grid="V1G1W2")
    other_village = make_household("worker3", grid="V2G1W1")
    minor = make_minor(household, health="healthy")
    visit = make_visit(minor)
    session.commit()
    return {
        "household": household.id,
        "minor": minor.id,
        "visit": visit.id,
        "other_grid_household": other_grid.id,
        "other_village_household": other_village.id,
    }


def _bare(phone, **overrides) -> dict:
    m = {
        "mid": new_id(),
        "entity": "household",
        "id": new_id(),
        "op": "upsert",
        "base_version": 0,
        "hlc": phone.hlc(),
        "fields": {},
    }
    m.update(overrides)
    return {k: v for k, v in m.items() if v is not ...}


# name -> (username, build(phone, ids, grid) -> mutation, keys of which at least one must be in errors)
REJECTIONS = {
    "unknown entity": (
        "worker1",
        lambda p, ids, g: _bare(p, entity="pet", fields={"name": "旺财"}),
        {"entity"},
    ),
    "unknown op": (
        "worker1",
        lambda p, ids, g: _bare(p, id=ids["household"], op="replace", base_version=1),
        {"op"},
    ),
    "missing mid": (
        "worker1",
        lambda p, ids, g: _bare(p, mid=..., fields=household_fields(g("V1G1W1"))),
        {"mid"},
    ),
    "id not a uuid": (
        "worker1",
        lambda p, ids, g: _bare(p, id="42", fields=household_fields(g("V1G1W1"))),
        {"id"},
    ),
    "base_version not an integer": (
        "worker1",
        lambda p, ids, g: _bare(p, id=ids["household"], base_version="1", fields={"notes": "x"}),
        {"base_version"},
    ),
    "negative base_version": (
        "worker1",
        lambda p, ids, g: _bare(p, id=ids["household"], base_version=-1, fields={"notes": "x"}),
        {"base_version"},
    ),
    "fields not an object": (
        "worker1",
        lambda p, ids, g: _bare(p, id=ids["household"], base_version=1, fields=["notes", "x"]),
        {"fields"},
    ),
    "a number for a text field": (
        "worker1",
        lambda p, ids, g: _bare(p, id=ids["household"], base_version=1, fields={"address": 5}),
        {"address"},
    ),
    "a value outside the choices": (
        "worker1",
        lambda p, ids, g: _bare(p, entity="minor", id=ids["minor"], base_version=1, fields={"gender": "x"}),
        {"gender"},
    ),
    "a set field sent as a plain list": (
        "worker1",
        lambda p, ids, g: _bare(
            p, entity="minor", id=ids["minor"], base_version=1, fields={"risk_flags": ["neglect"]}
        ),
        {"risk_flags"},
    ),
    "an unknown item in a set": (
        "worker1",
        lambda p, ids, g: _bare(
            p, entity="minor", id=ids["minor"], base_version=1, fields={"risk_flags": {"add": ["flying"]}}
        ),
        {"risk_flags"},
    ),
    "unknown field": (
        "worker1",
        lambda p, ids, g: _bare(p, id=ids["household"], base_version=1, fields={"favourite_colour": "红"}),
        {"favourite_colour"},
    ),
    "an invalid resident id number": (
        "worker1",
        lambda p, ids, g: _bare(
            p, entity="minor", id=ids["minor"], base_version=1, fields={"id_number": "110101200001011234"}
        ),
        {"id_number"},
    ),
    "bad hlc": (
        "worker1",
        lambda p, ids, g: _bare(
            p, id=ids["household"], base_version=1, hlc="yesterday", fields={"notes": "x"}
        ),
        {"hlc"},
    ),
    "missing hlc": (
        "worker1",
        lambda p, ids, g: _bare(p, id=ids["household"], base_version=1, hlc=..., fields={"notes": "x"}),
        {"hlc"},
    ),
    "base_version in the future": (
        "worker1",
        lambda p, ids, g: _bare(p, id=ids["household"], base_version=5, fields={"notes": "x"}),
        {"base_version"},
    ),
    "a base_version for a record the server does not have": (
        "worker1",
        lambda p, ids, g: _bare(p, base_version=3, fields=household_fields(g("V1G1W1"))),
        {"base_version", "id"},
    ),
    "delete of a record the server does not have": (
        "worker1",
        lambda p, ids, g: _bare(p, op="delete", base_version=1, fields=...),
        {"id"},
    ),
    "a new household in a grid out of scope": (
        "worker1",
        lambda p, ids, g: _bare(p, fields=household_fields(g("V2G1W1"))),
        {"grid_id"},
    ),
    "a household moved to a grid out of scope": (
        "worker1",
        lambda p, ids, g: _bare(p, id=ids["household"], base_version=1, fields={"grid_id": g("V1G1W2")}),
        {"grid_id"},
    ),
    "an edit of a record out of scope": (
        "worker1",
        lambda p, ids, g: _bare(p, id=ids["other_village_household"], base_version=1, fields={"notes": "x"}),
        set(),
    ),
    "a minor in a household out of scope": (
        "worker1",
        lambda p, ids, g: _bare(p, entity="minor", fields=minor_fields(ids["other_grid_household"])),
        {"household_id"},
    ),
    "a grid worker setting a grade": (
        "worker1",
        lambda p, ids, g: _bare(
            p,
            entity="minor",
            id=ids["minor"],
            base_version=1,
            fields={"grade": "red", "grade_reason": "疑似受虐"},
        ),
        {"grade"},
    ),
    "a grid worker reviewing a visit": (
        "worker1",
        lambda p, ids, g: _bare(
            p, entity="visit", id=ids["visit"], base_version=1, fields={"review_status": "approved"}
        ),
        {"review_status"},
    ),
    "a grade without a reason": (
        "village1",
        lambda p, ids, g: _bare(p, entity="minor", id=ids["minor"], base_version=1, fields={"grade": "red"}),
        {"grade_reason", "grade"},
    ),
    "invalid after merge": (
        "worker1",
        lambda p, ids, g: _bare(
            p, entity="minor", id=ids["minor"], base_version=1, fields={"disability_grade": 2}
        ),
        {"health", "disability_grade"},
    ),
}


@pytest.mark.parametrize("case", list(REJECTIONS))
def test_a_bad_mutation_is_rejected_with_errors_and_the_next_one_applied(case, device, grid, session):
    ids = _setup(session)
    username, build, keys = REJECTIONS[case]
    phone = device(username)
    bad = build(phone, ids, grid)
    good_id = new_id()
    good = phone.mutation("household", good_id, household_fields(grid("V1G1W1")))
    before = _versions(session)

    response = phone.push_raw({"client_id": phone.client_id, "mutations": [bad, good]})

    assert response.status_code == 200, response.get_json()
    rejected, applied = response.json["results"]
    assert rejected["mid"] == bad.get("mid")
    assert rejected["status"] == "rejected", rejected
    assert rejected["errors"], "a rejection must say what is wrong"
    assert error_text(rejected["errors"]).strip()
    if keys:
        assert keys & error_keys(rejected["errors"]), rejected["errors"]
    assert (applied["status"], applied["version"]) == ("applied", 1)
    after = _versions(session)
    assert after.pop(good_id) == 1
    assert after == before, "a rejected mutation changed a record"


def test_an_edit_of_a_record_out_of_scope_does_not_reveal_it(device, session):
    ids = _setup(session)
    phone = device("worker1")
    result = phone.push_one(
        phone.mutation("household", ids["other_village_household"], {"notes": "x"}, base=1)
    )
    assert result["status"] == "rejected"
    assert "龙泉村" not in json.dumps(result, ensure_ascii=False)
    # The same answer as for a record that does not exist: no existence leak.
    missing = phone.push_one(phone.mutation("household", new_id(), {"notes": "x"}, base=1))
    assert error_keys(result["errors"]) == error_keys(missing["errors"])


ENVELOPES = {
    "body not an object": ([], set()),
    "no client_id": ({"mutations": []}, {"client_id"}),
    "client_id not a string": ({"client_id": 7, "mutations": []}, {"client_id"}),
    "empty client_id": ({"client_id": "", "mutations": []}, {"client_id"}),
    "no mutations": ({"client_id": "c"}, {"mutations"}),
    "mutations not a list": ({"client_id": "c", "mutations": {"mid": "1"}}, {"mutations"}),
}


@pytest.mark.parametrize("case", list(ENVELOPES))
def test_a_bad_envelope_is_answered_422_with_errors(case, device):
    phone = device("worker1")
    body, keys = ENVELOPES[case]
    response = phone.push_raw(body)
    assert response.status_code == 422, (response.status_code, response.get_json())
    assert response.json["message"]
    assert response.json.get("errors"), response.json
    if keys:
        assert keys & error_keys(response.json["errors"]), response.json


def test_a_batch_of_more_than_1000_mutations_is_refused_whole(device, grid, session):
    phone = device("worker1")
    grid_id = grid("V1G1W1")
    mutations = [phone.mutation("household", new_id(), household_fields(grid_id)) for _ in range(1001)]
    response = phone.push_raw({"client_id": phone.client_id, "mutations": mutations})
    assert response.status_code == 422, response.status_code
    assert "mutations" in error_keys(response.json.get("errors"))
    assert "1000" in error_text(response.json), response.json
    session.expire_all()
    assert session.get(Household, mutations[0]["id"]) is None


def test_a_body_that_is_not_json_is_refused_with_a_clear_message(device):
    phone = device("worker1")
    response = phone.client.post(
        PUSH, data="{not json", headers={**phone.headers, "Content-Type": "application/json"}
    )
    assert response.status_code in (400, 422)
    assert "JSON" in response.json["message"]


def test_a_push_without_a_token_is_refused(client):
    response = client.post(PUSH, json={"client_id": "c", "mutations": []})
    assert response.status_code == 401


def test_an_hlc_far_in_the_future_is_clamped_and_recorded(device, session):
    household = make_household()
    session.commit()
    ahead = device("worker1")  # a phone whose date is a day ahead
    on_time = device("worker1")
    first = ahead.push_one(
        ahead.mutation(
            "household",
            household.id,
            {"notes": "日期错的手机"},
            base=1,
            hlc=hlc_at(now_ms() + DAY_MS, ahead.client_id),
        )
    )
    assert first["status"] == "applied"
    session.expire_all()
    stored_wall = int(session.get(Household, household.id).field_hlcs["notes"].split(":")[0])
    assert stored_wall <= now_ms() + 5 * MINUTE_MS

    # Truly later, though a day "earlier" than the wrong clock: it must win.
    second = on_time.push_one(
        on_time.mutation(
            "household",
            household.id,
            {"notes": "后来的修改"},
            base=1,
            hlc=hlc_at(now_ms() + 1000, on_time.client_id),
        )
    )
    assert second["status"] in ("merged", "conflict") and second["conflict_ids"], second
    session.expire_all()
    assert session.get(Household, household.id).notes == "后来的修改"
    supervisor = device("village1")
    assert _device_row(supervisor, ahead.client_id)["clamped"] == 1
    assert _device_row(supervisor, on_time.client_id)["clamped"] == 0


def test_an_hlc_a_little_ahead_is_not_clamped(device, session):
    household = make_household()
    session.commit()
    phone = device("worker1")
    hlc = hlc_at(now_ms() + 4 * MINUTE_MS, phone.client_id)
    assert (
        phone.push_one(phone.mutation("household", household.id, {"notes": "x"}, base=1, hlc=hlc))["status"]
        == "applied"
    )
    session.expire_all()
    assert session.get(Household, household.id).field_hlcs["notes"] == hlc
    assert _device_row(device("village1"), phone.client_id)["clamped"] == 0


def test_the_same_mutation_twice_in_one_batch_is_applied_once(device, session):
    household = make_household()
    session.commit()
    phone = device("worker1")
    edit = phone.mutation(
        "minor", new_id(), minor_fields(household.id, risk_flags={"add": ["neglect"], "remove": []})
    )
    first, second = phone.push(edit, edit)
    assert first == second
    assert first["status"] == "applied"
    count = session.scalar(sa.select(sa.func.count()).select_from(Minor).where(Minor.id == edit["id"]))
    assert count == 1


def test_a_long_mid_is_either_refused_or_idempotent(device, grid, session):
    # The contract sets no length for a mid; whatever the server does, a replay must not apply twice.
    phone = device("worker1")
    create = phone.mutation("household", new_id(), household_fields(grid("V1G1W1")), mid="m" * 100)
    first = phone.push_one(create)
    again = phone.push_one(create)
    assert again == first, "a replayed mutation got another answer"


def test_a_value_the_database_cannot_store_is_rejected_not_a_server_error(device, session):
    household = make_household()
    session.commit()
    phone = device("worker1")
    good = phone.mutation("household", household.id, {"phone": "13812345678"}, base=1)
    response = phone.push_raw(
        {
            "client_id": phone.client_id,
            "mutations": [phone.mutation("household", household.id, {"notes": "坏\u0000字节"}, base=1), good],
        }
    )
    assert response.status_code == 200, (response.status_code, response.get_json())
    statuses = [r["status"] for r in response.json["results"]]
    assert statuses[1] in ("applied", "merged")
    assert statuses[0] in ("rejected", "applied")


def test_deleting_a_household_that_still_has_minors_is_rejected_with_the_reason(device, session):
    household = make_household()
    make_minor(household)
    session.commit()
    phone = device("worker1")
    result = phone.push_one(phone.delete("household", household.id, base=1))
    assert result["status"] == "rejected"
    assert "未成年人" in error_text(result["errors"]), result["errors"]
    session.expire_all()
    assert session.get(Household, household.id).deleted_at is None


def test_a_supervisor_moves_a_household_to_another_grid_of_the_village(device, grid, session):
    household = make_household()
    minor = make_minor(household)
    session.commit()
    officer = device("village1")
    result = officer.push_one(
        officer.mutation("household", household.id, {"grid_id": grid("V1G1W2")}, base=1)
    )
    assert (result["status"], result["version"]) == ("applied", 2), result
    session.expire_all()
    assert session.get(Minor, minor.id).area_path == "/S1/V1/V1G1/V1G1W2/"


def test_a_supervisor_may_correct_the_grade_reason_alone(device, session):
    minor = make_minor(make_household())
    session.commit()
    officer = device("village1")
    officer.push_one(
        officer.mutation("minor", minor.id, {"grade": "orange", "grade_reason": "父母均外出"}, base=1)
    )
    result = officer.push_one(
        officer.mutation("minor", minor.id, {"grade_reason": "父母均外出务工，祖父年迈"}, base=2)
    )
    assert (result["status"], result["version"]) == ("applied", 3), result
    session.expire_all()
    stored = session.get(Minor, minor.id)
    assert (stored.grade, stored.grade_reason) == ("orange", "父母均外出务工，祖父年迈")


def test_a_grade_set_through_sync_is_kept_in_the_grade_history(device, session):
    from server.registry.models import GradeChange

    minor = make_minor(make_household())
    session.commit()
    officer = device("village1")
    officer.push_one(
        officer.mutation("minor", minor.id, {"grade": "red", "grade_reason": "疑似遭受虐待"}, base=1)
    )
    history = session.scalars(sa.select(GradeChange).where(GradeChange.minor_id == minor.id)).all()
    assert [(h.from_grade, h.to_grade, h.reason) for h in history] == [(None, "red", "疑似遭受虐待")]


def test_a_report_filed_offline_by_a_grid_worker_reaches_the_village_officer(device, grid, session):
    minor = make_minor(make_household())
    session.commit()
    phone = device("worker1")
    report_id = new_id()
    fields = {
        "source": "grid_worker",
        "area_id": grid("V1G1W1"),
        "minor_id": minor.id,
        "kind": "injury_malnutrition_abuse",
        "description": "孩子手臂多处淤青，邻居反映常被打骂",
    }
    result = phone.push_one(phone.mutation("report", report_id, fields))
    assert (result["status"], result["version"]) == ("applied", 1), result
    officer = device("village1")
    pulled = {c["id"]: c for c in officer.pull_all() if c["entity"] == "report"}
    assert pulled[report_id]["data"]["mandatory"] is True
    assert pulled[report_id]["data"]["status"] == "new"
    # Handling the report is the supervisor's: a worker may not move its status.
    step = phone.push_one(phone.mutation("report", report_id, {"status": "acknowledged"}, base=1))
    assert step["status"] == "rejected" and "status" in error_keys(step["errors"])


def test_devices_are_listed_for_supervisors_only(device, client):
    phone = device("worker1")
    phone.pull_all()
    assert client.get(DEVICES, headers=phone.headers).status_code == 403
    row = _device_row(device("village1"), phone.client_id)
    assert (row["username"], row["display_name"], row["pulls"], row["pushes"]) == ("worker1", "王建国", 1, 0)
    assert row["last_pull_at"] and row["last_push_at"] is None
    assert not [
        r
        for r in client.get(DEVICES, headers=device("village2").headers).json
        if r["client_id"] == phone.client_id
    ]


def test_a_supervisors_review_through_sync_returns_to_the_workers_device(device, session):
    visit = make_visit(make_minor(make_household()))
    session.commit()
    worker, officer = device("worker1"), device("village1")
    worker.pull_all()
    review = {"review_status": "returned", "review_comment": "请补充孩子的学习情况"}
    result = officer.push_one(officer.mutation("visit", visit.id, review, base=1))
    assert (result["status"], result["version"]) == ("applied", 2), result
    pulled = {c["id"]: c for c in worker.pull_all() if c["entity"] == "visit"}
    assert pulled[visit.id]["data"]["review_status"] == "returned"
    assert pulled[visit.id]["data"]["review_comment"] == "请补充孩子的学习情况"
    # Returned: the author may now amend it, which sends it back for review.
    amend = worker.push_one(worker.mutation("visit", visit.id, {"summary": "孩子成绩中等，数学较弱"}, base=2))
    assert amend["status"] == "applied", amend
    session.expire_all()
    stored = session.get(Visit, visit.id)
    assert (stored.summary, stored.review_status) == ("孩子成绩中等，数学较弱", "submitted")


def test_a_worker_may_not_change_a_submitted_visit(device, session):
    visit = make_visit(make_minor(make_household()))
    session.commit()
    worker = device("worker1")
    result = worker.push_one(worker.mutation("visit", visit.id, {"summary": "改一下"}, base=1))
    assert result["status"] == "rejected" and "summary" in error_keys(result["errors"])


def test_an_id_number_pushed_is_stored_encrypted_and_pulled_masked(device, session):
    from datetime import date

    from tests.factories import valid_id_number

    minor = make_minor(make_household(), birth_date=date(2013, 9, 9))
    session.commit()
    number = valid_id_number(date(2013, 9, 9))
    phone = device("worker1")
    response = phone.push_raw(
        {
            "client_id": phone.client_id,
            "mutations": [phone.mutation("minor", minor.id, {"id_number": number}, base=1)],
        }
    )
    assert response.json["results"][0]["status"] == "applied", response.json
    assert number not in response.get_data(as_text=True)
    session.expire_all()
    stored = session.get(Minor, minor.id)
    assert stored.id_number_masked == number[:4] + "*" * 12 + number[-2:]
    assert number not in (stored.id_number_enc or "")
    pulled = phone.pull_raw(limit=1000)
    assert number not in pulled.get_data(as_text=True)
    quarantine_and_log = json.dumps(
        [
            r.result
            for r in session.scalars(sa.select(SyncMutation).where(SyncMutation.client_id == phone.client_id))
        ],
        ensure_ascii=False,
    )
    assert number not in quarantine_and_log
