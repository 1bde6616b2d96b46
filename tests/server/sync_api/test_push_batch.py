"""A push is written as one batch; a write refused half-way rejects that mutation alone.

The push applies its mutations without a savepoint each and writes them in one flush; when a
service or the database refuses a write, it does the batch again with a savepoint per mutation
(server/sync_api/push.py). Either way the answers, the records and the audit trail must be those
of each mutation on its own.
"""

from __future__ import annotations

from collections import Counter
from contextlib import contextmanager

import sqlalchemy as sa

from server.audit.models import AuditEvent
from server.core.extensions import db
from server.registry.models import Household, Minor
from server.sync_api.models import QuarantinedMutation, SyncMutation
from server.visits.models import Visit
from tests.server.sync_api.wire import error_text, household_fields, minor_fields, new_id, visit_fields


@contextmanager
def statements():
    """Counts the SQL statements sent, by their first words (a savepoint's by its verb)."""
    seen: Counter = Counter()

    def count(conn, cursor, statement, parameters, context, executemany):
        words = statement.split()
        seen[words[0] if words[0] in ("SAVEPOINT", "RELEASE", "ROLLBACK") else " ".join(words[:3])] += 1

    engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)


def _audited(session, record_id: str) -> list[str]:
    return list(session.scalars(sa.select(AuditEvent.action).where(AuditEvent.record_id == record_id)))


def test_writes_refused_mid_batch_reject_those_mutations_alone(device, session, world):
    phone = device("worker1")
    household = phone.mutation("household", new_id(), household_fields(world["areas"]["V1G1W1"]))
    minor = phone.mutation("minor", new_id(), minor_fields(household["id"]))
    # Refused by the service, after the merge: the grid is worker2's.
    elsewhere = phone.mutation(
        "household", new_id(), household_fields(world["areas"]["V1G1W2"], address="别处1号")
    )
    visit = phone.mutation("visit", new_id(), visit_fields(minor["id"]))
    # Refused by the database: no such user to assign.
    unknown_worker = phone.mutation(
        "minor", new_id(), minor_fields(household["id"], name="周小草", assigned_worker_id=2**31 - 1)
    )
    edit = phone.mutation("household", household["id"], {"notes": "奶奶腿脚不便"}, base=1)
    batch = [household, minor, elsewhere, visit, unknown_worker, edit]

    results = phone.push(*batch)

    assert [r["status"] for r in results] == [
        "applied",
        "applied",
        "rejected",
        "applied",
        "rejected",
        "applied",
    ]
    assert "grid" in error_text(results[2]["errors"]) or "grid_id" in results[2]["errors"], results[2]
    assert results[4]["errors"]["_schema"], results[4]
    assert [r["version"] for r in results] == [1, 1, None, 1, None, 2]
    session.expire_all()
    assert session.get(Household, household["id"]).notes == "奶奶腿脚不便"
    assert session.get(Minor, minor["id"]) is not None and session.get(Visit, visit["id"]) is not None
    assert (
        session.get(Household, elsewhere["id"]) is None and session.get(Minor, unknown_worker["id"]) is None
    )
    # The audit trail holds what was written, once, and nothing of what was refused.
    assert _audited(session, household["id"]) == ["create", "update"]
    assert _audited(session, minor["id"]) == ["create"] and _audited(session, visit["id"]) == ["create"]
    assert _audited(session, elsewhere["id"]) == [] and _audited(session, unknown_worker["id"]) == []
    logged = dict(session.execute(sa.select(SyncMutation.mid, SyncMutation.status)).all())
    assert [logged[m["mid"]] for m in batch] == [r["status"] for r in results]
    quarantined = session.scalars(sa.select(QuarantinedMutation.mid)).all()
    assert sorted(quarantined) == sorted([elsewhere["mid"], unknown_worker["mid"]])

    assert phone.push(*batch) == results  # the replay: the same answers, nothing written again
    assert _audited(session, household["id"]) == ["create", "update"]


def test_a_refusal_before_any_write_keeps_the_batch_in_one_pass(device, session, world):
    """A mutation refused by its checks (a malformed phone number) has written nothing, so the
    batch around it is still written whole, without a savepoint per mutation."""
    grid = world["areas"]["V1G1W1"]

    def push(phone, with_bad: bool) -> tuple[list[str], Counter]:
        batch = [
            phone.mutation("household", new_id(), household_fields(grid, address=f"幸福路{n}号"))
            for n in range(3)
        ]
        if with_bad:
            batch.insert(
                1, phone.mutation("household", new_id(), household_fields(grid, phone="not a phone"))
            )
        with statements() as seen:
            results = phone.push(*batch)
        return [r["status"] for r in results], seen

    statuses, clean = push(device("worker1"), with_bad=False)
    assert statuses == ["applied"] * 3
    statuses, refused = push(device("worker1"), with_bad=True)
    assert statuses == ["applied", "rejected", "applied", "applied"]
    assert refused["SAVEPOINT"] == clean["SAVEPOINT"] and not refused["ROLLBACK"], (clean, refused)


def test_a_batch_of_new_records_costs_the_same_statements_whatever_its_size(device, session, world):
    """One lookup for the batch's records, one INSERT per table: nothing per mutation (the audit
    rows excepted on SQLite, which cannot return the keys of a multi-row INSERT in order)."""
    grid = world["areas"]["V1G1W1"]

    def push(n: int, phone) -> Counter:
        batch = [
            phone.mutation("household", new_id(), household_fields(grid, address=f"新村{n}-{i}号"))
            for i in range(n)
        ]
        with statements() as seen:
            results = phone.push(*batch)
        assert {r["status"] for r in results} == {"applied"}
        return Counter(
            {
                k: v
                for k, v in seen.items()
                if k.split()[0] in ("INSERT", "UPDATE", "SAVEPOINT", "RELEASE") and "audit_event" not in k
            }
        )

    small, large = push(3, device("worker1")), push(60, device("worker1"))
    assert small == large, (small, large)
    assert large["INSERT INTO household"] == 1
