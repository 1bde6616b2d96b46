"""Convergence through HTTP: phones edit offline and sync in random orders over a network that
loses requests and answers; in the end every phone holds the server's state and nothing typed
is lost or duplicated (DESIGN §5).

Each phone is a small replica: what the server last told it (``known``), an outbox of
mutations and a pull cursor. A lost request is never sent; a lost answer is sent and applied
by the server, but the phone does not hear of it and sends the same mutations again later.
"""

from __future__ import annotations

import json
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_jwt_extended import create_access_token
from flask_sqlalchemy.session import _app_ctx_id
from hypothesis import note, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import orm as so

from server.core.extensions import db, limiter
from server.registry.models import Household, Minor
from server.sync_api.models import ConflictRecord
from tests.factories import area, make_household, make_minor, user
from tests.server.sync_api.wire import Device, household_fields, minor_fields, new_id, now_ms

PHONES = (("a", "worker1"), ("b", "village1"), ("c", "admin"))
TEXTS = ("甲", "乙", "丙")
PHONE_NUMBERS = ("13800000001", "13900000002")
FLAGS = ("neglect", "runaway", "bullying")
GRADES = ("blue", "yellow", "orange", "red")
SCALARS = {"household": ("address", "notes", "phone"), "minor": ("name", "school")}
SET_FIELDS = {"risk_flags"}
LOSS = st.sampled_from([None, None, "request", "response"])


@contextmanager
def rolled_back(app):
    """The ``session`` fixture as a context manager: one example's writes, rolled back after it."""
    with app.app_context():
        connection = db.engine.connect()
        outer = connection.begin()
        original = db.session
        factory = so.sessionmaker(bind=connection, join_transaction_mode="create_savepoint")
        db.session = so.scoped_session(factory, scopefunc=_app_ctx_id)
        limiter.reset()
        try:
            yield db.session
        finally:
            db.session.remove()
            db.session = original
            outer.rollback()
            connection.close()


def _token_headers(username: str, client_id: str) -> dict:
    account = user(username)
    token = create_access_token(
        identity=account, additional_claims={"role": account.role, "device": client_id}
    )
    return {"Authorization": f"Bearer {token}"}


def _combine_sets(old: dict, new: dict) -> dict:
    """Two set edits as one: the later one's removes undo earlier adds, and the other way round."""
    add = (set(old.get("add", [])) - set(new.get("remove", []))) | set(new.get("add", []))
    remove = (set(old.get("remove", [])) - set(new.get("add", []))) | set(new.get("remove", []))
    return {"add": sorted(add), "remove": sorted(remove)}


@dataclass
class Sent:
    """One mutation as the server first answered it (the test sees answers the phone lost)."""

    mutation: dict
    phone: str
    arrival: int
    result: dict


@dataclass
class Phone:
    name: str
    http: Device
    known: dict[tuple[str, str], dict] = field(default_factory=dict)
    outbox: list[dict] = field(default_factory=list)
    attempted: set[str] = field(default_factory=set)
    rejected: list[tuple[dict, dict]] = field(default_factory=list)
    deleting: set[tuple[str, str]] = field(default_factory=set)
    cursor: str | None = None

    def pending_create(self, key) -> dict | None:
        for m in self.outbox:
            if (m["entity"], m["id"]) == key and m["base_version"] == 0 and m["mid"] not in self.attempted:
                return m
        return None

    def live(self, entity: str) -> list[str]:
        """Records of ``entity`` this phone may edit: known alive, or made here and not yet sent."""
        ids = {i for (e, i), c in self.known.items() if e == entity and not c["deleted"]}
        ids |= {m["id"] for m in self.outbox if m["entity"] == entity and m["base_version"] == 0}
        return sorted(i for i in ids if (entity, i) not in self.deleting)

    def edit(self, entity: str, record_id: str, fields: dict) -> None:
        key = (entity, record_id)
        create = self.pending_create(key)
        if create is not None:
            for name, value in fields.items():
                if name in SET_FIELDS:
                    value = _combine_sets(create["fields"].get(name, {}), value)
                create["fields"][name] = value
            return
        base = self.known[key]["version"] if key in self.known else 0
        self.outbox.append(self.http.mutation(entity, record_id, fields, base=base))

    def delete(self, entity: str, record_id: str) -> None:
        key = (entity, record_id)
        self.deleting.add(key)
        self.outbox.append(self.http.delete(entity, record_id, base=self.known[key]["version"]))

    def settle(self, mutation: dict, result: dict) -> None:
        """What the phone does with an answer it received."""
        self.outbox.remove(mutation)
        key = (mutation["entity"], mutation["id"])
        if result["status"] == "rejected":
            self.rejected.append((mutation, result))
            return
        if mutation["op"] == "delete":
            self.deleting.discard(key)
            if result["status"] == "applied":
                self.known[key] = {"version": result["version"], "deleted": True, "data": {}}
            return
        if result["status"] != "applied":
            return  # merged or in conflict: other changes arrived meanwhile; the next pull shows them
        # Applied means nothing else changed since the base: later unsent edits build on it.
        if result["version"] > self.known.get(key, {}).get("version", 0):
            self.known[key] = {"version": result["version"], "deleted": False, "data": None}
        for later in self.outbox:
            if (later["entity"], later["id"]) == key and later["mid"] not in self.attempted:
                later["base_version"] = max(later["base_version"], result["version"])

    def take_page(self, page: dict) -> None:
        if page["reset"]:
            self.known.clear()
        for change in page["changes"]:
            if change["entity"] in ("household", "minor"):
                self.known[(change["entity"], change["id"])] = {
                    "version": change["version"],
                    "deleted": change["deleted"],
                    "data": change["data"],
                }
        self.cursor = page["cursor"]


class Convergence(RuleBasedStateMachine):
    app = None  # set by the test: the configured Flask app

    def __init__(self) -> None:
        super().__init__()
        self.stack = ExitStack()
        self.session = self.stack.enter_context(rolled_back(self.app))
        self.client = self.app.test_client()
        self.grid_id = area("V1G1W1").id
        # Ids and clocks are the example's own, so that hypothesis can replay and shrink it:
        # one shared clock, a millisecond a step, keeps every phone's HLC in step order.
        self.ids = 0
        self.wall_ms = now_ms()
        self.phones = {}
        for name, username in PHONES:
            client_id = f"phone-{name}"
            http = Device(self.client, _token_headers(username, client_id), client_id, username, self.tick)
            self.phones[name] = Phone(name, http)
        self.sent: dict[str, Sent] = {}
        self.seeded_flags: dict[str, set[str]] = {}
        self.arrivals = 0

    def next_id(self) -> str:
        self.ids += 1
        return f"00000000-0000-4000-8000-{self.ids:012x}"

    def tick(self) -> int:
        self.wall_ms += 1
        return self.wall_ms

    def teardown(self) -> None:
        try:
            if self.sent or any(p.outbox for p in self.phones.values()):
                self.final_checks()
        finally:
            self.stack.close()

    @initialize()
    def start_from_a_surveyed_grid(self) -> None:
        for i in range(2):
            minor = make_minor(make_household(address=f"红旗村老户{i}号"), risk_flags=["neglect"])
            self.seeded_flags[minor.id] = {"neglect"}
        self.session.commit()
        for phone in self.phones.values():
            self._pull_everything(phone)

    # Offline edits

    @rule(phone=st.sampled_from([n for n, _ in PHONES]), address=st.sampled_from(TEXTS))
    def create_household(self, phone, address):
        fields = household_fields(self.grid_id, address=f"红旗村{address}号")
        self.phones[phone].edit("household", self.next_id(), fields)

    @rule(
        data=st.data(), phone=st.sampled_from([n for n, _ in PHONES]), flags=st.sets(st.sampled_from(FLAGS))
    )
    def create_minor(self, data, phone, flags):
        households = self.phones[phone].live("household")
        if not households:
            return
        household_id = data.draw(st.sampled_from(households))
        fields = minor_fields(household_id, risk_flags={"add": sorted(flags), "remove": []})
        self.phones[phone].edit("minor", self.next_id(), fields)

    @rule(
        data=st.data(),
        phone=st.sampled_from([n for n, _ in PHONES]),
        entity=st.sampled_from(sorted(SCALARS)),
        value=st.integers(0, 2),
    )
    def edit_a_field(self, data, phone, entity, value):
        records = self.phones[phone].live(entity)
        if not records:
            return
        record_id = data.draw(st.sampled_from(records))
        name = data.draw(st.sampled_from(SCALARS[entity]))
        text = PHONE_NUMBERS[value % 2] if name == "phone" else TEXTS[value]
        if name == "address":
            text = f"红旗村{text}号"
        self.phones[phone].edit(entity, record_id, {name: text})

    @rule(
        data=st.data(),
        phone=st.sampled_from([n for n, _ in PHONES]),
        flag=st.sampled_from(FLAGS),
        add=st.booleans(),
    )
    def flag_a_minor(self, data, phone, flag, add):
        minors = self.phones[phone].live("minor")
        if not minors:
            return
        op = {"add": [flag], "remove": []} if add else {"add": [], "remove": [flag]}
        self.phones[phone].edit("minor", data.draw(st.sampled_from(minors)), {"risk_flags": op})

    @rule(data=st.data(), phone=st.sampled_from(["b", "c"]), grade=st.sampled_from(GRADES))
    def supervisor_grades_a_minor(self, data, phone, grade):
        phone = self.phones[phone]
        minors = phone.live("minor")
        if not minors:
            return
        phone.edit(
            "minor", data.draw(st.sampled_from(minors)), {"grade": grade, "grade_reason": f"评估为{grade}"}
        )

    @rule(data=st.data(), phone=st.sampled_from([n for n, _ in PHONES]))
    def delete_a_minor(self, data, phone):
        p = self.phones[phone]
        minors = [i for i in p.live("minor") if ("minor", i) in p.known]
        if minors:
            p.delete("minor", data.draw(st.sampled_from(minors)))

    # The network

    @precondition(lambda self: any(p.outbox for p in self.phones.values()))
    @rule(data=st.data(), phone=st.sampled_from([n for n, _ in PHONES]), loss=LOSS)
    def push(self, data, phone, loss):
        p = self.phones[phone]
        if not p.outbox:
            return
        count = data.draw(st.integers(1, len(p.outbox)), label="batch size")
        self._push(p, p.outbox[:count], loss)

    @rule(phone=st.sampled_from([n for n, _ in PHONES]), loss=LOSS, limit=st.sampled_from([2, 5, 500]))
    def pull(self, phone, loss, limit):
        p = self.phones[phone]
        if loss == "request":
            return
        page = p.http.pull_page(p.cursor, limit=limit)
        if loss != "response":
            p.take_page(page)

    def _push(self, phone: Phone, batch: list[dict], loss: str | None) -> None:
        if loss == "request":
            return
        batch = [dict(m, fields=dict(m["fields"])) if "fields" in m else dict(m) for m in batch]
        results = phone.http.push(*batch)
        for mutation, result in zip(batch, results, strict=True):
            phone.attempted.add(mutation["mid"])
            first = self.sent.get(mutation["mid"])
            if first is None:
                self.sent[mutation["mid"]] = Sent(mutation, phone.name, self.arrivals, result)
                self.arrivals += 1
            else:
                assert result == first.result, (
                    f"a replay was answered differently: {first.result} then {result}"
                )
        if loss == "response":
            note(f"phone {phone.name} lost the answer to {len(batch)} mutations")
            return
        for mutation, result in zip(batch, results, strict=True):
            original = next(m for m in phone.outbox if m["mid"] == mutation["mid"])
            phone.settle(original, result)

    def _pull_everything(self, phone: Phone) -> None:
        while True:
            page = phone.http.pull_page(phone.cursor, limit=500)
            phone.take_page(page)
            if not page["has_more"]:
                return

    # The end: everyone syncs, then nothing may be lost, duplicated or different

    def final_checks(self) -> None:
        for phone in self.phones.values():
            while phone.outbox:
                self._push(phone, list(phone.outbox), None)
        for phone in self.phones.values():
            self._pull_everything(phone)

        rejected = [(p.name, m, r["errors"]) for p in self.phones.values() for m, r in p.rejected]
        assert rejected == [], f"valid offline edits were rejected: {rejected}"

        truth = {}
        for username in {u for _, u in PHONES}:
            fresh = Device(self.client, _token_headers(username, f"fresh-{new_id()}"), new_id(), username)
            changes = fresh.pull_all()
            keys = [(c["entity"], c["id"]) for c in changes if c["entity"] in ("household", "minor")]
            assert len(keys) == len(set(keys)), "a first pull sent a record twice"
            truth[username] = {
                (c["entity"], c["id"]): {"version": c["version"], "deleted": c["deleted"], "data": c["data"]}
                for c in changes
                if c["entity"] in ("household", "minor")
            }
        for name, username in PHONES:
            known = {k: v for k, v in self.phones[name].known.items() if not v["deleted"]}
            expected = truth[username]
            assert sorted(known) == sorted(expected), f"phone {name} holds other records than the server"
            for key, record in expected.items():
                assert known[key] == record, f"phone {name} differs on {key}"

        self._check_nothing_duplicated()
        self._check_every_edit_is_kept_or_recorded(truth["admin"])
        self._check_sets_merge_in_arrival_order(truth["admin"])
        self._check_replays_change_nothing()

    def _check_nothing_duplicated(self) -> None:
        created = {
            (s.mutation["entity"], s.mutation["id"])
            for s in self.sent.values()
            if s.mutation.get("base_version") == 0 and s.result["status"] == "applied"
        }
        for entity, model in (("household", Household), ("minor", Minor)):
            ids = [i for e, i in created if e == entity]
            rows = self.session.scalar(sa.select(sa.func.count()).select_from(model).where(model.id.in_(ids)))
            assert rows == len(ids)

    def _check_every_edit_is_kept_or_recorded(self, final: dict) -> None:
        self.session.expire_all()
        discarded = {
            (c.entity, c.record_id, c.field, json.dumps(c.discarded_value, ensure_ascii=False))
            for c in self.session.scalars(sa.select(ConflictRecord))
        }
        ordered = sorted(self.sent.values(), key=lambda s: s.arrival)
        for sent in ordered:
            m = sent.mutation
            key = (m["entity"], m["id"])
            if m["op"] != "upsert" or sent.result["status"] == "rejected" or final.get(key) is None:
                continue
            for name, value in m["fields"].items():
                if name in SET_FIELDS or name == "household_id":
                    continue
                if final[key]["data"].get(name) == value:
                    continue
                if (m["entity"], m["id"], name, json.dumps(value, ensure_ascii=False)) in discarded:
                    continue
                seen_by_later = any(
                    (later.mutation["entity"], later.mutation["id"]) == key
                    and name in later.mutation.get("fields", {})
                    and later.arrival > sent.arrival
                    and later.result["status"] != "rejected"
                    and later.mutation["base_version"] >= (sent.result["version"] or 0)
                    for later in ordered
                )
                assert seen_by_later, (
                    f"{m['entity']} {m['id']}: {name}={value!r} from phone {sent.phone} ({sent.result['status']}) "
                    f"is neither kept ({final[key]['data'].get(name)!r}) nor in a conflict record; "
                    f"the record's history: {self._history(key)}"
                )

    def _history(self, key: tuple[str, str]) -> list[tuple]:
        return [
            (s.arrival, s.phone, s.mutation["op"], s.mutation["base_version"], s.mutation.get("fields"),
             s.result["status"], s.result["version"])
            for s in sorted(self.sent.values(), key=lambda s: s.arrival)
            if (s.mutation["entity"], s.mutation["id"]) == key
        ]  # fmt: skip

    def _check_sets_merge_in_arrival_order(self, final: dict) -> None:
        expected: dict[str, set[str]] = {k: set(v) for k, v in self.seeded_flags.items()}
        for sent in sorted(self.sent.values(), key=lambda s: s.arrival):
            m = sent.mutation
            op = m.get("fields", {}).get("risk_flags")
            if m["entity"] != "minor" or op is None or sent.result["status"] not in ("applied", "merged"):
                continue
            flags = expected.setdefault(m["id"], set())
            flags -= set(op.get("remove", []))
            flags |= set(op.get("add", []))
        for (entity, record_id), record in final.items():
            if entity == "minor" and not record["deleted"]:
                assert sorted(record["data"]["risk_flags"]) == sorted(expected.get(record_id, set())), (
                    self._history(("minor", record_id))
                )

    def _check_replays_change_nothing(self) -> None:
        def versions():
            self.session.expire_all()
            return {
                **dict(self.session.execute(sa.select(Household.id, Household.version)).all()),
                **dict(self.session.execute(sa.select(Minor.id, Minor.version)).all()),
            }

        before = versions()
        for phone in self.phones.values():
            mine = [s for s in self.sent.values() if s.phone == phone.name]
            if mine:
                results = phone.http.push(*[s.mutation for s in mine])
                assert results == [s.result for s in mine]
        assert versions() == before


def test_phones_converge_through_a_lossy_network(app):
    Convergence.app = app
    run_state_machine_as_test(
        Convergence,
        settings=settings(max_examples=25, stateful_step_count=25, deadline=None),
    )
