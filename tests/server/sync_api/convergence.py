"""Convergence through HTTP: phones edit offline and sync in random orders over a network that
loses requests and answers; in the end every phone holds the server's state and nothing typed
is lost or duplicated (DESIGN §5).

A lost request is never sent; a lost answer is sent and applied by the server, but the phone
does not hear of it and sends the same mutations again later. Supervisors move households
between the two grids of a village, so records leave one worker's scope and enter the other's.

``tests/server/sync_api/test_convergence.py`` runs this machine briefly on every test run;
``tests/bench/soak_sync.py`` runs it long.
"""

from __future__ import annotations

import json
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_jwt_extended import create_access_token
from flask_sqlalchemy.session import _app_ctx_id
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, precondition, rule
from sqlalchemy import orm as so

from server.core.extensions import db, limiter
from server.core.scope import Scope
from server.registry.models import Household, Minor
from server.sync_api.entities import ADAPTERS
from server.sync_api.models import ConflictRecord, QuarantinedMutation
from tests.factories import area, make_household, make_minor, user
from tests.server.sync_api.phones import SET_FIELDS, Phone
from tests.server.sync_api.wire import Device, household_fields, minor_fields, new_id, now_ms

# phone, user, home grid: a and d are the workers of the village's two grids.
PHONES = (
    ("a", "worker1", "V1G1W1"),
    ("b", "village1", "V1G1W1"),
    ("c", "admin", "V1G1W1"),
    ("d", "worker2", "V1G1W2"),
)
NAMES = [name for name, _, _ in PHONES]
SUPERVISORS = ["b", "c"]
GRIDS = ("V1G1W1", "V1G1W2")
TEXTS = ("甲", "乙", "丙")
PHONE_NUMBERS = ("13800000001", "13900000002")
FLAGS = ("neglect", "runaway", "bullying")
GRADES = ("blue", "yellow", "orange", "red")
SCALARS = {"household": ("address", "notes", "phone"), "minor": ("name", "school")}
LOSS = st.sampled_from([None, None, "request", "response"])
# Which of a phone's records a step touches: an index, so a printed schedule replays as it reads.
WHICH = st.integers(0, 7)
MODELS = {"household": Household, "minor": Minor}


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


@dataclass
class Sent:
    """One mutation as the server first answered it (the test sees answers the phone lost).

    ``since[f]``: the record version from which the server held this mutation's value of ``f``
    (earlier than ``result["version"]`` when the value was already there). ``why_rejected``:
    the reason the contract allows for a rejection, if there is one.
    """

    mutation: dict
    phone: str
    arrival: int
    result: dict
    since: dict[str, int] = field(default_factory=dict)
    why_rejected: str | None = None


class Convergence(RuleBasedStateMachine):
    app = None  # set by the test: the configured Flask app

    def __init__(self) -> None:
        super().__init__()
        self.stack = ExitStack()
        self.session = self.stack.enter_context(rolled_back(self.app))
        self.client = self.app.test_client()
        self.grids = {code: area(code) for code in GRIDS}
        # Ids and clocks are the example's own, so that hypothesis can replay and shrink it:
        # one shared clock, a millisecond a step, keeps every phone's HLC in step order.
        self.ids = 0
        self.wall_ms = now_ms()
        self.phones: dict[str, Phone] = {}
        self.users: dict[str, str] = {}
        for name, username, grid in PHONES:
            client_id = f"phone-{name}"
            http = Device(self.client, _token_headers(username, client_id), client_id, username, self.tick)
            self.phones[name] = Phone(name, http, self.grids[grid].id)
            self.users[name] = username
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

    @staticmethod
    def _pick(records: list[str], which: int) -> str | None:
        return records[which % len(records)] if records else None

    @rule(phone=st.sampled_from(NAMES), address=st.sampled_from(TEXTS))
    def create_household(self, phone, address):
        p = self.phones[phone]
        p.edit("household", self.next_id(), household_fields(p.home_grid, address=f"红旗村{address}号"))

    @rule(phone=st.sampled_from(NAMES), flags=st.sets(st.sampled_from(FLAGS)), which=WHICH)
    def create_minor(self, phone, flags, which):
        p = self.phones[phone]
        household_id = self._pick(p.live("household"), which)
        if household_id:
            fields = minor_fields(household_id, risk_flags={"add": sorted(flags), "remove": []})
            p.edit("minor", self.next_id(), fields)

    @rule(
        phone=st.sampled_from(NAMES),
        entity=st.sampled_from(sorted(SCALARS)),
        name=st.integers(0, 2),
        value=st.integers(0, 2),
        which=WHICH,
    )
    def edit_a_field(self, phone, entity, name, value, which):
        p = self.phones[phone]
        record_id = self._pick(p.live(entity), which)
        if record_id is None:
            return
        name = SCALARS[entity][name % len(SCALARS[entity])]
        text = PHONE_NUMBERS[value % 2] if name == "phone" else TEXTS[value]
        if name == "address":
            text = f"红旗村{text}号"
        p.edit(entity, record_id, {name: text})

    @rule(phone=st.sampled_from(NAMES), flag=st.sampled_from(FLAGS), add=st.booleans(), which=WHICH)
    def flag_a_minor(self, phone, flag, add, which):
        p = self.phones[phone]
        minor_id = self._pick(p.live("minor"), which)
        if minor_id:
            p.edit(
                "minor",
                minor_id,
                {"risk_flags": {"add": [flag], "remove": []} if add else {"add": [], "remove": [flag]}},
            )

    @rule(phone=st.sampled_from(SUPERVISORS), grade=st.sampled_from(GRADES), which=WHICH)
    def supervisor_grades_a_minor(self, phone, grade, which):
        p = self.phones[phone]
        minor_id = self._pick(p.live("minor"), which)
        if minor_id:
            p.edit("minor", minor_id, {"grade": grade, "grade_reason": f"评估为{grade}"})

    @rule(phone=st.sampled_from(SUPERVISORS), grid=st.sampled_from(GRIDS), which=WHICH)
    def supervisor_moves_a_household(self, phone, grid, which):
        p = self.phones[phone]
        household_id = self._pick(p.live("household"), which)
        if household_id:
            p.edit("household", household_id, {"grid_id": self.grids[grid].id})

    @rule(phone=st.sampled_from(NAMES), which=WHICH)
    def delete_a_minor(self, phone, which):
        p = self.phones[phone]
        minor_id = self._pick([i for i in p.live("minor") if ("minor", i) in p.known], which)
        if minor_id:
            p.delete("minor", minor_id)

    @rule(phone=st.sampled_from(NAMES), which=WHICH)
    def delete_a_household(self, phone, which):
        p = self.phones[phone]
        household_id = self._pick(p.empty_households(), which)
        if household_id:
            p.delete("household", household_id)

    # The network

    @precondition(lambda self: any(p.outbox for p in self.phones.values()))
    @rule(phone=st.sampled_from(NAMES), loss=LOSS, count=st.integers(1, 20))
    def push(self, phone, loss, count):
        p = self.phones[phone]
        if p.outbox:
            self._push(p, p.outbox[:count], loss)

    @rule(phone=st.sampled_from(NAMES), loss=LOSS, limit=st.sampled_from([2, 5, 500]))
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
        before = self._server_states({(m["entity"], m["id"]) for m in batch})
        results = phone.http.push(*batch)
        first_time = []
        for mutation, result in zip(batch, results, strict=True):
            phone.attempted.add(mutation["mid"])
            first = self.sent.get(mutation["mid"])
            if first is None:
                sent = self.sent[mutation["mid"]] = Sent(mutation, phone.name, self.arrivals, result)
                self.arrivals += 1
                first_time.append(sent)
            else:
                assert result == first.result, (
                    f"a replay was answered differently: {first.result} then {result}"
                )
        self._follow_the_batch(before, first_time)
        if loss == "response":
            return
        for mutation, result in zip(batch, results, strict=True):
            original = next(m for m in phone.outbox if m["mid"] == mutation["mid"])
            phone.settle(original, result)

    def _server_states(self, keys) -> dict[tuple[str, str], dict | None]:
        """Each record's values and field versions as the server holds them now."""
        self.session.expire_all()
        states = {}
        for entity, record_id in keys:
            record = self.session.get(MODELS[entity], record_id)
            state = ADAPTERS[entity].state(record) if record is not None else None
            states[(entity, record_id)] = state and {
                name: (value, state.field_versions.get(name)) for name, value in state.values.items()
            }
        return states

    def _follow_the_batch(self, before: dict, batch: list[Sent]) -> None:
        """Note, mutation by mutation, what the oracle needs at the end, and check the batch.

        From the state before the batch and the answers (a value is written unless a conflict
        record discards it) follows the state before each mutation: where a field already held
        the value sent, it has held it since its own version (``Sent.since``). The values this
        predicts for the end of the batch must be the server's.
        """
        states = {key: dict(state) if state else None for key, state in before.items()}
        ids = [i for sent in batch for i in sent.result["conflict_ids"]]
        recorded = self.session.scalars(sa.select(ConflictRecord).where(ConflictRecord.id.in_(ids)))
        discarded = {(c.mid, c.field): c.discarded_value for c in recorded}
        touched = set()
        for sent in batch:
            m, version = sent.mutation, sent.result["version"]
            key = (m["entity"], m["id"])
            if sent.result["status"] == "rejected" or m["op"] != "upsert":
                continue
            state = states.get(key)
            if state is None:
                state = states[key] = {}
            for name, value in m["fields"].items():
                if name in SET_FIELDS:
                    continue
                held_value, held_since = state.get(name, (None, None))
                if held_since is not None and held_value == value:
                    sent.since[name] = held_since
                    continue
                sent.since[name] = version
                if (m["mid"], name) not in discarded or discarded[(m["mid"], name)] != value:
                    state[name] = (value, version)
                    touched.add((key, name))
        # Values only: a mutation that also sets the grade takes two versions, its answer names the last.
        after = self._server_states({key for key, _ in touched})
        for key, name in touched:
            assert after[key][name][0] == states[key][name][0], (
                f"{key}: the server holds {name}={after[key][name][0]!r} after a batch whose answers say "
                f"{states[key][name][0]!r}; the record's history: {self._history(key)}"
            )
        for sent in batch:
            if sent.result["status"] == "rejected":
                m = sent.mutation
                sent.why_rejected = self._why_rejected(sent, self.session.get(MODELS[m["entity"]], m["id"]))

    def _why_rejected(self, sent: Sent, record) -> str | None:
        """The contract's reason for a rejection (DESIGN §5: out of scope, invalid after merge)."""
        m, errors = sent.mutation, sent.result["errors"]
        scope = Scope.of(user(self.users[sent.phone]))
        if record is not None and not scope.covers(record.area_path) and "id" in errors:
            return "the record had left the phone's scope"
        if (
            record is None
            and m["op"] == "upsert"
            and m["entity"] == "minor"
            and set(errors) == {"household_id"}
        ):
            household = self.session.get(Household, m["fields"].get("household_id"))
            if household is None or household.deleted or not scope.covers(household.area_path):
                return "its household was deleted or had left the phone's scope"
        if m["entity"] == "household" and m["op"] == "delete" and set(errors) == {"_schema"}:
            members = sa.select(Minor.id).where(Minor.household_id == m["id"], Minor.deleted_at.is_(None))
            if self.session.scalars(members).first() is not None:
                return "the household still had a minor"
        if record is None and any(
            s.result["status"] == "rejected"
            and (s.mutation["entity"], s.mutation["id"]) == (m["entity"], m["id"])
            for s in self.sent.values()
            if s.arrival < sent.arrival
        ):
            return "an edit of a record whose creation was rejected"
        return None

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

        self._check_rejections_are_the_contracts_and_quarantined()
        truth = {}
        for username in set(self.users.values()):
            fresh = Device(self.client, _token_headers(username, f"fresh-{new_id()}"), new_id(), username)
            changes = fresh.pull_all()
            keys = [(c["entity"], c["id"]) for c in changes if c["entity"] in MODELS and not c["deleted"]]
            assert len(keys) == len(set(keys)), "a first pull sent a record twice"
            # A first pull also names records that left the scope (removals); the device holds none.
            truth[username] = {
                (c["entity"], c["id"]): {"version": c["version"], "deleted": False, "data": c["data"]}
                for c in changes
                if c["entity"] in MODELS and not c["deleted"]
            }
        for name, username in self.users.items():
            known = {k: v for k, v in self.phones[name].known.items() if not v["deleted"]}
            expected = truth[username]
            assert sorted(known) == sorted(expected), (
                f"phone {name} holds other records than the server: it lacks {sorted(expected.keys() - known.keys())} "
                f"and has {sorted(known.keys() - expected.keys())} too many"
            )
            for key, record in expected.items():
                assert known[key] == record, f"phone {name} differs on {key}"

        self._check_nothing_duplicated()
        self._check_every_edit_is_kept_or_recorded(truth["admin"])
        self._check_sets_merge_in_arrival_order(truth["admin"])
        self._check_replays_change_nothing()

    def _check_rejections_are_the_contracts_and_quarantined(self) -> None:
        rejected = [s for s in self.sent.values() if s.result["status"] == "rejected"]
        unexplained = [(s.phone, s.mutation, s.result["errors"]) for s in rejected if s.why_rejected is None]
        assert unexplained == [], f"valid offline edits were rejected: {unexplained}"
        self.session.expire_all()
        quarantined = set(
            self.session.execute(sa.select(QuarantinedMutation.client_id, QuarantinedMutation.mid))
        )
        for s in rejected:
            assert (self.phones[s.phone].http.client_id, s.mutation["mid"]) in quarantined, s.mutation

    def _check_nothing_duplicated(self) -> None:
        created = {
            (s.mutation["entity"], s.mutation["id"])
            for s in self.sent.values()
            if s.mutation.get("base_version") == 0 and s.result["status"] == "applied"
        }
        for entity, model in MODELS.items():
            ids = [i for e, i in created if e == entity]
            rows = self.session.scalar(sa.select(sa.func.count()).select_from(model).where(model.id.in_(ids)))
            assert rows == len(ids)

    def _check_every_edit_is_kept_or_recorded(self, final: dict) -> None:
        """Every value sent is the final one, or in a conflict record, or was replaced by an edit
        whose base already held it (§5: a field unchanged since the base is simply applied)."""
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
                    and later.mutation["base_version"] >= sent.since[name]
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
