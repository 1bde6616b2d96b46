"""No plain resident ID number at rest in what sync keeps aside: quarantine and conflicts."""

from __future__ import annotations

import json
from datetime import date

import sqlalchemy as sa

from server.registry import idnumber
from server.registry.models import Minor
from server.sync_api.models import ConflictRecord, QuarantinedMutation
from server.sync_api.sealed import is_sealed, unseal
from tests.factories import make_household, make_minor, valid_id_number

BIRTH = date(2013, 9, 9)


def _whole_database(session) -> str:
    """Every row of every table, as text: where a plain number would show."""
    rows = []
    for table in sa.inspect(session.connection()).get_table_names():
        for row in session.execute(sa.text(f'SELECT * FROM "{table}"')).mappings():
            rows.append(json.dumps({k: str(v) for k, v in row.items()}, ensure_ascii=False))
    return "\n".join(rows)


def test_a_rejected_mutation_keeps_its_id_number_sealed(device, session):
    minor = make_minor(make_household(), birth_date=BIRTH)
    session.commit()
    number = valid_id_number(BIRTH)
    phone = device("worker1")
    bad = phone.mutation("minor", minor.id, {"id_number": number, "favourite_colour": "red"}, base=1)
    # Shaped like a number, under a key no schema knows: sealed as well.
    bad["stray"] = [f"身份证 {number}"]
    assert phone.push_one(bad)["status"] == "rejected"
    stored = session.scalars(
        sa.select(QuarantinedMutation).where(QuarantinedMutation.mid == bad["mid"])
    ).one()
    assert is_sealed(stored.mutation["fields"]["id_number"])
    assert unseal(stored.mutation["fields"]["id_number"]) == number
    assert unseal(stored.mutation["stray"][0]) == f"身份证 {number}"
    assert stored.mutation["fields"]["favourite_colour"] == "red"  # the rest stays as it came
    assert number not in _whole_database(session)


def test_an_id_number_sent_to_a_deleted_child_is_kept_sealed_shown_masked_and_restorable(
    device, client, login, session
):
    minor = make_minor(make_household(), birth_date=BIRTH)
    session.commit()
    number = valid_id_number(BIRTH)
    first, second = device("village1"), device("worker1")
    assert first.push_one(first.delete("minor", minor.id, base=1))["status"] == "applied"
    result = second.push_one(second.mutation("minor", minor.id, {"id_number": number}, base=1))
    assert result["conflict_ids"], result
    conflict = session.scalars(
        sa.select(ConflictRecord).where(
            ConflictRecord.record_id == minor.id, ConflictRecord.field == "id_number"
        )
    ).one()
    assert is_sealed(conflict.discarded_value)
    assert number not in _whole_database(session)

    officer = login("village1")
    listed = client.get("/api/conflicts", headers=officer).json
    shown = next(c for c in listed if c["id"] == conflict.id)
    assert shown["discarded_value"] == idnumber.mask(number)
    mine = client.get("/api/conflicts/mine?status=all", headers=second.headers).get_data(as_text=True)
    assert number not in mine

    restored = client.post(f"/api/conflicts/{conflict.id}/restore", headers=officer)
    assert restored.status_code == 200, restored.json
    session.expire_all()
    assert session.get(Minor, minor.id).id_number_masked == idnumber.mask(number)
    assert number not in _whole_database(session)
