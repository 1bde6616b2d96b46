"""What the convergence machine checks (DESIGN §5): after every batch, that the server holds
what its answers say; at the end, that every phone holds the server's state, that nothing typed
was lost or duplicated, that every rejection is one the contract allows and is in quarantine,
and that replays change nothing.

``Oracle`` is a mixin of ``Convergence`` (tests/server/sync_api/convergence.py): it reads the
machine's ``session``, ``client``, ``phones``, ``users``, ``sent`` and ``seeded_flags``, and
syncs through its ``_push`` and ``_pull_everything``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_jwt_extended import create_access_token

from server.core.scope import Scope
from server.registry.models import Household, Minor
from server.sync_api.entities import ADAPTERS
from server.sync_api.models import ConflictRecord, QuarantinedMutation
from tests.factories import user
from tests.server.sync_api.phones import SET_FIELDS
from tests.server.sync_api.wire import Device, new_id

MODELS = {"household": Household, "minor": Minor}


def token_headers(username: str, client_id: str) -> dict:
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


class Oracle:
    """The checks; the machine calls ``_server_states`` and ``_follow_the_batch`` around each push."""

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
            fresh = Device(self.client, token_headers(username, f"fresh-{new_id()}"), new_id(), username)
            changes = fresh.pull_all()
            keys = [(c["entity"], c["id"]) for c in changes if c["entity"] in MODELS and not c["deleted"]]
            assert len(keys) == len(set(keys)), "a first pull sent a record twice"
            assert not [c for c in changes if c["deleted"]], (
                "a first pull sent removals: it has nothing to drop"
            )
            truth[username] = {
                (c["entity"], c["id"]): {"version": c["version"], "deleted": False, "data": c["data"]}
                for c in changes
                if c["entity"] in MODELS
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
            (
                s.arrival,
                s.phone,
                s.mutation["op"],
                s.mutation["base_version"],
                s.mutation.get("fields"),
                s.result["status"],
                s.result["version"],
            )
            for s in sorted(self.sent.values(), key=lambda s: s.arrival)
            if (s.mutation["entity"], s.mutation["id"]) == key
        ]

    def _check_sets_merge_in_arrival_order(self, final: dict) -> None:
        expected: dict[str, set[str]] = {k: set(v) for k, v in self.seeded_flags.items()}
        for sent in sorted(self.sent.values(), key=lambda s: s.arrival):
            m = sent.mutation
            op = m.get("fields", {}).get("risk_flags")
            # A "conflict" answer kept some other field's losing value for review, but its set
            # operations were merged all the same (DESIGN §5: sets never conflict). Only an edit
            # of a deleted record applies nothing, and a deleted record is not checked below.
            if m["entity"] != "minor" or op is None or sent.result["status"] == "rejected":
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
