"""POST /api/sync/push: what is refused, with errors a person can act on, and what still goes through."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from server.registry.models import Household, Minor
from tests.factories import make_household, make_minor, make_visit
from tests.server.sync_api.wire import (
    PUSH,
    device_row,
    error_keys,
    error_text,
    household_fields,
    minor_fields,
    new_id,
    record_versions,
)


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
    row = device_row(device("village1"), phone.client_id)
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
    before = record_versions(session)

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
    after = record_versions(session)
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


@pytest.mark.parametrize("entity", ["household", "minor"])
def test_an_edit_of_a_record_the_server_never_made_is_refused_as_incomplete(entity, device, grid, session):
    """Soak SQLite seed 494: a phone whose create was refused keeps the record, flagged; an edit
    of it goes on base 0 with only the changed fields. It used to reach the service as a whole
    record and fail there with a 500 (KeyError 'household_id'); it is rejected and quarantined."""
    phone = device("worker1")
    household = make_household()
    session.commit()
    fields = {
        "household": {"notes": "只改了备注"},
        "minor": {"name": "改了名字", "risk_flags": {"add": ["neglect"], "remove": []}},
    }
    edit = phone.mutation(entity, new_id(), fields[entity])
    result = phone.push_one(edit)
    assert result["status"] == "rejected", result
    required = {
        "household": {"grid_id", "address", "head_name"},
        "minor": {"household_id", "gender", "birth_date"},
    }
    assert required[entity] <= error_keys(result["errors"])
    assert "Missing data for required field" in error_text(result["errors"])
    # The same edit with the whole record is an ordinary create.
    whole = household_fields(grid("V1G1W1")) if entity == "household" else minor_fields(household.id)
    assert phone.push_one(phone.mutation(entity, new_id(), whole))["status"] == "applied"
    session.expire_all()
    model = Household if entity == "household" else Minor
    assert session.get(model, edit["id"]) is None
    assert phone.push_one(edit)["status"] == "rejected"  # a replay gets the same answer
