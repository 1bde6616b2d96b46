"""What the database refuses in one mutation rejects that mutation alone; the batch goes on."""

from __future__ import annotations


def test_an_unknown_assigned_worker_pushed_is_rejected_alone(device, session, world):
    phone = device("worker1")
    household = phone.mutation(
        "household",
        "0b7c1f1e-0000-4000-8000-000000000001",
        {"grid_id": world["areas"]["V1G1W1"], "address": "丙1号", "head_name": "丙"},
    )
    minor = phone.mutation(
        "minor",
        "0b7c1f1e-0000-4000-8000-000000000002",
        {
            "household_id": household["id"],
            "name": "丁",
            "gender": "female",
            "birth_date": "2015-01-01",
            "assigned_worker_id": 2**31 - 1,
        },
    )
    results = phone.push(household, minor)
    assert [r["status"] for r in results] == ["applied", "rejected"]
    assert results[1]["errors"]["_schema"]
