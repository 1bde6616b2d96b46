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

from contextlib import ExitStack

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, precondition, rule

from tests.db import rolled_back
from tests.factories import area, make_household, make_minor
from tests.server.sync_api.oracle import Oracle, Sent, token_headers
from tests.server.sync_api.phones import Phone
from tests.server.sync_api.wire import Device, household_fields, minor_fields, now_ms

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


class Convergence(RuleBasedStateMachine, Oracle):
    app = None  # set by the test: the configured Flask app
    started = 0  # schedules begun, for the soak's count

    def __init__(self) -> None:
        super().__init__()
        type(self).started += 1
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
            http = Device(self.client, token_headers(username, client_id), client_id, username, self.tick)
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
        name=st.integers(0, 5),  # 6 divides evenly among 3 household fields and 2 minor fields
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

    def _pull_everything(self, phone: Phone) -> None:
        while True:
            page = phone.http.pull_page(phone.cursor, limit=500)
            phone.take_page(page)
            if not page["has_more"]:
                return
