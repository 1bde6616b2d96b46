"""Engine-level convergence: devices edit offline against stale bases, a simulated server
merges their mutations in random orders and replays, and nothing is ever lost."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from hypothesis import given, settings
from hypothesis import strategies as st

from sync import (
    GRADE_SEVERITY,
    Clock,
    Conflict,
    EntitySpec,
    Mutation,
    RecordState,
    apply_outcome,
    apply_set_op,
    clamp,
    merge,
)

SPEC = EntitySpec(
    "minor",
    fields=frozenset({"name", "notes", "grade", "grade_reason", "risk_flags"}),
    set_fields=frozenset({"risk_flags"}),
    severity_fields={"grade": GRADE_SEVERITY},
    follows={"grade_reason": "grade"},
)
SCALARS = ("name", "notes", "grade", "grade_reason")
RECORD_IDS = ("r1", "r2")
DEVICES = ("dev-a", "dev-b", "dev-c")
TEXTS = ("甲", "乙", "丙", None)
FLAGS = ("neglect", "runaway", "bullying", "self_harm")
MAX_SKEW_MS = 60_000


def rank(grade: str | None) -> int:
    return GRADE_SEVERITY.index(grade)


class Server:
    """An in-memory server doing what server/sync_api does, checking each step."""

    def __init__(self) -> None:
        self.now = 1_764_430_000_000
        self.clock = Clock("server", now_ms=lambda: self.now)
        self.records: dict[str, RecordState] = {}
        self.results: dict[tuple[str, str], tuple[str, int]] = {}
        self.arrived: list[Mutation] = []
        self.conflicts: list[Conflict] = []
        self.superseded: set[tuple[str, str, object]] = set()
        self.expected_flags: dict[str, set[str]] = {}

    def push(self, mutation: Mutation) -> tuple[str, int]:
        key = (mutation.client_id, mutation.mid)
        if key in self.results:
            return self.results[key]
        hlc, _ = clamp(mutation.hlc, self.now, MAX_SKEW_MS)
        self.clock.receive(hlc)
        mutation = replace(mutation, hlc=hlc)
        before = self.records.get(mutation.id)
        outcome = merge(SPEC, before, mutation)
        after = apply_outcome(before, outcome)
        self.check_step(before, mutation, outcome.status, outcome.conflicts, after)
        self.records[mutation.id] = after
        self.conflicts.extend(outcome.conflicts)
        self.arrived.append(mutation)
        self.results[key] = (outcome.status, after.version)
        return self.results[key]

    def check_step(self, before, mutation, status, conflicts, after) -> None:
        rid = mutation.id
        discarded = {(c.field, _key(c.discarded_value)) for c in conflicts}
        if mutation.op == "delete":
            if before.deleted or mutation.base_version == before.version:
                assert status == "applied" and not conflicts
                assert after.deleted and after.values == before.values
            else:
                assert status == "conflict" and [c.kind for c in conflicts] == ["stale_delete"]
                assert after == before
            return
        # Sets: every add/remove lands on a live record in arrival order, never a conflict.
        flags = self.expected_flags.setdefault(rid, set())
        if "risk_flags" in mutation.fields and not (before and before.deleted):
            op = mutation.fields["risk_flags"]
            flags.difference_update(op.get("remove", []))
            flags.update(op.get("add", []))
        assert sorted(after.values.get("risk_flags") or []) == sorted(flags)
        if before is None:
            assert status == "applied" and not conflicts
            return
        if before.deleted:
            assert after == before
            assert {c.kind for c in conflicts} <= {"edit_deleted"}
            for name in SCALARS:
                if name in mutation.fields and mutation.fields[name] != before.values.get(name):
                    assert (name, _key(mutation.fields[name])) in discarded
            return
        for name in SPEC.fields - mutation.fields.keys():
            assert after.values.get(name) == before.values.get(name)
        for name in SCALARS:
            old, new = before.values.get(name), after.values.get(name)
            if name in mutation.fields:
                sent = mutation.fields[name]
                # The value sent is written, already there, or kept as a conflict record.
                assert new == sent or (name, _key(sent)) in discarded
            if old != new:
                # A value replaced unseen by the device that replaced it is a conflict record.
                if mutation.base_version >= before.field_versions.get(name, 0):
                    self.superseded.add((rid, name, old))
                else:
                    assert (name, _key(old)) in discarded
        # Devices send a grade with its reason, which names the grade: the two stay a pair.
        if after.values.get("grade_reason") is not None:
            assert after.values["grade_reason"].startswith(f"{after.values.get('grade')}:")
        concurrent = before.field_versions.get("grade", 0) > mutation.base_version
        if "grade" in mutation.fields and concurrent:
            sent_rank = rank(mutation.fields["grade"])
            assert rank(after.values.get("grade")) == max(rank(before.values["grade"]), sent_rank)
        if conflicts:
            assert status == "conflict" and {c.kind for c in conflicts} == {"field"}
        else:
            assert status == ("applied" if mutation.base_version == before.version else "merged")


def _key(value: object) -> object:
    return repr(value) if isinstance(value, dict | list) else value


@dataclass
class Device:
    name: str
    server: Server
    skew_ms: int
    escalate_only: bool
    clock: Clock = field(init=False)
    versions: dict[str, int] = field(default_factory=dict)
    deleted: set[str] = field(default_factory=set)
    local: dict[str, dict] = field(default_factory=dict)
    floor: dict[str, int] = field(default_factory=dict)
    outbox: list[Mutation] = field(default_factory=list)
    count: int = 0

    def __post_init__(self) -> None:
        self.clock = Clock(self.name, now_ms=lambda: self.server.now + self.skew_ms)

    def _queue(self, rid: str, op: str, fields: dict) -> None:
        self.count += 1
        self.outbox.append(
            Mutation(
                mid=f"{self.name}-{self.count}",
                entity="minor",
                id=rid,
                op=op,
                base_version=self.versions.get(rid, 0),
                hlc=self.clock.tick(),
                fields=fields,
                client_id=self.name,
                author=f"user-{self.name}",
            )
        )

    def edit(self, rid: str, drawn: dict) -> None:
        if rid in self.deleted:
            return
        local = self.local.setdefault(rid, {})
        fields = {}
        for name, value in drawn.items():
            if name == "grade":
                value, why = value
                if self.escalate_only:
                    value = GRADE_SEVERITY[max(rank(value), self.floor.get(rid, 0))]
                reason = f"{value}:{why}"
                if value != local.get(name) or reason != local.get("grade_reason"):
                    fields.update(grade=value, grade_reason=reason)
            elif name == "risk_flags" or value != local.get(name):
                fields[name] = value
        if not fields:
            return
        if "grade" in fields:
            self.floor[rid] = max(self.floor.get(rid, 0), rank(fields["grade"]))
        self._queue(rid, "upsert", fields)
        _overlay(local, fields)

    def delete(self, rid: str) -> None:
        if self.versions.get(rid, 0) and rid not in self.deleted:
            self._queue(rid, "delete", {})
            self.deleted.add(rid)

    def deliver(self, index: int) -> None:
        if self.outbox:
            self.server.push(self.outbox.pop(index % len(self.outbox)))

    def pull(self) -> None:
        self.clock.receive(self.server.clock.last)
        for rid, state in self.server.records.items():
            self.versions[rid] = state.version
            if state.deleted:
                self.deleted.add(rid)
            self.floor[rid] = max(self.floor.get(rid, 0), rank(state.values.get("grade")))
            self.local[rid] = dict(state.values)
            for pending in self.outbox:
                if pending.id == rid:
                    _overlay(self.local[rid], pending.fields)


def _overlay(values: dict, fields: dict) -> None:
    for name, value in fields.items():
        values[name] = apply_set_op(values.get(name), value) if name == "risk_flags" else value


set_ops = st.fixed_dictionaries(
    {
        "add": st.lists(st.sampled_from(FLAGS), max_size=2),
        "remove": st.lists(st.sampled_from(FLAGS), max_size=2),
    }
)
scalar_values = {
    "name": st.sampled_from(TEXTS),
    "notes": st.sampled_from(TEXTS),
    "grade": st.tuples(st.sampled_from(GRADE_SEVERITY), st.sampled_from(TEXTS)),  # with its reason
}
edits = st.fixed_dictionaries({}, optional={**scalar_values, "risk_flags": set_ops}).filter(bool)
device_index = st.integers(0, len(DEVICES) - 1)
record_id = st.sampled_from(RECORD_IDS)
edit = st.tuples(st.just("edit"), device_index, record_id, edits)
deliver = st.tuples(st.just("deliver"), device_index, st.integers(0, 7))
actions = st.lists(
    st.one_of(
        edit,
        edit,
        deliver,
        deliver,
        st.tuples(st.just("pull"), device_index),
        st.tuples(st.just("delete"), device_index, record_id),
        st.tuples(st.just("replay"), st.integers(0, 50)),
        st.tuples(st.just("advance"), st.integers(0, 120_000)),
    ),
    min_size=20,
    max_size=80,
)
# One device has its date a day ahead; its HLCs get clamped.
skews = st.lists(st.sampled_from([0, -30_000, 45_000, 86_400_000]), min_size=3, max_size=3)


def simulate(steps, skew_list, *, escalate_only: bool, deletes: bool) -> tuple[Server, list]:
    server = Server()
    devices = [Device(n, server, s, escalate_only) for n, s in zip(DEVICES, skew_list, strict=True)]
    for step in steps:
        kind = step[0]
        if kind == "edit":
            devices[step[1]].edit(step[2], step[3])
        elif kind == "delete" and deletes:
            devices[step[1]].delete(step[2])
        elif kind == "deliver":
            devices[step[1]].deliver(step[2])
        elif kind == "pull":
            devices[step[1]].pull()
        elif kind == "replay" and server.arrived:
            again = server.arrived[step[1] % len(server.arrived)]
            records, answer = dict(server.records), server.results[(again.client_id, again.mid)]
            assert server.push(again) == answer
            assert server.records == records
        elif kind == "advance":
            server.now += step[1]
    for device in devices:  # everything reaches the server in the end
        while device.outbox:
            device.deliver(0)
    return server, devices


@settings(max_examples=200, deadline=None)
@given(actions, skews)
def test_nothing_is_lost(steps, skew_list):
    server, _ = simulate(steps, skew_list, escalate_only=False, deletes=True)
    kept = {(c.record_id, c.field, _key(c.discarded_value)) for c in server.conflicts}
    for mutation in server.arrived:
        state = server.records[mutation.id]
        for name in SCALARS:
            if name not in mutation.fields:
                continue
            value = mutation.fields[name]
            assert (
                state.values.get(name) == value
                or (mutation.id, name, _key(value)) in kept
                or (mutation.id, name, value) in server.superseded
            ), f"{mutation.mid} lost {name}={value!r}"
    for rid, state in server.records.items():
        assert sorted(state.values.get("risk_flags") or []) == sorted(server.expected_flags[rid])


@settings(max_examples=200, deadline=None)
@given(actions, skews)
def test_a_grade_is_never_lower_than_the_most_severe_sent(steps, skew_list):
    # Devices never lower a grade they have seen, so no grade may ever come down.
    server, _ = simulate(steps, skew_list, escalate_only=True, deletes=False)
    for rid, state in server.records.items():
        sent = [m.fields["grade"] for m in server.arrived if m.id == rid and "grade" in m.fields]
        assert rank(state.values.get("grade")) == max(map(rank, sent), default=0)
